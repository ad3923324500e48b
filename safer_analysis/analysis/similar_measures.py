"""The measures every Community Safety Partnership is compared on, built from its neighbourhoods
(LSOAs) where the data are per neighbourhood, and from its local authorities otherwise.

The tables come on different boundaries: the Index of Multiple Deprivation 2019 ranks every LSOA
of 2011 (England), the mid-2020 population estimates give density and age per local authority of
2021, and the 2011 rural-urban classification gives rural and urban residents per district of 2018.
A partnership is a set of LSOAs (:func:`assign_lsoas`), so a measure per LSOA is summed over them
(:func:`deprivation`), and a measure per authority or district is apportioned by people
(:func:`apportion`): an authority the partnership holds whole counts in full, one it shares with
other partnerships in proportion to the partnership's residents in it. ``scripts/make_reference_data.py``
reads the ONS files and calls :func:`partnership_measures`; the result ships with the package.

>>> lsoas = pd.DataFrame({"csp_code": ["A", "A", "B"], "area_code": ["X", "Y", "Y"],
...                       "population": [100, 50, 150]})
>>> areas = pd.DataFrame({"area_code": ["X", "Y"], "numerator": [10.0, 80.0], "denominator": [100.0, 200.0]})
>>> apportion(areas, lsoas)[["value", "shared"]].round(3).to_dict("index")
{'A': {'value': 0.2, 'shared': 'Y'}, 'B': {'value': 0.4, 'shared': 'Y'}}
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: The measures, in order: each is a column of the table :func:`partnership_measures` makes, with a
#: ``<measure>_basis`` column beside it saying what it was built from.
MEASURES = (
    "imd_average_rank",
    "imd_most_deprived_tenth",
    "people_per_sq_km",
    "rural_share",
    "aged_16_to_24_share",
    "aged_65_and_over_share",
)
#: The measures held for England only (the Index of Multiple Deprivation and the rural-urban
#: classification are English): a Welsh partnership is compared on the others.
ENGLAND_ONLY = ("imd_average_rank", "imd_most_deprived_tenth", "rural_share")
LSOAS = "LSOAs"
#: The share of an area's residents below which a partnership's part of it, or the rest of it, is a
#: sliver (an LSOA left across a boundary), not a shared area.
SLIVER = 0.01
_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


def district_of(lsoa_name: str) -> str:
    """The 2011 district an LSOA of 2011 is named after: 'Plymouth 001A' -> 'Plymouth'.

    >>> district_of("Bournemouth 003B")
    'Bournemouth'
    """
    return _SUFFIX.sub("", str(lsoa_name)).strip()


def assign_lsoas(lsoas: pd.DataFrame, lookup: pd.DataFrame) -> pd.Series:
    """The partnership (``csp24_code``) of every LSOA of 2011, indexed by its code.

    ``lsoas`` is indexed by LSOA code with ``lsoa11_name``, ``authority_code`` (2024) and
    ``csp_code`` (the partnership the ONS lookups give it, None where they give none: an authority
    shared by several partnerships, as Buckinghamshire or Bournemouth, Christchurch and Poole);
    ``lookup`` is the authority-partnership lookup (``ltla24_code``, ``csp24_code``,
    ``csp24_name``). An LSOA without one takes the partnership named as its 2011 district
    ('Bournemouth 003B'); the rest of a shared authority goes to its one partnership named after
    none of its districts (Christchurch to Dorset, Daventry and South Northamptonshire to
    'Daventry and South Northamptonshire'). A ValueError names any LSOA left without one.
    """
    out = lsoas["csp_code"].where(lsoas["csp_code"].notna() & (lsoas["csp_code"] != ""), None)
    district = lsoas["lsoa11_name"].map(district_of)
    by_name = dict(zip(lookup["csp24_name"].str.lower(), lookup["csp24_code"], strict=False))
    missing = out.isna()
    out[missing] = district[missing].str.lower().map(by_name)
    for authority, rows in lsoas[out.isna()].groupby("authority_code"):
        named = set(district[lsoas["authority_code"] == authority].str.lower())
        partnerships = lookup[lookup["ltla24_code"] == authority]
        free = sorted(
            code
            for code, name in zip(partnerships["csp24_code"], partnerships["csp24_name"], strict=True)
            if name.lower() not in named
        )
        if len(free) == 1:
            out[rows.index] = free[0]
    if out.isna().any():
        left = out.index[out.isna()]
        raise ValueError(f"{len(left)} LSOAs belong to no partnership the lookups name, e.g. {left[0]}")
    return out.astype(str)


def deprivation(lsoas: pd.DataFrame, ranked: int) -> pd.DataFrame:
    """Deprivation per partnership from its LSOAs' ranks on the Index of Multiple Deprivation.

    ``lsoas`` has ``csp_code``, ``population`` and ``imd_rank`` (1 the most deprived of the
    ``ranked`` LSOAs of England). ``imd_average_rank`` is the residents' average of their LSOA's
    rank counted as MHCLG's local authority summaries count it (``ranked`` the most deprived,
    so higher is more deprived); ``imd_most_deprived_tenth`` the share of residents in LSOAs among
    the most deprived tenth of England.

    >>> frame = pd.DataFrame({"csp_code": ["A", "A"], "population": [300, 100], "imd_rank": [1, 100]})
    >>> deprivation(frame, 100).round(3).to_dict("index")
    {'A': {'imd_average_rank': 75.25, 'imd_most_deprived_tenth': 0.75}}
    """
    held = lsoas.dropna(subset=["imd_rank"])
    people = held["population"].astype(float)
    reversed_rank = ranked + 1 - held["imd_rank"].astype(float)
    worst = (held["imd_rank"].astype(float) <= ranked / 10).astype(float)
    frame = pd.DataFrame(
        {"csp_code": held["csp_code"], "people": people, "rank": reversed_rank * people, "worst": worst * people}
    )
    sums = frame.groupby("csp_code")[["people", "rank", "worst"]].sum()
    return pd.DataFrame(
        {"imd_average_rank": sums["rank"] / sums["people"], "imd_most_deprived_tenth": sums["worst"] / sums["people"]}
    )


def apportion(areas: pd.DataFrame, lsoas: pd.DataFrame) -> pd.DataFrame:
    """A ratio per partnership from figures per area: sum(numerator) / sum(denominator) over its
    areas, each area counted in proportion to the share of its residents (its LSOAs' populations)
    living in the partnership: in full where the partnership holds the whole area.

    ``areas`` has ``area_code``, ``numerator`` and ``denominator`` (people of an age and all
    people; or people and square kilometres); ``lsoas`` has ``csp_code``, ``area_code`` and
    ``population``. Returns, per partnership, ``value`` and ``shared``: the codes of the areas it
    shares with other partnerships, joined by '; ' (empty where it holds all its areas whole). A
    sliver under :data:`SLIVER` of an area's residents on either side (an LSOA that a boundary
    change left across two areas) counts in the value but does not make the area shared.
    A ValueError names an area of the LSOAs that ``areas`` lacks.
    """
    figures = areas.set_index("area_code")[["numerator", "denominator"]].astype(float)
    unknown = sorted(set(lsoas["area_code"]) - set(figures.index))
    if unknown:
        raise ValueError(f"no figures for area {unknown[0]} (and {len(unknown) - 1} more)")
    people = lsoas.groupby(["area_code", "csp_code"])["population"].sum().astype(float)
    share = (people / people.groupby(level="area_code").transform("sum")).rename("share").reset_index()
    share = share.join(figures, on="area_code")
    share["numerator"] *= share["share"]
    share["denominator"] *= share["share"]
    sums = share.groupby("csp_code")[["numerator", "denominator"]].sum()
    split = share[share["share"].between(SLIVER, 1 - SLIVER)]
    shared = split.groupby("csp_code")["area_code"].agg(lambda codes: "; ".join(sorted(codes)))
    out = pd.DataFrame({"value": sums["numerator"] / sums["denominator"]})
    out["shared"] = shared.reindex(out.index).fillna("")
    return out


def _basis(shared: str, names: dict[str, str], whole: str) -> str:
    """'authorities' or 'authorities; Buckinghamshire shared by population'."""
    if not shared:
        return whole
    parts = [names.get(code, code) for code in shared.split("; ")]
    return f"{whole}; {', '.join(parts)} shared by population"


def partnership_measures(
    lsoas: pd.DataFrame,
    imd_ranked: int,
    authorities: pd.DataFrame,
    districts: pd.DataFrame,
    lookup: pd.DataFrame,
    names: dict[str, str],
) -> pd.DataFrame:
    """Every partnership's measures, one row each, with what each was built from.

    ``lsoas``: one row per LSOA of 2011 with ``csp_code``, ``population`` (mid-2020), ``imd_rank``
    (England; blank in Wales), ``authority_code`` (its local authority on 2021 boundaries) and
    ``district_code`` (its district of 2018; blank in Wales). ``authorities``: per 2021 authority,
    ``area_code``, ``population``, ``sq_km``, ``aged_16_to_24`` and ``aged_65_and_over``.
    ``districts``: per 2018 district, ``area_code``, ``rural`` and ``population`` (2011 Census).
    ``lookup``: the authority-partnership-force lookup. ``names``: a name for each area code, to
    say which shared area a measure was apportioned from.

    Columns: ``csp_code``, ``csp_name``, ``force_code``, ``force_name``, ``nation``, ``population``
    and ``lsoas`` (mid-2020 residents and LSOAs of 2011 counted), then each of :data:`MEASURES`
    with its ``<measure>_basis`` (blank where the measure is not held: the English-only ones in Wales).
    """
    frame = lsoas.copy()
    frame["population"] = frame["population"].astype(float)
    partnerships = lookup.drop_duplicates("csp24_code").set_index("csp24_code").sort_index()
    out = pd.DataFrame(index=pd.Index(partnerships.index, name="csp_code"))
    out["csp_name"] = partnerships["csp24_name"]
    out["force_code"] = partnerships["pfa24_code"]
    out["force_name"] = partnerships["pfa24_name"]
    out["nation"] = np.where(out.index.str.startswith("W"), "Wales", "England")
    out["population"] = frame.groupby("csp_code")["population"].sum().reindex(out.index)
    out["lsoas"] = frame.groupby("csp_code").size().reindex(out.index)
    if out["lsoas"].isna().any():
        raise ValueError(f"partnership {out.index[out['lsoas'].isna()][0]} has no LSOA")
    deprived = deprivation(frame, imd_ranked)
    for measure in ("imd_average_rank", "imd_most_deprived_tenth"):
        out[measure] = deprived[measure].reindex(out.index)
        out[f"{measure}_basis"] = np.where(out[measure].notna(), LSOAS, "")
    by_authority = frame.rename(columns={"authority_code": "area_code"})
    for measure, numerator, denominator in (
        ("people_per_sq_km", "population", "sq_km"),
        ("aged_16_to_24_share", "aged_16_to_24", "population"),
        ("aged_65_and_over_share", "aged_65_and_over", "population"),
    ):
        figures = authorities.rename(columns={numerator: "numerator", denominator: "denominator"})
        ratio = apportion(figures[["area_code", "numerator", "denominator"]], by_authority)
        out[measure] = ratio["value"].reindex(out.index)
        out[f"{measure}_basis"] = [_basis(s, names, "authorities") for s in ratio["shared"].reindex(out.index)]
    english = frame[frame["district_code"].notna() & (frame["district_code"] != "")]
    rural = apportion(
        districts.rename(columns={"rural": "numerator", "population": "denominator"}),
        english.rename(columns={"district_code": "area_code"}),
    )
    out["rural_share"] = rural["value"].reindex(out.index)
    out["rural_share_basis"] = [
        "" if pd.isna(s) else _basis(s, names, "districts of 2018") for s in rural["shared"].reindex(out.index)
    ]
    columns = ["csp_name", "force_code", "force_name", "nation", "population", "lsoas"]
    for measure in MEASURES:
        columns += [measure, f"{measure}_basis"]
    return out[columns].reset_index()
