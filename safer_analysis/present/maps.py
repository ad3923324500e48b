"""Maps in the house style: crime rates by neighbourhood on the project's boundaries.

Drawn with matplotlib from the polygons of :mod:`safer_analysis.inputs.boundaries` (longitude
and latitude), as images whose alt text is written from the data; nothing is fetched (no map
tiles), so a page stays self-contained. The colour bar beside the map is its legend: what the
shading means and its scale.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import LogNorm, Normalize
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from safer_analysis.inputs.boundaries.geometry import interior_point, oriented
from safer_analysis.present.charts import NARROW_MIN_TEXT, NARROW_WIDTH, PALETTE, TEXT, Chart, apply_house_style

#: The colour of a neighbourhood with no rate (no population or no data).
MISSING = "#dddddd"
#: Ward names at desktop width, in points: 12 pixels or more on the page (the map is shown at
#: about its own size there).
WARD_TEXT = 8.5


def _patch(shape) -> PathPatch:
    rings = oriented(shape)
    return PathPatch(Path.make_compound_path(*[Path(np.asarray(r)) for r in rings]))


def _outlines(shapes) -> list[np.ndarray]:
    return [np.asarray(r) for s in shapes for r in s]


@dataclass
class MapChart(Chart):
    """A map with its words; laid out again for a phone by drawing it afresh: the map the
    phone's full width and the colour bar beneath it."""

    redraw: Callable[[bool], matplotlib.figure.Figure] | None = field(default=None, repr=False)
    key: Sequence[str] = ()

    def key_html(self) -> str:
        """The phone map's key: each ward's number and name, as text under the map (shown on a phone)."""
        if not self.key:
            return ""
        items = "".join(f"<li>{html.escape(name)}</li>" for name in self.key)
        return f'<div class="sa-map-key"><p>Wards on the map:</p><ol>{items}</ol></div>'

    def narrow_png_base64(self, width: float = NARROW_WIDTH, dpi: int = 110) -> str:
        if self.redraw is None:
            return super().narrow_png_base64(width, dpi)
        plt.close(self.figure)
        self.figure = self.redraw(True)
        return self.png_base64(dpi)


def _by_name(wards: Sequence) -> list:
    """The wards in the order of their names: the phone map's numbers and its key follow it."""
    return sorted(wards, key=lambda w: str(w.name))


