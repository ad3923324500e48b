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
    funded_statuses: tuple[str, ...] = ()


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
    kinds = dataset.priorities_in(year).set_index("priority_key")["kind"]

    pcp_matrix = al.priority_matrix(lines, pcp_links).reindex(columns=list(pcp_names.index), fill_value=False)
    local_matrix = al.priority_matrix(lines, local_links, key="priority_key").reindex(
        columns=list(local_names.index), fill_value=False
    )
    pcp_totals = al.totals_by_priority(funded, pcp_links, dataset.pcp_priorities)
    local_totals = al.totals_by_priority(funded, local_links, dataset.local_priorities, key="priority_key")
    alignment = al.alignment(local_totals, profile.ranking)
    alignment.insert(2, "kind", alignment["priority_key"].map(kinds))
    grant = dataset.grant_or_none(year)
    committed = float(funded["amount"].sum())
    proposal = None
    if grant is not None and grant - committed > 0.5 and lines["amount"].isna().any() and not profile.ranking.empty:
        proposal = al.propose_remainder(dataset.allocations, local_links, profile.ranking, grant, year)
    outcomes = with_assessed_rates(
        oc.measures_with_status(dataset.outcome_measures, dataset.allocations, dataset.outcome_returns, year), profile
    )
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
        funded_statuses=tuple(sorted(set(funded["status"]))),
        apportion_rule=(
            "Apportioned shares split each funded project's amount evenly across the priorities it "
            f"serves, so they add up to the {format_gbp(committed)} allocated."
        ),
    )


#: The status of a rate to be reduced while the crime data hold too few months (24) to test its trend.
NO_TREND = "no trend yet (fewer than 24 months of crime data)"


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


def with_assessed_rates(outcomes: pd.DataFrame, profile) -> pd.DataFrame:
    """Fill the measures the strategic assessment measures itself (a police.uk ``crime_type``: the
    rate per 1,000 residents and its monthly trend) from the year's assessment. A measure to
    decrease is green where the trend is a fall beyond the area's normal year-to-year variation,
    red where such a rise, and amber where there is no change beyond that variation."""
    out = outcomes.copy()
    out["trend"] = None
    out["annual_change_pct"] = float("nan")
    for i, row in out.iterrows():
        crime_type = row.get("crime_type")
        if not isinstance(crime_type, str) or not crime_type:
            continue
        if profile.rates is None or crime_type not in profile.rates.index:
            out.at[i, "status"] = oc.NO_RETURN
            continue
        out.at[i, "value"] = float(profile.rates.at[crime_type, "rate"])
        held = int(profile.coverage.at[profile.year, "months_held"]) if profile.year in profile.coverage.index else 12
        out.at[i, "as_at"] = f"{profile.year}{'' if held == 12 else f' ({held} months)'}, police.uk"
        trend = profile.trend.loc[crime_type] if crime_type in getattr(profile.trend, "index", []) else None
        if row["direction"] != "decrease":
            out.at[i, "status"] = oc.NO_TARGET
            continue
        if trend is None:  # a target to fall, but too few months held to test a trend
            out.at[i, "status"] = NO_TREND
            continue
        out.at[i, "trend"] = trend["direction"]
        out.at[i, "annual_change_pct"] = trend["annual_change_pct"]
        out.at[i, "status"] = {"falling": oc.GREEN, "rising": oc.RED}.get(trend["direction"], oc.AMBER)
    return out


def unfunded(r: Rationale) -> list[str]:
    """Ranked priorities and emerging issues with no directly funded project (cross-cutting issues,
    which run through the others, are not counted)."""
    a = r.alignment
    return list(a.loc[~a["funded"] & (a["kind"] != "cross-cutting issue"), "name"])


def _served_by_any_line(r: Rationale) -> set[str]:
    """Local priorities named by any line of the year's plan, with an amount or not (by name)."""
    m = r.local_matrix.set_index("Project")
    return {str(c) for c in m.columns if bool(m[c].astype(bool).any())}


def unfunded_sentence(r: Rationale) -> str:
    names = unfunded(r)
    a = r.alignment
    cross = list(a.loc[~a["funded"] & (a["kind"] == "cross-cutting issue"), "name"])
    served = _served_by_any_line(r)
    pending = [n for n in names if n in served]
    none = [n for n in names if n not in served]
    if not names:
        text = f"Every local priority and emerging issue is served by at least one funded project in {r.year}"
        thin = a[a["funded"] & (a["kind"] != "cross-cutting issue") & (a["projects"] == 1)]
        thin = thin[thin["apportioned_pct"] < 5].sort_values("apportioned")
        if len(thin):
            shares = "; ".join(f"{row['name']}, {format_gbp(row['apportioned'])}" for _, row in thin.iterrows())
            text += (
                f", though {len(thin)} only through a share of a single project, each under 5% of the spend ({shares})"
            )
        text += "."
    else:
        parts = []
        if pending:
            parts.append(
                f"{len(pending)} local priorit{'y is' if len(pending) == 1 else 'ies are'} served in {r.year} only by "
                "lines that have no amount yet (Tbc or awaiting confirmation): " + "; ".join(pending) + "."
            )
        if none:
            parts.append(
                f"{len(none)} local priorit{'y has' if len(none) == 1 else 'ies have'} no project in {r.year}'s plan: "
                + "; ".join(none)
                + "."
            )
        text = " ".join(parts)
    if cross:
        text += (
            f" {' and '.join(cross)}, a cross-cutting issue{'s' if len(cross) > 1 else ''} running through the "
            "priorities, ha" + ("ve" if len(cross) > 1 else "s") + " no project of its own."
        )
    return text


