"""A project's partner indicators in ``data/indicators.csv``: one tidy format any source fills.

One row per indicator, area and period: ``indicator_id`` (optional: the publisher's ID, such as a
Fingertips number), ``indicator`` (its name), ``area_code`` (an ONS code: the partnership's own, its
authority's, or a comparator's such as England ``E92000001`` or a region ``E12...``), ``area_name``,
``period`` (see :mod:`.periods`), ``value``, and where given ``count``, ``denominator``, ``unit``,
``lower`` and ``upper`` (the limits of the value's interval), ``higher_is_better`` (``yes``, ``no``
or blank where neither is better), ``marking`` (``OFFICIAL`` or ``OFFICIAL-SENSITIVE``; blank for
published figures), ``source`` and ``note``. Absent, the file reads as empty.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from safer_analysis.inputs import validation as v
from safer_analysis.inputs.indicators.periods import period_kind, period_label, period_start
from safer_analysis.inputs.project import MARKINGS as _PACK_MARKINGS
from safer_analysis.inputs.validation import CellError, Column, Problem

FILE = "indicators.csv"
#: Protective markings an indicator may carry (Government Security Classifications; blank:
#: published), those a pack may carry (:data:`safer_analysis.inputs.project.MARKINGS`).
MARKINGS = _PACK_MARKINGS
#: Markings whose figures a public build leaves out.
RESTRICTED = ("OFFICIAL-SENSITIVE",)
ENGLAND = "E92000001"
ENGLAND_AND_WALES = "K04000001"


def area_code(value: str) -> str:
    """An ONS area code: a letter and eight digits (E06000026, E92000001)."""
    code = value.strip().upper()
    if not re.fullmatch(r"[EWKSN]\d{8}", code):
        raise CellError(f"expected an ONS area code such as E06000026 (a letter and eight digits); found {value!r}")
    return code


def period(value: str) -> str:
    return period_label(value)


def marking(value: str) -> str:
    upper = "-".join(value.upper().replace("_", " ").split())
    if upper not in MARKINGS:
        raise CellError(
            f"expected a marking: {' or '.join(MARKINGS)} (or blank for published figures); found {value!r}"
        )
    return upper


def higher_is_better(value: str) -> bool:
    return v.yes_no(value)


COLUMNS = [
    Column("indicator_id", required=False),
    Column("indicator"),
    Column("area_code", area_code),
    Column("area_name", required=False),
    Column("period", period),
    Column("value", v.number()),
    Column("count", v.number(minimum=0), required=False),
    Column("denominator", v.number(minimum=0), required=False),
    Column("unit", required=False),
    Column("lower", v.number(), required=False),
    Column("upper", v.number(), required=False),
    Column("higher_is_better", higher_is_better, required=False),
    Column("marking", marking, required=False),
    Column("source"),
    Column("note", required=False),
]
NAMES = [c.name for c in COLUMNS]


def empty() -> pd.DataFrame:
    """No indicators, with the format's columns."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in NAMES})


def indicator_key(name: object) -> str:
    """An indicator's name as it is matched: any case, spacing tidied."""
    return " ".join(str(name).lower().split())


def row_problems(frame: pd.DataFrame, label: str) -> list[Problem]:
    """Faults across rows: limits the wrong way round, a value outside its limits, the same indicator,
    area and period twice, and an indicator given two units or two polarities."""
    problems: list[Problem] = []
    first: dict[tuple[str, str, str], int] = {}
    unit_of: dict[str, tuple[object, int]] = {}
    polarity_of: dict[str, tuple[object, int]] = {}
    for row, r in frame.iterrows():
        lower, upper, value = r["lower"], r["upper"], r["value"]
        if pd.notna(lower) and pd.notna(upper) and lower > upper:
            problems.append(
                Problem(label, row, "upper", f"expected at least the lower limit ({lower:g}); found {upper:g}")
            )
        elif pd.notna(value) and pd.notna(lower) and value < lower:
            problems.append(
                Problem(label, row, "value", f"expected at least the lower limit ({lower:g}); found {value:g}")
            )
        elif pd.notna(value) and pd.notna(upper) and value > upper:
            problems.append(
                Problem(label, row, "value", f"expected at most the upper limit ({upper:g}); found {value:g}")
            )
        count, denominator = r["count"], r["denominator"]
        share = str(r["unit"] if pd.notna(r["unit"]) else "").startswith("%")  # a share of a group: not more than it
        if share and pd.notna(count) and pd.notna(denominator) and count > denominator:
            problems.append(
                Problem(label, row, "count", f"expected at most the denominator ({denominator:g}); found {count:g}")
            )
        key = indicator_key(r["indicator"])
        seen = first.setdefault((key, r["area_code"], r["period"]), row)
        if seen != row:
            problems.append(
                Problem(
                    label,
                    row,
                    "period",
                    f"{r['indicator']} for {r['area_code']} in {r['period']} is already given in row {seen}",
                )
            )
        for column, held in (("unit", unit_of), ("higher_is_better", polarity_of)):
            given = r[column] if pd.notna(r[column]) and r[column] != "" else None
            if given is None:
                continue
            was, where = held.setdefault(key, (given, row))
            if was != given:
                shown = {True: "yes", False: "no"}.get(given, given) if column == "higher_is_better" else given
                before = {True: "yes", False: "no"}.get(was, was) if column == "higher_is_better" else was
                problems.append(
                    Problem(
                        label,
                        row,
                        column,
                        f"expected {before!r} as in row {where} for {r['indicator']}; found {shown!r}",
                    )
                )
    return problems


