"""Where crime is: the map on the project's boundaries of either vintage, and without boundaries a
table of the neighbourhoods with the highest rates, checked against counts made another way."""

from __future__ import annotations

import csv
import html
import json
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from safer_analysis.analysis.crime_profile import ASB  # noqa: E402
from safer_analysis.cli import main  # noqa: E402
from safer_analysis.inputs import areas, reference  # noqa: E402
from safer_analysis.inputs.years import parse_period  # noqa: E402
from safer_analysis.reports import strategic_assessment as sa  # noqa: E402
from safer_analysis.reports.strategic_assessment.model import build_profile  # noqa: E402

from ...conftest import REALDATA, ROOT  # noqa: E402
from ...inputs.boundary_files import features, lsoa21_from_2011, to_bng, write_gpkg  # noqa: E402

GEO = ROOT / "data" / "geography"
LSOA_FILE = GEO / "plymouth_lsoa11_boundaries.geojson"
WARD_FILE = GEO / "plymouth_ward_boundaries.geojson"


@pytest.fixture(scope="module")
def profile(crimes, dataset):
    return build_profile(
        crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], metadata=crimes.attrs["metadata"]
    )


def _population(year: str) -> dict[str, int]:
    table = reference.read_table("lsoa_population.csv")
    table = table[table["mid_year"] == year]
    return dict(zip(table["lsoa11_code"], table["population"].astype(int), strict=True))


def test_the_map_names_places_with_their_wards_in_its_alt_text(crimes, profile):
    chart = sa.crime_map(crimes, profile, LSOA_FILE, WARD_FILE, "Source: police.uk.")
    assert chart.title.startswith("Crime is densest in St Peter and the Waterfront: 605 crimes per 1,000")
    assert "161 neighbourhoods" in chart.alt and "Highest: Plymouth 027E (St Peter and the Waterfront)" in chart.alt
    assert f"the {len(profile.recurring)} busiest in every year" in chart.alt
    assert "mid-2019" in chart.source  # the small-area year nearest the middle of 2018-19
    assert chart.png_base64()


def test_the_map_draws_2021_polygons_each_with_the_rate_of_its_unit(crimes, dataset, tmp_path):
    """2025 rows and LSOA 2021 polygons: the busiest place and its rate from counts made by hand."""
    lookup = reference.read_table("lsoa_areas.csv")
    path = tmp_path / "lsoa21.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": lsoa21_from_2011(features(LSOA_FILE), lookup)})
    )
    p = build_profile(
        crimes, dataset, "2025-26", "Plymouth", area_codes=["E06000026"], metadata=crimes.attrs["metadata"]
    )
    chart = sa.crime_map(crimes, p, path, WARD_FILE, "Source: police.uk.")
    months = set(parse_period(p.year).months())  # the twelve months the profile covers
    year = crimes[crimes["month"].isin(months) & (crimes["crime_type"] != ASB)]
    counted = year["lsoa_code"].value_counts()
    pops = _population("2020")
    parents = dict(zip(lookup["lsoa21_code"], lookup["lsoa11_code"], strict=False))
    whole: dict[str, int] = {}
    for code, n in counted.items():
        whole[parents.get(code, code)] = whole.get(parents.get(code, code), 0) + n
    rates = {c: n / pops[c] * 1000 for c, n in whole.items()}
    top = max(rates, key=rates.get)
    drawn = len(lsoa21_from_2011(features(LSOA_FILE), lookup))
    assert f"{drawn} neighbourhoods" in chart.alt and "(LSOA 2021)" in chart.subtitle
    assert f"{rates[top]:.0f} crimes per 1,000 residents" in chart.title
    assert "mid-2020" in chart.source


