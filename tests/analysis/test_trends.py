"""The monthly trend test, tested against year-to-year variation, on Plymouth's real police.uk
counts and on simulated counts.

The real series are Plymouth's recorded crime (excluding anti-social behaviour) and ASB incidents by
month from 2016-01 to 2019-12; police.uk publishes no file for 2017-12, so that month is absent and
stays absent (the test handles gaps). Recorded crime rose by about 7% a year over these four years
and ASB fell by about 7%; both series are several times more variable than Poisson counts, and
whole years sit off a straight line by far more than the months add up to. The checks on the
force's other partnerships are in ``test_trend_checks.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from safer_analysis.analysis import trend_checks
from safer_analysis.analysis.crime_profile import ASB
from safer_analysis.analysis.trends import (
    Break,
    MonthlyTrend,
    YearVariation,
    monthly_trend,
    pooled_year_variation,
    shipped_year_variation,
)
from safer_analysis.inputs.police_uk import load_crimes

from ..conftest import CRIME_FILE, ROOT

FIRST, LAST = "2016-01", "2019-12"
SHUFFLES = 400


@pytest.fixture(scope="module")
def monthly() -> dict[str, pd.Series]:
    """Plymouth's real monthly counts, 2016-01 to 2019-12, of all crime (excluding ASB) and of ASB."""
    crimes = load_crimes(CRIME_FILE)
    crimes = crimes[crimes["month"].between(FIRST, LAST)]
    is_asb = crimes["crime_type"] == ASB

    def by_month(frame: pd.DataFrame) -> pd.Series:
        counts = frame.groupby("month").size()
        counts.index = pd.PeriodIndex(counts.index, freq="M")
        return counts

    return {"crime": by_month(crimes[~is_asb]), "asb": by_month(crimes[is_asb])}


def months_since_first(index: pd.PeriodIndex) -> np.ndarray:
    return np.array([(month - index[0]).n for month in index], dtype=float)


def plain_poisson_p(counts: pd.Series) -> float:
    """The p-value of the time term in the same model fitted as a plain Poisson GLM (dispersion fixed at 1)."""
    t = months_since_first(counts.index)
    seasons = pd.get_dummies(counts.index.month, drop_first=True).to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(t)), t, seasons])
    return float(sm.GLM(counts.to_numpy(dtype=float), X, family=sm.families.Poisson()).fit().pvalues[1])


# --- the real series ----------------------------------------------------------------------------------------------


def test_the_real_series_have_the_published_months(monthly):
    for counts in monthly.values():
        assert len(counts) == 47
        assert pd.Period("2017-12", freq="M") not in counts.index
        assert counts.index.min() == pd.Period(FIRST, freq="M") and counts.index.max() == pd.Period(LAST, freq="M")


def test_real_crime_rose_about_7_percent_a_year_which_its_yearly_swings_could_make(monthly):
    """All crime rose about 7% a year; Plymouth's years sit off the line by about 8% (the shipped
    all-crime variation, with its own four years), so four years cannot tell that from chance. A
    test that knows only the months calls it significant."""
    result = monthly_trend(monthly["crime"], crime_type="All crime")
    assert isinstance(result, MonthlyTrend)
    assert result.direction == "no significant change"
    assert 3 < result.annual_change_pct < 12
    assert 0.05 < result.p_value < 0.2
    assert result.months == 47
    assert result.dispersion > 2  # far from Poisson around each year's own level
    assert 0.06 < result.year_variation < 0.11
    assert monthly_trend(monthly["crime"], year_variation=0.0).p_value < 0.001


def test_real_asb_is_falling_by_about_7_percent_a_year(monthly):
    """Anti-social behaviour's years keep close to their line (about 4%): its fall is unusual."""
    result = monthly_trend(monthly["asb"], crime_type=ASB)
    assert result.direction == "falling"
    assert -12 < result.annual_change_pct < -3
    assert result.p_value < 0.05
    assert result.months == 47
    assert result.dispersion > 2
    assert result.year_variation < 0.06


