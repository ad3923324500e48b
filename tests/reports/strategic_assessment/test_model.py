"""The strategic assessment's model: the crime profile of one area and period on the bundled real extract."""

from __future__ import annotations

import pytest

from safer_analysis.analysis.crime_profile import ALL_CRIME, ASB
from safer_analysis.reports.strategic_assessment.findings import summarise
from safer_analysis.reports.strategic_assessment.model import CrimeDataError, build_profile

from ...conftest import ROOT


def test_the_2018_19_figures_are_the_real_counts_and_rate(profiles):
    p = profiles["2018-19"]
    assert p.counts.at[ALL_CRIME, "2018-19"] == 21_907 and p.counts.at[ASB, "2018-19"] == 8_754
    assert p.population == 263_100 and round(p.rates.at[ALL_CRIME, "rate"], 1) == 83.3
    assert p.population_note == "ONS mid-2018 population estimate"


def test_the_period_can_be_the_twelve_months_to_a_month(crimes, dataset):
    """Strategic assessments are written on the latest 12 months: the year to December 2019."""
    p = build_profile(
        crimes,
        dataset,
        "2018-19",
        "Plymouth",
        area_codes=["E06000026"],
        metadata=crimes.attrs["metadata"],
        period_end="2019-12",
    )
    assert p.year == "year to Dec 2019" and p.years == ["year to Dec 2017", "year to Dec 2018", "year to Dec 2019"]
    in_2019 = crimes[crimes["month"].str.startswith("2019")]
    assert p.counts.at[ALL_CRIME, "year to Dec 2019"] == int((in_2019["crime_type"] != ASB).sum())
    assert p.population == 262_100  # mid-2019, nearest the middle of the calendar year
    assert p.coverage.at["year to Dec 2018", "missing"] == [] and p.coverage.at["year to Dec 2017", "missing"] == [
        "2017-12"
    ]
    assert summarise(p)[0].startswith("In the year to Dec 2019, ")
    assert not p.ranking.empty  # the analyst's scores are still the financial year's


def test_the_build_refuses_a_malformed_period_end(tmp_path, capsys):
    from safer_analysis.cli import main

    assert main(["build", "--period-end", "2019-13", "--out", str(tmp_path), "--project", str(ROOT)]) == 2
    assert "expected a month written YYYY-MM" in capsys.readouterr().err


def test_by_default_2018_19_is_the_financial_year_as_before(profiles):
    """Its March is held, so the twelve months ending with the last month held in it are the year."""
    p = profiles["2018-19"]
    assert p.year == "2018-19" and p.money_year == "2018-19" and p.years == ["2016-17", "2017-18", "2018-19"]
    assert not any("reported separately" in f for f in summarise(p))


def test_a_year_held_to_december_covers_the_twelve_months_to_december(crimes, dataset):
    """The bundled store holds April to December 2025 of 2025-26: its figures are January to
    December 2025, not nine months called a year."""
    p = build_profile(
        crimes, dataset, "2025-26", "Plymouth", area_codes=["E06000026"], metadata=crimes.attrs["metadata"]
    )
    assert p.year == "year to Dec 2025" and p.money_year == "2025-26" and p.last_month_held == "2025-12"
    in_2025 = crimes[crimes["month"].str.startswith("2025-")]  # counted independently of the period logic
    assert p.counts.at[ALL_CRIME, "year to Dec 2025"] == int((in_2025["crime_type"] != ASB).sum())
    assert p.counts.at[ASB, "year to Dec 2025"] == int((in_2025["crime_type"] == ASB).sum())
    assert p.coverage.at["year to Dec 2025", "missing"] == []
    said = " ".join(summarise(p))
    assert "January to December 2025" in said and "financial year 2025-26" in said and "reported separately" in said


def test_a_year_after_the_data_covers_the_latest_twelve_months(crimes, dataset):
    p = build_profile(
        crimes, dataset, "2026-27", "Plymouth", area_codes=["E06000026"], metadata=crimes.attrs["metadata"]
    )
    assert p.year == "year to Dec 2025" and p.money_year == "2026-27"
    assert any("latest twelve months" in f and "2026-27" in f for f in summarise(p))


def test_a_period_end_after_the_last_month_held_is_refused(crimes, dataset):
    """It was nine months called a year."""
    with pytest.raises(CrimeDataError, match="2025-12") as caught:
        build_profile(crimes, dataset, "2025-26", "Plymouth", area_codes=["E06000026"], period_end="2026-03")
    assert "2016-01 to 2017-11, 2018-01 to 2019-12, 2025-01 to 2025-12" in str(caught.value)


def test_twelve_months_with_a_gap_say_so_wherever_they_are_rated(crimes, dataset):
    """The year to June 2018 lacks December 2017: its count and rate are for 11 months, and say so."""
    from safer_analysis.reports.strategic_assessment.tables import rate_title, volume_headers

    p = build_profile(crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], period_end="2018-06")
    assert p.coverage.at["year to Jun 2018", "missing"] == ["2017-12"]
    window = crimes[(crimes["month"] >= "2017-07") & (crimes["month"] <= "2018-06")]
    assert p.counts.at[ALL_CRIME, "year to Jun 2018"] == int((window["crime_type"] != ASB).sum())
    assert any("cover 11 of its 12 months" in f and "December 2017" in f for f in summarise(p))
    assert volume_headers(p)["rate"] == "Rate per 1,000, year to Jun 2018 (11 months)"
    assert "in the year to Jun 2018 (11 months):" in rate_title(p)
