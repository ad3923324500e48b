"""The board paper's recommendations: each a decision the board can take, with its options and what
follows from each, made from the project's data alone.

- **The plan**: the documents behind the year's money whose standing says they are not yet
  approved (a plan of intended spending left unsigned, a draft for discussion).
- **Contracts**: each line whose contract ends part-way through the year, or in the next year
  when no document confirms that year's grant.
- **Money**: any part of the grant not yet allocated, and lines whose amount is still to be set.

Amounts are those the documents give (a line's amount, the grant, their totals and remainders);
nothing here splits an amount the documents do not split.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import pandas as pd

from safer_analysis.analysis import spend
from safer_analysis.inputs.validation import Problem
from safer_analysis.inputs.years import FinancialYear
from safer_analysis.present.formats import format_date_as_written, format_gbp, format_month
from safer_analysis.reports.spend_analysis import contract_endings


@dataclass(frozen=True)
class Option:
    """One course the board can take, and what follows from it."""

    choice: str
    follows: str


@dataclass(frozen=True)
class Recommendation:
    """A decision for the board: what it is asked, why, and its options (the first recommended)."""

    decision: str
    why: str
    options: list[Option] = field(default_factory=list)
    #: what the decision is about, where it is a list (the figures no one has supplied)
    items: list[str] = field(default_factory=list)
    #: what a document (or the analyst, in recommendations.csv) recommends, with where it says so
    recommended: str = ""
    #: how decisions.csv names the decision (``safer-analysis check`` lists each year's)
    key: str = ""
    #: the paper's author (decisions.csv): the option recommended, why, and who takes it forward
    preferred: str = ""
    reason: str = ""
    lead: str = ""

    @property
    def preferred_text(self) -> str:
        """The option the author recommends and why ("Let it end. The need is met by ..."); else that
        the author has recommended none yet (whatever a document recommends, which is said apart)."""
        if self.preferred:
            return f"{self.preferred}." + (f" {sentence(self.reason)}" if self.reason else "")
        return "none given yet."

    @property
    def lead_text(self) -> str:
        return sentence(self.lead) if self.lead else ""


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter, and a full stop unless it ends in one, or in
    a question or exclamation mark."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


#: The decision the strategic assessment puts when partners hold figures not supplied, and its options.
FIGURES_KEY = "partner figures"
FIGURES_OPTIONS = [
    Option("Ask for them now", "the priorities they measure can be judged on them next year"),
    Option("Carry on without them", "how those priorities are doing stays a matter of judgement"),
]


def _lines(priced: pd.DataFrame, lines: pd.DataFrame) -> str:
    """ "its 9 lines", or "the 3 of its 8 lines that have an amount"."""
    if len(priced) == len(lines):
        return f"its {len(lines)} lines"
    return f"the {len(priced)} of its {len(lines)} lines that have an amount"


def _plan(dataset, year: str) -> list[Recommendation]:
    lines = dataset.allocations_for(year)
    grant = dataset.grant_or_none(year)
    with_amounts = lines[lines["amount"].notna()]
    total = float(with_amounts["amount"].sum())
    out = []
    for document in (d for d in dataset.documents_for(year) if not d.approved):
        of_grant = f" of the {format_gbp(grant)} grant" if grant is not None else ""
        options = [
            Option("Approve it as it stands", "the providers can be told their funding is confirmed"),
            Option(
                "Approve it with changes agreed at the meeting",
                "the plan is re-issued with the changes before funding is confirmed",
            ),
            Option("Defer it", "no line is confirmed; services that continue do so without a confirmed grant"),
        ]
        if document.draft:
            decision = (
                f"Agree the {year} amounts proposed in the draft of {format_date_as_written(document.date)}: "
                f"{format_gbp(total)}{of_grant} across {_lines(with_amounts, lines)}."
            )
            options = [
                Option("Agree them as proposed", "the providers can be told their funding is confirmed"),
                Option("Agree them with changes made at the meeting", "the changed amounts are confirmed instead"),
                Option("Defer them", "no line is confirmed; services that continue do so without a confirmed grant"),
            ]
        else:
            decision = (
                f"Approve the {year} spending plan: {format_gbp(total)}{of_grant} across {_lines(with_amounts, lines)}."
            )
        out.append(
            Recommendation(
                decision,
                f"The money rests on the {document.title}, {document.standing}.",
                options,
                key=f"plan {document.document_id}",
            )
        )
    return out


def _contracts(dataset, year: str) -> list[Recommendation]:
    following = FinancialYear.parse(year).next().label
    confirmed = dataset.grant_known(following)
    out = []
    for c in contract_endings(dataset, year):  # the sooner first
        amount = f" ({c.amount})" if c.amount else ""
        if c.during:
            unspent = f"; no document says how much of its {format_gbp(c.amount_value)} that leaves unspent"
            out.append(
                Recommendation(
                    f"Decide what follows the contract for {c.project}, which ends in {c.ends}.",
                    f"The contract{amount} ends part-way through {year}: a decision is needed before {c.ends}.",
                    [
                        Option("Re-commission or extend it", f"the service carries on after {c.ends}"),
                        Option("Let it end", f"the service stops in {c.ends}" + (unspent if c.amount else "")),
                        Option("Note a decision already taken", "the board records it"),
                    ],
                    key=f"contract {c.allocation_id}",
                )
            )
        elif not confirmed:
            start = format_month(FinancialYear.parse(following).months()[0])
            out.append(
                Recommendation(
                    f"Decide how the contract for {c.project} is paid for from {start} until it ends in {c.ends}.",
                    f"The contract{amount} runs {c.months_into_next} into {following}; no document confirms a "
                    f"grant for {following} yet, and the plan gives no amount for those months.",
                    [
                        Option(
                            "Commit to it, subject to the next grant",
                            f"those months are the first call on the {following} grant, and the provider can plan",
                        ),
                        Option("Look for other funding", f"a decision is needed before {start}"),
                        Option(
                            f"Wait until the {following} grant is known",
                            f"the provider works from {start} without confirmed funding",
                        ),
                    ],
                    key=f"contract {c.allocation_id}",
                )
            )
    return out


def _money(dataset, year: str) -> list[Recommendation]:
    grant = dataset.grant_or_none(year)
    lines = dataset.allocations_for(year)
    out = []
    if grant is not None:
        committed = float(lines.loc[lines["status"].isin((spend.CONFIRMED, spend.PROPOSED)), "amount"].sum())
        left = grant - committed
        if left > 0.5:
            out.append(
                Recommendation(
                    f"Decide how to use the {format_gbp(left)} of the {year} grant not yet allocated.",
                    f"{format_gbp(committed)} of the {format_gbp(grant)} grant is allocated or proposed.",
                    [
                        Option("Allocate it now, to the priorities of greatest need", "it is spent this year"),
                        Option("Hold it for emerging threats", "it is allocated during the year as need arises"),
                    ],
                    key="unallocated",
                )
            )
    pending = lines[lines["amount"].isna()]
    if len(pending):
        names = "; ".join(pending["project"])
        out.append(
            Recommendation(
                f"Set amounts for the {len(pending)} lines of {year} that have none yet.",
                f"No amount is given for: {names}.",
                [
                    Option("Set them at the meeting", "the plan is complete"),
                    Option("Ask for them by the next meeting", "those services wait for a decision"),
                ],
                key="amounts",
            )
        )
    return out


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 5}


def _cited(dataset, row: pd.Series) -> str:
    """Where a row of recommendations.csv comes from: a document's title and section, else the analyst."""
    table = dataset.sources.set_index("document_id")
    doc = row.get("source_document")
    if isinstance(doc, str) and doc in table.index:
        return f"{table.at[doc, 'title']}, {row['source_section']}"
    return "the analyst"


