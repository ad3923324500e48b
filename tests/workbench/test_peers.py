"""``wb.peers()`` and ``wb.compare()``: the most similar group as a table and as a chart, their
figures from the shipped national table read with the csv module."""

from __future__ import annotations

import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.workbench import open_workbench
from safer_analysis.workbench.charts import QuickChart

from .conftest import reference_rows

TOTAL = "Total recorded crime (excluding fraud)"


@pytest.fixture(scope="module")
def wb():
    return open_workbench("2018-19")


@pytest.fixture(scope="module")
def national() -> dict[tuple[str, str], dict[str, str]]:
    """The shipped table's partnership rows of December 2024, by code and offence group."""
    rows = reference_rows("recorded_crime_csp.csv")
    return {
        (r["csp_code"], r["offence_group"]): r
        for r in rows
        if r["period_end"] == "2024-12" and r["level"] == "partnership"
    }


def test_peers_is_the_projects_partnership_and_its_group_with_counts_people_and_rates(wb, national):
    table = wb.peers()
    assert list(table.columns[:5]) == ["similarity_rank", "csp_code", "csp_name", "force", "distance"]
    assert table.iloc[0]["csp_code"] == "E22000056" and table.iloc[0]["similarity_rank"] == 0
    assert len(table) == 16 and list(table["similarity_rank"]) == list(range(16))
    assert table["distance"].is_monotonic_increasing
    for r in table.itertuples():
        held = national[r.csp_code, TOTAL]
        assert r.count == int(held["count"]) and r.population == int(held["population"])
        assert r.rate == pytest.approx(float(held["rate"]))
    assert "year ending December 2024" in table.attrs["caption"]
    assert any("data/similar-groups.md" in note for note in table.attrs["notes"])
    assert "Open Government Licence" in table.attrs["source"]
    html = table._repr_html_()
    assert "Plymouth" in html and "25,943" in html


def test_peers_of_every_offence_group_and_another_area(wb):
    every = wb.peers("all")
    assert len(every) == 23 and every.iloc[0]["offence_group"] == TOTAL
    assert set(every["direction"]) <= {"higher", "lower", "within"}
    robbery = wb.peers("Robbery", area="Torbay", size=5)
    assert len(robbery) == 6 and robbery.iloc[0]["csp_name"] == "Torbay"


def test_compare_draws_a_chart_with_its_words(wb):
    chart = wb.compare()
    assert isinstance(chart, QuickChart)
    assert chart.title == "Crime (excluding fraud): Plymouth beside its 15 most similar partnerships"
    assert chart.subtitle == "Crimes per 1,000 people, year ending December 2024"
    assert "Plymouth 97.2" in chart.alt and "England and Wales" in chart.alt
    assert "Open Government Licence" in chart.source
    assert chart.png()[:4] == b"\x89PNG"
    every = wb.compare("all")
    assert "too rare to place" in every.subtitle and "Homicide" not in every.alt.split(". ")[1]


def test_careless_arguments_are_refused_in_one_line(wb):
    with pytest.raises(ParameterError, match="offence_group: got 'burglry'"):
        wb.peers("burglry")
    with pytest.raises(ParameterError, match="size"):
        wb.peers(size=0)
    with pytest.raises(ParameterError, match="period_end"):
        wb.compare(period_end=2024)
