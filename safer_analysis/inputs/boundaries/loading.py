"""A project's boundaries read back for drawing: each area's code, name and rings (longitude and
latitude), from the file ``import-boundaries`` wrote or one the settings name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from safer_analysis.inputs.boundaries import geometry
from safer_analysis.inputs.boundaries.importing import Columns, read_record, recognise
from safer_analysis.inputs.boundaries.readers import BoundaryFileError, open_boundaries


@dataclass(frozen=True)
class Place:
    """One area of a boundaries file."""

    code: str
    name: str
    shape: geometry.Shape = field(repr=False)
    properties: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Boundaries:
    """The areas of one boundaries file, and where it came from."""

    path: Path
    columns: Columns
    places: list[Place]
    source: str = "ONS"

    @property
    def kind(self) -> str:
        return self.columns.kind

    @property
    def vintage(self) -> str:
        """'2011' or '2021' for LSOAs; the year of the ward codes for wards."""
        return f"20{self.columns.year}"

    def codes(self) -> list[str]:
        return [p.code for p in self.places]


def load_boundaries(path: str | Path) -> Boundaries:
    """The areas of the boundaries file ``path`` (any format ``import-boundaries`` reads, in
    longitude and latitude); a BoundaryFileError naming the file and what is wrong otherwise."""
    path = Path(path)
    try:
        with open_boundaries(path) as reader:
            columns = recognise(reader.columns, reader.shown)
            places = []
            for props, shape in reader.features(lambda _props: True):
                code = str(props.get(columns.code) or "").strip()
                name = str(props.get(columns.name) or code).strip() if columns.name else code
                places.append(Place(code, name, [r for r in shape if len(r) >= 3], props))
            crs, shown = reader.crs, reader.shown
    except OSError as exc:
        raise BoundaryFileError(f"{path}: cannot be read ({exc.strerror or exc}); check the file") from None
    if not places:
        raise BoundaryFileError(f"{shown}: holds no areas; expected the polygons of LSOAs or wards")
    crs = crs or geometry.guess_crs([p.shape for p in places])
    if crs != "wgs84":
        if crs is None:
            raise BoundaryFileError(f"{shown}: coordinates in a system not recognised; expected longitude and latitude")
        places = [Place(p.code, p.name, geometry.convert(p.shape, crs), p.properties) for p in places]
    return Boundaries(path, columns, places, _source(path))


def _source(path: Path) -> str:
    """Words for where the file came from: the ONS file it was cut from, where the record of
    ``import-boundaries`` beside it says so."""
    try:
        rows = read_record(path.parent)
    except ValueError:
        rows = []
    row = next((r for r in rows if r["file"] == path.name), None)
    if row is None:
        return "ONS"
    return f"ONS, {row['source_file']}"
