"""The police.uk importer on hand-made faulty archives and on the real extracts."""

from __future__ import annotations

import csv
import json
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import police_uk as pu

from ..conftest import SHARED

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
REAL = SHARED / "realdata" / "police-uk"
FORCE = "devon-and-cornwall"


def row(month, lsoa="E01015025", name="Plymouth 001A", ctype="Burglary", cid="abc123", lon="-4.1"):
    """One street-level line; ``lon=""`` gives a row with no location (and so no LSOA)."""
    lat, place = ("50.4", "On or near X") if lon else ("", "No Location")
    return (
        f"{cid},{month},Devon & Cornwall Police,Devon & Cornwall Police,{lon},{lat},{place},{lsoa},{name},"
        f"{ctype},Under investigation,"
    )


def month_file(month, rows, force=FORCE, bom=False, crlf=False):
    """(bytes, path in the archive) of one monthly street file."""
    end = "\r\n" if crlf else "\n"
    text = end.join([HEADER, *rows]) + end
    return (("\ufeff" if bom else "") + text).encode("utf-8"), f"{month}/{month}-{force}-street.csv"


def write_folder(root: Path, files):
    for data, rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def write_zip(path: Path, files, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for data, rel in files:
            z.writestr(rel, data)
    return path


def sample():
    """Two months for Devon and Cornwall (BOM, CRLF, ASB, no location), another force, an outcomes file."""
    return [
        month_file(
            "2018-04",
            [
                row("2018-04"),
                row("2018-04", cid="", ctype="Anti-social behaviour"),
                row("2018-04", lsoa="", name="", lon=""),
                row("2018-04", lsoa="E01099999", name="Exeter 001A"),
            ],
            bom=True,
        ),
        month_file("2019-03", [row("2019-03"), row("2019-03", name="Plymouthshire 001A")], crlf=True),
        month_file("2019-03", [row("2019-03", name="Cornwall 001A")], force="avon-and-somerset"),
        (b"Crime ID,Month\n", "2019-03/2019-03-devon-and-cornwall-outcomes.csv"),
        (b"Type,Date\n", "2019-03/2019-03-devon-and-cornwall-stop-and-search.csv"),
    ]


def test_folder_with_bom_crlf_asb_and_missing_places(tmp_path):
    root = write_folder(tmp_path / "archive", sample())
    table, report = pu.read_police_uk(root, lsoa_prefixes=["Plymouth "], force=FORCE)
    frame = table.to_pandas()
    assert list(frame.columns) == pu.CRIME_COLUMNS
    assert table.schema.field("longitude").type == pa.float64()
    assert len(frame) == 3  # 2018-04 burglary and ASB, 2019-03 burglary; not Plymouthshire, Exeter or no place
    assert frame["crime_id"].isna().sum() == 1 and report.asb_rows == 1
    assert frame["crime_id"].dropna().tolist() == ["abc123", "abc123"]  # no BOM glued to the first value
    assert frame["financial_year"].tolist() == ["2018-19", "2018-19", "2018-19"]  # 2019-03 is in 2018-19
    assert report.files_read == 2 and report.rows_read == 6 and report.rows_kept == 3
    assert report.rows_without_lsoa == 1 and report.rows_without_location == 1
    assert report.other_files_ignored == 3  # outcomes, stop and search, and the other force
    assert report.months == ["2018-04", "2019-03"] and report.forces == [FORCE]
    assert "cannot be placed" in report.summary()


def test_other_forces_are_read_unless_one_is_given(tmp_path):
    root = write_folder(tmp_path / "archive", sample())
    table, report = pu.read_police_uk(root)
    assert report.forces == ["avon-and-somerset", FORCE] and table.num_rows == 7
    _, one = pu.read_police_uk(root, force="avon-and-somerset")
    assert one.files_read == 1 and one.rows_read == 1


def test_zip_and_folder_give_the_same_rows(tmp_path):
    files = sample()
    a, ra = pu.read_police_uk(write_folder(tmp_path / "f", files), lsoa_prefixes=["Plymouth "])
    b, rb = pu.read_police_uk(write_zip(tmp_path / "a.zip", files, zipfile.ZIP_DEFLATED), lsoa_prefixes=["Plymouth "])
    assert a.equals(b)
    assert (ra.rows_read, ra.rows_without_lsoa, ra.other_files_ignored) == (
        rb.rows_read,
        rb.rows_without_lsoa,
        rb.other_files_ignored,
    )


def test_a_single_csv_or_flat_files_are_read(tmp_path):
    data, _ = month_file("2018-04", [row("2018-04"), row("2018-04", cid="x")])
    single = tmp_path / f"2018-04-{FORCE}-street.csv"
    single.write_bytes(data)
    table, report = pu.read_police_uk(single, lsoa_prefixes=["Plymouth "])
    assert table.num_rows == 2 and report.months == ["2018-04"]
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n")
    with pytest.raises(pu.PoliceUkError, match="notes.csv: not a police.uk street-level file name"):
        pu.read_police_uk(other)


def test_same_month_in_two_archives_is_counted_once_from_the_fresher_download(tmp_path):
    """The second download reaches 2019-02, so it is the fresher: its copy of 2019-01 is used."""
    one = write_zip(tmp_path / "one.zip", [month_file("2019-01", [row("2019-01"), row("2019-01", cid="x")])])
    two = write_zip(
        tmp_path / "two.zip",
        [
            month_file("2019-01", [row("2019-01", cid="x"), row("2019-01")], crlf=True),
            month_file("2019-02", [row("2019-02")]),
        ],
    )
    table, report = pu.read_police_uk([one, two], lsoa_prefixes=["Plymouth "])
    assert table.num_rows == 3
    assert table.column("crime_id").to_pylist()[:2] == ["x", "abc123"]  # the fresher download's copy
    assert report.files_read == 2 and report.rows_read == 3
    assert report.duplicate_files_skipped == [("2019-01", FORCE, str(one))]
    assert report.taken_from[f"2019-01 {FORCE}"] == str(two)
    assert "read once" in report.summary()
    # downloads reaching the same month: the first given wins
    table, report = pu.read_police_uk([two, one], lsoa_prefixes=["Plymouth "])
    assert table.column("crime_id").to_pylist()[:2] == ["x", "abc123"]


def test_an_import_adds_to_the_months_held_and_replaces_a_month_read_again(tmp_path):
    store = tmp_path / "plymouth-street.parquet"
    first = write_zip(
        tmp_path / "a.zip", [month_file("2019-01", [row("2019-01")]), month_file("2019-02", [row("2019-02")])]
    )
    report = pu.import_police_uk(first, store, csp="Plymouth")
    assert report.added == ["2019-01", "2019-02"] and report.replaced == []
    later = write_zip(
        tmp_path / "b.zip",
        [
            month_file("2019-02", [row("2019-02", cid="y"), row("2019-02", cid="z")]),
            month_file("2019-03", [row("2019-03")]),
        ],
    )
    report = pu.import_police_uk(later, store, csp="Plymouth")
    assert (report.added, report.replaced, report.kept) == (["2019-03"], ["2019-02"], ["2019-01"])
    assert "2019-03 added, 2019-02 replaced by the new download, 2019-01 kept as held" in report.summary()
    frame = pu.load_crimes(store)
    assert frame.groupby("month").size().to_dict() == {"2019-01": 1, "2019-02": 2, "2019-03": 1}
    meta = frame.attrs["metadata"]
    assert meta["months"] == ["2019-01", "2019-02", "2019-03"] and meta["sources"] == ["a.zip", "b.zip"]
    assert set(meta["force_months"]) == {"2019-01", "2019-02", "2019-03"}
    with pytest.raises(pu.PoliceUkError, match="holds Plymouth, not Torbay"):
        pu.import_police_uk(later, store, csp="Torbay", name_prefixes=["Plymouth"])


def test_truncated_zip_is_a_clear_error(tmp_path):
    good = write_zip(tmp_path / "good.zip", sample())
    bad = tmp_path / "bad.zip"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(pu.PoliceUkError, match="bad.zip: not a readable zip archive"):
        pu.read_police_uk(bad)


def test_corrupt_member_is_a_clear_error(tmp_path):
    big = [row("2018-04", cid=f"{i:064x}") for i in range(2000)]
    good = write_zip(tmp_path / "good.zip", [month_file("2018-04", big)], zipfile.ZIP_DEFLATED)
    data = bytearray(good.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 64] = bytes(64)  # damage the compressed data, keep the directory
    bad = tmp_path / "corrupt.zip"
    bad.write_bytes(bytes(data))
    with pytest.raises(
        pu.PoliceUkError,
        match=r"corrupt.zip:2018-04/2018-04-devon-and-cornwall-street.csv: "
        r"cannot be read",
    ):
        pu.read_police_uk(bad, lsoa_prefixes=["Plymouth "])


def test_missing_column_names_file_and_column(tmp_path):
    data = (HEADER.replace("LSOA name,", "") + "\n").encode()
    root = write_folder(tmp_path / "f", [(data, f"2018-04/2018-04-{FORCE}-street.csv")])
    for prefixes in (None, ["Plymouth "]):
        with pytest.raises(
            pu.PoliceUkError, match=r"2018-04-devon-and-cornwall-street.csv: column 'LSOA name' is missing"
        ):
            pu.read_police_uk(root, lsoa_prefixes=prefixes)


@pytest.mark.parametrize("prefixes", [None, ["Plymouth "]])
@pytest.mark.parametrize(
    "bad,expected",
    [
        ("2018-4", "a month of the form YYYY-MM"),
        ("2018-13", "a month of the form YYYY-MM"),
        ("2018-05", "2018-04, the month in the file name"),
    ],
)
def test_bad_month_names_file_row_and_column(tmp_path, bad, expected, prefixes):
    rows = [row("2018-04"), row("2018-04", name="Exeter 001A"), row(bad, name="Exeter 001B"), row("2018-04")]
    root = write_folder(tmp_path / "f", [month_file("2018-04", rows)])
    # the bad row is in another area: it is still found, and named by its line in the file
    with pytest.raises(
        pu.PoliceUkError,
        match=rf"2018-04-devon-and-cornwall-street.csv, row 4, column 'Month': "
        rf"expected {expected}, found '{bad}'",
    ):
        pu.read_police_uk(root, lsoa_prefixes=prefixes)


def test_missing_path(tmp_path):
    with pytest.raises(pu.PoliceUkError, match="nope.zip: no such file"):
        pu.read_police_uk(tmp_path / "nope.zip")


def test_lsoa_codes_select_instead_of_names(tmp_path):
    root = write_folder(tmp_path / "f", sample())
    table, report = pu.read_police_uk(root, lsoa_codes=["E01099999"])
    assert table.column("lsoa_name").to_pylist() == ["Exeter 001A"]
    assert report.rows_read == 7 and report.rows_without_lsoa == 1
    both, _ = pu.read_police_uk(root, lsoa_prefixes=["Exeter "], lsoa_codes=["E01015025"])
    assert both.num_rows == 6  # Exeter by name, or any row in E01015025 (whatever its name or force)


def test_select_csp_and_import_many_from_one_read(tmp_path):
    root = write_folder(tmp_path / "f", sample())
    national, _ = pu.read_police_uk(root)
    assert pu.select_csp(national, "Exeter").num_rows == 1
    assert pu.select_csp(national, "Plymouth").num_rows == 3  # not Plymouthshire
    assert len(pu.select_csp(national.to_pandas(), "Plymouth")) == 3
    assert len(pu.select_csp(national.to_pandas(), lsoa_codes=["E01099999"])) == 1
    with pytest.raises(ValueError):
        pu.select_csp(national)
    reports = pu.import_many(root, {"Plymouth": ["E01015025"], "Exeter": ["E01099999"]}, tmp_path / "out")
    by_code = national.to_pandas()["lsoa_code"].value_counts()
    assert reports["Plymouth"].rows_kept == by_code["E01015025"] and reports["Exeter"].rows_kept == 1
    assert reports["Plymouth"].files_read == 3  # one read for both
    exeter = pu.load_crimes(tmp_path / "out" / "exeter-street.parquet")
    assert len(exeter) == 1 and exeter.attrs["metadata"]["csp"] == "Exeter"
    assert len(pu.load_crimes(tmp_path / "out" / "plymouth-street.parquet")) == by_code["E01015025"]


def test_import_many_writes_nothing_when_a_csp_has_no_rows(tmp_path):
    root = write_folder(tmp_path / "f", sample())
    with pytest.raises(pu.PoliceUkError, match="no rows for Nowhere"):
        pu.import_many(root, {"Plymouth": ["E01015025"], "Nowhere": ["E01000000"]}, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_import_many_keeps_the_months_each_store_holds_and_refuses_a_smaller_month(tmp_path):
    """Several areas at once add to each area's store, as one area does: the months not read again stay."""
    areas = {"Plymouth": ["E01015025"], "Exeter": ["E01099999"]}
    april = [row("2018-04", cid=f"p{i}") for i in range(10)] + [row("2018-04", lsoa="E01099999", name="Exeter 1")]
    may = [row("2018-05", cid="m1"), row("2018-05", lsoa="E01099999", name="Exeter 1", cid="m2")]
    pu.import_many(write_folder(tmp_path / "a", [month_file("2018-04", april)]), areas, tmp_path / "out")
    pu.import_many(write_folder(tmp_path / "b", [month_file("2018-05", may)]), areas, tmp_path / "out")
    plymouth = pu.load_crimes(tmp_path / "out" / "plymouth-street.parquet")
    assert plymouth.groupby("month").size().to_dict() == {"2018-04": 10, "2018-05": 1}
    assert sorted(pu.load_crimes(tmp_path / "out" / "exeter-street.parquet")["month"]) == ["2018-04", "2018-05"]
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.parquet")}
    half = [row("2018-04", cid=f"p{i}") for i in range(4)] + [row("2018-04", lsoa="E01099999", name="Exeter 1")]
    with pytest.raises(pu.PoliceUkError, match="4 rows for this month where the store holds 10"):
        pu.import_many(write_folder(tmp_path / "c", [month_file("2018-04", half)]), areas, tmp_path / "out")
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.parquet")} == before  # neither store written
    pu.import_many(tmp_path / "c", areas, tmp_path / "out", replace_smaller=True)
    assert len(pu.load_crimes(tmp_path / "out" / "plymouth-street.parquet")) == 5


def test_cache_schema_and_metadata(tmp_path):
    root = write_folder(tmp_path / "f", sample())
    out = tmp_path / "cache.parquet"
    report = pu.import_police_uk(root, out, csp="Plymouth")
    assert report.rows_kept == 3
    schema = pq.read_schema(out)
    assert schema.names == pu.CRIME_COLUMNS
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"
    meta = json.loads(schema.metadata[b"safer_analysis"])
    assert meta["csp"] == "Plymouth" and meta["synthetic"] is False and meta["rows"] == 3
    assert meta["sources"] == ["f"] and meta["months"] == ["2018-04", "2019-03"] and meta["created"]
    assert pu.crimes_metadata(out) == meta
    frame = pu.load_crimes(out)
    assert frame.attrs["metadata"] == meta and frame["crime_id"].isna().sum() == 1
    # with neither a CSP nor codes, everything read is kept
    everything = pu.import_police_uk(root, tmp_path / "all.parquet")
    assert everything.rows_kept == 7 and pu.crimes_metadata(tmp_path / "all.parquet")["csp"] is None


def test_missing_cache_says_how_to_make_it(tmp_path):
    for read in (pu.load_crimes, pu.crimes_metadata):
        with pytest.raises(pu.PoliceUkError, match="run `safer-analysis import-police-uk"):
            read(tmp_path / "none.parquet")


def test_failed_import_keeps_the_last_good_cache(tmp_path):
    root = write_folder(tmp_path / "f", sample())
    out = tmp_path / "cache.parquet"
    pu.import_police_uk(root, out, csp="Plymouth")
    before = out.read_bytes()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(pu.PoliceUkError):
        pu.import_police_uk(bad, out, csp="Plymouth")
    with pytest.raises(pu.PoliceUkError, match="no rows for Nowhere"):
        pu.import_police_uk(root, out, csp="Nowhere")
    broken = write_folder(tmp_path / "g", [month_file("2018-06", [row("2018-06"), row("2018-6")])])
    with pytest.raises(pu.PoliceUkError, match="column 'Month'"):
        pu.import_police_uk([root, broken], out, csp="Plymouth")
    assert out.read_bytes() == before
    assert pq.read_table(out).num_rows == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def independent_counts(archives):
    """Rows per month in Plymouth's LSOAs, counted with the csv module, each month once (first archive wins)."""
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


@pytest.fixture(scope="module")
def real_archives():
    archives = sorted(p for p in REAL.iterdir() if p.is_dir()) if REAL.is_dir() else []
    if len(archives) != 3:
        pytest.skip(f"the real police.uk extracts are not at {REAL}")
    return archives


def test_real_extracts_match_an_independent_count(tmp_path, real_archives):
    out = tmp_path / "plymouth.parquet"
    report = pu.import_police_uk(real_archives, out, csp="Plymouth")
    frame = pu.load_crimes(out)
    expected = independent_counts(real_archives)
    assert len(expected) == 16  # 2018-03, 2018-10 to 2019-12
    assert frame.groupby("month").size().to_dict() == dict(expected)
    assert report.rows_kept == sum(expected.values())
    assert {m for m, _, _ in report.duplicate_files_skipped} == {"2019-01", "2019-02"}
    assert 2_000 < min(expected.values()) and max(expected.values()) < 3_000
    assert frame.loc[frame["crime_type"] == "Anti-social behaviour", "crime_id"].isna().all()
    assert frame["crime_id"].notna().sum() == (frame["crime_type"] != "Anti-social behaviour").sum()
    assert frame.attrs["metadata"]["synthetic"] is False
    # the duplicated months hold the same crimes in each archive: the order they are given in does not matter
    reverse, _ = pu.read_police_uk(real_archives[::-1], lsoa_prefixes=["Plymouth "])
    assert reverse.num_rows == len(frame)
    assert sorted(reverse.column("crime_id").drop_null().to_pylist()) == sorted(frame["crime_id"].dropna())


def test_fast_path_counts_agree_with_a_full_parse(real_archives):
    """Selecting by name searches the raw bytes; its counts match parsing every row."""
    national, full = pu.read_police_uk(real_archives)
    plymouth, fast = pu.read_police_uk(real_archives, lsoa_prefixes=["Plymouth "])
    assert (fast.rows_read, fast.rows_without_location, fast.rows_without_lsoa) == (
        full.rows_read,
        full.rows_without_location,
        full.rows_without_lsoa,
    )
    assert pu.select_csp(national, "Plymouth").equals(plymouth)
    by_code, _ = pu.read_police_uk(real_archives, lsoa_codes=plymouth.column("lsoa_code").unique().to_pylist())
    assert by_code.equals(plymouth)


def test_cli_import(tmp_path, capsys, real_archives):
    out = tmp_path / "p.parquet"
    assert main(["import-police-uk", str(REAL / "archive-2018-03"), "--csp", "Plymouth", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "kept" in text and str(out) in text
    assert main(["import-police-uk", str(tmp_path / "missing.zip"), "--out", str(out)]) != 0


def test_parallel_and_serial_reads_agree(real_archives):
    serial, r1 = pu.read_police_uk(REAL / "archive-2019", lsoa_prefixes=["Plymouth "], workers=1)
    parallel, r2 = pu.read_police_uk(REAL / "archive-2019", lsoa_prefixes=["Plymouth "], workers=2)
    assert serial.equals(parallel)
    assert (r1.rows_read, r1.rows_without_lsoa, r1.files_read) == (r2.rows_read, r2.rows_without_lsoa, r2.files_read)


# ---- a store of every area, written month by month as it is read ---------------------------------

REPORT_FIELDS = ("files_read", "rows_read", "rows_kept", "rows_without_lsoa", "rows_without_location", "asb_rows")


def _same_report(streamed: pu.ImportReport, read: pu.ImportReport) -> None:
    assert {f: getattr(streamed, f) for f in REPORT_FIELDS} == {f: getattr(read, f) for f in REPORT_FIELDS}
    assert (streamed.months, streamed.forces, streamed.force_months) == (read.months, read.forces, read.force_months)


def test_a_store_of_every_area_holds_every_row_as_a_full_read_gives_it(tmp_path):
    root = write_folder(tmp_path / "f", sample())
    store = tmp_path / "all-areas-street.parquet"
    streamed = pu.import_police_uk(root, store)
    table, read = pu.read_police_uk(root)
    _same_report(streamed, read)
    assert streamed.asb_rows == 1 and streamed.rows_without_lsoa == 1
    frame = pu.load_crimes(store)
    pd.testing.assert_frame_equal(frame, table.to_pandas())  # same rows, same order, plain text columns
    assert frame["financial_year"].tolist() == ["2018-19"] * 7
    meta = frame.attrs["metadata"]
    assert meta["rows"] == 7 and meta["months"] == ["2018-04", "2019-03"] and meta["csp"] is None
    parquet = pq.ParquetFile(store).metadata
    assert parquet.num_row_groups == 2  # one per month, each saying which month it holds
    encodings = {parquet.schema.column(i).name: parquet.row_group(0).column(i).encodings for i in range(12)}
    assert "DELTA_LENGTH_BYTE_ARRAY" in encodings["crime_id"]
    assert "BYTE_STREAM_SPLIT" in encodings["latitude"] and "BYTE_STREAM_SPLIT" in encodings["longitude"]
    for group, month in enumerate(["2018-04", "2019-03"]):
        stats = parquet.row_group(group).column(pu.CRIME_COLUMNS.index("month")).statistics
        assert stats.min == stats.max == month


def test_a_file_of_a_folder_that_cannot_be_read_is_named(tmp_path):
    from safer_analysis.inputs.police_uk.common import _Member
    from safer_analysis.inputs.police_uk.files import _read_member_buffer

    gone = tmp_path / "2018-04" / f"2018-04-{FORCE}-street.csv"
    member = _Member("2018-04", FORCE, str(gone), None, str(gone))
    with pytest.raises(pu.PoliceUkError, match=rf"{gone}: cannot be read \("):
        _read_member_buffer(member, {})
    gone.parent.mkdir()
    gone.write_bytes((HEADER + "\n").encode())
    assert bytes(_read_member_buffer(member, {})) == gone.read_bytes()


def avon(month, cid):
    """A row reported by another force."""
    return row(month, cid=cid, name="Bristol 001A").replace("Devon & Cornwall Police", "Avon and Somerset Constabulary")


def test_a_store_of_every_area_keeps_what_is_not_read_again_in_month_order(tmp_path):
    """A month read again replaces the rows of the forces read again; other forces' rows and other
    months stay, and the store stays in month order."""
    store = tmp_path / "all-areas-street.parquet"
    first = write_folder(
        tmp_path / "a",
        [
            month_file("2018-04", [row("2018-04", cid="april-1"), row("2018-04", cid="april-2")]),
            month_file("2019-03", [row("2019-03", cid="march")]),
            month_file("2019-03", [avon("2019-03", "march-avon")], force="avon-and-somerset"),
        ],
    )
    pu.import_police_uk(first, store)
    later = write_folder(
        tmp_path / "b",
        [
            month_file("2018-06", [row("2018-06", cid="june")]),
            month_file("2019-03", [row("2019-03", cid="march-again")]),
        ],
    )
    report = pu.import_police_uk(later, store)
    assert (report.added, report.replaced, report.kept) == (["2018-06"], ["2019-03"], ["2018-04"])
    frame = pu.load_crimes(store)
    assert frame["month"].tolist() == ["2018-04", "2018-04", "2018-06", "2019-03", "2019-03"]
    assert frame["crime_id"].tolist() == ["april-1", "april-2", "june", "march-avon", "march-again"]
    meta = frame.attrs["metadata"]
    assert meta["months"] == ["2018-04", "2018-06", "2019-03"] and meta["rows"] == 5
    assert meta["force_months"]["2019-03"] == {"rows": 2, "asb": 0, "no_location": 0}
    # the same rows as reading every month from its freshest download at once
    again, _ = pu.read_police_uk([later, first])
    by = ["month", "crime_id"]
    pd.testing.assert_frame_equal(
        frame.sort_values(by, ignore_index=True), again.to_pandas().sort_values(by, ignore_index=True)
    )


def test_a_failed_store_of_every_area_keeps_the_last_good_one(tmp_path, monkeypatch):
    store = tmp_path / "all-areas-street.parquet"
    pu.import_police_uk(write_folder(tmp_path / "a", sample()), store)
    before = store.read_bytes()
    broken = write_folder(tmp_path / "g", [month_file("2019-06", [row("2019-06"), row("2019-6")])])
    with pytest.raises(pu.PoliceUkError, match=r"row 3, column 'Month': expected a month of the form YYYY-MM"):
        pu.import_police_uk([tmp_path / "a", broken], store)
    # a failure in the thread that writes the store reaches the caller, and nothing is replaced
    monkeypatch.setattr(
        pq.ParquetWriter, "write_table", lambda self, table: (_ for _ in ()).throw(OSError("disk full"))
    )
    with pytest.raises(pu.PoliceUkError, match="disk full"):  # one line, no traceback
        pu.import_police_uk(write_folder(tmp_path / "c", [month_file("2019-07", [row("2019-07")])]), store)
    assert store.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_empty_download_of_every_area_is_refused(tmp_path):
    root = write_folder(tmp_path / "f", [month_file("2018-04", [])])
    with pytest.raises(pu.PoliceUkError, match="no rows for any area"):
        pu.import_police_uk(root, tmp_path / "all-areas-street.parquet")
    assert list(tmp_path.glob("*.parquet")) == [] and list(tmp_path.glob(".*.tmp")) == []


def test_a_store_of_every_area_from_the_real_downloads_matches_a_full_read(tmp_path, real_archives):
    store = tmp_path / "all-areas-street.parquet"
    streamed = pu.import_police_uk(real_archives, store)
    table, read = pu.read_police_uk(real_archives)
    _same_report(streamed, read)
    pd.testing.assert_frame_equal(pu.load_crimes(store), table.to_pandas())


def _counted_from_the_store(store: Path) -> pd.DataFrame:
    columns = ["lsoa_code", "month", "crime_type"]
    return pu.partnership_counts(pq.read_table(store, columns=columns, read_dictionary=columns))


def test_the_counts_tallied_file_by_file_are_those_of_the_store_counted_whole(tmp_path):
    """The counts per partnership are tallied on each file's dictionary codes as it is parsed, and
    a month held again is tallied from the rows kept: the result is what counting the finished
    store row by row gives, through a first import and one that replaces and keeps months, with
    rows of every kind (no LSOA, an LSOA no lookup knows, one in no single partnership)."""
    store = tmp_path / "all-areas-street.parquet"
    first = write_folder(
        tmp_path / "a",
        [
            *sample(),
            month_file(
                "2018-05",
                [
                    row("2018-05", lsoa="E01015272", name="Cumberland 001A", cid="shared"),
                    row("2018-05", lsoa="E01015272", name="Cumberland 001A", cid="", ctype="Anti-social behaviour"),
                    row("2018-05", lsoa="", name="", lon="", cid="nowhere"),
                    row("2018-05", cid="twice"),
                    row("2018-05", cid="twice"),  # published twice: counted once
                ],
            ),
            month_file("2018-05", [avon("2018-05", "bristol")], force="avon-and-somerset"),
        ],
    )
    pu.import_police_uk(first, store)
    counts = pd.read_csv(pu.counts_file(store))
    pd.testing.assert_frame_equal(counts, _counted_from_the_store(store))
    kinds = set(counts["csp_code"])
    assert {pu.NO_LOCATION, "LSOA not in the ONS lookups", "LSOA in no single partnership", "E22000056"} <= kinds
    plymouth_may = counts[(counts["csp_code"] == "E22000056") & (counts["month"] == "2018-05")]
    assert plymouth_may["count"].sum() == 2  # the crime published twice, once; Avon's row has a Plymouth LSOA
    assert counts["count"].sum() == pu.crimes_metadata(store)["rows"] == 7 + 4 + 1
    later = write_folder(tmp_path / "b", [month_file("2018-05", [row("2018-05", cid="may-again")])])
    pu.import_police_uk(later, store, replace_smaller=True)  # Devon and Cornwall's May again; Avon's kept
    again = pd.read_csv(pu.counts_file(store))
    pd.testing.assert_frame_equal(again, _counted_from_the_store(store))
    assert again["count"].sum() == pu.crimes_metadata(store)["rows"] == 7 + 1 + 1


def test_an_import_of_every_area_never_loads_pandas(tmp_path):
    """pandas costs a second of start-up; the command that imports every area does without it
    (pyarrow loads it behind any Python value given to it: pa.array, pa.scalar, to_numpy)."""
    import subprocess
    import sys

    twice = [row("2018-05", cid="twice"), row("2018-05", cid="twice"), row("2018-05", lsoa="", name="", lon="")]
    root = write_folder(tmp_path / "f", [*sample(), month_file("2018-05", twice)])  # a duplicate dropped too
    code = (
        "import sys\nfrom safer_analysis.cli import main\n"
        f"rc = main(['import-police-uk', '--all-areas', {str(root)!r}, '--out', {str(tmp_path / 's.parquet')!r}])\n"
        "print(rc, 'pandas' in sys.modules)"
    )
    repository = Path(__file__).resolve().parents[2]  # a project (any would do)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repository, check=True)
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr
    # nor does reading one area by its codes, in this process or its (forked) workers
    marks = tmp_path / "asked-for-pandas.txt"
    code = (
        "import sys\nclass Marks:\n    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == 'pandas': open({str(marks)!r}, 'a').write('pandas')\n"
        "sys.meta_path.insert(0, Marks())\nfrom safer_analysis.inputs import police_uk\n"
        f"table, report = police_uk.read_police_uk({str(root)!r}, lsoa_codes=['E01015025'], workers=2)\n"
        "print(report.rows_kept)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "6" and not marks.exists(), done.stderr


def test_the_shipped_lsoa_partnerships_are_those_the_lookups_give():
    """The table an import of every area counts by is what areas.partnership_of_lsoa builds from
    the lookups (run scripts/make_reference_data.py when they change)."""
    from safer_analysis.inputs.areas import partnership_of_lsoa
    from safer_analysis.inputs.police_uk.counts import shipped_lsoa_partnerships

    codes, partnerships = shipped_lsoa_partnerships()
    assert dict(zip(codes.to_pylist(), partnerships, strict=True)) == partnership_of_lsoa()
