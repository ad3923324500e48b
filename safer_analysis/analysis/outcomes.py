"""Outcome measures against their targets: the year-to-date value, its interval and a RAG status.

RAG rules (``rag_status``), applied to the year-to-date figure after the latest quarter returned:

* **Proportions** (numerator of denominator, 95% Wilson interval), target T:
  - ``at least`` / ``above`` T: green where the value meets T; amber where it falls short but the
    interval's upper bound reaches T (the shortfall could be chance); red where the upper bound is
    below T.
  - ``below`` / ``at most`` T: green where the value is under T (``at most``: not over T); amber
    where it is not but the interval's lower bound is; red where the lower bound is past T too.
* **Counts** with an annual target T (``at least``): the target to date is T x quarters / 4.
  Green where the count to date meets it; amber where it reaches ``amber_fraction`` (75% by
  default) of it; red below that.
* Measures with no numeric target, or no return yet, get no colour and say so.
"""

from __future__ import annotations

import math

import pandas as pd

from safer_analysis.analysis import stats

GREEN, AMBER, RED = "green", "amber", "red"
NO_TARGET = "no numeric target"
NO_RETURN = "no return yet"
AMBER_FRACTION = 0.75


def _proportion_status(value: float, lower: float, upper: float, target: float, direction: str) -> str:
    t = target / 100
    if direction in ("at least", "above"):
        met = value >= t if direction == "at least" else value > t
        if met:
            return GREEN
        return AMBER if upper >= t else RED
    if direction in ("below", "at most"):
        met = value < t if direction == "below" else value <= t
        if met:
            return GREEN
        possible = lower < t if direction == "below" else lower <= t
        return AMBER if possible else RED
    raise ValueError(f"no RAG rule for a proportion with direction {direction!r}")


def _count_status(
    count: float, target: float, quarters: int, direction: str, amber_fraction: float = AMBER_FRACTION
) -> str:
    if direction not in ("at least", "above"):
        raise ValueError(f"no RAG rule for a count with direction {direction!r}")
    to_date = target * quarters / 4
    if count >= to_date:
        return GREEN
    return AMBER if count >= amber_fraction * to_date else RED


def rag_status(
    measure: pd.Series, returns: pd.DataFrame, *, confidence: float = 0.95, amber_fraction: float = AMBER_FRACTION
) -> dict[str, object]:
    """The year-to-date value, interval and RAG status of one measure from its quarterly returns."""
    out: dict[str, object] = {
        "quarters": 0,
        "value": math.nan,
        "lower": math.nan,
        "upper": math.nan,
        "target_to_date": math.nan,
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
    if measure["measure_type"] == "proportion":
        num, den = float(mine["numerator"].sum()), float(mine["denominator"].sum())
        if den <= 0:
            out["status"] = NO_RETURN
            return out
        lower, upper = stats.proportion_ci(num, den, confidence=confidence)
        out.update(value=num / den, lower=float(lower), upper=float(upper), numerator=num, denominator=den)
        if has_target:
            out["target_to_date"] = float(target) / 100
            out["status"] = _proportion_status(num / den, float(lower), float(upper), float(target), direction)
    else:
        count = float(mine["value"].sum())
        out["value"] = count
        if has_target:
            out["target_to_date"] = float(target) * quarters / 4
            out["status"] = _count_status(count, float(target), quarters, direction, amber_fraction)
    if not has_target:
        out["status"] = NO_TARGET
    return out


def measures_with_status(
    measures: pd.DataFrame, allocations: pd.DataFrame, returns: pd.DataFrame, year: str, **kwargs
) -> pd.DataFrame:
    """Every measure of the year's projects with its target, year-to-date value and RAG status."""
    lines = allocations[allocations["financial_year"] == year][["allocation_id", "project"]]
    mine = measures.merge(lines, on="allocation_id", how="inner")
    year_returns = returns[returns["financial_year"] == year]
    rows = []
    for _, m in mine.iterrows():
        r = rag_status(m, year_returns, **kwargs)
        rows.append(
            {
                "measure_id": m["measure_id"],
                "project": m["project"],
                "measure": m["measure"],
                "measure_type": m["measure_type"],
                "target": m["target"],
                "unit": m["unit"],
                "direction": m["direction"],
                **r,
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
        "quarters",
        "value",
        "lower",
        "upper",
        "target_to_date",
        "status",
    ]
    return pd.DataFrame(rows, columns=cols)


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    return {k: int(v) for k, v in table["status"].value_counts().items()}
