"""The workbench's start checks its parameters first; its steps answer from the project; the
pickers are built by the package."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.workbench import check_year_parameter, open_workbench
from safer_analysis.workbench.widgets import WHOLE_AREA, view, ward_options, year_options

from ..conftest import ROOT
from .conftest import counts_by_ward, financial_year_months


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (201819, "got the number 201819 (did you mean 2018-19? papermill reads 2018_19 as a number)"),
        ("2018_19", "got '2018_19'"),
        ("2018-20", "got '2018-20' (20 does not follow 2018 (expected '2018-19'))"),
        (True, "got bool True"),
        (2018.19, "got the number 2018.19"),
    ],
)
def test_a_malformed_year_says_in_one_line_what_was_expected_and_how_to_pass_it(value, said):
    with pytest.raises(ParameterError) as caught:
        check_year_parameter(value)
    message = str(caught.value)
    assert "\n" not in message and said in message
    assert "expected a financial year written YYYY-YY with a hyphen, e.g. 2018-19" in message
    assert "-p financial_year 2018-19" in message and "-r financial_year 2018-19" in message


def test_a_well_formed_year_passes():
    assert check_year_parameter("2018-19") == "2018-19" and check_year_parameter("") == ""


def test_open_workbench_checks_before_it_reads(tmp_path):
    # a malformed year is refused even where there is no project to read
    with pytest.raises(ParameterError, match="financial_year: got '2018_19'"):
        open_workbench("2018_19", project=str(tmp_path))
    with pytest.raises(ParameterError, match="project: got int 3; expected text"):
        open_workbench("2018-19", project=3)
    with pytest.raises(ParameterError, match="2016-17 is not in the data"):
        open_workbench("2016-17", project=str(ROOT))


@pytest.fixture(scope="module")
def wb():
    return open_workbench("", project=str(ROOT))


def test_the_workbench_answers_from_the_project(wb, raw_crimes, ward_of):
    assert wb.year == "2018-19" and wb.place == "Plymouth" and wb.threshold == 5
    assert "loaded on first use" in repr(wb)
    burglary = wb.counts("ward", crime_type="Burglary", change=True, rates=True)
    expected = counts_by_ward(raw_crimes, ward_of, months=financial_year_months(2018), crime_type="Burglary")
    assert dict(zip(burglary["ward_name"], burglary["count"], strict=True)) == dict(expected)
    assert "last complete financial year 2018-19" in repr(wb) and "144,818 rows" in repr(wb)
    assert wb.monthly().at["2018-06", "Anti-social behaviour"] == 861
    money = wb.priority_money(3)
    assert money.gross == pytest.approx(400_568) and round(money.apportioned_share_of_spend_pct, 1) == 38.8
    assert wb.map(crime_type="Burglary").svg.count("data-lsoa=") == 161


def test_the_pickers_offer_year_area_and_crime_type_and_follow_a_choice(wb):
    assert year_options(wb.crimes)[0] == ("2025-26 (9 of 12 months)", "2025-26")
    assert ("2018-19", "2018-19") in year_options(wb.crimes)
    assert ward_options(wb.crimes)[0] == WHOLE_AREA and len(ward_options(wb.crimes)) == 21
    panel = wb.pickers()
    year, area, crime_type = panel.children[0].children
    assert (year.value, area.value, crime_type.value) == ("2018-19", WHOLE_AREA, "All crime")
    assert "Burglary" in crime_type.options and "Anti-social behaviour" in crime_type.options
    shown = panel.children[1]
    assert "All crime per month, Plymouth" in shown.value and "<table" in shown.value
    crime_type.value = "Burglary"
    assert "Burglary per month, Plymouth" in shown.value
    area.value = "Drake"
    assert "Burglary per month, Drake ward, Plymouth" in shown.value
    table, chart = view(wb.crimes, "2018-19", "Drake", "Burglary", "Plymouth")
    assert table.attrs["by"] == "lsoa" and int(table["count"].sum()) == 97
    assert chart.title == "Burglary per month, Drake ward, Plymouth"


def test_the_pickers_hold_no_output_widget(wb):
    """A notebook run in batch answers an Output widget's messages while it waits for the cell, and
    now and then waits for ever (jupyter/nbclient#312): the pickers draw into an HTML widget."""
    import ipywidgets as widgets

    def every(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from every(child)

    assert not any(isinstance(w, widgets.Output) for w in every(wb.pickers()))


@pytest.mark.parametrize(
    ("step", "said", "kind"),
    [
        (lambda wb: wb.monthly(years=10**6), "years: got 1000000; expected a whole number from 1 to 4", ValueError),
        (lambda wb: wb.monthly(end=""), "end: got str ''", ValueError),
        (lambda wb: wb.line("x"), "table: got str 'x'; expected a DataFrame or Series", TypeError),
        (lambda wb: wb.bars(None, "count"), "table: got NoneType None; expected a DataFrame", TypeError),
        (lambda wb: wb.counts(suppress="no"), "suppress: got str 'no'; expected True or False", TypeError),
        (lambda wb: wb.counts(by=None), "by: got NoneType None", TypeError),
        (lambda wb: wb.map(period="2021-22"), "period: the data hold no month of 2021-22", ValueError),
        (lambda wb: wb.priority_money(True), "priority: got bool True", TypeError),
        (lambda wb: wb.spend_by_priority("2030-31"), "year: 2030-31 is not in the data", ValueError),
        (lambda wb: wb.dictionary(["grants"]), "file: got list ['grants']", TypeError),
    ],
)
def test_every_step_refuses_a_careless_argument_in_one_line(wb, step, said, kind):
    with pytest.raises(kind) as caught:
        step(wb)
    assert isinstance(caught.value, ParameterError) and str(caught.value).startswith(said)
    assert "\n" not in str(caught.value)


def test_data_of_one_calendar_year_default_to_its_twelve_months(wb):
    """A project with police.uk data for 2025 only (no whole financial year) is explored over the
    year to December 2025 by default, as its pack is: counts, monthly, pickers and map all work."""
    from safer_analysis.workbench.counts import count_by, last_complete_year, monthly_counts
    from safer_analysis.workbench.widgets import pickers

    crimes = wb.crimes[wb.crimes["month"].between("2025-01", "2025-12")].copy()
    crimes.attrs = dict(wb.crimes.attrs)
    held = sorted(crimes["month"].unique())
    assert held[0] == "2025-01"
    label = f"year to {pd.Timestamp(held[-1]).strftime('%b %Y')}"
    assert last_complete_year(crimes) == label
    table = count_by(crimes, "ward")
    in_window = crimes[crimes["month"] > f"{int(held[-1][:4]) - 1}{held[-1][4:]}"]
    assert int(table["count"].sum()) == int((in_window["crime_type"] != "Anti-social behaviour").sum())
    assert monthly_counts(crimes).index[-1] == held[-1]
    year = pickers(crimes).children[0].children[0]
    assert year.value == year.options[0][1]
    from safer_analysis.workbench.heatmaps import monthly_by_type

    assert list(monthly_by_type(crimes).columns)[-1] == held[-1]  # one year held: one year drawn
