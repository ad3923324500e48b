"""A partnership's recorded crime beside its most similar group's: the arithmetic, on plain tables.

Recorded crime is a whole population's count, not a sample, so no sampling interval is put round
it. A difference is called notable where the partnership's rate lies outside the range of its
group's members' rates, that is where it is larger than the spread among the group's members.

The members table (:func:`compare_table` reads it) has one row per partnership and offence group:
``csp_code``, ``is_area`` (True for the partnership compared), ``offence_group``, ``count``,
``population``, ``rate`` (per 1,000; blank where none is published), ``count_before``.

>>> members = pd.DataFrame(
...     {
...         "csp_code": ["A", "B", "C"],
...         "is_area": [True, False, False],
...         "offence_group": ["Robbery"] * 3,
...         "count": [30, 10, 20],
...         "population": [1000, 1000, 4000],
...         "rate": [30.0, 10.0, 5.0],
...         "count_before": [20, 10, 25],
...     }
... )
>>> row = compare_table(members).iloc[0]
>>> float(row["group_rate"]), int(row["rank"]), int(row["of"]), bool(row["notable"]), row["direction"]
(6.0, 1, 3, True, 'higher')
>>> round(float(row["change"]), 2), round(float(row["group_change"]), 3)
(0.5, -0.143)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The columns of :func:`compare_table`'s result, in order.
TABLE_COLUMNS = [
    "offence_group",
    "count",
    "population",
    "rate",
    "group_count",
    "group_population",
    "group_rate",
    "group_min",
    "group_max",
    "group_members",
    "ew_rate",
    "rank",
    "of",
    "change",
    "group_change",
    "ew_change",
    "notable",
    "direction",
]
HIGHER, LOWER, WITHIN = "higher", "lower", "within"


def change(now: float | int | None, before: float | int | None) -> float:
    """The change from ``before`` to ``now`` as a fraction of ``before``; blank where either is
    blank or ``before`` is 0.

    >>> round(change(110, 100), 6), change(5, 0)
    (0.1, nan)
    """
    if now is None or before is None or pd.isna(now) or pd.isna(before) or float(before) == 0:
        return float("nan")
    return float(now) / float(before) - 1


def pooled_rate(counts: pd.Series, people: pd.Series) -> float:
    """Crimes per 1,000 people over several partnerships together: the sum of their counts over the
    sum of their people (blank where no one is counted).

    >>> pooled_rate(pd.Series([10, 20]), pd.Series([1000, 4000]))
    6.0
    """
    total = float(pd.to_numeric(people, errors="coerce").sum())
    return float(pd.to_numeric(counts, errors="coerce").sum()) * 1000 / total if total > 0 else float("nan")


def rank_of(rate: float, others: pd.Series) -> tuple[float, int]:
    """The place of ``rate`` among itself and ``others`` (blank rates left out), 1 the highest,
    ties sharing the higher place; and how many there are.

    >>> rank_of(5.0, pd.Series([7.0, 5.0, 3.0, np.nan]))
    (2, 4)
    """
    held = pd.to_numeric(others, errors="coerce").dropna()
    if pd.isna(rate):
        return float("nan"), len(held) + 1
    return int((held > rate).sum()) + 1, len(held) + 1


def direction(rate: float, low: float, high: float) -> str:
    """``"higher"`` above every member's rate, ``"lower"`` below every one, else ``"within"``.

    >>> direction(5.0, 1.0, 4.0), direction(1.0, 1.0, 4.0)
    ('higher', 'within')
    """
    if pd.isna(rate) or pd.isna(low) or pd.isna(high):
        return WITHIN
    return HIGHER if rate > high else LOWER if rate < low else WITHIN


def compare_table(members: pd.DataFrame, ew: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per offence group (in the order they first appear): the partnership's ``count``,
    ``population`` and ``rate``; its group's (the partnership left out) pooled ``group_rate``
    (over the members with a published rate), ``group_min`` and ``group_max`` of the members'
    rates and how many have one (``group_members``); England and Wales's ``ew_rate`` (from ``ew``:
    ``offence_group``, ``rate``, ``count``, ``count_before``); the partnership's ``rank`` (1 the
    highest rate) ``of`` those with a rate; its ``change`` in crimes since the year before, the
    group's pooled ``group_change`` (members with a count both years) and ``ew_change``; and
    ``notable`` with ``direction`` (the rate outside the members' range, above or below it)."""
    own = members[members["is_area"]].drop_duplicates("offence_group").set_index("offence_group")
    groups = list(own.index)
    others = members[~members["is_area"]]
    numbers = {c: pd.to_numeric(others[c], errors="coerce").astype(float) for c in ("count", "population", "rate")}
    before = pd.to_numeric(others["count_before"], errors="coerce").astype(float)
    rated = others.assign(**numbers)[numbers["rate"].notna() & numbers["population"].notna()]
    by = rated.groupby("offence_group")
    both = others.assign(count=numbers["count"], count_before=before)
    both = both[both["count"].notna() & both["count_before"].notna()].groupby("offence_group")
    own_rate = pd.to_numeric(own["rate"], errors="coerce").astype(float)
    held = others.assign(rate=numbers["rate"])[numbers["rate"].notna()]
    above = (held["rate"] > held["offence_group"].map(own_rate)).groupby(held["offence_group"]).sum()
    out = pd.DataFrame({"offence_group": groups}).set_index("offence_group", drop=False)
    out["count"] = own["count"]
    out["population"] = own["population"]
    out["rate"] = own_rate
    out["group_count"] = by["count"].sum()
    out["group_population"] = by["population"].sum()
    out["group_rate"] = out["group_count"] * 1000 / out["group_population"].where(out["group_population"] > 0)
    out["group_min"], out["group_max"] = by["rate"].min(), by["rate"].max()
    out["group_members"] = by.size().reindex(groups).fillna(0).astype(int)
    if ew is not None:
        ew = ew.drop_duplicates("offence_group").set_index("offence_group")
        out["ew_rate"] = pd.to_numeric(ew["rate"], errors="coerce").astype(float).reindex(groups)
        ew_before = ew["count_before"] if "count_before" in ew else pd.Series(np.nan, index=ew.index)
        pairs = zip(ew["count"].reindex(groups), ew_before.reindex(groups), strict=True)
        out["ew_change"] = [change(a, b) for a, b in pairs]
    else:
        out["ew_rate"] = out["ew_change"] = np.nan
    out["of"] = held.groupby("offence_group").size().reindex(groups).fillna(0).astype(int) + 1
    out["rank"] = (above.reindex(groups).fillna(0) + 1).where(own_rate.notna())
    out["change"] = [change(a, b) for a, b in zip(own["count"], own["count_before"], strict=True)]
    group_change = both["count"].sum() / both["count_before"].sum().where(both["count_before"].sum() > 0) - 1
    out["group_change"] = group_change.reindex(groups)
    ranges = zip(out["rate"], out["group_min"], out["group_max"], strict=True)
    out["direction"] = [direction(r, lo, hi) for r, lo, hi in ranges]
    out["notable"] = out["direction"] != WITHIN
    out = out[TABLE_COLUMNS].reset_index(drop=True)
    for column in ("count", "population", "group_count", "group_population", "rank"):
        out[column] = pd.to_numeric(out[column]).round().astype("Int64")
    for column in ("group_rate", "group_min", "group_max", "ew_rate", "change", "group_change", "ew_change"):
        out[column] = out[column].astype(float)
    out["notable"] = out["notable"].astype(bool)
    return out


def spread_ratio(rate: float, low: float, high: float) -> float:
    """How far outside its group's range a rate lies, as a share of the range's width (0 inside);
    to order notable differences, largest first.

    >>> spread_ratio(12.0, 2.0, 10.0), spread_ratio(5.0, 2.0, 10.0)
    (0.25, 0.0)
    """
    if pd.isna(rate) or pd.isna(low) or pd.isna(high):
        return 0.0
    width = max(high - low, 1e-12)
    return max(rate - high, low - rate, 0.0) / width
