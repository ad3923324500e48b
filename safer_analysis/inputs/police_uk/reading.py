"""Reading the downloads for one area or several: every file read, checked and filtered (split
across processes when there are many), into one table and a report of what was read."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.police_uk.common import (
    ASB,
    CRIME_COLUMNS,
    ImportReport,
    PathLike,
    PoliceUkError,
    Progress,
    _Member,
)
from safer_analysis.inputs.police_uk.files import (
    STREAM_FROM_BYTES,
    _at_row,
    _blocks,
    _plan,
    _read_member,
    _size,
    _tally,
)
from safer_analysis.inputs.police_uk.rows import (
    _arrow_text,
    _asb_rows,
    _count_null,
    _crime_types,
    _drop_duplicates,
    _empty_table,
    _financial_year,
    _month_problem,
    _note_duplicates,
    _parse,
    _prefilter,
    _select,
)

if TYPE_CHECKING:
    import pandas as pd


def _process(
    member: _Member, zips: dict[Path, zipfile.ZipFile], prefixes: Sequence[str] | None, codes: Sequence[str] | None
) -> tuple[pa.Table, tuple[int, int, int, int, str], pa.Table]:
    """Read, check and filter one monthly file; also (rows, rows without location, without LSOA)
    and the duplicate crime rows dropped from what was kept.

    The byte prefilter is used only when every line of the file carries its month, which a line
    continuing a quoted field (a line break inside Context, say) does not; otherwise, or if the
    reduced text does not parse, the whole file is parsed, so no row is ever lost to it.
    """
    if _size(member, zips) > STREAM_FROM_BYTES:
        return _process_streamed(member, zips, prefixes, codes)
    data = _read_member(member, zips)
    table = None
    if prefixes and codes is None:
        reduced, rows, months_ok = _prefilter(data, prefixes, member.month)
        if months_ok:
            try:
                table = _parse(reduced, member)
            except PoliceUkError:
                table = None
            if table is not None and _month_problem(table, member):
                table = None
            if table is not None:
                table, problem = _crime_types(table, member)
                table = None if problem else table  # parsed whole below, to name the row by its place in the file
    if table is None:
        table = _parse(data, member)
        rows = table.num_rows
        problem = _month_problem(table, member)
        if problem:
            raise PoliceUkError(problem)
        table, problem = _crime_types(table, member)
        if problem:
            raise PoliceUkError(problem)
    asb = data.count(b"," + ASB.encode() + b",")
    counts = (rows, _count_null(table, "longitude", "latitude"), _count_null(table, "lsoa_code"), asb, member.month)
    table, dropped = _drop_duplicates(_select(table, prefixes, codes))
    return table, counts, dropped


def _process_streamed(
    member: _Member, zips: dict[Path, zipfile.ZipFile], prefixes: Sequence[str] | None, codes: Sequence[str] | None
) -> tuple[pa.Table, tuple[int, int, int, int, str], pa.Table]:
    """:func:`_process` for a large file, read, checked and filtered a block of rows at a time."""
    kept, rows, no_location, no_lsoa, asb = [], 0, 0, 0, 0
    for block in _blocks(member, zips):
        table = _parse(block, member)
        problem = _month_problem(table, member)
        if not problem:
            table, problem = _crime_types(table, member)
        if problem:
            raise PoliceUkError(_at_row(problem, member, rows))
        rows += table.num_rows
        no_location += _count_null(table, "longitude", "latitude")
        no_lsoa += _count_null(table, "lsoa_code")
        asb += block.count(b"," + ASB.encode() + b",")
        kept.append(_select(table, prefixes, codes))
    table, dropped = _drop_duplicates(pa.concat_tables(kept))
    return table, (rows, no_location, no_lsoa, asb, member.month), dropped


def _process_chunk(
    members: list[_Member], prefixes: Sequence[str] | None, codes: Sequence[str] | None
) -> list[tuple[pa.Table, tuple[int, int, int, int, str], pa.Table]]:
    """A worker's share of the files (run in a separate process)."""
    zips: dict[Path, zipfile.ZipFile] = {}
    try:
        return [_process(m, zips, prefixes, codes) for m in members]
    finally:
        for z in zips.values():
            z.close()


#: Files from which reading is split across processes (one per core, at most this many).
PARALLEL_FROM_FILES, MAX_WORKERS = 24, 4


