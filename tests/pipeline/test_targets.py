"""A build writes only into what it made: never into a project, a folder of a user's files, the
project's data/, or a pack holding files the build did not write."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from safer_analysis.cli import main
from safer_analysis.errors import ParameterError
from safer_analysis.pipeline.targets import TOOL, check_target, foreign_files, made_by_tool


def made_pack(folder: Path, index: str = "the last good pack", **manifest) -> Path:
    """A pack as a build leaves it: an index page and a manifest naming the tool and its files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(index)
    fields = {"tool": TOOL, "financial_year": folder.name, "files": ["index.html", "manifest.json"], **manifest}
    (folder / "manifest.json").write_text(json.dumps(fields))
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder below ``folder`` with the SHA-256 of each file's bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(folder.rglob("*"))
    }


def build(*args: str) -> int:
    """The command line's exit code for ``safer-analysis build ARGS``."""
    try:
        return main(["build", "--year", "2018-19", *args])
    except SystemExit as stop:  # pragma: no cover - argparse's own errors
        return int(stop.code)


# ---- the cases the issue found: a project, a user's folder, data/ -----------------------------


def test_out_at_the_folder_holding_a_project_named_as_the_year_leaves_it_untouched(project_copy, capsys):
    """``--out ..`` from a project folder named 2018-19 once replaced the whole project."""
    project = project_copy.parent / "work" / "2018-19"
    project.parent.mkdir()
    shutil.move(project_copy, project)
    (project / "notes.txt").write_text("the analyst's notes")
    before = snapshot(project.parent)
    assert build("--project", str(project), "--out", str(project.parent)) == 2
    err = capsys.readouterr().err
    assert f"{project} holds the project" in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert snapshot(project.parent) == before


def test_out_at_an_ancestor_of_the_project_is_refused(project_copy, capsys):
    """A target that holds the project anywhere below it is refused too, though it has another name."""
    project = project_copy.parent / "2018-19" / "csp" / "project"
    project.parent.mkdir(parents=True)
    shutil.move(project_copy, project)
    before = snapshot(project.parent.parent)
    assert build("--project", str(project), "--out", str(project.parent.parent.parent)) == 2
    assert "holds the project" in capsys.readouterr().err
    assert snapshot(project.parent.parent) == before


