"""Any CSP in England and Wales: several cut from one read, and an assessment for another area."""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import areas
from safer_analysis.inputs import police_uk as pu
from safer_analysis.inputs.names import store_name
from safer_analysis.inputs.police_uk import files

from .conftest import CRIME_FILE, SHARED, patch_police_uk

REAL = SHARED / "realdata" / "police-uk" / "archive-2019"


@pytest.mark.shared
def test_several_csps_from_one_read_match_independent_counts(tmp_path, monkeypatch):
    reads = []
    original = files._read_member
    patch_police_uk(monkeypatch, "_read_member", lambda m, z, *a: reads.append(m.month) or original(m, z, *a))
    csps = ["Plymouth", "Torbay", "Exeter", "Cornwall"]
    reports = pu.import_many(REAL, {c: areas.resolve(c).lsoa_codes for c in csps}, tmp_path)
    assert len(reads) == len(set(reads)) == 12  # every monthly file read once for all four
    expected = Counter()
    for path in sorted(REAL.rglob("*-street.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for record in csv.DictReader(handle):
                for c in csps:  # independently: these four are whole authorities whose LSOA names start so
                    if record["LSOA name"].startswith(c + " "):
                        expected[c] += 1
    for c in csps:
        frame = pu.load_crimes(tmp_path / store_name(c))
        assert len(frame) == reports[c].rows_kept == expected[c] > 0
        assert frame["lsoa_name"].str.startswith(c + " ").all()


@pytest.mark.shared
def test_cli_imports_several_csps(tmp_path, capsys):
    assert main(["import-police-uk", str(REAL), "--csp", "Torbay", "--csp", "Exeter", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "torbay-street.parquet").exists() and (tmp_path / "exeter-street.parquet").exists()


@pytest.mark.slow
def test_assessment_builds_for_another_csp(tmp_path):
    """Plymouth's data relabelled as another area: the assessment follows the area asked for."""
    crimes = pu.load_crimes(CRIME_FILE)
    crimes["lsoa_name"] = crimes["lsoa_name"].str.replace("Plymouth ", "Exeter ", regex=False)
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "exeter-street.parquet"
    meta = {pu.METADATA_KEY: b'{"csp": "Exeter", "synthetic": true}'}
    pq.write_table(pa.Table.from_pandas(crimes, preserve_index=False).replace_schema_metadata(meta), path)
    out = tmp_path / "out"
    assert (
        main(
            [
                "build",
                "--year",
                "2018-19",
                "--product",
                "strategic_assessment",
                "--csp",
                "Exeter",
                "--out",
                str(out),
                "-p",
                f"crime_data={path}",
            ]
        )
        == 0
    )
    html = (out / "2018-19" / "strategic_assessment.html").read_text()
    assert "Exeter" in html and "ONS mid-2018 population estimate" in html
    assert (
        main(
            [
                "build",
                "--year",
                "2018-19",
                "--product",
                "strategic_assessment",
                "--csp",
                "Plymouth",
                "--out",
                str(out),
                "-p",
                f"crime_data={path}",
            ]
        )
        == 1
    )  # data for another area is refused
    assert pd.read_csv(out / "2018-19" / "tables" / "strategic_assessment__volumes.csv").shape[0] > 10
