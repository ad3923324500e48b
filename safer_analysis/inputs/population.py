"""The population of an area for a period: the one answer packs, force overviews and the workbench
all use, so the same area and period get the same people wherever they are counted.

An area is the set of LSOAs its rows are counted in, written as LSOA codes of 2021: every local
authority (of 2022 or 2024), partnership, ward and force area of England and Wales is built of
whole ones. Its population for a period is the estimate nearest the middle of the period (its
ONS mid-year, :attr:`~safer_analysis.inputs.years.FinancialYear.mid_year`) from whichever table
covers the area, a table covering it when the area is exactly a union of the table's areas:

1. the project's own figures, ``data/population.csv`` (a council's own estimate), labelled so;
2. ONS mid-year estimates the project imported (``safer-analysis import-population``, kept in
   ``data/reference/ons-mid-year-estimates.csv``);
3. ONS mid-year estimates per local authority shipped with the package: mid-2001 to mid-2020 (not
   revised to the 2021 Census) and mid-2021 (Census-based), on 2021 boundaries. An authority made
   in 2023 is the sum of its former districts (North Yorkshire of Craven, Hambleton, ...), and a
   partnership inside a split authority is its district (Carlisle);
4. ONS's mid-2022 estimate per partnership and force area (Table C4 of the ONS police recorded
   crime tables, year ending December 2024), rounded to the nearest 100;
5. ONS small-area estimates per LSOA of 2011 (mid-2017, mid-2019, mid-2020) summed over the area's
   LSOAs: any area at all (an LSOA of 2011 split by the area's boundary is left out, and said so).

The nearest year wins; between tables as near, the first in that order; within one table, the
later of two years as near. Every figure is an :class:`Estimate`, carrying its source and mid-year.

>>> e = estimate(lsoas_of(["E06000026"]), 2018)
>>> e.population, e.note
(263100, 'ONS mid-2018 population estimate')
>>> e = estimate(lsoas_of(["E06000065"]), 2025)  # North Yorkshire, a 2023 unitary authority
>>> e.population, e.mid_year, e.source
(623500, 2022, 'ons_csp')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

from safer_analysis.inputs import areas, reference
from safer_analysis.inputs import validation as v
from safer_analysis.inputs.validation import Column, Problem

#: The tables an estimate can come from, in the order they win between years as near.
OWN, IMPORTED, ONS_MYE, ONS_CSP, ONS_LSOA = "own", "imported", "ons_mye", "ons_csp", "ons_lsoa"
ORDER = (OWN, IMPORTED, ONS_MYE, ONS_CSP, ONS_LSOA)
#: The project's own figures, in its data folder; absent means none.
OWN_FILE = "population.csv"
OWN_COLUMNS = [
    Column("area_code"),
    Column("mid_year", v.integer(1981, 2100)),
    Column("population", v.integer(1, 100_000_000)),
    Column("source"),
]
#: ONS mid-year estimates imported into the project, below its data folder.
IMPORTED_FILE = Path("reference") / "ons-mid-year-estimates.csv"
IMPORTED_COLUMNS = ["area_code", "area_name", "geography", "mid_year", "population", "workbook", "workbook_sha256"]
_LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
_ONS_CODE = re.compile(r"^[EWK]\d{8}$")


@dataclass(frozen=True)
class Estimate:
    """The population of an area for a period, and where it comes from.

    ``population`` people at ``mid_year``, for a period whose middle is ``asked_for``; ``source``
    is one of :data:`ORDER`; ``codes`` the areas of the table summed; ``detail`` the stated source
    of a project's own figure or the workbook imported; ``left_out`` the LSOAs of 2011 an LSOA sum
    leaves out because the area's boundary splits them.
    """

    population: int
    mid_year: int
    asked_for: int
    source: str
    codes: tuple[str, ...]
    detail: str = ""
    left_out: int = 0
    lsoas: int = 0

    @property
    def is_exact(self) -> bool:
        return self.mid_year == self.asked_for

    @property
    def years_away(self) -> int:
        return abs(self.mid_year - self.asked_for)

    @property
    def label(self) -> str:
        """What the figure is, in words for a reader: 'ONS mid-2018 population estimate'."""
        y = self.mid_year
        if self.source == OWN:
            return f"the partnership's own population figure for mid-{y} ({self.detail}; data/population.csv)"
        if self.source == IMPORTED:
            return f"ONS mid-{y} population estimate (from {self.detail}, imported into the project)"
        if self.source == ONS_MYE:
            return f"ONS mid-{y} population estimate"
        if self.source == ONS_CSP:
            return (
                f"ONS mid-{y} population estimate, rounded to the nearest 100 (ONS police recorded crime tables, "
                "Table C4)"
            )
        text = f"ONS small-area population estimates, mid-{y}, summed over the area's {self.lsoas:,} LSOAs of 2011"
        if self.left_out:
            text += f" ({self.left_out:,} split by its boundary left out)"
        return text

    @property
    def short(self) -> str:
        """The kind of figure in a few words, to name several areas' sources at once."""
        y = self.mid_year
        return {
            OWN: f"the partnership's own figure for mid-{y}",
            IMPORTED: f"ONS mid-{y} estimates ({self.detail})",
            ONS_MYE: f"ONS mid-{y} estimates",
            ONS_CSP: f"ONS mid-{y} estimates per partnership (Table C4, rounded to 100)",
            ONS_LSOA: f"ONS small-area estimates for mid-{y}, summed over LSOAs",
        }[self.source]

    @property
    def gap(self) -> str:
        """How far the estimate is from the middle of the period, in words ('' when it is the period's own)."""
        if self.is_exact:
            return ""
        n = self.years_away
        when = "before" if self.mid_year < self.asked_for else "after"
        return (
            f"the nearest estimate held to the middle of the period (mid-{self.asked_for}) is "
            f"{n} year{'s' if n > 1 else ''} {when} it"
        )

    @property
    def note(self) -> str:
        """The label, and how far it is from the period when it is not the period's own year."""
        return self.label + (f"; {self.gap}" if self.gap else "")


