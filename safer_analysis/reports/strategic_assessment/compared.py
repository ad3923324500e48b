"""The strategic assessment's section "How we compare with similar partnerships": the area's police
recorded crime per offence group beside its most similar partnerships' and England and Wales's
(:mod:`safer_analysis.reports.comparison`), in the words, tables and chart a board reads.

The comparison covers a year of ONS's table of recorded crime by partnership: the one ending with
the assessment's last month where it is held, else the latest held; where that is not the
assessment's own period, every sentence about it names its period. Only a Community Safety
Partnership (or a local authority that is a whole partnership) has a group: any other area is told
why it has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from safer_analysis.analysis.comparison import spread_ratio
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, recorded_crime
from safer_analysis.inputs.ons_crime_tables import OFFENCE_GROUPS, TOTAL
from safer_analysis.inputs.similar_groups import partnership
from safer_analysis.inputs.years import parse_period
from safer_analysis.present.charts import Chart
from safer_analysis.present.group_chart import group_chart
from safer_analysis.reports import comparison as model

#: What the section says beside a difference it calls notable, in the words a board reads.
NOTABLE = "a difference larger than the spread among the group's members"
#: The offence groups the chart and the page's table show: the total and the groups it adds up
#: (every group, sub-groups too, goes to the table's CSV).
SHOWN = tuple(g for g, parent in OFFENCE_GROUPS.items() if parent in ("", TOTAL))
TABLE_HEADERS = {
    "offence_group": "Offence group",
    "rate": "Per 1,000",
    "group_rate": "Group",
    "group_range": "Group's range",
    "ew_rate": "England & Wales",
    "rank": "Rank",
    "change": "Change",
    "group_change": "Group's change",
    "against": "Against the range",
}
TABLE_FORMATS = {
    "rate": "rate",
    "group_rate": "rate",
    "ew_rate": "rate",
    "change": "signed_pct",
    "group_change": "signed_pct",
}
MEMBER_HEADERS = {
    "order": "Nearest",
    "csp_name": "Partnership",
    "force": "Police force",
    "distance": "Distance",
    "count": "Crimes",
    "population": "Residents",
    "rate": "Per 1,000",
}
MEMBER_FORMATS = {"distance": "number", "count": "count", "population": "count", "rate": "rate"}


@dataclass
class Compared:
    """The comparison for an assessment, or why there is none."""

    comparison: model.Comparison | None
    #: The assessment's own period ("2018-19", "year to Dec 2025").
    pack_period: str
    #: Why there is no comparison, where there is none.
    why: str = ""

    @property
    def differs(self) -> bool:
        """Whether the comparison covers other months than the rest of the assessment."""
        if self.comparison is None:
            return False
        months = parse_period(self.pack_period).months()
        return not (self.comparison.period_end == months[-1] and len(months) == 12)


def _partnership_code(area_code: str, area_name: str) -> str:
    """The partnership an area is, or a ParameterError saying why it is none."""
    if not area_code:
        raise ParameterError(
            f"{area_name} is not a Community Safety Partnership (its settings name no partnership or authority "
            "code), and ONS publishes recorded crime by partnership"
        )
    area = areas.resolve(area_code)
    if area.kind == areas.CSP:
        return area.code
    if area.kind == areas.FORCE:
        raise ParameterError(
            f"{area.name} is a police force area, and similar areas are found among partnerships: each "
            "partnership's own assessment compares it with its group"
        )
    code, name = partnership(area_code)  # a ParameterError for an authority several partnerships share
    if set(areas.resolve(code, areas.CSP).authority_codes) != {area.code}:
        raise ParameterError(
            f"{area.name} is one of the areas of the {name} partnership, and ONS publishes recorded crime by "
            f"partnership: the {name} partnership's own assessment compares it with its group"
        )
    return code


def open_comparison(pack_period: str, area_code: str, area_name: str, project_root: str | Path) -> Compared:
    """The comparison for an assessment of ``pack_period`` (of the project at ``project_root``):
    of the year of recorded crime ending with the assessment's last month where its rates are held,
    else the latest held; for an area that is no partnership, ``why`` there is none."""
    try:
        code = _partnership_code(area_code, area_name)
    except ParameterError as exc:
        return Compared(None, pack_period, why=f"No comparison with similar partnerships: {exc}.")
    held = recorded_crime.editions(project=project_root)
    last = parse_period(pack_period).months()[-1]
    wanted = last if last in set(held.loc[held["rates"], "period_end"]) else ""
    c = model.compare(code, data_dir=Path(project_root) / "data", period_end=wanted)
    return Compared(c, pack_period)


def _total(c: model.Comparison) -> pd.Series:
    return c.row(TOTAL)


def _the(period: str) -> str:
    return period if re.match(r"\d{4}-\d{2}$", period) else f"the {period}"


def period_note(x: Compared) -> str | None:
    """Which year the comparison covers, and, where that is not the assessment's own period, that
    the rest of the assessment covers another; and why its counts are not police.uk's."""
    c = x.comparison
    if c is None:
        return None
    text = f"These figures are police recorded crime as ONS publishes it for every partnership, for the {c.period}"
    if x.differs:
        text += (
            f", the latest year held: the rest of this assessment covers {_the(x.pack_period)}, from police.uk "
            "street-level data"
        )
    return (
        text + ". ONS counts every crime the police recorded, those police.uk cannot place on a map among them, so "
        "its figures differ from the police.uk counts above."
    )


