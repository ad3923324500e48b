"""The allocation rationale for one year: matrices, totals, alignment with need, proposal, outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from safer_analysis.analysis import allocation as al
from safer_analysis.analysis import outcomes as oc
from safer_analysis.present.formats import format_gbp, format_percent


@dataclass
class Rationale:
    year: str
    pcp_matrix: pd.DataFrame
    pcp_totals: pd.DataFrame
    pcp_basis: list[str]
    local_matrix: pd.DataFrame
    local_totals: pd.DataFrame
    alignment: pd.DataFrame
    proposal: pd.DataFrame | None
    outcomes: pd.DataFrame
    committed: float
    grant: float | None
    funded_lines: int
    all_funded_serve_pcp: bool
    apportion_rule: str


def _matrix_frame(matrix: pd.DataFrame, labels: Mapping) -> pd.DataFrame:
    out = matrix.copy()
    out.columns = [str(labels.get(c, c)) for c in out.columns]
    out.index.name = "Project"
    return out.reset_index()


def build(dataset, year: str, profile) -> Rationale:
    """Everything the allocation rationale reports for ``year``, given the year's assessment."""
    lines = dataset.allocations_for(year)
    funded = lines[lines["amount"].notna()]
    pcp_names = dataset.pcp_priorities.set_index("priority")["name"]
    pcp_links = dataset.allocation_pcp_priorities
    local_links = dataset.allocation_local_priorities
    local_names = dataset.local_priorities.set_index("priority_key")["name"]

    pcp_matrix = al.priority_matrix(lines, pcp_links).reindex(columns=list(pcp_names.index), fill_value=False)
    local_matrix = al.priority_matrix(lines, local_links, key="priority_key").reindex(
        columns=list(local_names.index), fill_value=False
    )
    pcp_totals = al.totals_by_priority(funded, pcp_links, dataset.pcp_priorities)
    local_totals = al.totals_by_priority(funded, local_links, dataset.local_priorities, key="priority_key")
    alignment = al.alignment(local_totals, profile.ranking)
    grant = dataset.grant_or_none(year)
    committed = float(funded["amount"].sum())
    proposal = None
    if grant is not None and grant - committed > 0.5 and lines["amount"].isna().any() and not profile.ranking.empty:
        proposal = al.propose_remainder(dataset.allocations, local_links, profile.ranking, grant, year)
    outcomes = oc.measures_with_status(dataset.outcome_measures, dataset.allocations, dataset.outcome_returns, year)
    basis = sorted(set(pcp_links.loc[pcp_links["allocation_id"].isin(lines["allocation_id"]), "basis"]))
    return Rationale(
        year=year,
        pcp_matrix=_matrix_frame(pcp_matrix, {p: f"{p}. {n}" for p, n in pcp_names.items()}),
        pcp_totals=pcp_totals,
        pcp_basis=basis,
        local_matrix=_matrix_frame(local_matrix, local_names.to_dict()),
        local_totals=local_totals,
        alignment=alignment,
        proposal=proposal,
        outcomes=outcomes,
        committed=committed,
        grant=grant,
        funded_lines=len(funded),
        all_funded_serve_pcp=bool(funded["allocation_id"].isin(set(pcp_links["allocation_id"])).all()),
        apportion_rule=(
            "Apportioned shares split each funded project's amount evenly across the priorities it "
            f"serves, so they add up to the {format_gbp(committed)} committed."
        ),
    )


def illustrative_notice(dataset, year: str, metadata: Mapping | None) -> str | None:
    parts = []
    returns = dataset.outcome_returns
    if bool(returns.loc[returns["financial_year"] == year, "illustrative"].any()):
        parts.append("The quarterly outcome returns in this report are ILLUSTRATIVE, not providers' real returns.")
    scores = dataset.threat_risk_harm_scores
    if bool(scores.loc[scores["financial_year"] == year, "illustrative"].any()):
        parts.append("The threat, risk and harm ranking rests on illustrative analyst scores.")
    if (metadata or {}).get("synthetic"):
        parts.append("Shares of harm come from SYNTHETIC crime data, not real recorded crime.")
    return " ".join(parts) or None


