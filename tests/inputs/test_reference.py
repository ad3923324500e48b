"""The reference tables shipped inside the package: their hashes, their derivation from the public
files in ../shared, and figures checked against the published ones."""

from __future__ import annotations

import importlib.util

import pytest

from safer_analysis.inputs import areas, reference

from ..conftest import ROOT, SHARED


def _script():
    spec = importlib.util.spec_from_file_location("make_reference_data", ROOT / "scripts" / "make_reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_shipped_table_matches_its_recorded_sha256():
    assert set(reference.sources()["file"]) >= {
        "population_local_authority.csv",
        "crime_severity_weights_by_force.csv",
        "lookup_ltla24_csp24_pfa24.csv",
    }
    assert reference.verify() == []


def test_every_shipped_table_names_its_source_and_licence():
    for _, row in reference.sources().iterrows():
        assert row["derived_from"] and row["found_in"] and row["licence"], row["file"]
        assert all(len(h) == 64 for h in row["source_sha256"].split("; ")) and len(row["sha256"]) == 64


@pytest.mark.shared
def test_the_script_rebuilds_every_table_byte_for_byte_from_shared():
    built = _script().build(SHARED)
    folder = ROOT / "safer_analysis" / "reference"
    for name, data in built.items():
        assert (folder / name).read_bytes() == data, f"{name} differs: run scripts/make_reference_data.py"


@pytest.mark.parametrize(
    "year,population",
    [
        (2016, 262_355),
        (2017, 263_070),
        (2018, 263_100),
        (2019, 262_100),
        (2020, 262_839),
    ],
)
def test_plymouth_populations_are_the_ons_mid_year_estimates(year, population):
    figure = reference.population_estimate(["E06000026"], year)
    assert figure.population == population and figure.is_exact
    assert figure.note == f"ONS mid-{year} population estimate"


@pytest.mark.shared
def test_mid_2018_agrees_with_the_ons_projection_base_year():
    """An independent source: the 2018-based projections' base year is the mid-2018 estimate."""
    table = (SHARED / "realdata" / "population" / "plymouth_snpp2018_by_age.tsv").read_text().splitlines()
    header = table[0].split("\t")
    all_ages = next(r.split("\t") for r in table if "\tAll ages\t" in r)
    assert reference.population_estimate(["E06000026"], 2018).population == int(
        all_ages[header.index("2018")].replace(",", "")
    )


def test_a_year_without_an_estimate_uses_the_latest_and_says_so():
    figure = reference.population_estimate(["E06000026"], 2023)
    assert figure.mid_year == 2020 and figure.population == 262_839 and not figure.is_exact
    assert "latest available" in figure.note and "no mid-2023 estimate" in figure.note


def test_a_partnership_of_several_authorities_sums_them():
    codes = areas.resolve("South Devon and Dartmoor").authority_codes
    assert len(codes) == 3
    total = reference.population_estimate(codes, 2018).population
    parts = [reference.population_estimate([c], 2018).population for c in codes]
    assert total == sum(parts) and total > 200_000


def test_an_unknown_authority_has_no_population():
    assert reference.population_estimate(["E06999999"], 2018) is None
