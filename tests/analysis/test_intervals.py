"""The indicator statistics against the expected values published with PHEindicatormethods.

The reference files are read from ../shared at test time and never copied into the repository.
Expected values come from those files or from closed-form results, never from this package.
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from safer_analysis.analysis import intervals

from .phe_reference import LEVELS, RTOL, complete, level, sheet

# --- rates against the reference ----------------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("confidence,lo,hi", LEVELS)
def test_rate_ci_matches_the_reference(confidence, lo, hi):
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate"))
    assert set(ref["multiplier"]) == {100, 100_000} and set(ref["method"]) == {"Exact", "Byars"}
    lower, upper = intervals.rate_ci(
        ref["Numerator"], ref["Denominator"], multiplier=ref["multiplier"], confidence=confidence
    )
    np.testing.assert_allclose(lower, ref[lo], rtol=RTOL)
    np.testing.assert_allclose(upper, ref[hi], rtol=RTOL)


@pytest.mark.shared
@pytest.mark.parametrize("confidence,lo,hi", LEVELS)
def test_rate_ci_uses_the_method_the_reference_names(confidence, lo, hi):
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate"))
    # the reference switches from exact to Byar's at 10 events
    assert ((ref["method"] == "Exact") == (ref["Numerator"] < intervals.BYARS_THRESHOLD)).all()
    for method, rows in ref.groupby("method"):
        lower, upper = intervals.poisson_ci(rows["Numerator"], confidence, method=str(method).lower())
        np.testing.assert_allclose(lower / rows["Denominator"] * rows["multiplier"], rows[lo], rtol=RTOL)
        np.testing.assert_allclose(upper / rows["Denominator"] * rows["multiplier"], rows[hi], rtol=RTOL)


@pytest.mark.shared
def test_rate_ci_matches_the_reference_for_grouped_data():
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate_g"))
    assert len(ref) == 9
    for text, rows in ref.groupby("confidence"):
        lower, upper = intervals.rate_ci(
            rows["Numerator"], rows["Denominator"], multiplier=rows["multiplier"], confidence=level(str(text))
        )
        np.testing.assert_allclose(lower, rows["lowercl"], rtol=RTOL)
        np.testing.assert_allclose(upper, rows["uppercl"], rtol=RTOL)


@pytest.mark.shared
def test_missing_values_in_the_reference_are_refused_rather_than_passed_through():
    ref = sheet("testdata_Rate.xlsx", "testdata_Rate")
    missing = ref[ref["Numerator"].isna() | ref["Denominator"].isna()]
    assert len(missing) == 3  # the reference returns NaN limits for these
    for _, row in missing.iterrows():
        with pytest.raises(ValueError, match="finite"):
            intervals.rate_ci(row["Numerator"], row["Denominator"], multiplier=row["multiplier"])


@pytest.mark.shared
def test_byars_method_matches_the_reference():
    ref = sheet("testdata_Byars_Wilson.xlsx", "testdata_B_W")
    ref = ref[ref["method"] == "Byars"]
    assert len(ref) == 7
    for _, row in ref.iterrows():
        lower, upper = intervals.poisson_ci(row["x"], level(row["confidence"]), method="byars")
        # one event at 99.8% is beyond Byar's approximation: the reference gives no lower limit
        np.testing.assert_allclose([lower, upper], [row["lowercl"], row["uppercl"]], rtol=RTOL, equal_nan=True)
    assert ref["lowercl"].isna().sum() == 1


# --- proportions against the reference ----------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("confidence,lo,hi", LEVELS)
def test_proportion_ci_matches_the_reference(confidence, lo, hi):
    ref = complete(sheet("testdata_Proportion.xlsx", "testdata_Prop"))
    assert set(ref["multiplier"]) == {1, 100}  # proportions of 1 and percentages
    lower, upper = intervals.proportion_ci(ref["Numerator"], ref["Denominator"], confidence=confidence)
    np.testing.assert_allclose(lower * ref["multiplier"], ref[lo], rtol=RTOL)
    np.testing.assert_allclose(upper * ref["multiplier"], ref[hi], rtol=RTOL)


@pytest.mark.shared
def test_proportion_ci_matches_the_reference_for_grouped_data():
    ref = complete(sheet("testdata_Proportion.xlsx", "testdata_Prop_g"))
    assert len(ref) == 8 and set(ref["confidence"]) == {"95%"}
    lower, upper = intervals.proportion_ci(ref["Numerator"], ref["Denominator"], confidence=0.95)
    np.testing.assert_allclose(lower, ref["lowercl"], rtol=RTOL)
    np.testing.assert_allclose(upper, ref["uppercl"], rtol=RTOL)


@pytest.mark.shared
def test_wilson_method_matches_the_reference():
    ref = sheet("testdata_Byars_Wilson.xlsx", "testdata_B_W")
    ref = ref[ref["method"] == "Wilson"]
    assert len(ref) == 6
    for _, row in ref.iterrows():  # includes a fractional numerator, 0.445 of 1
        lower, upper = intervals.proportion_ci(row["x"], row["n"], confidence=level(row["confidence"]))
        np.testing.assert_allclose([lower, upper], [row["lowercl"], row["uppercl"]], rtol=RTOL)


# --- funnel plots against the reference ---------------------------------------------------------------------------


def test_zero_events_are_valid():
    lower, upper = intervals.rate_ci(0, 1000)
    # exact upper limit for no events: the mean at which P(0 events) is 2.5%
    assert lower == 0 and upper == pytest.approx(-math.log(0.025), rel=1e-12)
    lower, upper = intervals.poisson_ci(0, method="byars")
    assert lower == 0 and upper > 0
    z = scipy_stats.norm.ppf(0.975)
    lo, hi = intervals.proportion_ci(0, 50)
    assert lo == 0 and hi == pytest.approx(z**2 / (50 + z**2), rel=1e-12)
    lo, hi = intervals.proportion_ci(50, 50)
    assert hi == 1 and lo == pytest.approx(50 / (50 + z**2), rel=1e-12)
    assert intervals.rate(0, 100) == 0


def test_scalars_lists_arrays_and_series():
    lower, upper = intervals.rate_ci(25, 10_000)
    assert isinstance(lower, float) and isinstance(upper, float)
    counts = pd.Series([25, 3], index=["Plymouth", "Torbay"])
    lo_s, hi_s = intervals.rate_ci(counts, 10_000)
    assert isinstance(lo_s, pd.Series) and list(lo_s.index) == ["Plymouth", "Torbay"]
    assert lo_s["Plymouth"] == pytest.approx(lower) and hi_s["Plymouth"] == pytest.approx(upper)
    lo_d, _ = intervals.rate_ci(25, pd.Series([10_000], index=["x"]))  # a Series anywhere gives a Series
    assert list(lo_d.index) == ["x"]
    lo_a, hi_a = intervals.rate_ci(np.array([25, 3]), np.array([10_000, 10_000]))
    lo_l, _ = intervals.rate_ci([25, 3], 10_000)
    assert isinstance(lo_a, np.ndarray) and isinstance(lo_l, np.ndarray)
    np.testing.assert_allclose(lo_a, lo_s.to_numpy())
    np.testing.assert_allclose(lo_l, lo_a)
    assert hi_a[1] == pytest.approx(intervals.rate_ci(3, 10_000)[1])
    p_lo, _ = intervals.proportion_ci(pd.Series([5, 20], index=[7, 8]), pd.Series([100, 100], index=[7, 8]))
    assert list(p_lo.index) == [7, 8] and p_lo[7] == pytest.approx(intervals.proportion_ci(5, 100)[0])
    assert intervals.rate(25, 10_000) == pytest.approx(2.5)
    assert list(intervals.rate(counts, 1000, multiplier=100_000)) == pytest.approx([2500.0, 300.0])


@pytest.mark.shared
def test_integer_and_nullable_series_are_accepted():
    counts = pd.Series([1, 20], dtype="Int64")
    lower, _ = intervals.rate_ci(counts, 100, multiplier=100)
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate")).iloc[[0, 2]]
    np.testing.assert_allclose(lower, ref["lower95_0cl"], rtol=RTOL)


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: intervals.rate_ci(-1, 10), "zero or more"),
        (lambda: intervals.rate_ci(1, 0), "above zero"),
        (lambda: intervals.rate_ci(1, -10), "above zero"),
        (lambda: intervals.rate_ci(np.nan, 10), "finite"),
        (lambda: intervals.rate_ci(np.inf, 10), "finite"),
        (lambda: intervals.rate_ci(1, np.nan), "finite"),
        (lambda: intervals.rate_ci("five", 10), "numbers"),
        (lambda: intervals.rate_ci(1, 10, multiplier=0), "multiplier"),
        (lambda: intervals.rate_ci(1, 10, confidence=1.5), "confidence"),
        (lambda: intervals.rate_ci(1, 10, confidence=0), "confidence"),
        (lambda: intervals.rate_ci(1, 10, confidence=1), "confidence"),
        (lambda: intervals.rate_ci([1, 2], [10, 20, 30]), "matching lengths"),
        (lambda: intervals.rate_ci(pd.Series([1, 2]), pd.Series([10, 20], index=[5, 6])), "same index"),
        (lambda: intervals.rate_ci(pd.Series([4, -2], index=["a", "b"]), 100), "'b'"),
        (lambda: intervals.rate(1, 0), "above zero"),
        (lambda: intervals.poisson_ci(5, method="normal"), "method"),
        (lambda: intervals.proportion_ci(11, 10), "larger than its denominator"),
        (lambda: intervals.proportion_ci(1, 0), "above zero"),
        (lambda: intervals.proportion_ci(-1, 10), "zero or more"),
        (lambda: intervals.proportion_ci(1, 10, confidence=-0.95), "confidence"),
        (lambda: intervals.compare_with_benchmark(6, 5, 5), "lower limit"),
        (lambda: intervals.compare_with_benchmark(np.nan, 5, 5), "finite"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- comparison with a benchmark ----------------------------------------------------------------------------------


def test_benchmark_comparison_edges():
    assert intervals.compare_with_benchmark(5.1, 6, 5) == "higher"
    assert intervals.compare_with_benchmark(5.0, 6, 5) == "similar"  # touching from above
    assert intervals.compare_with_benchmark(4.0, 5, 5) == "similar"  # touching from below
    assert intervals.compare_with_benchmark(5.0, 5.0, 5) == "similar"
    assert intervals.compare_with_benchmark(3, 4.9, 5) == "lower"
    out = intervals.compare_with_benchmark(
        pd.Series([1.0, 6.0, 4.0], index=list("abc")), pd.Series([2.0, 7.0, 6.0], index=list("abc")), 5
    )
    assert out.to_dict() == {"a": "lower", "b": "higher", "c": "similar"}
    arr = intervals.compare_with_benchmark(np.array([1.0, 6.0]), np.array([2.0, 7.0]), np.array([5, 8]))
    assert list(arr) == ["lower", "lower"]


def test_compare_rate_against_the_reference_interval():
    # Area7 in the reference: 222 events in 3,215, per 100, 95% interval 6.026575 to 7.875729
    benchmarks = pd.Series([6.0, 6.03, 7.0, 7.87, 7.9], index=list("vwxyz"))
    out = intervals.compare_rate(222, 3215, benchmarks, multiplier=100)
    assert out.to_dict() == {"v": "higher", "w": "similar", "x": "similar", "y": "similar", "z": "lower"}
    # at 99.8% the interval is 5.560738 to 8.461047
    assert intervals.compare_rate(222, 3215, 6.0, multiplier=100, confidence=0.998) == "similar"
    assert intervals.compare_rate(200, 10_000, 10) == "higher"  # 20 per 1,000 against 10


def test_compare_proportion_against_the_reference_interval():
    # Area4 in the reference: 65 of 100, 95% interval 0.552544 to 0.736358
    assert intervals.compare_proportion(65, 100, 0.55) == "higher"
    assert intervals.compare_proportion(65, 100, 0.56) == "similar"
    assert intervals.compare_proportion(65, 100, 0.74) == "lower"


def test_docstring_examples_hold():
    result = doctest.testmod(intervals)
    assert result.attempted >= 10 and result.failed == 0
