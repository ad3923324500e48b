"""Trends in monthly counts, tested against the area's normal year-to-year variation
(:func:`monthly_trend`): a log-linear Poisson regression of the months on time, calendar months and
any known break inside the window, whose standard error allows for month-to-month noise
(over-dispersion, neighbouring months alike) and for whole years sitting off the line by as much
as such series do (a year-level random effect, :mod:`safer_analysis.analysis.trend_model`). The
year-to-year variation is borrowed from many real series shipped with the package
(``reference/year_variation.csv``) and updated with the series' own history. Also the correlation
between neighbouring months pooled across an area's series (:func:`pooled_autocorrelation`) and
Benjamini and Hochberg's adjustment for testing many series together (:func:`benjamini_hochberg`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from safer_analysis.analysis import trend_model as tm
from safer_analysis.analysis.arrays import as_counts, as_denominators
from safer_analysis.analysis.trend_model import MAX_AUTOCORRELATION, Break

__all__ = [
    "FALLING",
    "MAX_AUTOCORRELATION",
    "MIN_TREND_MONTHS",
    "NOT_ENOUGH_DATA",
    "NO_CHANGE",
    "RISING",
    "TREND_ALPHA",
    "Break",
    "MonthlyTrend",
    "StepChange",
    "YearVariation",
    "benjamini_hochberg",
    "monthly_trend",
    "pooled_autocorrelation",
    "pooled_year_variation",
    "shipped_year_variation",
]

MIN_TREND_MONTHS = 24
#: The two-sided significance level of :func:`monthly_trend`.
TREND_ALPHA = 0.05
NOT_ENOUGH_DATA = "not enough data"
RISING, FALLING, NO_CHANGE = "rising", "falling", "no significant change"
#: The shipped table's row for a series of no named type (or a type it lacks).
ANY_TYPE = "any crime type"


@dataclass(frozen=True)
class YearVariation:
    """How far whole years of a series sit off its trend beyond month-to-month noise: ``sd`` the
    standard deviation on the log scale (0.08 is about 8%), ``df`` the degrees of freedom it was
    estimated with (the t-test uses them), ``basis`` where it came from, in words."""

    sd: float
    df: float
    basis: str = ""


def shipped_year_variation(crime_type: str | None = None) -> YearVariation:
    """The year-to-year variation shipped with the package for ``crime_type`` (a police.uk crime
    type, ``All crime`` or ``Anti-social behaviour``), or for any crime type when it is None or
    the table lacks it (``reference/year_variation.csv``, made from real police.uk series).

    >>> shipped_year_variation("All crime").sd > shipped_year_variation("Anti-social behaviour").sd
    True
    """
    shipped = _shipped()
    return shipped.get(crime_type or ANY_TYPE) or shipped[ANY_TYPE]


@cache
def _shipped() -> dict[str, YearVariation]:
    from safer_analysis.inputs import reference

    out = {}
    for _, row in reference.year_variation().iterrows():
        kind = "crime" if row["crime_type"] == ANY_TYPE else row["crime_type"].lower()
        basis = f"{int(row['series'])} real {kind} series of {row['basis']}"
        out[row["crime_type"]] = YearVariation(float(row["sd"]), float(row["df"]), basis)
    return out


@dataclass(frozen=True)
class StepChange:
    """The change in level at a known break in the window: ``what`` the break in words, its
    ``first`` and ``last`` months (``last`` empty for a lasting change), ``change_pct`` the
    level inside the break against the trend outside it, with its 95% interval and p-value."""

    what: str
    first: str
    last: str
    change_pct: float
    lower: float
    upper: float
    p_value: float
    source: str = ""


@dataclass(frozen=True)
class MonthlyTrend:
    """The trend in monthly counts (or rates), from :func:`monthly_trend`.

    ``direction`` is "rising", "falling", "no significant change" or "not enough data": rising
    or falling only when the change is unusual against the series' normal year-to-year variation,
    not merely larger than month-to-month noise. ``annual_change_pct`` is the fitted change a year
    in per cent (``(exp(12 * beta) - 1) * 100``) with its 95% interval (``annual_change_lower``,
    ``annual_change_upper``) and ``p_value`` (two-sided, a t-test on ``degrees_of_freedom``);
    ``dispersion`` the Pearson chi-square of the months around each year's own level over its
    degrees of freedom (1 for Poisson counts); ``autocorrelation`` the correlation between
    neighbouring months allowed for; ``year_variation`` the standard deviation of whole years
    around the line allowed for (log scale, 0.08 about 8%) and ``year_variation_basis`` where it
    came from; ``power_10`` and ``power_20`` the chance this test finds a real change of 10% and of
    20% a year; ``steps`` the change at each known break inside the window (:class:`StepChange`);
    ``breaks_not_separated`` the known breaks inside the window whose step cannot be told apart
    from a normal year's swing, left out of the model (the trend is then called only where the fit
    with their steps calls it too);
    ``latest_departure_pct`` how far the latest twelve months sit from the line through the years
    before (a test of whether the trend slowed or accelerated), with ``latest_departure_p``;
    ``months`` the months observed; ``method`` a sentence for a methods note. Estimates are NaN
    when there is not enough data.
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
    year_variation: float = math.nan
    year_variation_basis: str = ""
    degrees_of_freedom: float = math.nan
    power_10: float = math.nan
    power_20: float = math.nan
    steps: tuple[StepChange, ...] = field(default_factory=tuple)
    breaks_not_separated: tuple[Break, ...] = field(default_factory=tuple)
    latest_departure_pct: float = math.nan
    latest_departure_lower: float = math.nan
    latest_departure_upper: float = math.nan
    latest_departure_p: float = math.nan