def sources_in_words(estimates: Iterable[Estimate]) -> str:
    """Where several areas' populations come from, each kind named once, and how far the furthest
    is from the middle of the period: 'ONS mid-2022 estimates per partnership (Table C4, rounded
    to 100); the nearest estimate held to the middle of the period (mid-2025) is 3 years before it'."""
    estimates = list(estimates)
    kinds = list(dict.fromkeys(e.short for e in estimates))
    if not kinds:
        return "none"
    furthest = max(estimates, key=lambda e: e.years_away)
    return "; ".join(kinds) + (f"; {furthest.gap}" if furthest.gap else "")


# ---- areas as LSOAs ------------------------------------------------------------------------------


def _objects(values) -> list:
    """A column's values as Python objects, converted at once (iterating text held by arrow is slow)."""
    return values.to_numpy(dtype=object).tolist()


@cache
def _units() -> dict[str, frozenset[str]]:
    """Every area of the shipped lookups as the LSOAs of 2021 it is built of: local authorities of
    2022 and 2024, partnerships, force areas, 2024 wards, England, Wales and England and Wales."""
    places = areas.lsoa_places()
    of21 = places[places["vintage"] != "2011"]
    table = reference.read_table("lsoa_areas.csv").drop_duplicates("lsoa21_code")
    columns = {
        "ltla22": table.set_index("lsoa21_code")["ltla22_code"],
        "authority": of21["authority_code"],
        "csp": of21["csp_code"],
        "force": of21["force_code"],
        "ward": of21["ward_code"],
    }
    found: dict[str, set[str]] = {}
    for series in columns.values():
        for lsoa, code in zip(_objects(series.index), _objects(series), strict=True):
            if isinstance(code, str) and code:
                found.setdefault(code, set()).add(lsoa)
    out = {code: frozenset(members) for code, members in found.items()}
    codes = _objects(of21.index)
    out["E92000001"] = frozenset(c for c in codes if c.startswith("E"))
    out["W92000004"] = frozenset(c for c in codes if c.startswith("W"))
    out["K04000001"] = frozenset(codes)
    return out


