"""The chart of a partnership among its most similar partnerships, on frames made by hand."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from safer_analysis.present import group_chart as gc

GROUPS = ["All crime", "Robbery", "Theft", "Drugs"]


@pytest.fixture
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four offence groups, three partnerships (Ours and two others). Rates per 1,000 of 1,000
    people, so each count is its rate; the group's rate is the others' counts over their people."""
    rates = {
        "Ours": {"All crime": 100.0, "Robbery": 1.0, "Theft": 30.0, "Drugs": 8.0},
        "A": {"All crime": 80.0, "Robbery": 2.0, "Theft": 40.0, "Drugs": 2.0},
        "B": {"All crime": 120.0, "Robbery": 4.0, "Theft": 20.0, "Drugs": 2.0},
    }
    members = pd.DataFrame(
        [
            {"csp_name": name, "is_area": name == "Ours", "offence_group": g, "rate": r}
            for name, by in rates.items()
            for g, r in by.items()
        ]
    )
    rows = []
    for g in GROUPS:
        others = [rates[n][g] for n in ("A", "B")]
        every = sorted([rates[n][g] for n in rates], reverse=True)
        rows.append(
            {
                "offence_group": g,
                "rate": rates["Ours"][g],
                "group_rate": sum(others) / 2,
                "group_min": min(others),
                "group_max": max(others),
                "ew_rate": rates["Ours"][g] * 0.9,
                "rank": every.index(rates["Ours"][g]) + 1,
                "of": 3,
            }
        )
    return pd.DataFrame(rows), members


def test_the_total_comes_first_then_the_groups_furthest_above_to_furthest_below(frames):
    table, _ = frames
    # Drugs 8 against 2 (x4), Theft 30 against 30 (x1), Robbery 1 against 3 (x1/3)
    assert list(gc.order(table)["offence_group"]) == ["All crime", "Drugs", "Theft", "Robbery"]


def test_each_partnership_is_drawn_at_its_rate_over_the_groups(frames):
    table, members = frames
    chart = gc.group_chart(table, members, area="Ours", title="t", subtitle="s", source="src", what="w")
    ax = chart.figure.axes[0]
    at = {round(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    assert [at[y] for y in sorted(at, reverse=True)] == ["All crime", "Drugs", "Theft", "Robbery"]  # top down
    own = {}
    for collection in ax.collections:
        for x, y in collection.get_offsets():
            if collection.get_sizes()[0] == 80:  # the partnership's own mark
                own[at[round(y)]] = x
    assert own == pytest.approx({"All crime": 1.0, "Drugs": 4.0, "Theft": 1.0, "Robbery": 1 / 3})
    assert ax.get_xscale() == "log"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {
        "Ours",
        "Similar partnerships",
        "Their range",
        "England and Wales",
    }


def test_the_alt_text_gives_every_groups_figures_and_rank(frames):
    table, members = frames
    chart = gc.group_chart(table, members, area="Ours", title="t", subtitle="s", source="src", what="w")
    assert "Drugs: Ours 8.0 per 1,000, the similar partnerships together 2.0 (from 2.0 to 2.0)" in chart.alt
    assert "Robbery: Ours 1.0 per 1,000" in chart.alt and "the lowest of 3" in chart.alt
    assert "Drugs" in chart.alt and "the highest of 3" in chart.alt
    html = chart.to_html()
    assert len(re.findall(r'<img class="sa-(?:wide|narrow)"', html)) == 2


def test_a_rate_far_off_is_drawn_at_the_edge_and_a_missing_one_left_out(frames):
    table, members = frames
    table = table.copy()
    table.loc[table["offence_group"] == "Drugs", "rate"] = 200.0  # a hundred times the group's
    table.loc[table["offence_group"] == "Theft", "rate"] = np.nan
    chart = gc.group_chart(table, members, area="Ours", title="t", subtitle="s", source="src", what="w")
    ax = chart.figure.axes[0]
    xs = [x for c in ax.collections if c.get_sizes()[0] == 80 for x, _ in c.get_offsets()]
    assert max(xs) == gc.FURTHEST and len(xs) == 3
    assert ax.get_xlim()[1] > gc.FURTHEST
    assert "Theft: no rate for Ours" in chart.alt
    assert math.isnan(gc._times(1.0, 0.0))


def test_the_standing_chart_draws_each_partnership_on_its_own_groups_range():
    frame = pd.DataFrame(
        {
            "partnership": ["Town", "City", "Moor"],
            "rate": [90.0, 40.0, np.nan],
            "group_rate": [60.0, 50.0, 30.0],
            "group_min": [50.0, 45.0, 20.0],
            "group_max": [80.0, 70.0, 35.0],
        }
    )
    chart = gc.standing_chart(frame, title="t", subtitle="s", source="src", what="w")
    ax = chart.figure.axes[0]
    at = {round(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    assert [at[y] for y in sorted(at, reverse=True)] == ["Town", "City", "Moor"]
    own = {at[round(y)]: x for c in ax.collections if c.get_sizes()[0] == 80 for x, y in c.get_offsets()}
    assert own == {"Town": 90.0, "City": 40.0}
    assert "Town: 90.0 per 1,000, its group 60.0 (from 50.0 to 80.0)" in chart.alt
    assert "Moor: no published rate" in chart.alt
