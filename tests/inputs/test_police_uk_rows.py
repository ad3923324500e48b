"""Suspicious rows in police.uk files are said, not swallowed: duplicate crimes are dropped and
counted, a month that comes back smaller is refused, crime types are matched to police.uk's
categories, and a coordinate that is not a number is named by file, row and column."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from safer_analysis.inputs import police_uk as pu
from safer_analysis.inputs.project import SETTINGS_FILE

from ..conftest import REALDATA, ROOT
from .test_police_uk import month_file, row, write_folder

D_AND_C = "Devon & Cornwall Police"


def outcome(line: str, text: str) -> str:
    """The same street-level line with another last outcome."""
    return line.replace("Under investigation", text)


def duplicated_month():
    """2018-04 with a crime published twice (identical), a crime published twice with different
    outcomes, and two identical anti-social behaviour rows (two incidents at the same point)."""
    twice = row("2018-04", cid="aaa")
    return [
        month_file(
            "2018-04",
            [
                twice,
                row("2018-04", cid="bbb"),
                twice,
                outcome(row("2018-04", cid="bbb"), "Unable to prosecute suspect"),
                row("2018-04", cid="", ctype="Anti-social behaviour"),
                row("2018-04", cid="", ctype="Anti-social behaviour"),
            ],
        ),
        month_file("2018-05", [row("2018-05", cid="ccc"), row("2018-05", cid="ddd")]),
    ]


@pytest.mark.parametrize("prefixes", [None, ["Plymouth "]], ids=["every-row", "by-name"])
def test_a_crime_published_twice_is_dropped_once_and_counted(tmp_path, prefixes):
    root = write_folder(tmp_path / "f", duplicated_month())
    table, report = pu.read_police_uk(root, lsoa_prefixes=prefixes)
    frame = table.to_pandas()
    assert frame["crime_id"].fillna("").tolist() == ["aaa", "bbb", "bbb", "", "", "ccc", "ddd"]
    assert frame["last_outcome"].tolist()[:3] == ["Under investigation"] * 2 + ["Unable to prosecute suspect"]
    assert report.rows_read == 8 and report.rows_kept == 7 and report.asb_rows == 2
    assert report.duplicates_dropped == {"2018-04": {D_AND_C: 1}}
    assert report.same_id_kept == {"2018-04": 1}
    text = report.summary()
    assert "1 crime row(s) identical in every field" in text and "(2018-04: 1)" in text
    assert "1 row(s) share a Crime ID" in text and "they are kept" in text


@pytest.mark.parametrize("area", ["Plymouth", None], ids=["one-area", "every-area"])
def test_a_store_records_the_duplicates_dropped_per_month(tmp_path, area):
    store = tmp_path / ("plymouth-street.parquet" if area else "all-areas-street.parquet")
    report = pu.import_police_uk(write_folder(tmp_path / "a", duplicated_month()), store, csp=area)
    assert report.rows_kept == 7 and report.duplicates_dropped == {"2018-04": {D_AND_C: 1}}
    assert "1 crime row(s) identical in every field" in report.summary()
    frame = pu.load_crimes(store)
    assert len(frame) == 7 and frame["crime_id"].value_counts().to_dict() == {"bbb": 2, "aaa": 1, "ccc": 1, "ddd": 1}
    meta = frame.attrs["metadata"]
    assert meta["duplicates_dropped"] == {"2018-04": {D_AND_C: 1}} and meta["same_id_kept"] == {"2018-04": 1}
    assert meta["rows"] == 7
    assert pu.duplicates_dropped(store) == {"2018-04": 1, "2018-05": 0}
    # a later download: 2018-05 again (now with a duplicate) and 2018-06; 2018-04 is kept with its count
    later = [month_file(m, [row(m, cid="x" + m), row(m, cid="x" + m)]) for m in ("2018-05", "2018-06")]
    pu.import_police_uk(write_folder(tmp_path / "b", later), store, csp=area, replace_smaller=True)
    assert pu.duplicates_dropped(store) == {"2018-04": 1, "2018-05": 1, "2018-06": 1}
    assert pu.crimes_metadata(store)["same_id_kept"] == {"2018-04": 1}
    # a month read again without its duplicate no longer counts one
    again = [month_file("2018-04", [row("2018-04", cid="aaa"), row("2018-04", cid="bbb")])]
    pu.import_police_uk(write_folder(tmp_path / "c", again), store, csp=area, replace_smaller=True)
    assert pu.duplicates_dropped(store) == {"2018-04": 0, "2018-05": 1, "2018-06": 1}
    assert pu.crimes_metadata(store)["same_id_kept"] == {}


def test_a_store_of_every_area_keeps_another_forces_duplicates_when_one_force_is_read_again(tmp_path):
    avon = "Avon and Somerset Constabulary"
    store = tmp_path / "all-areas-street.parquet"
    twice = row("2018-04", cid="avon-1").replace(D_AND_C, avon)
    first = [
        month_file("2018-04", [twice, twice], force="avon-and-somerset"),
        month_file("2018-04", [row("2018-04", cid="dc-1"), row("2018-04", cid="dc-1")]),
    ]
    pu.import_police_uk(write_folder(tmp_path / "a", first), store)
    assert pu.crimes_metadata(store)["duplicates_dropped"] == {"2018-04": {avon: 1, D_AND_C: 1}}
    pu.import_police_uk(write_folder(tmp_path / "b", [month_file("2018-04", [row("2018-04", cid="dc-1")])]), store)
    assert pu.crimes_metadata(store)["duplicates_dropped"] == {"2018-04": {avon: 1}}
    assert pu.duplicates_dropped(store) == {"2018-04": 1}


def test_import_many_counts_each_areas_own_duplicates(tmp_path):
    files = [
        month_file(
            "2018-04",
            [row("2018-04", cid="p")] * 2 + [row("2018-04", cid="e", lsoa="E01099999", name="Exeter 001A")] * 3,
        )
    ]
    reports = pu.import_many(
        write_folder(tmp_path / "f", files), {"Plymouth": ["E01015025"], "Exeter": ["E01099999"]}, tmp_path / "out"
    )
    assert reports["Plymouth"].duplicates_dropped == {"2018-04": {D_AND_C: 1}}
    assert reports["Exeter"].duplicates_dropped == {"2018-04": {D_AND_C: 2}}
    assert pu.duplicates_dropped(tmp_path / "out" / "exeter-street.parquet") == {"2018-04": 2}


def test_a_store_made_before_duplicates_were_counted_says_nothing(tmp_path):
    import json

    import pyarrow.parquet as pq

    store = tmp_path / "old-street.parquet"
    pu.import_police_uk(write_folder(tmp_path / "a", duplicated_month()), store, csp="Plymouth")
    table = pq.read_table(store)
    meta = json.loads(table.schema.metadata[pu.METADATA_KEY])
    del meta["duplicates_dropped"], meta["same_id_kept"]
    pq.write_table(table.replace_schema_metadata({pu.METADATA_KEY: json.dumps(meta).encode()}), store)
    assert pu.duplicates_dropped(store) == {}


NORTH_YORKSHIRE = REALDATA / "police-uk-archives" / "north-yorkshire-2025"


def _independent_duplicates(folder, prefix: str = "") -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Per month, with pandas on the raw files (rows whose LSOA name starts with ``prefix``): crime
    rows identical to an earlier one, rows that repeat a Crime ID but differ once those are
    dropped, and identical anti-social behaviour rows."""
    exact, differing, asb = {}, {}, {}
    for path in sorted(folder.rglob("*-street.csv")):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="Context")
        raw = raw[raw["LSOA name"].str.startswith(prefix)]
        crimes = raw[raw["Crime ID"] != ""]
        month = path.name[:7]
        exact[month] = int(crimes.duplicated().sum())
        differing[month] = int(crimes.drop_duplicates()["Crime ID"].duplicated().sum())
        asb[month] = int(raw[raw["Crime ID"] == ""].duplicated().sum())
    return exact, differing, asb


