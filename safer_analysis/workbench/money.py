"""Money by Police & Crime Plan priority, from the dataset, with every figure named for what it is.

A project usually serves several priorities, so "how much went to priority 3" has two readings:

- **gross**: the whole amount of every project that serves the priority. Projects serving
  several priorities are counted in each, so gross figures of different priorities overlap and
  add up to more than was spent.
- **apportioned**: each project's amount split evenly across the priorities it serves (the
  house method, :func:`safer_analysis.analysis.allocation.apportion`). Apportioned figures add
  up to the spend.

And each can be a share of two totals: of the **grant** (the year's grant in grants.csv), or of
the **spend** (the amounts committed in the year's plan: allocated, or recommended where the
plan only recommends). Column names and sentences here always say which.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass

import pandas as pd

from safer_analysis.analysis import spend
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.datasets import Dataset
from safer_analysis.present.formats import format_gbp, format_percent
from safer_analysis.workbench.arguments import ArgumentTypeError, shown
from safer_analysis.workbench.display import Table, as_table, to_html


def _year(dataset: Dataset, year: object) -> str:
    """``year`` checked against the dataset's years; the message names the argument ``year``."""
    from safer_analysis.reports.context import check_year

    if not isinstance(dataset, Dataset):
        raise ArgumentTypeError(f"dataset: got {shown(dataset)}; expected the project's dataset, such as wb.dataset")
    try:
        return check_year(year, dataset).label
    except ParameterError as exc:
        said = str(exc).removeprefix("financial_year:").split(" (with papermill:")[0]
        raise ParameterError(f"year:{said}") from None


def _spend_words(dataset: Dataset, year: str) -> str:
    statuses = set(dataset.allocations_for(year).dropna(subset=["amount"])["status"])
    if statuses == {"allocated"}:
        return "allocated"
    if statuses == {"recommended"}:
        return "recommended"
    return "committed (allocated or recommended)"


def spend_by_priority(dataset: Dataset, year: object) -> Table:
    """Every Police & Crime Plan priority in ``year``: the projects serving it, the **gross**
    amount (all of every such project) as a share of the grant and of the spend, and the
    **apportioned** amount (each project split evenly across its priorities) as a share of the
    spend and of the grant."""
    label = _year(dataset, year)
    lines = dataset.allocations_for(label)
    table = spend.by_pcp_priority(lines, dataset.allocation_pcp_priorities, dataset.pcp_priorities, label)
    grant = dataset.grant_or_none(label)
    total = float(lines["amount"].sum(skipna=True))
    out = pd.DataFrame(
        {
            "priority": table["priority"],
            "name": table["name"],
            "projects": table["projects"],
            "gross_amount": table["gross_amount"],
            "gross_share_of_grant_pct": table["gross_amount"] / grant * 100 if grant else float("nan"),
            "gross_share_of_spend_pct": table["gross_amount"] / total * 100 if total else float("nan"),
            "apportioned_amount": table["apportioned"],
            "apportioned_share_of_spend_pct": table["apportioned_pct"],
            "apportioned_share_of_grant_pct": table["apportioned"] / grant * 100 if grant else float("nan"),
        }
    )
    words = _spend_words(dataset, label)
    basis = table.attrs.get("basis", [])
    notes = [
        f"Grant {format_gbp(grant)}; spend: {format_gbp(total)} {words} in the {label} plan.",
        "gross: the whole amount of every project serving the priority; projects serve several priorities, "
        "so gross amounts overlap and add up to more than the spend.",
        "apportioned: each project's amount split evenly across the priorities it serves; these add up to the "
        "spend on projects that serve at least one priority.",
    ]
    if "inferred" in basis:
        notes.append(f"The {label} links to priorities are inferred from the same services in a later plan.")
    return as_table(
        out,
        caption=f"Spend by Police & Crime Plan priority, {label}: gross and apportioned",
        notes=notes,
        formats={"priority": "text", "projects": "count"},
    )


