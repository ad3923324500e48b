"""A build never leaves a half-written pack: killed part-way, run twice at once, given a file as
its output folder; and the pieces that make that so (the lock, the forks, the shared profile)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from safer_analysis.cli import main
from safer_analysis.errors import BusyError
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.pipeline import cache
from safer_analysis.pipeline.lock import BuildLock
from safer_analysis.pipeline.targets import marker
from safer_analysis.pipeline.warm import run_forked
from safer_analysis.reports import strategic_assessment as sa
from safer_analysis.reports.context import open_product

from ..conftest import ROOT
from .test_targets import made_pack, snapshot

# ---- the output folder ----------------------------------------------------------------------


def test_out_that_is_a_file_exits_2_naming_it(tmp_path, capsys):
    target = tmp_path / "pack.html"
    target.write_text("not a folder")
    assert main(["build", "--year", "2018-19", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{target} is a file, not a folder" in err and "Traceback" not in err
    assert target.read_text() == "not a folder"


def test_out_below_a_file_exits_2(tmp_path, capsys):
    target = tmp_path / "pack.html"
    target.write_text("not a folder")
    assert main(["build", "--year", "2018-19", "--out", str(target / "packs")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_year_folder_that_is_a_file_exits_2(tmp_path, capsys):
    (tmp_path / "2018-19").write_text("in the way")
    assert main(["build", "--year", "2018-19", "--out", str(tmp_path)]) == 2
    assert "2018-19 is a file" in capsys.readouterr().err


# ---- one build at a time --------------------------------------------------------------------


def test_second_build_into_the_same_folder_exits_4_and_leaves_the_pack(tmp_path, capsys):
    pack = made_pack(tmp_path / "2018-19", "the pack being replaced")
    with BuildLock(tmp_path, "2018-19"):
        assert main(["build", "--year", "2018-19", "--out", str(tmp_path), "--product", "spend_analysis"]) == 4
    err = capsys.readouterr().err
    assert "is being built by process" in err and "Traceback" not in err
    assert (pack / "index.html").read_text() == "the pack being replaced"
    assert not list(tmp_path.glob(".building-*"))


def test_the_lock_dies_with_its_process(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom safer_analysis.pipeline.lock import BuildLock\n"
            f"with BuildLock(Path({str(tmp_path)!r}), '2018-19'):\n    print('held', flush=True)\n    time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(BusyError, match=f"process {holder.pid}"):
        BuildLock(tmp_path, "2018-19").__enter__()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (tmp_path / ".2018-19.lock").exists()  # the file stays; the lock does not
    with BuildLock(tmp_path, "2018-19"):
        pass


def building(folder):
    """What a killed build leaves in its temporary folder: the manifest it writes there first, and a page."""
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(marker(financial_year="2018-19", state="building")))
    (folder / "spend_analysis.html").write_text("half made")
    return folder


def test_leftovers_of_a_killed_build_are_cleared_and_a_pack_caught_mid_swap_restored(tmp_path):
    building(tmp_path / ".building-2018-19-abc")
    previous = made_pack(tmp_path / ".previous-2018-19-4242")
    building(tmp_path / ".building-2017-18-xyz")  # another year's build: not ours to touch
    with BuildLock(tmp_path, "2018-19"):
        assert (tmp_path / "2018-19" / "index.html").read_text() == "the last good pack"
        assert not (tmp_path / ".building-2018-19-abc").exists()
        assert not previous.exists()
        assert (tmp_path / ".building-2017-18-xyz").exists()


def test_a_users_folders_named_like_leftovers_survive_a_build(tmp_path):
    mine = {
        ".previous-2018-19-before-board": made_pack(tmp_path / ".previous-2018-19-before-board", "a copy kept"),
        ".previous-2018-19-2024": tmp_path / ".previous-2018-19-2024",  # a number, but no manifest
        ".building-2018-19-notes": tmp_path / ".building-2018-19-notes",
    }
    for folder in list(mine.values())[1:]:
        folder.mkdir()
        (folder / "notes.txt").write_text("the user's own")
    before = {name: snapshot(folder) for name, folder in mine.items()}
    with BuildLock(tmp_path, "2018-19"):
        assert not (tmp_path / "2018-19").exists()  # no folder of the user's put in place of a pack
    assert {name: snapshot(folder) for name, folder in mine.items()} == before


@pytest.mark.parametrize("kind", ["link", "folder"])
def test_a_lock_path_that_is_not_a_plain_file_exits_2_and_is_left_alone(tmp_path, capsys, kind):
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's own")
    out = tmp_path / "out"
    out.mkdir()
    lock = out / ".2018-19.lock"
    if kind == "link":
        lock.symlink_to(victim)
    else:
        lock.mkdir()
    assert main(["build", "--year", "2018-19", "--out", str(out), "--product", "spend_analysis"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(lock) in err and "remove it" in err and "Traceback" not in err
    assert victim.read_text() == "the user's own"
    assert lock.is_symlink() if kind == "link" else lock.is_dir()
    assert not (out / "2018-19").exists() and not list(out.glob(".building-*"))


KILLED_BUILD = """
import os, signal, sys
from safer_analysis.pipeline import runner

