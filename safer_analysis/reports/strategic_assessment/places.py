"""Where crime is, for the strategic assessment: the map of rates per neighbourhood on the
project's boundaries or, where it holds none for the area, the neighbourhoods with the highest
rates as a table, saying why there is no map; and the note on the maps' sources and method."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from safer_analysis.analysis.crime_profile import label_periods
from safer_analysis.analysis.small_areas import lsoa_units, unit_rates
from safer_analysis.inputs import boundaries, reference
from safer_analysis.inputs import population as populations
from safer_analysis.inputs.years import YearTo, parse_period
from safer_analysis.present.charts import Chart
from safer_analysis.reports.strategic_assessment.model import Profile, ward_names

#: How many neighbourhoods the table that stands in for the map lists.
TOP_PLACES = 10
#: Where to get boundaries, in the words of the note that says how to add them.
ONS_PORTAL = "the ONS Open Geography Portal (geoportal.statistics.gov.uk)"
PLACE_HEADERS = {
    "lsoa_name": "Neighbourhood",
    "ward": "Ward",
    "count": "Crimes",
    "population": "Residents",
    "rate": "Per 1,000 residents",
    "lsoa_code": "LSOA code",
}
PLACE_FORMATS = {"count": "count", "population": "count", "rate": "rate"}


@dataclass
class PlaceView:
    """What the assessment shows of where crime is: a map (``chart``) or, without one, a table of
    the neighbourhoods with the highest rates with its ``caption`` and, in plain words, ``why``
    there is no map."""

    chart: Chart | None
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    caption: str = ""
    why: str = ""
    source: str = ""


@cache
def _units() -> pd.Series:
    return lsoa_units(reference.read_table("lsoa_areas.csv"))


def _period_rows(crimes: pd.DataFrame, p: Profile) -> tuple[pd.DataFrame, object]:
    period = parse_period(p.year)
    if isinstance(period, YearTo):
        crimes = label_periods(crimes, period.end)
    return crimes, period


def _populations(mid_year: int) -> tuple[pd.DataFrame, int]:
    pops = populations.lsoa11_populations(mid_year)  # the one population module's small-area table
    pops["population"] = pops["population"].astype(int)
    return pops, populations.nearest_lsoa_year(mid_year)


def _area_units(crimes: pd.DataFrame) -> set[str]:
    """The units of every LSOA the area's rows are coded to, in any year held."""
    codes = pd.Series(crimes["lsoa_code"].dropna().unique())
    return set(codes.map(_units()).fillna(codes))


def place_view(
    crimes: pd.DataFrame, p: Profile, lsoa_file: Path | None, ward_file: Path | None, source: str
) -> PlaceView:
    """The map of rates per neighbourhood where the project holds boundaries covering the area;
    otherwise the table of the :data:`TOP_PLACES` neighbourhoods with the highest rates, and why."""
    reason = ""
    if lsoa_file is None:
        reason = "the project holds no neighbourhood boundaries"
    elif not Path(lsoa_file).is_file():
        reason = f"the boundaries file its settings name, {Path(lsoa_file).name}, is not there"
    else:
        try:
            chart = crime_map(crimes, p, lsoa_file, ward_file, source)
        except boundaries.BoundaryFileError as exc:
            reason = f"its boundaries file cannot be read ({exc})"
        else:
            if chart is not None:
                return PlaceView(chart)
            reason = f"the project's neighbourhood boundaries do not cover {p.csp}"
    table = top_places(crimes, p)
    residents = f"ONS small-area population estimates, mid-{table.attrs['population_year']} (the nearest year held)"
    why = (
        f"No map of {p.csp}: {reason}. In its place, the {len(table)} neighbourhoods with the most recorded crime "
        f"per resident (residents: {residents}). How to add boundaries is under Data sources, methods and caveats."
    )
    caption = f"The {len(table)} neighbourhoods with the highest crime rates, {p.csp}, {p.year}"
    return PlaceView(None, table, caption, why, f"{source} Population: {residents}.")


def top_places(crimes: pd.DataFrame, p: Profile, n: int = TOP_PLACES) -> pd.DataFrame:
    """The ``n`` neighbourhoods (units of LSOAs, see :mod:`safer_analysis.analysis.small_areas`)
    of the area with the highest rates of recorded crime in the year: name, ward, crimes,
    residents, rate per 1,000 and LSOA code (a unit of several LSOAs gives the codes and names of
    those the year's rows carry)."""
    crimes, period = _period_rows(crimes, p)
    pops, pop_year = _populations(period.mid_year)
    units = _units()
    codes = sorted(_area_units(crimes))
    rates = unit_rates(crimes, p.year, pops, units, codes).dropna(subset=["rate"])
    rates = rates[rates["count"] > 0].sort_values(["rate", "code"], ascending=[False, True]).head(n)
    in_year = crimes[crimes["financial_year"] == p.year]
    names = in_year.drop_duplicates("lsoa_code").set_index("lsoa_code")["lsoa_name"]
    wards = ward_names()
    members: dict[str, list[str]] = {}
    for code, unit in units.items():
        members.setdefault(unit, []).append(code)

    def words(unit: str, table: dict) -> str:
        found = [str(table[c]) for c in [unit, *members.get(unit, [])] if c in table]
        return " / ".join(dict.fromkeys(found)) or "not known"

    names_of, wards_of = names.to_dict(), wards
    held = {c: c for c in names.index}  # the codes of the year's rows: 2021 ones for a split LSOA
    out = pd.DataFrame(
        {
            "lsoa_name": [words(u, names_of) for u in rates["code"]],
            "ward": [words(u, wards_of) for u in rates["code"]],
            "count": rates["count"].to_numpy(),
            "population": rates["population"].astype(int).to_numpy(),
            "rate": rates["rate"].to_numpy(),
            "lsoa_code": [words(u, held) if words(u, held) != "not known" else u for u in rates["code"]],
        }
    )
    out.attrs["population_year"] = pop_year
    return out