def test_the_result_is_frozen_and_names_its_method(monthly):
    result = monthly_trend(monthly["crime"])
    with pytest.raises(AttributeError):
        result.direction = "falling"  # type: ignore[misc]
    assert "poisson" in result.method.lower() and "year-level random effect" in result.method
    assert "t-test" in result.method
    assert "offset" not in result.method
    assert "offset" in monthly_trend(monthly["crime"], exposure=260_000).method


def test_unsorted_counts_give_the_same_answer(monthly):
    counts = monthly["crime"]
    assert monthly_trend(counts.iloc[::-1]) == monthly_trend(counts)


# --- no trend by construction: Plymouth's own years, trend taken out, in every order ---------------------------


@pytest.mark.parametrize("series,crime_type", [("crime", "All crime"), ("asb", ASB)])
def test_plymouths_own_years_in_every_order_are_rarely_called_a_trend(monthly, series, crime_type):
    """The real months of 2016 to 2019, each series' own trend divided out, and its calendar years
    laid end to end in every order of three and of four (48 windows): no trend is left, but the
    real swings of whole years are. A test of months alone (no year-to-year variation) calls most
    of the all-crime windows a trend; the test against year-to-year variation almost none."""
    flat = trend_checks.detrended(monthly[series])
    calls = month_only = windows = 0
    for k in (3, 4):
        for _, window in trend_checks.year_orders(flat, k):
            window = window.round()
            calls += monthly_trend(window, crime_type=crime_type).p_value < 0.05
            month_only += monthly_trend(window, year_variation=0.0).p_value < 0.05
            windows += 1
    assert windows == 48
    assert calls / windows <= 0.05
    if series == "crime":
        assert month_only / windows > 0.5  # 67% found


# --- neighbouring months alike: the real series' autocorrelation ---------------------------------------------------


def years_of(monthly: pd.Series, first: str, last: str) -> pd.Series:
    return monthly[(monthly.index >= pd.Period(first, freq="M")) & (monthly.index <= pd.Period(last, freq="M"))]


