"""Counts by ward and by month against independent counts of the real Plymouth data (question
(a): burglaries per ward last financial year and which ward rose most; (b): anti-social
behaviour by month over three years)."""

from __future__ import annotations

import math

import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.present.disclosure import SUPPRESSED
from safer_analysis.workbench import count_by, last_complete_year, monthly_counts, period_of

from .conftest import count_rows, counts_by_ward, financial_year_months


def test_last_financial_year_is_the_latest_complete_one(crimes):
    # 2025-26 holds 9 months, 2019-20 nine, 2018-19 all twelve
    assert last_complete_year(crimes) == "2018-19"


def test_known_totals_of_2018_19(crimes, raw_crimes):
    by_type = count_by(crimes, "crime_type", period="2018-19", crime_type=["Anti-social behaviour"])
    assert int(by_type["count"].sum()) == 8_754
    all_crime = count_by(crimes, "ward", period="2018-19")
    assert int(all_crime["count"].sum()) == 21_907
    assert count_rows(raw_crimes, months=financial_year_months(2018), asb=False) == 21_907


def test_a_burglaries_per_ward_last_year_match_an_independent_count(crimes, raw_crimes, ward_of):
    table = count_by(crimes, "ward", crime_type="burglary", change=True, rates=True)
    expected = counts_by_ward(raw_crimes, ward_of, months=financial_year_months(2018), crime_type="Burglary")
    assert dict(zip(table["ward_name"], table["count"], strict=True)) == dict(expected)
    assert len(table) == 20 and table["count"].is_monotonic_decreasing
    assert table.attrs["period"] == "2018-19" and table.attrs["what"] == "Burglary"
    # the previous year is as held: 2017-18 lacks December 2017
    previous = counts_by_ward(raw_crimes, ward_of, months=financial_year_months(2017), crime_type="Burglary")
    assert dict(zip(table["ward_name"], table["previous"], strict=True)) == dict(previous)
    notes = " ".join(table.attrs["notes"])
    assert "Dec 2017" in notes and "11 months both periods hold" in notes


def test_a_the_change_compares_the_same_months_and_names_the_ward_that_rose_most(crimes, raw_crimes, ward_of):
    table = count_by(crimes, "ward", crime_type="Burglary", change=True)
    now_months = [m for m in financial_year_months(2018) if m != "2018-12"]
    then_months = [m for m in financial_year_months(2017) if m != "2017-12"]
    now = counts_by_ward(raw_crimes, ward_of, months=now_months, crime_type="Burglary")
    then = counts_by_ward(raw_crimes, ward_of, months=then_months, crime_type="Burglary")
    change = {w: now[w] - then[w] for w in set(now) | set(then)}
    assert dict(zip(table["ward_name"], table["change"], strict=True)) == change
    rose = table.nlargest(1, "change").iloc[0]
    assert rose["ward_name"] == max(change, key=change.get) == "St Peter and the Waterfront"
    row = table.set_index("ward_name").loc["Peverell"]
    assert row["change_pct"] == pytest.approx((now["Peverell"] - then["Peverell"]) / then["Peverell"] * 100)


def test_rates_are_per_1000_of_the_ward_population(crimes):
    table = count_by(crimes, "ward", crime_type="Burglary", rates=True).set_index("ward_name")
    row = table.loc["St Peter and the Waterfront"]
    assert row["rate"] == pytest.approx(row["count"] / row["population"] * 1000)
    assert row["rate_lower"] < row["rate"] < row["rate_upper"]
    assert int(table["population"].sum()) == 262_100
    assert "mid-2019" in " ".join(table.attrs["notes"])


