"""Crimes per month by crime type: the table (:func:`monthly_by_type`) and its heatmap
(:func:`heatmap`), drawn with seaborn, which lays out a grid of annotated cells with a colour
scale in one call.

Crime types differ in size by tens of times, so one colour scale for every count would show the
largest types and nothing else. Each row is shaded against its own average month instead (a
month's count divided by the type's mean over the months held): seasons and spikes show for
every type, and the cells carry the counts themselves. A month the data do not hold is blank and
hatched, never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.patches import Rectangle

from safer_analysis.errors import ParameterError
from safer_analysis.present.charts import NEUTRAL, PALETTE, TEXT, apply_house_style
from safer_analysis.workbench import arguments
from safer_analysis.workbench.charts import QuickChart
from safer_analysis.workbench.counts import (
    ASB,
    SOURCE,
    _crime_table,
    _held_months,
    match_crime_type,
    month_label,
    month_run,
)
from safer_analysis.workbench.counts import crime_types as types_held
from safer_analysis.workbench.display import Table, as_table

#: Up to this many months a heatmap writes the count in each cell; beyond it the numbers would be
#: too small to read, and the shading alone is drawn.
ANNOTATE_UP_TO = 40
#: The shading, from the house palette: dark blue below a type's average month, white at it,
#: plum above it. Both ends are dark enough for white numbers on them.
SHADES = LinearSegmentedColormap.from_list("house_above_below", [PALETTE[0], "#FFFFFF", PALETTE[2]])


@dataclass(eq=False)
class HeatmapChart(QuickChart):
    """A :class:`~safer_analysis.workbench.charts.QuickChart` with the figures it draws:
    ``table``, the counts (:func:`monthly_by_type`), and ``shading``, each count divided by its
    type's average month (blank where the month is not held)."""

    table: Table | None = field(default=None, repr=False)
    shading: pd.DataFrame | None = field(default=None, repr=False)


def _chosen(crimes: pd.DataFrame, types: object) -> list[str] | None:
    """The ``crime_types`` argument checked: None for every type, else the types it names, in
    its order, each once."""
    if types is None:
        return None
    items = [types] if isinstance(types, str) else types
    if isinstance(items, list | tuple) and not items:
        raise ParameterError("crime_types: got an empty list; expected a list of police.uk crime types, or None")
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise arguments.ArgumentTypeError(
            f"crime_types: got {arguments.shown(types)}; expected a list of police.uk crime types such as "
            "['Burglary', 'Shoplifting'], or None for every type"
        )
    known = types_held(crimes)
    chosen: list[str] = []
    for item in items:
        match = match_crime_type(item, known, "crime_types", all_crime=False)
        if match not in chosen:
            chosen.append(match)
    return chosen


def _what(rows: Sequence[str]) -> str:
    if len(rows) == 1:
        return rows[0]
    return "Crime and anti-social behaviour" if ASB in rows else "Crime"


def _runs(missing: Sequence[str], months: Sequence[str]) -> str:
    """The months ``missing`` from ``months`` as runs: "Dec 2017", "Jan to Dec 2024"."""
    runs: list[list[str]] = []
    previous = None
    for index, month in enumerate(months):
        if month in missing:
            if previous == index - 1:
                runs[-1].append(month)
            else:
                runs.append([month])
            previous = index
    words = []
    for run in runs:
        first, last = month_label(run[0]), month_label(run[-1])
        if len(run) == 1:
            words.append(first)
        elif first[-4:] == last[-4:]:
            words.append(f"{first[:3]} to {last}")
        else:
            words.append(f"{first} to {last}")
    return ", ".join(words)


