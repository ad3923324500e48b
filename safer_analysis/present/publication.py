"""What a product notebook shows and hands on: findings, tables (also saved as CSV) and charts."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from safer_analysis.present import cells, disclosure, tables
from safer_analysis.present.charts import Chart

try:  # notebooks display HTML objects; outside IPython the raw text is returned
    from IPython.display import HTML
except ImportError:  # pragma: no cover
    HTML = str  # type: ignore[misc,assignment]

SUMMARY_FILE = "summary.json"


class Report:
    """Collects the published parts of one product for one year.

    With an ``output_dir`` (set by the report runner), every table is also written as CSV to
    ``output_dir/tables/<product>__<name>.csv`` and the findings to ``output_dir/summaries/``.
    Without it (an analyst exploring), nothing is written.
    """

    def __init__(self, product: str, year: str, place: str, output_dir: str | Path | None = None):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", product):
            raise ValueError(f"product {product!r} must be lower_snake_case")
        self.product = product
        self.year = year
        self.place = place
        self.output_dir = Path(output_dir) if output_dir else None
        self.tables: list[str] = []
        self.captions: dict[str, str] = {}
        self.meta: dict[str, dict] = {}
        self.findings: list[str] = []
        self.source = ""
        self.caveat = ""

    def _write(self, sub: str, name: str) -> Path | None:
        if self.output_dir is None:
            return None
        folder = self.output_dir / sub
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def heading(self, title: str, *, synthetic: str | None = None, source: str = "", caveat: str = "") -> HTML:
        """The report's header: title, year, place, and a banner where inputs are not real.

        ``source`` is where the report's figures come from and ``synthetic`` its caveat: both go
        with every table the report publishes (a table may give its own); ``caveat`` goes with the tables
        without a banner on the page."""
        self.source = source
        self.caveat = " ".join(c for c in (synthetic, caveat) if c)
        parts = [f'<p class="sa-kicker">{html.escape(self.place)} · Financial year {html.escape(self.year)}</p>']
        if synthetic:
            parts.append(
                f'<div class="sa-banner" role="note"><strong>Illustrative data.</strong> {html.escape(synthetic)}</div>'
            )
        return HTML("\n".join(parts))

    def summary(
        self,
        findings: list[str],
        title: str,
        *,
        risks: list[str] | None = None,
        status: list[tuple[str, str]] | None = None,
        show_risks: bool = True,
    ) -> HTML:
        """Show the key findings as a list, and the decisions and risks for the board where there
        are any; record them, with the status of the data (``(kind, what)`` pairs, kind one of
        ``real``, ``illustrative``, ``draft``), for the board pack's index. With ``show_risks``
        False the decisions are recorded for the index (the board paper) but not repeated here."""
        self.findings = list(findings)
        risks = list(risks or [])
        path = self._write("summaries", f"{self.product}.json")
        if path is not None:
            path.write_text(
                json.dumps(
                    {
                        "product": self.product,
                        "title": title,
                        "year": self.year,
                        "findings": self.findings,
                        "risks": risks,
                        "status": [list(s) for s in (status or [])],
                    },
                    indent=2,
                ),
                encoding="utf-8",
            )
        items = "".join(f"<li>{html.escape(f)}</li>" for f in findings)
        out = f'<section class="sa-summary" aria-label="Summary of findings"><ul>{items}</ul></section>'
        if risks and show_risks:
            points = "".join(f"<li>{html.escape(r)}</li>" for r in risks)
            out += (
                '<section class="sa-risks" aria-labelledby="sa-risks-title">'
                f'<h3 id="sa-risks-title">For the board to decide</h3><ul>{points}</ul></section>'
            )
        return HTML(out)

    def table(
        self,
        frame: pd.DataFrame,
        name: str,
        caption: str,
        *,
        formats: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        total_row: bool = False,
        raw: pd.DataFrame | None = None,
        suppress: list[str] | None = None,
        threshold: int | None = None,
        suppress_total_row: object | None = None,
        suppress_derived: dict[str, list[str]] | None = None,
        source: str = "",
        caveat: str = "",
    ) -> HTML:
        """Show ``frame`` as an accessible table and save ``raw`` (default ``frame``) as CSV.

        Counts in the ``suppress`` columns from 1 to ``threshold - 1`` are published as ``[c]``, in
        the page and in the CSV, with secondary suppression against the total row (the row labelled
        ``suppress_total_row``) where one is shown; ``frame`` itself is unchanged. ``threshold``
        defaults to the one set with :func:`disclosure.set_threshold` (5 unless changed).
        ``suppress_derived`` maps a count column to columns computed from it (e.g. a rate), which
        are hidden wherever the count is. A text cell a spreadsheet would read as a formula is
        written to the CSV with a leading apostrophe (:mod:`safer_analysis.present.cells`).
        """
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"table name {name!r} must be lower_snake_case")
        note = ""
        if suppress:
            options = {"threshold": threshold, "total_row": suppress_total_row}
            mask = disclosure.suppression_mask(frame, suppress, **options)
            primary = disclosure.suppression_mask(frame, suppress, secondary=False, **options)
            frame = disclosure.suppress(frame, suppress, derived=suppress_derived, **options)
            if raw is not None:
                raw = disclosure.suppress(
                    raw,
                    [c for c in suppress if c in raw.columns],
                    **options,
                    derived={
                        k: [c for c in v if c in raw.columns]
                        for k, v in (suppress_derived or {}).items()
                        if k in raw.columns
                    },
                )
            if mask.to_numpy().any():
                text = disclosure.footnote(threshold, secondary=bool((mask & ~primary).to_numpy().any()))
                note = f'<p class="sa-note">{html.escape(text)}</p>'

        path = self._write("tables", f"{self.product}__{name}.csv")
        if path is not None:
            cells.neutralise_frame(raw if raw is not None else frame).to_csv(path, index=False)
        self.tables.append(name)
        self.captions[name] = caption
        self.meta[name] = {
            "headers": dict(headers or {}),
            "formats": {k: v for k, v in (formats or {}).items() if isinstance(v, str)},
            "source": source or self.source,
            "caveat": caveat or self.caveat,
        }
        index = self._write("summaries", f"{self.product}__tables.json")
        if index is not None:
            index.write_text(
                json.dumps(
                    {
                        "product": self.product,
                        "year": self.year,
                        "place": self.place,
                        "tables": [
                            {"name": n, "file": f"tables/{self.product}__{n}.csv", "caption": c, **self.meta[n]}
                            for n, c in self.captions.items()
                        ],
                    },
                    indent=2,
                ),
                encoding="utf-8",
            )
        return HTML(
            tables.to_html(
                frame, caption, formats=formats, headers=headers, total_row=total_row, table_id=f"table-{name}"
            )
            + note
        )

    def figure(self, chart: Chart) -> HTML:
        return HTML(chart.to_html())

    def note(self, text: str) -> HTML:
        """A short paragraph of text built from data (escaped)."""
        return HTML(f'<p class="sa-note">{html.escape(text)}</p>')

    def details(self, summary: str, *parts: object) -> HTML:
        """``parts`` (HTML this report made, such as a table) folded under ``summary``, a line the
        reader opens (``<details>``): for what a board may read or skip. Printed closed."""
        inner = "".join(str(getattr(part, "data", part)) for part in parts)
        return HTML(f'<details class="sa-details"><summary>{html.escape(summary)}</summary>{inner}</details>')

    def bullets(self, items: list[str]) -> HTML:
        return HTML("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
