"""Two other partnerships' projects, made as a new user makes them from real police.uk downloads:
no page, table or workbook of theirs holds a word of Plymouth's, and every sentence is true of
their own data (nothing ranked without priorities, no illustrative scores where none are entered)."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import pytest

from safer_analysis.cli import main

from .conftest import REALDATA

ARCHIVES = REALDATA / "police-uk-archives"
LOOKUPS = REALDATA / "ons-lookups"
YEAR = "2025-26"

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    """Rows into an input file, under the header ``init`` wrote."""
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in header} for r in rows)


def _enter_a_year(data: Path, recipient: str) -> None:
    """A year's money, priorities, scores and an outcome return, none of them illustrative."""
    doc = {"source_document": "plan", "source_section": "1"}
    rows = {
        "sources": [
            {"document_id": "plan", "title": f"{recipient} plan {YEAR}", "publisher": recipient, "date": "2025-04"}
        ],
        "grants": [{"financial_year": YEAR, "funder": "PCC", "recipient": recipient, "amount": "£100,000", **doc}],
        "allocations": [
            {
                "allocation_id": "A1",
                "financial_year": YEAR,
                "theme_key": "asb",
                "project": "Neighbourhood wardens",
                "amount": "£60,000",
                "status": "allocated",
                "provider": "Council",
                **doc,
            },
            {
                "allocation_id": "A2",
                "financial_year": YEAR,
                "theme_key": "exploitation",
                "project": "Youth outreach",
                "amount": "Tbc",
                "status": "to be confirmed",
                "provider": "Charity",
                **doc,
            },
        ],
        "pcp_priorities": [
            {"priority": "1", "name": "Safer streets", **doc},
            {"priority": "2", "name": "Protecting the vulnerable", **doc},
        ],
        "allocation_pcp_priorities": [
            {"allocation_id": "A1", "priority": "1", "basis": "stated", **doc},
            {"allocation_id": "A2", "priority": "2", "basis": "stated", **doc},
        ],
        "local_priorities": [
            {"priority_key": "asb", "name": "Anti-social behaviour", "kind": "priority", **doc},
            {"priority_key": "exploitation", "name": "Exploitation", "kind": "priority", **doc},
        ],
        "priority_measures": [
            {"priority_key": "asb", "source": "police.uk", "measure": "Anti-social behaviour"},
            {"priority_key": "exploitation", "source": "police.uk", "note": "Street-level data carry no flag for it"},
        ],
        "allocation_local_priorities": [
            {"allocation_id": "A1", "priority_key": "asb", "basis": "stated"},
            {"allocation_id": "A2", "priority_key": "exploitation", "basis": "stated"},
        ],
        "threat_risk_harm_scores": [  # 3 x 5 x 3 = 45 against 5 x 3 x 4 = 60: exploitation ranks first
            {
                "financial_year": YEAR,
                "priority_key": "asb",
                "harm": "3",
                "likelihood": "5",
                "organisational_position": "3",
                "confidence": "high",
                "illustrative": "no",
            },
            {
                "financial_year": YEAR,
                "priority_key": "exploitation",
                "harm": "5",
                "likelihood": "3",
                "organisational_position": "4",
                "confidence": "medium",
                "illustrative": "no",
            },
        ],
        "outcome_measures": [
            {
                "measure_id": "M1",
                "allocation_id": "A1",
                "measure": "Residents contacted",
                "measure_type": "count",
                "target": "400",
                "unit": "residents",
                "direction": "at least",
                **doc,
            },
            {
                "measure_id": "M2",
                "allocation_id": "A1",
                "measure": "Anti-social behaviour per 1,000 residents",
                "measure_type": "rate",
                "direction": "decrease",
                "crime_type": "Anti-social behaviour",
                **doc,
            },
        ],
        "outcome_returns": [
            {"financial_year": YEAR, "quarter": "1", "measure_id": "M1", "value": "90", "illustrative": "no"}
        ],
    }
    for name, table in rows.items():
        _write(data / f"{name}.csv", table)


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    """Exeter's project with a year entered, and North Yorkshire's as init leaves it, each built
    from its force's real 2025 download for the twelve months to December 2025."""
    root = tmp_path_factory.mktemp("partnerships")
    made = {}
    for csp, archive, enter in (
        ("Exeter", "devon-and-cornwall-2025", True),
        ("North Yorkshire", "north-yorkshire-2025", False),
    ):
        project = root / csp.lower().replace(" ", "-")
        assert main(["init", str(project), "--csp", csp, "--year", YEAR]) == 0
        if enter:
            _enter_a_year(project / "data", f"Safer {csp}")
            assert main(["check", "--project", str(project)]) == 0
        assert main(["import-police-uk", str(ARCHIVES / archive), "--project", str(project)]) == 0
        assert main(["build", "--project", str(project), "--period-end", "2025-12"]) == 0
        made[csp] = project / "outputs" / YEAR
    return made


