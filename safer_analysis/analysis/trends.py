"""Trends in monthly counts: a quasi-Poisson regression of monthly counts on time with
calendar-month terms (and the log of the denominator as offset), so seasons, overdispersion and the
likeness of neighbouring months are allowed for (:func:`monthly_trend`); the correlation between
neighbouring months pooled across an area's series (:func:`pooled_autocorrelation`); and
Benjamini and Hochberg's adjustment for testing many series together (:func:`benjamini_hochberg`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from safer_analysis.analysis.arrays import as_counts, as_denominators

__all__ = [
    "FALLING",
    "MIN_TREND_MONTHS",
    "NOT_ENOUGH_DATA",
    "NO_CHANGE",
    "RISING",
    "TREND_ALPHA",
    "MonthlyTrend",
    "benjamini_hochberg",
    "monthly_trend",
    "pooled_autocorrelation",
]

MIN_TREND_MONTHS = 24
#: The two-sided significance level of :func:`monthly_trend`.
TREND_ALPHA = 0.05
NOT_ENOUGH_DATA = "not enough data"
RISING, FALLING, NO_CHANGE = "rising", "falling", "no significant change"


@dataclass(frozen=True)
class MonthlyTrend:
    """The trend in monthly counts (or rates), from :func:`monthly_trend`.

    ``direction`` is "rising", "falling", "no significant change" or "not enough data";
    ``annual_change_pct`` the fitted change a year in per cent (``(exp(12 * beta) - 1) * 100``);
    ``p_value`` the two-sided p-value of the time term; ``dispersion`` the Pearson chi-square over
    the residual degrees of freedom (1 for Poisson counts, above 1 when over-dispersed);
    ``autocorrelation`` the correlation between neighbouring months allowed for (0 to 0.95);
    ``annual_change_lower`` and ``annual_change_upper`` the 95% confidence interval of the change
    a year; ``months`` the number of months observed; ``method`` a sentence naming the model for
    a methods note. The estimates are NaN when there is not enough data.
    """

    direction: str
    p_value: float
    annual_change_pct: float
    dispersion: float
    months: int
    method: str
    autocorrelation: float = math.nan
    annual_change_lower: float = math.nan
    annual_change_upper: float = math.nan


def _trend_method(offset: bool) -> str:
    what = (
        "monthly counts, with log(exposure) as an offset so the trend is in the rate," if offset else "monthly counts"
    )
    return (
        f"Quasi-Poisson GLM (log link) of {what} on a linear time term (months since the first observed month) "
        "and month-of-year indicators for seasonality. Its standard error allows for over-dispersion and for "
        "correlation between neighbouring months: an AR(1) correlation of the standardised residuals, estimated by "
        "the method of moments with the bias of regression residuals removed, and the dispersion estimated under "
        f"it; two-sided t-test of the time coefficient on the residual degrees of freedom, alpha {TREND_ALPHA:g}."
    )


#: The largest correlation between neighbouring months :func:`monthly_trend` allows for.
MAX_AUTOCORRELATION = 0.95


def _ar1_variance(
    X: np.ndarray, mu: np.ndarray, y: np.ndarray, t: np.ndarray, phi: float | None = None
) -> tuple[np.ndarray, float, float]:
    """The covariance of a Poisson GLM's coefficients when its standardised residuals are
    over-dispersed and correlated between months ``t`` apart as ``phi ** t`` (AR(1)); and phi, and
    the dispersion.

    phi is found by the method of moments: the lag-1 correlation of the Pearson residuals is set
    equal to its expectation given phi, ``tr(M A M S) / tr(M S)``, where ``M`` removes the fitted
    (weighted) regression, ``A`` pairs months one apart and ``S = phi ** |t_i - t_j|``. Regression
    residuals of a short series understate the correlation (with 36 months and 13 coefficients,
    by about a third), and this undoes that bias, missing months included. The dispersion is the
    Pearson chi-square over ``tr(M S)``, and the covariance the sandwich
    ``B X' W^1/2 S W^1/2 X B`` times it, ``B`` the GLM's unscaled covariance.
    """
    from scipy.optimize import brentq

    root_w = np.sqrt(mu)
    xw = X * root_w[:, None]
    bread = np.linalg.inv(xw.T @ xw)
    m = np.eye(len(y)) - xw @ bread @ xw.T
    r = (y - mu) / root_w
    gap = np.abs(t[:, None] - t[None, :])
    denominator = float(r @ r)
    if phi is None:  # else given: pooled across series, as crime_profile.trends does
        a = (gap == 1) * 0.5
        observed = float(r @ a @ r) / denominator if denominator > 0 else 0.0
        mam = m @ a @ m

        def expected(value: float) -> float:
            s = value**gap
            return float(np.trace(mam @ s) / np.trace(m @ s))

        if observed <= expected(0.0):
            phi = 0.0
        elif observed >= expected(MAX_AUTOCORRELATION):
            phi = MAX_AUTOCORRELATION
        else:
            phi = float(brentq(lambda value: expected(value) - observed, 0.0, MAX_AUTOCORRELATION))
    s = phi**gap
    dispersion = denominator / float(np.trace(m @ s))
    return dispersion * bread @ (xw.T @ s @ xw) @ bread, phi, dispersion


def _monthly_counts(counts: object) -> pd.Series:
    """``counts`` checked (a Series of finite non-negative numbers on a monthly PeriodIndex) and sorted by month."""
    if not isinstance(counts, pd.Series):
        raise ValueError(
            f"counts must be a pandas Series indexed by a monthly PeriodIndex; got {type(counts).__name__}"
        )
    index = counts.index
    if not isinstance(index, pd.PeriodIndex) or index.freqstr != "M":
        kind = type(index).__name__ + (f" (freq {index.freqstr!r})" if isinstance(index, pd.PeriodIndex) else "")
        raise ValueError(
            f"counts must be indexed by a monthly pd.PeriodIndex (freq 'M'), e.g. "
            f"pd.PeriodIndex(['2019-01', '2019-02'], freq='M') or a DatetimeIndex's .to_period('M'); got a {kind}"
        )
    if index.hasnans:
        raise ValueError("counts' monthly index must not contain missing months (NaT)")
    if index.has_duplicates:
        raise ValueError(f"counts must have one value a month; {index[index.duplicated()][0]} appears more than once")
    values = as_counts(counts, "counts")
    return pd.Series(values, index=index).sort_index()


def _monthly_exposure(exposure: object, index: pd.PeriodIndex) -> np.ndarray:
    """``exposure`` as positive values on ``index``: a scalar repeated, or a Series with exactly those months."""
    if isinstance(exposure, pd.Series):
        if not (isinstance(exposure.index, pd.PeriodIndex) and exposure.index.freqstr == "M"):
            raise ValueError("exposure must be a scalar or a Series on the same monthly PeriodIndex as counts")
        if exposure.index.has_duplicates or not exposure.index.sort_values().equals(index):
            missing, extra = index.difference(exposure.index), exposure.index.difference(index)
            if len(missing):
                detail = f"no value for {', '.join(map(str, missing[:3]))}"
            elif len(extra):
                detail = f"values for months without counts: {', '.join(map(str, extra[:3]))}"
            else:
                detail = "a month appears more than once"
            raise ValueError(f"exposure must be aligned with counts, with exactly the same months ({detail})")
        return as_denominators(exposure.sort_index(), "exposure")
    if np.ndim(exposure) != 0 or isinstance(exposure, (str, bytes)):
        raise ValueError(
            f"exposure must be a positive number or a Series on the same monthly PeriodIndex as counts; "
            f"got {type(exposure).__name__}"
        )
    return np.full(len(index), float(as_denominators(exposure, "exposure")))


def monthly_trend(
    counts: pd.Series, exposure: float | pd.Series | None = None, autocorrelation: float | None = None
) -> MonthlyTrend:
    """Test for a trend in monthly counts that allows for over-dispersion and seasonality.

    ``counts`` are monthly counts (e.g. crimes recorded) on a monthly ``pd.PeriodIndex``; months
    may be missing (a gap is left out, not taken as zero). ``exposure``, if given, is the
    population at risk, a number or a Series on the same months, and the trend is then in the rate
    (``log(exposure)`` enters as an offset).

    The model is a quasi-Poisson GLM: a log-linear Poisson regression of the count on a linear time
    term (months since the first observed month) and month-of-year indicators (11 when every
    calendar month is observed), with the variance taken as the mean times a dispersion. Crime
    counts are usually far more variable than Poisson (dispersion well above 1), and a month tends
    to resemble the month before (Plymouth's residuals correlate about 0.5 from one month to the
    next): a test that ignored either would call chance wobbles significant, so the standard error
    allows for both (an AR(1) correlation, :func:`_ar1_variance`). The time coefficient is tested
    two-sided with a t-test on the residual degrees of freedom at alpha 0.05. With fewer than 24
    observed months, or no events at all, the result is "not enough data" (with NaN estimates)
    rather than an error.

    >>> months = pd.period_range("2021-01", periods=36, freq="M")
    >>> season = [1.0, 0.9, 1.0, 1.0, 1.1, 1.1, 1.2, 1.1, 1.0, 1.0, 0.9, 0.8]
    >>> counts = pd.Series([round(500 * 1.1 ** (i / 12) * season[i % 12]) for i in range(36)], index=months)
    >>> result = monthly_trend(counts)
    >>> result.direction, round(result.annual_change_pct, 1), result.months
    ('rising', 10.0, 36)
    >>> monthly_trend(counts[:12]).direction
    'not enough data'
    """
    y = _monthly_counts(counts)
    offset = exposure is not None
    log_exposure = np.log(_monthly_exposure(exposure, y.index)) if offset else np.zeros(len(y))
    method = _trend_method(offset)
    if autocorrelation is not None and not (0 <= autocorrelation <= MAX_AUTOCORRELATION):
        raise ValueError(f"autocorrelation must be from 0 to {MAX_AUTOCORRELATION}; got {autocorrelation!r}")
    n = len(y)
    if n < MIN_TREND_MONTHS or y.sum() == 0:
        return MonthlyTrend(NOT_ENOUGH_DATA, math.nan, math.nan, math.nan, n, method)

    # statsmodels is imported here so importing this module (for the interval functions) stays quick
    import statsmodels.api as sm

    first = y.index[0]
    t = np.array([(month - first).n for month in y.index], dtype=float)
    calendar = y.index.month.to_numpy()
    # one indicator for each calendar month observed bar the first, so a calendar month never seen adds no column
    seasons = [np.asarray(calendar == m, dtype=float) for m in np.unique(calendar)[1:]]
    X = np.column_stack([np.ones(n), t, *seasons])
    model = sm.GLM(y.to_numpy(), X, family=sm.families.Poisson(), offset=log_exposure)
    fit = model.fit()
    covariance, phi, dispersion = _ar1_variance(X, np.asarray(fit.mu), y.to_numpy(dtype=float), t, autocorrelation)
    beta, se = float(fit.params[1]), math.sqrt(covariance[1, 1])
    from scipy import stats as scipy_stats

    p_value = float(2 * scipy_stats.t.sf(abs(beta) / se, fit.df_resid))
    half = float(scipy_stats.t.ppf(0.975, fit.df_resid)) * se
    significant = p_value < TREND_ALPHA
    return MonthlyTrend(
        direction=(RISING if beta > 0 else FALLING) if significant else NO_CHANGE,
        p_value=p_value,
        annual_change_pct=float(np.expm1(12 * beta) * 100),
        dispersion=dispersion,
        months=n,
        method=method,
        autocorrelation=phi,
        annual_change_lower=float(np.expm1(12 * (beta - half)) * 100),
        annual_change_upper=float(np.expm1(12 * (beta + half)) * 100),
    )


#: A series counts towards the pooled autocorrelation with at least this many events a month on average.
POOL_FROM_MEAN = 10
#: The share of series' own estimates below the pooled autocorrelation (the upper quartile).
POOL_QUANTILE = 0.75


def pooled_autocorrelation(estimates: Sequence[float], means: Sequence[float]) -> float | None:
    """The correlation between neighbouring months to allow for in every series of one area: the
    upper quartile of the series' own estimates, among series averaging at least 10 events a
    month; None when no series qualifies.

    One series' estimate from three years of months is noisy and runs low, and an independent
    check on Devon & Cornwall's real series found a test using it called 7% to 11% of trendless
    series significant at 5%. Estimates pooled across the area's crime types, and taken from their
    upper quartile, lean the other way.

    >>> pooled_autocorrelation([0.1, 0.3, 0.5, 0.7, 0.9], [50, 50, 50, 50, 5])
    0.55
    """
    values = [e for e, m in zip(estimates, means, strict=True) if not math.isnan(e) and m >= POOL_FROM_MEAN]
    if not values:
        return None
    return float(np.quantile(values, POOL_QUANTILE))


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Benjamini and Hochberg's adjustment of p-values tested together: calling significant those
    whose adjusted p-value is below 0.05 keeps the expected share of chance findings among them at
    5% or less (valid for tests that are independent or positively related, as crime types in one
    area are). NaN stays NaN.

    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, p[i] * m / (rank + 1))
        out[i] = running
    return out