def quasi_poisson_p(counts: pd.Series) -> float:
    """The time term's p-value with months taken as independent (dispersion from the Pearson chi-square)."""
    t = months_since_first(counts.index)
    seasons = pd.get_dummies(counts.index.month, drop_first=True).to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(t)), t, seasons])
    fit = sm.GLM(counts.to_numpy(dtype=float), X, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    return float(fit.pvalues[1])


def test_the_real_series_are_autocorrelated_and_that_is_allowed_for(monthly):
    """Plymouth's months resemble their neighbours: the correlation the test allows for is large."""
    assert monthly_trend(monthly["asb"]).autocorrelation > 0.4
    assert monthly_trend(monthly["crime"], autocorrelation=0.5).autocorrelation == 0.5


def test_real_types_that_only_look_significant_when_months_are_taken_as_independent():
    """Drugs (924, 718, 788 a year) and vehicle crime (790, 1,100, 1,061) over 2016-17 to 2018-19:
    significant if each month is independent, not once neighbouring months' likeness and the
    years' usual swings are allowed for; violence and sexual offences, rising every year (by about
    20% a year), stays significant either way."""
    crimes = load_crimes(CRIME_FILE)
    crimes = crimes[crimes["month"].between("2016-04", "2019-03")]
    for crime_type, significant in (
        ("Drugs", False),
        ("Vehicle crime", False),
        ("Violence and sexual offences", True),
    ):
        counts = crimes[crimes["crime_type"] == crime_type].groupby("month").size()
        counts.index = pd.PeriodIndex(counts.index, freq="M")
        assert quasi_poisson_p(counts) < 0.05, crime_type
        assert (monthly_trend(counts, crime_type=crime_type).p_value < 0.05) == significant, crime_type


def autocorrelated_months(phi: float, rng: np.random.Generator, mean: float = 1800, sd: float = 0.06) -> pd.Series:
    """36 months with no trend: Poisson counts around a seasonal mean that wanders as an AR(1)
    (lag-1 correlation ``phi``), tuned to look like Plymouth's crime (dispersion about 8)."""
    months = pd.period_range("2016-04", periods=36, freq="M")
    wander = np.zeros(36)
    wander[0] = rng.normal(0, sd / math.sqrt(1 - phi**2))
    for i in range(1, 36):
        wander[i] = phi * wander[i - 1] + rng.normal(0, sd)
    season = 0.08 * np.sin(2 * np.pi * np.arange(36) / 12)
    return pd.Series(rng.poisson(mean * np.exp(season + wander)), index=months)


def test_trendless_autocorrelated_series_are_rarely_called_significant():
    """No trend, months correlated 0.5 as Plymouth's are: taking months as independent calls about
    one series in five significant; allowing for the correlation brings that near the 5% intended."""
    rng = np.random.default_rng(20261123)
    runs = 300
    series = [autocorrelated_months(0.5, rng) for _ in range(runs)]
    independent = sum(quasi_poisson_p(y) < 0.05 for y in series) / runs
    allowed = sum(monthly_trend(y).p_value < 0.05 for y in series) / runs
    assert independent > 0.15
    assert allowed < 0.11 and allowed < independent / 2


# --- simulated over-dispersed counts --------------------------------------------------------------------------------

SIM_MONTHS = pd.period_range("2020-01", periods=48, freq="M")
SEASON = 1 + 0.15 * np.sin(2 * np.pi * np.arange(48) / 12)


def negative_binomial_months(growth: float, seed: int = 2024, size: float = 30, base: float = 300) -> pd.Series:
    """48 months of negative binomial counts (variance mu + mu**2 / size) growing by ``growth`` a year, seasonal."""
    mu = base * (1 + growth) ** (np.arange(48) / 12) * SEASON
    rng = np.random.default_rng(seed)
    return pd.Series(rng.negative_binomial(size, size / (size + mu)), index=SIM_MONTHS)


def test_a_known_10_percent_trend_in_overdispersed_counts_is_found():
    """Simulated months have no year-to-year swings beyond the months: told so, the test finds a
    10% a year rise; borrowing real series' swings (the default) it does not claim it, and says
    how rarely it would find such a change."""
    told = monthly_trend(negative_binomial_months(0.10), year_variation=0.0)
    assert told.direction == "rising"
    assert 4 < told.annual_change_pct < 16
    # the variance is about 1 + 300 / 30 = 11 times the mean
    assert 4 < told.dispersion < 25
    borrowed = monthly_trend(negative_binomial_months(0.10))
    assert borrowed.annual_change_pct == pytest.approx(told.annual_change_pct)
    assert borrowed.p_value > told.p_value
    assert borrowed.power_10 < 0.6 < told.power_10


def test_no_trend_in_overdispersed_counts_is_estimated_near_zero():
    result = monthly_trend(negative_binomial_months(0.0))
    assert abs(result.annual_change_pct) < 5
    assert result.direction == "no significant change"


def test_gaps_are_spaced_by_the_calendar_not_by_position():
    """Exact exponential growth of 10% a year, with 2020-2024 missing: the estimate is 10% only if gaps count."""
    months = pd.period_range("2016-01", "2027-12", freq="M")
    counts = pd.Series(np.round(1000 * 1.1 ** (np.arange(len(months)) / 12)), index=months)
    kept = counts[(counts.index.year < 2020) | (counts.index.year > 2024)]
    assert len(kept) == 84
    assert monthly_trend(kept).annual_change_pct == pytest.approx(10, abs=0.05)


# --- too little data and bad input --------------------------------------------------------------------------------


def test_fewer_than_24_months_is_not_enough_data(monthly):
    result = monthly_trend(monthly["crime"].iloc[:23])
    assert result.direction == "not enough data"
    assert result.months == 23
    assert math.isnan(result.p_value) and math.isnan(result.annual_change_pct)
    assert monthly_trend(monthly["crime"].iloc[:24]).direction != "not enough data"
    assert monthly_trend(monthly["crime"].iloc[:0]).direction == "not enough data"


def test_all_zero_counts_are_not_enough_data():
    result = monthly_trend(pd.Series(0, index=SIM_MONTHS))
    assert result.direction == "not enough data"
    assert result.months == 48


def test_negative_or_missing_counts_are_refused(monthly):
    counts = monthly["crime"].copy()
    counts.iloc[5] = -1
    with pytest.raises(ValueError, match="zero or more"):
        monthly_trend(counts)
    counts = monthly["crime"].astype(float)
    counts.iloc[5] = np.nan
    with pytest.raises(ValueError, match="finite"):
        monthly_trend(counts)


def test_a_non_monthly_index_is_refused(monthly):
    counts = monthly["crime"]
    for index in (
        counts.index.to_timestamp(),  # a DatetimeIndex
        pd.RangeIndex(len(counts)),
        pd.period_range("2016-01-01", periods=len(counts), freq="D"),
        counts.index.astype(str),
    ):
        with pytest.raises(ValueError, match="monthly pd.PeriodIndex"):
            monthly_trend(pd.Series(counts.to_numpy(), index=index))
    with pytest.raises(ValueError, match="pandas Series"):
        monthly_trend(counts.to_numpy())
    doubled = pd.concat([counts, counts.iloc[:1]])
    with pytest.raises(ValueError, match="more than once"):
        monthly_trend(doubled)


def test_exposure_not_aligned_with_the_counts_is_refused(monthly):
    counts = monthly["crime"]
    population = pd.Series(260_000.0, index=counts.index)
    with pytest.raises(ValueError, match="aligned with counts"):
        monthly_trend(counts, exposure=population.iloc[1:])
    with pytest.raises(ValueError, match="aligned with counts"):
        monthly_trend(counts, exposure=pd.Series(260_000.0, index=pd.period_range(FIRST, LAST, freq="M")))
    with pytest.raises(ValueError, match="monthly PeriodIndex"):
        monthly_trend(counts, exposure=population.reset_index(drop=True))
    with pytest.raises(ValueError, match="Series on the same monthly PeriodIndex"):
        monthly_trend(counts, exposure=population.to_numpy())
    with pytest.raises(ValueError, match="above zero"):
        monthly_trend(counts, exposure=0)
    with pytest.raises(ValueError, match="above zero"):
        monthly_trend(counts, exposure=population.where(population.index.year != 2018, 0.0))


# --- exposure -----------------------------------------------------------------------------------------------------


def test_a_constant_exposure_leaves_the_trend_unchanged(monthly):
    counts = monthly["crime"]
    without = monthly_trend(counts)
    for exposure in (262_100, pd.Series(262_100.0, index=counts.index)):
        with_exposure = monthly_trend(counts, exposure=exposure)
        assert with_exposure.annual_change_pct == pytest.approx(without.annual_change_pct, rel=1e-9)
        assert with_exposure.p_value == pytest.approx(without.p_value, rel=1e-6)
        assert with_exposure.direction == without.direction


def test_a_growing_exposure_gives_a_smaller_rate_trend(monthly):
    counts = monthly["crime"]
    growth = 0.03  # the population grows 3% a year
    population = pd.Series(260_000 * (1 + growth) ** (months_since_first(counts.index) / 12), index=counts.index)
    counts_trend = monthly_trend(counts).annual_change_pct
    rate_trend = monthly_trend(counts, exposure=population).annual_change_pct
    assert rate_trend < counts_trend
    # an offset growing exactly exponentially moves the time coefficient by exactly its growth rate
    expected = ((1 + counts_trend / 100) / (1 + growth) - 1) * 100
    assert rate_trend == pytest.approx(expected, rel=1e-6)


# --- one area's series together -----------------------------------------------------------------------------------


def test_an_areas_series_share_one_pooled_autocorrelation_and_types_are_adjusted_together():
    """2016-17 to 2018-19: against the years' usual swings no type is rising or falling once the
    13 are adjusted together (violence's p of about 0.03 alone), nor all crime or ASB; each
    series allows for its own type's variation, updated with its own years before April 2019."""
    from safer_analysis.analysis.crime_profile import ALL_CRIME, trends

    crimes = load_crimes(CRIME_FILE)
    t = trends(crimes, ["2016-17", "2017-18", "2018-19"], {y: 263_100.0 for y in ["2016-17", "2017-18", "2018-19"]})
    pooled = t["autocorrelation"].unique()
    assert len(pooled) == 1 and pooled[0] >= t["own_autocorrelation"].median()  # leaning to caution
    assert (t["p_adjusted"] >= t["p_value"] - 1e-12).all()
    types = t.drop(index=[ALL_CRIME, ASB])
    assert not types["significant"].any() and types.at["Violence and sexual offences", "p_value"] < 0.05
    assert not t.loc[[ALL_CRIME, ASB], "significant"].any()
    assert t.at[ASB, "year_variation"] < t.at[ALL_CRIME, "year_variation"] < t.at["Vehicle crime", "year_variation"]
    assert ((t["power_10"] > 0) & (t["power_10"] < t["power_20"]) & (t["power_20"] < 1)).all()
    assert (t["pace"] == "").all() and t["steps"].map(len).eq(0).all()
    inside = (t["annual_change_lower"] < t["annual_change_pct"]) & (t["annual_change_pct"] < t["annual_change_upper"])
    assert inside.all()
    # significant exactly when the interval leaves out no change (for the tests taken on their own)
    alone = t.loc[[ALL_CRIME, ASB]]
    assert not ((alone["annual_change_lower"] > 0) | (alone["annual_change_upper"] < 0)).any()


def test_benjamini_hochberg_agrees_with_statsmodels():
    from statsmodels.stats.multitest import multipletests

    from safer_analysis.analysis.trends import benjamini_hochberg

    p = np.random.default_rng(7).uniform(0, 0.2, 13)
    np.testing.assert_allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])
    assert np.isnan(benjamini_hochberg([0.01, np.nan])[1])


