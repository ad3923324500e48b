"""The strategic assessment report: its model (the crime profile of one area and year), its
findings as sentences, and the tables and chart titles its notebook shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from safer_analysis.analysis import funnels
from safer_analysis.analysis.crime_profile import (
    ALL_CRIME,
    ASB,
    MIN_MONTHS,
    comparison_years,
    concentration,
    counts_by_type,
    coverage,
    label_periods,
    like_for_like,
    lsoa_rates,
    monthly_pattern,
    months_held,
    rates_with_intervals,
    recurring_places,
    trends,
    years_with_data,
)
from safer_analysis.analysis.harm import harm_by_type
from safer_analysis.analysis.ranking import (
    compare_with_named_priorities,
    cross_cutting,
    measured_by,
    rank_priorities,
    shared_ranks,
)
from safer_analysis.inputs import areas, reference
from safer_analysis.inputs.years import FinancialYear, YearTo, parse_period
from safer_analysis.present import disclosure
from safer_analysis.present.formats import format_month, format_percent

# ---- the whole profile for one year -------------------------------------------------------------


class CrimeDataError(ValueError):
    """Crime data that cannot support the assessment asked for (wrong area, missing months)."""


@dataclass
class Profile:
    """Everything the strategic assessment reports for one CSP and year."""

    year: str
    csp: str
    years: list[str]
    population: float | None
    population_note: str | None
    counts: pd.DataFrame
    rates: pd.DataFrame | None
    trend: pd.DataFrame
    monthly: pd.DataFrame
    concentration: dict
    recurring: pd.DataFrame
    harm: pd.DataFrame
    harm_basis: str
    priorities: pd.DataFrame
    ranking: pd.DataFrame
    cross_cutting: pd.DataFrame
    comparison: pd.DataFrame
    peers: pd.DataFrame | None = None
    populations: dict[str, float] = field(default_factory=dict)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    months_compared: list[int] = field(default_factory=list)
    counts_same_months: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def scores_entered(self) -> bool:
        """Whether the analyst's threat, risk and harm scores for the year are in the data."""
        return not self.ranking.empty


def check_coverage(crimes: pd.DataFrame, year: str, csp: str, metadata: Mapping | None = None) -> None:
    """Refuse crime data for another area, or with no month of ``year`` at all."""
    meta_csp = (metadata or {}).get("csp")
    if meta_csp and str(meta_csp).lower() != csp.lower():
        raise CrimeDataError(
            f"the crime data are for {meta_csp}, not {csp}: import {csp}'s with "
            f"safer-analysis import-police-uk PATH --csp {csp!r}"
        )
    if not (crimes["financial_year"] == year).any():
        held = years_with_data(crimes)
        raise CrimeDataError(
            f"the crime data hold no month of {year}; they cover "
            f"{', '.join(held) or 'no year'}: import the police.uk months of {year}"
        )


def build_profile(
    crimes: pd.DataFrame,
    dataset,
    year: str,
    csp: str,
    *,
    area_codes: Sequence[str] = (),
    n_years: int = 3,
    metadata: Mapping | None = None,
    period_end: str = "",
    force: str = "",
    force_code: str = "",
    area_code: str = "",
    partnership_counts: pd.DataFrame | None = None,
) -> Profile:
    """The assessment for ``year``: volumes, rates, trend over ``n_years``, harm and the ranking.

    The crime figures cover the financial year ``year``, or with ``period_end`` (``YYYY-MM``) the
    twelve months ending that month (and the years before it); the analyst's scores are always
    those of the financial year. Populations are the ONS mid-year estimates for ``area_codes``
    (local authority codes) nearest the middle of each period; without codes no rates are given.
    A period with missing months is kept and flagged (``coverage``); the trend is fitted to the
    monthly counts held, and its yearly counts compare like-for-like months.
    """
    scores_year = year
    if period_end:
        crimes = label_periods(crimes, period_end)
        year = YearTo.ending(period_end).label
    check_coverage(crimes, year, csp, metadata)
    usable = [y for y in years_with_data(crimes) if y == year or months_held(crimes, y) >= MIN_MONTHS]
    years = comparison_years(year, n_years, usable)
    cover = coverage(crimes, years)
    counts = counts_by_type(crimes, years)
    pops: dict[str, float] = {}
    basis = None
    for y in years:
        found = reference.population_estimate(area_codes, parse_period(y).mid_year) if area_codes else None
        if found:
            pops[y] = float(found.population)
            if y == year:
                basis = found.note
    population = pops.get(year)
    rates = rates_with_intervals(counts[year], population) if population else None
    same_months, months_compared = like_for_like(crimes, years)
    has_populations = len(pops) == len(years)
    trend = trends(crimes, years, pops if has_populations else None) if len(years) >= 2 else pd.DataFrame()
    if not trend.empty and (trend["direction"] == "not enough data").all():
        trend = trend.iloc[0:0]  # fewer than 24 months: no trend is stated
    share = dataset.method("concentration_share")
    window = crimes[crimes["financial_year"].isin(years)]
    seen = window.loc[window["lsoa_code"].notna(), "lsoa_code"].unique()  # the LSOA codes of these years
    conc = concentration(crimes, year, top_share=share, lsoas=seen)
    recurring = recurring_places(crimes, years, top_share=share)
    recurring.insert(2, "ward", recurring["lsoa_code"].map(ward_names()).fillna("not known"))
    weights = reference.severity_weights(force, _financial_year_of(year))
    harm = harm_by_type(counts[year], weights)
    priorities = dataset.priorities_in(scores_year)
    measured = measured_by(dataset.priority_crime_types)
    notes = dict(zip(dataset.priority_crime_types["priority_key"], dataset.priority_crime_types["note"], strict=True))
    priorities["measured_by"] = priorities["priority_key"].map(measured).fillna("")
    priorities["data_evidence"] = [
        _evidence(counts, rates, trend, year, measured.get(k, ""), notes.get(k) or "")
        for k in priorities["priority_key"]
    ]
    scores = dataset.threat_risk_harm_scores
    scores = scores[scores["financial_year"] == scores_year]
    scale_max = dataset.method("scale_max")
    if scores.empty:
        ranking = pd.DataFrame(columns=["priority_key", "rank", "rank_label", "name", "analyst_score"])
    else:
        ranking = rank_priorities(
            scores,
            priorities,
            scale_max=scale_max,
            sensitivity=(dataset.method("sensitivity_low"), dataset.method("sensitivity_high")),
        )
    evidence_of = priorities.set_index("priority_key")["data_evidence"]
    ranking["data_evidence"] = ranking["priority_key"].map(evidence_of)
    cross = cross_cutting(scores, priorities, scale_max=scale_max)
    cross["data_evidence"] = cross["priority_key"].map(evidence_of)
    comparison = compare_with_named_priorities(ranking) if not ranking.empty else pd.DataFrame()
    peers = (
        peer_comparison(partnership_counts, force_code, area_code, year)
        if partnership_counts is not None and force_code
        else None
    )
    return Profile(
        year,
        csp,
        years,
        population,
        basis,
        counts,
        rates,
        trend,
        monthly_pattern(crimes, year),
        conc,
        recurring,
        harm,
        weights.attrs["basis"],
        priorities,
        ranking,
        cross,
        comparison,
        peers,
        pops,
        cover,
        months_compared,
        counts_by_type(same_months, years),
    )