def need_note(r: Rationale) -> str:
    """What the ranking beside spend rests on."""
    ranked = r.alignment[r.alignment["rank"].notna()]
    if ranked.empty:
        return f"The priorities are not yet ranked for {r.year}: the analyst's scores are still to be entered."
    illustrative = bool(ranked["illustrative"].any()) if "illustrative" in ranked else False
    return f"The rank is the strategic assessment's, on the analyst's threat, risk and harm scores for {r.year}" + (
        " (ILLUSTRATIVE scores: not yet the partnership's own)." if illustrative else "."
    )


def _ranked(row: pd.Series) -> str:
    return f"ranked {row['rank_label']}" if pd.notna(row.get("rank")) else "not ranked"


def alignment_title(r: Rationale) -> str:
    top = r.alignment.sort_values("apportioned", ascending=False).iloc[0]
    return f"{top['name']} ({_ranked(top)}) receives {format_percent(top['apportioned_pct'])} of {r.year} spend"


def _assessed(row: pd.Series) -> bool:
    """Whether a measure is one the strategic assessment measures itself (a police.uk crime type)."""
    crime_type = row.get("crime_type")
    return isinstance(crime_type, str) and bool(crime_type)


def _measured(t: pd.DataFrame) -> pd.Series:
    """Measures with a numeric target, or that the assessment measures itself."""
    return t["target"].notna() | t.apply(_assessed, axis=1)


def outcomes_table(r: Rationale) -> pd.DataFrame:
    """The measures with a target or a measured trend: target, figure to date, as at when, status
    in words (coloured on the page)."""
    t = r.outcomes[_measured(r.outcomes)]
    return pd.DataFrame(
        {
            "project": t["project"],
            "measure": t["measure"],
            "target": [target_text(row) for _, row in t.iterrows()],
            "value": [value_text(row) for _, row in t.iterrows()],
            "as_at": t["as_at"],
            "status": [status_text(row) for _, row in t.iterrows()],
        }
    )


def outcomes_data(r: Rationale) -> pd.DataFrame:
    """Every measure as a tidy table for the CSV and spreadsheet: the figure to date on the measure's
    own scale (per cent for a proportion), its unit, target, as-at and status."""
    t = r.outcomes
    proportion = t["measure_type"] == "proportion"
    unit = t["unit"].where(~proportion, "percent")
    return pd.DataFrame(
        {
            "measure_id": t["measure_id"],
            "project": t["project"],
            "measure": t["measure"],
            "target": t["target"],
            "direction": t["direction"],
            "value": t["value"].where(~proportion, t["value"] * 100),
            "unit": unit,
            "numerator": t["numerator"],
            "denominator": t["denominator"],
            "as_at": t["as_at"],
            "status": t["status"],
            "illustrative": t["illustrative"].map({True: "yes", False: "no"}),
        }
    )


def status_text(row: pd.Series) -> str:
    """'RED: 98.3% against at least 100%' style words, marked where the return is illustrative."""
    s = row["status"]
    if s not in (oc.GREEN, oc.AMBER, oc.RED):
        return s
    word = s.upper()
    if _assessed(row):
        reason = {
            oc.GREEN: "falling beyond normal year-to-year variation",
            oc.RED: "rising beyond normal year-to-year variation",
            oc.AMBER: "no change beyond normal year-to-year variation",
        }[s]
    elif s == oc.GREEN:
        reason = "target met"
    elif s == oc.AMBER:
        reason = "short of the target, within its tolerance"
    else:
        reason = "short of the target, beyond its tolerance"
    illustrative = " (illustrative return)" if bool(row.get("illustrative")) is True else ""
    return f"{word}: {reason}{illustrative}"


def other_measures(r: Rationale) -> list[str]:
    """The measures without a numeric target, once each, by project."""
    t = r.outcomes[~_measured(r.outcomes)]
    out = []
    for project, rows in t.groupby("project", sort=False):
        out.append(f"{project}: " + "; ".join(m.rstrip(".") for m in rows["measure"]) + ".")
    return out


