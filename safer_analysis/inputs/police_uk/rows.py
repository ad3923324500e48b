"""Rows read and checked: one file's bytes parsed into the tidy columns, each month, crime type
and coordinate checked (a fault named by file, row and column), an area's rows selected, and
crimes published twice found."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from safer_analysis.inputs.police_uk.common import (
    _MONTH,
    ASB,
    CRIME_TYPES,
    SOURCE_COLUMNS,
    ImportReport,
    PoliceUkError,
    _Member,
)
from safer_analysis.inputs.years import FinancialYear

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


def _not_csv(data: bytes | pa.Buffer, member: _Member) -> str | None:
    """Why ``data`` is plainly not a street-level CSV (empty, or a web page saved as .csv), or None."""
    head = bytes(memoryview(data)[:512]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
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


def _arrow_owned(data: bytes | pa.Buffer) -> pa.BufferReader:
    """``data`` copied into memory Arrow owns, for Arrow's threads to parse (a buffer Arrow read
    from a file, :func:`~.files._read_member_buffer`, is its own already and is not copied).

    Given a Python object (``io.BytesIO``, or bytes wrapped in place), Arrow's worker threads
    release it after the read has returned, which takes Python's lock; at interpreter exit that
    aborts the process ("terminate called without an active exception", exit 134) after the
    command has printed its message. Memory Arrow owns is released without Python.
    """
    if isinstance(data, pa.Buffer):
        return pa.BufferReader(data)
    stream = pa.BufferOutputStream()
    stream.write(data)
    return pa.BufferReader(stream.getvalue())


def _parse(
    data: bytes | pa.Buffer, member: _Member, convert: pacsv.ConvertOptions = _CONVERT, read: pacsv.ReadOptions = _READ
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
    data: bytes | pa.Buffer, member: _Member, convert: pacsv.ConvertOptions, read: pacsv.ReadOptions
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
    bad = pc.invert(_true_or_false(pc.equal(months, _arrow_text(member.month))))
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
        m = _true_or_false(pc.is_in(table.column("lsoa_code"), value_set=_text_array(list(codes))))
        mask = m if mask is None else pc.or_(mask, m)
    return table.filter(mask)


def _arrow_int(n: int, kind: pa.DataType | None = None) -> pa.Scalar:
    """An Arrow integer made from a buffer: a Python value given to pyarrow (``pa.scalar``,
    ``pa.array`` or a compute function's argument) makes pyarrow import pandas, a second of
    start-up an import of every area does without (a test checks it never loads)."""
    import numpy as np

    kind = kind or pa.int64()
    data = np.array([n], dtype=np.dtype(str(kind)))
    return pa.Array.from_buffers(kind, 1, [None, pa.py_buffer(data)])[0]


def _text_array(texts: Sequence[str]) -> pa.Array:
    """Arrow strings made from buffers (:func:`_arrow_int`)."""
    import numpy as np

    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.large_string(), len(encoded), buffers).cast(pa.string())


def _arrow_text(text: str) -> pa.Scalar:
    """An Arrow string made from a buffer (:func:`_arrow_int`)."""
    return _text_array([text])[0]


def _true_or_false(mask: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A boolean mask with blanks read as false (``pc.fill_null(mask, False)`` without the Python value)."""
    return pc.and_kleene(mask, pc.is_valid(mask))


def _as_numpy(array: pa.Array):
    """A primitive Arrow array without nulls as numpy, read from its buffer (``to_numpy`` imports
    pandas: :func:`_arrow_int`)."""
    import numpy as np

    dtype = np.dtype(str(array.type))
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)


def _from_numpy(values) -> pa.Array:
    """A numpy array of numbers or booleans as Arrow, made from its buffer (``pa.array`` imports
    pandas: :func:`_arrow_int`)."""
    import numpy as np

    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def _repeated_id_rows(table: pa.Table) -> pa.Array | None:
    """The positions of the rows whose Crime ID appears more than once in ``table``, None if
    none does (a Crime ID is hashed once; only the rows of repeated IDs are looked at further)."""
    ids = table.column("crime_id")
    if ids.null_count == len(ids):
        return None
    tally = pc.value_counts(ids.combine_chunks() if ids.num_chunks != 1 else ids.chunk(0))
    more_than_once = pc.greater(tally.field("counts"), _arrow_int(1))
    repeated = tally.filter(pc.and_(pc.is_valid(tally.field("values")), more_than_once))
    if len(repeated) == 0:
        return None
    found = pc.is_in(ids, value_set=repeated.field("values"))
    return pc.indices_nonzero(pc.and_kleene(found, pc.is_valid(found)))  # a blank is not found


def _duplicates(table: pa.Table) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """Crime rows identical in every field to an earlier row with the same Crime ID dropped: the
    rows kept (in their order), the rows dropped, and per month the rows kept that share a Crime
    ID with an earlier row but differ from it. Anti-social behaviour rows (no Crime ID) are never
    dropped: two identical ones are two incidents at the same anonymised point. Only the few rows
    of repeated Crime IDs are compared field by field."""
    at = _repeated_id_rows(table)
    if at is None:
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
    return table.filter(_from_numpy(keep)), table.take(_from_numpy(np.array(drop, dtype=np.uint64))), same


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
        return pc.sum(pc.cast(pc.equal(column, _arrow_text(ASB)), pa.int64())).as_py() or 0
    total = 0
    for chunk in column.chunks:
        values = chunk.dictionary.to_pylist()  # a few types: looked up here, not by pyarrow (:func:`_arrow_int`)
        if ASB in values:
            code = _arrow_int(values.index(ASB), chunk.indices.type)
            total += pc.sum(pc.equal(chunk.indices, code)).as_py() or 0
    return total


def _month_counts(table: pa.Table, month: str) -> tuple[int, int, int, int, str]:
    """(rows, rows without location, without LSOA, anti-social behaviour, month) of a month's rows."""
    return (
        table.num_rows,
        _count_null(table, "longitude", "latitude"),
        table.column("lsoa_code").null_count,
        _asb_rows(table),
        month,
    )
