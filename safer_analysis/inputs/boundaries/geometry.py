"""Polygons as rings of longitude and latitude, from whatever a boundaries file holds.

A shape here is a list of rings, each an ``(n, 2)`` array of x and y; a ring inside another is a
hole (drawn and tested with the even-odd rule, so a ring's direction does not matter). This
module reads the well-known binary (WKB) of polygons and multipolygons, GeoPackage's binary
header, and converts British National Grid (EPSG:27700) and Web Mercator (EPSG:3857) to
longitude and latitude (WGS84), all with numpy alone.

The grid is converted as Ordnance Survey's *A guide to coordinate systems in Great Britain*
describes: the inverse transverse Mercator projection on the Airy 1830 ellipsoid to OSGB36
latitude and longitude, then the seven-parameter Helmert transformation to WGS84 (good to about
5 metres, plenty for a map; OSTN15 would give centimetres).

>>> lon, lat = bng_to_wgs84(np.array([651409.903]), np.array([313177.270]))
>>> round(float(lon[0]), 4), round(float(lat[0]), 4)
(1.7161, 52.658)
"""

from __future__ import annotations

import math
import struct

import numpy as np

Ring = np.ndarray
Shape = list  # list[Ring]

#: England and Wales in longitude and latitude, with a margin: where converted points must fall.
ENGLAND_AND_WALES = (-7.0, 49.0, 2.5, 56.5)

# Airy 1830 and the National Grid's projection
_AIRY_A, _AIRY_B = 6377563.396, 6356256.909
_F0 = 0.9996012717
_PHI0, _LAMBDA0 = math.radians(49.0), math.radians(-2.0)
_N0, _E0 = -100000.0, 400000.0
# WGS84, and the Helmert transformation from OSGB36 to it (the OS guide's WGS84-to-OSGB36, reversed)
_WGS_A, _WGS_B = 6378137.0, 6356752.3141
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S = -20.4894e-6
_RX, _RY, _RZ = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))


class GeometryError(ValueError):
    """Bytes that are not a polygon or multipolygon; the message says what was found."""


