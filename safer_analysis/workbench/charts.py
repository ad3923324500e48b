"""Quick charts in the house style, one call each, with titles, labels and alt text made from
the table they draw.

A :class:`QuickChart` shows in JupyterLab as a figure whose title (bold) and subtitle (on its own
line) are real text above the image, and the source below; the same output carries the image
as a PNG, so it also shows where HTML does not. The figure is closed once drawn, so it never
shows twice; change it through ``chart.figure`` and display the chart again.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.present import disclosure
from safer_analysis.present.charts import NEUTRAL, PALETTE, TEXT, Chart, apply_house_style
from safer_analysis.present.formats import format_percent
from safer_analysis.workbench import arguments

_MARKERS = ["o", "s", "^", "D", "v", "P"]


class QuickChart(Chart):
    """A house :class:`~safer_analysis.present.charts.Chart` that shows itself in a notebook with
    its title and subtitle visibly apart."""

    def png(self, dpi: int = 110) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
        return buffer.getvalue()

    def png_base64(self, dpi: int = 110) -> str:
        return base64.b64encode(self.png(dpi)).decode("ascii")

    def to_html(self) -> str:
        return (
            '<figure style="margin:0 0 1em 0">'
            '<figcaption style="margin:0 0 .4em 0">'
            f'<div style="font-weight:bold;font-size:1.15em;line-height:1.3">{html.escape(self.title)}</div>'
            f'<div style="margin-top:.15em;color:#505a5f;line-height:1.3">{html.escape(self.subtitle)}</div>'
            "</figcaption>"
            f'<img src="data:image/png;base64,{self.png_base64()}" alt="{html.escape(self.alt)}" '
            'style="max-width:100%;height:auto">'
            f'<p style="margin:.3em 0 0;font-size:.85em;color:#505a5f">{html.escape(self.source)}</p>'
            "</figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {
            "text/html": self.to_html(),
            "image/png": self.png_base64(),
            "text/plain": f"{self.title}\n{self.subtitle}",
        }

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the chart as PNG (``.png``) or as a self-contained HTML figure (``.html``); a file
        already there is kept unless ``overwrite`` is True."""
        path = arguments.output_file("path", path, (".png", ".html"), overwrite)
        if path.suffix.lower() == ".html":
            path.write_text(self.to_html(), encoding="utf-8")
        else:
            path.write_bytes(self.png())
        return path


def _quick(fig, title: str, subtitle: str, alt: str, source: str) -> QuickChart:
    plt.close(fig)
    return QuickChart(fig, title, subtitle, alt, source)


def _tick_step(n: int) -> int:
    """Label every month up to 15, else every third, else every sixth."""
    return 1 if n <= 15 else 3 if n <= 48 else 6


