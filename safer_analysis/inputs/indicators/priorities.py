"""Which partner indicators measure which local priority: ``data/indicator_priorities.csv``, data not code.

One row per priority and indicator: ``priority_key`` (from ``local_priorities.csv``), ``indicator``
(its name as in ``indicators.csv``, any case, or its ID), ``held_by`` (who holds the figures, for an
indicator not yet supplied: "the MARAC coordinator") and ``note``. An indicator named here with no
rows is listed as not supplied, with who holds it; an indicator with rows that no row names is
listed as not yet linked. Absent, the file reads as empty.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from safer_analysis.inputs import validation as v
from safer_analysis.inputs.indicators.tidy import indicator_key
from safer_analysis.inputs.validation import Column, Problem

FILE = "indicator_priorities.csv"
COLUMNS = [
    Column("priority_key", v.key),
    Column("indicator"),
    Column("held_by", required=False),
    Column("note", required=False),
]
NAMES = [c.name for c in COLUMNS]


def empty() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in NAMES})


def read_project(data_dir: str | Path) -> pd.DataFrame:
    """The project's mapping, every cell checked; absent, empty."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return empty()
    frame = v.read_table(path, COLUMNS)
    problems = []
    pairs = pd.Series(
        [(k, indicator_key(i)) for k, i in zip(frame["priority_key"], frame["indicator"], strict=True)],
        index=frame.index,
        dtype=object,
    )
    for row in frame.index[pairs.duplicated()]:
        problems.append(Problem(str(path), row, "indicator", "this priority and indicator are already linked above"))
    v.require(problems)
    return frame


def problems(data_dir: str | Path, priority_keys: set[str]) -> list[Problem]:
    """What is wrong with the mapping (nothing when it is absent), its priorities checked against ``priority_keys``."""
    path = Path(data_dir) / FILE
    try:
        frame = read_project(data_dir)
    except v.DataValidationError as exc:
        return list(exc.problems)
    return [
        Problem(
            str(path),
            row,
            "priority_key",
            f"unknown local priority {key!r}; expected one of {', '.join(sorted(priority_keys))}",
        )
        for row, key in frame["priority_key"].items()
        if key not in priority_keys
    ]


def _named(indicators: pd.DataFrame) -> dict[str, str]:
    """Each key an indicator is found by (its name and its ID) to its name."""
    out: dict[str, str] = {}
    for ident, name in zip(indicators["indicator_id"], indicators["indicator"], strict=True):
        out[indicator_key(name)] = name
        if isinstance(ident, str) and ident:
            out.setdefault(indicator_key(ident), name)
    return out


def links(indicators: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Every link of the mapping with ``supplied`` (whether ``indicators`` hold rows for it) and the
    indicator's name as held; then the links rows carry themselves (``priority_keys``: the documents'
    context figures name their priorities); then each held indicator nothing links, with a blank
    ``priority_key``."""
    named = _named(indicators)
    out = mapping.copy()
    out["supplied"] = [indicator_key(i) in named for i in out["indicator"]]
    out["indicator"] = [named.get(indicator_key(i), i) for i in out["indicator"]]
    have = set(zip(out["priority_key"], out["indicator"].map(indicator_key), strict=True))
    carried = []
    if "priority_keys" in indicators:
        for name, keys in zip(indicators["indicator"], indicators["priority_keys"], strict=True):
            for key in keys if isinstance(keys, tuple) else ():
                if (key, indicator_key(name)) not in have:
                    have.add((key, indicator_key(name)))
                    carried.append(
                        {
                            "priority_key": key,
                            "indicator": name,
                            "held_by": None,
                            "note": "linked in context_figures.csv",
                            "supplied": True,
                        }
                    )
    linked = {k for _, k in have}
    unlinked = sorted({n for n in indicators["indicator"] if indicator_key(n) not in linked}, key=indicator_key)
    extra = [{"priority_key": "", "indicator": n, "held_by": None, "note": None, "supplied": True} for n in unlinked]
    rows = pd.DataFrame(carried + extra, columns=[*NAMES, "supplied"])
    table = (
        pd.concat([out.reset_index(drop=True), rows], ignore_index=True) if len(rows) else out.reset_index(drop=True)
    )
    return table.astype({"supplied": bool})


def unlinked(indicators: pd.DataFrame, mapping: pd.DataFrame) -> list[str]:
    """The held indicators no row of the mapping links to a priority."""
    table = links(indicators, mapping)
    return list(table.loc[table["priority_key"] == "", "indicator"])
