"""Numbers in, numbers out: the checks and shapes every statistical method here shares.

Methods take scalars, lists, numpy arrays or pandas Series (which may be mixed): all scalars give
floats, any Series gives Series on its index, anything else gives numpy arrays (:class:`Shape`).
Text, missing or infinite values, negative counts and zero denominators are refused with a
ValueError naming the first offending value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

Values = float | np.ndarray | pd.Series

__all__ = [
    "Shape",
    "Values",
    "as_counts",
    "as_denominators",
    "as_floats",
    "broadcast",
    "check_confidence",
    "require",
    "z_value",
]


class Shape:
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


def as_floats(values: object, name: str) -> np.ndarray:
    """``values`` as a float array, with a clear error for text or missing values."""
    try:
        if isinstance(values, pd.Series):
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers; found {describe_first(arr, ~np.isfinite(arr), values)}")
    return arr


def describe_first(arr: np.ndarray, bad: np.ndarray, original: object) -> str:
    """A description of the first offending value, by its Series label or array position."""
    if arr.ndim == 0:
        return repr(float(arr))
    pos = int(np.flatnonzero(bad.ravel())[0])
    if isinstance(original, pd.Series) and arr.ndim == 1:
        return f"{arr[pos]!r} at {original.index[pos]!r}"
    return f"{arr.ravel()[pos]!r} at position {pos}"


def require(arr: np.ndarray, ok: np.ndarray, original: object, message: str) -> None:
    """Refuse (ValueError) unless every ``ok``; the message names the first value that is not."""
    if not np.all(ok):
        raise ValueError(f"{message}; found {describe_first(np.broadcast_to(arr, np.shape(ok)), ~ok, original)}")


def as_counts(values: object, name: str) -> np.ndarray:
    """``values`` as counts: finite numbers, zero or more."""
    arr = as_floats(values, name)
    require(arr, arr >= 0, values, f"{name} must be zero or more")
    return arr


def as_denominators(values: object, name: str = "denominator") -> np.ndarray:
    """``values`` as denominators: finite numbers above zero."""
    arr = as_floats(values, name)
    require(arr, arr > 0, values, f"{name} must be above zero")
    return arr


def check_confidence(confidence: float) -> float:
    """A confidence level strictly between 0 and 1, as a float."""
    if not isinstance(confidence, (int, float, np.floating)) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number between 0 and 1 (exclusive), e.g. 0.95; got {confidence!r}")
    return float(confidence)


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile for ``confidence`` (1.959964 for 0.95)."""
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def broadcast(*arrays: np.ndarray) -> list[np.ndarray]:
    """Arrays broadcast together, or a ValueError naming their shapes."""
    try:
        return list(np.broadcast_arrays(*arrays))
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"inputs must have matching lengths (got shapes {shapes})") from None
