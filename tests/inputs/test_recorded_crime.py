"""The national table of police recorded crime by partnership: as shipped, and as a project adds
editions to it with ``safer-analysis import-recorded-crime``."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from safer_analysis.cli import main
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import recorded_crime as rc
from safer_analysis.inputs import reference
from safer_analysis.inputs.ons_crime_tables import FORCE, OFFENCE_GROUPS, PARTNERSHIP, RESIDENTIAL, TOTAL
from safer_analysis.inputs.store_lock import StoreLock

from .ons_tables import WORKBOOK, export_csv, sheet_rows

PLYMOUTH = "E22000056"


def _one(frame: pd.DataFrame, code: str, group: str = TOTAL) -> pd.Series:
    return frame[(frame["csp_code"] == code) & (frame["offence_group"] == group)].iloc[0]


# --- the shipped table --------------------------------------------------------------------------------------------


def test_plymouth_year_ending_december_2024_reads_25943_crimes_97_2_per_1000_of_266900():
    frame = rc.recorded_crime()  # the latest held: December 2024
    assert frame.attrs["period_end"] == "2024-12" and frame.attrs["label"] == "year ending December 2024"
    plymouth = _one(frame, PLYMOUTH)
    assert plymouth["csp_name"] == "Plymouth" and plymouth["force"] == "Devon and Cornwall"
    assert (plymouth["count"], round(plymouth["rate"], 1), plymouth["population"]) == (25_943, 97.2, 266_900)
    assert plymouth["population_mid_year"] == 2022 and plymouth["households"] == 114_600
    assert "ONS, Police force area data tables, year ending December 2024, tables C2 and C4" in frame.attrs["source"]


def test_the_shipped_table_holds_the_years_ending_december_2023_and_2024():
    held = rc.editions()
    assert held["period_end"].tolist() == ["2023-12", "2024-12"]
    assert held["tables"].tolist() == ["C5", "C2, C4"] and held["rates"].tolist() == [False, True]
    assert held["partnerships"].tolist() == [314, 314] and set(held["edition"]) == {"2024-12"}
    assert rc.recorded_crime("2023-12").attrs["source"].endswith("Table C5 (Open Government Licence v3.0)")


@pytest.mark.parametrize("period", ["2023-12", "2024-12"])
def test_the_forces_add_up_from_their_partnerships_and_unassigned_rows(period):
    frame = rc.recorded_crime(period)
    forces = frame[frame["level"] == FORCE].set_index(["force_code", "offence_group"])["count"]
    members = frame[frame["level"] != FORCE].groupby(["force_code", "offence_group"])["count"].sum()
    assert len(forces) == 42 * len(OFFENCE_GROUPS)
    assert (members.loc[forces.index] == forces).all()
    if period == "2024-12":
        assert forces.xs(TOTAL, level="offence_group").sum() == 5_258_272


def test_every_partnership_of_the_ons_lookup_has_every_offence_group_in_both_years():
    lookup = set(reference.csp_lookup()["csp24_code"])
    for period in ("2023-12", "2024-12"):
        frame = rc.recorded_crime(period, level=PARTNERSHIP)
        assert set(frame["csp_code"]) == lookup
        assert (frame.groupby("csp_code")["offence_group"].nunique() == len(OFFENCE_GROUPS)).all()
        assert frame["count"].notna().all()


def test_rates_are_the_counts_per_1000_people_on_the_population_ons_used():
    frame = rc.recorded_crime("2024-12", level=PARTNERSHIP).dropna(subset=["rate"])
    implied = frame["count"] * 1000 / frame["rate"]  # the unrounded population ONS divided by
    people = frame.loc[frame["count"] > 0]
    assert ((implied[people.index] - people["population"]).abs() <= 50.5).all()  # printed rounded to 100
    burglary = frame[frame["offence_group"] == RESIDENTIAL]
    assert (burglary["household_rate"].notna()).all() and frame.loc[
        frame.index.difference(burglary.index), "household_rate"
    ].isna().all()


def test_england_and_wales_is_every_force_and_city_of_london():
    table = rc.england_and_wales("2024-12").set_index("offence_group")
    frame = rc.recorded_crime("2024-12")
    not_forces = frame[frame["level"] != FORCE]  # every crime is in a partnership or an unassigned row
    for group in OFFENCE_GROUPS:
        assert table.at[group, "count"] == not_forces.loc[not_forces["offence_group"] == group, "count"].sum()
    city = _one(frame, "E22000180")
    forces = frame[(frame["level"] == FORCE) & (frame["offence_group"] == TOTAL)]
    assert table.at[TOTAL, "count"] == 5_258_272 + city["count"] == 5_267_542
    assert table.at[TOTAL, "population"] == forces["population"].sum() + city["population"] == 60_238_000
    assert table.at[TOTAL, "rate"] == pytest.approx(5_267_542 / 60_238.0)
    assert rc.england_and_wales("2023-12")["rate"].isna().all()  # no populations for the year before


@pytest.mark.parametrize(
    "period,words",
    [("2020-12", "no recorded crime by partnership is held for the year ending December 2020"), ("2024/12", "YYYY-MM")],
)
def test_a_period_not_held_or_malformed_is_refused(period, words):
    with pytest.raises(ParameterError, match=words) as caught:
        rc.recorded_crime(period)
    assert "2024-12" in str(caught.value)


def test_one_level_at_a_time():
    assert set(rc.recorded_crime(level=FORCE)["level"]) == {FORCE}
    with pytest.raises(ParameterError, match="level: expected one of"):
        rc.recorded_crime(level="ward")


# --- importing: a project's editions ------------------------------------------------------------------------------


def _import(project, path) -> int:
    return main(["import-recorded-crime", str(path), "--project", str(project)])


def _retitle(year: str, edit=None):
    def change(number, cells):
        if number == 1:
            cells[0] = cells[0].replace("year ending December 2024", f"year ending December {year}")
        return edit(number, cells) if edit else cells

    return change


def _row(sheet: str, name: str) -> int:
    return next(i for i, r in enumerate(sheet_rows(sheet), start=1) if r[3] and str(r[3]).strip() == name)


@pytest.mark.shared
def test_importing_the_workbook_holds_its_two_years_in_the_project(project_copy, capsys):
    assert _import(project_copy, WORKBOOK) == 0
    out = capsys.readouterr().out
    assert "Table C2 (counts, year ending December 2024): 314 partnerships, 42 force totals" in out
    assert "row 129: 'Unassigned Gwent' carries W15000003" in out and "add up to its total" in out
    target = project_copy / "data" / rc.PROJECT_TABLE
    held = rc.editions(project=project_copy)
    assert held["held_in"].tolist() == [str(target)] * 2 and held["edition"].tolist() == ["2024-12"] * 2
    pd.testing.assert_frame_equal(rc.recorded_crime(project=project_copy), rc.recorded_crime(), check_like=True)
    log = pd.read_csv(project_copy / "data" / rc.PROJECT_LOG, dtype=str)
    assert log["sha256"].tolist() == [hashlib.sha256(WORKBOOK.read_bytes()).hexdigest()]
    assert main(["check", "--project", str(project_copy)]) == 0


@pytest.mark.shared
def test_editions_accumulate_and_the_latest_is_the_default(project_copy, tmp_path, capsys):
    newer = export_csv(sheet_rows("Table C2"), tmp_path / "c2-2025.csv", edit=_retitle("2025"))
    assert _import(project_copy, newer) == 0
    assert "added year ending December 2025" in capsys.readouterr().out
    assert rc.editions(project=project_copy)["period_end"].tolist() == ["2023-12", "2024-12", "2025-12"]
    latest = rc.recorded_crime(project=project_copy)
    assert latest.attrs["period_end"] == "2025-12" and latest["rate"].isna().all()  # counts alone: no Table C4
    assert "Table C2 (Open Government Licence" in latest.attrs["source"]
    assert _import(project_copy, WORKBOOK) == 0  # an older edition adds its years, the newer year stays
    out = capsys.readouterr().out
    assert "kept year ending December 2025" in out
    assert _one(rc.recorded_crime("2025-12", project=project_copy), PLYMOUTH)["count"] == 25_943
    assert rc.recorded_crime().attrs["period_end"] == "2024-12"  # the package alone is untouched


@pytest.mark.shared
def test_a_period_imported_again_replaces_its_rows_keeping_its_rates_on_the_same_population(project_copy, tmp_path):
    plymouth = _row("Table C2", "Plymouth")
    devon = next(i for i, r in enumerate(sheet_rows("Table C2"), 1) if r[0] == "E23000035" and not r[2] and not r[3])

    def revise(number, cells):  # Plymouth's total revised from 25,943 to 26,000, and its force's with it
        if number == plymouth:
            cells[6] = "26,000 "
        if number == devon:
            cells[6] = f"{120_245 + 57:,} "
        return cells

    assert sheet_rows("Table C2")[devon - 1][6] == 120_245  # the force's row
    revised = export_csv(sheet_rows("Table C2"), tmp_path / "c2-revised.csv", edit=revise)
    before = rc.recorded_crime("2024-12")
    assert _import(project_copy, revised) == 0
    after = rc.recorded_crime("2024-12", project=project_copy)
    new, old = _one(after, PLYMOUTH), _one(before, PLYMOUTH)
    assert new["count"] == 26_000 and new["population"] == 266_900
    assert new["rate"] == pytest.approx(26_000 / (old["count"] / old["rate"]), rel=1e-9)  # 97.43 per 1,000
    assert _one(after, "E22000060")["rate"] == pytest.approx(_one(before, "E22000060")["rate"], rel=1e-9)  # Torbay
    assert "rates on the population of C4 of the 2024-12 edition" in after["tables"].iloc[0]
    assert len(after) == len(before)


@pytest.mark.shared
def test_table_c4_alone_joins_the_counts_held_and_is_checked_against_them(project_copy, tmp_path, capsys):
    rates = export_csv(sheet_rows("Table C4"), tmp_path / "c4.csv", places=1)
    assert _import(project_copy, rates) == 0
    plymouth = _one(rc.recorded_crime(project=project_copy), PLYMOUTH)
    assert (plymouth["count"], plymouth["rate"], plymouth["population"]) == (25_943, 97.2, 266_900)
    wrong = export_csv(
        sheet_rows("Table C4"), tmp_path / "c4-wrong.csv", edit=_row_edit(_row("Table C4", "Plymouth"), 8, "120.0")
    )
    assert _import(project_copy, wrong) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"row {_row('Table C4', 'Plymouth')}, column 'Total recorded crime (excluding fraud)'" in err
    assert "a rate of 120 per 1,000 is not 25,943 crimes among 266,900 population" in err
    later = export_csv(sheet_rows("Table C4"), tmp_path / "c4-2025.csv", edit=_retitle("2025"))
    assert _import(project_copy, later) == 3
    assert "no counts for the year ending December 2025 are held" in capsys.readouterr().err


def _row_edit(row: int, column: int, value: str):
    def edit(number, cells):
        if number == row:
            cells[column] = value
        return cells

    return edit


@pytest.mark.shared
def test_a_malformed_file_exits_3_in_one_line_naming_the_row_and_nothing_is_written(project_copy, tmp_path, capsys):
    row = _row("Table C2", "Exeter")
    bad = export_csv(sheet_rows("Table C2"), tmp_path / "c2.csv", edit=_row_edit(row, 7, "lots"))
    assert _import(project_copy, bad) == 3
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: in the input data: {bad}, row {row}, column 'Violence against the person': expected a number, "
        "found 'lots'"
    )
    assert not (project_copy / "data" / "reference").exists()
    assert _import(project_copy, tmp_path / "absent.xlsx") == 2


@pytest.mark.shared
def test_a_file_the_command_did_not_write_is_left_as_it_is(project_copy, capsys):
    target = project_copy / "data" / rc.PROJECT_TABLE
    target.parent.mkdir(parents=True)
    target.write_text("area,count\nPlymouth,1\n", encoding="utf-8")
    assert _import(project_copy, WORKBOOK) == 2
    assert "not the table safer-analysis import-recorded-crime writes" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "area,count\nPlymouth,1\n"


@pytest.mark.shared
def test_check_validates_the_imported_table(project_copy, capsys):
    assert _import(project_copy, WORKBOOK) == 0
    target = project_copy / "data" / rc.PROJECT_TABLE
    lines = target.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[7] = "many"  # the count
    lines[5] = ",".join(cells)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--project", str(project_copy)]) == 3
    assert f"{target}, row 6, column 'count': expected a whole number or blank, found 'many'" in capsys.readouterr().err


@pytest.mark.shared
def test_a_second_import_at_once_is_refused(project_copy, capsys):
    target = project_copy / "data" / rc.PROJECT_TABLE
    with StoreLock(target):
        assert _import(project_copy, WORKBOOK) == 4
    assert "error:" in capsys.readouterr().err
