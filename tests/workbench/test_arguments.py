"""Careless calls to the workbench are refused before anything is worked out, in one line naming
the argument, what it got and what is expected: a TypeError for a value of the wrong kind, a
ValueError for one out of range or unknown (both ParameterErrors, exit code 2 in a command)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.workbench import (
    add_geography,
    as_table,
    bars,
    count_by,
    crime_types,
    data_dictionary,
    explore,
    last_complete_year,
    line,
    monthly_counts,
    populations,
    priority_money,
    show,
    spend_by_priority,
    zoom_map,
)
from safer_analysis.workbench.arguments import ArgumentTypeError, flag, whole_number
from safer_analysis.workbench.widgets import pickers, view

from ..conftest import ROOT

WRONG_KIND, OUT_OF_RANGE = TypeError, ValueError


def _counts(crimes):
    return count_by(crimes, "ward", period="2018-19", crime_type="Burglary")


# (call on the crime table and the dataset, the argument named, what the message says it got, the kind of error)
CASES = {
    "monthly years 10**6": (
        lambda c, d: monthly_counts(c, years=10**6),
        "years",
        "got 1000000; expected a whole number from 1 to 4",
        OUT_OF_RANGE,
    ),
    "monthly years 100": (lambda c, d: monthly_counts(c, years=100), "years", "got 100", OUT_OF_RANGE),
    "monthly end after the data": (lambda c, d: monthly_counts(c, end="2030-01"), "end", "'2030-01'", OUT_OF_RANGE),
    "monthly end before the data": (lambda c, d: monthly_counts(c, end="1990-91"), "end", "'1990-91'", OUT_OF_RANGE),
    "monthly no crime type": (lambda c, d: monthly_counts(c, []), "crime_type", "empty list", OUT_OF_RANGE),
    "monthly no table": (lambda c, d: monthly_counts(None), "crimes", "got NoneType None", WRONG_KIND),
    "line of text": (lambda c, d: line("x"), "table", "got str 'x'", WRONG_KIND),
    "line of None": (lambda c, d: line(None), "table", "got NoneType None", WRONG_KIND),
    "line of no rows": (lambda c, d: line(pd.DataFrame({"n": []})), "table", "no rows", OUT_OF_RANGE),
    "line of an unknown column": (
        lambda c, d: line(monthly_counts(c), ["nope"]),
        "columns",
        "no column 'nope'",
        OUT_OF_RANGE,
    ),
    "line of a text column": (lambda c, d: line(monthly_counts(c), ["label"]), "columns", "no numbers", OUT_OF_RANGE),
    "bars of None": (lambda c, d: bars(None, "count"), "table", "got NoneType None", WRONG_KIND),
    "bars of text": (lambda c, d: bars("x"), "table", "got str 'x'", WRONG_KIND),
    "bars of no rows": (lambda c, d: bars(pd.DataFrame({"count": []})), "table", "no rows", OUT_OF_RANGE),
    "bars column None": (lambda c, d: bars(_counts(c), None), "column", "got NoneType None", WRONG_KIND),
    "bars unknown column": (lambda c, d: bars(_counts(c), "nope"), "column", "no column 'nope'", OUT_OF_RANGE),
    "bars unknown label": (lambda c, d: bars(_counts(c), label="nope"), "label", "no column 'nope'", OUT_OF_RANGE),
    "bars top 0": (lambda c, d: bars(_counts(c), top=0), "top", "got 0", OUT_OF_RANGE),
    "bars top -1": (lambda c, d: bars(_counts(c), top=-1), "top", "got -1", OUT_OF_RANGE),
    "bars top text": (lambda c, d: bars(_counts(c), top="5"), "top", "got str '5'", WRONG_KIND),
    "counts suppress 'no'": (lambda c, d: count_by(c, suppress="no"), "suppress", "got str 'no'", WRONG_KIND),
    "counts change 1": (lambda c, d: count_by(c, change=1), "change", "got int 1", WRONG_KIND),
    "counts rates 'yes'": (lambda c, d: count_by(c, rates="yes"), "rates", "got str 'yes'", WRONG_KIND),
    "counts by a list": (lambda c, d: count_by(c, []), "by", "got list []", WRONG_KIND),
    "counts of None": (lambda c, d: count_by(None), "crimes", "got NoneType None", WRONG_KIND),
    "counts of no rows": (lambda c, d: count_by(c.iloc[:0]), "crimes", "no rows", OUT_OF_RANGE),
    "counts threshold -1": (
        lambda c, d: count_by(c, suppress=True, threshold=-1),
        "threshold",
        "got -1",
        OUT_OF_RANGE,
    ),
    "counts place 5": (lambda c, d: count_by(c, place=5), "place", "got int 5", WRONG_KIND),
    "map of None": (lambda c, d: zoom_map(None), "crimes", "got NoneType None", WRONG_KIND),
    "map with boundaries missing": (
        lambda c, d: zoom_map(c, boundaries=ROOT / "no-such.geojson", period="2018-19"),
        "boundaries",
        "no file",
        OUT_OF_RANGE,
    ),
    "map with boundaries not GeoJSON": (
        lambda c, d: zoom_map(c, boundaries=ROOT / "README.md", period="2018-19"),
        "boundaries",
        "not a boundaries file",
        OUT_OF_RANGE,
    ),
    "map of a period without data": (lambda c, d: zoom_map(c, period="2021-22"), "period", "no month", OUT_OF_RANGE),
    "priority True": (lambda c, d: priority_money(d, "2018-19", True), "priority", "got bool True", WRONG_KIND),
    "priority year 5": (lambda c, d: priority_money(d, 5, 3), "year", "got the number 5", OUT_OF_RANGE),
    "spend of None": (lambda c, d: spend_by_priority(None, "2018-19"), "dataset", "got NoneType", WRONG_KIND),
    "show None": (lambda c, d: show(None), "frame", "got NoneType None", WRONG_KIND),
    "show text": (lambda c, d: show("x"), "frame", "got str 'x'", WRONG_KIND),
    "show max_rows -1": (lambda c, d: show(_counts(c), max_rows=-1), "max_rows", "got -1", OUT_OF_RANGE),
    "explore None": (lambda c, d: explore(None), "frame", "got NoneType None", WRONG_KIND),
    "explore page_length 0": (lambda c, d: explore(_counts(c), page_length=0), "page_length", "got 0", OUT_OF_RANGE),
    "as_table None": (lambda c, d: as_table(None), "frame", "got NoneType None", WRONG_KIND),
    "geography of None": (lambda c, d: add_geography(None), "crimes", "got NoneType None", WRONG_KIND),
    "geography without LSOAs": (
        lambda c, d: add_geography(pd.DataFrame({"x": [1]})),
        "crimes",
        "no column 'lsoa_code'",
        OUT_OF_RANGE,
    ),
    "populations by parish": (lambda c, d: populations("parish", 2018), "level", "'parish'", OUT_OF_RANGE),
    "populations of a year as text": (lambda c, d: populations("ward", "2018"), "mid_year", "str '2018'", WRONG_KIND),
    "populations of one code as text": (
        lambda c, d: populations("ward", 2018, "E05000001"),
        "codes",
        "str 'E05000001'",
        WRONG_KIND,
    ),
    "last year of None": (lambda c, d: last_complete_year(None), "crimes", "got NoneType None", WRONG_KIND),
    "crime types of None": (lambda c, d: crime_types(None), "crimes", "got NoneType None", WRONG_KIND),
    "view of an unknown ward": (lambda c, d: view(c, "2018-19", "Nowhere"), "ward", "'Nowhere'", OUT_OF_RANGE),
    "view of a year without data": (lambda c, d: view(c, "2021-22"), "year", "no month of 2021-22", OUT_OF_RANGE),
    "pickers of a year without data": (lambda c, d: pickers(c, year="1990-91"), "year", "'1990-91'", OUT_OF_RANGE),
    "pickers of None": (lambda c, d: pickers(None), "crimes", "got NoneType None", WRONG_KIND),
    "dictionary of 5": (lambda c, d: data_dictionary(5), "file", "got int 5", WRONG_KIND),
}


@pytest.mark.parametrize(("call", "argument", "got", "kind"), list(CASES.values()), ids=list(CASES))
def test_a_careless_argument_is_refused_in_one_line_naming_it(crimes, dataset, call, argument, got, kind):
    with pytest.raises(ParameterError) as caught:
        call(crimes, dataset)
    message = str(caught.value)
    assert isinstance(caught.value, kind), f"{type(caught.value).__name__}: {message}"
    assert "\n" not in message and message.startswith(f"{argument}: ") and got in message, message


def test_flags_are_true_or_false_and_nothing_else(crimes):
    """suppress="no" used to be read as true, so small counts were hidden when they were not to be."""
    assert flag("suppress", np.True_) is True and flag("suppress", False) is False
    for value in ("no", "False", 0, None, []):
        with pytest.raises(ArgumentTypeError, match="expected True or False"):
            flag("suppress", value)
    shown = count_by(crimes, period="2019-06", crime_type="Robbery", suppress=np.False_)
    assert "[c]" not in shown["count"].astype(str).tolist()


def test_whole_numbers_name_their_range_and_its_reason():
    assert whole_number("years", np.int64(3), 1, 4) == 3
    with pytest.raises(ParameterError, match=r"years: got 5; expected a whole number from 1 to 4 \(the data\)"):
        whole_number("years", 5, 1, 4, "the data")
    with pytest.raises(ArgumentTypeError, match="years: got float 2.5"):
        whole_number("years", 2.5, 1)


def test_years_reach_back_as_far_as_the_data_do(crimes):
    """The store starts in January 2016: four financial years to 2018-19, the first of them partly held."""
    table = monthly_counts(crimes, years=4, end="2018-19")
    assert table.index[0] == "2015-04" and table.index[-1] == "2019-03"
    with pytest.raises(ParameterError, match="years: got 5; expected a whole number from 1 to 4"):
        monthly_counts(crimes, years=5, end="2018-19")


def test_charts_take_one_column_by_name_and_a_table_of_values_alone(crimes):
    chart = line(monthly_counts(crimes, ["Burglary", "Robbery"]), "Burglary")
    assert "Burglary: from" in chart.alt and "Robbery: from" not in chart.alt
    alone = bars(pd.DataFrame({"count": [3, 9]}, index=pd.Index(["A", "B"], name="place")).reset_index(drop=True))
    assert "9" in alone.alt and "3" in alone.alt


def test_saving_a_chart_or_map_never_replaces_a_file_unasked(crimes, tmp_path):
    chart = line(monthly_counts(crimes, "Burglary"))
    mine = tmp_path / "notes.png"
    mine.write_bytes(b"the analyst's own file")
    with pytest.raises(ParameterError, match="already exists and is left as it is; .* overwrite=True"):
        chart.save(mine)
    assert mine.read_bytes() == b"the analyst's own file"
    inputs = tmp_path / "grants.csv"
    inputs.write_text("financial_year,amount\n")
    with pytest.raises(ParameterError, match=r"path: got .*grants\.csv'; expected a file name ending \.png or \.html"):
        chart.save(inputs)
    assert inputs.read_text() == "financial_year,amount\n"
    assert chart.save(mine, overwrite=True).read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ArgumentTypeError, match="overwrite: got str 'yes'"):
        chart.save(tmp_path / "new.png", overwrite="yes")
    drawing = zoom_map(crimes, period="2018-19", crime_type="Robbery")
    page = drawing.save(tmp_path / "map.html")
    with pytest.raises(ParameterError, match="already exists"):
        drawing.save(page)
