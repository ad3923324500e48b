"""Downloads that are not what they claim: each is refused with one line naming the file, and
the crime store held before is left whole, even when the import is killed part-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import police_uk as pu

from .test_police_uk import month_file, row, sample, write_folder, write_zip


@pytest.fixture(params=["Plymouth", None], ids=["one-area", "every-area"])
def store(tmp_path, request):
    """A store already held, from a good download: of one area, or of every area."""
    path = tmp_path / ("plymouth-street.parquet" if request.param else "all-areas-street.parquet")
    pu.import_police_uk(write_zip(tmp_path / "good.zip", sample()), path, csp=request.param)
    return path


def refused(paths, store, match):
    before = store.read_bytes()
    with pytest.raises(pu.PoliceUkError, match=match) as caught:
        pu.import_police_uk(paths, store, csp=pu.crimes_metadata(store)["csp"])
    assert "\n" not in str(caught.value)  # one line
    assert store.read_bytes() == before
    assert [p.name for p in store.parent.glob(".*.tmp")] == []
    return str(caught.value)


def test_html_error_page_saved_as_csv(tmp_path, store):
    page = b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>Bad gateway</body></html>\n"
    message = refused(
        write_zip(tmp_path / "page.zip", [(page, "2018-05/2018-05-devon-and-cornwall-street.csv")]), store, "web page"
    )
    assert "2018-05-devon-and-cornwall-street.csv, row 1" in message and "download it again" in message


def test_empty_monthly_file(tmp_path, store):
    folder = write_folder(tmp_path / "dl", [(b"", "2018-05/2018-05-devon-and-cornwall-street.csv")])
    assert "2018-05-devon-and-cornwall-street.csv: the file is empty (0 bytes)" in refused(folder, store, "empty")


def test_zip_holding_only_outcomes_and_stop_and_search(tmp_path, store):
    files = [
        (b"Crime ID,Month\n", "2019-03/2019-03-devon-and-cornwall-outcomes.csv"),
        (b"Type,Date\n", "2019-03/2019-03-devon-and-cornwall-stop-and-search.csv"),
    ]
    message = refused(write_zip(tmp_path / "outcomes.zip", files), store, "no street-level crime files")
    assert "outcomes.zip" in message and "2 other file(s)" in message


def test_truncated_zip(tmp_path, store):
    whole = write_zip(tmp_path / "whole.zip", sample()).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "cut.zip" in refused(cut, store, "download it again")


def test_cli_exits_3_with_one_line(tmp_path, capsys):
    page = b"<html><body>Service unavailable</body></html>"
    folder = write_folder(tmp_path / "dl", [(page, "2018-05/2018-05-devon-and-cornwall-street.csv")])
    assert main(["import-police-uk", str(folder), "--all-areas", "--out", str(tmp_path / "s.parquet")]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "web page" in err and "Traceback" not in err


KILLED_IMPORT = """
import os, signal, sys
import pyarrow.parquet as pq
from safer_analysis.inputs import police_uk as pu

def progress(done, total, name):  # killed while reading the files
    if sys.argv[3] == "reading":
        os.kill(os.getpid(), signal.SIGKILL)

write_table, write_month = pq.write_table, pq.ParquetWriter.write_table

def half_written(table, where, **kwargs):  # killed in the middle of writing the new store
    write_table(table.slice(0, 1), where, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

def one_month_written(self, table, **kwargs):  # the same, for a store of every area written month by month
    write_month(self, table, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[3] == "writing":
    pq.write_table, pq.ParquetWriter.write_table = half_written, one_month_written
pu.import_police_uk(sys.argv[1], sys.argv[2], csp=sys.argv[4] or None, progress=progress)
"""


@pytest.mark.parametrize("when", ["reading", "writing"])
def test_an_import_killed_part_way_leaves_the_store_whole(tmp_path, store, when):
    before = store.read_bytes()
    more = write_folder(
        tmp_path / "more",
        [month_file(m, [row(m)] * 3) for m in ("2019-04", "2019-05", "2019-06")],
    )
    area = pu.crimes_metadata(store)["csp"]
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_IMPORT), str(more), str(store), when, area or ""],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert store.read_bytes() == before
    assert pq.read_table(store).num_rows > 0
    left = list(store.parent.glob(f".{store.name}.*.tmp"))
    # the killed import's half-written file (a store of every area is written from the start)
    assert len(left) == (when == "writing" or area is None)
    pu.import_police_uk(more, store, csp=area)  # the next import works, and clears what the killed one left
    assert "2019-06" in pu.crimes_metadata(store)["months"]
    assert list(store.parent.glob(".*.tmp")) == []


def test_only_the_leftovers_of_ended_imports_are_cleared(tmp_path, store):
    """A temporary file of an import still running (here, this process) is never removed."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = store.parent / f".{store.name}.{ended.stdout.strip()}.abc.tmp"
    running = store.parent / f".{store.name}.{os.getpid()}.xyz.tmp"
    other = store.parent / f".another-street.parquet.{ended.stdout.strip()}.abc.tmp"
    for path in (dead, running, other):
        path.write_bytes(b"half written")
    pu.import_police_uk(write_zip(store.parent / "again.zip", sample()), store, csp=pu.crimes_metadata(store)["csp"])
    assert not dead.exists() and running.exists() and other.exists()


def test_every_parse_hands_arrow_memory_it_owns(tmp_path, monkeypatch):
    """Arrow's threads release a Python file object after the read has returned, taking Python's
    lock; at interpreter exit that aborted the process (exit 134) after its one-line message."""
    given = []
    read_csv = pacsv.read_csv

    def spy(source, **kwargs):
        given.append(type(source).__name__)
        return read_csv(source, **kwargs)

    monkeypatch.setattr(pacsv, "read_csv", spy)
    downloads = write_zip(tmp_path / "a.zip", sample())
    pu.import_police_uk(downloads, tmp_path / "one.parquet", csp="Plymouth")
    pu.import_police_uk(downloads, tmp_path / "all.parquet")
    assert given and set(given) == {"BufferReader"}


#: One real month with a malformed Month in row 500: the import that aborted at exit 7 times in
#: 20 (exit 134, "terminate called without an active exception") after printing its message.
FAILING_MONTHS = [f"2018-{m:02d}" for m in range(1, 8)]


@pytest.mark.slow
@pytest.mark.shared
def test_a_failing_import_exits_3_every_time(tmp_path):
    from ..conftest import REALDATA, ROOT

    source = REALDATA / "police-uk-archives" / "devon-and-cornwall-2018"
    for month in FAILING_MONTHS:
        name = f"{month}/{month}-devon-and-cornwall-street.csv"
        (tmp_path / "dl" / month).mkdir(parents=True)
        lines = (source / name).read_bytes().split(b"\n")
        if month == FAILING_MONTHS[-1]:
            lines[499] = lines[499].replace(b",2018-07,", b",2018-7x,", 1)
        (tmp_path / "dl" / name).write_bytes(b"\n".join(lines))
    command = [sys.executable, "-m", "safer_analysis.cli", "import-police-uk", str(tmp_path / "dl"), "--area"]
    command += ["Plymouth", "--out", str(tmp_path / "plymouth-street.parquet"), "--project", str(ROOT)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(50):
        run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
        assert run.returncode == 3, run.stderr
        problems = [line for line in run.stderr.splitlines() if not line.startswith("  read ")]  # progress aside
        assert len(problems) == 1 and "row 500, column 'Month'" in problems[0]
