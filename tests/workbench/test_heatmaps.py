"""The heatmap of crimes per month by crime type against independent counts of the real Plymouth
data: its counts, its shading (each count against its type's average month), its row order, its
blank months and the words that travel with it."""

from __future__ import annotations

import base64
import math
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from safer_analysis.errors import ParameterError  # noqa: E402
from safer_analysis.workbench import open_workbench  # noqa: E402

from ..conftest import ROOT  # noqa: E402
from .conftest import count_rows  # noqa: E402


@pytest.fixture(scope="module")
def wb():
    return open_workbench("", project=str(ROOT))


@pytest.fixture(scope="module")
def latest(wb):
    """The default heatmap: two years to the latest month held (Dec 2025), of which 2024 is not held."""
    return wb.heatmap()


@pytest.fixture(scope="module")
def to_2018_19(wb):
    """Two financial years to 2018-19, lacking December 2017 alone."""
    return wb.heatmap(end="2018-19")


@pytest.fixture(scope="module")
def by_month_and_type(wb):
    """Rows of wb.crimes per (crime type, month), counted here with pandas."""
    return wb.crimes.groupby(["crime_type", "month"]).size().to_dict()


def months_back(last: str, n: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:])
    out = []
    for _ in range(n):
        out.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def month_words(month: str) -> str:
    return date(int(month[:4]), int(month[5:]), 1).strftime("%b %Y")


def held_months(wb) -> set[str]:
    return set(wb.crimes["month"].unique())


def test_the_counts_are_the_crimes_of_each_type_in_each_month(wb, latest, to_2018_19, by_month_and_type, raw_crimes):
    held = held_months(wb)
    for chart, last in ((latest, max(held)), (to_2018_19, "2019-03")):
        table = chart.table
        assert list(table.columns) == months_back(last, 24)  # oldest to newest
        assert set(table.index) == set(wb.crimes["crime_type"].unique())
        for crime_type in table.index:
            for month in table.columns:
                if month in held:
                    assert table.at[crime_type, month] == by_month_and_type.get((crime_type, month), 0)
    # and against the store read without the package
    assert latest.table.at["Burglary", "2025-07"] == count_rows(raw_crimes, months=["2025-07"], crime_type="Burglary")
    assert to_2018_19.table.at["Anti-social behaviour", "2018-06"] == 861


def test_the_table_is_also_a_step_of_its_own(wb, latest):
    table = wb.monthly_by_type()
    assert table.equals(latest.table)
    assert table.attrs["caption"] == "Crime and anti-social behaviour per month by type, Plymouth, Jan 2024 to Dec 2025"
    assert "No data for Jan to Dec 2024: left blank, not counted as zero." in table.attrs["notes"]


def test_each_cell_is_shaded_by_its_count_over_its_types_average_month(latest, to_2018_19):
    for chart, crime_type, month in ((latest, "Burglary", "2025-07"), (to_2018_19, "Theft from the person", "2017-07")):
        row = [v for v in chart.table.loc[crime_type] if not math.isnan(v)]
        expected = chart.table.at[crime_type, month] / (sum(row) / len(row))
        assert chart.shading.at[crime_type, month] == pytest.approx(expected)
        # the value the figure is coloured by is the same
        drawn = chart.figure.axes[0].collections[0].get_array().reshape(chart.table.shape)
        i, j = list(chart.table.index).index(crime_type), list(chart.table.columns).index(month)
        assert drawn[i, j] == pytest.approx(expected)


def test_rows_run_from_the_largest_total_unless_named(wb, to_2018_19, by_month_and_type):
    months = set(months_back("2019-03", 24))
    totals = {}
    for (crime_type, month), n in by_month_and_type.items():
        if month in months:
            totals[crime_type] = totals.get(crime_type, 0) + n
    assert list(to_2018_19.table.index) == sorted(totals, key=totals.get, reverse=True)
    assert to_2018_19.table.index[0] == "Violence and sexual offences"
    named = wb.heatmap(["robbery", "Burglary", "ASB"], end="2018-19")
    assert list(named.table.index) == ["Robbery", "Burglary", "Anti-social behaviour"]


