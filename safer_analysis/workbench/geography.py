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

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, population
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


def lsoa_population_years() -> list[int]:
    """The mid-years of the small-area (LSOA) estimates shipped with the package."""
    return population.lsoa_population_years()


def nearest_lsoa_year(mid_year: int) -> int:
    """The shipped LSOA population year nearest ``mid_year`` (the later one on a tie).

    >>> nearest_lsoa_year(2018), nearest_lsoa_year(2016), nearest_lsoa_year(2025)
    (2019, 2017, 2020)
    """
    return population.nearest_lsoa_year(mid_year)


def _areas_of(level: str) -> list[str]:
    column = LEVELS[level][0]
    geo = lsoa_geography()
    return sorted(set(geo[column].dropna()))


def populations(
    level: str,
    mid_year: int,
    codes: Iterable[str] | None = None,
    *,
    within: Iterable[str] | None = None,
    figures: population.ProjectFigures | None = None,
) -> pd.DataFrame:
    """Resident population per area of ``level`` ("lsoa", "ward", "authority", "csp" or "force"),
    as packs and force overviews give it (:func:`safer_analysis.inputs.population.estimate`): the
    estimate nearest ``mid_year`` for the area's LSOAs, or, with ``within`` (LSOA codes: the area
    the rows were cut to), for the part of it inside that area, so a partnership's rows by
    authority are divided by the people of its own part of the authority. An LSOA of 2011 is its
    own small-area estimate (``within`` does not apply). Returns ``population`` indexed by code,
    ``mid_year`` and ``source`` (in words) beside it, with ``attrs["mid_year"]`` (the latest used)
    and ``attrs["note"]``. ``codes`` limits the areas returned (default: every area of the level)."""
    if not isinstance(level, str):
        raise arguments.ArgumentTypeError(f"level: got {arguments.shown(level)}; expected one of {', '.join(LEVELS)}")
    if level not in LEVELS:
        raise ParameterError(f"level: no populations by {level!r}; expected one of {', '.join(LEVELS)}")
    mid_year = arguments.whole_number("mid_year", mid_year, 1900, 2100)
    if codes is not None and (isinstance(codes, str) or not isinstance(codes, Iterable)):
        raise arguments.ArgumentTypeError(
            f"codes: got {arguments.shown(codes)}; expected a list of area codes (a single code in a list)"
        )
    wanted = list(dict.fromkeys(codes)) if codes is not None else _areas_of(level)
    rows, found = [], []
    if level == "lsoa":
        table = population.lsoa11_populations(mid_year).set_index("lsoa11_code")["population"]
        year = population.nearest_lsoa_year(mid_year)
        for code in wanted:
            people = table.get(code)
            rows.append((code, None if people is None else int(people), year if people is not None else None, ""))
        words = f"ONS small-area estimates for mid-{year}"
        gap = "" if year == mid_year else f" (the shipped year nearest mid-{mid_year})"
        note = words + gap
    else:
        area = population.as_lsoa21(within) if within is not None else None
        for code in wanted:
            lsoas = population.lsoas_of([code]) if isinstance(code, str) else frozenset()
            if area is not None:
                lsoas = lsoas & area
            e = population.estimate(lsoas, mid_year, figures)
            rows.append((code, e.population if e else None, e.mid_year if e else None, e.label if e else ""))
            if e:
                found.append(e)
        note = population.sources_in_words(found)
        if area is not None:
            note += "; each area's people within the area the crime data cover"
    index = "lsoa_code" if level == "lsoa" else LEVELS[level][0]
    out = pd.DataFrame(rows, columns=[index, "population", "mid_year", "source"]).set_index(index)
    out["population"] = out["population"].astype("Int64")
    out["mid_year"] = out["mid_year"].astype("Int64")
    years = out["mid_year"].dropna()
    out.attrs["mid_year"] = int(years.max()) if len(years) else None
    out.attrs["note"] = note + "."
    return out
