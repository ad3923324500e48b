"""Funnel limits widened for overdispersion (Spiegelhalter 2005), against a hand-worked example
and the real Devon & Cornwall partnerships."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from safer_analysis.analysis import stats
from safer_analysis.inputs import areas, reference

from ..conftest import ROOT


def test_hand_worked_overdispersion():
    counts = pd.Series({"a": 120, "b": 80, "c": 300, "d": 45, "e": 210})
    pops = pd.Series({"a": 1000, "b": 1000, "c": 2000, "d": 900, "e": 1500})
    f = stats.overdispersed_funnel(counts, pops, multiplier=1)
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
    f = stats.overdispersed_funnel(counts, pops)
    assert f.attrs["tau2"] == 0 and not f.attrs["overdispersed"]
    assert f.at["a", "upper_95"] == pytest.approx(100 + 1.959963985 * math.sqrt(0.1 / 1000) * 1000)
    assert (f["verdict"] == "within the limits").all()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least three"):
        stats.overdispersed_funnel(pd.Series([1, 2]), pd.Series([10, 10]))
    with pytest.raises(ValueError, match="population above zero"):
        stats.overdispersed_funnel(pd.Series([1, 2, 3]), pd.Series([10, 0, 10]))


def test_limits_along_populations_match_the_areas():
    counts = pd.Series({"a": 120, "b": 80, "c": 300, "d": 45, "e": 210})
    pops = pd.Series({"a": 1000, "b": 1000, "c": 2000, "d": 900, "e": 1500})
    f = stats.overdispersed_funnel(counts, pops)
    line = stats.overdispersed_limits(f.attrs["target_rate"], f.attrs["tau2"], [2000])
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
        {c: reference.population_estimate(list(a), 2018).population for c, a in members["authority_codes"].items()}
    )
    assert totals["E22000056"] == 21_907  # Plymouth, as counted from the raw files
    f = stats.overdispersed_funnel(totals, pops)
    assert f.attrs["overdispersed"] and f.attrs["phi"] > 100
    t = f.attrs["target_rate"] / 1000
    poisson_outside = ((totals / pops - t).abs() > 3.090232 * np.sqrt(t / pops)).sum()
    assert poisson_outside >= 6
    assert not f["verdict"].str.contains("99.8").any()
    assert f.at["E22000056", "rate"] == pytest.approx(21_907 / 263_100 * 1000)
