"""The bundled crime extract is real police.uk data: remade from ../shared by the package's own
import command it has the same rows, and its counts match an independent count of the raw files."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from collections import Counter

import pandas as pd
import pytest

from safer_analysis.inputs import police_uk

from ..conftest import CRIME_FILE, REALDATA, ROOT

pytestmark = pytest.mark.shared


def _script():
    spec = importlib.util.spec_from_file_location("make_extract", ROOT / "scripts" / "make_plymouth_extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    cols = list(frame.columns)
    return frame.sort_values(cols).reset_index(drop=True)


@pytest.fixture(scope="module")
def bundled():
    return police_uk.load_crimes(CRIME_FILE)


def test_rebuilding_from_shared_gives_the_same_rows(tmp_path, bundled):
    script = _script()
    rebuilt = tmp_path / "plymouth-street.parquet"
    police_uk.import_police_uk(
        [REALDATA / a for a in script.freshest_first()], rebuilt, csp="Plymouth", name_prefixes=["Plymouth"]
    )
    fresh = police_uk.load_crimes(rebuilt)
    pd.testing.assert_frame_equal(_rows(fresh), _rows(bundled))


def test_sources_file_lists_every_monthly_file_with_its_hash():
    rows = list(csv.DictReader(open(ROOT / "data" / "crime" / "SOURCES.csv", encoding="utf-8")))
    assert rows == _script().sources()
    for r in rows:
        assert hashlib.sha256((REALDATA / r["file"]).read_bytes()).hexdigest() == r["sha256"]
    used = [r["month"] for r in rows if r["used"] == "yes"]
    assert len(used) == len(set(used)) == 59 and "2017-12" not in used


def _independent_counts() -> Counter:
    """Crimes and ASB per financial year in Plymouth's 161 LSOA 2011 codes, counted with the csv
    module from the raw files, each month once from the download that reaches the latest month,
    and a crime row identical in every field to one already counted (the same Crime ID published
    twice) once."""
    codes = {
        r["LSOA11CD"]
        for r in csv.DictReader(open(REALDATA / "ons-lookups" / "plymouth_LSOA11_WD19_LAD19.csv", encoding="utf-8-sig"))
    }
    assert len(codes) == 161
    counts: Counter = Counter()
    seen = set()
    for archive in _script().freshest_first():
        for path in sorted((REALDATA / archive).rglob("*-street.csv")):
            month = path.parent.name
            if month in seen:
                continue
            seen.add(month)
            y, m = int(month[:4]), int(month[5:])
            fy = f"{y if m >= 4 else y - 1}-{str((y if m >= 4 else y - 1) + 1)[2:]}"
            crimes_seen = set()
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    if row["LSOA code"] not in codes:
                        continue
                    if row["Crime ID"]:
                        if tuple(row.values()) in crimes_seen:
                            continue
                        crimes_seen.add(tuple(row.values()))
                    counts[fy, row["Crime type"] == "Anti-social behaviour"] += 1
    return counts


def test_the_one_crime_published_twice_is_held_once(bundled):
    """Plymouth 2018-08 holds one public order crime in Plymouth 021A twice, identical in every
    field: the store holds it once and its metadata says one duplicate was dropped that month."""
    path = REALDATA / "police-uk-archives" / "devon-and-cornwall-2018" / "2018-08"
    raw = pd.read_csv(next(path.glob("*-street.csv")), dtype=str, keep_default_na=False)
    twice = raw[(raw["Crime ID"] != "") & raw.duplicated(keep=False)]
    assert len(twice) == 2 and set(twice["Crime type"]) == {"Public order"}
    assert set(twice["LSOA name"]) == {"Plymouth 021A"}
    assert (bundled["crime_id"] == twice["Crime ID"].iloc[0]).sum() == 1
    dropped = police_uk.duplicates_dropped(CRIME_FILE)
    assert dropped["2018-08"] == 1 and sum(dropped.values()) == 1


def test_counts_match_an_independent_count_of_the_raw_files(bundled):
    expected = _independent_counts()
    # the figures the board pack reports (one public order crime in Plymouth 021A is published
    # twice in 2018-08: counted once)
    assert expected["2018-19", False] == 21_907 and expected["2018-19", True] == 8_754
    assert expected["2016-17", False] == 17_889 and expected["2016-17", True] == 10_222
    ours = Counter(zip(bundled["financial_year"], bundled["crime_type"] == "Anti-social behaviour", strict=True))
    for year in ("2016-17", "2017-18", "2018-19"):
        for asb in (False, True):
            assert ours[year, asb] == expected[year, asb], (year, asb)


def test_remaking_the_partnership_counts_gives_the_shipped_file(tmp_path, capsys):
    """``import-police-uk --all-areas`` over the same downloads writes the counts file shipped in
    data/crime byte for byte, and its SHA-256 is the one DERIVED.csv records."""
    from safer_analysis.cli import main

    store = tmp_path / "all-areas-street.parquet"
    archives = [str(REALDATA / a) for a in _script().freshest_first()]
    assert main(["import-police-uk", *archives, "--all-areas", "--out", str(store), "--project", str(ROOT)]) == 0
    made = store.with_name("all-areas-counts.csv").read_bytes()
    shipped = ROOT / "data" / "crime" / "all-areas-counts.csv"
    assert made == shipped.read_bytes()
    derived = {r["file"]: r for r in csv.DictReader(open(ROOT / "data" / "crime" / "DERIVED.csv", encoding="utf-8"))}
    assert hashlib.sha256(made).hexdigest() == derived[shipped.name]["sha256"]
    assert police_uk.crimes_metadata(store)["rows"] == pd.read_csv(shipped)["count"].sum()
