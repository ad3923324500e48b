"""The version of a project's files (its *format*), and what each format added.

A project's settings file says which format its files follow, in a table of its own::

    [project]
    format = 3

A project whose settings have no ``[project]`` table was made before the number existed (by
safer-analysis 0.1.0) and is format 1. The format changes only when the files a project holds
change: a new input file, a new column, a new setting. Each format's entry in :data:`FORMATS`
lists what it added, what each addition holds, how the tool reads a project without it, and how
to fill it. Nothing added is ever required: an older project builds as it is, its missing files
read as empty and its missing settings at their defaults, and ``safer-analysis check`` says what
is new and what to fill (:func:`report`). A project of a newer format than the tool knows is
refused, saying to upgrade safer-analysis (:func:`newer_message`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

#: The format of the files this version of the package writes (``init``) and reads.
CURRENT = 3
#: The table and key of the format in the settings file.
TABLE, KEY = "project", "format"


@dataclass(frozen=True)
class Added:
    """One file, column or setting a format added.

    ``files`` are paths inside the project, any of which holds the addition (a column's file,
    for a column); ``columns`` are the columns added to that file; ``settings`` are (table, key)
    pairs of the settings file. ``holds`` says what it is, ``meanwhile`` how the tool reads a
    project without it, ``fill`` how to fill it (naming the command that helps, if any).
    ``expected``: ``init`` writes it, so a project of the format has it; an addition only some
    projects want (boundaries, their own similar groups) is not expected.
    """

    name: str
    holds: str
    meanwhile: str
    fill: str
    files: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    settings: tuple[tuple[str, str], ...] = ()
    expected: bool = True

    def present(self, root: Path, raw: dict) -> bool:
        """Whether the project at ``root`` (its settings read as ``raw`` TOML) holds the addition."""
        if self.settings and any(key in raw.get(table, {}) for table, key in self.settings):
            return True
        if self.columns:
            header = _header(root / self.files[0])
            return header is not None and all(c in header for c in self.columns)
        return any((root / f).exists() for f in self.files)

    def header(self) -> list[str]:
        """The header row of the file it adds ([] for a column or a setting)."""
        if self.columns or not self.files or not self.files[0].endswith(".csv"):
            return []
        return headers().get(Path(self.files[0]).name, [])


@dataclass(frozen=True)
class Format:
    """A format of a project's files: the release of safer-analysis that first wrote it, and what it added."""

    number: int
    release: str
    summary: str
    added: tuple[Added, ...] = ()


