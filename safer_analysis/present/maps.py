"""Maps in the house style: crime rates by neighbourhood, or the density of the points themselves.

Drawn with geopandas and matplotlib as images whose alt text is written from the data; nothing
is fetched (no map tiles), so a page stays self-contained.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.colors import LogNorm

from safer_analysis.present.charts import PALETTE, TEXT, Chart, apply_house_style


def rate_map(
    lsoas,
    rates: pd.DataFrame,
    *,
    wards=None,
    marked: Sequence[str] = (),
    title: str,
    subtitle: str,
    source: str,
    what: str,
    describe: dict[str, str] | None = None,
) -> Chart:
    """A choropleth of ``rates`` (``lsoa11_code``, ``rate``) over the ``lsoas`` polygons (a
    GeoDataFrame with ``LSOA11CD``), ward outlines and names from ``wards`` (``WD..NM`` column),
    and the ``marked`` LSOAs outlined. ``describe`` maps an LSOA code to words for the alt text
    (its name and ward)."""
    apply_house_style()
    shapes = lsoas.merge(rates, left_on="LSOA11CD", right_on="lsoa11_code", how="left")
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    # a log scale: a city centre's rates are tens of times the suburbs', which a linear scale flattens
    positive = rates["rate"][rates["rate"] > 0]
    log = len(positive) > 1 and positive.max() > 10 * positive.min()
    shapes.plot(
        column="rate",
        ax=ax,
        cmap="Blues",
        linewidth=0.2,
        edgecolor="white",
        legend=True,
        norm=LogNorm(vmin=float(positive.min()), vmax=float(positive.max())) if log else None,
        missing_kwds={"color": "#dddddd", "label": "no data"},
        legend_kwds={"label": "Crimes per 1,000 residents" + (" (log scale)" if log else ""), "shrink": 0.6},
    )
    if log:  # plain numbers on the scale, not powers of ten
        bar = fig.axes[-1]
        ticks = [v for v in (5, 10, 20, 50, 100, 200, 500, 1000, 2000) if positive.min() <= v <= positive.max()]
        bar.set_yticks(ticks, [f"{v:,}" for v in ticks])
        bar.minorticks_off()
    if wards is not None:
        wards.boundary.plot(ax=ax, color=TEXT, linewidth=0.6)
        name = next(c for c in wards.columns if c.upper().startswith("WD") and c.upper().endswith("NM"))
        for _, ward in wards.iterrows():
            point = ward.geometry.representative_point()
            ax.annotate(str(ward[name]), (point.x, point.y), ha="center", fontsize=6, color=TEXT)
    marked_shapes = shapes[shapes["LSOA11CD"].isin(set(marked))]
    if not marked_shapes.empty:
        marked_shapes.boundary.plot(ax=ax, color=PALETTE[3], linewidth=1.6)
    ax.set_axis_off()
    fig.tight_layout()
    ranked = rates.dropna(subset=["rate"]).sort_values("rate", ascending=False)
    words = describe or {}

    def place(code: str) -> str:
        return words.get(code, code)

    scale = " on a log scale" if log else ""
    alt = f"Map of {what}, {len(ranked)} neighbourhoods shaded from light (low) to dark (high){scale}."
    if not ranked.empty:
        top, low = ranked.iloc[0], ranked.iloc[-1]
        alt += (
            f" Highest: {place(top['lsoa11_code'])}, {top['rate']:.0f} per 1,000;"
            f" lowest: {place(low['lsoa11_code'])}, {low['rate']:.0f} per 1,000."
            f" Half the neighbourhoods are below {ranked['rate'].median():.0f} per 1,000."
        )
    if len(marked):
        alt += (
            f" Outlined in orange, the {len(marked)} busiest in every year: "
            + "; ".join(place(c) for c in marked)
            + "."
        )
    if wards is not None:
        alt += " Ward boundaries are drawn and named."
    return Chart(fig, title, subtitle, alt, source)


def density_map(points: pd.DataFrame, *, title: str, subtitle: str, source: str, what: str) -> Chart:
    """Where the points (``longitude``, ``latitude``) are densest, binned into hexagons: the map a
    project without boundary files gets."""
    apply_house_style()
    xy = points.dropna(subset=["longitude", "latitude"])
    fig, ax = plt.subplots(figsize=(8.5, 7.5))
    cells = ax.hexbin(xy["longitude"], xy["latitude"], gridsize=40, cmap="Blues", mincnt=5)
    fig.colorbar(cells, ax=ax, shrink=0.6, label="Crimes in the hexagon (hexagons with fewer than 5 left blank)")
    ax.set_aspect(1.6)
    ax.set_axis_off()
    fig.tight_layout()
    counts = cells.get_array()
    alt = (
        f"Hexagon map of {what}: {len(xy):,} crimes with a location in {len(counts)} hexagons of at least 5; "
        f"the busiest holds {int(counts.max()) if len(counts) else 0:,}."
    )
    return Chart(fig, title, subtitle, alt, source)
