"""Importing into a store: one area, several areas or every area, one import at a time per store,
and the faults of the machine (a full disk, a folder it may not write) named in one line."""

from __future__ import annotations

import contextlib
import errno
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.names import counts_file, store_name
from safer_analysis.inputs.police_uk.common import (
    METADATA_KEY,
    ImportReport,
    PathLike,
    PoliceUkError,
    Progress,
)
from safer_analysis.inputs.police_uk.counts import COUNT_COLUMNS
from safer_analysis.inputs.police_uk.every_area import _import_every_area
from safer_analysis.inputs.police_uk.held import _check_not_smaller, _merge, _metadata, _months_of, _write
from safer_analysis.inputs.police_uk.reading import _prefix, read_police_uk, select_csp
from safer_analysis.inputs.police_uk.rows import (
    _asb_rows,
    _note_duplicates,
    _same_id_rows,
)
from safer_analysis.inputs.store_lock import StoreLock


def _system_problem(exc: OSError, store: Path) -> PoliceUkError:
    """An operating system's refusal met during an import, as one line naming the file and the cause."""
    where = exc.filename or store
    text = str(exc)
    if exc.errno == errno.ENOSPC or "No space left on device" in text:
        return PoliceUkError(
            f"disk full writing {where}: the store held before is untouched; free some space, then import again"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) or "Permission denied" in text:
        return PoliceUkError(
            f"permission denied writing {where}: this user may not write there; give an --out this user "
            "may write to, or ask for write permission on the folder, then import again"
        )
    return PoliceUkError(f"{where}: {exc.strerror or text}; the store held before is untouched")


def _check_target(store: Path) -> None:
    """Refuse (ParameterError) to write a store over anything the tool did not write: a file not
    named ``.parquet`` (an input, the settings, a user's notes), a folder or link, a parquet file
    without a store's metadata, or a counts file beside it that is not a counts file. A store that
    cannot be read at all (damaged) may be made afresh, as its message says."""
    if store.suffix != ".parquet":
        raise ParameterError(
            f"--out {store}: a crime store is a .parquet file, and this one would replace a file of another kind; "
            "give a name ending .parquet (the default is the project's data/crime/)"
        )
    if store.is_symlink() or (store.exists() and not store.is_file()):
        raise ParameterError(f"--out {store}: it is a folder or a link, not a crime store; give another --out")
    if store.is_file():
        try:
            metadata = pq.read_schema(store).metadata or {}
        except (pa.ArrowException, OSError):
            metadata = None  # damaged: made afresh with --new-store, as the message on reading it says
        if metadata is not None and METADATA_KEY not in metadata:
            raise ParameterError(
                f"--out {store}: a parquet file safer-analysis did not write, which an import would replace; "
                "give another --out"
            )
    counts = counts_file(store)
    if counts.is_symlink() or (counts.exists() and not counts.is_file()):
        raise ParameterError(f"--out {store}: {counts}, where its counts go, is a folder or a link; give another --out")
    if counts.is_file():
        with open(counts, encoding="utf-8", errors="replace") as handle:
            header = handle.readline().strip()
        if header != ",".join(COUNT_COLUMNS):
            raise ParameterError(
                f"--out {store}: {counts}, where its counts per partnership go, is a file safer-analysis did not "
                "write; move it, or give another --out"
            )


def _one_writer(stores: Callable[[dict], Iterable[Path]]) -> Callable:
    """Make an import hold the lock of every store it writes (named by ``stores`` from its arguments)."""

    def wrap(func: Callable) -> Callable:
        """``func`` holding its stores' locks."""
        signature = inspect.signature(func)

        @functools.wraps(func)
        def locked(*args, **kwargs):
            written = sorted({Path(s).resolve() for s in stores(signature.bind(*args, **kwargs).arguments)})
            for store in written:
                _check_target(store)
            try:
                with contextlib.ExitStack() as held:
                    for store in written:
                        held.enter_context(StoreLock(store))
                    return func(*args, **kwargs)
            except OSError as exc:
                raise _system_problem(exc, written[0]) from None

        return locked

    return wrap


