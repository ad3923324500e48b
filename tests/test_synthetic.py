"""The bundled synthetic police.uk archive: deterministic, realistic in volume, labelled."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from safer_analysis import police_uk as pu
from safer_analysis import synthetic


@pytest.fixture(scope="module")
def crimes(tmp_path_factory):
    out = tmp_path_factory.mktemp("syn") / "plymouth.parquet"
    pu.import_police_uk(pu.SYNTHETIC_ARCHIVE, out, csp="Plymouth", synthetic=True)
    return pu.load_crimes(out)


def test_regenerating_gives_a_byte_identical_archive(tmp_path):
    fresh = synthetic.generate(tmp_path / "again.zip")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (fresh, pu.SYNTHETIC_ARCHIVE)]
    assert digest[0] == digest[1]


def test_archive_is_labelled_synthetic():
    with zipfile.ZipFile(pu.SYNTHETIC_ARCHIVE) as z:
        assert b"SYNTHETIC" in z.comment
        assert "SYNTHETIC" in z.read("README-SYNTHETIC.txt").decode()
        names = [n for n in z.namelist() if n.endswith("-street.csv")]
    assert len(names) == 48 and names[0] == "2015-04/2015-04-devon-and-cornwall-street.csv"


def test_covers_2015_16_to_2018_19_at_realistic_volumes(crimes):
    assert sorted(crimes["financial_year"].unique()) == ["2015-16", "2016-17", "2017-18", "2018-19"]
    per_month = crimes.groupby("month").size()
    assert len(per_month) == 48
    assert per_month.between(1_900, 3_000).all()  # the real extracts run about 2,100 to 2,800
    assert crimes["lsoa_code"].nunique() == 161


def test_format_details(crimes):
    asb = crimes["crime_type"] == "Anti-social behaviour"
    assert crimes.loc[asb, "crime_id"].isna().all()
    assert crimes.loc[~asb, "crime_id"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert crimes["lsoa_name"].str.startswith("Plymouth ").all()
    assert crimes.attrs["metadata"]["synthetic"] is True


def test_default_cache_is_marked_synthetic():
    frame = pu.load_crimes()
    assert frame.attrs["metadata"]["synthetic"] is True and frame.attrs["metadata"]["csp"] == "Plymouth"
