"""Reading boundaries files as the ONS Open Geography Portal gives them: GeoJSON, GeoPackage or
shapefile (each also inside a zip), one feature at a time, with the standard library and numpy.

A reader gives the file's attribute ``columns``, the coordinate system it declares (``crs``, None
when it declares none) and its features as ``(properties, rings)``; the geometry of a feature is
decoded only when ``keep(properties)`` says it is wanted, so a national file is read in one pass
without holding every polygon.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from safer_analysis.inputs.boundaries.geometry import GeometryError, Shape, crs_from_text, parse_gpkg_geometry

Keep = Callable[[dict], bool]
#: What each format's files are called.
SUFFIXES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage", ".shp": "shapefile"}
_CHUNK = 1 << 22


class BoundaryFileError(ValueError):
    """A file that cannot be read as boundaries; the message names the file and what was expected."""


class Reader:
    """A boundaries file opened for reading."""

    kind = ""
    columns: list[str]
    crs: str | None

    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown  # the name messages give (the zip and its member)
        self.columns = []
        self.crs = None
        self.count = 0

    def features(self, keep: Keep) -> Iterator[tuple[dict, Shape]]:  # pragma: no cover - each format's
        raise NotImplementedError

    def fail(self, what: str) -> BoundaryFileError:
        return BoundaryFileError(f"{self.shown}: {what}")


# ---- GeoJSON ----------------------------------------------------------------------------------


class _Text:
    """A text file decoded JSON value by JSON value, a chunk at a time."""

    def __init__(self, handle, reader: Reader):
        self.handle, self.reader = handle, reader
        self.buf, self.pos, self.done = "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.done:
            return False
        chunk = self.handle.read(_CHUNK)
        if not chunk:
            self.done = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str) -> str:
        c = self.peek()
        if not c or c not in chars:
            found = repr(c) if c else "the end of the file"
            raise self.reader.fail(f"not GeoJSON: expected {' or '.join(repr(x) for x in chars)}, found {found}")
        self.pos += 1
        return c

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise self.reader.fail(f"not GeoJSON: {exc.msg} near character {exc.pos}") from None
            if end == len(self.buf) and isinstance(value, int | float) and self._more():
                continue  # a number may run on into the next chunk
            self.pos = end
            return value


def _rings(geometry: dict | None) -> Shape:
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Polygon":
            return [np.asarray(r, dtype=float)[:, :2] for r in coords]
        if kind == "MultiPolygon":
            return [np.asarray(r, dtype=float)[:, :2] for p in coords for r in p]
    except (TypeError, ValueError, IndexError) as exc:
        raise GeometryError(f"coordinates that are not pairs of numbers ({exc})") from None
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries") or [] for r in _rings(g)]
    raise GeometryError(f"a {kind or 'missing'} geometry, not a polygon")


class GeoJsonReader(Reader):
    kind = "GeoJSON"

    def __init__(self, path: Path, shown: str):
        super().__init__(path, shown)
        self._handle = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed by close()
        self._text = _Text(self._handle, self)
        self._first: dict | None = None
        self._in_features = False
        self._open()

    def close(self) -> None:
        self._handle.close()

    def _open(self) -> None:
        """Read up to the first feature (its properties are the file's columns), keeping any
        ``crs`` met on the way."""
        t = self._text
        try:
            t.expect("{")
        except BoundaryFileError:
            raise self.fail("not a GeoJSON file: expected a FeatureCollection, starting with {") from None
        while True:
            if t.peek() == "}":
                raise self.fail("a GeoJSON file with no features; expected a FeatureCollection of polygons")
            key = t.value()
            t.expect(":")
            if key == "features":
                t.expect("[")
                self._in_features = True
                if t.peek() == "]":
                    raise self.fail("a GeoJSON file with no features; expected polygons")
                self._first = self._feature(t.value())
                self.columns = list(self._first["properties"])
                return
            value = t.value()
            if key == "crs" and isinstance(value, dict):
                self.crs = crs_from_text(json.dumps(value))
            elif key == "type" and value == "Feature":
                raise self.fail("a single GeoJSON feature; expected a FeatureCollection of areas")
            t.expect(",")

    def _feature(self, value) -> dict:
        if not isinstance(value, dict) or not isinstance(value.get("properties"), dict):
            raise self.fail(f"feature {self.count + 1} has no properties; expected GeoJSON features of areas")
        return value

    def features(self, keep: Keep) -> Iterator[tuple[dict, Shape]]:
        t = self._text
        feature = self._first
        while feature is not None:
            self.count += 1
            if keep(feature["properties"]):
                try:
                    yield feature["properties"], _rings(feature.get("geometry"))
                except GeometryError as exc:
                    raise self.fail(f"feature {self.count}: {exc}") from None
            if t.expect(",]") == "]":
                break
            feature = self._feature(t.value())


# ---- GeoPackage -------------------------------------------------------------------------------


class GeoPackageReader(Reader):
    kind = "GeoPackage"

    def __init__(self, path: Path, shown: str):
        super().__init__(path, shown)
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            tables = self._db.execute(
                "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
                "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features'"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self.fail(f"not a GeoPackage ({exc}); expected an OGC GeoPackage of areas") from None
        if not tables:
            raise self.fail("a GeoPackage with no layer of features; expected a layer of areas")
        if len(tables) > 1:
            names = ", ".join(t[0] for t in tables)
            raise self.fail(f"a GeoPackage with {len(tables)} layers ({names}); expected one layer of areas")
        self._table, self._geom, srs_id = tables[0]
        row = self._db.execute(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
            (srs_id,),
        ).fetchone()
        self.crs = crs_from_text(" ".join(str(v) for v in row)) if row else None
        info = self._db.execute(f'PRAGMA table_info("{self._quote(self._table)}")').fetchall()
        self.columns = [c[1] for c in info if c[1] != self._geom]

    @staticmethod
    def _quote(name: str) -> str:
        return name.replace('"', '""')

    def close(self) -> None:
        self._db.close()

    def features(self, keep: Keep) -> Iterator[tuple[dict, Shape]]:
        columns = ", ".join(f'"{self._quote(c)}"' for c in self.columns)
        cursor = self._db.execute(f'SELECT {columns}, "{self._quote(self._geom)}" FROM "{self._quote(self._table)}"')
        for row in cursor:
            self.count += 1
            props = dict(zip(self.columns, row[:-1], strict=True))
            if not keep(props):
                continue
            if row[-1] is None:
                yield props, []
                continue
            try:
                rings, _ = parse_gpkg_geometry(bytes(row[-1]))
            except (GeometryError, struct.error) as exc:
                raise self.fail(f"feature {self.count}: {exc}") from None
            yield props, rings


# ---- shapefile --------------------------------------------------------------------------------

_SHP_POLYGONS = {5: 2, 15: 2, 25: 2}  # polygon, polygon Z, polygon M: x and y are read
_SHP_NAMES = {0: "null", 1: "point", 3: "line", 8: "multipoint", 11: "point", 13: "line", 21: "point", 23: "line"}


def _dbf(path: Path, encoding: str) -> tuple[list[str], list[dict]]:
    """The field names and records of a dBase file (deleted records left out)."""
    data = path.read_bytes()
    if len(data) < 32:
        raise ValueError("the .dbf file is cut short")
    count, header, size = struct.unpack_from("<IHH", data, 4)
    fields = []
    offset = 32
    while offset < header - 1 and data[offset] != 0x0D:
        name = data[offset : offset + 11].split(b"\0")[0].decode("ascii", "replace")
        kind, length = chr(data[offset + 11]), data[offset + 16]
        fields.append((name, kind, length))
        offset += 32
    records = []
    for i in range(count):
        start = header + i * size
        rec = data[start : start + size]
        if len(rec) < size:
            raise ValueError(f"the .dbf file is cut short at record {i + 1}")
        if rec[:1] == b"*":
            records.append(None)
            continue
        pos, row = 1, {}
        for name, kind, length in fields:
            raw = rec[pos : pos + length]
            pos += length
            text = raw.decode(encoding, "replace").strip()
            if kind in "NF" and text:
                try:
                    row[name] = float(text) if "." in text or "e" in text.lower() else int(text)
                except ValueError:
                    row[name] = text
            else:
                row[name] = text
        records.append(row)
    return [f[0] for f in fields], records


class ShapefileReader(Reader):
    kind = "shapefile"

    def __init__(self, path: Path, shown: str):
        super().__init__(path, shown)
        dbf = _sibling(path, ".dbf")
        if dbf is None:
            raise self.fail("a shapefile without its .dbf file of attributes; give the .shp with its .dbf beside it")
        cpg = _sibling(path, ".cpg")
        encoding = "utf-8"
        if cpg is not None:
            encoding = cpg.read_text(encoding="ascii", errors="replace").strip() or "utf-8"
            if encoding.isdigit():
                encoding = f"cp{encoding}"
        try:
            "".encode(encoding)
        except LookupError:
            encoding = "utf-8"
        try:
            self.columns, self._records = _dbf(dbf, encoding)
        except (ValueError, struct.error) as exc:
            raise self.fail(f"its .dbf file cannot be read ({exc})") from None
        prj = _sibling(path, ".prj")
        self.crs = crs_from_text(prj.read_text(encoding="utf-8", errors="replace")) if prj else None
        self._handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        head = self._handle.read(100)
        if len(head) < 100 or struct.unpack_from(">i", head, 0)[0] != 9994:
            self._handle.close()
            raise self.fail("not a shapefile (no shapefile header); expected the .shp of areas")
        (shape_type,) = struct.unpack_from("<i", head, 32)
        if shape_type not in _SHP_POLYGONS:
            self._handle.close()
            raise self.fail(f"a shapefile of {_SHP_NAMES.get(shape_type, f'type {shape_type}')}s, not polygons")

    def close(self) -> None:
        self._handle.close()

    def features(self, keep: Keep) -> Iterator[tuple[dict, Shape]]:
        read = self._handle.read
        index = 0
        while True:
            head = read(8)
            if len(head) < 8:
                break
            _, words = struct.unpack(">ii", head)
            content = read(words * 2)
            if len(content) < words * 2:
                raise self.fail(f"record {index + 1} is cut short")
            if index >= len(self._records):
                raise self.fail(f"record {index + 1} has no row in the .dbf file")
            props = self._records[index]
            index += 1
            if props is None:
                continue
            self.count += 1
            if not keep(props):
                continue
            yield props, self._shape(content, index)

    def _shape(self, content: bytes, index: int) -> Shape:
        (kind,) = struct.unpack_from("<i", content, 0)
        if kind == 0:
            return []
        if kind not in _SHP_POLYGONS:
            raise self.fail(f"record {index} is a {_SHP_NAMES.get(kind, f'type {kind}')}, not a polygon")
        parts, points = struct.unpack_from("<ii", content, 36)
        starts = list(struct.unpack_from(f"<{parts}i", content, 44)) + [points]
        xy = np.frombuffer(content, dtype="<f8", count=points * 2, offset=44 + 4 * parts).reshape(points, 2)
        return [xy[starts[i] : starts[i + 1]].astype(float) for i in range(parts)]


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


# ---- opening ----------------------------------------------------------------------------------

_READERS = {"GeoJSON": GeoJsonReader, "GeoPackage": GeoPackageReader, "shapefile": ShapefileReader}


@contextlib.contextmanager
def open_boundaries(path: Path) -> Iterator[Reader]:
    """A reader of the boundaries file ``path`` (GeoJSON, GeoPackage, shapefile, or a zip holding
    one of them), closed on leaving."""
    if not path.is_file():
        raise BoundaryFileError(f"{path}: no such file; give the boundaries file downloaded from the ONS")
    tmp = None
    try:
        shown = str(path)
        if path.suffix.lower() == ".zip":
            tmp = Path(tempfile.mkdtemp(prefix=".boundaries-"))
            path, shown = _unzip(path, tmp)
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            kind = _sniff(path)
        if kind is None:
            raise BoundaryFileError(
                f"{shown}: not a boundaries file; expected GeoJSON (.geojson), a GeoPackage (.gpkg) or a shapefile "
                "(.shp with its .dbf), or a zip of one, as the ONS Open Geography Portal gives them"
            )
        reader = _READERS[kind](path, shown)
        try:
            yield reader
        finally:
            reader.close()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _sniff(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head.startswith(b"SQLite format 3"):
        return "GeoPackage"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "GeoJSON"
    if len(head) >= 4 and struct.unpack_from(">i", head, 0)[0] == 9994:
        return "shapefile"
    return None


def _unzip(path: Path, into: Path) -> tuple[Path, str]:
    """The one boundaries file of the zip ``path``, extracted (a shapefile with its siblings) into
    ``into``, and the name messages give it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
            found = [n for n in names if Path(n).suffix.lower() in SUFFIXES and Path(n).suffix.lower() != ".json"]
            found = found or [n for n in names if Path(n).suffix.lower() == ".json"]
            if len(found) != 1:
                what = "no boundaries file" if not found else f"{len(found)} boundaries files ({', '.join(found)})"
                raise BoundaryFileError(
                    f"{path}: a zip holding {what}; expected one GeoJSON, GeoPackage or shapefile of areas"
                )
            member = found[0]
            wanted = [member]
            if Path(member).suffix.lower() == ".shp":
                stem = member[: -len(".shp")]
                wanted += [n for n in names if n[: len(stem)] == stem and n != member]
            for name in wanted:
                target = into / Path(name).name
                with archive.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            return into / Path(member).name, f"{path} ({member})"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BoundaryFileError(f"{path}: not a readable zip ({exc}); download it again") from None
