"""Police recorded crime for every Community Safety Partnership of England and Wales: the national
table, as shipped with the package and as a project adds newer editions to it.

The table is ONS's (Home Office police recorded crime, "Police force area data tables", tables
C2, C4 and C5; see :mod:`safer_analysis.inputs.ons_crime_tables`), kept long: a row per period,
row of ONS's table and headline offence group, with

``period_end``
    the twelve months' last month, ``2024-12`` for the year ending December 2024;
``level``
    ``partnership``, ``force`` (ONS's force total) or ``unassigned`` (crimes the force recorded
    but placed in no partnership: "Unassigned <force>" and Manchester Airport);
``force_code``, ``force``, ``csp_code``, ``csp_name``
    the force (E23/W15) and the partnership (E22/W14; blank for a force row, and the row's name
    for an unassigned one);
``offence_group``, ``count``
    one of ONS's 22 headline offence groups or their total (:data:`OFFENCE_GROUPS`), and the crimes;
``rate``, ``population``, ``population_mid_year``
    crimes per 1,000 people as ONS publishes it (Table C4: on the unrounded mid-year estimate),
    and the population, rounded to 100 as ONS prints it; blank where ONS gives none (the year
    before, an unassigned row, City of London);
``households``, ``household_rate``
    households (mid-2021) and residential burglaries per 1,000 households (that group only);
``edition``, ``tables``
    the publication the rows come from (its latest period end; blank for a table imported alone as
    CSV) and which of its tables.

The package ships the December 2024 edition (``reference/recorded_crime_csp.csv``: the years
ending December 2023 and 2024). ``safer-analysis import-recorded-crime FILE`` adds a newer one to
the project's ``data/reference/recorded-crime-csp.csv``, which only that command writes; every
period the file gives replaces the rows of that period held, and the project's rows of a period
stand before the package's unless the package's come from a newer edition. A period whose new
rows have counts but no rates (Table C5, the year before) keeps the rates held for it, recomputed
for the new counts on the population ONS used.

>>> plymouth = recorded_crime("2024-12", level="partnership").query("csp_name == 'Plymouth'")
>>> total = plymouth.set_index("offence_group").loc[TOTAL]
>>> int(total["count"]), round(float(total["rate"]), 1), int(total["population"])
(25943, 97.2, 266900)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import reference
from safer_analysis.inputs.ons_crime_tables import (
    FORCE,
    OFFENCE_GROUPS,
    PARTNERSHIP,
    RESIDENTIAL,
    TOTAL,
    UNASSIGNED,
    Table,
    norm,
    period_label,
    read_tables,
)
from safer_analysis.inputs.store_lock import StoreLock
from safer_analysis.inputs.validation import DataValidationError, Problem

__all__ = [
    "COLUMNS",
    "OFFENCE_GROUPS",
    "PACKAGE_TABLE",
    "PROJECT_TABLE",
    "TOTAL",
    "Imported",
    "editions",
    "england_and_wales",
    "import_recorded_crime",
    "period_label",
    "read_project_table",
    "recorded_crime",
    "tidy",
]

#: The shipped table, in safer_analysis/reference/.
PACKAGE_TABLE = "recorded_crime_csp.csv"
#: A project's imported editions, and the record of each import, under its data/ folder.
PROJECT_TABLE = "reference/recorded-crime-csp.csv"
PROJECT_LOG = "reference/recorded-crime-imports.csv"
COLUMNS = [
    "period_end",
    "level",
    "force_code",
    "force",
    "csp_code",
    "csp_name",
    "offence_group",
    "count",
    "rate",
    "population",
    "population_mid_year",
    "households",
    "household_rate",
    "edition",
    "tables",
]
LOG_COLUMNS = ["imported_at", "file", "sha256", "tables", "periods"]
_INTEGERS = ("count", "population", "population_mid_year", "households")
_RATES = ("rate", "household_rate")
_LEVELS = (PARTNERSHIP, FORCE, UNASSIGNED)
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


# --- from ONS's tables to the long table ------------------------------------------------------------------------


def _key(frame: pd.DataFrame) -> pd.Series:
    """Which row of ONS's table a row is, the same in every table of a period: the partnership's code,
    the force's, or an unassigned row's force and name."""
    names = frame["csp_name"].map(norm)
    return frame["level"] + "|" + frame["force_code"] + "|" + frame["csp_code"].where(frame["csp_code"] != "", names)


def _long(table: Table, value: str) -> pd.DataFrame:
    ids = ["level", "force_code", "force", "csp_code", "csp_name"]
    extra = [c for c in ("population", "households", "household_rate") if c in table.frame]
    out = table.frame.melt(id_vars=ids + ["row", *extra], value_vars=list(OFFENCE_GROUPS), var_name="offence_group")
    out = out.rename(columns={"value": value})
    out["period_end"] = table.period_end
    if "household_rate" in out:
        out.loc[out["offence_group"] != RESIDENTIAL, "household_rate"] = np.nan
    return out


def _check_rates(rates: pd.DataFrame, counts: pd.DataFrame, table: Table) -> None:
    """Each published rate is the count per 1,000 of the population (ONS rounds the population it
    prints to 100 and shows rates to as many places as it shows), or the table is not of these counts."""
    merged = rates.merge(counts[["_key", "offence_group", "count"]], on=["_key", "offence_group"], how="left")
    where = f"{table.path}, {table.name}" if table.sheet else str(table.path)
    extra = rates[~rates["_key"].isin(set(counts["_key"]))]
    if not extra.empty:
        r = extra.iloc[0]
        message = (
            f"{r['csp_name'] or r['force']} is here but not in the counts for the {period_label(table.period_end)}"
        )
        raise _bad(where, message, int(r["row"]))
    lacking = counts[~counts["_key"].isin(set(rates["_key"]))]
    if not lacking.empty:
        r = lacking.iloc[0]
        raise _bad(where, f"no row for {r['csp_name'] or r['force']}, which the counts of the same period have")
    places = table.frame.attrs.get("decimals", {})
    problems = []
    for column, people in (("rate", "population"), ("household_rate", "households")):
        rows = merged[merged[column].notna() & merged[people].gt(0) & merged["count"].notna()]
        expected = rows["count"] * 1000 / rows[people]
        shown = rows["offence_group"].map(lambda g, c=column: places.get(c if c == "household_rate" else g))
        display = 0.5 * 10.0 ** -shown.fillna(12).astype(float)
        allowed = display + expected.abs() * 51 / (rows[people] - 51) + 1e-9  # a population of 157,550 prints 157,600
        bad = rows[(rows[column] - expected).abs() > allowed]
        for _, r in bad.head(10).iterrows():
            problems.append(
                Problem(
                    where,
                    int(r["row"]),
                    r["offence_group"] if column == "rate" else "household_rate",
                    f"a rate of {r[column]:g} per 1,000 is not {int(r['count']):,} crimes among "
                    f"{int(r[people]):,} {people}",
                )
            )
    if problems:
        raise DataValidationError(problems)


def _bad(path: Path | str, message: str, row: int | None = None, column: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(str(path), row, column, message)])


def tidy(tables: list[Table], *, edition: str = "", held: pd.DataFrame | None = None) -> pd.DataFrame:
    """ONS's tables as the long table (:data:`COLUMNS`), a period per counts table. A rates table
    joins the counts of its period, from ``tables`` or else from ``held``; its rates are checked
    against them. Bad input data when a rates table has no counts to join."""
    held = held if held is not None else pd.DataFrame(columns=COLUMNS)
    periods: dict[str, pd.DataFrame] = {}
    names: dict[str, list[str]] = {}
    for table in sorted(tables, key=lambda t: t.kind):  # counts first
        short = table.name.replace("Table ", "")
        if table.kind == "counts":
            frame = _long(table, "count")
            frame["_key"] = _key(frame)
            periods[table.period_end] = frame
            names[table.period_end] = [short]
            continue
        rates = _long(table, "rate")
        rates["_key"] = _key(rates)
        counts = periods.get(table.period_end)
        if counts is None:
            base = held[held["period_end"] == table.period_end]
            if base.empty:
                raise _bad(
                    table.path,
                    f"{table.name} gives rates, not counts, and no counts for the {period_label(table.period_end)} "
                    "are held: import the workbook, or its table of numbers of crimes for the same year first",
                )
            counts = base[[c for c in COLUMNS if c not in ("rate", "population", "households", "household_rate")]]
            counts = counts.assign(row=0, _key=_key(base))
            names[table.period_end] = str(base["tables"].iloc[0]).split(", ")[:1]  # the table of counts
        _check_rates(rates, counts, table)
        keep = ["_key", "offence_group", "rate", "population", "households", "household_rate"]
        counts = counts.drop(columns=[c for c in keep[2:] if c in counts]).merge(
            rates[keep], on=["_key", "offence_group"], how="left"
        )
        counts["population_mid_year"] = table.population_mid_year
        periods[table.period_end] = counts
        names[table.period_end] = [*names[table.period_end], short]
    out = []
    for period, frame in periods.items():
        frame = frame.copy()
        frame["period_end"] = period
        frame["edition"] = edition if "edition" not in frame or edition else frame["edition"]
        frame["tables"] = ", ".join(names[period])
        out.append(frame.reindex(columns=COLUMNS))
    return _typed(pd.concat(out, ignore_index=True))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in _INTEGERS:
        frame[column] = pd.to_numeric(frame[column]).round().astype("Int64")
    for column in _RATES:
        frame[column] = pd.to_numeric(frame[column]).astype(float)  # as published, to the last digit
    for column in (c for c in COLUMNS if c not in _INTEGERS + _RATES):
        frame[column] = frame[column].fillna("").astype(str)
    order = {level: i for i, level in enumerate((FORCE, PARTNERSHIP, UNASSIGNED))}
    groups = {g: i for i, g in enumerate(OFFENCE_GROUPS)}
    frame = frame.sort_values(
        ["period_end", "force", "level", "csp_name", "offence_group"],
        key=lambda s: s.map(order) if s.name == "level" else (s.map(groups) if s.name == "offence_group" else s),
    )
    return frame[COLUMNS].reset_index(drop=True)


def _carry_rates(new: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """``new`` rows of a period with no rates take ``old``'s populations, and rates for their own
    counts on the population ONS used for ``old``'s (each row's total crimes over its rate)."""
    if new["rate"].notna().any() or old["rate"].isna().all():
        return new
    new, old = new.copy(), old.copy()
    new["_key"], old["_key"] = _key(new), _key(old)
    total = old[(old["offence_group"] == TOTAL) & old["rate"].gt(0) & old["count"].gt(0)]
    per_1000 = (total["count"].astype(float) / total["rate"]).set_axis(total["_key"])
    burglary = old[(old["offence_group"] == RESIDENTIAL) & old["household_rate"].gt(0) & old["count"].gt(0)]
    homes = (burglary["count"].astype(float) / burglary["household_rate"]).set_axis(burglary["_key"])
    people = old.drop_duplicates("_key").set_index("_key")
    carried = new["_key"].isin(per_1000.index)
    new.loc[carried, "rate"] = new.loc[carried, "count"].astype(float) / new.loc[carried, "_key"].map(per_1000)
    homed = new["_key"].isin(homes.index) & (new["offence_group"] == RESIDENTIAL)
    new.loc[homed, "household_rate"] = new.loc[homed, "count"].astype(float) / new.loc[homed, "_key"].map(homes)
    for column in ("population", "population_mid_year", "households"):
        new[column] = new["_key"].map(people[column]).where(new["_key"].isin(people.index))
    if carried.any():
        edition = old["edition"].iloc[0]
        source = f"{old['tables'].iloc[0].split(', ')[-1]}" + (f" of the {edition} edition" if edition else "")
        new["tables"] = new["tables"] + f", rates on the population of {source}"
    return _typed(new.drop(columns="_key"))


def _merge(held: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``held`` with every period of ``new`` replaced by ``new``'s rows (keeping held rates, on
    their population, where ``new`` has counts alone)."""
    parts = [held[~held["period_end"].isin(set(new["period_end"]))]]
    for period, rows in new.groupby("period_end", sort=False):
        parts.append(_carry_rates(rows, held[held["period_end"] == period]))
    return _typed(pd.concat([p for p in parts if not p.empty] or [new], ignore_index=True))


