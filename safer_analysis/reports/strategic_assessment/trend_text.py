"""The strategic assessment's sentences about trends: each crime series' change a year judged
against the area's normal year-to-year variation, how often the test would find a real change,
whether a trend slowed or accelerated (only where a test of that finds it), and the known breaks
inside the years, in plain words. Also how a period is named in a sentence."""

from __future__ import annotations

import pandas as pd

from safer_analysis.analysis.crime_profile import ALL_CRIME, ASB
from safer_analysis.inputs.years import FinancialYear, parse_period
from safer_analysis.present.formats import format_month, format_percent
from safer_analysis.reports.strategic_assessment.model import Profile


def _the(period: str) -> str:
    """'2018-19' as it is; 'year to Dec 2019' as 'the year to Dec 2019', for a sentence."""
    return period if isinstance(parse_period(period), FinancialYear) else "the " + period


def _span(first: str, last: str) -> str:
    """'2016-17 to 2018-19', or 'the years to Dec 2017 to Dec 2019'; one period as in a sentence."""
    if first == last:
        return _the(last)
    if isinstance(parse_period(last), FinancialYear):
        return f"{first} to {last}"
    return f"the years to {first.removeprefix('year to ')} to {last.removeprefix('year to ')}"


def trend_findings(p: Profile) -> list[str]:
    """The trend sentences of the summary: all crime, the crime types rising or falling, the rest,
    anti-social behaviour and any known break inside the years, each judged against the area's
    normal year-to-year variation and with how often the test finds a real change."""
    out = []
    t = p.trend.loc[ALL_CRIME]
    span = _span(p.years[0], p.years[-1])
    if t["significant"]:
        verb = "rose" if t["direction"] == "rising" else "fell"
        text = (
            f"Over {span} the crime rate {verb} by about {abs(t['annual_change_pct']):.1f}% a year on average, "
            f"more than {p.csp}'s normal year-to-year variation: the change is {_interval(t)}."
        )
    else:
        text = (
            f"Over {span} the crime rate changed by {format_percent(t['annual_change_pct'], signed=True)} a year on "
            f"average. That is not unusual against {p.csp}'s normal year-to-year variation, so no trend is stated: "
            f"the change is {_interval(t)}, and this test finds a real change of 10% a year "
            f"{_times_in_10(t['power_10'])}."
        )
    out.append(text + _latest_change(p, t))
    types = p.trend[~p.trend.index.isin([ALL_CRIME, ASB])]
    together = (
        f"unusual against normal year-to-year variation, allowing for the {len(types)} crime types tested together"
    )
    for direction, word in (("rising", "Rising"), ("falling", "Falling")):
        named = [
            f"{i} ({format_percent(r['annual_change_pct'], signed=True)} a year)"
            for i, r in types.iterrows()
            if r["direction"] == direction
        ]
        if named:
            out.append(f"{word}, {together}: " + ", ".join(named) + ".")
    quiet = types[types["direction"] == "no significant change"]
    if len(quiet):
        low, high = quiet["power_10"].min(), quiet["power_10"].max()
        reach = (
            _times_in_10(high)
            if _times_in_10(low) == _times_in_10(high)
            else (f"between {_times_in_10(low).removeprefix('about ')} and {_times_in_10(high).removeprefix('about ')}")
        )
        out.append(
            f"{'The other ' if len(quiet) < len(types) else 'All '}{len(quiet)} crime types show no change beyond "
            "their normal year-to-year variation. That is not evidence that they are steady: for a single type "
            f"this test finds a real change of 10% a year {reach}."
        )
    if ASB in p.trend.index and p.trend.at[ASB, "significant"]:
        a = p.trend.loc[ASB]
        out.append(
            f"Anti-social behaviour {'rose' if a['direction'] == 'rising' else 'fell'} by about "
            f"{abs(a['annual_change_pct']):.1f}% a year on average, more than its normal year-to-year variation: "
            f"the change is {_interval(a)}."
        )
    return out + break_sentences(p)


def _times_in_10(power: float) -> str:
    """How often a test finds a change, in words: 'about 3 times in 10'."""
    if pd.isna(power):
        return "an unknown share of the time"
    n = round(float(power) * 10)
    if n >= 10:
        return "almost every time"
    if n <= 0:
        return "less than once in 10"
    return "about once in 10" if n == 1 else f"about {n} times in 10"


def _when(first: str, last: str) -> str:
    """'from April 2018', or 'April 2020 to June 2021'."""
    return f"{format_month(first)} to {format_month(last)}" if last else f"from {format_month(first)}"


