"""Pickers for exploring in JupyterLab: choose a financial year, an area (the whole area or one
ward) and a crime type from drop-down lists, and see the counts by ward (or by neighbourhood
within the ward) with the change on the year before, and the monthly counts over three years.

Built by the package (:func:`pickers`) so a notebook only calls it; the widgets are ipywidgets.
What each choice shows is :func:`view`, a plain function, so it can be called (and tested)
without widgets.

The view is drawn as HTML into an ``HTML`` widget, not through an ``Output`` widget: a notebook
run in batch (papermill, nbconvert) answers an ``Output`` widget's messages on the kernel's shell
channel while it waits for the cell to finish, and now and then waits for ever.
"""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.workbench import arguments, charts, geography
from safer_analysis.workbench.counts import (
    ALL_CRIME,
    count_by,
    crime_types,
    last_complete_year,
    monthly_counts,
    period_of,
)

#: The area choice meaning every ward.
WHOLE_AREA = "(whole area)"


def year_options(crimes: pd.DataFrame) -> list[tuple[str, str]]:
    """(label, year) for each financial year the data hold, latest first, saying when months are missing."""
    crimes = arguments.table("crimes", crimes, columns=("month", "financial_year"))
    held = crimes.groupby("financial_year")["month"].nunique()
    return [(y if n == 12 else f"{y} ({n} of 12 months)", str(y)) for y, n in held.sort_index(ascending=False).items()]


def ward_options(crimes: pd.DataFrame) -> list[str]:
    """The wards the data place rows in, by name, after the whole area."""
    crimes = arguments.table("crimes", crimes)
    if "ward_name" not in crimes.columns:
        crimes = geography.add_geography(crimes)
    return [WHOLE_AREA] + sorted(crimes["ward_name"].dropna().unique())


def view(
    crimes: pd.DataFrame, year: str, ward: str = WHOLE_AREA, crime_type: str = ALL_CRIME, place: str = ""
) -> list[Any]:
    """What the pickers show for a choice: the counts (by ward for the whole area, by
    neighbourhood within a ward) with the change on the year before, and the monthly chart over
    the three financial years to ``year``."""
    crimes = arguments.table("crimes", crimes, columns=("month", "crime_type"))
    if "ward_name" not in crimes.columns:
        crimes = geography.add_geography(crimes)
    ward = arguments.text("ward", ward, empty=WHOLE_AREA) or WHOLE_AREA
    place = arguments.text("place", place)
    wards = ward_options(crimes)
    if ward not in wards:
        near = difflib.get_close_matches(ward, wards, n=2, cutoff=0.6)
        hint = f" (did you mean {' or '.join(map(repr, near))}?)" if near else ""
        raise ParameterError(
            f"ward: {ward!r} is no ward of the data{hint}; expected {WHOLE_AREA!r} or one of the {len(wards) - 1} "
            "wards of ward_options(crimes)"
        )
    when = period_of(year, "year")
    held = set(crimes["month"].dropna())
    if not held & set(when.months):
        raise ParameterError(f"year: the data hold no month of {when.label}; they run from {min(held)} to {max(held)}")
    rows, where, by = crimes, place, "ward"
    if ward != WHOLE_AREA:
        rows = crimes[crimes["ward_name"] == ward]
        rows.attrs = dict(crimes.attrs)
        where, by = f"{ward} ward" + (f", {place}" if place else ""), "lsoa"
    table = count_by(rows, by, period=year, crime_type=crime_type, change=True, place=where)
    monthly = monthly_counts(rows, crime_type, end=year, place=where)
    return [table, charts.line(monthly)]


def pickers(crimes: pd.DataFrame, *, place: str = "", year: str | None = None):
    """Three drop-down lists (financial year, area, crime type) and the view of the choice below
    them, redrawn on every change. Returns the ipywidgets box to display."""
    import ipywidgets as widgets

    crimes = arguments.table("crimes", crimes, columns=("month", "crime_type", "financial_year"))
    if "ward_name" not in crimes.columns:
        crimes = geography.add_geography(crimes)
    place = arguments.text("place", place)
    years = year_options(crimes)
    held = [y for _, y in years]
    default = last_complete_year(crimes)  # the latest year held in part where none is whole
    chosen_year = arguments.text("year", year) or (default if default in held else held[0])
    if chosen_year not in held:
        raise ParameterError(
            f"year: got {chosen_year!r}; expected a financial year the crime data hold: {', '.join(held)}"
        )
    year_box = widgets.Dropdown(options=years, value=chosen_year, description="Year")
    ward_box = widgets.Dropdown(options=ward_options(crimes), value=WHOLE_AREA, description="Area")
    type_box = widgets.Dropdown(options=[ALL_CRIME, *crime_types(crimes)], value=ALL_CRIME, description="Crime type")
    shown = widgets.HTML()

    def redraw(_change: object = None) -> None:
        items = view(crimes, year_box.value, ward_box.value, type_box.value, place)
        shown.value = "".join(item.to_html() if hasattr(item, "to_html") else item._repr_html_() for item in items)

    for box in (year_box, ward_box, type_box):
        box.observe(redraw, names="value")
    redraw()
    panel = widgets.VBox([widgets.HBox([year_box, ward_box, type_box]), shown])
    panel.redraw = redraw  # for a caller (or a test) to redraw without a change
    return panel
