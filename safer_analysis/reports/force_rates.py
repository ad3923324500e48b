"""Each partnership of a force on its own: its crimes, rate per 1,000 residents and change on the
twelve months before, for any number of partnerships (a funnel needs three), and the figures ONS
publishes for the partnerships, the force and England and Wales as context.

Read by the force overview (:mod:`safer_analysis.reports.force_overview`) and the strategic
assessment where a force has fewer than three partnerships to compare (North Yorkshire: City of
York and North Yorkshire; City of London: one), or the counts per partnership hold fewer.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from safer_analysis.analysis.crime_profile import ASB
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas
from safer_analysis.inputs import population as populations
from safer_analysis.inputs import recorded_crime as national
from safer_analysis.inputs.population import ProjectFigures
from safer_analysis.inputs.years import FinancialYear, YearTo, parse_period
from safer_analysis.present.formats import format_month, in_words

#: The fewest partnerships a funnel is drawn for: its limits come from how much they differ.
FUNNEL_MINIMUM = 3


def year_before(period: str) -> FinancialYear | YearTo:
    """The twelve months before ``period`` (a financial year or a year to a month)."""
    p = parse_period(period)
    return p.previous() if isinstance(p, FinancialYear) else p.shift(-1)


def partnership_rates(
    counts: pd.DataFrame, force_code: str, period: str, figures: ProjectFigures | None = None
) -> pd.DataFrame:
    """Crime (not anti-social behaviour) in each partnership of the force that the counts per
    partnership hold: ``csp_code``, ``count``, ``population``, ``rate`` per 1,000 residents (the
    people of the LSOAs its rows are counted in, :func:`populations.estimate`, nearest the middle of
    the period), ``population_source`` (the kind of estimate, in a few words), ``count_before`` and ``change`` (a
    fraction, on the twelve months before; blank unless all twelve months of both are held). Index: the
    partnerships' names, highest rate first. A partnership the counts do not hold at all is left
    out (its crimes are unknown, not none); ``attrs`` say which (``not_held``), the months counted
    (``months``, ``months_before``), the force's name, every partnership's population
    (``populations``) and their sources in words, with how far the furthest is from the period
    (``population_source``).
    """
    p = parse_period(period)
    before = year_before(period)
    crime = counts[counts["crime_type"] != ASB]
    members = areas.partnerships(force_code)
    held_codes = set(counts["csp_code"])
    present = members[members["csp_code"].isin(held_codes)]
    now = crime[crime["month"].isin(p.months())]
    then = crime[crime["month"].isin(before.months())]
    months, months_before = sorted(now["month"].unique()), sorted(then["month"].unique())
    units = partnership_lsoas()
    rows, found = [], {}
    for _, m in present.iterrows():
        code = m["csp_code"]
        estimate = populations.estimate(units.get(code, ()), p.mid_year, figures)
        count = int(now.loc[now["csp_code"] == code, "count"].sum())
        whole = len(months) == len(months_before) == 12  # a change only between two whole years
        count_before = int(then.loc[then["csp_code"] == code, "count"].sum()) if whole else None
        rows.append(
            {
                "partnership": m["csp_name"],
                "csp_code": code,
                "count": count,
                "population": estimate.population if estimate else None,
                "rate": count / estimate.population * 1000 if estimate and months else None,
                "population_source": estimate.short if estimate else "no population estimate held",
                "count_before": count_before,
                "change": (count - count_before) / count_before if count_before and months else None,
            }
        )
        if estimate:
            found[code] = estimate
    columns = ["partnership", "csp_code", "count", "population", "rate", "population_source", "count_before", "change"]
    table = pd.DataFrame(rows, columns=columns).set_index("partnership")
    table = table.sort_values("rate", ascending=False, na_position="last")
    table.attrs.update(
        {
            "months": months,
            "months_before": months_before,
            "before": before.label,
            "force": members["force_name"].iloc[0] if not members.empty else "",
            "partnerships": len(members),
            "not_held": list(members.loc[~members["csp_code"].isin(held_codes), "csp_name"]),
            "populations": found,
            "population_source": populations.sources_in_words(found.values()),
        }
    )
    return table


def national_figures(codes: list[str], force_code: str, period: str, project: object = None) -> pd.DataFrame:
    """ONS's police recorded crime (all offences but fraud, counted by the police of every crime
    recorded, placed or not) for the partnerships ``codes``, their force and England and Wales, for
    the twelve months of ``period`` where the national table holds them, else for the latest
    twelve months it holds that end before the period does (None of either: an empty frame).
    Columns ``area``, ``count``, ``population``, ``rate``; ``attrs``: ``label`` (the table's period
    in words), ``same_period`` (whether it is the period's own) and ``source``.
    """
    end = parse_period(period).months()[-1]
    held = sorted(national.editions(project=project)["period_end"])
    chosen = end if end in held else max((e for e in held if e < end), default=None)
    if chosen is None:
        return pd.DataFrame(columns=["area", "count", "population", "rate"])
    try:
        rows = national.recorded_crime(chosen, project=project)
    except ParameterError:
        return pd.DataFrame(columns=["area", "count", "population", "rate"])
    total = rows[rows["offence_group"] == national.TOTAL]
    out = []
    for code in codes:
        row = total[(total["level"] == "partnership") & (total["csp_code"] == code)]
        if not row.empty:
            out.append(_row(row.iloc[0]["csp_name"], row.iloc[0]))
    force = total[(total["level"] == "force") & (total["force_code"] == force_code)]
    if not force.empty:
        out.append(_row(f"{force.iloc[0]['force']} (force area)", force.iloc[0]))
    whole = national.england_and_wales(chosen, project=project).set_index("offence_group").loc[national.TOTAL]
    out.append({"area": "England and Wales", **_figures(whole)})
    frame = pd.DataFrame(out, columns=["area", "count", "population", "rate"])
    frame.attrs.update({"label": rows.attrs["label"], "same_period": chosen == end, "source": rows.attrs["source"]})
    return frame


def _figures(row: pd.Series) -> dict:
    population = None if pd.isna(row["population"]) else int(row["population"])
    rate = row["rate"] if pd.notna(row["rate"]) else (row["count"] * 1000 / population if population else None)
    return {"count": int(row["count"]), "population": population, "rate": None if pd.isna(rate) else float(rate)}


def _row(name: str, row: pd.Series) -> dict:
    return {"area": name, **_figures(row)}


@cache
def partnership_lsoas() -> dict[str, frozenset[str]]:
    """The LSOAs each partnership's rows are counted in (:func:`areas.partnership_of_lsoa`, as the
    counts per partnership are made), as LSOAs of 2021."""
    out: dict[str, set[str]] = {}
    for lsoa, csp in areas.partnership_of_lsoa().items():
        if csp:
            out.setdefault(csp, set()).add(lsoa)
    return {csp: populations.as_lsoa21(codes) for csp, codes in out.items()}


# ---- in words ------------------------------------------------------------------------------------


def _months(months: list[str]) -> str:
    return ", ".join(format_month(m) for m in months)


def with_the(period: str) -> str:
    """'the year to Dec 2025', '2018-19'."""
    return f"the {period}" if period.startswith("year to") else period


def _in(period: str) -> str:
    """'in the year to Dec 2025', 'in 2018-19'."""
    return f"in {with_the(period)}"


def why_no_funnel(t: pd.DataFrame, force: str, *, short: bool = False) -> str:
    """Why no funnel chart is drawn, in plain words (``short``: for a summary)."""
    n, of = len(t), t.attrs["partnerships"]
    if n == 0 or not t.attrs["months"]:
        return (
            f"The police.uk counts per partnership hold no month of this period for {force}'s partnerships, so "
            "there is nothing to compare."
        )
    rated = int(t["rate"].notna().sum())
    if n == of:
        why = f"{force} has {in_words(n)} partnership{'s' if n > 1 else ''}"
    else:
        why = (
            f"The police.uk counts per partnership hold {in_words(n)} of {force}'s {in_words(of)} partnerships "
            f"(none for {', '.join(t.attrs['not_held'])})"
        )
    if rated < n and n >= FUNNEL_MINIMUM:
        why += f", and only {in_words(rated)} of them have a population estimate"
    if short:
        return f"{why}: too few to chart against limits, so each one's figures are given."
    whose = "Its" if n == 1 else "Each one's"
    return (
        f"{why}: too few for a chart of limits, which are set by how much at least {in_words(FUNNEL_MINIMUM)} "
        f"partnerships' rates differ from one another. {whose} figures are given instead."
    )


def rate_sentences(t: pd.DataFrame, period: str) -> list[str]:
    """A sentence per partnership: crimes, rate and population, change on the year before."""
    out: list[str] = []
    months = t.attrs["months"]
    if not months:
        return out
    for name, r in t.iterrows():
        if pd.isna(r["rate"]):
            out.append(f"{name}: {r['count']:,} crimes {_in(period)}; no population estimate is held, so no rate.")
            continue
        text = f"{name}: {r['count']:,} crimes {_in(period)}, {r['rate']:.1f} per 1,000 residents"
        if pd.notna(r["change"]):
            word = "up" if r["change"] > 0 else "down" if r["change"] < 0 else "unchanged"
            text += (
                f"; {word} {abs(r['change']) * 100:.0f}% on the {r['count_before']:,} of the {t.attrs['before']}"
                if word != "unchanged"
                else f"; the same as the {r['count_before']:,} of the {t.attrs['before']}"
            )
        out.append(text + ".")
    if 1 < len(t) == t.attrs["partnerships"] and t["rate"].notna().all():
        together = t["count"].sum() / t["population"].sum() * 1000
        both = "Both" if len(t) == 2 else f"All {in_words(len(t))}"
        out.append(f"{both} together: {together:.1f} crimes per 1,000 residents.")
    if len(t) == 2 and t["rate"].notna().all() and t["rate"].iloc[1] > 0:
        ratio = t["rate"].iloc[0] / t["rate"].iloc[1]
        out.append(
            f"{t.index[0]}'s rate is {ratio:.1f} times {t.index[1]}'s."
            if ratio >= 1.15
            else f"The two rates are within {abs(ratio - 1) * 100:.0f}% of each other."
        )
    before = t.attrs["months_before"]
    if len(t) and len(before) < 12:
        out.append(
            f"No change on the {t.attrs['before']} is given: the crime data hold "
            + (f"only {len(before)} of its months." if before else "none of its months.")
        )
    elif len(t) and len(months) < 12:
        out.append(f"No change on the {t.attrs['before']} is given: this period is not a whole year of data.")
    missing = [m for m in parse_period(period).months() if m not in set(months)]
    if len(t) and missing:
        out.append(
            f"These figures cover {12 - len(missing)} of the 12 months, not scaled up to a year: the crime data hold "
            f"none for {_months(missing)}."
        )
    return out


def national_sentence(n: pd.DataFrame, period: str) -> str:
    """What ONS's figures are, for which twelve months, and why they differ from police.uk's."""
    if n.empty:
        return "ONS's police recorded crime by partnership is not held for this period or any before it."
    when = (
        f"for the same twelve months ({n.attrs['label']})"
        if n.attrs["same_period"]
        else f"for the {n.attrs['label']}, the latest held before the end of {with_the(period)} (not the same "
        "twelve months)"
    )
    return (
        f"For context, ONS's police recorded crime {when}. It counts every crime the police recorded except fraud, "
        "whether or not police.uk could place it on a street, and it is made at a different time, so its counts "
        "and police.uk's need not match: a backdrop, not a like-for-like comparison."
    )
