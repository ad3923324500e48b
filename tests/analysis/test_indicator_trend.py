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


# ---- false calls on the real yearly series shipped with the package -------------------------------

COVID = [(2020.25, "the pandemic's restrictions")]


def _real_series() -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Every authority's yearly first-time entrants and reoffending rates (DfE's youth justice
    tables, shipped with the package), each a run of years with values above nought."""
    from safer_analysis.inputs import reference

    table = reference.read_table("dfe_youth_justice.csv")
    table = table[table["value"].str.match(r"^\d+(\.\d+)?$")]
    out: dict[str, list] = {}
    for (measure, _), rows in table.groupby(["measure", "area_code"]):
        rows = rows.sort_values("year")
        years, values = rows["year"].astype(float).to_numpy(), rows["value"].astype(float).to_numpy()
        if len(values) >= 6 and (values > 0).all() and np.allclose(np.diff(years), 1):
            out.setdefault(measure, []).append((years, values))
    return out


def _called(years, values) -> bool:
    return yearly_trend(years, values, steps=COVID).direction in ("rising", "falling")


def test_trend_free_real_yearly_series_are_rarely_called_a_trend():
    """Each real series with its own line taken out keeps what real years have (their swings, and
    the run of good and bad years); shifting its years round, or shuffling them, leaves no trend.
    At most 5% may be called one (the methods quote the rates found: about 1% to 3%)."""
    rng = np.random.default_rng(2026)
    series = _real_series()
    assert set(series) == {"FirstYJS", "ReoffYO"} and len(series["FirstYJS"]) > 100
    for measure, runs in series.items():
        shifted = shuffled = 0
        for years, values in runs:
            logs = np.log(values)
            rest = logs - np.polyval(np.polyfit(years, logs, 1), years)
            shifted += sum(_called(years, np.exp(np.roll(rest, k) + logs.mean())) for k in range(1, len(rest)))
            shuffled += sum(_called(years, rng.permutation(values)) for _ in range(5))
        windows = sum(len(years) - 1 for years, _ in runs)
        assert shifted / windows <= 0.05, (measure, shifted / windows)
        assert shuffled / (5 * len(runs)) <= 0.05, (measure, shuffled / (5 * len(runs)))


def test_a_real_fall_put_back_into_trend_free_series_is_mostly_found():
    """A fall of 20% a year added to the trend-free real series is found in at least 65% of them
    (about 72% to 88%), though a step allowed at the pandemic's break absorbs part of it."""
    for measure, runs in _real_series().items():
        found = total = 0
        for years, values in runs:
            logs = np.log(values)
            rest = logs - np.polyval(np.polyfit(years, logs, 1), years)
            for k in range(len(rest)):
                planted = np.exp(np.roll(rest, k) + logs.mean() + math.log(0.8) * (years - years[0]))
                found += yearly_trend(years, planted, steps=COVID).direction == "falling"
                total += 1
        assert found / total >= 0.65, (measure, found / total)
