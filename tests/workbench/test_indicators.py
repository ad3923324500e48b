"""``wb.indicator()``: an indicator by name or ID, with its comparators, trend and chart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.indicators import tidy
from safer_analysis.workbench import open_workbench
from tests.conftest import REALDATA, read_rows
from tests.inputs.indicator_files import TIDY_HEADER, tidy_row, write_csv

LAIT = REALDATA / "national" / "dfe-lait-indicators-long.parquet"


@pytest.fixture(scope="module")
def wb():
    return open_workbench("2018-19")


def _lait(name: str) -> dict[str, float]:
    frame = pd.read_parquet(LAIT, columns=["Short Desc", "Years", "LA and Regions", "Values"])
    rows = frame[(frame["Short Desc"] == "FirstYJS") & (frame["LA and Regions"] == name)]
    return {y: float(v) for y, v in zip(rows["Years"], rows["Values"], strict=True)}


@pytest.mark.shared
@pytest.mark.parametrize("name", ["first time entrants", "FIRST-TIME ENTRANTS", "FirstYJS"])
def test_first_time_entrants_by_name_or_id_with_the_south_west_beside(wb, name):
    view = wb.indicator(name)
    table = view.comparison.frame
    assert table["Plymouth"].to_dict() == _lait("Plymouth")
    assert table["South West"].to_dict() == _lait("South West")
    assert "statistical neighbours' average" in table.columns
    assert view.trend.points == 9
    assert "from 305 per 100,000 aged 10-17 in 2016 to 207 in 2024" in view.trend_sentence().lower()
    assert "Plymouth" in view.chart.alt and view.chart.source.startswith("Department for Education")


def test_a_context_figure_is_a_single_point_never_trended(wb):
    view = wb.indicator("CF07")
    assert view.single_point and view.trend is None
    assert "quoted once" in view.trend_sentence() and "10,000 to 13,000" in view.trend_sentence()
    assert "10,000" in view.chart.alt and "13,000" in view.chart.alt


def test_one_year_of_ons_groups_shows_its_comparators_and_no_trend(wb):
    view = wb.indicator("stalking and harassment")
    assert set(view.comparison.columns) == {"Plymouth", "Devon and Cornwall", "England and Wales"}
    assert "One period cannot show a trend" in view.trend_sentence()


@pytest.mark.parametrize(
    ("name", "message"),
    [("offences", "matches"), ("zzz unknown", "no indicator"), ("", "empty text")],
)
def test_an_unclear_or_unknown_name_is_refused_in_one_line(wb, name, message):
    with pytest.raises(ParameterError, match=message):
        wb.indicator(name)


def test_the_projects_own_indicators_come_with_england_as_comparator_and_small_counts_suppressed(project_copy: Path):
    rows = [
        tidy_row(period=f"{y}/{(y + 1) % 100:02d}", value=str(v), count=str(c), marking="")
        for y, v, c in ((2015, 30, 3), (2016, 28, 40), (2017, 27, 41), (2018, 25, 38), (2019, 24, 35))
    ]
    rows += [
        tidy_row(
            period="2019/20",
            area_code="E92000001",
            area_name="England",
            value="26",
            count="9000",
            denominator="34600",
            marking="",
        )
    ]
    write_csv(project_copy / "data" / tidy.FILE, rows, TIDY_HEADER)
    view = open_workbench("2018-19", project=str(project_copy)).indicator("marac repeat")
    written = {
        r["period"]: float(r["value"])
        for r in read_rows(project_copy / "data" / tidy.FILE)
        if r["area_code"] == "E06000026"
    }
    assert view.comparison.frame["Plymouth"].to_dict() == written
    assert view.comparison.frame.loc["2019/20", "England"] == 26
    assert view.series.frame["count"].tolist()[0] == "[c]"  # 3 is below the threshold of 5
    assert view.trend.points == 5


def test_another_areas_workbench_has_its_own_figures_and_not_the_projects_documents():
    wb = open_workbench("2018-19", csp="Exeter")
    assert not (wb.indicators["origin"] == "the source documents").any()
    view = wb.indicator("first time entrants")
    assert "Devon (the county's figures, for Exeter)" in view.comparison.columns


def test_other_areas_of_an_export_stay_in_the_rows_but_not_the_comparison(project_copy: Path):
    rows = [tidy_row(period=f"{y}/{(y + 1) % 100:02d}", marking="") for y in range(2015, 2020)]
    rows += [tidy_row(period="2019/20", area_code="E06000027", area_name="Torbay", marking="")]
    write_csv(project_copy / "data" / tidy.FILE, rows, TIDY_HEADER)
    view = open_workbench("2018-19", project=str(project_copy)).indicator("marac repeat cases")
    assert "Torbay" in set(view.rows["area_name"]) and list(view.comparison.columns) == ["Plymouth"]
    assert "1 other area of the file: in .rows" in " ".join(view.comparison.attrs["notes"])
