"""Boundaries for maps: LSOA and ward polygons from the ONS Open Geography Portal.

A package of modules of one purpose each: ``geometry`` (rings, well-known binary, British
National Grid to longitude and latitude), ``readers`` (GeoJSON, GeoPackage and shapefile files,
one feature at a time), ``importing`` (``safer-analysis import-boundaries``: the project's areas cut
into ``data/boundaries/``) and ``loading`` (a project's boundaries read back for drawing). Nothing
here needs a geographic library: the standard library and numpy read every format.
"""

from __future__ import annotations

from safer_analysis.inputs.boundaries.geometry import (  # noqa: F401
    GeometryError,
    bng_to_osgb36,
    bng_to_wgs84,
    contains,
    interior_point,
)
from safer_analysis.inputs.boundaries.importing import (  # noqa: F401
    FOLDER,
    KINDS,
    RECORD,
    Columns,
    Imported,
    import_boundaries,
    read_record,
    recognise,
)
from safer_analysis.inputs.boundaries.loading import Boundaries, Place, load_boundaries  # noqa: F401
from safer_analysis.inputs.boundaries.readers import BoundaryFileError, open_boundaries  # noqa: F401