# --- the tables held: the package's and the project's -------------------------------------------------------------


def _parse(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """The long table as read from CSV (every cell text), each cell checked; bad input data naming row and column."""
    if list(raw.columns) != COLUMNS:
        raise ParameterError(
            f"{where}: not the table safer-analysis import-recorded-crime writes (its header is not "
            f"{','.join(COLUMNS)}); move it away and import again"
        )
    problems = []

    def fault(mask: pd.Series, column: str, expected: str) -> None:
        for i in mask[mask].index[:3]:
            problems.append(Problem(where, int(i) + 2, column, f"expected {expected}, found {raw.at[i, column]!r}"))

    fault(~raw["period_end"].str.match(_PERIOD), "period_end", "a month written YYYY-MM")
    fault(~raw["edition"].str.match(_PERIOD) & (raw["edition"] != ""), "edition", "a month written YYYY-MM or blank")
    fault(~raw["level"].isin(_LEVELS), "level", "one of " + ", ".join(_LEVELS))
    fault(~raw["offence_group"].isin(list(OFFENCE_GROUPS)), "offence_group", "one of ONS's headline offence groups")
    fault(~raw["force_code"].str.match(r"^[EW](23|15)\d{6}$"), "force_code", "a police force area code")
    fault(
        (raw["level"] == PARTNERSHIP) & ~raw["csp_code"].str.match(r"^(E22|W14)\d{6}$"),
        "csp_code",
        "a Community Safety Partnership code",
    )
    for column in _INTEGERS + _RATES:
        number = pd.to_numeric(raw[column], errors="coerce")
        wrong = number.isna() & (raw[column] != "")
        if column in _INTEGERS:
            wrong |= number.notna() & (number != number.round())
        fault(wrong, column, "a whole number or blank" if column in _INTEGERS else "a number or blank")
    fault((raw["count"] == "") & (raw["level"] != UNASSIGNED), "count", "a count (only an unassigned row may lack one)")
    keys = raw[["period_end", "level", "force_code", "csp_code", "csp_name", "offence_group"]]
    fault(keys.duplicated(), "offence_group", "one row per period, row of ONS's table and offence group")
    if problems:
        raise DataValidationError(problems)
    return _typed(raw)


@cache
def _package_table() -> pd.DataFrame:
    return _parse(reference.read_table(PACKAGE_TABLE), f"safer_analysis/reference/{PACKAGE_TABLE}")


def _data_dir(project: object) -> Path | None:
    if project is None:
        return None
    data_dir = getattr(project, "data_dir", None)
    return Path(data_dir) if data_dir is not None else Path(project) / "data"


def _plain_file(path: Path, writer: str) -> bool:
    """Whether a file is at ``path``; ParameterError when something other than a plain file is."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ParameterError(f"{path}: not a plain file; {writer} writes its table there, so it is left as it is")
    return path.is_file()


def read_project_table(data_dir: str | os.PathLike) -> pd.DataFrame | None:
    """The editions a project imported (``data/reference/recorded-crime-csp.csv``), checked; None
    when it has none. What ``safer-analysis check`` validates."""
    path = Path(data_dir) / PROJECT_TABLE
    if not _plain_file(path, "import-recorded-crime"):
        return None
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError) as exc:
        message = f"not a CSV table that can be read ({exc}); import-recorded-crime writes it: import again"
        raise _bad(path, message) from None
    return _parse(raw, str(path))


def _combined(own: pd.DataFrame | None) -> pd.DataFrame:
    """The package's table with the project's periods (``own``) in place of its own (unless the
    package's come from a newer edition, whose counts then keep the project's rates)."""
    package = _package_table()
    if own is None or own.empty:
        return package
    parts = [own]
    for period, rows in package.groupby("period_end", sort=False):
        mine = own[own["period_end"] == period]
        if mine.empty:
            parts.append(rows)
        elif rows["edition"].iloc[0] and rows["edition"].iloc[0] > (mine["edition"].iloc[0] or "9999"):
            parts[0] = parts[0][parts[0]["period_end"] != period]
            parts.append(_carry_rates(rows, mine))
    return _typed(pd.concat(parts, ignore_index=True))


def _choose(held: pd.DataFrame, period_end: str | None) -> str:
    periods = sorted(held["period_end"].unique())
    if period_end is None or period_end == "":
        return periods[-1]
    if not isinstance(period_end, str) or not _PERIOD.match(period_end):
        raise ParameterError(f"period_end: expected a month written YYYY-MM such as 2024-12, got {period_end!r}")
    if period_end not in periods:
        held_words = ", ".join(f"{p} ({period_label(p)})" for p in periods)
        raise ParameterError(
            f"period_end {period_end}: no recorded crime by partnership is held for the {period_label(period_end)}; "
            f"held: {held_words}. A newer edition is added with safer-analysis import-recorded-crime FILE"
        )
    return period_end


def _source(rows: pd.DataFrame) -> str:
    """'Home Office police recorded crime; ONS, Police force area data tables, year ending December
    2024, tables C2 and C4 (...)': the line to print under a figure from ``rows``."""
    edition, tables = rows["edition"].iloc[0], rows["tables"].iloc[0].split(", ")
    ids = [t for t in tables if re.fullmatch(r"[A-Z]+\d+", t)]
    named = f"tables {' and '.join(ids)}" if len(ids) > 1 else f"Table {ids[0]}" if ids else "its tables"
    rest = "".join(f"; {t}" for t in tables if t not in ids)
    publication = f", {period_label(edition)}" if edition else ""
    return (
        f"Home Office police recorded crime; ONS, Police force area data tables{publication}, {named}{rest} "
        "(Open Government Licence v3.0)"
    )


def recorded_crime(period_end: str | None = None, *, project: object = None, level: str | None = None) -> pd.DataFrame:
    """The long table for one period (default: the latest held), from the package and the project's
    imports (``project``: a Project or its folder; None for the package's alone), every level or
    one (``"partnership"``, ``"force"``, ``"unassigned"``). ``attrs`` give ``period_end``,
    ``label`` ("year ending December 2024") and ``source``, a line to print under any figure.

    >>> frame = recorded_crime("2024-12", level="force")
    >>> int(frame.loc[frame["offence_group"] == TOTAL, "count"].sum()), frame.attrs["label"]
    (5258272, 'year ending December 2024')
    """
    if level is not None and level not in _LEVELS:
        raise ParameterError(f"level: expected one of {', '.join(_LEVELS)} or None, got {level!r}")
    data_dir = _data_dir(project)
    held = _combined(read_project_table(data_dir) if data_dir is not None else None)
    chosen = _choose(held, period_end)
    rows = held[held["period_end"] == chosen]
    source = _source(rows)
    if level is not None:
        rows = rows[rows["level"] == level]
    out = rows.reset_index(drop=True)
    out.attrs.update({"period_end": chosen, "label": period_label(chosen), "source": source})
    return out


def editions(*, project: object = None) -> pd.DataFrame:
    """One row per period held: ``period_end``, ``label``, ``edition``, ``tables``,
    ``partnerships``, ``rates`` (whether rates per 1,000 are held) and ``held_in`` (the package, or
    the project's file), oldest first."""
    data_dir = _data_dir(project)
    own = read_project_table(data_dir) if data_dir is not None else None
    held = _combined(own)
    rows = []
    for period, frame in held.groupby("period_end"):
        edition = frame["edition"].iloc[0]
        mine = own is not None and ((own["period_end"] == period) & (own["edition"] == edition)).any()
        rows.append(
            {
                "period_end": period,
                "label": period_label(period),
                "edition": edition,
                "tables": frame["tables"].iloc[0],
                "partnerships": int(frame.loc[frame["level"] == PARTNERSHIP, "csp_code"].nunique()),
                "rates": bool(frame["rate"].notna().any()),
                "held_in": str(data_dir / PROJECT_TABLE) if mine else f"the package ({PACKAGE_TABLE})",
            }
        )
    return pd.DataFrame(rows)


def england_and_wales(period_end: str | None = None, *, project: object = None) -> pd.DataFrame:
    """Every force of England and Wales added up, per offence group: ``count``, ``population``
    (ONS's, rounded to 100 per force; None when a force lacks one) and ``rate`` per 1,000. The 42
    force rows, and City of London, which has its one partnership and no force row.

    >>> total = england_and_wales("2024-12").set_index("offence_group").loc[TOTAL]
    >>> int(total["count"]), int(total["population"])
    (5267542, 60238000)
    """
    rows = recorded_crime(period_end, project=project)
    forces = set(rows.loc[rows["level"] == FORCE, "force_code"])
    whole = rows[(rows["level"] == FORCE) | ((rows["level"] == PARTNERSHIP) & ~rows["force_code"].isin(forces))]
    out = whole.groupby("offence_group", sort=False).agg(
        count=("count", "sum"), population=("population", lambda s: s.sum() if s.notna().all() else pd.NA)
    )
    out["population"] = out["population"].astype("Int64")
    out["rate"] = (out["count"] * 1000 / out["population"]).astype(float)
    out = out.reindex(list(OFFENCE_GROUPS)).reset_index()
    out.attrs.update(rows.attrs)
    return out


# --- importing a newer edition -----------------------------------------------------------------------------------


@dataclass
class Imported:
    """What an import did."""

    source: Path
    target: Path
    tables: list[Table]
    added: list[str] = field(default_factory=list)
    over_package: list[str] = field(default_factory=list)  # added, standing before the package's copy
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def periods(ps: list[str]) -> str:
            return ", ".join(period_label(p) for p in ps) or "none"

        lines = [f"Read {self.source.name}:"]
        lines += [f"  {t.describe()}" for t in self.tables]
        if any(t.kind == "counts" for t in self.tables):
            lines.append("  every force's partnerships and unassigned rows add up to its total, in every offence group")
        notes: dict[str, list[str]] = {}
        for t in self.tables:
            for note in t.notes:
                notes.setdefault(note, []).append(t.name.replace("Table ", ""))
        for note, names in notes.items():
            which = f"Table {names[0]}" if len(names) == 1 else f"Tables {', '.join(names[:-1])} and {names[-1]}"
            lines.append(f"  {which}, {note}")
        added = periods(self.added) + (
            f" (standing before the package's copy of {periods(self.over_package)})" if self.over_package else ""
        )
        lines.append(
            f"Wrote {self.target}: added {added}; replaced {periods(self.replaced)}; kept {periods(self.kept)}."
        )
        if self.carried:
            lines.append(
                f"The rates held for {periods(self.carried)} are kept, on the same population, for the new counts."
            )
        return "\n".join(lines)


def _write_csv(frame: pd.DataFrame, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            frame.to_csv(stream, index=False, lineterminator="\n")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_recorded_crime(path: str | os.PathLike, data_dir: str | os.PathLike) -> Imported:
    """Read ONS's workbook (or one table of it as CSV), check it, and add its periods to the project's
    ``data/reference/recorded-crime-csp.csv`` (each replacing the rows held for its period). Bad input
    data (exit 3) for a file that is not such a table; ParameterError (exit 2) for a file missing,
    or one at the target the command did not write, which is left as it is."""
    path, data_dir = Path(path), Path(data_dir)
    tables = read_tables(path)
    target, log = data_dir / PROJECT_TABLE, data_dir / PROJECT_LOG
    with StoreLock(target):
        own = read_project_table(data_dir)
        held = _combined(own)
        edition = max(t.period_end for t in tables) if tables[0].sheet else ""
        new = tidy(tables, edition=edition, held=held)
        merged = _merge(held, new)
        keep = set(own["period_end"]) if own is not None else set()
        mine = merged[merged["period_end"].isin(keep | set(new["period_end"]))]
        done = Imported(path, target, tables)
        for period in sorted(set(new["period_end"])):
            (done.replaced if period in keep else done.added).append(period)
            if period not in keep and period in set(held["period_end"]):
                done.over_package.append(period)
            rows = mine[mine["period_end"] == period]
            if new.loc[new["period_end"] == period, "rate"].isna().all() and rows["rate"].notna().any():
                done.carried.append(period)
        done.kept = sorted(keep - set(new["period_end"]))
        entries = pd.DataFrame(columns=LOG_COLUMNS)
        if _plain_file(log, "import-recorded-crime"):
            entries = pd.read_csv(log, dtype=str, keep_default_na=False)
            if list(entries.columns) != LOG_COLUMNS:
                raise ParameterError(f"{log}: a file import-recorded-crime did not write is there; move it away")
        entry = {
            "imported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "tables": ", ".join(t.name for t in tables),
            "periods": ", ".join(sorted(set(new["period_end"]))),
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_csv(mine, target)
        _write_csv(pd.concat([entries, pd.DataFrame([entry])], ignore_index=True), log)
    return done
