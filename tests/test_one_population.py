"""One population for an area and period wherever it is counted: the strategic assessment's model,
the force overview's comparison and the workbench give the same people for a partnership inside
a split authority (Carlisle, one of Cumberland's three) and for an authority made in 2023
(Somerset), checked against the ONS tables read without the package; and real 2025 police.uk data
for North Yorkshire get rates from the partnerships' own populations."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis.crime_profile import ALL_CRIME
from safer_analysis.inputs import areas, population
from safer_analysis.inputs import police_uk as pu
from safer_analysis.reports.strategic_assessment.model import build_profile, peer_comparison
from safer_analysis.workbench import geography
from safer_analysis.workbench.counts import count_by

from .conftest import CRIME_FILE, REALDATA
from .inputs.test_population import c4_populations, districts_of, lsoa_sum, shared_mye

pytestmark = pytest.mark.shared

#: The area, its authority as the project's settings give it, the authority its rows fall in, its force.
CASES = {
    "Carlisle": ("E07000028", "E06000063", "E23000002"),  # a partnership inside Cumberland, split in three
    "Somerset": ("E06000066", "E06000066", "E23000036"),  # a unitary authority made in 2023
}


def expected(name: str, period_end: str) -> int:
    """The ONS figure, read without the package: mid-2019 from the ONS table per authority (equal to
    the small-area estimates summed), mid-2025 from Table C4 (mid-2022, the nearest)."""
    authority = CASES[name][0]
    if period_end == "2025-12":
        return c4_populations()[areas.resolve(name).code]
    districts = tuple(districts_of(authority)) if authority.startswith("E06") else (authority,)
    figure = sum(shared_mye()[(d, 2019)] for d in districts)
    assert figure == lsoa_sum(districts, 2019)
    return figure


def crimes_in(name: str) -> pd.DataFrame:
    """Plymouth's real rows moved into the area's LSOAs, one Plymouth LSOA to one of the area's:
    where rows are counted is all that matters here."""
    crimes = pu.load_crimes(CRIME_FILE)
    target = sorted(areas.resolve(name).lsoa21)
    mine = sorted(crimes["lsoa_code"].dropna().unique())
    moved = {code: target[i % len(target)] for i, code in enumerate(mine)}
    crimes["lsoa_code"] = crimes["lsoa_code"].map(moved)
    crimes["lsoa_name"] = name + " 001A"
    crimes.attrs = {}
    return crimes


def partnership_counts(force_code: str) -> pd.DataFrame:
    months = [f"{y}-{m:02d}" for y in (2019, 2025) for m in range(1, 13)]
    csps = areas.partnerships(force_code)["csp_code"]
    return pd.DataFrame(
        [(c, m, "Burglary", 100) for c in csps for m in months], columns=["csp_code", "month", "crime_type", "count"]
    )


@pytest.mark.parametrize("period_end", ["2019-12", "2025-12"])
@pytest.mark.parametrize("name", list(CASES))
def test_the_pack_the_overview_and_the_workbench_give_the_same_population(name, period_end, dataset):
    authority, falls_in, force = CASES[name]
    area = areas.resolve(name)
    people = expected(name, period_end)
    crimes = crimes_in(name)

    pack = build_profile(crimes, dataset, "2018-19", name, area_codes=[authority], period_end=period_end)
    assert pack.population == people
    rate = pack.counts.at[ALL_CRIME, pack.year] / people * 1000
    assert pack.rates.at[ALL_CRIME, "rate"] == pytest.approx(rate)

    overview = peer_comparison(partnership_counts(force), force, area.code, pack.year)
    assert overview.loc[area.name, "population"] == people
    assert len(overview) == len(areas.partnerships(force)) and overview["rate"].notna().all()  # a rate for every one
    far = "(mid-2025) is 3 years before it" if period_end == "2025-12" else "years before"
    assert (far in overview.attrs["population_source"]) == (period_end == "2025-12")

    period = pack.year
    placed = geography.add_geography(crimes)
    within = population.lsoas_of([authority])
    by_authority = count_by(placed, "authority", period=period, rates=True, area=within).set_index("authority_code")
    by_csp = count_by(placed, "csp", period=period, rates=True, area=within).set_index("csp_code")
    assert by_authority.loc[falls_in, "population"] == people  # the rows' part of the authority, not all of it
    assert by_csp.loc[area.code, "population"] == people
    assert (far in " ".join(by_csp.attrs["notes"])) == (period_end == "2025-12")


def test_the_workbench_of_a_split_authoritys_partnership_divides_by_its_own_people(tmp_path, monkeypatch):
    """A Carlisle project's workbench: its rows by authority (Cumberland) over Carlisle's people."""
    from safer_analysis.scaffold.init import init
    from safer_analysis.workbench import open_workbench

    made = init(tmp_path / "carlisle", "Carlisle", year="2025-26")
    wb = open_workbench(project=str(made.root))
    assert wb.area_lsoas == areas.resolve("Carlisle").lsoa21
    wb.__dict__["crimes"] = geography.add_geography(crimes_in("Carlisle"))
    table = wb.counts("authority", period="year to Dec 2019", rates=True).set_index("authority_code")
    assert table.loc["E06000063", "population"] == expected("Carlisle", "2019-12")
    whole = population.estimate_for_codes(["E06000063"], 2019).population
    assert whole > 2.5 * table.loc["E06000063", "population"]  # what it divided by before


def test_north_yorkshire_2025_real_data_rates_use_each_partnerships_population(tmp_path, dataset):
    archive = REALDATA / "police-uk-archives" / "north-yorkshire-2025"
    wanted = {n: areas.resolve(n) for n in ("North Yorkshire", "City of York")}
    pu.import_many(archive, {n: a.lsoa_codes for n, a in wanted.items()}, tmp_path)
    for name, area in wanted.items():
        crimes = pu.load_crimes(tmp_path / f"{name.lower().replace(' ', '-')}-street.parquet")
        p = build_profile(crimes, dataset, "2018-19", name, area_codes=area.authority_codes, period_end="2025-12")
        assert p.population == c4_populations()[area.code]
        assert p.population_estimate.years_away == 3 and "mid-2025" in p.population_note
        crime = int((crimes["crime_type"] != "Anti-social behaviour").sum())
        assert p.counts.at[ALL_CRIME, "year to Dec 2025"] == crime
        assert p.rates.at[ALL_CRIME, "rate"] == pytest.approx(crime / p.population * 1000)