def test_without_boundaries_the_highest_rates_are_a_table_and_the_page_says_why(crimes, profile):
    view = sa.place_view(crimes, profile, None, None, "Source: police.uk.")
    assert view.chart is None and len(view.table) == sa.TOP_PLACES
    assert "the project holds no neighbourhood boundaries" in view.why and "Data sources, methods" in view.why
    year = crimes[(crimes["financial_year"] == "2018-19") & (crimes["crime_type"] != ASB)]
    counted = year["lsoa_code"].value_counts()
    pops = _population("2019")
    expected = sorted(((n / pops[c] * 1000, c) for c, n in counted.items()), reverse=True)[: sa.TOP_PLACES]
    assert list(view.table["lsoa_code"]) == [c for _, c in expected]
    first = view.table.iloc[0]
    assert first["count"] == counted[first["lsoa_code"]] and first["population"] == pops[first["lsoa_code"]]
    assert first["ward"] == "St Peter and the Waterfront" and first["lsoa_name"].startswith("Plymouth ")
    assert "import-boundaries FILE" in sa.map_note(None, None)


def test_boundaries_of_another_area_give_the_table(crimes, profile, tmp_path):
    torbay = sorted(areas.resolve("Torbay").lsoa11)
    feats = features(LSOA_FILE)[: len(torbay)]
    for code, f in zip(torbay, feats, strict=False):
        f["properties"]["LSOA11CD"] = code
    path = tmp_path / "torbay.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    view = sa.place_view(crimes, profile, path, None, "Source: police.uk.")
    assert view.chart is None and "do not cover Plymouth" in view.why
    missing = sa.place_view(crimes, profile, tmp_path / "gone.geojson", None, "Source: police.uk.")
    assert "gone.geojson, is not there" in missing.why


DEVON_2025 = REALDATA / "police-uk-archives" / "devon-and-cornwall-2025"


def _build_2025(tmp_path, area: str, *boundary_files) -> str:
    """A project made as a user makes one for ``area``, the real 2025 download imported, any
    boundaries imported, and its assessment of the year to December 2025 built: the page."""
    folder = tmp_path / area.lower()
    assert main(["init", str(folder), "--csp", area, "--year", "2025-26"]) == 0
    assert main(["import-police-uk", str(DEVON_2025), "--project", str(folder)]) == 0
    for path in boundary_files:
        assert main(["import-boundaries", str(path), "--project", str(folder)]) == 0
    args = ["build", "--project", str(folder), "--period-end", "2025-12", "--product", "strategic_assessment"]
    assert main(args) == 0
    return (folder / "outputs" / "2025-26" / "strategic_assessment.html").read_text(encoding="utf-8")


def _street_counts(lsoa_code: str) -> int:
    """Crimes (not anti-social behaviour) of 2025 in one LSOA, counted with the csv module."""
    n = 0
    for path in sorted(DEVON_2025.rglob("*-street.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            n += sum(
                1
                for r in csv.DictReader(handle)
                if r["LSOA code"] == lsoa_code and r["Crime type"] != "Anti-social behaviour"
            )
    return n


@pytest.mark.slow
@pytest.mark.shared
def test_a_new_project_without_boundaries_lists_its_highest_rates_and_says_how_to_map_them(tmp_path):
    page = html.unescape(_build_2025(tmp_path, "Exeter"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "No map of Exeter: the project holds no neighbourhood boundaries." in text
    assert 'alt="Map of' not in page and "import-boundaries FILE" in text
    table = page[page.index('id="table-highest_rates"') :]
    body = table[table.index("<tbody") :]
    first = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", body[: body.index("</tr>")])
    count, code = int(first[2].replace(",", "")), first[5]
    assert code.startswith("E01") and count == _street_counts(code)
    assert "Plymouth" not in table[: table.index("</table>")]


@pytest.mark.slow
@pytest.mark.shared
def test_boundaries_imported_from_a_geopackage_give_the_map(tmp_path):
    """Plymouth's real polygons, written as a GeoPackage in the grid, on the real 2025 rows (2021 codes)."""
    gpkg = write_gpkg(tmp_path / "LSOA_2011_BGC.gpkg", to_bng(features(LSOA_FILE)), ["LSOA11CD", "LSOA11NM"])
    page = html.unescape(_build_2025(tmp_path, "Plymouth", gpkg, WARD_FILE))
    assert "Map of recorded crimes per 1,000 residents by neighbourhood in Plymouth, year to Dec 2025, 161" in page
    assert "Ward boundaries are drawn and named" in page and "No map of" not in page
    assert "boundaries from the ONS, LSOA_2011_BGC.gpkg" in page
