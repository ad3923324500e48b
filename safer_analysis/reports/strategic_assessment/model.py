"""The strategic assessment's model: the crime profile of one area and year (counts, rates,
trends, harm, concentration, the comparison with the force's other partnerships and the ranked
priorities), computed once and read by the sentences and tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from safer_analysis.analysis import breaks as known_breaks
from safer_analysis.analysis import funnels
from safer_analysis.analysis.crime_profile import (
    ASB,
    MIN_MONTHS,
    comparison_years,
    concentration,
    counts_by_type,
    coverage,
    label_periods,
    like_for_like,
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
    rank_priorities,
)
from safer_analysis.inputs import areas, reference
from safer_analysis.inputs import population as populations
from safer_analysis.inputs.indicators import priorities as mapping
from safer_analysis.inputs.population import Estimate, ProjectFigures
from safer_analysis.inputs.years import FinancialYear, PeriodNotHeldError, YearTo, crime_period, parse_period
from safer_analysis.reports.force_rates import FUNNEL_MINIMUM, partnership_lsoas, partnership_rates


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
    #: The financial year of the money and the analyst's scores (``year`` is the crime figures' period).
    money_year: str = ""
    #: The last month the crime data hold (``YYYY-MM``).
    last_month_held: str = ""
    population_estimate: Estimate | None = None
    #: Each partnership of the force the counts hold, where there are too few for ``peers`` (a
    #: funnel needs three): :func:`safer_analysis.reports.force_rates.partnership_rates`.
    partners: pd.DataFrame | None = None

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
            f"safer-analysis import-police-uk PATH --area {csp!r}"
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

    The crime figures cover the twelve months ending with the last month held within the financial
    year ``year`` (the year itself when its March is held), the latest twelve months held for a
    year after the data, or with ``period_end`` (``YYYY-MM``) the twelve months ending that month;
    and the years before it (:func:`safer_analysis.inputs.years.crime_period`). A period past the
    last month held, or with no month held, is a CrimeDataError. The analyst's scores are always
    those of the financial year. Populations are those of the area of ``area_codes`` (its local
    authorities) for each period, from :mod:`safer_analysis.inputs.population` with the project's
    own figures; without codes, of the LSOAs the crime data hold in these years.
    A period with missing months is kept and flagged (``coverage``); the trend is fitted to the
    monthly counts held, and its yearly counts compare like-for-like months. The trend sets apart
    the known breaks shipped with the package for the area's nation (from ``area_code``, else
    ``force_code``) and the partnership's own (``known_breaks.csv``).
    """
    scores_year = year
    held = sorted(crimes["month"].dropna().unique())
    try:
        period = crime_period(year, held, period_end) if held else FinancialYear.parse(year)
    except PeriodNotHeldError as exc:
        raise CrimeDataError(str(exc)) from None
    if isinstance(period, YearTo):
        crimes = label_periods(crimes, period.end)
        year = period.label
    check_coverage(crimes, year, csp, metadata)
    usable = [y for y in years_with_data(crimes) if y == year or months_held(crimes, y) >= MIN_MONTHS]
    years = comparison_years(year, n_years, usable)
    cover = coverage(crimes, years)
    counts = counts_by_type(crimes, years)
    window = crimes[crimes["financial_year"].isin(years)]
    seen = window.loc[window["lsoa_code"].notna(), "lsoa_code"].unique()  # the LSOA codes of these years
    lsoas = populations.lsoas_of(area_codes) if area_codes else populations.as_lsoa21(seen)
    figures = populations.figures_of(dataset)
    pops: dict[str, float] = {}
    estimate = None
    for y in years:
        found = populations.estimate(lsoas, parse_period(y).mid_year, figures)
        if found:
            pops[y] = float(found.population)
            if y == year:
                estimate = found
    population = pops.get(year)
    rates = rates_with_intervals(counts[year], population) if population else None
    same_months, months_compared = like_for_like(crimes, years)
    has_populations = len(pops) == len(years)
    shipped = known_breaks.for_nation(reference.known_breaks(), known_breaks.nation_of(area_code, force_code))
    breaks = known_breaks.combined(shipped, getattr(dataset, "known_breaks", None))
    trend = (
        trends(crimes, years, pops if has_populations else None, breaks=breaks) if len(years) >= 2 else pd.DataFrame()
    )
    if not trend.empty and (trend["direction"] == "not enough data").all():
        trend = trend.iloc[0:0]  # fewer than 24 months: no trend is stated
    share = dataset.method("concentration_share")
    conc = concentration(crimes, year, top_share=share, lsoas=seen)
    recurring = recurring_places(crimes, years, top_share=share)
    recurring.insert(2, "ward", recurring["lsoa_code"].map(ward_names()).fillna("not known"))
    weights = reference.severity_weights(force, _financial_year_of(year))
    harm = harm_by_type(counts[year], weights)
    priorities = dataset.priorities_in(scores_year)
    measured = mapping.crime_types(dataset.priority_measures)
    notes = mapping.police_uk_notes(dataset.priority_measures)  # a note may be left empty
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
        peer_comparison(partnership_counts, force_code, area_code, year, figures)
        if partnership_counts is not None and force_code
        else None
    )
    partners = (
        partnership_rates(partnership_counts, force_code, year, figures)
        if peers is None and partnership_counts is not None and force_code
        else None
    )
    return Profile(
        year,
        csp,
        years,
        population,
        estimate.note if estimate else None,
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
        scores_year,
        held[-1] if held else "",
        estimate,
        partners,
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
            f"; {t['direction']}, about {abs(t['annual_change_pct']):.1f}% a year, beyond its normal year-to-year "
            "variation"
            if t["significant"]
            else "; no change beyond its normal year-to-year variation"
        )
    # what the type leaves out of the priority, in the data file's words (it may measure only part)
    return text + "." + (f" {note.rstrip('.')}." if note else "")


