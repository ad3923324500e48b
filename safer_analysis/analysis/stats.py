"""Public-health reference methods for indicators: confidence intervals, benchmarks, trends and funnels.

The methods follow the ones published for public-health indicators in England (and implemented in
the PHEindicatormethods package), written here from the published formulas:

* rates: exact Poisson limits (from the chi-square distribution) below 10 events, Byar's
  approximation from 10 events up;
* proportions: the Wilson score interval;
* comparison with a benchmark: an interval wholly above it is "higher", wholly below "lower",
  otherwise "similar";
* trends: a quasi-Poisson regression of monthly counts on time with calendar-month terms (and
  the log of the denominator as offset), so seasons and overdispersion are allowed for
  (:func:`monthly_trend`);
* funnel plots: 95% and 99.8% control limits around a target, exact Poisson limits for rates and
  Wilson score limits for proportions.

Interval functions take scalars, lists, numpy arrays or pandas Series (which may be mixed): all
scalars give floats, any Series gives Series on its index, anything else gives numpy arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

#: Exact Poisson limits are used below this many events, Byar's method from it up.
BYARS_THRESHOLD = 10
#: The confidence levels of the two pairs of funnel-plot control limits (about 2 and 3 standard deviations).
FUNNEL_CONFIDENCES = (0.95, 0.998)

Values = float | np.ndarray | pd.Series
PoissonMethod = Literal["auto", "exact", "byars"]

__all__ = [
    "BYARS_THRESHOLD",
    "FUNNEL_CONFIDENCES",
    "compare_proportion",
    "compare_rate",
    "compare_with_benchmark",
    "funnel_limits_proportion",
    "funnel_limits_rate",
    "poisson_ci",
    "proportion_ci",
    "rate",
    "rate_ci",
]


# --- inputs and outputs -------------------------------------------------------------------------------------------


class _Shape:
    """Remembers what the caller passed in so results come back in the same form."""

    def __init__(self, *values: object) -> None:
        series = [v for v in values if isinstance(v, pd.Series)]
        for other in series[1:]:
            if not other.index.equals(series[0].index):
                raise ValueError("Series passed together must share the same index")
        self.index = series[0].index if series else None
        self.scalar = not series and all(np.ndim(v) == 0 for v in values)

    def wrap(self, result: np.ndarray) -> Values:
        if self.index is not None:
            return pd.Series(result, index=self.index)
        if self.scalar:
            return float(result)
        return result


def _floats(values: object, name: str) -> np.ndarray:
    """``values`` as a float array, with a clear error for text or missing values."""
    try:
        if isinstance(values, pd.Series):
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers; found {_first(arr, ~np.isfinite(arr), values)}")
    return arr


def _first(arr: np.ndarray, bad: np.ndarray, original: object) -> str:
    """A description of the first offending value, by its Series label or array position."""
    if arr.ndim == 0:
        return repr(float(arr))
    pos = int(np.flatnonzero(bad.ravel())[0])
    if isinstance(original, pd.Series) and arr.ndim == 1:
        return f"{arr[pos]!r} at {original.index[pos]!r}"
    return f"{arr.ravel()[pos]!r} at position {pos}"


def _require(arr: np.ndarray, ok: np.ndarray, original: object, message: str) -> None:
    if not np.all(ok):
        raise ValueError(f"{message}; found {_first(np.broadcast_to(arr, np.shape(ok)), ~ok, original)}")


def _counts(values: object, name: str) -> np.ndarray:
    arr = _floats(values, name)
    _require(arr, arr >= 0, values, f"{name} must be zero or more")
    return arr


def _denominators(values: object, name: str = "denominator") -> np.ndarray:
    arr = _floats(values, name)
    _require(arr, arr > 0, values, f"{name} must be above zero")
    return arr


def _check_confidence(confidence: float) -> float:
    if not isinstance(confidence, (int, float, np.floating)) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number between 0 and 1 (exclusive), e.g. 0.95; got {confidence!r}")
    return float(confidence)


def _z(confidence: float) -> float:
    """The two-sided standard normal quantile for ``confidence`` (1.959964 for 0.95)."""
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def _broadcast(*arrays: np.ndarray) -> list[np.ndarray]:
    try:
        return list(np.broadcast_arrays(*arrays))
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"inputs must have matching lengths (got shapes {shapes})") from None


# --- rates --------------------------------------------------------------------------------------------------------


def _exact_poisson(x: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return lower, upper


def _byars_poisson(x: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1 - 1 / (9 * x) - z / (3 * np.sqrt(x))
        lower = np.where(x == 0, 0.0, np.where(base < 0, np.nan, x * base**3))
    x1 = x + 1
    upper = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    return lower, upper


def poisson_ci(observed: ArrayLike, confidence: float = 0.95, method: PoissonMethod = "auto") -> tuple[Values, Values]:
    """Confidence limits for a Poisson count: exact below 10 events and Byar's from 10 up ("auto"), or one throughout.

    Byar's lower limit is NaN where the approximation breaks down (very small counts at high confidence).

    >>> [round(v, 4) for v in poisson_ci(5)]
    [1.6235, 11.6683]
    >>> [round(v, 4) for v in poisson_ci(65, method="byars")]
    [50.1632, 82.8491]
    """
    confidence = _check_confidence(confidence)
    shape = _Shape(observed)
    x = _counts(observed, "observed counts")
    if method == "exact":
        lower, upper = _exact_poisson(x, confidence)
    elif method == "byars":
        lower, upper = _byars_poisson(x, confidence)
    elif method == "auto":
        exact, byars = _exact_poisson(x, confidence), _byars_poisson(x, confidence)
        small = x < BYARS_THRESHOLD
        lower, upper = np.where(small, exact[0], byars[0]), np.where(small, exact[1], byars[1])
    else:
        raise ValueError(f"method must be 'auto', 'exact' or 'byars'; got {method!r}")
    return shape.wrap(lower), shape.wrap(upper)


def rate(observed: ArrayLike, denominator: ArrayLike, multiplier: ArrayLike = 1000) -> Values:
    """The rate of events per ``multiplier`` of the denominator (per 1,000 people by default).

    >>> rate(25, 10_000)
    2.5
    """
    shape = _Shape(observed, denominator, multiplier)
    x = _counts(observed, "observed counts")
    d = _denominators(denominator)
    m = _denominators(multiplier, "multiplier")
    x, d, m = _broadcast(x, d, m)
    return shape.wrap(x / d * m)


def rate_ci(
    observed: ArrayLike, denominator: ArrayLike, multiplier: ArrayLike = 1000, confidence: float = 0.95
) -> tuple[Values, Values]:
    """Confidence interval of a rate: exact Poisson limits below 10 events, Byar's method from 10 up.

    >>> [round(v, 3) for v in rate_ci(65, 100, multiplier=100)]
    [50.163, 82.849]
    >>> rate_ci(0, 500)[0]
    0.0
    """
    confidence = _check_confidence(confidence)
    shape = _Shape(observed, denominator, multiplier)
    x = _counts(observed, "observed counts")
    d = _denominators(denominator)
    m = _denominators(multiplier, "multiplier")
    x, d, m = _broadcast(x, d, m)
    lower, upper = poisson_ci(x, confidence)
    return shape.wrap(lower / d * m), shape.wrap(upper / d * m)


# --- proportions --------------------------------------------------------------------------------------------------


def proportion_ci(numerator: ArrayLike, denominator: ArrayLike, confidence: float = 0.95) -> tuple[Values, Values]:
    """Wilson score interval of a proportion, as proportions from 0 to 1.

    >>> [round(v, 4) for v in proportion_ci(65, 100)]
    [0.5525, 0.7364]
    >>> proportion_ci(0, 40)[0]
    0.0
    """
    confidence = _check_confidence(confidence)
    shape = _Shape(numerator, denominator)
    x = _counts(numerator, "numerators")
    n = _denominators(denominator)
    x, n = _broadcast(x, n)
    _require(x, x <= n, numerator, "a numerator cannot be larger than its denominator")
    z = _z(confidence)
    centre = 2 * x + z**2
    spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    scale = 2 * (n + z**2)
    lower = np.where(x == 0, 0.0, np.clip((centre - spread) / scale, 0, 1))
    upper = np.where(x == n, 1.0, np.clip((centre + spread) / scale, 0, 1))
    return shape.wrap(lower), shape.wrap(upper)


# --- benchmarks ---------------------------------------------------------------------------------------------------


def compare_with_benchmark(lower: ArrayLike, upper: ArrayLike, benchmark: ArrayLike) -> str | np.ndarray | pd.Series:
    """ "higher" if the interval lies wholly above the benchmark, "lower" if wholly below, else "similar".

    An interval that touches the benchmark is "similar".

    >>> compare_with_benchmark(5.2, 6.8, 5.0), compare_with_benchmark(5.0, 6.8, 5.0)
    ('higher', 'similar')
    """
    shape = _Shape(lower, upper, benchmark)
    lo, up, b = _broadcast(
        _floats(lower, "lower limits"), _floats(upper, "upper limits"), _floats(benchmark, "benchmarks")
    )
    _require(lo, lo <= up, lower, "each lower limit must not be above its upper limit")
    result = np.where(lo > b, "higher", np.where(up < b, "lower", "similar")).astype(object)
    if shape.index is not None:
        return pd.Series(result, index=shape.index, dtype="str")
    if shape.scalar:
        return str(result[()])
    return result


def compare_rate(
    observed: ArrayLike,
    denominator: ArrayLike,
    benchmark_rate: ArrayLike,
    multiplier: ArrayLike = 1000,
    confidence: float = 0.95,
) -> str | np.ndarray | pd.Series:
    """Compare a rate with a benchmark rate (per the same ``multiplier``) by the rate's confidence interval.

    >>> compare_rate(200, 10_000, 10)
    'higher'
    """
    lower, upper = rate_ci(observed, denominator, multiplier, confidence)
    return compare_with_benchmark(lower, upper, benchmark_rate)


def compare_proportion(
    numerator: ArrayLike, denominator: ArrayLike, benchmark: ArrayLike, confidence: float = 0.95
) -> str | np.ndarray | pd.Series:
    """Compare a proportion with a benchmark proportion (0 to 1) by its Wilson score interval.

    >>> compare_proportion(65, 100, 0.5)
    'higher'
    """
    lower, upper = proportion_ci(numerator, denominator, confidence)
    return compare_with_benchmark(lower, upper, benchmark)


# --- funnel plots -------------------------------------------------------------------------------------------------


def _check_confidences(confidences: Sequence[float]) -> list[float]:
    levels = [_check_confidence(c) for c in confidences]
    if not levels:
        raise ValueError("give at least one confidence level")
    return levels


def _tag(confidence: float) -> str:
    """The column suffix for a confidence level: "95" for 0.95, "99.8" for 0.998."""
    return f"{round(confidence * 100, 6):g}"


def _poisson_shape(expected: np.ndarray, q: float) -> np.ndarray:
    """The shape ``a`` at which the regularised upper incomplete gamma Q(a, expected) equals ``q``.

    Q(a, m) rises with ``a``; for whole ``a`` it is the chance of fewer than ``a`` events when
    ``m`` are expected, so this inverts the exact Poisson limits to a continuous count.
    """
    low = np.zeros_like(expected)
    high = expected + 10 * np.sqrt(expected) + 10
    while np.any(short := special.gammaincc(high, expected) < q):
        high = np.where(short, 2 * high, high)
    for _ in range(200):
        mid = (low + high) / 2
        above = special.gammaincc(mid, expected) >= q
        low, high = np.where(above, low, mid), np.where(above, mid, high)
    return (low + high) / 2


def funnel_limits_rate(
    target_rate: float,
    denominators: ArrayLike,
    multiplier: float = 1000,
    confidences: Sequence[float] = FUNNEL_CONFIDENCES,
) -> pd.DataFrame:
    """Funnel-plot control limits of a rate around ``target_rate`` at each denominator, by exact Poisson limits.

    At each denominator the lower limit is the rate of the (continuous) count whose exact upper
    confidence limit equals the expected count ``target_rate * denominator / multiplier``, and the
    upper limit the rate of the count whose exact lower confidence limit does; so a count lies
    outside the limits just when its own exact interval excludes the target. Columns:
    ``denominator`` and ``lower_95``, ``upper_95``, ``lower_99.8``, ``upper_99.8`` (one pair per
    confidence level), indexed like ``denominators`` when it is a Series.

    >>> funnel_limits_rate(20, [10_000]).round(2).to_dict("records")
    [{'denominator': 10000.0, 'lower_95': 17.23, 'upper_95': 22.87, 'lower_99.8': 15.73, 'upper_99.8': 24.56}]
    """
    target = _floats(target_rate, "target_rate")
    _require(target, target > 0, target_rate, "target_rate must be above zero")
    multiplier_ = float(_denominators(multiplier, "multiplier"))
    d = _denominators(denominators, "denominators").reshape(-1)
    expected = float(target) * d / multiplier_
    out: dict[str, np.ndarray] = {"denominator": d}
    for confidence in _check_confidences(confidences):
        alpha = 1 - confidence
        lower_count = np.maximum(_poisson_shape(expected, alpha / 2) - 1, 0.0)
        upper_count = _poisson_shape(expected, 1 - alpha / 2)
        out[f"lower_{_tag(confidence)}"] = lower_count / d * multiplier_
        out[f"upper_{_tag(confidence)}"] = upper_count / d * multiplier_
    index = denominators.index if isinstance(denominators, pd.Series) else None
    return pd.DataFrame(out, index=index)


def funnel_limits_proportion(
    target: float, denominators: ArrayLike, confidences: Sequence[float] = FUNNEL_CONFIDENCES
) -> pd.DataFrame:
    """Funnel-plot control limits of a proportion (0 to 1) around ``target`` at each denominator, by Wilson score.

    At each denominator the lower limit is the proportion whose Wilson upper limit equals the
    target and the upper limit the one whose Wilson lower limit does, which works out as
    ``target ± z * sqrt(target * (1 - target) / denominator)``, kept within 0 and 1. Columns as
    :func:`funnel_limits_rate`.

    >>> funnel_limits_proportion(0.2, [100]).round(4).to_dict("records")
    [{'denominator': 100.0, 'lower_95': 0.1216, 'upper_95': 0.2784, 'lower_99.8': 0.0764, 'upper_99.8': 0.3236}]
    """
    p = float(_floats(target, "target"))
    if not 0 <= p <= 1:
        raise ValueError(f"target must be a proportion from 0 to 1; got {target!r}")
    n = _denominators(denominators, "denominators").reshape(-1)
    out: dict[str, np.ndarray] = {"denominator": n}
    for confidence in _check_confidences(confidences):
        half_width = _z(confidence) * np.sqrt(p * (1 - p) / n)
        out[f"lower_{_tag(confidence)}"] = np.clip(p - half_width, 0.0, 1.0)
        out[f"upper_{_tag(confidence)}"] = np.clip(p + half_width, 0.0, 1.0)
    index = denominators.index if isinstance(denominators, pd.Series) else None
    return pd.DataFrame(out, index=index)


# --- monthly trends -----------------------------------------------------------------------------------------------

#: A monthly trend is only tested with at least this many observed months (two years, so each calendar month twice).
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
    values = _counts(counts, "counts")
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
        return _denominators(exposure.sort_index(), "exposure")
    if np.ndim(exposure) != 0 or isinstance(exposure, (str, bytes)):
        raise ValueError(
            f"exposure must be a positive number or a Series on the same monthly PeriodIndex as counts; "
            f"got {type(exposure).__name__}"
        )
    return np.full(len(index), float(_denominators(exposure, "exposure")))


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


__all__ += ["MIN_TREND_MONTHS", "MonthlyTrend", "benjamini_hochberg", "monthly_trend", "pooled_autocorrelation"]


# --- funnels that allow for overdispersion ------------------------------------------------------------------------

#: The share of standardised scores pulled in at each end before the overdispersion is estimated.
WINSOR_SHARE = 0.1


def overdispersed_funnel(
    counts: pd.Series,
    populations: pd.Series,
    *,
    multiplier: float = 1000,
    target_rate: float | None = None,
    confidences: Sequence[float] = FUNNEL_CONFIDENCES,
    winsor: float = WINSOR_SHARE,
) -> pd.DataFrame:
    """Rates of several areas set against a common target with funnel limits widened for
    overdispersion, by Spiegelhalter's additive random-effects method (Statistics in Medicine,
    2005, 24: 1185-1202).

    Each area's rate ``y = count / population`` is compared with the target ``t`` (the pooled
    rate, unless given per ``multiplier``) by ``z = (y - t) / s`` with ``s = sqrt(t / population)``,
    its standard error under Poisson variation alone. The overdispersion ``phi`` is the mean of
    the squared z-scores after the lowest and highest ``winsor`` share are pulled in to the
    values at those quantiles. When ``k * phi`` exceeds ``k - 1`` (``k`` areas) the areas differ by
    more than chance, and a between-area variance ``tau2 = (k * phi - (k - 1)) / (sum(w) -
    sum(w^2) / sum(w))``, ``w = 1 / s^2``, is added: the limits become ``t +/- z_a * sqrt(s^2 +
    tau2)``. Otherwise ``tau2`` is 0 and the limits are the Poisson ones (normal approximation).

    Returns, per area: ``count``, ``population``, ``rate`` (per ``multiplier``), ``z`` (the
    score against the widened limits), ``lower_95``, ``upper_95``, ``lower_99.8``, ``upper_99.8``
    and ``verdict`` (``above``/``below`` the 99.8% limits, ``above``/``below`` the 95% ones,
    or ``within the limits``). ``attrs`` holds ``target_rate``, ``phi``, ``tau2`` (per person,
    squared), ``k`` and ``overdispersed``.
    """
    c = pd.Series(counts, dtype=float)
    n = pd.Series(populations, dtype=float).reindex(c.index)
    if c.isna().any() or n.isna().any() or (n <= 0).any() or (c < 0).any():
        raise ValueError("every area needs a count of at least zero and a population above zero")
    if len(c) < 3:
        raise ValueError(f"a funnel needs at least three areas; got {len(c)}")
    t = c.sum() / n.sum() if target_rate is None else target_rate / multiplier
    if t <= 0:
        raise ValueError("the target rate must be above zero")
    y = c / n
    s2 = t / n
    z = (y - t) / np.sqrt(s2)
    low, high = np.quantile(z, [winsor, 1 - winsor])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    k = len(c)
    w = 1 / s2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    se = np.sqrt(s2 + tau2)
    out = pd.DataFrame({"count": c, "population": n, "rate": y * multiplier, "z": (y - t) / se})
    levels = _check_confidences(confidences)
    for confidence in levels:
        half = _z(confidence) * se
        out[f"lower_{_tag(confidence)}"] = (t - half).clip(lower=0) * multiplier
        out[f"upper_{_tag(confidence)}"] = (t + half) * multiplier
    verdict = pd.Series("within the limits", index=c.index)
    for confidence in sorted(levels):  # the widest limits crossed decide the words
        tag = _tag(confidence)
        verdict = verdict.mask(out["rate"] > out[f"upper_{tag}"], f"above the {tag}% limits")
        verdict = verdict.mask(out["rate"] < out[f"lower_{tag}"], f"below the {tag}% limits")
    out["verdict"] = verdict
    out.attrs.update(
        {"target_rate": t * multiplier, "phi": phi, "tau2": tau2, "k": k, "overdispersed": k * phi > k - 1}
    )
    return out


def overdispersed_limits(
    target_rate: float,
    tau2: float,
    populations: ArrayLike,
    *,
    multiplier: float = 1000,
    confidences: Sequence[float] = FUNNEL_CONFIDENCES,
) -> pd.DataFrame:
    """The limits of :func:`overdispersed_funnel` along a range of ``populations``, for drawing
    the funnel: ``population`` and a ``lower_`` and ``upper_`` column per confidence level."""
    n = _denominators(populations, "populations").reshape(-1)
    t = target_rate / multiplier
    se = np.sqrt(t / n + tau2)
    out: dict[str, np.ndarray] = {"population": n}
    for confidence in _check_confidences(confidences):
        half = _z(confidence) * se
        out[f"lower_{_tag(confidence)}"] = np.clip(t - half, 0, None) * multiplier
        out[f"upper_{_tag(confidence)}"] = (t + half) * multiplier
    return pd.DataFrame(out)