def test_a_given_autocorrelation_is_used_and_checked(monthly):
    counts = monthly["crime"]
    assert monthly_trend(counts, autocorrelation=0.5).autocorrelation == 0.5
    wider = monthly_trend(counts, autocorrelation=0.8)
    assert wider.p_value > monthly_trend(counts, autocorrelation=0.0).p_value
    with pytest.raises(ValueError, match="autocorrelation must be from 0"):
        monthly_trend(counts, autocorrelation=1.0)


# --- the model's arithmetic against independent calculations ------------------------------------------------------


def exact_months(growth: float, years: int = 4, level: float = 1e6, start: str = "2016-01") -> pd.Series:
    """Counts growing exactly ``growth`` a year with a season, so large that chance hardly moves them."""
    months = pd.period_range(start, periods=12 * years, freq="M")
    t = np.arange(len(months))
    return pd.Series(np.round(level * (1 + growth) ** (t / 12) * (1 + 0.1 * np.sin(2 * np.pi * t / 12))), index=months)


def test_the_fit_is_statsmodels_poisson_regression(monthly):
    """The time coefficient is the Poisson regression's, as statsmodels fits it on the same design."""
    counts = monthly["crime"]
    t = months_since_first(counts.index)
    seasons = pd.get_dummies(counts.index.month, drop_first=True).to_numpy(dtype=float)
    fit = sm.GLM(counts.to_numpy(), np.column_stack([np.ones(len(t)), t, seasons]), family=sm.families.Poisson()).fit()
    expected = float(np.expm1(12 * fit.params[1]) * 100)
    assert monthly_trend(counts).annual_change_pct == pytest.approx(expected, rel=1e-8)