def test_out_at_a_folder_of_a_users_files_leaves_them_untouched(tmp_path, capsys):
    own = tmp_path / "2018-19"
    (own / "drafts").mkdir(parents=True)
    (own / "board-notes.docx").write_bytes(b"PK\x03\x04 the chair's notes")
    (own / "drafts" / "index.html").write_text("a page the user wrote")
    before = snapshot(tmp_path)
    assert build("--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"{own} already exists and is not a pack safer-analysis built" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_out_inside_the_projects_data_is_refused(project_copy, capsys):
    before = snapshot(project_copy / "data")
    assert build("--project", str(project_copy), "--out", str(project_copy / "data")) == 2
    assert "is inside the project's data folder" in capsys.readouterr().err
    assert build("--project", str(project_copy), "--out", str(project_copy / "data" / "packs")) == 2
    assert snapshot(project_copy / "data") == before


def test_a_pack_holding_a_file_the_build_did_not_write_is_left_whole(tmp_path, capsys):
    pack = made_pack(tmp_path / "2018-19")
    (pack / "my-commentary.txt").write_text("written by the analyst into the pack")
    before = snapshot(tmp_path)
    assert build("--out", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "my-commentary.txt, which the build did not write" in err
    assert snapshot(tmp_path) == before


def test_a_link_at_the_target_is_refused(tmp_path, capsys):
    elsewhere = made_pack(tmp_path / "elsewhere" / "2018-19")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "2018-19").symlink_to(elsewhere, target_is_directory=True)
    assert build("--out", str(tmp_path / "out")) == 2
    assert "is a link" in capsys.readouterr().err
    assert (elsewhere / "index.html").read_text() == "the last good pack"


# ---- what counts as the tool's own -------------------------------------------------------------


def test_packs_of_this_and_earlier_versions_are_the_tools_own(tmp_path):
    assert made_by_tool(made_pack(tmp_path / "new"))
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text(
        json.dumps({"financial_year": "2018-19", "package_version": "0.1.0", "built_at": "2026-01-01 09:00 UTC"})
    )
    (old / "tables").mkdir()
    (old / "tables" / "spend_analysis__reconciliation.csv").write_text("line,amount\n")
    (old / "spend_analysis.html").write_text("page")
    assert made_by_tool(old) and foreign_files(old) == []
    (old / "tables" / "mine.xlsx").write_text("a user's")
    assert foreign_files(old) == ["tables/mine.xlsx"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.json").write_text(json.dumps({"name": "some other tool"}))
    assert not made_by_tool(tmp_path / "other")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json")
    assert not made_by_tool(tmp_path / "broken")


def test_check_target_lets_an_absent_folder_and_a_whole_pack_through(tmp_path):
    data, root = tmp_path / "p" / "data", tmp_path / "p"
    data.mkdir(parents=True)
    check_target(tmp_path / "out" / "2018-19", data_dir=data, project_root=root)
    check_target(made_pack(tmp_path / "out" / "2017-18"), data_dir=data, project_root=root)
    with pytest.raises(ParameterError, match="holds the project"):
        check_target(tmp_path, data_dir=data, project_root=root)


# ---- the failed run's folder, and folders that cannot be written -----------------------------


def test_a_failed_run_never_replaces_a_folder_the_tool_did_not_make(tmp_path):
    from safer_analysis.pipeline.runner import _keep_failed, _write_manifest
    from safer_analysis.pipeline.targets import marker

    users = tmp_path / ".failed" / "2018-19"
    users.mkdir(parents=True)
    (users / "keep.txt").write_text("the user's")
    runs = []
    for n in range(3):
        work = tmp_path / f".building-2018-19-{n}"
        work.mkdir()
        _write_manifest(work, marker(financial_year="2018-19", state="building"))
        (work / "spend_analysis.ipynb").write_text(f"run {n}")
        runs.append(_keep_failed(work, tmp_path, "2018-19"))
    assert (users / "keep.txt").read_text() == "the user's" and sorted(p.name for p in users.iterdir()) == ["keep.txt"]
    assert runs == [tmp_path / ".failed" / "2018-19.2"] * 3  # the tool's own failed run is replaced by the next
    assert (runs[-1] / "spend_analysis.ipynb").read_text() == "run 2"


def test_a_folder_that_cannot_be_written_exits_2_in_one_line(tmp_path, capsys, monkeypatch):
    from safer_analysis.pipeline import runner

    monkeypatch.setattr(runner.os, "access", lambda path, mode: False)
    assert build("--out", str(tmp_path), "--product", "spend_analysis") == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path}: permission denied" in err and len(err.splitlines()) == 1


def test_a_read_only_out_folder_exits_2_naming_the_permission(tmp_path, capsys):
    """A real folder the build may not write into: mode 555, or, for root (whom modes do not stop),
    the immutable attribute."""
    out = tmp_path / "outputs"
    out.mkdir()
    as_root = os.geteuid() == 0
    if as_root:
        subprocess.run(["chattr", "+i", str(out)], check=True)
    else:
        out.chmod(0o555)
    try:
        assert build("--out", str(out), "--product", "spend_analysis") == 2
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(out)], check=True)
        out.chmod(0o755)
    err = capsys.readouterr().err
    assert ("permission denied" in err or "not permitted" in err) and len(err.splitlines()) == 1
    assert list(out.iterdir()) == []


def test_a_full_disk_during_a_build_is_named_as_such(tmp_path, capsys, monkeypatch):
    import errno

    from safer_analysis.pipeline import runner

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / ".building-2018-19-x"))

    monkeypatch.setattr(runner.tempfile, "mkdtemp", full)
    assert build("--out", str(tmp_path), "--product", "spend_analysis") == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err and len(err.splitlines()) == 1
