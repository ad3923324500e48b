"""The yearly trend test: a line on the log scale, judged against the years' own scatter."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from safer_analysis.analysis.indicator_trend import MIN_POINTS, yearly_trend


def test_the_slope_and_p_value_match_an_ordinary_regression_on_the_logs():
    years = np.arange(2016, 2025)
    values = np.array([305, 344, 302, 344, 226, 250, 136, 204, 207], dtype=float)
    fit = stats.linregress(years, np.log(values))  # scipy's regression, independent of the package
    trend = yearly_trend(years, values)
    assert trend.annual_change == pytest.approx(math.expm1(fit.slope))
    assert trend.p_value == pytest.approx(fit.pvalue)
    assert trend.direction == ("falling" if fit.pvalue < 0.05 else "no significant change")
    half = stats.t.ppf(0.975, len(years) - 2) * fit.stderr
    assert (trend.low, trend.high) == pytest.approx((math.expm1(fit.slope - half), math.expm1(fit.slope + half)))


def test_noise_around_a_flat_line_is_no_change():
    flat = [100, 120, 90, 110, 95, 115, 92, 108, 100]
    assert yearly_trend(range(2016, 2025), flat).direction == "no significant change"


@pytest.mark.parametrize(
    ("starts", "values", "reason"),
    [
        (range(2016, 2016 + MIN_POINTS - 1), [5.0] * (MIN_POINTS - 1), "the test needs"),
        ([2016, 2017, 2019, 2020, 2021], [5, 6, 7, 8, 9], "not one a year in a row"),
        (range(2016, 2021), [5, 0, 7, 8, 9], "zero or below"),
    ],
)
def test_too_few_or_uneven_years_are_not_tested(starts, values, reason):
    trend = yearly_trend(starts, values)
    assert trend.direction == "not enough data" and reason in trend.reason


def test_a_fall_a_known_break_explains_as_well_is_not_called_a_trend():
    """First-time entrants in Plymouth (DfE, 2016 to 2024): about 320 a year before the pandemic
    and about 200 after it. A straight line calls that a fall of 8% a year; with a one-off step at
    April 2020 the slope is nowhere near significant, so no trend is stated and the two levels are
    given instead. A series falling steadily through the same break keeps its trend."""
    values = [305, 344, 302, 344, 226, 250, 136, 204, 207]
    assert yearly_trend(range(2016, 2025), values).direction == "falling"
    stepped = yearly_trend(range(2016, 2025), values, steps=[(2020.25, "the pandemic")])
    assert stepped.direction == "no significant change" and stepped.step == "the pandemic"
    before = math.exp(sum(math.log(v) for v in values[:4]) / 4)
    after = math.exp(sum(math.log(v) for v in values[4:]) / 5)
    assert (stepped.before, stepped.after) == (pytest.approx(before), pytest.approx(after))
    steady = [round(400 * 0.9**k * (1.03 if k % 2 else 0.97), 1) for k in range(9)]
    assert yearly_trend(range(2016, 2025), steady, steps=[(2020.25, "the pandemic")]).direction == "falling"
