"""Scaffold a new financial year's input files from the year before.

``safer-analysis new-year 2019-20`` copies the latest earlier year's grant, plan lines, priority
links, outcome measures and threat, risk and harm scores to the new year, marks every copied
amount as to be confirmed (``Tbc``) and every copied score as illustrative, and lists what the
analyst must fill in. It refuses a year the data already hold, and changes nothing unless the
whole scaffold validates.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from safer_analysis.inputs.datasets import FILES, load_dataset
from safer_analysis.inputs.indicators import priorities
from safer_analysis.inputs.years import FinancialYear


class NewYearError(ValueError):
    """The year cannot be scaffolded (it exists, or there is nothing to copy from)."""


@dataclass
class Scaffold:
    year: str
    copied_from: str
    added: dict[str, int] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Scaffolded {self.year} from {self.copied_from}:"]
        lines += [f"  {name}: {n} row{'s' if n != 1 else ''} added" for name, n in self.added.items() if n]
        lines.append("Now fill in:")
        lines += [f"  {i}. {t}" for i, t in enumerate(self.todo, 1)]
        return "\n".join(lines)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _append(path: Path, rows: list[dict[str, str]]) -> int:
    if not rows:
        return 0
    fields, existing = _read(path)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(existing + rows)
    return len(rows)


def new_year(year: str, data_dir: str | Path, *, publisher: str = "the partnership") -> Scaffold:
    """Add ``year`` to the data in ``data_dir`` by copying the latest earlier year."""
    fy = FinancialYear.parse(year)
    data_dir = Path(data_dir)
    dataset = load_dataset(data_dir)
    if fy.label in dataset.years:
        raise NewYearError(f"{fy.label} already exists in {data_dir / FILES['grants']}: refusing to overwrite it")
    earlier = [y for y in dataset.years if FinancialYear.parse(y) < fy]
    if not earlier:
        raise NewYearError(f"no year before {fy.label} in the data to copy from")
    source = earlier[-1]
    plan_id = f"spending-plan-{fy.label}"
    scaffold = Scaffold(fy.label, source)

    with tempfile.TemporaryDirectory(prefix=".new-year-", dir=data_dir.parent) as tmp:
        work = Path(tmp) / "data"
        shutil.copytree(data_dir, work)

        scaffold.added["sources"] = _append(
            work / FILES["sources"],
            [
                {
                    "document_id": plan_id,
                    "title": f"Spending plan {fy.label} (to be entered)",
                    "publisher": publisher,
                    "date": "to be entered",
                    "seed_file": "",
                }
            ],
        )
        _, grants = _read(work / FILES["grants"])
        last = next(g for g in grants if g["financial_year"] == source)
        scaffold.added["grants"] = _append(
            work / FILES["grants"],
            [
                {
                    **last,
                    "financial_year": fy.label,
                    "amount": "Tbc",
                    "source_document": plan_id,
                    "source_section": "to be entered",
                }
            ],
        )

        _, allocations = _read(work / FILES["allocations"])
        old_lines = [a for a in allocations if a["financial_year"] == source]
        new_ids = {a["allocation_id"]: f"SP-{fy.label}-{i:02d}" for i, a in enumerate(old_lines, 1)}
        scaffold.added["allocations"] = _append(
            work / FILES["allocations"],
            [
                {
                    **a,
                    "allocation_id": new_ids[a["allocation_id"]],
                    "financial_year": fy.label,
                    "amount": "Tbc",
                    "status": "to be confirmed",
                    "contract_end": a["contract_end"] if a["contract_end"] > fy.start.isoformat()[:7] else "",
                    "source_document": plan_id,
                    "source_section": f"copied from {a['allocation_id']}",
                }
                for a in old_lines
            ],
        )

        for name in ("allocation_pcp_priorities", "allocation_local_priorities"):
            fields, links = _read(work / FILES[name])
            copied = []
            for link in links:
                if link["allocation_id"] in new_ids:
                    row = {**link, "allocation_id": new_ids[link["allocation_id"]], "basis": "inferred"}
                    if "source_document" in fields:
                        row.update(source_document=plan_id, source_section=f"copied from {link['allocation_id']}")
                    copied.append(row)
            scaffold.added[name] = _append(work / FILES[name], copied)

        _, measures = _read(work / FILES["outcome_measures"])
        scaffold.added["outcome_measures"] = _append(
            work / FILES["outcome_measures"],
            [
                {
                    **m,
                    "measure_id": new_ids[m["allocation_id"]] + m["measure_id"][len(m["allocation_id"]) :],
                    "allocation_id": new_ids[m["allocation_id"]],
                    "source_document": plan_id,
                    "source_section": f"copied from {m['measure_id']}",
                }
                for m in measures
                if m["allocation_id"] in new_ids
            ],
        )

        _, scores = _read(work / FILES["threat_risk_harm_scores"])
        scaffold.added["threat_risk_harm_scores"] = _append(
            work / FILES["threat_risk_harm_scores"],
            [
                {**s, "financial_year": fy.label, "illustrative": "yes", "rationale": f"copied from {source}: review"}
                for s in scores
                if s["financial_year"] == source
            ],
        )

        migrated = not (work / priorities.FILE).exists() and bool(dataset.priority_measures.attrs.get("files"))
        if migrated:  # a project made before the one mapping: it is written from the two files it replaces
            (work / priorities.FILE).write_text(priorities.to_csv_text(dataset.priority_measures), encoding="utf-8")
            scaffold.added[priorities.FILE] = len(dataset.priority_measures)
        load_dataset(work)  # the whole scaffold must validate before anything changes
        for name in [*FILES.values(), *([priorities.FILE] if migrated else [])]:
            if (work / name).exists():
                os.replace(work / name, data_dir / name)

    scaffold.todo = [
        f"grants.csv: the {fy.label} grant (now Tbc)",
        f"allocations.csv: each {fy.label} line's amount and status (now Tbc / to be confirmed); add or delete lines",
        "allocation_pcp_priorities.csv and allocation_local_priorities.csv: check the copied links (basis inferred)",
        "outcome_measures.csv: check the copied measures and targets",
        f"threat_risk_harm_scores.csv: score each priority for {fy.label} (copied, marked illustrative)",
        f"outcome_returns.csv: add each quarter's returns for {fy.label} as they arrive",
        f"{priorities.FILE}: what measures each priority carries on as it is: check it, "
        f"and add the partners' figures for {fy.label} as they arrive (safer-analysis import-indicators FILE)",
        *(
            [
                f"{priorities.FILE} now holds what {priorities.OLD_CRIME_TYPES} and {priorities.OLD_INDICATORS} "
                "held; those two are no longer read, and you may delete them"
            ]
            if migrated
            else []
        ),
        f"sources.csv: the title and date of the {fy.label} plan ({plan_id})",
        f"decisions.csv: the option you recommend for each decision of the {fy.label} board paper, why, and who "
        "leads (safer-analysis check lists the decisions)",
        "then import the latest police.uk data (safer-analysis import-police-uk) and build "
        f"(safer-analysis build --year {fy.label})",
    ]
    return scaffold
