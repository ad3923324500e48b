"""Read police.uk street-level crime data and keep one Community Safety Partnership's rows.

data.police.uk publishes monthly ``YYYY-MM/YYYY-MM-<force>-street.csv`` files, as folders or a
zip archive (which may also hold outcomes and stop-and-search files: those are ignored). Real
archives have faults, each handled here: blank Crime IDs (every anti-social behaviour row), rows
with no location or LSOA (counted; they cannot be placed in an area), the same month in two
archives (read once), other forces' files, a byte-order mark, CRLF line ends, and truncated or
corrupt zips (a clear :class:`PoliceUkError`).

Reading is columnar (``pyarrow.csv``), filtered per file before anything is concatenated, so a
national year (about six million rows) is read in one pass without a per-row Python loop.
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = REPO / "data" / "crime" / "plymouth-street.parquet"
SYNTHETIC_ARCHIVE = REPO / "data" / "police_uk" / "synthetic-plymouth-street-2015-04-to-2019-03.zip"
METADATA_KEY = b"safer_analysis"

#: Source columns and the tidy names they are read into (Context is dropped).
SOURCE_COLUMNS = {
    "Crime ID": "crime_id", "Month": "month", "Reported by": "reported_by", "Falls within": "falls_within",
    "Longitude": "longitude", "Latitude": "latitude", "Location": "location", "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name", "Crime type": "crime_type", "Last outcome category": "last_outcome",
}
CRIME_COLUMNS = ["crime_id", "month", "financial_year", "reported_by", "falls_within", "longitude", "latitude",
                 "location", "lsoa_code", "lsoa_name", "crime_type", "last_outcome"]
ASB = "Anti-social behaviour"
_STREET = re.compile(r"(?:^|/)(\d{4}-\d{2})/(\d{4}-\d{2})-([a-z0-9-]+)-street\.csv$")
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class PoliceUkError(ValueError):
    """An archive or file that cannot be read as police.uk street-level data."""


@dataclass
class ImportReport:
    files_read: int = 0
    duplicate_files_skipped: list[tuple[str, str, str]] = field(default_factory=list)
    other_files_ignored: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    rows_without_lsoa: int = 0
    rows_without_location: int = 0
    asb_rows: int = 0
    months: list[str] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def summary(self) -> str:
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        text = (f"read {self.files_read} monthly file(s) ({span}; {', '.join(self.forces) or 'no force'}), "
                f"{self.rows_read:,} rows; kept {self.rows_kept:,} ({self.asb_rows:,} anti-social behaviour). "
                f"{self.rows_without_lsoa:,} rows had no LSOA and cannot be placed in an area; "
                f"{self.rows_without_location:,} had no location.")
        if self.duplicate_files_skipped:
            text += (f" {len(self.duplicate_files_skipped)} month(s) appeared in more than one archive and were "
                     "read once: " + ", ".join(f"{m} {f}" for m, f, _ in self.duplicate_files_skipped) + ".")
        if self.other_files_ignored:
            text += f" {self.other_files_ignored} other file(s) (outcomes, stop and search, other forces) ignored."
        return text


@dataclass(frozen=True)
class _Member:
    month: str
    force: str
    name: str  # display name: archive plus member path
    archive: Path | None
    path: str  # member name in the zip, or a file path


def _members(paths: Sequence[Path], force: str | None, report: ImportReport) -> list[_Member]:
    """Every street file to read, each (month, force) once, in month order."""
    found: dict[tuple[str, str], _Member] = {}
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise PoliceUkError(f"{root}: no such file or folder")
        if root.is_file():
            try:
                with zipfile.ZipFile(root) as z:
                    names = z.namelist()
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise PoliceUkError(f"{root}: not a readable zip archive ({exc}); download it again") from None
            candidates = [(n, root, n) for n in names]
        else:
            found_files = sorted(Path(f) for f in glob.glob(str(root / "**" / "*.csv"), recursive=True))
            candidates = [(str(p.relative_to(root)).replace(os.sep, "/"), None, str(p)) for p in found_files]
        for rel, archive, where in candidates:
            match = _STREET.search(rel)
            if not match or match.group(1) != match.group(2):
                if rel.endswith(".csv"):
                    report.other_files_ignored += 1
                continue
            month, member_force = match.group(2), match.group(3)
            if force and member_force != force:
                report.other_files_ignored += 1
                continue
            key = (month, member_force)
            display = f"{archive or root}:{rel}" if archive else where
            if key in found:
                report.duplicate_files_skipped.append((month, member_force, str(archive or root)))
                continue
            found[key] = _Member(month, member_force, display, archive, where)
    return [found[k] for k in sorted(found)]


_CONVERT = pacsv.ConvertOptions(
    column_types={c: pa.string() for c in SOURCE_COLUMNS if c not in ("Longitude", "Latitude")}
    | {"Longitude": pa.float64(), "Latitude": pa.float64()},
    include_columns=list(SOURCE_COLUMNS), strings_can_be_null=True, null_values=[""],
)


def _prefilter(data: bytes, prefixes: Sequence[str]) -> tuple[bytes, int, int, int]:
    """Keep the header and the lines that can hold an LSOA name with one of ``prefixes``.

    Searching the raw bytes for ``,<prefix>`` (or ``,"<prefix>``) skips parsing the lines of
    every other area: a CSP is well under 1% of a national file. Lines found are parsed and
    filtered exactly afterwards, so a stray match elsewhere in a line costs nothing but time.
    Returns the reduced CSV and, counted on the bytes, the rows read, the rows with no location
    and the rows with neither location nor LSOA.
    """
    first = data.find(b"\n")
    if first == -1:
        return data, 0, 0, 0
    body = first + 1
    rows = data.count(b"\n", body) + (0 if data.endswith(b"\n") or len(data) == body else 1)
    spans: set[tuple[int, int]] = set()
    for prefix in prefixes:
        needle = prefix.encode()
        i = data.find(needle, body)
        while i != -1:  # one pass per prefix; a match must start a field (after , or ,")
            before = data[i - 1:i]
            if before == b"," or (before == b'"' and data[i - 2:i - 1] == b","):
                line_end = data.find(b"\n", i)
                line_end = len(data) if line_end == -1 else line_end + 1
                spans.add((data.rfind(b"\n", body - 1, i) + 1, line_end))
                i = data.find(needle, line_end)
            else:  # e.g. "On or near Plymouth Road" in Location: the LSOA may follow on this line
                i = data.find(needle, i + 1)
    kept = b"".join(data[a:b] for a, b in sorted(spans))
    if kept and not kept.endswith(b"\n"):
        kept += b"\n"
    no_location = no_place = 0
    marker = b",No Location,"
    i = data.find(marker, body)
    while i != -1:  # one pass: rows with no location, and of those the ones with no LSOA either
        no_location += 1
        if data[i + len(marker):i + len(marker) + 2] == b",,":
            no_place += 1
        i = data.find(marker, i + len(marker))
    return data[:body] + kept, rows, no_location, no_place


def _read_member(member: _Member, zips: dict[Path, zipfile.ZipFile],
                 prefixes: Sequence[str] | None = None) -> tuple[pa.Table, tuple[int, int, int] | None]:
    """One monthly file as a table; with ``prefixes``, only the lines that can match them, and the
    byte-level counts (rows, rows without location, rows without LSOA) of the whole file."""
    counts = None
    try:
        if member.archive is not None:
            z = zips.setdefault(member.archive, zipfile.ZipFile(member.archive))
            data = z.read(member.path)
        else:
            data = Path(member.path).read_bytes()
        if prefixes:
            data, *rest = _prefilter(data, prefixes)
            counts = (rest[0], rest[1], rest[2])
        table = pacsv.read_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(use_threads=True),
                               convert_options=_CONVERT)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise PoliceUkError(f"{member.name}: cannot be read from its archive ({exc}); the zip may be "
                            "truncated: download it again") from None
    except (pa.ArrowInvalid, pa.ArrowKeyError) as exc:
        text = str(exc)
        missing = re.search(r"Column '([^']+)' in include_columns does not exist", text)
        if missing:
            raise PoliceUkError(f"{member.name}: column '{missing.group(1)}' is missing from the header; expected "
                                f"the police.uk street-level columns ({', '.join(SOURCE_COLUMNS)})") from None
        raise PoliceUkError(f"{member.name}: not valid police.uk CSV ({text})") from None
    return table.rename_columns([SOURCE_COLUMNS[c] for c in table.column_names]), counts


def _check_months(table: pa.Table, member: _Member) -> None:
    months = table.column("month")
    bad = pc.invert(pc.fill_null(pc.equal(months, member.month), False))
    if pc.any(bad).as_py():
        row = pc.index(bad, True).as_py()
        value = months[row].as_py()
        expected = "a month of the form YYYY-MM" if value is None or not re.match(_MONTH, value) else \
            f"{member.month}, the month in the file name"
        raise PoliceUkError(f"{member.name}, row {row + 2}, column 'Month': expected {expected}, found {value!r}")


def _financial_year(months: pa.Array) -> pa.Array:
    year = pc.cast(pc.utf8_slice_codeunits(months, 0, 4), pa.int32())
    mon = pc.cast(pc.utf8_slice_codeunits(months, 5, 7), pa.int32())
    start = pc.if_else(pc.greater_equal(mon, 4), year, pc.subtract(year, 1))
    end = pc.utf8_lpad(pc.cast(pc.add(start, 1), pa.string()), 2, "0")
    return pc.binary_join_element_wise(pc.cast(start, pa.string()), pc.utf8_slice_codeunits(end, 2, 4), "-")


def _prefix_mask(names: pa.ChunkedArray, prefixes: Sequence[str]) -> pa.ChunkedArray:
    mask = None
    for p in prefixes:
        m = pc.fill_null(pc.starts_with(names, p), False)
        mask = m if mask is None else pc.or_(mask, m)
    return mask


def _process(member: _Member, zips: dict[Path, zipfile.ZipFile], prefixes: Sequence[str] | None,
             codes: list[str] | None) -> tuple[pa.Table, tuple[int, int, int]]:
    """Read, check and filter one monthly file; also (rows, rows without location, without LSOA)."""
    fast = bool(prefixes) and codes is None
    table, counts = _read_member(member, zips, prefixes if fast else None)
    _check_months(table, member)
    if counts is None:
        counts = (table.num_rows,
                  pc.sum(pc.cast(pc.is_null(table.column("longitude")), pa.int64())).as_py() or 0,
                  pc.sum(pc.cast(pc.is_null(table.column("lsoa_code")), pa.int64())).as_py() or 0)
    if prefixes or codes is not None:
        mask = None
        if prefixes:
            mask = _prefix_mask(table.column("lsoa_name"), prefixes)
        if codes is not None:
            m = pc.fill_null(pc.is_in(table.column("lsoa_code"), value_set=pa.array(codes)), False)
            mask = m if mask is None else pc.or_(mask, m)
        table = table.filter(mask)
    return table, counts


def _process_chunk(members: list[_Member], prefixes: Sequence[str] | None,
                   codes: list[str] | None) -> list[tuple[pa.Table, tuple[int, int, int]]]:
    """A worker's share of the files (run in a separate process)."""
    zips: dict[Path, zipfile.ZipFile] = {}
    try:
        return [_process(m, zips, prefixes, codes) for m in members]
    finally:
        for z in zips.values():
            z.close()


#: Files from which reading is split across processes (one per core, at most this many).
PARALLEL_FROM_FILES, MAX_WORKERS = 24, 4


def read_police_uk(paths: str | Path | Sequence[str | Path], *, force: str | None = None,
                   lsoa_prefixes: Sequence[str] | None = None,
                   lsoa_codes: Iterable[str] | None = None,
                   progress: Callable[[int, int, str], None] | None = None,
                   workers: int | None = None) -> tuple[pa.Table, ImportReport]:
    """Read street-level files from zips and folders; keep rows in the LSOAs asked for (all if none).

    With many files and more than one core, files are shared among worker processes (each
    reads, checks and filters its own, so only the kept rows travel back). ``progress(done,
    total, name)`` is called as files are read.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    report = ImportReport(sources=[str(p) for p in paths])
    members = _members(paths, force, report)
    codes = sorted(set(lsoa_codes)) if lsoa_codes is not None else None
    prefixes = list(lsoa_prefixes) if lsoa_prefixes else None
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, MAX_WORKERS)
    results: list[tuple[pa.Table, tuple[int, int, int]]] = []
    if n_workers > 1 and len(members) >= PARALLEL_FROM_FILES:
        import concurrent.futures as cf
        import multiprocessing as mp

        size = max(1, len(members) // (n_workers * 4))
        chunks = [members[i:i + size] for i in range(0, len(members), size)]
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
    for _, (rows, no_location, no_lsoa) in results:
        report.files_read += 1
        report.rows_read += rows
        report.rows_without_location += no_location
        report.rows_without_lsoa += no_lsoa
    pieces = [t for t, _ in results]
    if pieces:
        table = pa.concat_tables(pieces)
    else:
        table = pa.table({c: pa.array([], pa.float64() if c in ("longitude", "latitude") else pa.string())
                          for c in SOURCE_COLUMNS.values()})
    table = table.append_column("financial_year", _financial_year(table.column("month")))
    table = table.select(CRIME_COLUMNS)
    report.rows_kept = table.num_rows
    report.asb_rows = pc.sum(pc.cast(pc.equal(table.column("crime_type"), ASB), pa.int64())).as_py() or 0
    report.months = sorted({m.month for m in members})
    report.forces = sorted({m.force for m in members})
    return table, report


def csp_slug(name: str) -> str:
    """'Plymouth' -> 'plymouth'; 'Bath and North East Somerset' -> 'bath-and-north-east-somerset'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _prefix(csp: str) -> str:
    return csp.strip() + " "


def select_csp(table: pa.Table | pd.DataFrame, csp: str | None = None,
               lsoa_codes: Iterable[str] | None = None) -> pa.Table | pd.DataFrame:
    """One CSP's rows of an already-read table, by LSOA name prefix or a list of LSOA codes."""
    if csp is None and lsoa_codes is None:
        raise ValueError("give a CSP name or a list of LSOA codes")
    if isinstance(table, pd.DataFrame):
        mask = pd.Series(False, index=table.index)
        if csp:
            mask |= table["lsoa_name"].fillna("").str.startswith(_prefix(csp))
        if lsoa_codes is not None:
            mask |= table["lsoa_code"].isin(set(lsoa_codes))
        return table[mask]
    mask = None
    if csp:
        mask = _prefix_mask(table.column("lsoa_name"), [_prefix(csp)])
    if lsoa_codes is not None:
        m = pc.fill_null(pc.is_in(table.column("lsoa_code"), value_set=pa.array(sorted(set(lsoa_codes)))), False)
        mask = m if mask is None else pc.or_(mask, m)
    return table.filter(mask)


def _write(table: pa.Table, out_path: Path, metadata: dict) -> None:
    """Write parquet atomically: a failed write never replaces the last good cache."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(table.schema.metadata or {})
    meta[METADATA_KEY] = json.dumps(metadata).encode()
    table = table.replace_schema_metadata(meta)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _metadata(table: pa.Table, report: ImportReport, csp: str | None, synthetic: bool) -> dict:
    months = sorted(set(table.column("month").to_pylist())) if table.num_rows else []
    return {"csp": csp, "synthetic": bool(synthetic), "sources": [Path(s).name for s in report.sources],
            "months": months, "rows": table.num_rows,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}


def import_police_uk(paths, out_path: str | Path, *, csp: str | None = "Plymouth",
                     lsoa_codes: Iterable[str] | None = None, synthetic: bool = False,
                     force: str | None = None, progress=None) -> ImportReport:
    """Read archives, keep one CSP, and write the parquet cache the reports read."""
    if lsoa_codes is not None:
        table, report = read_police_uk(paths, force=force, lsoa_codes=list(lsoa_codes), progress=progress)
    else:
        table, report = read_police_uk(paths, force=force, lsoa_prefixes=[_prefix(csp or "Plymouth")],
                                       progress=progress)
    if table.num_rows == 0:
        raise PoliceUkError(f"no rows for {csp or 'the LSOA codes given'} in {', '.join(map(str, report.sources))}: "
                            "check the CSP name (the start of its LSOA names) or the force")
    _write(table, Path(out_path), _metadata(table, report, csp, synthetic))
    return report


def import_many(paths, csps: Sequence[str], out_dir: str | Path, *, force: str | None = None,
                synthetic: bool = False, progress=None) -> dict[str, ImportReport]:
    """One read of the archives, then one cache per CSP (``<slug>-street.parquet`` in ``out_dir``)."""
    table, report = read_police_uk(paths, force=force, lsoa_prefixes=[_prefix(c) for c in csps],
                                   progress=progress)
    reports = {}
    for csp in csps:
        part = select_csp(table, csp)
        r = ImportReport(**{**report.__dict__, "rows_kept": part.num_rows,
                            "asb_rows": pc.sum(pc.cast(pc.equal(part.column("crime_type"), ASB),
                                                       pa.int64())).as_py() or 0})
        _write(part, Path(out_dir) / f"{csp_slug(csp)}-street.parquet", _metadata(part, r, csp, synthetic))
        reports[csp] = r
    return reports


def cache_for(csp: str) -> Path:
    """Where ``import-police-uk --csp NAME`` writes a CSP's cache by default."""
    return DEFAULT_CACHE.parent / f"{csp_slug(csp)}-street.parquet"


def crimes_metadata(path: str | Path) -> dict:
    """The metadata an import wrote into a cache (CSP, synthetic flag, sources, months)."""
    meta = pq.read_schema(path).metadata or {}
    return json.loads(meta.get(METADATA_KEY, b"{}"))


def load_crimes(path: str | Path | None = None) -> pd.DataFrame:
    """A cache written by :func:`import_police_uk` as a DataFrame; ``attrs['metadata']`` says
    which CSP it holds and whether it is synthetic."""
    path = Path(path) if path else DEFAULT_CACHE
    if not path.exists() and path == DEFAULT_CACHE and SYNTHETIC_ARCHIVE.exists():
        # the bundled cache is derived from the bundled synthetic archive on first use
        import_police_uk(SYNTHETIC_ARCHIVE, path, csp="Plymouth", synthetic=True)
    if not path.exists():
        raise PoliceUkError(f"{path}: no crime data; run `safer-analysis import-police-uk ARCHIVE --csp NAME`")
    frame = pq.read_table(path).to_pandas()
    frame.attrs["metadata"] = crimes_metadata(path)
    return frame
