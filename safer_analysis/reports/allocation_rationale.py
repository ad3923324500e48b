"""The allocation rationale for one year: matrices, totals, alignment with need, proposal, outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from safer_analysis.analysis import allocation as al
from safer_analysis.analysis import outcomes as oc
from safer_analysis.present.formats import format_gbp
from safer_analysis.reports import spend_analysis as spend_report


@dataclass
class Rationale:
    year: str
    pcp_matrix: pd.DataFrame
    pcp_money: pd.DataFrame
    pcp_basis: list[str]
    local_matrix: pd.DataFrame
    local_money: pd.DataFrame
    local_links: pd.DataFrame
    pcp_links: pd.DataFrame
    alignment: pd.DataFrame
    proposal: pd.DataFrame | None
    outcomes: pd.DataFrame
    committed: float
    grant: float | None
    funded_lines: int
    all_funded_serve_pcp: bool
    funded_amounts: dict[str, float]
    set_in: str
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

    pcp_matrix = al.labelled_matrix(lines, pcp_links).reindex(columns=list(pcp_names.index), fill_value=al.NO_LINK)
    local_matrix = al.labelled_matrix(lines, local_links, key="priority_key").reindex(
        columns=list(local_names.index), fill_value=al.NO_LINK
    )
    pcp_money = al.money_by_priority(funded, pcp_links, dataset.pcp_priorities)
    local_money = al.money_by_priority(funded, local_links, dataset.local_priorities, key="priority_key")
    alignment = al.alignment(local_money, profile.ranking)
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
    sources = dataset.sources
    return Rationale(
        year=year,
        pcp_matrix=_matrix_frame(pcp_matrix, {p: f"{p}. {n}" for p, n in pcp_names.items()}),
        pcp_money=pcp_money,
        pcp_basis=basis,
        local_matrix=_matrix_frame(local_matrix, local_names.to_dict()),
        local_money=local_money,
        local_links=al.link_sources(lines, local_links, dataset.local_priorities, sources, key="priority_key"),
        pcp_links=al.link_sources(lines, pcp_links, dataset.pcp_priorities, sources),
        alignment=alignment,
        proposal=proposal,
        outcomes=outcomes,
        committed=committed,
        grant=grant,
        funded_lines=len(funded),
        set_in=spend_report.set_in(dataset.allocations, dataset.sources, year),
        funded_amounts=dict(zip(funded["allocation_id"], funded["amount"].astype(float), strict=True)),
        all_funded_serve_pcp=bool(funded["allocation_id"].isin(set(pcp_links["allocation_id"])).all()),
        funded_statuses=tuple(sorted(set(funded["status"]))),
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
    """Ranked priorities and emerging issues with no funded line (cross-cutting issues, which run
    through the others, are not counted)."""
    a = r.alignment
    return list(a.loc[~a["funded"] & (a["kind"] != "cross-cutting issue"), "name"])


def _served_by_any_line(r: Rationale) -> set[str]:
    """Local priorities named by any line of the year's plan, with an amount or not (by name)."""
    m = r.local_matrix.set_index("Project")
    return {str(c) for c in m.columns if bool((m[c] != al.NO_LINK).any())}


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def money_words(row: pd.Series) -> str:
    """'4 lines, £245,200 in total, of which £215,200 is its own and £30,000 is shared with other
    priorities': whole lines' amounts (or parts a document gives) and their sums, never a split the
    tool made."""
    n = int(row["lines"])
    if not n:
        return "no funded line"
    text = f"{n} line{'' if n == 1 else 's'}, {format_gbp(row['total'])} in total"
    if row["lines_shared"] and row["lines_alone"]:
        text += (
            f", of which {format_gbp(row['amount_alone'])} is its own and {format_gbp(row['amount_shared'])} is "
            "shared with other priorities"
        )
    elif row["lines_shared"]:
        text += ", all of it shared with other priorities"
    else:
        text += ", all of it its own"
    return text


def shared_lines(r: Rationale) -> list[str]:
    """Each funded line that serves several local priorities, with the priorities it lists: the
    document does not divide it, so no part of it is set against any one of them."""
    out = []
    for aid, group in r.local_links.groupby("allocation_id", sort=False):
        if aid not in r.funded_amounts or len(group) < 2:
            continue
        head = f"{group['project'].iloc[0]} ({format_gbp(r.funded_amounts[aid])}) serves {len(group)} priorities"
        parts = pd.to_numeric(group["document_amount"], errors="coerce")
        if parts.notna().all():
            split = [f"{n}, {format_gbp(p)}" for n, p in zip(group["priority_name"], parts, strict=True)]
            out.append(f"{head}, split by its document: {'; '.join(split)}.")
        else:
            out.append(
                f"{head}: {_names(list(group['priority_name']))}. The plan does not say how it divides, so it is "
                "shown whole under each, as shared."
            )
    return out


def _has(items: list[str]) -> tuple[str, str]:
    """('has', 'its') for one, ('have', 'their') for several."""
    return ("has", "its") if len(items) == 1 else ("have", "their")


