"""The board paper gathered: the title block from the project's settings, the recommendations from
its data (:mod:`.decisions`) and from what the reports ask, the findings the reports recorded for
the board (never those resting on illustrative inputs) and the money, from the data.

Every amount is one the documents give, or a total or remainder of those."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from safer_analysis.analysis import spend
from safer_analysis.inputs.years import FinancialYear
from safer_analysis.present.formats import format_date_as_written, format_gbp, in_words
from safer_analysis.reports.board_paper.decisions import Option, Recommendation, recommendations, unused, with_author
from safer_analysis.reports.board_paper.implications import Implication, implications

#: At most this many key findings: a board reads a few.
MAX_FINDINGS = 5
#: The kinds of input a paper must say are not final.
NOT_FINAL = ("illustrative", "synthetic", "draft", "planned", "reading")


@dataclass(frozen=True)
class Appendix:
    page: str
    title: str
    description: str


@dataclass
class BoardPaper:
    """Everything the board paper shows (see the package)."""

    partnership: str
    area: str
    year: str
    title_block: list[tuple[str, str]]
    purpose: str
    recommendations: list[Recommendation]
    findings: list[str]
    money: str
    allocations: pd.DataFrame
    grant: float | None
    risks: list[str]
    not_final: list[tuple[str, str]]
    appendices: list[Appendix] = field(default_factory=list)
    period_note: str | None = None
    #: financial, legal and equalities implications, in that order (empty: the section is left out)
    implications: list[Implication] = field(default_factory=list)
    #: what the build should tell the analyst of the inputs it did not use (rows of decisions.csv)
    notes: list[str] = field(default_factory=list)

    @property
    def for_decision(self) -> bool:
        return any(True for _ in self.recommendations)


def _date(text: str) -> str:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%B %Y}"


def title_block(settings, year: str, marking: str, paper_for: str) -> list[tuple[str, str]]:
    """The paper's title block: meeting, date, author, contact, what it is for, the year, the marking."""
    rows = [
        ("Meeting", settings.meeting or "not named yet"),
        ("Date", _date(settings.meeting_date) if settings.meeting_date else "to be set"),
        ("Author", settings.author or "not named yet"),
        ("Contact", settings.contact or "not named yet"),
        ("For", paper_for),
        ("Year", f"financial year {year} (April to March)"),
    ]
    if marking:
        rows.append(("Marking", marking))
    return rows


def money_finding(dataset, year: str) -> str:
    """The grant and what the year's documents do with it, in a sentence, beside the year before."""
    grant = dataset.grant_or_none(year)
    lines = dataset.allocations_for(year)
    priced = lines[lines["amount"].notna()]
    total = float(priced["amount"].sum())
    drafts = _draft_dates(dataset, year)
    verb = f"proposed in the draft of {drafts[0]}" if drafts else "allocated"
    if grant is None:
        text = f"The {year} grant is not confirmed yet; {format_gbp(total)} is {verb} across {len(priced)} lines."
    elif abs(grant - total) < 0.5:
        text = f"All of the {format_gbp(grant)} grant for {year} is {verb}, across {len(priced)} lines."
    else:
        text = (
            f"{format_gbp(total)} of the {format_gbp(grant)} grant for {year} is {verb}, across {len(priced)} lines; "
            f"{format_gbp(grant - total)} is not yet {verb.split(' in ')[0]} for any line."
        )
    pending = len(lines) - len(priced)
    if pending:
        text += f" {pending} more line{'s have' if pending != 1 else ' has'} no amount yet."
    previous = FinancialYear.parse(year).previous().label
    before = dataset.grant_or_none(previous) if dataset.grant_known(previous) else None
    if grant is not None and before is not None:
        if abs(grant - before) < 0.5:
            text += f" The grant is the same as in {previous}."
        else:
            way = "more" if grant > before else "less"
            text += f" The grant is {format_gbp(abs(grant - before))} {way} than in {previous} ({format_gbp(before)})."
    return text


