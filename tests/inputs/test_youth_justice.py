"""DfE's youth justice indicators, shipped by ONS code: checked against the LAIT file read here
independently, with the region and statistical neighbours as comparators and England left out."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.inputs import reference
from safer_analysis.inputs.indicators import youth_justice
from tests.conftest import REALDATA

LAIT = REALDATA / "national" / "dfe-lait-indicators-long.parquet"
NEIGHBOURS = REALDATA / "national" / "dfe-statistical-neighbours-may-2025.xlsx"


def _lait(measure: str, name: str) -> dict[str, float | None]:
    """A measure for one DfE area straight from the parquet: year to value, None where suppressed."""
    frame = pd.read_parquet(LAIT, columns=["Short Desc", "Years", "LA and Regions", "Values"])
    rows = frame[(frame["Short Desc"] == measure) & (frame["LA and Regions"] == name)]
    return {y: (None if v == "-" else float(v)) for y, v in zip(rows["Years"], rows["Values"], strict=True)}


def _own(rows: pd.DataFrame, measure: str) -> dict[str, float | None]:
    own = rows[(rows["comparison"] == "") & (rows["indicator_id"] == measure)]
    return {p: (None if pd.isna(v) else v) for p, v in zip(own["period"], own["value"], strict=True)}


@pytest.mark.shared
def test_plymouths_first_time_entrants_match_the_dfe_file():
    rows = youth_justice.for_authorities(("E06000026",))
    expected = _lait("FirstYJS", "Plymouth")
    assert _own(rows, "FirstYJS") == expected
    assert (expected["2016"], expected["2024"]) == (305.0, 207.0)  # the README's hand-checked figures
    assert _own(rows, "ReoffYO") == _lait("ReoffYO", "Plymouth")


@pytest.mark.shared
def test_the_region_and_dfe_statistical_neighbours_are_the_comparators_and_england_is_left_out():
    rows = youth_justice.for_authorities(("E06000026",))
    region = rows[(rows["comparison"] == "region") & (rows["indicator_id"] == "FirstYJS")]
    assert set(region["area_name"]) == {"South West"}
    assert dict(zip(region["period"], region["value"], strict=True)) == _lait("FirstYJS", "South West")
    sheet = pd.read_excel(NEIGHBOURS, header=None, skiprows=3, dtype=str)
    plymouth = sheet[sheet[1] == "Plymouth"].iloc[0]
    numbers = [plymouth[3 + 2 * k] for k in range(1, 11)]
    frame = pd.read_parquet(LAIT, columns=["LA and Regions", "LA Number"]).drop_duplicates("LA Number")
    names = dict(zip(frame["LA Number"].astype(int).astype(str), frame["LA and Regions"], strict=True))
    near = rows[(rows["comparison"] == "statistical neighbour") & (rows["indicator_id"] == "FirstYJS")]
    assert set(near["area_name"]) == {names[n] for n in numbers}
    assert len(near) == 10 * 9
    assert not rows["area_name"].str.contains("England").any()
    assert "E92000001" not in set(reference.read_table(youth_justice.TABLE)["area_code"])


@pytest.mark.shared
def test_a_district_partnership_gets_its_countys_figures_labelled_as_the_countys():
    rows = youth_justice.for_authorities(("E07000041",), for_name="Exeter")  # Exeter
    own = rows[rows["comparison"] == ""]
    assert set(own["area_code"]) == {"E10000008"}
    assert set(own["area_name"]) == {"Devon (the county's figures, for Exeter)"}
    assert _own(rows, "FirstYJS") == _lait("FirstYJS", "Devon")


def test_every_district_of_2024_has_one_county_whose_population_its_districts_make_up():
    counties = youth_justice.county_of_district()
    districts = set(reference.csp_lookup().query("ltla24_code.str.startswith('E07')")["ltla24_code"])
    assert set(counties) == districts
    table = reference.read_table("population_local_authority.csv").query("mid_year == '2019'")
    people = dict(zip(table["area_code"], table["population"].astype(int), strict=True))
    for county in set(counties.values()):
        assert sum(people[d] for d, c in counties.items() if c == county) == people[county]
    assert counties["E07000041"] == "E10000008"  # Exeter, Devon


def test_a_unitary_is_its_own_upper_tier():
    assert youth_justice.upper_tier(["E06000026", "E07000041", "E07000045"]) == ["E06000026", "E10000008"]


@pytest.mark.shared
def test_the_shipped_tables_are_remade_from_the_dfe_files():
    made = youth_justice.read_lait(LAIT)
    shipped = reference.read_table(youth_justice.TABLE)
    assert made.astype(str).reset_index(drop=True).equals(shipped.astype(str))
    assert (
        youth_justice.read_neighbours(NEIGHBOURS, made)
        .astype(str)
        .equals(reference.read_table(youth_justice.NEIGHBOURS).astype(str))
    )