def _draw(places, values, norm, log, ticks, wards, marked_shapes, narrow: bool) -> matplotlib.figure.Figure:
    """The map drawn at desktop width (colour bar beside it) or for a phone (beneath it)."""
    apply_house_style()
    points = np.concatenate([np.asarray(r) for p in places for r in p.shape])
    (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
    aspect = 1 / math.cos(math.radians((south + north) / 2))  # longitude and latitude drawn to scale
    if narrow:
        tall = (north - south) * aspect / max(east - west, 1e-9)
        fig, ax = plt.subplots(figsize=(NARROW_WIDTH, max(3.5, NARROW_WIDTH * tall + 1.4)))
    else:
        fig, ax = plt.subplots(figsize=(8.5, 7.5))
    cmap = plt.get_cmap("Blues")
    have = ~np.isnan(values)
    shown = np.clip(values, norm.vmin, None) if log else values
    colours = [cmap(norm(v)) if ok else MISSING for v, ok in zip(shown, have, strict=True)]
    ax.add_collection(
        PatchCollection(
            [_patch(p.shape) for p in places], facecolors=colours, edgecolors="white", linewidths=0.2, zorder=1
        )
    )
    label = "Crimes per 1,000 residents" + (" (log scale)" if log else "")
    scale = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    if narrow:
        bar = fig.colorbar(scale, ax=ax, label=label, orientation="horizontal", shrink=0.9, pad=0.02, aspect=30)
        axis = bar.ax.xaxis
    else:
        bar = fig.colorbar(scale, ax=ax, label=label, shrink=0.6)
        axis = bar.ax.yaxis
    if log:  # plain numbers on the scale, not powers of ten
        axis.set_ticks(ticks, [f"{v:,}" for v in ticks])
        bar.ax.minorticks_off()
    if narrow:  # the scale's words as large as the rest of the phone layout's
        bar.ax.tick_params(labelsize=NARROW_MIN_TEXT)
        bar.set_label(label, fontsize=NARROW_MIN_TEXT)
    if wards:
        ax.add_collection(LineCollection(_outlines(w.shape for w in wards), colors=TEXT, linewidths=0.6, zorder=2))
        halo = [patheffects.withStroke(linewidth=3, foreground="white")]  # dark text readable on dark shading
        for number, ward in enumerate(_by_name(wards), start=1):
            x, y = interior_point(ward.shape)
            # on a phone a number (its name in the key beneath the map); at desktop width the name
            words = str(number) if narrow else "\n".join(textwrap.wrap(str(ward.name), 14))
            size = NARROW_MIN_TEXT if narrow else WARD_TEXT
            ax.annotate(words, (x, y), ha="center", va="center", fontsize=size, color=TEXT, path_effects=halo, zorder=3)
    if marked_shapes:
        ax.add_collection(LineCollection(_outlines(marked_shapes), colors=PALETTE[3], linewidths=1.6, zorder=2))
    pad_x, pad_y = (east - west) * 0.05, (north - south) * 0.05
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - pad_y, north + pad_y)
    ax.set_aspect(aspect)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def rate_map(
    places: Sequence,
    rates: pd.DataFrame,
    *,
    wards: Sequence | None = None,
    marked: Sequence[str] = (),
    title: str,
    subtitle: str,
    source: str,
    what: str,
    describe: dict[str, str] | None = None,
) -> MapChart:
    """A choropleth of ``rates`` (``code``, ``rate``) over the ``places`` (each with ``code``,
    ``name`` and ``shape``, its rings of longitude and latitude), the ``wards`` outlined and
    named, and the ``marked`` codes outlined. ``describe`` maps a code to words for the alt text
    (its name and ward)."""
    by_code = rates.drop_duplicates("code").set_index("code")["rate"]
    values = np.array([by_code.get(p.code, np.nan) for p in places], dtype=float)
    # a log scale: a city centre's rates are tens of times the suburbs', which a linear scale flattens
    positive = rates["rate"][rates["rate"] > 0]
    log = len(positive) > 1 and positive.max() > 10 * positive.min()
    if log:
        norm = LogNorm(vmin=float(positive.min()), vmax=float(positive.max()))
    else:
        known = rates["rate"].dropna()
        norm = Normalize(vmin=float(known.min()) if len(known) else 0, vmax=float(known.max()) if len(known) else 1)
    ticks = [v for v in (5, 10, 20, 50, 100, 200, 500, 1000, 2000) if log and positive.min() <= v <= positive.max()]
    chosen = set(marked)
    marked_shapes = [p.shape for p in places if p.code in chosen]

    def redraw(narrow: bool) -> matplotlib.figure.Figure:
        return _draw(places, values, norm, log, ticks, wards, marked_shapes, narrow)

    fig = redraw(False)
    ranked = rates.dropna(subset=["rate"]).sort_values("rate", ascending=False)
    words = describe or {}

    def place(code: str) -> str:
        return words.get(code, code)

    scale = " on a log scale" if log else ""
    alt = f"Map of {what}, {len(ranked)} neighbourhoods shaded from light (low) to dark (high){scale}."
    if not ranked.empty:
        top, low = ranked.iloc[0], ranked.iloc[-1]
        alt += (
            f" Highest: {place(top['code'])}, {top['rate']:.0f} per 1,000;"
            f" lowest: {place(low['code'])}, {low['rate']:.0f} per 1,000."
            f" Half the neighbourhoods are below {ranked['rate'].median():.0f} per 1,000."
        )
    if len(marked):
        alt += (
            f" Outlined in orange, the {len(marked)} busiest in every year: "
            + "; ".join(place(c) for c in marked)
            + "."
        )
    if wards:
        alt += " Ward boundaries are drawn and named."
    key = [str(w.name) for w in _by_name(wards or [])]
    return MapChart(fig, title, subtitle, alt, source, redraw=redraw, key=key)
