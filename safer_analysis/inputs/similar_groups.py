"""The measures every Community Safety Partnership is compared on, and the method that finds its
most similar partnerships: which measures count, their weights and how many partnerships make a group.

The measures ship with the package (``reference/partnership_measures.csv``, made by
``scripts/make_reference_data.py``); so does the method (``reference/similar_groups.csv``). A
project may give its own method in ``data/similar_groups.csv``, in the same form (``parameter``,
``value``, ``meaning``): ``group_size`` and one weight per measure, a measure not listed counting
for nothing; absent, the package's method holds. ``safer-analysis check`` validates the file.

>>> method = read_method()
>>> method.group_size, method.weights["people_per_sq_km"]
(15, 1.0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, reference
from safer_analysis.inputs import validation as v
from safer_analysis.inputs.validation import Column, Problem

MEASURES_TABLE = "partnership_measures.csv"
#: The method's file: shipped in the package, and optionally in a project's ``data/``.
METHOD_FILE = "similar_groups.csv"
GROUP_SIZE = "group_size"
METHOD_COLUMNS = [
    Column("parameter", v.key, unique=True),
    Column("value", v.number(minimum=0)),
    Column("meaning", required=False),
]
#: Columns of the measures table that describe a partnership rather than measure it.
DESCRIPTIVE = ("csp_code", "csp_name", "force_code", "force_name", "nation", "population", "lsoas")


@dataclass(frozen=True)
class Method:
    """How groups are found: a weight per measure (above 0 to count), the group's size, and the file."""

    weights: dict[str, float]
    group_size: int
    source: str

    @property
    def compared(self) -> tuple[str, ...]:
        """The measures with a weight above 0, in the measures table's order."""
        return tuple(m for m in measure_names() if self.weights.get(m, 0) > 0)


@cache
def measures() -> pd.DataFrame:
    """Every partnership's measures, indexed by ``csp_code``: its name, force, nation, mid-2020
    residents and LSOAs of 2011, each measure (blank where not held) and ``<measure>_basis``."""
    table = reference.read_table(MEASURES_TABLE).set_index("csp_code")
    for column in measure_names():
        table[column] = pd.to_numeric(table[column].replace("", None)).astype(float)
    for column in ("population", "lsoas"):
        table[column] = table[column].astype(int)
    return table


@cache
def measure_names() -> tuple[str, ...]:
    """The measures in the shipped table, in its order (each column with a ``_basis`` beside it)."""
    columns = list(reference.read_table(MEASURES_TABLE).columns)
    return tuple(c for c in columns if f"{c}_basis" in columns)


def both_nations() -> tuple[str, ...]:
    """The measures held for every partnership, Welsh as well as English."""
    table = measures()
    return tuple(m for m in measure_names() if table[m].notna().all())


def largest_group() -> int:
    """The largest group the method allows: every English partnership but one (English
    partnerships are compared with the English only, as only they hold every measure)."""
    return int(measures()[list(measure_names())].notna().all(axis=1).sum()) - 1


def _method(frame: pd.DataFrame, label: str) -> tuple[Method | None, list[Problem]]:
    problems: list[Problem] = []
    known = measure_names()
    weights: dict[str, float] = {}
    size = None
    for row, parameter, value in zip(frame.index, frame["parameter"], frame["value"], strict=True):
        if parameter == GROUP_SIZE:
            top = largest_group()
            if value != int(value) or not 1 <= value <= top:
                problems.append(
                    Problem(label, row, "value", f"expected a whole number from 1 to {top}; found {value:g}")
                )
            else:
                size = int(value)
        elif parameter in known:
            weights[parameter] = float(value)
        else:
            problems.append(
                Problem(
                    label,
                    row,
                    "parameter",
                    f"unknown parameter {parameter!r}; expected {GROUP_SIZE} or a measure: {', '.join(known)}",
                )
            )
    if not problems and not any(weights.get(m, 0) > 0 for m in both_nations()):
        problems.append(
            Problem(
                label,
                None,
                "value",
                "expected a weight above 0 for at least one measure held in Wales as in England "
                f"({', '.join(both_nations())}): without one no Welsh partnership can be compared",
            )
        )
    if problems:
        return None, problems
    if size is None:
        size = _shipped().group_size
    return Method(weights, size, label), []


@cache
def _shipped() -> Method:
    label = f"the package's {METHOD_FILE}"
    with resources.as_file(resources.files(reference.PACKAGE).joinpath(METHOD_FILE)) as path:
        frame = v.read_table(path, METHOD_COLUMNS, label=label)
    method, problems = _method(frame, label)
    v.require(problems)
    assert method is not None
    return method


def problems(data_dir: str | os.PathLike) -> list[Problem]:
    """What is wrong with a project's ``data/similar_groups.csv`` (nothing when it is absent)."""
    path = Path(data_dir) / METHOD_FILE
    if not path.exists():
        return []
    try:
        frame = v.read_table(path, METHOD_COLUMNS)
    except v.DataValidationError as exc:
        return list(exc.problems)
    return _method(frame, str(path))[1]


def read_method(data_dir: str | os.PathLike | None = None) -> Method:
    """The project's method from ``data_dir``/similar_groups.csv where there is one, else the
    package's; a DataValidationError names the file, row and column of any fault."""
    path = Path(data_dir) / METHOD_FILE if data_dir else None
    if path is None or not path.exists():
        return _shipped()
    method, found = _method(v.read_table(path, METHOD_COLUMNS), str(path))
    v.require(found)
    assert method is not None
    return method


def partnership(name_or_code: str) -> tuple[str, str]:
    """The code and name of the partnership an area names: a partnership itself, or a local
    authority lying in one partnership. A ParameterError for a force area or an authority that
    several partnerships share, listing them; an UnknownAreaError (exit 2) for no area at all."""
    area = areas.resolve(name_or_code)
    if area.kind == areas.CSP:
        return area.code, area.name
    lookup = reference.csp_lookup()
    if area.kind == areas.FORCE:
        rows = lookup[lookup["pfa24_code"] == area.code].drop_duplicates("csp24_code")
        raise ParameterError(
            f"{area.name} is a police force area; a most similar group is of partnerships: name one of its "
            f"{len(rows)} ({', '.join(sorted(rows['csp24_name']))})"
        )
    codes = set(lookup.loc[lookup["ltla24_code"] == area.code, "csp24_code"])
    if not codes:
        of_lsoa = areas.partnership_of_lsoa()
        codes = {of_lsoa.get(code, "") for code in area.lsoa11} - {""}
    names = lookup.drop_duplicates("csp24_code").set_index("csp24_code")["csp24_name"]
    if len(codes) == 1:
        code = codes.pop()
        return code, str(names[code])
    if not codes:
        raise ParameterError(f"{area.name} ({area.code}) is a local authority the lookups place in no partnership")
    raise ParameterError(
        f"{area.name} ({area.code}) is a local authority several partnerships share: name one of "
        f"{', '.join(sorted(names[c] for c in codes))}"
    )
