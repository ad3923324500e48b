"""Projects survive upgrades: a project of every kept format (tests/fixtures/projects/) builds with
today's code, today's init writes exactly the current format's files, and today's Plymouth project
taken back to format 1 builds while check says what is new and what to fill."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs.project import SETTINGS_FILE
from safer_analysis.inputs.project_format import CURRENT, FORMATS

from ..conftest import ROOT
from .project_fixtures import copy_to, files, fixture, kept, made_today

BUMP = (
    f"today's init no longer writes the files of project format {CURRENT} ({fixture(CURRENT)}). If the change "
    f"is meant, it is a new format: set CURRENT to {CURRENT + 1} in safer_analysis/inputs/project_format.py and "
    "list what it adds in FORMATS, add the change under Project format in CHANGELOG.md, keep the old fixture as "
    "it is, and write the new one with `python -m tests.scaffold.project_fixtures`"
)


def test_a_fixture_is_kept_for_every_format():
    assert kept() == sorted(FORMATS) == list(range(1, CURRENT + 1))


def test_init_writes_exactly_the_current_formats_files(tmp_path):
    """The same files, the same CSV files to the byte, and the same settings (comments aside).
    The README is prose for the analyst: it may change without a new format."""
    made = made_today(tmp_path / "project")
    held = files(fixture(CURRENT))
    assert sorted(made) == sorted(held), BUMP
    for name in made:
        if name == SETTINGS_FILE:
            assert tomllib.loads(made[name].decode()) == tomllib.loads(held[name].decode()), BUMP
        elif name != "README.md":
            assert made[name] == held[name], f"{name}: {BUMP}"
    assert tomllib.loads(made[SETTINGS_FILE].decode())["project"] == {"format": CURRENT}


def test_a_format_1_fixture_has_no_format_and_loads(tmp_path):
    """The first init's project, read by today's loaders: its missing files and columns read as empty."""
    from safer_analysis.inputs.datasets import load_dataset
    from safer_analysis.inputs.project import load_project

    project = load_project(copy_to(1, tmp_path / "project"))
    assert "project" not in tomllib.loads(project.settings_file.read_text()) and project.settings.format == 1
    dataset = load_dataset(project.data_dir)
    assert dataset.recommendations.empty and dataset.priority_status.empty and dataset.known_breaks.empty
    assert "standing" in dataset.sources and dataset.sources["standing"].isna().all()


@pytest.mark.slow
@pytest.mark.parametrize("number", kept())
def test_every_kept_fixture_checks_and_builds(tmp_path, capsys, number):
    project = copy_to(number, tmp_path / "project")
    assert main(["check", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    if number < CURRENT:
        assert f"Project format {number} (" in out and f"writes format {CURRENT}" in out
        assert f"New since format {number} and still to fill" in out
    else:
        assert f"Project format {number}: current" in out and "still to fill" not in out
    assert main(["build", "--project", str(project), "--out", str(tmp_path / "out")]) == 0
    pack = tmp_path / "out" / "2018-19"
    assert (pack / "strategic_assessment.html").is_file() and (pack / "plymouth-board-pack-2018-19.xlsx").is_file()
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert "Safer Plymouth" in index and "OFFICIAL" in index  # the marking's default where none is set


#: What format 2 added that today's Plymouth project holds and a format-1 project need not.
ADDED_FILES = [
    a.files[0] for a in FORMATS[2].added if a.files and not a.columns and a.files[0].endswith(".csv") and a.expected
]


def plymouth_as_format_1(where: Path) -> Path:
    """Today's Plymouth project with no [project] table, no [board] table or marking, and none of
    the files format 2 added."""
    where.mkdir()
    text = (ROOT / SETTINGS_FILE).read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[(project|board)\].*?(?=^\[|\Z)", "", text)
    text = re.sub(r"(?m)^marking = .*\n", "", text)
    (where / SETTINGS_FILE).write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "data", where / "data")
    for name in ADDED_FILES:
        (where / name).unlink(missing_ok=True)
    return where


@pytest.mark.slow
def test_plymouth_taken_back_to_format_1_builds_and_check_says_what_to_fill(tmp_path, capsys):
    project = plymouth_as_format_1(tmp_path / "project")
    raw = tomllib.loads((project / SETTINGS_FILE).read_text())
    assert "project" not in raw and "board" not in raw and "marking" not in raw["reports"]
    assert not any((project / name).exists() for name in ADDED_FILES) and len(ADDED_FILES) >= 6

    assert main(["check", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    tail = out[out.index("Project format 1") :].splitlines()
    to_fill = tail[tail.index(next(t for t in tail if "still to fill" in t)) + 1 :]
    for name in [*ADDED_FILES, "[reports] marking", "[board] meeting, date, author and paper_for"]:
        line = next((t for t in to_fill if t.startswith(f"  - {name}:")), None)
        assert line is not None, f"check does not say to fill {name}"
        assert "Until then: " in line and "To fill it: " in line
    assert "already in place: columns standing and draft in data/sources.csv" in out
    assert tail[-2:] == ["  [project]", f"  format = {CURRENT}"]

    out_dir = tmp_path / "out"
    assert main(["build", "--year", "2018-19", "--project", str(project), "--out", str(out_dir)]) == 0
    pack = out_dir / "2018-19"
    for page in ("index", "strategic_assessment", "allocation_rationale", "spend_analysis"):
        assert (pack / f"{page}.html").is_file(), page

    # marked current as check says, with the files still absent: current, and they are named as missing
    with open(project / SETTINGS_FILE, "a", encoding="utf-8") as handle:
        handle.write(f"\n[project]\nformat = {CURRENT}\n")
    assert main(["check", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert f"Project format {CURRENT}: current" in out and "missing, and read as empty" in out
    assert "data/recommendations.csv" in out[out.index(f"Project format {CURRENT}") :]
