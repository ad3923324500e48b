"""The assessment's section on similar partnerships: which year it uses and says, which areas have
none and why, and its figures against ONS's table read again with the csv module."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from safer_analysis.analysis.similar import similar_group
from safer_analysis.reports.strategic_assessment import compared

from ...conftest import ROOT

TOTAL = "Total recorded crime (excluding fraud)"


@pytest.fixture(scope="module")
def ons() -> dict[tuple[str, str, str], dict[str, str]]:
    """The shipped table of recorded crime by partnership, keyed by period, partnership and offence group."""
    path = resources.files("safer_analysis.reference").joinpath("recorded_crime_csp.csv")
    with path.open(encoding="utf-8") as handle:
        return {
            (r["period_end"], r["csp_code"], r["offence_group"]): r
            for r in csv.DictReader(handle)
            if r["level"] == "partnership"
        }


@pytest.fixture(scope="module")
def plymouth() -> compared.Compared:
    return compared.open_comparison("2018-19", "E22000056", "Plymouth", ROOT)


def test_a_pack_of_another_year_uses_the_latest_year_held_and_says_so(plymouth):
    c = plymouth.comparison
    assert c is not None and c.period == "year ending December 2024" and c.period_end == "2024-12"
    assert plymouth.differs
    note = compared.note(plymouth)
    assert "for the year ending December 2024, the latest year held" in note
    assert "the rest of this assessment covers 2018-19" in note
    (finding,) = compared.finding(plymouth)
    assert finding.startswith("In the year ending December 2024, Plymouth recorded 25,943 crimes")
    assert all("year ending December 2024" in s for s in compared.sentences(plymouth))


def test_a_pack_of_the_same_twelve_months_says_no_more_than_its_year():
    same = compared.open_comparison("year to Dec 2024", "E22000056", "Plymouth", ROOT)
    assert not same.differs and "the rest of this assessment" not in compared.note(same)
    assert same.comparison.period_end == "2024-12"


@pytest.mark.parametrize(
    ("code", "name", "words"),
    [
        ("E23000035", "Devon & Cornwall", "is a police force area"),
        ("E06000060", "Buckinghamshire", "several partnerships share"),
        ("E07000045", "Teignbridge", "one of the areas of the South Devon and Dartmoor partnership"),
        ("", "Some neighbourhoods", "is not a Community Safety Partnership"),
    ],
)
def test_an_area_that_is_no_partnership_is_told_why_it_has_no_group(code, name, words):
    none = compared.open_comparison("2018-19", code, name, ROOT)
    assert none.comparison is None and not none.differs
    assert compared.note(none).startswith("No comparison with similar partnerships: ") and words in none.why
    assert compared.finding(none) == [] and compared.sentences(none) == []


def test_an_authority_that_is_a_whole_partnership_is_compared_as_it():
    by_authority = compared.open_comparison("2018-19", "E06000026", "Plymouth", ROOT)
    assert by_authority.comparison.area_code == "E22000056"


def test_the_tables_figures_are_onss_and_the_group_pooled(plymouth, ons):
    c = plymouth.comparison
    group = similar_group("Plymouth")
    codes = list(group["csp_code"])
    table = compared.table(c).set_index("offence_group")
    assert list(table.index) == list(compared.SHOWN)
    for offence_group, row in table.iterrows():
        own = ons[("2024-12", "E22000056", offence_group)]
        assert row["rate"] == pytest.approx(float(own["rate"]))
        members = [ons[("2024-12", code, offence_group)] for code in codes]
        rated = [m for m in members if m["rate"]]
        pooled = sum(int(m["count"]) for m in rated) * 1000 / sum(int(m["population"]) for m in rated)
        assert row["group_rate"] == pytest.approx(pooled)
        rates = [float(m["rate"]) for m in rated]
        low, high = min(rates), max(rates)
        assert row["group_range"] == f"{compared._rate(low)}–{compared._rate(high)}"
        assert row["rank"] == f"{sum(r > float(own['rate']) for r in rates) + 1} of {len(rates) + 1}"
        before = ons[("2023-12", "E22000056", offence_group)]
        assert row["change"] == pytest.approx((int(own["count"]) / int(before["count"]) - 1) * 100)
        side = "above" if float(own["rate"]) > high else "below" if float(own["rate"]) < low else "within"
        assert row["against"] == side
    assert len(compared.table(c, None)) == 23  # every group, sub-groups too, in the CSV


def test_the_title_names_the_groups_outside_the_range(plymouth, ons):
    c = plymouth.comparison
    codes = list(similar_group("Plymouth")["csp_code"])
    above, below = [], []
    for offence_group in compared.SHOWN[1:]:
        own = float(ons[("2024-12", "E22000056", offence_group)]["rate"])
        rates = [float(ons[("2024-12", k, offence_group)]["rate"]) for k in codes]
        if own > max(rates):
            above.append(offence_group.lower())
        elif own < min(rates):
            below.append(offence_group.lower())
    assert above == ["drug offences"] and below == ["robbery"]  # as ONS's table gives them
    assert compared.title(c) == (
        "Plymouth's crime rate is within the range of the partnerships most like it; above them all for drug "
        "offences, below them all for robbery"
    )


def test_the_members_are_the_group_nearest_first(plymouth, ons):
    members = compared.members(plymouth.comparison)
    group = similar_group("Plymouth")
    assert members.iloc[0]["csp_name"] == "Plymouth" and members.iloc[0]["order"] == "this partnership"
    assert list(members["csp_name"][1:]) == list(group["csp_name"])
    assert list(members["distance"][1:]) == pytest.approx(list(group["distance"]))
    for _, row in members.iterrows():
        code = group.set_index("csp_name")["csp_code"].get(row["csp_name"], "E22000056")
        assert row["count"] == int(ons[("2024-12", code, TOTAL)]["count"])


def test_the_sections_words_are_plain(plymouth):
    c = plymouth.comparison
    words = [
        compared.note(plymouth),
        *compared.sentences(plymouth),
        *compared.finding(plymouth),
        compared.title(c),
        compared.table_note(c),
        compared.table_caption(c),
        compared.members_caption(c),
        compared.chart(plymouth).alt,
        *compared.TABLE_HEADERS.values(),
    ]
    for text in words:
        assert not re.search(r"\bsignifican|\bCI\b|p-value|confidence interval", text), text
    outside = [s for s in compared.sentences(plymouth) if s.startswith("Outside the range")]
    assert outside and compared.NOTABLE in outside[0]
