"""What the strategic assessment puts in the board paper: at most four findings in plain words, each
with the comparison that matters (the year before, similar partnerships, England and Wales, the
region), none resting on the analyst's illustrative scores; and the one request it makes of the
board, for the figures no one has supplied.

The board paper (:mod:`safer_analysis.reports.board_paper`) reads these from the report's recorded
summary, so the paper and the report say the same."""

from __future__ import annotations

import pandas as pd

from safer_analysis.analysis.crime_profile import ALL_CRIME, ASB
from safer_analysis.analysis.indicator_series import number, with_unit
from safer_analysis.inputs.years import parse_period
from safer_analysis.present.formats import format_month
from safer_analysis.reports.board_paper.decisions import FIGURES_KEY, FIGURES_OPTIONS
from safer_analysis.reports.strategic_assessment.evidence import Evidence, Measure
from safer_analysis.reports.strategic_assessment.model import Profile
from safer_analysis.reports.strategic_assessment.trend_text import _the

#: Said beside a rise in police-recorded crime: the count follows recording as well as crime.
RECORDING = "part of a rise in recorded crime can come from the police recording more of what is reported"


def _change(pct: float) -> str:
    return f"{'up' if pct > 0 else 'down'} {abs(pct):.0f}%"


def _latest_change(p: Profile) -> float | None:
    """All crime's change on the year before, per cent, on the months both years hold; None without a year before."""
    if not p.trend.empty and ALL_CRIME in p.trend.index:
        value = p.trend.at[ALL_CRIME, "latest_change_pct"]
        return None if pd.isna(value) else float(value)
    same = p.counts_same_months
    if ALL_CRIME not in same.index or p.year not in same.columns or len(same.columns) < 2:
        return None
    before = same.columns[list(same.columns).index(p.year) - 1] if list(same.columns).index(p.year) else None
    if before is None or not same.at[ALL_CRIME, before]:
        return None
    return (same.at[ALL_CRIME, p.year] / same.at[ALL_CRIME, before] - 1) * 100


def _counting_rules(p: Profile) -> str:
    """Where a crime type's counting rules changed as the latest year began, its change on the year
    before apart from the rest's: " Violence and sexual offences, counted more widely from April
    2018, rose 14%; other crime fell 4%." Empty where no rule changed then."""
    same = p.counts_same_months
    if p.trend.empty or "breaks_not_separated" not in p.trend or p.year not in same.columns:
        return ""
    years = list(same.columns)
    if years.index(p.year) == 0:
        return ""
    before = years[years.index(p.year) - 1]
    changed = {}
    for kind, found in p.trend["breaks_not_separated"].items():
        for b in found or ():
            if kind != ALL_CRIME and kind in same.index and b.first:
                changed.setdefault(kind, b.first)
    if not changed:
        return ""
    rest_now = same.at[ALL_CRIME, p.year] - sum(same.at[k, p.year] for k in changed)
    rest_then = same.at[ALL_CRIME, before] - sum(same.at[k, before] for k in changed)
    parts = []
    for kind, first in changed.items():
        pct = (same.at[kind, p.year] / same.at[kind, before] - 1) * 100 if same.at[kind, before] else float("nan")
        if pd.notna(pct):
            parts.append(f"{kind} were {_change(pct)}: the rules for counting them widened in {format_month(first)}")
    if not parts or not rest_then:
        return ""
    return f" {'. '.join(parts)}. All other crime was {_change((rest_now / rest_then - 1) * 100)}."


