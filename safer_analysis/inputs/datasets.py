"""Loaders for a project's own inputs in ``data/``: each file read, validated and cross-checked on load.

Reference tables every project shares (populations, severity weights) are not here: they ship
inside the package (:mod:`safer_analysis.inputs.reference`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from safer_analysis.inputs import indicators, link_checks, similar_groups
from safer_analysis.inputs import validation as v
from safer_analysis.inputs.amounts import COMMITTED_STATUSES, _with_amounts  # noqa: F401 - the statuses, as before
from safer_analysis.inputs.documents import Document
from safer_analysis.inputs.validation import Column, Problem

#: Statuses of a line in an allocation plan.
STATUSES = ("allocated", "recommended", "to be confirmed", "awaiting confirmation")
LOCAL_PRIORITY_KINDS = ("priority", "emerging issue", "cross-cutting issue")
MEASURE_TYPES = ("proportion", "count", "rate", "indicator", "deliverable", "qualitative")
DIRECTIONS = ("at least", "at most", "below", "above", "increase", "decrease", "compared with national average")

FILES = {
    "sources": "sources.csv",
    "grants": "grants.csv",
    "allocations": "allocations.csv",
    "pcp_priorities": "pcp_priorities.csv",
    "allocation_pcp_priorities": "allocation_pcp_priorities.csv",
    "local_priorities": "local_priorities.csv",
    "outcome_measures": "outcome_measures.csv",
    "context_figures": "context_figures.csv",
    "threat_risk_harm_scores": "threat_risk_harm_scores.csv",
    "assessment_method": "assessment_method.csv",
    "outcome_returns": "outcome_returns.csv",
    "allocation_local_priorities": "allocation_local_priorities.csv",
    "priority_status": "priority_status.csv",
    "recommendations": "recommendations.csv",
    "known_breaks": "known_breaks.csv",
    "decisions": "decisions.csv",
    "implications": "implications.csv",
}
#: Input files a project made before them may lack: absent, they read as empty (see inputs/project_format.py).
OPTIONAL_FILES = ("recommendations", "priority_status", "known_breaks", "decisions", "implications")

#: The kinds of implication a board paper sets out, in the order it sets them out.
IMPLICATION_KINDS = ("financial", "legal", "equalities")

SOURCE_COLUMNS = [Column("source_document", v.text), Column("source_section", v.text)]
#: a line's part for one priority where its document splits it (blank or absent: not split)
DOCUMENT_AMOUNT = Column("document_amount", v.amount, required=False, absent_ok=True)

SCHEMAS: dict[str, list[Column]] = {
    "sources": [
        Column("document_id", unique=True),
        Column("title"),
        Column("publisher"),
        Column("date"),
        Column("seed_file", required=False),
        Column("standing", required=False, absent_ok=True),
        # yes where the document is a draft (its amounts are proposed); blank or absent: not stated
        Column("draft", v.yes_no, required=False, absent_ok=True),
    ],
    "grants": [
        Column("financial_year", v.financial_year, unique=True),
        Column("funder"),
        Column("recipient"),
        Column("amount", v.amount),
        *SOURCE_COLUMNS,
    ],
    "allocations": [
        Column("allocation_id", unique=True),
        Column("financial_year", v.financial_year),
        Column("theme_key", v.key),
        Column("project"),
        Column("need", required=False),
        Column("description", required=False),
        Column("amount", v.text, required=False),
        Column("total_budget", v.text, required=False),  # read as written ("£2m") and as pounds
        Column("status", v.one_of(STATUSES)),
        Column("provider", required=False),
        Column("contract_end", v.year_month, required=False),
        *SOURCE_COLUMNS,
    ],
    "pcp_priorities": [
        Column("priority", v.integer(1, 99), unique=True),
        Column("name"),
        *SOURCE_COLUMNS,
    ],
    "allocation_pcp_priorities": [
        Column("allocation_id"),
        Column("priority", v.integer(1, 99)),
        Column("basis", v.one_of(("stated", "inferred"))),
        *SOURCE_COLUMNS,
        DOCUMENT_AMOUNT,
    ],
    "local_priorities": [
        Column("priority_key", v.key, unique=True),
        Column("name"),
        Column("kind", v.one_of(LOCAL_PRIORITY_KINDS)),
        *SOURCE_COLUMNS,
    ],
    "outcome_measures": [
        Column("measure_id", unique=True),
        Column("allocation_id"),
        Column("measure"),
        Column("measure_type", v.one_of(MEASURE_TYPES)),
        Column("target", v.number(), required=False),
        Column("unit", required=False),
        Column("direction", v.one_of(DIRECTIONS), required=False),
        Column("tolerance", v.number(minimum=0), required=False, absent_ok=True),
        Column("crime_type", required=False, absent_ok=True),
        *SOURCE_COLUMNS,
    ],
    "context_figures": [
        Column("figure_id", unique=True),
        Column("local_priority", v.key_list),
        Column("description"),
        Column("value_low", v.number(minimum=0)),
        Column("value_high", v.number(minimum=0)),
        Column("unit"),
        Column("approximate", v.yes_no),
        Column("period"),
        Column("geography"),
        Column("source"),
        *SOURCE_COLUMNS,
    ],
    "threat_risk_harm_scores": [
        Column("financial_year", v.financial_year),
        Column("priority_key", v.key),
        Column("harm", v.integer(1, 5)),
        Column("likelihood", v.integer(1, 5)),
        Column("organisational_position", v.integer(1, 5)),
        Column("confidence", v.one_of(("high", "medium", "low"))),
        Column("rationale", required=False),
        Column("illustrative", v.yes_no),
    ],
    "outcome_returns": [
        Column("financial_year", v.financial_year),
        Column("quarter", v.integer(1, 4)),
        Column("measure_id"),
        Column("numerator", v.number(minimum=0), required=False),
        Column("denominator", v.number(minimum=0), required=False),
        Column("value", v.number(minimum=0), required=False),
        Column("illustrative", v.yes_no),
        Column("note", required=False),
    ],
    "allocation_local_priorities": [
        Column("allocation_id"),
        Column("priority_key", v.key),
        Column("basis", v.one_of(("stated", "inferred"))),
        Column("reading", required=False),
        # where the document states the link: its citation (blank or absent: not stated)
        Column("source_document", required=False, absent_ok=True),
        Column("source_section", required=False, absent_ok=True),
        DOCUMENT_AMOUNT,
    ],
    "priority_status": [
        Column("financial_year", v.financial_year),
        Column("priority_key", v.key),
        Column("kind", v.one_of(LOCAL_PRIORITY_KINDS)),
        Column("note", required=False),
        *SOURCE_COLUMNS,
    ],
    "recommendations": [
        Column("financial_year", v.financial_year),
        Column("recommendation"),
        Column("source_document", required=False),
        Column("source_section", required=False),
    ],
    # the paper's author on its decisions: the option recommended, why, and who takes it forward
    "decisions": [
        Column("financial_year", v.financial_year),
        Column("decision", v.text),
        Column("preferred_option", required=False),
        Column("reason", required=False),
        Column("lead", required=False),
    ],
    # the paper's author on what the year's decisions mean in money, in law and for equality
    "implications": [
        Column("financial_year", v.financial_year),
        Column("kind", v.one_of(IMPLICATION_KINDS)),
        Column("text"),
        Column("source", required=False),
    ],
    "known_breaks": [
        Column("first_month", v.year_month),
        Column("last_month", v.year_month, required=False),
        Column("crime_types", v.crime_type_list, required=False),
        Column("what"),
        Column("source", required=False),
    ],
    "assessment_method": [
        Column("parameter", v.key, unique=True),
        Column("value", v.number(minimum=0)),
        Column("meaning"),
    ],
}


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """The data folder to use: the one given, or the data folder of the project around the working folder."""
    if data_dir:
        return Path(data_dir)
    from safer_analysis.inputs.project import resolve_project

    return resolve_project().data_dir


@dataclass(frozen=True)
class Dataset:
    """Every input table, validated; frames are indexed by their source row."""

    root: Path
    sources: pd.DataFrame
    grants: pd.DataFrame
    allocations: pd.DataFrame
    pcp_priorities: pd.DataFrame
    allocation_pcp_priorities: pd.DataFrame
    local_priorities: pd.DataFrame
    outcome_measures: pd.DataFrame
    context_figures: pd.DataFrame
    threat_risk_harm_scores: pd.DataFrame
    assessment_method: pd.DataFrame
    outcome_returns: pd.DataFrame
    allocation_local_priorities: pd.DataFrame
    priority_status: pd.DataFrame
    recommendations: pd.DataFrame
    known_breaks: pd.DataFrame
    #: the paper's author on each decision (decisions.csv, optional: absent means none)
    decisions: pd.DataFrame
    #: the paper's author on the decisions' financial, legal and equalities implications (implications.csv)
    implications: pd.DataFrame
    #: the project's own population figures (population.csv, optional: absent means none)
    population: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: what measures each local priority (priority_measures.csv, or the two files it replaced; absent means none)
    priority_measures: pd.DataFrame = field(default_factory=indicators.priorities.empty)

    def priorities_in(self, year: str) -> pd.DataFrame:
        """The local priorities as the documents stood in ``year``: ``kind`` from priority_status.csv
        where it has the year (with its source), else as first named in local_priorities.csv."""
        out = self.local_priorities.set_index("priority_key")[["name", "kind", "source_document", "source_section"]]
        status = self.priority_status[self.priority_status["financial_year"] == year].set_index("priority_key")
        for key, row in status.iterrows():
            out.loc[key, ["kind", "source_document", "source_section"]] = [
                row["kind"],
                row["source_document"],
                row["source_section"],
            ]
        return out.reset_index()

    @cached_property
    def years(self) -> list[str]:
        """Financial years with a grant, oldest first."""
        return sorted(self.grants["financial_year"])

    def grant_for(self, year: str) -> float:
        """The grant for ``year``, in pounds."""
        row = self.grants[self.grants["financial_year"] == year]
        if row.empty:
            raise KeyError(f"no grant for {year} in {self.root / FILES['grants']}")
        value = row["amount"].iloc[0]
        if value is None or pd.isna(value):
            raise ValueError(
                f"the grant for {year} is still to be confirmed: enter it in "
                f"{self.root / FILES['grants']} (row {row.index[0]}, column 'amount')"
            )
        return float(value)

    def grant_or_none(self, year: str) -> float | None:
        """The grant for ``year`` in pounds, or None while it is still to be confirmed."""
        try:
            return self.grant_for(year)
        except ValueError:
            return None

    def grant_known(self, year: str) -> bool:
        """Whether grants.csv gives an amount for ``year`` (a row, and not Tbc)."""
        return year in set(self.grants["financial_year"]) and self.grant_or_none(year) is not None

    def draft_items(self, year: str) -> list[str]:
        """What is still to be confirmed for ``year``: the grant, amounts, or any allocation at all."""
        items = []
        if self.grant_or_none(year) is None:
            items.append(f"the {year} grant (Tbc in grants.csv)")
        lines = self.allocations_for(year)
        if lines.empty:
            items.append(f"the {year} allocations (none in allocations.csv yet)")
        elif lines["amount"].isna().any():
            n = int(lines["amount"].isna().sum())
            items.append(f"{n} of the {len(lines)} allocation amounts (Tbc or awaiting confirmation)")
        return items

    def allocations_for(self, year: str) -> pd.DataFrame:
        return self.allocations[self.allocations["financial_year"] == year]

    def documents_for(self, year: str) -> list[Document]:
        """The documents behind ``year``'s lines, in the order the lines cite them first (one not
        in sources.csv is left out: the cross-checks refuse it)."""
        table = self.sources.set_index("document_id")
        out = []
        for doc in dict.fromkeys(self.allocations_for(year)["source_document"]):
            if doc not in table.index:
                continue
            standing = table.at[doc, "standing"] if "standing" in table else None
            out.append(
                Document(
                    str(doc),
                    str(table.at[doc, "title"]),
                    standing if isinstance(standing, str) else "",
                    str(table.at[doc, "date"]),
                )
            )
        return out

    def method(self, parameter: str) -> float:
        """A value from assessment_method.csv."""
        row = self.assessment_method[self.assessment_method["parameter"] == parameter]
        if row.empty:
            raise KeyError(f"no parameter {parameter!r} in {self.root / FILES['assessment_method']}")
        return float(row["value"].iloc[0])

    def summary(self) -> list[str]:
        """A few lines for a notebook: the folder, the years and each table's rows (not the rows)."""
        sizes = ", ".join(f"{name} {len(getattr(self, name))}" for name in FILES)
        lines = [f"Dataset from {self.root}", f"Years with a grant: {', '.join(self.years) or 'none yet'}"]
        for year in self.years:
            grant = self.grant_or_none(year)
            lines.append(
                f"  {year}: grant {'Tbc' if grant is None else f'£{grant:,.0f}'}, "
                f"{len(self.allocations_for(year))} allocation lines"
            )
        lines.append(f"Rows per table: {sizes}")
        lines.append("Each table is an attribute (dataset.allocations); meanings: workbench.data_dictionary()")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self.summary())

    def _repr_html_(self) -> str:
        import html

        return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in self.summary()) + "</ul>"

    def input_files(self) -> list[Path]:
        """Every file under the data folder, for hashing into a build manifest."""
        return sorted(p for p in self.root.rglob("*") if p.is_file())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_table(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read one dataset by name (a key of :data:`FILES`), validating its cells."""
    root = resolve_data_dir(data_dir)
    if name not in FILES:
        raise KeyError(f"unknown dataset {name!r}; expected one of {', '.join(FILES)}")
    if name in OPTIONAL_FILES and not (root / FILES[name]).exists():
        return pd.DataFrame({c.name: pd.Series(dtype=object) for c in SCHEMAS[name]})
    frame = v.read_table(root / FILES[name], SCHEMAS[name])
    if name == "allocations":
        frame = _with_amounts(frame, str(root / FILES[name]))
    return frame


def load_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load and cross-check every dataset; raise one DataValidationError listing every fault."""
    root = resolve_data_dir(data_dir)
    if not root.is_dir():
        raise v.DataValidationError([Problem(str(root), None, None, "data folder not found")])
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = similar_groups.problems(root)  # the optional data/similar_groups.csv
    for name in FILES:
        try:
            tables[name] = load_table(name, root)
        except v.DataValidationError as exc:
            problems.extend(exc.problems)
    from safer_analysis.inputs import population  # its optional files; the lookups are read only for rows

    own = None
    try:
        own = population.read_own(root)
        population.read_imported(root)
    except v.DataValidationError as exc:
        problems.extend(exc.problems)
    if "local_priorities" in tables:  # the optional data/indicators.csv and priority_measures.csv
        problems.extend(indicators.problems(root, set(tables["local_priorities"]["priority_key"])))
    v.require(problems)
    v.require(_cross_check(root, tables))
    return Dataset(
        root=root,
        **tables,
        population=own if own is not None else pd.DataFrame(),
        priority_measures=indicators.priorities.read_project(root),
    )


def _not_among(
    label: str, column: str, cells: Iterable[tuple[int, Any]], allowed: set, said: Callable[[Any], str], after: str = ""
) -> list[Problem]:
    """A problem for each of ``cells`` (file row, value) whose value is not ``allowed``: ``said`` of the
    value, then the values expected."""
    expected = ", ".join(sorted(allowed))
    return [
        Problem(label, row, column, f"{said(value)}; expected one of {expected}{after}")
        for row, value in cells
        if value not in allowed
    ]


def _unknown_priority(key: object) -> str:
    return f"unknown local priority {key!r}"


def _unknown_document(document: object) -> str:
    return f"unknown document {document!r}"


def _no_grant(year: object) -> str:
    return f"no grant for {year} in grants.csv"


def _cross_check(root: Path, t: dict[str, pd.DataFrame]) -> list[Problem]:
    problems: list[Problem] = []

    def path(name: str) -> str:
        return str(root / FILES[name])

    documents = set(t["sources"]["document_id"])
    for name, frame in t.items():
        if "source_document" in frame:
            cited = ((row, doc) for row, doc in frame["source_document"].items() if not pd.isna(doc))
            problems += _not_among(
                path(name), "source_document", cited, documents, _unknown_document, after=" (see sources.csv)"
            )

    grants = dict(zip(t["grants"]["financial_year"], t["grants"]["amount"], strict=True))

    alloc = t["allocations"]
    for name in ("allocations", "decisions", "implications"):  # a year's lines, and its paper's author's words
        years = t[name]["financial_year"].items()
        problems += _not_among(path(name), "financial_year", years, set(grants), _no_grant)
    dup_theme = alloc.duplicated(["financial_year", "theme_key"], keep="first")
    for row in alloc.index[dup_theme]:
        problems.append(
            Problem(
                path("allocations"),
                row,
                "theme_key",
                f"theme {alloc.at[row, 'theme_key']!r} appears twice in "
                f"{alloc.at[row, 'financial_year']}: expected one line per theme a year",
            )
        )
    for year, group in alloc.groupby("financial_year"):
        grant = grants.get(year)
        total = group["amount"].sum(skipna=True)
        if grant is not None and not pd.isna(grant) and total > grant + 0.005:
            rows = ", ".join(str(r) for r in group.index)
            problems.append(
                Problem(
                    path("allocations"),
                    None,
                    "amount",
                    f"allocations for {year} total £{total:,.0f}, more than the "
                    f"£{grant:,.0f} grant by £{total - grant:,.0f} (rows {rows})",
                )
            )

    ids = set(alloc["allocation_id"])
    links = t["allocation_pcp_priorities"]
    priorities = set(t["pcp_priorities"]["priority"])
    for row, link in links.iterrows():
        if link["allocation_id"] not in ids:
            problems.append(
                Problem(
                    path("allocation_pcp_priorities"),
                    row,
                    "allocation_id",
                    f"unknown allocation {link['allocation_id']!r}; expected an allocation_id from allocations.csv",
                )
            )
        if link["priority"] not in priorities:
            problems.append(
                Problem(
                    path("allocation_pcp_priorities"),
                    row,
                    "priority",
                    f"unknown Police & Crime Plan priority {link['priority']}; "
                    f"expected one of {', '.join(map(str, sorted(priorities)))}",
                )
            )
    for row in links.index[links.duplicated(["allocation_id", "priority"])]:
        problems.append(
            Problem(
                path("allocation_pcp_priorities"), row, None, "this allocation and priority are already linked above"
            )
        )

    for row, alloc_id in t["outcome_measures"]["allocation_id"].items():
        if alloc_id not in ids:
            problems.append(Problem(path("outcome_measures"), row, "allocation_id", f"unknown allocation {alloc_id!r}"))

    local = set(t["local_priorities"]["priority_key"])
    figures = t["context_figures"]
    keys = ((row, k) for row, ks in figures["local_priority"].items() for k in ks)
    problems += _not_among(path("context_figures"), "local_priority", keys, local, _unknown_priority)
    for row, fig in figures.iterrows():
        if fig["value_low"] > fig["value_high"]:
            problems.append(
                Problem(
                    path("context_figures"), row, "value_high", f"expected at least value_low ({fig['value_low']:g})"
                )
            )
    for name in ("threat_risk_harm_scores", "priority_status"):
        problems += _not_among(path(name), "priority_key", t[name]["priority_key"].items(), local, _unknown_priority)
    for name, verb in (("threat_risk_harm_scores", "scored"), ("priority_status", "given")):
        frame = t[name]
        by = ["financial_year", "priority_key", *(["scorer"] if "scorer" in frame else [])]
        for row in frame.index[frame.duplicated(by)]:
            who = f" by {frame.at[row, 'scorer']}" if "scorer" in frame and frame.at[row, "scorer"] else ""
            problems.append(
                Problem(
                    path(name),
                    row,
                    "priority_key",
                    f"{frame.at[row, 'priority_key']} is {verb} twice{who} for {frame.at[row, 'financial_year']}",
                )
            )
    for row, b in t["known_breaks"].iterrows():
        if isinstance(b["last_month"], str) and b["last_month"] < b["first_month"]:
            problems.append(
                Problem(path("known_breaks"), row, "last_month", f"expected {b['first_month']} or later (first_month)")
            )
    measures = t["outcome_measures"].set_index("measure_id")
    returns = t["outcome_returns"]
    for row in returns.index[returns.duplicated(["financial_year", "quarter", "measure_id"])]:
        problems.append(
            Problem(path("outcome_returns"), row, "quarter", "this measure already has a return for this quarter above")
        )
    for row, r in returns.iterrows():
        if r["measure_id"] not in measures.index:
            problems.append(
                Problem(
                    path("outcome_returns"),
                    row,
                    "measure_id",
                    f"unknown measure {r['measure_id']!r}; expected a measure_id from outcome_measures.csv",
                )
            )
            continue
        kind = measures.at[r["measure_id"], "measure_type"]
        if kind == "proportion":
            if pd.isna(r["numerator"]) or pd.isna(r["denominator"]):
                problems.append(
                    Problem(
                        path("outcome_returns"), row, "numerator", "a proportion needs a numerator and a denominator"
                    )
                )
            elif r["numerator"] > r["denominator"]:
                problems.append(
                    Problem(
                        path("outcome_returns"),
                        row,
                        "numerator",
                        f"expected at most the denominator ({r['denominator']:g})",
                    )
                )
        elif pd.isna(r["value"]):
            problems.append(
                Problem(
                    path("outcome_returns"), row, "value", f"a {kind} measure needs a value (the count in the quarter)"
                )
            )
    links = t["allocation_local_priorities"]
    for row, link in links.iterrows():
        if link["allocation_id"] not in ids:
            problems.append(
                Problem(
                    path("allocation_local_priorities"),
                    row,
                    "allocation_id",
                    f"unknown allocation {link['allocation_id']!r}",
                )
            )
        if link["priority_key"] not in local:
            problems.append(
                Problem(
                    path("allocation_local_priorities"),
                    row,
                    "priority_key",
                    f"unknown local priority {link['priority_key']!r}; expected one of {', '.join(sorted(local))}",
                )
            )
    problems.extend(link_checks.problems(path, t))
    return problems


def file_hashes(dataset: Dataset) -> dict[str, str]:
    """SHA-256 of every file in the data folder, keyed by its path relative to the folder."""
    return {str(p.relative_to(dataset.root)): sha256_file(p) for p in dataset.input_files()}
