"""The analyst's yearly routine, end to end, on a made-up year (2019-20)."""

from __future__ import annotations

import json

import pytest

from safer_analysis import synthetic
from safer_analysis.cli import main
from safer_analysis.data import FILES

from .conftest import edit_cell, read_rows

pytestmark = pytest.mark.slow


def test_new_year_fill_in_import_build(data_copy, tmp_path, capsys):
    # 1. scaffold the new year
    assert main(["new-year", "2019-20", "--data", str(data_copy)]) == 0
    assert "Now fill in" in capsys.readouterr().out
    # 2. fill in: the grant and every line's amount
    grants = data_copy / FILES["grants"]
    edit_cell(grants, len(read_rows(grants)) - 1, "amount", "£410,000")
    allocations = data_copy / FILES["allocations"]
    amounts = {"SP-2019-20-01": "£170,000", "SP-2019-20-02": "£25,000", "SP-2019-20-03": "£98,500"}
    for i, row in enumerate(read_rows(allocations)):
        if row["allocation_id"] in amounts:
            edit_cell(allocations, i, "amount", amounts[row["allocation_id"]])
            edit_cell(allocations, i, "status", "allocated")
    assert main(["check", "--data", str(data_copy)]) == 0
    # 3. import police.uk data covering the year (synthetic here, in the police.uk format)
    archive = synthetic.generate(tmp_path / "police.zip", first="2016-04", n_months=48)
    cache = tmp_path / "plymouth-street.parquet"
    assert main(["import-police-uk", str(archive), "--csp", "Plymouth", "--out", str(cache)]) == 0
    # 4. build
    out = tmp_path / "out"
    assert main(["build", "--year", "2019-20", "--data", str(data_copy), "--out", str(out),
                 "-p", f"crime_data={cache}"]) == 0
    pack = out / "2019-20"
    for page in ("index", "strategic_assessment", "allocation_rationale", "spend_analysis"):
        assert (pack / f"{page}.html").is_file()
    spend = json.loads((pack / "summaries" / "spend_analysis.json").read_text())
    assert "£293,500 of the £410,000 grant" in spend["findings"][0]
    assert "£116,500" in spend["findings"][0]  # still to allocate
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["parameters"]["crime_data"] == str(cache)
    assert list(manifest["other_inputs"]) == [str(cache.resolve())]
