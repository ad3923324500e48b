"""The strategic assessment's tables, chart data and titles: what its notebook shows, with the
headings and formats the page and the workbook use."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from safer_analysis.analysis import funnels
from safer_analysis.analysis.crime_profile import (
    ALL_CRIME,
)
from safer_analysis.inputs import population as populations
from safer_analysis.inputs.years import FinancialYear, parse_period
from safer_analysis.present import disclosure
from safer_analysis.present.formats import format_month, format_percent
from safer_analysis.reports.strategic_assessment.findings import standing, the_period, would_rank, year_label
from safer_analysis.reports.strategic_assessment.model import Profile


def tables_source(metadata: Mapping | None, p: Profile | None = None) -> str:
    """Where the assessment's tables come from, for the spreadsheet: with the profile ``p``, the
    population its rates use."""
    crime = (
        "SYNTHETIC data in the police.uk street-level format (not real crime)"
        if (metadata or {}).get("synthetic")
        else "police.uk street-level crime and anti-social behaviour data"
    )
    people = f"population: {p.population_note}" if p is not None and p.population_note else "population estimates"
    return (
        f"{crime}; {people}; ONS Crime Severity Score with Home Office police recorded crime by offence code; the "
        "partnership's own documents and scores (Open Government Licence v3.0 for the public data)."
    )


def crime_source_line(metadata: Mapping | None) -> str:
    """'Source: ...' for charts built from the crime data, saying when it is synthetic."""
    if (metadata or {}).get("synthetic"):
        return "Source: SYNTHETIC data in the police.uk street-level format (not real crime)."
    return "Source: police.uk street-level crime and ASB data (Open Government Licence v3.0)."


def population_source(p: Profile) -> str:
    """Where the population denominator comes from."""
    e = p.population_estimate
    licence = "" if e is not None and e.source == populations.OWN else " (Open Government Licence v3.0)"
    return "Population: " + (p.population_note or "none") + licence + "."


def population_sentence(p: Profile) -> str:
    """A sentence for the page when the population is not the period's own estimate (a 2025
    period on the mid-2022 estimate) or is the partnership's own figure; empty otherwise."""
    e = p.population_estimate
    if e is None:
        return ""
    what = f"The rates take the population as {e.population:,} people: {e.label[0].upper() + e.label[1:]}"
    if e.is_exact:
        return f"{what}." if e.source == populations.OWN else ""
    when = "before" if e.mid_year < e.asked_for else "after"
    n = e.years_away
    return (
        f"{what}. It is the nearest estimate held, {n} year{'s' if n > 1 else ''} {when} the middle of the period "
        f"(mid-{e.asked_for}): where the population has grown or shrunk since, the rates are that much too high or "
        "too low."
    )


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
        "rate": f"Rate per 1,000, {year_label(p, p.year)}",
        "lower": "Likely range, from",
        "upper": "Likely range, to",
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
    held = year_label(p, p.year).removeprefix(p.year)  # ' (11 months)' where any month is missing
    return (
        f"{top} has the highest rate in {p.csp} in {the_period(p)}{held}: {rates.at[top, 'rate']:.1f} per 1,000 people"
    )


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
    per = "financial year" if isinstance(parse_period(p.year), FinancialYear) else "twelve months"
    return f"Recorded crimes and ASB incidents per {per}{months}, {p.csp}, {p.years[0]} to {p.year}"


def trend_title(p: Profile) -> str:
    t = p.trend.loc[ALL_CRIME]
    if t["significant"]:
        return (
            f"Crime in {p.csp} is {t['direction']}: about {abs(t['annual_change_pct']):.1f}% a year on average "
            f"since {p.years[0]}, more than its normal year-to-year variation, "
            f"{format_percent(t['latest_change_pct'], signed=True)} in the latest year"
        )
    return f"No change in overall crime in {p.csp} beyond its normal year-to-year variation, {p.years[0]} to {p.year}"


