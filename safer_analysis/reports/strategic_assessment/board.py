"""What the strategic assessment puts in the board paper: at most four findings in plain words, each
with the comparison that matters (the year before, similar partnerships, England and Wales, the
region), none resting on the analyst's illustrative scores; and the one request it makes of the
board, for the figures no one has supplied.

The board paper (:mod:`safer_analysis.reports.board_paper`) reads these from the report's recorded
summary, so the paper and the report say the same."""

from __future__ import annotations

import pandas as pd

from safer_analysis.analysis.crime_profile import ALL_CRIME, ASB
from safer_analysis.analysis.indicator_series import NEIGHBOURS_AVERAGE, number, with_unit
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


def level(p: Profile) -> str:
    """The year's crime and anti-social behaviour, its rate, and the change on the year before on
    the same months, with the trend's verdict in words."""
    total = int(p.counts.at[ALL_CRIME, p.year])
    text = f"In {_the(p.year)}, police.uk placed {total:,} recorded crimes in {p.csp}"
    if p.rates is not None:
        text += f" ({p.rates.at[ALL_CRIME, 'rate']:.0f} for every 1,000 residents)"
    if ASB in p.counts.index:
        text += f" and {int(p.counts.at[ASB, p.year]):,} incidents of anti-social behaviour"
    text += "."
    change = _latest_change(p)
    if change is not None and abs(change) >= 0.5:
        n = len(p.months_compared)
        months = "" if n in (0, 12) else f" (comparing the {n} months police.uk holds for both years)"
        text += f" Crime was {_change(change)} on the year before{months}"
        text += f"; {RECORDING}." if change > 0 else "."
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


def compared(similar) -> str:
    """The area's crime rate beside its similar partnerships' and England and Wales's, and its change
    beside theirs, for the latest year the national figures hold; empty without a comparison."""
    c = getattr(similar, "comparison", None)
    if c is None:
        return ""
    total = c.table.iloc[0]
    rate, group, ew = total["rate"], total["group_rate"], total["ew_rate"]

    def side(theirs: float) -> str:
        return "higher than" if rate > theirs else "lower than" if rate < theirs else "the same as"

    text = (
        f"In the {c.period}, the latest national figures, {c.area_name}'s crime rate ({rate:.0f} for every 1,000 "
        f"people) was {side(group)} its {int(total['group_members'])} most similar partnerships taken together "
        f"({group:.0f}) and {side(ew)} England and Wales ({ew:.0f})."
    )
    if pd.notna(total.get("change")) and pd.notna(total.get("group_change")):
        text += (
            f" Its crime was {_change(total['change'] * 100)} on the year before, against "
            f"{_change(total['group_change'] * 100)} across the similar partnerships."
        )
    return text


def _indicator_sentence(m: Measure) -> str:
    """An indicator's change over its years and where it stands beside its comparators, in a line."""
    s = m.series
    own = s.own.dropna(subset=["value"])
    first, last = own.iloc[0], own.iloc[-1]
    verb = {"falling": "fell", "rising": "rose"}[m.direction]
    text = (
        f"{m.name} {verb} from {with_unit(first['value'], s.unit)} in {first['period']} to "
        f"{number(last['value'])} in {last['period']}"
    )
    frame = s.comparison_frame
    if last["period"] in frame.index:
        row = frame.loc[last["period"]]
        others = [
            (("similar councils" if label == NEIGHBOURS_AVERAGE else label), value)
            for label, value in row.items()
            if label not in set(own["area_name"]) and pd.notna(value)
        ]
        if others:
            higher = all(last["value"] > v for _, v in others)
            lower = all(last["value"] < v for _, v in others)
            if higher or lower:
                listed = " and ".join(f"{label} ({number(v)})" for label, v in others)
                text += f", {'higher' if higher else 'lower'} than {listed}"
    return text + "."


def partner_evidence(ev: Evidence) -> str:
    """The clearest trend among the partner figures that measure a priority: a series moving by more
    than its usual ups and downs, with where it stands beside its comparators; empty where none does."""
    for item in ev.priorities:
        for m in item.measured:
            if m.kind != "police.uk" and m.direction in ("falling", "rising") and m.series is not None:
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
    return (
        f"{len(names)} of the {len(ev.priorities)} priorities and issues have no up-to-date figures that measure "
        f"them: {'; '.join(names)}. How they are doing rests on judgement alone."
    )


def findings(p: Profile, similar, ev: Evidence) -> list[str]:
    """The assessment's findings for the board paper (see the module), most important first."""
    return [t for t in (level(p), compared(similar), partner_evidence(ev), unmeasured(ev)) if t]


def asks(ev: Evidence) -> list[dict]:
    """The request the assessment makes of the board: the figures that would measure its priorities."""
    missing = gaps(ev)
    if not missing:
        return []
    listed = "; ".join(f"{figure}, held by {holder}" for figure, holder in missing)
    return [
        {
            "decision": "Ask partners for the figures that would measure the priorities, in time for the next "
            "assessment.",
            "why": f"No one has supplied: {listed}.",
            "options": [
                ["Ask for them now", "each priority can be judged on its own figures next year"],
                ["Carry on without them", "how those priorities are doing stays a matter of judgement"],
            ],
        }
    ]
