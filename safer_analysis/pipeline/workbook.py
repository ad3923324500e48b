"""One Excel workbook of a board pack's tables, following the Government Statistical Service's
guidance on accessible spreadsheets: a cover sheet, a contents sheet, a notes sheet, and one
table per sheet with a title, written with the Analysis Function's ``gptables`` package.

Text is text: every text cell, title and line of the cover is neutralised as the CSV files are
(:mod:`safer_analysis.present.cells`) and written as a string, never a formula or a link. gptables
reads markup in plain strings (``[text](address)`` becomes a link, two links in one cell or an
address it cannot parse stop the build, ``$$name$$`` becomes a note reference) and refuses a cell
of symbols alone, so text is handed to it as rich text (its ``FormatList``), which it writes as
it is, split between any two dollar signs. The only links are the Contents sheet's, to the
workbook's own sheets."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.inputs.names import slug
from safer_analysis.present.cells import neutralise

WORKBOOK_NAME = "{csp}-board-pack-{year}.xlsx"
NOTES = [
    (
        "[note 1]",
        "[c] marks a count from 1 to one below the suppression threshold (5 by default), "
        "suppressed to protect confidentiality, with any other cell that would reveal it.",
    ),
    ("[note 2]", "Amounts are pounds sterling in cash terms for the financial year (April to March)."),
    (
        "[note 4]",
        "Crime counts are the police.uk street-level crimes placed in the area: crimes without a location cannot be "
        "placed, so counts are slightly below the force's own. A year with a month police.uk does not publish is "
        "counted on the months held; its heading says how many.",
    ),
    (
        "[note 3]",
        "Where a report rests on synthetic or illustrative inputs, its HTML page carries a banner; "
        "the same caveat applies to its tables here.",
    ),
]


#: Options for xlsxwriter: a string is written as a string, never read as a formula or a link.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
#: The markers a table's cells use ([x], [c]), written as they are so numeric columns stay right-aligned.
MARKER = re.compile(r"\[[a-z]\]")
#: Between two dollar signs in a column heading, which cannot be rich text: gptables refuses a
#: heading holding ``$$`` (its note marker), and the word joiner shows nothing.
WORD_JOINER = "\u2060"


def _pieces(text: str) -> list:
    """``text`` neutralised, as gptables rich text (format, piece, ...) that it writes as it is:
    split between two dollar signs, so no piece holds ``$$``, and never parsed for links.

    >>> _pieces("Costs $$x$$")
    [{}, 'Costs $', {}, '$x$', {}, '$']
    """
    parts = re.split(r"(?<=\$)(?=\$)", str(neutralise(text)))
    return [x for part in parts for x in ({}, part)]


def _rich(text: str):
    """``text`` as a gptables ``FormatList``: written as the text it is, in a cell or on the cover."""
    from gptables.core.gptable import FormatList

    return FormatList(_pieces(text))


def _cell(value: object) -> object:
    """A table cell as the workbook writes it: text (other than a marker) as rich text, so it
    is written as it is; numbers unchanged."""
    if isinstance(value, str) and not MARKER.fullmatch(value):
        return _rich(value)
    return value


def _heading(text: str) -> str:
    """A column heading neutralised, with a word joiner between any two dollar signs."""
    return re.sub(r"(?<=\$)(?=\$)", WORD_JOINER, str(neutralise(text)))


def _sheet_name(product: str, name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (at most 31 characters, no []:*?/\\), unique in the workbook."""
    short = {"strategic_assessment": "assess", "allocation_rationale": "rationale", "spend_analysis": "spend"}
    base = re.sub(r"[\[\]:*?/\\]", "", f"{short.get(product, product)}_{name}")[:31]
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f"_{i}"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


#: Excel number formats for the report's column formats; percentages are 0 to 100 in every table.
NUMBER_FORMATS = {
    "gbp": "£#,##0",
    "change_gbp": "+£#,##0;-£#,##0;£0",
    "count": "#,##0",
    "rate": "#,##0.0",
    "number": "#,##0.00",
    "pct": "0.0",
    "signed_pct": "+0.0;-0.0;0.0",
    "p": "0.000",
}


#: Columns of codes and citations that are dropped from the spreadsheet (they stay in the CSV files).
CODE_COLUMNS = {"line", "source_document", "source_section", "financial_year", "current_year", "previous_year"}


def header_in_words(column: str, headers: dict[str, str], formats: dict[str, str]) -> str:
    """A column's heading as the page shows it, with '(%)' where its numbers are percentages; a
    column the page did not show gets its name in words.

    >>> header_in_words("annual_change_pct", {}, {"annual_change_pct": "signed_pct"})
    'Annual change (%)'
    """
    text = headers.get(column) or column.replace("_pct", "").replace("_", " ").strip().capitalize()
    if formats.get(column) in ("pct", "signed_pct") and "%" not in text:
        text += " (%)"
    return text


