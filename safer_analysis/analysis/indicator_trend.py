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
    #: a known break the series spans, where a one-off step explains the change better than a steady
    #: trend (the trend is then not stated): its label, and the typical level before and after it
    step: str = ""
    before: float = math.nan
    after: float = math.nan


def _slope_p(x: np.ndarray, logs: np.ndarray, step: np.ndarray | None) -> tuple[float, float, float, int]:
    """The slope of ``logs`` on ``x`` (with a step where ``step`` is 1), its p-value, its standard
    error and the degrees of freedom."""
    columns = [np.ones_like(x), x - x.mean()] + ([step] if step is not None else [])
    design = np.column_stack(columns)
    coef, *_ = np.linalg.lstsq(design, logs, rcond=None)
    residuals = logs - design @ coef
    df = len(x) - design.shape[1]
    sigma2 = float((residuals**2).sum()) / df
    cov = sigma2 * np.linalg.inv(design.T @ design)
    se = math.sqrt(float(cov[1, 1]))
    return float(coef[1]), tm.t_p_value(float(coef[1]), se, df), se, df


def yearly_trend(
    starts: Sequence[float],
    values: Sequence[float],
    *,
    alpha: float = TREND_ALPHA,
    steps: Sequence[tuple[float, str]] = (),
) -> YearlyTrend:
    """The trend of ``values`` over their periods' ``starts`` (decimal years, one a year).

    ``steps`` are known breaks, each (the decimal year it begins, what it was): a period whose
    middle falls after a break's start is on its far side. Where the series has at least two
    values on each side of one, a trend is stated only if it holds both without and with a one-off
    step there; where only the step explains the change, no trend is stated and the levels before
    and after are given instead (the principle of the monthly crime trends,
    :mod:`safer_analysis.analysis.trend_model`)."""
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
    slope, p, se, df = _slope_p(x, logs, None)
    half = tm.t_quantile(df, alpha) * se
    direction = NO_CHANGE if not p < alpha else RISING if slope > 0 else FALLING
    trend = YearlyTrend(direction, n, math.expm1(slope), p, math.expm1(slope - half), math.expm1(slope + half))
    for start, label in steps:
        after = (x + 0.5 > start).astype(float)
        if min(after.sum(), n - after.sum()) < 2 or n < MIN_POINTS or direction == NO_CHANGE:
            continue
        stepped, p_step, _, _ = _slope_p(x, logs, after)
        if p_step < alpha and (stepped > 0) == (slope > 0):
            continue  # the trend holds with the step too
        return YearlyTrend(
            NO_CHANGE,
            n,
            math.expm1(slope),
            p,
            math.expm1(slope - half),
            math.expm1(slope + half),
            reason=f"a one-off change at {label} explains it as well as a steady trend",
            step=label,
            before=float(np.exp(logs[after == 0].mean())),
            after=float(np.exp(logs[after == 1].mean())),
        )
    return trend