@pytest.mark.shared
@pytest.mark.parametrize("area", [None, "Harrogate"], ids=["every-row", "by-name"])
def test_north_yorkshire_2025_duplicates_match_an_independent_count(tmp_path, area):
    """Real files hold crimes published twice (1 to 22 a month in North Yorkshire 2025) and crimes
    published again with another outcome (14 to 92 a month once exact copies are dropped; 36 to 93
    rows a month repeat a Crime ID in all), and identical anti-social behaviour rows, which stay."""
    exact, differing, asb = _independent_duplicates(NORTH_YORKSHIRE)
    assert len(exact) == 12 and (min(exact.values()), max(exact.values())) == (1, 22)
    assert (min(differing.values()), max(differing.values())) == (14, 92)
    repeats = {m: exact[m] + differing[m] for m in exact}
    assert (min(repeats.values()), max(repeats.values())) == (36, 93)
    assert min(asb.values()) > 200  # identical ASB rows are common: they are separate incidents
    if area is None:
        table, report = pu.read_police_uk(NORTH_YORKSHIRE)
        assert {m: sum(f.values()) for m, f in report.duplicates_dropped.items()} == exact
        assert report.same_id_kept == differing
        assert report.rows_kept == report.rows_read - sum(exact.values())
        frame = table.to_pandas()
        raw = pd.concat(
            pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(NORTH_YORKSHIRE.rglob("*-street.csv"))
        )
        assert (frame["crime_type"] == "Anti-social behaviour").sum() == (raw["Crime ID"] == "").sum()
    else:
        here, here_differing, _ = _independent_duplicates(NORTH_YORKSHIRE, f"{area} ")
        assert sum(here.values()) > 0
        store = tmp_path / "harrogate-street.parquet"
        report = pu.import_police_uk(NORTH_YORKSHIRE, store, csp=area)
        assert pu.duplicates_dropped(store) == here
        assert pu.crimes_metadata(store)["same_id_kept"] == {m: n for m, n in here_differing.items() if n}
        frame = pu.load_crimes(store)
        assert not frame[frame["crime_id"].notna()].duplicated().any()
        assert report.rows_kept == len(frame)


