"""A map to explore: the area's LSOAs shaded by count, drawn as SVG that zooms with the mouse
wheel or the + and − buttons and pans by dragging, with a legend of the shading; hover over an
LSOA for its name, ward and count. Nothing is fetched (no tiles, no library): the boundaries are
the project's own (``safer-analysis import-boundaries``, or ``[geography] lsoa_boundaries`` and
``ward_boundaries`` in safer-analysis.toml), LSOAs of 2011 or 2021. Without boundaries the map
says so and lists the busiest LSOAs instead.
"""

from __future__ import annotations

import html
import math
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import boundaries as shapes_of
from safer_analysis.workbench import arguments, geography
from safer_analysis.workbench.counts import _select, period_of, resolve_crime_types

_BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
_WIDTH = 720


class _Projection:
    """Longitude and latitude to SVG pixels (equirectangular, scaled by the cosine of the middle latitude)."""

    def __init__(self, lons: np.ndarray, lats: np.ndarray):
        self.west, self.east = float(lons.min()), float(lons.max())
        self.south, self.north = float(lats.min()), float(lats.max())
        self.k = math.cos(math.radians((self.south + self.north) / 2))
        span_x = (self.east - self.west) * self.k or 1e-6
        self.scale = _WIDTH / span_x
        self.height = max(1.0, (self.north - self.south) * self.scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.k * self.scale, (self.north - lat) * self.scale


def _path(rings: list[np.ndarray], project: _Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(x, y) for x, y in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _shade(value: float, top: float) -> str:
    if not value or top <= 0:
        return _BLUES[0]
    step = int(math.sqrt(value / top) * (len(_BLUES) - 2)) + 1  # square root: a city centre does not flatten the rest
    return _BLUES[min(step, len(_BLUES) - 1)]


class ZoomMap:
    """An SVG map that zooms and pans in a notebook; ``svg`` is the drawing alone and ``legend``
    the key to its shading. Without boundaries there is no drawing: ``table`` holds the busiest
    LSOAs and ``subtitle`` says why."""

    def __init__(
        self, svg: str, title: str, subtitle: str, alt: str, *, legend: str = "", table: pd.DataFrame | None = None
    ):
        self.svg = svg
        self.title = title
        self.subtitle = subtitle
        self.alt = alt
        self.legend = legend
        self.table = table

    def _caption(self) -> str:
        return (
            f'<figcaption style="margin:0 0 .4em 0"><div style="font-weight:bold;font-size:1.15em">'
            f"{html.escape(self.title)}</div>"
            f'<div style="color:#505a5f">{html.escape(self.subtitle)}</div></figcaption>'
        )

    def _repr_html_(self) -> str:
        if not self.svg:
            rows = "" if self.table is None else self.table.to_html(index=False, border=0)
            return f'<figure style="margin:0 0 1em 0">{self._caption()}{rows}</figure>'
        ident = "sa-map-" + uuid.uuid4().hex[:8]
        button = "border:1px solid #888;background:#fff;padding:0 .6em;margin-right:.3em;font-size:1.1em;cursor:pointer"
        return (
            f'<figure id="{ident}" style="margin:0 0 1em 0">{self._caption()}'
            f'<div><button type="button" data-zoom="1.5" style="{button}" aria-label="zoom in">+</button>'
            f'<button type="button" data-zoom="0.6667" style="{button}" aria-label="zoom out">−</button>'
            f'<button type="button" data-zoom="0" style="{button}">reset</button>'
            '<span style="color:#505a5f;font-size:.9em"> scroll to zoom, drag to move, hover for figures</span></div>'
            f'<div style="border:1px solid #ccc;overflow:hidden;max-width:{_WIDTH}px;cursor:grab">{self.svg}</div>'
            f'<div style="max-width:{_WIDTH}px">{self.legend}</div>'
            f"<script>{_SCRIPT.replace('__ID__', ident)}</script></figure>"
        )

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the map as a web page (HTML with its zoom) or, for ``.svg``, the drawing with its
        legend; a file already there is kept unless ``overwrite`` is True."""
        path = arguments.output_file("path", path, (".html", ".svg"), overwrite)
        if path.suffix.lower() == ".svg":
            if not self.svg:
                raise ParameterError(f"path: {self.subtitle} Nothing is drawn, so save it as .html")
            body = _with_legend(self.svg, self.legend)
        else:
            body = f"<!doctype html><meta charset=utf-8>{self._repr_html_()}"
        path.write_text(body, encoding="utf-8")
        return path


def _with_legend(svg: str, legend: str) -> str:
    """One SVG of the map with its legend below it."""
    if not legend:
        return svg
    box = [float(v) for v in svg.split('viewBox="', 1)[1].split('"', 1)[0].split()]
    key_box = [float(v) for v in legend.split('viewBox="', 1)[1].split('"', 1)[0].split()]
    inner = legend.split(">", 1)[1].rsplit("</svg>", 1)[0]
    body = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
    height = box[3] + key_box[3]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box[0]:g} {box[1]:g} {box[2]:g} {height:g}" '
        f'role="img">{body}<g transform="translate(0,{box[1] + box[3]:g})">{inner}</g></svg>'
    )


_SCRIPT = """
(function () {
  var root = document.getElementById("__ID__"); if (!root) return;
  var svg = root.querySelector("svg"), box = svg.viewBox.baseVal;
  var home = [box.x, box.y, box.width, box.height];
  function zoom(f, cx, cy) {
    if (!f) { box.x = home[0]; box.y = home[1]; box.width = home[2]; box.height = home[3]; return; }
    cx = cx === undefined ? box.x + box.width / 2 : cx; cy = cy === undefined ? box.y + box.height / 2 : cy;
    box.x = cx - (cx - box.x) / f; box.y = cy - (cy - box.y) / f; box.width /= f; box.height /= f;
  }
  function point(e) {
    var r = svg.getBoundingClientRect();
    return [box.x + (e.clientX - r.left) / r.width * box.width, box.y + (e.clientY - r.top) / r.height * box.height];
  }
  root.querySelectorAll("button[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () { zoom(parseFloat(b.dataset.zoom)); });
  });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault(); var p = point(e); zoom(e.deltaY < 0 ? 1.25 : 0.8, p[0], p[1]);
  }, {passive: false});
  var drag = null;
  svg.addEventListener("pointerdown", function (e) { drag = point(e); svg.setPointerCapture(e.pointerId); });
  svg.addEventListener("pointermove", function (e) {
    if (!drag) return; var p = point(e); box.x -= p[0] - drag[0]; box.y -= p[1] - drag[1];
  });
  svg.addEventListener("pointerup", function () { drag = null; });
})();
"""


def _load(name: str, path: Path) -> shapes_of.Boundaries:
    """The boundaries in ``path`` (the ``name`` argument); a ParameterError saying what is wrong
    with the file otherwise."""
    if not path.is_file():
        raise ParameterError(
            f"{name}: no file {path}; give a boundaries file (GeoJSON, GeoPackage or shapefile), or None"
        )
    try:
        return shapes_of.load_boundaries(path)
    except shapes_of.BoundaryFileError as exc:
        raise ParameterError(f"{name}: {exc}") from None


def zoom_map(
    crimes: pd.DataFrame,
    *,
    boundaries: str | Path | None = None,
    wards: str | Path | None = None,
    period: object = None,
    crime_type: object = None,
    place: str = "",
) -> ZoomMap:
    """Counts of ``crime_type`` (default all crime) in ``period`` (default the latest complete
    financial year) per LSOA, on the LSOA polygons of ``boundaries`` (a file ``import-boundaries``
    reads: LSOAs of 2011 or 2021), with the ``wards`` outlines where given. Each row counts in
    the polygon of its LSOA: a row coded to an LSOA of the other vintage counts where the ONS
    lookup gives it one polygon (an unchanged or merged LSOA), and is said to fall outside
    otherwise (a split one). Without boundaries, the busiest LSOAs as a table, and why."""
    from safer_analysis.workbench.counts import _crime_table, _held_months, last_complete_year

    crimes = _crime_table(crimes)
    place = arguments.text("place", place)
    boundaries, wards = arguments.path("boundaries", boundaries), arguments.path("wards", wards)
    label, types = resolve_crime_types(crimes, crime_type)
    when = period_of(period if period is not None else last_complete_year(crimes))
    held = _held_months(crimes)
    if not held & set(when.months):
        raise ParameterError(
            f"period: the data hold no month of {when.label}; they run from {min(held)} to {max(held)}"
        )
    lsoas = _load("boundaries", boundaries) if boundaries else None
    ward_shapes = _load("wards", wards) if wards else None
    rows = _select(crimes, types)
    rows = rows[rows["month"].isin(set(when.months))]
    if "lsoa11_code" not in rows.columns:
        rows = geography.add_geography(rows)
    what = "crimes (excluding anti-social behaviour)" if types is None else label.lower()
    where = f", {place}" if place else ""
    title = f"{'All crime' if types is None else label} by place{where}, {when.label}"
    if lsoas is not None:
        return _lsoa_map(rows, lsoas, ward_shapes.places if ward_shapes else [], title, what)
    return _busiest(rows, title, what)


def _polygon_codes(rows: pd.DataFrame, vintage: str) -> pd.Series:
    """Each row's LSOA in the vintage of the polygons: its own code where it is of that vintage,
    else the one code of the other vintage the ONS lookup links it to (None where it links to
    several: a 2011 LSOA split in 2021, or a 2021 LSOA merged from several of 2011)."""
    if vintage == "2011":
        return rows["lsoa11_code"]
    lookup = geography.lsoa_geography()
    ours = lookup.index[lookup["vintage"].str.contains("2021", na=False)]
    links = _links()
    single = links.groupby("lsoa11_code")["lsoa21_code"].nunique()
    one = links[links["lsoa11_code"].isin(single.index[single == 1])].drop_duplicates("lsoa11_code")
    back = dict(zip(one["lsoa11_code"], one["lsoa21_code"], strict=True))
    codes = rows["lsoa_code"]
    return codes.where(codes.isin(set(ours)), codes.map(back))


def _links() -> pd.DataFrame:
    """The ONS LSOA 2011 to 2021 lookup shipped with the package."""
    from safer_analysis.inputs import reference

    return reference.read_table("lsoa_areas.csv")[["lsoa11_code", "lsoa21_code"]]


def _legend(top: float) -> str:
    """The key to the shading: a swatch per step with the counts it stands for."""
    if top <= 0:
        return ""
    steps = len(_BLUES) - 1
    edges = [0.0] + [top * (k / (steps - 1)) ** 2 for k in range(steps)]
    items = [(_BLUES[0], "0")]
    for k in range(1, steps + 1):
        low, high = math.floor(edges[k - 1]) + 1, math.floor(edges[k]) if k < steps else int(top)
        if high < low:
            continue
        items.append((_BLUES[k], f"{low:,}" if low == high else f"{low:,}–{high:,}"))
    width = 70
    cells = "".join(
        f'<rect x="{8 + i * width}" y="20" width="{width - 4}" height="12" fill="{colour}" stroke="#888" '
        f'stroke-width="0.5"/><text x="{8 + i * width}" y="46" font-size="11" fill="#0b0c0c">{text}</text>'
        for i, (colour, text) in enumerate(items)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {16 + len(items) * width} 54" width="100%" '
        'role="img" aria-label="Legend: crimes in the neighbourhood, darker for more">'
        '<text x="8" y="13" font-size="11" fill="#0b0c0c">Crimes in the neighbourhood (LSOA), darker for more'
        f"</text>{cells}</svg>"
    )


def _lsoa_map(rows: pd.DataFrame, lsoas: shapes_of.Boundaries, ward_places: list, title: str, what: str) -> ZoomMap:
    codes = _polygon_codes(rows, lsoas.vintage)
    counts = codes.dropna().value_counts()
    geo = geography.lsoa_geography()
    places = [p for p in lsoas.places if p.shape]
    coords = np.concatenate([r for p in places for r in p.shape])
    project = _Projection(coords[:, 0], coords[:, 1])
    top = float(counts.max()) if len(counts) else 0.0
    shapes = []
    for p in places:
        n = int(counts.get(p.code, 0))
        ward = geo.at[p.code, "ward_name"] if p.code in geo.index else None
        tip = f"{p.name} ({p.code}), {ward or 'ward not known'}: {n:,}"
        shapes.append(
            f'<path d="{_path(p.shape, project)}" fill="{_shade(n, top)}" fill-rule="evenodd" stroke="#fff" '
            f'stroke-width="0.4" data-lsoa="{html.escape(p.code)}" data-count="{n}">'
            f"<title>{html.escape(tip)}</title></path>"
        )
    for ward in ward_places:
        shapes.append(
            f'<path d="{_path(ward.shape, project)}" fill="none" stroke="#0b0c0c" stroke-width="0.8" '
            f'pointer-events="none"><title>{html.escape(str(ward.name))}</title></path>'
        )
    placed = int(counts[counts.index.isin({p.code for p in places})].sum())
    outside = len(rows) - placed
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {project.height:.0f}" width="100%" '
        f'role="img" aria-label="{html.escape(title)}"><g>{"".join(shapes)}</g></svg>'
    )
    busiest = counts[counts.index.isin({p.code for p in places})].sort_values(ascending=False).head(3)
    names = ", ".join(
        f"{code} ({geo.at[code, 'ward_name'] if code in geo.index else '?'}) {n:,}" for code, n in busiest.items()
    )
    subtitle = (
        f"{placed:,} recorded ({what}) in {len(places)} neighbourhoods (LSOA {lsoas.vintage}), darker for more; "
        f"busiest: {names}"
        + (f"; {outside:,} rows fall outside these boundaries" if outside else "")
        + (". Lines: ward boundaries." if ward_places else ".")
        + " Counts are not suppressed: this map is for exploring, not publishing."
    )
    return ZoomMap(svg, title, subtitle, subtitle, legend=_legend(top))


#: How many LSOAs the table that stands in for a map lists.
BUSIEST = 10


def _busiest(rows: pd.DataFrame, title: str, what: str) -> ZoomMap:
    counts = rows.dropna(subset=["lsoa_code"]).groupby(["lsoa_code", "lsoa_name"]).size()
    top = counts.sort_values(ascending=False).head(BUSIEST).rename("count").reset_index()
    geo = geography.lsoa_geography()
    top.insert(2, "ward", [geo.at[c, "ward_name"] if c in geo.index else None for c in top["lsoa_code"]])
    table = top.rename(columns={"lsoa_code": "LSOA code", "lsoa_name": "LSOA", "ward": "Ward", "count": "Count"})
    subtitle = (
        f"No map: the project holds no neighbourhood boundaries, so the {len(table)} LSOAs with the most "
        f"recorded ({what}) are listed instead ({len(rows):,} in all). To draw the map, download LSOA boundaries "
        "from the ONS Open Geography Portal and run safer-analysis import-boundaries FILE in the project's folder."
    )
    return ZoomMap("", title, subtitle, subtitle, table=table)