@cache
def _index() -> dict[str, tuple[str, ...]]:
    """Each LSOA of 2021 and the areas of :func:`_units` it lies in."""
    out: dict[str, list[str]] = {}
    for code, members in _units().items():
        for lsoa in members:
            out.setdefault(lsoa, []).append(code)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _vintages() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """Each LSOA of 2011 with its successors of 2021, and each of 2021 with its parents of 2011."""
    table = reference.read_table("lsoa_areas.csv")
    successors: dict[str, set[str]] = {}
    parents: dict[str, list[str]] = {}
    for old, new in zip(_objects(table["lsoa11_code"]), _objects(table["lsoa21_code"]), strict=True):
        successors.setdefault(old, set()).add(new)
        parents.setdefault(new, []).append(old)
    return {k: frozenset(v) for k, v in successors.items()}, {k: tuple(v) for k, v in parents.items()}


def as_lsoa21(codes: Iterable[str]) -> frozenset[str]:
    """LSOA codes of either vintage as LSOAs of 2021: a 2021 code as itself, a 2011 code as its
    successors (one, or those it was split into). Codes no lookup knows are left out."""
    successors, parents = _vintages()
    out: set[str] = set()
    for code in codes:
        if code in parents:
            out.add(code)
        elif code in successors:
            out |= successors[code]
    return frozenset(out)


def lsoas_of(codes: Iterable[str]) -> frozenset[str]:
    """The LSOAs of 2021 of areas by ONS code (partnerships, local authorities of 2022 or 2024,
    force areas, wards, LSOAs): an empty set for none or for a code the lookups do not know."""
    out: set[str] = set()
    units = _units()
    for code in codes:
        if code in units:
            out |= units[code]
        elif _LSOA_CODE.match(code):
            out |= as_lsoa21([code])
        else:
            try:
                out |= areas.resolve(code).lsoa21
            except areas.UnknownAreaError:
                continue
    return frozenset(out)


def is_known_code(code: str) -> bool:
    """Whether ``code`` is the ONS code of an area the lookups know as LSOAs (for the project's own figures)."""
    return bool(_ONS_CODE.match(code)) and bool(lsoas_of([code]))


# ---- the tables ----------------------------------------------------------------------------------

Table = dict[int, dict[str, int]]  # mid-year -> area code -> people


def _by_year(frame: pd.DataFrame) -> Table:
    out: Table = {}
    columns = (_objects(frame[c]) for c in ("area_code", "mid_year", "population"))
    for code, year, people in zip(*columns, strict=True):
        out.setdefault(int(year), {})[str(code)] = int(people)
    return out


@cache
def _shipped_authorities() -> Table:
    """ONS mid-year estimates per local authority (and country), mid-2001 to mid-2021."""
    frames = [reference.read_table(n) for n in ("population_local_authority.csv", "population_mid2021.csv")]
    frame = pd.concat(frames, ignore_index=True)
    frame["mid_year"] = frame["mid_year"].astype(int)
    return _by_year(frame)


@cache
def _shipped_partnerships() -> Table:
    """ONS mid-2022 estimates per partnership and force area (Table C4), rounded to the nearest 100."""
    frame = reference.read_table("population_csp_mid2022.csv").copy()
    frame["mid_year"] = frame["mid_year"].astype(int)
    return _by_year(frame)


@cache
def _lsoa_people() -> Table:
    """ONS small-area estimates per LSOA of 2011, by mid-year."""
    frame = reference.read_table("lsoa_population.csv").rename(columns={"lsoa11_code": "area_code"})
    frame = frame.assign(mid_year=frame["mid_year"].astype(int))
    return _by_year(frame)


def lsoa_population_years() -> list[int]:
    """The mid-years of the small-area (LSOA) estimates shipped with the package."""
    return sorted(_lsoa_people())


def nearest_lsoa_year(mid_year: int) -> int:
    """The shipped LSOA year nearest ``mid_year`` (the later on a tie).

    >>> nearest_lsoa_year(2018), nearest_lsoa_year(2016), nearest_lsoa_year(2025)
    (2019, 2017, 2020)
    """
    return min(lsoa_population_years(), key=lambda y: (abs(y - mid_year), -y))


