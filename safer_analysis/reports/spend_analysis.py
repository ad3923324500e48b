"""The spend analysis report: its findings, decisions and risks as sentences."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from safer_analysis.analysis import spend
from safer_analysis.analysis.spend import CONFIRMED, PROPOSED, total_change
from safer_analysis.inputs.money import is_rounded
from safer_analysis.present.formats import format_date_as_written, format_gbp, format_month, format_percent


def documents(dataset, year: str) -> list[tuple[str, str]]:
    """The documents behind ``year``'s lines: (title, what the document is in its own terms, e.g.
    'a plan of intended spending: ...'; empty where sources.csv does not say)."""
    return [(d.title, d.standing) for d in dataset.documents_for(year)]


def standing(dataset, year: str) -> str | None:
    """'<title> is <what it is>' for the documents behind ``year``, or None where not recorded."""
    parts = [f"{title} is {what}" for title, what in documents(dataset, year) if what]
    return "; ".join(parts) or None


def _yes(value: object) -> bool:
    """True for a yes read from a yes/no column; blank (None or missing) is not stated."""
    return value is not None and not pd.isna(value) and bool(value)


def set_in(allocations: pd.DataFrame, sources: pd.DataFrame | None, year: str) -> str:
    """How ``year``'s amounts stand, from their documents (``sources.csv``'s ``draft``) and the lines'
    status: 'proposed in the draft of January 2017', 'allocated in the 2018-19 plan', 'recommended
    for the board to decide'."""
    lines = allocations[allocations["financial_year"] == year]
    funded = lines[lines["amount"].notna()]
    ids = list(dict.fromkeys((funded if len(funded) else lines)["source_document"]))
    docs = sources.set_index("document_id") if sources is not None and "draft" in sources else None
    if docs is not None and ids and all(d in docs.index and _yes(docs.at[d, "draft"]) for d in ids):
        dates = [d for d in (format_date_as_written(docs.at[i, "date"]) for i in ids) if d]
        return "proposed in the draft of " + " and ".join(dates) if dates else "proposed in a draft"
    statuses = set(funded["status"])
    if statuses == {CONFIRMED}:
        return f"allocated in the {year} plan"
    if statuses == {PROPOSED}:
        return "recommended for the board to decide"
    return "allocated or recommended"