def _meridional_arc(phi: np.ndarray) -> np.ndarray:
    n = (_AIRY_A - _AIRY_B) / (_AIRY_A + _AIRY_B)
    d, s = phi - _PHI0, phi + _PHI0
    return (
        _AIRY_B
        * _F0
        * (
            (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * np.sin(d) * np.cos(s)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * np.sin(2 * d) * np.cos(2 * s)
            - 35 / 24 * n**3 * np.sin(3 * d) * np.cos(3 * s)
        )
    )


def bng_to_osgb36(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid eastings and northings (metres) to OSGB36 longitude and latitude
    (degrees): the OS guide's inverse transverse Mercator projection."""
    e_, n_ = np.asarray(easting, dtype=float), np.asarray(northing, dtype=float)
    a, b = _AIRY_A, _AIRY_B
    e2 = (a**2 - b**2) / a**2
    phi = np.full_like(n_, _PHI0)
    m = np.zeros_like(n_)
    for _ in range(20):  # converges to well under a millimetre in a few rounds
        phi = (n_ - _N0 - m) / (a * _F0) + phi
        m = _meridional_arc(phi)
        if np.all(np.abs(n_ - _N0 - m) < 1e-5):
            break
    sin2 = np.sin(phi) ** 2
    nu = a * _F0 / np.sqrt(1 - e2 * sin2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin2) ** 1.5
    eta2 = nu / rho - 1
    t = np.tan(phi)
    sec = 1 / np.cos(phi)
    vii = t / (2 * rho * nu)
    viii = t / (24 * rho * nu**3) * (5 + 3 * t**2 + eta2 - 9 * t**2 * eta2)
    ix = t / (720 * rho * nu**5) * (61 + 90 * t**2 + 45 * t**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * t**2)
    xii = sec / (120 * nu**5) * (5 + 28 * t**2 + 24 * t**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * t**2 + 1320 * t**4 + 720 * t**6)
    de = e_ - _E0
    lat = phi - vii * de**2 + viii * de**4 - ix * de**6
    lon = _LAMBDA0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return np.degrees(lon), np.degrees(lat)


def _to_cartesian(lon: np.ndarray, lat: np.ndarray, a: float, b: float) -> tuple[np.ndarray, ...]:
    phi, lam = np.radians(lat), np.radians(lon)
    e2 = (a**2 - b**2) / a**2
    nu = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return nu * np.cos(phi) * np.cos(lam), nu * np.cos(phi) * np.sin(lam), (1 - e2) * nu * np.sin(phi)


def _from_cartesian(x: np.ndarray, y: np.ndarray, z: np.ndarray, a: float, b: float) -> tuple[np.ndarray, ...]:
    e2 = (a**2 - b**2) / a**2
    p = np.sqrt(x**2 + y**2)
    phi = np.arctan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
        phi = np.arctan2(z + e2 * nu * np.sin(phi), p)
    return np.degrees(np.arctan2(y, x)), np.degrees(phi)


def bng_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid eastings and northings to WGS84 longitude and latitude (degrees),
    good to about 5 metres."""
    lon, lat = bng_to_osgb36(easting, northing)
    x, y, z = _to_cartesian(lon, lat, _AIRY_A, _AIRY_B)
    x2 = _TX + (1 + _S) * x - _RZ * y + _RY * z
    y2 = _TY + _RZ * x + (1 + _S) * y - _RX * z
    z2 = _TZ - _RY * x + _RX * y + (1 + _S) * z
    return _from_cartesian(x2, y2, z2, _WGS_A, _WGS_B)


def web_mercator_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator (EPSG:3857) metres to longitude and latitude (degrees)."""
    r = 6378137.0
    return np.degrees(np.asarray(x) / r), np.degrees(2 * np.arctan(np.exp(np.asarray(y) / r)) - math.pi / 2)


#: Coordinate systems a file may be in, each with its conversion to longitude and latitude.
CONVERTERS = {
    "wgs84": None,
    "bng": bng_to_wgs84,
    "web_mercator": web_mercator_to_wgs84,
}
#: Words for each, for messages and the record of an import.
CRS_WORDS = {
    "wgs84": "longitude and latitude (WGS84)",
    "bng": "British National Grid (EPSG:27700)",
    "web_mercator": "Web Mercator (EPSG:3857)",
}


def convert(shape: Shape, crs: str) -> Shape:
    """``shape`` with its rings in longitude and latitude."""
    converter = CONVERTERS[crs]
    if converter is None:
        return shape
    out = []
    for ring in shape:
        lon, lat = converter(ring[:, 0], ring[:, 1])
        out.append(np.column_stack([lon, lat]))
    return out


def guess_crs(shapes: list[Shape]) -> str | None:
    """The coordinate system the points of ``shapes`` look to be in, from their range alone: None
    when they fit none of longitude and latitude, the National Grid or Web Mercator over Britain."""
    points = [r for s in shapes for r in s if len(r)]
    if not points:
        return None
    lo = np.min([r.min(axis=0) for r in points], axis=0)
    hi = np.max([r.max(axis=0) for r in points], axis=0)
    if -180 <= lo[0] and hi[0] <= 180 and -90 <= lo[1] and hi[1] <= 90:
        return "wgs84"
    if 0 <= lo[0] and hi[0] <= 800_000 and 0 <= lo[1] and hi[1] <= 1_300_000:
        return "bng"
    if -900_000 <= lo[0] and hi[0] <= 300_000 and 6_200_000 <= lo[1] and hi[1] <= 8_500_000:
        return "web_mercator"
    return None


def crs_from_text(text: str) -> str | None:
    """The coordinate system named in a .prj file's WKT, a GeoJSON ``crs`` name or a GeoPackage
    spatial reference's definition (None when it names none known here)."""
    t = text.upper().replace(" ", "_")
    if any(k in t for k in ("27700", "BRITISH_NATIONAL_GRID", "OSGB_1936_BRITISH", "OSGB36_/_BRITISH", "OSGB_1936")):
        return "bng"
    if any(k in t for k in ("3857", "900913", "PSEUDO-MERCATOR", "PSEUDO_MERCATOR", "MERCATOR_AUXILIARY_SPHERE")):
        return "web_mercator"
    if "PROJCS" in t or "PROJCRS" in t:
        return None
    if any(k in t for k in ("4326", "CRS84", "WGS_84", "WGS84", "WGS_1984", "4258", "ETRS89", "ETRS_1989")):
        return "wgs84"
    return None


def in_england_and_wales(shape: Shape) -> bool:
    """Whether every point of ``shape`` (longitude and latitude) lies in England and Wales's box."""
    west, south, east, north = ENGLAND_AND_WALES
    return all(
        (r[:, 0] >= west).all() and (r[:, 0] <= east).all() and (r[:, 1] >= south).all() and (r[:, 1] <= north).all()
        for r in shape
    )


# ---- well-known binary ------------------------------------------------------------------------

_POLYGON, _MULTIPOLYGON = 3, 6
_WKB_NAMES = {
    1: "point",
    2: "line",
    3: "polygon",
    4: "multipoint",
    5: "multiline",
    6: "multipolygon",
    7: "geometry collection",
    10: "curved polygon",
    12: "multisurface",
}


def _wkb_type(code: int) -> tuple[int, int]:
    """The base type and the number of coordinates per point of a WKB type code (ISO, with
    1000s for Z, M and ZM, or the EWKB flags)."""
    dims = 2
    if code & 0x80000000:
        dims += 1
    if code & 0x40000000:
        dims += 1
    code &= 0x0FFFFFFF
    thousands, base = divmod(code, 1000)
    dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(thousands, 0)
    return base, dims


def parse_wkb(data: bytes | memoryview, offset: int = 0) -> tuple[Shape, int]:
    """The rings of the polygon or multipolygon in well-known binary ``data`` from ``offset``,
    and the offset after it."""
    view = memoryview(data)
    if offset + 5 > len(view):
        raise GeometryError("the geometry is cut short")
    order = "<" if view[offset] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", view, offset + 1)
    has_srid = bool(code & 0x20000000)
    base, dims = _wkb_type(code)
    offset += 5 + (4 if has_srid else 0)
    if base == _MULTIPOLYGON:
        (count,) = struct.unpack_from(order + "I", view, offset)
        offset += 4
        rings: Shape = []
        for _ in range(count):
            part, offset = parse_wkb(view, offset)
            rings.extend(part)
        return rings, offset
    if base != _POLYGON:
        raise GeometryError(f"a {_WKB_NAMES.get(base, f'type {base}')} geometry, not a polygon")
    (count,) = struct.unpack_from(order + "I", view, offset)
    offset += 4
    rings = []
    for _ in range(count):
        (n,) = struct.unpack_from(order + "I", view, offset)
        offset += 4
        size = n * dims * 8
        if offset + size > len(view):
            raise GeometryError("the geometry is cut short")
        values = np.frombuffer(view[offset : offset + size], dtype=order + "f8").reshape(n, dims)
        rings.append(values[:, :2].astype(float))
        offset += size
    return rings, offset


def parse_gpkg_geometry(blob: bytes) -> tuple[Shape, int]:
    """The rings of a GeoPackage geometry blob (its ``GP`` header, then WKB) and the header's
    spatial reference id; an empty geometry gives no rings."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryError("not a GeoPackage geometry (no GP header)")
    flags = blob[3]
    order = "<" if flags & 1 else ">"
    (srs_id,) = struct.unpack_from(order + "i", blob, 4)
    envelope = (flags >> 1) & 7
    sizes = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
    if envelope not in sizes:
        raise GeometryError(f"a GeoPackage geometry with an unknown envelope ({envelope})")
    if flags & 0x10:  # empty
        return [], srs_id
    rings, _ = parse_wkb(blob, 8 + sizes[envelope])
    return rings, srs_id


# ---- rings ------------------------------------------------------------------------------------


def signed_area(ring: Ring) -> float:
    """The signed area of ``ring`` (positive when anticlockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def contains(shape: Shape, x: float, y: float) -> bool:
    """Whether the point lies inside ``shape`` (even-odd over all its rings, so holes are out)."""
    inside = False
    for ring in shape:
        xs, ys = ring[:, 0], ring[:, 1]
        x2, y2 = np.roll(xs, -1), np.roll(ys, -1)
        crosses = (ys > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = xs + (y - ys) * (x2 - xs) / (y2 - ys)
        inside ^= bool(np.count_nonzero(crosses & (x < at)) % 2)
    return inside


def interior_point(shape: Shape) -> tuple[float, float]:
    """A point inside ``shape``, near the middle of its largest ring: the middle of the widest
    stretch inside it along the line across the ring's middle latitude."""
    ring = max(shape, key=lambda r: abs(signed_area(r)))
    y = float((ring[:, 1].min() + ring[:, 1].max()) / 2)
    crossings = []
    for r in shape:
        xs, ys = r[:, 0], r[:, 1]
        x2, y2 = np.roll(xs, -1), np.roll(ys, -1)
        hit = (ys > y) != (y2 > y)
        crossings.extend((xs[hit] + (y - ys[hit]) * (x2[hit] - xs[hit]) / (y2[hit] - ys[hit])).tolist())
    crossings.sort()
    spans = [(crossings[i + 1] - crossings[i], i) for i in range(0, len(crossings) - 1, 2)]
    if not spans:
        return float(ring[:, 0].mean()), float(ring[:, 1].mean())
    _, i = max(spans)
    return (crossings[i] + crossings[i + 1]) / 2, y


def group_polygons(shape: Shape) -> list[list[Ring]]:
    """The rings of ``shape`` as polygons: each outer ring (anticlockwise) with the holes inside
    it (clockwise), as GeoJSON writes them."""
    outers, holes = [], []
    for ring in shape:
        if len(ring) < 4:
            continue
        (holes if _is_hole(ring, shape) else outers).append(ring)
    polygons = [[r if signed_area(r) > 0 else r[::-1]] for r in outers]
    for hole in holes:
        x, y = hole[0]
        owner = next((p for p in polygons if contains([p[0]], float(x), float(y))), None)
        if owner is not None:
            owner.append(hole if signed_area(hole) < 0 else hole[::-1])
    return polygons


def _is_hole(ring: Ring, shape: Shape) -> bool:
    """Whether ``ring`` lies inside an odd number of the other rings of ``shape`` (judged by
    three of its points, as rings of a valid polygon may touch at a point but never cross)."""
    n = len(ring) - 1
    points = [ring[i] for i in sorted({0, n // 3, 2 * n // 3})]
    depth = 0
    for other in shape:
        if other is ring:
            continue
        inside = sum(contains([other], float(x), float(y)) for x, y in points)
        depth += inside * 2 > len(points)
    return depth % 2 == 1


def simplify(ring: Ring, tolerance: float) -> Ring:
    """``ring`` with the points that stray less than ``tolerance`` from the line between their
    neighbours dropped (Douglas and Peucker), keeping at least four points."""
    n = len(ring)
    if n <= 4 or tolerance <= 0:
        return ring
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))  # split a closed ring at its farthest point
    keep[far] = True
    stack = [(0, far), (far, n - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = ring[first], ring[last]
        seg = b - a
        length = math.hypot(*seg)
        pts = ring[first + 1 : last]
        if length == 0:
            dist = np.hypot(*(pts - a).T)
        else:
            dist = np.abs(seg[0] * (pts[:, 1] - a[1]) - seg[1] * (pts[:, 0] - a[0])) / length
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            keep[first + 1 + i] = True
            stack.extend([(first, first + 1 + i), (first + 1 + i, last)])
    if keep.sum() < 4:
        return ring
    return ring[keep]


def oriented(shape: Shape) -> Shape:
    """The rings of ``shape`` with outer rings anticlockwise and holes clockwise, so a drawing
    that fills by winding (as matplotlib does) leaves the holes empty."""
    return [ring for polygon in group_polygons(shape) for ring in polygon]
