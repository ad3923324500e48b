"""Read police.uk street-level crime data and keep one Community Safety Partnership's rows.

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

import contextlib
import datetime as dt
import errno
import functools
import glob
import inspect
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.project import slug as csp_slug  # a store is named <slug>-street.parquet
from safer_analysis.inputs.store_lock import StoreLock
from safer_analysis.inputs.years import FinancialYear

METADATA_KEY = b"safer_analysis"

#: Source columns and the tidy names they are read into (Context is dropped).
SOURCE_COLUMNS = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome",
}
#: The tidy schema of a read, in order.
CRIME_COLUMNS = [
    "crime_id",
    "month",
    "financial_year",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome",
]
ASB = "Anti-social behaviour"
#: police.uk's crime categories as it spells them (the fourteen of today, then the two it used
#: until 2013); a file's crime types are matched to them in any case and spacing.
CRIME_TYPES = (
    ASB,
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Violent crime",
    "Public disorder and weapons",
)
# A street file, inside its YYYY-MM/ folder (as published) or on its own.
_STREET = re.compile(r"(?:^|/)(?:(\d{4}-\d{2})/)?(\d{4}-\d{2})-([a-z0-9-]+)-street\.csv$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

PathLike = str | os.PathLike
Progress = Callable[[int, int, str], None]


class PoliceUkError(ValueError):
    """An archive or file that cannot be read as police.uk street-level data."""


@dataclass
class ImportReport:
    """What a read found: files, rows, and the rows that could not be placed in an area."""

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
    #: Where each "month force" was read from.
    taken_from: dict[str, str] = field(default_factory=dict)
    #: Per month, the whole force's rows, anti-social behaviour rows and rows without a location.
    force_months: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Rows kept by LSOA name because no ONS lookup knows their LSOA code.
    rows_by_name: int = 0
    #: For an import into an existing store: the months added, replaced and kept.
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    #: Per month and reporting force, crime rows dropped as identical in every field to another
    #: row (a Crime ID published twice).
    duplicates_dropped: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Per month, rows kept that share a Crime ID with another row but differ in some field.
    same_id_kept: dict[str, int] = field(default_factory=dict)
    #: The duplicate rows dropped, so that a narrower selection can count only its own.
    dropped_rows: pa.Table | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """One readable paragraph: what was read, kept, skipped and why."""
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        text = (
            f"read {self.files_read} monthly file(s) ({span}; {', '.join(self.forces) or 'no force'}), "
            f"{self.rows_read:,} rows; kept {self.rows_kept:,} ({self.asb_rows:,} anti-social behaviour). "
            f"{self.rows_without_lsoa:,} rows had no LSOA and cannot be placed in an area; "
            f"{self.rows_without_location:,} had no location."
        )
        if self.duplicate_files_skipped:
            text += (
                f" {len(self.duplicate_files_skipped)} month(s) appeared in more than one archive and were "
                "read once: " + ", ".join(f"{m} {f}" for m, f, _ in self.duplicate_files_skipped) + "."
            )
        if self.other_files_ignored:
            text += f" {self.other_files_ignored} other file(s) (outcomes, stop and search, other forces) ignored."
        if self.rows_by_name:
            text += (
                f" {self.rows_by_name:,} rows had an LSOA code no ONS lookup knows and were kept by their LSOA name."
            )
        text += _duplicates_said(self.duplicates_dropped, self.same_id_kept)
        sources: dict[str, list[str]] = {}
        for key, where in self.taken_from.items():
            sources.setdefault(Path(where).name, []).append(key.split()[0])
        if len(sources) > 1:
            text += (
                " Months read from: "
                + "; ".join(f"{name}: {_span(sorted(set(ms)))}" for name, ms in sources.items())
                + "."
            )
        if self.added or self.replaced:
            text += (
                f" Into the store: {_span(self.added)} added, {_span(self.replaced)} replaced by the new "
                f"download, {_span(self.kept)} kept as held."
            )
        return text


def _duplicates_said(dropped: Mapping[str, Mapping[str, int]], same_id: Mapping[str, int]) -> str:
    """The summary's sentences on duplicate crime rows dropped and rows sharing a Crime ID kept."""
    text = ""
    per_month = {month: sum(by_force.values()) for month, by_force in dropped.items() if sum(by_force.values())}
    if per_month:
        text += (
            f" {sum(per_month.values()):,} crime row(s) identical in every field to another row with the same "
            "Crime ID were dropped as duplicates ("
            + ", ".join(f"{month}: {n:,}" for month, n in sorted(per_month.items()))
            + ")."
        )
    if any(same_id.values()):
        text += (
            f" {sum(same_id.values()):,} row(s) share a Crime ID with another row of their month but differ in some "
            "field (police.uk publishes such rows, usually with different outcomes); they are kept."
        )
    return text


def _span(months: Sequence[str]) -> str:
    """'no months', '2019-01', or '12 months (2019-01 to 2019-12)'."""
    if not months:
        return "no months"
    if len(months) == 1:
        return months[0]
    return f"{len(months)} months ({months[0]} to {months[-1]})"


@dataclass(frozen=True)
class _Member:
    month: str
    force: str
    name: str  # display name: archive plus member path, or the file's path
    archive: Path | None
    path: str  # member name in the zip, or a file path


