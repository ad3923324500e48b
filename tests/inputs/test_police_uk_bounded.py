"""Bounded resources: a large monthly file is read a block of rows at a time, a zip bomb is refused
before it is expanded, a folder linked into itself is walked once, and a long field is read.

The streaming path is pinned here with its thresholds lowered; ``benchmarks/`` measures it on
2 GB files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import police_uk as pu
from safer_analysis.inputs.police_uk import common, files, rows

from ..conftest import ROOT, patch_police_uk
from .test_police_uk import FORCE, month_file, row, sample, write_folder, write_zip


def large_month(month="2018-04", n=400):
    """One month of ``n`` rows with BOM and CRLF, anti-social behaviour, rows without a place, and
    a quoted Context holding line breaks and quotes, so blocks are cut between rows only."""
    rows = []
    for i in range(n):
        if i % 7 == 3:
            rows.append(row(month, cid="", ctype="Anti-social behaviour") + '"a ""quoted"",\nmulti-line\ncontext"')
        elif i % 11 == 5:
            rows.append(row(month, lsoa="", name="", lon=""))
        elif i % 5 == 1:
            rows.append(row(month, lsoa="E01099999", name="Exeter 001A", cid=f"x{i}"))
        else:
            rows.append(row(month, cid=f"c{i:05d}"))
    return month_file(month, rows, bom=True, crlf=True)


@pytest.fixture
def small_blocks(monkeypatch):
    """Every file above 2 kB is streamed, in blocks of 1 kB (a row is about 150 bytes)."""
    patch_police_uk(monkeypatch, "STREAM_FROM_BYTES", 2048)
    patch_police_uk(monkeypatch, "STREAM_BLOCK_BYTES", 1024)
    read_member = files._read_member

    def whole(member, zips):  # only small files may be read whole
        data = read_member(member, zips)
        assert len(data) <= 2048, f"{member.name} read whole"
        return data

    patch_police_uk(monkeypatch, "_read_member", whole)


@pytest.mark.parametrize("archive", ["folder", "zip"])
def test_a_large_file_read_in_blocks_gives_what_a_whole_read_gives(tmp_path, monkeypatch, archive):
    files = [large_month("2018-04"), large_month("2019-03"), *sample()[2:]]
    source = write_folder(tmp_path / "f", files) if archive == "folder" else write_zip(tmp_path / "a.zip", files)
    table, report = pu.read_police_uk(source, lsoa_codes=["E01015025"], workers=1)
    every = pu.import_police_uk(source, tmp_path / "all.parquet")
    stored = pu.load_crimes(tmp_path / "all.parquet")

    with monkeypatch.context() as patch:
        patch_police_uk(patch, "STREAM_FROM_BYTES", 2048)
        patch_police_uk(patch, "STREAM_BLOCK_BYTES", 1024)
        blocks = []
        parse = rows._parse
        patch_police_uk(patch, "_parse", lambda data, *a, **k: blocks.append(len(data)) or parse(data, *a, **k))
        streamed, streamed_report = pu.read_police_uk(source, lsoa_codes=["E01015025"], workers=1)
        every_streamed = pu.import_police_uk(source, tmp_path / "all-streamed.parquet")
    assert len(blocks) > 40 and max(blocks) < 4096  # parsed a block at a time, never the whole file
    assert streamed.equals(table) and table.num_rows > 400
    for a, b in ((streamed_report, report), (every_streamed, every)):
        assert (a.rows_read, a.rows_kept, a.asb_rows, a.rows_without_lsoa, a.rows_without_location) == (
            b.rows_read,
            b.rows_kept,
            b.asb_rows,
            b.rows_without_lsoa,
            b.rows_without_location,
        )
        assert a.force_months == b.force_months
    assert pu.load_crimes(tmp_path / "all-streamed.parquet").equals(stored)


@pytest.mark.parametrize("every", [False, True], ids=["one-area", "every-area"])
def test_a_bad_month_in_a_later_block_names_its_row_in_the_file(tmp_path, small_blocks, every):
    data, rel = large_month("2018-04", n=300)
    records = data.split(b"\r\n")  # rows end in CRLF; the line breaks inside Context are LF
    at = next(i for i in range(250, 300) if b"multi" not in records[i])
    records[at] = records[at].replace(b",2018-04,", b",2018-4,", 1)
    source = write_zip(tmp_path / "a.zip", [(b"\r\n".join(records), rel)], zipfile.ZIP_DEFLATED)
    with pytest.raises(pu.PoliceUkError, match=rf"street.csv, row {at + 1}, column 'Month'.*found '2018-4'"):
        pu.import_police_uk(source, tmp_path / "s.parquet", **({} if every else {"csp": "Plymouth"}))


def bomb(tmp_path, size=24 << 20):
    """A zip whose one monthly file of the same row again and again expands about a thousand times."""
    line = (row("2018-04") + "\n").encode()
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open(f"2018-04/2018-04-{FORCE}-street.csv", "w") as member:
            member.write(month_file("2018-04", [])[0])
            block = line * ((1 << 20) // len(line))
            for _ in range(size // len(block)):
                member.write(block)
    return path


@pytest.mark.parametrize("every", [False, True], ids=["one-area", "every-area"])
def test_a_zip_bomb_is_refused_before_it_is_expanded(tmp_path, capsys, monkeypatch, every):
    path = bomb(tmp_path)
    assert path.stat().st_size < (24 << 20) // 200
    expanded = []
    patch_police_uk(monkeypatch, "_read_member", lambda member, zips: expanded.append(member) or b"")
    args = ["import-police-uk", str(path), "--out", str(tmp_path / "s.parquet"), "--project", str(ROOT)]
    assert main([*args, "--all-areas"] if every else args) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expands to more than 100 times its compressed size" in err
    assert expanded == [] and not (tmp_path / "s.parquet").exists()


def test_a_zip_bomb_that_hides_its_size_is_refused_as_it_expands(tmp_path, small_blocks):
    path = bomb(tmp_path, size=4 << 20)
    with zipfile.ZipFile(path) as z:
        compressed = z.infolist()[0].compress_size
    assert pu.EXPANSION_CHECKED_FROM < 4 << 20 and (4 << 20) > 100 * compressed
    zips = {}
    member = common._Member("2018-04", FORCE, f"{path}:x", path, f"2018-04/2018-04-{FORCE}-street.csv")
    read = 0
    with pytest.raises(pu.PoliceUkError, match="expands to more than 100 times"):
        for block in files._blocks(member, zips):  # as if the size declared were small
            read += len(block)
    assert read < 200 * compressed  # stopped soon after the bound, not at the end


@pytest.mark.parametrize("every", [False, True], ids=["one-area", "every-area"])
def test_a_quoted_field_longer_than_a_parsing_block_is_read(tmp_path, every):
    long = '"' + "x" * (3 << 20) + '"'
    files = [month_file("2018-04", [row("2018-04") + long, row("2018-04", cid="b")])]
    store = tmp_path / "s.parquet"
    report = pu.import_police_uk(write_zip(tmp_path / "a.zip", files), store, **({} if every else {"csp": "Plymouth"}))
    assert report.rows_read == 2 and len(pu.load_crimes(store)) == 2


LOOPED_IMPORT = """
import sys
from safer_analysis.inputs import police_uk as pu
table, report = pu.read_police_uk(sys.argv[1])
print(report.files_read, table.num_rows)
"""


def test_a_download_folder_linked_into_itself_is_read_once(tmp_path):
    folder = write_folder(tmp_path / "dl", sample()[:2])
    os.symlink(".", folder / "a")
    os.symlink("..", folder / "2018-04" / "up")
    (tmp_path / "elsewhere").mkdir()
    write_folder(tmp_path / "elsewhere", [month_file("2019-05", [row("2019-05")])])
    os.symlink(tmp_path / "elsewhere", folder / "linked")  # a link to another folder is still followed
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(LOOPED_IMPORT), str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["3", "7"]  # 2018-04 (4 rows) and 2019-03 (2) once each, 2019-05 through the link


PEAK = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def two_gigabytes(folder):
    """One month of about eight million varied rows, 2 GB, written a block at a time."""
    import random

    random.seed(0)
    kinds = ["Burglary", "Vehicle crime", "Violence and sexual offences", "Shoplifting", "Anti-social behaviour"]
    rows = []
    for _ in range(20000):
        code = 15000 + random.randint(0, 2000)
        name = "Plymouth 001A" if code < 15160 else f"Exeter {code % 200:03d}B"
        rows.append(
            row(
                "2018-04",
                lsoa=f"E0101{code:04d}",
                name=name,
                ctype=random.choice(kinds),
                cid="COPY0000" + os.urandom(28).hex(),
            )
        )
    data, rel = month_file("2018-04", rows)
    header, body = data.split(b"\n", 1)
    path = folder / rel
    path.parent.mkdir(parents=True)
    with open(path, "wb") as out:
        out.write(header + b"\n")
        for copy in range(2 * 10**9 // len(body) + 1):  # each copy's crimes with Crime IDs of their own
            out.write(body.replace(b"COPY0000", f"{copy:08x}".encode()))
    return path


@pytest.mark.slow
def test_a_2_gb_file_or_zip_member_is_imported_within_1_5_gb(tmp_path):
    path = two_gigabytes(tmp_path / "dl")
    archive = tmp_path / "dl.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.write(path, path.relative_to(tmp_path / "dl").as_posix())
    assert path.stat().st_size > 2 * 10**9
    for source in (tmp_path / "dl", archive):
        store = tmp_path / "plymouth-street.parquet"
        command = [sys.executable, "-m", "safer_analysis.cli", "import-police-uk", str(source), "--area", "Plymouth"]
        command += ["--out", str(store), "--project", str(ROOT), "--new-store"]
        run = subprocess.run(
            [sys.executable, "-c", PEAK, *command],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        code, peak = map(int, run.stdout.split())
        assert code == 0 and peak < 1.5 * 2**30, (source, peak)
        assert pu.crimes_metadata(store)["rows"] > 500_000
