"""The population of any area for any period, from whichever table covers it: checked against
the ONS tables in ../shared read without the package (csv, openpyxl, xlrd), and the project's
own and imported figures."""

from __future__ import annotations

import csv
import shutil
from functools import cache

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import areas, population
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.mye_workbook import import_workbook, read_workbook
from safer_analysis.inputs.validation import DataValidationError

from ..conftest import REALDATA, ROOT, SHARED

MYE_CSV = REALDATA / "population" / "ons-mye-local-authority-mid2001-to-mid2020.csv"
MYE_2020_XLS = REALDATA / "national" / "ons-mye-mid2020-2021-geography.xls"
MYE_2021_XLS = REALDATA / "population" / "ons-mye-uk-mid2021.xls"
C4 = REALDATA / "national" / "ons-pfa-csp-tables-ye-dec-2024.xlsx"
PLYMOUTH = "E06000026"


@cache
def shared_mye() -> dict[tuple[str, int], int]:
    """ONS mid-year estimates per authority and year, read with the csv module (BOM, thousands separators)."""
    out = {}
    with open(MYE_CSV, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            for column, value in row.items():
                if column and column.lower().startswith("estimated population mid-") and value:
                    out[(row["Code"].strip(), int(column[-4:]))] = int(value.replace(",", ""))  # two end in U+00A0
    return out


@cache
def c4_populations() -> dict[str, int]:
    """Table C4's mid-2022 population per partnership, read cell by cell with openpyxl."""
    import openpyxl

    sheet = openpyxl.load_workbook(C4, read_only=True, data_only=True)["Table C4"]
    out = {}
    for row in sheet.iter_rows(min_row=9, values_only=True):
        if row[2] and isinstance(row[6], int):
            out[row[2]] = row[6]
    return out


@cache
def districts_of(code: str) -> list[str]:
    """The 2022 districts a 2023 authority was made of, from the raw ONS lookup."""
    with open(REALDATA / "ons-lookups" / "lookup_ltla22_ltla23.csv", encoding="utf-8-sig", newline="") as handle:
        return sorted(r["ltla22_code"] for r in csv.DictReader(handle) if r["ltla23_code"] == code)


@cache
def lsoa_sum(authorities: tuple[str, ...], year: int) -> int:
    """The shipped small-area estimates of the LSOAs of 2011 in these 2022 authorities, summed with csv."""
    from importlib import resources

    def rows(name):
        text = resources.files("safer_analysis.reference").joinpath(name).read_text(encoding="utf-8")
        return list(csv.DictReader(text.splitlines()))

    inside = {r["lsoa11_code"] for r in rows("lsoa_areas.csv") if r["ltla22_code"] in authorities}
    return sum(
        int(r["population"])
        for r in rows("lsoa_population.csv")
        if r["lsoa11_code"] in inside and int(r["mid_year"]) == year
    )


def estimate_of(name: str, mid_year: int, figures=None) -> population.Estimate:
    return population.estimate(areas.resolve(name).lsoa21, mid_year, figures)


# ---- the shipped tables --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "year,people",
    [(2016, 262_355), (2017, 263_070), (2018, 263_100), (2019, 262_100), (2020, 262_839), (2021, 264_727)],
)
def test_plymouth_is_the_ons_mid_year_estimate_of_its_year(year, people):
    e = population.estimate_for_codes([PLYMOUTH], year)
    assert (e.population, e.mid_year, e.source) == (people, year, population.ONS_MYE) and e.is_exact
    assert e.note == f"ONS mid-{year} population estimate"


@pytest.mark.shared
def test_mid_2018_agrees_with_the_ons_projection_base_year():
    """An independent source: the 2018-based projections' base year is the mid-2018 estimate."""
    table = (SHARED / "realdata" / "population" / "plymouth_snpp2018_by_age.tsv").read_text().splitlines()
    header = table[0].split("\t")
    all_ages = next(r.split("\t") for r in table if "\tAll ages\t" in r)
    assert population.estimate_for_codes([PLYMOUTH], 2018).population == int(
        all_ages[header.index("2018")].replace(",", "")
    )


@pytest.mark.shared
def test_a_period_past_every_estimate_takes_the_nearest_and_says_how_far():
    e = population.estimate_for_codes([PLYMOUTH], 2025)
    assert e.population == c4_populations()["E22000056"] == 266_900  # Table C4, mid-2022
    assert (e.mid_year, e.years_away, e.source) == (2022, 3, population.ONS_CSP)
    assert "rounded to the nearest 100" in e.note and "(mid-2025) is 3 years before it" in e.note
    assert "1 year before it" in population.estimate_for_codes([PLYMOUTH], 2023).note