def lsoa11_populations(mid_year: int) -> pd.DataFrame:
    """The ONS small-area estimate of every LSOA of 2011 for the shipped year nearest ``mid_year``:
    ``lsoa11_code``, ``mid_year``, ``population`` (for rates by neighbourhood)."""
    year = nearest_lsoa_year(mid_year)
    people = _lsoa_people()[year]
    return pd.DataFrame({"lsoa11_code": list(people), "mid_year": year, "population": list(people.values())})


# ---- a project's own and imported figures --------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ProjectFigures:
    """A project's own population figures and the ONS estimates it imported (each may be empty)."""

    own: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[c.name for c in OWN_COLUMNS]))
    imported: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=IMPORTED_COLUMNS))

    @cached_property
    def own_table(self) -> Table:
        return _by_year(self.own) if not self.own.empty else {}

    @cached_property
    def own_sources(self) -> dict[tuple[str, int], str]:
        return {(r.area_code, int(r.mid_year)): str(r.source) for r in self.own.itertuples()}

    @cached_property
    def imported_table(self) -> Table:
        if self.imported.empty:
            return {}
        frame = self.imported.assign(mid_year=self.imported["mid_year"].astype(int))
        return _by_year(frame.assign(population=frame["population"].astype(int)))

    @cached_property
    def workbooks(self) -> dict[int, str]:
        """The workbook each imported mid-year came from."""
        if self.imported.empty:
            return {}
        rows = self.imported.drop_duplicates("mid_year")
        return dict(zip(rows["mid_year"].astype(int), rows["workbook"], strict=True))


NO_FIGURES = ProjectFigures()


def read_own(data_dir: str | Path) -> pd.DataFrame:
    """The project's own figures (``data/population.csv``), validated: every area code known to the
    ONS lookups, one figure per area and mid-year. Absent means none (an empty table)."""
    path = Path(data_dir) / OWN_FILE
    if not path.is_file():
        return pd.DataFrame(columns=[c.name for c in OWN_COLUMNS])
    frame = v.read_table(path, OWN_COLUMNS)
    problems, seen = [], {}
    for row, record in frame.iterrows():
        code = str(record["area_code"]).strip()
        if not is_known_code(code):
            problems.append(
                Problem(
                    str(path),
                    int(row),
                    "area_code",
                    f"{code!r} is no area in the ONS lookups shipped with the package; expected the ONS code of a "
                    "partnership (E22/W14), local authority (E06-E09/W06), ward (E05/W05) or LSOA (E01/W01)",
                )
            )
            continue
        first = seen.setdefault((code, record["mid_year"]), int(row))
        if first != int(row):
            problems.append(
                Problem(
                    str(path),
                    int(row),
                    "mid_year",
                    f"{code} already has a figure for mid-{record['mid_year']} (row {first}); give one a year",
                )
            )
    v.require(problems)
    return frame.reset_index(drop=True)


def read_imported(data_dir: str | Path) -> pd.DataFrame:
    """The ONS estimates imported into the project (``data/reference/ons-mid-year-estimates.csv``),
    or an empty table; a damaged file is bad input data naming the command that remakes it."""
    path = Path(data_dir) / IMPORTED_FILE
    if not path.is_file():
        return pd.DataFrame(columns=IMPORTED_COLUMNS)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["mid_year"] = frame["mid_year"].astype(int)
        frame["population"] = frame["population"].astype(int)
    except (ValueError, KeyError, pd.errors.ParserError) as exc:
        raise v.DataValidationError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"not a table written by import-population ({exc}); import the ONS workbook again with "
                    "`safer-analysis import-population FILE`",
                )
            ]
        ) from None
    if list(frame.columns) != IMPORTED_COLUMNS:
        raise v.DataValidationError(
            [
                Problem(
                    str(path),
                    1,
                    None,
                    f"expected the columns {', '.join(IMPORTED_COLUMNS)} that import-population writes; import the "
                    "ONS workbook again with `safer-analysis import-population FILE`",
                )
            ]
        )
    return frame


def project_figures(data_dir: str | Path, own: pd.DataFrame | None = None) -> ProjectFigures:
    """A project's own figures (``own``, else read from ``data_dir``) and its imported ONS estimates."""
    return ProjectFigures(read_own(data_dir) if own is None else own, read_imported(data_dir))


def figures_of(dataset) -> ProjectFigures:
    """The population figures of a loaded :class:`~safer_analysis.inputs.datasets.Dataset`'s project."""
    return project_figures(dataset.root, getattr(dataset, "population", None))


