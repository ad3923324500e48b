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
from copy import deepcopy
from pathlib import Path

import pandas as pd

from safer_analysis.inputs.names import slug
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

__all__ = ["WORKBOOK_NAME", "collect_tables", "header_in_words", "write_workbook"]

WORKBOOK_NAME = "{csp}-board-pack-{year}.xlsx"
#: The sheet that follows the cover.
FINDINGS_SHEET = "Decisions and key findings"
#: What each kind of point on that sheet is called.
COLUMNS = ["Kind of point", "Point"]
KINDS = {
    "finding": "Key finding",
    "decision": "Recommendation",
    "implication": "Implications",
    "risk": "Risk",
    "caveat": "Not final",
}


def findings_table(paper) -> pd.DataFrame:
    """The board paper's points (:class:`safer_analysis.reports.board_paper.BoardPaper`): each
    recommendation with its options, each key finding, each risk and each input that is not final,
    one row per point, in the paper's order and words."""
    rows = []
    for i, r in enumerate(paper.recommendations, 1):
        options = "; ".join(f"{o.choice}: {o.follows}" for o in r.options)
        said = r.preferred_text if options else ""
        text = " ".join(
            t
            for t in (
                r.decision,
                r.why,
                "; ".join(r.items) + "." if r.items else "",
                f"The documents recommend: {r.recommended}" if r.recommended else "",
                f"Recommended option: {said}" if said else "",
                f"Options: {options}." if options else "",
                f"Lead: {r.lead_text or 'not named yet.'}" if options else "",
            )
            if t
        )
        rows.append((f"{KINDS['decision']} ({i})", text))
    rows += [(KINDS["finding"], text) for text in paper.findings]
    rows += [(f"{KINDS['implication']}: {i.heading.lower()}", i.text) for i in paper.implications]
    rows += [(KINDS["risk"], text) for text in paper.risks]
    rows += [(f"{KINDS['caveat']}: {kind}", f"{what}.") for kind, what in paper.not_final]
    if not rows:
        rows.append((KINDS["finding"], "The reports recorded no findings or decisions."))
    return pd.DataFrame(rows, columns=COLUMNS)


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
    paper=None,
    marking: str = "",
) -> Path:
    """Write ``<csp>-board-pack-<year>.xlsx`` into ``pack`` from its ``tables/`` and the summaries
    its reports recorded, and return its path. ``partnership`` names the partnership on the cover
    (by default the area's Community Safety Partnership) and ``contact`` is its contact; ``paper``
    (the board paper) gives the first sheet its recommendations and findings."""
    import gptables as gpt

    pack = Path(pack)
    partnership = partnership or f"{csp} Community Safety Partnership"
    entries = collect_tables(pack)
    in_pack = list(products or dict.fromkeys(e["product"] for e in entries))
    order = {p: i for i, p in enumerate(in_pack)}
    entries.sort(key=lambda e: order.get(e["product"], len(order)))
    used, tables_used = {"cover", "contents", "notes", FINDINGS_SHEET.lower()}, {"contents_table", "notes_table"}
    frames: dict[str, pd.DataFrame] = {}
    findings = (
        findings_table(paper)
        if paper is not None
        else pd.DataFrame([(KINDS["finding"], "No board paper was made with this workbook.")], columns=COLUMNS)
    )
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
        intro=([_pieces(f"Protective marking: {marking}.")] if marking else [])
        + [
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
