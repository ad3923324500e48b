"""A store of every area, streamed to disk month by month as the downloads are read: files parsed
in a thread per core while a second thread writes and counts the month before."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from safer_analysis.inputs.police_uk.common import (
    _DENSE,
    CRIME_COLUMNS,
    METADATA_KEY,
    ImportReport,
    PathLike,
    PoliceUkError,
    Progress,
    _Member,
    _temporary,
)
from safer_analysis.inputs.police_uk.counts import (
    CodeCounts,
    CountTally,
    code_counts,
    shipped_lsoa_partnerships,
    write_partnership_counts,
)
from safer_analysis.inputs.police_uk.files import (
    STREAM_FROM_BYTES,
    _at_row,
    _blocks,
    _plan,
    _read_member_buffer,
    _size,
    _tally,
)
from safer_analysis.inputs.police_uk.held import _held, _metadata, _rows_by_force, _smaller_problem
from safer_analysis.inputs.police_uk.rows import (
    _CONVERT_STORE,
    _DICT,
    _READ_ONE,
    _crime_types,
    _distinct,
    _dropped_by_force,
    _duplicates,
    _financial_year,
    _month_counts,
    _month_problem,
    _parse,
    _same_id_rows,
)

#: The columns of a store of every area as written: repeating text as dictionary codes. It is
#: written without its Arrow schema, so it reads back with plain string columns, as any store.


_STORE_SCHEMA = pa.schema(
    [
        (c, pa.float64() if c in ("longitude", "latitude") else pa.string() if c == "crime_id" else _DICT)
        for c in CRIME_COLUMNS
    ]
)


def _read_whole(
    member: _Member, data: bytes | pa.Buffer | pa.Table
) -> tuple[pa.Table, pa.Table, dict[str, int], list[CodeCounts]]:
    """Parse and check every row of one monthly file for a store of every area (run in a thread
    per core: Arrow parses without holding Python's lock): the rows kept, the duplicate rows
    dropped and the rows sharing a Crime ID (:func:`_duplicates`), and the rows kept tallied for
    the counts per partnership (:func:`code_counts`). A large file comes already read and
    checked, a block at a time (:func:`_read_streamed`)."""
    table = data if isinstance(data, pa.Table) else _checked_rows(member, data)
    kept, dropped, same = _duplicates(table)
    return kept, dropped, same, code_counts(kept)


def _checked_rows(member: _Member, data: bytes | pa.Buffer) -> pa.Table:
    """Every row of one file (or block of a file), parsed and checked, with its financial year."""
    table = _parse(data, member, _CONVERT_STORE, _READ_ONE)
    problem = _month_problem(table, member)
    if problem:
        raise PoliceUkError(problem)
    table, problem = _crime_types(table, member)
    if problem:
        raise PoliceUkError(problem)
    year = _one_value(_financial_year(member.month), table.num_rows)
    return table.append_column("financial_year", year).select(CRIME_COLUMNS)


def _one_value(text: str, rows: int) -> pa.DictionaryArray:
    """``rows`` copies of ``text``, dictionary-encoded, built from buffers: pyarrow's constructors
    from Python values (``pa.array``, ``pa.scalar``) import pandas, which costs an import of every
    area a second of start-up it otherwise does without (``tests`` check it never loads)."""
    data = text.encode("utf-8")
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
    dictionary = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])
    codes = pa.Array.from_buffers(pa.int32(), rows, [None, pa.py_buffer(np.zeros(rows, dtype=np.int32))])
    return pa.DictionaryArray.from_arrays(codes, dictionary)


def _read_streamed(member: _Member, zips: dict[Path, zipfile.ZipFile]) -> pa.Table:
    """:func:`_read_whole` for a large file, a block of rows at a time."""
    tables, rows = [], 0
    for block in _blocks(member, zips):
        try:
            table = _checked_rows(member, block)
        except PoliceUkError as exc:
            raise PoliceUkError(_at_row(str(exc), member, rows)) from None
        rows += table.num_rows
        tables.append(table)
    return pa.concat_tables(tables)


def _as_store_columns(table: pa.Table) -> pa.Table:
    """Rows of a store already held in the columns a store of every area is written in (a column
    read dictionary-encoded is kept as it is)."""
    return pa.table(
        [table.column(c) if c in _DENSE else pc.dictionary_encode(table.column(c)) for c in CRIME_COLUMNS],
        schema=_STORE_SCHEMA,
    )


class _StoreWriter:
    """Writes a store month by month in a thread of its own while the next files are parsed, into
    a temporary file that replaces the store only when every row is written: a failed or
    killed import leaves the last good store. The same thread gathers each month's files'
    tallies into counts per partnership (:class:`CountTally`), written beside the store once it
    is in place."""

    def __init__(self, out_path: Path) -> None:
        import queue
        import threading

        self.out_path = out_path
        self.tmp = _temporary(out_path)
        self.writer = pq.ParquetWriter(
            self.tmp,
            _STORE_SCHEMA,
            compression="zstd",
            store_schema=False,
            use_dictionary=[c for c in CRIME_COLUMNS if c not in _DENSE],
            write_statistics=["month", "financial_year"],  # lets a reader skip months; other statistics cost time
            # the columns not dictionary-encoded in encodings that compress better, in less time:
            # Crime IDs' lengths apart from their text; each coordinate's bytes split into streams
            column_encoding={
                "crime_id": "DELTA_LENGTH_BYTE_ARRAY",
                "longitude": "BYTE_STREAM_SPLIT",
                "latitude": "BYTE_STREAM_SPLIT",
            },
        )
        self.queue: queue.Queue[tuple[pa.Table, list[CodeCounts]] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.tally = CountTally(shipped_lsoa_partnerships())
        self.thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:  # after a failure, keep taking tables so the reader never waits
                try:
                    table, parts = item
                    table = table.unify_dictionaries()  # one dictionary per column: its codes are written as they are
                    self.writer.write_table(table)
                    self.tally.add(parts)
                except BaseException as exc:  # noqa: BLE001 - raised again in the reading thread
                    self.error = exc

    def put(self, table: pa.Table, parts: list[CodeCounts]) -> None:
        """Queue one month's rows and their tallies (blocking while two months wait to be written)."""
        if self.error is not None:
            raise self.error
        if table.num_rows:
            self.queue.put((table, parts))

    def commit(self, metadata: dict) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        self.writer.add_key_value_metadata({METADATA_KEY.decode(): json.dumps(metadata)})
        self.writer.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.out_path)
        # each month's rows are tallied once, so the months' tallies together are the store's
        write_partnership_counts(self.out_path, self.tally.rows())

    def abort(self) -> None:
        self.queue.put(None)
        self.thread.join()
        try:
            self.writer.close()
        finally:
            Path(self.tmp).unlink(missing_ok=True)


