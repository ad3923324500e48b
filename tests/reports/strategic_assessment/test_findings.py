"""The strategic assessment's findings as sentences, on the bundled real extract."""

from __future__ import annotations

from safer_analysis.inputs import reference
from safer_analysis.reports.strategic_assessment.findings import (
    coverage_sentence,
    data_quality_sentence,
    summarise,
    year_label,
)


def test_the_home_office_totals_are_the_published_ones():
    """Devon & Cornwall totals as the release gives them (../shared/realdata/README.md)."""
    assert reference.recorded_crime("Devon & Cornwall", "2016-17") == 84_765
    assert reference.recorded_crime("devon & cornwall", "2018-19") == 106_897
    assert reference.recorded_crime("Devon & Cornwall", "2023-24") is None  # one quarter only
    assert reference.recorded_crime("Atlantis", "2018-19") is None


def test_data_quality_sets_the_force_against_home_office_recorded_crime(crimes):
    text = data_quality_sentence(crimes.attrs["metadata"], "Devon & Cornwall", "2018-19")
    assert "105,632 crimes" in text and "106,897" in text and "(98.8%)" in text
    assert "have no location" in text
    assert "1 crime record(s) for 2018-19 that police.uk published twice" in text  # Plymouth 021A, 2018-08
    assert "published twice" not in data_quality_sentence(crimes.attrs["metadata"], "Devon & Cornwall", "2019-20")


def test_a_year_with_a_missing_month_is_not_set_against_a_whole_year(crimes):
    text = data_quality_sentence(crimes.attrs["metadata"], "Devon & Cornwall", "2017-18")
    assert "11 of the year's 12 months" in text and "not set against" in text


def test_the_2017_18_gap_is_stated_and_the_trend_compares_like_with_like(profiles):
    p = profiles["2017-18"]
    assert p.coverage.at["2017-18", "missing"] == ["2017-12"]
    assert "December 2017" in coverage_sentence(p) and "11 of 12 months" in coverage_sentence(p)
    assert any("cover 11 of its 12 months" in f for f in summarise(p))
    assert year_label(p, "2017-18") == "2017-18 (11 months)"
    q = profiles["2018-19"]
    assert 12 not in q.months_compared and len(q.months_compared) == 11  # December left out of every year
