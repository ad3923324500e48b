"""ONS mid-year population estimates workbooks: read one (``.xls`` or ``.xlsx``, as ONS publishes
them) and import its figures into a project (``safer-analysis import-population FILE``).

ONS's workbooks hold one table per sheet under a few lines of notes: a header row starting
``Code``, ``Name``, ``Geography``, then one column per mid-year (``Mid-2020`` in MYE4, or
``Estimated Population mid-2020`` in MYE 5). :func:`read_workbook` takes the sheet with the most
mid-years, so a workbook's summary table (MYE4) is read whatever else it holds. The import keeps
every area and year of it in ``data/reference/ons-mid-year-estimates.csv`` (a year held already
is replaced; other years are kept), from where :mod:`safer_analysis.inputs.population` takes the
estimate nearest each period before those shipped with the package.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.population import IMPORTED_COLUMNS, IMPORTED_FILE
from safer_analysis.inputs.validation import DataValidationError, Problem

_YEAR = re.compile(r"^(?:estimated\s+population\s+)?mid-?\s*(\d{4})$", re.IGNORECASE)
_CODE = re.compile(r"^[EWSNK]\d{8}$")
#: Cells ONS writes where a figure is not available.
_MISSING = {"", ":", "x", "[x]", "no data", "-", ".."}
_HEADER_ROWS = 30


def _bad(path: Path, message: str, row: int | None = None, column: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(str(path), row, column, message)])


def _sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook as text cells; bad input data (exit 3) when it is not one."""
    try:
        with warnings.catch_warnings():  # pandas 3 calls xlrd, which reads ONS's .xls files, deprecated
            warnings.simplefilter("ignore", FutureWarning)
            warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
            book = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
    except ImportError as exc:
        raise ParameterError(
            f"{path}: reading this kind of workbook needs a library that is not installed ({exc})"
        ) from None
    except Exception as exc:  # xlrd, openpyxl and zipfile each raise their own
        raise _bad(
            path, f"not an Excel workbook that can be read ({type(exc).__name__}: {exc}); expected ONS's .xls or .xlsx"
        ) from None
    return book


def _header(sheet: pd.DataFrame) -> tuple[int, dict[int, int]] | None:
    """The header row of a table of areas by mid-year, and its year columns; None where there is none."""
    for row in range(min(_HEADER_ROWS, len(sheet))):
        cells = [str(c).strip() if pd.notna(c) else "" for c in sheet.iloc[row]]
        if len(cells) < 3 or cells[0].lower() != "code" or cells[1].lower() != "name":
            continue
        years = {}
        for i, cell in enumerate(cells):
            match = _YEAR.match(" ".join(cell.split()))
            if match:
                years.setdefault(int(match.group(1)), i)
        if years:
            return row, {i: y for y, i in years.items()}
    return None


