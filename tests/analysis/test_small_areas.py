"""Units of LSOAs: rates the same whichever vintage the rows and the polygons are of, checked
against counts made another way from the real Plymouth rows."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis.crime_profile import ASB, lsoa_rates
from safer_analysis.analysis.small_areas import lsoa_units, unit_rates
from safer_analysis.inputs import police_uk, reference

from ..conftest import CRIME_FILE

SPLIT = {"E01015135": ["E01034157", "E01034158"], "E01015157": ["E01034159", "E01034162"]}


@pytest.fixture(scope="module")
def crimes():
    return police_uk.load_crimes(CRIME_FILE)


@pytest.fixture(scope="module")
def lookup():
    return reference.read_table("lsoa_areas.csv")


@pytest.fixture(scope="module")
def pops():
    table = reference.read_table("lsoa_population.csv")
    table = table[table["mid_year"] == "2020"].copy()
    table["population"] = table["population"].astype(int)
    return table


def test_a_split_lsoa_and_its_parts_are_one_unit_and_a_merged_one_joins_its_parents(lookup):
    units = lsoa_units(lookup)
    for parent, parts in SPLIT.items():
        assert {units[parent], *(units[p] for p in parts)} == {parent}
    merged = lookup[lookup["change_code"] == "M"].iloc[0]
    parents = lookup.loc[lookup["lsoa21_code"] == merged["lsoa21_code"], "lsoa11_code"]
    assert len(parents) > 1 and {units[p] for p in parents} == {units[merged["lsoa21_code"]]} == {min(parents)}
    assert units["E01015023"] == "E01015023"  # unchanged


def test_rates_on_2021_polygons_count_every_row_of_each_unit(crimes, lookup, pops):
    """2025 rows carry 2021 codes: a part of a split LSOA takes the rate of the whole."""
    units = lsoa_units(lookup)
    plymouth = set(crimes["lsoa_code"].dropna())
    vintage21 = set(lookup["lsoa21_code"])
    codes = sorted(c for c in plymouth if c in vintage21)
    rates = unit_rates(crimes, "2025-26", pops, units, codes).set_index("code")
    year = crimes[(crimes["financial_year"] == "2025-26") & (crimes["crime_type"] != ASB)]
    counted = year["lsoa_code"].value_counts()
    population = pops.set_index("lsoa11_code")["population"]
    assert rates.loc["E01015023", "count"] == counted["E01015023"]
    assert rates.loc["E01015023", "rate"] == pytest.approx(counted["E01015023"] / population["E01015023"] * 1000)
    for parent, parts in SPLIT.items():
        whole = sum(counted.get(c, 0) for c in lookup.loc[lookup["lsoa11_code"] == parent, "lsoa21_code"])
        for part in parts:
            assert rates.loc[part, "count"] == whole
            assert rates.loc[part, "rate"] == pytest.approx(whole / population[parent] * 1000)
    placed = year["lsoa_code"].notna().sum()
    assert rates.drop_duplicates("unit")["count"].sum() == placed and rates.attrs["unmapped"] == 0


def test_on_2011_polygons_the_rates_are_those_of_each_2011_lsoa(crimes, lookup, pops):
    """Where nothing was merged (Plymouth), a unit is a 2011 LSOA with its parts: the same rates as
    counting each row in its 2011 parent."""
    units = lsoa_units(lookup)
    mine = pops[pops["lsoa11_code"].isin(set(crimes["lsoa_code"]))]
    expected = lsoa_rates(crimes, "2025-26", mine, lookup).set_index("lsoa11_code")
    got = unit_rates(crimes, "2025-26", pops, units, list(expected.index)).set_index("code")
    pd.testing.assert_series_equal(got["count"], expected["count"], check_names=False)
    pd.testing.assert_series_equal(got["rate"], expected["rate"], check_names=False)
