"""The analyst's yearly routine, end to end, on a new year (2019-20) of a copy of the project:
import the latest police.uk months, scaffold the year, build it as a draft while amounts are
still Tbc, fill them in, build again."""

from __future__ import annotations

import json

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs.datasets import FILES

from .conftest import REALDATA, edit_cell, read_rows

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def test_import_new_year_draft_fill_in_build(project_copy, capsys):
    project = ["--project", str(project_copy)]
    data = project_copy / "data"
    # 1. import the latest download: 2019 adds months after those held and replaces none it lacks
    assert main(["import-police-uk", str(REALDATA / "police-uk" / "archive-2019"), *project]) == 0
    # 2. scaffold the new year
    assert main(["new-year", "2019-20", *project]) == 0
    assert "Now fill in" in capsys.readouterr().out
    # 3. build while the grant and every amount are still Tbc: a draft, saying what is to be confirmed
    assert main(["build", "--year", "2019-20", *project]) == 0
    pack = project_copy / "outputs" / "2019-20"
    for page in ("index", "strategic_assessment", "allocation_rationale", "spend_analysis"):
        text = (pack / f"{page}.html").read_text()
        assert "Draft." in text and "the 2019-20 grant (Tbc in grants.csv)" in text, page
    spend = json.loads((pack / "summaries" / "spend_analysis.json").read_text())
    assert "still to be confirmed" in spend["findings"][0]
    # 4. fill in: the grant and three lines' amounts
    grants = data / FILES["grants"]
    edit_cell(grants, len(read_rows(grants)) - 1, "amount", "£410,000")
    allocations = data / FILES["allocations"]
    amounts = {"SP-2019-20-01": "£170,000", "SP-2019-20-02": "£25,000", "SP-2019-20-03": "£98,500"}
    for i, row in enumerate(read_rows(allocations)):
        if row["allocation_id"] in amounts:
            edit_cell(allocations, i, "amount", amounts[row["allocation_id"]])
            edit_cell(allocations, i, "status", "allocated")
    assert main(["check", *project]) == 0
    # 5. build again
    assert main(["build", "--year", "2019-20", *project]) == 0
    spend = json.loads((pack / "summaries" / "spend_analysis.json").read_text())
    assert "£293,500 of the £410,000 grant" in spend["findings"][0]
    assert "£116,500" in spend["findings"][0]  # still to allocate
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["financial_year"] == "2019-20" and manifest["partnership"] == "Safer Plymouth"
