"""The strategic assessment's model and sentences on the bundled real extract."""

from __future__ import annotations

import pytest

from safer_analysis.analysis.crime_profile import ALL_CRIME, ASB
from safer_analysis.inputs import police_uk, reference
from safer_analysis.reports import strategic_assessment as sa

from ..conftest import CRIME_FILE


@pytest.fixture(scope="module")
def crimes():
    return police_uk.load_crimes(CRIME_FILE)


@pytest.fixture(scope="module")
def profiles(crimes, dataset):
    meta = crimes.attrs["metadata"]
    return {
        y: sa.build_profile(crimes, dataset, y, "Plymouth", area_codes=["E06000026"], metadata=meta)
        for y in dataset.years
    }


def test_the_home_office_totals_are_the_published_ones():
    """Devon & Cornwall totals as the release gives them (../shared/realdata/README.md)."""
    assert reference.recorded_crime("Devon & Cornwall", "2016-17") == 84_765
    assert reference.recorded_crime("devon & cornwall", "2018-19") == 106_897
    assert reference.recorded_crime("Devon & Cornwall", "2023-24") is None  # one quarter only
    assert reference.recorded_crime("Atlantis", "2018-19") is None


def test_data_quality_sets_the_force_against_home_office_recorded_crime(crimes):
    text = sa.data_quality_sentence(crimes.attrs["metadata"], "Devon & Cornwall", "2018-19")
    assert "105,632 crimes" in text and "106,897" in text and "(98.8%)" in text
    assert "have no location" in text
    assert "1 crime record(s) for 2018-19 that police.uk published twice" in text  # Plymouth 021A, 2018-08
    assert "published twice" not in sa.data_quality_sentence(crimes.attrs["metadata"], "Devon & Cornwall", "2019-20")


def test_a_year_with_a_missing_month_is_not_set_against_a_whole_year(crimes):
    text = sa.data_quality_sentence(crimes.attrs["metadata"], "Devon & Cornwall", "2017-18")
    assert "11 of the year's 12 months" in text and "not set against" in text


def test_the_2018_19_figures_are_the_real_counts_and_rate(profiles):
    p = profiles["2018-19"]
    assert p.counts.at[ALL_CRIME, "2018-19"] == 21_907 and p.counts.at[ASB, "2018-19"] == 8_754
    assert p.population == 263_100 and round(p.rates.at[ALL_CRIME, "rate"], 1) == 83.3
    assert p.population_note == "ONS mid-2018 population estimate"


def test_the_2017_18_gap_is_stated_and_the_trend_compares_like_with_like(profiles):
    p = profiles["2017-18"]
    assert p.coverage.at["2017-18", "missing"] == ["2017-12"]
    assert "December 2017" in sa.coverage_sentence(p) and "11 of 12 months" in sa.coverage_sentence(p)
    assert any("cover 11 of its 12 months" in f for f in sa.summarise(p))
    assert sa.year_label(p, "2017-18") == "2017-18 (11 months)"
    q = profiles["2018-19"]
    assert 12 not in q.months_compared and len(q.months_compared) == 11  # December left out of every year


def test_the_period_can_be_the_twelve_months_to_a_month(crimes, dataset):
    """Strategic assessments are written on the latest 12 months: the year to December 2019."""
    p = sa.build_profile(
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
    assert sa.summarise(p)[0].startswith("In the year to Dec 2019, ")
    assert not p.ranking.empty  # the analyst's scores are still the financial year's


def test_the_build_refuses_a_malformed_period_end(tmp_path, capsys):
    from safer_analysis.cli import main

    from ..conftest import ROOT

    assert main(["build", "--period-end", "2019-13", "--out", str(tmp_path), "--project", str(ROOT)]) == 2
    assert "expected a month written YYYY-MM" in capsys.readouterr().err


def test_a_cross_cutting_issue_shows_where_its_scores_would_rank_it(profiles):
    """Mental health is not ranked (the partnership named it cross-cutting), but its 2018-19
    scores (4, 4, 3: 0.384) equal Cyber Crime's, ranked 2nd of 7: the board sees that."""
    table = sa.cross_cutting_table(profiles["2018-19"]).set_index("name")
    assert table.at["Mental health", "would_rank"] == "=2 of 8 (illustrative scores)"
