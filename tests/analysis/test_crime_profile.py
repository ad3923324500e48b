"""Assessment functions against small hand-made inputs whose answers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis import crime_profile as sa
from safer_analysis.reports import strategic_assessment as report_sa


def crimes_frame(rows):
    """rows: (financial_year, month, crime_type, lsoa_code) tuples."""
    f = pd.DataFrame(rows, columns=["financial_year", "month", "crime_type", "lsoa_code"])
    f["lsoa_name"] = f["lsoa_code"].map(lambda c: None if c is None else f"Town {c}")
    return f


def test_comparison_years_keeps_those_in_the_data():
    assert sa.comparison_years("2018-19", 3, ["2016-17", "2017-18", "2018-19"]) == ["2016-17", "2017-18", "2018-19"]
    assert sa.comparison_years("2018-19", 3, ["2017-18", "2018-19"]) == ["2017-18", "2018-19"]
    with pytest.raises(ValueError):
        sa.comparison_years("2018-19", 0, [])


def test_counts_by_type_excludes_asb_from_all_crime():
    f = crimes_frame(
        [("2018-19", "2018-04", "Burglary", "A")] * 3
        + [("2018-19", "2018-05", sa.ASB, "A")] * 2
        + [("2017-18", "2017-04", "Robbery", "B")]
    )
    c = sa.counts_by_type(f, ["2017-18", "2018-19"])
    assert c.at[sa.ALL_CRIME, "2018-19"] == 3 and c.at[sa.ALL_CRIME, "2017-18"] == 1
    assert c.at[sa.ASB, "2018-19"] == 2
    assert c.at["Robbery", "2018-19"] == 0
    assert list(c.index)[0] == sa.ALL_CRIME and list(c.index)[-1] == sa.ASB


def test_complete_years_need_twelve_months():
    months = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
    f = crimes_frame([("2018-19", m, "Burglary", "A") for m in months] + [("2019-20", "2019-04", "Burglary", "A")])
    assert sa.complete_years(f) == ["2018-19"]


def test_concentration_counts_empty_places():
    # 10 LSOAs: one has 50 crimes, nine have 5 each; top 10% = 1 LSOA = 50 / 95.
    rows = [("2018-19", "2018-04", "Burglary", "L0")] * 50
    for i in range(1, 10):
        rows += [("2018-19", "2018-04", "Burglary", f"L{i}")] * 5
    rows += [("2018-19", "2018-04", sa.ASB, "L5")] * 100  # ASB is left out
    c = sa.concentration(crimes_frame(rows), "2018-19", top_share=0.1)
    assert c["top_lsoas"] == 1 and c["top_codes"] == ["L0"]
    assert c["top_share_pct"] == pytest.approx(50 / 95 * 100)
    c20 = sa.concentration(crimes_frame(rows), "2018-19", top_share=0.2, lsoas=[f"L{i}" for i in range(20)])
    assert c20["lsoas"] == 20 and c20["top_lsoas"] == 4 and c20["top_count"] == 65


def test_recurring_places_are_top_in_every_year():
    rows = []
    for y, m in [("2017-18", "2017-04"), ("2018-19", "2018-04")]:
        rows += [(y, m, "Burglary", "HOT")] * 30
        for i in range(9):
            rows += [(y, m, "Burglary", f"Q{i}")] * 2
    rows += [("2018-19", "2018-04", "Burglary", "Q1")] * 40  # busy only in one year
    r = sa.recurring_places(crimes_frame(rows), ["2017-18", "2018-19"], top_share=0.1)
    assert list(r["lsoa_code"]) == []  # Q1 outranks HOT in 2018-19, so nothing is top both years
    r2 = sa.recurring_places(crimes_frame(rows), ["2017-18", "2018-19"], top_share=0.2)
    assert list(r2["lsoa_code"]) == ["HOT"]
    assert r2.at[0, "lsoa_name"] == "Town HOT" and r2.at[0, "2017-18"] == 30


def test_monthly_pattern_has_every_month():
    f = crimes_frame([("2018-19", "2018-04", "Burglary", "A"), ("2018-19", "2019-03", sa.ASB, "A")])
    m = sa.monthly_pattern(f, "2018-19")
    assert len(m) == 12 and m["crime"].sum() == 1 and m["asb"].sum() == 1
    assert m.iloc[0]["label"] == "Apr 2018" and m.iloc[-1]["asb"] == 1


# ---- harm -----------------------------------------------------------------------------------


def test_severity_weights_are_volume_weighted_not_plain_means():
    join = pd.DataFrame(
        {
            "ONS_SEVERITY_code": ["a", "b", "b", "c"],
            "ONS_SEVERITY_weight": ["10", "1000", "1000", "5"],
            "POLICE_UK_CAT_MAP_category": ["Violence and Sexual Offences"] * 3 + ["Shoplifting"],
        }
    )
    w = sa.derive_severity_weights(join).set_index("crime_type")
    # harmonic mean of 10 and 1000 (b listed twice counts once) = 2 / (1/10 + 1/1000)
    assert w.at["Violence and sexual offences", "weight"] == pytest.approx(2 / (0.1 + 0.001))
    assert w.at["Violence and sexual offences", "offence_codes"] == 2
    vols = pd.DataFrame({"offence_code": ["a", "b", "c"], "volume": [90, 10, 1]})
    w2 = sa.derive_severity_weights(join, vols).set_index("crime_type")
    assert w2.at["Violence and sexual offences", "weight"] == pytest.approx((90 * 10 + 10 * 1000) / 100)
    with pytest.raises(ValueError, match="no volume for offence codes c"):
        sa.derive_severity_weights(join, vols.iloc[:2])


def test_harm_by_type_shares():
    counts = pd.Series({sa.ALL_CRIME: 30, "Robbery": 10, "Shoplifting": 20, sa.ASB: 100})
    weights = pd.DataFrame({"crime_type": ["Robbery", "Shoplifting", sa.ASB], "weight": [100.0, 10.0, None]})
    h = sa.harm_by_type(counts, weights)
    assert h.at["Robbery", "harm"] == 1000 and h.at["Shoplifting", "harm"] == 200
    assert h.at["Robbery", "harm_share_pct"] == pytest.approx(1000 / 1200 * 100)
    assert h.at["Robbery", "count_share_pct"] == pytest.approx(10 / 30 * 100)
    assert pd.isna(h.at[sa.ASB, "harm"]) and sa.ALL_CRIME not in h.index
    assert list(h.index)[0] == "Robbery"


# ---- ranking -----------------------------------------------------------------------------------


def ranking_inputs():
    local = pd.DataFrame(
        {
            "priority_key": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "kind": ["priority", "emerging issue", "cross-cutting issue"],
        }
    )
    scores = pd.DataFrame(
        {
            "priority_key": ["a", "b", "c"],
            "harm": [5, 4, 2],
            "likelihood": [5, 2, 2],
            "organisational_position": [4, 5, 1],
            "confidence": ["high", "low", "medium"],
            "rationale": ["", "", ""],
            "illustrative": [True] * 3,
        }
    )
    evidence = pd.DataFrame(
        {
            "crime_types": ["X", "Y"],
            "relation": ["proxy", "direct"],
            "count": [100.0, 10.0],
            "harm": [5000.0, 100.0],
            "trend_points": [1.0, 0.0],
            "trend": ["rising", "falling"],
        },
        index=pd.Index(["a", "c"], name="priority_key"),
    )
    return scores, evidence, local


def test_rank_priorities_formula():
    scores, evidence, local = ranking_inputs()
    r = sa.rank_priorities(scores, evidence, local, scale_max=5, evidence_weight=0.4).set_index("priority_key")
    assert r.at["a", "analyst_score"] == pytest.approx(100 / 125)
    # a has the higher volume, harm and trend of the two with evidence: evidence score 1.
    assert r.at["a", "evidence_score"] == pytest.approx(1.0)
    assert r.at["a", "combined_score"] == pytest.approx(0.6 * 0.8 + 0.4 * 1.0)
    assert r.at["c", "evidence_score"] == pytest.approx(0.0)
    assert r.at["c", "combined_score"] == pytest.approx(0.6 * 4 / 125)
    assert pd.isna(r.at["b", "evidence_score"]) and r.at["b", "combined_score"] == pytest.approx(40 / 125)
    assert "analyst's score only" in r.at["b", "evidence"]
    assert list(r.sort_values("rank").index) == ["a", "b", "c"]
    assert "harm very high" in r.at["a", "reason"] and "rising" in r.at["a", "reason"]


@pytest.mark.parametrize("weight", [-0.1, 1.5])
def test_evidence_weight_must_be_a_fraction(weight):
    scores, evidence, local = ranking_inputs()
    with pytest.raises(ValueError):
        sa.rank_priorities(scores, evidence, local, evidence_weight=weight)


def test_evidence_weight_zero_is_the_analysts_ranking():
    scores, evidence, local = ranking_inputs()
    r = sa.rank_priorities(scores, evidence, local, evidence_weight=0.0)
    assert list(r["combined_score"]) == list(r["analyst_score"])


def test_compare_with_named_priorities():
    scores, evidence, local = ranking_inputs()
    scores.loc[scores["priority_key"] == "a", "harm"] = 1  # a, the 2017 priority, now ranks low
    ranked = sa.rank_priorities(scores, evidence, local, evidence_weight=0.0)
    c = sa.compare_with_named_priorities(ranked).set_index("name")
    assert c.at["A", "finding"] == "named priority, now below the top 1"
    assert c.loc[c["rank"] == 1, "finding"].iloc[0] == "not a named priority, now in the top 1"


def test_coverage_is_checked():
    months = [f"2018-{m:02d}" for m in range(4, 13)]
    f = crimes_frame([("2018-19", m, "Burglary", "A") for m in months])
    report_sa.check_coverage(f, "2018-19", "Plymouth")  # 9 of 12 months: kept, and flagged by coverage()
    assert sa.coverage(f, ["2018-19"]).at["2018-19", "missing"] == ["2019-01", "2019-02", "2019-03"]
    with pytest.raises(report_sa.CrimeDataError, match="no month of 2019-20"):
        report_sa.check_coverage(f, "2019-20", "Plymouth")
    with pytest.raises(report_sa.CrimeDataError, match="not Plymouth"):
        report_sa.check_coverage(f, "2018-19", "Plymouth", {"csp": "Exeter"})
