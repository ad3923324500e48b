"""How a partnership compares with its most similar group: every member's figures against ONS's
workbook read directly (openpyxl), the pooled rates and changes worked by hand, and the findings'
words."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from safer_analysis.analysis import comparison as arithmetic
from safer_analysis.analysis.similar import similar_group
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.ons_crime_tables import OFFENCE_GROUPS, TOTAL
from safer_analysis.reports.comparison import compare, sentences

from ..inputs.ons_tables import HEADER_ROW, sheet_rows

PLYMOUTH = "E22000056"


def _ons(sheet: str) -> dict[tuple[str, str], float | str]:
    """(partnership code, offence group) -> the cell of ONS's table, read straight from the sheet:
    each column found by its header (line breaks and notes aside; in Table C4 the residential
    burglary rate per 1,000 people, not per household)."""
    rows = sheet_rows(sheet)
    header = [re.sub(r"\s+", " ", str(h or "")).strip() for h in rows[HEADER_ROW - 1]]
    columns = {}
    for group in OFFENCE_GROUPS:
        for i, h in enumerate(header):
            if h == group or h == f"{group} (per 1,000 population)":
                columns[group] = i
    assert len(columns) == len(OFFENCE_GROUPS), sorted(set(OFFENCE_GROUPS) - set(columns))
    code = header.index("Community Safety Partnership code")
    out = {}
    for row in rows[HEADER_ROW:]:
        if row[code] and re.fullmatch(r"[EW](22|14)\d{6}", str(row[code])):
            for group, i in columns.items():
                out[row[code], group] = row[i]
    return out


def _population(sheet: str = "Table C4") -> dict[str, int]:
    rows = sheet_rows(sheet)
    header = [re.sub(r"\s+", " ", str(h or "")).strip() for h in rows[HEADER_ROW - 1]]
    code, people = header.index("Community Safety Partnership code"), 6
    assert header[people].startswith("Population figures")
    return {row[code]: row[people] for row in rows[HEADER_ROW:] if row[code]}


@pytest.fixture(scope="module")
def plymouth():
    return compare("Plymouth", period_end="2024-12")


@pytest.mark.shared
def test_every_members_count_and_rate_is_onss_in_both_years(plymouth):
    counts, rates, before = _ons("Table C2"), _ons("Table C4"), _ons("Table C5")
    people = _population()
    members = plymouth.members
    assert len(members) == 16 * len(OFFENCE_GROUPS)
    for r in members.itertuples():
        key = (r.csp_code, r.offence_group)
        assert r.count == counts[key] and r.count_before == before[key], key
        assert r.population == people[r.csp_code]
        published = rates[key]
        if published == "[u1]":  # City of London: no rate published
            assert pd.isna(r.rate)
        else:
            assert r.rate == pytest.approx(published, abs=1e-9), key
        assert r.change == pytest.approx(counts[key] / before[key] - 1) if before[key] else pd.isna(r.change)


@pytest.mark.shared
def test_plymouth_reads_25943_crimes_97_2_per_1000_ranked_in_its_group_of_15(plymouth):
    total = plymouth.row(TOTAL)
    assert (int(total["count"]), round(float(total["rate"]), 1), int(total["population"])) == (25_943, 97.2, 266_900)
    assert plymouth.period == "year ending December 2024" and plymouth.previous == "year ending December 2023"
    assert plymouth.area_code == PLYMOUTH and plymouth.group_size == 15 and int(total["of"]) == 16
    group = similar_group("Plymouth")
    ours = plymouth.members[~plymouth.members["is_area"] & (plymouth.members["offence_group"] == TOTAL)]
    assert list(ours["csp_code"]) == list(group["csp_code"])
    assert list(ours["distance"]) == list(group["distance"])
    assert "Open Government Licence" in plymouth.source and "year ending December 2024" in plymouth.source


@pytest.mark.shared
def test_the_group_rate_is_pooled_by_hand_the_range_and_rank_from_onss_rates(plymouth):
    counts, rates = _ons("Table C2"), _ons("Table C4")
    people = _population()
    codes = list(plymouth.group["csp_code"])
    for group in OFFENCE_GROUPS:
        row = plymouth.row(group)
        rated = [c for c in codes if rates[c, group] != "[u1]"]
        pooled = sum(counts[c, group] for c in rated) * 1000 / sum(people[c] for c in rated)
        assert row["group_rate"] == pytest.approx(pooled, rel=1e-12), group
        member_rates = [rates[c, group] for c in rated]
        assert row["group_min"] == min(member_rates) and row["group_max"] == max(member_rates)
        own = rates[PLYMOUTH, group]
        assert row["rank"] == 1 + sum(r > own for r in member_rates)
        assert row["notable"] == (own > max(member_rates) or own < min(member_rates))
        side = "higher" if own > max(member_rates) else "lower" if own < min(member_rates) else "within"
        assert row["direction"] == side


@pytest.mark.shared
def test_england_and_wales_and_the_changes_are_worked_from_the_sheets(plymouth):
    counts, before = _ons("Table C2"), _ons("Table C5")
    codes = list(plymouth.group["csp_code"])
    total = plymouth.row(TOTAL)
    now, then = sum(counts[c, TOTAL] for c in codes), sum(before[c, TOTAL] for c in codes)
    assert total["group_change"] == pytest.approx(now / then - 1)
    assert total["change"] == pytest.approx(25_943 / before[PLYMOUTH, TOTAL] - 1)
    # England and Wales: the 42 force rows and City of London (a partnership with no force row)
    c2, c4 = sheet_rows("Table C2")[HEADER_ROW:], sheet_rows("Table C4")[HEADER_ROW:]
    forces = {r[0]: r for r in c2 if r[0] and not r[2] and not r[3]}
    people = {r[0]: r[6] for r in c4 if r[0] and not r[2] and not r[3]}
    assert len(forces) == 42
    crimes = sum(r[6] for r in forces.values()) + counts["E22000180", TOTAL]
    residents = sum(people.values()) + _population()["E22000180"]
    assert total["ew_rate"] == pytest.approx(crimes * 1000 / residents, rel=1e-12)


@pytest.mark.shared
def test_a_welsh_partnership_is_compared_on_the_measures_of_both_nations():
    c = compare("Cwm Taf")
    assert c.both_nations_only and "Welsh" in c.group_note and "both nations" in c.group_note
    assert "deprivation" not in c.group_note


def test_the_findings_name_the_period_and_call_a_difference_notable_only_outside_the_groups_range(plymouth):
    lines = sentences(plymouth)
    assert lines[0].startswith("In the year ending December 2024, Plymouth recorded 25,943 crimes")
    assert all("year ending December 2024" in line for line in lines)
    words = "larger than the spread among the group's members"
    table = plymouth.table.set_index("offence_group")
    for line in lines[1:-1]:
        group = line.split(", year ending")[0]
        assert table.at[group, "notable"] and words in line
        assert table.at[group, "count"] >= 20
    for line in lines:
        assert not re.search(r"significan|confidence|p-value|\bCI\b", line, re.I)


def test_an_unknown_area_or_a_period_not_held_is_refused():
    with pytest.raises(ParameterError, match="Plymuoth"):
        compare("Plymuoth")
    with pytest.raises(ParameterError, match=r"2019-12.*held: 2023-12 \(year ending December 2023\), 2024-12"):
        compare("Plymouth", period_end="2019-12")
    with pytest.raises(ParameterError, match="no rates per 1,000 people"):
        compare("Plymouth", period_end="2023-12")
    with pytest.raises(ParameterError, match="YYYY-MM"):
        compare("Plymouth", period_end="Dec 2024")


def test_a_project_method_changes_the_group(tmp_path):
    (tmp_path / "similar_groups.csv").write_text(
        "parameter,value,meaning\ngroup_size,5,\npeople_per_sq_km,1,\n", encoding="utf-8"
    )
    c = compare("Plymouth", data_dir=tmp_path)
    assert c.group_size == 5 and c.compared_on == ("people_per_sq_km",)
    assert str(tmp_path / "similar_groups.csv") in c.method_source and int(c.row()["of"]) == 6


def test_the_arithmetic_on_a_small_table():
    members = pd.DataFrame(
        {
            "csp_code": ["A", "B", "C", "D"],
            "is_area": [True, False, False, False],
            "offence_group": ["Robbery"] * 4,
            "count": [10, 10, 30, 5],
            "population": [1000, 2000, 2000, 500],
            "rate": [10.0, 5.0, 15.0, float("nan")],
            "count_before": [5, 10, 20, 5],
        }
    )
    row = arithmetic.compare_table(members).iloc[0]
    assert row["group_rate"] == pytest.approx(40 * 1000 / 4000)  # D, without a rate, left out
    assert (row["group_min"], row["group_max"], row["rank"], row["of"]) == (5.0, 15.0, 2, 3)
    assert not row["notable"] and row["direction"] == "within"
    assert row["change"] == pytest.approx(1.0) and row["group_change"] == pytest.approx(45 / 35 - 1)


@pytest.mark.shared
def test_a_projects_newer_edition_is_the_default_and_the_year_before_its_previous(project_copy, tmp_path):
    from safer_analysis.cli import main

    from ..inputs.ons_tables import export_csv
    from ..inputs.test_recorded_crime import _retitle

    assert compare("Plymouth", data_dir=project_copy / "data").period_end == "2024-12"  # nothing imported yet
    counts = export_csv(sheet_rows("Table C2"), tmp_path / "c2-2025.csv", edit=_retitle("2025"))
    rates = export_csv(sheet_rows("Table C4"), tmp_path / "c4-2025.csv", places=None, edit=_retitle("2025"))
    for path in (counts, rates):
        assert main(["import-recorded-crime", str(path), "--project", str(project_copy)]) == 0
    c = compare("Plymouth", data_dir=project_copy / "data")
    assert (c.period_end, c.previous_end) == ("2025-12", "2024-12")
    assert c.period == "year ending December 2025" and c.previous == "year ending December 2024"
    total = c.row(TOTAL)
    assert int(total["count"]) == 25_943 and int(total["count_before"]) == 25_943 and total["change"] == 0
    assert total["group_change"] == 0 and total["ew_change"] == 0
    assert all("year ending December 2025" in line for line in sentences(c))
    assert compare("Plymouth").period_end == "2024-12"  # the package alone is untouched


@pytest.mark.parametrize("area", ["Bournemouth", "E22000063", "City of London", "Isles of Scilly", "Aylesbury Vale"])
def test_every_partnership_is_compared_even_one_the_lookups_cannot_cut_or_without_a_rate(area):
    from safer_analysis.present.comparison_chart import group_chart, groups_chart

    c = compare(area)
    assert c.group_size == 15 and len(c.members) == 16 * len(OFFENCE_GROUPS)
    lines = sentences(c)
    assert lines and all("year ending December 2024" in line for line in lines)
    if c.area_name == "City of London":  # ONS publishes no rate for it: said, not compared
        assert pd.isna(c.row()["rate"]) and "publishes no rate per 1,000 residents" in lines[0]
    assert group_chart(c).title and groups_chart(c).title


def test_every_partnership_of_the_measures_and_of_onss_table_is_named_by_its_code_and_name():
    from safer_analysis.inputs import recorded_crime as rc
    from safer_analysis.inputs.similar_groups import measures
    from safer_analysis.reports.comparison import partnership_code

    table = rc.recorded_crime(level="partnership").drop_duplicates("csp_code")
    assert set(table["csp_code"]) == set(measures().index)
    for code, name in zip(table["csp_code"], table["csp_name"], strict=True):
        assert partnership_code(code)[0] == code
        assert partnership_code(code.lower())[0] == code
        assert partnership_code(name)[0] == code  # ONS's spelling of every name too
