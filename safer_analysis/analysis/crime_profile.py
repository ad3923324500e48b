"""The strategic assessment: levels, rates, trends, concentration and harm of crime and ASB, and
the threat, risk and harm ranking of the local priorities.

Every function takes DataFrames and returns a DataFrame (or a small result); nothing here reads a
file. ``crimes`` is the tidy police.uk table of :mod:`safer_analysis.police_uk` (one row per crime
or anti-social behaviour incident, with ``month``, ``financial_year``, ``crime_type`` and
``lsoa_code``/``lsoa_name``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from safer_analysis.analysis.intervals import rate_ci
from safer_analysis.analysis.trends import (
    FALLING,
    NO_CHANGE,
    RISING,
    TREND_ALPHA,
    benjamini_hochberg,
    monthly_trend,
    pooled_autocorrelation,
)
from safer_analysis.inputs.years import YearTo, parse_period

ASB = "Anti-social behaviour"
ALL_CRIME = "All crime (excluding anti-social behaviour)"


# ---- years ------------------------------------------------------------------------------------


def comparison_years(year: str, n: int, available: Sequence[str]) -> list[str]:
    """The ``n`` financial years ending with ``year`` that the data cover, oldest first."""
    if n < 1:
        raise ValueError(f"the number of comparison years must be at least 1, got {n}")
    period = parse_period(year)
    wanted = [period.shift(-i).label for i in range(n - 1, -1, -1)]
    return [y for y in wanted if y in set(available)]


def complete_years(crimes: pd.DataFrame) -> list[str]:
    """Financial years for which the data hold all twelve months, oldest first."""
    months = crimes.groupby("financial_year")["month"].nunique()
    return sorted(str(y) for y, n in months.items() if n == 12)


#: A year with fewer months than this is left out of the comparison years (and so out of the trend).
MIN_MONTHS = 9


def months_held(crimes: pd.DataFrame, year: str) -> int:
    """How many months of ``year`` the data hold."""
    return int(crimes.loc[crimes["financial_year"] == year, "month"].nunique())


def label_periods(crimes: pd.DataFrame, period_end: str) -> pd.DataFrame:
    """The rows with ``financial_year`` replaced by the twelve-month period each falls in, the
    periods ending with ``period_end`` (``YYYY-MM``) and each year before it; later rows dropped.

    >>> frame = pd.DataFrame({"month": ["2018-12", "2019-01", "2019-12", "2020-01"], "financial_year": ""})
    >>> list(label_periods(frame, "2019-12")["financial_year"])
    ['year to Dec 2018', 'year to Dec 2019', 'year to Dec 2019']
    """
    end = YearTo.ending(period_end)
    index = crimes["month"].str[:4].astype(int) * 12 + crimes["month"].str[5:7].astype(int) - 1
    last = end.end_year * 12 + end.end_month - 1
    back = (last - index) // 12  # 0 for the period asked for, 1 for the year before, ...
    out = crimes[index <= last].copy()
    labels = {k: end.shift(-int(k)).label for k in back[index <= last].unique()}
    out["financial_year"] = back[index <= last].map(labels)
    return out


def years_with_data(crimes: pd.DataFrame) -> list[str]:
    """Financial years for which the data hold at least one month, oldest first."""
    return sorted(str(y) for y in crimes["financial_year"].dropna().unique())


def coverage(crimes: pd.DataFrame, years: Sequence[str]) -> pd.DataFrame:
    """Per financial year: the months the data hold and the months missing (as ``YYYY-MM`` lists).

    >>> frame = pd.DataFrame({"financial_year": ["2017-18"] * 2, "month": ["2017-04", "2017-05"]})
    >>> int(coverage(frame, ["2017-18"]).loc["2017-18", "months_held"])
    2
    """
    held = crimes.groupby("financial_year")["month"].unique()
    rows = []
    for y in years:
        have = set(held.get(y, []))
        months = parse_period(y).months()
        rows.append(
            {
                "financial_year": y,
                "months_held": sum(m in have for m in months),
                "missing": [m for m in months if m not in have],
            }
        )
    return pd.DataFrame(rows).set_index("financial_year")


def like_for_like(crimes: pd.DataFrame, years: Sequence[str]) -> tuple[pd.DataFrame, list[int]]:
    """The rows of ``years`` in the calendar months (1-12) that every one of those years holds,
    and those months: so a year with a missing month is compared on the same months as the rest."""
    sub = crimes[crimes["financial_year"].isin(years)]
    month_of_year = sub["month"].str[5:7].astype(int)
    held = month_of_year.groupby(sub["financial_year"]).unique()
    common = set(range(1, 13))
    for y in years:
        common &= set(held.get(y, []))
    keep = sorted(common)
    return sub[month_of_year.isin(keep)], keep


# ---- volumes and rates -----------------------------------------------------------------------


def counts_by_type(crimes: pd.DataFrame, years: Sequence[str]) -> pd.DataFrame:
    """Counts per crime type (rows) and financial year (columns), with an all-crime row that
    leaves out anti-social behaviour (which is not crime)."""
    sub = crimes[crimes["financial_year"].isin(years)]
    table = pd.crosstab(sub["crime_type"], sub["financial_year"]).reindex(columns=list(years), fill_value=0)
    crime_rows = table.drop(index=[ASB], errors="ignore")
    table.loc[ALL_CRIME] = crime_rows.sum()
    order = [ALL_CRIME] + sorted(i for i in table.index if i not in (ALL_CRIME, ASB))
    if ASB in table.index:
        order.append(ASB)
    table = table.loc[order]
    table.index.name = "crime_type"
    table.columns.name = None
    return table.astype(int)


def rates_with_intervals(
    counts: pd.Series, population: float, *, multiplier: float = 1000, confidence: float = 0.95
) -> pd.DataFrame:
    """Counts as rates per ``multiplier`` people with exact/Byar's confidence intervals."""
    lower, upper = rate_ci(counts.astype(float), float(population), multiplier=multiplier, confidence=confidence)
    out = pd.DataFrame(
        {
            "count": counts.astype(int),
            "rate": counts.astype(float) / population * multiplier,
            "lower": lower,
            "upper": upper,
        },
        index=counts.index,
    )
    return out