# ---- the estimate --------------------------------------------------------------------------------


def _cover(
    area: frozenset[str], candidates: Iterable[str], people: Mapping[str, int], units: Mapping[str, frozenset[str]]
) -> tuple[str, ...] | None:
    """Areas of a table (``people`` for one year) that together make ``area`` exactly, the largest
    first; None when they cannot. ``candidates`` are the areas lying wholly inside it, ``units``
    the LSOAs of each."""
    inside = sorted((c for c in candidates if c in people), key=lambda c: (-len(units[c]), c))
    covered: set[str] = set()
    chosen = []
    for code in inside:
        members = units[code]
        if covered.isdisjoint(members):
            covered |= members
            chosen.append(code)
            if len(covered) == len(area):
                return tuple(sorted(chosen))
    return None


def _nearest(years: Iterable[int], mid_year: int) -> list[int]:
    return sorted(years, key=lambda y: (abs(y - mid_year), -y))


def estimate(lsoas: Iterable[str], mid_year: int, figures: ProjectFigures | None = None) -> Estimate | None:
    """The population of the area made of ``lsoas`` (codes of either vintage) at the estimate
    nearest ``mid_year`` (see the module's docstring); None for no LSOA the lookups know."""
    area = as_lsoa21(lsoas)
    if not area:
        return None
    figures = figures or NO_FIGURES
    units = _units()
    counts = Counter(u for lsoa in area for u in _index().get(lsoa, ()))
    inside = [c for c, n in counts.items() if n == len(units[c])]
    own_units = {c: units.get(c) or lsoas_of([c]) for c in dict.fromkeys(c for c, _ in figures.own_sources)}
    own_inside = [c for c, members in own_units.items() if members and members <= area]
    tables = (
        (OWN, figures.own_table, own_inside, {**units, **own_units}),
        (IMPORTED, figures.imported_table, inside, units),
        (ONS_MYE, _shipped_authorities(), inside, units),
        (ONS_CSP, _shipped_partnerships(), inside, units),
    )
    best: tuple[tuple[int, int, int], Estimate] | None = None
    for rank, (source, table, candidates, members) in enumerate(tables):
        for year in _nearest(table, mid_year):
            key = (abs(year - mid_year), rank, -year)
            if best is not None and key > best[0]:
                break
            codes = _cover(area, candidates, table[year], members)
            if codes is None:
                continue
            detail = ""
            if source == OWN:
                detail = "; ".join(dict.fromkeys(figures.own_sources[(c, year)] for c in codes))
            elif source == IMPORTED:
                detail = figures.workbooks.get(year, "")
            people = sum(table[year][c] for c in codes)
            best = (key, Estimate(people, year, mid_year, source, codes, detail))
            break
    year = nearest_lsoa_year(mid_year)
    key = (abs(year - mid_year), len(tables), -year)
    if best is None or key < best[0]:
        successors, parents = _vintages()
        touched = {p for lsoa in area for p in parents.get(lsoa, ())}
        whole = sorted(p for p in touched if successors[p] <= area)
        people = _lsoa_people()[year]
        total = sum(people.get(p, 0) for p in whole)
        if total:
            found = Estimate(total, year, mid_year, ONS_LSOA, (), "", len(touched) - len(whole), len(whole))
            best = (key, found)
    return best[1] if best else None


def warm() -> None:
    """Read the lookups and tables once, so processes forked from this one start with them."""
    _index()
    _vintages()
    _shipped_authorities()
    _shipped_partnerships()
    _lsoa_people()


def estimate_for_codes(codes: Iterable[str], mid_year: int, figures: ProjectFigures | None = None) -> Estimate | None:
    """:func:`estimate` for areas named by ONS code (a partnership's authorities, say)."""
    return estimate(lsoas_of(codes), mid_year, figures)


__all__ = [
    "Estimate",
    "ProjectFigures",
    "as_lsoa21",
    "estimate",
    "estimate_for_codes",
    "figures_of",
    "lsoa11_populations",
    "lsoas_of",
    "project_figures",
    "read_imported",
    "read_own",
    "sources_in_words",
    "warm",
]