def test_whole_years_swinging_set_the_standard_error_as_by_hand():
    """With month-to-month noise negligible, the slope over four whole years rests on the years
    alone: its standard error a year is sd / sqrt(sum of (year - mean year) squared) = sd / sqrt(5)."""
    result = monthly_trend(exact_months(0.05), year_variation=0.1)
    se = (math.log1p(result.annual_change_upper / 100) - math.log1p(result.annual_change_lower / 100)) / (2 * 1.959964)
    assert se == pytest.approx(0.1 / math.sqrt(5), rel=0.01)
    assert result.annual_change_pct == pytest.approx(5, abs=0.01)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(math.log(1.05) / se), rel=0.01)


def test_power_is_the_chance_of_finding_a_change_of_that_size():
    """Power at 20% a year above power at 10%; as by hand, for a known standard error: the
    normal chance of the estimate falling beyond the critical value."""
    result = monthly_trend(exact_months(0.0), year_variation=0.1)
    se = 0.1 / math.sqrt(5)
    for change, power in ((0.10, result.power_10), (0.20, result.power_20)):
        shift = math.log1p(change) / se
        assert power == pytest.approx(stats.norm.sf(1.959964 - shift) + stats.norm.cdf(-1.959964 - shift), abs=0.01)
    assert result.power_10 < result.power_20


