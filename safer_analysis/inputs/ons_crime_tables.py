"""ONS's tables of police recorded crime by Community Safety Partnership: read and check one.

ONS publishes, with each quarter's crime statistics, "Police force area data tables": a workbook
whose tables C2 and C5 give the number of crimes in each of 22 headline offence groups (and
their total, excluding fraud) for every partnership of England and Wales in a year and the year
before, and whose table C4 gives the rates per 1,000 people (residential burglary also per 1,000
households) with the populations used. :func:`read_tables` reads those tables from the workbook
as downloaded, or one of them saved as CSV (title rows above the header, headers broken over
lines, numbers written ``"15,974 "``, ``[x]`` where ONS gives no figure), recognises each table's
twelve months from its title ("year ending December 2024") and checks it: every row a force
total, a partnership (E22 or W14 code) or a row of crimes not assigned to a partnership
("Unassigned Kent", "Manchester Airport"), and every force's rows adding up to its total.
Anything else is refused with one line naming the file, row and column
(:class:`~safer_analysis.inputs.validation.DataValidationError`, exit 3).

The tables' own quirks are handled, and said: a note marker in a force name
(``Leicestershire [note 4]``), a row carrying another force's code (``Unassigned Gwent`` with
South Wales's, counted in the force its name gives, which is where its crimes add up), a row with
no count (``unassigned Surrey``), City of London, a force of one partnership, with no force row.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.validation import DataValidationError, Problem

TOTAL = "Total recorded crime (excluding fraud)"
_VIOLENCE, _THEFT, _BURGLARY = "Violence against the person", "Theft offences", "Burglary"
#: ONS's headline offence groups, each with the group it is part of ("" for the total).
OFFENCE_GROUPS: dict[str, str] = {
    TOTAL: "",
    _VIOLENCE: TOTAL,
    "Homicide": _VIOLENCE,
    "Death or serious injury caused by illegal driving": _VIOLENCE,
    "Violence with injury": _VIOLENCE,
    "Violence without injury": _VIOLENCE,
    "Stalking and harassment": _VIOLENCE,
    "Sexual offences": TOTAL,
    "Robbery": TOTAL,
    _THEFT: TOTAL,
    _BURGLARY: _THEFT,
    "Residential burglary": _BURGLARY,
    "Non-residential burglary": _BURGLARY,
    "Vehicle offences": _THEFT,
    "Theft from the person": _THEFT,
    "Bicycle theft": _THEFT,
    "Shoplifting": _THEFT,
    "All other theft offences": _THEFT,
    "Criminal damage and arson": TOTAL,
    "Drug offences": TOTAL,
    "Possession of weapons offences": TOTAL,
    "Public order offences": TOTAL,
    "Miscellaneous crimes against society": TOTAL,
}
RESIDENTIAL = "Residential burglary"
#: The kinds of row a table holds.
FORCE, PARTNERSHIP, UNASSIGNED = "force", "partnership", "unassigned"

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_PERIOD = re.compile(r"year\s+ending\s+([A-Za-z]+)\s+(\d{4})", re.IGNORECASE)
_TABLE = re.compile(r"^\s*Table\s+([A-Z]+\s?\d+)\s*:", re.IGNORECASE)
_NOTE = re.compile(r"\[\s*notes?[^\]]*\]", re.IGNORECASE)
_FORCE_CODE = re.compile(r"^[EW](23|15)\d{6}$")
_CSP_CODE = re.compile(r"^(E22|W14)\d{6}$")
_MARKER = re.compile(r"^\[[a-z0-9 ]*\]$", re.IGNORECASE)  # [x], [u1], [c], [z]: no figure
_ID_COLUMNS = {
    "police force area code": "force_code",
    "police force area name": "force",
    "community safety partnership code": "csp_code",
    "community safety partnership name": "csp_name",
    "local authority code": "",  # read, not kept: Table C1 lists the authorities of a partnership
    "local authority name": "",
}
_HEADER_SEARCH = 40  # rows to look through for the header


def norm(text: object) -> str:
    """A header or name as compared: note markers out, spaces and line breaks collapsed, lower case."""
    return " ".join(_NOTE.sub(" ", str(text or "")).split()).casefold()


def clean(text: object) -> str:
    """A name as kept: note markers out and spaces collapsed (``'Leicestershire [note 4]'`` is Leicestershire)."""
    return " ".join(_NOTE.sub(" ", str(text or "")).replace("\xa0", " ").split())


def period_label(period_end: str) -> str:
    """``'2024-12'`` is ``'year ending December 2024'``."""
    year, month = period_end.split("-")
    return f"year ending {MONTHS[int(month) - 1].capitalize()} {year}"


@dataclass
class Table:
    """One ONS table of recorded crime by partnership, read and checked.

    ``frame`` has a row per row of the table that holds figures: ``level`` (force, partnership or
    unassigned), ``force_code``, ``force``, ``csp_code``, ``csp_name``, ``row`` (its row in the
    file), and one column per offence group (counts, or rates per 1,000 people), with
    ``population``, ``households`` and ``household_rate`` (residential burglary per 1,000
    households) in a rates table.
    """

    path: Path
    name: str  # "Table C2"
    kind: str  # "counts" or "rates"
    period_end: str  # "2024-12"
    title: str
    frame: pd.DataFrame
    population_mid_year: int | None = None
    notes: list[str] = field(default_factory=list)  # the quirks handled, each naming its row
    sheet: str = ""  # the workbook's sheet; blank for a CSV file

    @property
    def where(self) -> str:
        return f"{self.path.name}, {self.name}"

    def describe(self) -> str:
        levels = self.frame["level"].value_counts()
        what = "counts" if self.kind == "counts" else "rates per 1,000 people"
        return (
            f"{self.name} ({what}, {period_label(self.period_end)}): {levels.get(PARTNERSHIP, 0)} partnerships, "
            f"{levels.get(FORCE, 0)} force totals, {levels.get(UNASSIGNED, 0)} rows not assigned to a partnership"
        )


def _bad(where: str | Path, message: str, row: int | None = None, column: str | None = None) -> DataValidationError:
    """Bad input data, one line: ``where`` is the file (and the table, for a sheet of a workbook)."""
    return DataValidationError([Problem(str(where), row, column, message)])


# --- the file: a workbook or a CSV file, as rows of cells ------------------------------------------------------


def _workbook_sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple]]]:
    """Each sheet of an .xlsx workbook as its rows of values (cached values, not formulas)."""
    import openpyxl  # a build never needs it; only reading a workbook does

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _bad(
            path, f"not an Excel workbook that can be read ({exc}); expected ONS's .xlsx as downloaded"
        ) from None
    try:
        for sheet in book.worksheets:
            yield sheet.title.strip(), sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _csv_rows(path: Path) -> list[tuple]:
    """A CSV file's records (a header cell may hold line breaks), as UTF-8, else as Excel's Windows-1252."""
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise _bad(path, "not a CSV file (it holds binary data); expected ONS's .xlsx workbook or one table as CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        return [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise _bad(path, f"not a CSV file that can be read ({exc})") from None


def _sheets(path: Path) -> Iterator[tuple[str, Iterable[tuple]]]:
    if not path.is_file():
        raise ParameterError(
            f"{path}: no such file; give ONS's police force area data tables workbook or a table as CSV"
        )
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        yield from _workbook_sheets(path)
    elif magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise _bad(path, "an old-style .xls workbook; ONS publishes these tables as .xlsx: open it and save as .xlsx")
    else:
        yield "", _csv_rows(path)


# --- one table --------------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("\xa0", " ").strip()


def _find_header(rows: Sequence[tuple]) -> int | None:
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        cells = {norm(c) for c in row}
        if "police force area code" in cells and "community safety partnership code" in cells:
            return i
    return None


def _title(rows: Sequence[tuple], header: int) -> tuple[str, str]:
    """The title above the header (the row naming the period), and the table's name from it."""
    for row in rows[:header]:
        for value in row:
            text = _cell(value)
            if _PERIOD.search(text):
                found = _TABLE.match(text)
                name = f"Table {found.group(1).replace(' ', '').upper()}" if found else "the table"
                return " ".join(text.split()), name
    return "", "the table"


