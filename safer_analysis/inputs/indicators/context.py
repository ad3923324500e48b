"""The figures the source documents quote (``data/context_figures.csv``) as indicator rows.

Each is a single point, quoted once, with its citation: never trended. A range (10,000 to 13,000)
keeps both ends as its limits and no value of its own; an approximate figure says so.
"""

from __future__ import annotations

import pandas as pd

from safer_analysis.inputs.indicators import tidy


def context_rows(figures: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One tidy row per context figure, with ``priority_keys``, ``single_point`` (True) and ``period_text``
    (its period as the document words it); ``source`` cites the document and section it is quoted in."""
    titles = dict(zip(sources["document_id"], sources["title"], strict=True))
    rows = []
    for row, f in figures.iterrows():
        low, high = float(f["value_low"]), float(f["value_high"])
        notes = [
            n
            for n in (
                "approximate" if f["approximate"] else "",
                "" if low == high else f"a range: {low:,.0f} to {high:,.0f}",
            )
            if n
        ]
        rows.append(
            {
                "indicator_id": f["figure_id"],
                "indicator": f["description"],
                "area_code": "",
                "area_name": f["geography"],
                "period": f["period"],
                "value": low if low == high else None,
                "count": None,
                "denominator": None,
                "unit": f["unit"],
                "lower": None if low == high else low,
                "upper": None if low == high else high,
                "higher_is_better": None,
                "marking": None,
                "source": f"{f['source']}, quoted in {titles.get(f['source_document'], f['source_document'])}, "
                f"section {f['source_section']}",
                "note": "; ".join(notes) or None,
                "priority_keys": tuple(f["local_priority"]),
                "single_point": True,
                "source_row": row,
            }
        )
    columns = [*tidy.NAMES, "priority_keys", "single_point", "source_row"]
    return pd.DataFrame(rows, columns=columns).set_index("source_row")