#: The trend's own check of year-to-year variation looks back this many years from the period's end.
HISTORY_YEARS = 5


def _series_name(crime_type: str) -> str:
    """The name of a series in the shipped year-to-year variation table."""
    return "All crime" if crime_type == ALL_CRIME else crime_type


def trends(
    crimes: pd.DataFrame,
    years: Sequence[str],
    populations: Mapping[str, float] | None = None,
    *,
    breaks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per crime type (and all crime, and anti-social behaviour), the trend across ``years`` from
    the monthly counts, with :func:`safer_analysis.analysis.trends.monthly_trend`: tested against
    the normal year-to-year variation of such series, the variation shipped with the package
    updated with the series' own years (every month held in the :data:`HISTORY_YEARS` years to the
    end of ``years``), with a step at each of ``breaks`` (:mod:`safer_analysis.analysis.breaks`)
    inside the window that moves the series; months not held are simply absent. With
    ``populations`` (per year) the trend is in the rate. ``first``, ``previous`` and ``last`` are
    the first, last but one and last years' counts on the calendar months every year holds, so
    they compare like with like; ``latest_change_pct`` is the last year's change on the one before.

    Every series allows for the same correlation between neighbouring months, pooled from the
    series' own estimates (:func:`safer_analysis.analysis.trends.pooled_autocorrelation`;
    ``own_autocorrelation`` is each series' own). All crime and anti-social behaviour are tested
    each on its own; the crime types, a dozen tested at once, are judged on p-values adjusted by
    Benjamini and Hochberg's method (``p_adjusted``). ``annual_change_lower`` and
    ``annual_change_upper`` give the change a year's 95% interval; ``year_variation`` the
    variation allowed for; ``power_10`` and ``power_20`` the chance of finding a real change of
    10% or 20% a year; ``steps`` the change at each break (a tuple of
    :class:`~safer_analysis.analysis.trends.StepChange`); ``latest_departure_pct`` and
    ``latest_departure_p`` how far the latest year sits from the line through the years before,
    and ``pace`` "slowed" or "accelerated" only where that test finds it, for a significant trend.
    """
    from safer_analysis.analysis.breaks import breaks_for

    window = crimes[crimes["financial_year"].isin(years)]
    months = sorted(window["month"].unique())
    index = pd.PeriodIndex(months, freq="M")
    year_of = window.drop_duplicates("month").set_index("month")["financial_year"]
    exposure = None
    if populations:
        exposure = pd.Series([float(populations[year_of[m]]) for m in months], index=index)
    same, _ = like_for_like(crimes, years)
    ends = counts_by_type(same, years)
    end = parse_period(years[-1]).months()[-1]
    start = (pd.Period(end, freq="M") - 12 * HISTORY_YEARS + 1).strftime("%Y-%m")
    past = crimes[crimes["month"].between(start, end)]
    history = pd.crosstab(past["crime_type"], past["month"])
    history.loc[ALL_CRIME] = history.drop(index=[ASB], errors="ignore").sum()
    history = history.reindex(ends.index, fill_value=0)
    history.columns = pd.PeriodIndex(history.columns, freq="M")
    monthly = history.loc[:, history.columns.isin(index)]
    series = {ct: pd.Series(monthly.loc[ct].to_numpy(dtype=float), index=index) for ct in ends.index}
    options = {
        ct: {"crime_type": _series_name(ct), "breaks": breaks_for(breaks, ct), "history": history.loc[ct]}
        for ct in ends.index
    }
    own = {ct: monthly_trend(values, exposure, **options[ct]) for ct, values in series.items()}
    pooled = pooled_autocorrelation(
        [r.autocorrelation for r in own.values()], [float(v.mean()) for v in series.values()]
    )
    rows = []
    for crime_type, values in series.items():
        result = (
            monthly_trend(values, exposure, autocorrelation=pooled, **options[crime_type])
            if pooled is not None
            else own[crime_type]
        )
        rows.append(
            {
                "crime_type": crime_type,
                "first_year": years[0],
                "last_year": years[-1],
                "first": int(ends.at[crime_type, years[0]]),
                "previous": int(ends.at[crime_type, years[-2]]) if len(years) > 1 else np.nan,
                "last": int(ends.at[crime_type, years[-1]]),
                "annual_change_pct": result.annual_change_pct,
                "p_value": result.p_value,
                "significant": result.direction in ("rising", "falling"),
                "direction": result.direction,
                "dispersion": result.dispersion,
                "autocorrelation": result.autocorrelation,
                "own_autocorrelation": own[crime_type].autocorrelation,
                "annual_change_lower": result.annual_change_lower,
                "annual_change_upper": result.annual_change_upper,
                "year_variation": result.year_variation,
                "year_variation_basis": result.year_variation_basis,
                "power_10": result.power_10,
                "power_20": result.power_20,
                "steps": result.steps,
                "breaks_not_separated": result.breaks_not_separated,
                "latest_departure_pct": result.latest_departure_pct,
                "latest_departure_p": result.latest_departure_p,
                "months": result.months,
                "method": result.method,
            }
        )
    out = pd.DataFrame(rows).set_index("crime_type")
    out["latest_change_pct"] = (out["last"] / out["previous"] - 1) * 100
    out.loc[out["previous"] == 0, "latest_change_pct"] = np.nan
    types = ~out.index.isin([ALL_CRIME, ASB])
    out["p_adjusted"] = out["p_value"]
    out.loc[types, "p_adjusted"] = benjamini_hochberg(out.loc[types, "p_value"])
    tested = out["direction"].isin([RISING, FALLING, NO_CHANGE])
    out["significant"] = tested & (out["p_adjusted"] < TREND_ALPHA)
    out.loc[tested & ~out["significant"], "direction"] = NO_CHANGE
    out["pace"] = [_pace(r) for _, r in out.iterrows()]
    return out


def _pace(row: pd.Series) -> str:
    """'slowed' or 'accelerated' where the latest year departs from the line through the years
    before by more than year-to-year variation allows, for a significant trend; else ''."""
    if not row["significant"] or not row["latest_departure_p"] < TREND_ALPHA:
        return ""
    with_trend = (row["latest_departure_pct"] > 0) == (row["direction"] == RISING)
    return "accelerated" if with_trend else "slowed"


def monthly_pattern(crimes: pd.DataFrame, year: str) -> pd.DataFrame:
    """Counts per month of ``year`` for all crime and for anti-social behaviour."""
    months = parse_period(year).months()
    sub = crimes[crimes["financial_year"] == year]
    is_asb = sub["crime_type"] == ASB
    out = pd.DataFrame(
        {
            "month": months,
            "crime": sub[~is_asb].groupby("month").size().reindex(months).to_numpy(),
            "asb": sub[is_asb].groupby("month").size().reindex(months).to_numpy(),
        }
    )
    held = set(sub["month"])
    out.loc[[m not in held for m in months], ["crime", "asb"]] = np.nan  # a month without data is not zero
    out.loc[[m in held for m in months], ["crime", "asb"]] = out.loc[
        [m in held for m in months], ["crime", "asb"]
    ].fillna(0)
    out["label"] = pd.to_datetime(out["month"] + "-01").dt.strftime("%b %Y")
    return out


# ---- concentration ---------------------------------------------------------------------------


def lorenz(counts: Sequence[float] | pd.Series) -> pd.DataFrame:
    """The concentration curve of ``counts`` (one per place), busiest place first: after each
    place, the share of places so far and the share of the total they hold (both 0 to 1), from
    (0, 0) to (1, 1). It is the Lorenz curve read from the top.

    >>> lorenz([1, 3])["crime_share"].tolist()
    [0.0, 0.75, 1.0]
    """
    values = np.sort(np.asarray(counts, dtype=float))[::-1]
    total = values.sum()
    n = len(values)
    if n == 0 or total <= 0:
        raise ValueError("a concentration curve needs at least one place and a total above zero")
    return pd.DataFrame(
        {
            "place_share": np.arange(n + 1) / n,
            "crime_share": np.concatenate([[0.0], np.cumsum(values) / total]),
        }
    )


def share_in_top(counts: Sequence[float] | pd.Series, share: float) -> float:
    """The share (0 to 1) of the total held by the busiest ``share`` of places, read off the
    concentration curve by linear interpolation: with 161 places, the top 10% is 16.1 places, so
    the 16 busiest and a tenth of the 17th.

    >>> share_in_top([10, 0, 0, 0, 0, 0, 0, 0, 0, 10], 0.15)
    0.75
    >>> share_in_top([4, 3, 2, 1], 0.5)
    0.7
    """
    if not 0 < share <= 1:
        raise ValueError(f"the share of places must be in (0, 1], got {share}")
    curve = lorenz(counts)
    return float(np.interp(share, curve["place_share"], curve["crime_share"]))


def gini(counts: Sequence[float] | pd.Series) -> float:
    """The Gini coefficient of ``counts`` across places: 0 when every place has the same, towards
    1 when one place has everything (with n places the most is 1 - 1/n).

    >>> gini([5, 5, 5, 5])
    0.0
    >>> gini([0, 0, 0, 10])
    0.75
    """
    values = np.sort(np.asarray(counts, dtype=float))
    n, total = len(values), values.sum()
    if n == 0 or total <= 0:
        raise ValueError("a Gini coefficient needs at least one place and a total above zero")
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * values).sum() / (n * total) - (n + 1) / n)


def lsoa_counts(crimes: pd.DataFrame, year: str, lsoas: Sequence[str] | None = None) -> pd.Series:
    """Crimes (not anti-social behaviour) per LSOA in ``year``, busiest first, every LSOA of
    ``lsoas`` included (those with none at zero); by default the LSOAs in ``crimes``."""
    placed = crimes[crimes["lsoa_code"].notna() & (crimes["crime_type"] != ASB)]
    universe = sorted(set(lsoas) if lsoas is not None else set(placed["lsoa_code"]))
    counts = placed[placed["financial_year"] == year].groupby("lsoa_code").size()
    return counts.reindex(universe, fill_value=0).sort_values(ascending=False, kind="stable")


def concentration(
    crimes: pd.DataFrame, year: str, *, top_share: float = 0.1, lsoas: Sequence[str] | None = None
) -> dict[str, object]:
    """How concentrated crime is across the LSOAs of an area in ``year``.

    ``top_share_pct`` is the share of crime in the busiest ``top_share`` of LSOAs, interpolated
    (:func:`share_in_top`); ``gini`` the Gini coefficient; ``curve`` the concentration curve.
    ``top_lsoas`` is how many whole LSOAs lie within that share (rounded down, at least one) and
    ``top_codes`` which, busiest first. ``lsoas`` lists every LSOA of the area so that places with
    no crime count too; by default, the LSOAs that appear in ``crimes``. Anti-social behaviour is
    left out.
    """
    if not 0 < top_share <= 1:
        raise ValueError(f"top_share must be in (0, 1], got {top_share}")
    counts = lsoa_counts(crimes, year, lsoas)
    total = int(counts.sum())
    n_top = max(1, int(np.floor(len(counts) * top_share + 1e-9)))
    top = counts.iloc[:n_top]
    return {
        "year": year,
        "share": top_share,
        "lsoas": len(counts),
        "top_lsoas": n_top,
        "top_count": int(top.sum()),
        "total": total,
        "top_share_pct": share_in_top(counts, top_share) * 100 if total else float("nan"),
        "gini": gini(counts) if total else float("nan"),
        "curve": lorenz(counts) if total else pd.DataFrame(columns=["place_share", "crime_share"]),
        "top_codes": list(top.index),
    }


def recurring_places(crimes: pd.DataFrame, years: Sequence[str], *, top_share: float = 0.1) -> pd.DataFrame:
    """LSOAs in the top ``top_share`` by crime volume in every one of ``years``, busiest first."""
    placed = crimes[crimes["lsoa_code"].notna() & (crimes["crime_type"] != ASB)]
    names = placed.drop_duplicates("lsoa_code").set_index("lsoa_code")["lsoa_name"]
    tops = [set(concentration(crimes, y, top_share=top_share)["top_codes"]) for y in years]
    common = set.intersection(*tops) if tops else set()
    sub = placed[placed["financial_year"].isin(years) & placed["lsoa_code"].isin(common)]
    table = pd.crosstab(sub["lsoa_code"], sub["financial_year"]).reindex(columns=list(years), fill_value=0)
    table.insert(0, "lsoa_name", names.reindex(table.index).to_numpy())
    table = table.sort_values(list(years)[-1], ascending=False)
    table.columns.name = None
    return table.reset_index()


# ---- places on a map ---------------------------------------------------------------------------


def lsoa_rates(crimes: pd.DataFrame, year: str, populations: pd.DataFrame, lsoa_lookup: pd.DataFrame) -> pd.DataFrame:
    """Crimes (not anti-social behaviour) per LSOA of 2011 in ``year``, with the LSOA's population
    and the rate per 1,000.

    ``populations`` has ``lsoa11_code``, ``mid_year`` and ``population`` for one mid-year;
    ``lsoa_lookup`` has ``lsoa11_code``, ``lsoa21_code`` and ``change_code``. A row coded to a 2021
    LSOA that was split from a 2011 one (change ``S``) is counted in its 2011 parent; a 2021 LSOA
    merged from several 2011 ones (``M``), or an LSOA with no population given, cannot be mapped
    and is left out (``unmapped`` in ``attrs`` says how many rows).
    """
    placed = crimes[(crimes["financial_year"] == year) & (crimes["crime_type"] != ASB) & crimes["lsoa_code"].notna()]
    known11 = set(populations["lsoa11_code"])
    parents = lsoa_lookup[lsoa_lookup["change_code"].isin(["U", "S"])].drop_duplicates("lsoa21_code")
    back = dict(zip(parents["lsoa21_code"], parents["lsoa11_code"], strict=True))
    codes = placed["lsoa_code"].where(placed["lsoa_code"].isin(known11), placed["lsoa_code"].map(back))
    codes = codes.where(codes.isin(known11))  # a code with no population (or no 2011 parent) is not mapped
    counts = codes.dropna().value_counts()
    out = populations[["lsoa11_code", "population"]].drop_duplicates("lsoa11_code").set_index("lsoa11_code")
    out = out[out.index.isin(set(counts.index)) | out.index.isin(known11)]
    out["count"] = counts.reindex(out.index, fill_value=0).astype(int)
    out["rate"] = out["count"] / out["population"] * 1000
    out.attrs["unmapped"] = int(codes.isna().sum())
    return out.reset_index()
