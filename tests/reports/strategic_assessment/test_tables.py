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


def _peers(tau2: float, context: dict) -> object:
    from types import SimpleNamespace

    import pandas as pd

    table = pd.DataFrame({"rate": [1.0]})
    table.attrs.update(
        {
            "months": ["2025-01", "2025-12"],
            "force": "North Wales",
            "population_year": 2020,
            "population_source": "the ONS mid-2020 estimates",
            "target_rate": 60.0,
            "tau2": tau2,
            "context": context,
        }
    )
    return SimpleNamespace(peers=table)


def test_the_funnels_note_describes_only_what_is_drawn():
    """A period that is not a whole financial year draws no Home Office lines, and partnerships that
    differ no more than chance get chance's limits: the note says so, not the opposite."""
    from safer_analysis.reports.strategic_assessment.tables import peer_note

    bare = peer_note(_peers(0.0, {}))
    assert "dashed" not in bare and "widened" not in bare and "chance's alone" in bare
    drawn = peer_note(_peers(1e-4, {"North Wales, all recorded crime (Home Office)": 70.0}))
    assert "dashed lines are the Home Office's" in drawn and "widened by that spread" in drawn
