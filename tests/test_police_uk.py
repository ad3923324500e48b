"""The police.uk importer on hand-made faulty archives and on the real extracts."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from safer_analysis import police_uk as pu
from safer_analysis.cli import main

from .conftest import SHARED

HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type," \
         "Last outcome category,Context"
REAL = SHARED / "realdata" / "police-uk"


def row(month, lsoa="E01015025", name="Plymouth 001A", ctype="Burglary", cid="abc123", lon="-4.1"):
    lat, place = ("50.4", "On or near X") if lon else ("", "No Location")
    return f"{cid},{month},Devon & Cornwall Police,Devon & Cornwall Police,{lon},{lat},{place},{lsoa},{name}," \
           f"{ctype},Under investigation,"


def month_file(month, rows, force="devon-and-cornwall", bom=False, crlf=False):
    end = "\r\n" if crlf else "\n"
    text = end.join([HEADER, *rows]) + end
    return (("\ufeff" if bom else "") + text).encode("utf-8"), f"{month}/{month}-{force}-street.csv"


def write_folder(root: Path, files):
    for data, rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def write_zip(path: Path, files):
    with zipfile.ZipFile(path, "w") as z:
        for data, rel in files:
            z.writestr(rel, data)
    return path


def sample(tmp_path):
    files = [
        month_file("2018-04", [row("2018-04"), row("2018-04", cid="", ctype="Anti-social behaviour"),
                               row("2018-04", lsoa="", name="", lon=""),
                               row("2018-04", lsoa="E01099999", name="Exeter 001A")], bom=True),
        month_file("2018-05", [row("2018-05"), row("2018-05", name="Plymouthshire 001A")], crlf=True),
        month_file("2018-05", [row("2018-05", name="Cornwall 001A")], force="avon-and-somerset"),
        (b"Crime ID,Month\n", "2018-05/2018-05-devon-and-cornwall-outcomes.csv"),
    ]
    return files


def test_folder_with_bom_crlf_asb_and_missing_places(tmp_path):
    root = write_folder(tmp_path / "archive", sample(tmp_path))
    table, report = pu.read_police_uk(root, lsoa_prefixes=["Plymouth "], force="devon-and-cornwall")
    frame = table.to_pandas()
    assert len(frame) == 3  # 2018-04 burglary and ASB, 2018-05 burglary; not Plymouthshire or Exeter
    assert frame["crime_id"].isna().sum() == 1 and report.asb_rows == 1
    assert set(frame["financial_year"]) == {"2018-19"}
    assert report.rows_read == 6 and report.rows_without_lsoa == 1 and report.rows_without_location == 1
    assert report.other_files_ignored == 2  # outcomes file and the other force
    assert list(frame.columns) == pu.CRIME_COLUMNS


def test_zip_and_folder_give_the_same_rows(tmp_path):
    files = sample(tmp_path)
    a, _ = pu.read_police_uk(write_folder(tmp_path / "f", files), lsoa_prefixes=["Plymouth "])
    b, _ = pu.read_police_uk(write_zip(tmp_path / "a.zip", files), lsoa_prefixes=["Plymouth "])
    assert a.to_pandas().equals(b.to_pandas())


def test_same_month_in_two_archives_is_counted_once(tmp_path):
    one = write_zip(tmp_path / "one.zip", [month_file("2019-01", [row("2019-01"), row("2019-01", cid="x")])])
    two = write_zip(tmp_path / "two.zip", [month_file("2019-01", [row("2019-01", cid="x"), row("2019-01")],
                                                      crlf=True),
                                           month_file("2019-02", [row("2019-02")])])
    table, report = pu.read_police_uk([one, two], lsoa_prefixes=["Plymouth "])
    assert table.num_rows == 3
    assert report.duplicate_files_skipped == [("2019-01", "devon-and-cornwall", str(two))]
    assert "read once" in report.summary()


def test_truncated_zip_is_a_clear_error(tmp_path):
    good = write_zip(tmp_path / "good.zip", sample(tmp_path))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(pu.PoliceUkError, match="bad.zip: not a readable zip archive"):
        pu.read_police_uk(bad)


def test_missing_column_names_file_and_column(tmp_path):
    data = (HEADER.replace("LSOA name,", "") + "\n").encode()
    root = write_folder(tmp_path / "f", [(data, "2018-04/2018-04-devon-and-cornwall-street.csv")])
    with pytest.raises(pu.PoliceUkError, match=r"2018-04-devon-and-cornwall-street.csv: column 'LSOA name' is missing"):
        pu.read_police_uk(root)


@pytest.mark.parametrize("bad,expected", [("2018-4", "a month of the form YYYY-MM"),
                                          ("2018-05", "2018-04, the month in the file name")])
def test_bad_month_names_file_row_and_column(tmp_path, bad, expected):
    root = write_folder(tmp_path / "f", [month_file("2018-04", [row("2018-04"), row(bad)])])
    with pytest.raises(pu.PoliceUkError, match=rf"row 3, column 'Month': expected {expected}"):
        pu.read_police_uk(root)


def test_missing_path(tmp_path):
    with pytest.raises(pu.PoliceUkError, match="no such file"):
        pu.read_police_uk(tmp_path / "nope.zip")


def test_lsoa_codes_select_instead_of_names(tmp_path):
    root = write_folder(tmp_path / "f", sample(tmp_path))
    table, _ = pu.read_police_uk(root, lsoa_codes=["E01099999"])
    assert table.column("lsoa_name").to_pylist() == ["Exeter 001A"]


def test_select_csp_and_import_many_from_one_read(tmp_path):
    root = write_folder(tmp_path / "f", sample(tmp_path))
    national, _ = pu.read_police_uk(root)
    assert pu.select_csp(national, "Exeter").num_rows == 1
    assert len(pu.select_csp(national.to_pandas(), "Plymouth")) == 3
    reports = pu.import_many(root, ["Plymouth", "Exeter"], tmp_path / "out")
    assert reports["Plymouth"].rows_kept == 3 and reports["Exeter"].rows_kept == 1
    exeter = pu.load_crimes(tmp_path / "out" / "exeter-street.parquet")
    assert len(exeter) == 1 and exeter.attrs["metadata"]["csp"] == "Exeter"


def test_failed_import_keeps_the_last_good_cache(tmp_path):
    root = write_folder(tmp_path / "f", sample(tmp_path))
    out = tmp_path / "cache.parquet"
    pu.import_police_uk(root, out, csp="Plymouth")
    before = out.read_bytes()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(pu.PoliceUkError):
        pu.import_police_uk(bad, out, csp="Plymouth")
    with pytest.raises(pu.PoliceUkError, match="no rows for Nowhere"):
        pu.import_police_uk(root, out, csp="Nowhere")
    assert out.read_bytes() == before
    assert pq.read_table(out).num_rows == 3


def independent_counts(archives):
    """Rows per month in Plymouth's LSOAs, counted with the csv module, each month once."""
    counts, seen = Counter(), set()
    for archive in archives:
        for path in sorted(archive.rglob("*-street.csv")):
            month = path.name[:7]
            if month in seen:
                continue
            seen.add(month)
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for record in csv.DictReader(handle):
                    if record["LSOA name"].startswith("Plymouth "):
                        counts[month] += 1
    return counts


