"""OHID Fingertips' CSV export, as downloaded, read into the tidy indicators format.

Fingertips (fingertips.phe.org.uk) exports one row per indicator, area, sex, age, category and
period, under its own column names: ``Indicator ID``, ``Indicator Name``, ``Area Code``, ``Area Name``,
``Area Type``, ``Sex``, ``Age``, ``Time period``, ``Value``, ``Lower CI 95.0 limit``, ``Upper CI 95.0
limit``, ``Count``, ``Denominator``, ``Compared to England value or percentiles`` and more. Rows broken
down by a category (``Category Type``, such as deprivation deciles) and rows without a value (not
published) are left out and counted; England's rows (``E92000001``) are kept as comparators. An
indicator given for several sexes or ages is named with them. Fingertips gives no polarity column:
where it compares an area with England as ``Better`` or ``Worse``, which way is better is read from
the value and England's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from safer_analysis.inputs import validation as v
from safer_analysis.inputs.indicators import tidy
from safer_analysis.inputs.validation import Column

COMPARED = "Compared to England value or percentiles"
COLUMNS = [
    Column("Indicator ID", v.integer(0)),
    Column("Indicator Name"),
    Column("Area Code", tidy.area_code),
    Column("Area Name", required=False),
    Column("Area Type", required=False),
    Column("Sex", required=False),
    Column("Age", required=False),
    Column("Time period", tidy.period),
    Column("Value", v.number(), required=False),
    Column("Lower CI 95.0 limit", v.number(), required=False),
    Column("Upper CI 95.0 limit", v.number(), required=False),
    Column("Count", v.number(minimum=0), required=False),
    Column("Denominator", v.number(minimum=0), required=False),
]
#: The columns that tell a Fingertips export from the tidy format.
SIGNATURE = ("Indicator ID", "Indicator Name", "Time period")
SOURCE = "OHID Fingertips (fingertips.phe.org.uk), indicator {id}"


@dataclass(frozen=True)
class Export:
    """A Fingertips export read: its rows in the tidy format, and the rows left out and why."""

    rows: pd.DataFrame
    by_category: int
    without_value: int


def is_export(header: list[str]) -> bool:
    """Whether a CSV header is a Fingertips export's."""
    return all(name in header for name in SIGNATURE)


def _polarity(rows: pd.DataFrame) -> bool | None:
    """Higher is better (True), lower is (False), or not known (None), from Fingertips' comparisons."""
    if COMPARED not in rows:
        return None
    england = rows[rows["Area Code"] == tidy.ENGLAND].set_index("Time period")["Value"]
    votes = set()
    for _, r in rows[rows["Area Code"] != tidy.ENGLAND].iterrows():
        said = str(r[COMPARED]).split(" ")[0].lower()
        base = england.get(r["Time period"])
        if said in {"better", "worse"} and base is not None and pd.notna(base) and r["Value"] != base:
            votes.add((r["Value"] > base) == (said == "better"))
    return votes.pop() if len(votes) == 1 else None


def read(path: Path, *, label: str | None = None) -> Export:
    """A Fingertips CSV export as tidy indicator rows (a DataValidationError names file, row and column)."""
    name = label or str(path)
    frame = v.read_table(path, COLUMNS, label=name)
    category = frame["Category Type"].fillna("").astype(str).str.strip() if "Category Type" in frame else None
    by_category = int((category != "").sum()) if category is not None else 0
    if category is not None:
        frame = frame[category == ""]
    without = frame["Value"].isna()
    frame = frame[~without]
    rows = []
    for indicator_id, block in frame.groupby("Indicator ID", sort=False):
        groups = block[["Sex", "Age"]].fillna("").drop_duplicates()
        polarity = _polarity(block)
        for _, r in block.iterrows():
            indicator = r["Indicator Name"]
            if len(groups) > 1:
                indicator += f" ({', '.join(p for p in (r['Sex'], r['Age']) if p)})"
            rows.append(
                {
                    "indicator_id": str(indicator_id),
                    "indicator": indicator,
                    "area_code": r["Area Code"],
                    "area_name": r["Area Name"],
                    "period": r["Time period"],
                    "value": r["Value"],
                    "count": r["Count"],
                    "denominator": r["Denominator"],
                    "unit": r.get("Unit") or None,
                    "lower": r["Lower CI 95.0 limit"],
                    "upper": r["Upper CI 95.0 limit"],
                    "higher_is_better": polarity,
                    "marking": None,
                    "source": SOURCE.format(id=indicator_id),
                    "note": None,
                    "source_row": r.name,
                }
            )
    out = pd.DataFrame(rows, columns=[*tidy.NAMES, "source_row"]).set_index("source_row")
    v.require(tidy.row_problems(out, name))
    return Export(out, by_category, int(without.sum()))