def test_a_step_at_a_known_break_is_reported_apart_from_the_trend():
    """Counts with no trend that fall by 30% from July 2018: told of the break, the test reports
    a step of -30% and no trend; not told, it reads the fall as a trend of about -10% a year."""
    counts = trend_checks.with_step(exact_months(0.0, level=1e5), "2018-07", -0.30)
    told = monthly_trend(counts, breaks=[Break("2018-07", "", "a new scheme")], year_variation=0.05)
    (step,) = told.steps
    assert step.change_pct == pytest.approx(-30, abs=0.1) and step.p_value < 0.05 and step.what == "a new scheme"
    assert abs(told.annual_change_pct) < 0.5 and told.direction == "no significant change"
    assert monthly_trend(counts, year_variation=0.05).annual_change_pct < -8


def test_a_break_for_a_few_months_sets_only_those_months_apart():
    counts = exact_months(0.05, level=1e5)
    lockdown = counts.copy()
    inside = (counts.index >= pd.Period("2018-04", "M")) & (counts.index <= pd.Period("2018-09", "M"))
    lockdown[inside] = np.round(lockdown[inside] * 1.4)
    result = monthly_trend(lockdown, breaks=[Break("2018-04", "2018-09", "lockdown")], year_variation=0.05)
    assert result.steps[0].change_pct == pytest.approx(40, abs=0.5)
    assert result.annual_change_pct == pytest.approx(5, abs=0.1)


def test_a_break_outside_the_window_or_covering_all_of_it_adds_nothing():
    counts = exact_months(0.05, level=1e5)
    for item in (Break("2012-01"), Break("2025-01"), Break("2015-01", "2020-12")):
        assert monthly_trend(counts, breaks=[item], year_variation=0.05).steps == ()


def test_breaks_that_are_not_breaks_or_run_backwards_are_refused():
    counts = exact_months(0.0)
    with pytest.raises(ValueError, match="list of Break"):
        monthly_trend(counts, breaks=Break("2018-01"))
    with pytest.raises(ValueError, match="list of Break"):
        monthly_trend(counts, breaks=["2018-01"])
    with pytest.raises(ValueError, match="YYYY-MM"):
        monthly_trend(counts, breaks=[Break("April 2018")])
    with pytest.raises(ValueError, match="no earlier than it begins"):
        monthly_trend(counts, breaks=[Break("2018-06", "2018-01")])
    with pytest.raises(ValueError, match="year_variation"):
        monthly_trend(counts, year_variation=-0.1)


def test_the_latest_year_off_the_line_is_tested_as_a_slowing():
    """Three years rising 10% a year, then a fourth 10% below where the line would put it: the
    test of the latest year finds it against small year-to-year swings."""
    counts = exact_months(0.10, level=1e5)
    last = counts.index >= pd.Period("2019-01", "M")
    counts[last] = np.round(counts[last] * 0.9)
    result = monthly_trend(counts, year_variation=0.01)
    assert result.latest_departure_pct == pytest.approx(-10, abs=0.1)
    assert result.latest_departure_p < 0.05
    steady = monthly_trend(exact_months(0.10, level=1e5), year_variation=0.01)
    assert abs(steady.latest_departure_pct) < 0.1 and steady.latest_departure_p > 0.5


