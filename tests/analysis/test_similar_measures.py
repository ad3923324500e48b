"""The measures partnerships are compared on: the LSOAs each is made of, deprivation summed over
them, figures per authority apportioned by people; and the shipped table against the published
figures (ONS populations per partnership, MHCLG's district summaries, ONS densities, the rural-urban
classification's own percentages)."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest

from safer_analysis.analysis import similar_measures as sm
from safer_analysis.inputs import reference, similar_groups

from ..conftest import REALDATA

NATIONAL = REALDATA / "national"
pytestmark = pytest.mark.filterwarnings("ignore:The xlrd engine is deprecated")


def _lookup() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ltla24_code": ["E06000058"] * 3 + ["E06000059", "E06000026"],
            "csp24_code": ["E22000063", "E22000067", "E22000367", "E22000367", "E22000056"],
            "csp24_name": ["Bournemouth", "Poole", "Dorset", "Dorset", "Plymouth"],
        }
    )


def test_an_lsoa_without_a_partnership_takes_its_district_then_the_partnership_named_after_none():
    lsoas = pd.DataFrame(
        {
            "lsoa11_name": ["Bournemouth 001A", "Poole 002B", "Christchurch 003C", "Plymouth 001A"],
            "authority_code": ["E06000058", "E06000058", "E06000058", "E06000026"],
            "csp_code": [None, None, None, "E22000056"],
        },
        index=["a", "b", "c", "d"],
    )
    assert sm.assign_lsoas(lsoas, _lookup()).to_dict() == {
        "a": "E22000063",
        "b": "E22000067",
        "c": "E22000367",
        "d": "E22000056",
    }


def test_an_lsoa_no_rule_places_is_refused():
    lookup = pd.concat(
        [_lookup(), pd.DataFrame({"ltla24_code": ["E06000058"], "csp24_code": ["X"], "csp24_name": ["Y"]})]
    )
    lsoas = pd.DataFrame(
        {"lsoa11_name": ["Christchurch 003C"], "authority_code": ["E06000058"], "csp_code": [None]}, index=["c"]
    )
    with pytest.raises(ValueError, match="1 LSOAs belong to no partnership"):
        sm.assign_lsoas(lsoas, lookup)


def test_apportion_counts_whole_areas_in_full_and_shared_ones_by_people():
    lsoas = pd.DataFrame(
        {
            "csp_code": ["A", "A", "B", "B", "C"],
            "area_code": ["X", "Y", "Y", "Z", "Z"],
            "population": [100, 30, 70, 999, 1],
        }
    )
    areas = pd.DataFrame(
        {"area_code": ["X", "Y", "Z"], "numerator": [20.0, 50.0, 500.0], "denominator": [200.0, 100.0, 1000.0]}
    )
    out = sm.apportion(areas, lsoas)
    # A: all of X and 30% of Y; B: 70% of Y and 99.9% of Z; C: 0.1% of Z (a sliver, not shared)
    assert out.at["A", "value"] == pytest.approx((20 + 0.3 * 50) / (200 + 0.3 * 100))
    assert out.at["B", "value"] == pytest.approx((0.7 * 50 + 0.999 * 500) / (0.7 * 100 + 0.999 * 1000))
    assert out.at["C", "value"] == pytest.approx(0.5)
    assert out["shared"].to_dict() == {"A": "Y", "B": "Y", "C": ""}
    with pytest.raises(ValueError, match="no figures for area Z"):
        sm.apportion(areas[areas["area_code"] != "Z"], lsoas)


def test_deprivation_is_the_residents_average_rank_and_share_in_the_most_deprived_tenth():
    lsoas = pd.DataFrame(
        {"csp_code": ["A", "A", "A", "W"], "population": [100, 200, 700, 50], "imd_rank": [5, 11, 100, None]}
    )
    out = sm.deprivation(lsoas, 100)
    assert out.at["A", "imd_average_rank"] == pytest.approx((100 * 96 + 200 * 90 + 700 * 1) / 1000)
    assert out.at["A", "imd_most_deprived_tenth"] == pytest.approx(0.1)
    assert "W" not in out.index  # a Welsh LSOA has no English rank


# ---- the shipped table against published figures -----------------------------------------------


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return similar_groups.measures()


def test_every_partnership_has_its_measures_and_says_what_they_were_built_from(table):
    assert set(table.index) == set(reference.csp_lookup()["csp24_code"]) and len(table) == 314
    english, welsh = table[table["nation"] == "England"], table[table["nation"] == "Wales"]
    assert len(english) == 293 and len(welsh) == 21
    assert english[list(sm.MEASURES)].notna().all().all()
    assert welsh[list(sm.ENGLAND_ONLY)].isna().all().all()
    assert (welsh[[f"{m}_basis" for m in sm.ENGLAND_ONLY]] == "").all().all()
    assert (english["imd_average_rank_basis"] == "LSOAs").all()
    # the partnerships inside one authority say which authority they share
    assert table.at["E22000063", "people_per_sq_km_basis"] == (
        "authorities; Bournemouth, Christchurch and Poole shared by population"
    )
    assert table.at["E22000056", "people_per_sq_km_basis"] == "authorities"
    assert table.at["E22000364", "rural_share_basis"] == "districts of 2018"


def _c4_populations() -> pd.Series:
    raw = pd.read_excel(NATIONAL / "ons-pfa-csp-tables-ye-dec-2024.xlsx", sheet_name="Table C4", header=None)
    header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "Police Force Area code")
    rows = raw.iloc[header + 1 :]
    rows = rows[rows[2].notna()]
    return pd.Series(rows[6].astype(float).to_numpy(), index=rows[2].astype(str).str.strip())


@pytest.mark.shared
def test_residents_of_each_partnerships_lsoas_match_the_ons_partnership_populations(table):
    """Mid-2020 residents summed over the LSOAs each partnership is given, against the mid-2022
    population ONS gives every partnership (Table C4): the LSOAs are the right ones, including
    those of partnerships inside one authority (Bournemouth, Poole, Dorset with Christchurch,
    Buckinghamshire's and Northamptonshire's former districts)."""
    ratio = table["population"] / _c4_populations().reindex(table.index)
    assert ratio.notna().all()
    assert abs(statistics.median(ratio) - 1) < 0.02
    assert (ratio.sub(1).abs() < 0.05).mean() > 0.85
    assert ratio.between(0.8, 1.35).all()  # the census rebased some cities' estimates by a fifth
    inside_one_authority = [
        "E22000063", "E22000067", "E22000367", "E22000303", "E22000306", "E22000311", "E22000318",
        "E22000233", "E22000235", "E22000236", "E22000239", "E22000237", "E22000357", "E22000274", "E22000278",
    ]  # fmt: skip
    assert ratio[inside_one_authority].sub(1).abs().max() < 0.08


@pytest.mark.shared
def test_deprivation_matches_mhclg_district_summaries(table):
    """For partnerships that are one 2019 district, the residents' average rank and the share in
    the most deprived tenth, summed here from the LSOAs, against MHCLG's File 10 (which weights by
    mid-2015 residents and counts LSOAs for the share)."""
    iod = pd.read_excel(NATIONAL / "iod2019-lad-summaries.xlsx", sheet_name="IMD")
    iod.columns = [str(c).strip() for c in iod.columns]
    iod = iod.set_index("Local Authority District code (2019)")
    lookup = pd.read_csv(REALDATA / "ons-lookups" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    alone = lookup.groupby("csp24_code").filter(lambda g: len(g) == 1)
    alone = alone[alone["ltla24_code"].isin(iod.index) & ~alone["ltla24_code"].duplicated(keep=False)]
    pairs = dict(zip(alone["csp24_code"], alone["ltla24_code"], strict=True))
    ours = table.loc[list(pairs), "imd_average_rank"]
    theirs = iod.loc[list(pairs.values()), "IMD - Average rank"].to_numpy()
    assert len(pairs) > 250
    assert np.corrcoef(ours, theirs)[0, 1] > 0.999
    assert np.abs(ours - theirs).max() < 32_844 * 0.03
    share = iod.loc[list(pairs.values()), "IMD - Proportion of LSOAs in most deprived 10% nationally"].to_numpy()
    assert np.abs(table.loc[list(pairs), "imd_most_deprived_tenth"] - share).max() < 0.05
    assert table.at["E22000056", "imd_most_deprived_tenth"] == pytest.approx(0.174, abs=0.005)  # Plymouth: 17.4%


@pytest.mark.shared
def test_density_is_the_ons_figure_for_whole_authorities(table):
    raw = pd.read_excel(NATIONAL / "ons-mye-mid2020-2021-geography.xls", sheet_name="MYE 5", header=None)
    header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "Code")
    sheet = raw.iloc[header + 1 :].set_axis([str(c).strip() for c in raw.iloc[header]], axis=1)
    sheet = sheet.set_index(sheet["Code"].astype(str).str.strip())
    assert table.at["E22000056", "people_per_sq_km"] == pytest.approx(sheet.at["E06000026", "2020 people per sq. km"])
    # South Devon and Dartmoor: South Hams, Teignbridge and West Devon together
    parts = sheet.loc[["E07000044", "E07000045", "E07000047"]]
    together = parts["Estimated population mid-2020"].sum() / parts["Area (sq km)"].sum()
    assert table.at["E22000364", "people_per_sq_km"] == pytest.approx(together)
    # Cwm Taf: Rhondda Cynon Taf and Merthyr Tydfil
    parts = sheet.loc[["W06000016", "W06000024"]]
    together = parts["Estimated population mid-2020"].sum() / parts["Area (sq km)"].sum()
    assert table.at["W14000023", "people_per_sq_km"] == pytest.approx(together)


@pytest.mark.shared
def test_rural_share_is_the_classifications_own_percentage_for_one_district(table):
    ruc = pd.read_csv(NATIONAL / "ruc2011-lad-england.csv", dtype=str)
    percent = "Rural including hub towns (rural & rural related) population as % of Total population 2011"
    lookup = pd.read_csv(REALDATA / "ons-lookups" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    alone = lookup.groupby("csp24_code").filter(lambda g: len(g) == 1)
    alone = alone[~alone["ltla24_code"].duplicated(keep=False)]
    pairs = {c: d for c, d in zip(alone["csp24_code"], alone["ltla24_code"], strict=True) if d in set(ruc["LAD18CD"])}
    published = ruc.set_index("LAD18CD")[percent].astype(float)  # cut (not rounded) to two places
    whole = {c: d for c, d in pairs.items() if table.at[c, "rural_share_basis"] == "districts of 2018"}
    assert len(whole) > 250
    for code, district in whole.items():
        assert 0 <= table.at[code, "rural_share"] * 100 - published[district] < 0.01, code
    # Cherwell holds an LSOA of South Northamptonshire (90% rural) since a boundary change, and says so
    assert (
        table.at["E22000305", "rural_share_basis"] == "districts of 2018; South Northamptonshire shared by population"
    )


@pytest.mark.shared
def test_age_shares_are_counted_from_the_single_years_of_age(table):
    raw = pd.read_excel(NATIONAL / "ons-mye-mid2020-2021-geography.xls", sheet_name="MYE2 - Persons", header=None)
    header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "Code")
    plymouth = raw[raw[0].astype(str).str.strip() == "E06000026"].iloc[0]
    ages = {str(h).strip(): plymouth[i] for i, h in enumerate(raw.iloc[header])}
    everyone = float(ages["All ages"])
    young = sum(float(ages[f"{a}.0"]) for a in range(16, 25))
    old = sum(float(ages[f"{a}.0"]) for a in range(65, 90)) + float(ages["90+"])
    assert table.at["E22000056", "aged_16_to_24_share"] == pytest.approx(young / everyone, abs=1e-6)
    assert table.at["E22000056", "aged_65_and_over_share"] == pytest.approx(old / everyone, abs=1e-6)
