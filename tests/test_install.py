"""The package as a partnership installs it: a wheel in a fresh environment, run in a folder of its
own, never reading or writing this checkout."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REALDATA, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return next(out.glob("safer_analysis-*.whl"))


def test_the_wheel_carries_what_the_commands_need(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "safer_analysis/templates/notebooks/strategic_assessment.ipynb",
        "safer_analysis/templates/notebooks/spend_analysis.ipynb",
        "safer_analysis/reference/population_local_authority.csv",
        "safer_analysis/reference/SOURCES.csv",
        "safer_analysis/cli/__init__.py",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("data/", "tests/", "notebooks/")) for n in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed by pip, dependencies and all."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    done = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (venv / "bin" / "safer-analysis").is_file()  # the console script pip wrote
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    where = subprocess.run(
        [python, "-c", "import safer_analysis; print(safer_analysis.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=venv,
    ).stdout
    assert where.startswith(str(site)), where  # the wheel's copy, not this checkout's
    return venv


def test_init_import_build_in_an_empty_folder_for_another_csp(installed, tmp_path):
    before = _snapshot(ROOT / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFER_ANALYSIS_PROJECT", "PYTHONPATH"))}
    env["PATH"] = f"{installed / 'bin'}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["safer-analysis", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)

    outside = run("check", cwd=work)
    assert outside.returncode == 2 and "safer-analysis init" in outside.stderr
    made = run("init", "torbay-csp", "--csp", "Torbay", "--year", "2018-19", cwd=work)
    assert made.returncode == 0, made.stderr
    project = work / "torbay-csp"
    archives = [
        str(REALDATA / "police-uk-archives" / "devon-and-cornwall-2018"),
        str(REALDATA / "police-uk" / "archive-2019"),
        str(REALDATA / "police-uk-archives" / "devon-and-cornwall-2016-01-to-2017-11"),
    ]
    imported = run("import-police-uk", *archives, cwd=project / "data")  # found from a folder below
    assert imported.returncode == 0, imported.stderr[-2000:]
    assert (project / "data" / "crime" / "torbay-street.parquet").is_file()
    built = run("build", cwd=project)
    assert built.returncode == 0, built.stderr[-3000:]
    pack = project / "outputs" / "2018-19"
    assessment = (pack / "strategic_assessment.html").read_text()
    assert "Torbay" in assessment and "per 1,000" in assessment
    assert "still to be entered" in assessment
    for report in ("allocation_rationale", "spend_analysis"):
        assert "Still to be entered" in (pack / f"{report}.html").read_text()
    assert "Draft." in (pack / "index.html").read_text()
    assert _snapshot(ROOT / "data") == before  # nothing in this checkout was touched