def _as_paths(paths: PathLike | Sequence[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _csv_files(root: Path) -> list[Path]:
    """Every ``*.csv`` below a folder, following links to folders but entering each folder once,
    so a link back up the tree (``ln -s . dl/a``) is not walked round for ever; hidden names skipped."""
    seen: set[tuple[int, int]] = set()
    files = []
    for folder, folders, names in os.walk(root, followlinks=True):
        stat = os.stat(folder)
        if (stat.st_dev, stat.st_ino) in seen:
            folders[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        files += [Path(folder) / n for n in names if n.endswith(".csv") and not n.startswith(".")]
    return sorted(files)


def _candidates(root: Path) -> list[tuple[str, Path | None, str]]:
    """(path inside the source, archive or None, where to read it) for every file in one source."""
    if not root.exists():
        raise PoliceUkError(f"{root}: no such file or folder")
    if root.is_dir():
        files = _csv_files(root)
        return [(p.relative_to(root).as_posix(), None, str(p)) for p in files]
    if root.suffix.lower() == ".csv":
        if not _STREET.search(root.name):
            raise PoliceUkError(f"{root}: not a police.uk street-level file name (YYYY-MM-<force>-street.csv)")
        return [(root.name, None, str(root))]
    try:
        with zipfile.ZipFile(root) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise PoliceUkError(f"{root}: not a readable zip archive ({exc}); download it again") from None
    return [(n, root, n) for n in names]


def _members(paths: Sequence[Path], force: str | None, report: ImportReport) -> list[_Member]:
    """Every street file to read, each (month, force) once, in month order.

    A month held by several of the downloads given is taken from the download that reaches the
    latest month, the fresher one (police.uk updates outcomes between downloads); between
    downloads that reach the same month, the first given wins.
    """
    per_root: list[tuple[Path, list[_Member]]] = []
    for root in paths:
        members = []
        for rel, archive, where in _candidates(root):
            match = _STREET.search(rel)
            if not match or match.group(1) not in (None, match.group(2)):
                if rel.lower().endswith(".csv"):
                    report.other_files_ignored += 1
                continue
            month, member_force = match.group(2), match.group(3)
            if force and member_force != force:
                report.other_files_ignored += 1
                continue
            members.append(_Member(month, member_force, f"{archive}:{rel}" if archive else where, archive, where))
        per_root.append((root, members))
    reach = {i: max((m.month for m in ms), default="") for i, (_, ms) in enumerate(per_root)}
    order = sorted(range(len(per_root)), key=lambda i: reach[i], reverse=True)  # stable: ties keep their order
    found: dict[tuple[str, str], _Member] = {}
    taken_from: dict[tuple[str, str], Path] = {}
    for i in order:
        root, members = per_root[i]
        for member in members:
            key = (member.month, member.force)
            if key in found:
                if taken_from[key] != root or found[key].path != member.path:
                    report.duplicate_files_skipped.append((member.month, member.force, str(root)))
                continue
            found[key], taken_from[key] = member, root
    report.taken_from = {f"{m} {f}": str(taken_from[(m, f)]) for m, f in sorted(found)}
    return [found[k] for k in sorted(found)]


_COORDINATES = ("Longitude", "Latitude")
_CONVERT = pacsv.ConvertOptions(
    column_types={c: pa.string() for c in SOURCE_COLUMNS if c not in _COORDINATES}
    | dict.fromkeys(_COORDINATES, pa.float64()),
    include_columns=list(SOURCE_COLUMNS),
    strings_can_be_null=True,
    null_values=[""],
)
#: A store of every area is read with its repeating text columns dictionary-encoded as they are
#: parsed (on every core), so the store's writer stores their codes instead of hashing six
#: million strings again; the Crime ID (unique) and the coordinates stay plain.
_DICT = pa.dictionary(pa.int32(), pa.string())
_CONVERT_STORE = pacsv.ConvertOptions(
    column_types={c: _DICT for c in SOURCE_COLUMNS if c not in (*_COORDINATES, "Crime ID")}
    | dict.fromkeys(_COORDINATES, pa.float64())
    | {"Crime ID": pa.string()},
    include_columns=list(SOURCE_COLUMNS),
    strings_can_be_null=True,
    null_values=[""],
)
_READ = pacsv.ReadOptions(use_threads=True)
_READ_ONE = pacsv.ReadOptions(use_threads=False)  # for files parsed side by side, one per core


#: A monthly file larger than this is read in blocks of ``STREAM_BLOCK_BYTES`` (whole rows each),
#: parsed and filtered block by block, so memory stays bounded whatever the file's size.
STREAM_FROM_BYTES, STREAM_BLOCK_BYTES = 256 << 20, 64 << 20
#: How many times its compressed size a zip member may expand to (police.uk's CSV expands about
#: five times); beyond it, past its first megabyte, it is refused as a zip bomb.
MAX_EXPANSION, EXPANSION_CHECKED_FROM = 100, 1 << 20


def _zip_bomb(member: _Member, expanded: int, compressed: int) -> PoliceUkError | None:
    """The error for a member that expands further than any police.uk file, or None."""
    if expanded <= EXPANSION_CHECKED_FROM or expanded <= MAX_EXPANSION * max(compressed, 1):
        return None
    return PoliceUkError(
        f"{member.name}: expands to more than {MAX_EXPANSION} times its compressed size ({compressed:,} bytes), "
        "far beyond any police.uk file (about five times): not read; download the archive again from data.police.uk"
    )


def _size(member: _Member, zips: dict[Path, zipfile.ZipFile]) -> int:
    """A monthly file's size as its folder or zip gives it (a zip member far too large to be real is refused)."""
    try:
        if member.archive is None:
            return os.path.getsize(member.path)
        info = _zip(member, zips).getinfo(member.path)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise PoliceUkError(f"{member.name}: cannot be read ({exc}); download it again") from None
    bomb = _zip_bomb(member, info.file_size, info.compress_size)
    if bomb:
        raise bomb
    return info.file_size


def _zip(member: _Member, zips: dict[Path, zipfile.ZipFile]) -> zipfile.ZipFile:
    """The open archive of a zip member, opened once per reader."""
    z = zips.get(member.archive)
    if z is None:
        z = zips[member.archive] = zipfile.ZipFile(member.archive)
    return z


def _row_end(data: bytes) -> int:
    """Where the last whole row of ``data`` ends (after its line break, outside quotes), or 0."""
    end = data.rfind(b"\n")
    while end != -1 and data.count(b'"', 0, end) % 2:  # inside a quoted field: an earlier break
        end = data.rfind(b"\n", 0, end)
    return end + 1


def _blocks(member: _Member, zips: dict[Path, zipfile.ZipFile]) -> Iterator[bytes]:
    """A large monthly file as blocks of whole rows, each after the header, read from its folder or
    straight out of its zip without holding the file whole; a zip bomb is refused as it expands."""
    compressed = _zip(member, zips).getinfo(member.path).compress_size if member.archive else None
    try:
        handle = open(member.path, "rb") if member.archive is None else _zip(member, zips).open(member.path)  # noqa: SIM115
        with handle:
            header = handle.readline(1 << 20)
            expanded, carry = len(header), b""
            while chunk := handle.read(STREAM_BLOCK_BYTES):
                expanded += len(chunk)
                bomb = compressed is not None and _zip_bomb(member, expanded, compressed)
                if bomb:
                    raise bomb
                data = carry + chunk
                cut = _row_end(data)
                if cut:
                    yield header + data[:cut]
                carry = data[cut:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise PoliceUkError(
            f"{member.name}: cannot be read from its archive ({exc}); the zip may be truncated "
            "or corrupt: download it again"
        ) from None
    if carry.strip() or expanded == len(header):
        yield header + carry


def _at_row(problem: str, member: _Member, rows_before: int) -> str:
    """A problem found in one block, its row counted from the start of the file."""
    return re.sub(
        rf"^{re.escape(member.name)}, row (\d+)",
        lambda m: f"{member.name}, row {int(m.group(1)) + rows_before}",
        problem,
        count=1,
    )


def _read_member(member: _Member, zips: dict[Path, zipfile.ZipFile]) -> bytes:
    """The raw bytes of one monthly file, from its folder or straight out of its zip."""
    try:
        if member.archive is None:
            return Path(member.path).read_bytes()
        z = zips.get(member.archive)
        if z is None:
            z = zips[member.archive] = zipfile.ZipFile(member.archive)
        return z.read(member.path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise PoliceUkError(
            f"{member.name}: cannot be read from its archive ({exc}); the zip may be truncated "
            "or corrupt: download it again"
        ) from None


def _not_csv(data: bytes, member: _Member) -> str | None:
    """Why ``data`` is plainly not a street-level CSV (empty, or a web page saved as .csv), or None."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return (
            f"{member.name}: the file is empty ({len(data)} bytes); expected the police.uk header "
            f"({', '.join(SOURCE_COLUMNS)}) and a row per crime: download it again"
        )
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        return (
            f"{member.name}, row 1: a web page (HTML) saved as CSV, not police.uk data; expected the header "
            f"{', '.join(list(SOURCE_COLUMNS)[:3])}, ...: the download failed, download it again"
        )
    return None


def _arrow_owned(data: bytes) -> pa.BufferReader:
    """``data`` copied into memory Arrow owns, for Arrow's threads to parse.

    Given a Python object (``io.BytesIO``, or bytes wrapped in place), Arrow's worker threads
    release it after the read has returned, which takes Python's lock; at interpreter exit that
    aborts the process ("terminate called without an active exception", exit 134) after the
    command has printed its message. Memory Arrow owns is released without Python.
    """
    stream = pa.BufferOutputStream()
    stream.write(data)
    return pa.BufferReader(stream.getvalue())


def _parse(
    data: bytes, member: _Member, convert: pacsv.ConvertOptions = _CONVERT, read: pacsv.ReadOptions = _READ
) -> pa.Table:
    """Parse CSV bytes into the tidy column names (strings, coordinates as float64)."""
    problem = _not_csv(data, member)
    if problem:
        raise PoliceUkError(problem)
    try:
        try:
            table = pacsv.read_csv(_arrow_owned(data), read_options=read, convert_options=convert)
        except pa.ArrowInvalid as exc:
            if "straddling" not in str(exc):
                raise
            # a row longer than a parsing block (a long quoted field): parse in one block as long as the file
            longer = pacsv.ReadOptions(use_threads=read.use_threads, block_size=len(data) + 1)
            table = pacsv.read_csv(_arrow_owned(data), read_options=longer, convert_options=convert)
    except (pa.ArrowInvalid, pa.ArrowKeyError) as exc:
        text = str(exc)
        missing = re.search(r"Column '([^']+)' in include_columns does not exist", text)
        if missing:
            raise PoliceUkError(
                f"{member.name}: column '{missing.group(1)}' is missing from the header; expected "
                f"the police.uk street-level columns ({', '.join(SOURCE_COLUMNS)})"
            ) from None
        coordinate = _coordinate_problem(data, member, convert, read) if "conversion error" in text else None
        raise PoliceUkError(coordinate or f"{member.name}: not valid police.uk CSV ({text})") from None
    return table.rename_columns([SOURCE_COLUMNS[c] for c in table.column_names])


#: A coordinate as pyarrow reads a float: a decimal number, or nan or inf.
_NUMBER = r"(?i)^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|nan|inf|infinity)$"


def _coordinate_problem(
    data: bytes, member: _Member, convert: pacsv.ConvertOptions, read: pacsv.ReadOptions
) -> str | None:
    """Which row and coordinate column holds text that is not a number (pyarrow's own message
    names no row), found by reading the coordinates as text; None if neither does."""
    as_text = pacsv.ConvertOptions(
        column_types=dict(convert.column_types) | dict.fromkeys(_COORDINATES, pa.string()),
        include_columns=list(convert.include_columns),
        strings_can_be_null=True,
        null_values=[""],
    )
    try:
        table = pacsv.read_csv(_arrow_owned(data), read_options=read, convert_options=as_text)
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    for name in _COORDINATES:
        column = table.column(name)
        bad = pc.invert(pc.fill_null(pc.match_substring_regex(column, _NUMBER), True))
        if pc.any(bad).as_py():
            row = pc.index(bad, True).as_py()
            return (
                f"{member.name}, row {row + 2}, column '{name}': expected a number in decimal degrees, or nothing "
                f"where there is no location, found {column[row].as_py()!r}: correct the file or download it again"
            )
    return None


def _month_problem(table: pa.Table, member: _Member) -> str | None:
    """Why the Month column is wrong (naming file, row and column), or None: vectorised."""
    months = table.column("month")
    if pa.types.is_dictionary(months.type):
        if all(c.null_count == 0 and c.dictionary.to_pylist() == [member.month] for c in months.chunks):
            return None  # one value in every block, the file's month: no row can differ
        months = months.cast(pa.string())
    bad = pc.invert(pc.fill_null(pc.equal(months, member.month), False))
    if not pc.any(bad).as_py():
        return None
    row = pc.index(bad, True).as_py()
    value = months[row].as_py()
    expected = (
        "a month of the form YYYY-MM"
        if value is None or not _MONTH.match(value)
        else f"{member.month}, the month in the file name"
    )
    return f"{member.name}, row {row + 2}, column 'Month': expected {expected}, found {value!r}"


def _category_key(text: str) -> str:
    """A crime type as compared: case folded, spaces collapsed ('Bicycle  Theft ' -> 'bicycle theft')."""
    return " ".join(text.split()).casefold()


_CATEGORIES = {_category_key(c): c for c in CRIME_TYPES}


def _distinct(column: pa.ChunkedArray) -> set:
    """The distinct values of a column; of a dictionary-encoded one, from its codes, decoding
    only the values used."""
    if not pa.types.is_dictionary(column.type):
        return set(pc.unique(column).to_pylist())
    found: set = set()
    for chunk in column.chunks:
        found.update(chunk.dictionary.take(pc.unique(chunk.indices)).to_pylist())
    return found


def _crime_types(table: pa.Table, member: _Member) -> tuple[pa.Table, str | None]:
    """The table with every crime type spelt as police.uk spells it, or the problem naming the
    file, row and column of the first type that is none of police.uk's categories. Only the
    distinct values are looked at (a dictionary-encoded column's dictionary), never each row."""
    column = table.column("crime_type")
    found = _distinct(column)
    if column.null_count == 0 and all(value in CRIME_TYPES for value in found):
        return table, None
    plain = column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
    spelt = {value: _CATEGORIES.get(_category_key(value)) if value is not None else None for value in found}
    unknown = [value for value, category in spelt.items() if category is None]
    if unknown:
        value = unknown[0]
        row = (pc.index(pc.is_null(plain), True) if value is None else pc.index(plain, value)).as_py()
        return table, (
            f"{member.name}, row {row + 2}, column 'Crime type': expected one of police.uk's crime categories "
            f"({', '.join(CRIME_TYPES)}), found {'nothing' if value is None else repr(value)}: correct the file "
            "or download it again"
        )
    values = pa.array(list(spelt), pa.string())
    fixed = pc.take(pa.array(list(spelt.values()), pa.string()), pc.index_in(plain, value_set=values))
    if pa.types.is_dictionary(column.type):
        fixed = pc.dictionary_encode(fixed)
    return table.set_column(table.column_names.index("crime_type"), "crime_type", fixed), None


def _lines_with(data: bytes, needle: bytes, start: int, spans: set[tuple[int, int]], *, field_start: bool) -> None:
    """Add to ``spans`` the (start, end) of every line from ``start`` holding ``needle``.

    With ``field_start``, the needle must open a field (follow ``,`` or ``,"``): a match inside
    another field, such as ``On or near Plymouth Road``, does not count on its own.
    """
    i = data.find(needle, start)
    while i != -1:
        if field_start:
            before = data[i - 1 : i]
            if not (before == b"," or (before == b'"' and data[i - 2 : i - 1] == b",")):
                i = data.find(needle, i + 1)
                continue
        line_end = data.find(b"\n", i)
        line_end = len(data) if line_end == -1 else line_end + 1
        spans.add((data.rfind(b"\n", start - 1, i) + 1, line_end))
        i = data.find(needle, line_end)


def _prefilter(data: bytes, prefixes: Sequence[str], month: str) -> tuple[bytes, int, bool]:
    """The header and only the lines that can matter, the file's row count, and whether every
    row's Month looks right.

    Searching the raw bytes for each LSOA-name prefix skips parsing every other area's lines (a
    CSP is well under 1% of a national file). Lines with two empty fields in a row (``,,,``)
    are kept as well: police.uk leaves both coordinates blank when there is no location, and
    both LSOA fields blank when there is no LSOA, so the rows without either are all among them
    and are counted exactly once parsed. The Month check counts ``,YYYY-MM,`` in the bytes; if
    any row may lack it, the caller parses the whole file to find and name that row.
    """
    first = data.find(b"\n")
    if first == -1:
        return data, 0, True
    body = first + 1
    rows = data.count(b"\n", body) + (0 if data.endswith(b"\n") or len(data) == body else 1)
    spans: set[tuple[int, int]] = set()
    for prefix in prefixes:
        _lines_with(data, prefix.encode(), body, spans, field_start=True)
    _lines_with(data, b",,,", body, spans, field_start=False)
    kept = b"".join(data[a:b] for a, b in sorted(spans))
    if kept and not kept.endswith(b"\n"):
        kept += b"\n"
    months_ok = data.count(b"," + month.encode() + b",", body) >= rows
    return data[:body] + kept, rows, months_ok


def _count_null(table: pa.Table, *columns: str) -> int:
    mask = None
    for c in columns:
        m = pc.is_null(table.column(c))
        mask = m if mask is None else pc.or_(mask, m)
    return pc.sum(pc.cast(mask, pa.int64())).as_py() or 0


def _prefix_mask(names: pa.ChunkedArray, prefixes: Sequence[str]) -> pa.ChunkedArray:
    mask = None
    for p in prefixes:
        m = pc.fill_null(pc.starts_with(names, p), False)
        mask = m if mask is None else pc.or_(mask, m)
    return mask


def _select(table: pa.Table, prefixes: Sequence[str] | None, codes: Sequence[str] | None) -> pa.Table:
    """Rows whose LSOA name starts with any prefix or whose LSOA code is listed (all if neither)."""
    if not prefixes and codes is None:
        return table
    mask = _prefix_mask(table.column("lsoa_name"), prefixes) if prefixes else None
    if codes is not None:
        m = pc.fill_null(pc.is_in(table.column("lsoa_code"), value_set=pa.array(list(codes), pa.string())), False)
        mask = m if mask is None else pc.or_(mask, m)
    return table.filter(mask)


def _repeated_id_rows(table: pa.Table) -> pa.Array:
    """The positions of the rows whose Crime ID appears more than once in ``table`` (a Crime ID is
    hashed once; only the rows of repeated IDs are looked at further)."""
    ids = table.column("crime_id")
    if ids.null_count == len(ids):
        return pa.array([], pa.uint64())
    tally = pc.value_counts(ids.combine_chunks() if ids.num_chunks != 1 else ids.chunk(0))
    repeated = tally.filter(pc.and_(pc.is_valid(tally.field("values")), pc.greater(tally.field("counts"), 1)))
    if len(repeated) == 0:
        return pa.array([], pa.uint64())
    return pc.indices_nonzero(pc.fill_null(pc.is_in(ids, value_set=repeated.field("values")), False))


def _duplicates(table: pa.Table) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """Crime rows identical in every field to an earlier row with the same Crime ID dropped: the
    rows kept (in their order), the rows dropped, and per month the rows kept that share a Crime
    ID with an earlier row but differ from it. Anti-social behaviour rows (no Crime ID) are never
    dropped: two identical ones are two incidents at the same anonymised point. Only the few rows
    of repeated Crime IDs are compared field by field."""
    at = _repeated_id_rows(table)
    if len(at) == 0:
        return table, table.slice(0, 0), {}
    names = table.column_names
    month_at, id_at = names.index("month"), names.index("crime_id")
    seen: set[tuple] = set()
    ids: set[tuple] = set()
    drop: list[int] = []
    same: dict[str, int] = {}
    rows = zip(*(c.to_pylist() for c in table.take(at).columns), strict=True)
    for position, values in zip(at.to_pylist(), rows, strict=True):
        if values in seen:
            drop.append(position)
            continue
        seen.add(values)
        key = (values[month_at], values[id_at])
        if key in ids:
            same[values[month_at]] = same.get(values[month_at], 0) + 1
        ids.add(key)
    if not drop:
        return table, table.slice(0, 0), same
    import numpy as np

    keep = np.ones(table.num_rows, dtype=bool)
    keep[drop] = False
    return table.filter(pa.array(keep)), table.take(pa.array(drop, pa.uint64())), same


def _drop_duplicates(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The rows kept and the rows dropped as duplicates (see :func:`_duplicates`)."""
    kept, dropped, _ = _duplicates(table)
    return kept, dropped


def _same_id_rows(table: pa.Table) -> dict[str, int]:
    """Per month, the rows that share a Crime ID with an earlier row of the month but differ from
    it in some field (once exact duplicates are set aside), for the months that hold any."""
    return _duplicates(table)[2]


def _dropped_by_force(dropped: pa.Table) -> dict[str, dict[str, int]]:
    """Duplicate rows dropped, per month and reporting force."""
    counts: dict[str, dict[str, int]] = {}
    for month, force in zip(
        dropped.column("month").to_pylist(), dropped.column("reported_by").to_pylist(), strict=True
    ):
        by_force = counts.setdefault(month, {})
        by_force[force or ""] = by_force.get(force or "", 0) + 1
    return counts


def _note_duplicates(report: ImportReport, table: pa.Table, dropped: pa.Table) -> None:
    """Record in ``report`` the duplicate rows dropped from ``table`` and its rows sharing a Crime ID."""
    report.dropped_rows = dropped
    report.duplicates_dropped = _dropped_by_force(dropped)
    report.same_id_kept = _same_id_rows(table)


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


def _financial_year(month: str) -> str:
    """'2019-03' -> '2018-19', '2019-04' -> '2019-20' (April to March)."""
    return FinancialYear.of_month(month).label


def _empty_table() -> pa.Table:
    return pa.table(
        {
            c: pa.array([], pa.float64() if c in ("longitude", "latitude") else pa.string())
            for c in SOURCE_COLUMNS.values()
        }
    )


def _asb_rows(table: pa.Table) -> int:
    """Anti-social behaviour rows; a dictionary-encoded column (a store of every area) is counted
    on its codes, without decoding six million strings."""
    column = table.column("crime_type")
    if not pa.types.is_dictionary(column.type):
        return pc.sum(pc.cast(pc.equal(column, ASB), pa.int64())).as_py() or 0
    total = 0
    for chunk in column.chunks:
        code = chunk.dictionary.index(ASB).as_py()
        if code >= 0:
            total += pc.sum(pc.equal(chunk.indices, code)).as_py() or 0
    return total


def _plan(paths: PathLike | Sequence[PathLike], force: str | None) -> tuple[ImportReport, list[_Member]]:
    """The report to fill and every street file to read, or a clear error if there is none."""
    sources = _as_paths(paths)
    report = ImportReport(sources=[str(p) for p in sources])
    members = _members(sources, force, report)
    if not members:
        raise PoliceUkError(
            f"{', '.join(map(str, sources))}: no street-level crime files (YYYY-MM/YYYY-MM-<force>-street.csv)"
            + (f" of {force}" if force else "")
            + (
                f"; found only {report.other_files_ignored} other file(s), such as outcomes or stop and search"
                if report.other_files_ignored
                else ""
            )
            + ": download the force's archive from data.police.uk with its crime data included"
        )
    report.months = sorted({m.month for m in members})
    report.forces = sorted({m.force for m in members})
    return report, members


def _tally(report: ImportReport, counts: tuple[int, int, int, int, str], files: int = 1) -> None:
    """Add the (rows, rows without location, without LSOA, anti-social behaviour, month) of one
    file, or of ``files`` files of one month."""
    rows, no_location, no_lsoa, asb, month = counts
    report.files_read += files
    report.rows_read += rows
    report.rows_without_location += no_location
    report.rows_without_lsoa += no_lsoa
    stats = report.force_months.setdefault(month, {"rows": 0, "asb": 0, "no_location": 0})
    stats["rows"] += rows
    stats["asb"] += asb
    stats["no_location"] += no_location


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
        [pa.repeat(_financial_year(counts[-1]), t.num_rows) for t, counts, _ in results], pa.string()
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
    if isinstance(table, pd.DataFrame):
        mask = pd.Series(False, index=table.index)
        if csp:
            mask |= table["lsoa_name"].fillna("").str.startswith(_prefix(csp))
        if codes is not None:
            mask |= table["lsoa_code"].isin(codes)
        return table[mask]
    return _select(table, [_prefix(csp)] if csp else None, codes)


def _alive(pid: int) -> bool:
    """Whether a process is running (POSIX; elsewhere every process is taken to be running)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _temporary(out_path: Path) -> str:
    """A new temporary file beside ``out_path``, named for this process, that replaces it once
    whole. Those that imports killed part-way left beside it (their process has ended) are
    removed first, so a killed national import does not leave its hundreds of megabytes behind."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in out_path.parent.glob(f".{glob.escape(out_path.name)}.*.tmp"):
        pid = stale.name[len(out_path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.{os.getpid()}.", suffix=".tmp", dir=out_path.parent)
    os.close(fd)
    return tmp


def _write(table: pa.Table, out_path: Path, metadata: dict) -> None:
    """Write parquet (zstd) atomically: a failed write never replaces the last good cache."""
    out_path = Path(out_path)
    meta = dict(table.schema.metadata or {})
    meta[METADATA_KEY] = json.dumps(metadata).encode()
    table = table.replace_schema_metadata(meta)
    tmp = _temporary(out_path)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _metadata(
    months: Iterable[str],
    rows: int,
    report: ImportReport,
    csp: str | None,
    synthetic: bool,
    earlier: dict | None = None,
    force_months: dict[str, dict[str, int]] | None = None,
    duplicates: tuple[dict[str, dict[str, int]], dict[str, int]] | None = None,
) -> dict:
    """The store's metadata; ``duplicates`` is (rows dropped per month and force, rows kept that
    share a Crime ID per month) for the whole store, by default those of ``report``."""
    earlier = earlier or {}
    sources = list(dict.fromkeys([*earlier.get("sources", []), *(Path(s).name for s in report.sources)]))
    dropped, same_id = duplicates if duplicates is not None else (report.duplicates_dropped, report.same_id_kept)
    return {
        "csp": csp,
        "synthetic": bool(synthetic),
        "sources": sources,
        "months": sorted(set(months)),
        "rows": rows,
        "force_months": force_months or {**earlier.get("force_months", {}), **report.force_months},
        "duplicates_dropped": {m: dict(sorted(f.items())) for m, f in sorted(dropped.items()) if m in set(months)},
        "same_id_kept": {m: n for m, n in sorted(same_id.items()) if m in set(months)},
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def _months_of(table: pa.Table) -> list[str]:
    return pc.unique(table.column("month")).to_pylist() if table.num_rows else []


def _held(
    out_path: Path, csp: str | None, report: ImportReport, *, drop_fresh: bool = True, encoded: bool = False
) -> tuple[pa.Table | None, dict | None]:
    """The rows of a store already held that stay (its months not read again; every row with
    ``drop_fresh=False``) and its metadata; the report learns which months are added, replaced
    and kept. With ``encoded`` the repeating text is read dictionary-encoded, as a store of every
    area is written (a third of the memory of six million strings)."""
    if not out_path.exists():
        report.added = sorted(set(report.months))
        return None, None
    earlier = crimes_metadata(out_path)
    if csp and earlier.get("csp") and str(earlier["csp"]).lower() != csp.lower():
        raise PoliceUkError(f"{out_path} holds {earlier['csp']}, not {csp}: give another --out, or remove it first")
    text = [c for c in CRIME_COLUMNS if c not in _DENSE] if encoded else None
    with _reading_store(out_path):
        old = pq.read_table(out_path, read_dictionary=text).replace_schema_metadata(None).select(CRIME_COLUMNS)
    held = set(earlier.get("months") or _months_of(old))
    fresh = set(report.months)
    report.added = sorted(fresh - held)
    report.replaced = sorted(fresh & held)
    report.kept = sorted(held - fresh)
    if not drop_fresh:
        return old, earlier
    keep = old.filter(pc.invert(pc.is_in(old.column("month"), value_set=pa.array(sorted(fresh), pa.string()))))
    return keep, earlier


#: A force's month read again with fewer rows than this share of the rows held is refused.
SMALLER_THAN = 0.9


def _rows_by_force(table: pa.Table) -> dict[tuple[str, str], int]:
    """Rows per (month, reporting force) of a table."""
    if table.num_rows == 0:
        return {}
    keys = table.select(["month", "reported_by"]).unify_dictionaries()
    groups = keys.group_by(["month", "reported_by"]).aggregate([([], "count_all")])
    return {(g["month"], g["reported_by"] or ""): g["count_all"] for g in groups.to_pylist()}


def _smaller_problem(held: Mapping[tuple[str, str], int], fresh: Mapping[tuple[str, str], int]) -> str | None:
    """Why a month read again may not replace the rows held (a force's month with fewer than 90%
    of the rows held: a partial download, say), naming month, force and both counts; or None."""
    smaller = [
        (key, n, fresh.get(key, 0)) for key, n in sorted(held.items()) if n and fresh.get(key, 0) < SMALLER_THAN * n
    ]
    if not smaller:
        return None
    (month, force), n, new = smaller[0]
    more = f" (and {len(smaller) - 1} more force-month(s) like it)" if len(smaller) > 1 else ""
    return (
        f"{month}, {force or 'no force named'}: the new download holds {new:,} rows for this month where the store "
        f"holds {n:,} ({new / n:.0%}, under {SMALLER_THAN:.0%}){more}; it may be incomplete: download it again, or "
        "give --replace-smaller to replace the rows held with it"
    )


def _check_not_smaller(new: pa.Table, out_path: Path, report: ImportReport) -> None:
    """Refuse to replace a month held with a download holding fewer than 90% of its rows, per force."""
    if not out_path.exists() or not report.months:
        return
    fresh = pa.array(sorted(set(report.months)), pa.string())
    try:
        held = pq.read_table(out_path, columns=["month", "reported_by"], filters=pc.is_in(pc.field("month"), fresh))
    except (pa.ArrowInvalid, OSError):
        return  # an unreadable store is refused where it is read for the merge
    problem = _smaller_problem(_rows_by_force(held), _rows_by_force(new))
    if problem:
        raise PoliceUkError(problem)


def _merge(new: pa.Table, out_path: Path, csp: str | None, report: ImportReport) -> tuple[pa.Table, dict | None]:
    """Add the months just read to a store already held: a month read again replaces the copy held."""
    keep, earlier = _held(out_path, csp, report)
    if keep is None:
        return new, None
    merged = pa.concat_tables([keep, new.replace_schema_metadata(None).select(CRIME_COLUMNS)])
    order = pc.sort_indices(merged, sort_keys=[("month", "ascending")])
    return merged.take(order), earlier


# ---- a store of every area, written as it is read ------------------------------------------------

#: The columns of a store of every area as written: repeating text as dictionary codes. It is
#: written without its Arrow schema, so it reads back with plain string columns, as any store.
_DENSE = ("crime_id", "longitude", "latitude")
_STORE_SCHEMA = pa.schema(
    [
        (c, pa.float64() if c in ("longitude", "latitude") else pa.string() if c == "crime_id" else _DICT)
        for c in CRIME_COLUMNS
    ]
)


def _read_whole(member: _Member, data: bytes | pa.Table) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """Parse and check every row of one monthly file for a store of every area (run in a thread
    per core: Arrow parses without holding Python's lock): the rows kept, the duplicate rows
    dropped and the rows sharing a Crime ID (:func:`_duplicates`). A large file comes already
    read and checked, a block at a time (:func:`_read_streamed`)."""
    table = data if isinstance(data, pa.Table) else _checked_rows(member, data)
    return _duplicates(table)


def _checked_rows(member: _Member, data: bytes) -> pa.Table:
    """Every row of one file (or block of a file), parsed and checked, with its financial year."""
    table = _parse(data, member, _CONVERT_STORE, _READ_ONE)
    problem = _month_problem(table, member)
    if problem:
        raise PoliceUkError(problem)
    table, problem = _crime_types(table, member)
    if problem:
        raise PoliceUkError(problem)
    rows = table.num_rows
    year = pa.DictionaryArray.from_arrays(
        pa.repeat(pa.scalar(0, pa.int32()), rows), pa.array([_financial_year(member.month)])
    )
    return table.append_column("financial_year", year).select(CRIME_COLUMNS)


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


def _month_counts(table: pa.Table, month: str) -> tuple[int, int, int, int, str]:
    """(rows, rows without location, without LSOA, anti-social behaviour, month) of a month's rows."""
    return (
        table.num_rows,
        _count_null(table, "longitude", "latitude"),
        table.column("lsoa_code").null_count,
        _asb_rows(table),
        month,
    )


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
    killed import leaves the last good store. The same thread counts each month's rows per
    partnership (:func:`partnership_counts`), written beside the store once it is in place."""

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
        )
        self.queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.counts: list[pd.DataFrame] = []
        self.thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (table := self.queue.get()) is not None:
            if self.error is None:  # after a failure, keep taking tables so the reader never waits
                try:
                    table = table.unify_dictionaries()  # one dictionary per column: its codes are written as they are
                    self.writer.write_table(table)
                    self.counts.append(partnership_counts(table.select(["lsoa_code", "month", "crime_type"])))
                except BaseException as exc:  # noqa: BLE001 - raised again in the reading thread
                    self.error = exc

    def put(self, table: pa.Table) -> None:
        """Queue one month's rows (blocking while two months wait to be written)."""
        if self.error is not None:
            raise self.error
        if table.num_rows:
            self.queue.put(table)

    def commit(self, metadata: dict) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        self.writer.add_key_value_metadata({METADATA_KEY.decode(): json.dumps(metadata)})
        self.writer.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.out_path)
        # each month is counted once, so the months' counts together are the store's
        counts = pd.concat(self.counts) if self.counts else pd.DataFrame(columns=COUNT_COLUMNS)
        write_partnership_counts(self.out_path, counts.sort_values(COUNT_COLUMNS[:3], ignore_index=True))

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
            raw = [  # zips are read from this thread alone; a large file is parsed here, a block at a time
                _read_member(member, zips) if _size(member, zips) <= STREAM_FROM_BYTES else _read_streamed(member, zips)
                for member in files
            ]
            tables, dropped_rows, same_id = [], [], {}
            for member, (table, dropped, same) in zip(files, parsers.map(_read_whole, files, raw), strict=True):
                tables.append(table)
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
                table = kept if table is None else pa.concat_tables([kept, table])
                counts = _month_counts(table, month)
            rows, no_location, _, asb, _ = counts
            stored[month] = {"rows": rows, "asb": asb, "no_location": no_location}
            if dropped_here:
                store_dropped[month] = dropped_here
            same = (_same_id_rows(table) if month in held else report.same_id_kept).get(month, 0)
            if same:
                store_same_id[month] = same
            writer.put(table)
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


def _one_writer(stores: Callable[[dict], Iterable[Path]]) -> Callable:
    """Make an import hold the lock of every store it writes (named by ``stores`` from its arguments)."""

    def wrap(func: Callable) -> Callable:
        """``func`` holding its stores' locks."""
        signature = inspect.signature(func)

        @functools.wraps(func)
        def locked(*args, **kwargs):
            written = sorted({Path(s).resolve() for s in stores(signature.bind(*args, **kwargs).arguments)})
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


@_one_writer(lambda given: [Path(given["out_dir"]) / f"{csp_slug(name)}-street.parquet" for name in given["areas"]])
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
        out_path = Path(out_dir) / f"{csp_slug(name)}-street.parquet"
        stores[out_path] = _into_store(part, out_path, reports[name], name, synthetic, replace_store, replace_smaller)
    for out_path, (table, metadata) in stores.items():
        _write(table, out_path, metadata)
    return reports


#: Stores read into this process ahead of time (:func:`preload`), by path, with their size and time.
_PRELOADED: dict[Path, tuple[tuple[int, int], pd.DataFrame]] = {}


def preload(path: PathLike) -> None:
    """Read a store into this process once, for every later :func:`load_area` of it here and in
    this process's forks (a build of a whole force reads the force's store once, not once per area).
    A store changed on disk since is read again."""
    path = Path(path).resolve()
    stat = path.stat()
    _PRELOADED[path] = ((stat.st_mtime_ns, stat.st_size), load_crimes(path))


def _preloaded(path: PathLike) -> pd.DataFrame | None:
    path = Path(path).resolve()
    held = _PRELOADED.get(path)
    if held is None or not path.is_file():
        return None
    stat = path.stat()
    return held[1] if held[0] == (stat.st_mtime_ns, stat.st_size) else None


def load_area(path: PathLike, area: str, lsoa_codes: Iterable[str]) -> pd.DataFrame:
    """One area's rows of a store holding many (``import-police-uk --all-areas``), by LSOA code,
    with the store's metadata relabelled for the area."""
    frame = _preloaded(path)
    if frame is None:
        frame = load_crimes(path)
    meta = dict(frame.attrs.get("metadata", {}))
    out = frame[frame["lsoa_code"].isin(set(lsoa_codes))].reset_index(drop=True)
    if out.empty:
        raise PoliceUkError(f"{path} holds no rows for {area}: import the force that covers it")
    meta.update(csp=area, rows=len(out), cut_from=Path(path).name)
    out.attrs["metadata"] = meta
    return out


def _missing(path: Path) -> PoliceUkError:
    return PoliceUkError(
        f"{path}: no crime data; run `safer-analysis import-police-uk ARCHIVE --csp NAME` "
        "to make it from a police.uk archive"
    )


@contextlib.contextmanager
def _reading_store(path: Path):
    """Turn a store that cannot be read (not parquet, truncated, columns lost) into one line saying
    how to make it afresh from the downloads."""
    try:
        yield
    except (pa.ArrowException, OSError, KeyError, ValueError) as exc:
        if isinstance(exc, PoliceUkError):
            raise
        reason = str(exc).replace(f"Could not open Parquet input source '{path}': ", "").splitlines()[0]
        every = " --all-areas" if path.name == "all-areas-street.parquet" else ""
        raise PoliceUkError(
            f"{path}: the crime store is damaged and cannot be read ({reason.rstrip('.')}); make it afresh "
            f"from every download it was made from: safer-analysis import-police-uk ARCHIVE [ARCHIVE ...]{every} "
            f"--new-store --out {path}"
        ) from None


def crimes_metadata(path: PathLike) -> dict:
    """The metadata an import wrote into a cache (CSP, synthetic flag, sources, months, rows, created)."""
    path = Path(path)
    if not path.exists():
        raise _missing(path)
    with _reading_store(path):
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta.get(METADATA_KEY, b"{}"))


def store_months(path: PathLike) -> list[str]:
    """The months a store holds, read from its month column (a damaged store is named, as
    :func:`load_crimes` names it)."""
    path = Path(path)
    if not path.exists():
        raise _missing(path)
    with _reading_store(path):
        months = pq.read_table(path, columns=["month"]).column("month")
        return sorted(str(m) for m in pc.unique(months).to_pylist() if m)


def duplicates_dropped(path: PathLike) -> dict[str, int]:
    """Crime rows dropped from a store as duplicates (identical in every field to another row with
    the same Crime ID), per month held; empty for a store written before duplicates were counted."""
    meta = crimes_metadata(path)
    if "duplicates_dropped" not in meta:
        return {}
    dropped = meta["duplicates_dropped"]
    return {month: sum(dropped.get(month, {}).values()) for month in meta.get("months", [])}


def load_crimes(path: PathLike) -> pd.DataFrame:
    """A store written by :func:`import_police_uk` as a DataFrame, its metadata in ``attrs['metadata']``."""
    path = Path(path)
    if not path.exists():
        raise _missing(path)
    with _reading_store(path):
        frame = pq.read_table(path).to_pandas()
    frame.attrs["metadata"] = crimes_metadata(path)
    return frame


# ---- counts per partnership ---------------------------------------------------------------------

#: The columns of a partnership counts file (:func:`partnership_counts`).
COUNT_COLUMNS = ["csp_code", "month", "crime_type", "count"]
NO_LOCATION = "no location"
NOT_KNOWN = "LSOA not in the ONS lookups"
NOT_PLACED = "LSOA in no single partnership"


def counts_file(store: PathLike) -> Path:
    """Where the partnership counts of a store of all areas are written: beside it,
    ``all-areas-street.parquet`` giving ``all-areas-counts.csv``."""
    store = Path(store)
    return store.with_name(store.name.removesuffix(".parquet").removesuffix("-street") + "-counts.csv")


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