def trend_headers(p: Profile) -> dict[str, str]:
    """Column headings of :func:`trend_table`: its counts are for the months every year holds."""
    same = "" if len(p.months_compared) == 12 else f" ({len(p.months_compared)} months)"
    return {
        "crime_type": "Type",
        "first": p.years[0] + same,
        "previous": (p.years[-2] if len(p.years) > 1 else "") + same,
        "last": p.year + same,
        "latest_change_pct": f"{p.year} on {p.years[-2]}" if len(p.years) > 1 else "Latest change",
        "annual_change_pct": "Average change a year",
        "annual_change_lower": "95% CI from",
        "annual_change_upper": "95% CI to",
        "p_adjusted": "p-value against year-to-year variation (types adjusted together)",
        "power_10": "Chance this test finds a real 10% a year change",
        "step": "Step at a known break (beside the trend)",
        "direction": "Trend",
    }


# the verdict in words that agree with the change beside it
VERDICTS = {
    "rising": "rising, beyond normal variation",
    "falling": "falling, beyond normal variation",
    "no significant change": "no trend: within normal variation",
}


def _steps_text(steps) -> str:
    """'−13% from Apr 2018' for each break in the window, or ''."""
    return "; ".join(
        f"{format_percent(st.change_pct, signed=True)} "
        + (f"{format_month(st.first)} to {format_month(st.last)}" if st.last else f"from {format_month(st.first)}")
        + (" (beyond normal variation)" if st.p_value < 0.05 else "")
        for st in steps or ()
    )


def _apart_text(breaks) -> str:
    """'not told apart from a year's swing, from Apr 2018' for each break left out, or ''."""
    return "; ".join(
        "not told apart from a year's swing, "
        + (f"{format_month(b.first)} to {format_month(b.last)}" if b.last else f"from {format_month(b.first)}")
        for b in breaks or ()
    )


def trend_table(p: Profile) -> pd.DataFrame:
    """What a board reads of the trend, per type: its like-for-like counts in the first, last but
    one and last years, the last year's change, the average change a year, the step at any known
    break, and the verdict in words (:data:`VERDICTS`). How each was tested is in
    :func:`trend_tests`; both are columns of :func:`trend_data`."""
    keep = ["crime_type", "first", "previous", "last", "latest_change_pct", "annual_change_pct", "step", "direction"]
    out = trend_data(p)
    return out[[c for c in keep if c in out.columns]]


TREND_TEST_FORMATS = {
    "annual_change_pct": "signed_pct",
    "annual_change_lower": "signed_pct",
    "annual_change_upper": "signed_pct",
    "p_adjusted": "p",
    "power_10": "pct",
}


def trend_tests(p: Profile) -> pd.DataFrame:
    """How each type's trend was tested, for the methods: the fitted change a year with its 95%
    interval, its p-value against the normal year-to-year variation (adjusted for the crime types
    tested together) and how often the test finds a real change of 10% a year."""
    return trend_data(p)[["crime_type", *TREND_TEST_FORMATS]]


def trend_data(p: Profile) -> pd.DataFrame:
    """Per type: its like-for-like counts in the first, last but one and last years, the last
    year's change, the fitted change a year with its 95% interval, its p-value against the normal
    year-to-year variation (adjusted for the crime types tested together), how often the test
    finds a real change of 10% a year, the step at any known break, and the verdict in words."""
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
        "power_10",
    ]
    if len(p.years) < 3:
        columns.remove("previous")
    out = p.trend.reset_index()[[*columns, "direction"]].copy()
    out["power_10"] = out["power_10"] * 100
    out["direction"] = out["direction"].replace(VERDICTS)
    apart = p.trend["breaks_not_separated"] if "breaks_not_separated" in p.trend else pd.Series([()] * len(p.trend))
    steps = p.trend["steps"] if "steps" in p.trend else pd.Series([()] * len(p.trend))
    if steps.map(bool).any() or apart.map(bool).any():
        text = [
            "; ".join(part for part in (_steps_text(s), _apart_text(a)) if part)
            for s, a in zip(steps, apart, strict=True)
        ]
        out.insert(len(columns), "step", text)
    return out


def monthly_title(p: Profile) -> str:
    m = p.monthly
    top = m.loc[m["crime"].idxmax()]
    low = m.loc[m["crime"].idxmin()]
    return (
        f"Recorded crime in {p.csp} (anti-social behaviour apart) peaked in {top['label']} "
        f"({int(top['crime']):,}) and was lowest in {low['label']} ({int(low['crime']):,})"
    )


def concentration_title(p: Profile) -> str:
    c = p.concentration
    return (
        f"The busiest {c['share'] * 100:.0f}% of neighbourhoods in {p.csp} hold "
        f"{format_percent(c['top_share_pct'])} of its crime"
    )