# ---- a month that comes back smaller -------------------------------------------------------------


def crimes(month, n, prefix="c"):
    return [row(month, cid=f"{prefix}{i}") for i in range(n)]


@pytest.mark.parametrize("area", ["Plymouth", None], ids=["one-area", "every-area"])
def test_a_month_read_again_with_fewer_than_90_percent_of_its_rows_is_refused(tmp_path, area):
    store = tmp_path / ("plymouth-street.parquet" if area else "all-areas-street.parquet")
    first = [month_file("2019-01", crimes("2019-01", 20)), month_file("2019-02", crimes("2019-02", 20))]
    pu.import_police_uk(write_folder(tmp_path / "a", first), store, csp=area)
    before = store.read_bytes()
    half = write_folder(
        tmp_path / "b", [month_file("2019-02", crimes("2019-02", 10)), month_file("2019-03", [row("2019-03")])]
    )
    with pytest.raises(pu.PoliceUkError) as caught:
        pu.import_police_uk(half, store, csp=area)
    message = str(caught.value)
    assert message.startswith(
        f"2019-02, {D_AND_C}: the new download holds 10 rows for this month where the store holds 20"
    )
    assert "--replace-smaller" in message and "\n" not in message
    assert store.read_bytes() == before and list(tmp_path.glob(".*.tmp")) == []
    # 18 of 20 (90%) is not fewer than 90%: it replaces the month
    pu.import_police_uk(write_folder(tmp_path / "c", [month_file("2019-02", crimes("2019-02", 18))]), store, csp=area)
    assert pu.load_crimes(store).groupby("month").size().to_dict() == {"2019-01": 20, "2019-02": 18}
    # asked for, a smaller month replaces the one held
    report = pu.import_police_uk(half, store, csp=area, replace_smaller=True)
    assert report.replaced == ["2019-02"]
    assert pu.load_crimes(store).groupby("month").size().to_dict() == {"2019-01": 20, "2019-02": 10, "2019-03": 1}


