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
    rows = []
    ew = ew.set_index("offence_group") if ew is not None else None
    for group, frame in members.groupby("offence_group", sort=False):
        own = frame[frame["is_area"]]
        if own.empty:
            continue
        own = own.iloc[0]
        others = frame[~frame["is_area"]]
        rated = others[others["rate"].notna() & others["population"].notna()]
        both = others[others["count"].notna() & others["count_before"].notna()]
        low, high = (rated["rate"].min(), rated["rate"].max()) if len(rated) else (np.nan, np.nan)
        rank, of = rank_of(own["rate"], others["rate"])
        side = direction(own["rate"], low, high)
        ew_row = ew.loc[group] if ew is not None and group in ew.index else None
        rows.append(
            {
                "offence_group": group,
                "count": own["count"],
                "population": own["population"],
                "rate": own["rate"],
                "group_count": int(rated["count"].sum()) if len(rated) else pd.NA,
                "group_population": int(rated["population"].sum()) if len(rated) else pd.NA,
                "group_rate": pooled_rate(rated["count"], rated["population"]),
                "group_min": float(low),
                "group_max": float(high),
                "group_members": len(rated),
                "ew_rate": float(ew_row["rate"]) if ew_row is not None else np.nan,
                "rank": rank,
                "of": of,
                "change": change(own["count"], own["count_before"]),
                "group_change": change(both["count"].sum(), both["count_before"].sum()) if len(both) else np.nan,
                "ew_change": change(ew_row["count"], ew_row.get("count_before")) if ew_row is not None else np.nan,
                "notable": side != WITHIN,
                "direction": side,
            }
        )
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for column in ("count", "population", "group_count", "group_population", "rank"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
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
