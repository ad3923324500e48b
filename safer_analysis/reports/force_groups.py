"""The force overview's section on similar partnerships: each partnership of the force against its
own most similar group (:mod:`safer_analysis.reports.comparison`), not only against the force's
other partnerships, which may be nothing like it.

For every partnership ONS's table of recorded crime places in the force: its rate per 1,000 on all
recorded crime (excluding fraud), its group's rate taken together and range, and whether it lies
above, within or below that range. The year is the one of recorded crime ending with the overview's
last month where its rates are held, else the latest held; where that is not the overview's own
period, the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from safer_analysis.inputs import recorded_crime
from safer_analysis.inputs.ons_crime_tables import PARTNERSHIP, TOTAL
from safer_analysis.inputs.years import parse_period
from safer_analysis.present.charts import Chart
from safer_analysis.present.group_chart import standing_chart
from safer_analysis.reports import comparison as model
from safer_analysis.reports.force_overview import Overview

#: What the section says beside a partnership outside its group's range.
NOTABLE = "a difference larger than the spread among the group's members"
HEADERS = {
    "partnership": "Partnership",
    "rate": "Per 1,000",
    "group_rate": "Its group",
    "group_range": "Its group's range",
    "rank": "Rank in its group",
    "standing": "Against its group's range",
}
FORMATS = {"rate": "rate", "group_rate": "rate"}
WORDS = {"higher": "above", "lower": "below", "within": "within"}


@dataclass
class Standing:
    """Each partnership of the force against its own group, for one year of recorded crime."""

    #: One row per partnership, highest against its group first: ``csp_code``, ``partnership``,
    #: ``rate``, ``group_rate``, ``group_min``, ``group_max``, ``rank``, ``of``, ``direction``.
    frame: pd.DataFrame
    period: str
    period_end: str
    group_size: int
    source: str
    #: The overview's own period ("2018-19", "year to Dec 2025").
    overview_period: str

    @property
    def differs(self) -> bool:
        """Whether the year of recorded crime is not the overview's own twelve months."""
        months = parse_period(self.overview_period).months()
        return not (self.period_end == months[-1] and len(months) == 12)


def open_standing(o: Overview) -> Standing | None:
    """Every partnership of the overview's force against its own most similar group; None where
    no year of recorded crime with rates is held, or ONS's table places no partnership in the force."""
    held = recorded_crime.editions(project=o.project)
    with_rates = list(held.loc[held["rates"], "period_end"])
    if not with_rates:
        return None
    last = parse_period(o.period).months()[-1]
    chosen = last if last in with_rates else with_rates[-1]
    rows = recorded_crime.recorded_crime(chosen, project=o.project, level=PARTNERSHIP)
    codes = sorted(set(rows.loc[rows["force_code"] == o.force_code, "csp_code"]))
    if not codes:
        return None
    out = []
    last_comparison = None
    for code in codes:
        c = model.compare(code, data_dir=o.project.data_dir, period_end=chosen)
        t = c.row(TOTAL)
        out.append(
            {
                "csp_code": code,
                "partnership": c.area_name,
                "rate": t["rate"],
                "group_rate": t["group_rate"],
                "group_min": t["group_min"],
                "group_max": t["group_max"],
                "rank": t["rank"],
                "of": t["of"],
                "direction": t["direction"],
            }
        )
        last_comparison = c
    frame = pd.DataFrame(out)
    frame = frame.assign(_r=frame["rate"] / frame["group_rate"]).sort_values("_r", ascending=False, na_position="last")
    assert last_comparison is not None
    return Standing(
        frame.drop(columns="_r").reset_index(drop=True),
        last_comparison.period,
        last_comparison.period_end,
        last_comparison.group_size,
        last_comparison.source,
        o.period,
    )


def _rate(value: float) -> str:
    return "no published rate" if pd.isna(value) else f"{value:,.1f}"