def summarise(r: Rationale) -> list[str]:
    served = r.all_funded_serve_pcp
    grant = f"the {format_gbp(r.grant)} grant" if r.grant is not None else "the grant (still to be confirmed)"
    if r.funded_statuses == ("allocated",):
        how = f"is allocated in {r.year}'s plan"
    elif r.funded_statuses == ("recommended",):
        how = f"is recommended for {r.year} in the paper for the board"
    else:
        how = f"is allocated or recommended for {r.year}"
    out = [
        f"{format_gbp(r.committed)} of {grant} {how}, across "
        f"{r.funded_lines} of its {r.local_matrix.shape[0]} lines"
        + ("; every funded project serves at least one Police & Crime Plan priority." if served else ".")
    ]
    if not r.alignment.empty and r.alignment["apportioned"].sum() > 0:
        top = r.alignment.sort_values("apportioned", ascending=False).iloc[0]
        on = " on illustrative scores" if bool(r.alignment["illustrative"].fillna(False).any()) else ""
        ranked = (
            f"and is ranked {top['rank_label']} of {int(r.alignment['rank'].notna().sum())} "
            f"by threat, risk and harm{on}"
            if pd.notna(top["rank"])
            else "(the priorities are not yet ranked)"
        )
        out.append(
            f"{top['name']} takes the largest share of spend ({format_percent(top['apportioned_pct'])}) {ranked}."
        )
    out.append(unfunded_sentence(r))
    if r.proposal is not None:
        open_lines = int((r.proposal["proposed"] > 0).sum())
        out.append(
            f"{format_gbp(r.proposal.attrs['remainder'])} is not yet committed; a proposal shares it among "
            f"{open_lines} open line{'' if open_lines == 1 else 's'} in proportion to ranked need."
        )
    counts = oc.status_counts(r.outcomes) if not r.outcomes.empty else {}
    if counts:
        parts = [f"{counts.get(s, 0)} {s}" for s in (oc.GREEN, oc.AMBER, oc.RED) if counts.get(s)]
        quarters = int(r.outcomes["quarters"].max()) if r.outcomes["quarters"].notna().any() else 0
        illustrative = " (illustrative returns)" if bool(r.outcomes["illustrative"].fillna(False).any()) else ""
        out.append(
            f"Outcomes: {len(r.outcomes)} measures; "
            + (", ".join(parts) + f" as at {oc.as_at(r.year, quarters)}{illustrative}; " if parts else "")
            + f"{counts.get(oc.NO_TARGET, 0)} without a numeric target"
            + (f"; {counts[NO_TREND]} rate(s) to fall with no trend yet" if counts.get(NO_TREND) else "")
            + "."
        )
    else:
        out.append(f"The {r.year} plan states no outcome measures.")
    return out


def target_text(row: pd.Series) -> str:
    """'at least 75%' / 'below 20%' / 'at least 4 sessions' / 'no numeric target'."""
    if _assessed(row) and (row["target"] is None or pd.isna(row["target"])):
        return {"decrease": "to fall", "increase": "to rise"}.get(row["direction"], "no numeric target")
    if row["target"] is None or pd.isna(row["target"]):
        return oc.NO_TARGET + (f" ({row['direction']})" if isinstance(row["direction"], str) else "")
    if row["unit"] == "percent":
        return f"{row['direction']} {row['target']:g}%"
    unit = row["unit"] or ""
    if row["target"] == 1 and unit.split(" ")[0].endswith("s"):  # 'at least 1 plan', '1 week of action'
        first, _, rest = unit.partition(" ")
        unit = (first[:-1] + " " + rest).strip()
    return f"{row['direction']} {row['target']:g} {unit}".strip()


def value_text(row: pd.Series) -> str:
    """The year-to-date value as a reader wants it: '98.3% (177 of 180)', '3', or a rate and its trend."""
    if pd.isna(row["value"]):
        return "–"
    if _assessed(row):
        text = f"{row['value']:.1f} per 1,000"
        change = row.get("annual_change_pct")
        if isinstance(row.get("trend"), str) and change is not None and not pd.isna(change):
            trend = "no change beyond normal variation" if row["trend"] == "no significant change" else row["trend"]
            text += f"; {trend}, {change:+.1f}% a year"
        return text
    if row["measure_type"] == "proportion":
        return f"{row['value'] * 100:.1f}% ({row['numerator']:,.0f} of {row['denominator']:,.0f})"
    return f"{row['value']:,.0f}"


def data_status(dataset, year: str) -> list[tuple[str, str]]:
    """What the rationale rests on, each marked real, illustrative or draft, for the index."""
    out = [("real", "Projects, amounts and the priorities they serve: transcribed from the partnership's documents")]
    returns = dataset.outcome_returns
    mine = returns[returns["financial_year"] == year]
    if mine.empty:
        out.append(("draft", f"Outcome returns for {year}: none entered yet"))
    elif bool(mine["illustrative"].any()):
        out.append(("illustrative", "Outcome returns, and so the RAG status of the outcome measures"))
    else:
        out.append(("real", "Outcome returns: the providers' own"))
    return out
