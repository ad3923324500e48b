"""What measures each local priority: ``data/priority_measures.csv``, one mapping, data not code.

One row per priority and measure:

- ``priority_key``: the priority, from ``local_priorities.csv``;
- ``source``: where the measure comes from: ``police.uk`` (a street-level crime type),
  ``ONS recorded crime`` (a group of ONS's tables by partnership that police.uk merges: Sexual
  offences, Stalking and harassment, Violence with injury, Violence without injury) or
  ``indicator`` (a partner indicator, by its name as in ``indicators.csv``, any case, or its ID);
- ``measure``: the crime type, the group or the indicator. A ``police.uk`` row with no measure
  says police.uk does not measure the priority, and its ``note`` says why;
- ``held_by``: who holds the figures of an indicator not yet supplied ("the MARAC coordinator");
- ``note``: why, and what the measure misses.

An indicator named here with no rows is listed as not supplied, with who holds it; an indicator
with rows that no row names is listed as not yet linked. Absent, the mapping is read from the two
files it replaces, ``priority_crime_types.csv`` and ``indicator_priorities.csv``, where a project
made before it has them (:func:`migrated`); with neither, it reads as empty.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from safer_analysis.inputs import validation as v
from safer_analysis.inputs.indicators.recorded import GROUPS
from safer_analysis.inputs.indicators.tidy import indicator_key
from safer_analysis.inputs.police_uk.common import CRIME_TYPES
from safer_analysis.inputs.validation import CellError, Column, Problem

FILE = "priority_measures.csv"
#: The files the mapping replaces, read in its place by a project made before it.
OLD_CRIME_TYPES = "priority_crime_types.csv"
OLD_INDICATORS = "indicator_priorities.csv"
POLICE_UK, ONS, INDICATOR = "police.uk", "ONS recorded crime", "indicator"
SOURCES = (POLICE_UK, ONS, INDICATOR)
#: How ONS's groups are named among the indicators (:mod:`.recorded`).
ONS_SUFFIX = " (police recorded crime)"
COLUMNS = [
    Column("priority_key", v.key),
    Column("source", v.one_of(SOURCES)),
    Column("measure", required=False),
    Column("held_by", required=False),
    Column("note", required=False),
]
NAMES = [c.name for c in COLUMNS]
#: The columns of :func:`links`.
LINK_NAMES = ["priority_key", "indicator", "held_by", "note", "supplied"]


def empty() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in NAMES})


def _crime_type(value: str) -> str:
    known = {" ".join(t.lower().split()): t for t in CRIME_TYPES}
    found = known.get(" ".join(value.lower().split()))
    if found is None:
        raise CellError(f"expected a police.uk crime type ({', '.join(CRIME_TYPES[:3])}...) or blank; found {value!r}")
    return found


def _ons_group(value: str) -> str:
    base = value[: -len(ONS_SUFFIX)] if value.lower().endswith(ONS_SUFFIX) else value
    known = {g.lower(): g for g in GROUPS}
    found = known.get(" ".join(base.lower().split()))
    if found is None:
        raise CellError(f"expected one of ONS's groups: {', '.join(GROUPS)}; found {value!r}")
    return found


def _checked(frame: pd.DataFrame, label: str, measure_column: str = "measure") -> pd.DataFrame:
    """Each row's measure checked against its source and put in its canonical spelling; a fault is
    named in ``measure_column`` (the column of the file the row came from)."""
    problems = []
    frame = frame.copy()
    for row, r in frame.iterrows():
        measure = r["measure"] if isinstance(r["measure"], str) else ""
        try:
            if r["source"] == POLICE_UK and measure:
                frame.at[row, "measure"] = _crime_type(measure)
            elif r["source"] == ONS:
                frame.at[row, "measure"] = _ons_group(measure)
            elif r["source"] == INDICATOR and not measure:
                raise CellError("expected the indicator's name or ID")
        except CellError as exc:
            problems.append(Problem(label, row, measure_column, str(exc)))
    keys = pd.Series(
        [
            (p, s, indicator_key(m) if isinstance(m, str) else "")
            for p, s, m in zip(frame["priority_key"], frame["source"], frame["measure"], strict=True)
        ],
        index=frame.index,
        dtype=object,
    )
    for row in frame.index[keys.duplicated()]:
        problems.append(Problem(label, row, measure_column, "this priority and measure are already linked above"))
    police = frame[frame["source"] == POLICE_UK]
    for row in police.index[police["priority_key"].duplicated()]:
        why = "a priority has one police.uk row: its crime type, or blank and why not"
        problems.append(Problem(label, row, "priority_key", why))
    v.require(problems)
    return frame


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def migrated(data_dir: str | Path) -> pd.DataFrame:
    """The mapping a project made before :data:`FILE` holds in the two files it replaces (empty
    without them), each checked in its own terms; ``attrs["files"]`` names the files it was read
    from, and each row carries ``_file`` and ``_row``: where it came from, for errors."""
    data_dir = Path(data_dir)
    parts = []
    files = []
    old = data_dir / OLD_CRIME_TYPES
    if old.exists():
        files.append(OLD_CRIME_TYPES)
        frame = v.read_table(
            old,
            [
                Column("priority_key", v.key),
                Column("crime_type", required=False),
                Column("relation", v.one_of(("measures", "not measured"))),
                Column("note", required=False),
            ],
        )
        problems = [
            Problem(str(old), row, "crime_type", "expected the police.uk crime type it measures")
            for row, r in frame.iterrows()
            if r["relation"] == "measures" and not _text(r["crime_type"])
        ]
        problems += [
            Problem(str(old), row, "crime_type", "expected no crime type where the relation is 'not measured'")
            for row, r in frame.iterrows()
            if r["relation"] == "not measured" and _text(r["crime_type"])
        ]
        v.require(problems)
        part = pd.DataFrame(
            {
                "priority_key": frame["priority_key"],
                "source": POLICE_UK,
                "measure": [_text(c) or None for c in frame["crime_type"]],
                "held_by": None,
                "note": frame["note"],
            },
            index=frame.index,
        )
        parts.append(_checked(part, str(old), "crime_type").assign(_file=str(old), _row=part.index))
    old = data_dir / OLD_INDICATORS
    if old.exists():
        files.append(OLD_INDICATORS)
        frame = v.read_table(
            old,
            [
                Column("priority_key", v.key),
                Column("indicator"),
                Column("held_by", required=False),
                Column("note", required=False),
            ],
        )
        sources, measures = [], []
        for name in frame["indicator"]:
            try:
                sources.append(ONS)
                measures.append(_ons_group(name))
            except CellError:
                sources[-1] = INDICATOR
                measures.append(name)
        part = frame[["priority_key", "held_by", "note"]].assign(source=sources, measure=measures)
        parts.append(_checked(part[NAMES], str(old), "indicator").assign(_file=str(old), _row=part.index))
    out = pd.concat(parts, ignore_index=True) if parts else empty()
    out.index = range(2, len(out) + 2)
    out.attrs["files"] = files
    return out


def read_project(data_dir: str | Path) -> pd.DataFrame:
    """The project's mapping, every cell checked; absent, the files it replaces (:func:`migrated`)."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return migrated(data_dir)
    frame = _checked(v.read_table(path, COLUMNS), str(path))
    frame.attrs["files"] = [FILE]
    return frame


