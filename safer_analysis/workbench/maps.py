"""A map to explore: the area's LSOAs shaded by count (or, without boundaries, the points
themselves), drawn as SVG that zooms with the mouse wheel or the + and − buttons and pans by
dragging; hover over an LSOA for its name, ward and count. Nothing is fetched (no tiles, no
library): the boundaries are the project's own GeoJSON (``[geography] lsoa_boundaries`` and
``ward_boundaries`` in safer-analysis.toml), read with the json module.
"""

from __future__ import annotations

import html
import json
import math
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.workbench import arguments, geography
from safer_analysis.workbench.counts import _select, period_of, resolve_crime_types

_BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
_WIDTH = 720


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


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


def _path(rings: list[list[list[float]]], project: _Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(x, y) for x, y, *_ in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _shade(value: float, top: float) -> str:
    if not value or top <= 0:
        return _BLUES[0]
    step = int(math.sqrt(value / top) * (len(_BLUES) - 2)) + 1  # square root: a city centre does not flatten the rest
    return _BLUES[min(step, len(_BLUES) - 1)]


class ZoomMap:
    """An SVG map that zooms and pans in a notebook; ``svg`` is the drawing alone."""

    def __init__(self, svg: str, title: str, subtitle: str, alt: str):
        self.svg = svg
        self.title = title
        self.subtitle = subtitle
        self.alt = alt

    def _repr_html_(self) -> str:
        ident = "sa-map-" + uuid.uuid4().hex[:8]
        button = "border:1px solid #888;background:#fff;padding:0 .6em;margin-right:.3em;font-size:1.1em;cursor:pointer"
        return (
            f'<figure id="{ident}" style="margin:0 0 1em 0">'
            f'<figcaption style="margin:0 0 .4em 0"><div style="font-weight:bold;font-size:1.15em">'
            f"{html.escape(self.title)}</div>"
            f'<div style="color:#505a5f">{html.escape(self.subtitle)}</div></figcaption>'
            f'<div><button type="button" data-zoom="1.5" style="{button}" aria-label="zoom in">+</button>'
            f'<button type="button" data-zoom="0.6667" style="{button}" aria-label="zoom out">−</button>'
            f'<button type="button" data-zoom="0" style="{button}">reset</button>'
            '<span style="color:#505a5f;font-size:.9em"> scroll to zoom, drag to move, hover for figures</span></div>'
            f'<div style="border:1px solid #ccc;overflow:hidden;max-width:{_WIDTH}px;cursor:grab">{self.svg}</div>'
            f"<script>{_SCRIPT.replace('__ID__', ident)}</script></figure>"
        )

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the map as a web page (HTML with its zoom) or, for ``.svg``, the drawing alone; a
        file already there is kept unless ``overwrite`` is True."""
        path = arguments.output_file("path", path, (".html", ".svg"), overwrite)
        body = self.svg if path.suffix.lower() == ".svg" else f"<!doctype html><meta charset=utf-8>{self._repr_html_()}"
        path.write_text(body, encoding="utf-8")
        return path


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


def _read(name: str, path: Path) -> list[dict]:
    """The features of the GeoJSON file ``path`` (the ``name`` argument); a ParameterError saying
    what is wrong with the file otherwise."""
    if not path.is_file():
        raise ParameterError(f"{name}: no file {path}; give the GeoJSON file of the boundaries, or None to draw points")
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        reason = f"line {exc.lineno}, column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ParameterError(
            f"{name}: {path} is not a GeoJSON file with features ({reason or type(exc).__name__}); expected a "
            "FeatureCollection of polygons"
        ) from None
    if not isinstance(features, list) or not all(
        isinstance(f, dict) and isinstance(f.get("geometry"), dict) and isinstance(f.get("properties"), dict)
        for f in features
    ):
        raise ParameterError(f"{name}: {path} holds features without geometry or properties; expected polygons")
    return features


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
    financial year) per LSOA of 2011, on the LSOA polygons of the GeoJSON ``boundaries`` (feature
    property ``LSOA11CD``), with the ``wards`` outlines where given; without boundaries, one dot
    per police.uk point, sized by its count. Rows coded to 2021 LSOAs count in their 2011 parent
    (see :mod:`safer_analysis.workbench.geography`)."""
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
    rows = _select(crimes, types)
    rows = rows[rows["month"].isin(set(when.months))]
    if "lsoa11_code" not in rows.columns:
        rows = geography.add_geography(rows)
    what = "crimes (excluding anti-social behaviour)" if types is None else label.lower()
    where = f", {place}" if place else ""
    title = f"{'All crime' if types is None else label} by place{where}, {when.label}"
    if boundaries:
        return _lsoa_map(rows, _read("boundaries", boundaries), _read("wards", wards) if wards else [], title, what)
    return _point_map(rows, title, what)


def _lsoa_map(rows: pd.DataFrame, features: list[dict], ward_features: list[dict], title: str, what: str) -> ZoomMap:
    counts = rows.groupby("lsoa11_code").size()
    geo = geography.lsoa_geography()
    coords = np.array([pt[:2] for f in features for ring in _rings(f["geometry"]) for pt in ring])
    project = _Projection(coords[:, 0], coords[:, 1])
    top = float(counts.max()) if len(counts) else 0.0
    shapes = []
    for feature in features:
        props = feature["properties"]
        code = props.get("LSOA11CD", "")
        n = int(counts.get(code, 0))
        ward = geo.at[code, "ward_name"] if code in geo.index else None
        tip = f"{props.get('LSOA11NM', code)} ({code}), {ward or 'ward not known'}: {n:,}"
        shapes.append(
            f'<path d="{_path(_rings(feature["geometry"]), project)}" fill="{_shade(n, top)}" stroke="#fff" '
            f'stroke-width="0.4" data-lsoa="{html.escape(code)}" data-count="{n}">'
            f"<title>{html.escape(tip)}</title></path>"
        )
    for feature in ward_features:
        name = next(
            (v for k, v in feature["properties"].items() if k.upper().startswith("WD") and k.upper().endswith("NM")), ""
        )
        shapes.append(
            f'<path d="{_path(_rings(feature["geometry"]), project)}" fill="none" stroke="#0b0c0c" stroke-width="0.8" '
            f'pointer-events="none"><title>{html.escape(str(name))}</title></path>'
        )
    placed = int(counts[counts.index.isin({f["properties"].get("LSOA11CD") for f in features})].sum())
    outside = len(rows) - placed
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {project.height:.0f}" width="100%" '
        f'role="img" aria-label="{html.escape(title)}"><g>{"".join(shapes)}</g></svg>'
    )
    busiest = counts.sort_values(ascending=False).head(3)
    names = ", ".join(
        f"{code} ({geo.at[code, 'ward_name'] if code in geo.index else '?'}) {n:,}" for code, n in busiest.items()
    )
    subtitle = (
        f"{placed:,} recorded ({what}) in {len(features)} neighbourhoods (LSOA 2011), darker for more; "
        f"busiest: {names}"
        + (f"; {outside:,} rows fall outside these boundaries" if outside else "")
        + (". Lines: ward boundaries." if ward_features else ".")
        + " Counts are not suppressed: this map is for exploring, not publishing."
    )
    return ZoomMap(svg, title, subtitle, subtitle)


