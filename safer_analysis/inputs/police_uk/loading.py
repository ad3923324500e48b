"""Reading a store back: its rows, its metadata and months, one area of a store of every area,
and a store read once per process for a whole force's build; a damaged store named, with the
command that makes it afresh."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from safer_analysis.inputs.police_uk.common import METADATA_KEY, PathLike, PoliceUkError

if TYPE_CHECKING:  # the tables come back as pandas; an import of downloads never loads it
    import pandas as pd

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
        f"{path}: no crime data; run `safer-analysis import-police-uk ARCHIVE --area NAME` "
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
