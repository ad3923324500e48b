"""Counts per partnership: every row of a store of every area counted once by the Community
Safety Partnership its LSOA lies in, month and crime type, written beside the store."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from safer_analysis.inputs.names import counts_file
from safer_analysis.inputs.police_uk.common import PathLike, _temporary

#: The columns of a partnership counts file (:func:`partnership_counts`).
COUNT_COLUMNS = ["csp_code", "month", "crime_type", "count"]


NO_LOCATION = "no location"


NOT_KNOWN = "LSOA not in the ONS lookups"


NOT_PLACED = "LSOA in no single partnership"


def _partnership(code: str | None) -> str:
    return NOT_KNOWN if code is None else code or NOT_PLACED


def partnership_counts(crimes: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """Rows per Community Safety Partnership (2024 code), month and crime type, every row of
    ``crimes`` counted once: a row without an LSOA under ``no location``, one whose LSOA no ONS
    lookup knows under ``LSOA not in the ONS lookups``, one whose LSOA the lookups place in no
    single partnership (an authority shared by several, see :func:`areas.lsoa_places`) under
    ``LSOA in no single partnership``. Rows without a month or crime type are left out.

    Counted on category codes: each distinct LSOA is looked up once, not each of six million rows.
    """
    import numpy as np

    from safer_analysis.inputs.areas import partnership_of_lsoa

    columns = ["lsoa_code", "month", "crime_type"]
    if isinstance(crimes, pa.Table):
        crimes = crimes.select(columns).to_pandas()
    lsoa, month, kind = (crimes[c].astype("category").cat for c in columns)
    csp_of = partnership_of_lsoa()
    # each LSOA's partnership, then one more for rows without an LSOA (category code -1)
    names = [_partnership(csp_of.get(code)) for code in lsoa.categories] + [NO_LOCATION]
    csps, csp_index = np.unique(np.asarray(names, dtype=object), return_inverse=True)
    lsoa_codes = lsoa.codes.to_numpy()
    row_csp = csp_index[np.where(lsoa_codes < 0, len(names) - 1, lsoa_codes)]
    month_codes, kind_codes = month.codes.to_numpy(), kind.codes.to_numpy()
    present = (month_codes >= 0) & (kind_codes >= 0)
    n_months, n_kinds = len(month.categories), len(kind.categories)
    key = (row_csp[present].astype(np.int64) * n_months + month_codes[present]) * n_kinds + kind_codes[present]
    tally = np.bincount(key, minlength=len(csps) * n_months * n_kinds)
    found = np.flatnonzero(tally)
    csp_at, rest = np.divmod(found, n_months * n_kinds)
    month_at, kind_at = np.divmod(rest, n_kinds)
    counts = pd.DataFrame(
        {
            "csp_code": csps[csp_at].astype(str),
            "month": np.asarray(month.categories, dtype=object)[month_at].astype(str),
            "crime_type": np.asarray(kind.categories, dtype=object)[kind_at].astype(str),
            "count": tally[found].astype("int64"),
        }
    )
    return counts.sort_values(COUNT_COLUMNS[:3], ignore_index=True)[COUNT_COLUMNS]


def write_partnership_counts(store: PathLike, counts: pd.DataFrame | None = None) -> Path:
    """Write the counts per partnership of a store of all areas beside it, atomically: ``counts``
    as given (an import of every area counts as it writes), or counted from the store
    (:func:`partnership_counts`)."""
    store = Path(store)
    if counts is None:
        columns = ["month", "crime_type", "lsoa_code"]
        counts = partnership_counts(pq.read_table(store, columns=columns, read_dictionary=columns))
    out = counts_file(store)
    tmp = _temporary(out)
    try:
        counts.to_csv(tmp, index=False, lineterminator="\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
