"""Every notebook runs with the plain papermill command, inside the project or from anywhere with
``-p project DIR``, and the exploration notebook runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from safer_analysis.pipeline.kernel import kernel_dir
from safer_analysis.reports.registry import PRODUCTS

from ..conftest import ROOT

NOTEBOOK_DIR = ROOT / "notebooks"

pytestmark = pytest.mark.slow
PAPERMILL = Path(sys.executable).parent / "papermill"


@pytest.fixture(scope="module")
def env():
    """The environment a shell in the project's venv has: its kernel found by name."""
    folder = kernel_dir()
    return {**os.environ, "JUPYTER_PATH": str(folder)}


def run_papermill(notebook: Path, out: Path, env, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAPERMILL), str(notebook), str(out), *args, "--no-progress-bar"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("product", list(PRODUCTS))
def test_plain_papermill_command_from_another_folder(product, tmp_path, env):
    done = run_papermill(
        NOTEBOOK_DIR / f"{product}.ipynb",
        tmp_path / "out.ipynb",
        env,
        "-p",
        "financial_year",
        "2018-19",
        "-p",
        "project",
        str(ROOT),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert any("2018-19" in str(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_plain_papermill_command_inside_the_project_finds_it(project_copy, env):
    """Run in a folder below the project, with no project parameter: the project is found upwards."""
    below = project_copy / "notebooks"
    done = run_papermill(below / "spend_analysis.ipynb", project_copy / "out.ipynb", env, cwd=below)
    assert done.returncode == 0, done.stderr[-2000:]
    nb = nbformat.read(project_copy / "out.ipynb", as_version=4)
    assert any("2018-19" in str(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_plain_papermill_outside_any_project_says_how_to_make_one(tmp_path, env):
    done = run_papermill(NOTEBOOK_DIR / "spend_analysis.ipynb", tmp_path / "out.ipynb", env, cwd=tmp_path)
    assert done.returncode != 0
    assert "no safer-analysis project here" in done.stderr and "safer-analysis init" in done.stderr


def test_plain_papermill_with_a_malformed_year_fails_loudly(tmp_path, env):
    done = run_papermill(
        NOTEBOOK_DIR / "spend_analysis.ipynb",
        tmp_path / "out.ipynb",
        env,
        "-p",
        "financial_year",
        "2018-20",
        "-p",
        "project",
        str(ROOT),
        cwd=tmp_path,
    )
    assert done.returncode != 0 and "2018-20" in done.stderr


@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_exploration_notebook_runs(year, tmp_path, env):
    done = run_papermill(
        NOTEBOOK_DIR / "exploration.ipynb",
        tmp_path / "out.ipynb",
        env,
        "-p",
        "financial_year",
        year,
        "-p",
        "project",
        str(ROOT),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = " ".join(str(o) for c in text.cells if c.cell_type == "code" for o in c.outputs)
    assert "of apportioned spend" in outputs and "Safer Plymouth" in outputs
