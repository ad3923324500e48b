"""``safer-analysis import-indicators FILE [--priority NAME]``: a downloaded file of indicators
(OHID Fingertips' CSV export, or the tidy format) added to the project's ``data/indicators.csv``.

A period imported again replaces the rows held for that indicator and period (every area); the
rest are kept. With ``--priority`` each indicator imported is linked to that local priority in
``data/priority_measures.csv``; without it, an indicator no row links is reported as not yet
linked (and still appears among the partner indicators). The project's files are written whole
or not at all.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import validation as v
from safer_analysis.inputs.indicators import fingertips, priorities, tidy
from safer_analysis.inputs.indicators.periods import period_start
from safer_analysis.inputs.validation import Problem


@dataclass
class Imported:
    """What an import added: its rows, the rows it replaced, and what it left out."""

    file: Path
    kind: str
    rows: pd.DataFrame
    replaced: int = 0
    left_out: list[str] = field(default_factory=list)
    linked_to: str = ""
    unlinked: list[str] = field(default_factory=list)

    def summary(self) -> str:
        names = sorted(set(self.rows["indicator"]), key=tidy.indicator_key)
        periods = sorted(set(self.rows["period"]), key=period_start)
        span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
        lines = [
            f"{self.file.name} ({self.kind}): {len(names)} indicator{'s' * (len(names) != 1)}, "
            f"{len(self.rows)} rows, {span}"
            + (f"; replaced {self.replaced} rows held for the same periods" if self.replaced else ""),
            *(f"  {n}" for n in names),
        ]
        lines += [f"  left out: {what}" for what in self.left_out]
        if self.linked_to:
            lines.append(f"Linked to the priority {self.linked_to}.")
        if self.unlinked:
            lines.append(
                "Not yet linked to a priority (add rows to data/priority_measures.csv, or import with --priority): "
                + "; ".join(self.unlinked)
            )
        return "\n".join(lines)


def _header(path: Path) -> list[str]:
    try:
        first = path.read_bytes()[:65536]
    except FileNotFoundError:
        raise v.DataValidationError([Problem(str(path), None, None, "file not found")]) from None
    except IsADirectoryError:
        raise ParameterError(f"{path} is a folder: expected a CSV file of indicators") from None
    text = first.decode("utf-8-sig", errors="replace").splitlines()
    return [cell.strip() for cell in next(csv.reader(io.StringIO(text[0] if text else "")), [])]


def read_file(path: str | os.PathLike) -> tuple[pd.DataFrame, str, list[str]]:
    """A file of indicators in either format: its tidy rows, which format it was, and what was left out."""
    path = Path(path)
    if fingertips.is_export(_header(path)):
        export = fingertips.read(path)
        left = []
        if export.by_category:
            left.append(
                f"{export.by_category} row{'s' * (export.by_category != 1)} broken down by a category (Category Type)"
            )
        if export.without_value:
            left.append(
                f"{export.without_value} row{'s' * (export.without_value != 1)} without a value (not published)"
            )
        return export.rows, "OHID Fingertips export", left
    return tidy.read(path), "indicators in the tidy format", []


def _priority(name: str, data_dir: Path) -> str:
    from safer_analysis.inputs.datasets import load_table

    table = load_table("local_priorities", data_dir)
    wanted = tidy.indicator_key(name)
    for key, title in zip(table["priority_key"], table["name"], strict=True):
        if wanted in {tidy.indicator_key(key), tidy.indicator_key(title)}:
            return key
    listed = "; ".join(f"{k} ({n})" for k, n in zip(table["priority_key"], table["name"], strict=True))
    raise ParameterError(
        f"--priority {name!r} is no local priority in local_priorities.csv; expected one of {listed or 'none yet'}"
    )


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, so a failure leaves the file held."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_indicators(
    path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    priority: str | None = None,
    own_codes: set[str] | frozenset[str] = frozenset(),
) -> Imported:
    """Add the indicators in ``path`` to ``data_dir``/indicators.csv (and link them to ``priority``);
    ``own_codes`` (the area's own codes) refuse one figure given a period under two of them, as
    the build would."""
    path, data_dir = Path(path), Path(data_dir)
    key = _priority(priority, data_dir) if priority else ""
    new, kind, left_out = read_file(path)
    if new.empty:
        raise v.DataValidationError(
            [Problem(str(path), None, None, "no indicator rows with a value: nothing to import")]
        )
    held = tidy.read_project(data_dir)
    taken = set(zip(new["indicator"].map(tidy.indicator_key), new["period"], strict=True))
    replace = [(tidy.indicator_key(i), p) in taken for i, p in zip(held["indicator"], held["period"], strict=True)]
    kept = held[[not r for r in replace]]
    combined = pd.concat([kept.reindex(columns=tidy.NAMES), new.reindex(columns=tidy.NAMES)], ignore_index=True)
    combined.index = combined.index + 2
    label = f"{data_dir / tidy.FILE} with {path.name} added"
    v.require(tidy.row_problems(combined, label) + tidy.own_code_problems(combined, set(own_codes), label))
    mapping = priorities.read_project(data_dir)
    if key:
        linked = priorities.indicator_rows(mapping)
        have = set(zip(linked["priority_key"], linked["indicator"].map(tidy.indicator_key), strict=True))
        added = [
            {
                "priority_key": key,
                "source": priorities.INDICATOR,
                "measure": name,
                "held_by": "",
                "note": f"linked on import of {path.name}",
            }
            for name in dict.fromkeys(new["indicator"])
            if (key, tidy.indicator_key(name)) not in have
        ]
        mapping = pd.concat([mapping, pd.DataFrame(added, columns=priorities.NAMES)], ignore_index=True)
    _write(data_dir / tidy.FILE, tidy.to_csv_text(combined))
    if key:
        _write(data_dir / priorities.FILE, priorities.to_csv_text(mapping))
    names = set(new["indicator"].map(tidy.indicator_key))
    unlinked = [n for n in priorities.unlinked(combined, mapping) if tidy.indicator_key(n) in names]
    return Imported(path, kind, new, replaced=sum(replace), left_out=left_out, linked_to=key, unlinked=unlinked)