FORMATS: dict[int, Format] = {
    1: Format(
        1,
        "0.1.0",
        "the files of a project made before the format number existed: the plan's money, the local and "
        "Police & Crime Plan priorities and the links between them, outcome measures and returns, the documents' "
        "figures, threat, risk and harm scores, the method's constants and police.uk data",
    ),
    2: Format(
        2,
        "0.2.0",
        "the board paper, the evidence for each priority, partners' indicators, known local breaks and the "
        "protective marking",
        (
            Added(
                "data/recommendations.csv",
                "what the partnership's documents (or the analyst) recommend for a year; the board paper puts each "
                "beside the decision it speaks to",
                "it reads as empty, so the board paper lists only the decisions the data call for",
                "a row per recommendation: financial_year, recommendation, and source_document and source_section "
                "where a document makes it",
                files=("data/recommendations.csv",),
            ),
            Added(
                "data/priority_status.csv",
                "what a local priority was in a year (priority, emerging issue or cross-cutting issue) where the "
                "documents changed it",
                "it reads as empty, so each priority is, every year, what local_priorities.csv first names it",
                "a row for each year and priority whose kind the documents changed, citing the document",
                files=("data/priority_status.csv",),
            ),
            Added(
                "data/known_breaks.csv",
                "your own dated changes that move crime counts (a CCTV scheme, an operation), which the trend test "
                "allows for",
                "it reads as empty, so only the national breaks shipped with the package are allowed for",
                "a row per change: first_month (YYYY-MM), last_month if it ended, the crime types it moved, what "
                "it was and its source",
                files=("data/known_breaks.csv",),
            ),
            Added(
                "data/priority_measures.csv",
                "what measures each local priority (a police.uk crime type, an ONS group or a partner indicator), "
                "and who holds the figures still missing; it replaces priority_crime_types.csv and "
                "indicator_priorities.csv",
                "the mapping is read from priority_crime_types.csv and indicator_priorities.csv where the project "
                "has them; without them nothing says what measures a priority",
                "`safer-analysis new-year YEAR` writes it from the two files it replaces; or write a row per "
                "priority and measure (see the data dictionary)",
                files=("data/priority_measures.csv",),
            ),
            Added(
                "data/indicators.csv",
                "partners' figures police.uk cannot show (from health, probation, youth justice, the council)",
                "it reads as empty, so the evidence for each priority uses police.uk's, ONS's, DfE's and the "
                "documents' figures only",
                "`safer-analysis import-indicators FILE` adds a Fingertips export or a file in the tidy format",
                files=("data/indicators.csv",),
            ),
            Added(
                "data/population.csv",
                "the partnership's own population estimates, used before ONS's for their year",
                "it reads as empty, so populations come from the ONS estimates shipped with the package",
                "a row per area and year: area_code, mid_year, population, source (a newer ONS workbook is added "
                "with `safer-analysis import-population WORKBOOK.xlsx` instead)",
                files=("data/population.csv",),
            ),
            Added(
                "columns standing and draft in data/sources.csv",
                "what each document is in its own terms, and whether it is a draft (its amounts proposed)",
                "they read as blank (not stated)",
                "add the two columns to the header and fill them where the documents say",
                files=("data/sources.csv",),
                columns=("standing", "draft"),
            ),
            Added(
                "columns tolerance and crime_type in data/outcome_measures.csv",
                "how far short of its target a measure still counts as amber, and the police.uk crime type whose "
                "rate measures it",
                "they read as blank, so no measure has a tolerance or is read from the assessment's rates",
                "add the two columns to the header and fill them where they apply",
                files=("data/outcome_measures.csv",),
                columns=("tolerance", "crime_type"),
            ),
            Added(
                "columns source_document, source_section and document_amount in data/allocation_local_priorities.csv",
                "where a document states a line's link to a local priority, and the line's part for the priority "
                "where the document splits it",
                "they read as blank, so every link is the analyst's reading and no line is split",
                "add the columns to the header; cite the document where it states the link",
                files=("data/allocation_local_priorities.csv",),
                columns=("source_document", "source_section", "document_amount"),
            ),
            Added(
                "column document_amount in data/allocation_pcp_priorities.csv",
                "a line's part for a Police & Crime Plan priority where its document splits it",
                "it reads as blank, so no line is split",
                "add the column to the header and fill it where the plan splits a line",
                files=("data/allocation_pcp_priorities.csv",),
                columns=("document_amount",),
            ),
            Added(
                "[reports] marking",
                "the protective marking at the head and foot of every page (OFFICIAL or OFFICIAL-SENSITIVE)",
                "every page is marked OFFICIAL",
                'add `marking = "OFFICIAL"` (or "OFFICIAL-SENSITIVE") under [reports] in safer-analysis.toml',
                settings=(("reports", "marking"),),
            ),
            Added(
                "[board] meeting, date, author and paper_for",
                "the board paper's title block: the meeting it goes to, its date, who wrote it, and whether it is "
                "for decision or information",
                "the title block names no meeting, date or author, and the paper is for decision",
                "add a [board] table to safer-analysis.toml with these four settings (a new project's shows them)",
                settings=(("board", "meeting"), ("board", "date"), ("board", "author"), ("board", "paper_for")),
            ),
            Added(
                "boundaries for the map",
                "the LSOA and ward polygons the assessment's map is drawn on",
                "there is no map: the assessment lists the neighbourhoods with the highest rates",
                "`safer-analysis import-boundaries FILE` keeps the area's polygons from an ONS boundary file (or "
                "name your own files under [geography] in safer-analysis.toml)",
                files=("data/boundaries/lsoa.geojson",),
                settings=(("geography", "lsoa_boundaries"),),
                expected=False,
            ),
            Added(
                "data/similar_groups.csv",
                "the weights of the measures the most similar partnerships are found by, and the group's size",
                "the package's method holds (groups of 15, its own weights)",
                "only if you want other weights: parameter, value, meaning (see data/similar-groups.md)",
                files=("data/similar_groups.csv",),
                expected=False,
            ),
        ),
    ),
    3: Format(
        3,
        "0.3.0",
        "the board paper's author on each decision (the option recommended, why, and who leads) and on the "
        "decisions' financial, legal and equalities implications",
        (
            Added(
                "data/decisions.csv",
                "what the board paper's author says of each of a year's decisions: the option recommended (in the "
                "paper's words for it), why, and who takes it forward",
                "it reads as empty, so the paper says of each decision that no option is recommended yet, and that "
                "no lead is named yet",
                "a row per decision: financial_year, decision (by the name `safer-analysis check` lists for the "
                "year), preferred_option, reason, lead",
                files=("data/decisions.csv",),
            ),
            Added(
                "data/implications.csv",
                "what the board paper's author says the year's decisions mean in money, in law and for equality",
                "it reads as empty, so the paper sets out the financial implications its data show and says no "
                "legal or equalities implications are given yet",
                "a row per implication: financial_year, kind (financial, legal or equalities), text, and source "
                "(who advised, and when)",
                files=("data/implications.csv",),
            ),
        ),
    ),
}