def _kind(title: str) -> str:
    low = title.lower()
    if "percentage change" in low or "% change" in low:
        return "change"
    if re.search(r"\brate\b", low):
        return "rates"
    if re.search(r"\bnumber of\b", low):
        return "counts"
    return ""


def _period(where: str, title: str, header_row: int) -> str:
    """The one period a title names, as YYYY-MM."""
    found = _PERIOD.findall(title)
    if not found:
        raise _bad(
            where,
            "no title naming the period above the header (as ONS writes it: '... year ending December 2024'); "
            "keep the title rows when saving a table as CSV",
            header_row,
        )
    month, year = found[-1]
    names = [m[:3] for m in MONTHS]
    if month[:3].lower() not in names or (len(month) > 3 and month.lower() not in MONTHS):
        raise _bad(where, f"the title's period 'year ending {month} {year}' names no month", header_row)
    return f"{year}-{names.index(month[:3].lower()) + 1:02d}"


def _columns(where: str, header: tuple, kind: str, row: int) -> tuple[dict[int, str], int | None]:
    """Which column holds what: id columns, offence groups, population; the population's mid-year."""
    wanted = {norm(g): g for g in OFFENCE_GROUPS}
    found: dict[int, str] = {}
    mid_year = None
    for i, value in enumerate(header):
        text = norm(value)
        if not text:
            continue
        if text in _ID_COLUMNS:
            if _ID_COLUMNS[text]:
                found[i] = _ID_COLUMNS[text]
        elif text in wanted:
            found[i] = wanted[text]
        elif kind == "rates" and text.startswith("population figure"):
            found[i] = "population"
            year = re.search(r"mid-?\s*(\d{4})", text)
            mid_year = int(year.group(1)) if year else None
        elif kind == "rates" and text.startswith("household figure"):
            found[i] = "households"
        elif kind == "rates" and text.startswith("residential burglary (per 1,000 pop"):
            found[i] = RESIDENTIAL
        elif kind == "rates" and text.startswith("residential burglary (per 1,000 house"):
            found[i] = "household_rate"
        else:
            raise _bad(where, f"a column ONS's table of {kind} by partnership does not have", row, clean(value))
    needed = list(_ID_COLUMNS.values())[:4] + list(OFFENCE_GROUPS)
    if kind == "rates":
        needed += ["population", "households", "household_rate"]
    missing = [n for n in needed if n not in found.values()]
    if missing:
        raise _bad(where, f"the header has no column {missing[0]!r} (expected ONS's table of {kind})", row)
    twice = [n for n in set(found.values()) if list(found.values()).count(n) > 1]
    if twice:
        raise _bad(where, f"the header has the column {twice[0]!r} twice", row)
    return found, mid_year