@pytest.mark.shared
@pytest.mark.parametrize("authority", ["E06000065", "E06000066", "E06000063", "E06000064"])
def test_an_authority_made_in_2023_is_the_sum_of_its_former_districts(authority):
    """North Yorkshire, Somerset, Cumberland, Westmorland and Furness: none is in the ONS table of
    mid-2020, but their former districts are; and the small-area estimates agree."""
    districts = districts_of(authority)
    assert len(districts) >= 3
    for year in (2017, 2019, 2020):
        e = population.estimate_for_codes([authority], year)
        expected = sum(shared_mye()[(d, year)] for d in districts)
        assert (e.population, e.codes) == (expected, tuple(districts))
        assert e.population == lsoa_sum(tuple(districts), year)


@pytest.mark.shared
def test_the_north_yorkshire_partnership_in_2025_is_the_c4_figure():
    e = estimate_of("North Yorkshire", 2025)
    assert e.population == c4_populations()["E22000372"] == 623_500
    assert estimate_of("North Yorkshire", 2020).population == 620_610  # mid-2020, its seven former districts


@pytest.mark.shared
def test_a_partnership_inside_a_split_authority_is_its_own_part():
    """Cumberland holds three partnerships: each is its former district, never the whole authority."""
    parts = {n: areas.resolve(n) for n in ("Allerdale", "Carlisle", "Copeland")}
    for year in (2018, 2019):
        got = {n: population.estimate(a.lsoa21, year).population for n, a in parts.items()}
        assert got["Carlisle"] == shared_mye()[("E07000028", year)]
        assert sum(got.values()) == population.estimate_for_codes(["E06000063"], year).population
    for name, area in parts.items():
        assert population.estimate(area.lsoa21, 2025).population == c4_populations()[area.code], name


@pytest.mark.shared
def test_every_partnership_has_its_c4_population_for_a_2025_period():
    from safer_analysis.reports.strategic_assessment.model import partnership_lsoas

    units = partnership_lsoas()
    checked = 0
    for code, people in c4_populations().items():
        if code in units:
            assert population.estimate(units[code], 2025).population == people, code
            checked += 1
    assert checked >= 300


def test_a_partnership_of_several_authorities_sums_them():
    codes = areas.resolve("South Devon and Dartmoor").authority_codes
    total = population.estimate_for_codes(codes, 2018)
    parts = [population.estimate_for_codes([c], 2018).population for c in codes]
    assert len(codes) == 3 and total.population == sum(parts) > 200_000 and len(total.codes) == 3


def test_england_and_wales_is_one_row_of_the_ons_table():
    e = population.estimate(population.lsoas_of(["K04000001"]), 2018)
    assert (e.population, e.codes) == (59_115_809, ("K04000001",))


def test_a_ward_is_the_sum_of_its_lsoas_nearest_year():
    ward = population.lsoas_of(["E05002078"])
    e = population.estimate(ward, 2018)
    assert (e.source, e.mid_year, e.lsoas) == (population.ONS_LSOA, 2019, len(ward))
    assert "summed over the area's 8 LSOAs of 2011" in e.label


def test_no_known_lsoa_has_no_population():
    assert population.estimate([], 2018) is None
    assert population.estimate(["E99999999"], 2018) is None
    assert population.estimate_for_codes(["E06999999"], 2018) is None


# ---- the project's own figures -------------------------------------------------------------------


def _own(tmp_path, *rows: str):
    (tmp_path / "population.csv").write_text("area_code,mid_year,population,source\n" + "".join(r + "\n" for r in rows))
    return population.project_figures(tmp_path)


def test_the_projects_own_figure_wins_for_its_year_and_is_named(tmp_path):
    figures = _own(tmp_path, "E06000026,2025,270123,Plymouth City Council estimate", "E06000026,2018,263999,Council")
    e = population.estimate_for_codes([PLYMOUTH], 2025, figures)
    assert (e.population, e.source, e.is_exact) == (270_123, population.OWN, True)
    assert "own population figure for mid-2025" in e.label and "Plymouth City Council estimate" in e.label
    assert population.estimate_for_codes([PLYMOUTH], 2018, figures).population == 263_999  # before ONS's same year
    assert population.estimate_for_codes([PLYMOUTH], 2016, figures).population == 262_355  # ONS's own year is nearer


def test_an_own_figure_for_a_partnership_covers_its_area(tmp_path):
    figures = _own(tmp_path, "E22000033,2024,112000,Cumberland Council")
    assert estimate_of("Carlisle", 2025, figures).population == 112_000
    assert estimate_of("Allerdale", 2025, figures).source == population.ONS_CSP


@pytest.mark.parametrize(
    "row,column,words",
    [
        ("E06999999,2024,1000,x", "area_code", "no area in the ONS lookups"),
        ("E06000026,24,1000,x", "mid_year", "whole number from 1981 to 2100"),
        ("E06000026,2024,many,x", "population", "expected a whole number"),
        ("E06000026,2024,1000,", "source", "a value is required"),
    ],
)
def test_a_wrong_own_figure_is_one_line_naming_file_row_and_column(tmp_path, row, column, words):
    with pytest.raises(DataValidationError) as caught:
        _own(tmp_path, "E06000026,2023,1000,x", row)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert "population.csv, row 3, column '" + column + "'" in message and words in message


