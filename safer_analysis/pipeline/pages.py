"""The pages a build writes around the reports: the board paper as the pack's front page (and its
PDF), a report whose inputs are still to be entered, and the masthead and footer every page carries
with the pack's protective marking."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from safer_analysis import __version__
from safer_analysis.inputs.datasets import Dataset
from safer_analysis.pipeline import pdf as paper_pdf
from safer_analysis.present.page import wrap
from safer_analysis.reports.registry import PRODUCTS


def still_to_enter(
    workdir: Path, product: str, year: str, *, title: str, masthead: str, footer: str, notice: str | None
) -> None:
    """The page and index summary of a report whose inputs for ``year`` are not entered yet."""
    info = PRODUCTS[product]
    line = (
        f"No allocations for {year} are entered yet, so this report has nothing to show. "
        "Enter the year's lines in data/allocations.csv, their priorities in data/allocation_pcp_priorities.csv "
        "and data/allocation_local_priorities.csv, and their outcome measures in data/outcome_measures.csv; "
        "then build again."
    )
    body = (
        f'<h1>{html.escape(info.title)}</h1><p class="sa-kicker">Financial year {html.escape(year)}</p>'
        f'<div class="sa-banner" role="note"><strong>Still to be entered.</strong> {html.escape(line)}</div>'
    )
    (workdir / f"{product}.html").write_text(
        wrap(title, body, masthead=masthead, footer=footer, contents=False, notice=notice), encoding="utf-8"
    )
    (workdir / "summaries").mkdir(exist_ok=True)
    (workdir / "summaries" / f"{product}.json").write_text(
        json.dumps({"title": info.title, "findings": [f"Still to be entered: the {year} allocations."]}),
        encoding="utf-8",
    )


def write_index(
    workdir: Path,
    paper: Any,
    dataset: Dataset,
    partnership: str,
    built_at: str,
    commit: str,
    *,
    workbook: str | None = None,
    notice: str | None = None,
    marking: str = "",
    pdf: tuple[str, Any] | None = None,
    failure: type[Exception] = RuntimeError,
) -> None:
    """The board pack's front page, the board paper ``paper`` (:mod:`safer_analysis.present.board_paper`); with
    ``pdf`` (a file name and WeasyPrint's ``HTML``) printed to that PDF too, which the page links."""
    from safer_analysis.present import board_paper as page_of

    documents = dataset.sources.set_index("document_id")
    titles = [
        str(documents.at[d, "title"])
        for d in dict.fromkeys(dataset.allocations_for(paper.year)["source_document"])
        if d in documents.index
    ]
    body = page_of.body(
        paper,
        place=paper.area,
        money_source="Source: " + "; ".join(titles) + "." if titles else "",
        workbook=workbook,
        pdf=pdf[0] if pdf else None,
    )
    page = wrap(
        f"Board paper {paper.year} – {partnership}",
        body,
        masthead=masthead(partnership, paper.year, marking),
        footer=footer(built_at, commit, marking),
        contents=False,
        notice=notice,
    )
    (workdir / "index.html").write_text(page, encoding="utf-8")
    if pdf:  # a PDF that cannot be made fails the build (BuildError): the last good pack stays
        paper_pdf.write_pdf(page, workdir / pdf[0], pdf[1], failure=failure)


def marking_line(marking: str, public: bool) -> str:
    """The pack's protective marking as every page shows it; a public build says what it left out."""
    if public:
        return f"{marking} · public version: partner figures marked OFFICIAL-SENSITIVE are left out"
    return marking


def marking_prefix(marking: str) -> str:
    """The marking as a masthead begins with it (the print stylesheet repeats it on every page)."""
    return f'<strong class="sa-marking">{html.escape(marking)}</strong> · ' if marking else ""


def masthead(partnership: str, year: str, marking: str = "") -> str:
    mark = marking_prefix(marking)
    return f'{mark}<a href="index.html">{html.escape(partnership)}</a> · board pack {html.escape(year)}'


def footer(built_at: str, commit: str, marking: str = "") -> str:
    mark = f"<strong>{html.escape(marking)}</strong>. " if marking else ""
    return (
        f"{mark}Built {html.escape(built_at)} by safer-analysis {html.escape(__version__)} "
        f"(commit {html.escape(commit[:12])})."
    )