def test_a_store_of_every_area_compares_each_force_on_its_own(tmp_path):
    """Another force's rows of the month are not read again, so they are not compared; a force
    whose month comes back smaller is refused even when the month as a whole is larger."""
    avon = [line.replace(D_AND_C, "Avon and Somerset Constabulary") for line in crimes("2019-02", 30, "a")]
    store = tmp_path / "all-areas-street.parquet"
    first = [month_file("2019-02", crimes("2019-02", 20)), month_file("2019-02", avon, force="avon-and-somerset")]
    pu.import_police_uk(write_folder(tmp_path / "a", first), store)
    pu.import_police_uk(write_folder(tmp_path / "b", [month_file("2019-02", crimes("2019-02", 19))]), store)
    more_avon = [line.replace(D_AND_C, "Avon and Somerset Constabulary") for line in crimes("2019-02", 60, "b")]
    mixed = [month_file("2019-02", crimes("2019-02", 5)), month_file("2019-02", more_avon, force="avon-and-somerset")]
    with pytest.raises(pu.PoliceUkError, match=f"2019-02, {D_AND_C}: the new download holds 5 rows .* holds 19"):
        pu.import_police_uk(write_folder(tmp_path / "c", mixed), store)


def test_the_command_line_refuses_a_smaller_month_with_exit_3_unless_told(tmp_path, capsys):
    from safer_analysis.cli import main

    store = tmp_path / "plymouth-street.parquet"
    first = write_folder(tmp_path / "a", [month_file("2019-02", crimes("2019-02", 20))])
    args = ["import-police-uk", "--area", "Plymouth", "--out", str(store), "--project", str(tmp_path)]
    shutil.copyfile(ROOT / SETTINGS_FILE, tmp_path / SETTINGS_FILE)  # Plymouth's settings, in a scratch project
    assert main([*args[:1], str(first), *args[1:]]) == 0
    capsys.readouterr()
    half = write_folder(tmp_path / "b", [month_file("2019-02", crimes("2019-02", 9))])
    assert main([*args[:1], str(half), *args[1:]]) == 3
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("  read ")]  # not progress
    assert len(err) == 1 and err[0].startswith("error: 2019-02, Devon & Cornwall Police: the new download holds 9 rows")
    assert "holds 20" in err[0] and "--replace-smaller" in err[0]
    assert main([*args[:1], str(half), *args[1:], "--replace-smaller"]) == 0
    assert len(pu.load_crimes(store)) == 9


# ---- crime types ---------------------------------------------------------------------------------


def test_police_uk_categories_include_every_crime_type_the_severity_weights_map():
    weights = pd.read_csv(ROOT / "safer_analysis" / "reference" / "crime_severity_weights_by_force.csv")
    assert set(weights["crime_type"]) | {pu.ASB} <= set(pu.CRIME_TYPES)
    assert len(pu.CRIME_TYPES) == len(set(pu.CRIME_TYPES)) == 16


@pytest.mark.parametrize("prefixes", [None, ["Plymouth "]], ids=["every-row", "by-name"])
def test_crime_types_are_matched_in_any_case_and_spacing(tmp_path, prefixes):
    rows = [
        row("2018-04", cid="a", ctype="Bicycle Theft"),
        row("2018-04", cid="b", ctype=" bicycle  theft "),
        row("2018-04", cid="c", ctype="BURGLARY"),
        row("2018-04", cid="d", ctype="Bicycle theft"),
        row("2018-04", cid="", ctype="anti-social behaviour"),
    ]
    root = write_folder(tmp_path / "f", [month_file("2018-04", rows)])
    table, report = pu.read_police_uk(root, lsoa_prefixes=prefixes)
    assert table.column("crime_type").to_pylist() == ["Bicycle theft"] * 2 + ["Burglary", "Bicycle theft", pu.ASB]
    assert report.asb_rows == 1


