"""The force overview's section on similar partnerships: every partnership of the force against its
own group, checked against ONS's table read again with the csv module."""

from __future__ import annotations

import csv
import re
from importlib import resources
from types import SimpleNamespace

import pytest

from safer_analysis.analysis.similar import similar_group
from safer_analysis.reports import force_groups as fg

from ..conftest import ROOT

TOTAL = "Total recorded crime (excluding fraud)"


@pytest.fixture(scope="module")
def ons() -> list[dict[str, str]]:
    path = resources.files("safer_analysis.reference").joinpath("recorded_crime_csp.csv")
    with path.open(encoding="utf-8") as handle:
        return [
            r
            for r in csv.DictReader(handle)
            if r["level"] == "partnership" and r["period_end"] == "2024-12" and r["offence_group"] == TOTAL
        ]


def _overview(period: str = "2018-19", force_code: str = "E23000035") -> SimpleNamespace:
    """What the section reads of a force overview: its project, period and force."""
    return SimpleNamespace(project=SimpleNamespace(data_dir=ROOT / "data"), period=period, force_code=force_code)


@pytest.fixture(scope="module")
def devon() -> fg.Standing:
    standing = fg.open_standing(_overview())
    assert standing is not None
    return standing


def test_every_partnership_of_the_force_is_set_against_its_own_group(devon, ons):
    by_code = {r["csp_code"]: r for r in ons}
    mine = {r["csp_code"] for r in ons if r["force_code"] == "E23000035"}
    assert set(devon.frame["csp_code"]) == mine and len(mine) == 8
    for _, row in devon.frame.iterrows():
        own = float(by_code[row["csp_code"]]["rate"])
        members = [by_code[c] for c in similar_group(row["csp_code"])["csp_code"] if by_code[c]["rate"]]
        pooled = sum(int(m["count"]) for m in members) * 1000 / sum(int(m["population"]) for m in members)
        rates = [float(m["rate"]) for m in members]
        assert row["rate"] == pytest.approx(own) and row["group_rate"] == pytest.approx(pooled)
        assert (row["group_min"], row["group_max"]) == pytest.approx((min(rates), max(rates)))
        side = "higher" if own > max(rates) else "lower" if own < min(rates) else "within"
        assert row["direction"] == side, row["partnership"]
    ratios = list(devon.frame["rate"] / devon.frame["group_rate"])
    assert ratios == sorted(ratios, reverse=True)


def test_the_section_names_the_partnerships_outside_and_the_year(devon):
    assert devon.period == "year ending December 2024" and devon.differs
    assert "the rates above cover 2018-19" in fg.note(devon)
    assert fg.title(devon, "Devon & Cornwall") == (
        "1 of Devon & Cornwall's 8 partnerships lies outside the range of its own most similar group: "
        "Isles of Scilly, below it"
    )
    said = " ".join(fg.sentences(devon, "Devon & Cornwall"))
    assert "Isles of Scilly (25.4 per 1,000 against 38.6 to 59.9)" in said and fg.NOTABLE in said
    assert "7 of Devon & Cornwall's 8 partnerships with a published rate lie within" in said
    table = fg.table(devon).set_index("partnership")
    assert table.at["Isles of Scilly", "standing"] == "below" and table.at["Plymouth", "rank"] == "12 of 16"
    for text in [fg.note(devon), *fg.sentences(devon, "Devon & Cornwall"), fg.chart(devon, "Devon & Cornwall").alt]:
        assert not re.search(r"\bsignifican|\bCI\b|p-value", text)


def test_the_year_ending_with_the_overview_is_used_where_held():
    same = fg.open_standing(_overview("year to Dec 2024"))
    assert same.period_end == "2024-12" and not same.differs and "the rates above" not in fg.note(same)


def test_a_partnership_without_a_published_rate_is_said_so():
    london = fg.open_standing(_overview(force_code="E23000034"))  # City of London: a count, no rate
    assert list(london.frame["partnership"]) == ["City of London"]
    assert fg.table(london).at[0, "standing"] == "no published rate"
    assert "ONS publishes no rate for City of London" in " ".join(fg.sentences(london, "London, City of"))
    assert fg.title(london, "London, City of").startswith("Every partnership")