def level(p: Profile) -> str:
    """The year's crime and anti-social behaviour, its rate, and the change on the year before on
    the same months, with the trend's verdict in words."""
    total = int(p.counts.at[ALL_CRIME, p.year])
    text = f"In {_the(p.year)}, police.uk placed {total:,} recorded crimes in {p.csp}"
    if p.rates is not None:
        text += f": {p.rates.at[ALL_CRIME, 'rate']:.1f} per 1,000 people"
    text += "."
    if ASB in p.counts.index:
        text += f" It placed {int(p.counts.at[ASB, p.year]):,} incidents of anti-social behaviour."
    change = _latest_change(p)
    if change is not None and abs(change) >= 0.5:
        n = len(p.months_compared)
        months = "" if n in (0, 12) else f", on the {n} months police.uk holds for both years"
        text += f" Crime was {_change(change)} on the year before{months}."
        if change > 0:
            text += f" But {RECORDING}."
        text += _counting_rules(p)
    if p.trend.empty or ALL_CRIME not in p.trend.index:
        return text
    t = p.trend.loc[ALL_CRIME]
    if t["direction"] in ("rising", "falling"):
        text += (
            f" Over {p.years[0]} to {_the(p.year)} crime was {t['direction']}, by more than its usual ups and downs "
            "from year to year."
        )
    else:
        text += (
            f" Over {p.years[0]} to {_the(p.year)} the changes are within crime's usual ups and downs from year "
            "to year."
        )
    return text


def compared(similar, after: str = "") -> str:
    """The area's crime rate beside its similar partnerships' and England and Wales's, and its change
    beside theirs, for the latest year the national figures hold; empty without a comparison."""
    c = getattr(similar, "comparison", None)
    if c is None:
        return ""
    total = c.table.iloc[0]
    rate, group, ew = total["rate"], total["group_rate"], total["ew_rate"]

    def side(theirs: float) -> str:
        return "higher than" if rate > theirs else "lower than" if rate < theirs else "the same as"

    later = (
        ", later than the year assessed, so they show where things stand now" if after and c.period_end > after else ""
    )
    members = int(total["group_members"])
    text = (
        f"In the {c.period} (the latest national figures{later}), {c.area_name}'s crime rate "
        f"({rate:.0f} for every 1,000 people) was {side(group)} its {members} most similar partnerships taken "
        f"together ({group:.0f}) and {side(ew)} England and Wales ({ew:.0f})."
    )
    if pd.notna(total.get("change")) and pd.notna(total.get("group_change")):
        text += (
            f" Its crime was {_change(total['change'] * 100)} on the year before, against "
            f"{_change(total['group_change'] * 100)} across the similar partnerships"
        )
        force = _force_change(c)
        if force is not None:
            name, pct = force
            text += f" and {_change(pct)} across {name} as a whole"
            if (pct > 0) == (total["change"] > 0) and abs(pct - total["change"] * 100) < 5:
                text += (
                    ": a change shared by the whole force may point to a force-wide cause, such as how crime is "
                    "recorded, more than to anything local"
                )
        text += "."
    return text


def _force_change(c, project: object = None) -> tuple[str, float] | None:
    """The area's force and its recorded crime's change on the year before, per cent, from the
    national table the comparison uses; None where the table lacks either year."""
    from safer_analysis.errors import ParameterError
    from safer_analysis.inputs.recorded_crime import recorded_crime

    try:
        now = recorded_crime(c.period_end, level="force", project=project)
        then = recorded_crime(c.previous_end, level="force", project=project) if c.previous_end else None
        areas = recorded_crime(c.period_end, level="partnership", project=project)
    except (KeyError, ValueError, LookupError, ParameterError):
        return None
    if now.attrs.get("period_end") != c.period_end or (
        then is not None and then.attrs.get("period_end") != c.previous_end
    ):
        return None
    if then is None:
        return None
    total = "Total recorded crime (excluding fraud)"
    mine = areas[(areas["csp_code"] == c.area_code) & (areas["offence_group"] == total)]
    if mine.empty:
        return None
    code = mine["force_code"].iloc[0]
    a = now[(now["force_code"] == code) & (now["offence_group"] == total)]["count"].sum()
    b = then[(then["force_code"] == code) & (then["offence_group"] == total)]["count"].sum()
    if not b:
        return None
    return str(mine["force"].iloc[0]), (a / b - 1) * 100


def _beside(m: Measure, value: float, period: str) -> str:
    """Where the area's ``value`` for ``period`` stands beside every comparator's: ", higher than A
    (1) and B (2)" where it is on one side of all of them; empty otherwise."""
    others = m.series.comparators(period, "similar councils")
    if not others:
        return ""
    if all(value > v for _, v, _ in others):
        side = "higher"
    elif all(value < v for _, v, _ in others):
        side = "lower"
    else:
        return ""
    return f", {side} than " + " and ".join(f"{name} ({said})" for name, _, said in others)


