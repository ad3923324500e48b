"""How a partnership compares: its police recorded crime beside its most similar group's and
England and Wales's, for ONS's headline offence groups.

The figures are ONS's (Home Office police recorded crime by partnership,
:mod:`safer_analysis.inputs.recorded_crime`: the package's table and any edition the project
imported), for the latest period held with rates (or the one asked for); the group is the open
most similar group (:mod:`safer_analysis.analysis.similar`, by the project's method where
``data/similar_groups.csv`` gives one). The arithmetic is :mod:`safer_analysis.analysis.comparison`.

A partnership's rate is ONS's own, per 1,000 of the mid-year population ONS used; its group's is
pooled (the members' crimes over their people, the partnership itself left out, over the members
ONS publishes a rate for: not City of London, whose residents are few beside those who work
there). The change since the year before is in the number of crimes (ONS publishes the year
before's counts, not its rates): ``rate_before`` is the year before's count on the same people.
Recorded crime counts every crime recorded, not a sample, so no sampling interval is put round
it; a difference is called notable only where the rate lies outside the range of the group's
members, larger than the spread among them.

>>> c = compare("Plymouth", period_end="2024-12")
>>> c.period, len(c.members[c.members["offence_group"] == TOTAL])
('year ending December 2024', 16)
>>> total = c.table.set_index("offence_group").loc[TOTAL]
>>> int(total["count"]), round(float(total["rate"]), 1), int(total["of"])
(25943, 97.2, 16)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from safer_analysis.analysis import comparison as arithmetic
from safer_analysis.analysis.similar import group_of
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, similar_groups
from safer_analysis.inputs import recorded_crime as rc
from safer_analysis.inputs.ons_crime_tables import OFFENCE_GROUPS, PARTNERSHIP, TOTAL, period_label

__all__ = [
    "ALL",
    "MEMBER_COLUMNS",
    "OFFENCE_GROUPS",
    "TOTAL",
    "Comparison",
    "compare",
    "offence_group_named",
    "partnership_code",
    "sentences",
]

#: The members table's columns, in order.
MEMBER_COLUMNS = [
    "csp_code",
    "csp_name",
    "force",
    "similarity_rank",
    "distance",
    "is_area",
    "offence_group",
    "count",
    "population",
    "rate",
    "count_before",
    "rate_before",
    "change",
]
#: A finding about an offence group needs at least this many of the partnership's crimes in it:
#: below, a handful of crimes moves the rate past its group's range by chance of timing alone.
MIN_COUNT = 20
#: The measures of the method, in words, as a board would name them.
MEASURE_WORDS = {
    "imd_average_rank": "deprivation",
    "imd_most_deprived_tenth": "deprivation",
    "people_per_sq_km": "population density",
    "rural_share": "rural character",
    "aged_16_to_24_share": "age structure",
    "aged_65_and_over_share": "age structure",
}
#: Where the method and its limits are described.
METHOD_PAGE = "data/similar-groups.md"


@dataclass
class Comparison:
    """A partnership's recorded crime beside its most similar group's, for one period."""

    area_code: str
    area_name: str
    period: str  # "year ending December 2024"
    previous: str | None  # the period before, if held
    members: pd.DataFrame  # MEMBER_COLUMNS: the partnership (distance 0) and its group, per offence group
    table: pd.DataFrame  # one row per offence group: analysis.comparison.TABLE_COLUMNS
    group_note: str  # how the group was found, in one plain sentence, with the method's file
    source: str  # the recorded crime table's source line
    period_end: str = ""  # "2024-12"
    previous_end: str | None = None  # "2023-12"
    group_size: int = 0
    compared_on: tuple[str, ...] = ()  # the measures the group was found on
    both_nations_only: bool = False  # a Welsh partnership, compared on the measures of both nations
    method_source: str = ""  # the method's file: the package's similar_groups.csv or the project's
    group: pd.DataFrame = field(default_factory=pd.DataFrame)  # analysis.similar.group_of's table

    def row(self, offence_group: str = TOTAL) -> pd.Series:
        """The table's row for one offence group (ONS's name)."""
        found = self.table[self.table["offence_group"] == offence_group]
        if found.empty:
            raise ParameterError(f"offence_group: expected one of ONS's headline groups; got {offence_group!r}")
        return found.iloc[0]


#: What names every headline offence group at once (``offence_group_named``).
ALL = "all"


def offence_group_named(text: object, *, name: str = "offence_group") -> str:
    """ONS's name of the headline offence group ``text`` names: "total" (or empty) for the total,
    "all" for every group (:data:`ALL`), else a group in any case and spacing; a ParameterError
    naming ``name`` and listing the groups otherwise.

    >>> offence_group_named("robbery"), offence_group_named(" Total ")
    ('Robbery', 'Total recorded crime (excluding fraud)')
    """
    if not isinstance(text, str):
        raise ParameterError(f"{name}: got {text!r}; expected text: total, all or one of ONS's headline groups")
    key = " ".join(text.lower().split())
    if key in ("total", ""):
        return TOTAL
    if key == ALL:
        return ALL
    for group in OFFENCE_GROUPS:
        if group.lower() == key:
            return group
    raise ParameterError(
        f"{name}: got {text!r}; expected total, all or one of ONS's headline groups: " + "; ".join(OFFENCE_GROUPS)
    )


def partnership_code(area: str) -> tuple[str, str]:
    """The code and name of the partnership ``area`` names (a partnership, by name or code, else a
    local authority lying in one partnership); a ParameterError (exit 2) naming the nearest names."""
    if not isinstance(area, str) or not area.strip():
        raise ParameterError(f"area: expected a partnership's name or ONS code; got {area!r}")
    table = similar_groups.measures()
    code = area.strip().upper()
    if code in table.index:  # every partnership by its code, one the lookups cannot cut to LSOAs too
        return code, str(table.at[code, "csp_name"])
    named = table.index[table["csp_name"].str.lower() == area.strip().lower()]
    if len(named) == 1:
        return str(named[0]), str(table.at[named[0], "csp_name"])
    try:
        found = areas.resolve(area, areas.CSP)
        return found.code, found.name
    except areas.UnknownAreaError as exc:
        try:
            return similar_groups.partnership(area)
        except areas.UnknownAreaError:
            raise exc from None


def _project(data_dir: str | os.PathLike | None) -> object:
    return SimpleNamespace(data_dir=Path(data_dir)) if data_dir is not None else None


def _months_before(period_end: str, months: int = 12) -> str:
    year, month = map(int, period_end.split("-"))
    index = year * 12 + month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _stamp(data_dir: str | os.PathLike | None) -> tuple[str, int, int] | None:
    """What identifies the project's imported editions as they are now (None: the package's alone)."""
    if data_dir is None:
        return None
    path = Path(data_dir) / rc.PROJECT_TABLE
    try:
        found = path.stat()
    except OSError:
        return (str(data_dir), 0, -1)
    return (str(data_dir), found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=8)
def _editions(stamp: tuple[str, int, int] | None) -> pd.DataFrame:
    return rc.editions(project=_project(stamp[0]) if stamp else None)


@lru_cache(maxsize=16)
def _national(stamp: tuple[str, int, int] | None, period_end: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """One period of the national table: the partnerships' rows by code and offence group, England
    and Wales's, and the source line. Kept while the project's imported editions are unchanged."""
    project = _project(stamp[0]) if stamp else None
    rows = rc.recorded_crime(period_end, project=project, level=PARTNERSHIP)
    source = rows.attrs["source"]
    rows = rows.drop_duplicates(["csp_code", "offence_group"]).set_index(["csp_code", "offence_group"])
    ew = rc.england_and_wales(period_end, project=project)
    return rows, ew, source


def _period(period_end: str, held: pd.DataFrame) -> str:
    """The period to compare: ``period_end`` where rates are held for it, else the latest with rates."""
    with_rates = list(held.loc[held["rates"], "period_end"])
    words = ", ".join(f"{p} ({period_label(p)})" for p in with_rates) or "none"
    if not period_end:
        if not with_rates:
            raise ParameterError(
                "no rates per 1,000 people are held for any period of recorded crime by partnership; import "
                "ONS's workbook with safer-analysis import-recorded-crime FILE"
            )
        return with_rates[-1]
    if not isinstance(period_end, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period_end):
        raise ParameterError(f"period_end: expected a month written YYYY-MM such as 2024-12, got {period_end!r}")
    if period_end not in set(held["period_end"]):
        listed = ", ".join(f"{p} ({period_label(p)})" for p in held["period_end"])
        raise ParameterError(
            f"period_end {period_end}: no recorded crime by partnership is held for the {period_label(period_end)}; "
            f"held: {listed}. A newer edition is added with safer-analysis import-recorded-crime FILE"
        )
    if period_end not in with_rates:
        raise ParameterError(
            f"period_end {period_end}: ONS's tables held give the numbers of crimes for the {period_label(period_end)} "
            f"but no rates per 1,000 people (the table of the year before has counts alone); periods with rates: "
            f"{words}"
        )
    return period_end


def _group_note(name: str, group: pd.DataFrame, method: similar_groups.Method) -> str:
    words = list(dict.fromkeys(MEASURE_WORDS.get(m, m.replace("_", " ")) for m in group.attrs["compared_on"]))
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    where = (
        f"; as a Welsh partnership it is compared on the measures held for both nations ({listed}) alone, among "
        "every partnership of England and Wales"
        if group.attrs["both_nations_only"]
        else ", among English partnerships"
    )
    return (
        f"{name}'s most similar group is the {len(group)} partnerships nearest to it on {listed}{where}, "
        f"each measure standardised and weighted as {method.source} sets; {METHOD_PAGE} gives the method "
        "and its limits."
    )


def compare(
    area: str, *, data_dir: str | os.PathLike | None = None, period_end: str = "", size: int | None = None
) -> Comparison:
    """``area``'s recorded crime beside its most similar group's and England and Wales's, for the
    period ending ``period_end`` (YYYY-MM; absent, the latest held with rates). ``data_dir``, a
    project's ``data/``: its imported editions and its ``similar_groups.csv`` are used. ``size``:
    the group's size instead of the method's. ParameterError (exit 2) for an unknown area or a
    period not held; DataValidationError (exit 3) for a damaged table of imported editions."""
    code, name = partnership_code(area)
    stamp = _stamp(data_dir)
    held = _editions(stamp)
    chosen = _period(period_end or "", held)
    before_end = _months_before(chosen)
    previous_end = before_end if before_end in set(held["period_end"]) else None

    method = similar_groups.read_method(data_dir)
    group = group_of(code, similar_groups.measures(), method, size)
    names = similar_groups.measures()["csp_name"]
    who = pd.DataFrame(
        {
            "csp_code": [code, *group["csp_code"]],
            "csp_name": [str(names.get(code, name)), *group["csp_name"]],
            "similarity_rank": [0, *group["rank"]],
            "distance": [0.0, *group["distance"]],
            "is_area": [True] + [False] * len(group),
        }
    )
    now, ew_now, source = _national(stamp, chosen)
    before, ew_then, _ = _national(stamp, previous_end) if previous_end else (None, None, "")
    if (code, TOTAL) not in now.index:
        raise ParameterError(
            f"{name} ({code}) has no row in ONS's recorded crime by partnership for the {period_label(chosen)}: the "
            "table follows other boundaries; import an edition that has it, or name another period"
        )
    groups = list(OFFENCE_GROUPS)
    members = who.merge(pd.DataFrame({"offence_group": groups}), how="cross")
    keys = pd.MultiIndex.from_frame(members[["csp_code", "offence_group"]])
    members["force"] = now["force"].reindex(keys).to_numpy()
    members["count"] = now["count"].reindex(keys).to_numpy()
    members["population"] = now["population"].reindex(keys).to_numpy()
    members["rate"] = now["rate"].reindex(keys).to_numpy(dtype=float, na_value=np.nan)
    if before is not None:
        members["count_before"] = before["count"].reindex(keys).to_numpy()
        published = before["rate"].reindex(keys).to_numpy(dtype=float, na_value=np.nan)
    else:
        members["count_before"] = pd.NA
        published = np.full(len(members), np.nan)
    for column in ("count", "population", "count_before"):
        members[column] = pd.to_numeric(members[column]).astype("Int64")
    people = members["population"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    counted = members["count_before"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    same_people = np.where(people > 0, counted * 1000 / np.where(people > 0, people, 1), np.nan)
    members["rate_before"] = np.where(np.isnan(published), same_people, published)
    pairs = zip(members["count"], members["count_before"], strict=True)
    members["change"] = [arithmetic.change(now_, then) for now_, then in pairs]
    members["force"] = members["force"].fillna("")
    members = members[MEMBER_COLUMNS]

    ew = ew_now[["offence_group", "count", "rate"]].copy()
    ew["count_before"] = (
        ew_then.set_index("offence_group")["count"].reindex(ew["offence_group"]).to_numpy()
        if ew_then is not None
        else np.nan
    )
    table = arithmetic.compare_table(members, ew)
    changes = members[~members["is_area"]].groupby("offence_group", sort=False)["change"]
    own = members[members["is_area"]].set_index("offence_group")["count_before"]
    table["count_before"] = table["offence_group"].map(own).astype("Int64")
    table["group_change_min"] = table["offence_group"].map(changes.min())
    table["group_change_max"] = table["offence_group"].map(changes.max())
    return Comparison(
        area_code=code,
        area_name=str(names.get(code, name)),
        period=period_label(chosen),
        previous=period_label(previous_end) if previous_end else None,
        members=members.reset_index(drop=True),
        table=table,
        group_note=_group_note(str(names.get(code, name)), group, method),
        source=source,
        period_end=chosen,
        previous_end=previous_end,
        group_size=len(group),
        compared_on=tuple(group.attrs["compared_on"]),
        both_nations_only=bool(group.attrs["both_nations_only"]),
        method_source=method.source,
        group=group,
    )


# --- findings in words ---------------------------------------------------------------------------------------------


def _rate(value: float) -> str:
    """A rate per 1,000 as a board reads it: one decimal place from 10, else two (so 2.40 and 2.45 differ)."""
    return "no published rate" if pd.isna(value) else f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _members(n: int, of: object) -> str:
    """ "its 15 most similar partnerships", or where some publish no rate, "the 14 of its 15 ... with a rate"."""
    rated = int(of) - 1 if pd.notna(of) else n
    if rated >= n:
        return f"its {n} most similar partnerships"
    return f"the {rated} of its {n} most similar partnerships with a published rate"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _what(offence_group: str) -> str:
    return "crime (excluding fraud)" if offence_group == TOTAL else offence_group[:1].lower() + offence_group[1:]


def _signed(fraction: float) -> str:
    return f"{fraction * 100:+.0f}%".replace("-", "\u2212")


def _moved(fraction: float) -> str:
    if pd.isna(fraction):
        return "no comparable figure"
    if round(fraction * 100) == 0:
        return "little change"
    return f"a {'rise' if fraction > 0 else 'fall'} of {abs(fraction) * 100:.0f}%"


def sentences(c: Comparison) -> list[str]:
    """The comparison's findings in plain words, the period named in each: the overall rate beside
    the group's and England and Wales's, with its place in the group; each offence group (of at
    least :data:`MIN_COUNT` crimes) whose rate lies outside the range of the group's members,
    furthest outside first, said as a difference larger than the spread among the group's members;
    and the change since the year before beside the group's."""
    out = []
    n = c.group_size
    total = c.row(TOTAL)
    if pd.notna(total["rate"]):
        peers = _members(n, total["of"])
        place = (
            f"higher than every one of {peers}"
            if total["direction"] == arithmetic.HIGHER
            else f"lower than every one of {peers}"
            if total["direction"] == arithmetic.LOWER
            else f"{_ordinal(int(total['rank']))} highest of {int(total['of'])}, itself and {peers}"
        )
        spread = ", a difference larger than the spread among the group's members" if total["notable"] else ""
        out.append(
            f"In the {c.period}, {c.area_name} recorded {int(total['count']):,} crimes (excluding fraud), "
            f"{_rate(total['rate'])} per 1,000 people: {place} (together {_rate(total['group_rate'])}, from "
            f"{_rate(total['group_min'])} to {_rate(total['group_max'])}){spread}; England and Wales "
            f"{_rate(total['ew_rate'])}."
        )
    elif pd.notna(total["count"]):
        out.append(
            f"In the {c.period}, {c.area_name} recorded {int(total['count']):,} crimes (excluding fraud); ONS "
            "publishes no rate per 1,000 residents for it (its residents are few beside the people who work "
            "there or visit), so its rates are not compared with its group's."
        )
    notable = c.table[
        c.table["notable"] & (c.table["offence_group"] != TOTAL) & (c.table["count"].fillna(0) >= MIN_COUNT)
    ]
    order = sorted(
        notable.itertuples(index=False),
        key=lambda r: -arithmetic.spread_ratio(r.rate, r.group_min, r.group_max),
    )
    for r in order:
        out.append(
            f"{r.offence_group}, {c.period}: {_rate(r.rate)} per 1,000 people in {c.area_name}, {r.direction} than "
            f"in every one of {_members(n, r.of)} (from {_rate(r.group_min)} to {_rate(r.group_max)}; "
            f"{_rate(r.group_rate)} together, England and Wales {_rate(r.ew_rate)}): a difference larger than "
            "the spread among the group's members."
        )
    if c.previous and pd.notna(total["change"]):
        low, high = total["group_change_min"], total["group_change_max"]
        outside = pd.notna(low) and (total["change"] > high or total["change"] < low)
        out.append(
            f"From the {c.previous} to the {c.period}, {c.area_name}'s recorded crime showed "
            f"{_moved(total['change'])} ({int(total['count_before']):,} to {int(total['count']):,}), "
            f"against {_moved(total['group_change'])} across its most similar group (its members from "
            f"{_signed(low)} to {_signed(high)}) and {_moved(total['ew_change'])} in England and Wales"
            + (", a difference larger than the spread among the group's members." if outside else ".")
        )
    return out
