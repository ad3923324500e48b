"""Confidence intervals and benchmarks for public indicators: the methods published for
public-health indicators in England (and implemented in the PHEindicatormethods package), written
here from the published formulas.

* rates: exact Poisson limits (from the chi-square distribution) below 10 events, Byar's
  approximation from 10 events up;
* proportions: the Wilson score interval;
* comparison with a benchmark: an interval wholly above it is "higher", wholly below "lower",
  otherwise "similar".

Inputs and outputs take the shapes :mod:`safer_analysis.analysis.arrays` describes.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from safer_analysis.analysis.arrays import (
    Shape,
    Values,
    as_counts,
    as_denominators,
    as_floats,
    broadcast,
    check_confidence,
    require,
    z_value,
)

#: Exact Poisson limits are used below this many events, Byar's method from it up.
BYARS_THRESHOLD = 10

PoissonMethod = Literal["auto", "exact", "byars"]

__all__ = [
    "BYARS_THRESHOLD",
    "compare_proportion",
    "compare_rate",
    "compare_with_benchmark",
    "poisson_ci",
    "proportion_ci",
    "rate",
    "rate_ci",
]


def _exact_poisson(x: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    alpha = 1 - confidence
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return lower, upper


def _byars_poisson(x: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    z = z_value(confidence)
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
    confidence = check_confidence(confidence)
    shape = Shape(observed)
    x = as_counts(observed, "observed counts")
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
    shape = Shape(observed, denominator, multiplier)
    x = as_counts(observed, "observed counts")
    d = as_denominators(denominator)
    m = as_denominators(multiplier, "multiplier")
    x, d, m = broadcast(x, d, m)
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
    confidence = check_confidence(confidence)
    shape = Shape(observed, denominator, multiplier)
    x = as_counts(observed, "observed counts")
    d = as_denominators(denominator)
    m = as_denominators(multiplier, "multiplier")
    x, d, m = broadcast(x, d, m)
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
    confidence = check_confidence(confidence)
    shape = Shape(numerator, denominator)
    x = as_counts(numerator, "numerators")
    n = as_denominators(denominator)
    x, n = broadcast(x, n)
    require(x, x <= n, numerator, "a numerator cannot be larger than its denominator")
    z = z_value(confidence)
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
    shape = Shape(lower, upper, benchmark)
    lo, up, b = broadcast(
        as_floats(lower, "lower limits"), as_floats(upper, "upper limits"), as_floats(benchmark, "benchmarks")
    )
    require(lo, lo <= up, lower, "each lower limit must not be above its upper limit")
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
