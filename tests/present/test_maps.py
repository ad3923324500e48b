"""Maps: the rate per LSOA against an independent count, and the drawing itself: every polygon
shaded, holes left empty, missing rates grey, the colour bar as its legend."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from safer_analysis.analysis.crime_profile import ASB, lsoa_rates  # noqa: E402
from safer_analysis.inputs import police_uk, reference  # noqa: E402
from safer_analysis.inputs.boundaries import Place, load_boundaries  # noqa: E402
from safer_analysis.present import maps  # noqa: E402
from safer_analysis.reports import strategic_assessment as sa  # noqa: E402

from ..conftest import CRIME_FILE, ROOT  # noqa: E402


@pytest.fixture(scope="module")
def crimes():
    return police_uk.load_crimes(CRIME_FILE)


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


def _colour_at(chart, x: float, y: float) -> np.ndarray:
    fig = chart.figure
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())
    px, py = fig.axes[0].transData.transform((x, y))
    return image[int(image.shape[0] - py), int(px), :3]


def test_every_polygon_is_shaded_holes_stay_empty_and_the_colour_bar_is_the_legend():
    square = np.array([[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], dtype=float)
    hole = np.array([[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]], dtype=float)  # the same way round, as files may have it
    places = [Place("A", "A", [square, hole]), Place("B", "B", [square + [5, 0]]), Place("C", "C", [square + [10, 0]])]
    rates = pd.DataFrame({"code": ["A", "B", "C"], "rate": [5.0, 500.0, np.nan]})
    chart = maps.rate_map(places, rates, title="t", subtitle="s", source="src", what="rates")
    assert tuple(_colour_at(chart, 2, 2)) == (255, 255, 255)  # the hole
    assert _colour_at(chart, 0.5, 0.5)[2] > _colour_at(chart, 0.5, 0.5)[0]  # a light blue
    assert _colour_at(chart, 5.5, 0.5).sum() < _colour_at(chart, 0.5, 0.5).sum()  # darker for more
    assert tuple(_colour_at(chart, 10.5, 0.5)) == (0xDD, 0xDD, 0xDD)  # no rate: grey
    bar = chart.figure.axes[1]
    assert bar.get_ylabel() == "Crimes per 1,000 residents (log scale)"
    assert [t.get_text() for t in bar.get_yticklabels()] == ["5", "10", "20", "50", "100", "200", "500"]
    assert "2 neighbourhoods shaded from light (low) to dark (high) on a log scale" in chart.alt


def test_the_plymouth_map_is_drawn_from_its_own_files(crimes, dataset):
    geo = ROOT / "data" / "geography"
    lsoas = load_boundaries(geo / "plymouth_lsoa11_boundaries.geojson")
    p = sa.build_profile(crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], metadata={})
    chart = sa.crime_map(
        crimes, p, geo / "plymouth_lsoa11_boundaries.geojson", geo / "plymouth_ward_boundaries.geojson", "S."
    )
    patches = chart.figure.axes[0].collections[0]
    assert len(patches.get_paths()) == len(lsoas.places) == 161
    assert len(chart.figure.axes[0].texts) == 20  # every ward named
