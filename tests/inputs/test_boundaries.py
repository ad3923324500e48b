"""Boundaries for maps: the grid converted as the Ordnance Survey and the ONS give it, every format
the ONS offers read into a project (the real Plymouth polygons, written as GeoPackage and shapefile
in British National Grid), only the partnership's areas kept, and bad files refused in one line."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import areas, boundaries
from safer_analysis.inputs.boundaries import geometry
from safer_analysis.inputs.project import load_project

from ..conftest import ROOT
from .boundary_files import features, to_bng, write_gpkg, write_shapefile

GEO = ROOT / "data" / "geography"
LSOA_FILE = GEO / "plymouth_lsoa11_boundaries.geojson"
WARD_FILE = GEO / "plymouth_ward_boundaries.geojson"
LSOA_COLUMNS = ["LSOA11CD", "LSOA11NM", "LSOA11NMW"]


def _dms(value: float) -> tuple[int, int, float]:
    d = int(value)
    m = int((value - d) * 60)
    return d, m, ((value - d) * 60 - m) * 60


def test_the_grid_converts_as_the_ordnance_surveys_worked_example():
    """OS, A guide to coordinate systems in Great Britain, annex C: E 651409.903, N 313177.270 is
    52°39'27.2531"N 1°43'4.5177"E on OSGB36."""
    lon, lat = geometry.bng_to_osgb36(np.array([651409.903]), np.array([313177.270]))
    d, m, s = _dms(float(lat[0]))
    assert (d, m) == (52, 39) and s == pytest.approx(27.2531, abs=1e-4)
    d, m, s = _dms(float(lon[0]))
    assert (d, m) == (1, 43) and s == pytest.approx(4.5177, abs=1e-4)


def test_every_plymouth_area_point_lands_within_five_metres_of_the_onss_own_latitude_and_longitude():
    """Each ONS feature gives its point twice, as BNG_E, BNG_N and as LONG, LAT (OSTN15, rounded to
    about a metre): the Helmert conversion is good to a few metres."""
    feats = features(LSOA_FILE) + features(WARD_FILE)
    east = np.array([f["properties"]["BNG_E"] for f in feats], dtype=float)
    north = np.array([f["properties"]["BNG_N"] for f in feats], dtype=float)
    lon, lat = geometry.bng_to_wgs84(east, north)
    want_lon = np.array([f["properties"]["LONG"] for f in feats])
    want_lat = np.array([f["properties"]["LAT"] for f in feats])
    metres_x = (lon - want_lon) * 111_320 * np.cos(np.radians(want_lat))
    metres_y = (lat - want_lat) * 110_574
    assert len(feats) == 181
    assert np.hypot(metres_x, metres_y).max() < 5


@pytest.mark.parametrize(
    ("code", "dims"),
    [(3, 2), (1003, 3), (2003, 3), (3003, 4), (0x80000003, 3)],
    ids=["xy", "iso z", "iso m", "iso zm", "ewkb z"],
)
def test_a_polygon_of_any_dimension_reads_as_its_x_and_y(code, dims):
    ring = np.array([[0, 0, 9, 9], [1, 0, 9, 9], [1, 1, 9, 9], [0, 0, 9, 9]], dtype=float)[:, :dims]
    wkb = struct.pack("<BIII", 1, code, 1, len(ring)) + ring.astype("<f8").tobytes()
    rings, end = geometry.parse_wkb(wkb)
    assert end == len(wkb) and rings[0].tolist() == ring[:, :2].tolist()


@pytest.fixture
def project(tmp_path):
    """A new project for Plymouth, made as a user makes one (no boundaries in its settings)."""
    assert main(["init", str(tmp_path / "plymouth"), "--csp", "Plymouth", "--year", "2025-26"]) == 0
    return tmp_path / "plymouth"


def _import(project: Path, path: Path, *extra: str) -> int:
    return main(["import-boundaries", str(path), "--project", str(project), *extra])


