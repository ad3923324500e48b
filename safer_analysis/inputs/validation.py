"""Reading CSV files cell by cell against a declared schema, with errors a person can act on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from safer_analysis.errors import MAX_LISTED, DataValidationError, Problem  # noqa: F401 - named here too
from safer_analysis.inputs.money import MoneyError, parse_amount
from safer_analysis.inputs.years import FinancialYear, FinancialYearError


class CellError(ValueError):
    """Raised by a cell parser; the message says what was expected."""


Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    """A column of an input file: its name, how to read a cell, whether it may be blank, and
    whether the whole column may be left out (``absent_ok``: a column added after projects were
    made, read as blank where an older file has no such column)."""

    name: str
    parse: Parser = field(default=lambda text: text)
    required: bool = True
    unique: bool = False
    absent_ok: bool = False


# ---- cell parsers -------------------------------------------------------------------------


def text(value: str) -> str:
    return value


def financial_year(value: str) -> str:
    try:
        return FinancialYear.parse(value).label
    except FinancialYearError as exc:
        raise CellError(str(exc)) from None


def amount(value: str) -> float | None:
    """An amount of money; blank, Tbc and Awaiting confirmation read as unknown (None)."""
    try:
        return parse_amount(value).pounds
    except MoneyError as exc:
        raise CellError(str(exc)) from None


def pending_note(value: str) -> str | None:
    try:
        return parse_amount(value).pending
    except MoneyError as exc:
        raise CellError(str(exc)) from None


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    def parse(value: str) -> int:
        if not re.fullmatch(r"-?\d+", value):
            raise CellError(f"expected a whole number, found {value!r}")
        number = int(value)
        if minimum is not None and number < minimum or maximum is not None and number > maximum:
            raise CellError(f"expected a whole number from {minimum} to {maximum}, found {number}")
        return number

    return parse


def number(minimum: float | None = None) -> Parser:
    def parse(value: str) -> float:
        text = value.strip()
        if not re.fullmatch(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?", text) or not re.search(r"\d", text):
            raise CellError(f"expected a number, found {value!r}")
        result = float(text.replace(",", ""))
        if not math.isfinite(result):  # 1e400
            raise CellError(f"expected a finite number, found {value!r}")
        if minimum is not None and result < minimum:
            raise CellError(f"expected a number of at least {minimum}, found {value!r}")
        return result

    return parse


def one_of(choices: Iterable[str]) -> Parser:
    allowed = list(choices)

    def parse(value: str) -> str:
        if value not in allowed:
            raise CellError(f"expected one of {', '.join(repr(c) for c in allowed)}; found {value!r}")
        return value

    return parse


def year_month(value: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError(f"expected a month as YYYY-MM, e.g. 2019-12; found {value!r}")
    return value


def crime_type_list(value: str) -> tuple[str, ...]:
    """police.uk crime types separated by ``;``, each matched in any case and spacing."""
    from safer_analysis.inputs.police_uk.common import CRIME_TYPES

    known = {" ".join(t.lower().split()): t for t in CRIME_TYPES}
    out = []
    for part in (p.strip() for p in value.split(";")):
        if " ".join(part.lower().split()) not in known:
            raise CellError(f"expected police.uk crime types separated by ';' (Drugs; Shoplifting); found {part!r}")
        out.append(known[" ".join(part.lower().split())])
    return tuple(out)


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CellError(f"expected a date as YYYY-MM-DD; found {value!r}") from None


def key(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", value):
        raise CellError(f"expected a key of lower-case letters, digits and underscores; found {value!r}")
    return value


def key_list(value: str) -> tuple[str, ...]:
    return tuple(key(part.strip()) for part in value.split(";"))


def yes_no(value: str) -> bool:
    lowered = value.lower()
    if lowered not in {"yes", "no"}:
        raise CellError(f"expected 'yes' or 'no'; found {value!r}")
    return lowered == "yes"


# ---- reading a file -----------------------------------------------------------------------


#: Characters no cell should hold: control characters other than tab and line breaks (which a
#: quoted cell may hold), as copying out of a document or a terminal sometimes leaves in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_problem(raw: str, found: re.Match) -> str:
    at = found.start()
    return (
        f"a control character (U+{ord(found.group()):04X}) at character {at + 1} of {raw!r}, which no page can "
        "show: delete it (copying out of a document or a terminal can leave one)"
    )


def _decode(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte-order mark), or, failing that, Windows-1252,
    which Excel's plain "CSV" format writes (a pound sign is then byte A3): read right either way.
    Bytes that are neither are refused, naming the row and column they are in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first = exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        start = exc.start
    row = data[:start].count(b"\n") + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    prefix = data[line_start:start].decode("cp1252", errors="replace")
    header = next(csv.reader([data[: data.find(b"\n")].decode("cp1252", errors="replace")]), [])
    cell = len(next(csv.reader([prefix]), [""])) - 1 if prefix else 0
    column = header[cell].strip() if 0 <= cell < len(header) else None
    raise DataValidationError(
        [
            Problem(
                name,
                row,
                column,
                f"not UTF-8 or Windows-1252 text ({first.reason} at byte {start}): save it as 'CSV UTF-8'",
            )
        ]
    ) from None


def _near_miss(name: str, others: list[str]) -> str | None:
    """A header cell that is ``name`` written another way ("Preferred option", "preferred-option"
    for ``preferred_option``), or None. Only case, spaces and punctuation differ: an analyst's own
    extra column with a name of its own is left alone."""

    def plain(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")

    return next((other for other in others if plain(other) == name), None)


def read_table(path: Path, columns: Sequence[Column], *, label: str | None = None) -> pd.DataFrame:
    """Read ``path`` as UTF-8 CSV and parse every cell by its column; raise one error for all faults.

    Extra columns are kept as text. Row numbers in errors count the header as row 1.
    """
    name = label or str(path)
    try:
        records = list(csv.reader(io.StringIO(_decode(Path(path).read_bytes(), name), newline=""), strict=True))
    except FileNotFoundError:
        raise DataValidationError([Problem(name, None, None, "file not found")]) from None
    except IsADirectoryError:
        raise DataValidationError([Problem(name, None, None, "a folder, not a file: expected a CSV file")]) from None
    except OSError as exc:
        raise DataValidationError([Problem(name, None, None, f"cannot be read ({exc.strerror or exc})")]) from None
    except csv.Error as exc:
        raise DataValidationError([Problem(name, None, None, f"not valid CSV: {exc}")]) from None

    if not records or not any(cell.strip() for cell in records[0]):
        raise DataValidationError([Problem(name, 1, None, "the file is empty: expected a header row")])
    header = [cell.strip() for cell in records[0]]
    problems: list[Problem] = []
    known = {c.name for c in columns}
    for column in columns:
        if column.name in header:
            continue
        near = _near_miss(column.name, [h for h in header if h not in known])
        if near:  # written another way: read as it stands, the column would be lost without a word
            problems.append(
                Problem(
                    name, 1, column.name, f"column is missing from the header; found {near!r}: name it {column.name}"
                )
            )
        elif not column.absent_ok:
            problems.append(Problem(name, 1, column.name, "column is missing from the header"))
    duplicated = {h for h in header if header.count(h) > 1}
    for column_name in sorted(duplicated):
        problems.append(Problem(name, 1, column_name, "column appears more than once"))
    if problems:
        raise DataValidationError(problems)

    index = {h: i for i, h in enumerate(header)}
    extras = [h for h in header if h not in known and h]
    data: dict[str, list[Any]] = {c.name: [] for c in columns}
    data.update({h: [] for h in extras})
    rows: list[int] = []
    seen: dict[str, dict[Any, int]] = {c.name: {} for c in columns if c.unique}
    for offset, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            problems.append(Problem(name, offset, None, f"expected {len(header)} cells, found {len(record)}"))
            continue
        rows.append(offset)
        for col in columns:
            raw = record[index[col.name]].strip() if col.name in index else ""
            value: Any = None
            control = _CONTROL.search(raw)
            if control:
                problems.append(Problem(name, offset, col.name, _control_problem(raw, control)))
            elif raw == "":
                if col.required:
                    problems.append(Problem(name, offset, col.name, "a value is required here"))
            else:
                try:
                    value = col.parse(raw)
                except CellError as exc:
                    problems.append(Problem(name, offset, col.name, str(exc)))
            data[col.name].append(value)
            if col.unique and value is not None:
                first = seen[col.name].setdefault(value, offset)
                if first != offset:
                    problems.append(
                        Problem(name, offset, col.name, f"duplicate {value!r}: already used in row {first}")
                    )
        for extra in extras:
            data[extra].append(record[index[extra]].strip())
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame(data, index=pd.Index(rows, name="source_row"))
    return frame


def require(problems: list[Problem]) -> None:
    """Raise the collected problems, if any."""
    if problems:
        raise DataValidationError(problems)
