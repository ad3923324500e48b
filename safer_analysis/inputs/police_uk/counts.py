"""Counts per partnership: every row of a store of every area counted once by the Community
Safety Partnership its LSOA lies in, month and crime type, written beside the store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from safer_analysis.inputs.names import counts_file
from safer_analysis.inputs.police_uk.common import PathLike, _temporary
from safer_analysis.inputs.police_uk.rows import _arrow_int, _as_numpy

if TYPE_CHECKING:  # pandas is imported when counts are made, not with the module: an import's start-up waits on it
    import pandas as pd

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
    import pandas as pd

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


#: One file's rows tallied on its dictionary codes (:func:`code_counts`): the LSOA, month and crime
#: type dictionaries, then each (LSOA, month, type) key found, as
#: ``(lsoa * months + month) * types + type`` with a row without an LSOA at ``lsoa = len(LSOAs)``,
#: and its count.
CodeCounts = tuple[pa.Array, pa.Array, pa.Array, np.ndarray, np.ndarray]


def _codes(array: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """A column's dictionary and its codes (-1 where blank), encoding a plain column first; read
    from buffers, so that pyarrow does not import pandas (:func:`rows._arrow_int`)."""
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    indices = array.indices
    if indices.null_count:
        indices = pc.fill_null(indices, _arrow_int(-1, indices.type))
    return array.dictionary, _as_numpy(indices).astype(np.int64)


def code_counts(table: pa.Table) -> list[CodeCounts]:
    """The rows of ``table`` (a store's columns) tallied per LSOA, month and crime type on their
    dictionary codes, a record batch at a time, with no lookup and no text compared: cheap enough
    to run beside the parsing of each file. :class:`CountTally` turns the tallies into counts per
    partnership, exactly those :func:`partnership_counts` makes from the same rows."""
    parts = []
    for batch in table.select(["lsoa_code", "month", "crime_type"]).to_batches():
        if not batch.num_rows:
            continue
        (lsoas, lsoa), (months, month), (kinds, kind) = (_codes(batch.column(i)) for i in range(3))
        lsoa = np.where(lsoa < 0, len(lsoas), lsoa).astype(np.int64)
        present = (month >= 0) & (kind >= 0)  # rows without a month or crime type are left out
        key = (lsoa[present] * len(months) + month[present]) * len(kinds) + kind[present]
        tally = np.bincount(key, minlength=1)
        found = np.flatnonzero(tally)
        parts.append((lsoas, months, kinds, found, tally[found]))
    return parts


class CountTally:
    """Counts per partnership, month and crime type gathered from files' :func:`code_counts`,
    each LSOA placed in its partnership by ``places``: the LSOA codes and, in the same order, their
    partnerships (blank: in no single one), as :func:`shipped_lsoa_partnerships` reads them."""

    def __init__(self, places: tuple[pa.Array, list[str]]) -> None:
        codes, partnerships = places
        self.labels: dict[str, int] = {}
        self.months: dict[str, int] = {}
        self.kinds: dict[str, int] = {}
        self.codes = codes
        self.label_at = np.array([self._label(csp or NOT_PLACED) for csp in partnerships], dtype=np.int64)
        self.found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def _label(self, name: str) -> int:
        return self.labels.setdefault(name, len(self.labels))

    @staticmethod
    def _ids(values: pa.Array, ids: dict[str, int]) -> np.ndarray:
        return np.array([ids.setdefault(v, len(ids)) for v in values.to_pylist()], dtype=np.int64)

    def add(self, parts: list[CodeCounts]) -> None:
        """Take files' tallies (a month's, say), summed at once per partnership, month and type."""
        if not parts:
            return
        # every file's LSOAs looked up at once: the lookup's hash table is built once a call
        found = pc.index_in(pa.concat_arrays([lsoas for lsoas, *_ in parts]), value_set=self.codes)
        at = _as_numpy(pc.fill_null(found, _arrow_int(-1, found.type))).astype(np.int64)
        places = np.where(at < 0, self._label(NOT_KNOWN), self.label_at[np.maximum(at, 0)])
        no_location = self._label(NO_LOCATION)
        start, tallies = 0, self.found
        for lsoas, months, kinds, keys, counts in parts:
            csp = np.append(places[start : start + len(lsoas)], no_location)  # the slot of rows without an LSOA
            start += len(lsoas)
            lsoa, rest = np.divmod(keys, len(months) * len(kinds))
            month, kind = np.divmod(rest, len(kinds))
            tallies.append(
                (csp[lsoa], self._ids(months, self.months)[month], self._ids(kinds, self.kinds)[kind], counts)
            )
        self.found = [self._summed(tallies)]  # at most one count per partnership, month and type held

    def rows(self) -> list[tuple[str, str, str, int]]:
        """The counts (:data:`COUNT_COLUMNS`) as rows, sorted by partnership, month and crime type."""
        if not self.found:
            return []
        csp_at, month_at, kind_at, count = self.found[0]
        names = [list(ids) for ids in (self.labels, self.months, self.kinds)]
        return sorted(
            zip(
                (names[0][i] for i in csp_at.tolist()),
                (names[1][i] for i in month_at.tolist()),
                (names[2][i] for i in kind_at.tolist()),
                count.tolist(),
                strict=True,
            )
        )

    def frame(self) -> pd.DataFrame:
        """The counts as a table, as :func:`partnership_counts` gives them."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=COUNT_COLUMNS).astype({"count": "int64"})

    def _summed(self, found: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The counts of ``found`` summed per partnership, month and crime type, those above nought."""
        csp, month, kind, count = (np.concatenate(column) for column in zip(*found, strict=True))
        months, kinds = max(len(self.months), 1), max(len(self.kinds), 1)
        tally = np.bincount((csp * months + month) * kinds + kind, weights=count).astype(np.int64)
        at = np.flatnonzero(tally)
        csp_at, rest = np.divmod(at, months * kinds)
        month_at, kind_at = np.divmod(rest, kinds)
        return csp_at, month_at, kind_at, tally[at]


def shipped_lsoa_partnerships() -> tuple[pa.Array, list[str]]:
    """Every LSOA code and, in the same order, the partnership (2024 code) it lies in, blank where
    the lookups place it in no single one: the table shipped with the package
    (``lsoa_partnerships.csv``, made from :func:`areas.partnership_of_lsoa` and checked against
    it), read without pandas."""
    from importlib import resources

    import pyarrow.csv as pacsv

    data = resources.files("safer_analysis.reference").joinpath("lsoa_partnerships.csv").read_bytes()
    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(use_threads=False),
        convert_options=pacsv.ConvertOptions(
            column_types={"lsoa_code": pa.string(), "csp_code": pa.string()}, strings_can_be_null=False
        ),
    )
    return table.column("lsoa_code").combine_chunks(), table.column("csp_code").to_pylist()


def write_partnership_counts(
    store: PathLike, counts: pd.DataFrame | list[tuple[str, str, str, int]] | None = None
) -> Path:
    """Write the counts per partnership of a store of all areas beside it, atomically: ``counts``
    as given (an import of every area tallies them as it reads, :meth:`CountTally.rows`), or
    counted from the store (:func:`partnership_counts`). Rows are written as pandas writes the
    table, byte for byte."""
    store = Path(store)
    if counts is None:
        columns = ["month", "crime_type", "lsoa_code"]
        counts = partnership_counts(pq.read_table(store, columns=columns, read_dictionary=columns))
    out = counts_file(store)
    tmp = _temporary(out)
    try:
        if isinstance(counts, list):
            import csv

            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(COUNT_COLUMNS)
                writer.writerows(counts)
        else:
            counts.to_csv(tmp, index=False, lineterminator="\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
