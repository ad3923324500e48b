"""What every part of the police.uk import shares: the columns of a street-level file and of a
store, police.uk's crime categories, the error every fault is reported as, the report of what an
import read, and the temporary files a store is written through."""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

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


#: The columns a store of every area keeps plain (the Crime ID, unique, and the coordinates); its
#: other columns repeat and are stored as dictionary codes.
_DENSE = ("crime_id", "longitude", "latitude")