def test_one_figure_per_area_and_year(tmp_path):
    with pytest.raises(DataValidationError, match="row 3, column 'mid_year': E06000026 already has a figure"):
        _own(tmp_path, "E06000026,2023,1000,x", "E06000026,2023,1001,y")


def test_a_project_without_the_file_has_no_own_figures(data_copy):
    (data_copy / "population.csv").unlink(missing_ok=True)
    assert load_dataset(data_copy).population.empty
    assert population.figures_of(load_dataset(data_copy)).own_table == {}


def test_check_refuses_a_wrong_own_figure_with_exit_3(project_copy, capsys):
    (project_copy / "data" / "population.csv").write_text("area_code,mid_year,population,source\nPlymouth,2024,1,x\n")
    assert main(["check", "--project", str(project_copy)]) == 3
    err = capsys.readouterr().err
    assert "population.csv, row 2, column 'area_code'" in err and len(err.strip().splitlines()) == 1


# ---- an ONS workbook imported ----------------------------------------------------------------------


@pytest.mark.shared
def test_the_ons_workbook_reads_as_the_table_shipped_from_another_copy():
    """The mid-2020 workbook read as import-population reads it equals, area by area and year by
    year, the ONS table shipped with the package (made from a CSV found elsewhere)."""
    frame = read_workbook(MYE_2020_XLS)
    assert frame.attrs["sheet"] == "MYE4"
    got = {(r.area_code, r.mid_year): r.population for r in frame.itertuples()}
    assert got == shared_mye()


@pytest.mark.shared
def test_importing_a_newer_workbook_adds_its_year_and_is_named(tmp_path):
    done = import_workbook(MYE_2021_XLS, tmp_path)
    assert (done.sheet, done.added, done.replaced) == ("MYE4", [2001, 2011, 2021], [])
    again = import_workbook(MYE_2020_XLS, tmp_path)
    assert again.added == [y for y in range(2002, 2021) if y != 2011] and again.replaced == [2001, 2011]
    assert again.kept == [2021]
    figures = population.project_figures(tmp_path)
    e = population.estimate_for_codes([PLYMOUTH], 2021, figures)
    assert (e.population, e.source) == (264_727, population.IMPORTED)
    assert e.label == "ONS mid-2021 population estimate (from ons-mye-uk-mid2021.xls, imported into the project)"
    assert population.estimate_for_codes([PLYMOUTH], 2018, figures).detail == MYE_2020_XLS.name


@pytest.mark.shared
def test_import_population_on_the_command_line(project_copy, capsys):
    assert main(["import-population", str(MYE_2021_XLS), "--project", str(project_copy)]) == 0
    out = capsys.readouterr().out
    assert "added mid-2001, mid-2011, mid-2021" in out
    target = project_copy / "data" / "reference" / "ons-mid-year-estimates.csv"
    assert target.is_file()
    assert main(["check", "--project", str(project_copy)]) == 0


@pytest.mark.shared
def test_import_population_refuses_what_is_not_a_workbook_and_keeps_what_it_did_not_write(project_copy, capsys):
    assert main(["import-population", str(project_copy / "nothing.xls"), "--project", str(project_copy)]) == 2
    not_a_book = project_copy / "page.xlsx"
    not_a_book.write_text("<html>not found</html>")
    assert main(["import-population", str(not_a_book), "--project", str(project_copy)]) == 3
    assert "not an Excel workbook" in capsys.readouterr().err
    no_table = project_copy / "crime.xlsx"
    shutil.copyfile(C4, no_table)
    assert main(["import-population", str(no_table), "--project", str(project_copy)]) == 3
    assert "no sheet holds a table of areas by mid-year" in capsys.readouterr().err
    theirs = project_copy / "data" / "reference" / "ons-mid-year-estimates.csv"
    theirs.parent.mkdir()
    theirs.write_text("my own notes\n")
    assert main(["import-population", str(MYE_2021_XLS), "--project", str(project_copy)]) == 2
    assert theirs.read_text() == "my own notes\n"
    assert "did not write" in capsys.readouterr().err


def test_init_writes_the_own_figures_file_with_its_header_and_no_rows(tmp_path):
    from safer_analysis.scaffold.init import init

    made = init(tmp_path / "exeter", "Exeter", year="2025-26")
    assert (made.root / "data" / "population.csv").read_text() == "area_code,mid_year,population,source\n"
    assert "data/population.csv" in (made.root / "README.md").read_text()


def test_the_repository_project_holds_no_own_figures():
    assert load_dataset(ROOT / "data").population.empty
