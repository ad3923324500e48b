"""Known breaks: dated changes that move a crime series' level (a lockdown, a change to the
counting rules, a partnership's own new scheme), as tables of ``first_month``, ``last_month``
(empty for a lasting change), ``crime_types`` (police.uk types separated by ``;``, empty for every
series) and ``what``; the shipped table adds ``nation``. Which of them move which series."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from safer_analysis.analysis.trend_model import Break

ASB = "Anti-social behaviour"
#: Series that add up the crime types (anti-social behaviour apart): a break in any type moves them.
ALL_CRIME_NAMES = ("All crime", "All crime (excluding anti-social behaviour)")
BOTH_NATIONS = "England and Wales"


def nation_of(*codes: str) -> str:
    """'Wales' for a Welsh ONS code (W...), else 'England': the first code given decides.

    >>> nation_of("W14000001"), nation_of("", "E23000035")
    ('Wales', 'England')
    """
    first = next((c for c in codes if c), "")
    return "Wales" if first.upper().startswith("W") else "England"


def for_nation(table: pd.DataFrame, nation: str) -> pd.DataFrame:
    """The rows of a breaks table that hold in ``nation`` (its own and England and Wales's);
    every row of a table without a ``nation`` column (a partnership's own)."""
    if "nation" not in table or table.empty:
        return table
    return table[table["nation"].isin([nation, BOTH_NATIONS])]


def types_of(cell: object) -> list[str]:
    """The crime types a ``crime_types`` cell names (empty: every series): text separated by
    ``;``, or the tuple a partnership's validated file holds."""
    if isinstance(cell, (tuple, list)):
        return [str(part) for part in cell]
    if not isinstance(cell, str):
        return []
    return [part.strip() for part in cell.split(";") if part.strip()]


def moves(row: pd.Series, series: str) -> bool:
    """Whether a break gets a step in ``series``: every series when it names no type; a named type.
    All crime only for a break that names no type: one that names types moves all crime by their
    change times their share of it, less than all crime's normal year-to-year swing (about 8%) for
    every shipped break (the counting-rule changes touch stalking and harassment, a part of
    violence and sexual offences), and a free step in all crime would cost its trend a year's
    worth of evidence for nothing; such swings are what the year-to-year variation allows for."""
    named = types_of(row.get("crime_types"))
    if not named:
        return True
    return series in named and series not in ALL_CRIME_NAMES


def breaks_for(table: pd.DataFrame | None, series: str) -> list[Break]:
    """The breaks of ``table`` that move ``series``, earliest first, as :class:`Break`.

    >>> table = pd.DataFrame({"first_month": ["2018-04", "2020-04"], "last_month": ["", "2021-06"],
    ...                       "crime_types": ["Violence and sexual offences", ""], "what": ["rules", "COVID"]})
    >>> [b.what for b in breaks_for(table, "Drugs")], [b.what for b in breaks_for(table, "All crime")]
    (['COVID'], ['COVID'])
    """
    if table is None or table.empty:
        return []
    rows = table.sort_values("first_month", kind="stable")
    return [
        Break(
            str(row["first_month"]),
            str(row.get("last_month") or ""),
            str(row.get("what") or ""),
            str(row.get("source") or ""),
        )
        for _, row in rows.iterrows()
        if moves(row, series)
    ]


def combined(
    *tables: pd.DataFrame | None, columns: Sequence[str] = ("first_month", "last_month", "crime_types")
) -> pd.DataFrame:
    """Several breaks tables as one (the shipped and a partnership's own), in the columns
    :func:`breaks_for` reads plus ``what`` and ``source``."""
    keep = [*columns, "what", "source"]
    frames = [t.reindex(columns=keep).astype(object).fillna("") for t in tables if t is not None and not t.empty]
    if not frames:
        return pd.DataFrame(columns=keep)
    return pd.concat(frames, ignore_index=True)
