"""The downloads: which street-level files a zip archive or folder holds (each month and force
once, the freshest download winning), and their bytes, read whole or in blocks of whole rows, with
zip bombs and folders linked into themselves refused."""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

from safer_analysis.inputs.police_uk.common import _STREET, ImportReport, PathLike, PoliceUkError, _Member


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


def _read_member_buffer(member: _Member, zips: dict[Path, zipfile.ZipFile]) -> bytes | pa.Buffer:
    """:func:`_read_member`, but a file in a folder is read by Arrow straight into memory Arrow
    owns and reuses: one copy, not two, and no fresh pages for the kernel to hand out each file
    (a national year is 1.25 GB of them)."""
    if member.archive is not None:
        return _read_member(member, zips)
    import pyarrow as pa

    try:
        with pa.OSFile(str(member.path)) as handle:
            return handle.read_buffer()
    except OSError as exc:
        raise PoliceUkError(f"{member.name}: cannot be read ({exc})") from None


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