def _texts(pack: Path) -> dict[str, str]:
    """Every text the pack holds: pages, tables, summaries, manifest, notebooks and the workbook's sheets."""
    out = {}
    for path in sorted(pack.rglob("*")):
        if path.suffix in (".html", ".csv", ".json", ".ipynb"):
            out[str(path.relative_to(pack))] = path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for member in book.namelist():
                    if member.endswith(".xml"):
                        out[f"{path.name}:{member}"] = book.read(member).decode("utf-8")
    return out


def test_no_page_table_or_workbook_of_another_partnership_holds_plymouth(packs):
    for csp, pack in packs.items():
        texts = _texts(pack)
        assert any(name.endswith(".xlsx:xl/sharedStrings.xml") for name in texts), csp
        assert {"index.html", "strategic_assessment.html"} <= set(texts), csp
        for name, text in texts.items():
            assert "plymouth" not in text.lower(), f"{csp}: {name}"
            assert not re.search(r"\btop 0\b", text), f"{csp}: {name}"
            assert "rests on illustrative" not in text and "ILLUSTRATIVE" not in text, f"{csp}: {name}"


def test_every_report_is_built_where_the_money_is_entered(packs):
    assert {p.name for p in packs["Exeter"].glob("*.html")} >= {
        "strategic_assessment.html",
        "allocation_rationale.html",
        "spend_analysis.html",
    }


def _page_text(path: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(text.replace("&#x27;", "'").replace("&amp;", "&").split())


def _raw_crimes(archive: Path, authority: str) -> int:
    """Crimes (anti-social behaviour apart) in an authority's 2021 LSOAs, from the raw files and the
    raw ONS lookup, a row identical in every field to one already counted (the same Crime ID) once."""
    with open(LOOKUPS / "lookup_lsoa21_ward24_ltla24.csv", encoding="utf-8") as handle:
        codes = {r["lsoa21_code"] for r in csv.DictReader(handle) if r["ltla24_code"] == authority}
    n = 0
    for path in sorted(archive.rglob("*-street.csv")):
        seen = set()
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for r in csv.DictReader(handle):
                if r["LSOA code"] not in codes or r["Crime type"] == "Anti-social behaviour":
                    continue
                if r["Crime ID"] and tuple(r.values()) in seen:
                    continue
                seen.add(tuple(r.values()))
                n += 1
    return n


def test_each_pack_says_what_is_true_of_its_own_data(packs):
    exeter = _page_text(packs["Exeter"] / "strategic_assessment.html")
    crimes = _raw_crimes(ARCHIVES / "devon-and-cornwall-2025", "E07000041")
    assert f"police.uk placed {crimes:,} recorded crimes in Exeter" in exeter
    assert "named 2 priorities. A named priority agrees with this ranking when it is among the top 2" in exeter
    assert "On the analyst's threat, risk and harm scores, Exploitation ranks first" in exeter

    york = _page_text(packs["North Yorkshire"] / "strategic_assessment.html")
    crimes = _raw_crimes(ARCHIVES / "north-yorkshire-2025", "E06000065")
    assert f"police.uk placed {crimes:,} recorded crimes in North Yorkshire" in york
    assert "No local priorities are entered for 2025-26, so none is ranked" in york
    assert "Name the partnership's local priorities and score them" in york
    assert "No local priorities are entered for 2025-26, so there is nothing to set this assessment beside" in york
    summary = json.loads((packs["North Yorkshire"] / "summaries" / "strategic_assessment.json").read_text())
    assert not any("illustrative" in line for line in summary["findings"])


def test_each_pack_compares_its_partnership_with_its_own_similar_group(packs):
    """A 2025 pack shows the latest year of ONS's recorded crime by partnership held, the year
    before its own, and says so; its figures are its own partnership's."""
    from safer_analysis.reports.comparison import compare

    for csp, code in (("Exeter", "E22000049"), ("North Yorkshire", "E22000372")):
        page = _page_text(packs[csp] / "strategic_assessment.html")
        c = compare(code)
        total = c.table.iloc[0]
        assert "How we compare with similar partnerships" in page, csp
        assert (
            "for the year ending December 2024, the latest year held: the rest of this assessment covers the year to "
            "Dec 2025" in page
        ), csp
        assert f"In the year ending December 2024, {csp} recorded {int(total['count']):,} crimes" in page, csp
        listed = page[page.index("nearest first") :]
        assert all(name in listed for name in c.group["csp_name"]), csp