def to_csv_text(frame: pd.DataFrame) -> str:
    """The mapping as the project's file holds it (where each row came from left out)."""
    return frame.reindex(columns=NAMES).fillna("").to_csv(index=False, lineterminator="\n")


def problems(data_dir: str | Path, priority_keys: set[str]) -> list[Problem]:
    """What is wrong with the mapping (nothing when it is absent), its priorities checked against ``priority_keys``."""
    try:
        frame = read_project(data_dir)
    except v.DataValidationError as exc:
        return list(exc.problems)
    label = str(Path(data_dir) / FILE)
    return [
        Problem(
            frame.at[row, "_file"] if "_file" in frame else label,
            int(frame.at[row, "_row"]) if "_row" in frame else row,
            "priority_key",
            f"unknown local priority {key!r}; expected one of {', '.join(sorted(priority_keys))}",
        )
        for row, key in frame["priority_key"].items()
        if key not in priority_keys
    ]


def crime_types(mapping: pd.DataFrame) -> dict[str, str]:
    """Each priority a police.uk crime type measures, with the type."""
    rows = mapping[(mapping["source"] == POLICE_UK) & mapping["measure"].notna() & (mapping["measure"] != "")]
    return dict(zip(rows["priority_key"], rows["measure"], strict=True))


def police_uk_notes(mapping: pd.DataFrame) -> dict[str, str]:
    """Each priority's note on what police.uk data show of it (why not, where they do not)."""
    rows = mapping[mapping["source"] == POLICE_UK]
    return {k: (n if isinstance(n, str) else "") for k, n in zip(rows["priority_key"], rows["note"], strict=True)}


def indicator_rows(mapping: pd.DataFrame) -> pd.DataFrame:
    """The rows naming an indicator (ONS's groups by their names among the indicators), as
    ``priority_key``, ``indicator``, ``held_by``, ``note``."""
    rows = mapping[mapping["source"].isin((ONS, INDICATOR))]
    names = [m + ONS_SUFFIX if s == ONS else m for s, m in zip(rows["source"], rows["measure"], strict=True)]
    return rows.assign(indicator=names)[["priority_key", "indicator", "held_by", "note"]]


def _named(indicators: pd.DataFrame) -> dict[str, str]:
    """Each key an indicator is found by (its name and its ID) to its name."""
    out: dict[str, str] = {}
    for ident, name in zip(indicators["indicator_id"], indicators["indicator"], strict=True):
        out[indicator_key(name)] = name
        if isinstance(ident, str) and ident:
            out.setdefault(indicator_key(ident), name)
    return out


def links(indicators: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Every indicator the mapping links, with ``supplied`` (whether ``indicators`` hold rows for it)
    and the indicator's name as held; then the links rows carry themselves (``priority_keys``: the
    documents' context figures name their priorities); then each held indicator nothing links, with
    a blank ``priority_key``."""
    named = _named(indicators)
    out = indicator_rows(mapping)
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
    rows = pd.DataFrame(carried + extra, columns=LINK_NAMES)
    table = (
        pd.concat([out.reset_index(drop=True), rows], ignore_index=True) if len(rows) else out.reset_index(drop=True)
    )
    return table.astype({"supplied": bool})


def unlinked(indicators: pd.DataFrame, mapping: pd.DataFrame) -> list[str]:
    """The held indicators no row of the mapping links to a priority."""
    table = links(indicators, mapping)
    return list(table.loc[table["priority_key"] == "", "indicator"])
