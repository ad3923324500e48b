"""The project format: the table of what each format added stays true of the package, a project of
a newer format is refused saying to upgrade, and check says whether a project is current."""

from __future__ import annotations

import tomllib

import pytest

from safer_analysis import __version__
from safer_analysis.cli import main
from safer_analysis.errors import SettingsError
from safer_analysis.inputs import datasets, project_format
from safer_analysis.inputs.project import _KEYS, SETTINGS_FILE, load_project, parse_settings
from safer_analysis.inputs.project_format import CURRENT, FORMATS, report

from ..conftest import ROOT


def test_every_format_up_to_the_current_one_is_listed_and_only_the_first_adds_nothing():
    assert sorted(FORMATS) == list(range(1, CURRENT + 1))
    assert all(FORMATS[n].number == n for n in FORMATS)
    assert FORMATS[1].added == () and all(FORMATS[n].added for n in range(2, CURRENT + 1))


@pytest.mark.parametrize("added", project_format.since(1), ids=lambda a: a.name)
def test_each_addition_names_what_the_package_reads(added):
    """A setting is one the settings file takes; a column is one its file's schema may lack (so an
    older file loads); a data file added is one a project may lack, and check gives its header."""
    assert added.holds and added.meanwhile and added.fill
    assert set(added.settings) <= set(_KEYS.values())
    if added.columns:
        name = added.files[0].removeprefix("data/")
        table = next(t for t, f in datasets.FILES.items() if f == name)
        schema = {c.name: c for c in datasets.SCHEMAS[table]}
        assert all(schema[c].absent_ok for c in added.columns), added.name
    elif added.files and added.files[0].endswith(".csv") and added.expected:
        assert added.header(), added.name
        table = next((t for t, f in datasets.FILES.items() if f == added.files[0].removeprefix("data/")), None)
        assert table is None or table in datasets.OPTIONAL_FILES, f"{added.name} must be optional"


def test_the_repository_project_is_current(capsys):
    assert load_project(ROOT).settings.format == CURRENT
    assert main(["check", "--project", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[-1]
        == f"Project format {CURRENT}: current, the format this safer-analysis ({__version__}) writes."
    )


def test_a_current_project_without_an_optional_file_is_told_it_reads_as_empty(project_copy, capsys):
    (project_copy / "data" / "known_breaks.csv").unlink()
    assert main(["check", "--project", str(project_copy)]) == 0
    out = capsys.readouterr().out
    tail = out[out.index(f"Project format {CURRENT}: current") :]
    assert "missing, and read as empty" in tail and "data/known_breaks.csv" in tail
    assert "header: first_month,last_month,crime_types,what,source" in tail
    assert "recommendations.csv" not in tail  # only what is missing


def _with_format(text: str, value: str) -> str:
    return text + f"\n[project]\nformat = {value}\n"


def _settings_without_format() -> str:
    text = (ROOT / SETTINGS_FILE).read_text(encoding="utf-8")
    return text[: text.index("[project]")]


@pytest.mark.parametrize("extra", ["", '\n[reports2]\nwhatever = "new"\n'])
def test_a_project_of_a_newer_format_is_refused_saying_to_upgrade(project_copy, capsys, extra):
    """Even where it holds a setting this version does not know: the format is judged first."""
    (project_copy / SETTINGS_FILE).write_text(_with_format(_settings_without_format(), str(CURRENT + 1)) + extra)
    with pytest.raises(SettingsError, match=rf"format {CURRENT + 1}, newer than this safer-analysis"):
        load_project(project_copy)
    assert main(["check", "--project", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert "Upgrade safer-analysis" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["0", '"2"', "2.0", "true"])
def test_a_format_that_is_not_a_whole_number_it_knows_is_refused(tmp_path, value):
    text = _with_format(_settings_without_format(), value)
    with pytest.raises(SettingsError, match=rf"\[project\] format should be a whole number from 1 to {CURRENT}"):
        parse_settings(text, tmp_path / SETTINGS_FILE)


def test_settings_without_a_format_are_format_1(tmp_path):
    assert parse_settings(_settings_without_format(), tmp_path / SETTINGS_FILE).format == 1


def test_an_older_project_is_told_what_is_new_and_how_to_mark_it_current(tmp_path):
    """The report itself: every addition since the format is either in place or to fill, with
    what it holds and how to fill it, and the lines that mark the project current end it."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "known_breaks.csv").write_text("first_month,last_month,crime_types,what,source\n")
    raw = tomllib.loads(_settings_without_format())
    lines = report(tmp_path, raw)
    assert lines[0].startswith("Project format 1 (made before the format number existed)")
    assert f"writes format {CURRENT}, and builds the project as it is" in lines[0]
    assert "already in place: data/known_breaks.csv; [reports] marking; [board]" in lines[1]
    items = [line for line in lines if line.startswith("  - ")]
    assert [i.split(":")[0] for i in items] == [
        f"  - {a.name}" for a in project_format.since(1) if not a.present(tmp_path, raw)
    ]
    assert any(i.startswith("  - data/recommendations.csv:") and "Until then: " in i for i in items)
    assert any("safer-analysis import-indicators FILE" in i for i in items)
    assert lines[-2:] == ["  [project]", f"  format = {CURRENT}"]


def test_the_analysts_guide_to_upgrading_names_every_addition():
    """docs/analyst/upgrading.md keeps a table of what each format added: every file, column and
    setting of the package's table is on it."""
    text = (ROOT / "docs" / "analyst" / "upgrading.md").read_text(encoding="utf-8")
    for added in project_format.since(1):
        for table, key in added.settings:
            assert f"[{table}]" in text and (key in text or not added.expected), added.name
        for column in added.columns:
            assert f"`{column}`" in text, added.name
        if added.files and not added.settings and not added.columns:
            assert f"`{added.files[0]}`" in text, added.name


def test_a_project_that_gives_an_older_format_is_told_which_release_wrote_it(tmp_path):
    raw = tomllib.loads(_with_format(_settings_without_format(), "1"))
    assert report(tmp_path, raw)[0].startswith(
        f"Project format 1 (first written by safer-analysis {FORMATS[1].release})"
    )
