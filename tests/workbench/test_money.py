"""Question (c): the share of the 2018-19 grant that went to Police & Crime Plan priority 3, in
both readings, against figures worked out from the CSV files with the csv module."""

from __future__ import annotations

import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.workbench import priority_money, spend_by_priority

from ..conftest import ROOT, read_rows


def _pounds(text: str) -> float:
    return float(text.replace("£", "").replace(",", ""))


@pytest.fixture(scope="module")
def independent():
    """Grant, spend, gross and apportioned amounts for priority 3 in 2018-19, from data/."""
    grant = next(
        _pounds(r["amount"]) for r in read_rows(ROOT / "data" / "grants.csv") if r["financial_year"] == "2018-19"
    )
    amounts = {
        r["allocation_id"]: _pounds(r["amount"])
        for r in read_rows(ROOT / "data" / "allocations.csv")
        if r["financial_year"] == "2018-19" and r["status"] == "allocated"
    }
    links = [r for r in read_rows(ROOT / "data" / "allocation_pcp_priorities.csv") if r["allocation_id"] in amounts]
    served = {}
    for r in links:
        served.setdefault(r["allocation_id"], set()).add(int(r["priority"]))
    gross = sum(amounts[a] for a, ps in served.items() if 3 in ps)
    apportioned = sum(amounts[a] / len(ps) for a, ps in served.items() if 3 in ps)
    return {"grant": grant, "spend": sum(amounts.values()), "gross": gross, "apportioned": apportioned}


def test_c_priority_3_gross_is_every_project_and_all_of_the_grant(dataset, independent):
    money = priority_money(dataset, "2018-19", 3)
    assert independent["gross"] == independent["grant"] == 400_568
    assert money.gross == pytest.approx(400_568) and money.grant == pytest.approx(400_568)
    assert money.projects == money.all_projects == 9
    assert money.gross_share_of_grant_pct == pytest.approx(100)


def test_c_priority_3_apportioned_is_38_8_percent_of_the_allocated_spend(dataset, independent):
    money = priority_money(dataset, "2018-19", 3)
    assert money.apportioned == pytest.approx(independent["apportioned"])
    assert money.spend == pytest.approx(independent["spend"])
    assert round(money.apportioned_share_of_spend_pct, 1) == 38.8
    assert money.apportioned_share_of_spend_pct == pytest.approx(
        independent["apportioned"] / independent["spend"] * 100
    )


def test_c_each_reading_is_named_with_what_it_is_a_share_of(dataset):
    gross, apportioned = priority_money(dataset, "2018-19", "3").sentences()
    assert gross.startswith("Gross: every project") and "£400,568, all of the grant" in gross
    assert apportioned.startswith("Apportioned") and "38.8% of apportioned spend" in apportioned
    assert "of the £400,568 grant" in apportioned
    table = priority_money(dataset, "2018-19", 3).table()
    assert list(table["reading"]) == ["gross", "apportioned"]
    assert {"share_of_grant_pct", "share_of_spend_pct"} <= set(table.columns)
    assert "£155,500" in table._repr_html_()


def test_a_recommended_year_with_inferred_links_says_so(dataset):
    money = priority_money(dataset, "2017-18", 3)
    text = " ".join(money.sentences())
    assert "recommended in 2017-18" in text and "inferred" in text
    assert money.gross_share_of_grant_pct == pytest.approx(233_500 / 400_568 * 100)


def test_spend_by_priority_names_every_share(dataset, independent):
    table = spend_by_priority(dataset, "2018-19")
    assert table["apportioned_amount"].sum() == pytest.approx(independent["spend"])
    assert table["apportioned_share_of_spend_pct"].sum() == pytest.approx(100)
    assert table["gross_amount"].sum() > independent["spend"]  # gross amounts overlap
    row = table.set_index("priority").loc[3]
    assert row["gross_share_of_grant_pct"] == pytest.approx(100)
    html = table._repr_html_()
    assert "£400,568" in html and "38.8%" in html and "400568.0" not in html


def test_a_priority_or_year_that_is_not_there_is_refused(dataset):
    with pytest.raises(ParameterError, match="expected a Police & Crime Plan priority number, one of 1, 2, 3, 4, 5"):
        priority_money(dataset, "2018-19", 9)
    with pytest.raises(ParameterError, match="2019-20 is not in the data"):
        priority_money(dataset, "2019-20", 3)