def test_the_shipped_variation_is_remade_from_the_bundled_partnership_counts():
    """The shipped all-crime and ASB rows, made from ../shared by the reference script, are what
    the same arithmetic gives on the bundled counts per partnership (the same downloads)."""
    from safer_analysis.inputs import areas, reference

    counts = pd.read_csv(ROOT / "data" / "crime" / "all-areas-counts.csv", dtype={"month": str})
    members = areas.partnerships("E23000035")["csp_code"]
    wide = trend_checks.partnership_series(counts, members, "2016-01", "2019-12")
    wide = wide[wide.mean(axis=1) >= 10]
    shipped = reference.year_variation().set_index("crime_type")
    for kind in ("All crime", ASB):
        sd, df = pooled_year_variation([v for _, v in wide.xs(kind, level="crime_type").iterrows()])
        assert shipped.at[kind, "sd"] == pytest.approx(sd, abs=5e-5) and shipped.at[kind, "df"] == df == 14
    assert shipped_year_variation("no such type") == shipped_year_variation(None)
    assert isinstance(shipped_year_variation("All crime"), YearVariation)


def test_pooled_year_variation_recovers_a_known_swing():
    rng = np.random.default_rng(11)
    months = pd.period_range("2016-01", periods=48, freq="M")
    series = [
        pd.Series(rng.poisson(500 * np.repeat(np.exp(rng.normal(0, 0.08, 4)), 12)), index=months) for _ in range(200)
    ]
    sd, df = pooled_year_variation(series)
    assert df == 400 and sd == pytest.approx(0.08, abs=0.01)


def test_a_break_where_a_compared_year_begins_is_not_read_as_a_step():
    """Three years to March 2019 rising 15% a year, with a break listed at April 2018, the first
    month of the latest twelve: a swing of that year would move a step there twice over (the
    step is the year's level against the line of the two before), so the break is named as not
    told apart and left out, and the trend is the plain one. A break in mid-year is fitted."""
    counts = exact_months(0.15, years=3, level=1e5, start="2016-04")
    at_edge = monthly_trend(counts, breaks=[Break("2018-04", "", "rules")], year_variation=0.08)
    assert at_edge.steps == () and [b.what for b in at_edge.breaks_not_separated] == ["rules"]
    assert at_edge.annual_change_pct == pytest.approx(15, abs=0.1)
    inside = monthly_trend(counts, breaks=[Break("2017-10", "", "scheme")], year_variation=0.08)
    assert len(inside.steps) == 1 and inside.breaks_not_separated == ()


def test_step_loadings_are_how_far_one_years_swing_moves_the_step():
    """Refitting after moving one whole twelve-month block up a little (0.1%) moves the fitted step by the
    loading times that (on the log scale)."""
    from safer_analysis.analysis import trend_model as tm

    counts = exact_months(0.0, years=3, level=1e5)
    index = counts.index
    for first in ("2018-01", "2017-07"):
        X = np.column_stack(
            [np.ones(36), tm.months_since_first(index), Break(first).months(index), *tm.season_columns(index)]
        )
        y = counts.to_numpy(dtype=float)
        blocks = tm.year_blocks(index)
        base, mu = tm.poisson_fit(X, y, np.zeros(36))
        moved = [
            tm.poisson_fit(X, y * np.where(blocks == b, np.exp(0.001), 1.0), np.zeros(36))[0][2] for b in (0, 1, 2)
        ]
        largest = max(abs(m - base[2]) / 0.001 for m in moved)
        assert tm.step_loadings(X, mu, blocks, [2])[0] == pytest.approx(largest, rel=1e-2)
        assert (largest > tm.MAX_STEP_LOADING) == (first == "2018-01")
