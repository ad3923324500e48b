"""DfE's youth justice indicators for a partnership's upper-tier authority, its region and its
statistical neighbours, as indicator rows.

Two measures of DfE's Local Authority Interactive Tool (LAIT): first-time entrants to the youth
justice system aged 10 to 17 per 100,000 of that age (``FirstYJS``) and the rate of proven
reoffending by young offenders (``ReoffYO``, per cent), years 2016 to 2024 as the tool labels them,
for every upper-tier authority and region of England; and DfE's children's services statistical
neighbours (May 2025), ten per authority. England is left out, not guessed: the tool's England row
for first-time entrants is a count, not a rate like the others, and England's reoffending figure
is suppressed. A partnership of districts gets its county's figures, labelled as the county's.

Why shipped, not imported: the LAIT file holds 724 measures in 641,070 rows; the two measures
and the neighbours, keyed by ONS code, come to a few thousand rows, so every partnership has them
with nothing to download, and ``scripts/make_reference_data.py`` makes them from the files with
their SHA-256 (``reference/SOURCES.csv``). Wales's youth justice figures are not in the tool.

>>> rows = for_authorities(("E06000026",))
>>> own = rows[(rows["comparison"] == "") & (rows["indicator_id"] == "FirstYJS")]
>>> own.set_index("period")["value"].loc[["2016", "2024"]].tolist()
[305.0, 207.0]
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.inputs import reference
from safer_analysis.inputs.areas import _key

TABLE = "dfe_youth_justice.csv"
NEIGHBOURS = "dfe_statistical_neighbours.csv"
#: The LAIT measures read, with what they are.
MEASURES = {
    "FirstYJS": ("First-time entrants to the youth justice system aged 10-17", "per 100,000 aged 10-17"),
    "ReoffYO": ("Proven reoffending by young offenders", "% of young offenders"),
}
SOURCE = "Department for Education, Local Authority Interactive Tool ({measure}); Open Government Licence v3.0"
NEIGHBOUR_SOURCE = "DfE children's services statistical neighbours, May 2025"
#: DfE names the lookups spell otherwise.
_ALIASES = {"bedford borough": "bedford", "durham": "county durham", "herefordshire": "herefordshire county of"}
ENGLAND_NUMBER = 970
SUPPRESSED = "-"


# ---- making the shipped tables (scripts/make_reference_data.py) ----------------------------


def _upper_tier_codes() -> dict[str, str]:
    """Each upper-tier authority's matching key to its ONS code: 2024's unitaries, metropolitan
    districts and London boroughs, then the counties of the ONS estimates (a current unitary first)."""
    out: dict[str, str] = {}
    lookup = reference.csp_lookup()
    for code, name in zip(lookup["ltla24_code"], lookup["ltla24_name"], strict=True):
        if code[:3] in {"E06", "E08", "E09"}:
            out[_key(name)] = code
            if name.endswith(", City of") or name.endswith(", County of"):
                out[_key(name.rsplit(",", 1)[0])] = code
    places = reference.read_table("population_local_authority.csv").drop_duplicates("area_code")
    for code, name, kind in zip(places["area_code"], places["area_name"], places["geography"], strict=True):
        if kind == "County":
            out.setdefault(_key(name), code)
        elif kind == "Region":
            out.setdefault(_region_key(name), code)
    return out


def _region_key(name: str) -> str:
    """A region's matching key: DfE's "East of England" is ONS's "East"; its inner and outer London, London."""
    key = _key(name).replace("east of england", "east")
    return "region " + {"inner london": "london", "outer london": "london"}.get(key, key)


def _code(name: str, la_number: float, codes: dict[str, str]) -> str:
    if la_number >= 980:
        return codes.get(_region_key(name), "")
    key = _key(name)
    return codes.get(_ALIASES.get(key, key), "")


def read_lait(path: Path) -> pd.DataFrame:
    """The two measures from DfE's LAIT long file: one row per area and year with its ONS code
    (blank for an authority of before 2019's Dorset changes, London's inner and outer halves and
    England, which are left out), the value as a number (blank where suppressed)."""
    frame = pd.read_parquet(path)
    frame = frame[frame["Short Desc"].isin(list(MEASURES)) & (frame["LA Number"] != ENGLAND_NUMBER)]
    codes = _upper_tier_codes()
    out = pd.DataFrame(
        {
            "area_code": [_code(n, x, codes) for n, x in zip(frame["LA and Regions"], frame["LA Number"], strict=True)],
            "area_name": frame["LA and Regions"],
            "dfe_la_number": frame["LA Number"].astype(int).astype(str),
            "region_code": [
                codes.get(_region_key(r), "") if x < 980 else ""
                for r, x in zip(frame["Region"], frame["LA Number"], strict=True)
            ],
            "measure": frame["Short Desc"],
            "year": frame["Years"],
            "value": frame["Values"].where(frame["Values"] != SUPPRESSED, ""),
        }
    )
    out = out[out["area_code"] != ""]
    duplicated = out.duplicated(["area_code", "measure", "year"], keep=False)
    if duplicated.any():  # two DfE areas on one ONS code: keep the current authority's number
        raise ValueError(f"two DfE areas share an ONS code: {sorted(set(out.loc[duplicated, 'area_name']))}")
    return out.sort_values(["measure", "area_code", "year"]).reset_index(drop=True)


