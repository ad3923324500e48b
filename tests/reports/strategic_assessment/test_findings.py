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


def _empty_dataset(tmp_path, year="2018-19"):
    """The inputs of a project as init makes them: no priorities, scores or money yet."""
    from safer_analysis.inputs.datasets import load_dataset
    from safer_analysis.scaffold.init import init

    return load_dataset(init(tmp_path / "new", "Plymouth", year=year).root / "data")


def test_a_project_with_no_priorities_is_told_so_not_ranked_among_the_top_0(crimes, tmp_path):
    from safer_analysis.reports import strategic_assessment as sa

    data = _empty_dataset(tmp_path)
    p = sa.build_profile(crimes, data, "2018-19", "Plymouth", area_codes=["E06000026"])
    intro = sa.named_priorities_intro(data, "2018-19")
    assert intro == "No local priorities are entered for 2018-19, so there is nothing to set this assessment beside."
    assert sa.no_ranking_sentence(p, "2018-19").startswith("No local priorities are entered for 2018-19, so none")
    said = list(sa.recommendations(p, data, data.threat_risk_harm_scores)["recommendation"])
    assert any(s.startswith("Name the partnership's local priorities and score them") for s in said)
    assert not any("illustrative" in s or "top 0" in s for s in [*said, intro])


def test_priorities_without_scores_are_asked_to_be_scored(crimes, dataset):
    from dataclasses import replace

    from safer_analysis.reports import strategic_assessment as sa

    data = replace(dataset, threat_risk_harm_scores=dataset.threat_risk_harm_scores.iloc[0:0])
    p = sa.build_profile(crimes, data, "2018-19", "Plymouth", area_codes=["E06000026"])
    said = list(sa.recommendations(p, data, data.threat_risk_harm_scores)["recommendation"])
    assert any("no threat, risk and harm scores are entered for the year" in s for s in said)
    assert not any("illustrative" in s for s in said)
    assert "scores for 2018-19 are still to be entered" in sa.no_ranking_sentence(p, "2018-19")


def test_with_a_period_end_the_recommendations_follow_the_financial_years_scores(crimes, dataset):
    """The twelve months to March 2019 are ranked on 2018-19's (illustrative) scores, and the
    recommendations say so, not that scores for 'year to Mar 2019' are missing."""
    from safer_analysis.reports import strategic_assessment as sa

    p = sa.build_profile(crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], period_end="2019-03")
    assert p.year == "year to Mar 2019" and p.scores_entered
    said = list(sa.recommendations(p, dataset, dataset.threat_risk_harm_scores)["recommendation"])
    assert "Score the priorities with the partnership: the ranking in this pack rests on illustrative scores." in said
    assert not any("no threat, risk and harm scores" in s for s in said)


def test_a_change_of_kind_names_the_document_the_priority_was_first_named_in(dataset):
    """Alcohol and drugs, cross-cutting in the 2017 commissioning paper, a priority in 2018-19."""
    from safer_analysis.reports import strategic_assessment as sa

    title = dataset.sources.set_index("document_id").at["commissioning-2017", "title"]
    text = sa.named_priorities_intro(dataset, "2018-19")
    assert f"Alcohol and drugs, a cross-cutting issue in {title}, is a priority in 2018-19" in text
    import csv

    from ...conftest import ROOT

    with open(ROOT / "data" / "local_priorities.csv", encoding="utf-8") as handle:
        kinds = {r["priority_key"]: r["kind"] for r in csv.DictReader(handle)}
    with open(ROOT / "data" / "priority_status.csv", encoding="utf-8") as handle:
        kinds |= {r["priority_key"]: r["kind"] for r in csv.DictReader(handle) if r["financial_year"] == "2018-19"}
    assert f"among the top {list(kinds.values()).count('priority')};" in text
