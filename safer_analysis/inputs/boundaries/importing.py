"""``safer-analysis import-boundaries FILE``: the LSOA or ward polygons of the project's area, cut
from a file downloaded from the ONS Open Geography Portal, into ``data/boundaries/<kind>.geojson``.

The kind and the year of the codes are recognised from the code column (``LSOA11CD`` or
``LSOA21CD`` for neighbourhoods, ``WDyyCD`` for wards), the name from its ``..NM`` partner. An
LSOA is kept when its code is one of the area's (by the ONS lookups shipped with the package); a
ward when its code is one of the area's 2024 wards, or its local authority column (``LADyyCD``,
where the file has one) names one of the area's authorities. Coordinates in British National Grid
or Web Mercator are converted to longitude and latitude, as police.uk's points are; a very
detailed file (above :data:`SIMPLIFY_ABOVE` points) is simplified to :data:`SIMPLIFY_METRES`.

What was imported is recorded in ``data/boundaries/SOURCES.csv``: the file written, the file it
came from and its SHA-256, the columns and coordinates read, and the SHA-256 of the file written.
A later import replaces a boundaries file only while it is as that record says (the tool's own);
anything else there is left alone and the import refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, reference
from safer_analysis.inputs.boundaries import geometry
from safer_analysis.inputs.boundaries.readers import BoundaryFileError, open_boundaries

#: Where a project's boundaries live, and the record of where they came from.
FOLDER = Path("data") / "boundaries"
RECORD = "SOURCES.csv"
RECORD_COLUMNS = [
    "file",
    "kind",
    "areas",
    "area",
    "source_file",
    "source_sha256",
    "code_column",
    "name_column",
    "coordinates",
    "simplified_metres",
    "imported",
    "sha256",
]
KINDS = {"lsoa": "neighbourhoods (LSOAs)", "ward": "wards"}
SIMPLIFY_ABOVE = 300_000
SIMPLIFY_METRES = 2.0
_CODE = re.compile(r"^(LSOA|WD)(\d\d)CD$", re.IGNORECASE)
_LAD = re.compile(r"^LAD(\d\d)CD$", re.IGNORECASE)


@dataclass(frozen=True)
class Columns:
    """What a boundaries file's columns say: the kind of area, its code and name columns, the year
    of its codes and (for wards) a local authority column."""

    kind: str
    code: str
    name: str | None
    year: str
    authority: str | None = None

    @property
    def words(self) -> str:
        if self.kind == "lsoa":
            return f"LSOAs of 20{self.year}"
        return f"wards (codes of 20{self.year})"


def recognise(columns: list[str], shown: str) -> Columns:
    """The :class:`Columns` of a file with these ``columns``; a BoundaryFileError naming the
    file, the columns found and those expected otherwise."""
    found = [(c, _CODE.match(c)) for c in columns]
    codes = [(c, m) for c, m in found if m]
    lsoa = [(c, m) for c, m in codes if m.group(1).upper() == "LSOA"]
    chosen = (lsoa or codes or [None])[0]
    if chosen is None:
        listed = ", ".join(columns[:12]) + (" ..." if len(columns) > 12 else "")
        raise BoundaryFileError(
            f"{shown}: no column of LSOA or ward codes (its columns: {listed or 'none'}); expected LSOA11CD or "
            "LSOA21CD (neighbourhoods) or WDyyCD such as WD24CD (wards), as in the ONS boundaries files"
        )
    column, match = chosen
    kind = "lsoa" if match.group(1).upper() == "LSOA" else "ward"
    year = match.group(2)
    if kind == "lsoa" and year not in ("11", "21"):
        raise BoundaryFileError(
            f"{shown}: LSOA codes of 20{year} ({column}); expected LSOAs of 2011 or 2021 (LSOA11CD or LSOA21CD)"
        )
    want = column[:-2] + ("NM" if column[-2:] == "CD" else "nm")
    names = [c for c in columns if c.upper() == want.upper()]
    authority = next((c for c in columns if _LAD.match(c)), None)
    return Columns(kind, column, names[0] if names else None, year, authority if kind == "ward" else None)


@dataclass
class Imported:
    """What an import did."""

    kind: str
    written: Path
    source: Path
    columns: Columns
    area: str
    kept: int
    read: int
    expected: int
    coordinates: str
    simplified: bool
    points: int
    settings_file: str = ""

    def summary(self) -> str:
        lines = [
            f"{self.area}: kept {self.kept:,} {KINDS[self.kind]} of the {self.read:,} in {self.source.name} "
            f"({self.columns.words}, column {self.columns.code}; coordinates in {self.coordinates}"
            + (", converted to longitude and latitude" if self.coordinates != geometry.CRS_WORDS["wgs84"] else "")
            + ")."
        ]
        if self.expected and self.kept < self.expected:
            lines.append(
                f"  {self.expected - self.kept:,} of the area's {self.expected:,} {self.columns.words} are not in "
                "the file: the map leaves them blank."
            )
        if self.simplified:
            lines.append(
                f"  The polygons were simplified to {SIMPLIFY_METRES:g} m ({self.points:,} points kept), "
                "ample for a map."
            )
        lines.append(f"  wrote {self.written}")
        if self.settings_file:
            lines.append(
                f"  note: safer-analysis.toml names {self.settings_file} for the map ([geography] "
                f"{self.kind}_boundaries), which is used in its place; delete that line to use the file imported."
            )
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def area_wards(area: areas.Area) -> frozenset[str]:
    """The 2024 ward codes of the area's LSOAs (ONS best-fit lookup)."""
    table = reference.read_table("lsoa_areas.csv")
    rows = table[table["lsoa11_code"].isin(area.lsoa11) | table["lsoa21_code"].isin(area.lsoa21)]
    return frozenset(rows["ward24_code"].dropna())