def _same_polygons(written: Path, source: Path, tolerance: float) -> None:
    """Every area of ``source`` is in ``written`` with the same points (within ``tolerance``
    degrees) and the same area."""
    got = {p.code: p for p in boundaries.load_boundaries(written).places}
    want = {f["properties"]["LSOA11CD"]: f for f in features(source)}
    assert set(got) == set(want)
    for code, feature in want.items():
        rings = [np.asarray(r)[:, :2] for poly in _polys(feature) for r in poly]
        mine = got[code].shape
        assert sum(len(r) for r in mine) == sum(len(r) for r in rings)
        a, b = np.concatenate(rings), np.concatenate(mine)
        assert np.abs(a.min(axis=0) - b.min(axis=0)).max() < tolerance
        assert np.abs(a.max(axis=0) - b.max(axis=0)).max() < tolerance
        outer = sum(abs(geometry.signed_area(r)) for r in rings)
        assert sum(abs(geometry.signed_area(r)) for r in mine) == pytest.approx(outer, rel=2e-3)


def _polys(feature: dict) -> list:
    g = feature["geometry"]
    return g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("form", ["geojson", "gpkg", "shp", "zip of shp", "zip of gpkg", "gpkg in wgs84"])
def test_every_format_the_ons_gives_is_imported_whole(project, tmp_path, form, capsys):
    feats = features(LSOA_FILE)
    made = tmp_path / "made"
    made.mkdir()
    if form == "geojson":
        source = LSOA_FILE
    elif form == "gpkg in wgs84":
        source = write_gpkg(made / "lsoa.gpkg", feats, LSOA_COLUMNS, srs_id=4326)
    elif "gpkg" in form:
        source = write_gpkg(made / "lsoa.gpkg", to_bng(feats), LSOA_COLUMNS)
    else:
        source = write_shapefile(made / "LSOA_2011_EW_BGC", to_bng(feats), LSOA_COLUMNS)
    if form.startswith("zip"):
        archive = made / "download.zip"
        with zipfile.ZipFile(archive, "w") as z:
            for f in made.iterdir():
                if f != archive:
                    z.write(f, f"LSOA_2011/{f.name}")
        source = archive
    assert _import(project, source) == 0
    out = capsys.readouterr().out
    assert "kept 161 neighbourhoods (LSOAs) of the 161" in out
    written = project / "data" / "boundaries" / "lsoa.geojson"
    _same_polygons(written, LSOA_FILE, tolerance=2e-6)  # the grid there and back: millimetres
    assert load_project(project).boundary_file("lsoa") == written
    with open(written.parent / "SOURCES.csv", newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["source_file"] == source.name and row["source_sha256"] == _sha(source)
    assert row["sha256"] == _sha(written) and row["code_column"] == "LSOA11CD"
    in_the_grid = form in ("gpkg", "shp", "zip of shp", "zip of gpkg")
    assert ("British National Grid" in row["coordinates"]) == in_the_grid


@pytest.mark.parametrize("driver", ["GPKG", "ESRI Shapefile"])
def test_files_written_by_gdal_read_the_same(project, tmp_path, driver):
    """The same polygons written by another program (GDAL, through geopandas), in the grid."""
    gpd = pytest.importorskip("geopandas")
    frame = gpd.read_file(LSOA_FILE)[["LSOA11CD", "LSOA11NM", "geometry"]].to_crs(27700)
    path = tmp_path / ("lsoa.gpkg" if driver == "GPKG" else "lsoa.shp")
    frame.to_file(path, driver=driver)
    assert _import(project, path) == 0
    _same_polygons(project / "data" / "boundaries" / "lsoa.geojson", LSOA_FILE, tolerance=2e-6)


def test_only_the_partnerships_areas_are_kept(project, tmp_path, capsys):
    """A national file: Plymouth's LSOAs among Torbay's (their polygons moved along the coast)."""
    feats = features(LSOA_FILE)
    torbay = sorted(areas.resolve("Torbay").lsoa11)
    others = []
    for code, f in zip(torbay, feats, strict=False):
        moved = json.loads(json.dumps(f))
        moved["properties"].update(LSOA11CD=code, LSOA11NM=f"Torbay {code[-3:]}")
        for poly in _polys(moved):
            for ring in poly:
                for point in ring:
                    point[0] += 0.6
        others.append(moved)
    national = tmp_path / "national.geojson"
    national.write_text(json.dumps({"type": "FeatureCollection", "features": others + feats}), encoding="utf-8")
    assert _import(project, national) == 0
    assert f"kept 161 neighbourhoods (LSOAs) of the {len(others) + 161}" in capsys.readouterr().out
    kept = boundaries.load_boundaries(project / "data" / "boundaries" / "lsoa.geojson")
    assert set(kept.codes()) == areas.resolve("Plymouth").lsoa11


def test_wards_are_kept_by_their_code_or_their_authority(project, tmp_path):
    assert _import(project, WARD_FILE) == 0
    wards = boundaries.load_boundaries(project / "data" / "boundaries" / "ward.geojson")
    assert len(wards.places) == 20 and wards.kind == "ward"
    assert {p.name for p in wards.places} >= {"St Peter and the Waterfront", "Plympton Chaddlewood"}
    bare = json.loads(WARD_FILE.read_text(encoding="utf-8"))  # no authority column: by the 2024 codes alone
    for f in bare["features"]:
        del f["properties"]["LAD25CD"]
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(bare), encoding="utf-8")
    assert _import(project, path) == 0
    assert len(boundaries.load_boundaries(project / "data" / "boundaries" / "ward.geojson").places) == 20