def line(
    table: pd.DataFrame | pd.Series,
    columns: list[str] | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    ylabel: str | None = None,
) -> QuickChart:
    """A line per series of a monthly table (:func:`~safer_analysis.workbench.counts.monthly_counts`)
    or of any frame or Series over its index; titles and labels come from the table unless given.
    A month without data is a gap in the line, not a fall to zero."""
    frame = arguments.table("table", table, series=True, example="wb.monthly()")
    attrs = frame.attrs if isinstance(table, pd.DataFrame) else table.attrs
    title, subtitle, source, ylabel = (
        arguments.text(n, v) or None
        for n, v in (("title", title), ("subtitle", subtitle), ("source", source), ("ylabel", ylabel))
    )
    columns = _columns(frame, columns) or list(
        attrs.get("series") or [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    )
    if not columns:
        raise ParameterError("table: no column of the table holds numbers, so there is nothing to draw")
    if len(columns) > len(PALETTE):
        raise ParameterError(f"columns: got {len(columns)} series; expected at most {len(PALETTE)} lines in one chart")
    labels = list(frame["label"]) if "label" in frame.columns else [str(i) for i in frame.index]
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    x = np.arange(len(frame))
    for i, column in enumerate(columns):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        ax.plot(x, values, marker=_MARKERS[i], markersize=3.5, color=PALETTE[i], linewidth=2, label=str(column))
        last = np.flatnonzero(~np.isnan(values))
        if len(last):
            ax.annotate(
                f"{values[last[-1]]:,.0f}",
                (x[last[-1]], values[last[-1]]),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=TEXT,
            )
    step = _tick_step(len(x))
    ax.set_xticks(x[::step], labels[::step], rotation=45 if len(x) > 6 else 0, ha="right" if len(x) > 6 else "center")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel or ("Count per month" if "label" in frame.columns else "Count"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    if len(columns) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    fig.tight_layout()
    what = attrs.get("what") or ", ".join(map(str, columns))
    place = attrs.get("place") or ""
    period = attrs.get("period") or (f"{labels[0]} to {labels[-1]}" if labels else "")
    per = " per month" if "label" in frame.columns else ""
    title = title or f"{what}{per}" + (f", {place}" if place else "")
    gaps = [lbl for lbl, v in zip(labels, frame[columns].isna().any(axis=1), strict=True) if v]
    subtitle = subtitle or (period + (f"; no data for {', '.join(gaps)} (a gap, not a zero)" if gaps else ""))
    series = "; ".join(
        f"{column}: from {_first_value(frame[column])} in {labels[0]} to {_first_value(frame[column][::-1])} in "
        f"{labels[-1]}, highest {pd.to_numeric(frame[column], errors='coerce').max():,.0f}"
        for column in columns
    )
    alt = f"Line chart of {what}{per}" + (f" in {place}" if place else "") + f", {period}. {series}."
    if gaps:
        alt += f" No data for {', '.join(gaps)}."
    return _quick(fig, title, subtitle, alt, source or attrs.get("source", ""))


def _columns(frame: pd.DataFrame, columns: object) -> list[str]:
    """The ``columns`` argument of :func:`line` checked: a name or list of names of numeric columns."""
    if columns is None:
        return []
    items = [columns] if isinstance(columns, str) else columns
    if not isinstance(items, list | tuple) or not items:
        raise arguments.ArgumentTypeError(
            f"columns: got {arguments.shown(columns)}; expected a column name or a list of them"
        )
    for column in items:
        if column not in frame.columns:
            raise ParameterError(
                f"columns: the table has no column {column!r}; it has {', '.join(map(str, frame.columns))}"
            )
        if pd.to_numeric(frame[column], errors="coerce").notna().sum() == 0 and frame[column].notna().any():
            raise ParameterError(f"columns: {column!r} holds no numbers to draw")
    return list(items)


def _first_value(values: pd.Series) -> str:
    shown = pd.to_numeric(values, errors="coerce").dropna()
    return f"{shown.iloc[0]:,.0f}" if len(shown) else "no data"


def bars(
    table: pd.DataFrame,
    column: str = "count",
    *,
    label: str | None = None,
    top: int | None = 25,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
) -> QuickChart:
    """Horizontal bars of ``column`` for each row of a table from
    :func:`~safer_analysis.workbench.counts.count_by` (or any frame), largest first; a change
    column gets bars either side of zero. A suppressed value (``[c]``) gets no bar and says so."""
    arguments.table("table", table, example="wb.counts()")
    frame = table.reset_index() if table.index.name is not None else table
    if not isinstance(column, str):
        raise arguments.ArgumentTypeError(f"column: got {arguments.shown(column)}; expected a column name")
    if column not in frame.columns:
        raise ParameterError(f"column: the table has no column {column!r}; it has {', '.join(map(str, frame.columns))}")
    if label is not None and label not in frame.columns:
        raise ParameterError(f"label: the table has no column {label!r}; it has {', '.join(map(str, frame.columns))}")
    if top is not None:
        top = arguments.whole_number("top", top, 1)
    title, subtitle, source = (
        arguments.text(n, v) or None for n, v in (("title", title), ("subtitle", subtitle), ("source", source))
    )
    values = pd.to_numeric(frame[column].where(frame[column].astype(str) != disclosure.SUPPRESSED), errors="coerce")
    if values.isna().all() and not frame[column].astype(str).eq(disclosure.SUPPRESSED).any():
        raise ParameterError(f"column: {column!r} holds no numbers to draw")
    if label is None and len(frame.columns) == 1:  # nothing but the values: the rows are named by the index
        frame = frame.reset_index()
        values.index = frame.index
    label = label or next(
        (c for c in frame.columns if str(c).endswith("_name")), next(c for c in frame.columns if c != column)
    )
    order = values.fillna(-np.inf).sort_values(ascending=False, kind="stable").index
    if top:
        order = order[:top]
    names = [str(frame.at[i, label]) for i in order]
    shown = values.loc[order]
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(names) + 1.3))
    positions = np.arange(len(names))[::-1]
    diverging = "change" in column or (shown.dropna() < 0).any()
    pct = column.endswith("_pct")
    # a rise and a fall in different colours; the value labels carry the sign too
    colours = [(PALETTE[3] if v > 0 else PALETTE[1]) if diverging else PALETTE[0] for v in shown.fillna(0)]
    ax.barh(positions, shown.fillna(0), color=colours, height=0.65)
    span = float(np.nanmax(np.abs(shown))) if shown.notna().any() else 1.0
    # small values that are not whole (rates per 1,000) keep one decimal place; counts stay whole
    places = 1 if span < 100 and not all(float(v).is_integer() for v in shown.dropna()) else 0
    for pos, value in zip(positions, shown, strict=True):
        text = (
            disclosure.SUPPRESSED
            if pd.isna(value)
            else (
                format_percent(value, signed=diverging)
                if pct
                else f"{value:+,.{places}f}"
                if diverging
                else f"{value:,.{places}f}"
            )
        )
        offset = span * 0.01 * (1 if pd.isna(value) or value >= 0 else -1)
        ax.text(
            (0 if pd.isna(value) else value) + offset,
            pos,
            text,
            va="center",
            ha="left" if offset > 0 else "right",
            fontsize=9,
            color=TEXT,
        )
    ax.set_yticks(positions, names)
    if diverging:
        ax.axvline(0, color=NEUTRAL, linewidth=1)
        ax.set_xlim(
            min(0, float(np.nanmin(shown))) * 1.2 - span * 0.05, max(0, float(np.nanmax(shown))) * 1.2 + span * 0.05
        )
    else:
        ax.set_xlim(0, span * 1.15)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    words = column.replace("_pct", " (%)").replace("_", " ")
    ax.set_xlabel(words[:1].upper() + words[1:])
    fig.tight_layout()
    attrs = table.attrs
    what = attrs.get("what", "")
    place = attrs.get("place", "")
    period = attrs.get("period", "")
    by = str(label).replace("_name", "").replace("_", " ")
    title = title or f"{what or words.capitalize()}: {words} by {by}" + (f", {place}" if place else "")
    subtitle = subtitle or ", ".join(
        p for p in (period, f"top {len(names)} of {len(frame)}" if top and len(frame) > top else "") if p
    )
    items = "; ".join(
        f"{n} {'suppressed' if pd.isna(v) else f'{v:,.1f}' if pct else f'{v:,.{places}f}'}"
        for n, v in zip(names, shown, strict=True)
    )
    alt = (
        f"Horizontal bar chart of {words} by {by}"
        + (f" for {what}" if what else "")
        + (f", {period}" if period else "")
        + f". {items}."
    )
    if shown.isna().any():
        source = f"{source or attrs.get('source', '')} {disclosure.footnote()}."
    return _quick(fig, title, subtitle, alt, source or attrs.get("source", ""))