def _trend_method(offset: bool) -> str:
    what = (
        "monthly counts, with log(exposure) as an offset so the trend is in the rate," if offset else "monthly counts"
    )
    return (
        f"Poisson regression (log link) of {what} on a linear time term, month-of-year indicators and a term for "
        "each known break inside the window whose step a normal year's swing would not carry. Its standard error "
        "allows for month-to-month noise (over-dispersion "
        "and an AR(1) correlation between neighbouring months, estimated around each year's own level) and for "
        "whole twelve-month periods sitting off the line by as much as real series of the same crime type do "
        "(a year-level random effect whose variance is borrowed from real series shipped with the package and "
        "updated with this series' own history); two-sided t-test of the time coefficient at alpha "
        f"{TREND_ALPHA:g} on the degrees of freedom of that variance."
    )


def _year_variation(
    given: YearVariation | float | None, crime_type: str | None, moments: tuple[float, int, int]
) -> YearVariation:
    """The year-to-year variation to allow for: ``given`` as it is, or the shipped value for the
    crime type updated with the series' own ``moments`` (:func:`_own_moments`: its whole years
    around its own trend), pooled with the shipped estimate in proportion to their degrees of
    freedom."""
    if isinstance(given, YearVariation):
        return given
    if given is not None:
        if not (np.ndim(given) == 0 and not isinstance(given, (str, bytes)) and float(given) >= 0):
            raise ValueError(f"year_variation must be a YearVariation or a number of at least 0; got {given!r}")
        return YearVariation(float(given), math.inf, "given")
    prior = shipped_year_variation(crime_type)
    total, df, years = moments
    if df == 0:
        return prior
    sd = math.sqrt(max(0.0, (prior.df * prior.sd**2 + total) / (prior.df + df)))
    return YearVariation(sd, prior.df + df, f"{prior.basis}, with this series' own {years} years")


def _own_moments(history: pd.Series, breaks: Sequence[Break], phi: float | None) -> tuple[float, int, int]:
    """A series' own evidence on its year-to-year variation (:func:`trend_model.variation_moments`)
    and the number of whole years it rests on: its twelve-month blocks, counted back from its last
    month, around its own trend and breaks."""
    y = history.to_numpy(dtype=float)
    if len(y) < MIN_TREND_MONTHS or y.sum() == 0:
        return 0.0, 0, 0
    return _Fit(history.index, y, np.zeros(len(y)), breaks, phi).moments()


