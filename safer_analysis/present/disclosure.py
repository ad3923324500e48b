"""Small-number suppression for every count the board pack publishes.

A published count of people, victims or offences from 1 to ``threshold - 1`` (1 to 4 with the
default threshold of 5) could let a reader identify someone, so tables show the marker ``[c]``
instead and charts draw no bar for it.

``[c]`` is the Government Statistical Service's standard shorthand for *confidential*: the GSS
guidance on symbols in tables and on accessible spreadsheets asks for a letter in square brackets
rather than an asterisk, a dash or a blank, so that a screen reader announces it, a spreadsheet
does not mistake it for a number or a missing value, and a note can explain it. Zero is not
disclosive and is always shown.

Where a table also shows a row or column total, a single hidden cell could be worked out by
subtracting the others from the total. So whenever a line (a row or column with a total) has
exactly one hidden cell, the next smallest cell in that line is hidden too (*secondary
suppression*), and this is repeated until no line has exactly one hidden cell. For tables with
both row and column totals, a final check solves the table's sums as a linear programme and
hides a further cell wherever a hidden value is still fixed by the published figures.

Functions here return new frames for publishing; the analyst's own frame is never changed, so its
totals stay correct.

The threshold can be given per call or set once for the module, e.g. from a notebook parameter::

    disclosure.set_threshold(suppression_threshold)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

#: Counts from 1 to DEFAULT_THRESHOLD - 1 are suppressed unless another threshold is set.
DEFAULT_THRESHOLD = 5
#: The GSS marker for a confidential (suppressed) value.
SUPPRESSED = "[c]"

_threshold = DEFAULT_THRESHOLD


# ---- the threshold -------------------------------------------------------------------------


def _check_threshold(threshold: Any) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral):
        raise ValueError(f"the suppression threshold must be a whole number, got {threshold!r}")
    if threshold < 1:
        raise ValueError(f"the suppression threshold must be at least 1, got {threshold}")
    return int(threshold)


def get_threshold() -> int:
    """The threshold used where a call gives none (``DEFAULT_THRESHOLD`` unless set)."""
    return _threshold


def set_threshold(threshold: int | None) -> int:
    """Set the module's threshold (``None`` restores the default); return the previous one.

    A notebook sets it once from its ``suppression_threshold`` parameter, and every later call
    that gives no threshold of its own uses it.
    """
    global _threshold
    previous = _threshold
    _threshold = DEFAULT_THRESHOLD if threshold is None else _check_threshold(threshold)
    return previous


@contextmanager
def using_threshold(threshold: int | None) -> Iterator[int]:
    """Use ``threshold`` as the module's threshold inside a ``with`` block."""
    previous = set_threshold(threshold)
    try:
        yield _threshold
    finally:
        set_threshold(previous)


def _resolve(threshold: int | None) -> int:
    return _threshold if threshold is None else _check_threshold(threshold)


# ---- single values -------------------------------------------------------------------------


def is_suppressed(value: object) -> bool:
    """True for the suppression marker ``[c]``."""
    return isinstance(value, str) and value.strip() == SUPPRESSED


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _count(value: object, where: str) -> float:
    """A count as a float: NaN for missing, or raise ValueError naming ``where``."""
    if _is_missing(value):
        return math.nan
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{where}: expected a whole count of zero or more, found {value!r}")
    number = float(value)
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{where}: expected a whole count of zero or more, found {value!r}")
    if number < 0:
        raise ValueError(f"{where}: a count cannot be negative, found {value!r}")
    return number


def _primary(number: float, threshold: int) -> bool:
    return 0 < number < threshold


def footnote(threshold: int | None = None, *, secondary: bool = False) -> str:
    """The standard note for a table or chart with suppressed values.

    With ``secondary``, it also says that larger counts were hidden to protect the small ones.
    """
    text = f"{SUPPRESSED} fewer than {_resolve(threshold)}, suppressed to protect confidentiality"
    if secondary:
        text += "; some larger counts are also suppressed so that these cannot be worked out from the totals"
    return text


def chart_values(values: Iterable[Any], threshold: int | None = None) -> list[Any]:
    """Values for a chart: a count from 1 to ``threshold - 1`` (or ``[c]``) becomes ``None``.

    A chart draws no bar or point for ``None`` and labels it with :func:`chart_label`. Zero and
    missing values are kept as they are.
    """
    limit = _resolve(threshold)
    out: list[Any] = []
    for i, value in enumerate(values):
        if is_suppressed(value):
            out.append(None)
            continue
        number = _count(value, f"value {i}")
        out.append(None if _primary(number, limit) else value)
    return out


def chart_label(value: Any, formatter: Callable[[Any], str] = lambda v: f"{v:,.0f}") -> str:
    """The label for one chart value: ``[c]`` for a suppressed one, else ``formatter(value)``."""
    if value is None or is_suppressed(value):
        return SUPPRESSED
    return formatter(value)


