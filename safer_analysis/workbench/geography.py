"""Where each police.uk row is: its LSOA of 2011, its 2024 ward, local authority, Community Safety
Partnership and police force area, from the ONS lookups shipped with the package.

police.uk codes a row by the LSOA of its (anonymised) point: LSOAs of **2011** up to the data of
2022, LSOAs of **2021** after. The two vintages are mostly the same areas with the same codes
(change ``U``); some 2011 LSOAs were split into several 2021 ones (``S``), some merged into one
(``M``) and a few redrawn (``X``). Every code is placed here by whichever vintage it belongs to,
so a mixed store (Plymouth's holds 2016-2019 with 2011 codes and 2025 with 2021 codes) gets one
geography:

- the **ward** (2024) comes from the ONS LSOA 2021 to ward lookup. It is a best-fit lookup:
  wards are built of whole LSOAs, so a ward's count and population are those of its LSOAs. A
  2011 code is given the ward of its 2021 successors when they all lie in one ward (always so for
  an unchanged or merged code); a 2011 LSOA split between wards has no single ward;
- the **LSOA of 2011** (for small-area populations, which are by 2011 LSOA) is the code itself
  for a 2011 code and the parent for a 2021 code that is unchanged or split from one; a 2021
  code merged from several 2011 LSOAs has none;
- rows with no LSOA (no location), or a code no lookup knows, are placed nowhere: ``attrs``
  says how many (see :func:`unmapped_note`).

>>> geo = lsoa_geography()
>>> geo.loc["E01015135", ["ward_name", "authority_name", "csp_name", "force_name"]].tolist()
['Plymstock Radford', 'Plymouth', 'Plymouth', 'Devon & Cornwall']
>>> geo.loc["E01034157", "lsoa11_code"]  # a 2021 LSOA split from E01015135
'E01015135'
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, reference
from safer_analysis.workbench import arguments

#: The geographies a row can be counted by: the column holding each one's code and its name.
LEVELS: dict[str, tuple[str, str]] = {
    "lsoa": ("lsoa11_code", "lsoa_name"),  # by 2011 LSOA, so rows of both vintages meet
    "ward": ("ward_code", "ward_name"),
    "authority": ("authority_code", "authority_name"),
    "csp": ("csp_code", "csp_name"),
    "force": ("force_code", "force_name"),
}
#: Words for each level, for captions and messages.
LEVEL_WORDS = {
    "lsoa": "neighbourhood (LSOA 2011)",
    "ward": "ward (2024)",
    "authority": "local authority",
    "csp": "Community Safety Partnership",
    "force": "police force area",
}
#: The columns :func:`add_geography` adds to a crime table.
GEOGRAPHY_COLUMNS = ["lsoa_vintage", "lsoa11_code", *areas.PLACE_COLUMNS]


def lsoa_geography() -> pd.DataFrame:
    """Every LSOA code of England and Wales, 2011 and 2021, indexed by code, with ``vintage``
    ("2011", "2021" or "2011 and 2021"), ``lsoa11_code``, ``change_code`` and the ward, local
    authority, CSP and police force area it lies in (codes and names; None where a 2011 LSOA was
    split across wards or authorities): :func:`safer_analysis.inputs.areas.lsoa_places`, the one
    lookup the reports and imports use too."""
    return areas.lsoa_places()


def add_geography(crimes: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``crimes`` with :data:`GEOGRAPHY_COLUMNS` added from each row's ``lsoa_code``.

    ``attrs["unmapped"]`` counts the rows placed nowhere: ``no_lsoa`` (no location), ``unknown``
    (a code no lookup knows) and ``no_ward`` (a 2011 LSOA split between 2024 wards).
    """
    crimes = arguments.table("crimes", crimes, columns=("lsoa_code",), rows=False)
    geo = lsoa_geography()
    codes = crimes["lsoa_code"]
    values = codes.to_numpy(dtype=object)
    distinct = pd.Index(pd.unique(values))  # look each code up once, not each row
    placed = geo.reindex(distinct).iloc[distinct.get_indexer(values)]
    known = placed["vintage"].notna().to_numpy()
    out = crimes.copy()
    for column in ("vintage", "lsoa11_code", *GEOGRAPHY_COLUMNS[2:]):
        name = "lsoa_vintage" if column == "vintage" else column
        out[name] = placed[column].to_numpy()
    out.attrs = dict(crimes.attrs)
    out.attrs["unmapped"] = {
        "no_lsoa": int(codes.isna().sum()),
        "unknown": int((codes.notna().to_numpy() & ~known).sum()),
        "no_ward": int((known & out["ward_code"].isna()).sum()),
    }
    return out