def _wards_within(ward_file: Path | None, places: list[boundaries.Place]) -> list[boundaries.Place] | None:
    """The wards of ``ward_file`` whose middle lies in one of ``places`` (None without the file)."""
    if ward_file is None or not Path(ward_file).is_file():
        return None
    kept = []
    for ward in boundaries.load_boundaries(ward_file).places:
        if not ward.shape:
            continue
        x, y = boundaries.interior_point(ward.shape)
        if any(boundaries.contains(p.shape, x, y) for p in places):
            kept.append(ward)
    return kept


def crime_map(crimes: pd.DataFrame, p: Profile, lsoa_file: Path, ward_file: Path | None, source: str) -> Chart | None:
    """The map of where crime is: rates per 1,000 by LSOA on the project's boundaries (either
    vintage; a polygon takes the rate of its unit), with wards and the recurring places marked;
    None when the boundaries hold no neighbourhood of the area."""
    from safer_analysis.present import maps

    crimes, period = _period_rows(crimes, p)
    lsoas = boundaries.load_boundaries(lsoa_file)
    units = _units()
    area = _area_units(crimes)
    places = [pl for pl in lsoas.places if pl.shape and units.get(pl.code, pl.code) in area]
    if not places:
        return None
    wards = _wards_within(ward_file, places)
    pops, pop_year = _populations(period.mid_year)
    rates = unit_rates(crimes, p.year, pops, units, [pl.code for pl in places])
    wards_of = ward_names()
    in_year = crimes[crimes["financial_year"] == p.year]  # names of the year's vintage: 2021 renumbered them
    names = dict(zip(in_year["lsoa_code"], in_year["lsoa_name"], strict=True))
    names.update({pl.code: pl.name for pl in places if pl.code not in names})
    describe = {c: f"{names.get(c, c)} ({wards_of.get(c, 'ward not known')})" for c in rates["code"]}
    drawn = [pl.code for pl in places]
    recurring = list(p.recurring["lsoa_code"])
    recurring_units = {units.get(c, c) for c in recurring}
    marked = [c for c in recurring if c in set(drawn)]
    marked += [c for c in drawn if c not in set(marked) and units.get(c, c) in recurring_units]
    ranked = rates.dropna(subset=["rate"]).sort_values("rate", ascending=False)
    top = ranked.iloc[0] if not ranked.empty else None
    title = (
        f"Crime is densest in {wards_of.get(top['code'], names.get(top['code'], top['code']))}: "
        f"{top['rate']:.0f} crimes per 1,000 residents in its busiest neighbourhood"
        if top is not None
        else f"Where crime was recorded in {p.csp}, {p.year}"
    )
    origin = "ONS" if lsoas.source == "ONS" else lsoas.source
    return maps.rate_map(
        places,
        rates,
        wards=wards,
        marked=marked,
        title=title,
        subtitle=f"Recorded crimes per 1,000 residents by neighbourhood (LSOA {lsoas.vintage}), {p.csp}, {p.year}; "
        f"outlined: among the {p.concentration['top_lsoas']} busiest every year",
        source=f"{source} Population: ONS small-area estimates, mid-{pop_year} (the nearest year held). "
        f"Boundaries: {origin} (Open Government Licence v3.0).",
        what=f"recorded crimes per 1,000 residents by neighbourhood in {p.csp}, {p.year}",
        describe=describe,
    )


def map_note(lsoa_file: Path | None, ward_file: Path | None) -> str:
    """The note on the map for the methods: where its boundaries come from and how a polygon of
    2021 is shaded or, without boundaries, how to add them."""
    if lsoa_file is None or not Path(lsoa_file).is_file():
        return (
            "Maps: the project holds no neighbourhood boundaries, so the neighbourhoods with the highest rates are "
            "listed in a table instead of a map. To draw the map, download the LSOA boundaries (2021, generalised) "
            f"from {ONS_PORTAL} as GeoJSON, GeoPackage or shapefile and run safer-analysis import-boundaries FILE in "
            "the project's folder; ward boundaries (WDyyCD) are added the same way and drawn over them."
        )
    try:
        lsoas = boundaries.load_boundaries(lsoa_file)
    except boundaries.BoundaryFileError as exc:
        return f"Maps: the boundaries file cannot be read ({exc}); import it again (safer-analysis import-boundaries)."
    text = (
        f"Maps: neighbourhood (LSOA {lsoas.vintage}) boundaries from the {lsoas.source} (Open Government Licence "
        "v3.0)"
        + (", with ward boundaries" if ward_file is not None and Path(ward_file).is_file() else "")
        + ". Rates use the ONS small-area population estimates, which are by LSOA of 2011"
    )
    if lsoas.vintage == "2021":
        text += (
            ": where the ONS split an LSOA in 2021, its parts are shaded with the rate of the whole, and an LSOA "
            "merged in 2021 takes the rate of those it was made from"
        )
    return text + "."
