"""Boundaries files written for the tests, from the Plymouth polygons: GeoPackage (with sqlite3)
and shapefile (with struct), each in British National Grid as the ONS gives them, by writers
of our own that follow the formats' specifications; and the grid reference of a point by pyproj,
independently of the package's own conversion."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import numpy as np

BNG_WKT = (
    'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,'
    '299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],'
    'PARAMETER["Scale_Factor",0.9996012717],PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]'
)


def features(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["features"]


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """A GeoJSON geometry as a list of polygons (each a list of rings)."""
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]


def to_bng(feats: list[dict]) -> list[dict]:
    """The features with their coordinates in British National Grid (pyproj)."""
    from pyproj import Transformer

    forward = Transformer.from_crs(4326, 27700, always_xy=True)
    out = []
    for f in feats:
        polys = []
        for poly in polygons(f["geometry"]):
            rings = []
            for ring in poly:
                xy = np.asarray(ring, dtype=float)
                e, n = forward.transform(xy[:, 0], xy[:, 1])
                rings.append(np.column_stack([e, n]).tolist())
            polys.append(rings)
        out.append({"properties": f["properties"], "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    return out


def _wkb(geometry: dict) -> bytes:
    polys = polygons(geometry)
    out = [struct.pack("<BII", 1, 6, len(polys))]
    for poly in polys:
        out.append(struct.pack("<BII", 1, 3, len(poly)))
        for ring in poly:
            out.append(struct.pack("<I", len(ring)))
            out.append(np.asarray(ring, dtype="<f8")[:, :2].tobytes())
    return b"".join(out)


def write_gpkg(path: Path, feats: list[dict], columns: list[str], srs_id: int = 27700) -> Path:
    """A GeoPackage of one layer of ``feats`` (their ``columns`` as text), its geometry blobs with
    the GP header, an envelope and little-endian WKB (the OGC GeoPackage encoding)."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
            description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z INTEGER, m INTEGER);
        """
    )
    name = "British National Grid" if srs_id == 27700 else "WGS 84"
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, '')",
        (name, srs_id, srs_id, BNG_WKT if srs_id == 27700 else 'GEOGCS["WGS 84"]'),
    )
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('areas', 'features', ?)", (srs_id,))
    db.execute("INSERT INTO gpkg_geometry_columns VALUES ('areas', 'geom', 'MULTIPOLYGON', ?, 0, 0)", (srs_id,))
    cols = ", ".join(f'"{c}" TEXT' for c in columns)
    db.execute(f"CREATE TABLE areas (fid INTEGER PRIMARY KEY, {cols}, geom BLOB)")
    for f in feats:
        xy = np.concatenate([np.asarray(r)[:, :2] for p in polygons(f["geometry"]) for r in p])
        envelope = struct.pack("<4d", xy[:, 0].min(), xy[:, 0].max(), xy[:, 1].min(), xy[:, 1].max())
        blob = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", srs_id) + envelope + _wkb(f["geometry"])
        values = [str(f["properties"].get(c, "")) for c in columns]
        marks = ", ".join("?" for _ in range(len(columns) + 1))
        names = ", ".join(f'"{c}"' for c in columns)
        db.execute(f"INSERT INTO areas ({names}, geom) VALUES ({marks})", [*values, blob])
    db.commit()
    db.close()
    return path


def write_shapefile(path: Path, feats: list[dict], columns: list[str], prj: str = BNG_WKT) -> Path:
    """A polygon shapefile (.shp, .shx, .dbf, .prj) of ``feats``, outer rings clockwise and holes
    anticlockwise as the format wants, ``columns`` as character fields."""
    records = []
    for f in feats:
        parts, points = [], []
        for poly in polygons(f["geometry"]):
            for i, ring in enumerate(poly):
                xy = np.asarray(ring, dtype=float)[:, :2]
                area = np.dot(xy[:, 0], np.roll(xy[:, 1], -1)) - np.dot(xy[:, 1], np.roll(xy[:, 0], -1))
                clockwise = area < 0
                if clockwise != (i == 0):
                    xy = xy[::-1]
                parts.append(sum(len(p) for p in points))
                points.append(xy)
        xy = np.concatenate(points)
        box = struct.pack("<4d", xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
        content = (
            struct.pack("<i", 5)
            + box
            + struct.pack("<ii", len(parts), len(xy))
            + struct.pack(f"<{len(parts)}i", *parts)
            + xy.astype("<f8").tobytes()
        )
        records.append(content)
    allxy = np.concatenate([np.asarray(r)[:, :2] for f in feats for p in polygons(f["geometry"]) for r in p])
    box = struct.pack("<4d", allxy[:, 0].min(), allxy[:, 1].min(), allxy[:, 0].max(), allxy[:, 1].max())

    def header(length_bytes: int) -> bytes:
        return (
            struct.pack(">i5ii", 9994, 0, 0, 0, 0, 0, length_bytes // 2)
            + struct.pack("<ii", 1000, 5)
            + box
            + (b"\0" * 32)
        )

    body = b"".join(struct.pack(">ii", i + 1, len(c) // 2) + c for i, c in enumerate(records))
    shp = path.with_suffix(".shp")
    shp.write_bytes(header(100 + len(body)) + body)
    index, offset = [], 100
    for c in records:
        index.append(struct.pack(">ii", offset // 2, len(c) // 2))
        offset += 8 + len(c)
    path.with_suffix(".shx").write_bytes(header(100 + 8 * len(records)) + b"".join(index))
    widths = {c: max([len(str(f["properties"].get(c, "")).encode("utf-8")) for f in feats] + [1]) for c in columns}
    fields = b"".join(
        c.encode("ascii")[:10].ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([widths[c], 0]) + b"\0" * 14 for c in columns
    )
    size = 1 + sum(widths.values())
    head = struct.pack("<B3BIHH20x", 3, 125, 1, 1, len(feats), 32 + len(fields) + 1, size) + fields + b"\r"
    rows = b"".join(
        b" " + b"".join(str(f["properties"].get(c, "")).encode("utf-8").ljust(widths[c]) for c in columns)
        for f in feats
    )
    path.with_suffix(".dbf").write_bytes(head + rows + b"\x1a")
    path.with_suffix(".prj").write_text(prj, encoding="ascii")
    path.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
    return shp


def _clip(ring: np.ndarray, x: float, keep_left: bool) -> np.ndarray:
    """The part of ``ring`` left (or right) of the meridian ``x`` (Sutherland and Hodgman)."""
    inside = (lambda p: p[0] <= x) if keep_left else (lambda p: p[0] >= x)
    out = []
    points = ring[:-1]
    for i, current in enumerate(points):
        previous = points[i - 1]
        if inside(current):
            if not inside(previous):
                t = (x - previous[0]) / (current[0] - previous[0])
                out.append(previous + t * (current - previous))
            out.append(current)
        elif inside(previous):
            t = (x - previous[0]) / (current[0] - previous[0])
            out.append(previous + t * (current - previous))
    out.append(out[0])
    return np.asarray(out)


def lsoa21_from_2011(feats: list[dict], lookup) -> list[dict]:
    """LSOA 2021 polygons made from the 2011 ones: an unchanged LSOA keeps its polygon; one split in
    2021 is cut in two along its middle meridian, a half for each of its first two parts."""
    out = []
    for f in feats:
        code = f["properties"]["LSOA11CD"]
        parts = sorted(lookup.loc[lookup["lsoa11_code"] == code, "lsoa21_code"])
        if parts == [code]:
            out.append(
                {"type": "Feature", "properties": {"LSOA21CD": code, "LSOA21NM": code}, "geometry": f["geometry"]}
            )
            continue
        ring = np.asarray(max((r for p in polygons(f["geometry"]) for r in p[:1]), key=len), dtype=float)
        middle = float((ring[:, 0].min() + ring[:, 0].max()) / 2)
        for part, left in zip(parts[:2], (True, False), strict=True):
            half = _clip(ring, middle, left).tolist()
            geom = {"type": "Polygon", "coordinates": [half]}
            out.append({"type": "Feature", "properties": {"LSOA21CD": part, "LSOA21NM": part}, "geometry": geom})
    return out
