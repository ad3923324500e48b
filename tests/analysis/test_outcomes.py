"""RAG rules at their edges, and the bundled (illustrative) returns."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis import outcomes as oc
from safer_analysis.analysis import stats
from safer_analysis.reports.allocation_rationale import target_text


def measure(kind="proportion", target=75.0, direction="at least", mid="m"):
    return pd.Series(
        {
            "measure_id": mid,
            "measure_type": kind,
            "target": target,
            "direction": direction,
            "unit": "percent" if kind == "proportion" else "sessions",
        }
    )


def returns(rows, mid="m"):
    return pd.DataFrame(
        [{"measure_id": mid, "quarter": q, "numerator": n, "denominator": d, "value": v} for q, n, d, v in rows]
    )


def test_proportion_meeting_the_target_exactly_is_green():
    r = oc.rag_status(measure(), returns([(1, 75, 100, None)]))
    assert r["status"] == oc.GREEN and r["value"] == 0.75


def test_proportion_short_but_interval_reaches_target_is_amber():
    r = oc.rag_status(measure(), returns([(1, 70, 100, None)]))
    assert r["upper"] >= 0.75 and r["status"] == oc.AMBER


def test_proportion_with_upper_bound_below_target_is_red():
    r = oc.rag_status(measure(), returns([(1, 600, 1000, None)]))
    assert r["upper"] < 0.75 and r["status"] == oc.RED


def test_amber_red_edge_follows_the_wilson_upper_bound():
    # find the largest numerator of 200 whose upper bound is still below 75%
    n = max(k for k in range(201) if stats.proportion_ci(k, 200)[1] < 0.75)
    assert oc.rag_status(measure(), returns([(1, n, 200, None)]))["status"] == oc.RED
    assert oc.rag_status(measure(), returns([(1, n + 1, 200, None)]))["status"] == oc.AMBER


@pytest.mark.parametrize("num,status", [(19, oc.GREEN), (20, oc.AMBER), (40, oc.RED)])
def test_below_target(num, status):
    r = oc.rag_status(measure(target=20, direction="below"), returns([(1, num, 100, None)]))
    assert r["status"] == status


def test_counts_against_the_target_to_date():
    m = measure(kind="count", target=4, direction="at least")
    assert oc.rag_status(m, returns([(1, None, None, 1), (2, None, None, 1)]))["status"] == oc.GREEN
    r = oc.rag_status(m, returns([(1, None, None, 1), (2, None, None, 0), (3, None, None, 1), (4, None, None, 1)]))
    assert r["target_to_date"] == 4 and r["value"] == 3 and r["status"] == oc.AMBER  # 3 >= 75% of 4
    assert oc.rag_status(m, returns([(1, None, None, 0), (2, None, None, 1)]))["status"] == oc.RED


def test_pooled_over_quarters():
    r = oc.rag_status(measure(), returns([(1, 30, 40, None), (2, 45, 60, None)]))
    assert r["value"] == pytest.approx(0.75) and r["quarters"] == 2


def test_no_target_and_no_return_are_said():
    assert oc.rag_status(measure(target=None), returns([(1, 5, 10, None)]))["status"] == oc.NO_TARGET
    empty = pd.DataFrame(columns=["measure_id", "quarter", "numerator", "denominator", "value"])
    assert oc.rag_status(measure(), empty)["status"] == oc.NO_RETURN


def test_bundled_returns_2018_19(dataset):
    t = oc.measures_with_status(dataset.outcome_measures, dataset.allocations, dataset.outcome_returns, "2018-19")
    assert len(t) == 38
    s = t.set_index("measure_id")["status"]
    assert s["SP-2018-19-01-M02"] == oc.GREEN  # 523 of 675 = 77.5% against at least 75%
    assert s["SP-2018-19-01-M03"] == oc.AMBER  # 74 of 343 = 21.6% against below 20%
    assert s["SP-2018-19-05-M04"] == oc.RED  # 1 campaign of 2
    assert s["SP-2018-19-09-M02"] == oc.AMBER  # 97 people of 100
    assert s["SP-2018-19-01-M04"] == oc.NO_TARGET
    no_target = t[t["status"] == oc.NO_TARGET]
    assert len(no_target) == t["target"].isna().sum()  # every measure without a target is listed


def test_target_text():
    assert target_text(pd.Series({"target": 75.0, "unit": "percent", "direction": "at least"})) == "at least 75%"
    assert target_text(pd.Series({"target": 4.0, "unit": "sessions", "direction": "at least"})) == "at least 4 sessions"
    assert (
        target_text(pd.Series({"target": None, "unit": None, "direction": "increase"}))
        == "no numeric target (increase)"
    )