def read_neighbours(path: Path, lait: pd.DataFrame) -> pd.DataFrame:
    """DfE's statistical neighbours: each authority's ten, by ONS code, nearest first, with closeness."""
    frame = pd.read_excel(path, header=None, skiprows=3, dtype=str)
    by_number = dict(zip(lait["dfe_la_number"], lait["area_code"], strict=False))
    rows = []
    for _, r in frame.iterrows():
        own = by_number.get(str(r[0]).strip())
        if own is None:
            continue
        for rank in range(1, 11):
            neighbour = by_number.get(str(r[3 + 2 * rank]).strip())
            if neighbour:
                rows.append({"area_code": own, "rank": rank, "neighbour_code": neighbour, "closeness": r[4 + 2 * rank]})
    return pd.DataFrame(rows)


# ---- reading them -------------------------------------------------------------------------


@cache
def county_of_district() -> dict[str, str]:
    """Each two-tier district of 2024 to its county, found from the ONS mid-year estimates: the
    county whose population, every year from mid-2001 to mid-2020, is the sum of a set of the
    districts of one police force area (every district of England falls in exactly one).

    >>> county_of_district()["E07000041"]  # Exeter
    'E10000008'
    """
    lookup = reference.csp_lookup()
    table = reference.read_table("population_local_authority.csv")
    wide = table.assign(population=table["population"].astype(int)).pivot_table(
        index="area_code", columns="mid_year", values="population"
    )
    kinds = table.drop_duplicates("area_code").set_index("area_code")["geography"]
    counties = [c for c in wide.index if kinds.get(c) == "County"]
    districts = lookup[lookup["ltla24_code"].str.startswith("E07")].drop_duplicates("ltla24_code")
    out: dict[str, str] = {}
    for _, group in districts.groupby("pfa24_code"):
        codes = [c for c in group["ltla24_code"] if c in wide.index]
        choices = (np.arange(2 ** len(codes))[:, None] >> np.arange(len(codes))) & 1
        sums = choices @ wide.loc[codes].to_numpy()
        for county in counties:
            hits = np.flatnonzero((sums == wide.loc[county].to_numpy()).all(axis=1))
            if len(hits) == 1:
                out.update({codes[i]: county for i in np.flatnonzero(choices[hits[0]])})
    return out


def upper_tier(authority_codes: tuple[str, ...] | list[str]) -> list[str]:
    """The upper-tier authorities of local authorities: a unitary its own, a district its county."""
    counties = county_of_district()
    return list(dict.fromkeys(counties.get(code, code) for code in authority_codes))


@cache
def _table() -> pd.DataFrame:
    table = reference.read_table(TABLE).copy()
    table["value"] = pd.to_numeric(table["value"].replace("", None)).astype(float)
    return table


def for_authorities(authority_codes: tuple[str, ...] | list[str], *, for_name: str = "") -> pd.DataFrame:
    """The measures for the upper-tier authorities of ``authority_codes``, with their region and
    statistical neighbours as comparators, in the tidy indicator format plus ``comparison`` (blank
    for the area's own rows, else "region" or "statistical neighbour") and ``single_point`` (False).
    A county's rows given for a district partnership (``for_name``) say that they are the county's."""
    table = _table()
    wanted = [c for c in upper_tier(tuple(authority_codes)) if c in set(table["area_code"])]
    if not wanted:
        return pd.DataFrame(columns=["indicator_id", "comparison", "single_point"])
    neighbours = reference.read_table(NEIGHBOURS)
    parts = []
    for code in wanted:
        own = table[table["area_code"] == code]
        region = table[table["area_code"] == own["region_code"].iloc[0]]
        near = neighbours[neighbours["area_code"] == code]
        nearby = table[table["area_code"].isin(near["neighbour_code"])]
        county = code not in authority_codes
        label = (
            f"{own['area_name'].iloc[0]} (the county's figures{', for ' + for_name if for_name else ''})"
            if county
            else ""
        )
        parts += [
            own.assign(comparison="", shown_as=label or own["area_name"]),
            region.assign(comparison="region", shown_as=region["area_name"]),
            nearby.assign(comparison="statistical neighbour", shown_as=nearby["area_name"]),
        ]
    rows = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(
        {
            "indicator_id": rows["measure"],
            "indicator": [MEASURES[m][0] for m in rows["measure"]],
            "area_code": rows["area_code"],
            "area_name": rows["shown_as"],
            "period": rows["year"],
            "value": rows["value"],
            "count": None,
            "denominator": None,
            "unit": [MEASURES[m][1] for m in rows["measure"]],
            "lower": None,
            "upper": None,
            "higher_is_better": False,
            "marking": None,
            "source": [SOURCE.format(measure=m) for m in rows["measure"]],
            "note": [f"{NEIGHBOUR_SOURCE}" if c == "statistical neighbour" else None for c in rows["comparison"]],
            "comparison": rows["comparison"],
            "single_point": False,
        }
    )