def _its_line(dataset, year: str, row: pd.Series) -> str:
    """Where a line of the year's plan is written in the same place of the same document as the
    recommendation, its amount (", the plan's line that gives it £20,000"); else nothing."""
    lines = dataset.allocations_for(year)
    same = lines[
        (lines["source_document"] == row.get("source_document"))
        & (lines["source_section"] == row.get("source_section"))
        & lines["amount"].notna()
    ]
    return f", the plan's line that gives it {format_gbp(same['amount'].iloc[0])}" if len(same) == 1 else ""


def _recommendation_key(row: pd.Series, n: int, taken: set[str]) -> str:
    """How decisions.csv names a recommendation put to the board as its own decision: by the document
    and section that make it ("recommendation spending-plan-2018-19 table row 8"), which stay the
    same when rows are added or moved; one of the analyst's own (or a second from the same section),
    by its place among the year's rows."""
    doc, section = row.get("source_document"), row.get("source_section")
    if isinstance(doc, str) and doc.strip():
        key = " ".join(f"recommendation {doc} {section if isinstance(section, str) else ''}".split())
        if key not in taken:  # two from one section are told apart by their places
            return key
    return f"recommendation {n}"


def with_documented(dataset, year: str, decisions: list[Recommendation]) -> list[Recommendation]:
    """``decisions`` with what recommendations.csv recommends for ``year`` attached to the decision it
    speaks to (one naming the same project), and each recommendation that speaks to none added as a
    decision of its own, to agree or not."""
    table = dataset.recommendations[dataset.recommendations["financial_year"] == year]
    out = list(decisions)
    for n, (_, row) in enumerate(table.iterrows(), 1):
        said = f"{row['recommendation'].rstrip('.')} (recommended in {_cited(dataset, row)})."
        words = _words(row["recommendation"])
        best = max(range(len(decisions)), key=lambda i: len(words & _words(out[i].decision)), default=None)
        if best is not None and len(words & _words(out[best].decision)) >= 2 and not out[best].recommended:
            out[best] = dataclasses.replace(out[best], recommended=said)
            continue
        out.append(
            Recommendation(
                f"Agree: {row['recommendation'].rstrip('.')}.",
                f"Recommended in {_cited(dataset, row)}{_its_line(dataset, year, row)}.",
                [Option("Agree it", "it is done as written"), Option("Amend or decline it", "the board says how")],
                key=_recommendation_key(row, n, {d.key for d in out}),
            )
        )
    return out


