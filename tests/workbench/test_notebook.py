"""The exploration notebook runs with papermill in a kernel of this environment, as JupyterLab
starts it (no backend forced), draws its figures inline and answers the three questions; a
malformed year ends in one line saying what was expected, with a hint that works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.slow
PAPERMILL = Path(sys.executable).parent / "papermill"
NOTEBOOK = ROOT / "notebooks" / "exploration.ipynb"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """The kernel `make` registers (Python (safer-analysis), this environment's Python, no
    MPLBACKEND), first on JUPYTER_PATH, and no MPLBACKEND in the environment either."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "safer-analysis"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python (safer-analysis)",
                "language": "python",
            }
        )
    )
    environment = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return {**environment, "JUPYTER_PATH": str(root), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def papermill(out: Path, env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PAPERMILL), str(NOTEBOOK), str(out), *args, "-p", "project", str(ROOT), "--no-progress-bar"],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_exploration_notebook_answers_the_three_questions_with_inline_figures(tmp_path, env):
    done = papermill(tmp_path / "out.ipynb", env)
    assert done.returncode == 0, done.stderr[-3000:]
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    # a plain matplotlib figure (pandas' plot), shown inline after the package was imported
    plain = [o for o in outputs if "image/png" in o.get("data", {}) and "text/html" not in o.get("data", {})]
    assert plain and "Figure" in plain[0]["data"]["text/plain"]
    # the house charts: an image, with the title and subtitle as separate lines above it
    charts = [o for o in outputs if "image/png" in o.get("data", {}) and "text/html" in o.get("data", {})]
    assert len(charts) >= 2
    assert any("Anti-social behaviour per month, Plymouth</div>" in o["data"]["text/html"] for o in charts)
    assert any(
        "Crime and anti-social behaviour per month by type, Plymouth</div>" in o["data"]["text/html"] for o in charts
    )
    text = " ".join(str(o) for o in outputs)
    assert "The ward that rose most was St Peter and the Waterfront: +36" in text  # (a)
    assert "no data for Dec 2017" in text  # (b)
    assert "£400,568, all of the grant" in text and "38.8% of apportioned spend" in text  # (c)
    assert "application/vnd.jupyter.widget-view+json" in text  # the pickers
    assert any(
        "Where Plymouth stands among its 15 most similar partnerships</div>" in o["data"]["text/html"] for o in charts
    )
    assert "E22000040" in text and "25,943" in text  # (d) the group, Derby nearest


@pytest.mark.parametrize("args", [("-p", "financial_year", "2018_19"), ("-r", "financial_year", "2018_19")])
def test_a_malformed_year_ends_in_one_line_with_a_hint_that_works(args, tmp_path, env):
    done = papermill(tmp_path / "out.ipynb", env, *args)
    assert done.returncode != 0
    last = [line for line in done.stderr.splitlines() if line.strip()][-1]
    assert last.startswith("ParameterError: financial_year: got ")
    assert "expected a financial year written YYYY-YY with a hyphen, e.g. 2018-19" in last
    hint = "-p financial_year 2018-19"
    assert hint in last
    again = papermill(tmp_path / "again.ipynb", env, *hint.split())
    assert again.returncode == 0, again.stderr[-2000:]
