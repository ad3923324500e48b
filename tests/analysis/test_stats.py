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

from safer_analysis.analysis import stats

from ..conftest import SHARED

REF = SHARED / "reference" / "phe-indicator-methods"
#: The interval functions agree with the reference workbooks to about 1e-14; this leaves room for platform noise.
RTOL = 1e-9
LEVELS = [(0.95, "lower95_0cl", "upper95_0cl"), (0.998, "lower99_8cl", "upper99_8cl")]


def sheet(book: str, name: str) -> pd.DataFrame:
    return pd.read_excel(REF / book, sheet_name=name)


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with both a numerator and a denominator (the others are the reference's missing-value cases)."""
    return frame.dropna(subset=["Numerator", "Denominator"])


def level(text: str) -> float:
    """A confidence written as in the reference ("95%", "99.8%") as a fraction."""
    return float(text.rstrip("%")) / 100


# --- rates against the reference ----------------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("confidence,lo,hi", LEVELS)
def test_rate_ci_matches_the_reference(confidence, lo, hi):
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate"))
    assert set(ref["multiplier"]) == {100, 100_000} and set(ref["method"]) == {"Exact", "Byars"}
    lower, upper = stats.rate_ci(
        ref["Numerator"], ref["Denominator"], multiplier=ref["multiplier"], confidence=confidence
    )
    np.testing.assert_allclose(lower, ref[lo], rtol=RTOL)
    np.testing.assert_allclose(upper, ref[hi], rtol=RTOL)


@pytest.mark.shared
@pytest.mark.parametrize("confidence,lo,hi", LEVELS)
def test_rate_ci_uses_the_method_the_reference_names(confidence, lo, hi):
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate"))
    # the reference switches from exact to Byar's at 10 events
    assert ((ref["method"] == "Exact") == (ref["Numerator"] < stats.BYARS_THRESHOLD)).all()
    for method, rows in ref.groupby("method"):
        lower, upper = stats.poisson_ci(rows["Numerator"], confidence, method=str(method).lower())
        np.testing.assert_allclose(lower / rows["Denominator"] * rows["multiplier"], rows[lo], rtol=RTOL)
        np.testing.assert_allclose(upper / rows["Denominator"] * rows["multiplier"], rows[hi], rtol=RTOL)


@pytest.mark.shared
def test_rate_ci_matches_the_reference_for_grouped_data():
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate_g"))
    assert len(ref) == 9
    for text, rows in ref.groupby("confidence"):
        lower, upper = stats.rate_ci(
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
            stats.rate_ci(row["Numerator"], row["Denominator"], multiplier=row["multiplier"])


@pytest.mark.shared
def test_byars_method_matches_the_reference():
    ref = sheet("testdata_Byars_Wilson.xlsx", "testdata_B_W")
    ref = ref[ref["method"] == "Byars"]
    assert len(ref) == 7
    for _, row in ref.iterrows():
        lower, upper = stats.poisson_ci(row["x"], level(row["confidence"]), method="byars")
        # one event at 99.8% is beyond Byar's approximation: the reference gives no lower limit
        np.testing.assert_allclose([lower, upper], [row["lowercl"], row["uppercl"]], rtol=RTOL, equal_nan=True)
    assert ref["lowercl"].isna().sum() == 1


# --- proportions against the reference ----------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("confidence,lo,hi", LEVELS)
def test_proportion_ci_matches_the_reference(confidence, lo, hi):
    ref = complete(sheet("testdata_Proportion.xlsx", "testdata_Prop"))
    assert set(ref["multiplier"]) == {1, 100}  # proportions of 1 and percentages
    lower, upper = stats.proportion_ci(ref["Numerator"], ref["Denominator"], confidence=confidence)
    np.testing.assert_allclose(lower * ref["multiplier"], ref[lo], rtol=RTOL)
    np.testing.assert_allclose(upper * ref["multiplier"], ref[hi], rtol=RTOL)


@pytest.mark.shared
def test_proportion_ci_matches_the_reference_for_grouped_data():
    ref = complete(sheet("testdata_Proportion.xlsx", "testdata_Prop_g"))
    assert len(ref) == 8 and set(ref["confidence"]) == {"95%"}
    lower, upper = stats.proportion_ci(ref["Numerator"], ref["Denominator"], confidence=0.95)
    np.testing.assert_allclose(lower, ref["lowercl"], rtol=RTOL)
    np.testing.assert_allclose(upper, ref["uppercl"], rtol=RTOL)


@pytest.mark.shared
def test_wilson_method_matches_the_reference():
    ref = sheet("testdata_Byars_Wilson.xlsx", "testdata_B_W")
    ref = ref[ref["method"] == "Wilson"]
    assert len(ref) == 6
    for _, row in ref.iterrows():  # includes a fractional numerator, 0.445 of 1
        lower, upper = stats.proportion_ci(row["x"], row["n"], confidence=level(row["confidence"]))
        np.testing.assert_allclose([lower, upper], [row["lowercl"], row["uppercl"]], rtol=RTOL)


# --- funnel plots against the reference ---------------------------------------------------------------------------


@pytest.mark.shared
def test_proportion_funnel_limits_match_the_reference():
    inputs = pd.read_csv(REF / "testdata_funnel_prop_inputs.csv", encoding="utf-8-sig")
    ref = pd.read_csv(REF / "testdata_funnel_prop_outputs.csv", encoding="utf-8-sig")
    target = inputs["numerator"].sum() / inputs["denominator"].sum()
    assert target * 100 == pytest.approx(ref["Baseline"].iloc[0], abs=5e-7)
    limits = stats.funnel_limits_proportion(target, ref["Population"])
    np.testing.assert_array_equal(limits["denominator"], ref["Population"])
    # the reference gives percentages to 6 decimal places
    for ours, theirs in [
        ("lower_95", "Lower2s0025limit"),
        ("upper_95", "Upper2s0025limit"),
        ("lower_99.8", "Lower3s0001limit"),
        ("upper_99.8", "Upper3s0001limit"),
    ]:
        np.testing.assert_allclose(limits[ours] * 100, ref[theirs], rtol=0, atol=5e-7 + 1e-12)


@pytest.mark.shared
def test_proportion_funnel_places_each_reference_area_where_the_reference_does():
    inputs = pd.read_csv(REF / "testdata_funnel_prop_inputs.csv", encoding="utf-8-sig")
    target = inputs["numerator"].sum() / inputs["denominator"].sum()
    limits = stats.funnel_limits_proportion(target, inputs["denominator"])
    value = inputs["numerator"] / inputs["denominator"]
    expected = np.select(
        [
            value > limits["upper_99.8"],
            value > limits["upper_95"],
            value < limits["lower_99.8"],
            value < limits["lower_95"],
        ],
        ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"],
        default="Not significant",
    )
    assert list(expected) == list(inputs["significance"])
    assert inputs["significance"].nunique() == 5  # every band is exercised


@pytest.mark.shared
def test_rate_funnel_limits_match_the_reference():
    inputs = pd.read_csv(REF / "testdata_funnel_rate_input_funnels.csv")
    ref = pd.read_csv(REF / "testdata_funnel_rate_outputs.csv")
    assert set(ref["statistic"]) == {"rate (dsr per 100,000)"} and set(ref["method"]) == {"Poisson"}
    # directly standardised rates: the derived denominator is events / rate, spread over three years
    derived = inputs["ev"] / inputs["rate"] * 100_000
    np.testing.assert_allclose(inputs["denominator_derived_crude"], derived / 3, rtol=1e-9)
    target = inputs["ev"].sum() / derived.sum() * 100_000
    assert target == pytest.approx(ref["baseline"].iloc[0], rel=1e-9)
    # The reference gives, for each count of events, the yearly population at which that count sits
    # on each limit. At three times that population our limit must be that count's rate. The
    # reference found its populations numerically (to about 1e-6), hence the tolerance.
    for sd, confidence in [("2s", 0.95), ("3s", 0.998)]:
        for side in ("lower", "upper"):
            person_years = 3 * ref[f"{side}_{sd}_population_1_year"]
            limits = stats.funnel_limits_rate(target, person_years, multiplier=100_000, confidences=(confidence,))
            column = f"{side}_{confidence * 100:g}"
            np.testing.assert_allclose(limits[column], ref["Events"] / person_years * 100_000, rtol=1e-5)
            np.testing.assert_allclose(limits[column], ref[f"{side}_{sd}_limit"], rtol=1e-5)


def test_rate_funnel_counts_invert_the_exact_poisson_limits():
    # the defining property, checked with scipy's chi-square directly, down to expected counts far below one
    target, multiplier = 50.0, 100_000
    denominators = np.geomspace(0.1, 1e8, 80)
    expected = target * denominators / multiplier
    limits = stats.funnel_limits_rate(target, denominators, multiplier=multiplier)
    for confidence in stats.FUNNEL_CONFIDENCES:
        alpha, tag = 1 - confidence, f"{confidence * 100:g}"
        lower = limits[f"lower_{tag}"] * denominators / multiplier
        upper = limits[f"upper_{tag}"] * denominators / multiplier
        np.testing.assert_allclose(scipy_stats.chi2.ppf(alpha / 2, 2 * upper) / 2, expected, rtol=1e-9)
        positive = lower > 0
        assert 0 < positive.sum() < len(positive)  # small denominators have no lower limit
        np.testing.assert_allclose(
            scipy_stats.chi2.ppf(1 - alpha / 2, 2 * (lower[positive] + 1)) / 2, expected[positive], rtol=1e-9
        )
        # where even one event is less likely than alpha / 2, one event is above the upper limit
        one_is_unusual = -np.expm1(-expected) < alpha / 2
        assert 0 < one_is_unusual.sum() < len(one_is_unusual)
        np.testing.assert_array_equal(upper < 1, one_is_unusual)


def test_funnel_limits_surround_the_target_and_narrow():
    props = stats.funnel_limits_proportion(0.2, pd.Series([50, 500, 5000], index=["s", "m", "l"]))
    assert list(props.index) == ["s", "m", "l"]
    rates = stats.funnel_limits_rate(20, [1_000, 10_000, 100_000])
    for frame, target in [(props, 0.2), (rates, 20)]:
        assert list(frame.columns) == ["denominator", "lower_95", "upper_95", "lower_99.8", "upper_99.8"]
        assert (frame["lower_99.8"] < frame["lower_95"]).all() and (frame["lower_95"] < target).all()
        assert (frame["upper_99.8"] > frame["upper_95"]).all() and (frame["upper_95"] > target).all()
        assert (np.diff(frame["upper_95"] - frame["lower_95"]) < 0).all()
    tiny = stats.funnel_limits_proportion(0.9, [1])
    assert tiny["upper_95"].iloc[0] == 1.0 and tiny["lower_99.8"].iloc[0] == 0.0  # kept within 0 and 1


# --- edge cases and the forms of input ----------------------------------------------------------------------------


def test_zero_events_are_valid():
    lower, upper = stats.rate_ci(0, 1000)
    # exact upper limit for no events: the mean at which P(0 events) is 2.5%
    assert lower == 0 and upper == pytest.approx(-math.log(0.025), rel=1e-12)
    lower, upper = stats.poisson_ci(0, method="byars")
    assert lower == 0 and upper > 0
    z = scipy_stats.norm.ppf(0.975)
    lo, hi = stats.proportion_ci(0, 50)
    assert lo == 0 and hi == pytest.approx(z**2 / (50 + z**2), rel=1e-12)
    lo, hi = stats.proportion_ci(50, 50)
    assert hi == 1 and lo == pytest.approx(50 / (50 + z**2), rel=1e-12)
    assert stats.rate(0, 100) == 0


def test_scalars_lists_arrays_and_series():
    lower, upper = stats.rate_ci(25, 10_000)
    assert isinstance(lower, float) and isinstance(upper, float)
    counts = pd.Series([25, 3], index=["Plymouth", "Torbay"])
    lo_s, hi_s = stats.rate_ci(counts, 10_000)
    assert isinstance(lo_s, pd.Series) and list(lo_s.index) == ["Plymouth", "Torbay"]
    assert lo_s["Plymouth"] == pytest.approx(lower) and hi_s["Plymouth"] == pytest.approx(upper)
    lo_d, _ = stats.rate_ci(25, pd.Series([10_000], index=["x"]))  # a Series anywhere gives a Series
    assert list(lo_d.index) == ["x"]
    lo_a, hi_a = stats.rate_ci(np.array([25, 3]), np.array([10_000, 10_000]))
    lo_l, _ = stats.rate_ci([25, 3], 10_000)
    assert isinstance(lo_a, np.ndarray) and isinstance(lo_l, np.ndarray)
    np.testing.assert_allclose(lo_a, lo_s.to_numpy())
    np.testing.assert_allclose(lo_l, lo_a)
    assert hi_a[1] == pytest.approx(stats.rate_ci(3, 10_000)[1])
    p_lo, _ = stats.proportion_ci(pd.Series([5, 20], index=[7, 8]), pd.Series([100, 100], index=[7, 8]))
    assert list(p_lo.index) == [7, 8] and p_lo[7] == pytest.approx(stats.proportion_ci(5, 100)[0])
    assert stats.rate(25, 10_000) == pytest.approx(2.5)
    assert list(stats.rate(counts, 1000, multiplier=100_000)) == pytest.approx([2500.0, 300.0])


@pytest.mark.shared
def test_integer_and_nullable_series_are_accepted():
    counts = pd.Series([1, 20], dtype="Int64")
    lower, _ = stats.rate_ci(counts, 100, multiplier=100)
    ref = complete(sheet("testdata_Rate.xlsx", "testdata_Rate")).iloc[[0, 2]]
    np.testing.assert_allclose(lower, ref["lower95_0cl"], rtol=RTOL)


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: stats.rate_ci(-1, 10), "zero or more"),
        (lambda: stats.rate_ci(1, 0), "above zero"),
        (lambda: stats.rate_ci(1, -10), "above zero"),
        (lambda: stats.rate_ci(np.nan, 10), "finite"),
        (lambda: stats.rate_ci(np.inf, 10), "finite"),
        (lambda: stats.rate_ci(1, np.nan), "finite"),
        (lambda: stats.rate_ci("five", 10), "numbers"),
        (lambda: stats.rate_ci(1, 10, multiplier=0), "multiplier"),
        (lambda: stats.rate_ci(1, 10, confidence=1.5), "confidence"),
        (lambda: stats.rate_ci(1, 10, confidence=0), "confidence"),
        (lambda: stats.rate_ci(1, 10, confidence=1), "confidence"),
        (lambda: stats.rate_ci([1, 2], [10, 20, 30]), "matching lengths"),
        (lambda: stats.rate_ci(pd.Series([1, 2]), pd.Series([10, 20], index=[5, 6])), "same index"),
        (lambda: stats.rate_ci(pd.Series([4, -2], index=["a", "b"]), 100), "'b'"),
        (lambda: stats.rate(1, 0), "above zero"),
        (lambda: stats.poisson_ci(5, method="normal"), "method"),
        (lambda: stats.proportion_ci(11, 10), "larger than its denominator"),
        (lambda: stats.proportion_ci(1, 0), "above zero"),
        (lambda: stats.proportion_ci(-1, 10), "zero or more"),
        (lambda: stats.proportion_ci(1, 10, confidence=-0.95), "confidence"),
        (lambda: stats.compare_with_benchmark(6, 5, 5), "lower limit"),
        (lambda: stats.compare_with_benchmark(np.nan, 5, 5), "finite"),
        (lambda: stats.funnel_limits_proportion(1.2, [10]), "proportion"),
        (lambda: stats.funnel_limits_proportion(0.5, [0, 10]), "above zero"),
        (lambda: stats.funnel_limits_rate(0, [10]), "target_rate"),
        (lambda: stats.funnel_limits_rate(5, [10], confidences=(0.95, 2)), "confidence"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- comparison with a benchmark ----------------------------------------------------------------------------------


def test_benchmark_comparison_edges():
    assert stats.compare_with_benchmark(5.1, 6, 5) == "higher"
    assert stats.compare_with_benchmark(5.0, 6, 5) == "similar"  # touching from above
    assert stats.compare_with_benchmark(4.0, 5, 5) == "similar"  # touching from below
    assert stats.compare_with_benchmark(5.0, 5.0, 5) == "similar"
    assert stats.compare_with_benchmark(3, 4.9, 5) == "lower"
    out = stats.compare_with_benchmark(
        pd.Series([1.0, 6.0, 4.0], index=list("abc")), pd.Series([2.0, 7.0, 6.0], index=list("abc")), 5
    )
    assert out.to_dict() == {"a": "lower", "b": "higher", "c": "similar"}
    arr = stats.compare_with_benchmark(np.array([1.0, 6.0]), np.array([2.0, 7.0]), np.array([5, 8]))
    assert list(arr) == ["lower", "lower"]


def test_compare_rate_against_the_reference_interval():
    # Area7 in the reference: 222 events in 3,215, per 100, 95% interval 6.026575 to 7.875729
    benchmarks = pd.Series([6.0, 6.03, 7.0, 7.87, 7.9], index=list("vwxyz"))
    out = stats.compare_rate(222, 3215, benchmarks, multiplier=100)
    assert out.to_dict() == {"v": "higher", "w": "similar", "x": "similar", "y": "similar", "z": "lower"}
    # at 99.8% the interval is 5.560738 to 8.461047
    assert stats.compare_rate(222, 3215, 6.0, multiplier=100, confidence=0.998) == "similar"
    assert stats.compare_rate(200, 10_000, 10) == "higher"  # 20 per 1,000 against 10


def test_compare_proportion_against_the_reference_interval():
    # Area4 in the reference: 65 of 100, 95% interval 0.552544 to 0.736358
    assert stats.compare_proportion(65, 100, 0.55) == "higher"
    assert stats.compare_proportion(65, 100, 0.56) == "similar"
    assert stats.compare_proportion(65, 100, 0.74) == "lower"


# --- trend test ---------------------------------------------------------------------------------------------------


def test_docstring_examples_hold():
    result = doctest.testmod(stats)
    assert result.attempted >= 10 and result.failed == 0
