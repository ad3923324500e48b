"""Shared fixtures: the bundled data, a scratch copy of it to break, and paths to ../shared."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from safer_analysis.data import default_data_dir, load_dataset

ROOT = Path(__file__).resolve().parent.parent
#: Reference and real data kept beside the repository (never copied into it).
SHARED = Path(os.environ.get("SAFER_ANALYSIS_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(default_data_dir())


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def edit_cell(path: Path, row_index: int, column: str, value: str) -> None:
    """Set one cell: ``row_index`` 0 is the first data row (row 2 of the file)."""
    rows = read_rows(path)
    rows[row_index][column] = value
    write_rows(path, rows)


@pytest.fixture(scope="session")
def packs(tmp_path_factory):
    """Board packs for every year in the bundled data, built once through the command line."""
    from safer_analysis.cli import main

    out = tmp_path_factory.mktemp("packs")
    assert main(["build", "--all-years", "--out", str(out)]) == 0
    return out
