"""The board paper as a page: the pack's ``index.html`` (and the PDF made from it). Its content is
:class:`safer_analysis.reports.board_paper.BoardPaper`; this module only lays it out."""

from __future__ import annotations

import html

from safer_analysis.present.charts import allocation_chart
from safer_analysis.reports.board_paper import BoardPaper

#: How each kind of input that is not final is named.
KIND_WORDS = {
    "illustrative": "Illustrative (made up, not real figures)",
    "synthetic": "Synthetic",
    "draft": "Draft",
    "planned": "Planned",
    "reading": "Analyst's reading",
}


def _e(text: object) -> str:
    return html.escape(str(text))


def _recommendations(paper: BoardPaper) -> str:
    if not paper.recommendations:
        return "<p>This paper asks for no decision.</p>"
    items = []
    for r in paper.recommendations:
        listed = "".join(f"<li>{_e(i)}</li>" for i in r.items)
        options = "".join(
            f"<li><strong>{_e(o.choice)}</strong>{' (recommended)' if o.choice == r.preferred else ''}: "
            f"{_e(o.follows)}.</li>"
            for o in r.options
        )
        preferred = r.preferred_text
        items.append(
            f"<li><p><strong>{_e(r.decision)}</strong></p>"
            + (f"<p>{_e(r.why)}</p>" if r.why else "")
            + (f"<ul>{listed}</ul>" if listed else "")
            + (f"<p><strong>The documents recommend</strong>: {_e(r.recommended)}</p>" if r.recommended else "")
            + (f"<p><strong>Recommended option</strong>: {_e(preferred)}</p>" if preferred and options else "")
            + (f"<p>Options:</p><ul>{options}</ul>" if options else "")
            + (f"<p><strong>Lead</strong>: {_e(r.lead_text or 'not named yet.')}</p>" if options else "")
            + "</li>"
        )
    return f'<p>The board is asked to:</p><ol class="sa-recommendations">{"".join(items)}</ol>'


def _money_chart(paper: BoardPaper, place: str, source: str) -> str:
    if paper.allocations.empty:
        return ""
    return allocation_chart(paper.allocations, paper.grant, paper.year, place, source).to_html()


def body(
    paper: BoardPaper,
    *,
    place: str,
    money_source: str,
    workbook: str | None = None,
    pdf: str | None = None,
) -> str:
    """The page body (see the module)."""
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in paper.title_block)
    out = [
        f"<h1>{_e(paper.partnership)}: board paper, {_e(paper.year)}</h1>",
        f'<dl class="sa-titleblock">{rows}</dl>',
        f"<p>{_e(paper.period_note)}</p>" if paper.period_note else "",
        "<h2>Purpose</h2>",
        f"<p>{_e(paper.purpose)}</p>",
        "<h2>Recommendations</h2>",
        _recommendations(paper),
        "<h2>Key findings</h2>",
        "<ol>" + "".join(f"<li>{_e(f)}</li>" for f in paper.findings) + "</ol>",
        "<h2>The money</h2>",
        f"<p>{_e(paper.money)}</p>",
        _money_chart(paper, place, money_source),
    ]
    if paper.implications:
        out.append("<h2>Implications</h2>")
        out += [f"<p><strong>{_e(i.heading)}</strong>: {_e(i.text)}</p>" for i in paper.implications]
    out.append("<h2>Risks, and what is still draft or illustrative</h2>")
    points = [_e(r) for r in paper.risks]
    points += [
        f"<strong>{_e(KIND_WORDS.get(kind, kind.capitalize()))}</strong>: {_e(what)}. Nothing in the findings or "
        "recommendations above rests on it."
        if kind in ("illustrative", "synthetic")
        else f"<strong>{_e(KIND_WORDS.get(kind, kind.capitalize()))}</strong>: {_e(what)}."
        for kind, what in paper.not_final
    ]
    out.append("<ul>" + "".join(f"<li>{p}</li>" for p in points) + "</ul>")
    links = [f'<li><a href="{_e(a.page)}.html">{_e(a.title)}</a>: {_e(a.description)}</li>' for a in paper.appendices]
    if workbook:
        links.append(f'<li><a href="{_e(workbook)}">Every table in one workbook</a> (Excel).</li>')
    if pdf:
        links.append(f'<li class="sa-print-copy"><a href="{_e(pdf)}">This paper as a PDF</a>, for printing.</li>')
    links.append(
        '<li><a href="manifest.json">How this pack was built</a>: the inputs, their SHA-256 and the versions used; '
        'each table as CSV in the <a href="tables/">tables folder</a>.</li>'
    )
    out += ["<h2>Appendices</h2>", f'<ul class="sa-reports">{"".join(links)}</ul>']
    return "".join(out)
