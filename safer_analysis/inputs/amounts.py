"""The amounts of a spending plan (``allocations.csv``) read into pounds beside the text as written,
each checked against its line's status: a committed line needs an amount, any other line none."""

from __future__ import annotations

import pandas as pd

from safer_analysis.inputs import validation as v
from safer_analysis.inputs.validation import Problem

#: Statuses whose amount counts as committed against the grant.
COMMITTED_STATUSES = ("allocated", "recommended")


def _with_amounts(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Split the ``amount`` text into pounds and a pending note, checking it against ``status``;
    read ``total_budget`` into pounds too, keeping each as written (``£2m`` is a rounded figure)."""
    problems: list[Problem] = []
    pounds: list[float | None] = []
    for row, raw, status in zip(frame.index, frame["amount"], frame["status"], strict=True):
        text = raw or ""
        try:
            value = v.amount(text)
            pending = v.pending_note(text)
        except v.CellError as exc:
            problems.append(Problem(label, row, "amount", str(exc)))
            pounds.append(None)
            continue
        if status in COMMITTED_STATUSES and value is None:
            problems.append(
                Problem(
                    label, row, "amount", f"status is '{status}', so expected an amount such as £25,000; found {text!r}"
                )
            )
        elif status not in COMMITTED_STATUSES and value is not None:
            problems.append(
                Problem(
                    label,
                    row,
                    "amount",
                    f"status is '{status}', so expected Tbc, Awaiting confirmation or blank; found {text!r}",
                )
            )
        elif pending is not None and pending != status:
            problems.append(
                Problem(
                    label, row, "status", f"the amount says {text!r}, so expected status '{pending}'; found '{status}'"
                )
            )
        pounds.append(value)
    budgets: list[float | None] = []
    for row, raw in zip(frame.index, frame["total_budget"], strict=True):
        try:
            budgets.append(v.amount(raw or ""))
        except v.CellError as exc:
            problems.append(Problem(label, row, "total_budget", str(exc)))
            budgets.append(None)
    v.require(problems)
    out = frame.rename(columns={"amount": "amount_text", "total_budget": "total_budget_text"})
    out.insert(out.columns.get_loc("amount_text") + 1, "amount", pd.array(pounds, dtype="Float64").astype("float64"))
    out.insert(
        out.columns.get_loc("total_budget_text") + 1,
        "total_budget",
        pd.array(budgets, dtype="Float64").astype("float64"),
    )
    out["total_budget_text"] = out["total_budget_text"].where(out["total_budget"].notna(), None)
    return out
