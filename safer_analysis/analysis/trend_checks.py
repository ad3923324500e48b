"""How the trend test (:func:`safer_analysis.analysis.trends.monthly_trend`) is checked on real
series: the monthly counts of every partnership of a force, each series with its own trend taken
out and its calendar years put in another order, so that the months and the years keep their
real variation but no trend is left; then a known change added back (a rise a year, or a step at
a month listed as a break) to see that the test finds it.

The test suite runs these on Devon & Cornwall's real police.uk months (``tests/analysis/``) and
``benchmarks/trend_study.py`` runs the longer study whose figures the data dictionary quotes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from safer_analysis.analysis import trend_model as tm
from safer_analysis.analysis.trends import Break, YearVariation, benjamini_hochberg, monthly_trend

ASB = "Anti-social behaviour"
ALL_CRIME = "All crime"


def partnership_series(counts: pd.DataFrame, csp_codes: Sequence[str], first: str, last: str) -> pd.DataFrame:
    """Monthly counts per partnership and series from a counts file (``csp_code``, ``month``,
    ``crime_type``, ``count``): one row per partnership and police.uk type, plus ``All crime``
    (every type but anti-social behaviour), indexed ``(csp_code, crime_type)``; one column per
    month from ``first`` to ``last`` that the counts hold (a month none holds is left out, not
    taken as zero), as a monthly PeriodIndex."""
    rows = counts[counts["csp_code"].isin(list(csp_codes)) & counts["month"].between(first, last)]
    wide = rows.pivot_table(index=["csp_code", "crime_type"], columns="month", values="count", fill_value=0)
    crime = wide[wide.index.get_level_values("crime_type") != ASB].groupby(level="csp_code").sum()
    crime.index = pd.MultiIndex.from_product([crime.index, [ALL_CRIME]], names=["csp_code", "crime_type"])
    wide = pd.concat([wide, crime]).sort_index()
    wide.columns = pd.PeriodIndex(wide.columns, freq="M")
    return wide.astype(float)


def detrended(counts: pd.Series) -> pd.Series:
    """``counts`` with their own fitted trend taken out (a log-linear Poisson fit with calendar
    months): each month divided by ``exp(beta * t)``, so the level of the first month stays and
    seasons, noise and the years' swings around the line remain."""
    index = counts.index
    t = tm.months_since_first(index)
    X = np.column_stack([np.ones(len(t)), t, *tm.season_columns(index)])
    beta, _ = tm.poisson_fit(X, counts.to_numpy(dtype=float), np.zeros(len(t)))
    return pd.Series(counts.to_numpy(dtype=float) * np.exp(-beta[1] * t), index=index)


def year_orders(counts: pd.Series, k: int) -> Iterator[tuple[tuple[int, ...], pd.Series]]:
    """Every ordered choice of ``k`` of the calendar years of ``counts``, laid end to end from its
    first year on, each month keeping its calendar month (a month missing stays missing)."""
    years = sorted(set(counts.index.year))
    start = years[0]
    of_year = {year: counts[counts.index.year == year] for year in years}
    for order in itertools.permutations(years, k):
        values, ordinals = [], []
        for place, year in enumerate(order):
            part = of_year[year]
            values.append(part.to_numpy())
            ordinals.append((start + place - 1970) * 12 + part.index.month.to_numpy() - 1)
        index = pd.PeriodIndex.from_ordinals(np.concatenate(ordinals), freq="M")
        yield order, pd.Series(np.concatenate(values), index=index)


def with_growth(counts: pd.Series, growth: float) -> pd.Series:
    """``counts`` with a steady change of ``growth`` a year (0.2 for +20%) added, rounded."""
    t = tm.months_since_first(counts.index)
    return pd.Series(np.round(counts.to_numpy() * (1 + growth) ** (t / 12)), index=counts.index)


def with_step(counts: pd.Series, month: str, change: float) -> pd.Series:
    """``counts`` with the months from ``month`` on moved by ``change`` (-0.3 for -30%), rounded."""
    after = counts.index >= pd.Period(month, freq="M")
    return pd.Series(np.round(counts.to_numpy() * np.where(after, 1 + change, 1.0)), index=counts.index)


def trend_free_windows(
    wide: pd.DataFrame,
    windows: Sequence[int] = (3, 4),
    *,
    growth: float = 0.0,
    step: tuple[str, float] | None = None,
    breaks: Sequence[Break] = (),
    min_mean: float = 10,
    every: int = 1,
    variation: Callable[[str, str], YearVariation | float | None] | None = None,
) -> pd.DataFrame:
    """The test on every series of ``wide`` (:func:`partnership_series`) averaging at least
    ``min_mean`` a month: its trend taken out, its calendar years in every order of ``windows``
    years (every ``every``-th order), a steady ``growth`` a year or a ``step`` (month, change) put
    back, and tested with ``breaks`` and the year-to-year variation ``variation(csp_code,
    crime_type)`` gives (by default the shipped one). One row per series and window: ``csp_code``,
    ``crime_type``, ``years``, ``order``, ``p_value``, ``annual_change_pct``, ``direction``,
    ``year_variation``, ``not_separated`` (the breaks left out as not told apart from a year's swing),
    and with a step ``step_pct`` and ``step_p``; ``p_adjusted`` is the
    crime types of one partnership and order adjusted together (Benjamini-Hochberg), as a page
    tests them."""
    rows = []
    for (csp, crime_type), values in wide.iterrows():
        counts = values.dropna()
        if counts.mean() < min_mean:
            continue
        flat = detrended(counts)
        for k in windows:
            for n, (order, window) in enumerate(year_orders(flat, k)):
                if n % every:
                    continue
                series = with_growth(window, growth)
                if step is not None:
                    series = with_step(series, *step)
                given = variation(csp, crime_type) if variation is not None else None
                result = monthly_trend(series, crime_type=crime_type, breaks=breaks, year_variation=given)
                row = {
                    "csp_code": csp,
                    "crime_type": crime_type,
                    "years": k,
                    "order": order,
                    "p_value": result.p_value,
                    "annual_change_pct": result.annual_change_pct,
                    "direction": result.direction,
                    "year_variation": result.year_variation,
                    "not_separated": len(result.breaks_not_separated),
                }
                if result.steps:
                    row.update({"step_pct": result.steps[0].change_pct, "step_p": result.steps[0].p_value})
                rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["p_adjusted"] = out["p_value"]
    types = ~out["crime_type"].isin([ALL_CRIME, ASB])
    for _, group in out[types].groupby(["csp_code", "years", "order"]):
        out.loc[group.index, "p_adjusted"] = benjamini_hochberg(group["p_value"])
    return out