def title(c: model.Comparison) -> str:
    """The chart's title: where the area stands on all crime, and the groups shown (of at least
    :data:`model.MIN_COUNT` crimes) whose rate lies outside its group's range."""
    t = _total(c)
    where = {"higher": "higher than every one of", "lower": "lower than every one of"}.get(
        str(t["direction"]), "within the range of"
    )
    head = f"{c.area_name}'s crime rate is {where} the partnerships most like it"
    parts = [
        f"{word} them all for {_list([g[:1].lower() + g[1:] for g in _notable(c, side, SHOWN[1:])])}"
        for side, word in (("higher", "above"), ("lower", "below"))
        if _notable(c, side, SHOWN[1:])
    ]
    return head + ("; " + ", ".join(parts) if parts else "")


def _notable(c: model.Comparison, direction: str, among: tuple[str, ...]) -> list[str]:
    t = c.table
    keep = (
        t["notable"].astype(bool)
        & (t["direction"] == direction)
        & t["offence_group"].isin(among)
        & (t["count"].fillna(0) >= model.MIN_COUNT)
    )
    return list(t.loc[keep, "offence_group"])


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _group_words(c: model.Comparison) -> str:
    """'the 15 partnerships most like Plymouth'."""
    return f"the {c.group_size} partnerships most like {c.area_name}"


def chart(x: Compared) -> Chart:
    """The dot chart of the area among its group, the offence groups :data:`SHOWN`, its period
    and source in it."""
    c = x.comparison
    assert c is not None
    shown = c.table[c.table["offence_group"].isin(SHOWN)]
    return group_chart(
        shown,
        c.members,
        area=c.area_name,
        title=title(c),
        subtitle=(
            f"Police recorded crime per 1,000 residents by offence group, {c.area_name} and {_group_words(c)}, "
            f"{c.period}: each rate as a share of the similar partnerships' rate taken together"
        ),
        source=f"Source: {c.source}. The similar partnerships and how they were found are listed below the table.",
        what=f"police recorded crime rates of {c.area_name} and {_group_words(c)}, {c.period}",
    )


def _outside(c: model.Comparison) -> str | None:
    """One sentence naming every offence group (of at least :data:`model.MIN_COUNT` crimes, the
    total apart) whose rate lies outside the range of the group's members, furthest outside first."""
    t = c.table
    keep = t["notable"].astype(bool) & (t["offence_group"] != TOTAL) & (t["count"].fillna(0) >= model.MIN_COUNT)
    rows = sorted(
        t[keep].itertuples(index=False),
        key=lambda r: -spread_ratio(r.rate, r.group_min, r.group_max),
    )
    parts = []
    for side in ("higher", "lower"):
        named = [
            f"{r.offence_group[:1].lower() + r.offence_group[1:]} ({_rate(r.rate)} per 1,000 against "
            f"{_rate(r.group_min)} to {_rate(r.group_max)})"
            for r in rows
            if r.direction == side
        ]
        if named:
            parts.append(f"{side} for {_list(named)}")
    if not parts:
        return None
    return f"Outside the range of every similar partnership in the {c.period}, {NOTABLE}: " + "; ".join(parts) + "."


def _rate(value: float) -> str:
    return f"{value:,.1f}" if value >= 1 else f"{value:.2f}"