# ---- tables --------------------------------------------------------------------------------


def _columns(frame: pd.DataFrame, count_columns: Sequence[Hashable] | Hashable) -> list[Hashable]:
    if isinstance(count_columns, str) or not isinstance(count_columns, Iterable):
        count_columns = [count_columns]
    columns = list(dict.fromkeys(count_columns))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(
            f"no column {', '.join(map(repr, missing))} to suppress; "
            f"the table has {', '.join(map(repr, frame.columns))}"
        )
    if not frame.columns.is_unique:
        raise ValueError("a table to suppress must have unique column names")
    return columns


def _values(frame: pd.DataFrame, columns: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    """(counts as floats with NaN for missing or already suppressed, already-suppressed mask)."""
    values = np.full((len(frame), len(columns)), np.nan)
    marked = np.zeros((len(frame), len(columns)), dtype=bool)
    for j, column in enumerate(columns):
        for i, (label, value) in enumerate(zip(frame.index, frame[column], strict=True)):
            if is_suppressed(value):
                marked[i, j] = True
            else:
                values[i, j] = _count(value, f"column {column!r}, row {label!r}")
    return values, marked


def _lines(
    frame: pd.DataFrame, columns: list[Hashable], total_row: Hashable | None, total_column: Hashable | None
) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every sum the table shows: (its cells, its total cell), as (row, column) positions."""
    if total_row is not None:
        if not frame.index.is_unique:
            raise ValueError("a table with a total row must have unique row labels")
        if total_row not in frame.index:
            raise KeyError(f"no total row {total_row!r} in the table")
    t_row = frame.index.get_loc(total_row) if total_row is not None else None
    t_col = columns.index(total_column) if total_column is not None else None
    rows = [i for i in range(len(frame)) if i != t_row]
    cols = [j for j in range(len(columns)) if j != t_col]
    lines = []
    if t_row is not None:  # every column sums to its cell in the total row
        lines += [([(i, j) for i in rows], (t_row, j)) for j in range(len(columns))]
    if t_col is not None:  # every row sums to its cell in the total column
        lines += [([(i, j) for j in cols], (i, t_col)) for i in range(len(frame))]
    return lines


def _smallest(cells: list[tuple[int, int]], values: np.ndarray, mask: np.ndarray) -> tuple[int, int] | None:
    """The shown cell with the smallest count, preferring non-zero ones (hiding a zero protects little)."""
    shown = [c for c in cells if not mask[c] and not np.isnan(values[c])]
    nonzero = [c for c in shown if values[c] > 0]
    pool = nonzero or shown
    return min(pool, key=lambda c: values[c]) if pool else None


def _fixed_cells(
    values: np.ndarray, mask: np.ndarray, lines: list[tuple[list[tuple[int, int]], tuple[int, int]]]
) -> list[tuple[int, int]]:
    """Hidden cells whose value the shown cells and totals still determine exactly.

    Each sum is an equation in the hidden cells, which are at least zero; a cell is fixed when
    its least and greatest possible values are equal. (A table's margins make the constraint
    matrix totally unimodular, so the linear programme's bounds are whole numbers.)
    """
    from scipy.optimize import linprog

    hidden = [(int(i), int(j)) for i, j in np.argwhere(mask)]
    position = {c: k for k, c in enumerate(hidden)}
    rows, rhs = [], []
    for cells, total in lines:
        members = [(c, 1.0) for c in cells] + [(total, -1.0)]
        if not any(mask[c] for c, _ in members):
            continue
        row = np.zeros(len(hidden))
        constant = 0.0
        for cell, sign in members:
            if mask[cell]:
                row[position[cell]] += sign
            elif not np.isnan(values[cell]):
                constant += sign * values[cell]
        rows.append(row)
        rhs.append(-constant)
    if not rows:
        return []
    a_eq, b_eq = np.array(rows), np.array(rhs)
    seen: list[np.ndarray] = []  # tables found consistent with the published figures

    def solve(objective: np.ndarray):
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if result.status == 0:
            seen.append(result.x)
        return result

    fixed = []
    for k, cell in enumerate(hidden):
        if len(seen) > 1 and np.ptp([x[k] for x in seen]) >= 0.5:
            continue  # two consistent tables already differ here
        objective = np.zeros(len(hidden))
        objective[k] = 1.0
        low, high = solve(objective), solve(-objective)
        if low.status == 2:
            return []  # the totals do not add up: nothing follows from them exactly
        if low.status == 0 and high.status == 0 and high.x[k] - low.x[k] < 0.5:
            fixed.append(cell)
    return fixed


def suppression_mask(
    frame: pd.DataFrame,
    count_columns: Sequence[Hashable],
    *,
    threshold: int | None = None,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
    secondary: bool = True,
) -> pd.DataFrame:
    """True for every cell of ``count_columns`` to publish as ``[c]``.

    Primary suppression hides counts from 1 to ``threshold - 1`` (and keeps any cell already
    ``[c]`` hidden). With ``total_row`` (a row label) and/or ``total_column`` (the column of row
    totals, counted as a count column too), and unless ``secondary`` is False, secondary
    suppression then hides the next smallest cell of any line left with exactly one hidden cell,
    until none is; with both, cells are hidden until no hidden value is fixed by the sums.

    Raises ValueError for a negative, fractional or non-numeric count, naming its column and row.
    """
    limit = _resolve(threshold)
    columns = _columns(frame, count_columns)
    if total_column is not None and total_column not in columns:
        columns += _columns(frame, [total_column])
    values, marked = _values(frame, columns)
    mask = marked | ((values > 0) & (values < limit))
    lines = _lines(frame, columns, total_row, total_column) if secondary else []
    while lines:
        changed = False
        for cells, total in lines:
            hidden = sum(bool(mask[c]) for c in cells) + bool(mask[total])
            if hidden != 1:
                continue
            target = _smallest(cells, values, mask)
            if target is None and not mask[total] and not np.isnan(values[total]):
                target = total  # nothing else in the line to hide: hide its total
            if target is not None:
                mask[target] = changed = True
        if changed:
            continue
        if total_row is None or total_column is None:
            break  # a single set of sums: no line with one hidden cell means none can be worked out
        fixed = _fixed_cells(values, mask, lines)
        for cell in fixed:
            related = [(cells, total) for cells, total in lines if cell in cells or cell == total]
            for cells, total in related:
                target = _smallest(cells + [total], values, mask)
                if target is not None:
                    mask[target] = changed = True
                    break
            if changed:
                break
        if not changed:
            break
    return pd.DataFrame(mask, index=frame.index, columns=columns)


def _published(value: Any) -> Any:
    """A count as published: a whole number as ``int`` (not ``12.0``), missing kept missing."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_) and not _is_missing(value):
        return int(value)
    return value


def suppress(
    frame: pd.DataFrame,
    count_columns: Sequence[Hashable],
    *,
    threshold: int | None = None,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
    derived: Mapping[Hashable, Sequence[Hashable]] | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` for publishing, with suppressed counts as ``[c]``.

    Primary suppression hides every count in ``count_columns`` from 1 to ``threshold - 1``
    (``threshold`` defaults to the module's, see :func:`set_threshold`). Where the table shows a
    total row (``total_row``, a row label) or a total column (``total_column``, a column name),
    secondary suppression also hides the cells that would let a reader work out a
    hidden count by subtraction. The count columns of the copy are of object dtype, holding
    whole numbers as ``int``, ``[c]`` and missing values; ``frame`` itself is left unchanged.

    ``derived`` maps a count column to the columns computed from it (a rate and its interval, a
    share): wherever that count is hidden, by primary or secondary suppression, they are too,
    as a rate would otherwise give the hidden count back.

    Raises ValueError for a negative, fractional or non-numeric count, naming its column and row.
    """
    mask = suppression_mask(frame, count_columns, threshold=threshold, total_row=total_row, total_column=total_column)
    out = frame.copy()
    for column in mask.columns:
        shown = [
            SUPPRESSED if hide else _published(value) for value, hide in zip(frame[column], mask[column], strict=True)
        ]
        out[column] = pd.Series(shown, index=frame.index, dtype=object)
    for column, names in (derived or {}).items():
        if column not in mask.columns:
            raise KeyError(f"derived figures for {column!r}, which is not one of the count columns")
        for name in _columns(frame, list(names)):
            out[name] = out[name].astype(object).where(~mask[column].to_numpy(), SUPPRESSED)
    return out


def suppress_derived(
    frame: pd.DataFrame, count_column: Hashable, derived: Sequence[Hashable], *, threshold: int | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` in which figures computed from a small count are ``[c]`` too.

    A rate, share or weighted score of a count from 1 to ``threshold - 1`` would reveal it; the
    ``derived`` columns of such rows are hidden. The count column itself is left for
    :func:`suppress` (so that its secondary suppression sees the real values).
    """
    limit = _resolve(threshold)
    (column,) = _columns(frame, [count_column])
    values, marked = _values(frame, [column])
    small = marked[:, 0] | ((values[:, 0] > 0) & (values[:, 0] < limit))
    out = frame.copy()
    for name in derived:
        if name in out.columns:
            out[name] = out[name].astype(object).where(~small, SUPPRESSED)
    return out


def any_suppressed(frame: pd.DataFrame, columns: Iterable[Hashable] | None = None) -> bool:
    """True if any cell of ``columns`` (default: every column) of a published frame is ``[c]``."""
    names = list(frame.columns if columns is None else columns)
    return any(is_suppressed(v) for name in names if name in frame.columns for v in frame[name])
