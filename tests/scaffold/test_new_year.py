"""Scaffolding a new financial year from the one before."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs.datasets import FILES, load_dataset
from safer_analysis.scaffold.new_year import NewYearError, new_year

from ..conftest import edit_cell, read_rows


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_scaffold_copies_the_previous_year_as_to_be_confirmed(data_copy):
    s = new_year("2019-20", data_copy)
    assert s.copied_from == "2018-19"
    ds = load_dataset(data_copy)
    assert "2019-20" in ds.years
    lines = ds.allocations_for("2019-20")
    assert len(lines) == 9
    assert set(lines["status"]) == {"to be confirmed"} and lines["amount"].isna().all()
    assert list(lines["theme_key"]) == list(ds.allocations_for("2018-19")["theme_key"])
    with pytest.raises(ValueError, match="still to be confirmed"):
        ds.grant_for("2019-20")
    scores = ds.threat_risk_harm_scores
    assert scores.loc[scores["financial_year"] == "2019-20", "illustrative"].all()
    links = ds.allocation_pcp_priorities
    new_links = links[links["allocation_id"].str.startswith("SP-2019-20")]
    assert len(new_links) == len(links[links["allocation_id"].str.startswith("SP-2018-19")])
    assert set(new_links["basis"]) == {"inferred"}
    m = ds.outcome_measures
    assert (m["measure_id"] == "SP-2019-20-01-M02").any()
    assert any("grants.csv" in t for t in s.todo) and any("threat_risk_harm" in t for t in s.todo)


def test_refuses_to_overwrite_an_existing_year(data_copy):
    before = digest(data_copy)
    with pytest.raises(NewYearError, match="already exists"):
        new_year("2018-19", data_copy)
    assert digest(data_copy) == before


def test_refuses_a_year_with_nothing_before_it(data_copy):
    with pytest.raises(NewYearError, match="no year before"):
        new_year("2010-11", data_copy)


def test_cli_new_year_exit_codes(data_copy, capsys):
    assert main(["new-year", "2019-20", "--project", str(data_copy.parent)]) == 0
    assert "Now fill in" in capsys.readouterr().out
    assert main(["new-year", "2019-20", "--project", str(data_copy.parent)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["new-year", "2019-2020", "--project", str(data_copy.parent)]) == 2


def test_invalid_data_is_left_untouched(data_copy):
    edit_cell(data_copy / FILES["grants"], 0, "amount", "lots")
    before = digest(data_copy)
    with pytest.raises(ValueError):
        new_year("2019-20", data_copy)
    assert digest(data_copy) == before


def test_filled_in_year_loads(data_copy):
    new_year("2019-20", data_copy)
    rows = read_rows(data_copy / FILES["grants"])
    edit_cell(data_copy / FILES["grants"], len(rows) - 1, "amount", "£400,568")
    assert load_dataset(data_copy).grant_for("2019-20") == 400_568


def test_the_copied_links_are_the_analysts_reading_and_cite_what_they_copy(data_copy):
    """A new year's links to local priorities are copied from the year before: the new plan has not
    stated them, so they are the analyst's reading, citing the link they were copied from; the new
    plan's row in sources.csv leaves draft blank (not stated)."""
    new_year("2019-20", data_copy)
    ds = load_dataset(data_copy)
    links = ds.allocation_local_priorities
    new = links[links["allocation_id"].str.startswith("SP-2019-20")]
    assert len(new) == (links["allocation_id"].str.startswith("SP-2018-19")).sum()
    assert set(new["basis"]) == {"inferred"}
    assert new["source_section"].str.startswith("copied from SP-2018-19-").all()
    plan = ds.sources.set_index("document_id").loc["spending-plan-2019-20"]
    assert pd.isna(plan["draft"])