class _Fit:
    """A series fitted twice: around one line (with its breaks and calendar months), and around
    each twelve-month block's own level, which gives the month-to-month noise."""

    def __init__(
        self,
        index: pd.PeriodIndex,
        y: np.ndarray,
        offset: np.ndarray,
        breaks: Sequence[Break],
        phi: float | None,
        separable_only: bool = True,
    ) -> None:
        self.y, self.offset = y, offset
        self.t = tm.months_since_first(index)
        self.blocks = tm.year_blocks(index)
        self.chosen = tm.break_columns(index, breaks)
        #: Breaks inside the window whose step a year's swing would carry (left out of the model).
        self.apart: list[Break] = []
        seasons = tm.season_columns(index)
        while True:
            steps = [c for _, c in self.chosen]
            self.X = np.column_stack([np.ones(len(y)), self.t, *steps, *seasons])
            if not (separable_only and steps):
                break
            loads = tm.step_loadings(self.X, y + 0.5, self.blocks, list(range(2, 2 + len(steps))))
            worst = int(np.argmax(loads))
            if loads[worst] <= tm.MAX_STEP_LOADING:
                break
            self.apart.append(self.chosen.pop(worst)[0])
        self.beta, self.mu = tm.poisson_fit(self.X, y, offset)
        levels = [np.asarray(self.blocks == b, dtype=float) for b in np.unique(self.blocks)]
        own = np.column_stack([*levels, *steps, *seasons])
        own = own[:, tm.independent_columns(own)]  # a break at a block's edge adds nothing to the blocks
        _, own_mu = tm.poisson_fit(own, y, offset)
        self.phi, self.dispersion, self.s = tm.month_noise(own, own_mu, y, self.t, phi)

    def moments(self) -> tuple[float, int, int]:
        logs, noise = tm.year_residuals(self.y, self.mu, self.blocks, self.dispersion, self.s)
        moments, df = tm.variation_moments(logs, noise, 2 + len(self.chosen))
        return moments, df, len(logs)


def pooled_year_variation(series: Sequence[pd.Series], breaks: Sequence[Break] = ()) -> tuple[float, int]:
    """The standard deviation of whole years around their trend, beyond month-to-month noise,
    pooled across ``series`` (monthly counts, each with its own trend and level), and its degrees
    of freedom: the sum of each series' moments over the sum of their degrees of freedom. This is
    how the shipped ``reference/year_variation.csv`` is made.

    >>> months = pd.period_range("2016-01", periods=48, freq="M")
    >>> rng = np.random.default_rng(1)
    >>> swings = [np.repeat(rng.normal(0, 0.1, 4), 12) for _ in range(30)]
    >>> series = [pd.Series(rng.poisson(2000 * np.exp(w)), index=months) for w in swings]
    >>> sd, df = pooled_year_variation(series)
    >>> 0.07 < sd < 0.13, df
    (True, 60)
    """
    total, df = 0.0, 0
    for counts in series:
        moments, own, _ = _own_moments(_monthly_counts(counts), _checked_breaks(breaks), None)
        total, df = total + moments, df + own
    return (math.sqrt(max(0.0, total / df)) if df else math.nan), df


def _step_changes(
    chosen: list[tuple[Break, np.ndarray]], beta: np.ndarray, cov: np.ndarray, df: float, alpha: float
) -> tuple[StepChange, ...]:
    half = tm.t_quantile(df, alpha)
    out = []
    for i, (item, _) in enumerate(chosen):
        b, se = float(beta[2 + i]), math.sqrt(max(cov[2 + i, 2 + i], 0.0))
        out.append(
            StepChange(
                item.what,
                item.first,
                item.last,
                float(np.expm1(b) * 100),
                float(np.expm1(b - half * se) * 100),
                float(np.expm1(b + half * se) * 100),
                tm.t_p_value(b, se, df),
                item.source,
            )
        )
    return tuple(out)