def collect_tables(pack: Path) -> list[dict]:
    """Every table a pack's reports published, in report order, from ``summaries/*__tables.json``."""
    entries = []
    for index in sorted((pack / "summaries").glob("*__tables.json")):
        meta = json.loads(index.read_text(encoding="utf-8"))
        for t in meta["tables"]:
            if t["name"] == "provenance":
                continue
            entries.append({**t, "product": meta["product"]})
    return entries


def write_workbook(
    pack: str | Path,
    year: str,
    csp: str,
    *,
    products: list[str] | None = None,
    built_at: str = "",
    commit: str = "",
    contact: str = "",
) -> Path:
    """Write ``<csp>-board-pack-<year>.xlsx`` into ``pack`` from its ``tables/`` and return its path."""
    import gptables as gpt

    pack = Path(pack)
    entries = collect_tables(pack)
    if products:
        order = {p: i for i, p in enumerate(products)}
        entries.sort(key=lambda e: order.get(e["product"], len(order)))
    used: set[str] = {"cover", "contents", "notes"}
    sheets = {}
    for e in entries:
        try:
            frame = pd.read_csv(pack / e["file"])
        except pd.errors.EmptyDataError:  # a table with no columns at all
            frame = pd.DataFrame()
        # numbers stay numbers; an empty cell is marked [x] as the guidance asks
        frame = frame.astype(object).where(frame.notna(), "[x]")
        if frame.empty:
            frame = pd.DataFrame({"Note": ["This table has no rows for the year."]})
        headers, formats = e.get("headers", {}), dict(e.get("formats", {}))
        frame.columns = [str(c) for c in frame.columns]
        # codes that link the input files mean nothing to a reader of the spreadsheet (the CSV keeps them)
        codes = [c for c in frame.columns if c.endswith(("_key", "_id")) or c in CODE_COLUMNS]
        frame = frame.drop(columns=[c for c in codes if c not in headers])
        for c in frame.columns:
            values = frame[c][frame[c] != "[x]"]
            if len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all():
                frame[c] = frame[c].map(lambda v: v if isinstance(v, str) else ("Yes" if v else "No"))
            elif c not in formats and len(values) and values.map(lambda v: isinstance(v, float)).all():
                formats[c] = "number"
        columns = {c: header_in_words(c, headers, formats) for c in frame.columns}
        seen: dict[str, int] = {}
        for c, h in columns.items():  # two columns may not share a heading
            seen[h] = seen.get(h, 0) + 1
            if seen[h] > 1:
                columns[c] = f"{h} ({seen[h]})"
        columns = {c: _heading(h) for c, h in columns.items()}
        formatting = [
            {"column": {"columns": [columns[c]], "format": {"num_format": NUMBER_FORMATS[f]}}}
            for c, f in formats.items()
            if c in columns and f in NUMBER_FORMATS
        ]
        frame = frame.rename(columns=columns).map(_cell)
        name = _sheet_name(e["product"], e["name"], used)
        caveat = e.get("caveat") or ""
        sheets[name] = gpt.GPTable(
            table=frame,
            table_name=name,
            title=_pieces(e["caption"]),
            subtitles=[_pieces(f"{e['product'].replace('_', ' ').capitalize()} report, {csp}, financial year {year}")],
            source=_pieces("Source: " + (e.get("source") or f"safer-analysis board pack {year}, table {e['file']}")),
            instructions=_pieces(
                "This worksheet contains one table. [x] marks a cell with no value."
                + (f" Caveat: {caveat}" if caveat else "")
            ),
            units=None,
            table_notes=None,
            additional_formatting=formatting,
        )
    cover = gpt.Cover(
        title=_rich(f"{csp} Community Safety Partnership board pack, financial year {year}"),
        intro=[
            _pieces(
                "The tables behind the strategic assessment, allocation rationale and spend analysis reports, "
                "one table per worksheet. The Contents sheet lists them; the Notes sheet explains markers."
            )
        ],
        about=[
            _pieces(f"Built {built_at} from commit {commit}." if built_at else "Built by safer-analysis."),
            _pieces("Figures trace to the input files listed in the pack's manifest.json."),
        ],
        contact=[_pieces(contact or f"{csp} Community Safety Partnership")],
    )
    notes = pd.DataFrame(NOTES, columns=["Note number", "Note text"])
    out = pack / WORKBOOK_NAME.format(csp=slug(csp), year=year)
    tmp = out.with_suffix(".tmp.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpt.write_workbook(
            filename=str(tmp),
            sheets=sheets,
            cover=cover,
            contentsheet_label="Contents",
            notes_table=notes,
            notesheet_label="Notes",
            workbook_options=WORKBOOK_OPTIONS,
        )
    tmp.replace(out)
    return out
