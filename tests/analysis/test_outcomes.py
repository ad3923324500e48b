"""RAG rules at their edges, and the bundled (illustrative) returns."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis import outcomes as oc
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


def test_a_whole_service_return_is_not_treated_as_a_sample():
    # 70 of 100 against at least 75%: 5 points short, the default tolerance, so amber; no interval is used
    r = oc.rag_status(measure(), returns([(1, 70, 100, None)]))
    assert r["status"] == oc.AMBER and "upper" not in r and r["tolerance_used"] == oc.DEFAULT_POINTS
    assert oc.rag_status(measure(), returns([(1, 69, 100, None)]))["status"] == oc.RED
    # a large service 6 points short is red however many it serves
    assert oc.rag_status(measure(), returns([(1, 6900, 10000, None)]))["status"] == oc.RED


def test_a_hundred_per_cent_target_just_missed_is_amber_not_red():
    r = oc.rag_status(measure(target=100), returns([(1, 59, 60, None)]))
    assert r["value"] == pytest.approx(59 / 60) and r["status"] == oc.AMBER


def test_a_measure_sets_its_own_tolerance():
    strict = measure(target=100).copy()
    strict["tolerance"] = 1.0
    assert oc.rag_status(strict, returns([(1, 59, 60, None)]))["status"] == oc.RED  # 1.7 points short
    assert oc.rag_status(strict, returns([(1, 199, 200, None)]))["status"] == oc.AMBER  # 0.5 points short


@pytest.mark.parametrize("num,status", [(19, oc.GREEN), (20, oc.AMBER), (25, oc.AMBER), (26, oc.RED)])
def test_below_target(num, status):
    r = oc.rag_status(measure(target=20, direction="below"), returns([(1, num, 100, None)]))
    assert r["status"] == status


def test_the_quarter_a_return_is_as_at():
    assert oc.as_at("2018-19", 3) == "Q3 (April to December 2018)"
    assert oc.as_at("2018-19", 4) == "Q4 (April to March 2019)"
    assert oc.as_at("2018-19", 0) == "no return yet"


def test_counts_against_the_target_to_date():
    m = measure(kind="count", target=4, direction="at least")
    assert oc.rag_status(m, returns([(1, None, None, 1), (2, None, None, 1)]))["status"] == oc.GREEN
    r = oc.rag_status(m, returns([(1, None, None, 1), (2, None, None, 0), (3, None, None, 1), (4, None, None, 1)]))
    assert r["target_to_date"] == 4 and r["value"] == 3 and r["status"] == oc.AMBER  # short by 1, a quarter of 4
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
    assert s["SP-2018-19-01-M01"] == oc.AMBER  # 237 of 241 = 98.3% against 100%: within 5 points
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