def break_sentences(p: Profile) -> list[str]:
    """One sentence per known break inside the years assessed: what it was, in plain words, and
    how far each series it moved stood from its trend there (the step, reported apart from the
    trend), those beyond normal year-to-year variation named first."""
    if p.trend.empty or "steps" not in p.trend:
        return _unseparated_sentences(p) if not p.trend.empty else []
    found: dict[tuple[str, str, str], list[tuple[str, object]]] = {}
    for series, steps in p.trend["steps"].items():
        for step in steps or ():
            found.setdefault((step.what, step.first, step.last), []).append((str(series), step))
    out = []
    for (what, first, last), moved in found.items():
        clear = [(s, st) for s, st in moved if st.p_value < 0.05]
        lasting = "From then on" if not last else "In those months"
        text = (
            f"A known break falls inside the years assessed ({_when(first, last)}): {what}. The trend is measured "
            "with a step there, reported apart, so a jump is not read as a trend."
        )
        if clear:
            text += (
                f" {lasting} "
                + "; ".join(
                    f"{s.lower() if s != ALL_CRIME else 'all crime'} stood {abs(st.change_pct):.0f}% "
                    f"{'above' if st.change_pct > 0 else 'below'} its trend ({_step_interval(st)})"
                    for s, st in clear
                )
                + ", more than normal year-to-year variation."
            )
        rest = len(moved) - len(clear)
        if rest:
            text += (
                f" {'The other' if clear else 'The'} {rest} series it touches moved no more than their normal "
                "year-to-year variation there"
            )
            step = next((st for s, st in moved if s == ALL_CRIME), None)
            if step is not None and step.p_value >= 0.05:
                text += f" (all crime {format_percent(step.change_pct, signed=True)}, {_step_interval(step)})"
            text += "."
        out.append(text)
    return out + _unseparated_sentences(p)


def _unseparated_sentences(p: Profile) -> list[str]:
    """One sentence per known break inside the years whose effect cannot be told apart from a
    normal year's swing (it falls where one of the years compared begins): named, with the series
    it touches, and what the trend of those series then means."""
    if "breaks_not_separated" not in p.trend:
        return []
    found: dict[tuple[str, str, str], list[str]] = {}
    for series, items in p.trend["breaks_not_separated"].items():
        for item in items or ():
            found.setdefault((item.what, item.first, item.last), []).append(
                "all crime" if series == ALL_CRIME else str(series).lower()
            )
    return [
        f"The years assessed span a known change ({_when(first, last)}): {what}. It falls where one of the "
        f"years compared begins, so its effect on {', '.join(named)} cannot be told apart from a normal "
        "year's swing and no size is given for it; a trend is stated for "
        f"{'that series' if len(named) == 1 else 'those series'} only if it holds both with and without a "
        "step there."
        for (what, first, last), named in found.items()
    ]


def _step_interval(step) -> str:
    """'likely between −20% and −6%': a step's size, the range it likely lies in."""
    return f"likely between {format_percent(step.lower, signed=True)} and {format_percent(step.upper, signed=True)}"


def trend_note(p: Profile) -> str:
    """How much the area's crime moves from one year to the next, and so how often the trend test
    finds a real change, from the area's own figures, for the trend section."""
    t = p.trend.loc[ALL_CRIME]
    types = p.trend[~p.trend.index.isin([ALL_CRIME, ASB])]
    asb = ""
    if ASB in p.trend.index:
        asb = f" and anti-social behaviour about {p.trend.at[ASB, 'year_variation'] * 100:.0f}%"
    return (
        f"Whole years of {p.csp}'s crime sit off a straight line by more than month-to-month ups and downs add up "
        f"to: by about {t['year_variation'] * 100:.0f}% for all crime{asb} (a year's usual distance from the "
        f"trend), measured on {t['year_variation_basis']}. Against that, this test finds a real change of "
        f"10% a year in all crime {_times_in_10(t['power_10'])} and of 20% a year {_times_in_10(t['power_20'])}; "
        f"for a single crime type, a change of 10% a year between {_times_in_10(types['power_10'].min())} and "
        f"{_times_in_10(types['power_10'].max())}. No change beyond normal year-to-year variation is therefore not "
        "evidence of no change."
    )


def _interval(t: pd.Series) -> str:
    """'likely between +4.6% and +16.2% a year': the range a trend's change a year likely lies in
    (its 95% interval, named so in the methods)."""
    lower = format_percent(t["annual_change_lower"], signed=True)
    return f"likely between {lower} and {format_percent(t['annual_change_upper'], signed=True)} a year"


def _latest_change(p: Profile, t: pd.Series) -> str:
    """' The latest year's change, on the same 11 calendar months (police.uk lacks a month), was
    +4.0% (2018-19 on 2017-18).', or '' with one year; and, where the test of that question finds
    it, that a trend slowed or accelerated in the latest year."""
    if len(p.years) < 2 or pd.isna(t.get("latest_change_pct")):
        return ""
    months = (
        ""
        if len(p.months_compared) == 12
        else f" on the same {len(p.months_compared)} calendar months in every year (police.uk lacks a month)"
    )
    text = (
        f" The latest year's change{months} was {format_percent(t['latest_change_pct'], signed=True)} "
        f"({p.years[-1]} on {p.years[-2]}, {int(t['previous']):,} to {int(t['last']):,})."
    )
    if t.get("pace"):
        departure = t["latest_departure_pct"]
        text += (
            f" The latest year sits {abs(departure):.0f}% {'above' if departure > 0 else 'below'} the line "
            f"through the years before, more than normal year-to-year variation: the "
            f"{'rise' if t['direction'] == 'rising' else 'fall'} has {t['pace']}."
        )
    return text