def test_a_store_of_every_area_matches_crime_types_too(tmp_path):
    rows = [row("2018-04", cid="a", ctype="Bicycle Theft"), row("2018-04", cid="b", ctype="Bicycle theft")]
    store = tmp_path / "all-areas-street.parquet"
    pu.import_police_uk(write_folder(tmp_path / "f", [month_file("2018-04", rows)]), store)
    assert pu.load_crimes(store)["crime_type"].tolist() == ["Bicycle theft", "Bicycle theft"]
    counts = pd.read_csv(pu.counts_file(store))
    assert counts["crime_type"].tolist() == ["Bicycle theft"] and counts["count"].tolist() == [2]


@pytest.mark.parametrize("area", ["Plymouth", None], ids=["by-name", "every-area"])
@pytest.mark.parametrize("bad,found", [("Bicycle thefts", "'Bicycle thefts'"), ("", "nothing")])
def test_an_unknown_crime_type_is_refused_naming_file_row_and_column(tmp_path, area, bad, found):
    """Named by its line in the file, even where only the area's lines are parsed (by name)."""
    rows = [row("2018-04", cid="a", name="Exeter 001A"), row("2018-04", cid="b"), row("2018-04", cid="c", ctype=bad)]
    root = write_folder(tmp_path / "f", [month_file("2018-04", rows)])
    store = tmp_path / "store.parquet"
    with pytest.raises(pu.PoliceUkError) as caught:
        pu.import_police_uk(root, store, csp=area)
    message = str(caught.value)
    assert message.startswith(f"{root}/2018-04/2018-04-devon-and-cornwall-street.csv, row 4, column 'Crime type': ")
    assert f"found {found}" in message and "Bicycle theft, Burglary" in message and "\n" not in message
    assert not store.exists()


# ---- coordinates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["Plymouth", None], ids=["by-name", "every-area"])
@pytest.mark.parametrize("column", ["Longitude", "Latitude"])
def test_a_coordinate_that_is_not_a_number_is_named_by_file_row_and_column(tmp_path, area, column):
    bad = row("2018-04", cid="c")
    bad = bad.replace(",-4.1,", ",4°W,") if column == "Longitude" else bad.replace(",50.4,", ",fifty,")
    rows = [row("2018-04", cid="a", name="Exeter 001A"), row("2018-04", cid="b", lon=""), bad, row("2018-04", cid="d")]
    root = write_folder(tmp_path / "f", [month_file("2018-04", rows)])
    store = tmp_path / "store.parquet"
    with pytest.raises(pu.PoliceUkError) as caught:
        pu.import_police_uk(root, store, csp=area)
    message = str(caught.value)
    value = "'4°W'" if column == "Longitude" else "'fifty'"
    assert message.startswith(f"{root}/2018-04/2018-04-devon-and-cornwall-street.csv, row 4, column '{column}': ")
    assert f"expected a number in decimal degrees, or nothing where there is no location, found {value}" in message
    assert "\n" not in message and not store.exists()


def test_numbers_as_pyarrow_reads_them_are_not_taken_for_bad_coordinates(tmp_path):
    """Only the text pyarrow itself cannot read is named: a later bad value, after numbers
    written in other ways, is the one found."""
    rows = [
        row("2018-04", cid="a", lon="-4"),
        row("2018-04", cid="b", lon="+4.10"),
        row("2018-04", cid="c", lon="-.5e1"),
        row("2018-04", cid="d", lon="1,2".replace(",", ".")),
        row("2018-04", cid="e", lon="x1"),
    ]
    root = write_folder(tmp_path / "f", [month_file("2018-04", rows)])
    with pytest.raises(pu.PoliceUkError, match=r"row 6, column 'Longitude': .* found 'x1'"):
        pu.read_police_uk(root)
    table, _ = pu.read_police_uk(write_folder(tmp_path / "g", [month_file("2018-04", rows[:4])]))
    assert table.column("longitude").to_pylist() == [-4.0, 4.1, -5.0, 1.2]
