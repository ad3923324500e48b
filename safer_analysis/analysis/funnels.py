"""Funnel plots: control limits around a target, and limits widened for the real spread between areas.

* :func:`funnel_limits_rate` and :func:`funnel_limits_proportion`: 95% and 99.8% control limits
  around a target, exact Poisson limits for rates and Wilson score limits for proportions;
* :func:`overdispersed_funnel` and :func:`overdispersed_limits`: the same widened by the spread
  between areas beyond chance (standardised scores winsorised, then an additive random effect).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from safer_analysis.analysis.arrays import as_denominators, as_floats, check_confidence, require, z_value

#: The confidence levels of the two pairs of funnel-plot control limits (about 2 and 3 standard deviations).
FUNNEL_CONFIDENCES = (0.95, 0.998)

__all__ = [
    "FUNNEL_CONFIDENCES",
    "funnel_limits_proportion",
    "funnel_limits_rate",
    "overdispersed_funnel",
    "overdispersed_limits",
]


def _check_confidences(confidences: Sequence[float]) -> list[float]:
    levels = [check_confidence(c) for c in confidences]
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
    target = as_floats(target_rate, "target_rate")
    require(target, target > 0, target_rate, "target_rate must be above zero")
    multiplier_ = float(as_denominators(multiplier, "multiplier"))
    d = as_denominators(denominators, "denominators").reshape(-1)
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
    p = float(as_floats(target, "target"))
    if not 0 <= p <= 1:
        raise ValueError(f"target must be a proportion from 0 to 1; got {target!r}")
    n = as_denominators(denominators, "denominators").reshape(-1)
    out: dict[str, np.ndarray] = {"denominator": n}
    for confidence in _check_confidences(confidences):
        half_width = z_value(confidence) * np.sqrt(p * (1 - p) / n)
        out[f"lower_{_tag(confidence)}"] = np.clip(p - half_width, 0.0, 1.0)
        out[f"upper_{_tag(confidence)}"] = np.clip(p + half_width, 0.0, 1.0)
    index = denominators.index if isinstance(denominators, pd.Series) else None
    return pd.DataFrame(out, index=index)


# --- monthly trends -----------------------------------------------------------------------------------------------

#: A monthly trend is only tested with at least this many observed months (two years, so each calendar month twice).


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
        half = z_value(confidence) * se
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
    n = as_denominators(populations, "populations").reshape(-1)
    t = target_rate / multiplier
    se = np.sqrt(t / n + tau2)
    out: dict[str, np.ndarray] = {"population": n}
    for confidence in _check_confidences(confidences):
        half = z_value(confidence) * se
        out[f"lower_{_tag(confidence)}"] = np.clip(t - half, 0, None) * multiplier
        out[f"upper_{_tag(confidence)}"] = (t + half) * multiplier
    return pd.DataFrame(out)
