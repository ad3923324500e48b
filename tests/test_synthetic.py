"""The bundled synthetic police.uk archive: deterministic, realistic in volume, labelled, and the cache made from it."""

from __future__ import annotations

import hashlib
import zipfile

import pyarrow.parquet as pq
import pytest

from safer_analysis import police_uk as pu
from safer_analysis import synthetic

from .conftest import SHARED

ASB = "Anti-social behaviour"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A fresh import of the committed archive: (cache path, report)."""
    out = tmp_path_factory.mktemp("syn") / "plymouth.parquet"
    report = pu.import_police_uk(pu.SYNTHETIC_ARCHIVE, out, csp="Plymouth", synthetic=True)
    return out, report


@pytest.fixture(scope="module")
def crimes(imported):
    return pu.load_crimes(imported[0])


def test_regenerating_gives_a_byte_identical_archive(tmp_path):
    if not (SHARED / "realdata" / "ons-lookups").is_dir():
        pytest.skip(f"generation reads Plymouth's LSOAs from {SHARED}")
    fresh = synthetic.generate(tmp_path / "again.zip")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (fresh, pu.SYNTHETIC_ARCHIVE)]
    assert digest[0] == digest[1]
    assert pu.SYNTHETIC_ARCHIVE.stat().st_size < 6_000_000


def test_committed_cache_equals_a_fresh_import(imported):
    fresh, _ = imported
    pu.load_crimes()  # made from the archive on first use if it is not there
    committed = pq.read_table(pu.DEFAULT_CACHE)
    assert committed.replace_schema_metadata(None).equals(pq.read_table(fresh).replace_schema_metadata(None))
    ours, theirs = pu.crimes_metadata(pu.DEFAULT_CACHE), pu.crimes_metadata(fresh)
    assert ours.pop("created") and theirs.pop("created")
    assert ours == theirs


def test_archive_is_labelled_synthetic_and_laid_out_as_police_uk():
    with zipfile.ZipFile(pu.SYNTHETIC_ARCHIVE) as z:
        assert b"SYNTHETIC" in z.comment
        assert "SYNTHETIC" in z.read("README-SYNTHETIC.txt").decode()
        names = z.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in z.infolist()} == {synthetic.STAMP}
        streets = [n for n in names if n.endswith("-street.csv")]
        assert len(streets) == 48 == len(names) - 1
        assert streets[0] == "2015-04/2015-04-devon-and-cornwall-street.csv"
        assert streets[-1] == "2019-03/2019-03-devon-and-cornwall-street.csv"
        first = z.read(streets[0])
    assert first.startswith(synthetic.HEADER.encode() + b"\n")  # exact header, no byte-order mark, LF
    assert b"\r" not in first
    assert b",Devon & Cornwall Police,Devon & Cornwall Police," in first


def test_covers_2015_16_to_2018_19_at_realistic_volumes(crimes, imported):
    _, report = imported
    assert report.files_read == 48 and report.months == synthetic.months()
    assert sorted(crimes["financial_year"].unique()) == ["2015-16", "2016-17", "2017-18", "2018-19"]
    per_month = crimes.groupby("month").size()
    assert len(per_month) == 48
    assert per_month.between(2_050, 2_800).all()  # the real extracts run about 2,100 to 2,800
    assert 2_100 <= report.rows_read / 48 <= 2_800
    assert 0.005 < report.rows_without_lsoa / report.rows_read < 0.015  # about 1% cannot be placed
    assert crimes["lsoa_code"].nunique() == 161
    assert crimes["lsoa_name"].str.startswith("Plymouth ").all()


def test_mix_concentration_season_and_trends(crimes):
    by_year = crimes.groupby(["crime_type", "financial_year"]).size().unstack()
    assert by_year.loc["Violence and sexual offences", "2018-19"] > 1.15 * by_year.loc[
        "Violence and sexual offences", "2015-16"]
    assert by_year.loc[ASB, "2018-19"] < 0.85 * by_year.loc[ASB, "2015-16"]
    flat = by_year.loc["Criminal damage and arson"]
    assert flat.max() < 1.1 * flat.min()
    share = crimes["crime_type"].value_counts(normalize=True)
    assert share.index[0] == "Violence and sexual offences" and share.index[1] == ASB
    per_lsoa = crimes.groupby("lsoa_code").size()
    assert per_lsoa.max() > 8 * per_lsoa.median()  # a few city-centre LSOAs carry many times the median
    calendar = crimes.groupby(crimes["month"].str[5:]).size()
    assert calendar[["06", "07", "08"]].sum() > 1.1 * calendar[["12", "01", "02"]].sum()


def test_format_details(crimes):
    asb = crimes["crime_type"] == ASB
    assert crimes.loc[asb, "crime_id"].isna().all()
    assert crimes.loc[asb, "last_outcome"].isna().all()
    assert crimes.loc[~asb, "crime_id"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert crimes["crime_id"].dropna().is_unique
    assert crimes["location"].str.startswith("On or near ").all()
    assert crimes.attrs["metadata"]["synthetic"] is True and crimes.attrs["metadata"]["csp"] == "Plymouth"
    # the latest months are mostly still under investigation; months a year or more back never are
    open_share = (crimes.loc[~asb, "last_outcome"] == "Under investigation").groupby(crimes["month"]).mean()
    assert open_share["2019-03"] > 0.5 and (open_share[:"2018-09"] == 0).all()


def test_default_cache_is_marked_synthetic():
    frame = pu.load_crimes()
    assert frame.attrs["metadata"]["synthetic"] is True and frame.attrs["metadata"]["csp"] == "Plymouth"
    assert frame.attrs["metadata"]["sources"] == [pu.SYNTHETIC_ARCHIVE.name]
