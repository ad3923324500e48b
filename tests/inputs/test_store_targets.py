"""An import writes its store only over a store: never over an input, the settings, a user's
file, or a parquet file or counts file the tool did not write."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import police_uk as pu

from .test_police_uk import sample, write_folder


@pytest.fixture
def downloads(tmp_path):
    return write_folder(tmp_path / "dl", sample())


@pytest.mark.parametrize("new_store", [False, True])
@pytest.mark.parametrize("target", ["data/grants.csv", "safer-analysis.toml", "mynotes.txt"])
def test_an_import_never_replaces_a_file_that_is_not_a_store(project_copy, downloads, capsys, target, new_store):
    path = project_copy / target
    if not path.exists():
        path.write_text("the analyst's own notes\n")
    before = path.read_bytes()
    args = [
        "import-police-uk",
        str(downloads),
        "--area",
        "Plymouth",
        "--out",
        str(path),
        "--project",
        str(project_copy),
    ]
    assert main(args + (["--new-store"] if new_store else [])) == 2
    err = capsys.readouterr().err
    assert "a crime store is a .parquet file" in err and len(err.splitlines()) == 1
    assert path.read_bytes() == before


def test_a_parquet_file_the_tool_did_not_write_is_refused(project_copy, downloads, capsys):
    theirs = project_copy / "theirs.parquet"
    pq.write_table(pa.table({"x": [1, 2]}), theirs)
    before = theirs.read_bytes()
    args = ["import-police-uk", str(downloads), "--all-areas", "--out", str(theirs), "--project", str(project_copy)]
    assert main(args + ["--new-store"]) == 2
    assert "a parquet file safer-analysis did not write" in capsys.readouterr().err
    assert theirs.read_bytes() == before


def test_a_users_file_where_the_counts_would_go_is_refused(project_copy, downloads, capsys):
    store = project_copy / "data" / "crime" / "all-areas-street.parquet"
    counts = pu.counts_file(store)
    counts.write_text("my,own,table\n1,2,3\n")
    args = ["import-police-uk", str(downloads), "--all-areas", "--project", str(project_copy)]
    assert main(args) == 2
    assert "is a file safer-analysis did not write" in capsys.readouterr().err
    assert counts.read_text() == "my,own,table\n1,2,3\n" and not store.exists()


def test_a_store_and_its_counts_are_replaced_as_before(project_copy, downloads):
    args = ["import-police-uk", str(downloads), "--all-areas", "--project", str(project_copy)]
    assert main(args) == 0 and main(args) == 0  # the shipped counts file, and then its own store, are the tool's
    damaged = project_copy / "data" / "crime" / "plymouth-street.parquet"
    damaged.write_bytes(b"not parquet")  # a damaged store is remade with --new-store, as its message says
    args = ["import-police-uk", str(downloads), "--area", "Plymouth", "--project", str(project_copy), "--new-store"]
    assert main(args) == 0 and len(pu.load_crimes(damaged)) > 0