def unfunded_sentence(r: Rationale) -> str:
    """Which priorities have no line of their own: served only by lines they share, by lines with no
    amount yet, or by none."""
    a = r.alignment
    own = a["kind"] != "cross-cutting issue"
    order = {n: i for i, n in enumerate(r.local_money["name"])}  # the data's order, not the rank's
    a = a.sort_values("name", key=lambda s: s.map(order), kind="stable")
    only_shared = list(a.loc[own.reindex(a.index) & a["funded"] & (a["lines_alone"] == 0), "name"])
    names = [n for n in a["name"] if n in set(unfunded(r))]
    cross = list(a.loc[~a["funded"] & (a["kind"] == "cross-cutting issue"), "name"])
    served = _served_by_any_line(r)
    pending = [n for n in names if n in served]
    none = [n for n in names if n not in served]
    parts = []
    if only_shared:
        sharing = sorted({p for ps in a.loc[a["name"].isin(only_shared), "shared_projects"] for p in ps})
        ids = r.local_links.loc[r.local_links["project"].isin(sharing), "allocation_id"].unique()
        total = sum(r.funded_amounts[i] for i in ids if i in r.funded_amounts)
        has, its = _has(only_shared)
        if len(sharing) == 1:
            where = f"the {format_gbp(total)} {sharing[0]}, which does not say how it divides"
        else:
            where = f"{_names(sharing)} ({format_gbp(total)} in all), which do not say how they divide"
        each = "it is" if len(only_shared) == 1 else "each is"
        parts.append(
            f"{_names(only_shared)} {has} no line of {its} own in {r.year}: {each} one of the themes of {where}."
        )
    if pending:
        parts.append(
            f"{_names(pending)} {'is' if len(pending) == 1 else 'are'} served in {r.year} only by lines that have no "
            "amount yet (Tbc or awaiting confirmation)."
        )
    if none:
        parts.append(f"{_names(none)} {_has(none)[0]} no line in {r.year}'s plan.")
    if cross:
        has, its = _has(cross)
        kind = "a cross-cutting issue" if len(cross) == 1 else "cross-cutting issues"
        parts.append(f"{_names(cross)}, {kind} running through the priorities, {has} no line of {its} own.")
    if not parts:
        return f"Every local priority and emerging issue has a funded line of its own in {r.year}."
    return " ".join(parts)


def need_note(r: Rationale) -> str:
    """What the ranking beside spend rests on."""
    ranked = r.alignment[r.alignment["rank"].notna()]
    if ranked.empty:
        return f"The priorities are not yet ranked for {r.year}: the analyst's scores are still to be entered."
    return f"The rank is the strategic assessment's, on the analyst's threat, risk and harm scores for {r.year}" + (
        " (ILLUSTRATIVE scores: not yet the partnership's own)." if ranking_is_illustrative(r) else "."
    )


def ranking_is_illustrative(r: Rationale) -> bool:
    ranked = r.alignment[r.alignment["rank"].notna()]
    return bool(ranked["illustrative"].fillna(False).astype(bool).any()) if "illustrative" in ranked else False


def top_priority(r: Rationale) -> pd.Series | None:
    """The local priority with the most money in lines of its own (ties: the most in total)."""
    a = r.alignment[r.alignment["lines"] > 0]
    if a.empty:
        return None
    return a.sort_values(["amount_alone", "total"], ascending=False, kind="stable").iloc[0]


def alignment_title(r: Rationale) -> str:
    top = top_priority(r)
    if top is None:
        return f"No {r.year} line with an amount serves a local priority yet"
    if not top["amount_alone"]:
        return f"No local priority has a funded line of its own in {r.year}"
    return f"{top['name']} has the most money in lines of its own: {format_gbp(top['amount_alone'])} in {r.year}"


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
    """The rationale's three findings in plain words: the money and the lines, the priority with the
    most money in lines of its own, and the priorities with no line of their own. Nothing here rests
    on illustrative inputs (the ranking, the outcome returns), and every amount is a line's own or a
    sum or remainder of them."""
    grant = f"the {format_gbp(r.grant)} grant" if r.grant is not None else "the grant (still to be confirmed)"
    lines = r.local_matrix.shape[0]
    served = ""
    if r.all_funded_serve_pcp:
        served = "; every funded line serves at least one Police & Crime Plan priority, " + (
            "as the plan states" if r.pcp_basis == ["stated"] else "as the analyst reads it (see below)"
        )
    left = ""
    if r.grant is not None and r.grant - r.committed > 0.5:
        left = f"; {format_gbp(r.grant - r.committed)} of it is not yet committed"
    out = [
        f"{format_gbp(r.committed)} of {grant} is {r.set_in}, across "
        + (f"all {lines} of its lines" if r.funded_lines == lines else f"{r.funded_lines} of its {lines} lines")
        + left
        + served
        + "."
    ]
    top = top_priority(r)
    if top is not None and top["amount_alone"]:
        out.append(f"{top['name']} has the most money in lines of its own: {money_words(top)}.")
    out.append(unfunded_sentence(r))
    return out