def _draft_dates(dataset, year: str) -> list[str]:
    """When each draft behind the year's lines is dated ("January 2017")."""
    return [format_date_as_written(d.date) for d in dataset.documents_for(year) if d.draft]


def _from_report(items: Sequence[Mapping]) -> list[Recommendation]:
    return [
        Recommendation(
            str(d["decision"]),
            str(d.get("why", "")),
            [Option(str(c), str(f)) for c, f in d["options"]],
            [str(i) for i in d.get("items", [])],
            key=str(d.get("key", "")),
        )
        for d in items
    ]


def _risks(dataset, year: str) -> list[str]:
    """What could upset the plan: the next year's grant unconfirmed while contracts run into it."""
    out = []
    following = FinancialYear.parse(year).next().label
    if not dataset.grant_known(following):
        running = spend.contract_risks(dataset.allocations, year)
        running = running[running["when"] == "in the next year"]
        if len(running):
            out.append(
                f"No document confirms a grant for {following}, yet {len(running)} contract"
                f"{'s run' if len(running) != 1 else ' runs'} into it."
            )
    out.append(
        "Recorded crime counts what the police record: a change in recording moves it as much as a change in crime."
    )
    return out


def build(
    dataset,
    settings,
    year: str,
    reports: Sequence[tuple[str, str, str, Mapping]],
    *,
    marking: str = "",
    period_note: str | None = None,
) -> BoardPaper:
    """The paper for ``year``: ``reports`` holds, per report, its page name, title, description and
    recorded summary (``board`` findings and ``decisions`` among them)."""
    decisions = recommendations(dataset, year)
    findings: list[str] = []
    status: list[tuple[str, str]] = []
    assessment: list[str] = []
    for page, _title, _description, summary in reports:
        decisions += _from_report(summary.get("decisions", []))
        if page == "strategic_assessment":
            assessment = list(summary.get("board", []))
        else:
            findings += list(summary.get("board", []))
        for kind, what in summary.get("status", []):
            if kind in NOT_FINAL and (kind, what) not in status:
                status.append((kind, what))
    if not dataset.allocations_for(year).empty or dataset.grant_or_none(year) is not None:
        money = money_finding(dataset, year)
    else:
        money = f"No grant or allocations for {year} are entered yet."
    decisions = with_author(dataset, year, decisions)
    ordered = assessment + findings
    if any(r.decision.startswith(("Approve the", "Agree the")) for r in decisions):
        status = [(k, w) for k, w in status if k != "planned"]  # the plan's own recommendation says so
    paper_for = settings.paper_for if decisions else "information"
    n = len(decisions)
    asks = f"asks the board to take {n} decision{'s' if n != 1 else ''}" if n else "is for the board's information"
    grant = dataset.grant_or_none(year)
    purpose = (
        f"This paper {asks} about the Police and Crime Commissioner's grant to {settings.name} for {year}"
        + (f" ({format_gbp(grant)})" if grant is not None else "")
        + f", in the light of what the strategic assessment shows about crime and anti-social behaviour in "
        f"{settings.area}. Each finding names its own period: the crime figures are for the year assessed, while "
        "the comparisons with other areas and the partners' figures are the latest published."
        + (
            f" The {in_words(len(reports))} report{'s' if len(reports) != 1 else ''} behind it "
            f"{'are its appendices' if len(reports) != 1 else 'is its appendix'}."
            if reports
            else ""
        )
    )
    return BoardPaper(
        partnership=settings.name,
        area=settings.area,
        year=year,
        title_block=title_block(settings, year, marking, paper_for),
        purpose=purpose,
        recommendations=decisions,
        findings=ordered[:MAX_FINDINGS],
        money=money,
        allocations=dataset.allocations_for(year),
        grant=grant,
        risks=_risks(dataset, year),
        not_final=status,
        appendices=[Appendix(page, title, description) for page, title, description, _ in reports],
        period_note=period_note,
        implications=implications(dataset, year) if decisions else [],
        notes=unused(dataset, year, decisions),
    )