def unfunded(r: Rationale) -> list[str]:
    return list(r.alignment.loc[~r.alignment["funded"], "name"])


def unfunded_sentence(r: Rationale) -> str:
    names = unfunded(r)
    if not names:
        return f"Every local priority receives some direct funding in {r.year}."
    return (
        f"{len(names)} local priorit{'y has' if len(names) == 1 else 'ies have'} no directly funded "
        f"project in {r.year}: " + "; ".join(names) + "."
    )


def _ranked(row: pd.Series) -> str:
    return f"ranked {row['rank_label']}" if pd.notna(row.get("rank")) else "not ranked"


def alignment_title(r: Rationale) -> str:
    top = r.alignment.sort_values("apportioned", ascending=False).iloc[0]
    return f"{top['name']} ({_ranked(top)}) receives {format_percent(top['apportioned_pct'])} of {r.year} spend"


def outcomes_table(r: Rationale) -> pd.DataFrame:
    t = r.outcomes
    return pd.DataFrame(
        {
            "project": t["project"],
            "measure": t["measure"],
            "target": [target_text(row) for _, row in t.iterrows()],
            "value": [value_text(row) for _, row in t.iterrows()],
            "status": [s.upper() if s in (oc.GREEN, oc.AMBER, oc.RED) else s for s in t["status"]],
        }
    )


def summarise(r: Rationale) -> list[str]:
    served = r.all_funded_serve_pcp
    grant = f"the {format_gbp(r.grant)} grant" if r.grant is not None else "the grant (still to be confirmed)"
    out = [
        f"{format_gbp(r.committed)} of {grant} is committed in {r.year} to "
        f"{r.funded_lines} of the plan's {r.local_matrix.shape[0]} lines"
        + ("; every funded project serves at least one Police & Crime Plan priority." if served else ".")
    ]
    if not r.alignment.empty and r.alignment["apportioned"].sum() > 0:
        top = r.alignment.sort_values("apportioned", ascending=False).iloc[0]
        ranked = (
            f"and is ranked {top['rank_label']} of {int(r.alignment['rank'].notna().sum())} by threat, risk and harm"
            if pd.notna(top["rank"])
            else "(the priorities are not yet ranked)"
        )
        out.append(
            f"{top['name']} takes the largest share of spend ({format_percent(top['apportioned_pct'])}) {ranked}."
        )
    out.append(unfunded_sentence(r))
    if r.proposal is not None:
        out.append(
            f"{format_gbp(r.proposal.attrs['remainder'])} is not yet committed; a proposal shares it among "
            f"{int((r.proposal['proposed'] > 0).sum())} open lines in proportion to ranked need."
        )
    counts = oc.status_counts(r.outcomes) if not r.outcomes.empty else {}
    if counts:
        parts = [f"{counts.get(s, 0)} {s}" for s in (oc.GREEN, oc.AMBER, oc.RED) if counts.get(s)]
        out.append(
            f"Outcomes: {len(r.outcomes)} measures; "
            + (", ".join(parts) + "; " if parts else "")
            + f"{counts.get(oc.NO_TARGET, 0)} without a numeric target."
        )
    else:
        out.append(f"The {r.year} plan states no outcome measures.")
    return out


def target_text(row: pd.Series) -> str:
    """'at least 75%' / 'below 20%' / 'at least 4 sessions' / 'no numeric target'."""
    if row["target"] is None or pd.isna(row["target"]):
        return oc.NO_TARGET + (f" ({row['direction']})" if isinstance(row["direction"], str) else "")
    if row["unit"] == "percent":
        return f"{row['direction']} {row['target']:g}%"
    return f"{row['direction']} {row['target']:g} {row['unit'] or ''}".strip()


def value_text(row: pd.Series) -> str:
    """The year-to-date value as a reader wants it: '78.0% (95% CI 70.1% to 84.3%)' or '3'."""
    if pd.isna(row["value"]):
        return "–"
    if row["measure_type"] == "proportion":
        return f"{row['value'] * 100:.1f}% (95% CI {row['lower'] * 100:.1f}% to {row['upper'] * 100:.1f}%)"
    return f"{row['value']:,.0f}"