def table(s: Standing) -> pd.DataFrame:
    """One row per partnership: its rate, its group's taken together and range, its rank in its
    group and whether it is above, within or below the range."""
    f = s.frame
    return pd.DataFrame(
        {
            "partnership": f["partnership"],
            "rate": f["rate"],
            "group_rate": f["group_rate"],
            "group_range": [f"{_rate(lo)}–{_rate(hi)}" for lo, hi in zip(f["group_min"], f["group_max"], strict=True)],
            "rank": ["" if pd.isna(r) else f"{int(r)} of {int(n)}" for r, n in zip(f["rank"], f["of"], strict=True)],
            "standing": [
                "no published rate" if pd.isna(r) else WORDS[str(d)]
                for r, d in zip(f["rate"], f["direction"], strict=True)
            ],
        }
    )


def sentences(s: Standing, force: str) -> list[str]:
    """Which partnerships lie above or below their own group's range, and which year that is."""
    f = s.frame[s.frame["rate"].notna()]
    out = []
    for side, word in (("higher", "above"), ("lower", "below")):
        these = f[f["direction"] == side]
        if not these.empty:
            named = "; ".join(
                f"{r['partnership']} ({_rate(r['rate'])} per 1,000 against {_rate(r['group_min'])} to "
                f"{_rate(r['group_max'])})"
                for _, r in these.iterrows()
            )
            out.append(
                f"{word.capitalize()} the range of every partnership in its own most similar group, in the "
                f"{s.period}, {NOTABLE}: {named}."
            )
    within = f[f["direction"] == "within"]
    if len(within):
        out.append(
            f"{len(within)} of {force}'s {len(f)} partnerships with a published rate lie within their own group's "
            f"range in the {s.period}."
        )
    missing = s.frame[s.frame["rate"].isna()]
    if len(missing):
        out.append(f"ONS publishes no rate for {', '.join(missing['partnership'])}, so it is not compared.")
    return out


def note(s: Standing) -> str:
    """Which year the section covers, and, where it is not the overview's own, what the rates above cover."""
    text = f"These figures are police recorded crime as ONS publishes it for every partnership, for the {s.period}"
    if s.differs:
        text += f", the latest year held: the rates above cover {_the(s.overview_period)}, from police.uk data"
    return text + "."


def _the(period: str) -> str:
    return period if period[:4].isdigit() and len(period) == 7 else f"the {period}"


def title(s: Standing, force: str) -> str:
    """The chart's title: which of the force's partnerships lie outside their own group's range."""
    f = s.frame[s.frame["rate"].notna()]
    outside = f[f["direction"] != "within"]
    if outside.empty:
        return f"Every partnership of {force} lies within the range of its own most similar group"
    verb = "lies" if len(outside) == 1 else "lie"
    named = "; ".join(f"{r['partnership']}, {WORDS[str(r['direction'])]} it" for _, r in outside.iterrows())
    return (
        f"{len(outside)} of {force}'s {len(f)} partnerships {verb} outside the range of its own most similar group: "
        f"{named}"
    )


def chart(s: Standing, force: str) -> Chart:
    """Each partnership's rate on its own group's range, with its group's rate taken together."""
    return standing_chart(
        s.frame,
        title=title(s, force),
        subtitle=(
            f"Police recorded crime (excluding fraud) per 1,000 residents, each partnership of {force} against its own "
            f"{s.group_size} most similar partnerships, {s.period}"
        ),
        source=f"Source: {s.source}.",
        what=f"police recorded crime rates of {force}'s partnerships against their own most similar groups, {s.period}",
    )


def caption(s: Standing, force: str) -> str:
    return f"Recorded crime per 1,000 residents, each partnership of {force} against its own similar group, {s.period}"


def rank_note(s: Standing) -> str:
    """What the table's rank and group mean."""
    return (
        f"Its group: the {s.group_size} partnerships most like it, their crimes over their residents taken together. "
        f"Rank: its place among itself and its group, 1 the highest rate."
    )
