"""A store held: the months just read merged with the months it holds (a month read again
replaces its copy, and is refused if it comes back smaller), its metadata, and writing it whole."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from safer_analysis.inputs.police_uk.common import (
    _DENSE,
    CRIME_COLUMNS,
    METADATA_KEY,
    ImportReport,
    PoliceUkError,
    _temporary,
)
from safer_analysis.inputs.police_uk.loading import _reading_store, crimes_metadata


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