def monthly_by_type(
    crimes: pd.DataFrame,
    crime_types: object = None,
    *,
    years: int | None = None,
    end: object = None,
    place: str = "",
) -> Table:
    """Counts per month (columns ``YYYY-MM``, oldest first) of each crime type (rows) over
    ``years`` runs of twelve months (default two, fewer where the data hold fewer) to ``end``:
    the latest month the data hold by default, else a
    month ``YYYY-MM`` or the last month of a period such as "2018-19" (as
    :func:`~safer_analysis.workbench.counts.monthly_counts` takes it). Rows are every type in the
    data, anti-social behaviour too, largest total first; or the ``crime_types`` named, in the
    order named. A month the data do not hold is blank (NaN), not zero, and the notes say so."""
    crimes = _crime_table(crimes)
    place = arguments.text("place", place)
    if years is not None:
        arguments.whole_number("years", years, 1)
    chosen = _chosen(crimes, crime_types)
    held = _held_months(crimes)
    run = month_run(held, years=years, end=max(held) if end is None else end, usual=2)
    months = list(run.months)
    held_here = [m for m in months if m in held]
    if not held_here:
        raise ParameterError(
            f"end: the data hold no month of {run.label}; they run from {month_label(min(held))} to "
            f"{month_label(max(held))}"
        )
    rows = chosen or types_held(crimes)
    inside = crimes[crimes["month"].isin(set(held_here)) & crimes["crime_type"].isin(set(rows))]
    counts = inside.groupby(["crime_type", "month"]).size().unstack(fill_value=0)
    grid = counts.reindex(index=rows, columns=months, fill_value=0).astype(float)
    missing = [m for m in months if m not in held]
    grid.loc[:, missing] = np.nan
    if chosen is None:
        grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    grid.index.name, grid.columns.name = "crime_type", "month"
    what = _what(list(grid.index))
    order = "rows by their total, largest first" if chosen is None else "rows in the order asked"
    notes = [f"Counts per month of each crime type, {run.label}; {order}."]
    if missing:
        notes.append(f"No data for {_runs(missing, months)}: left blank, not counted as zero.")
    where = f", {place}" if place else ""
    by_type = " by type" if len(grid) > 1 else ""
    table = as_table(
        grid,
        caption=f"{what} per month{by_type}{where}, {run.label}",
        notes=notes,
        formats=dict.fromkeys(months, "count"),
    )
    table.attrs.update(what=what, place=place, period=run.label, source=SOURCE, missing=missing)
    return table


def shading(table: pd.DataFrame) -> pd.DataFrame:
    """Each count divided by its row's mean over the months held, so 1 is the row's average
    month; a month not held stays blank, and a row of nothing but zeros is 1 throughout.

    >>> shading(pd.DataFrame({"2019-01": [2.0, 0.0], "2019-02": [6.0, 0.0], "2019-03": [np.nan, np.nan]}))
       2019-01  2019-02  2019-03
    0      0.5      1.5      NaN
    1      1.0      1.0      NaN
    """
    values = pd.DataFrame(table).astype(float)
    mean = values.mean(axis=1)
    out = values.div(mean.where(mean > 0), axis=0)
    out = out.where(~(values.notna() & (mean <= 0).to_numpy()[:, None]), 1.0)
    out.attrs = {}
    return out


def _luminance(colour) -> float:
    """The WCAG relative luminance of a colour."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ticks(months: Sequence[str], every: bool) -> list[str]:
    """Month names under the columns, the year under the first and every January; only the
    quarters' first months where the columns are narrow."""
    labels = []
    for index, month in enumerate(months):
        name = month_label(month)[:3]
        if not every and month[5:] not in ("01", "04", "07", "10") and index:
            labels.append("")
        elif index == 0 or month[5:] == "01":
            labels.append(f"{name}\n{month[:4]}")
        else:
            labels.append(name)
    return labels


