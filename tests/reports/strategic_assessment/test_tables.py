"""The strategic assessment's tables, on the bundled real extract."""

from __future__ import annotations

from safer_analysis.reports import strategic_assessment
from safer_analysis.reports.strategic_assessment.tables import cross_cutting_table


def test_a_cross_cutting_issue_shows_where_its_scores_would_rank_it(profiles):
    """Mental health is not ranked (the partnership named it cross-cutting), but its 2018-19
    scores (4, 4, 3: 0.384) equal Cyber Crime's, ranked 2nd of 7: the board sees that."""
    table = cross_cutting_table(profiles["2018-19"]).set_index("name")
    assert table.at["Mental health", "would_rank"] == "=2 of 8 (illustrative scores)"


def test_the_package_reads_every_module_through_its_root():
    """The report's notebook reads the model, findings and tables through one name."""
    for name in ("build_profile", "summarise", "cross_cutting_table", "trend_table", "data_quality_sentence"):
        assert callable(getattr(strategic_assessment, name))
