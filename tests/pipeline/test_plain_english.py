"""Plain English in what a board member reads, measured on the built board packs: each report page
opens with a summary that reads at a Flesch reading ease of 50 or more, and no statistical term
appears outside its methods (:mod:`safer_analysis.present.plain_english`).

The front page (index.html) is checked the same way by adding it to PAGES."""

from __future__ import annotations

import pytest

from safer_analysis.present import plain_english

pytestmark = pytest.mark.slow

PAGES = ("strategic_assessment", "allocation_rationale", "spend_analysis")
YEARS = ("2017-18", "2018-19")


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("page", PAGES)
def test_each_report_page_reads_as_plain_english(packs, year, page):
    html = (packs / year / f"{page}.html").read_text(encoding="utf-8")
    assert plain_english.problems(html) == []


@pytest.mark.parametrize("page", PAGES)
def test_each_summary_is_measured_on_its_findings_and_decisions(packs, page):
    """The measure reads the summary's own sentences (several, with figures in them), so a pass
    is not a pass on an empty or a one-line block."""
    html = (packs / "2018-19" / f"{page}.html").read_text(encoding="utf-8")
    counts = plain_english.readability.count(plain_english.summary_text(html))
    assert counts.sentences >= 3 and counts.words >= 60  # the three findings a report opens with
    assert plain_english.READING_EASE_AT_LEAST <= counts.reading_ease < 100


def test_the_assessments_statistics_moved_to_its_methods_and_did_not_vanish(packs):
    """The intervals, tests and measures a board does not need stay on the page, in the methods:
    the methods section and the trend's methods block."""
    html = (packs / "2018-19" / "strategic_assessment.html").read_text(encoding="utf-8")
    methods = [p.text for p in plain_english.passages(html) if p.methods]
    found = {term for term, _ in plain_english.statistical_terms(methods)}
    assert {"confidence interval", "p-value", "Benjamini", "Gini", "MoRiLE"} <= found
    board = " ".join(plain_english.board_text(html))
    assert "likely between" in board  # an interval said as what it means
    assert "no trend: within normal variation" in board


def test_a_statistical_term_in_a_summary_would_be_found(packs):
    """The check can fail: the 2018-19 assessment with its old first finding put back."""
    html = (packs / "2018-19" / "strategic_assessment.html").read_text(encoding="utf-8")
    worse = html.replace("(likely between", "(95% CI", 1)
    assert worse != html
    assert any("'95% CI' outside the methods" in p for p in plain_english.problems(worse))