def own_code_problems(frame: pd.DataFrame, own_codes: set[str], label: str) -> list[Problem]:
    """The same indicator and period given under two of the area's own codes (its partnership's and
    its local authority's, say): the pack shows one figure a period for the area, so one of the
    rows must go. ``frame`` as :func:`read` gives it, its index the file's row numbers."""
    problems: list[Problem] = []
    first: dict[tuple[str, str], tuple[object, str, object]] = {}
    for row, r in frame.iterrows():
        if r["area_code"] not in own_codes:
            continue
        key = (indicator_key(r["indicator"]), r["period"])
        seen = first.setdefault(key, (row, r["area_code"], r["value"]))
        if seen[0] == row or seen[1] == r["area_code"]:  # the same code twice is row_problems' to name
            continue
        was, now = seen[2], r["value"]
        same = (pd.isna(was) and pd.isna(now)) or was == now
        given = "the same figure" if same else f"{'no value' if pd.isna(now) else f'{now:.12g}'}"
        earlier = "" if same else f", against {'no value' if pd.isna(was) else f'{was:.12g}'} there"
        problems.append(
            Problem(
                label,
                row,
                "area_code",
                f"{r['indicator']} in {r['period']} is already given in row {seen[0]} under {seen[1]}; "
                f"this row gives {given} under {r['area_code']}{earlier}. Both codes are the area's own, "
                "and the pack shows one figure a period for it: keep one of the two rows",
            )
        )
    return problems


def read(path: Path, *, label: str | None = None) -> pd.DataFrame:
    """Indicators in the tidy format from ``path``, every cell and row checked (a DataValidationError
    names the file, row and column of each fault)."""
    name = label or str(path)
    frame = v.read_table(path, COLUMNS, label=name)
    v.require(row_problems(frame, name))
    return frame[NAMES + [c for c in frame.columns if c not in NAMES]]


def read_project(data_dir: str | Path) -> pd.DataFrame:
    """The project's ``data/indicators.csv``; absent, no indicators."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return empty()
    return read(path)


def with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``period_start`` (a decimal year) and ``period_kind`` beside each period."""
    out = frame.copy()
    out["period_start"] = [period_start(p) for p in out["period"]] if len(out) else pd.Series(dtype=float)
    out["period_kind"] = [period_kind(p) for p in out["period"]] if len(out) else pd.Series(dtype=object)
    return out


def _yes_no(value: object) -> str:
    """A polarity as the file writes it: yes, no, or blank where not given."""
    if isinstance(value, str):
        return {"yes": "yes", "true": "yes", "no": "no", "false": "no"}.get(value.strip().lower(), "")
    if value is None or pd.isna(value):
        return ""
    return "yes" if bool(value) else "no"


def to_csv_text(frame: pd.DataFrame) -> str:
    """Rows in the file's form: its columns in order, yes/no for polarity, numbers as written."""
    out = frame.reindex(columns=NAMES).copy()
    # by value, not by key: a column joined to an empty file's may hold 1.0 and 0.0 for True and False
    out["higher_is_better"] = [_yes_no(x) for x in out["higher_is_better"]]
    for column in ("value", "count", "denominator", "lower", "upper"):
        out[column] = [("" if pd.isna(x) else f"{float(x):.10g}") for x in out[column]]
    return out.fillna("").to_csv(index=False, lineterminator="\n")


def publishable(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows a public pack may show (none marked :data:`RESTRICTED`), and the indicators left out
    because a row of theirs is: a public build says which it left out."""
    marked = frame["marking"].isin(RESTRICTED) if "marking" in frame else pd.Series(False, index=frame.index)
    ids = {indicator_key(i) for i in frame.loc[marked, "indicator_id"] if isinstance(i, str) and i.strip()}
    if ids:  # an ID names one indicator, whatever the names its rows give: all of them are left out
        shared = frame["indicator_id"].map(lambda i: isinstance(i, str) and indicator_key(i) in ids)
        marked = marked | shared
    names = list(dict.fromkeys(frame.loc[marked, "indicator"]))
    keys = {indicator_key(n) for n in names}
    return frame[[indicator_key(n) not in keys for n in frame["indicator"]]], names
