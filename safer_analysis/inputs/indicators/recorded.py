"""The recorded-crime groups police.uk's categories merge, from ONS's tables by partnership, as
indicator rows: sexual offences, stalking and harassment, and violence with and without injury
(police.uk counts all four as "Violence and sexual offences"), per 1,000 people.

Each period held with rates (ONS's Table C4: the latest year of each edition) gives the
partnership's rate with its count and ONS's population, and England and Wales's and the force's
as comparators. A period with counts alone (the year before, Table C5) is left out rather than
given a rate on a population ONS did not publish for it.

>>> rows = ons_groups("E22000056")
>>> own = rows[(rows["comparison"] == "") & (rows["indicator"] == "Sexual offences (police recorded crime)")]
>>> own[["period", "denominator"]].values.tolist()
[['2024', 266900.0]]
"""

from __future__ import annotations

import pandas as pd

from safer_analysis.inputs import recorded_crime as rc

#: The ONS headline groups police.uk's "Violence and sexual offences" holds together.
GROUPS = ("Sexual offences", "Stalking and harassment", "Violence with injury", "Violence without injury")
UNIT = "crimes per 1,000 people"


def _period(period_end: str) -> str:
    """The twelve months ending ``period_end`` in the indicators' form: a calendar or financial year, else the month."""
    year, month = int(period_end[:4]), int(period_end[5:])
    if month == 12:
        return str(year)
    if month == 3:
        return f"{year - 1}/{year % 100:02d}"
    return period_end


def ons_groups(csp_code: str, *, project: object = None) -> pd.DataFrame:
    """The four groups for a partnership, every period held with rates, in the tidy indicator format
    plus ``comparison`` (blank for the partnership's own rows, else "England and Wales" or "force")."""
    rows = []
    for period_end in rc.editions(project=project)["period_end"]:
        held = rc.recorded_crime(period_end, project=project)
        own = held[(held["level"] == rc.PARTNERSHIP) & (held["csp_code"] == csp_code)]
        if own.empty or own["rate"].isna().all():
            continue
        label, source = held.attrs["label"], held.attrs["source"]
        force = held[(held["level"] == rc.FORCE) & (held["force_code"] == own["force_code"].iloc[0])]
        whole = rc.england_and_wales(period_end, project=project).set_index("offence_group")
        for group in GROUPS:
            mine = own[own["offence_group"] == group].iloc[0]
            base = {
                "indicator_id": "",
                "indicator": f"{group} (police recorded crime)",
                "period": _period(period_end),
                "unit": UNIT,
                "lower": None,
                "upper": None,
                "higher_is_better": None,
                "marking": None,
                "source": source,
                "note": label,
                "single_point": False,
            }
            rows.append(
                {
                    **base,
                    "area_code": csp_code,
                    "area_name": mine["csp_name"],
                    "value": float(mine["rate"]),
                    "count": float(mine["count"]),
                    "denominator": float(mine["population"]),
                    "comparison": "",
                }
            )
            if not force.empty and pd.notna(force.loc[force["offence_group"] == group, "rate"]).all():
                f = force[force["offence_group"] == group].iloc[0]
                rows.append(
                    {
                        **base,
                        "area_code": f["force_code"],
                        "area_name": f["force"],
                        "value": float(f["rate"]),
                        "count": float(f["count"]),
                        "denominator": float(f["population"]),
                        "comparison": "force",
                    }
                )
            if pd.notna(whole.at[group, "rate"]):
                rows.append(
                    {
                        **base,
                        "area_code": "K04000001",
                        "area_name": "England and Wales",
                        "value": float(whole.at[group, "rate"]),
                        "count": float(whole.at[group, "count"]),
                        "denominator": float(whole.at[group, "population"]),
                        "comparison": "England and Wales",
                    }
                )
    return pd.DataFrame(rows)