def monthly_trend(
    counts: pd.Series,
    exposure: float | pd.Series | None = None,
    autocorrelation: float | None = None,
    *,
    crime_type: str | None = None,
    year_variation: YearVariation | float | None = None,
    breaks: Sequence[Break] = (),
    history: pd.Series | None = None,
    alpha: float = TREND_ALPHA,
) -> MonthlyTrend:
    """Test for a trend in monthly counts against the series' normal year-to-year variation.

    ``counts`` are monthly counts (e.g. crimes recorded) on a monthly ``pd.PeriodIndex``; months
    may be missing (a gap is left out, not taken as zero). ``exposure``, if given, is the
    population at risk, a number or a Series on the same months, and the trend is then in the rate
    (``log(exposure)`` enters as an offset). ``breaks`` are known changes (:class:`Break`: a
    lockdown, a change in the counting rules): each with months inside the window both covered
    and not gets its own term, so a jump is reported as a step (``steps``), not read as a trend;
    but not one that only whole twelve-month blocks tell apart (a break where a compared year
    begins), whose step one year's swing would carry by more than
    :data:`~safer_analysis.analysis.trend_model.MAX_STEP_LOADING` times itself: such a break is
    left out and listed in ``breaks_not_separated``, and the trend is called only where the fit
    with its step calls it too (an intersection-union test; the p-value is the larger of the two).

    The model is a log-linear Poisson regression of the count on a linear time term (months since
    the first observed month), month-of-year indicators and the breaks. Crime counts vary far more
    than Poisson counts, neighbouring months resemble each other, and whole years sit off any
    straight line by several per cent (Plymouth's all crime by about 8% a year); a test that
    allowed only for the months would call those yearly swings trends (real trend-free windows
    called significant a third of the time). So the standard error allows for all three: the
    months' dispersion and AR(1) correlation around each twelve-month block's own level, and a
    random departure of each block (counted back from the last month) with the variance
    ``year_variation``: by default the shipped value for ``crime_type`` (``All crime``,
    ``Anti-social behaviour`` or a police.uk type; any type when None), updated with the series'
    own years (``history``, every month held up to the window's end; by default ``counts``). The
    time coefficient is tested two-sided at ``alpha`` on a t distribution with that variance's
    degrees of freedom. With fewer than 24 observed months, or no events, the result is "not
    enough data" (NaN estimates) rather than an error.

    >>> months = pd.period_range("2021-01", periods=36, freq="M")
    >>> season = [1.0, 0.9, 1.0, 1.0, 1.1, 1.1, 1.2, 1.1, 1.0, 1.0, 0.9, 0.8]
    >>> counts = pd.Series([round(500 * 1.3 ** (i / 12) * season[i % 12]) for i in range(36)], index=months)
    >>> result = monthly_trend(counts, crime_type="All crime")
    >>> result.direction, round(result.annual_change_pct, 1), result.months
    ('rising', 30.0, 36)
    >>> monthly_trend(counts[:12]).direction
    'not enough data'
    """
    y = _monthly_counts(counts)
    offset = exposure is not None
    log_exposure = np.log(_monthly_exposure(exposure, y.index)) if offset else np.zeros(len(y))
    method = _trend_method(offset)
    if autocorrelation is not None and not (0 <= autocorrelation <= MAX_AUTOCORRELATION):
        raise ValueError(f"autocorrelation must be from 0 to {MAX_AUTOCORRELATION}; got {autocorrelation!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1; got {alpha!r}")
    breaks = _checked_breaks(breaks)
    n = len(y)
    if n < MIN_TREND_MONTHS or y.sum() == 0:
        return MonthlyTrend(NOT_ENOUGH_DATA, math.nan, math.nan, math.nan, n, method)
    fit = _Fit(y.index, y.to_numpy(dtype=float), log_exposure, breaks, autocorrelation)
    # A break left out because a year's swing would carry its step: the trend is the plain one, but
    # called only when the fit with the step finds it too (an intersection-union test, p the larger).
    guard = (
        _Fit(y.index, y.to_numpy(dtype=float), log_exposure, breaks, fit.phi, separable_only=False)
        if fit.apart
        else None
    )
    if year_variation is not None:
        moments = (0.0, 0, 0)
    elif history is None:
        moments = fit.moments()
    else:
        moments = _own_moments(_monthly_counts(history), breaks, fit.phi)
    variation = _year_variation(year_variation, crime_type, moments)
    tau2, df = variation.sd**2, variation.df
    if tau2 == 0 and math.isinf(df):
        df = max(n - fit.X.shape[1], 1)
    cov = tm.covariance(fit.X, fit.mu, fit.dispersion, fit.s, tau2, fit.blocks)
    slope, se = float(fit.beta[1]), math.sqrt(max(cov[1, 1], 0.0))
    p_value = tm.t_p_value(slope, se, df)
    if guard is not None:
        cov_guard = tm.covariance(guard.X, guard.mu, guard.dispersion, guard.s, tau2, guard.blocks)
        slope_guard = float(guard.beta[1])
        p_guard = tm.t_p_value(slope_guard, math.sqrt(max(cov_guard[1, 1], 0.0)), df)
        p_value = max(p_value, p_guard) if slope * slope_guard > 0 else 1.0
    half = tm.t_quantile(df, alpha) * se
    significant = p_value < alpha
    departure = _latest_departure(fit, tau2, df, alpha)
    return MonthlyTrend(
        direction=(RISING if slope > 0 else FALLING) if significant else NO_CHANGE,
        p_value=p_value,
        annual_change_pct=float(np.expm1(12 * slope) * 100),
        dispersion=fit.dispersion,
        months=n,
        method=method,
        autocorrelation=fit.phi,
        annual_change_lower=float(np.expm1(12 * (slope - half)) * 100),
        annual_change_upper=float(np.expm1(12 * (slope + half)) * 100),
        year_variation=variation.sd,
        year_variation_basis=variation.basis,
        degrees_of_freedom=df,
        power_10=tm.power(se, df, 0.10, alpha),
        power_20=tm.power(se, df, 0.20, alpha),
        steps=_step_changes(fit.chosen, fit.beta, cov, df, alpha),
        breaks_not_separated=tuple(fit.apart),
        **departure,
    )


