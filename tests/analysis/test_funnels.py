"""Funnel-plot control limits: against the PHEindicatormethods reference workbooks, and widened for
overdispersion (Spiegelhalter 2005) against a hand-worked example and the real Devon & Cornwall
partnerships."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from safer_analysis.analysis import funnels
from safer_analysis.inputs import areas, population

from ..conftest import ROOT
from .phe_reference import REF


def test_hand_worked_overdispersion():
    counts = pd.Series({"a": 120, "b": 80, "c": 300, "d": 45, "e": 210})
    pops = pd.Series({"a": 1000, "b": 1000, "c": 2000, "d": 900, "e": 1500})
    f = funnels.overdispersed_funnel(counts, pops, multiplier=1)
    # worked with plain Python from the definitions
    t = sum(counts) / sum(pops)
    z = {k: (counts[k] / pops[k] - t) / math.sqrt(t / pops[k]) for k in counts.index}
    ordered = sorted(z.values())
    k = len(ordered)

    def quantile(q):  # linear interpolation between order statistics
        pos = q * (k - 1)
        lo = math.floor(pos)
        return ordered[lo] + (pos - lo) * (ordered[min(lo + 1, k - 1)] - ordered[lo])

    low, high = quantile(0.1), quantile(0.9)
    phi = sum(min(max(v, low), high) ** 2 for v in z.values()) / k
    w = {key: pops[key] / t for key in counts.index}
    tau2 = (k * phi - (k - 1)) / (sum(w.values()) - sum(v * v for v in w.values()) / sum(w.values()))
    assert f.attrs["target_rate"] == pytest.approx(t)
    assert f.attrs["phi"] == pytest.approx(phi, rel=1e-12)
    assert f.attrs["tau2"] == pytest.approx(tau2, rel=1e-12) and tau2 > 0
    se = math.sqrt(t / pops["c"] + tau2)
    assert f.at["c", "upper_95"] == pytest.approx(t + 1.959963985 * se, rel=1e-9)
    assert f.at["c", "z"] == pytest.approx((counts["c"] / pops["c"] - t) / se)


def test_no_overdispersion_leaves_the_poisson_limits():
    counts = pd.Series([100, 101, 99, 100, 100], index=list("abcde"))
    pops = pd.Series([1000] * 5, index=list("abcde"))
    f = funnels.overdispersed_funnel(counts, pops)
    assert f.attrs["tau2"] == 0 and not f.attrs["overdispersed"]
    assert f.at["a", "upper_95"] == pytest.approx(100 + 1.959963985 * math.sqrt(0.1 / 1000) * 1000)
    assert (f["verdict"] == "within the limits").all()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least three"):
        funnels.overdispersed_funnel(pd.Series([1, 2]), pd.Series([10, 10]))
    with pytest.raises(ValueError, match="population above zero"):
        funnels.overdispersed_funnel(pd.Series([1, 2, 3]), pd.Series([10, 0, 10]))


def test_limits_along_populations_match_the_areas():
    counts = pd.Series({"a": 120, "b": 80, "c": 300, "d": 45, "e": 210})
    pops = pd.Series({"a": 1000, "b": 1000, "c": 2000, "d": 900, "e": 1500})
    f = funnels.overdispersed_funnel(counts, pops)
    line = funnels.overdispersed_limits(f.attrs["target_rate"], f.attrs["tau2"], [2000])
    assert line.at[0, "upper_99.8"] == pytest.approx(f.at["c", "upper_99.8"])


def test_on_the_real_partnerships_of_devon_and_cornwall():
    """Rates of the eight partnerships in 2018-19 differ far beyond Poisson chance (a city against
    rural districts): plain Poisson limits would flag almost every one, widened limits none."""
    counts = pd.read_csv(ROOT / "data" / "crime" / "all-areas-counts.csv", dtype={"month": str})
    months = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
    rows = counts[counts["month"].isin(months) & (counts["crime_type"] != "Anti-social behaviour")]
    members = areas.partnerships("E23000035").set_index("csp_code")
    totals = rows.groupby("csp_code")["count"].sum().reindex(members.index)
    pops = pd.Series(
        {c: population.estimate_for_codes(a, 2018).population for c, a in members["authority_codes"].items()}
    )
    assert totals["E22000056"] == 21_907  # Plymouth, as counted from the raw files
    f = funnels.overdispersed_funnel(totals, pops)
    assert f.attrs["overdispersed"] and f.attrs["phi"] > 100
    t = f.attrs["target_rate"] / 1000
    poisson_outside = ((totals / pops - t).abs() > 3.090232 * np.sqrt(t / pops)).sum()
    assert poisson_outside >= 6
    assert not f["verdict"].str.contains("99.8").any()
    assert f.at["E22000056", "rate"] == pytest.approx(21_907 / 263_100 * 1000)


# --- control limits against the reference -------------------------------------------------------------------


@pytest.mark.shared
def test_proportion_funnel_limits_match_the_reference():
    inputs = pd.read_csv(REF / "testdata_funnel_prop_inputs.csv", encoding="utf-8-sig")
    ref = pd.read_csv(REF / "testdata_funnel_prop_outputs.csv", encoding="utf-8-sig")
    target = inputs["numerator"].sum() / inputs["denominator"].sum()
    assert target * 100 == pytest.approx(ref["Baseline"].iloc[0], abs=5e-7)
    limits = funnels.funnel_limits_proportion(target, ref["Population"])
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
    limits = funnels.funnel_limits_proportion(target, inputs["denominator"])
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
            limits = funnels.funnel_limits_rate(target, person_years, multiplier=100_000, confidences=(confidence,))
            column = f"{side}_{confidence * 100:g}"
            np.testing.assert_allclose(limits[column], ref["Events"] / person_years * 100_000, rtol=1e-5)
            np.testing.assert_allclose(limits[column], ref[f"{side}_{sd}_limit"], rtol=1e-5)


def test_rate_funnel_counts_invert_the_exact_poisson_limits():
    # the defining property, checked with scipy's chi-square directly, down to expected counts far below one
    target, multiplier = 50.0, 100_000
    denominators = np.geomspace(0.1, 1e8, 80)
    expected = target * denominators / multiplier
    limits = funnels.funnel_limits_rate(target, denominators, multiplier=multiplier)
    for confidence in funnels.FUNNEL_CONFIDENCES:
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
    props = funnels.funnel_limits_proportion(0.2, pd.Series([50, 500, 5000], index=["s", "m", "l"]))
    assert list(props.index) == ["s", "m", "l"]
    rates = funnels.funnel_limits_rate(20, [1_000, 10_000, 100_000])
    for frame, target in [(props, 0.2), (rates, 20)]:
        assert list(frame.columns) == ["denominator", "lower_95", "upper_95", "lower_99.8", "upper_99.8"]
        assert (frame["lower_99.8"] < frame["lower_95"]).all() and (frame["lower_95"] < target).all()
        assert (frame["upper_99.8"] > frame["upper_95"]).all() and (frame["upper_95"] > target).all()
        assert (np.diff(frame["upper_95"] - frame["lower_95"]) < 0).all()
    tiny = funnels.funnel_limits_proportion(0.9, [1])
    assert tiny["upper_95"].iloc[0] == 1.0 and tiny["lower_99.8"].iloc[0] == 0.0  # kept within 0 and 1


# --- edge cases and the forms of input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: funnels.funnel_limits_proportion(1.2, [10]), "proportion"),
        (lambda: funnels.funnel_limits_proportion(0.5, [0, 10]), "above zero"),
        (lambda: funnels.funnel_limits_rate(0, [10]), "target_rate"),
        (lambda: funnels.funnel_limits_rate(5, [10], confidences=(0.95, 2)), "confidence"),
    ],
)
def test_bad_funnel_input_is_refused_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_docstring_examples_hold():
    result = doctest.testmod(funnels)
    assert result.attempted >= 2 and result.failed == 0
