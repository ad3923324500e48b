"""Reading ONS's tables of police recorded crime by partnership: the real December 2024 workbook,
CSV files saved from its sheets, and files that are not such a table."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from safer_analysis.inputs import reference
from safer_analysis.inputs.ons_crime_tables import (
    FORCE,
    OFFENCE_GROUPS,
    PARTNERSHIP,
    TOTAL,
    UNASSIGNED,
    period_label,
    read_tables,
)
from safer_analysis.inputs.validation import DataValidationError

from .ons_tables import HEADER_ROW, WORKBOOK, export_csv, sheet_rows, table_rows

pytestmark = pytest.mark.shared

PLYMOUTH = "E22000056"


@pytest.fixture(scope="module")
def tables():
    return {t.name: t for t in read_tables(WORKBOOK)}


def _row_of(sheet: str, name: str) -> int:
    """The spreadsheet row of the first row whose partnership name is ``name``, found in the raw sheet."""
    return next(i for i, r in enumerate(sheet_rows(sheet), start=1) if r[3] and str(r[3]).strip() == name)


def test_the_workbook_gives_tables_c2_c4_and_c5_each_with_its_twelve_months(tables):
    found = {name: (t.kind, t.period_end) for name, t in tables.items()}
    assert found == {
        "Table C2": ("counts", "2024-12"),
        "Table C4": ("rates", "2024-12"),
        "Table C5": ("counts", "2023-12"),
    }
    assert tables["Table C4"].population_mid_year == 2022
    assert period_label("2024-12") == "year ending December 2024"


def test_plymouth_year_ending_december_2024_as_the_workbook_readme_gives_it(tables):
    counts = tables["Table C2"].frame.set_index("csp_code")
    rates = tables["Table C4"].frame.set_index("csp_code")
    assert counts.at[PLYMOUTH, "csp_name"] == "Plymouth" and counts.at[PLYMOUTH, TOTAL] == 25_943
    assert rates.at[PLYMOUTH, "population"] == 266_900 and round(rates.at[PLYMOUTH, TOTAL], 1) == 97.2
    devon = tables["Table C2"].frame.query("level == 'force' and force == 'Devon and Cornwall'")
    assert devon[TOTAL].tolist() == [120_245]
    others = counts[counts["force"] == "Devon and Cornwall"].set_index("csp_name")[TOTAL]
    assert others[["Torbay", "Exeter", "Cornwall", "Isles of Scilly"]].tolist() == [13_642, 13_262, 34_136, 58]


def test_the_42_force_rows_sum_to_5258272_as_the_raw_sheet_does(tables):
    frame = tables["Table C2"].frame
    forces = frame[frame["level"] == FORCE]
    assert len(forces) == 42 and forces[TOTAL].sum() == 5_258_272
    raw = [r for r in table_rows("Table C2") if r[0] and r[2] is None and r[3] is None]  # no partnership: a force
    assert len(raw) == 42 and sum(r[6] for r in raw) == 5_258_272


@pytest.mark.parametrize("name", ["Table C2", "Table C5"])
def test_every_forces_partnerships_and_unassigned_rows_add_up_to_it_in_every_group(tables, name):
    frame = tables[name].frame
    groups = list(OFFENCE_GROUPS)
    members = frame[frame["level"] != FORCE].groupby("force_code")[groups].sum()
    forces = frame[frame["level"] == FORCE].set_index("force_code")[groups]
    assert len(forces) == 42
    assert (members.loc[forces.index] == forces).all().all()
    assert frame["level"].value_counts().to_dict() == {PARTNERSHIP: 314, UNASSIGNED: 43, FORCE: 42}


def test_the_partnerships_and_their_forces_are_those_of_the_ons_lookup(tables):
    lookup = reference.csp_lookup().drop_duplicates("csp24_code").set_index("csp24_code")["pfa24_code"]
    for name in ("Table C2", "Table C4", "Table C5"):
        frame = tables[name].frame
        partnerships = frame[frame["level"] == PARTNERSHIP].set_index("csp_code")["force_code"]
        assert partnerships.index.is_unique and set(partnerships.index) == set(lookup.index)
        assert (partnerships == lookup.loc[partnerships.index]).all()


@pytest.mark.parametrize("name", ["Table C2", "Table C5"])
def test_every_offence_group_is_the_sum_of_the_groups_within_it(tables, name):
    """An independent check that every column is read under its own name."""
    frame = tables[name].frame.fillna(0)
    for parent in set(OFFENCE_GROUPS.values()) - {""}:
        children = [g for g, p in OFFENCE_GROUPS.items() if p == parent]
        assert (frame[children].sum(axis=1) == frame[parent]).all(), parent


def test_a_note_marker_in_a_force_name_is_left_out(tables):
    raw = {str(r[1]) for r in table_rows("Table C2") if r[0] == "E23000021"}
    assert "Leicestershire [note 4]" in raw
    for table in tables.values():
        assert set(table.frame.loc[table.frame["force_code"] == "E23000021", "force"]) == {"Leicestershire"}


def test_a_row_carrying_another_forces_code_counts_in_the_force_its_name_gives(tables):
    row = _row_of("Table C2", "Unassigned Gwent")
    assert sheet_rows("Table C2")[row - 1][0] == "W15000003"  # South Wales's code, in the sheet
    frame = tables["Table C2"].frame
    gwent = frame[frame["csp_name"] == "Unassigned Gwent"].iloc[0]
    assert (gwent["force_code"], gwent["force"], gwent[TOTAL]) == ("W15000002", "Gwent", 1)
    assert any(
        n.startswith(f"row {row}: 'Unassigned Gwent' carries W15000003 (South Wales") for n in tables["Table C2"].notes
    )


def test_a_row_with_no_count_is_kept_without_one(tables):
    row = _row_of("Table C2", "unassigned Surrey")
    assert sheet_rows("Table C2")[row - 1][6] is None
    surrey = tables["Table C2"].frame.query("csp_name == 'unassigned Surrey'").iloc[0]
    assert surrey["force_code"] == "E23000031" and surrey["level"] == UNASSIGNED and pd.isna(surrey[TOTAL])


def test_city_of_london_is_a_force_of_one_partnership_without_a_force_row(tables):
    frame = tables["Table C2"].frame
    city = frame[frame["force_code"] == "E23000034"]
    assert city["level"].tolist() == [PARTNERSHIP] and city[TOTAL].tolist() == [9_270]
    assert any("City of London has no force row" in n for n in tables["Table C2"].notes)
    rates = tables["Table C4"].frame.query("force_code == 'E23000034'").iloc[0]
    assert rates["population"] == 10_800 and pd.isna(rates[TOTAL])  # ONS gives no rate ([u1])


def test_the_percentage_changes_of_table_c3_are_left_out(tables, tmp_path):
    assert "Table C3" not in tables
    with pytest.raises(DataValidationError, match="holds no ONS table of police recorded crime"):
        read_tables(export_csv(sheet_rows("Table C3"), tmp_path / "c3.csv"))


# --- CSV files saved from the workbook ---------------------------------------------------------------------------


def test_table_c2_saved_as_csv_reads_as_in_the_workbook(tables, tmp_path):
    path = export_csv(sheet_rows("Table C2"), tmp_path / "table-c2.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert '"25,943 "' in text and '"Police Force\nArea code"' in text  # numbers as shown, headers over lines
    (table,) = read_tables(path)
    assert (table.name, table.kind, table.period_end) == ("Table C2", "counts", "2024-12")
    pd.testing.assert_frame_equal(table.frame, tables["Table C2"].frame, check_dtype=False)
    assert table.notes == tables["Table C2"].notes


def test_table_c4_saved_as_csv_with_rates_to_one_place(tables, tmp_path):
    (table,) = read_tables(export_csv(sheet_rows("Table C4"), tmp_path / "c4.csv", places=1, encoding="cp1252"))
    frame = table.frame.set_index("csp_code")
    assert table.kind == "rates" and frame.at[PLYMOUTH, TOTAL] == 97.2 and frame.at[PLYMOUTH, "population"] == 266_900
    assert table.frame.attrs["decimals"][TOTAL] == 1
    whole = tables["Table C4"].frame.set_index("csp_code")
    assert frame.loc[frame["level"] == PARTNERSHIP, "population"].equals(
        whole.loc[whole["level"] == PARTNERSHIP, "population"]
    )


@pytest.mark.parametrize(
    "month,year,expected",
    [("March", "2025", "2025-03"), ("September", "2019", "2019-09"), ("Dec", "2024", "2024-12")],
)
def test_the_period_is_read_from_the_title(tmp_path, month, year, expected):
    def retitle(number, cells):
        if number == 1:
            cells[0] = cells[0].replace("year ending December 2024", f"year ending {month} {year}")
        return cells

    (table,) = read_tables(export_csv(sheet_rows("Table C2"), tmp_path / "t.csv", edit=retitle))
    assert table.period_end == expected


# --- what is refused: one line naming the file, row and column ----------------------------------------------------


def _plymouth(sheet: str = "Table C2") -> int:
    return _row_of(sheet, "Plymouth")


def _devon_force_row() -> int:
    return next(
        i for i, r in enumerate(sheet_rows("Table C2"), start=1) if r[0] == "E23000035" and r[2] is None and not r[3]
    )


def _set(row: int, column: int, value: str):
    def edit(number, cells):
        if number == row:
            cells[column] = value
        return cells

    return edit


@pytest.mark.parametrize(
    "make_edit,row,column,words",
    [
        (lambda: _set(_plymouth(), 6, "n/a"), _plymouth, "Total recorded crime (excluding fraud)", "expected a number"),
        (lambda: _set(_plymouth(), 6, "25,943.5"), _plymouth, "Total recorded crime", "expected a whole number"),
        (lambda: _set(_plymouth(), 2, "E2200056"), _plymouth, "Community Safety Partnership code", "E22 or W14"),
        (lambda: _set(_plymouth(), 0, ""), _plymouth, "Police Force Area code", "expected a police force area code"),
        (lambda: _set(_plymouth(), 3, ""), _plymouth, "Community Safety Partnership name", "no partnership name"),
        (
            lambda: _set(_plymouth(), 8, "23 "),
            _devon_force_row,
            "Homicide",
            "partnerships and unassigned rows add up to",
        ),
        (lambda: _set(_plymouth(), 6, "25,944 "), _devon_force_row, "Total recorded crime", "add up to 120,246"),
        (
            lambda: _set(_row_of("Table C2", "Torbay"), 2, "E22000056"),
            lambda: _row_of("Table C2", "Torbay"),
            "Community Safety Partnership code",
            "appears twice",
        ),
        (lambda: _set(HEADER_ROW, 8, "Fraud"), lambda: HEADER_ROW, "Fraud", "does not have"),
    ],
    ids=["text count", "part crime", "bad code", "no force", "no name", "sum group", "sum total", "twice", "column"],
)
def test_a_malformed_table_is_refused_naming_its_row_and_column(tmp_path, make_edit, row, column, words):
    path = export_csv(sheet_rows("Table C2"), tmp_path / "c2.csv", edit=make_edit())
    with pytest.raises(DataValidationError) as caught:
        read_tables(path)
    message = str(caught.value).splitlines()[0]
    assert f"{path}, row {row()}" in message and f"column '{column}" in message and words in message


def test_a_table_without_its_title_is_refused_for_want_of_a_period(tmp_path):
    path = export_csv(sheet_rows("Table C2")[HEADER_ROW - 1 :], tmp_path / "no-title.csv")
    with pytest.raises(DataValidationError, match=r"row 1: no title naming the table and its period"):
        read_tables(path)


def test_a_header_missing_an_offence_group_is_refused(tmp_path):
    rows = [r[:8] + r[9:] for r in sheet_rows("Table C2")]  # Homicide's column left out
    with pytest.raises(DataValidationError, match=f"row {HEADER_ROW}: the header has no column 'Homicide'"):
        read_tables(export_csv(rows, tmp_path / "c2.csv"))


def test_a_force_without_its_force_row_is_refused_unless_it_has_one_partnership(tmp_path):
    devon = _devon_force_row()
    rows = [r for i, r in enumerate(sheet_rows("Table C2"), start=1) if i != devon]
    with pytest.raises(DataValidationError, match=re.escape("no force row for Devon and Cornwall (E23000035)")):
        read_tables(export_csv(rows, tmp_path / "c2.csv"))


def test_what_is_no_table_at_all_is_refused(tmp_path):
    text = tmp_path / "notes.csv"
    text.write_text("Some notes\nabout crime\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="holds no ONS table of police recorded crime"):
        read_tables(text)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(WORKBOOK.read_bytes()[:5000])
    with pytest.raises(DataValidationError, match="not an Excel workbook that can be read"):
        read_tables(broken)
