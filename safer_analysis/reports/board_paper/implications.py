"""The board paper's implications: what the year's decisions mean in money, in law and for
equality. The financial implications the data show are written from them (documented amounts,
their totals and remainders only); the rest is the paper's author's, from ``implications.csv``.
A kind the author has not written says so, rather than being left out."""

from __future__ import annotations

from dataclasses import dataclass

from safer_analysis.inputs.datasets import IMPLICATION_KINDS
from safer_analysis.inputs.years import FinancialYear
from safer_analysis.present.formats import format_gbp, in_words
from safer_analysis.reports.spend_analysis import contract_endings

#: How each kind is headed in the paper.
HEADINGS = {"financial": "Financial", "legal": "Legal", "equalities": "Equalities"}
#: What the paper says of a kind the author has not written.
NOT_GIVEN = "not yet assessed: the paper's author has not set these out."


@dataclass(frozen=True)
class Implication:
    """One kind of implication: its heading, and its sentences (the data's, then the author's)."""

    heading: str
    sentences: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sentences) if self.sentences else NOT_GIVEN[:1].upper() + NOT_GIVEN[1:]


def from_the_data(dataset, year: str) -> list[str]:
    """The financial implications the year's data show: what approving the plan commits, and the
    contracts whose cost runs past what the documents give."""
    out = []
    lines = dataset.allocations_for(year)
    priced = lines[lines["amount"].notna()]
    unapproved = [d for d in dataset.documents_for(year) if not d.approved]
    if unapproved and len(priced):
        until = (
            "until the amounts proposed in the draft are agreed"
            if any(d.draft for d in unapproved)
            else "until the plan is approved"
        )
        first = FinancialYear.parse(year).months()[0]
        ends = priced["contract_end"].astype(str)
        contracted = priced[priced["contract_end"].notna() & (ends >= first)]
        total = float(priced["amount"].sum())
        if len(contracted):  # the lines by their own amounts: no sum of some lines the documents do not give
            n, rest = len(contracted), len(lines) - len(contracted)
            pairs = zip(contracted["project"], contracted["amount"], strict=True)
            named = "; ".join(f"{project}, {format_gbp(amount)}" for project, amount in pairs)
            out.append(
                f"{in_words(n).capitalize()} of the lines {'are' if n != 1 else 'is'} for services under contract "
                f"({named}); {until}, "
                + (
                    f"the other {in_words(rest)} line{'s are' if rest != 1 else ' is'} confirmed to no provider."
                    if rest
                    else "no other line is confirmed to a provider."
                )
            )
        else:
            out.append(f"{until.capitalize()}, none of the {format_gbp(total)} is confirmed to the providers.")
    following = FinancialYear.parse(year).next().label
    confirmed = dataset.grant_known(following)
    for c in contract_endings(dataset, year):
        if c.during and c.amount:
            out.append(
                f"Letting the contract for {c.project} end in {c.ends} leaves unspent whatever of its "
                f"{format_gbp(c.amount_value)} is not used by then; no document says how much, or whether it may be "
                "spent again."
            )
        elif not c.during and not confirmed:
            out.append(
                f"Keeping the contract for {c.project} to {c.ends} is a first call on a grant for {following} "
                f"that no document confirms yet; no document gives the cost of its {c.months_into_next} "
                f"in {following}."
            )
    return out


def implications(dataset, year: str) -> list[Implication]:
    """Each kind in turn (:data:`~safer_analysis.inputs.datasets.IMPLICATION_KINDS`): the data's
    financial implications first, then what the author wrote for the year, with its source."""
    rows = dataset.implications[dataset.implications["financial_year"] == year]
    out = []
    for kind in IMPLICATION_KINDS:
        said = from_the_data(dataset, year) if kind == "financial" else []
        for _, r in rows[rows["kind"] == kind].iterrows():
            text = str(r["text"]).strip()
            end = text[-1] if text.endswith((".", "!", "?")) else "."
            text = text.rstrip(".!?").rstrip()
            source = r["source"].strip() if isinstance(r["source"], str) else ""
            said.append(f"{text} ({source}){end}" if source else f"{text}{end}")
        out.append(Implication(HEADINGS[kind], said))
    return out
