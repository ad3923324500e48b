"""The reference tables shipped inside the package: their hashes, their derivation from the public
files in ../shared, and figures checked against the published ones."""

from __future__ import annotations

import importlib.util

import pytest

from safer_analysis.inputs import reference

from ..conftest import ROOT, SHARED


def _script():
    spec = importlib.util.spec_from_file_location("make_reference_data", ROOT / "scripts" / "make_reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_shipped_table_matches_its_recorded_sha256():
    assert set(reference.sources()["file"]) >= {
        "population_local_authority.csv",
        "population_mid2021.csv",
        "population_csp_mid2022.csv",
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