def summarise(
    reconciliation: pd.DataFrame,
    allocations: pd.DataFrame,
    year: str,
    changes: pd.DataFrame | None = None,
    priorities: pd.DataFrame | None = None,
    *,
    grants: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> list[str]:
    """The spend report's three findings, in plain words: the grant and how much of it the year's
    document sets, the largest line, and the change since the year before (or, with no year
    before, the money by Police & Crime Plan priority: whole lines, never a split of one)."""
    r = reconciliation.set_index("line")
    grant = r.at["grant", "amount"]
    committed = r.at["committed", "amount"]
    unallocated = r.at["unallocated", "amount"]
    pending = int(r.at["pending", "projects"])
    findings = []
    if pd.isna(grant):
        lines = int(r.at["committed", "projects"]) + pending
        findings.append(
            f"The {year} grant is still to be confirmed (Tbc): this is a draft. "
            f"{format_gbp(committed)} is entered across {int(r.at['committed', 'projects'])} of "
            f"{lines} lines; {pending} {'line awaits' if pending == 1 else 'lines await'} an amount."
        )
        return findings
    verb = "is " + set_in(allocations, sources, year)
    sentence = (
        f"{format_gbp(committed)} of the {format_gbp(grant)} grant for {year} "
        f"({format_percent(committed / grant * 100)}) {verb} across "
        f"{int(r.at['committed', 'projects'])} project{'' if int(r.at['committed', 'projects']) == 1 else 's'}"
    )
    if unallocated > 0.5:
        sentence += f"; {format_gbp(unallocated)} ({format_percent(unallocated / grant * 100)}) is not yet allocated"
    else:
        sentence += "; nothing is left unallocated"
    if pending:
        lines_wait = "line still awaits" if pending == 1 else "lines still await"
        sentence += f", and {pending} {lines_wait} an amount"
    findings.append(sentence + ".")

    funded = allocations[(allocations["financial_year"] == year) & allocations["amount"].notna()]
    if not funded.empty:
        top = funded.loc[funded["amount"].idxmax()]
        findings.append(
            f"The largest line is {top['project']} at {format_gbp(top['amount'])} "
            f"({format_percent(top['amount'] / grant * 100)} of the grant)."
        )
    if changes is not None and not changes.empty:
        findings.append(change_sentence(changes, allocations, grants, sources=sources))
    elif priorities is not None and "total" in priorities and priorities["lines"].sum() > 0:
        top = priorities.sort_values(["lines", "total"], ascending=False, kind="stable").iloc[0]
        n, lines = int(top["lines"]), len(funded)
        who = f"All {lines} funded lines serve" if n == lines else f"{n} of the {lines} funded lines serve"
        read = (
            " (the analyst's reading: the document names no Police & Crime Plan priority)"
            if "inferred" in priorities.attrs.get("basis", [])
            else ""
        )
        findings.append(f"{who} Police & Crime Plan priority {top['priority']}, {top['name']}{read}.")
    return findings


def change_sentence(
    changes: pd.DataFrame,
    allocations: pd.DataFrame,
    grants: pd.DataFrame | None,
    *,
    sources: pd.DataFrame | None = None,
) -> str:
    """The year against the one before, like with like: the grants first, then what the earlier
    year's document had set, then each service."""
    prev_year, year = changes["previous_year"].iloc[0], changes["current_year"].iloc[0]
    t = total_change(changes)
    text = ""
    if grants is not None:
        g = grants.set_index("financial_year")["amount"]
        before, now = g.get(prev_year), g.get(year)
        if before is not None and now is not None and not pd.isna(before) and not pd.isna(now):
            text = (
                f"The grant is {format_gbp(now)} in both {prev_year} and {year}. "
                if abs(now - before) < 0.5
                else f"The grant changes from {format_gbp(before)} in {prev_year} to {format_gbp(now)} in {year}. "
            )
    earlier = allocations[allocations["financial_year"] == prev_year]
    unset = earlier["amount"].isna().sum()
    if unset:
        text += (
            f"For {prev_year}, {format_gbp(t['previous'])} was {set_in(allocations, sources, prev_year)}, which left "
            f"{unset} of its {len(earlier)} lines without an amount (Tbc or awaiting confirmation), so the two years' "
            "totals do not compare"
        )
    else:
        text += (
            f"{format_gbp(t['previous'])} was {set_in(allocations, sources, prev_year)} for {prev_year}, and "
            f"{format_gbp(t['current'])} is {set_in(allocations, sources, year)}"
        )
    details = _moved(changes) + _counted(changes, prev_year, year)
    return text + (". Service by service: " + "; ".join(details) if details else "") + "."


def _moved(changes: pd.DataFrame) -> list[str]:
    """The services whose amount rose or fell, named with both amounts (two or fewer), else counted."""
    out = []
    for kind, verb in (("increased", "rises"), ("decreased", "falls")):
        rows = changes[changes["kind"] == kind]
        if 0 < len(rows) <= 2:
            out += [
                f"{row['project']} {verb} from {format_gbp(row['previous_amount'])} to "
                f"{format_gbp(row['current_amount'])}"
                for _, row in rows.iterrows()
            ]
        elif len(rows):
            out.append(f"{len(rows)} lines {verb[:-1]}")
    return out


def _counted(changes: pd.DataFrame, prev_year: str, year: str) -> list[str]:
    kinds = changes["kind"].value_counts()
    out = []
    for kind, one, many in (
        ("unchanged", "1 is unchanged", "{n} are unchanged"),
        (spend.AMOUNT_SET, "1 had no amount in {prev} and has one now", "{n} had no amount in {prev} and have one now"),
        (spend.NEW, "1 is new", "{n} are new"),
        (
            spend.NOT_IN_PLAN,
            "1 has no line of its own in the {year} plan",
            "{n} have no line of their own in the {year} plan",
        ),
    ):
        n = int(kinds.get(kind, 0))
        if n:
            out.append((one if n == 1 else many).format(n=n, prev=prev_year, year=year))
    return out


def change_title(
    changes: pd.DataFrame,
    grants: pd.DataFrame | None,
    *,
    allocations: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> str:
    t = total_change(changes)
    prev_year, year = changes["previous_year"].iloc[0], changes["current_year"].iloc[0]
    if allocations is not None:
        return (
            f"{format_gbp(t['previous'])} {set_in(allocations, sources, prev_year)} for {prev_year}; "
            f"{format_gbp(t['current'])} {set_in(allocations, sources, year)}"
        )
    if grants is not None:
        g = grants.set_index("financial_year")["amount"]
        before, now = g.get(prev_year), g.get(year)
        if before is not None and now is not None and abs(now - before) < 0.5:
            return (
                f"The grant stands at {format_gbp(now)} in both years; {prev_year}'s document gives amounts for "
                f"{format_gbp(t['previous'])} of it, {year}'s for {format_gbp(t['current'])}"
            )
    return f"Spend with an amount: {format_gbp(t['previous'])} in {prev_year}, {format_gbp(t['current'])} in {year}"


@dataclass(frozen=True)
class ContractEnding:
    """A contract of the year's lines that ends before the year is out or in the next year, in the
    words the board paper and the spend analysis both use (see :func:`spend.contract_risks`)."""

    allocation_id: str
    project: str  # "Plymouth Domestic Abuse Service with <provider>"
    amount: str  # "£160,200 from the 2018-19 grant", or "" where the line has no amount
    ends: str  # "December 2019"
    during: bool  # ends part-way through the year, else in the next year
    months_into_next: str  # "9 months" of the next year it runs (for one that ends in it)
    amount_value: float | None


def contract_endings(dataset, year: str) -> list[ContractEnding]:
    """The year's contracts ending during it or the next year, the sooner first."""
    from safer_analysis.inputs.years import FinancialYear

    following = FinancialYear.parse(year).next()
    out = []
    for _, row in spend.contract_risks(dataset.allocations, year).iterrows():
        who = f" with {row['provider']}" if isinstance(row["provider"], str) and row["provider"] else ""
        priced = not pd.isna(row["amount"])
        months = following.months()
        n = months.index(row["contract_end"]) + 1 if row["contract_end"] in months else 0
        out.append(
            ContractEnding(
                allocation_id=str(row["allocation_id"]),
                project=f"{row['project']}{who}",
                amount=f"{format_gbp(row['amount'])} from the {year} grant" if priced else "",
                ends=format_month(row["contract_end"]),
                during=row["when"] == "during the year",
                months_into_next=f"{n} month{'s' if n != 1 else ''}",
                amount_value=float(row["amount"]) if priced else None,
            )
        )
    return out


def risks(dataset, year: str) -> list[str]:
    """Decisions and risks for the board: the standing of the documents behind the year's money
    (a plan not yet approved), and contracts that end during the year or the next, saying when
    the next year's grant is not confirmed in any document."""
    from safer_analysis.inputs.years import FinancialYear

    out = [
        f"The figures rest on {title}, {what}. The board is asked to approve it, or amend it, or to record "
        "when it was approved."
        for title, what in documents(dataset, year)
        if what
    ]
    following = FinancialYear.parse(year).next().label
    confirmed = dataset.grant_known(following)
    for c in contract_endings(dataset, year):
        amount = f" ({c.amount})" if c.amount else ""
        if c.during:
            out.append(
                f"The contract for {c.project}{amount} ends in {c.ends}, part-way through {year}: what follows "
                "it needs a decision, or a record of the one made."
            )
            continue
        cover = (
            ""
            if confirmed
            else f", for which no document here confirms a grant (the grant is known for {_known_years(dataset)})"
        )
        out.append(
            f"The contract for {c.project}{amount} ends in {c.ends}, in {following}{cover}: what follows it, "
            "and how it is paid for, needs a decision."
        )
    return out


def _known_years(dataset) -> str:
    years = [y for y in sorted(dataset.grants["financial_year"]) if dataset.grant_known(y)]
    return " and ".join([", ".join(years[:-1]), years[-1]]) if len(years) > 1 else (years[0] if years else "no year")


def budget_note(shares: pd.DataFrame, year: str) -> str:
    known = shares.dropna(subset=["total_budget"])
    if known.empty:
        return "No document gives the total budget of these services, so the grant's share of them is not known."
    years = sorted(set(known["budget_year"]))
    if years == [year]:
        return (
            "Where the plan gives a service's total budget, the grant's contribution is shown as a share of it."
            + _rounded_note(known)
        )
    text = (
        f"The {year} plan gives no total budgets; the latest known are from {', '.join(years)}, shown with the "
        "grant's contribution and share in that year. This year's amounts are not set against them, since the "
        "budgets may have changed."
    )
    return text + _rounded_note(known)


def _rounded_note(known: pd.DataFrame) -> str:
    """A sentence on budgets the documents give rounded (``£2m``), whose shares are approximate."""
    rounded = [
        (str(row["project"]), str(row["total_budget_text"]))
        for _, row in known.iterrows()
        if is_rounded(row.get("total_budget_text"))
    ]
    if not rounded:
        return ""
    which = "; ".join(f"{budget} for {project}" for project, budget in rounded)
    return (
        f" Budgets are shown as the documents give them; a rounded one ({which}) makes the grant's share of it "
        "approximate."
    )


def what_changed(changes: pd.DataFrame) -> pd.Series:
    """The kind of each service's change, and where the documents show a different contract (a
    new provider, or a contract ending at another time) that the amounts may not buy the same."""

    def known(value: object) -> bool:
        return isinstance(value, str) and bool(value.strip())

    out = []
    for _, row in changes.iterrows():
        text = str(row["kind"])
        prev, cur = row["previous_year"], row["current_year"]
        if known(row.get("previous_provider")) and known(row.get("current_provider")):
            if row["previous_provider"] != row["current_provider"]:
                text += (
                    f"; the documents name different providers ({row['previous_provider']} for {prev}, "
                    f"{row['current_provider']} for {cur}), so it may not be the same contract"
                )
        if known(row.get("previous_contract_end")) and known(row.get("current_contract_end")):
            if row["previous_contract_end"] != row["current_contract_end"]:
                text += (
                    f"; the documents give different contract ends ({format_month(row['previous_contract_end'])} "
                    f"for {prev}, {format_month(row['current_contract_end'])} for {cur}), so the two amounts may "
                    "not buy the same"
                )
        out.append(text)
    return pd.Series(out, index=changes.index)


def change_kinds_note(previous: str) -> str:
    return (
        "Services are matched across years by what they commission (the same theme in both documents). "
        f"A line with no amount in {previous} (Tbc or awaiting confirmation) that has one now continues; it is not "
        "new money. A new line did not appear the year before; a service with no line of its own this year had one "
        "only in the earlier document (its work may continue within another line). Percentage change is given only "
        "where both years have an amount."
    )


def data_status(dataset, year: str) -> list[tuple[str, str]]:
    """What the spend figures are, for the index: real transcriptions, or a draft while anything is Tbc."""
    items = dataset.draft_items(year)
    docs = documents(dataset, year)
    titles = "; ".join(t for t, _ in docs) or "the partnership's documents"
    out = [("real", f"Grant and amounts for {year}: transcribed from {titles}")]
    for _, what in docs:
        if "intend" in what or "draft" in what or "recommend" in what:
            out.append(("planned", f"The {year} amounts are not yet approved spending: the document is {what}"))
    if items:
        out.append(("draft", "Still to be confirmed: " + "; ".join(items)))
    return out


def pcp_labels(priorities: pd.DataFrame) -> list[str]:
    """'3. Protecting people at risk of abuse' for each Police & Crime Plan priority."""
    return [f"{p}. {n}" for p, n in zip(priorities["priority"], priorities["name"], strict=True)]


def pcp_title(priorities: pd.DataFrame, year: str) -> str:
    """The chart's headline: which priority most lines serve, with whole lines' amounts only."""
    if not len(priorities) or not priorities["lines"].sum():
        return f"No {year} line with an amount is linked to a Police & Crime Plan priority yet"
    top = priorities.sort_values(["lines", "total"], ascending=False, kind="stable").iloc[0]
    every = int(top["lines"]) == int(priorities["lines"].max()) and top["amount_alone"] == 0
    return f"'{top['name']}' is served by {int(top['lines'])} lines ({format_gbp(top['total'])})" + (
        ", all of them shared with other priorities" if every and top["lines_shared"] else ""
    )