def read_workbook(path: str | Path) -> pd.DataFrame:
    """The mid-year estimates of an ONS workbook: ``area_code``, ``area_name``, ``geography``,
    ``mid_year``, ``population``, one row per area and year, from the sheet with the most mid-years.
    ``attrs["sheet"]`` names the sheet. Bad input data (one line naming file, sheet, row and
    column) for anything else."""
    path = Path(path)
    book = _sheets(path)
    found = {name: h for name, sheet in book.items() if (h := _header(sheet))}
    if not found:
        raise _bad(
            path,
            "no sheet holds a table of areas by mid-year (a header row 'Code, Name, Geography' with columns such as "
            "'Mid-2020' or 'Estimated Population mid-2020'); expected an ONS mid-year population estimates workbook, "
            "whose summary sheet is MYE4",
        )
    name = max(found, key=lambda n: len(found[n][1]))
    head, years = found[name]
    sheet = book[name]
    geography_column = 2 if str(sheet.iat[head, 2]).strip().lower() == "geography" else None
    rows = []
    for r in range(head + 1, len(sheet)):
        code = str(sheet.iat[r, 0]).strip() if pd.notna(sheet.iat[r, 0]) else ""
        if not _CODE.match(code):
            continue
        area = str(sheet.iat[r, 1]).strip()
        geography = str(sheet.iat[r, geography_column]).strip() if geography_column is not None else ""
        for column, year in years.items():
            value = sheet.iat[r, column]
            text = str(value).strip() if pd.notna(value) else ""
            if text.lower() in _MISSING:
                continue
            try:
                people = float(text.replace(",", ""))
            except ValueError:
                people = -1.0
            if people < 0 or people != int(people):
                raise _bad(
                    path,
                    f"sheet {name!r}: expected a whole number of people for {code}, found {text!r}",
                    r + 1,
                    str(sheet.iat[head, column]).strip(),
                )
            rows.append((code, area, geography, year, int(people)))
    if not rows:
        raise _bad(path, f"sheet {name!r} has the header of a table of mid-year estimates but no area with a figure")
    frame = pd.DataFrame(rows, columns=["area_code", "area_name", "geography", "mid_year", "population"])
    duplicated = frame[frame.duplicated(["area_code", "mid_year"], keep=False)]
    if not duplicated.empty:
        code = duplicated["area_code"].iloc[0]
        raise _bad(path, f"sheet {name!r}: {code} appears more than once")
    frame.attrs["sheet"] = name
    return frame.sort_values(["area_code", "mid_year"]).reset_index(drop=True)


@dataclass
class Imported:
    """What an import did."""

    workbook: Path
    sheet: str
    target: Path
    areas: int
    added: list[int]
    replaced: list[int]
    kept: list[int]

    def summary(self) -> str:
        def years(ys: list[int]) -> str:
            return ", ".join(f"mid-{y}" for y in ys) or "none"

        return (
            f"Imported ONS mid-year estimates for {self.areas:,} areas from {self.workbook.name} (sheet "
            f"{self.sheet!r}) into {self.target}: added {years(self.added)}; replaced {years(self.replaced)}; "
            f"kept {years(self.kept)}. Builds take the estimate nearest each period from these before those "
            "shipped with the package."
        )


def import_workbook(path: str | Path, data_dir: str | Path) -> Imported:
    """Add an ONS workbook's estimates to the project's ``data/reference/ons-mid-year-estimates.csv``:
    its years replace the same years held, other years stay. A file there that import-population
    did not write is refused (ParameterError) and left as it is."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: no such file; give the ONS mid-year estimates workbook you downloaded")
    frame = read_workbook(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    frame["workbook"] = path.name
    frame["workbook_sha256"] = digest
    target = Path(data_dir) / IMPORTED_FILE
    held = pd.DataFrame(columns=IMPORTED_COLUMNS)
    if target.exists() or target.is_symlink():
        if not target.is_file() or target.is_symlink():
            raise ParameterError(f"{target}: not a plain file; import-population writes its table there")
        try:
            held = pd.read_csv(target, dtype=str, keep_default_na=False)
        except (ValueError, pd.errors.ParserError):
            held = pd.DataFrame()
        if list(held.columns) != IMPORTED_COLUMNS:
            raise ParameterError(
                f"{target}: a file import-population did not write is there; move it away and import again"
            )
        held["mid_year"] = held["mid_year"].astype(int)
    new_years = sorted(set(frame["mid_year"]))
    held_years = sorted(set(held["mid_year"]))
    kept = held[~held["mid_year"].isin(new_years)]
    out = pd.concat([kept, frame[IMPORTED_COLUMNS]], ignore_index=True)
    out = out.sort_values(["area_code", "mid_year"]).reset_index(drop=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".ons-mid-year-estimates-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            out.to_csv(stream, index=False, lineterminator="\n")
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Imported(
        path,
        frame.attrs["sheet"],
        target,
        frame["area_code"].nunique(),
        [y for y in new_years if y not in held_years],
        [y for y in new_years if y in held_years],
        [y for y in held_years if y not in new_years],
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["Imported", "import_workbook", "read_workbook"]
