"""Small-number suppression for anything published.

A count of people or offences from 1 to ``threshold - 1`` (5 by default) could identify someone,
so published tables show the marker ``[c]`` (the Government Statistical Service's symbol for
"confidential") instead. Where a row or column total is shown, a single hidden cell could be
worked out by subtraction, so the next smallest cell in that line is hidden too (secondary
suppression), repeated until every line with a hidden cell has at least two. Zero is not
disclosive and is kept. The analyst's own frames are never changed: totals stay correct there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5
SUPPRESSED = "[c]"
FOOTNOTE = "[c] a count from 1 to {n}, suppressed to protect confidentiality, with any other cell that would reveal it."


def footnote(threshold: int = DEFAULT_THRESHOLD) -> str:
    return FOOTNOTE.format(n=threshold - 1)


def _counts(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    values = frame[list(columns)]
    for col in columns:
        series = pd.to_numeric(values[col], errors="coerce")
        bad = (series.isna() & values[col].notna()) | (series < 0) | (series.notna() & (series % 1 != 0))
        if bad.any():
            row = bad[bad].index[0]
            raise ValueError(f"column {col!r}, row {row}: expected a whole count of zero or more, "
                             f"found {values.at[row, col]!r}")
    return values.apply(pd.to_numeric)


def suppression_mask(frame: pd.DataFrame, count_columns: Sequence[str], *, threshold: int = DEFAULT_THRESHOLD,
                     total_row: object | None = None, total_column: str | None = None) -> pd.DataFrame:
    """True for every cell of ``count_columns`` to hide: primary (1..threshold-1) and secondary."""
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    counts = _counts(frame, count_columns)
    mask = (counts > 0) & (counts < threshold)
    inner_cols = [c for c in count_columns if c != total_column]
    inner_rows = [r for r in counts.index if r != total_row]
    changed = True
    while changed:
        changed = False
        lines: list[tuple[str, object]] = []
        if total_column is not None:  # a row total reveals a single hidden cell in its row
            lines += [("row", r) for r in inner_rows]
        if total_row is not None:  # a column total reveals a single hidden cell in its column
            lines += [("col", c) for c in inner_cols]
        for kind, key in lines:
            cells = counts.loc[key, inner_cols] if kind == "row" else counts.loc[inner_rows, key]
            hidden = mask.loc[key, inner_cols] if kind == "row" else mask.loc[inner_rows, key]
            if int(hidden.sum()) == 1:
                candidates = cells[~hidden & (cells > 0)]
                if candidates.empty:
                    candidates = cells[~hidden]
                if candidates.empty:
                    continue
                target = candidates.idxmin()
                if kind == "row":
                    mask.loc[key, target] = True
                else:
                    mask.loc[target, key] = True
                changed = True
    return mask


def suppress(frame: pd.DataFrame, count_columns: Sequence[str], *, threshold: int = DEFAULT_THRESHOLD,
             total_row: object | None = None, total_column: str | None = None) -> pd.DataFrame:
    """A copy of ``frame`` for publishing, with small counts (and cells revealing them) as ``[c]``."""
    columns = [c for c in count_columns if c in frame.columns]
    if not columns:
        return frame.copy()
    mask = suppression_mask(frame, columns, threshold=threshold, total_row=total_row, total_column=total_column)
    out = frame.copy()
    for col in columns:
        out[col] = out[col].astype(object).where(~mask[col], SUPPRESSED)
    return out


def is_suppressed(value: object) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def chart_values(values: Sequence[float], threshold: int = DEFAULT_THRESHOLD) -> list[float | None]:
    """Values for a chart with small counts as None (no bar; label it [c])."""
    return [None if v is not None and not np.isnan(v) and 0 < v < threshold else v for v in values]


def suppress_derived(frame: pd.DataFrame, count_column: str, derived: Sequence[str], *,
                     threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Also hide figures computed from a small count (a rate or a weighted score reveals it)."""
    counts = _counts(frame, [count_column])[count_column]
    small = (counts > 0) & (counts < threshold)
    out = frame.copy()
    for col in derived:
        if col in out:
            out[col] = out[col].astype(object).where(~small, SUPPRESSED)
    return out