def outcomes_summary(r: Rationale) -> str:
    """The outcome measures counted by status, said to rest on illustrative returns where they do."""
    counts = oc.status_counts(r.outcomes) if not r.outcomes.empty else {}
    if not counts:
        return f"The {r.year} plan states no outcome measures."
    parts = [f"{counts.get(s, 0)} {s}" for s in (oc.GREEN, oc.AMBER, oc.RED) if counts.get(s)]
    quarters = int(r.outcomes["quarters"].max()) if r.outcomes["quarters"].notna().any() else 0
    illustrative = bool(r.outcomes["illustrative"].fillna(False).any())
    return (
        ("ILLUSTRATIVE returns, not the providers' own: " if illustrative else "")
        + f"{len(r.outcomes)} measures; "
        + (", ".join(parts) + f" as at {oc.as_at(r.year, quarters)}; " if parts else "")
        + f"{counts.get(oc.NO_TARGET, 0)} without a numeric target"
        + (f"; {counts[NO_TREND]} rate(s) to fall with no trend yet" if counts.get(NO_TREND) else "")
        + "."
    )


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


def link_status(links: pd.DataFrame, what: str) -> list[tuple[str, str]]:
    """How many of the year's links to ``what`` priorities the document states (real) and how many
    are the analyst's reading, for the index's table of what the pack rests on."""
    out = []
    stated = int(links["from_document"].sum())
    read = len(links) - stated
    if stated:
        out.append(("real", f"{stated} of {len(links)} links between lines and {what}: as the documents state them"))
    if read:
        out.append(
            (
                "reading",
                f"{read} of the {len(links)} links between spending lines and {what} are the analyst's reading, "
                "not the plan's own words",
            )
        )
    return out


def data_status(dataset, year: str, r: Rationale | None = None) -> list[tuple[str, str]]:
    """What the rationale rests on, each marked real, the analyst's reading, illustrative or draft,
    for the index."""
    out = [("real", "Projects and amounts: transcribed from the partnership's documents")]
    if r is not None:
        out += link_status(r.pcp_links, "Police & Crime Plan priorities")
        out += link_status(r.local_links, "local priorities")
    returns = dataset.outcome_returns
    mine = returns[returns["financial_year"] == year]
    if mine.empty:
        out.append(("draft", f"Outcome returns for {year}: none entered yet"))
    elif bool(mine["illustrative"].any()):
        out.append(
            ("illustrative", "Outcome returns, and so whether each outcome measure is shown red, amber or green")
        )
    else:
        out.append(("real", "Outcome returns: the providers' own"))
    return out


def alignment_labels(r: Rationale) -> list[str]:
    """Each local priority's name for the chart beside need, with its rank where it has one."""
    return [
        f"{name} (ranked {rank})" if isinstance(rank, str) and rank else str(name)
        for name, rank in zip(r.alignment["name"], r.alignment["rank_label"], strict=True)
    ]


def illustrative_mark(r: Rationale) -> str | None:
    """The words drawn inside the chart beside need where its order rests on illustrative scores."""
    if not ranking_is_illustrative(r):
        return None
    return "ILLUSTRATIVE ORDER: ranked on illustrative threat, risk and harm scores, not yet the partnership's own"


def remainder_note(r: Rationale) -> str:
    """What the section on the money not yet allocated says: all allocated; a remainder with no
    proposal, where the need scores a proposal would rest on are illustrative (a proposal on them
    would be amounts no one has given); or the rule behind the proposal shown below it."""
    if r.proposal is None:
        if r.grant is not None and r.grant - r.committed > 0.5:
            return f"{format_gbp(r.grant - r.committed)} of the {r.year} grant is not yet committed."
        return f"All of the {r.year} grant is allocated in the plan, so there is no remainder to propose."
    if ranking_is_illustrative(r):
        open_lines = int((r.proposal["committed"].isna()).sum())
        return (
            f"{format_gbp(r.proposal.attrs['remainder'])} of the {r.year} grant is not yet committed, and "
            f"{open_lines} line{' has' if open_lines == 1 else 's have'} no amount yet. No share of it is proposed: "
            "a proposal would follow the threat, risk and harm scores, which are illustrative, not the "
            "partnership's own."
        )
    return str(r.proposal.attrs["rule"])


def show_proposal(r: Rationale) -> bool:
    """Whether the proposal's amounts are shown: only where it rests on the partnership's own scores."""
    return r.proposal is not None and not ranking_is_illustrative(r)


def links_table(links: pd.DataFrame) -> pd.DataFrame:
    """One row per line and source: the priorities it serves on the document's word (with the place
    and the words), and those that are the analyst's reading (with what they were read from)."""
    rows = []
    for (_, stated), group in links.groupby(["allocation_id", "from_document"], sort=False):
        rows.append(
            {
                "project": group["project"].iloc[0],
                "priorities": "; ".join(group["priority_name"]),
                "word": "the document" if stated else "the analyst's reading",
                "source": "; ".join(dict.fromkeys(group["source"])),
            }
        )
    return pd.DataFrame(rows, columns=["project", "priorities", "word", "source"])
