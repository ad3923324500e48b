"""What the system refuses an import (a full disk, a folder it may not write), a file of LSOA codes
that is missing or not text, and a damaged store: each one line with its exit code, no traceback,
and the store held before untouched."""

from __future__ import annotations

import errno
import os

import pyarrow.parquet as pq
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import police_uk as pu
from safer_analysis.inputs import store_lock

from ..conftest import ROOT
from .test_police_uk import sample, write_zip


@pytest.fixture(params=["one-area", "every-area"])
def held(tmp_path, request):
    """(store, the arguments that import into it again): a store of Plymouth or of every area."""
    every = request.param == "every-area"
    store = tmp_path / "crime" / ("all-areas-street.parquet" if every else "plymouth-street.parquet")
    download = write_zip(tmp_path / "dl.zip", sample())
    codes = tmp_path / "codes.txt"
    codes.write_text("E01015025\n")
    args = ["import-police-uk", str(download), "--out", str(store), "--project", str(ROOT)]
    args += ["--all-areas"] if every else ["--area", "Plymouth", "--lsoa-codes", str(codes)]
    assert main(args) == 0
    return store, args


def one_line(capsys) -> str:
    """The one line a failed command printed on stderr (progress lines aside)."""
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("  read ")]
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


@pytest.mark.parametrize("how", ["errno", "arrow"])
def test_disk_full_while_writing_the_store(held, capsys, monkeypatch, how):
    store, args = held
    before = store.read_bytes()
    full = (
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if how == "errno"
        else OSError("IOError: error writing bytes to file. Detail: [errno 28] No space left on device")
    )

    def no_space(*args, **kwargs):
        raise full

    monkeypatch.setattr(pq, "write_table", no_space)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", no_space)
    capsys.readouterr()
    assert main(args) == 3
    line = one_line(capsys)
    assert line.startswith("error: disk full writing ") and str(store.parent) in line and "free some space" in line
    assert store.read_bytes() == before
    assert list(store.parent.glob(".*.tmp")) == []


def test_a_store_folder_this_user_may_not_write(held, capsys, monkeypatch):
    store, args = held
    before = store.read_bytes()
    folder = store.parent
    folder.chmod(0o555)
    if os.geteuid() == 0:  # the superuser writes anywhere: refuse as the system refuses other users

        def refused(path, *args, **kwargs):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

        monkeypatch.setattr(store_lock, "open_lock", refused)
    try:
        capsys.readouterr()
        assert main(args) == 3
        line = one_line(capsys)
    finally:
        folder.chmod(0o755)
    assert line.startswith(f"error: permission denied writing {folder}") and "--out" in line
    assert store.read_bytes() == before


def test_lsoa_codes_naming_a_missing_file(tmp_path, capsys):
    download = write_zip(tmp_path / "dl.zip", sample())
    args = ["import-police-uk", str(download), "--lsoa-codes", str(tmp_path / "nowhere.txt")]
    assert main([*args, "--out", str(tmp_path / "s.parquet"), "--project", str(ROOT)]) == 2
    line = one_line(capsys)
    assert "nowhere.txt" in line and "No such file" in line
    assert not (tmp_path / "s.parquet").exists()


@pytest.mark.parametrize(
    "content, line_number",
    [
        (b"E01015025\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2),  # a picture given by mistake
        (b"\xff\xfeE\x000\x001\x00", 1),  # saved as UTF-16
        (b"lsoa_code,name\nE01015025,Plymouth 001A\n", 1),  # a CSV table
    ],
)
def test_lsoa_codes_naming_a_file_that_is_not_a_list_of_codes(tmp_path, capsys, content, line_number):
    codes = tmp_path / "codes.bin"
    codes.write_bytes(content)
    download = write_zip(tmp_path / "dl.zip", sample())
    args = ["import-police-uk", str(download), "--lsoa-codes", str(codes), "--out", str(tmp_path / "s.parquet")]
    assert main([*args, "--project", str(ROOT)]) == 3
    line = one_line(capsys)
    assert f"codes.bin, line {line_number}: expected LSOA codes such as E01015025" in line
    assert not (tmp_path / "s.parquet").exists()


def test_lsoa_codes_are_read_one_or_more_a_line():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codes.txt"
        path.write_bytes(b"\xef\xbb\xbfE01015025\r\nE01015026 W01000001\n\n")
        assert pu.read_lsoa_codes(path) == ["E01015025", "E01015026", "W01000001"]


def damage(store, how):
    """Break a store as a failed copy or a full disk would."""
    whole = store.read_bytes()
    if how == "truncated":
        store.write_bytes(whole[: len(whole) // 2])
    elif how == "footer-only":
        store.write_bytes(whole[:100] + whole[-300:])
    else:
        store.write_bytes(b"<html>not a parquet file</html>\n" * 20)


@pytest.mark.parametrize("how", ["truncated", "footer-only", "not-parquet"])
def test_a_damaged_store_is_named_with_the_command_that_makes_it_afresh(held, capsys, how):
    store, args = held
    damage(store, how)
    capsys.readouterr()
    assert main(args) == 3
    line = one_line(capsys)
    assert line.startswith(f"error: {store}: the crime store is damaged and cannot be read (")
    assert "safer-analysis import-police-uk ARCHIVE" in line and f"--new-store --out {store}" in line
    assert ("--all-areas" in line) == (store.name == "all-areas-street.parquet")
    assert main([*args, "--new-store"]) == 0  # the command it names makes the store afresh
    assert pu.crimes_metadata(store)["months"] == ["2018-04", "2019-03"]


@pytest.mark.parametrize("how", ["truncated", "not-parquet"])
def test_a_build_loading_a_damaged_store_is_told_how_to_make_it_afresh(held, how):
    store, _ = held
    damage(store, how)
    for read in (pu.load_crimes, pu.crimes_metadata, lambda path: pu.load_area(path, "Plymouth", ["E01015025"])):
        with pytest.raises(pu.PoliceUkError, match="the crime store is damaged") as caught:
            read(store)
        assert "\n" not in str(caught.value) and "--new-store" in str(caught.value)
