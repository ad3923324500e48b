"""What a board reads first in a pack: each report's key findings, the decisions its reports put
to the board, and what rests on illustrative inputs, gathered from the summaries the reports
record (:meth:`safer_analysis.present.publication.Report.summary`). The front page and the
workbook's first sheet both show these, so they say the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class KeyPoints:
    """The pack's points, in report order.

    ``findings`` holds ``(page, title, points)`` per report with any findings; ``decisions``
    what the reports put to the board (their ``risks``), each once; ``caveats`` a line per
    illustrative or synthetic input, saying it is not for decisions; ``status`` each
    ``(kind, what, report title)`` the reports recorded, each once."""

    findings: list[tuple[str, str, list[str]]]
    decisions: list[str]
    caveats: list[str]
    status: list[tuple[str, str, str]]


def caveat(kind: str, what: str, title: str) -> str:
    """The line that keeps an illustrative or synthetic input out of decisions.

    >>> caveat("illustrative", "Outcome returns", "Allocation rationale").split(". ")[0]
    'ILLUSTRATIVE: Outcome returns (Allocation rationale)'
    """
    return f"{kind.upper()}: {what} ({title}). Not for decisions until replaced by the partnership's own."


def key_points(
    reports: Sequence[tuple[str, str, str, Mapping]],
    *,
    findings_per_report: int = 3,
    period_note: str | None = None,
) -> KeyPoints:
    """The key points of ``reports`` (per report: its page name, title, description and recorded
    summary): the first ``findings_per_report`` findings of each, leaving out ``period_note``
    (which months the crime figures cover, said once elsewhere)."""
    findings: list[tuple[str, str, list[str]]] = []
    decisions: list[str] = []
    status: list[tuple[str, str, str]] = []
    for page, title, _description, summary in reports:
        points = [f for f in summary.get("findings", []) if f != period_note][:findings_per_report]
        if points:
            findings.append((page, title, points))
        for r in summary.get("risks", []):
            if r not in decisions:
                decisions.append(r)
        for kind, what in summary.get("status", []):
            if (kind, what) not in {(k, w) for k, w, _ in status}:
                status.append((kind, what, title))
    caveats = [caveat(kind, what, title) for kind, what, title in status if kind in ("illustrative", "synthetic")]
    return KeyPoints(findings, decisions, caveats, status)