def _indicator_sentence(m: Measure) -> str:
    """An indicator's change over its years, or its levels either side of a known break, and where
    it stands beside its comparators, in a line."""
    s = m.series
    own = s.own.dropna(subset=["value"])
    first, last = own.iloc[0], own.iloc[-1]
    trend = s.trend
    if trend is not None and trend.step:
        text = (
            f"{m.name}: about {with_unit(round(trend.before), s.unit)} a year before {trend.step}, about "
            f"{number(round(trend.after))} since; {number(last['value'])} in {last['period']}"
        )
    else:
        verb = {"falling": "fell", "rising": "rose"}[m.direction]
        text = (
            f"{m.name} {verb} from {with_unit(first['value'], s.unit)} in {first['period']} to "
            f"{number(last['value'])} in {last['period']}"
        )
    return text + _beside(m, last["value"], last["period"]) + "."


def _sized(m: Measure) -> bool:
    """Whether a series says what it is made of: not a percentage of groups of unknown size."""
    return not (m.series.unit.startswith("%") and m.series.own["count"].isna().all())


def partner_evidence(ev: Evidence) -> str:
    """The clearest change among the partner figures that measure a priority: a series moving by more
    than its usual ups and downs, else one that changed at a known break, with where it stands
    beside its comparators; empty where none did."""
    candidates = [
        m
        for item in ev.priorities
        for m in item.measured
        if m.kind != "police.uk" and m.series is not None and m.series.trend is not None and _sized(m)
    ]
    for wanted in (lambda m: m.direction in ("falling", "rising"), lambda m: bool(m.series.trend.step)):
        for m in candidates:
            if wanted(m):
                return _indicator_sentence(m)
    return ""


def gaps(ev: Evidence) -> list[tuple[str, str]]:
    """Each figure a priority needs that no one has supplied, with who holds it: (figure, holder)."""
    out = []
    for item in ev.priorities:
        for text in item.not_measured:
            if text.endswith(", not supplied.") and ": held by " in text:
                figure, holder = text.removesuffix(", not supplied.").split(": held by ", 1)
                if (figure, holder) not in out:
                    out.append((figure, holder))
    return out


def unmeasured(ev: Evidence) -> str:
    """How many priorities no figure held measures, named; empty where every one has a measure."""
    names = [
        i.name
        for i in ev.priorities
        if not i.measured or all(m.series is not None and m.series.single_point for m in i.measured)
    ]
    if not names:
        return ""
    some = ""
    return (
        f"{len(names)} of the {len(ev.priorities)} priorities and issues have no up-to-date figures that measure "
        f"them: {'; '.join(names)}. How they are doing rests on judgement alone.{some}"
    )


def findings(p: Profile, similar, ev: Evidence) -> list[str]:
    """The assessment's findings for the board paper (see the module), most important first."""
    end = parse_period(p.year).months()[-1]
    return [t for t in (level(p), compared(similar, end), partner_evidence(ev), unmeasured(ev)) if t]


def asks(ev: Evidence) -> list[dict]:
    """The request the assessment makes of the board: the figures partners hold that would measure
    its priorities. Figures their holder publishes (``held_by`` says "published") are the
    analyst's to add, and are named as such rather than asked for."""
    missing = gaps(ev)
    held = [(f, h) for f, h in missing if "published" not in h.lower()]
    published = [(f, h) for f, h in missing if "published" in h.lower()]
    if not held:
        return []
    why = "Partners hold these figures, but they were not supplied for this assessment:"
    items = [f"{figure}: held by {holder}" for figure, holder in held]
    if published:
        items.append(
            "Published, for the analyst to add before the next assessment: "
            + "; ".join(f"{figure}: {holder}" for figure, holder in published)
        )
    return [
        {
            "decision": "Ask partners for the figures that would measure the priorities, in time for the next "
            "assessment.",
            "why": why,
            "items": items,
            "options": [[o.choice, o.follows] for o in FIGURES_OPTIONS],
            "key": FIGURES_KEY,
        }
    ]
