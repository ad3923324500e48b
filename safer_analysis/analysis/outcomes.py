"""Outcome measures against their targets: the year-to-date value and a RAG status.

A provider's quarterly return counts the whole service, not a sample of it, so its figures are
taken as they are: no confidence interval, and no "could be chance". Each measure can carry a
``tolerance`` (data): how far short of the target still counts as amber.

RAG rules (``rag_status``), applied to the year-to-date figure after the latest quarter returned:

* **Proportions** (numerator of denominator, pooled over the quarters), target T per cent,
  tolerance in percentage points (``DEFAULT_POINTS`` when not given):
  - ``at least`` / ``above`` T: green where the value meets T; amber where it is within the
    tolerance below T; red further below.
  - ``below`` / ``at most`` T: green where the value is under T (``at most``: not over T); amber
    within the tolerance over it; red further over.
* **Counts** with an annual target T (``at least``): the target to date is T x quarters / 4.
  Green where the count to date meets it; amber where it falls short by no more than the
  tolerance (a count; by default ``DEFAULT_SHARE`` of the target to date); red below that.
* Measures with no numeric target, or no return yet, get no colour and say so.
"""

from __future__ import annotations

import math

import pandas as pd

GREEN, AMBER, RED = "green", "amber", "red"
NO_TARGET = "no numeric target"
NO_RETURN = "no return yet"
#: Percentage points short of a proportion's target still amber, where a measure gives none.
DEFAULT_POINTS = 5.0
#: Share of a count's target to date it may fall short by and still be amber, where a measure gives none.
DEFAULT_SHARE = 0.25
QUARTER_ENDS = {1: "June", 2: "September", 3: "December", 4: "March"}


def as_at(year: str, quarters: int) -> str:
    """'Q3 (April to December 2018)' for the returns of the first three quarters of 2018-19."""
    if not quarters:
        return "no return yet"
    start = int(year[:4])
    end_year = start + 1 if quarters == 4 else start
    return f"Q{quarters} (April to {QUARTER_ENDS[quarters]} {end_year})"


def _tolerance(measure: pd.Series) -> float | None:
    value = measure.get("tolerance")
    return None if value is None or pd.isna(value) else float(value)


def _proportion_status(value: float, target: float, direction: str, points: float) -> str:
    v = value * 100
    if direction in ("at least", "above"):
        met = v >= target if direction == "at least" else v > target
        if met:
            return GREEN
        return AMBER if v >= target - points else RED
    if direction in ("below", "at most"):
        met = v < target if direction == "below" else v <= target
        if met:
            return GREEN
        return AMBER if v <= target + points else RED
    raise ValueError(f"no RAG rule for a proportion with direction {direction!r}")


def _count_status(count: float, to_date: float, direction: str, short_by: float) -> str:
    if direction not in ("at least", "above"):
        raise ValueError(f"no RAG rule for a count with direction {direction!r}")
    if count >= to_date:
        return GREEN
    return AMBER if count >= to_date - short_by else RED


def rag_status(measure: pd.Series, returns: pd.DataFrame) -> dict[str, object]:
    """The year-to-date value and RAG status of one measure from its quarterly returns."""
    out: dict[str, object] = {
        "quarters": 0,
        "value": math.nan,
        "numerator": math.nan,
        "denominator": math.nan,
        "target_to_date": math.nan,
        "tolerance_used": math.nan,
        "illustrative": False,
        "status": NO_TARGET,
    }
    target = measure.get("target")
    direction = measure.get("direction")
    has_target = (
        target is not None
        and not pd.isna(target)
        and isinstance(direction, str)
        and direction in ("at least", "above", "below", "at most")
    )
    mine = returns[returns["measure_id"] == measure["measure_id"]]
    if mine.empty:
        out["status"] = NO_RETURN if has_target else NO_TARGET
        return out
    quarters = int(mine["quarter"].max())
    out["quarters"] = quarters
    out["illustrative"] = bool(mine["illustrative"].any()) if "illustrative" in mine else False
    tolerance = _tolerance(measure)
    if measure["measure_type"] == "proportion":
        num, den = float(mine["numerator"].sum()), float(mine["denominator"].sum())
        if den <= 0:
            out["status"] = NO_RETURN
            return out
        out.update(value=num / den, numerator=num, denominator=den)
        if has_target:
            points = DEFAULT_POINTS if tolerance is None else tolerance
            out["target_to_date"] = float(target) / 100
            out["tolerance_used"] = points
            out["status"] = _proportion_status(num / den, float(target), direction, points)
    else:
        count = float(mine["value"].sum())
        out["value"] = count
        if has_target:
            to_date = float(target) * quarters / 4
            short_by = DEFAULT_SHARE * to_date if tolerance is None else tolerance
            out["target_to_date"] = to_date
            out["tolerance_used"] = short_by
            out["status"] = _count_status(count, to_date, direction, short_by)
    if not has_target:
        out["status"] = NO_TARGET
    return out


def measures_with_status(
    measures: pd.DataFrame, allocations: pd.DataFrame, returns: pd.DataFrame, year: str
) -> pd.DataFrame:
    """Every measure of the year's projects with its target, year-to-date value and RAG status."""
    lines = allocations[allocations["financial_year"] == year][["allocation_id", "project"]]
    mine = measures.merge(lines, on="allocation_id", how="inner")
    year_returns = returns[returns["financial_year"] == year]
    rows = []
    for _, m in mine.iterrows():
        r = rag_status(m, year_returns)
        rows.append(
            {
                "measure_id": m["measure_id"],
                "project": m["project"],
                "measure": m["measure"],
                "measure_type": m["measure_type"],
                "target": m["target"],
                "unit": m["unit"],
                "direction": m["direction"],
                "crime_type": m.get("crime_type"),
                **r,
                "as_at": as_at(year, r["quarters"]),
            }
        )
    cols = [
        "measure_id",
        "project",
        "measure",
        "measure_type",
        "target",
        "unit",
        "direction",
        "crime_type",
        "quarters",
        "as_at",
        "value",
        "numerator",
        "denominator",
        "target_to_date",
        "tolerance_used",
        "illustrative",
        "status",
    ]
    return pd.DataFrame(rows, columns=cols)


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    return {k: int(v) for k, v in table["status"].value_counts().items()}