def _not_reported_by(held: pa.Table, fresh: pa.Table) -> pa.Table:
    """The rows of a month held that no force read again reported: a force's month read again
    replaces that force's rows, and the other forces' rows of the month stay."""
    again = pc.unique(fresh.column("reported_by")).cast(pa.string())
    reporter = pc.fill_null(held.column("reported_by").cast(pa.string()), "")
    return held.filter(pc.invert(pc.is_in(reporter, value_set=pc.fill_null(again, ""))))


def _import_every_area(
    paths: PathLike | Sequence[PathLike],
    out_path: Path,
    *,
    force: str | None,
    progress: Progress | None,
    replace_store: bool,
    synthetic: bool,
    replace_smaller: bool = False,
) -> ImportReport:
    """Every row of the archives into one store, written month by month as the files are read.

    Nothing is filtered, so every row would travel back from worker processes: instead the files
    are parsed in this process, a thread per core, while another thread writes and counts the
    month before. A store already held keeps its months not read again, in their place so the
    store stays in month order, and in a month read again the rows of the forces not read again.
    """
    report, members = _plan(paths, force)
    old, earlier = (None, None) if replace_store else _held(out_path, None, report, drop_fresh=False, encoded=True)
    held: dict[str, pa.Table] = {}
    if old is not None and old.num_rows:
        month = old.column("month").cast(pa.string())  # read dictionary-encoded, which does not sort
        order = pc.sort_indices(month)
        old, month = old.take(order), month.take(order)
        start = 0
        for item in pc.value_counts(month).to_pylist():
            held[item["values"]] = old.slice(start, item["counts"])
            start += item["counts"]
    by_month: dict[str, list[_Member]] = {}
    for member in members:
        by_month.setdefault(member.month, []).append(member)
    stored: dict[str, dict[str, int]] = {}  # the rows the store holds per month, for its metadata
    earlier_dropped = (earlier or {}).get("duplicates_dropped", {})
    store_dropped: dict[str, dict[str, int]] = {}  # and the duplicates dropped from them
    store_same_id: dict[str, int] = {}
    writer = _StoreWriter(out_path)
    zips: dict[Path, zipfile.ZipFile] = {}
    parsers = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="parse")
    done = 0
    try:
        for month in sorted(set(by_month) | set(held)):
            files = by_month.get(month, [])
            # each file is handed to the parsers as soon as it is read, so reading overlaps parsing
            # (Executor.map takes the files one by one in this thread, from which alone zips are read;
            # a large file is parsed here, a block at a time)
            raw = (
                _read_member_buffer(member, zips)
                if _size(member, zips) <= STREAM_FROM_BYTES
                else _read_streamed(member, zips)
                for member in files
            )
            tables, dropped_rows, same_id, parts = [], [], {}, []
            for member, (table, dropped, same, tally) in zip(files, parsers.map(_read_whole, files, raw), strict=True):
                tables.append(table)
                parts.extend(tally)
                dropped_rows.append(dropped)
                same_id = {m: same_id.get(m, 0) + same.get(m, 0) for m in same_id | same}
                done += 1
                if progress is not None:
                    progress(done, len(members), f"{member.month} {member.force}")
            table = counts = None
            dropped_here = earlier_dropped.get(month, {})
            if tables:
                table, dropped = pa.concat_tables(tables), pa.concat_tables(dropped_rows)
                counts = _month_counts(pa.concat_tables([table, dropped]), month)  # every row read
                _tally(report, counts, files=len(tables))
                report.rows_kept += counts[0] - dropped.num_rows
                report.asb_rows += counts[3]
                fresh_dropped = _dropped_by_force(dropped).get(month, {})
                if fresh_dropped:
                    report.duplicates_dropped[month] = fresh_dropped
                report.same_id_kept.update(same_id)
                forces = _distinct(table.column("reported_by"))
                dropped_here = {f: n for f, n in dropped_here.items() if f not in forces} | fresh_dropped
                counts = _month_counts(table, month) if dropped.num_rows else counts
            if month in held:  # the rows held that stay, then the month read, if any
                if table is not None and not replace_smaller:
                    fresh_rows = _rows_by_force(table)
                    held_rows = {k: n for k, n in _rows_by_force(held[month]).items() if k in fresh_rows}
                    problem = _smaller_problem(held_rows, fresh_rows)
                    if problem:
                        raise PoliceUkError(problem)
                kept = _as_store_columns(held[month] if table is None else _not_reported_by(held[month], table))
                parts.extend(code_counts(kept))
                table = kept if table is None else pa.concat_tables([kept, table])
                counts = _month_counts(table, month)
            rows, no_location, _, asb, _ = counts
            stored[month] = {"rows": rows, "asb": asb, "no_location": no_location}
            if dropped_here:
                store_dropped[month] = dropped_here
            same = (_same_id_rows(table) if month in held else report.same_id_kept).get(month, 0)
            if same:
                store_same_id[month] = same
            writer.put(table, parts)
        if report.rows_kept == 0:
            raise PoliceUkError(
                f"no rows for any area in {', '.join(report.sources)}: the street-level files hold a header "
                "and no crimes; download the archive again"
            )
        months = [m for m, counts in stored.items() if counts["rows"]]
        rows = sum(counts["rows"] for counts in stored.values())
        duplicates = (store_dropped, store_same_id)
        metadata = _metadata(months, rows, report, None, synthetic, earlier, force_months=stored, duplicates=duplicates)
        writer.commit(metadata)
    except BaseException:
        writer.abort()
        raise
    finally:
        parsers.shutdown(cancel_futures=True)
        for z in zips.values():
            z.close()
    return report
