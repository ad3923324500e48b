"""Read police.uk street-level crime data and keep one Community Safety Partnership's rows.

A package of modules of one purpose each, in the order they build on one another: ``common``
(columns, categories, the error and the report), ``files`` (the downloads), ``rows`` (parsing and
checking), ``reading``, ``loading`` (a store read back), ``counts`` (counts per partnership) and
``held`` (a store held, merged with what is read), ``every_area`` (a store of every area,
streamed) and ``store`` (importing). Names with a leading underscore are shared between these modules and
private to the package; the rest are its interface, imported here.

data.police.uk publishes monthly ``YYYY-MM/YYYY-MM-<force>-street.csv`` files, as folders or a
zip archive (which may also hold outcomes and stop-and-search files: those are ignored). Real
archives have faults, each handled here: blank Crime IDs (every anti-social behaviour row), rows
with no location or LSOA (counted; they cannot be placed in an area), the same month in two
archives (read once), other forces' files, a byte-order mark, CRLF line ends, and truncated or
corrupt zips (a clear :class:`PoliceUkError`).

Reading is columnar (``pyarrow.csv``), filtered per file before anything is concatenated, so a
national year (about six million rows) is read in one pass without a per-row Python loop. A
store of every area (:func:`import_police_uk` with no area) is not held whole: each month is
written to disk by a second thread while the next month's files are parsed.
"""

from __future__ import annotations

from safer_analysis.inputs.names import counts_file  # noqa: F401 - where a store's counts are written
from safer_analysis.inputs.police_uk.common import (  # noqa: F401
    ASB,
    CRIME_COLUMNS,
    CRIME_TYPES,
    METADATA_KEY,
    SOURCE_COLUMNS,
    ImportReport,
    PathLike,
    PoliceUkError,
    Progress,
)
from safer_analysis.inputs.police_uk.counts import (  # noqa: F401
    COUNT_COLUMNS,
    NO_LOCATION,
    NOT_KNOWN,
    NOT_PLACED,
    partnership_counts,
    write_partnership_counts,
)
from safer_analysis.inputs.police_uk.files import (  # noqa: F401
    EXPANSION_CHECKED_FROM,
    MAX_EXPANSION,
    STREAM_BLOCK_BYTES,
    STREAM_FROM_BYTES,
)
from safer_analysis.inputs.police_uk.held import (  # noqa: F401
    SMALLER_THAN,
)
from safer_analysis.inputs.police_uk.loading import (  # noqa: F401
    crimes_metadata,
    duplicates_dropped,
    load_area,
    load_crimes,
    preload,
    store_months,
)
from safer_analysis.inputs.police_uk.reading import (  # noqa: F401
    MAX_WORKERS,
    PARALLEL_FROM_FILES,
    read_lsoa_codes,
    read_police_uk,
    select_csp,
)
from safer_analysis.inputs.police_uk.store import (  # noqa: F401
    import_many,
    import_police_uk,
)
