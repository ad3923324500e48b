"""One Excel workbook of a board pack, following the Government Statistical Service's guidance on
accessible spreadsheets (Analysis Function, "Releasing statistics in spreadsheets"), written with
the Analysis Function's ``gptables`` package: a cover sheet with the partnership's contact, then
the decisions for the board and the key findings, a contents sheet, a notes sheet, and one table per
sheet with a title, its source and any caveat.

Sheets are named in words; columns are no wider than Excel allows and long text wraps; each
table's header row stays in view as a reader scrolls; amounts are numbers, with the documents'
own wording beside them where it is not a number to the pound (:mod:`.cells`, :mod:`.layout`).

Two departures from the Analysis Function's checklist, both asked for by the board's readers
and both items it calls desirable rather than essential: the header rows are frozen (the
checklist says to avoid freeze panes, which take screen room from a reader who magnifies; the
frozen rows are the sheet's title lines and the header, never columns, and
:data:`.layout.FREEZE_HEADERS` turns them off), and the decisions and key findings sheet holds
sentences (the guidance keeps prose out of spreadsheets; these are the short points the front
page gives, one a row, in a table)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from copy import deepcopy
from pathlib import Path

import pandas as pd

from safer_analysis.inputs.names import slug
from safer_analysis.pipeline.summaries import report_summaries
from safer_analysis.pipeline.workbook.cells import (
    NOTES,
    WORKBOOK_OPTIONS,
    _pieces,
    _rich,
    collect_tables,
    header_in_words,
    table_frame,
)
from safer_analysis.pipeline.workbook.layout import lay_out, sheet_name, table_name
from safer_analysis.present.key_points import caveat, key_points
from safer_analysis.reports.registry import PRODUCTS

__all__ = ["WORKBOOK_NAME", "collect_tables", "header_in_words", "write_workbook"]

WORKBOOK_NAME = "{csp}-board-pack-{year}.xlsx"
#: The sheet that follows the cover.
FINDINGS_SHEET = "Decisions and key findings"
#: What each kind of point on that sheet is called.
KINDS = {
    "finding": "Key finding",
    "decision": "For the board to decide",
    "caveat": "Not for decisions: illustrative",
}


def findings_table(reports: Sequence[tuple[str, str, str, Mapping]], period_note: str | None = None) -> pd.DataFrame:
    """What the reports put to the board to decide, then each report's key findings, then what
    rests on illustrative inputs, as the front page gathers them
    (:func:`safer_analysis.present.key_points.key_points`): one row per point."""
    points = key_points(reports, period_note=period_note)
    rows = []
    for text in points.decisions:
        raised = [title for _page, title, _description, summary in reports if text in summary.get("risks", [])]
        rows.append((KINDS["decision"], " and ".join(raised), text))
    rows += [(KINDS["finding"], title, text) for _page, title, items in points.findings for text in items]
    for kind, what, title in points.status:
        if kind in ("illustrative", "synthetic"):
            rows.append((KINDS["caveat"], title, caveat(kind, what, title)))
    if not rows:
        rows.append((KINDS["finding"], "All reports", "No report recorded findings or decisions."))
    return pd.DataFrame(rows, columns=["Kind of point", "Report", "Point"])


def write_workbook(
    pack: str | Path,
    year: str,
    csp: str,
    *,
    products: list[str] | None = None,
    built_at: str = "",
    commit: str = "",
    contact: str = "",
    partnership: str = "",
    period_note: str | None = None,
) -> Path:
    """Write ``<csp>-board-pack-<year>.xlsx`` into ``pack`` from its ``tables/`` and the summaries
    its reports recorded, and return its path. ``partnership`` names the partnership on the cover
    (by default the area's Community Safety Partnership) and ``contact`` is its contact."""
    import gptables as gpt

    pack = Path(pack)
    partnership = partnership or f"{csp} Community Safety Partnership"
    entries = collect_tables(pack)
    in_pack = list(products or dict.fromkeys(e["product"] for e in entries))
    order = {p: i for i, p in enumerate(in_pack)}
    entries.sort(key=lambda e: order.get(e["product"], len(order)))
    used, tables_used = {"cover", "contents", "notes", FINDINGS_SHEET.lower()}, {"contents_table", "notes_table"}
    frames: dict[str, pd.DataFrame] = {}
    recorded = [p for p in in_pack if p in PRODUCTS and (pack / "summaries" / f"{p}.json").exists()]
    summaries = report_summaries(pack, recorded)
    findings = findings_table(summaries, period_note)
    sheets = {
        FINDINGS_SHEET: gpt.GPTable(
            table=findings.map(_rich),
            table_name="decisions_and_key_findings",
            title=_pieces(f"Decisions for the board and key findings, financial year {year}"),
            subtitles=[_pieces(f"{partnership}, financial year {year}")]
            + ([_pieces(period_note)] if period_note else []),
            source=_pieces("Source: the reports of this pack; each report's page gives the detail behind its points."),
            instructions=_pieces(
                "This worksheet contains one table: what the reports put to the board to decide, then each "
                "report's key findings, then the inputs that are illustrative and not for decisions."
            ),
            units=None,
            table_notes=None,
        )
    }
    frames[FINDINGS_SHEET] = findings
    for e in entries:
        try:
            published = pd.read_csv(pack / e["file"])
        except pd.errors.EmptyDataError:  # a table with no columns at all
            published = pd.DataFrame()
        frame, formatting, on_amounts = table_frame(published, e.get("headers", {}), e.get("formats", {}))
        name = sheet_name(e["product"], e["name"], used)
        caveat_text = e.get("caveat") or ""
        sheets[name] = gpt.GPTable(
            table=frame,
            table_name=table_name(e["product"], e["name"], tables_used),
            title=_pieces(e["caption"]),
            subtitles=[_pieces(f"{e['product'].replace('_', ' ').capitalize()} report, {csp}, financial year {year}")],
            source=_pieces("Source: " + (e.get("source") or f"safer-analysis board pack {year}, table {e['file']}")),
            instructions=_pieces(
                "This worksheet contains one table. [x] marks a cell with no value."
                + on_amounts
                + (f" Caveat: {caveat_text}" if caveat_text else "")
            ),
            units=None,
            table_notes=None,
            additional_formatting=formatting,
        )
        frames[name] = frame
    contact_line = contact or partnership
    cover = gpt.Cover(
        title=_rich(f"{partnership} board pack, financial year {year}"),
        intro=[
            _pieces(
                f"The next sheet, {FINDINGS_SHEET}, gives the decisions the pack's reports put to the board and "
                "their key findings. The tables behind the reports follow, one table per worksheet: the Contents "
                "sheet lists them and the Notes sheet explains the markers."
            )
        ]
        + ([_pieces(period_note)] if period_note else []),
        about=[
            _pieces(f"Built {built_at} from commit {commit}." if built_at else "Built by safer-analysis."),
            _pieces("Figures trace to the input files listed in the pack's manifest.json."),
        ],
        contact=[_pieces(contact_line)],
    )
    frames["Contents"] = pd.DataFrame(
        {"Sheet name": list(sheets), "Table description": [g.title for g in sheets.values()]}
    ).map(lambda v: "".join(p for p in v if isinstance(p, str)) if isinstance(v, list) else v)
    notes = pd.DataFrame(NOTES, columns=["Note number", "Note text"])
    frames["Notes"] = notes
    theme = deepcopy(gpt.gptheme)
    theme.update_data_format({"valign": "top"})  # a row of wrapped text reads from its top
    out = pack / WORKBOOK_NAME.format(csp=slug(csp), year=year)
    tmp = out.with_suffix(".tmp.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = gpt.produce_workbook(
            filename=str(tmp),
            sheets=sheets,
            theme=theme,
            cover=cover,
            contentsheet_label="Contents",
            notes_table=notes,
            notesheet_label="Notes",
            auto_width=False,
            workbook_options=WORKBOOK_OPTIONS,
        )
        lay_out(book, frames, first=FINDINGS_SHEET)
        book.close()
    tmp.replace(out)
    return out
