"""The public-health reference methods for indicators: rate and proportion confidence intervals,
comparison with a benchmark, a trend test and funnel-plot limits. Scalars, arrays and Series."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

BYARS_FROM = 10  # exact Poisson limits below this many events, Byar's method from here up


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence}")


def _as_array(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers")
    return arr


def _wrap(result: np.ndarray, like: Any) -> Any:
    if isinstance(like, pd.Series):
        return pd.Series(result, index=like.index)
    if np.ndim(like) == 0:
        return float(result)
    return result


def _poisson_limits(observed: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Limits for a Poisson count: exact below 10 events, Byar's approximation from 10 up."""
    alpha = 1 - confidence
    z = stats.norm.ppf(1 - alpha / 2)
    o = observed
    exact_lower = np.where(o > 0, stats.chi2.ppf(alpha / 2, 2 * o) / 2, 0.0)
    exact_upper = stats.chi2.ppf(1 - alpha / 2, 2 * (o + 1)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        byars_lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        o1 = o + 1
        byars_upper = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    use_exact = o < BYARS_FROM
    return np.where(use_exact, exact_lower, byars_lower), np.where(use_exact, exact_upper, byars_upper)


def rate(observed: Any, denominator: Any, multiplier: float = 1000) -> Any:
    """Events per ``multiplier`` of the denominator."""
    return _wrap(_as_array(observed, "observed") / _as_array(denominator, "denominator") * multiplier, observed)


def rate_ci(observed: Any, denominator: Any, multiplier: float = 1000, confidence: float = 0.95) -> tuple[Any, Any]:
    """Confidence interval of a rate: exact Poisson below 10 events, Byar's method from 10 up.

    >>> [round(x, 3) for x in rate_ci(25, 10_000)]
    [1.618, 3.691]
    """
    _check_confidence(confidence)
    o = _as_array(observed, "observed")
    d = _as_array(denominator, "denominator")
    if np.any(o < 0):
        raise ValueError("observed counts must be zero or more")
    if np.any(d <= 0):
        raise ValueError("denominators must be above zero")
    lower, upper = _poisson_limits(o, confidence)
    return _wrap(lower / d * multiplier, observed), _wrap(upper / d * multiplier, observed)


def proportion_ci(numerator: Any, denominator: Any, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of a proportion (0 to 1).

    >>> [round(x, 4) for x in proportion_ci(523, 675)]
    [0.7426, 0.8045]
    """
    _check_confidence(confidence)
    x = _as_array(numerator, "numerator")
    n = _as_array(denominator, "denominator")
    if np.any(x < 0) or np.any(n <= 0):
        raise ValueError("numerators must be zero or more and denominators above zero")
    if np.any(x > n):
        raise ValueError("a numerator cannot be larger than its denominator")
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = x / n
    centre = 2 * x + z**2
    spread = z * np.sqrt(z**2 + 4 * x * (1 - p))
    base = 2 * (n + z**2)
    return _wrap((centre - spread) / base, numerator), _wrap((centre + spread) / base, numerator)


def compare_with_benchmark(lower: Any, upper: Any, benchmark: Any) -> Any:
    """'higher' where the interval lies wholly above the benchmark, 'lower' wholly below, else 'similar'."""
    lo, up, b = np.asarray(lower, float), np.asarray(upper, float), np.asarray(benchmark, float)
    out = np.where(lo > b, "higher", np.where(up < b, "lower", "similar"))
    if isinstance(lower, pd.Series):
        return pd.Series(out, index=lower.index)
    return str(out) if out.ndim == 0 else out


def compare_rate(observed: Any, denominator: Any, benchmark_rate: Any, multiplier: float = 1000,
                 confidence: float = 0.95) -> Any:
    """Compare a rate with a benchmark rate (same multiplier) by its confidence interval."""
    lower, upper = rate_ci(observed, denominator, multiplier, confidence)
    return compare_with_benchmark(lower, upper, benchmark_rate)


@dataclass(frozen=True)
class TrendResult:
    slope: float  # annual % change in the rate
    lower: float
    upper: float
    p_value: float
    significant: bool
    direction: str  # rising / falling / no significant change
    n_periods: int


def trend_test(counts: Any, denominators: Any, confidence: float = 0.95) -> TrendResult:
    """Poisson regression of counts on period (0, 1, 2, ...) with log(denominator) as offset.

    The slope is the % change in the rate per period, with a Wald interval and p-value.
    """
    _check_confidence(confidence)
    y = _as_array(counts, "counts")
    d = _as_array(denominators, "denominators")
    if y.size < 3:
        raise ValueError(f"a trend needs at least 3 periods, got {y.size}")
    if np.any(y < 0) or np.any(d <= 0):
        raise ValueError("counts must be zero or more and denominators above zero")
    t = np.arange(y.size, dtype=float)
    offset = np.log(d)
    if y.sum() == 0:
        return TrendResult(0.0, math.nan, math.nan, 1.0, False, "no significant change", int(y.size))

    def nll(beta: np.ndarray) -> float:
        eta = beta[0] + beta[1] * t + offset
        return float(np.sum(np.exp(eta) - y * eta))

    start = np.array([math.log(y.sum() / d.sum()), 0.0])
    fit = optimize.minimize(nll, start, method="Newton-CG", jac=lambda b: np.array([
        np.sum(np.exp(b[0] + b[1] * t + offset) - y), np.sum((np.exp(b[0] + b[1] * t + offset) - y) * t)]),
        hess=lambda b: np.array([[np.sum(mu := np.exp(b[0] + b[1] * t + offset)), np.sum(mu * t)],
                                 [np.sum(mu * t), np.sum(mu * t * t)]]), options={"xtol": 1e-12})
    b = fit.x
    mu = np.exp(b[0] + b[1] * t + offset)
    info = np.array([[mu.sum(), (mu * t).sum()], [(mu * t).sum(), (mu * t * t).sum()]])
    se = math.sqrt(np.linalg.inv(info)[1, 1])
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = float(2 * stats.norm.sf(abs(b[1] / se)))
    significant = p < (1 - confidence)
    direction = "no significant change" if not significant else ("rising" if b[1] > 0 else "falling")
    return TrendResult(float(np.expm1(b[1]) * 100), float(np.expm1(b[1] - z * se) * 100),
                       float(np.expm1(b[1] + z * se) * 100), p, bool(significant), direction, int(y.size))


def funnel_limits_rate(target_rate: float, denominators: Any, multiplier: float = 1000,
                       confidences: tuple[float, ...] = (0.95, 0.998)) -> pd.DataFrame:
    """Control limits of a rate around ``target_rate`` for each denominator (exact Poisson)."""
    d = _as_array(denominators, "denominators")
    expected = target_rate / multiplier * d
    out = {"denominator": d}
    for c in confidences:
        alpha = 1 - c
        lo = np.where(expected > 0, stats.chi2.ppf(alpha / 2, 2 * expected) / 2, 0.0)
        hi = stats.chi2.ppf(1 - alpha / 2, 2 * (expected + 1)) / 2
        tag = f"{c * 100:g}"
        out[f"lower_{tag}"] = lo / d * multiplier
        out[f"upper_{tag}"] = hi / d * multiplier
    return pd.DataFrame(out)


def funnel_limits_proportion(target: float, denominators: Any,
                             confidences: tuple[float, ...] = (0.95, 0.998)) -> pd.DataFrame:
    """Funnel-plot control limits of a proportion (0 to 1) around ``target`` for each denominator.

    As the public-health reference does: the lower limit at a denominator is the proportion whose
    Wilson upper bound just reaches the target, and the upper limit the one whose Wilson lower
    bound does (limits are clipped to 0 and 1).
    """
    if not 0 <= target <= 1:
        raise ValueError(f"target must be a proportion from 0 to 1, got {target}")
    d = _as_array(denominators, "denominators")
    if np.any(d <= 0):
        raise ValueError("denominators must be above zero")
    out: dict[str, Any] = {"denominator": d}
    for c in confidences:
        lows, highs = [], []
        for n in np.atleast_1d(d):
            def upper_gap(q: float, n: float = n, c: float = c) -> float:
                return float(proportion_ci(q * n, n, confidence=c)[1]) - target

            def lower_gap(q: float, n: float = n, c: float = c) -> float:
                return float(proportion_ci(q * n, n, confidence=c)[0]) - target

            lows.append(0.0 if upper_gap(0.0) >= 0 else optimize.brentq(upper_gap, 0.0, target, xtol=1e-12))
            highs.append(1.0 if lower_gap(1.0) <= 0 else optimize.brentq(lower_gap, target, 1.0, xtol=1e-12))
        tag = f"{c * 100:g}"
        out[f"lower_{tag}"], out[f"upper_{tag}"] = np.array(lows), np.array(highs)
    return pd.DataFrame(out)