def progress(line):
    if line.startswith("ran "):  # a notebook is done and the pack is half made: die here
        os.kill(os.getpid(), signal.SIGKILL)

runner.build("2018-19", sys.argv[1], project=sys.argv[2], products=["spend_analysis"], progress=progress)
"""


@pytest.mark.slow
def test_a_build_killed_part_way_leaves_the_previous_pack_and_the_next_build_works(tmp_path):
    out = tmp_path / "out"
    pack = made_pack(out / "2018-19")
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_BUILD), str(out), str(ROOT)], capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (pack / "index.html").read_text() == "the last good pack"
    assert sorted(p.name for p in pack.iterdir()) == ["index.html", "manifest.json"]
    left = list(out.glob(".building-2018-19-*"))  # what the killed build left
    assert left
    notes = out / ".building-2018-19-notes"  # and a folder of the user's named like it
    notes.mkdir()
    (notes / "notes.txt").write_text("the user's own")
    assert main(["build", "--year", "2018-19", "--out", str(out), "--product", "spend_analysis"]) == 0
    assert (pack / "spend_analysis.html").is_file() and (pack / "manifest.json").is_file()
    assert list(out.glob(".building-*")) == [notes] and not list(out.glob(".previous-*"))
    assert (notes / "notes.txt").read_text() == "the user's own"


# ---- forks ----------------------------------------------------------------------------------


def _square(n):
    return n * n


def _fail():
    raise ValueError("deliberate")


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def test_run_forked_returns_values_errors_and_deaths_by_name():
    seen = []
    outcomes = run_forked(
        [("a", lambda: _square(3)), ("b", _fail), ("c", _die), ("d", lambda: os.getpid())], 2, seen.append
    )
    assert outcomes["a"].value == 9 and outcomes["a"].error is None
    assert isinstance(outcomes["b"].error, ValueError) and "deliberate" in str(outcomes["b"].error)
    assert "c: its process ended without finishing" in str(outcomes["c"].error)
    assert outcomes["d"].value != os.getpid()  # each task runs in a fork of its own
    assert sorted(o.name for o in seen) == ["a", "b", "c", "d"]


def test_run_forked_runs_at_most_jobs_at_once(tmp_path):
    def task(i):
        (tmp_path / f"start-{i}").write_text(str(time.time()))
        time.sleep(0.3)
        (tmp_path / f"end-{i}").write_text(str(time.time()))

    run_forked([(str(i), lambda i=i: task(i)) for i in range(3)], 1)
    spans = sorted(
        (float((tmp_path / f"start-{i}").read_text()), float((tmp_path / f"end-{i}").read_text())) for i in range(3)
    )
    assert all(spans[k][1] <= spans[k + 1][0] for k in range(2))  # one after another


# ---- the profile shared by the notebooks of a build ----------------------------------------


def _frames_equal(a, b):
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        return a is not None and b is not None and a.equals(b)
    return a == b


def test_a_profile_asked_for_after_its_build_leaves_no_build_folder_behind(tmp_path):
    """The build's cache is its folder's: once the build has swapped that folder into place, a
    profile asked for in the same process is computed afresh, and no .building-* folder is made again."""
    calls = []
    shared = cache.shared_build_profile(
        lambda *a, **k: calls.append(a) or "profile", tmp_path / ".building-x" / ".cache"
    )
    assert shared(pd.DataFrame({"a": [1]}), None, "2018-19", "Plymouth") == "profile"
    assert len(calls) == 1 and not (tmp_path / ".building-x").exists()


def test_shared_profile_is_the_profile_and_is_computed_once(tmp_path):
    ctx = open_product("strategic_assessment", "2018-19", project=str(ROOT))
    crimes, data = ctx.load_crimes(""), load_dataset(ROOT / "data")
    settings = ctx.project.settings
    common = {
        "area_codes": ctx.area_codes,
        "n_years": 3,
        "metadata": crimes.attrs["metadata"],
        "force": settings.police_force,
    }
    common |= {
        "force_code": settings.police_force_code,
        "area_code": ctx.area_code,
        "partnership_counts": ctx.partnership_counts(),
    }
    calls = []

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return sa.build_profile(*args, **kwargs)

    shared = cache.shared_build_profile(counting, tmp_path)
    for kwargs in (common, dict(reversed(common.items()))):  # as the assessment, then as the rationale, calls it
        direct = sa.build_profile(crimes, data, "2018-19", ctx.csp, **kwargs)
        got = shared(crimes, data, "2018-19", ctx.csp, **kwargs)
        for f in ("year", "years", "population", "ranking", "trend", "harm", "counts", "peers", "comparison"):
            a, b = getattr(direct, f), getattr(got, f)
            if isinstance(a, dict):
                assert a.keys() == b.keys() and all(_frames_equal(a[k], b[k]) for k in a), f
            else:
                assert _frames_equal(a, b), f
    assert len(calls) == 1  # the second call read what the first kept
    assert shared(crimes, data, "2018-19", ctx.csp, **common).peers is not None
    shared(crimes, data, "2017-18", ctx.csp, **common)
    assert len(calls) == 2  # other arguments: computed afresh