def _authorities(area: areas.Area) -> frozenset[str]:
    """The area's local authority codes, with the 2022 districts merged into any of them in 2023."""
    merged = reference.read_table("lookup_ltla22_ltla23.csv")
    own = set(area.authority_codes)
    return frozenset(own | set(merged.loc[merged["ltla23_code"].isin(own), "ltla22_code"]))


def read_record(folder: Path) -> list[dict[str, str]]:
    """The rows of ``data/boundaries/SOURCES.csv`` (none when there is no such file); a
    ParameterError when the file there is not the tool's record."""
    path = folder / RECORD
    if not path.exists():
        return []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != RECORD_COLUMNS:
                raise ParameterError(
                    f"{path}: not the record import-boundaries writes (its header is not {','.join(RECORD_COLUMNS)}); "
                    "move it away and import again"
                )
            return list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: cannot be read ({exc}); move it away and import again") from None


def _check_target(target: Path, record: list[dict[str, str]]) -> None:
    """Refuse to replace ``target`` unless it is the file the record says the tool wrote."""
    if not target.exists() and not target.is_symlink():
        return
    row = next((r for r in record if r["file"] == target.name), None)
    if target.is_symlink() or not target.is_file() or row is None or _sha256(target) != row["sha256"]:
        raise ParameterError(
            f"{target}: not a file import-boundaries wrote (or changed since); it is left as it is: move it away "
            "and import again"
        )


def _keeper(columns: Columns, area: areas.Area):
    if columns.kind == "lsoa":
        codes = area.lsoa11 if columns.year == "11" else area.lsoa21
        return lambda props: str(props.get(columns.code) or "").strip() in codes
    wards, authorities = area_wards(area), _authorities(area)

    def keep(props: dict) -> bool:
        if str(props.get(columns.code) or "").strip() in wards:
            return True
        return bool(columns.authority) and str(props.get(columns.authority) or "").strip() in authorities

    return keep


def _simplified(shape: geometry.Shape) -> geometry.Shape:
    out = []
    for ring in shape:
        k = np.cos(np.radians(float(ring[:, 1].mean())))
        scale = np.array([111_320.0 * k, 110_574.0])
        out.append(geometry.simplify(ring * scale, SIMPLIFY_METRES) / scale)
    return out


