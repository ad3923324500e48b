"""The spend analysis report: its findings as sentences."""

from __future__ import annotations

import pandas as pd

from safer_analysis.analysis.spend import total_change
from safer_analysis.present.formats import format_change_gbp, format_gbp, format_percent


def summarise(
    reconciliation: pd.DataFrame,
    allocations: pd.DataFrame,
    year: str,
    changes: pd.DataFrame | None = None,
    priorities: pd.DataFrame | None = None,
) -> list[str]:
    """A few plain-English findings for the top of the spend report."""
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
    confirmed = r.at["allocated", "amount"]
    proposed = r.at["recommended", "amount"]
    if proposed and not confirmed:
        verb = "is recommended"
    elif confirmed and not proposed:
        verb = "is allocated"
    else:
        verb = "is committed"
    sentence = (
        f"In {year}, {format_gbp(committed)} of the {format_gbp(grant)} grant "
        f"({format_percent(committed / grant * 100)}) {verb} across "
        f"{int(r.at['committed', 'projects'])} projects"
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
        t = total_change(changes)
        prev_year = changes["previous_year"].iloc[0]
        parts = [
            f"Compared with {prev_year}, committed spend changes by "
            f"{format_change_gbp(t['change'])} ({format_percent(t['change_pct'], signed=True)})"
        ]
        kinds = changes["kind"].value_counts()
        details = []
        for kind, label in [
            ("increased", "{n} {noun} increased"),
            ("decreased", "{n} {noun} decreased"),
            ("funded for the first time", "{n} {noun} funded for the first time"),
            ("new line", "{n} new {noun}"),
            ("ended", "{n} {noun} ended"),
        ]:
            n = int(kinds.get(kind, 0))
            if n:
                details.append(label.format(n=n, noun="line" if n == 1 else "lines"))
        findings.append(parts[0] + (": " + ", ".join(details) if details else "") + ".")
    if priorities is not None and priorities["apportioned"].sum() > 0:
        top = priorities.loc[priorities["apportioned"].idxmax()]
        findings.append(
            f"Police & Crime Plan priority {top['priority']}, {top['name']}, receives the largest "
            f"apportioned share: {format_gbp(top['apportioned'])} "
            f"({format_percent(top['apportioned_pct'])}), from {top['projects']} projects"
            + (
                " (priorities inferred from the same services in a later plan)."
                if "inferred" in priorities.attrs.get("basis", [])
                else "."
            )
        )
    return findings
