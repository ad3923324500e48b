"""The arithmetic of the trend test (:func:`safer_analysis.analysis.trends.monthly_trend`): a
log-linear Poisson regression of monthly counts fitted by iteratively reweighted least squares,
the month-to-month noise around it (over-dispersion and the likeness of neighbouring months), the
variation of whole years around the trend, and the covariance of the coefficients under both.

Crime levels move from one year to the next by far more than month-to-month noise adds up to:
Plymouth's yearly levels of all crime vary around a straight line by about 8%, when chance alone
would give under 1%. A test that knows only the months calls such swings trends. Here the counts
of a window are split into twelve-month blocks ending with its last month (the periods a page
compares), and each block's level may depart from the line by a random amount with variance
``tau2`` on the log scale (a year-level random effect); the trend's standard error allows for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

#: The largest correlation between neighbouring months allowed for.
MAX_AUTOCORRELATION = 0.95
#: A block of fewer months than this does not count as a year when a series' own year-to-year
#: variation is measured.
MIN_BLOCK_MONTHS = 9
#: A known break gets a step only when no twelve-month block's swing moves the fitted step by more
#: than this many times the swing (:func:`step_loadings`); beyond it the step and a year's swing
#: cannot be told apart.
MAX_STEP_LOADING = 1.5


@dataclass(frozen=True)
class Break:
    """A dated change that moves a series' level: from ``first`` (a ``YYYY-MM`` month) to ``last``
    (the last month it lasts, or empty for a lasting change), described by ``what`` in plain words."""

    first: str
    last: str = ""
    what: str = ""
    source: str = ""

    def months(self, index: pd.PeriodIndex) -> np.ndarray:
        """1.0 for the months of ``index`` the break covers, else 0.0."""
        start = pd.Period(self.first, freq="M")
        inside = index >= start
        if self.last:
            inside &= index <= pd.Period(self.last, freq="M")
        return np.asarray(inside, dtype=float)


def _month_numbers(index: pd.PeriodIndex) -> np.ndarray:
    return np.asarray(index.asi8)  # months since January 1970


def months_since_first(index: pd.PeriodIndex) -> np.ndarray:
    """Months since the first of ``index``, counted by the calendar (a gap counts)."""
    numbers = _month_numbers(index)
    return (numbers - numbers[0]).astype(float)


def season_columns(index: pd.PeriodIndex) -> list[np.ndarray]:
    """One indicator per calendar month observed bar the first (none for a month never seen)."""
    calendar = _month_numbers(index) % 12
    return [np.asarray(calendar == m, dtype=float) for m in np.unique(calendar)[1:]]


def year_blocks(index: pd.PeriodIndex) -> np.ndarray:
    """The twelve-month block of each month, counted back from the last: 0 for the latest twelve
    months, 1 for the twelve before, and so on (the periods a page compares)."""
    numbers = _month_numbers(index)
    return (numbers[-1] - numbers) // 12


def break_columns(index: pd.PeriodIndex, breaks) -> list[tuple[Break, np.ndarray]]:
    """The breaks that can be told from the rest of ``index``: each with months both inside and
    outside it, the first of any two that cover the same months."""
    out: list[tuple[Break, np.ndarray]] = []
    for item in breaks:
        column = item.months(index)
        if 0 < column.sum() < len(column) and not any(np.array_equal(column, c) for _, c in out):
            out.append((item, column))
    return out


def independent_columns(X: np.ndarray) -> np.ndarray:
    """The columns of ``X`` that are not combinations of the columns before them (the diagonal of
    its QR decomposition is zero for those)."""
    r = np.abs(np.diag(np.linalg.qr(X, mode="r")))
    return np.flatnonzero(r > 1e-9 * max(float(r.max()), 1.0))


def step_loadings(X: np.ndarray, mu: np.ndarray, blocks: np.ndarray, columns: list[int]) -> np.ndarray:
    """For each coefficient in ``columns`` of a Poisson fit with design ``X`` and fitted means
    ``mu``, the largest shift of its estimate when one twelve-month block's level moves by 1 on the
    log scale (``max_b |[(X'WX)^-1 X'W 1_b]_j|``): how far a normal year's swing carries it. A
    step that only whole blocks tell apart (a break at the start of the latest twelve months)
    moves one for one with a block's swing and more, through the line it is measured against."""
    bread = np.linalg.pinv((X.T * mu) @ X)
    per_block = np.column_stack([bread @ (X.T @ (mu * (blocks == b))) for b in np.unique(blocks)])
    return np.abs(per_block[columns]).max(axis=1)


def poisson_fit(X: np.ndarray, y: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The coefficients and fitted means of a Poisson regression with log link (IRLS). ``X`` must
    have independent columns (:func:`independent_columns`)."""
    mu = y + 0.5
    beta = np.linalg.lstsq(X, np.log(mu) - offset, rcond=None)[0]
    for _ in range(100):
        eta = np.clip(X @ beta + offset, -50, 50)
        mu = np.exp(eta)
        z = eta - offset + (y - mu) / mu
        xw = X * mu[:, None]
        new = np.linalg.solve(X.T @ xw, xw.T @ z)
        done = np.max(np.abs(new - beta)) < 1e-10
        beta = new
        if done:
            break
    return beta, np.exp(np.clip(X @ beta + offset, -50, 50))


def month_noise(
    X: np.ndarray, mu: np.ndarray, y: np.ndarray, t: np.ndarray, phi: float | None = None
) -> tuple[float, float, np.ndarray]:
    """The correlation between neighbouring months, the dispersion, and the correlation matrix
    ``S = phi ** |t_i - t_j|`` of the standardised residuals of a fit with design ``X``.

    phi is found by the method of moments: the lag-1 correlation of the Pearson residuals is set
    equal to its expectation given phi, ``tr(M A M S) / tr(M S)``, where ``M`` removes the fitted
    (weighted) regression and ``A`` pairs months one apart; regression residuals of a short
    series understate the correlation, and this undoes that bias, missing months included. The
    dispersion is the Pearson chi-square over ``tr(M S)``.
    """
    from scipy.optimize import brentq

    root_w = np.sqrt(mu)
    xw = X * root_w[:, None]
    m = np.eye(len(y)) - xw @ np.linalg.pinv(xw.T @ xw) @ xw.T
    r = (y - mu) / root_w
    gap = np.abs(t[:, None] - t[None, :])
    denominator = float(r @ r)
    if phi is None:
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
    trace = float(np.trace(m @ s))
    dispersion = denominator / trace if trace > 0 else 1.0
    return phi, dispersion, s


def covariance(
    X: np.ndarray, mu: np.ndarray, dispersion: float, s: np.ndarray, tau2: float, blocks: np.ndarray
) -> np.ndarray:
    """The covariance of a Poisson regression's coefficients when the counts vary around their
    means by month-to-month noise (``dispersion`` times ``mu`` with correlation ``s``) and by a
    common departure of each twelve-month block, of variance ``tau2`` on the log scale: the sandwich
    ``B X' V X B``, ``B = (X' W X)^-1``, ``V = dispersion W^1/2 S W^1/2 + tau2 (mu mu') * [same block]``."""
    root = np.sqrt(mu)
    bread = np.linalg.pinv((X.T * mu) @ X)
    same = blocks[:, None] == blocks[None, :]
    v = dispersion * (root[:, None] * s * root[None, :]) + tau2 * np.outer(mu, mu) * same
    return bread @ X.T @ v @ X @ bread


def year_residuals(
    y: np.ndarray, mu: np.ndarray, blocks: np.ndarray, dispersion: float, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per block of at least :data:`MIN_BLOCK_MONTHS` months, the log of its count over the count
    fitted by the trend (how far the year sat off the line), and the variance month-to-month noise
    alone would give that log ratio."""
    root = np.sqrt(mu)
    logs, noise = [], []
    for block in np.unique(blocks):
        k = blocks == block
        if k.sum() < MIN_BLOCK_MONTHS or y[k].sum() <= 0:
            continue
        expected = float(mu[k].sum())
        logs.append(math.log(float(y[k].sum()) / expected))
        noise.append(dispersion * float(root[k] @ s[np.ix_(k, k)] @ root[k]) / expected**2)
    return np.array(logs), np.array(noise)


def variation_moments(logs: np.ndarray, noise: np.ndarray, parameters: int) -> tuple[float, int]:
    """A series' own evidence on its year-to-year variation: the sum of squared yearly departures
    less what noise explains, and its degrees of freedom (blocks less the ``parameters`` the
    trend used between years). The variance is the first over the second (method of moments)."""
    df = len(logs) - parameters
    if df <= 0:
        return 0.0, 0
    return float((logs**2).sum() - noise.sum() * df / len(logs)), df


def t_p_value(estimate: float, se: float, df: float) -> float:
    """The two-sided p-value of ``estimate / se`` on a t distribution with ``df`` degrees of freedom."""
    from scipy import special

    if not se > 0:
        return math.nan
    return float(2 * special.stdtr(df, -abs(estimate) / se))


@cache
def t_quantile(df: float, alpha: float) -> float:
    """The two-sided critical value of a t distribution with ``df`` degrees of freedom at ``alpha``."""
    from scipy import special

    return float(special.stdtrit(df, 1 - alpha / 2))


def power(se: float, df: float, change: float, alpha: float) -> float:
    """The chance that a two-sided test at ``alpha`` of a slope with standard error ``se`` (per
    month, log scale) finds a real change of ``change`` a year (0.10 for 10%): a noncentral t."""
    from scipy import special

    if not se > 0:
        return math.nan
    shift = math.log1p(change) / 12 / se
    critical = t_quantile(df, alpha)
    if math.isinf(df):
        return float(special.ndtr(shift - critical) + special.ndtr(-critical - shift))
    return float(1 - special.nctdtr(df, shift, critical) + special.nctdtr(df, shift, -critical))
