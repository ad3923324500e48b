"""Checks on the workbench's arguments, so a careless call is refused in one line that names the
argument, what it got and what is expected, before anything is worked out.

A value of the wrong kind raises :class:`ArgumentTypeError` (a ``TypeError``); a value of the
right kind that is out of range or unknown raises :class:`~safer_analysis.errors.ParameterError`
(a ``ValueError``). Both are ParameterErrors, so a notebook run by a command exits with code 2.

>>> flag("suppress", "no")
Traceback (most recent call last):
...
safer_analysis.workbench.arguments.ArgumentTypeError: suppress: got str 'no'; expected True or False
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.errors import ParameterError


class ArgumentTypeError(ParameterError, TypeError):
    """A workbench argument of the wrong type: which argument, what it got and what is expected."""


def shown(value: object) -> str:
    """A value as a message shows it: its type and a short repr (a table by its size)."""
    if isinstance(value, pd.DataFrame):
        return f"a table of {len(value):,} rows and {len(value.columns)} columns"
    if isinstance(value, pd.Series):
        return f"a Series of {len(value):,} values"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def flag(name: str, value: object) -> bool:
    """``value`` as a bool; True and False only (a string such as "no" is refused, not read as true)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ArgumentTypeError(f"{name}: got {shown(value)}; expected True or False")


def whole_number(name: str, value: object, low: int, high: int | None = None, why: str = "") -> int:
    """``value`` as an int from ``low`` to ``high`` (no upper bound when None); ``why`` says where
    the bound comes from."""
    wanted = f"a whole number from {low} to {high}" if high is not None else f"a whole number, {low} or more"
    wanted += f" ({why})" if why else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name}: got {shown(value)}; expected {wanted}")
    if value < low or (high is not None and value > high):
        raise ParameterError(f"{name}: got {value}; expected {wanted}")
    return int(value)


def text(name: str, value: object, *, empty: str = "") -> str:
    """``value`` as text (None gives ``empty``)."""
    if value is None:
        return empty
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name}: got {shown(value)}; expected text")
    return value


def table(
    name: str,
    value: object,
    *,
    columns: Iterable[str] = (),
    series: bool = False,
    rows: bool = True,
    example: str = "wb.crimes",
) -> pd.DataFrame:
    """``value`` as a DataFrame (a Series too where ``series``) holding ``columns`` and, where
    ``rows``, at least one row; ``example`` names a table that would do."""
    kinds = (pd.DataFrame, pd.Series) if series else (pd.DataFrame,)
    if not isinstance(value, kinds):
        what = "a DataFrame or Series" if series else "a DataFrame"
        raise ArgumentTypeError(f"{name}: got {shown(value)}; expected {what} such as {example}")
    frame = value.to_frame() if isinstance(value, pd.Series) else value
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"{name}: the table has no column {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(str, frame.columns)) or 'none'}); expected a table such as {example}"
        )
    if rows and frame.empty:
        raise ParameterError(f"{name}: the table has no rows; expected a table with rows, such as {example}")
    return frame


def path(name: str, value: object, *, optional: bool = True) -> Path | None:
    """``value`` as a Path (None where ``optional`` and nothing is given)."""
    if value is None and optional:
        return None
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise ArgumentTypeError(f"{name}: got {shown(value)}; expected a file path")
    return Path(value)


def output_file(name: str, value: object, suffixes: tuple[str, ...], overwrite: object) -> Path:
    """A file to write: a path ending in one of ``suffixes``, in a folder that exists, and not a
    file already there unless ``overwrite`` is True."""
    replace = flag("overwrite", overwrite)
    target = path(name, value, optional=False)
    assert target is not None
    if target.suffix.lower() not in suffixes:
        raise ParameterError(f"{name}: got {str(target)!r}; expected a file name ending {' or '.join(suffixes)}")
    if not target.parent.is_dir():
        raise ParameterError(f"{name}: the folder {target.parent} does not exist; make it first or choose another")
    if target.is_dir():
        raise ParameterError(f"{name}: {target} is a folder; give a file name ending {' or '.join(suffixes)}")
    if target.exists() and not replace:
        raise ParameterError(
            f"{name}: {target} already exists and is left as it is; choose a new name, or pass overwrite=True "
            "to replace it"
        )
    return target