def feature_collection(kept: list[tuple[str, str, geometry.Shape]], columns: Columns) -> dict:
    """The GeoJSON written for the areas ``kept`` (code, name, rings in longitude and latitude)."""
    features = []
    for code, name, shape in kept:
        polygons = geometry.group_polygons(shape)
        coords = [[np.round(r, 6).tolist() for r in polygon] for polygon in polygons]
        geom = (
            {"type": "Polygon", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "MultiPolygon", "coordinates": coords}
        )
        props = {columns.code: code, (columns.name or columns.code[:-2] + "NM"): name}
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "name": columns.kind, "features": features}


def import_boundaries(data_dir: Path, source: Path, area: areas.Area, *, settings_file: str = "") -> Imported:
    """Cut ``area``'s LSOA or ward polygons from ``source`` into ``data_dir/boundaries/<kind>.geojson``,
    recording it in ``SOURCES.csv`` beside it. Bad input raises a BoundaryFileError naming the
    file; a target the tool did not write, a ParameterError."""
    source = Path(source)
    try:
        with open_boundaries(source) as reader:
            columns = recognise(reader.columns, reader.shown)
            kept_raw = []
            for props, shape in reader.features(_keeper(columns, area)):
                code = str(props.get(columns.code)).strip()
                name = str(props.get(columns.name) or code).strip() if columns.name else code
                kept_raw.append((code, name, [r for r in shape if len(r) >= 3]))
            read, shown, declared = reader.count, reader.shown, reader.crs
    except OSError as exc:
        raise BoundaryFileError(f"{source}: cannot be read ({exc.strerror or exc}); check the file") from None
    if not read:
        raise BoundaryFileError(f"{shown}: holds no areas; expected the polygons of LSOAs or wards")
    if not kept_raw:
        raise BoundaryFileError(
            f"{shown}: no {KINDS[columns.kind]} of {area.name} among its {read:,} areas ({columns.words}, column "
            f"{columns.code}); expected a file covering {area.name}"
            + ("" if columns.kind == "lsoa" else " with wards of 2024 or a LADyyCD column")
        )
    if not any(shape for _, _, shape in kept_raw):
        raise BoundaryFileError(f"{shown}: the {len(kept_raw):,} areas of {area.name} have no polygons")
    crs = declared or geometry.guess_crs([s for _, _, s in kept_raw])
    if crs is None:
        raise BoundaryFileError(
            f"{shown}: coordinates in a system not recognised; expected British National Grid (EPSG:27700) or "
            "longitude and latitude (WGS84), as the ONS gives them"
        )
    kept = []
    points = 0
    simplify = sum(len(r) for _, _, s in kept_raw for r in s) > SIMPLIFY_ABOVE
    for code, name, shape in kept_raw:
        shape = geometry.convert(shape, crs)
        if not geometry.in_england_and_wales(shape):
            raise BoundaryFileError(
                f"{shown}: {code} lies outside England and Wales read as {geometry.CRS_WORDS[crs]}; expected "
                "British National Grid or longitude and latitude"
            )
        if simplify:
            shape = _simplified(shape)
        points += sum(len(r) for r in shape)
        kept.append((code, name, shape))
    kept.sort(key=lambda k: k[0])
    expected = len(area.lsoa11 if columns.year == "11" else area.lsoa21) if columns.kind == "lsoa" else 0
    folder = data_dir / "boundaries"
    target = folder / f"{columns.kind}.geojson"
    record = read_record(folder)
    _check_target(target, record)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(feature_collection(kept, columns), separators=(",", ":"))
    _write_atomically(target, text)
    row = {
        "file": target.name,
        "kind": columns.kind,
        "areas": str(len(kept)),
        "area": f"{area.name} ({area.code})",
        "source_file": source.name,
        "source_sha256": _sha256(source),
        "code_column": columns.code,
        "name_column": columns.name or "",
        "coordinates": geometry.CRS_WORDS[crs],
        "simplified_metres": f"{SIMPLIFY_METRES:g}" if simplify else "",
        "imported": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "sha256": _sha256(target),
    }
    rows = [r for r in record if r["file"] != target.name] + [row]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RECORD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: r["file"]))
    _write_atomically(folder / RECORD, buffer.getvalue())
    return Imported(
        columns.kind,
        target,
        source,
        columns,
        area.name,
        len(kept),
        read,
        expected,
        geometry.CRS_WORDS[crs],
        simplify,
        points,
        settings_file,
    )


def _write_atomically(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