def read_police_uk(
    paths: PathLike | Sequence[PathLike],
    *,
    force: str | None = None,
    lsoa_prefixes: Sequence[str] | None = None,
    lsoa_codes: Iterable[str] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> tuple[pa.Table, ImportReport]:
    """Read street-level files from zips, folders or single CSVs; keep rows in the LSOAs asked for (all if none).

    With many files and more than one core, files are shared among worker processes (each
    reads, checks and filters its own, so only the kept rows travel back). ``progress(done,
    total, name)`` is called as files are read.
    """
    report, members = _plan(paths, force)
    codes = sorted(set(lsoa_codes)) if lsoa_codes is not None else None
    prefixes = list(lsoa_prefixes) if lsoa_prefixes else None
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, MAX_WORKERS)
    results: list[tuple[pa.Table, tuple[int, int, int, int, str], pa.Table]] = []
    if n_workers > 1 and len(members) >= PARALLEL_FROM_FILES:
        import concurrent.futures as cf
        import multiprocessing as mp

        size = max(1, len(members) // (n_workers * 4))
        chunks = [members[i : i + size] for i in range(0, len(members), size)]
        context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with cf.ProcessPoolExecutor(max_workers=n_workers, mp_context=context) as pool:
            futures = [pool.submit(_process_chunk, chunk, prefixes, codes) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                results.extend(future.result())
                if progress is not None:
                    progress(len(results), len(members), f"{chunk[-1].month} {chunk[-1].force}")
    else:
        zips: dict[Path, zipfile.ZipFile] = {}
        try:
            for member in members:
                results.append(_process(member, zips, prefixes, codes))
                if progress is not None:
                    progress(len(results), len(members), f"{member.month} {member.force}")
        finally:
            for z in zips.values():
                z.close()
    for _, counts, _ in results:
        _tally(report, counts)
    table = pa.concat_tables([t for t, _, _ in results]) if results else _empty_table()
    dropped = pa.concat_tables([d for _, _, d in results]) if results else _empty_table()
    # Each file holds one month (checked as it is read), so its financial year is one value.
    financial_year = pa.chunked_array(
        [pa.repeat(_arrow_text(_financial_year(counts[-1])), t.num_rows) for t, counts, _ in results], pa.string()
    )
    table = table.append_column("financial_year", financial_year).select(CRIME_COLUMNS)
    report.rows_kept = table.num_rows
    report.asb_rows = _asb_rows(table)
    _note_duplicates(report, table, dropped)
    return table, report


_LSOA_CODE = re.compile(r"^[EW]01\d{6}$")


def read_lsoa_codes(path: PathLike) -> list[str]:
    """The LSOA codes of a text file (one or more a line, such as ``E01015025``), each line checked."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParameterError(
            f"--lsoa-codes {path}: {exc.strerror or exc}; give a text file of LSOA codes, one per line"
        ) from None
    codes = []
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), start=1):
        try:
            words = line.decode("utf-8").split()
        except UnicodeDecodeError:
            words = [line[:20].decode("utf-8", "replace")]
        for word in words:
            if not _LSOA_CODE.match(word):
                raise PoliceUkError(
                    f"{path}, line {number}: expected LSOA codes such as E01015025 (one per line), found {word!r}; "
                    "give a text file of LSOA codes"
                )
        codes += words
    if not codes:
        raise PoliceUkError(f"{path}: no LSOA codes; expected codes such as E01015025, one per line")
    return codes


def _prefix(csp: str) -> str:
    return csp.strip() + " "


def select_csp(
    table: pa.Table | pd.DataFrame, csp: str | None = None, lsoa_codes: Iterable[str] | None = None
) -> pa.Table | pd.DataFrame:
    """One CSP's rows of an already-read table or frame, by LSOA name prefix (``csp + ' '``) or LSOA codes."""
    if not csp and lsoa_codes is None:
        raise ValueError("give a CSP name or a list of LSOA codes")
    codes = sorted(set(lsoa_codes)) if lsoa_codes is not None else None
    if not isinstance(table, pa.Table):  # a pandas DataFrame
        import pandas as pd

        mask = pd.Series(False, index=table.index)
        if csp:
            mask |= table["lsoa_name"].fillna("").str.startswith(_prefix(csp))
        if codes is not None:
            mask |= table["lsoa_code"].isin(codes)
        return table[mask]
    return _select(table, [_prefix(csp)] if csp else None, codes)
