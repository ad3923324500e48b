"""Projects against priorities: which priorities each pound serves, and how it is apportioned."""

from __future__ import annotations

import pandas as pd


def apportion(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    *,
    weight_column: str | None = None,
    key: str = "priority",
) -> pd.DataFrame:
    """Share each allocation's amount across the priorities it serves.

    ``links`` has one row per (allocation_id, priority). By default each project's amount is split
    evenly across its priorities; name a ``weight_column`` in ``links`` to split in proportion to
    it instead. Returns one row per link with ``share`` (fraction of the project) and
    ``apportioned`` (pounds). Projects with no amount or no priorities contribute nothing, so the
    apportioned total equals the total of funded projects that have at least one priority.

    >>> a = pd.DataFrame({"allocation_id": ["x"], "amount": [300.0]})
    >>> l = pd.DataFrame({"allocation_id": ["x", "x"], "priority": [1, 2]})
    >>> apportion(a, l)["apportioned"].tolist()
    [150.0, 150.0]
    """
    merged = links.merge(
        allocations[["allocation_id", "amount"]], on="allocation_id", how="inner", validate="m:1"
    )
    merged = merged[merged["amount"].notna()].copy()
    if weight_column is None:
        weights = pd.Series(1.0, index=merged.index)
    else:
        if weight_column not in merged:
            raise KeyError(f"links have no column {weight_column!r} to weight by")
        weights = merged[weight_column].astype(float)
        if (weights < 0).any():
            raise ValueError(f"weights in {weight_column!r} must be zero or more")
    totals = weights.groupby(merged["allocation_id"]).transform("sum")
    if (totals == 0).any():
        bad = sorted(merged.loc[totals == 0, "allocation_id"].unique())
        raise ValueError(f"allocations {', '.join(bad)} have weights adding up to zero")
    merged["share"] = weights / totals
    merged["apportioned"] = merged["amount"] * merged["share"]
    return merged[["allocation_id", key, "share", "amount", "apportioned"]].reset_index(drop=True)


def priority_matrix(
    allocations: pd.DataFrame, links: pd.DataFrame, *, key: str = "priority",
    label_column: str = "project",
) -> pd.DataFrame:
    """A projects-by-priorities table of ticks (True where the project serves the priority)."""
    serves = links[links["allocation_id"].isin(allocations["allocation_id"])]
    matrix = pd.crosstab(serves["allocation_id"], serves[key]).astype(bool)
    matrix = matrix.reindex(allocations["allocation_id"], fill_value=False)
    matrix.index = allocations.set_index("allocation_id").loc[matrix.index, label_column]
    matrix.columns.name = key
    return matrix
