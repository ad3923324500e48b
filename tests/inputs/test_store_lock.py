"""One import at a time per crime store: a second one is refused at once with exit code 4, naming
the process that holds the store, and the lock goes with the process however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from safer_analysis.cli import main
from safer_analysis.errors import BusyError, ParameterError
from safer_analysis.inputs import police_uk as pu
from safer_analysis.inputs.store_lock import StoreLock, lock_file

from .test_police_uk import month_file, row, sample, write_folder, write_zip

#: An import that stops while reading its files until ``go`` appears (or is killed there).
HELD_IMPORT = """
import pathlib, sys, time
from safer_analysis.inputs import police_uk as pu

ready, go = pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])

def progress(done, total, name):
    ready.touch()
    while not go.exists():
        time.sleep(0.02)

pu.import_police_uk(sys.argv[1], sys.argv[2], csp=sys.argv[5] or None, progress=progress)
"""


def _start_holder(tmp_path, downloads, store, area):
    """A second process importing into ``store``, paused part-way; returns (process, go file)."""
    ready, go = tmp_path / "ready", tmp_path / "go"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HELD_IMPORT), str(downloads), str(store), str(ready), str(go), area],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert holder.poll() is None, holder.communicate()
        assert time.monotonic() < deadline, "the first import never started reading"
        time.sleep(0.02)
    return holder, go


@pytest.mark.parametrize("area", ["Plymouth", ""], ids=["one-area", "every-area"])
def test_a_second_import_into_the_same_store_exits_4_at_once_naming_the_holder(tmp_path, capsys, area):
    downloads = write_folder(tmp_path / "dl", [month_file(m, [row(m)] * 3) for m in ("2019-04", "2019-05")])
    store = tmp_path / "crime" / ("plymouth-street.parquet" if area else "all-areas-street.parquet")
    holder, go = _start_holder(tmp_path, downloads, store, area)
    try:
        args = ["import-police-uk", str(write_zip(tmp_path / "other.zip", sample())), "--out", str(store)]
        args += ["--lsoa-codes", str(_codes(tmp_path))] if area else ["--all-areas"]
        started = time.monotonic()
        assert main([*args, "--project", str(_project(tmp_path))]) == 4
        assert time.monotonic() - started < 10  # at once, not after the first import
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"process {holder.pid}" in err and str(store) in err
        assert "Traceback" not in err
    finally:
        go.touch()
        out, errors = holder.communicate(timeout=120)
    assert holder.returncode == 0, errors
    assert pu.crimes_metadata(store)["months"] == ["2019-04", "2019-05"]  # the first import, whole
    assert not lock_file(store).exists()  # nothing left in the project's data once the import ends


def test_the_lock_goes_with_a_killed_import(tmp_path):
    downloads = write_folder(tmp_path / "dl", [month_file("2019-04", [row("2019-04")])])
    store = tmp_path / "plymouth-street.parquet"
    holder, _ = _start_holder(tmp_path, downloads, store, "Plymouth")
    with pytest.raises(BusyError, match=f"process {holder.pid}"):
        pu.import_police_uk(downloads, store, csp="Plymouth")
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=60)
    pu.import_police_uk(downloads, store, csp="Plymouth")  # the system released the lock
    assert pu.crimes_metadata(store)["months"] == ["2019-04"]


def test_import_many_holds_every_store_it_writes(tmp_path):
    downloads = write_zip(tmp_path / "a.zip", sample())
    with StoreLock(tmp_path / "exeter-street.parquet"):
        with pytest.raises(BusyError, match="exeter-street.parquet"):
            pu.import_many(downloads, {"Plymouth": ["E01015025"], "Exeter": ["E01099999"]}, tmp_path)
    assert not (tmp_path / "plymouth-street.parquet").exists()  # nothing written while refused
    pu.import_many(downloads, {"Plymouth": ["E01015025"], "Exeter": ["E01099999"]}, tmp_path)
    assert (tmp_path / "exeter-street.parquet").exists()


def test_a_lock_released_by_one_import_is_taken_by_the_next():
    """The file of a released lock is removed; a later lock makes and holds a new one."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "s.parquet"
        with StoreLock(store):
            assert lock_file(store).exists()
        assert not lock_file(store).exists()
        with StoreLock(store), pytest.raises(BusyError):
            with StoreLock(store):
                pass


def _codes(tmp_path):
    path = tmp_path / "codes.txt"
    path.write_text("E01015025\n")
    return path


def _project(tmp_path):
    """A bare project folder (settings only) for the command line."""
    from safer_analysis.inputs.project import SETTINGS_FILE

    from ..conftest import ROOT

    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / SETTINGS_FILE).write_text((ROOT / SETTINGS_FILE).read_text())
    return project


def test_a_link_at_the_lock_path_exits_2_and_its_target_is_untouched(tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's own")
    store = tmp_path / "crime" / "plymouth-street.parquet"
    store.parent.mkdir()
    lock_file(store).symlink_to(victim)
    args = ["import-police-uk", str(write_zip(tmp_path / "a.zip", sample())), "--out", str(store)]
    assert main([*args, "--lsoa-codes", str(_codes(tmp_path)), "--project", str(_project(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(lock_file(store)) in err and "remove it" in err and "Traceback" not in err
    assert victim.read_text() == "the user's own" and lock_file(store).is_symlink()
    assert not store.exists()


@pytest.mark.parametrize("kind", ["folder", "second name"])
def test_a_lock_path_that_is_not_a_plain_file_of_its_own_is_refused(tmp_path, kind):
    store = tmp_path / "s.parquet"
    if kind == "folder":
        lock_file(store).mkdir()
    else:
        (tmp_path / "victim.txt").write_text("the user's own")
        os.link(tmp_path / "victim.txt", lock_file(store))
    with pytest.raises(ParameterError, match="remove it"):
        with StoreLock(store):
            pass
    assert lock_file(store).is_dir() if kind == "folder" else lock_file(store).read_text() == "the user's own"


def test_a_lock_removes_only_the_file_it_holds(tmp_path):
    store = tmp_path / "s.parquet"
    with StoreLock(store):
        lock_file(store).unlink()
        lock_file(store).write_text("put here meanwhile")
    assert lock_file(store).read_text() == "put here meanwhile"