def test_real_extracts_match_an_independent_count(tmp_path):
    archives = sorted(p for p in REAL.iterdir() if p.is_dir())
    assert len(archives) == 3
    out = tmp_path / "plymouth.parquet"
    report = pu.import_police_uk(archives, out, csp="Plymouth")
    frame = pu.load_crimes(out)
    expected = independent_counts(archives)
    assert dict(frame.groupby("month").size()) == dict(expected)
    assert {m for m, _, _ in report.duplicate_files_skipped} == {"2019-01", "2019-02"}
    assert 2_000 < min(expected.values()) and max(expected.values()) < 3_000
    assert frame.loc[frame["crime_type"] == "Anti-social behaviour", "crime_id"].isna().all()
    assert frame.attrs["metadata"]["synthetic"] is False


def test_cli_import(tmp_path, capsys):
    out = tmp_path / "p.parquet"
    assert main(["import-police-uk", str(REAL / "archive-2018-03"), "--csp", "Plymouth", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "kept" in text and str(out) in text and "Done in" in text
    assert main(["import-police-uk", str(tmp_path / "missing.zip"), "--out", str(out)]) == 3


def test_fast_path_counts_agree_with_a_full_parse():
    """Selecting by name searches the raw bytes; its counts match parsing every row."""
    archives = sorted(p for p in REAL.iterdir() if p.is_dir())
    _, fast = pu.read_police_uk(archives, lsoa_prefixes=["Plymouth "])
    _, full = pu.read_police_uk(archives)
    assert fast.rows_read == full.rows_read
    assert fast.rows_without_location == full.rows_without_location
    assert abs(fast.rows_without_lsoa - full.rows_without_lsoa) <= full.rows_without_lsoa * 0.001


def test_parallel_and_serial_reads_agree():
    serial, r1 = pu.read_police_uk(pu.SYNTHETIC_ARCHIVE, lsoa_prefixes=["Plymouth "], workers=1)
    parallel, r2 = pu.read_police_uk(pu.SYNTHETIC_ARCHIVE, lsoa_prefixes=["Plymouth "], workers=2)
    assert serial.equals(parallel)
    assert (r1.rows_read, r1.rows_without_lsoa, r1.files_read) == (r2.rows_read, r2.rows_without_lsoa, r2.files_read)