def _point_map(rows: pd.DataFrame, title: str, what: str) -> ZoomMap:
    xy = rows.dropna(subset=["longitude", "latitude"])
    points = xy.groupby(["longitude", "latitude"]).size().rename("n").reset_index()
    if points.empty:
        return ZoomMap(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>', title, "no points", "no points"
        )
    project = _Projection(points["longitude"].to_numpy(), points["latitude"].to_numpy())
    top = float(points["n"].max())
    dots = []
    for lon, lat, n in points.sort_values("n").itertuples(index=False):
        x, y = project(lon, lat)
        radius = 1.2 + 5 * math.sqrt(n / top)
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#12436D" fill-opacity="0.55">'
            f"<title>{n:,} at {lat:.4f}, {lon:.4f}</title></circle>"
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-8 -8 {_WIDTH + 16} {project.height + 16:.0f}" '
        f'width="100%" role="img" aria-label="{html.escape(title)}">{"".join(dots)}</svg>'
    )
    subtitle = (
        f"{len(xy):,} recorded ({what}) at {len(points):,} police.uk points "
        "(each an anonymised location near the crime), "
        "larger for more; no boundaries are set in safer-analysis.toml, so no LSOAs are drawn."
    )
    return ZoomMap(svg, title, subtitle, subtitle)