def unmapped_note(crimes: pd.DataFrame) -> str:
    """A sentence saying which rows of a table from :func:`add_geography` could not be placed
    (empty when every row was)."""
    counts = crimes.attrs.get("unmapped", {})
    parts = []
    if counts.get("no_lsoa"):
        parts.append(f"{counts['no_lsoa']:,} had no location, so no LSOA")
    if counts.get("unknown"):
        parts.append(f"{counts['unknown']:,} had an LSOA code no ONS lookup shipped with the package knows")
    if counts.get("no_ward"):
        parts.append(f"{counts['no_ward']:,} were in a 2011 LSOA split between 2024 wards")
    if not parts:
        return ""
    return f"Of {len(crimes):,} rows, " + "; ".join(parts) + ": these are in no ward."


@cache
def _lsoa_populations() -> pd.DataFrame:
    frame = reference.read_table("lsoa_population.csv").copy()
    frame["mid_year"] = frame["mid_year"].astype(int)
    frame["population"] = frame["population"].astype(int)
    return frame


def lsoa_population_years() -> list[int]:
    """The mid-years of the small-area (LSOA) estimates shipped with the package."""
    return sorted(set(_lsoa_populations()["mid_year"]))


def nearest_lsoa_year(mid_year: int) -> int:
    """The shipped LSOA population year nearest ``mid_year`` (the later one on a tie).

    >>> nearest_lsoa_year(2018), nearest_lsoa_year(2016), nearest_lsoa_year(2025)
    (2019, 2017, 2020)
    """
    return min(lsoa_population_years(), key=lambda y: (abs(y - mid_year), -y))


@cache
def _populations(level: str, year: int) -> tuple[pd.DataFrame, int]:
    """Population per area of ``level`` for a shipped LSOA year, and how many 2011 LSOAs were left out."""
    pops = _lsoa_populations()
    pops = pops[pops["mid_year"] == year].set_index("lsoa11_code")["population"]
    if level == "lsoa":
        return pops.rename_axis("lsoa_code").to_frame(), 0
    geo = lsoa_geography()
    of11 = geo[geo["vintage"] != "2021"]  # 2011 codes, with the area each lies wholly in
    column = LEVELS[level][0]
    area = of11[column].reindex(pops.index)
    out = pops[area.notna()].groupby(area[area.notna()]).sum().rename_axis(column).to_frame()
    return out, int(area.isna().sum())


def populations(level: str, mid_year: int, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Resident population per area of ``level`` ("lsoa", "ward", "authority", "csp" or "force"):
    the sum of the ONS small-area estimates of its 2011 LSOAs for the shipped mid-year nearest
    ``mid_year``. Returns ``population`` indexed by code, with ``attrs["mid_year"]`` and
    ``attrs["note"]`` (the year used, and any 2011 LSOA left out because it was split between
    areas of the level). ``codes`` limits the areas returned."""
    if not isinstance(level, str):
        raise arguments.ArgumentTypeError(f"level: got {arguments.shown(level)}; expected one of {', '.join(LEVELS)}")
    if level not in LEVELS:
        raise ParameterError(f"level: no populations by {level!r}; expected one of {', '.join(LEVELS)}")
    mid_year = arguments.whole_number("mid_year", mid_year, 1900, 2100)
    if codes is not None and (isinstance(codes, str) or not isinstance(codes, Iterable)):
        raise arguments.ArgumentTypeError(
            f"codes: got {arguments.shown(codes)}; expected a list of area codes (a single code in a list)"
        )
    year = nearest_lsoa_year(mid_year)
    out, split = _populations(level, year)
    out = out.copy()
    if codes is not None:
        out = out.reindex(list(dict.fromkeys(codes)))
    out.attrs["mid_year"] = year
    note = f"ONS small-area population estimates, mid-{year} (the shipped year nearest mid-{mid_year})"
    if level != "lsoa":
        note += f", summed over each {LEVEL_WORDS[level]}'s LSOAs of 2011"
    if split and codes is None:
        note += f"; {split} LSOAs of 2011 split between areas are in none"
    out.attrs["note"] = note + "."
    return out