def _header(path: Path) -> list[str] | None:
    """The header row of a CSV file, or None where there is no such file."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            return [cell.strip() for cell in next(csv.reader(handle), [])]
    except OSError:
        return None


def headers() -> dict[str, list[str]]:
    """The header of every input file the package reads, by file name."""
    from safer_analysis.inputs import datasets, indicators, population

    out = {name: [c.name for c in datasets.SCHEMAS[table]] for table, name in datasets.FILES.items()}
    out[population.OWN_FILE] = [c.name for c in population.OWN_COLUMNS]
    out[indicators.tidy.FILE] = list(indicators.tidy.NAMES)
    out[indicators.priorities.FILE] = list(indicators.priorities.NAMES)
    return out


def newer_message(found: int) -> str:
    """Why a project of format ``found``, newer than this package knows, is refused."""
    from safer_analysis import __version__

    return (
        f"[{TABLE}] {KEY} = {found}: the project's files are of format {found}, newer than this safer-analysis "
        f"({__version__}) knows (format {CURRENT} at most); a newer safer-analysis made or upgraded the project. "
        "Upgrade safer-analysis (`make venv` in its checkout after pulling, or `pip install --upgrade "
        "safer-analysis`) and run the command again"
    )


def since(number: int) -> list[Added]:
    """What the formats after ``number``, up to :data:`CURRENT`, added."""
    return [a for n in range(number + 1, CURRENT + 1) for a in FORMATS[n].added]


def _item(added: Added) -> str:
    """A line of :func:`report` for an addition the project lacks: what it holds and how to fill it."""
    header = added.header()
    start = f" (header: {','.join(header)})" if header else ""
    return f"  - {added.name}: {added.holds}. Until then: {added.meanwhile}. To fill it: {added.fill}{start}."


def report(root: Path, raw: dict) -> list[str]:
    """What ``safer-analysis check`` says of the format of the project at ``root`` (its settings
    read as ``raw`` TOML): that it is current, or what is new since its format and what to fill."""
    from safer_analysis import __version__

    number = raw.get(TABLE, {}).get(KEY, 1)
    tool = f"this safer-analysis ({__version__})"
    if number >= CURRENT:
        missing = [a for n in range(2, CURRENT + 1) for a in FORMATS[n].added if a.expected]
        missing = [a for a in missing if not a.present(root, raw)]
        lines = [f"Project format {number}: current, the format {tool} writes."]
        if missing:
            lines[0] = lines[0][:-1] + "; missing, and read as empty (or at their defaults) until you fill them:"
        return lines + [_item(a) for a in missing]
    written = KEY in raw.get(TABLE, {})
    made = (
        f"first written by safer-analysis {FORMATS[number].release}"
        if written
        else "made before the format number existed"
    )
    new = since(number)
    held = [a.name for a in new if a.present(root, raw)]
    lacking = [a for a in new if not a.present(root, raw)]
    lines = [
        f"Project format {number} ({made}); {tool} writes format {CURRENT}, and builds the project as it is.",
        *([f"New since format {number} and already in place: {'; '.join(held)}."] if held else []),
    ]
    if lacking:
        lines.append(
            f"New since format {number} and still to fill (read as empty, or at its default, until you fill it):"
        )
        lines += [_item(a) for a in lacking]
    return [
        *lines,
        f"When you have filled what you need, mark the project as format {CURRENT}: put these two lines at the "
        "end of safer-analysis.toml (or change the format there):",
        f"  [{TABLE}]",
        f"  {KEY} = {CURRENT}",
    ]