def _latest_departure(fit: _Fit, tau2: float, df: float, alpha: float) -> dict[str, float]:
    """How far the latest twelve months sit from the line through the years before, as a change
    in per cent with its interval and p-value: the test of whether a trend slowed or accelerated.
    Empty with fewer than two earlier blocks or when a break already sets the latest year apart."""
    latest = np.asarray(fit.blocks == 0, dtype=float)
    if len(np.unique(fit.blocks[fit.blocks > 0])) < 2 or latest.sum() < tm.MIN_BLOCK_MONTHS:
        return {}
    X2 = np.column_stack([fit.X, latest])
    if len(tm.independent_columns(X2)) < X2.shape[1]:
        return {}
    beta, mu = tm.poisson_fit(X2, fit.y, fit.offset)
    cov = tm.covariance(X2, mu, fit.dispersion, fit.s, tau2, fit.blocks)
    b, se = float(beta[-1]), math.sqrt(max(cov[-1, -1], 0.0))
    half = tm.t_quantile(df, alpha) * se
    return {
        "latest_departure_pct": float(np.expm1(b) * 100),
        "latest_departure_lower": float(np.expm1(b - half) * 100),
        "latest_departure_upper": float(np.expm1(b + half) * 100),
        "latest_departure_p": tm.t_p_value(b, se, df),
    }


def _checked_breaks(breaks: object) -> list[Break]:
    """``breaks`` as a list of :class:`Break`, each with months written ``YYYY-MM`` in order."""
    if isinstance(breaks, (Break, str, bytes)) or not isinstance(breaks, Sequence):
        raise ValueError(f"breaks must be a list of Break; got {type(breaks).__name__}")
    out = []
    for item in breaks:
        if not isinstance(item, Break):
            raise ValueError(f"breaks must be a list of Break; got a {type(item).__name__}")
        months = [m for m in (item.first, item.last) if m]
        if not all(isinstance(m, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in months) or not item.first:
            raise ValueError(f"a break's months must be written YYYY-MM; got {item.first!r} to {item.last!r}")
        if item.last and item.last < item.first:
            raise ValueError(f"a break must end ({item.last}) no earlier than it begins ({item.first})")
        out.append(item)
    return out


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