@dataclass(frozen=True)
class PriorityMoney:
    """The money for one Police & Crime Plan priority in a year, in both readings."""

    year: str
    priority: int
    name: str
    grant: float | None
    spend: float
    spend_words: str
    projects: int
    all_projects: int
    gross: float
    apportioned: float
    basis: tuple[str, ...]

    @property
    def gross_share_of_grant_pct(self) -> float:
        return self.gross / self.grant * 100 if self.grant else float("nan")

    @property
    def gross_share_of_spend_pct(self) -> float:
        return self.gross / self.spend * 100 if self.spend else float("nan")

    @property
    def apportioned_share_of_spend_pct(self) -> float:
        return self.apportioned / self.spend * 100 if self.spend else float("nan")

    @property
    def apportioned_share_of_grant_pct(self) -> float:
        return self.apportioned / self.grant * 100 if self.grant else float("nan")

    def sentences(self) -> list[str]:
        """The two readings, each named, as sentences."""
        grant = format_gbp(self.grant) if self.grant is not None else "the grant (still to be confirmed)"
        every = (
            "every project"
            if self.projects == self.all_projects
            else f"{self.projects} of the {self.all_projects} projects"
        )
        gross_share = (
            "all of the grant"
            if self.grant and round(self.gross) == round(self.grant)
            else f"{format_percent(self.gross_share_of_grant_pct)} of the {grant} grant"
        )
        out = [
            f"Gross: {every} funded in {self.year} serves priority {self.priority} ({self.name}): "
            f"{format_gbp(self.gross)}, {gross_share} "
            f"({format_percent(self.gross_share_of_spend_pct)} of the {format_gbp(self.spend)} {self.spend_words}).",
            f"Apportioned (each project's amount split evenly across the priorities it serves): "
            f"{format_gbp(self.apportioned)}, {format_percent(self.apportioned_share_of_spend_pct)} of apportioned "
            f"spend (the {format_gbp(self.spend)} {self.spend_words}); "
            f"{format_percent(self.apportioned_share_of_grant_pct)} of the {grant} grant.",
        ]
        if "inferred" in self.basis:
            out.append(f"The {self.year} links to priorities are inferred from the same services in a later plan.")
        return out

    def table(self) -> Table:
        """The two readings as rows: amount, share of the grant and share of the spend."""
        rows = [
            ("gross", "every project serving the priority, whole", self.gross),
            ("apportioned", "each project split evenly across its priorities", self.apportioned),
        ]
        out = pd.DataFrame(rows, columns=["reading", "what is counted", "amount"])
        out["share_of_grant_pct"] = out["amount"] / self.grant * 100 if self.grant else float("nan")
        out["share_of_spend_pct"] = out["amount"] / self.spend * 100 if self.spend else float("nan")
        return as_table(
            out,
            caption=f"Police & Crime Plan priority {self.priority} ({self.name}), {self.year}",
            notes=[f"Grant {format_gbp(self.grant)}; spend {format_gbp(self.spend)} {self.spend_words}."],
        )

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences())
        return f"<ul>{items}</ul>" + to_html(self.table())

    def __str__(self) -> str:
        return "\n".join(self.sentences())


def priority_money(dataset: Dataset, year: object, priority: object) -> PriorityMoney:
    """How much of ``year``'s money went to Police & Crime Plan ``priority`` (its number), gross
    and apportioned, each as a share of the grant and of the spend."""
    label = _year(dataset, year)
    known = dict(zip(dataset.pcp_priorities["priority"], dataset.pcp_priorities["name"], strict=True))
    if isinstance(priority, str) and priority.strip().isdigit():
        priority = int(priority.strip())
    if isinstance(priority, float) and priority.is_integer():
        priority = int(priority)
    if isinstance(priority, bool) or not isinstance(priority, numbers.Integral):
        raise ArgumentTypeError(
            f"priority: got {shown(priority)}; expected a Police & Crime Plan priority number, one of "
            f"{', '.join(str(p) for p in sorted(known))} (pcp_priorities.csv)"
        )
    priority = int(priority)
    if priority not in known:
        raise ParameterError(
            f"priority: got {priority!r}; expected a Police & Crime Plan priority number, one of "
            f"{', '.join(str(p) for p in sorted(known))} (pcp_priorities.csv)"
        )
    lines = dataset.allocations_for(label).dropna(subset=["amount"])
    links = dataset.allocation_pcp_priorities
    table = spend.by_pcp_priority(lines, links, dataset.pcp_priorities, label).set_index("priority")
    serving = set(links.loc[links["priority"] == priority, "allocation_id"]) & set(lines["allocation_id"])
    return PriorityMoney(
        year=label,
        priority=int(priority),
        name=str(known[priority]),
        grant=dataset.grant_or_none(label),
        spend=float(lines["amount"].sum()),
        spend_words=f"{_spend_words(dataset, label)} in {label}",
        projects=len(serving),
        all_projects=len(lines),
        gross=float(table.at[priority, "gross_amount"]),
        apportioned=float(table.at[priority, "apportioned"]),
        basis=tuple(table.attrs.get("basis", [])),
    )