def _number(text: str) -> float | None:
    """A figure as written (``15974``, ``"15,974 "``, ``(12)``), or None for a blank or ``[x]``; ValueError else."""
    text = text.replace(",", "").replace(" ", "")
    if not text or _MARKER.match(text) or text in {":", "..", "-", "–"}:
        return None
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    return float(text)


def _decimals(value: object) -> int | None:
    """How many decimals a figure written as text shows (None for a number read from a workbook, or no figure)."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace(",", "")
    try:
        _number(text)
    except ValueError:
        return None
    if not text or _MARKER.match(text):
        return None
    return len(text.split(".", 1)[1]) if "." in text else 0


def read_table(path: Path, rows: Iterable[tuple], sheet: str = "") -> Table | None:
    """The table in ``rows`` (one sheet or one CSV file), checked; None when the rows hold no table of
    recorded crime by partnership (or only its percentage changes, Table C3). Rows past the first
    few are read only from a sheet that holds such a table."""
    rows = iter(rows)
    head = list(itertools.islice(rows, _HEADER_SEARCH))
    header = _find_header(head)
    if header is None:
        return None
    title, name = _title(head, header)
    if sheet and name == "the table":
        name = sheet
    kind = _kind(title)
    if kind == "change":
        return None
    where = f"{path}, {name}" if sheet else str(path)
    if not kind:
        raise _bad(
            where,
            f"the title {title[:80]!r} names neither a number of crimes nor a rate per 1,000"
            if title
            else "no title naming the table and its period above the header; keep the title rows when saving as CSV",
            header if title else header + 1,
        )
    period = _period(where, title, header + 1)
    rows = head + list(rows)
    columns, mid_year = _columns(where, rows[header], kind, header + 1)
    names = {v: clean(rows[header][i]) for i, v in columns.items()}
    records, problems, decimals = [], [], {}
    for r in range(header + 1, len(rows)):
        cells = {v: rows[r][i] if i < len(rows[r]) else None for i, v in columns.items()}
        if not any(_cell(c) for c in rows[r]):
            continue
        record = _record(where, r + 1, cells, names, kind)
        if isinstance(record, Problem):
            problems.append(record)
            continue
        for column, value in cells.items():
            places = _decimals(value)
            if places is not None and column not in ("force_code", "force", "csp_code", "csp_name"):
                decimals[column] = max(decimals.get(column, 0), places)
        records.append(record)
    first: dict[tuple[str, str], int] = {}
    for record in records:
        key = (record["csp_code"] or norm(record["csp_name"]) or record["force_code"], record["level"])
        if key in first:
            what = record["csp_name"] or record["force"]
            message = f"{what} appears twice, at rows {first[key]} and {record['row']}"
            problems.append(
                Problem(where, record["row"], names["csp_code" if record["csp_code"] else "csp_name"], message)
            )
        first.setdefault(key, record["row"])
    if problems:
        raise DataValidationError(problems)
    if not records:
        raise _bad(where, "the header of a table of recorded crime by partnership, but no row below it", header + 1)
    notes = _assign_forces(where, records)
    frame = pd.DataFrame(records)
    frame.attrs["decimals"] = decimals
    table = Table(path, name, kind, period, title, frame, mid_year, notes, sheet)
    if kind == "counts":
        _check_sums(where, table)
    else:
        _check_populations(where, table)
    return table


def _record(where: str, row: int, cells: dict[str, object], names: dict[str, str], kind: str) -> dict | Problem:
    """One row of figures, or the first problem in it."""
    force_code, force = _cell(cells["force_code"]), clean(cells["force"])
    csp_code, csp_name = _cell(cells["csp_code"]), clean(cells["csp_name"])
    if not _FORCE_CODE.match(force_code):
        message = f"expected a police force area code (E23 or W15 and six digits), found {force_code!r}"
        return Problem(where, row, names["force_code"], message)
    if not force:
        return Problem(where, row, names["force"], "no police force area name")
    if csp_code and not _CSP_CODE.match(csp_code):
        message = f"expected a Community Safety Partnership code (E22 or W14 and six digits), found {csp_code!r}"
        return Problem(where, row, names["csp_code"], message)
    if csp_code and not csp_name:
        return Problem(where, row, names["csp_name"], f"no partnership name for {csp_code}")
    level = PARTNERSHIP if csp_code else (UNASSIGNED if csp_name else FORCE)
    record: dict[str, object] = {
        "level": level,
        "force_code": force_code,
        "force": force,
        "csp_code": csp_code,
        "csp_name": csp_name,
        "row": row,
    }
    # counts, populations and households are whole numbers that only an unassigned row may lack
    whole = set(OFFENCE_GROUPS) if kind == "counts" else {"population", "households"}
    for column, value in cells.items():
        if column in record:
            continue
        text = _cell(value)
        try:
            number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else _number(text)
        except ValueError:
            return Problem(where, row, names[column], f"expected a number, found {text!r}")
        if column in whole and number is not None and number != int(number):
            return Problem(where, row, names[column], f"expected a whole number, found {text!r}")
        if column in whole and number is None and level != UNASSIGNED:
            return Problem(where, row, names[column], f"no figure for {csp_name or force} ({text or 'blank'})")
        record[column] = number
    return record


def _assign_forces(where: str, records: list[dict]) -> list[str]:
    """Each row to its force by the force's name (a force row's name gives its code), the notes to
    say: a row whose code is another force's is counted in the force its name gives; a force with no
    force row must be a force of one partnership."""
    by_name: dict[str, tuple[str, str]] = {}
    codes: dict[str, str] = {}
    for f in records:
        if f["level"] != FORCE:
            continue
        if norm(f["force"]) in by_name or f["force_code"] in codes:
            raise _bad(where, f"a second force row for {f['force']} ({f['force_code']})", f["row"])
        by_name[norm(f["force"])] = (f["force_code"], f["force"])
        codes[f["force_code"]] = f["force"]
    notes: list[str] = []
    alone: dict[str, list[dict]] = {}
    for r in records:
        if r["level"] == FORCE:
            continue
        known = by_name.get(norm(r["force"]))
        if known is None:
            if r["force_code"] in codes:
                message = (
                    f"the force {r['force']!r} has no force row, and its code {r['force_code']} is "
                    f"{codes[r['force_code']]}'s"
                )
                raise _bad(where, message, r["row"])
            alone.setdefault(r["force_code"], []).append(r)
            continue
        if r["force_code"] != known[0]:
            notes.append(
                f"row {r['row']}: {r['csp_name'] or r['csp_code']!r} carries {r['force_code']} "
                f"({codes.get(r['force_code'], 'no force of the table')}'s code); counted in {known[1]}, as its "
                "force name says"
            )
        r["force_code"], r["force"] = known
    for code, members in alone.items():
        if len(members) > 1 or members[0]["level"] != PARTNERSHIP:
            message = (
                f"no force row for {members[0]['force']} ({code}), which has {len(members)} rows; only a force of "
                "one partnership (City of London) may have none"
            )
            raise _bad(where, message, members[0]["row"])
        notes.append(f"{members[0]['force']} has no force row: its one partnership is the force")
    return notes


def _check_sums(where: str, table: Table) -> None:
    """Every force's partnerships and unassigned rows add up to its force row, in every offence group."""
    frame = table.frame
    groups = list(OFFENCE_GROUPS)
    members = frame[frame["level"] != FORCE].groupby("force_code")[groups].sum(min_count=0)
    problems = []
    for _, f in frame[frame["level"] == FORCE].iterrows():
        summed = members.loc[f["force_code"]] if f["force_code"] in members.index else pd.Series(0, index=groups)
        for group in groups:
            if int(summed[group]) != int(f[group]):
                problems.append(
                    Problem(
                        str(where),
                        int(f["row"]),
                        group,
                        f"{f['force']}'s partnerships and unassigned rows add up to {int(summed[group]):,}, not "
                        f"the {int(f[group]):,} of its force row",
                    )
                )
    if problems:
        raise DataValidationError(problems)