def _financial_year_of(period: str) -> str:
    """The financial year holding the middle month of a period (itself for a financial year)."""
    months = parse_period(period).months()
    return FinancialYear.of_month(months[len(months) // 2]).label


def _evidence(counts, rates, trend, year: str, crime_type: str, note: str) -> str:
    """What the street-level data say of a priority they measure (count, rate, trend), or why
    they do not measure it."""
    if not crime_type:
        return "Not measured by police.uk street-level data: " + (note[:1].lower() + note[1:] if note else "") + "."
    if crime_type not in counts.index:
        return f"{crime_type}: none recorded in {year}."
    text = f"{crime_type}: {int(counts.at[crime_type, year]):,} in {year}"
    if rates is not None and crime_type in rates.index:
        text += f", {rates.at[crime_type, 'rate']:.1f} per 1,000 residents"
    if not trend.empty and crime_type in trend.index:
        t = trend.loc[crime_type]
        text += (
            f"; {t['direction']}, about {abs(t['annual_change_pct']):.1f}% a year"
            if t["significant"]
            else "; no significant trend"
        )
    # what the type leaves out of the priority, in the data file's words (it may measure only part)
    return text + "." + (f" {note.rstrip('.')}." if note else "")


def peer_comparison(counts: pd.DataFrame, force_code: str, area_code: str, period: str) -> pd.DataFrame | None:
    """Crime (not anti-social behaviour) per 1,000 residents in each Community Safety Partnership
    of the force over ``period``, against the force-wide rate, with funnel limits that allow for
    the real spread between partnerships (:func:`safer_analysis.analysis.funnels.overdispersed_funnel`).

    ``counts`` are the force's counts per partnership, month and crime type; populations are the
    ONS mid-year estimates nearest the middle of the period. Index: the partnerships' names;
    ``csp_code`` and ``own`` (the area assessed) beside the funnel's columns. ``attrs`` adds the
    months counted, the population year and, for a whole financial year, the Home Office recorded
    crime rate of the force and of England and Wales (context, not the funnel's target). None when
    fewer than three partnerships can be compared.
    """
    months = parse_period(period).months()
    rows = counts[counts["month"].isin(months) & (counts["crime_type"] != ASB)]
    held = sorted(rows["month"].unique())
    members = areas.partnerships(force_code)
    if not held or len(members) < 3:
        return None
    mid_year = parse_period(period).mid_year
    totals = rows.groupby("csp_code")["count"].sum()
    pops, names, years = {}, {}, set()
    for _, m in members.iterrows():
        found = reference.population_estimate(list(m["authority_codes"]), mid_year)
        if found is None:
            continue
        pops[m["csp_code"]] = float(found.population)
        names[m["csp_code"]] = m["csp_name"]
        years.add(found.mid_year)
    if len(pops) < 3:
        return None
    codes = list(pops)
    table = funnels.overdispersed_funnel(totals.reindex(codes, fill_value=0), pd.Series(pops))
    table.insert(0, "csp_code", codes)
    table["own"] = table["csp_code"] == area_code
    table.index = [names[c] for c in codes]
    table.index.name = "partnership"
    table = table.sort_values("rate", ascending=False)
    table.attrs.update(
        {
            "months": held,
            "population_year": max(years),
            "force": members["force_name"].iloc[0],
            "context": _context_rates(members, period, len(held)),
        }
    )
    return table


def _context_rates(members: pd.DataFrame, period: str, months: int) -> dict[str, float]:
    """Home Office recorded crime per 1,000 residents for the force and for England and Wales, for a
    whole financial year only (the counts of a part-year would not compare)."""
    if months < 12 or not isinstance(parse_period(period), FinancialYear):
        return {}
    out = {}
    mid_year = parse_period(period).mid_year
    force = members["force_name"].iloc[0]
    recorded = reference.recorded_crime(force, period)
    authorities = [c for codes in members["authority_codes"] for c in codes]
    pop = reference.population_estimate(authorities, mid_year)
    if recorded and pop:
        out[f"{force}, all recorded crime (Home Office)"] = recorded / pop.population * 1000
    national = reference.recorded_crime_england_and_wales(period)
    ew = reference.population_estimate(["E92000001", "W92000004"], mid_year)
    if national and ew:
        out["England and Wales, all recorded crime (Home Office)"] = national / ew.population * 1000
    return out


def coverage_sentence(p: Profile) -> str:
    """Which months the figures cover, and how a year with missing months is handled."""
    first, last = parse_period(p.years[0]).months()[0], parse_period(p.year).months()[-1]
    gaps = {y: r["missing"] for y, r in p.coverage.iterrows() if r["missing"]}
    kind = "financial years" if isinstance(parse_period(p.year), FinancialYear) else "twelve-month periods"
    text = (
        f"The crime figures cover the {kind} {p.years[0]} to {p.year} ({format_month(first)} to {format_month(last)})"
    )
    if not gaps:
        return text + ": every month is present."
    parts = [
        f"{y} lacks {', '.join(format_month(m) for m in missing)} ({12 - len(missing)} of 12 months)"
        for y, missing in gaps.items()
    ]
    handled = (
        "Its counts and rates are for the months held, not scaled up to a year. The trend is fitted to every "
        "month held, the missing month left out rather than counted as zero; the trend table's yearly "
        f"counts compare the same {len(p.months_compared)} calendar months in every year"
    )
    return text + ". " + "; ".join(parts) + ", as police.uk publishes it. " + handled + "."


def data_quality_sentence(metadata: Mapping | None, force: str, year: str) -> str | None:
    """The force's police.uk crimes for ``year`` against the Home Office recorded crime total, and
    the rows police.uk could not place; None when the import recorded no force-wide counts."""
    months = (metadata or {}).get("force_months") or {}
    in_year = {m: s for m, s in months.items() if m in parse_period(year).months()}
    if not in_year:
        return None
    crimes = sum(s["rows"] - s["asb"] for s in in_year.values())
    rows = sum(s["rows"] for s in in_year.values())
    unplaced = sum(s["no_location"] for s in in_year.values())
    where = force or "the force"
    text = (
        f"Data quality: across {where}, {unplaced:,} of the {rows:,} police.uk rows for {year} "
        f"({unplaced / rows * 100:.1f}%) have no location, so no area can count them."
    )
    recorded = (
        reference.recorded_crime(force, year) if force and isinstance(parse_period(year), FinancialYear) else None
    )
    if recorded and len(in_year) == 12:
        text += (
            f" police.uk holds {crimes:,} crimes for {where} in {year} against {recorded:,} in the Home Office's "
            f"police recorded crime ({crimes / recorded * 100:.1f}%)."
        )
    elif recorded:
        text += (
            f" police.uk holds {len(in_year)} of the year's 12 months, so its {crimes:,} crimes are not set "
            f"against the Home Office's {recorded:,} recorded for the whole year."
        )
    twice = sum(sum(f.values()) for m, f in (metadata or {}).get("duplicates_dropped", {}).items() if m in in_year)
    if twice:
        text += (
            f" {twice:,} crime record(s) for {year} that police.uk published twice (the same Crime ID, identical "
            "in every field) were counted once."
        )
    return text


def _the(period: str) -> str:
    """'2018-19' as it is; 'year to Dec 2019' as 'the year to Dec 2019', for a sentence."""
    return period if isinstance(parse_period(period), FinancialYear) else "the " + period


def _span(first: str, last: str) -> str:
    """'2016-17 to 2018-19', or 'the years to Dec 2017 to Dec 2019'."""
    if isinstance(parse_period(last), FinancialYear):
        return f"{first} to {last}"
    return f"the years to {first.removeprefix('year to ')} to {last.removeprefix('year to ')}"


def year_label(p: Profile, year: str) -> str:
    """A year as a column heading, with its months held where any are missing: '2017-18 (11 months)'."""
    held = int(p.coverage.at[year, "months_held"]) if year in p.coverage.index else 12
    return year if held == 12 else f"{year} ({held} months)"


def evidence_table(p: Profile) -> pd.DataFrame:
    """The data evidence alone, per crime type: volume, share of harm and trend (no analyst scores)."""
    out = p.harm[["count", "harm_share_pct"]].copy()
    if not p.trend.empty:
        out["trend"] = p.trend["direction"].reindex(out.index).fillna("")
    return out.reset_index()


def summarise(p: Profile) -> list[str]:
    """Plain-English findings for the top of the assessment."""
    out = []
    total = int(p.counts.at[ALL_CRIME, p.year])
    text = f"In {_the(p.year)}, police.uk placed {total:,} recorded crimes in {p.csp}"
    if p.rates is not None:
        r = p.rates.loc[ALL_CRIME]
        text += f", {r['rate']:.1f} per 1,000 people (95% CI {r['lower']:.1f} to {r['upper']:.1f})"
    if ASB in p.counts.index:
        text += f", with {int(p.counts.at[ASB, p.year]):,} incidents of anti-social behaviour"
    out.append(text + ".")
    held = int(p.coverage.at[p.year, "months_held"]) if p.year in p.coverage.index else 12
    if held < 12:
        missing = ", ".join(format_month(m) for m in p.coverage.at[p.year, "missing"])
        out.append(f"These {p.year} figures cover {held} of its 12 months: police.uk has no data for {missing}.")
    if p.trend.empty and len(p.years) >= 2:
        out.append(f"No trend is stated: the crime data hold fewer than 24 months across {_span(p.years[0], p.year)}.")
    if not p.trend.empty:
        t = p.trend.loc[ALL_CRIME]
        if t["significant"]:
            verb = "rose" if t["direction"] == "rising" else "fell"
            text = (
                f"Over {_span(p.years[0], p.years[-1])} the crime rate {verb} by about "
                f"{abs(t['annual_change_pct']):.1f}% a year on average ({_interval(t)}; statistically significant)"
            )
        else:
            text = (
                f"Over {_span(p.years[0], p.years[-1])} there is no statistically significant trend "
                "in the overall crime rate"
            )
        out.append(text + _latest_change(p, t) + ".")
        types = p.trend[~p.trend.index.isin([ALL_CRIME, ASB])]
        falling = [str(i) for i, r in types.iterrows() if r["direction"] == "falling"]
        rising = [str(i) for i, r in types.iterrows() if r["direction"] == "rising"]
        together = f"allowing for the {len(types)} crime types tested together"
        if rising:
            out.append(f"Rising significantly, {together}: " + ", ".join(rising) + ".")
        if falling:
            out.append(f"Falling significantly, {together}: " + ", ".join(falling) + ".")
        quiet = len(types) - len(rising) - len(falling)
        if quiet:
            out.append(
                f"{'The other ' if rising or falling else 'All '}{quiet} crime types show no significant change: "
                "three years of months are too few to tell most changes from chance, so this is not evidence that "
                "they are steady."
            )
        if ASB in p.trend.index and p.trend.at[ASB, "significant"]:
            a = p.trend.loc[ASB]
            out.append(
                f"Anti-social behaviour {'rose' if a['direction'] == 'rising' else 'fell'} by about "
                f"{abs(a['annual_change_pct']):.1f}% a year on average ({_interval(a)})."
            )
    top = p.harm.dropna(subset=["harm"]).iloc[0]
    out.append(
        f"{top.name} is {format_percent(top['count_share_pct'])} of crimes but "
        f"{format_percent(top['harm_share_pct'])} of harm weighted by the Crime Severity Score "
        f"(each type weighted by the mix of {p.harm_basis})."
    )
    c = p.concentration
    out.append(
        f"The busiest {c['share'] * 100:.0f}% of neighbourhoods hold {format_percent(c['top_share_pct'])} of "
        f"crime (Gini coefficient {c['gini']:.2f}); {len(p.recurring)} of the {c['top_lsoas']} busiest are among "
        f"the busiest in every year over {_span(p.years[0], p.years[-1])}."
    )
    if p.peers is not None:
        out.append(peer_sentence(p))
    if p.scores_entered:
        out.append(ranking_sentence(p))
    else:
        out.append(
            f"The analyst's threat, risk and harm scores for {p.year} are still to be entered, so the "
            "priorities are not yet ranked; the evidence from the crime data is shown alone."
        )
    return out


def illustrative_notice(metadata: Mapping | None, scores: pd.DataFrame, year: str) -> str | None:
    """The banner text where the report rests on synthetic or illustrative inputs, else None."""
    parts = []
    if (metadata or {}).get("synthetic"):
        parts.append(
            "The crime and anti-social behaviour figures in this report come from a SYNTHETIC "
            "dataset in the police.uk format, generated for demonstration: they are not real "
            "recorded crime and must not be used for decisions."
        )
    s = scores[scores["financial_year"] == year]
    if not s.empty and bool(s["illustrative"].any()):
        parts.append(
            "The threat, risk and harm scores are ILLUSTRATIVE, written to show the method, not the "
            "partnership's own assessment: the ranking is not a finding until the partnership scores its "
            "priorities."
        )
    return " ".join(parts) or None


def data_status(p: Profile, metadata: Mapping | None, scores: pd.DataFrame) -> list[tuple[str, str]]:
    """What the assessment rests on, each marked real, illustrative or synthetic, for the index."""
    first, last = parse_period(p.years[0]).months()[0], parse_period(p.year).months()[-1]
    gaps = [m for y in p.coverage.index for m in p.coverage.at[y, "missing"]] if not p.coverage.empty else []
    held = f"{format_month(first)} to {format_month(last)}" + (
        f", {', '.join(format_month(m) for m in gaps)} missing" if gaps else ""
    )
    crime = (
        ("synthetic", f"Crime and anti-social behaviour: a synthetic dataset, {held}")
        if (metadata or {}).get("synthetic")
        else ("real", f"Crime and anti-social behaviour: police.uk street-level data, {held}")
    )
    out = [crime, ("real", "Populations: ONS mid-year estimates")]
    out.append(("real", f"Harm weights: ONS Crime Severity Score by {p.harm_basis}"))
    s = scores[scores["financial_year"] == p.year]
    if s.empty:
        out.append(("draft", f"Threat, risk and harm scores for {p.year}: not yet entered"))
    elif bool(s["illustrative"].any()):
        out.append(("illustrative", "Threat, risk and harm scores, and so the ranking of the priorities"))
    else:
        out.append(("real", "Threat, risk and harm scores: the partnership's own"))
    return out


def recommendations(p: Profile, dataset, scores: pd.DataFrame) -> pd.DataFrame:
    """Points for the board: those this assessment's findings lead to, and those of
    recommendations.csv for the year (the partnership's own, where a document is cited; else the
    analyst's), each marked which."""
    rows = []
    if not p.trend.empty:
        rising = p.trend[(p.trend["direction"] == "rising") & (p.trend.index != ALL_CRIME)]
        harmful = p.harm.dropna(subset=["harm"])
        for crime_type, t in rising.iterrows():
            if crime_type in harmful.index and harmful.at[crime_type, "harm_share_pct"] >= 10:
                latest = (
                    f" ({format_percent(t['latest_change_pct'], signed=True)} in the latest year)"
                    if not pd.isna(t.get("latest_change_pct"))
                    else ""
                )
                rows.append(
                    f"{crime_type} is rising by about {t['annual_change_pct']:.0f}% a year on average{latest} and is "
                    f"{format_percent(harmful.at[crime_type, 'harm_share_pct'])} of harm: ask partners what lies "
                    "behind the rise, including how much is better recording, before the next plan is set."
                )
    if len(p.recurring):
        wards = p.recurring["ward"].value_counts()
        top_ward, n = wards.index[0], int(wards.iloc[0])
        rows.append(
            f"{len(p.recurring)} neighbourhoods are among the busiest every year, {n} of them in {top_ward}: "
            "work aimed at these places would reach a large share of crime."
        )
    unmeasured = p.priorities[
        (p.priorities["measured_by"] == "") & (p.priorities["kind"].isin(["priority", "emerging issue"]))
    ]
    if len(unmeasured):
        rows.append(
            "police.uk street-level data cannot measure "
            + ", ".join(unmeasured["name"].str.split(" including ").str[0])
            + ": ask the force and partners for their own records so that these priorities rest on evidence."
        )
    s = scores[scores["financial_year"] == p.year]
    if s.empty or bool(s["illustrative"].any()):
        rows.append("Score the priorities with the partnership: the ranking in this pack rests on illustrative scores.")
    out = pd.DataFrame({"basis": "from this assessment's findings", "recommendation": rows})
    own = getattr(dataset, "recommendations", None)
    if own is not None and not own.empty:
        mine = own[own["financial_year"] == p.year]
        titles = dataset.sources.set_index("document_id")["title"]
        theirs = pd.DataFrame(
            {
                "basis": [
                    f"the partnership's own, in {titles.get(d, d)}" if isinstance(d, str) and d else "the analyst's"
                    for d in mine["source_document"]
                ],
                "recommendation": mine["recommendation"],
            }
        )
        out = pd.concat([out, theirs], ignore_index=True)
    return out


# ---- what the report shows ------------------------------------------------------------------------


def tables_source(metadata: Mapping | None) -> str:
    """Where the assessment's tables come from, for the spreadsheet."""
    crime = (
        "SYNTHETIC data in the police.uk street-level format (not real crime)"
        if (metadata or {}).get("synthetic")
        else "police.uk street-level crime and anti-social behaviour data"
    )
    return (
        f"{crime}; ONS mid-year population estimates; ONS Crime Severity Score with Home Office police recorded "
        "crime by offence code; the partnership's own documents and scores (Open Government Licence v3.0 for "
        "the public data)."
    )


def crime_source_line(metadata: Mapping | None) -> str:
    """'Source: ...' for charts built from the crime data, saying when it is synthetic."""
    if (metadata or {}).get("synthetic"):
        return "Source: SYNTHETIC data in the police.uk street-level format (not real crime)."
    return "Source: police.uk street-level crime and ASB data (Open Government Licence v3.0)."


def population_source(p: Profile) -> str:
    """Where the population denominator comes from."""
    return "Population: " + (p.population_note or "none") + " (Open Government Licence v3.0)."


def count_columns(p: Profile) -> list[str]:
    """The count columns of :func:`volume_table` (to suppress small numbers in)."""
    return list(p.years)


def volume_table(p: Profile, threshold: int | None = None) -> pd.DataFrame:
    """Counts per type for each comparison year, with the selected year's rate and interval.

    With a suppression ``threshold``, a rate computed from a small count is hidden too (the
    counts themselves are suppressed when the table is published).
    """
    out = p.counts.copy()
    if p.rates is not None:
        out["rate"] = p.rates["rate"]
        out["lower"] = p.rates["lower"]
        out["upper"] = p.rates["upper"]
    out = out.reset_index()
    if threshold and p.rates is not None:
        out = disclosure.suppress_derived(out, p.year, ["rate", "lower", "upper"], threshold=threshold)
    return out


def harm_table(p: Profile, threshold: int | None = None) -> pd.DataFrame:
    """Crimes, weight, harm and shares per type; harm from a small count is hidden too."""
    out = p.harm.reset_index()
    if threshold:
        out = disclosure.suppress_derived(
            out, "count", ["harm", "count_share_pct", "harm_share_pct"], threshold=threshold
        )
    return out


def volume_formats(p: Profile) -> dict[str, str]:
    formats = {y: "count" for y in p.years}
    formats.update({"rate": "rate", "lower": "rate", "upper": "rate"})
    return formats


def volume_headers(p: Profile) -> dict[str, str]:
    return {
        "crime_type": "Type",
        "rate": f"Rate per 1,000, {p.year}",
        "lower": "95% CI lower",
        "upper": "95% CI upper",
        **{y: year_label(p, y) for y in p.years},
    }


def rates_for_chart(p: Profile, threshold: int | None = None) -> pd.DataFrame:
    """Rates by type, highest first, without the all-crime total (which would dwarf the rest) and,
    with a suppression ``threshold``, without types whose count is too small to publish."""
    rates = p.rates.drop(index=[ALL_CRIME], errors="ignore")
    if threshold:
        rates = rates[~((rates["count"] > 0) & (rates["count"] < threshold))]
    return rates.sort_values("rate", ascending=False)


def rate_title(p: Profile) -> str:
    rates = p.rates.drop(index=[ALL_CRIME], errors="ignore")
    top = rates["rate"].idxmax()
    return f"{top} has the highest rate in {p.csp} in {p.year}: {rates.at[top, 'rate']:.1f} per 1,000 people"


def trend_lines(p: Profile, n: int = 5) -> pd.DataFrame:
    """Yearly counts of all crime and the busiest types (at most six lines), years as rows, on the
    calendar months every year holds, so a year with a missing month is not drawn as a fall."""
    counts = p.counts_same_months if not p.counts_same_months.empty else p.counts
    types = [t for t in counts[p.year].drop(index=[ALL_CRIME]).sort_values(ascending=False).index][: n - 1]
    rows = [ALL_CRIME] + types
    out = counts.loc[rows].T.rename(columns={ALL_CRIME: "All crime"})
    out.index = list(out.index)
    return out


def trend_lines_subtitle(p: Profile) -> str:
    same = len(p.months_compared)
    months = "" if same == 12 else f", the same {same} calendar months in every year (police.uk lacks a month)"
    return f"Recorded crimes and ASB incidents per financial year{months}, {p.csp}, {p.years[0]} to {p.year}"


def _interval(t: pd.Series) -> str:
    """'95% CI +4.6% to +16.2%': a trend's change a year, its interval."""
    lower = format_percent(t["annual_change_lower"], signed=True)
    return f"95% CI {lower} to {format_percent(t['annual_change_upper'], signed=True)}"


def _latest_change(p: Profile, t: pd.Series) -> str:
    """'; the latest year's change, on the same 11 calendar months (police.uk lacks a month), was
    +4.0% (2018-19 on 2017-18)', or '' with one year."""
    if len(p.years) < 2 or pd.isna(t.get("latest_change_pct")):
        return ""
    months = (
        ""
        if len(p.months_compared) == 12
        else f" on the same {len(p.months_compared)} calendar months in every year (police.uk lacks a month)"
    )
    text = (
        f"; the latest year's change{months} was {format_percent(t['latest_change_pct'], signed=True)} "
        f"({p.years[-1]} on {p.years[-2]}, {int(t['previous']):,} to {int(t['last']):,})"
    )
    if t["significant"] and t["direction"] == "rising" and t["latest_change_pct"] < t["annual_change_lower"]:
        text += ", below the range of the average: the rise has slowed"
    elif t["significant"] and t["direction"] == "falling" and t["latest_change_pct"] > t["annual_change_upper"]:
        text += ", above the range of the average: the fall has slowed"
    return text


def trend_title(p: Profile) -> str:
    t = p.trend.loc[ALL_CRIME]
    if t["significant"]:
        return (
            f"Crime in {p.csp} is {t['direction']}: about {abs(t['annual_change_pct']):.1f}% a year on average "
            f"since {p.years[0]}, {format_percent(t['latest_change_pct'], signed=True)} in the latest year"
        )
    return f"No significant change in overall crime in {p.csp} between {p.years[0]} and {p.year}"


def trend_headers(p: Profile) -> dict[str, str]:
    """Column headings of :func:`trend_table`: its counts are for the months every year holds."""
    same = "" if len(p.months_compared) == 12 else f" ({len(p.months_compared)} months)"
    return {
        "crime_type": "Type",
        "first": p.years[0] + same,
        "previous": (p.years[-2] if len(p.years) > 1 else "") + same,
        "last": p.year + same,
        "latest_change_pct": f"{p.year} on {p.years[-2]}" if len(p.years) > 1 else "Latest change",
        "annual_change_pct": "Fitted change a year",
        "annual_change_lower": "95% CI from",
        "annual_change_upper": "95% CI to",
        "p_adjusted": "p-value (types adjusted together)",
        "direction": "Trend",
    }


def trend_table(p: Profile) -> pd.DataFrame:
    """Per type: its like-for-like counts in the first, last but one and last years, the last
    year's change, the fitted change a year with its 95% interval, its p-value (adjusted for the
    crime types tested together) and the verdict."""
    columns = [
        "crime_type",
        "first",
        "previous",
        "last",
        "latest_change_pct",
        "annual_change_pct",
        "annual_change_lower",
        "annual_change_upper",
        "p_adjusted",
    ]
    if len(p.years) < 3:
        columns.remove("previous")
    return p.trend.reset_index()[[*columns, "direction"]]


def monthly_title(p: Profile) -> str:
    m = p.monthly
    top = m.loc[m["crime"].idxmax()]
    low = m.loc[m["crime"].idxmin()]
    return (
        f"Recorded crime in {p.csp} (anti-social behaviour apart) peaked in {top['label']} "
        f"({int(top['crime']):,}) and was lowest in {low['label']} ({int(low['crime']):,})"
    )


def concentration_sentence(p: Profile) -> str:
    c = p.concentration
    pct = f"{c['share'] * 100:.0f}%"
    return (
        f"In {_the(p.year)}, the busiest {pct} of {p.csp}'s {c['lsoas']} neighbourhoods held "
        f"{format_percent(c['top_share_pct'])} of the {c['total']:,} crimes that could be placed. The Gini "
        f"coefficient is {c['gini']:.2f}: 0 would mean every neighbourhood had the same count, 1 that one "
        "had them all. "
        f"{len(p.recurring)} of the {c['top_lsoas']} busiest neighbourhoods were among the {c['top_lsoas']} busiest in "
        f"every year from {p.years[0]} to {p.year}; they are listed below with their wards."
    )


def concentration_title(p: Profile) -> str:
    c = p.concentration
    return (
        f"The busiest {c['share'] * 100:.0f}% of neighbourhoods in {p.csp} hold "
        f"{format_percent(c['top_share_pct'])} of its crime"
    )


def peer_sentence(p: Profile) -> str:
    """Where the area stands among its force's partnerships, and whether that is beyond their usual spread."""
    t, row, order = _standing(p)
    if row is None:
        return f"{p.csp} is not one of the partnerships of {t.attrs['force']}, so it is not compared with them."
    verdict = "within it" if row["verdict"] == "within the limits" else row["verdict"]
    nearest = [
        f"{name} ({r['rate']:.1f})"
        for name, r in t[~t["own"]].assign(gap=(t["rate"] - row["rate"]).abs()).sort_values("gap").head(2).iterrows()
    ]
    target = t.attrs["target_rate"]
    gap = (row["rate"] / target - 1) * 100
    text = (
        f"{p.csp}'s crime rate ({row['rate']:.1f} per 1,000) is the {order} of the {len(t)} partnerships in "
        f"{t.attrs['force']}, {abs(gap):.0f}% {'above' if gap >= 0 else 'below'} the rate of all {len(t)} "
        f"together ({target:.1f}), close to {' and '.join(nearest)}. "
    )
    same_for_all = (t["upper_95"].max() - t["upper_95"].min()) < 0.05 * target
    if same_for_all:
        text += (
            f"Partnerships differ so much (cities against rural districts) that the range expected is wide and "
            f"almost the same for every partnership, whatever its size: {row['lower_95']:.1f} to "
            f"{row['upper_95']:.1f} per 1,000. {p.csp} is {verdict}"
        )
    else:
        text += (
            f"Partnerships differ so much (cities against rural districts) that the range expected at {p.csp}'s "
            f"size is wide, {row['lower_95']:.1f} to {row['upper_95']:.1f} per 1,000, and {p.csp} is {verdict}"
        )
    if int((t["verdict"] != "within the limits").sum()) == 0:
        text += (
            ", as every partnership is: with so few partnerships, so unlike one another, this comparison cannot "
            f"single out {p.csp} or any of them"
        )
    return text + "."


def _standing(p: Profile) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """The peers table, the area's row (None when it is not one of them) and its place in words."""
    t = p.peers
    own = t[t["own"]]
    if own.empty:
        return t, None, ""
    row = own.iloc[0]
    place = int((t["rate"] > row["rate"]).sum()) + 1
    return t, row, "highest" if place == 1 else f"{_ordinal(place)} highest"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def peer_title(p: Profile) -> str:
    t, row, order = _standing(p)
    if row is None:
        return f"Crime rates of the partnerships in {t.attrs['force']}"
    return (
        f"{p.csp}'s crime rate, {row['rate']:.1f} per 1,000, is the {order} of {t.attrs['force']}'s "
        f"{len(t)} partnerships"
    )


def peer_note(p: Profile) -> str:
    """How the funnel is drawn, and what the overdispersion does to it."""
    t = p.peers
    a = t.attrs
    months = a["months"]
    span = f"{format_month(months[0])} to {format_month(months[-1])}"
    missing = "" if len(months) == 12 else f" ({len(months)} months held: rates are for those months)"
    return (
        f"Crimes per 1,000 residents, {span}{missing}, in each Community Safety Partnership of {a['force']}, from "
        f"police.uk; residents from the ONS mid-{a['population_year']} estimates. The centre line is the rate of "
        f"all the partnerships together ({a['target_rate']:.1f}). Their rates differ far more than chance alone "
        "would make them, because a city and a rural district differ in kind, so the limits are widened by that "
        "spread: they are wide, and a point outside them would stand out even among partnerships this different. "
        "The dashed lines are the Home Office's recorded crime rates, which count every crime, placed or not: "
        "context, not a target."
    )


def peer_table(p: Profile) -> pd.DataFrame:
    t = p.peers.reset_index()
    return t[["partnership", "count", "population", "rate", "lower_95", "upper_95", "verdict"]]


def peer_limits(p: Profile) -> pd.DataFrame:
    """The funnel's limits along the range of populations, for the chart."""
    import numpy as np

    t = p.peers
    low, high = float(t["population"].min()), float(t["population"].max())
    grid = np.geomspace(low * 0.8, high * 1.25, 120)
    return funnels.overdispersed_limits(t.attrs["target_rate"], t.attrs["tau2"], grid)


def ranking_sentence(p: Profile) -> str:
    r = p.ranking
    first = r[r["rank"] == 1]
    names = " and ".join(first["name"])
    lead = f"{names} share first place" if len(first) > 1 else f"{names} ranks first"
    illustrative = " (illustrative scores)" if bool(r["illustrative"].any()) else ""
    best, worst = int(first["best_rank"].min()), int(first["worst_rank"].max())
    steady = (
        "and stays first however the three scales are weighted within the range tested"
        if worst == 1
        else f"and between {_ordinal(best)} and {_ordinal(worst)} when the three scales are weighted unequally"
    )
    return f"On the analyst's threat, risk and harm scores{illustrative}, {lead}, {steady}."


def harm_shares(p: Profile, threshold: int | None = None) -> pd.DataFrame:
    """Shares of crimes and of harm per weighted type (types with too small a count left out)."""
    h = p.harm.dropna(subset=["harm"])
    if threshold:
        h = h[~((h["count"] > 0) & (h["count"] < threshold))]
    return h[["count_share_pct", "harm_share_pct"]]


def harm_note(p: Profile) -> str:
    """Where the weights come from, and what the largest of them rests on."""
    return (
        f"Weights from {p.harm_basis}: the Home Office's police recorded crime by offence code, each code's count "
        "times its ONS Crime Severity Score weight, summed over the codes of each police.uk type and divided by the "
        "type's count. A type's weight is an average: within violence and sexual offences, an assault without injury "
        "weighs about 14 and a rape about 3,000."
    )


def harm_title(p: Profile) -> str:
    top = p.harm.dropna(subset=["harm"]).iloc[0]
    return (
        f"{top.name} is {format_percent(top['count_share_pct'])} of crimes in {p.csp} "
        f"but {format_percent(top['harm_share_pct'])} of harm"
    )


WORDS = {5: "very high", 4: "high", 3: "moderate", 2: "low", 1: "very low"}


def _scale(value) -> str:
    return "–" if pd.isna(value) else f"{int(value)} ({WORDS.get(int(value), '')})"


def ranking_table(p: Profile) -> pd.DataFrame:
    """The ranked priorities: the analyst's judgement (scores, confidence, rank and how far it could
    move) in one set of columns, the data's evidence in another."""
    r = p.ranking
    return pd.DataFrame(
        {
            "rank": r["rank_label"],
            "name": r["name"],
            "kind": r["kind"],
            "scores": [
                f"{int(h)} / {int(lk)} / {int(o)}"
                for h, lk, o in zip(r["harm"], r["likelihood"], r["organisational_position"], strict=True)
            ],
            "score": r["analyst_score"],
            "confidence": r["confidence"],
            "range": [
                str(b) if b == w else f"{b} to {w}" for b, w in zip(r["best_rank"], r["worst_rank"], strict=True)
            ],
            "data_evidence": r["data_evidence"],
        }
    )


RANKING_HEADERS = {
    "rank": "Rank",
    "name": "Priority",
    "kind": "Named as",
    "scores": "Harm / likelihood / position (analyst, 1 to 5)",
    "score": "Score (up to 1)",
    "confidence": "Confidence",
    "range": "Rank if scales weighted unequally",
    "data_evidence": "What police.uk data show",
}


def cross_cutting_table(p: Profile) -> pd.DataFrame:
    """The cross-cutting issues with the analyst's scores, where those scores would place each
    among the ranked priorities (they are not ranked: the partnership named them as running
    through the priorities), and what police.uk data show."""
    c = p.cross_cutting
    return pd.DataFrame(
        {
            "name": c["name"],
            "harm": c["harm"].map(_scale),
            "likelihood": c["likelihood"].map(_scale),
            "position": c["organisational_position"].map(_scale),
            "would_rank": [
                _would_rank(score, p.ranking) + (" (illustrative scores)" if illustrative else "")
                for score, illustrative in zip(
                    c["analyst_score"],
                    c["illustrative"] if "illustrative" in c else [False] * len(c),
                    strict=True,
                )
            ],
            "data_evidence": c["data_evidence"],
        }
    )


def _would_rank(score: float, ranking: pd.DataFrame) -> str:
    """Where a score would stand among the ranked priorities, ties shared as the ranking shares
    them (:func:`safer_analysis.analysis.ranking.shared_ranks`): '2 of 8', '=2 of 8', or '–'.

    >>> _would_rank(0.38, pd.DataFrame({"analyst_score": [0.6, 0.38, 0.2]}))
    '=2 of 4'
    """
    if pd.isna(score) or ranking.empty or "analyst_score" not in ranking:
        return "–"
    scores = pd.concat([ranking["analyst_score"].dropna(), pd.Series([score])], ignore_index=True)
    _, labels = shared_ranks(scores)
    return f"{labels.iloc[-1]} of {len(scores)}"


def sensitivity_note(dataset) -> str:
    low, high = dataset.method("sensitivity_low"), dataset.method("sensitivity_high")
    return (
        "The score is harm x likelihood x position, divided by its largest possible value (so at most 1). Equal "
        f"scores would share a rank (=2). The range re-ranks with each scale counting from {low:g} to {high:g} "
        "times as much as the others (the three scores raised to those powers): a priority whose range is "
        "wide rests on how the scales are weighed, one whose range is a single rank does not."
    )


def _documents(dataset, frame: pd.DataFrame) -> str:
    """The titles of the documents cited in ``frame``'s ``source_document`` column, in italics."""
    docs = list(dict.fromkeys(frame["source_document"])) if "source_document" in frame else []
    titles = dataset.sources.set_index("document_id")["title"]
    return "; ".join(str(titles.get(d, d)) for d in docs)


PLURALS = {"priority": "priorities", "emerging issue": "emerging issues", "cross-cutting issue": "cross-cutting issues"}


def named_priorities_intro(dataset, year: str) -> str:
    """What the partnership's documents named for ``year``, and how the comparison reads."""
    kinds = dataset.priorities_in(year)["kind"].value_counts()
    parts = [
        f"{int(kinds.get(k, 0))} {k if kinds.get(k, 0) == 1 else PLURALS[k]}"
        for k in ("priority", "emerging issue", "cross-cutting issue")
        if kinds.get(k, 0)
    ]
    source = _documents(dataset, dataset.priorities_in(year)) or "the partnership's local priorities"
    text = (
        f"For {year}, {source} named {', '.join(parts) or 'no priorities'}. A named priority agrees with this "
        f"ranking when it is among the top {int(kinds.get('priority', 0))}; cross-cutting issues are not ranked."
    )
    first = dataset.local_priorities.set_index("priority_key")
    status = dataset.priority_status
    for _, row in status[status["financial_year"] == year].iterrows():
        before = first.at[row["priority_key"], "kind"] if row["priority_key"] in first.index else None
        if before and before != row["kind"]:
            why = f": the {year} plan says {row['note']}" if isinstance(row["note"], str) and row["note"] else ""
            text += f" {first.at[row['priority_key'], 'name']}, a {before} in 2017, is a {row['kind']} in {year}{why}."
    return text


def context_intro(dataset) -> str:
    """Where the contextual figures come from."""
    if dataset.context_figures.empty:
        return "No contextual figures from other sources are entered (data/context_figures.csv)."
    return (
        "Figures quoted in " + _documents(dataset, dataset.context_figures) + " for priorities the street-level "
        "data cannot measure. They are as published, with their own periods and sources."
    )


def context_table(dataset) -> pd.DataFrame:
    """The contextual figures quoted from other sources, each with its priority, period and source."""
    names = dataset.local_priorities.set_index("priority_key")["name"]
    f = dataset.context_figures
    rows = []
    for _, r in f.iterrows():
        low, high = r["value_low"], r["value_high"]
        value = f"{low:,.10g}" if low == high else f"{low:,.10g} to {high:,.10g}"
        value = ("about " if r["approximate"] else "") + value + f" {r['unit']}"
        rows.append(
            {
                "priority": "; ".join(names.get(k, k) for k in r["local_priority"]),
                "description": r["description"],
                "value": value,
                "period": r["period"],
                "source": f"{r['source']} ({r['geography']})",
            }
        )
    return pd.DataFrame(rows)


@cache
def ward_names() -> dict[str, str]:
    """The 2024 ward of every LSOA code, 2011 or 2021, that lies in one ward (:func:`areas.lsoa_places`)."""
    wards = areas.lsoa_places()["ward_name"]
    return wards[wards.notna()].to_dict()


def lsoa_population_year(mid_year: int) -> int:
    """The small-area population year shipped that is nearest ``mid_year``."""
    years = sorted(set(reference.read_table("lsoa_population.csv")["mid_year"].astype(int)))
    return min(years, key=lambda y: (abs(y - mid_year), -y))


def crime_map(crimes: pd.DataFrame, p: Profile, lsoa_file: Path | None, ward_file: Path | None, source: str):
    """The map of where crime is: rates per 1,000 by LSOA on the project's boundaries, with wards
    and the recurring places marked; without boundaries, the density of the points."""
    from safer_analysis.present import maps

    period = parse_period(p.year)
    if isinstance(period, YearTo):
        crimes = label_periods(crimes, f"{period.end_year}-{period.end_month:02d}")
    if lsoa_file is None or not Path(lsoa_file).is_file():
        year_rows = crimes[(crimes["financial_year"] == p.year) & (crimes["crime_type"] != ASB)]
        return maps.density_map(
            year_rows,
            title=f"Where crime was recorded in {p.csp}, {p.year}",
            subtitle=f"Recorded crimes by location, {p.csp}, {p.year}",
            source=source,
            what=f"recorded crimes in {p.csp}, {p.year}",
        )
    import geopandas as gpd

    lsoas = gpd.read_file(lsoa_file)
    wards = gpd.read_file(ward_file) if ward_file and Path(ward_file).is_file() else None
    pop_year = lsoa_population_year(period.mid_year)
    pops = reference.read_table("lsoa_population.csv")
    pops = pops[(pops["mid_year"].astype(int) == pop_year) & pops["lsoa11_code"].isin(set(lsoas["LSOA11CD"]))].copy()
    pops["population"] = pops["population"].astype(int)
    rates = lsoa_rates(crimes, p.year, pops, reference.read_table("lsoa_areas.csv"))
    wards_of = ward_names()
    in_year = crimes[crimes["financial_year"] == p.year]  # names of the year's vintage: 2021 renumbered them
    names = dict(zip(in_year["lsoa_code"], in_year["lsoa_name"], strict=True))
    describe = {c: f"{names.get(c, c)} ({wards_of.get(c, 'ward not known')})" for c in rates["lsoa11_code"]}
    top = rates.sort_values("rate", ascending=False).iloc[0]
    return maps.rate_map(
        lsoas,
        rates,
        wards=wards,
        marked=[c for c in p.recurring["lsoa_code"] if c in set(rates["lsoa11_code"])],
        title=f"Crime is densest in {wards_of.get(top['lsoa11_code'], top['lsoa11_code'])}: "
        f"{top['rate']:.0f} crimes per 1,000 residents in its busiest neighbourhood",
        subtitle=f"Recorded crimes per 1,000 residents by neighbourhood (LSOA 2011), {p.csp}, {p.year}; "
        f"outlined: among the {p.concentration['top_lsoas']} busiest every year",
        source=f"{source} Population: ONS small-area estimates, mid-{pop_year} (the nearest year held). "
        "Boundaries: ONS (Open Government Licence v3.0).",
        what=f"recorded crimes per 1,000 residents by neighbourhood in {p.csp}, {p.year}",
        describe=describe,
    )
