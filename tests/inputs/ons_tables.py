"""The real ONS workbook of police recorded crime by partnership, and CSV files made from its
sheets as a spreadsheet saves them, for the tests of reading and importing it."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from ..conftest import REALDATA

WORKBOOK = REALDATA / "national" / "ons-pfa-csp-tables-ye-dec-2024.xlsx"
HEADER_ROW = 8  # the header of tables C2, C4 and C5, as the workbook's README says


@cache
def sheet_rows(sheet: str) -> tuple[tuple, ...]:
    """A sheet's rows of values, read with openpyxl directly (not through the package)."""
    import openpyxl

    book = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)
    try:
        return tuple(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()


def written(value: object, places: int | None) -> str:
    """A cell as a spreadsheet's 'save as CSV' writes it: whole numbers with thousands separators
    and the trailing space of ONS's number format (``"15,974 "``), rates to ``places`` decimals."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer() and (places is None or isinstance(value, int)):
        return f"{int(value):,} "
    return f"{value:,.{places}f}" if places is not None else repr(value)


def export_csv(rows, path: Path, *, places: int | None = 1, encoding: str = "utf-8-sig", edit=None) -> Path:
    """Write ``rows`` (a sheet's) to ``path`` as CSV; ``edit(row_number, cells)`` may change a row's
    cells (a list of text) first, row_number counting from 1 as a spreadsheet does."""
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        for number, row in enumerate(rows, start=1):
            cells = [written(v, places) for v in row]
            if edit is not None:
                cells = edit(number, cells)
            writer.writerow(cells)
    return path


def table_rows(sheet: str) -> list[tuple]:
    """The rows below the header of a table."""
    return list(sheet_rows(sheet)[HEADER_ROW:])
