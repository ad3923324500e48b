"""Independent figures from the real Plymouth data, made without the package: the crime store
read with pyarrow, the shipped ONS lookups with the csv module."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from importlib import resources

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ..conftest import CRIME_FILE

PLYMOUTH = "E06000026"


def reference_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("safer_analysis.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture(scope="session")
def lookup_rows() -> list[dict[str, str]]:
    return reference_rows("lsoa_areas.csv")


@pytest.fixture(scope="session")
def plymouth_lsoa11(lookup_rows) -> set[str]:
    return {r["lsoa11_code"] for r in lookup_rows if r["ltla24_code"] == PLYMOUTH}


@pytest.fixture(scope="session")
def ward_of(lookup_rows) -> dict[str, str]:
    """LSOA code (2011 or 2021) to the name of its 2024 ward, for Plymouth's LSOAs."""
    out = {}
    for r in lookup_rows:
        if r["ltla24_code"] == PLYMOUTH:
            out[r["lsoa11_code"]] = r["ward24_name"]
            out[r["lsoa21_code"]] = r["ward24_name"]
    return out


@pytest.fixture(scope="session")
def raw_crimes():
    """The store as an arrow table: month, crime_type, lsoa_code, longitude, latitude."""
    return pq.read_table(CRIME_FILE, columns=["month", "crime_type", "lsoa_code", "longitude", "latitude"])


def count_rows(table, *, months, crime_type=None, asb: bool | None = None) -> int:
    mask = pc.is_in(table["month"], value_set=__import__("pyarrow").array(sorted(months)))
    if crime_type is not None:
        mask = pc.and_(mask, pc.equal(table["crime_type"], crime_type))
    if asb is True:
        mask = pc.and_(mask, pc.equal(table["crime_type"], "Anti-social behaviour"))
    if asb is False:
        mask = pc.and_(mask, pc.not_equal(table["crime_type"], "Anti-social behaviour"))
    return int(pc.sum(pc.cast(mask, "int64")).as_py() or 0)


def counts_by_ward(table, ward_of, *, months, crime_type) -> Counter:
    rows = table.filter(
        pc.and_(
            pc.is_in(table["month"], value_set=__import__("pyarrow").array(sorted(months))),
            pc.equal(table["crime_type"], crime_type),
        )
    )
    return Counter(ward_of[code] for code in rows["lsoa_code"].to_pylist())


def financial_year_months(start: int) -> list[str]:
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]


@pytest.fixture(scope="session")
def wards_of_lsoa11(lookup_rows) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in lookup_rows:
        out[r["lsoa11_code"]].add(r["ward24_code"])
    return out


@pytest.fixture(scope="session")
def crimes():
    """The package's own read of the store, with its geography."""
    from safer_analysis.inputs.police_uk import load_crimes
    from safer_analysis.workbench import add_geography

    return add_geography(load_crimes(CRIME_FILE))
