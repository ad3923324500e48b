"""Statistics against the reference implementation's expected values (PHEindicatormethods)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from safer_analysis import stats

from .conftest import SHARED

REF = SHARED / "reference" / "phe-indicator-methods"


def rows(book, sheet):
    frame = pd.read_excel(REF / book, sheet_name=sheet)
    return frame.dropna(subset=["Numerator", "Denominator"])


@pytest.mark.parametrize("confidence,lo,hi", [(0.95, "lower95_0cl", "upper95_0cl"),
                                              (0.998, "lower99_8cl", "upper99_8cl")])
def test_rate_ci_matches_the_reference(confidence, lo, hi):
    ref = rows("testdata_Rate.xlsx", "testdata_Rate")
    lower, upper = stats.rate_ci(ref["Numerator"], ref["Denominator"], multiplier=ref["multiplier"],
                                 confidence=confidence)
    np.testing.assert_allclose(lower, ref[lo], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(upper, ref[hi], rtol=1e-6, atol=1e-9)
    assert set(ref["method"]) == {"Exact", "Byars"}  # both branches are exercised


def test_rate_ci_matches_the_grouped_reference():
    ref = rows("testdata_Rate.xlsx", "testdata_Rate_g")
    for conf_text, group in ref.groupby("confidence"):
        confidence = float(str(conf_text).rstrip("%")) / 100
        lower, upper = stats.rate_ci(group["Numerator"], group["Denominator"], multiplier=group["multiplier"],
                                     confidence=confidence)
        np.testing.assert_allclose(lower, group["lowercl"], rtol=1e-6)
        np.testing.assert_allclose(upper, group["uppercl"], rtol=1e-6)


@pytest.mark.parametrize("confidence,lo,hi", [(0.95, "lower95_0cl", "upper95_0cl"),
                                              (0.998, "lower99_8cl", "upper99_8cl")])
def test_proportion_ci_matches_the_reference(confidence, lo, hi):
    ref = rows("testdata_Proportion.xlsx", "testdata_Prop")
    lower, upper = stats.proportion_ci(ref["Numerator"], ref["Denominator"], confidence=confidence)
    # some reference rows are percentages (multiplier 100)
    np.testing.assert_allclose(lower * ref["multiplier"], ref[lo], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(upper * ref["multiplier"], ref[hi], rtol=1e-6, atol=1e-9)


def test_zero_events_are_valid():
    lower, upper = stats.rate_ci(0, 1000)
    assert lower == 0 and upper == pytest.approx(3.6889, abs=1e-4)
    lo, hi = stats.proportion_ci(0, 50)
    assert lo == 0 and 0 < hi < 0.1


def test_scalars_arrays_and_series():
    lo, hi = stats.rate_ci(25, 10_000)
    assert isinstance(lo, float)
    s = pd.Series([25, 3], index=["a", "b"])
    lo_s, hi_s = stats.rate_ci(s, 10_000)
    assert list(lo_s.index) == ["a", "b"] and lo_s["a"] == pytest.approx(lo)
    lo_a, _ = stats.rate_ci(np.array([25, 3]), np.array([10_000, 10_000]))
    assert lo_a[0] == pytest.approx(lo)


@pytest.mark.parametrize("call", [
    lambda: stats.rate_ci(-1, 10), lambda: stats.rate_ci(1, 0), lambda: stats.rate_ci(1, 10, confidence=1.5),
    lambda: stats.proportion_ci(11, 10), lambda: stats.proportion_ci(1, 0), lambda: stats.rate_ci(np.nan, 10),
])
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


def test_benchmark_comparison_edges():
    assert stats.compare_with_benchmark(5.1, 6, 5) == "higher"
    assert stats.compare_with_benchmark(5.0, 6, 5) == "similar"  # touching is similar
    assert stats.compare_with_benchmark(3, 4.9, 5) == "lower"
    out = stats.compare_with_benchmark(pd.Series([1.0, 6.0]), pd.Series([2.0, 7.0]), 5)
    assert list(out) == ["lower", "higher"]
    assert stats.compare_rate(200, 10_000, 10) == "higher"  # 20 per 1,000 against 10


def test_trend_detects_a_clear_rise_and_not_a_flat_line():
    rising = stats.trend_test([1000, 1100, 1210, 1331], [100_000] * 4)
    assert rising.significant and rising.direction == "rising"
    assert rising.slope == pytest.approx(10.0, abs=0.01)
    flat = stats.trend_test([500, 510, 495, 505], [100_000] * 4)
    assert not flat.significant and flat.direction == "no significant change"
    falling = stats.trend_test([1000, 800, 640], [1e5, 1e5, 1e5])
    assert falling.direction == "falling" and falling.slope == pytest.approx(-20.0, abs=0.01)


def test_trend_uses_the_population_offset():
    # counts rise only because the population does: the rate is flat
    t = stats.trend_test([1000, 1100, 1210], [100_000, 110_000, 121_000])
    assert t.slope == pytest.approx(0.0, abs=1e-6) and not t.significant


def test_trend_needs_three_periods():
    with pytest.raises(ValueError, match="at least 3"):
        stats.trend_test([1, 2], [10, 10])


def test_funnel_limits_contain_the_target_and_narrow_with_size():
    f = stats.funnel_limits_proportion(0.2, [50, 500, 5000])
    assert (f["lower_95"] < 0.2).all() and (f["upper_95"] > 0.2).all()
    assert (np.diff(f["upper_95"] - f["lower_95"]) < 0).all()
    assert (f["lower_99.8"] < f["lower_95"]).all()
    r = stats.funnel_limits_rate(20, [1_000, 10_000, 100_000])
    assert (r["lower_95"] < 20).all() and (r["upper_95"] > 20).all()


def test_proportion_funnel_limits_match_the_reference():
    inputs = pd.read_csv(REF / "testdata_funnel_prop_inputs.csv", encoding="utf-8-sig")
    ref = pd.read_csv(REF / "testdata_funnel_prop_outputs.csv", encoding="utf-8-sig")
    target = inputs["numerator"].sum() / inputs["denominator"].sum()
    assert target * 100 == pytest.approx(ref["Baseline"].iloc[0], abs=1e-5)
    f = stats.funnel_limits_proportion(target, ref["Population"])
    np.testing.assert_allclose(f["lower_95"] * 100, ref["Lower2s0025limit"], atol=1e-5)
    np.testing.assert_allclose(f["upper_95"] * 100, ref["Upper2s0025limit"], atol=1e-5)
    np.testing.assert_allclose(f["lower_99.8"] * 100, ref["Lower3s0001limit"], atol=1e-5)
    np.testing.assert_allclose(f["upper_99.8"] * 100, ref["Upper3s0001limit"], atol=1e-5)