def _geojson(tmp_path: Path, props: dict, geometry_: dict) -> Path:
    path = tmp_path / "made.geojson"
    feature = {"type": "Feature", "properties": props, "geometry": geometry_}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


SQUARE = {"type": "Polygon", "coordinates": [[[-4.1, 50.4], [-4.0, 50.4], [-4.0, 50.5], [-4.1, 50.4]]]}
BAD_FILES = {
    "no code column": (
        lambda t: _geojson(t, {"name": "Plymouth 001A"}, SQUARE),
        ["no column of LSOA or ward codes", "its columns: name", "LSOA21CD"],
    ),
    "points": (
        lambda t: _geojson(t, {"LSOA11CD": "E01015023"}, {"type": "Point", "coordinates": [-4.1, 50.4]}),
        ["feature 1", "a Point geometry, not a polygon"],
    ),
    "2001 codes": (lambda t: _geojson(t, {"LSOA01CD": "E01015023"}, SQUARE), ["LSOAs of 2011 or 2021"]),
    "not a boundaries file": (lambda t: ROOT / "README.md", ["not a boundaries file", "GeoJSON", "shapefile"]),
    "a web page saved as GeoJSON": (
        lambda t: (t / "page.geojson").write_text("<!doctype html><p>sign in</p>") and t / "page.geojson",
        ["not a GeoJSON file"],
    ),
    "no area of the partnership": (
        lambda t: _geojson(t, {"LSOA11CD": "E01020018"}, SQUARE),
        ["no neighbourhoods (LSOAs) of Plymouth among its 1 areas"],
    ),
    "a shapefile without its attributes": (
        lambda t: (
            write_shapefile(t / "a", to_bng(features(LSOA_FILE)[:2]), LSOA_COLUMNS).with_suffix(".dbf").unlink()
            or t / "a.shp"
        ),
        ["without its .dbf"],
    ),
    "an empty layer": (
        lambda t: write_gpkg(t / "l.gpkg", [], LSOA_COLUMNS),
        ["holds no areas"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_in_one_line_naming_it(project, tmp_path, capsys, case):
    make, words = BAD_FILES[case]
    path = make(tmp_path)
    assert _import(project, path) == 3
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path.name) in err
    for w in words:
        assert w in err
    assert not (project / "data" / "boundaries" / "lsoa.geojson").exists()


def test_a_file_the_tool_did_not_write_is_never_replaced(project, capsys):
    folder = project / "data" / "boundaries"
    folder.mkdir()
    mine = folder / "lsoa.geojson"
    mine.write_text('{"the analyst": "own file"}')
    assert _import(project, LSOA_FILE) == 2
    assert "not a file import-boundaries wrote" in capsys.readouterr().err
    assert mine.read_text() == '{"the analyst": "own file"}'
    mine.unlink()
    assert _import(project, LSOA_FILE) == 0 and _import(project, LSOA_FILE) == 0  # its own file, replaced
    mine.write_text(mine.read_text()[:-1] + " ")  # changed since: left alone
    assert _import(project, LSOA_FILE) == 2
    (folder / "SOURCES.csv").write_text("a,b\n1,2\n")
    mine.unlink()
    assert _import(project, LSOA_FILE) == 2
    assert (folder / "SOURCES.csv").read_text() == "a,b\n1,2\n"


def test_an_unknown_area_is_a_bad_parameter(project, capsys):
    assert _import(project, LSOA_FILE, "--area", "Plymuoth") == 2
    assert "Plymouth" in capsys.readouterr().err


def test_another_area_is_kept_when_asked(tmp_path, capsys):
    """A project for Exeter holds no Plymouth LSOA until Plymouth is asked for by name."""
    assert main(["init", str(tmp_path / "exeter"), "--csp", "Exeter", "--year", "2025-26"]) == 0
    exeter = tmp_path / "exeter"
    assert _import(exeter, LSOA_FILE) == 3
    assert "no neighbourhoods (LSOAs) of Exeter" in capsys.readouterr().err
    assert _import(exeter, LSOA_FILE, "--area", "Plymouth") == 0
    assert load_project(exeter).boundary_file("lsoa") is not None


def test_a_project_without_boundaries_has_none_and_its_settings_win(project, project_copy):
    assert load_project(project).boundary_file("lsoa") is None and load_project(project).boundary_file("ward") is None
    assert load_project(project_copy).boundary_file("lsoa") == project_copy / "data/geography" / LSOA_FILE.name
    shutil.copytree(project_copy / "data" / "geography", project_copy / "data" / "boundaries")
    assert load_project(project_copy).boundary_file("lsoa").parent.name == "geography"


def test_check_validates_the_boundaries(project, capsys):
    assert _import(project, LSOA_FILE) == 0
    capsys.readouterr()
    assert main(["check", "--project", str(project)]) == 0
    assert "161 LSOAs of 2011" in capsys.readouterr().out
    (project / "data" / "boundaries" / "lsoa.geojson").write_text('{"type": "FeatureCollection", "features": [')
    assert main(["check", "--project", str(project)]) == 3
    assert "lsoa.geojson" in capsys.readouterr().err


def test_a_detailed_file_is_simplified_to_a_couple_of_metres(monkeypatch, project, capsys):
    from safer_analysis.inputs.boundaries import importing

    monkeypatch.setattr(importing, "SIMPLIFY_ABOVE", 1000)
    assert _import(project, LSOA_FILE) == 0
    assert "simplified to 2 m" in capsys.readouterr().out
    simple = boundaries.load_boundaries(project / "data" / "boundaries" / "lsoa.geojson")
    full = {p.code: p for p in boundaries.load_boundaries(LSOA_FILE).places}
    assert sum(len(r) for p in simple.places for r in p.shape) < sum(len(r) for p in full.values() for r in p.shape)
    for place in simple.places:  # every point kept is one of the original's, and the area barely changes
        original = np.concatenate(full[place.code].shape)
        kept = {tuple(np.round(x, 6)) for x in np.concatenate(place.shape)}
        assert kept <= {tuple(np.round(x, 6)) for x in original}
        area = sum(abs(geometry.signed_area(r)) for r in full[place.code].shape)
        assert sum(abs(geometry.signed_area(r)) for r in place.shape) == pytest.approx(area, rel=0.02)
