"""The board pack's front page: what matters first (findings, decisions and risks, what the
figures rest on), then the reports, then an appendix of tables and provenance for analysts."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

#: How each kind of data is named and marked on the front page.
STATUS_WORDS = {
    "real": "Real",
    "illustrative": "Illustrative",
    "draft": "Draft",
    "planned": "Planned",
    "synthetic": "Synthetic",
}


#: The words of the pack a board member may not know, in plain terms.
GLOSSARY = [
    (
        "Neighbourhood (LSOA)",
        "an ONS Lower-layer Super Output Area: about 1,500 residents, the smallest area police.uk places crime in",
    ),
    (
        "Rate per 1,000",
        "crimes for every 1,000 residents (ONS population estimates), so areas of different size compare",
    ),
    (
        "95% confidence interval",
        "the range a rate could take by chance alone; it does not allow for crime that goes unreported",
    ),
    (
        "Unusual against year-to-year variation",
        "a trend larger than the area's crime would show by chance, given how much it normally moves from one "
        "year to the next as well as from month to month; a jump at a known break (a lockdown, a change to the "
        "counting rules) is shown apart, as a step",
    ),
    (
        "p-value",
        "how often normal year-to-year and month-to-month variation alone would give a change this large: below "
        "0.05 is called unusual",
    ),
    (
        "Crime Severity Score",
        "an ONS weight for each offence: the average days in custody it attracts, so a robbery "
        "counts for more than a shoplifting",
    ),
    (
        "Funnel plot",
        "each partnership's rate against its population, with the range expected given how much partnerships differ",
    ),
    ("Gini coefficient", "how unevenly crime is spread over neighbourhoods: 0 evenly, towards 1 all in one place"),
    (
        "Threat, risk and harm (MoRiLE)",
        "the analyst's scores of each priority's harm, likelihood and the partnership's position to respond",
    ),
    (
        "Even share (apportioned)",
        "each project's money split evenly across the priorities it serves, so the parts add up to the total",
    ),
    ("RAG", "red, amber, green: how an outcome measure stands against its target"),
]


def _e(text: object) -> str:
    return html.escape(str(text))


def body(
    *,
    partnership: str,
    year: str,
    built_at: str,
    reports: Sequence[tuple[str, str, str, Mapping]],
    tables: Iterable[str],
    workbook: str | None = None,
    findings_per_report: int = 3,
    period_note: str | None = None,
    pdf: str | None = None,
) -> str:
    """The page body. ``reports`` holds, per report: its page name, title, description and the
    summary it recorded (``findings``, ``risks``, ``status`` as in
    :meth:`safer_analysis.present.publication.Report.summary`); ``period_note``, where the crime
    figures cover other months than the financial year's, says which, under the title; ``pdf``
    names the page's printed copy, linked under the title."""
    findings = []
    risks: list[str] = []
    status: list[tuple[str, str, str]] = []
    listing = []
    for page, title, description, summary in reports:
        points = [f for f in summary.get("findings", []) if f != period_note][:findings_per_report]
        if points:
            items = "".join(f"<li>{_e(p)}</li>" for p in points)
            findings.append(f'<h3><a href="{_e(page)}.html">{_e(title)}</a></h3><ul>{items}</ul>')
        for r in summary.get("risks", []):
            if r not in risks:
                risks.append(r)
        for kind, what in summary.get("status", []):
            if (kind, what) not in {(k, w) for k, w, _ in status}:
                status.append((kind, what, title))
        listing.append(f'<li><h3><a href="{_e(page)}.html">{_e(title)}</a></h3><p>{_e(description)}</p></li>')
    for kind, what, title in status:
        if kind in ("illustrative", "synthetic"):
            risks.append(
                f"{kind.upper()}: {what} ({title}). Not for decisions until replaced by the partnership's own."
            )
    out = [
        f"<h1>{_e(partnership)} board pack, {_e(year)}</h1>",
        f'<p class="sa-kicker">Financial year {_e(year)} · built {_e(built_at)}</p>',
        f"<p>{_e(period_note)}</p>" if period_note else "",
        (
            f'<p class="sa-print-copy">To print or circulate: <a href="{_e(pdf)}" type="application/pdf">'
            f"this paper as a PDF</a> (A4).</p>"
            if pdf
            else ""
        ),
        "<h2>Key findings</h2>",
        "".join(findings) or "<p>No report recorded findings.</p>",
    ]
    if risks:
        out.append(
            '<section class="sa-risks" aria-labelledby="sa-decide"><h2 id="sa-decide">For the board to decide, '
            "and risks</h2><ul>" + "".join(f"<li>{_e(r)}</li>" for r in risks) + "</ul></section>"
        )
    if status:
        rows = "".join(
            f'<tr><th scope="row"><span class="sa-status sa-status-{_e(kind)}">{_e(STATUS_WORDS.get(kind, kind))}'
            f'</span></th><td data-label="What">{_e(what)}</td><td data-label="Report">{_e(title)}</td></tr>'
            for kind, what, title in status
        )
        out.append(
            "<h2>What the figures rest on</h2>"
            '<div class="sa-table-wrap" role="region" aria-labelledby="sa-status-caption" tabindex="0">'
            '<table class="sa-table sa-stack"><caption id="sa-status-caption">The data behind this pack: real, '
            'illustrative or draft</caption><thead><tr><th scope="col">Status</th><th scope="col">What</th>'
            f'<th scope="col">Report</th></tr></thead><tbody>{rows}</tbody></table></div>'
        )
    out.append(f'<h2>The reports</h2><ul class="sa-reports">{"".join(listing)}</ul>')
    table_items = "".join(f'<li><a class="sa-url" href="tables/{_e(t)}">{_e(t)}</a></li>' for t in tables)
    words = "".join(f"<dt>{_e(term)}</dt><dd>{_e(meaning)}</dd>" for term, meaning in GLOSSARY)
    out.append(f'<h2>Words used in this pack</h2><dl class="sa-glossary">{words}</dl>')
    appendix = ['<section class="sa-appendix"><h2>Appendix: the tables, and how this pack was built</h2>']
    if workbook:
        appendix.append(
            f'<p>Every table in one spreadsheet: <a class="sa-url" href="{_e(workbook)}">{_e(workbook)}</a> '
            "(a cover, contents and notes sheet, then one sheet per table).</p>"
        )
    if table_items:
        appendix.append(
            "<details><summary>Every table as a CSV file, for reuse in other tools</summary>"
            f"<ul>{table_items}</ul></details>"
        )
    appendix.append(
        "<p>The parameters, package version, commit, the SHA-256 of every input file and the timings are in "
        '<a class="sa-url" href="manifest.json">manifest.json</a>.</p></section>'
    )
    out.append("".join(appendix))
    return "".join(out)