@_one_writer(lambda given: [given["out_path"]])
def import_police_uk(
    paths: PathLike | Sequence[PathLike],
    out_path: PathLike,
    *,
    csp: str | None = None,
    lsoa_codes: Iterable[str] | None = None,
    name_prefixes: Sequence[str] | None = None,
    synthetic: bool = False,
    force: str | None = None,
    progress: Progress | None = None,
    replace_store: bool = False,
    known_codes: Iterable[str] | None = None,
    replace_smaller: bool = False,
) -> ImportReport:
    """Read archives, keep one area (or every area, given none) and add it to the parquet store.

    Rows are kept by LSOA code when ``lsoa_codes`` is given, else by the start of the LSOA name:
    each of ``name_prefixes`` (an area's local authorities), or ``csp`` itself. A store already
    at ``out_path`` keeps the months not read again; a month read again replaces the copy held
    (``replace_store`` writes only what was read). In a store of every area, a month read again
    replaces the rows of the forces read again, and other forces' rows of the month stay.

    With ``lsoa_codes`` and ``known_codes`` (every code the ONS lookups know) together, rows are
    selected by code, and the name prefixes serve only for a row whose code no lookup knows;
    those rows are counted in the report.

    A force's month read again with fewer than 90% of the rows held for it is refused (a partial
    download would silently lower the counts) unless ``replace_smaller`` is given.
    """
    codes = list(lsoa_codes) if lsoa_codes is not None else None
    names = list(name_prefixes) if name_prefixes else ([csp] if csp else [])
    if codes is None and not names:  # every area: streamed into the store as it is read
        return _import_every_area(
            paths,
            Path(out_path),
            force=force,
            progress=progress,
            replace_store=replace_store,
            synthetic=synthetic,
            replace_smaller=replace_smaller,
        )
    by_name = codes is None or known_codes is not None
    prefixes = [_prefix(n) for n in names] if names and by_name else None
    table, report = read_police_uk(paths, force=force, lsoa_prefixes=prefixes, lsoa_codes=codes, progress=progress)
    if codes is not None and known_codes is not None and table.num_rows:
        area_codes = pa.array(sorted(set(codes)), pa.string())
        known = pa.array(sorted(set(known_codes)), pa.string())

        def in_area_or_unknown(rows: pa.Table) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
            lsoa = rows.column("lsoa_code")
            in_area = pc.fill_null(pc.is_in(lsoa, value_set=area_codes), False)
            unknown = pc.invert(pc.fill_null(pc.is_in(lsoa, value_set=known), False))
            return pc.or_(in_area, pc.and_(pc.invert(in_area), unknown)), in_area  # by name only for unknown codes

        keep, in_area = in_area_or_unknown(table)
        report.rows_by_name = (pc.sum(pc.cast(keep, pa.int64())).as_py() or 0) - (
            pc.sum(pc.cast(in_area, pa.int64())).as_py() or 0
        )
        table = table.filter(keep)
        report.rows_kept, report.asb_rows = table.num_rows, _asb_rows(table)
        dropped = report.dropped_rows
        if dropped is not None and dropped.num_rows:
            dropped = dropped.filter(in_area_or_unknown(dropped)[0])
        _note_duplicates(report, table, dropped if dropped is not None else table.slice(0, 0))
    if table.num_rows == 0:
        what = "the LSOA codes given" if codes is not None else (csp or "any area")
        raise PoliceUkError(
            f"no rows for {what} in {', '.join(report.sources)}: check the CSP name (the start of "
            "its LSOA names), the LSOA codes or the force"
        )
    table, metadata = _into_store(table, Path(out_path), report, csp, synthetic, replace_store, replace_smaller)
    _write(table, Path(out_path), metadata)
    return report


def _into_store(
    table: pa.Table,
    out_path: Path,
    report: ImportReport,
    csp: str | None,
    synthetic: bool,
    replace_store: bool,
    replace_smaller: bool,
) -> tuple[pa.Table, dict]:
    """One area's rows just read, merged with the store held at ``out_path`` (unless
    ``replace_store``), and the store's metadata: a month read again replaces the copy held, and
    is refused if it holds fewer than 90% of its rows (unless ``replace_smaller``)."""
    earlier = None
    if not replace_store:
        read = table
        table, earlier = _merge(table, out_path, csp, report)
        if not replace_smaller:
            _check_not_smaller(read, out_path, report)
    fresh = set(report.months)
    dropped = {m: f for m, f in (earlier or {}).get("duplicates_dropped", {}).items() if m not in fresh}
    duplicates = (dropped | report.duplicates_dropped, _same_id_rows(table))
    metadata = _metadata(_months_of(table), table.num_rows, report, csp, synthetic, earlier, duplicates=duplicates)
    return table, metadata


@_one_writer(lambda given: [Path(given["out_dir"]) / store_name(name) for name in given["areas"]])
def import_many(
    paths: PathLike | Sequence[PathLike],
    areas: Mapping[str, Iterable[str]],
    out_dir: PathLike,
    *,
    force: str | None = None,
    synthetic: bool = False,
    progress: Progress | None = None,
    replace_store: bool = False,
    replace_smaller: bool = False,
) -> dict[str, ImportReport]:
    """One read of the archives, then one store per area (``<slug>-street.parquet`` in ``out_dir``).

    ``areas`` maps each area's name to its LSOA codes; rows are selected by code. Each area's
    store keeps the months it holds that were not read again, as :func:`import_police_uk` does;
    every area is merged and checked before any store is written, so a refusal writes nothing.
    """
    codes = {name: set(c) for name, c in areas.items()}
    table, report = read_police_uk(paths, force=force, lsoa_codes=set().union(*codes.values()), progress=progress)
    parts = {name: select_csp(table, lsoa_codes=c) for name, c in codes.items()}
    empty = [name for name, part in parts.items() if part.num_rows == 0]
    if empty:
        raise PoliceUkError(
            f"no rows for {', '.join(empty)} in {', '.join(report.sources)}: check the areas or the force; "
            "nothing was written"
        )
    reports, stores = {}, {}
    for name, part in parts.items():
        reports[name] = replace(report, rows_kept=part.num_rows, asb_rows=_asb_rows(part))
        _note_duplicates(reports[name], part, select_csp(report.dropped_rows, lsoa_codes=codes[name]))
        out_path = Path(out_dir) / store_name(name)
        stores[out_path] = _into_store(part, out_path, reports[name], name, synthetic, replace_store, replace_smaller)
    for out_path, (table, metadata) in stores.items():
        _write(table, out_path, metadata)
    return reports