def recommendations(dataset, year: str) -> list[Recommendation]:
    """Every decision the year's data put to the board, the plan first, then contracts, then money;
    with what the documents recommend (:func:`with_documented`)."""
    if dataset.allocations_for(year).empty:
        return [
            Recommendation(
                f"Agree the {year} allocations, once entered.",
                f"No allocations for {year} are entered yet.",
                [Option("Ask for a plan by the next meeting", "the grant waits for a plan")],
                key="plan",
            )
        ]
    return with_documented(dataset, year, _plan(dataset, year) + _contracts(dataset, year) + _money(dataset, year))


def _option_key(text: object) -> str:
    return " ".join(str(text).lower().split()).rstrip(".")


def _authors_rows(dataset, year: str) -> list[tuple[int, str, pd.Series]]:
    """decisions.csv's rows for ``year``: (file row, the decision's name with its spacing tidied, row)."""
    rows = dataset.decisions[dataset.decisions["financial_year"] == year]
    return [(row, " ".join(str(r["decision"]).split()), r) for row, r in rows.iterrows()]


def author_problems(dataset, year: str, decisions: list[Recommendation]) -> list[Problem]:
    """What is wrong with decisions.csv's rows for ``year`` against the decisions the paper can put
    (``decisions``, with the partner-figures decision the assessment adds where figures are missing):
    a decision not among them, an option not among its options, a decision given twice."""
    from safer_analysis.inputs.datasets import FILES

    label = str(dataset.root / FILES["decisions"])
    known = {d.key: d for d in decisions if d.key}
    known.setdefault(FIGURES_KEY, Recommendation("", "", FIGURES_OPTIONS, key=FIGURES_KEY))
    problems, seen = [], {}
    for row, key, r in _authors_rows(dataset, year):
        decision = next((d for k, d in known.items() if k.lower() == key.lower()), None)
        if decision is None:
            problems.append(
                Problem(
                    label,
                    row,
                    "decision",
                    f"no decision {key!r} in the {year} paper; expected one of: {'; '.join(known)}",
                )
            )
            continue
        first = seen.setdefault(decision.key, row)
        if first != row:
            problems.append(Problem(label, row, "decision", f"{decision.key!r} for {year} is already in row {first}"))
        option = r["preferred_option"]
        if not isinstance(option, str) and isinstance(r["reason"], str):
            problems.append(
                Problem(
                    label,
                    row,
                    "preferred_option",
                    f"a reason is given but no option; expected the option for {decision.key!r} it recommends: "
                    f"{'; '.join(o.choice for o in decision.options)}",
                )
            )
        if isinstance(option, str) and _option_key(option) not in {_option_key(o.choice) for o in decision.options}:
            problems.append(
                Problem(
                    label,
                    row,
                    "preferred_option",
                    f"expected one of the options for {decision.key!r}: {'; '.join(o.choice for o in decision.options)}"
                    f"; found {option!r}",
                )
            )
    return problems


def with_author(dataset, year: str, decisions: list[Recommendation]) -> list[Recommendation]:
    """``decisions`` with what the paper's author says of each in decisions.csv: the option
    recommended (in the paper's words for it), why, and who leads; a row naming no decision or
    option of the year is refused, naming its file, row and column (:func:`author_problems`)."""
    from safer_analysis.inputs import validation as v

    v.require(author_problems(dataset, year, decisions))
    said = {key.lower(): r for _, key, r in _authors_rows(dataset, year)}
    out = []
    for d in decisions:
        r = said.get(d.key.lower())
        if r is None:
            out.append(d)
            continue
        option = r["preferred_option"]
        chosen = next((o.choice for o in d.options if _option_key(o.choice) == _option_key(option)), "")
        text = {c: (str(r[c]).strip() if isinstance(r[c], str) else "") for c in ("reason", "lead")}
        out.append(dataclasses.replace(d, preferred=chosen, reason=text["reason"], lead=text["lead"]))
    return out


def unused(dataset, year: str, decisions: list[Recommendation]) -> list[str]:
    """The rows of decisions.csv for ``year`` that speak to a decision this paper does not put
    (partners' figures, when every figure is supplied), each said in a line for the build."""
    from safer_analysis.inputs.datasets import FILES

    put = {d.key.lower() for d in decisions if d.key}
    return [
        f"{dataset.root / FILES['decisions']}, row {row}: the {year} paper puts no decision {key!r} this time, "
        "so the row is not used"
        for row, key, _ in _authors_rows(dataset, year)
        if key.lower() not in put
    ]
