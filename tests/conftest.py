"""Shared fixtures: the repository's own project (Plymouth), a scratch copy of it to break, and
paths to ../shared.

Tests that read ``../shared`` are marked ``shared``; without the folder they are skipped with a
reason (``make test-fast`` on a bare clone), unless ``SAFER_ANALYSIS_REQUIRE_SHARED=1`` (as in CI)
makes its absence an error."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.project import SETTINGS_FILE, load_project

ROOT = Path(__file__).resolve().parent.parent
#: Reference and real data kept beside the repository (never copied into it).
SHARED = Path(os.environ.get("SAFER_ANALYSIS_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
REALDATA = SHARED / "realdata"
#: The bundled project's police.uk store (a real extract, committed).
CRIME_FILE = ROOT / "data" / "crime" / "plymouth-street.parquet"


def pytest_collection_modifyitems(config, items):
    if SHARED.is_dir() or os.environ.get("SAFER_ANALYSIS_REQUIRE_SHARED") == "1":
        return
    skip = pytest.mark.skip(reason=f"needs the shared reference and real data in {SHARED}, which is absent")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def project():
    """The repository itself: Safer Plymouth's project."""
    return load_project(ROOT)


@pytest.fixture(scope="session")
def dataset(project):
    return load_dataset(project.data_dir)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's project: settings, data (with the crime store) and notebooks."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copyfile(ROOT / SETTINGS_FILE, target / SETTINGS_FILE)
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    return target


@pytest.fixture
def data_copy(project_copy: Path) -> Path:
    """The data folder of a writable copy of the project (``data_copy.parent`` is the project)."""
    return project_copy / "data"


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
    assert main(["build", "--all-years", "--out", str(out), "--project", str(ROOT)]) == 0
    return out


def patch_police_uk(patch: pytest.MonkeyPatch, name: str, value) -> None:
    """Set ``name`` to ``value`` in every module of the police.uk package that holds it (each
    module binds the names it imports from the others)."""
    import importlib
    import pkgutil

    import safer_analysis.inputs.police_uk as package

    found = False
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, name):
            patch.setattr(module, name, value)
            found = True
    assert found, f"no module of the police.uk package holds {name}"