def finding(x: Compared) -> list[str]:
    """The key finding for the summary, naming its own period (none without a comparison): the
    comparison's first sentence, and the offence groups shown whose rate lies outside the group's range."""
    c = x.comparison
    if c is None:
        return []
    first = model.sentences(c)[0]
    parts = [
        f"{side} for {_list([g[:1].lower() + g[1:] for g in _notable(c, side, SHOWN[1:])])}"
        for side in ("higher", "lower")
        if _notable(c, side, SHOWN[1:])
    ]
    if parts:
        first += f" Outside the range of every similar partnership, {NOTABLE}: " + "; ".join(parts) + "."
    return [first]


def note(x: Compared) -> str:
    """Which year the comparison covers (:func:`period_note`), or why there is none."""
    return period_note(x) or x.why


def sentences(x: Compared) -> list[str]:
    """The section's findings: the area's rate beside its group's and England and Wales's, the
    offence groups outside the group's range, and the change on the year before beside the
    group's, each naming its period (from :func:`model.sentences`, the offence groups in one)."""
    c = x.comparison
    if c is None:
        return []
    said = model.sentences(c)
    overall = [s for s in said[:1] if s.startswith(f"In the {c.period}")]
    change = [s for s in said[-1:] if c.previous and s.startswith(f"From the {c.previous}")]
    return overall + [s for s in (_outside(c),) if s] + change


def table(c: model.Comparison, groups: tuple[str, ...] | None = SHOWN) -> pd.DataFrame:
    """One row per offence group (those of ``groups``; None for every one), the total first: the
    area's rate, the group's taken together, their range, England and Wales's, the area's rank
    and its change in crimes on the year before (per cent) beside the group's."""
    t = c.table if groups is None else c.table[c.table["offence_group"].isin(groups)]
    out = pd.DataFrame(
        {
            "offence_group": t["offence_group"],
            "rate": t["rate"],
            "group_rate": t["group_rate"],
            "group_range": [f"{_rate(lo)}–{_rate(hi)}" for lo, hi in zip(t["group_min"], t["group_max"], strict=True)],
            "ew_rate": t["ew_rate"],
            "rank": [f"{r} of {n}" for r, n in zip(t["rank"], t["of"], strict=True)],
            "change": t["change"] * 100,
            "group_change": t["group_change"] * 100,
            "against": [_against(r) for _, r in t.iterrows()],
        }
    )
    return out.reset_index(drop=True)


def _against(row: pd.Series) -> str:
    """Above, below or within the group's range; "few crimes" beside a side where the area's count
    is under :data:`model.MIN_COUNT`, too few for the difference to be called notable."""
    side = {"higher": "above", "lower": "below"}.get(str(row["direction"]), "within")
    if side != "within" and (pd.isna(row["count"]) or row["count"] < model.MIN_COUNT):
        return f"{side}, on few crimes"
    return side


def members(c: model.Comparison) -> pd.DataFrame:
    """The area and its group, nearest first after the area itself: force, distance, and crimes,
    residents and rate on all crime."""
    m = c.members[c.members["offence_group"] == TOTAL].sort_values(["similarity_rank", "csp_code"])
    out = m[["similarity_rank", "csp_name", "force", "distance", "count", "population", "rate"]].copy()
    out["similarity_rank"] = [str(r) if r else "this partnership" for r in out["similarity_rank"]]
    return out.rename(columns={"similarity_rank": "order"}).reset_index(drop=True)


def table_caption(c: model.Comparison) -> str:
    return f"Recorded crime per 1,000 residents, {c.area_name} and its similar partnerships, {c.period}"


def table_note(c: model.Comparison) -> str:
    """What the table's columns mean."""
    before = f"the {c.previous}" if c.previous else "the year before (not held, so not shown)"
    return (
        f"Group: {_group_words(c)}, their crimes over their residents taken together; the group's range runs from "
        f"its lowest rate to its highest. Rank: {c.area_name}'s place among itself and them, 1 the highest rate. "
        f"Change: in the number of crimes since {before}. Against the range: above or below every member's rate, "
        f"{NOTABLE}, or within it; on few crimes where {c.area_name} recorded fewer than {model.MIN_COUNT}, too few "
        "for the difference to be called notable."
    )


def members_caption(c: model.Comparison) -> str:
    return f"{_group_words(c)[:1].upper()}{_group_words(c)[1:]}, nearest first, all recorded crime, {c.period}"


def source(c: model.Comparison) -> str:
    """The source line for the section's tables."""
    return f"Source: {c.source}."
