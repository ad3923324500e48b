"""A partnership among its most similar group, in a notebook: ``wb.peers()`` the group with its
distances, counts and rates as a table, and ``wb.compare()`` the chart a board reads in five
seconds (the partnership a dark dot among its group's, England and Wales marked).

Both take the comparison of :func:`safer_analysis.reports.comparison.compare` (ONS's police
recorded crime by partnership, the latest period held with rates by default).
"""

from __future__ import annotations

import pandas as pd

from safer_analysis.present import comparison_chart
from safer_analysis.reports.comparison import ALL, TOTAL, Comparison, offence_group_named
from safer_analysis.workbench.charts import QuickChart
from safer_analysis.workbench.display import Table

#: The columns of :func:`peers_table` for one offence group, as named in the notebook.
COLUMNS = {
    "similarity_rank": "similarity_rank",
    "csp_code": "csp_code",
    "csp_name": "csp_name",
    "force": "force",
    "distance": "distance",
    "count": "count",
    "population": "population",
    "rate": "rate",
    "count_before": "count_before",
    "change": "change_pct",
}

#: The columns of :func:`peers_table` for every offence group (the whole table is ``wb.comparison().table``).
GROUP_COLUMNS = {
    "offence_group": "offence_group",
    "count": "count",
    "rate": "rate",
    "group_rate": "group_rate",
    "group_min": "group_min",
    "group_max": "group_max",
    "ew_rate": "ew_rate",
    "rank": "rank",
    "of": "of",
    "direction": "direction",
    "change": "change_pct",
    "group_change": "group_change_pct",
    "ew_change": "ew_change_pct",
}


def peers_table(c: Comparison, offence_group: object = "total") -> Table:
    """The partnership (first, similarity rank 0) and its group for one offence group: code,
    name, force, distance, crimes, people, rate per 1,000, crimes the year before and the change
    (%); with ``"all"``, one row per offence group instead (from :attr:`Comparison.table`: the rates,
    the group's range, rank, whether above or below every member, and the changes). The caption
    names the period; the notes give the group together, England and Wales, the method and source."""
    group = offence_group_named(offence_group)
    if group == ALL:
        out = c.table[list(GROUP_COLUMNS)].rename(columns=GROUP_COLUMNS)
        for column in ("change_pct", "group_change_pct", "ew_change_pct"):
            out[column] = out[column] * 100
        out = Table(out)
        out.attrs["caption"] = f"{c.area_name} beside its {c.group_size} most similar partnerships, {c.period}"
    else:
        rows = c.members[c.members["offence_group"] == group]
        out = rows[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)
        out["change_pct"] = out["change_pct"] * 100
        out = Table(out)
        row = c.row(group)
        out.attrs["caption"] = f"{group}: {c.area_name} and its {c.group_size} most similar partnerships, {c.period}"
        out.attrs["notes"] = [
            f"The group together: {row['group_rate']:,.2f} per 1,000 people (from {row['group_min']:,.2f} to "
            f"{row['group_max']:,.2f}); England and Wales {row['ew_rate']:,.2f}. {c.area_name} is "
            f"{int(row['rank'])} of {int(row['of'])} from the highest."
            if pd.notna(row["rank"])
            else "",
        ]
    out.attrs.setdefault("notes", [])
    out.attrs["notes"] = [*out.attrs["notes"], c.group_note, f"Source: {c.source}."]
    rates = ("rate", "group_rate", "group_min", "group_max", "ew_rate")
    out.attrs["formats"] = {"distance": "number", "similarity_rank": "count", **dict.fromkeys(rates, "number")}
    out.attrs.update({"place": c.area_name, "period": c.period, "source": c.source})
    return out


def compare_chart(c: Comparison, offence_group: object = "total") -> QuickChart:
    """One offence group: each partnership a dot at its rate, the partnership itself dark; or with
    ``"all"``, every headline offence group as a multiple of England and Wales's rate."""
    group = offence_group_named(offence_group)
    chart = comparison_chart.groups_chart(c) if group == ALL else comparison_chart.group_chart(c, group)
    return QuickChart(chart.figure, chart.title, chart.subtitle, chart.alt, chart.source)


__all__ = ["TOTAL", "compare_chart", "peers_table"]