def peer_comparison(
    counts: pd.DataFrame,
    force_code: str,
    area_code: str,
    period: str,
    figures: ProjectFigures | None = None,
) -> pd.DataFrame | None:
    """Crime (not anti-social behaviour) per 1,000 residents in each Community Safety Partnership
    of the force over ``period``, against the force-wide rate, with funnel limits that allow for
    the real spread between partnerships (:func:`safer_analysis.analysis.funnels.overdispersed_funnel`).

    ``counts`` are the force's counts per partnership, month and crime type; each partnership's
    population is that of its LSOAs (the rows counted under it) for the period, from
    :mod:`safer_analysis.inputs.population` with the project's own ``figures``. Index: the
    partnerships' names; ``csp_code`` and ``own`` (the area assessed) beside the funnel's columns.
    ``attrs`` adds the months counted, the populations' sources (``population_source``, in words,
    and ``population_year``, the latest mid-year used) and, for a whole financial year, the Home
    Office recorded crime rate of the force and of England and Wales (context, not the funnel's
    target). None when fewer than three partnerships can be compared (a partnership the counts do not
    hold at all is left out, not counted as none).
    """
    months = parse_period(period).months()
    rows = counts[counts["month"].isin(months) & (counts["crime_type"] != ASB)]
    held = sorted(rows["month"].unique())
    members = areas.partnerships(force_code)
    members = members[members["csp_code"].isin(set(counts["csp_code"]))]  # one the counts lack is unknown, not 0
    if not held or len(members) < FUNNEL_MINIMUM:
        return None
    mid_year = parse_period(period).mid_year
    totals = rows.groupby("csp_code")["count"].sum()
    units = partnership_lsoas()
    pops, names, found_all = {}, {}, []
    for _, m in members.iterrows():
        found = populations.estimate(units.get(m["csp_code"], ()), mid_year, figures)
        if found is None:
            continue
        pops[m["csp_code"]] = float(found.population)
        names[m["csp_code"]] = m["csp_name"]
        found_all.append(found)
    if len(pops) < FUNNEL_MINIMUM:
        return None
    codes = list(pops)
    table = funnels.overdispersed_funnel(totals.reindex(codes, fill_value=0), pd.Series(pops))
    table.insert(0, "csp_code", codes)
    for whole in ("count", "population"):  # crimes and people: whole numbers in every table and CSV
        table[whole] = table[whole].round().astype("int64")
    table["own"] = table["csp_code"] == area_code
    table.index = [names[c] for c in codes]
    table.index.name = "partnership"
    table = table.sort_values("rate", ascending=False)
    table.attrs.update(
        {
            "months": held,
            "population_year": max(e.mid_year for e in found_all),
            "population_source": populations.sources_in_words(found_all),
            "populations": dict(zip(codes, (e for e in found_all), strict=True)),
            "force": members["force_name"].iloc[0],
            "context": _context_rates(members, period, len(held), figures),
        }
    )
    return table


def _context_rates(
    members: pd.DataFrame, period: str, months: int, figures: ProjectFigures | None = None
) -> dict[str, float]:
    """Home Office recorded crime per 1,000 residents for the force and for England and Wales, for a
    whole financial year only (the counts of a part-year would not compare)."""
    if months < 12 or not isinstance(parse_period(period), FinancialYear):
        return {}
    out = {}
    mid_year = parse_period(period).mid_year
    force = members["force_name"].iloc[0]
    recorded = reference.recorded_crime(force, period)
    pop = populations.estimate(populations.lsoas_of([members["force_code"].iloc[0]]), mid_year, figures)
    if recorded and pop:
        out[f"{force}, all recorded crime (Home Office)"] = recorded / pop.population * 1000
    national = reference.recorded_crime_england_and_wales(period)
    ew = populations.estimate(populations.lsoas_of(["K04000001"]), mid_year, figures)
    if national and ew:
        out["England and Wales, all recorded crime (Home Office)"] = national / ew.population * 1000
    return out


@cache
def ward_names() -> dict[str, str]:
    """The 2024 ward of every LSOA code, 2011 or 2021, that lies in one ward (:func:`areas.lsoa_places`)."""
    wards = areas.lsoa_places()["ward_name"]
    return wards[wards.notna()].to_dict()
