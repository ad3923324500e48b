"""Crime per neighbourhood on a map of either LSOA vintage.

The ONS redrew some LSOAs in 2021: most kept their code (change ``U``), some were split (``S``),
merged (``M``) or redrawn (``X``). Small-area populations are by LSOA of 2011, while police.uk
codes rows by LSOA of 2011 up to its 2022 data and of 2021 after, and boundaries may be of either.
A **unit** here is the smallest piece of ground both vintages agree on: the LSOAs of 2011 and 2021
linked by the ONS lookup, directly or through one another (an unchanged LSOA is a unit alone; a
split one is a unit with its parts). A unit's count is every row coded to any of its LSOAs, its
population that of its 2011 LSOAs, so a rate is exact whichever vintage the rows and the polygons
are of; each polygon drawn takes its unit's rate.

>>> lookup = pd.DataFrame({"lsoa11_code": ["A", "B", "B", "D"], "lsoa21_code": ["A", "B1", "B2", "D"]})
>>> lsoa_units(lookup).to_dict()
{'A': 'A', 'B': 'B', 'B1': 'B', 'B2': 'B', 'D': 'D'}
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from safer_analysis.analysis.crime_profile import ASB


def lsoa_units(lookup: pd.DataFrame) -> pd.Series:
    """Every LSOA code of ``lookup`` (``lsoa11_code``, ``lsoa21_code``), 2011 or 2021, mapped to
    its unit: the smallest 2011 code among the LSOAs linked to it."""
    parent: dict[str, str] = {}

    def root(code: str) -> str:
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    pairs = lookup[["lsoa11_code", "lsoa21_code"]].dropna().itertuples(index=False)
    for a, b in pairs:
        for c in (a, b):
            parent.setdefault(c, c)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    eleven = set(lookup["lsoa11_code"].dropna())
    groups: dict[str, list[str]] = {}
    for code in parent:
        groups.setdefault(root(code), []).append(code)
    named = {}
    for members in groups.values():
        label = min((c for c in members if c in eleven), default=min(members))
        named.update(dict.fromkeys(members, label))
    return pd.Series(named).sort_index()


def unit_rates(
    crimes: pd.DataFrame, year: str, populations: pd.DataFrame, units: pd.Series, codes: Iterable[str]
) -> pd.DataFrame:
    """Crimes (not anti-social behaviour) in ``year`` per 1,000 residents of the unit of each of
    ``codes`` (the LSOAs drawn, of either vintage): one row per code with ``unit``, ``count``,
    ``population`` and ``rate`` (no rate where the unit has no population given).

    ``populations`` has ``lsoa11_code`` and ``population`` for one mid-year; ``units`` is
    :func:`lsoa_units`. ``attrs["unmapped"]`` counts the year's rows with an LSOA in none of the
    units drawn.
    """
    codes = list(dict.fromkeys(codes))
    unit_of = units.reindex(codes)
    unit_of = unit_of.fillna(pd.Series(codes, index=codes))  # a code the lookup lacks is a unit alone
    drawn = set(unit_of)
    placed = crimes[(crimes["financial_year"] == year) & (crimes["crime_type"] != ASB) & crimes["lsoa_code"].notna()]
    row_units = placed["lsoa_code"].map(units).fillna(placed["lsoa_code"])
    in_drawn = row_units.isin(drawn)
    counts = row_units[in_drawn].value_counts()
    pops = populations.drop_duplicates("lsoa11_code")
    pop_units = pops["lsoa11_code"].map(units).fillna(pops["lsoa11_code"])
    population = pops.groupby(pop_units)["population"].sum()
    out = pd.DataFrame({"code": codes, "unit": unit_of.to_numpy()})
    out["count"] = out["unit"].map(counts).fillna(0).astype(int)
    out["population"] = out["unit"].map(population)
    out["rate"] = out["count"] / out["population"] * 1000
    out.attrs["unmapped"] = int((~in_drawn).sum())
    return out
