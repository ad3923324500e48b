"""Maps: the rate per LSOA against an independent count, alt text written from the data, and the
fallback for a project without boundary files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from safer_analysis.analysis.crime_profile import ASB, lsoa_rates  # noqa: E402
from safer_analysis.inputs import police_uk, reference  # noqa: E402
from safer_analysis.reports import strategic_assessment as sa  # noqa: E402

from ..conftest import CRIME_FILE, ROOT  # noqa: E402


@pytest.fixture(scope="module")
def crimes():
    return police_uk.load_crimes(CRIME_FILE)


@pytest.fixture(scope="module")
def profile(crimes, dataset):
    return sa.build_profile(
        crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], metadata=crimes.attrs["metadata"]
    )


def test_lsoa_rates_count_every_placed_crime_once(crimes):
    pops = reference.read_table("lsoa_population.csv")
    pops = pops[pops["lsoa11_code"].isin(set(crimes["lsoa_code"])) & (pops["mid_year"] == "2019")].copy()
    pops["population"] = pops["population"].astype(int)
    rates = lsoa_rates(crimes, "2018-19", pops, reference.read_table("lsoa_areas.csv"))
    placed = crimes[(crimes["financial_year"] == "2018-19") & (crimes["crime_type"] != ASB)]
    counts = placed["lsoa_code"].value_counts()
    row = rates.set_index("lsoa11_code").loc["E01015156"]
    assert row["count"] == counts["E01015156"] and row["rate"] == pytest.approx(row["count"] / row["population"] * 1000)
    assert int(rates["count"].sum()) == len(placed) and rates.attrs["unmapped"] == 0


def test_2025_rows_on_split_2021_lsoas_are_counted_in_their_2011_parent(crimes):
    pops = reference.read_table("lsoa_population.csv")
    pops = pops[pops["mid_year"] == "2020"].copy()
    pops["population"] = pops["population"].astype(int)
    plymouth = set(crimes["lsoa_code"])
    pops = pops[pops["lsoa11_code"].isin(plymouth)]
    rates = lsoa_rates(crimes, "2025-26", pops, reference.read_table("lsoa_areas.csv"))
    placed = crimes[(crimes["financial_year"] == "2025-26") & (crimes["crime_type"] != ASB)]
    assert int(rates["count"].sum()) + rates.attrs["unmapped"] == len(placed)
    assert rates.attrs["unmapped"] == 0  # Plymouth's changed LSOAs were splits, so every row maps back


def test_the_map_names_places_with_their_wards_in_its_alt_text(crimes, profile):
    project_geo = ROOT / "data" / "geography"
    chart = sa.crime_map(
        crimes,
        profile,
        project_geo / "plymouth_lsoa11_boundaries.geojson",
        project_geo / "plymouth_ward_boundaries.geojson",
        "Source: police.uk.",
    )
    assert chart.title.startswith("Crime is densest in St Peter and the Waterfront")
    assert "161 neighbourhoods" in chart.alt and "Highest: Plymouth 027E (St Peter and the Waterfront)" in chart.alt
    assert f"the {len(profile.recurring)} busiest in every year" in chart.alt
    assert "mid-2019" in chart.source  # the small-area year nearest the middle of 2018-19
    assert chart.png_base64()


def test_without_boundaries_the_map_bins_the_points(crimes, profile):
    chart = sa.crime_map(crimes, profile, None, None, "Source: police.uk.")
    placed = crimes[(crimes["financial_year"] == "2018-19") & (crimes["crime_type"] != ASB)].dropna(
        subset=["longitude"]
    )
    assert f"{len(placed):,} crimes with a location" in chart.alt and "hexagons of at least 5" in chart.alt


def test_recurring_places_carry_their_ward(profile):
    assert (profile.recurring["ward"] != "not known").all()
    assert isinstance(profile.recurring, pd.DataFrame)


def test_small_area_year_nearest_the_period():
    assert sa.lsoa_population_year(2018) == 2019 and sa.lsoa_population_year(2016) == 2017
    assert sa.lsoa_population_year(2024) == 2020