def peer_title(p: Profile) -> str:
    t, row, order = standing(p)
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
    text = (
        f"Crimes per 1,000 residents, {span}{missing}, in each Community Safety Partnership of {a['force']}, from "
        f"police.uk; residents from {a['population_source']}. The centre line is the rate of "
        f"all the partnerships together ({a['target_rate']:.1f}). Their rates differ far more than chance alone "
        "would make them, because a city and a rural district differ in kind, so the limits are widened by that "
        "spread: they are wide, and a point outside them would stand out even among partnerships this different. "
        "The dashed lines are the Home Office's recorded crime rates, which count every crime, placed or not: "
        "context, not a target."
    )
    if not a.get("context"):  # no Home Office lines are drawn (a period that is not a whole financial year)
        text = text[: text.index(" The dashed lines")]
    if not a.get("tau2", 0) > 0:  # the partnerships differ no more than chance: the limits are not widened
        start, end = text.index(" Their rates differ"), text.find(" The dashed lines")
        plain = " Their rates differ no more than chance alone would make them, so the limits are chance's alone."
        text = text[:start] + plain + (text[end:] if end >= 0 else "")
    return text


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


def recurring_caption(p: Profile) -> str:
    """The caption of the busiest neighbourhoods' table: those busy every year, or with one year
    held, the busiest of that year."""
    n = p.concentration["top_lsoas"]
    if len(p.years) == 1:
        return f"The {n} busiest neighbourhoods, {p.year}"
    return f"Neighbourhoods among the {n} busiest every year, {p.years[0]} to {p.year}"


def harm_shares(p: Profile, threshold: int | None = None) -> pd.DataFrame:
    """Shares of crimes and of harm per weighted type (types with too small a count left out)."""
    h = p.harm.dropna(subset=["harm"])
    if threshold:
        h = h[~((h["count"] > 0) & (h["count"] < threshold))]
    return h[["count_share_pct", "harm_share_pct"]]


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
    cut = int(r.attrs.get("cut", (r["kind"] == "priority").sum()))
    out = pd.DataFrame(
        {
            "rank": r["rank_label"],
            "name": r["name"],
            "kind": r["kind"],
            "scores": [
                f"{h:g} / {lk:g} / {o:g}"
                for h, lk, o in zip(r["harm"], r["likelihood"], r["organisational_position"], strict=True)
            ],
            "score": r["analyst_score"],
            "confidence": r["confidence"],
            "range": [
                str(b) if b == w else f"{b} to {w}" for b, w in zip(r["best_rank"], r["worst_rank"], strict=True)
            ],
            "kept": [
                f"rank {row['rank']} in {row['keeps_rank_pct']:.0f}%; "
                f"{'in' if row['rank'] <= cut else 'out of'} the top {cut} in {row['keeps_side_pct']:.0f}%"
                for _, row in r.iterrows()
            ],
            "data_evidence": r["data_evidence"],
        }
    )
    scorers = int(r["scorers"].max()) if "scorers" in r else 1
    if scorers > 1:
        out.insert(
            out.columns.get_loc("data_evidence"),
            "scorers",
            [f"{int(k)} of {int(n)}" for k, n in zip(r["scorers_keep_rank"], r["scorers"], strict=True)],
        )
    return out


RANKING_HEADERS = {
    "rank": "Rank",
    "name": "Priority",
    "kind": "Named as",
    "scores": "Harm / likelihood / position (analyst, 1 to 5)",
    "score": "Score (up to 1)",
    "confidence": "Confidence",
    "range": "Rank if scales weighted unequally",
    "kept": "Share of draws keeping its place, every score moved a point at random",
    "scorers": "Scorers whose own scores give the same rank",
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
                would_rank(score, p.ranking) + (" (illustrative scores)" if illustrative else "")
                for score, illustrative in zip(
                    c["analyst_score"],
                    c["illustrative"] if "illustrative" in c else [False] * len(c),
                    strict=True,
                )
            ],
            "data_evidence": c["data_evidence"],
        }
    )


def lsoa_population_year(mid_year: int) -> int:
    """The small-area population year shipped that is nearest ``mid_year``."""
    return populations.nearest_lsoa_year(mid_year)
