"""Tables for people: real header cells, a caption, £ and % formatted, all text escaped."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from safer_analysis.present.formats import format_change_gbp, format_gbp, format_month, format_percent

Formatter = Callable[[Any], str]


def _count(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{int(value):,}"


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _decimal(places: int) -> Formatter:
    def fmt(value: Any) -> str:
        if value is None or isinstance(value, str) or pd.isna(value):
            return _text(value)
        return f"{value:,.{places}f}"

    return fmt


def _p_value(value: Any) -> str:
    if value is None or isinstance(value, str) or pd.isna(value):
        return _text(value)
    return "<0.001" if value < 0.001 else f"{value:.3f}"


FORMATS: dict[str, Formatter] = {
    "rate": _decimal(1),
    "number": _decimal(2),
    "p": _p_value,
    "gbp": format_gbp,
    "change_gbp": format_change_gbp,
    "pct": format_percent,
    "signed_pct": lambda v: format_percent(v, signed=True),
    "count": _count,
    "text": _text,
    "tick": lambda v: "Yes" if bool(v) else "No",
    "rag": _text,
    "month": lambda v: format_month(v) if isinstance(v, str) and len(v) == 7 else _text(v),
}
#: Status words a ``rag`` column is coloured by (the word is always shown too).
RAG_WORDS = ("green", "amber", "red")
#: Tables of this many columns or more reflow into one block per row on a phone's screen.
STACK_FROM = 3
#: Tables of this many columns or more are set a little smaller, to fit a desktop page's width.
DENSE_FROM = 9
NUMERIC = {"gbp", "change_gbp", "pct", "signed_pct", "count", "rate", "number", "p"}


def format_frame(frame: pd.DataFrame, formats: Mapping[str, str | Formatter] | None = None) -> pd.DataFrame:
    """The frame with every cell turned into display text by its column's format."""
    formats = dict(formats or {})
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        fmt = formats.get(column, "text")
        func = FORMATS[fmt] if isinstance(fmt, str) else fmt
        # text in a numeric column (a suppression marker such as [c]) is shown as it is
        out[column] = [value if isinstance(value, str) and fmt in NUMERIC else func(value) for value in frame[column]]
    return out


def to_html(
    frame: pd.DataFrame,
    caption: str,
    *,
    formats: Mapping[str, str | Formatter] | None = None,
    headers: Mapping[str, str] | None = None,
    row_headers: bool = True,
    total_row: bool = False,
    table_id: str | None = None,
) -> str:
    """Render ``frame`` as an accessible HTML table.

    Columns are renamed by ``headers`` for display. With ``row_headers`` the first column's cells
    are row header cells (``<th scope="row">``). With ``total_row`` the last row is set apart as a
    total in a ``<tfoot>``. Every piece of text is HTML-escaped.

    On a phone's screen a table of three or more columns reflows (``sa-stack``): each row becomes
    a block, each cell shown under its column's name (``data-label``), so no column is out of
    sight. The table sits in a region named by its caption that scrolls sideways only where a
    table still cannot fit (at very high zoom), so the page itself never does (WCAG 1.4.10); the
    region takes keyboard focus so it can be scrolled without a mouse.
    """
    formats = dict(formats or {})
    shown = format_frame(frame, formats)
    headers = dict(headers or {})
    numeric = [isinstance(formats.get(c), str) and formats.get(c) in NUMERIC for c in frame.columns]
    rag = [formats.get(c) == "rag" for c in frame.columns]
    id_attr = f' id="{html.escape(table_id)}"' if table_id else ""
    if table_id:
        caption_id = html.escape(f"{table_id}-caption")
        region = f'<div class="sa-table-wrap" role="region" aria-labelledby="{caption_id}" tabindex="0">'
        caption_tag = f'<caption id="{caption_id}">'
    else:
        region = f'<div class="sa-table-wrap" role="region" aria-label="{html.escape(caption)}" tabindex="0">'
        caption_tag = "<caption>"
    width = frame.shape[1]
    classes = ["sa-table"] + ["sa-stack"] * (width >= STACK_FROM) + ["sa-dense"] * (width >= DENSE_FROM)
    parts = [
        region,
        f'<table class="{" ".join(classes)}"{id_attr}>',
        f"{caption_tag}{html.escape(caption)}</caption>",
        "<thead><tr>",
    ]
    names = [html.escape(headers.get(column, str(column)), quote=True) for column in frame.columns]
    for name, is_num in zip(names, numeric, strict=True):
        cls = ' class="num"' if is_num else ""
        parts.append(f'<th scope="col"{cls}>{name}</th>')
    parts.append("</tr></thead>")
    body_rows = list(shown.itertuples(index=False, name=None))
    foot = body_rows.pop() if total_row and body_rows else None

    def render(row: tuple[str, ...]) -> str:
        cells = []
        for i, (value, is_num, is_rag) in enumerate(zip(row, numeric, rag, strict=True)):
            cls = ' class="num"' if is_num else ""
            word = value.split(" ")[0].strip(":,.").lower() if is_rag and value else ""
            if word in RAG_WORDS:
                cls = f' class="sa-rag sa-rag-{word}"'

            if i == 0 and row_headers:
                cells.append(f'<th scope="row"{cls}>{html.escape(value)}</th>')
            else:
                cells.append(f'<td{cls} data-label="{names[i]}">{html.escape(value)}</td>')
        return "<tr>" + "".join(cells) + "</tr>"

    parts.append("<tbody>" + "".join(render(r) for r in body_rows) + "</tbody>")
    if foot is not None:
        parts.append('<tfoot class="total">' + render(foot) + "</tfoot>")
    parts.append("</table></div>")
    return "\n".join(parts)
