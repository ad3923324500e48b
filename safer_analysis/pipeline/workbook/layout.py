"""How the workbook's sheets are named and laid out: names in words within Excel's rules, column
widths within Excel's limit (long text wraps), the header row of each table frozen in view, and
the decisions and key findings straight after the cover."""

from __future__ import annotations

import math
import re

import pandas as pd

#: Each published table's sheet, in words (Excel allows 31 characters); a table not named here
#: gets its name in words.
SHEET_NAMES = {
    ("strategic_assessment", "volumes"): "Crime and anti-social behaviour",
    ("strategic_assessment", "peers"): "Crime rates in the force area",
    ("strategic_assessment", "similar_partnerships"): "Similar partnerships",
    ("strategic_assessment", "similar_group"): "Most similar partnerships",
    ("strategic_assessment", "trend"): "Trend in crime rates",
    ("strategic_assessment", "highest_rates"): "Highest-rate neighbourhoods",
    ("strategic_assessment", "recurring_places"): "Busiest neighbourhoods",
    ("strategic_assessment", "harm"): "Crime weighted by harm",
    ("strategic_assessment", "priority_ranking"): "Priorities ranked",
    ("strategic_assessment", "cross_cutting"): "Cross-cutting issues",
    ("strategic_assessment", "crime_evidence"): "Crime evidence by type",
    ("strategic_assessment", "named_priorities"): "Ranking and named priorities",
    ("strategic_assessment", "context_figures"): "Figures from other sources",
    ("strategic_assessment", "recommendations"): "Assessment recommendations",
    ("allocation_rationale", "pcp_matrix"): "Projects by Police & Crime Plan",
    ("allocation_rationale", "pcp_totals"): "Police & Crime Plan totals",
    ("allocation_rationale", "local_matrix"): "Projects by local priority",
    ("allocation_rationale", "alignment"): "Spend and rank by priority",
    ("allocation_rationale", "proposal"): "Proposal for uncommitted grant",
    ("allocation_rationale", "outcomes"): "Outcome measures",
    ("spend_analysis", "reconciliation"): "Grant reconciliation",
    ("spend_analysis", "allocations"): "Every line of the plan",
    ("spend_analysis", "change_by_theme"): "Change by service",
    ("spend_analysis", "budget_share"): "Grant share of total budgets",
    ("spend_analysis", "by_pcp_priority"): "Spend by Police & Crime Plan",
}
#: The most characters Excel allows in a sheet name.
SHEET_NAME_LENGTH = 31
#: Characters Excel refuses in a sheet name; an apostrophe is dropped too, as references to a
#: sheet would have to double it.
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")
#: Names Excel keeps for itself.
RESERVED_SHEET_NAMES = {"history"}

#: The widest a column is made, in Excel's character units: longer text wraps. Excel allows 255.
WIDEST = 60.0
#: The narrowest a column is made.
NARROWEST = 8.0
#: How many characters of a long heading go on one line before it wraps.
HEADING_LINE = 24
#: Characters of the workbook's text (Arial 12, gptables' theme) against Excel's width unit.
CHARACTER_WIDTH = 1.1
#: Whether each table's header row (and the title lines above it) stays in view as a reader
#: scrolls: the board's readers asked for it; the Analysis Function's checklist would rather not.
FREEZE_HEADERS = True


def sheet_name(product: str, name: str, used: set[str]) -> str:
    """A sheet name in words that Excel accepts (at most 31 characters, none of []:*?/\\),
    unique in the workbook whatever the case; ``used`` holds the names taken, in lower case.

    >>> sheet_name("spend_analysis", "allocations", set())
    'Every line of the plan'
    >>> sheet_name("spend_analysis", "tables/by:quarter", {"tablesbyquarter"})
    'Tablesbyquarter (2)'
    """
    words = SHEET_NAMES.get((product, name)) or name.replace("_", " ").strip().capitalize()
    base = NOT_IN_SHEET_NAMES.sub("", words).strip()[:SHEET_NAME_LENGTH].strip() or "Table"
    candidate, i = base, 2
    while candidate.lower() in used or candidate.lower() in RESERVED_SHEET_NAMES:
        suffix = f" ({i})"
        candidate, i = base[: SHEET_NAME_LENGTH - len(suffix)].strip() + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def table_name(product: str, name: str, used: set[str]) -> str:
    """The name of a sheet's Excel table: a unique name Excel accepts (letters, digits and
    underscores, not starting with a digit), from the report and the table.

    >>> table_name("strategic_assessment", "volumes", set())
    'strategic_assessment_volumes'
    """
    base = re.sub(r"\W", "_", f"{product}_{name}", flags=re.ASCII)[:200]
    if not re.match(r"[A-Za-z_]", base):
        base = "t_" + base
    candidate, i = base, 2
    while candidate.lower() in used:
        candidate, i = f"{base}_{i}", i + 1
    used.add(candidate.lower())
    return candidate


def _text(value: object) -> str:
    """A cell as a reader sees it, roughly: numbers with thousands separators."""
    value = getattr(value, "string", value)  # gptables' rich text
    if isinstance(value, bool):
        return "Yes"
    if isinstance(value, int | float):
        return f"£{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return str(value)


def column_width(heading: str, values: pd.Series) -> float:
    """A column's width in Excel's character units: its longest line of text, and a heading
    wrapped at about 24 characters (never breaking a word), between 8 and 60; longer text wraps.

    >>> column_width("Amount", pd.Series([160200.0, 3000.0]))
    11.0
    >>> column_width("Need", pd.Series(["word " * 200]))
    60.0
    """
    longest = max((len(line) for v in values for line in _text(v).split("\n")), default=0)
    words = max((len(w) for w in heading.split()), default=0)
    characters = max(longest, min(len(heading), HEADING_LINE), words)
    return min(max(math.ceil(characters * CHARACTER_WIDTH) + 2.0, NARROWEST), WIDEST)


def header_row(worksheet) -> int:
    """The row (from 0) of the header of the one table on an xlsxwriter worksheet."""
    from xlsxwriter.utility import xl_cell_to_rowcol

    (table,) = worksheet.tables
    return xl_cell_to_rowcol(table["range"].split(":")[0])[0]


def lay_out(book, frames: dict[str, pd.DataFrame], first: str | None = None) -> None:
    """Before ``book`` (an xlsxwriter workbook) is closed: set the widths of each table sheet's
    columns from ``frames`` (sheet name to the table as written), freeze each table's header row
    in view, and put the sheet ``first`` straight after the cover."""
    for worksheet in book.worksheets():
        frame = frames.get(worksheet.name)
        if frame is None:
            continue
        for i, column in enumerate(frame.columns):
            worksheet.set_column(i, i, column_width(str(column), frame[column]))
        if FREEZE_HEADERS:
            worksheet.freeze_panes(header_row(worksheet) + 1, 0)
    if first is not None:
        sheets = book.worksheets_objs
        sheets.insert(1, sheets.pop(sheets.index(book.get_worksheet_by_name(first))))
        for i, worksheet in enumerate(sheets):  # the order the workbook lists them in
            worksheet.index = i
