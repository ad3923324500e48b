"""``safer-analysis peers``: a partnership's most similar group with its recorded crime, as CSV for
scripts or as a text table to read."""

from __future__ import annotations

import argparse
import csv
import sys

import pandas as pd

from safer_analysis.errors import NoProjectError, ParameterError
from safer_analysis.inputs.project import Project, resolve_project

#: The CSV's columns: one row per partnership (and offence group), the partnership itself first.
CSV_COLUMNS = [
    "period_end",
    "csp_code",
    "csp_name",
    "force",
    "similarity_rank",
    "distance",
    "offence_group",
    "count",
    "population",
    "rate",
    "count_before",
    "change",
]


def offence_group(text: str) -> str:
    """ONS's name of the offence group ``text`` names ("total", "all", or a group in any case)."""
    from safer_analysis.reports.comparison import offence_group_named

    return offence_group_named(text, name="--offence-group")


def _area(args: argparse.Namespace, project: Project | None) -> str:
    if args.area:
        return args.area
    if project is None:
        raise ParameterError("no project here to take the area from: name one with --area NAME-OR-CODE")
    own = project.own_area()
    if own is None:
        raise ParameterError(
            f"the project's area, {project.settings.area}, is not a partnership or local authority of the ONS "
            "lookups: name a partnership with --area NAME-OR-CODE"
        )
    return own.code


def _number(value: object, places: int) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.{places}f}" if places else str(int(value))


ALL = "all"


def _write_csv(c, group: str) -> None:
    rows = c.members if group == ALL else c.members[c.members["offence_group"] == group]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows.itertuples(index=False):
        writer.writerow(
            [
                c.period_end,
                r.csp_code,
                r.csp_name,
                r.force,
                r.similarity_rank,
                _number(r.distance, 6),
                r.offence_group,
                _number(r.count, 0),
                _number(r.population, 0),
                _number(r.rate, 6),
                _number(r.count_before, 0),
                _number(r.change, 6),
            ]
        )


def _fixed(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = (cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in pairs)
        lines.append("  ".join(cells).rstrip())
    return lines


def _rate(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.2f}"


def _change(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value) * 100:+.1f}%"


def _count(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(value):,}"


def _member_table(c, group: str) -> list[str]:
    rows = c.members[c.members["offence_group"] == group]
    head = ["", "code", "partnership", "force", "distance", "crimes", "people", "per 1,000", "change"]
    body = [
        [
            "*" if r.is_area else str(r.similarity_rank),
            r.csp_code,
            r.csp_name,
            r.force,
            f"{r.distance:.3f}",
            _count(r.count),
            _count(r.population),
            _rate(r.rate),
            _change(r.change),
        ]
        for r in rows.itertuples(index=False)
    ]
    t = c.row(group)
    body.append(["", "", "the group together", "", "", _count(t["group_count"]), _count(t["group_population"])])
    body[-1] += [_rate(t["group_rate"]), _change(t["group_change"])]
    body.append(["", "", "England and Wales", "", "", "", "", _rate(t["ew_rate"]), _change(t["ew_change"])])
    lines = _fixed([head, *body], {0, 4, 5, 6, 7, 8})
    unrated = rows.loc[rows["rate"].isna() & rows["count"].notna(), "csp_name"]
    if len(unrated):
        lines.append(
            f"– no rate: ONS publishes none for {', '.join(unrated)} (few residents beside those who work there), "
            "which is left out of the group's rate, range and rank"
        )
    return lines


def _groups_table(c) -> list[str]:
    head = ["offence group", "crimes", "per 1,000", "group", "lowest", "highest", "E&W", "rank", "change", "group"]
    body = [
        [
            r.offence_group,
            _count(r.count),
            _rate(r.rate),
            _rate(r.group_rate),
            _rate(r.group_min),
            _rate(r.group_max),
            _rate(r.ew_rate),
            f"{r.rank} of {r.of}" if pd.notna(r.rank) else "–",
            _change(r.change),
            _change(r.group_change),
        ]
        for r in c.table.itertuples(index=False)
    ]
    return _fixed([head, *body], set(range(1, 10)))


def _write_table(c, group: str) -> None:
    from safer_analysis.reports.comparison import sentences

    what = "every headline offence group" if group == ALL else group
    before = f"; change since the {c.previous}" if c.previous else ""
    lines = [
        f"{c.area_name} ({c.area_code}) and its {c.group_size} most similar partnerships: {what}, {c.period}{before}"
    ]
    lines += [""] + (_groups_table(c) if group == ALL else _member_table(c, group)) + [""]
    lines += [c.group_note, f"Source: {c.source}.", ""]
    lines += sentences(c)
    print("\n".join(lines))


def _peers(args: argparse.Namespace) -> int:
    from safer_analysis.reports.comparison import compare

    try:
        project = resolve_project(args.project)
    except NoProjectError:
        if args.project is not None or not args.area:
            raise
        project = None
    group = offence_group(args.offence_group)
    c = compare(
        _area(args, project),
        data_dir=project.data_dir if project is not None else None,
        period_end=args.period_end or "",
        size=args.size,
    )
    if args.format == "csv":
        _write_csv(c, group)
    else:
        _write_table(c, group)
    return 0