def _draw(table: pd.DataFrame, shades: pd.DataFrame, annotate: bool, spread: float):
    import seaborn as sns  # imported on the first heatmap, so opening the workbench does not wait for it

    apply_house_style()
    n_rows, n_cols = table.shape
    width = max(7.0, (0.52 if annotate else 0.24) * n_cols + 4.0)
    fig, ax = plt.subplots(figsize=(width, max(3.4, 0.36 * n_rows + 1.7)))
    counts = table.to_numpy()
    text = np.array([["" if np.isnan(v) else f"{v:,.0f}" for v in row] for row in counts], dtype=object)
    sns.heatmap(
        shades,
        ax=ax,
        cmap=SHADES,
        vmin=1.0 - spread,  # symmetric about 1, so an average month is the middle of the scale: white
        vmax=1.0 + spread,
        annot=text if annotate else False,
        fmt="",
        annot_kws={"fontsize": 7.5},
        linewidths=0.6,
        linecolor="white",
        cbar_kws={
            "shrink": 0.85,
            "pad": 0.015,
            "extend": "max" if np.nanmax(shades.to_numpy()) > 1 + spread else "neither",
        },
    )
    mesh = ax.collections[0]
    faces = mesh.get_facecolors()
    for label in ax.texts:  # dark numbers on light cells, white on dark: the better contrast of the two
        x, y = label.get_position()
        face = faces[int(y) * n_cols + int(x)]
        label.set_color(TEXT if _luminance(face) > 0.179 else "white")
    missing = np.isnan(counts)
    for i, j in zip(*np.nonzero(missing), strict=True):
        ax.add_patch(Rectangle((j, i), 1, 1, fill=False, hatch="///", edgecolor=NEUTRAL, linewidth=0))
    gaps = np.flatnonzero(missing.all(axis=0))
    for run in np.split(gaps, np.flatnonzero(np.diff(gaps) > 1) + 1) if len(gaps) else []:
        ax.text(
            (run[0] + run[-1] + 1) / 2,
            n_rows / 2,
            "no data",
            ha="center",
            va="center",
            rotation=0 if len(run) > 2 else 90,
            fontsize=9,
            color=TEXT,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
        )
    ax.set_xticks(np.arange(n_cols) + 0.5, _ticks(list(table.columns), annotate), rotation=0, fontsize=8.5)
    ax.set_yticks(np.arange(n_rows) + 0.5, list(table.index), rotation=0)
    ax.tick_params(length=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    step = 0.5 if spread > 0.5 else 0.25
    steps = math.floor(spread / step + 1e-9)
    ticks = [1.0 + k * step for k in range(-steps, steps + 1)]
    bar = mesh.colorbar
    bar.set_ticks(ticks, labels=[f"{t:g}×" + (" (average)" if t == 1 else "") for t in ticks])
    bar.set_label("Count ÷ the type's average month", fontsize=9.5)
    bar.outline.set_visible(False)
    fig.tight_layout()
    return fig


def heatmap(
    crimes: pd.DataFrame,
    crime_types: object = None,
    *,
    years: int | None = None,
    end: object = None,
    place: str = "",
) -> HeatmapChart:
    """A heatmap of :func:`monthly_by_type` (the same arguments): a row per crime type, a column
    per month, each cell shaded by its count against the type's average month (:func:`shading`)
    and, up to :data:`ANNOTATE_UP_TO` months, labelled with the count. The chart keeps the
    figures it draws as ``chart.table`` and ``chart.shading``."""
    table = monthly_by_type(crimes, crime_types, years=years, end=end, place=place)
    shades = shading(table)
    months = list(table.columns)
    annotate = len(months) <= ANNOTATE_UP_TO
    farthest = float(np.nanmax(np.abs(shades.to_numpy() - 1.0)))
    spread = min(1.0, max(0.25, math.ceil(farthest * 4) / 4))
    fig = _draw(table, shades, annotate, spread)
    plt.close(fig)
    attrs = table.attrs
    what, place, period, missing = attrs["what"], attrs["place"], attrs["period"], attrs["missing"]
    by_type = " by type" if len(table) > 1 else ""
    title = f"{what} per month{by_type}" + (f", {place}" if place else "")
    gaps = _runs(missing, months)
    subtitle = (
        f"{period}. Each type is shaded against its own average month: darker plum above it, darker blue below, "
        "white about average" + ("; the numbers are the counts" if annotate else "")
    )
    subtitle += f". Hatched: no data held for {gaps} (blank, not zero)." if missing else "."
    return HeatmapChart(fig, title, subtitle, _alt(table, shades, annotate), SOURCE, table=table, shading=shades)


def _alt(table: pd.DataFrame, shades: pd.DataFrame, annotate: bool) -> str:
    """Alt text from the figures: the rows and their totals, and the cells furthest above and
    below their type's average."""
    attrs = table.attrs
    where = f" in {attrs['place']}" if attrs["place"] else ""
    totals = table.sum(axis=1)
    rows = "; ".join(f"{t} {n:,.0f}" for t, n in totals.items())
    months = len(table.columns) - len(attrs["missing"])
    alt = (
        f"Heatmap of {attrs['what'].lower()} per month by crime type{where}, {attrs['period']}: "
        f"{len(table)} crime types (rows) by {len(table.columns)} months (columns, oldest first), each cell "
        f"shaded by its count against the type's average month"
        + (" and labelled with the count" if annotate else "")
        + f". Totals over the {months} months held: {rows}."
    )
    cells = shades.stack().dropna()
    high, low = cells.idxmax(), cells.idxmin()
    if cells[high] > 1:
        alt += " Furthest above its average: " + _cell(table, shades, high) + "."
    if cells[low] < 1:
        alt += " Furthest below: " + _cell(table, shades, low) + "."
    if cells[high] <= 1 and cells[low] >= 1:
        alt += " Every month is at its type's average."
    if attrs["missing"]:
        alt += f" No data for {_runs(attrs['missing'], list(table.columns))}: left blank."
    return alt


def _cell(table: pd.DataFrame, shades: pd.DataFrame, at: tuple[str, str]) -> str:
    crime_type, month = at
    average = table.loc[crime_type].mean()
    return (
        f"{crime_type} in {month_label(month)}, {table.at[crime_type, month]:,.0f} against an average of "
        f"{average:,.1f} a month ({shades.at[crime_type, month]:.2f} times)"
    )
