"""Tables that read well in a notebook: counts with thousands separators, £, %, rates to one
decimal place, names in full, a caption and notes; large ones sortable and searchable.

:class:`Table` is a pandas DataFrame (every pandas operation works and keeps it a Table) that
displays itself through the package's own formats (:mod:`safer_analysis.present.formats`). Each
column's format comes from ``attrs["formats"]`` where the function that made the table set one,
else from its name and type (:func:`guess_format`). :func:`show` displays any DataFrame so, and
:func:`explore` turns one into an interactive table (itables).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from safer_analysis.present import tables
from safer_analysis.present.disclosure import SUPPRESSED
from safer_analysis.workbench import arguments

#: Rows a Table shows before it says how many more there are.
MAX_ROWS = 30

_STYLE = (
    "<style>.sa-wb table.sa-table{border-collapse:collapse;margin:0}"
    ".sa-wb caption{caption-side:top;text-align:left;font-weight:bold;padding:0 0 .3em}"
    ".sa-wb table.sa-table th,.sa-wb table.sa-table td{padding:.2em .6em;text-align:left;vertical-align:top}"
    ".sa-wb table.sa-table .num{text-align:right;font-variant-numeric:tabular-nums}"
    ".sa-wb p.sa-wb-note{margin:.3em 0 0;font-size:.9em;color:#505a5f}</style>"
)


def _signed_count(value: Any) -> str:
    if value is None or isinstance(value, str) or pd.isna(value):
        return tables.FORMATS["text"](value)
    number = round(float(value))
    if number == 0:
        return "0"
    return f"{'+' if number > 0 else '−'}{abs(number):,}"


def _decimal1(value: Any) -> str:
    return tables.FORMATS["rate"](value)


#: Extra formats beside the house ones in :data:`safer_analysis.present.tables.FORMATS`.
EXTRA_FORMATS = {"signed_count": _signed_count}
_NUMERIC = tables.NUMERIC | {"signed_count"}

_COUNT_NAMES = {"count", "previous", "population", "projects", "rows", "months", "months_held", "crimes", "asb"}
_GBP_HINTS = ("amount", "gbp", "grant", "apportioned", "spend", "budget", "pounds", "funding")


def guess_format(name: object, values: pd.Series) -> str:
    """The house format for a column from its name and values: "count", "signed_count", "gbp",
    "pct", "signed_pct", "rate" (one decimal place) or "text".

    >>> guess_format("change_pct", pd.Series([1.5])), guess_format("gross_amount", pd.Series([2.0]))
    ('signed_pct', 'gbp')
    """
    text = str(name).lower()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        shown = values.dropna()
        shown = shown[~shown.astype(str).eq(SUPPRESSED)]
        numeric = len(shown) > 0 and all(isinstance(v, (int, float, np.number)) for v in shown)
    if not numeric:
        return "text"
    if text.endswith("_pct") or text.endswith("pct") or "percent" in text or "share" in text:
        return "signed_pct" if "change" in text else "pct"
    if any(hint in text for hint in _GBP_HINTS):
        return "change_gbp" if "change" in text else "gbp"
    if text == "change" or text.endswith("_change"):
        return "signed_count"
    if text in _COUNT_NAMES or text.endswith("_count") or text.startswith("count"):
        return "count"
    if "rate" in text or "lower" in text or "upper" in text:
        return "rate"
    shown = pd.to_numeric(values[~values.astype(str).eq(SUPPRESSED)], errors="coerce").dropna()
    if len(shown) and np.allclose(shown, np.round(shown)):
        return "count"
    return "rate"


def formats_for(frame: pd.DataFrame) -> dict[str, str]:
    """Each column's format: ``attrs["formats"]`` where given, else :func:`guess_format`."""
    given = dict(frame.attrs.get("formats", {}))
    return {c: given.get(c) or guess_format(c, frame[c]) for c in frame.columns}


def _formatters(formats: Mapping[str, str]) -> dict[str, Any]:
    return {c: EXTRA_FORMATS.get(f, f) for c, f in formats.items()}


def formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as display text, column by column, by :func:`formats_for` (the index becomes a
    column when it is named or not a plain row number)."""
    frame = _with_index(frame)
    return tables.format_frame(frame, _formatters(formats_for(frame)))


def _with_index(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        out = frame.reset_index()
        out.attrs = dict(frame.attrs)
        return out
    return frame


def to_html(frame: pd.DataFrame, *, max_rows: int = MAX_ROWS, caption: str | None = None) -> str:
    """The HTML a notebook shows for ``frame``: an accessible house table with its caption, the
    first ``max_rows`` rows and the notes in ``attrs["notes"]``."""
    full = _with_index(frame)
    shown = full.head(max_rows) if max_rows and len(full) > max_rows else full
    formats = formats_for(full)
    caption = caption or full.attrs.get("caption") or f"{len(full):,} rows"
    body = _table_html(shown, caption, formats)
    notes = list(full.attrs.get("notes", []))
    if len(full) > len(shown):
        notes.insert(
            0,
            f"Showing the first {len(shown):,} of {len(full):,} rows: explore(table) gives all of them, "
            "sortable and searchable.",
        )
    parts = [_STYLE, '<div class="sa-wb">', body]
    parts += [f'<p class="sa-wb-note">{html.escape(n)}</p>' for n in notes if n]
    parts.append("</div>")
    return "".join(parts)


def _table_html(frame: pd.DataFrame, caption: str, formats: Mapping[str, str]) -> str:
    """An accessible table: a caption, column header cells, numbers right-aligned, text escaped."""
    shown = tables.format_frame(frame, _formatters(formats))
    numeric = [formats[c] in _NUMERIC for c in frame.columns]
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{num if n else ""}>{html.escape(str(c).replace("_", " "))}</th>'
        for c, n in zip(frame.columns, numeric, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(f"<td{num if n else ''}>{html.escape(str(v))}</td>" for v, n in zip(row, numeric, strict=True))
        + "</tr>"
        for row in shown.itertuples(index=False, name=None)
    )
    return (
        f'<table class="sa-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


class Table(pd.DataFrame):
    """A DataFrame that displays itself formatted (see the module docstring); ``attrs`` may hold
    ``caption``, ``notes`` (a list of sentences) and ``formats`` (column to format name)."""

    @property
    def _constructor(self):
        return Table

    def _repr_html_(self) -> str:  # type: ignore[override]
        return to_html(self)

    @property
    def frame(self) -> pd.DataFrame:
        """The same data as a plain DataFrame."""
        out = pd.DataFrame(self)
        out.attrs = dict(self.attrs)
        return out


def as_table(frame: pd.DataFrame, *, caption: str = "", notes: list[str] | None = None, formats=None) -> Table:
    """``frame`` as a :class:`Table` with a caption, notes and formats."""
    arguments.table("frame", frame, rows=False, example="wb.counts()")
    caption = arguments.text("caption", caption)
    if notes is not None and (
        isinstance(notes, str) or not isinstance(notes, list | tuple) or not all(isinstance(n, str) for n in notes)
    ):
        raise arguments.ArgumentTypeError(f"notes: got {arguments.shown(notes)}; expected a list of sentences")
    if formats is not None and not isinstance(formats, Mapping):
        raise arguments.ArgumentTypeError(
            f"formats: got {arguments.shown(formats)}; expected a dict of column name to format name"
        )
    out = Table(frame)
    out.attrs = dict(frame.attrs)
    if caption:
        out.attrs["caption"] = caption
    if notes is not None:
        out.attrs["notes"] = [n for n in notes if n]
    if formats:
        out.attrs["formats"] = {**out.attrs.get("formats", {}), **formats}
    return out


class _Html:
    """Something a notebook shows as HTML (and as text elsewhere)."""

    def __init__(self, body: str, text: str = ""):
        self.body = body
        self.text = text

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return self.text or self.body


def show(frame: pd.DataFrame, *, max_rows: int = MAX_ROWS, caption: str | None = None) -> _Html:
    """Any DataFrame (or Series) displayed through the house formats; in a notebook, end a cell
    with ``show(frame)``."""
    frame = arguments.table("frame", frame, series=True, rows=False, example="wb.counts()")
    max_rows = arguments.whole_number("max_rows", max_rows, 0, why="0 shows every row")
    caption = arguments.text("caption", caption) or None
    text = formatted(frame).head(max_rows).to_string(index=False)
    return _Html(to_html(frame, max_rows=max_rows, caption=caption), text)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers rounded as the house formats show them, kept numeric so an interactive table sorts
    them as numbers; a suppressed cell stays ``[c]``."""
    full = _with_index(frame)
    out = pd.DataFrame(index=full.index)
    for column, fmt in formats_for(full).items():
        values = full[column]
        if fmt in ("count", "signed_count", "gbp", "change_gbp"):
            places = 0
        elif fmt in ("pct", "signed_pct", "rate"):
            places = 1
        else:
            out[column] = values
            continue
        out[column] = [
            v
            if isinstance(v, str) or v is None or (isinstance(v, float) and math.isnan(v))
            else round(float(v), places)
            for v in values
        ]
        if places == 0 and not any(isinstance(v, str) for v in values):
            out[column] = pd.array([None if pd.isna(v) else int(v) for v in out[column]], dtype="Int64")
    return out


_ITABLES_READY = False


def explore(frame: pd.DataFrame, *, caption: str | None = None, page_length: int = 15) -> _Html:
    """An interactive table of ``frame``: sort by any column, search every cell, page through the
    rows (itables, working offline: nothing is fetched). Numbers are rounded as the house formats
    show them. Without itables installed, the formatted table with every row."""
    global _ITABLES_READY
    frame = arguments.table("frame", frame, series=True, rows=False, example="wb.counts()")
    page_length = arguments.whole_number("page_length", page_length, 1)
    caption = arguments.text("caption", caption) or frame.attrs.get("caption") or ""
    try:
        import itables
    except ImportError:  # pragma: no cover - itables is a dependency
        return show(frame, max_rows=0, caption=caption)
    if not _ITABLES_READY:
        itables.init_notebook_mode(all_interactive=False, connected=False)
        _ITABLES_READY = True
    data = _rounded(frame)
    body = itables.to_html_datatable(
        data, caption=caption or None, connected=False, pageLength=page_length, classes="display compact"
    )
    notes = "".join(f'<p class="sa-wb-note">{html.escape(n)}</p>' for n in frame.attrs.get("notes", []) if n)
    return _Html(_STYLE + f'<div class="sa-wb">{body}{notes}</div>', f"interactive table of {len(data):,} rows")