def test_suppression_hides_small_counts_and_what_is_worked_out_from_them(crimes, raw_crimes, ward_of):
    expected = counts_by_ward(raw_crimes, ward_of, months=["2019-06"], crime_type="Burglary")
    table = count_by(crimes, "ward", period="2019-06", crime_type="Burglary", change=True, rates=True, suppress=True)
    small = [w for w, n in expected.items() if 0 < n < 5]
    assert small, "June 2019 has wards with 1 to 4 burglaries"
    shown = table.set_index("ward_name")
    for ward in small:
        assert shown.at[ward, "count"] == SUPPRESSED
        assert shown.at[ward, "rate"] == SUPPRESSED and shown.at[ward, "change"] == SUPPRESSED
    for ward, n in expected.items():
        if n >= 5:
            assert shown.at[ward, "count"] == n
    assert any("[c]" in n for n in table.attrs["notes"])
    # a threshold of 1 hides nothing
    unsuppressed = count_by(crimes, "ward", period="2019-06", crime_type="Burglary", suppress=True, threshold=1)
    assert dict(zip(unsuppressed["ward_name"], unsuppressed["count"], strict=True)) == {
        w: expected.get(w, 0) for w in unsuppressed["ward_name"]
    }


def test_periods_in_every_form():
    assert period_of("2018-19").months[0] == "2018-04"
    assert period_of("year to Dec 2019").months == tuple(f"2019-{m:02d}" for m in range(1, 13))
    assert period_of("2019").label == "2019" and len(period_of(2019).months) == 12
    assert period_of("2019-06").months == ("2019-06",)
    assert period_of(("2018-11", "2019-02")).months == ("2018-11", "2018-12", "2019-01", "2019-02")
    assert period_of("2018-19").year_before().label == "2017-18"
    with pytest.raises(ParameterError, match="expected a financial year such as '2018-19'"):
        period_of("2018_19")


def test_a_mistyped_crime_type_or_a_period_without_data_says_what_to_do(crimes):
    with pytest.raises(ParameterError, match="did you mean 'Burglary'"):
        count_by(crimes, crime_type="Burglery")
    with pytest.raises(ParameterError, match="no month of 2021-22"):
        count_by(crimes, period="2021-22")
    with pytest.raises(ParameterError, match="by: got 'parish'"):
        count_by(crimes, "parish")
    with pytest.raises(ParameterError, match="rates"):
        count_by(crimes, "crime_type", rates=True)


def test_b_asb_by_month_for_three_years(crimes, raw_crimes):
    table = monthly_counts(crimes, "Anti-social behaviour", years=3)
    assert list(table.index[[0, -1]]) == ["2016-04", "2019-03"] and len(table) == 36
    assert table.at["2016-04", "Anti-social behaviour"] == 846
    assert table.at["2018-06", "Anti-social behaviour"] == 861
    assert math.isnan(table.at["2017-12", "Anti-social behaviour"])  # missing, not zero
    assert table.loc[table["financial_year"] == "2018-19", "Anti-social behaviour"].sum() == 8_754
    for month in ("2016-11", "2019-02"):
        assert table.at[month, "Anti-social behaviour"] == count_rows(raw_crimes, months=[month], asb=True)
    assert table.at["2016-04", "label"] == "Apr 2016"
    assert table.attrs["period"] == "2016-17 to 2018-19"
    notes = " ".join(table.attrs["notes"])
    # -7.5% a year over 2016-17 to 2018-19: within anti-social behaviour's normal year-to-year variation
    assert "Dec 2017" in notes and "Anti-social behaviour: no change beyond normal year-to-year variation" in notes


def test_monthly_counts_of_several_series_and_a_run_ending_in_a_month(crimes):
    table = monthly_counts(crimes, ["all crime", "ASB"], years=3)
    assert table.at["2016-04", "All crime"] == 1_244 and table.at["2018-06", "All crime"] == 1_929
    assert table.at["2018-06", "Anti-social behaviour"] == 861
    ending = monthly_counts(crimes, "Burglary", years=1, end="2019-12")
    assert list(ending.index[[0, -1]]) == ["2019-01", "2019-12"]
    with pytest.raises(ParameterError, match="years"):
        monthly_counts(crimes, years=0)
