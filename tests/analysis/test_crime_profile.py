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
    # 10 LSOAs: one has 50 crimes, nine have 5 each; the top 10% is exactly 1 LSOA = 50 / 95.
    rows = [("2018-19", "2018-04", "Burglary", "L0")] * 50
    for i in range(1, 10):
        rows += [("2018-19", "2018-04", "Burglary", f"L{i}")] * 5
    rows += [("2018-19", "2018-04", sa.ASB, "L5")] * 100  # ASB is left out
    c = sa.concentration(crimes_frame(rows), "2018-19", top_share=0.1)
    assert c["top_lsoas"] == 1 and c["top_codes"] == ["L0"]
    assert c["top_share_pct"] == pytest.approx(50 / 95 * 100)
    c20 = sa.concentration(crimes_frame(rows), "2018-19", top_share=0.2, lsoas=[f"L{i}" for i in range(20)])
    assert c20["lsoas"] == 20 and c20["top_lsoas"] == 4 and c20["top_count"] == 65
    assert c20["top_share_pct"] == pytest.approx(65 / 95 * 100)


def test_the_top_share_is_interpolated_not_rounded_up():
    # 161 places as in Plymouth: the top 10% is 16.1 places, so 16 whole places and a tenth of the 17th.
    counts = list(range(161, 0, -1))  # 161, 160, ..., 1
    total = sum(counts)
    expected = (sum(counts[:16]) + 0.1 * counts[16]) / total
    assert sa.share_in_top(counts, 0.1) == pytest.approx(expected, rel=1e-12)
    assert sa.share_in_top(counts, 0.1) < sum(counts[:17]) / total  # not 17 places (10.6%)
    assert sa.share_in_top(counts, 1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        sa.share_in_top(counts, 0)


def test_gini_against_the_mean_absolute_difference():
    # the definition: G = sum |xi - xj| over all pairs i, j / (2 n^2 mean), worked here by brute force
    counts = [0, 3, 3, 7, 12, 40, 1, 0, 5]
    n, mean = len(counts), sum(counts) / len(counts)
    brute = sum(abs(a - b) for a in counts for b in counts) / (2 * n * n * mean)
    assert sa.gini(counts) == pytest.approx(brute, rel=1e-12)
    assert sa.gini([5, 5, 5]) == 0
    assert sa.gini([0, 0, 0, 10]) == pytest.approx(0.75)


def test_the_concentration_curve_runs_from_corner_to_corner():
    curve = sa.lorenz([0, 6, 2, 2])
    assert list(curve["place_share"]) == [0, 0.25, 0.5, 0.75, 1]
    assert list(curve["crime_share"]) == [0, 0.6, 0.8, 1.0, 1.0]


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


def test_coverage_is_checked():
    months = [f"2018-{m:02d}" for m in range(4, 13)]
    f = crimes_frame([("2018-19", m, "Burglary", "A") for m in months])
    report_sa.check_coverage(f, "2018-19", "Plymouth")  # 9 of 12 months: kept, and flagged by coverage()
    assert sa.coverage(f, ["2018-19"]).at["2018-19", "missing"] == ["2019-01", "2019-02", "2019-03"]
    with pytest.raises(report_sa.CrimeDataError, match="no month of 2019-20"):
        report_sa.check_coverage(f, "2019-20", "Plymouth")
    with pytest.raises(report_sa.CrimeDataError, match="not Plymouth"):
        report_sa.check_coverage(f, "2018-19", "Plymouth", {"csp": "Exeter"})


def test_concentration_on_the_real_plymouth_2018_19_rows():
    """The share and Gini of the real extract, counted here with plain Python over its rows."""
    from collections import Counter

    import pyarrow.parquet as pq

    from ..conftest import CRIME_FILE

    rows = pq.read_table(CRIME_FILE, columns=["financial_year", "crime_type", "lsoa_code"]).to_pylist()
    every = {
        r["lsoa_code"] for r in rows if r["lsoa_code"] and r["financial_year"] in ("2016-17", "2017-18", "2018-19")
    }
    counts = Counter(
        r["lsoa_code"]
        for r in rows
        if r["financial_year"] == "2018-19" and r["crime_type"] != sa.ASB and r["lsoa_code"]
    )
    values = sorted((counts.get(code, 0) for code in every), reverse=True)
    assert len(values) == 161 and sum(values) == 21_907
    top = (sum(values[:16]) + 0.1 * values[16]) / sum(values)  # 10% of 161 is 16.1 places
    n, mean = len(values), sum(values) / len(values)
    brute_gini = sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)
    frame = pq.read_table(CRIME_FILE).to_pandas()
    c = sa.concentration(frame, "2018-19", top_share=0.1, lsoas=sorted(every))
    assert c["top_share_pct"] == pytest.approx(top * 100, rel=1e-12) and round(c["top_share_pct"], 1) == 35.2
    assert c["gini"] == pytest.approx(brute_gini, rel=1e-12) and round(c["gini"], 2) == 0.45
