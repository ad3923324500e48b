"""The charts of a partnership among its most similar group: what they draw, and their words."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from safer_analysis.present.comparison_chart import RARE, group_chart, groups_chart
from safer_analysis.reports.comparison import compare


@pytest.fixture(scope="module")
def plymouth():
    return compare("Plymouth", period_end="2024-12")


def test_one_group_draws_a_dot_per_partnership_the_area_apart(plymouth):
    chart = group_chart(plymouth, "Robbery")
    ax = chart.figure.axes[0]
    group, area = ax.collections[1], ax.collections[2]  # after the guide lines
    rows = plymouth.members[plymouth.members["offence_group"] == "Robbery"]
    assert len(group.get_offsets()) == 15 and len(area.get_offsets()) == 1
    assert area.get_offsets()[0][0] == pytest.approx(rows.loc[rows["is_area"], "rate"].iloc[0])
    assert sorted(np.asarray(group.get_offsets())[:, 0]) == pytest.approx(sorted(rows.loc[~rows["is_area"], "rate"]))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == rows.sort_values("rate").iloc[-1]["csp_name"]  # highest at the top
    assert "lower than every one of them" in chart.alt


def test_every_group_is_placed_against_england_and_wales_the_rarest_left_out(plymouth):
    chart = groups_chart(plymouth)
    ax = chart.figure.axes[0]
    shown = [t.get_text() for t in ax.get_yticklabels()]
    rare = plymouth.table[plymouth.table["ew_rate"] < RARE]["offence_group"]
    assert len(shown) == 23 - len(rare) and set(rare) == {
        "Homicide",
        "Death or serious injury caused by illegal driving",
    }
    assert ax.get_xscale() == "log"
    # the partnership's dot for the total is its rate over England and Wales's
    total = plymouth.row()
    dots = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets()) == 1]
    assert dots[0].get_offsets()[0][0] == pytest.approx(total["rate"] / total["ew_rate"])
    assert "Outside its group's range" in chart.alt and "Robbery (lower)" in chart.alt
