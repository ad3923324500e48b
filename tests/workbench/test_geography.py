"""Each police.uk row's ward, authority, CSP and force, whichever LSOA vintage its code is; ward
populations summed from the LSOAs."""

from __future__ import annotations

import pandas as pd

from safer_analysis.workbench import geography

from .conftest import reference_rows


def test_every_plymouth_lsoa_of_2011_is_in_a_plymouth_ward(plymouth_lsoa11, ward_of):
    geo = geography.lsoa_geography()
    assert len(plymouth_lsoa11) == 161
    rows = geo.loc[sorted(plymouth_lsoa11)]
    assert rows["ward_name"].tolist() == [ward_of[c] for c in sorted(plymouth_lsoa11)]
    assert set(rows["authority_name"]) == {"Plymouth"}
    assert set(rows["csp_code"]) == {"E22000056"}
    assert set(rows["force_code"]) == {"E23000035"}


def test_a_2021_code_split_from_a_2011_one_is_placed_and_keeps_its_parent(lookup_rows):
    geo = geography.lsoa_geography()
    splits = [r for r in lookup_rows if r["change_code"] == "S" and r["ltla24_code"] == "E06000026"]
    assert len(splits) == 6
    for r in splits:
        assert geo.at[r["lsoa21_code"], "vintage"] == "2021"
        assert geo.at[r["lsoa21_code"], "lsoa11_code"] == r["lsoa11_code"]
        assert geo.at[r["lsoa21_code"], "ward_code"] == r["ward24_code"]
        assert geo.at[r["lsoa11_code"], "vintage"] == "2011"


def test_a_2011_lsoa_split_between_wards_has_no_ward(wards_of_lsoa11):
    geo = geography.lsoa_geography()
    split = sorted(code for code, wards in wards_of_lsoa11.items() if len(wards) > 1)
    assert split, "the lookups hold 2011 LSOAs split between wards"
    assert geo.loc[split, "ward_code"].isna().all()
    frame = pd.DataFrame({"lsoa_code": [split[0], None, "E99999999", "E01015135"], "month": "2019-01"})
    placed = geography.add_geography(frame)
    assert placed.attrs["unmapped"] == {"no_lsoa": 1, "unknown": 1, "no_ward": 1}
    note = geography.unmapped_note(placed)
    assert "1 had no location" in note and "1 had an LSOA code" in note and "split between 2024 wards" in note
    assert placed["ward_name"].iloc[3] == "Plymstock Radford"


def test_the_real_store_is_placed_entirely_across_both_vintages(crimes, raw_crimes):
    assert len(crimes) == raw_crimes.num_rows
    assert crimes.attrs["unmapped"] == {"no_lsoa": 0, "unknown": 0, "no_ward": 0}
    assert geography.unmapped_note(crimes) == ""
    assert crimes["ward_name"].nunique() == 20
    assert set(crimes["authority_name"]) == {"Plymouth"}
    late = crimes[crimes["month"] >= "2025-01"]
    assert set(late["lsoa_vintage"]) >= {"2021"} and late["ward_code"].notna().all()
    early = crimes[crimes["month"] < "2020-01"]
    assert "2021" not in set(early["lsoa_vintage"])


def test_ward_populations_sum_the_lsoas_of_the_nearest_year(lookup_rows, plymouth_lsoa11):
    pops = reference_rows("lsoa_population.csv")
    by_lsoa = {r["lsoa11_code"]: int(r["population"]) for r in pops if r["mid_year"] == "2019"}
    ward_code_of = {r["lsoa11_code"]: r["ward24_code"] for r in lookup_rows if r["ltla24_code"] == "E06000026"}
    expected: dict[str, int] = {}
    for code in plymouth_lsoa11:
        expected[ward_code_of[code]] = expected.get(ward_code_of[code], 0) + by_lsoa[code]
    table = geography.populations("ward", 2018, sorted(expected))
    assert table.attrs["mid_year"] == 2019  # 2017 and 2019 are equally near 2018: the later
    assert table["population"].to_dict() == expected
    assert sum(expected.values()) == 262_100  # the ONS mid-2019 estimate for Plymouth


def test_population_years_are_the_nearest_shipped():
    assert geography.lsoa_population_years() == [2017, 2019, 2020]
    assert geography.nearest_lsoa_year(2016) == 2017
    assert geography.nearest_lsoa_year(2024) == 2020