def _check_populations(where: str, table: Table) -> None:
    """A force's partnerships' populations (each rounded to 100) add up to its own, within the rounding."""
    frame = table.frame
    members = frame[frame["level"] == PARTNERSHIP].groupby("force_code")["population"].agg(["sum", "size"])
    for _, f in frame[frame["level"] == FORCE].iterrows():
        if f["force_code"] not in members.index:
            raise _bad(where, f"{f['force']} has no partnership row", int(f["row"]))
        total, n = members.loc[f["force_code"]]
        if abs(total - f["population"]) > 50 * (n + 1):
            raise _bad(
                where,
                f"{f['force']}'s partnerships have {int(total):,} people, not the {int(f['population']):,} of its "
                "force row (each rounded to 100)",
                int(f["row"]),
                "population",
            )


def read_tables(path: str | Path) -> list[Table]:
    """Every table of recorded crime by partnership in a workbook (C2, C4 and C5; C3's percentage
    changes are left out), or the one table of a CSV file, each read and checked."""
    path = Path(path)
    tables = []
    for sheet, rows in _sheets(path):
        table = read_table(path, rows, sheet)
        if table is not None:
            tables.append(table)
    if not tables:
        raise _bad(
            path,
            "holds no ONS table of police recorded crime by Community Safety Partnership (a header row with "
            "'Police Force Area code' and 'Community Safety Partnership code' under a title naming the numbers "
            "or rates and the year): expected ONS's police force area data tables, or its Table C2, C4 or C5 as CSV",
        )
    seen: dict[tuple[str, str], Table] = {}
    for t in tables:
        if (t.kind, t.period_end) in seen:
            raise _bad(
                path,
                f"{seen[(t.kind, t.period_end)].name} and {t.name} both give the {t.kind} for "
                f"{period_label(t.period_end)}",
            )
        seen[(t.kind, t.period_end)] = t
    return tables


__all__ = [
    "FORCE",
    "OFFENCE_GROUPS",
    "PARTNERSHIP",
    "RESIDENTIAL",
    "TOTAL",
    "UNASSIGNED",
    "Table",
    "clean",
    "norm",
    "period_label",
    "read_table",
    "read_tables",
]
