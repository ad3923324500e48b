"""Trends in yearly indicators (one value a year, or a financial year, or pooled years moving on a
year at a time), tested against the series' own year-to-year variation: a straight line fitted to
the values on the log scale, its slope's standard error taken from how far the years sit off the
line, and a t test on ``n - 2`` degrees of freedom. Only the years themselves measure how much a
yearly figure wanders, so the test needs at least :data:`MIN_POINTS` of them, evenly spaced.

>>> trend = yearly_trend([2016, 2017, 2018, 2019, 2020, 2021], [100, 90, 82, 73, 66, 60])
>>> trend.direction, round(trend.annual_change, 2)
('falling', -0.1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from safer_analysis.analysis import trend_model as tm
from safer_analysis.analysis.trends import FALLING, NO_CHANGE, NOT_ENOUGH_DATA, RISING, TREND_ALPHA

MIN_POINTS = 5


@dataclass(frozen=True)
class YearlyTrend:
    """The fitted change a year (``annual_change``: 0.05 is 5% a year), its p-value and interval,
    the points used, and ``direction``: rising, falling, no significant change or not enough data
    (``reason`` says why)."""

    direction: str
    points: int
    annual_change: float = math.nan
    p_value: float = math.nan
    low: float = math.nan
    high: float = math.nan
    reason: str = ""


def yearly_trend(starts: Sequence[float], values: Sequence[float], *, alpha: float = TREND_ALPHA) -> YearlyTrend:
    """The trend of ``values`` over their periods' ``starts`` (decimal years, one a year)."""
    x = np.asarray(starts, dtype=float)
    y = np.asarray(values, dtype=float)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    n = len(y)
    if n < MIN_POINTS:
        return YearlyTrend(NOT_ENOUGH_DATA, n, reason=f"{n} yearly value{'s' * (n != 1)}; the test needs {MIN_POINTS}")
    gaps = np.diff(np.sort(x))
    if not np.allclose(gaps, 1.0):
        return YearlyTrend(NOT_ENOUGH_DATA, n, reason="the periods are not one a year in a row")
    if (y <= 0).any():
        return YearlyTrend(NOT_ENOUGH_DATA, n, reason="a value of zero or below: no change in proportion to test")
    logs = np.log(y)
    slope, intercept = np.polyfit(x, logs, 1)
    residuals = logs - (slope * x + intercept)
    df = n - 2
    se = math.sqrt(float((residuals**2).sum()) / df / float(((x - x.mean()) ** 2).sum()))
    p = tm.t_p_value(slope, se, df)
    half = tm.t_quantile(df, alpha) * se
    direction = NO_CHANGE if not p < alpha else RISING if slope > 0 else FALLING
    return YearlyTrend(direction, n, math.expm1(slope), p, math.expm1(slope - half), math.expm1(slope + half))