def test_a_month_not_held_is_blank_not_zero(latest, to_2018_19):
    assert to_2018_19.table["2017-12"].isna().all() and to_2018_19.shading["2017-12"].isna().all()
    assert not to_2018_19.table["2017-11"].isna().any()
    drawn = to_2018_19.figure.axes[0].collections[0].get_array().reshape(to_2018_19.table.shape)
    assert drawn.mask[:, list(to_2018_19.table.columns).index("2017-12")].all()  # no colour
    assert "no data held for Dec 2017 (blank, not zero)" in to_2018_19.subtitle
    assert "No data for Dec 2017: left blank." in to_2018_19.alt
    assert latest.table[[f"2024-{m:02d}" for m in range(1, 13)]].isna().all().all()
    assert "no data held for Jan to Dec 2024" in latest.subtitle


def test_counts_are_written_in_the_cells_of_a_grid_small_enough_to_read(wb, to_2018_19):
    ax = to_2018_19.figure.axes[0]
    written = {(int(t.get_position()[1]), int(t.get_position()[0])): t.get_text() for t in ax.texts}
    table = to_2018_19.table
    i, j = list(table.index).index("Anti-social behaviour"), list(table.columns).index("2018-06")
    assert written[(i, j)] == "861"
    assert sum(t != "no data" for t in written.values()) == table.notna().sum().sum()  # every held cell, no other
    assert "the numbers are the counts" in to_2018_19.subtitle
    wide = wb.heatmap(years=4, end="2019-12")  # 48 months: shading alone
    assert len(wide.table.columns) == 48
    assert [t.get_text() for t in wide.figure.axes[0].texts] == ["no data"]
    assert "the numbers are the counts" not in wide.subtitle


def test_the_alt_text_names_the_cell_furthest_above_its_average(wb, to_2018_19, by_month_and_type):
    held = held_months(wb)
    months = [m for m in months_back("2019-03", 24) if m in held]
    ratios = {}
    for crime_type in wb.crimes["crime_type"].unique():
        counts = [by_month_and_type.get((crime_type, m), 0) for m in months]
        mean = sum(counts) / len(counts)
        for month, n in zip(months, counts, strict=True):
            ratios[(crime_type, month)] = n / mean
    crime_type, month = max(ratios, key=ratios.get)
    assert sorted(ratios.values())[-2] < ratios[(crime_type, month)]  # one cell, not a tie
    assert f"Furthest above its average: {crime_type} in {month_words(month)}, " in to_2018_19.alt
    assert f"({ratios[(crime_type, month)]:.2f} times)" in to_2018_19.alt


def test_the_chart_carries_its_title_subtitle_source_and_image(latest):
    assert latest.title == "Crime and anti-social behaviour per month by type, Plymouth"
    assert latest.subtitle.startswith("Jan 2024 to Dec 2025. Each type is shaded against its own average month")
    assert latest.source.startswith("Source: police.uk")
    assert latest.alt.startswith("Heatmap of crime and anti-social behaviour per month by crime type in Plymouth")
    assert latest.figure.number not in plt.get_fignums()  # closed: shown once, by its own repr
    bundle = latest._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "Crime and anti-social behaviour per month by type, Plymouth</div>" in bundle["text/html"]


@pytest.mark.parametrize(
    ("call", "said", "kind"),
    [
        (
            lambda wb: wb.heatmap(["Burglery"]),
            "crime_types: 'Burglery' is not a crime type in the data (did you mean 'Burglary'?); expected one of: ",
            ValueError,
        ),
        (lambda wb: wb.heatmap(3), "crime_types: got int 3; expected a list of police.uk crime types", TypeError),
        (lambda wb: wb.heatmap([]), "crime_types: got an empty list", ValueError),
        (lambda wb: wb.heatmap(years=0), "years: got 0; expected a whole number, 1 or more", ValueError),
        (
            lambda wb: wb.heatmap(end="2024-06", years=1),
            "end: the data hold no month of Jul 2023 to Jun 2024",
            ValueError,
        ),
        (lambda wb: wb.monthly_by_type(end=""), "end: got str ''", ValueError),
    ],
)
def test_a_careless_argument_is_refused_in_one_line_naming_it(wb, call, said, kind):
    with pytest.raises(kind) as caught:
        call(wb)
    message = str(caught.value)
    assert isinstance(caught.value, ParameterError) and message.startswith(said) and "\n" not in message
    if "Burglery" in said:
        assert "'all crime'" not in message and "Anti-social behaviour" in message
