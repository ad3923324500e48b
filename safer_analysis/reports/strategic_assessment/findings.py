"""The strategic assessment's findings as sentences: what the profile says, in the words a board
reads, each with the comparison that matters."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from safer_analysis.analysis.crime_profile import (
    ALL_CRIME,
    ASB,
)
from safer_analysis.analysis.ranking import (
    shared_ranks,
)
from safer_analysis.inputs import reference
from safer_analysis.inputs.years import FinancialYear, parse_period, period_sentence
from safer_analysis.present.formats import format_month, format_percent
from safer_analysis.reports import force_rates
from safer_analysis.reports.strategic_assessment.model import Profile
from safer_analysis.reports.strategic_assessment.trend_text import _span, _the, trend_findings


def coverage_sentence(p: Profile) -> str:
    """Which months the figures cover, and how a year with missing months is handled."""
    first, last = parse_period(p.years[0]).months()[0], parse_period(p.year).months()[-1]
    gaps = {y: r["missing"] for y, r in p.coverage.iterrows() if r["missing"]}
    kind = "financial years" if isinstance(parse_period(p.year), FinancialYear) else "twelve-month periods"
    if len(p.years) == 1:
        text = f"The crime figures cover {_the(p.year)} ({parse_period(p.year).long_label})"
    else:
        text = (
            f"The crime figures cover the {kind} {_span(p.years[0], p.year).removeprefix('the years ')} "
            f"({format_month(first)} to {format_month(last)})"
        )
    if not gaps:
        return text + ": every month is present."
    parts = [
        f"{y} lacks {', '.join(format_month(m) for m in missing)} ({12 - len(missing)} of 12 months)"
        for y, missing in gaps.items()
    ]
    handled = (
        "Its counts and rates are for the months held, not scaled up to a year. The trend is fitted to every "
        "month held, the missing month left out rather than counted as zero; the trend table's yearly "
        f"counts compare the same {len(p.months_compared)} calendar months in every year"
    )
    return text + ". " + "; ".join(parts) + ", as police.uk publishes it. " + handled + "."


def period_note(p: Profile) -> str | None:
    """Which months the crime figures cover and that the money's financial year is separate, where
    the two differ (:func:`safer_analysis.inputs.years.period_sentence`)."""
    if not p.money_year:
        return None
    period = parse_period(p.year)
    return period_sentence(period, p.money_year, latest=period.months()[-1] == p.last_month_held)


def data_quality_sentence(metadata: Mapping | None, force: str, year: str) -> str | None:
    """The force's police.uk crimes for ``year`` against the Home Office recorded crime total, and
    the rows police.uk could not place; None when the import recorded no force-wide counts."""
    months = (metadata or {}).get("force_months") or {}
    in_year = {m: s for m, s in months.items() if m in parse_period(year).months()}
    if not in_year:
        return None
    crimes = sum(s["rows"] - s["asb"] for s in in_year.values())
    rows = sum(s["rows"] for s in in_year.values())
    unplaced = sum(s["no_location"] for s in in_year.values())
    where = force or "the force"
    text = (
        f"Data quality: across {where}, {unplaced:,} of the {rows:,} police.uk rows for {_the(year)} "
        f"({unplaced / rows * 100:.1f}%) have no location, so no area can count them."
    )
    recorded = (
        reference.recorded_crime(force, year) if force and isinstance(parse_period(year), FinancialYear) else None
    )
    if recorded and len(in_year) == 12:
        text += (
            f" police.uk holds {crimes:,} crimes for {where} in {year} against {recorded:,} in the Home Office's "
            f"police recorded crime ({crimes / recorded * 100:.1f}%)."
        )
    elif recorded:
        text += (
            f" police.uk holds {len(in_year)} of the year's 12 months, so its {crimes:,} crimes are not set "
            f"against the Home Office's {recorded:,} recorded for the whole year."
        )
    twice = sum(sum(f.values()) for m, f in (metadata or {}).get("duplicates_dropped", {}).items() if m in in_year)
    if twice:
        text += (
            f" {twice:,} crime record(s) for {_the(year)} that police.uk published twice (the same Crime ID, identical "
            "in every field) were counted once."
        )
    return text


def years_span(p: Profile) -> str:
    """The comparison years for a caption: '2016-17 to 2018-19', or the one period held."""
    return p.year if len(p.years) == 1 else f"{p.years[0]} to {p.year}"


def the_period(p: Profile) -> str:
    """The period assessed for a sentence: '2018-19', 'the year to Dec 2025'."""
    return _the(p.year)


def year_label(p: Profile, year: str) -> str:
    """A year as a column heading, with its months held where any are missing: '2017-18 (11 months)'."""
    held = int(p.coverage.at[year, "months_held"]) if year in p.coverage.index else 12
    return year if held == 12 else f"{year} ({held} months)"


def evidence_table(p: Profile) -> pd.DataFrame:
    """The data evidence alone, per crime type: volume, share of harm and trend (no analyst scores)."""
    out = p.harm[["count", "harm_share_pct"]].copy()
    if not p.trend.empty:
        out["trend"] = p.trend["direction"].reindex(out.index).fillna("")
    return out.reset_index()


def summarise(p: Profile) -> list[str]:
    """Plain-English findings for the top of the assessment."""
    out = []
    total = int(p.counts.at[ALL_CRIME, p.year])
    text = f"In {_the(p.year)}, police.uk placed {total:,} recorded crimes in {p.csp}"
    if p.rates is not None:
        r = p.rates.loc[ALL_CRIME]
        text += f": {r['rate']:.1f} per 1,000 people (likely between {r['lower']:.1f} and {r['upper']:.1f})"
    text += "."
    if ASB in p.counts.index:
        text += f" It placed {int(p.counts.at[ASB, p.year]):,} incidents of anti-social behaviour."
    out.append(text)
    if period_note(p):
        out.append(period_note(p))
    held = int(p.coverage.at[p.year, "months_held"]) if p.year in p.coverage.index else 12
    if held < 12:
        missing = ", ".join(format_month(m) for m in p.coverage.at[p.year, "missing"])
        out.append(
            f"These figures for {_the(p.year)} cover {held} of its 12 months, counts and rates alike: the crime "
            f"data hold none for {missing}."
        )
    if p.trend.empty and len(p.years) >= 2:
        out.append(f"No trend is stated: the crime data hold fewer than 24 months across {_span(p.years[0], p.year)}.")
    if not p.trend.empty:
        out.extend(trend_findings(p))
    top = p.harm.dropna(subset=["harm"]).iloc[0]
    out.append(
        f"{top.name} is {format_percent(top['count_share_pct'])} of crimes but "
        f"{format_percent(top['harm_share_pct'])} of the harm, when each crime is weighted by how serious it is "
        "(the ONS Crime Severity Score)."
    )
    c = p.concentration
    every_year = (
        f" {len(p.recurring)} of the {c['top_lsoas']} busiest are among the busiest in every year from "
        f"{_span(p.years[0], p.years[-1])}."
        if len(p.years) > 1
        else ""
    )
    out.append(
        f"The busiest {c['share'] * 100:.0f}% of neighbourhoods hold {format_percent(c['top_share_pct'])} of "
        f"crime.{every_year}"
    )
    if p.peers is not None:
        out.append(peer_sentence(p))
    if p.scores_entered:
        out.append(ranking_sentence(p))
    else:
        out.append(
            f"The analyst's threat, risk and harm scores for {p.money_year or p.year} are still to be entered, so the "
            "priorities are not yet ranked; the evidence from the crime data is shown alone."
        )
    return out


def illustrative_notice(metadata: Mapping | None, scores: pd.DataFrame, year: str) -> str | None:
    """The banner text where the report rests on synthetic or illustrative inputs, else None."""
    parts = []
    if (metadata or {}).get("synthetic"):
        parts.append(
            "The crime and anti-social behaviour figures in this report come from a SYNTHETIC "
            "dataset in the police.uk format, generated for demonstration: they are not real "
            "recorded crime and must not be used for decisions."
        )
    s = scores[scores["financial_year"] == year]
    if not s.empty and bool(s["illustrative"].any()):
        parts.append(
            "The threat, risk and harm scores are ILLUSTRATIVE, written to show the method, not the "
            "partnership's own assessment: the ranking is not a finding until the partnership scores its "
            "priorities."
        )
    return " ".join(parts) or None


def data_status(p: Profile, metadata: Mapping | None, scores: pd.DataFrame) -> list[tuple[str, str]]:
    """What the assessment rests on, each marked real, illustrative or synthetic, for the index."""
    first, last = parse_period(p.years[0]).months()[0], parse_period(p.year).months()[-1]
    gaps = [m for y in p.coverage.index for m in p.coverage.at[y, "missing"]] if not p.coverage.empty else []
    held = f"{format_month(first)} to {format_month(last)}" + (
        f", {', '.join(format_month(m) for m in gaps)} missing" if gaps else ""
    )
    crime = (
        ("synthetic", f"Crime and anti-social behaviour: a synthetic dataset, {held}")
        if (metadata or {}).get("synthetic")
        else ("real", f"Crime and anti-social behaviour: police.uk street-level data, {held}")
    )
    out = [crime, ("real", f"Population: {p.population_note or 'none known, so no rates'}")]
    out.append(("real", f"Harm weights: ONS Crime Severity Score by {p.harm_basis}"))
    year = p.money_year or p.year
    s = scores[scores["financial_year"] == year]
    if s.empty:
        out.append(("draft", f"Threat, risk and harm scores for {year}: not yet entered"))
    elif bool(s["illustrative"].any()):
        out.append(("illustrative", "Threat, risk and harm scores, and so the ranking of the priorities"))
    else:
        out.append(("real", "Threat, risk and harm scores: the partnership's own"))
    return out


def recommendations(p: Profile, dataset, scores: pd.DataFrame) -> pd.DataFrame:
    """Points for the board: those this assessment's findings lead to, and those of
    recommendations.csv for the year (the partnership's own, where a document is cited; else the
    analyst's), each marked which."""
    rows = []
    if not p.trend.empty:
        rising = p.trend[(p.trend["direction"] == "rising") & (p.trend.index != ALL_CRIME)]
        harmful = p.harm.dropna(subset=["harm"])
        for crime_type, t in rising.iterrows():
            if crime_type in harmful.index and harmful.at[crime_type, "harm_share_pct"] >= 10:
                latest = (
                    f" ({format_percent(t['latest_change_pct'], signed=True)} in the latest year)"
                    if not pd.isna(t.get("latest_change_pct"))
                    else ""
                )
                rows.append(
                    f"{crime_type} is rising by about {t['annual_change_pct']:.0f}% a year on average{latest} and is "
                    f"{format_percent(harmful.at[crime_type, 'harm_share_pct'])} of harm: ask partners what lies "
                    "behind the rise, including how much is better recording, before the next plan is set."
                )
    if len(p.recurring):
        wards = p.recurring["ward"].value_counts()
        top_ward, n = wards.index[0], int(wards.iloc[0])
        where = f"{n} of them in {top_ward}" if top_ward != "not known" else "their wards not known"
        rows.append(
            f"{len(p.recurring)} neighbourhoods are among the busiest every year, {where}: "
            "work aimed at these places would reach a large share of crime."
            if len(p.years) > 1
            else f"The {len(p.recurring)} busiest neighbourhoods of {_the(p.year)}, {where}, hold "
            f"{format_percent(p.recurring[p.year].sum() / p.concentration['total'] * 100)} of the crimes placed: "
            "work aimed at these places would reach a large share of crime; a second year of data will show "
            "whether they stay the busiest."
        )
    unmeasured = p.priorities[
        (p.priorities["measured_by"] == "") & (p.priorities["kind"].isin(["priority", "emerging issue"]))
    ]
    if len(unmeasured):
        rows.append(
            "police.uk street-level data cannot measure "
            + ", ".join(unmeasured["name"].str.split(" including ").str[0])
            + ": ask the force and partners for their own records so that these priorities rest on evidence."
        )
    if p.priorities.empty:  # the ranking is the profile's, on the financial year's scores
        rows.append(
            "Name the partnership's local priorities and score them on threat, risk and harm: none is entered for "
            "the year, so this assessment ranks none and shows the crime data alone."
        )
    elif not p.scores_entered:
        rows.append(
            "Score the priorities with the partnership: no threat, risk and harm scores are entered for the year, "
            "so no priority is ranked yet."
        )
    elif bool(p.ranking["illustrative"].any()):
        rows.append("Score the priorities with the partnership: the ranking in this pack rests on illustrative scores.")
    out = pd.DataFrame({"basis": "from this assessment's findings", "recommendation": rows})
    own = getattr(dataset, "recommendations", None)
    if own is not None and not own.empty:
        mine = own[own["financial_year"] == p.year]
        titles = dataset.sources.set_index("document_id")["title"]
        theirs = pd.DataFrame(
            {
                "basis": [
                    f"the partnership's own, in {titles.get(d, d)}" if isinstance(d, str) and d else "the analyst's"
                    for d in mine["source_document"]
                ],
                "recommendation": mine["recommendation"],
            }
        )
        out = pd.concat([out, theirs], ignore_index=True)
    return out


def concentration_sentence(p: Profile) -> str:
    c = p.concentration
    pct = f"{c['share'] * 100:.0f}%"
    return (
        f"In {_the(p.year)}, the busiest {pct} of {p.csp}'s {c['lsoas']} neighbourhoods held "
        f"{format_percent(c['top_share_pct'])} of the {c['total']:,} crimes that could be placed. On a scale "
        f"from 0 (every neighbourhood has the same count) to 1 (one has them all), crime here stands at "
        f"{c['gini']:.2f}. "
        + (
            f"{len(p.recurring)} of the {c['top_lsoas']} busiest neighbourhoods were among the {c['top_lsoas']} "
            f"busiest in every year from {p.years[0]} to {p.year}; they are listed below with their wards."
            if len(p.years) > 1
            else f"The {c['top_lsoas']} busiest are listed below with their wards; with one year of data held, none "
            "can yet be shown to be among the busiest year after year."
        )
    )


def peer_sentence(p: Profile) -> str:
    """Where the area stands among its force's partnerships, and whether that is beyond their usual spread."""
    t, row, order = standing(p)
    if row is None:
        return f"{p.csp} is not one of the partnerships of {t.attrs['force']}, so it is not compared with them."
    verdict = "within it" if row["verdict"] == "within the limits" else row["verdict"]
    nearest = [
        f"{name} ({r['rate']:.1f})"
        for name, r in t[~t["own"]].assign(gap=(t["rate"] - row["rate"]).abs()).sort_values("gap").head(2).iterrows()
    ]
    target = t.attrs["target_rate"]
    gap = (row["rate"] / target - 1) * 100
    text = (
        f"{p.csp}'s crime rate ({row['rate']:.1f} per 1,000) is the {order} of the {len(t)} partnerships in "
        f"{t.attrs['force']}, {abs(gap):.0f}% {'above' if gap >= 0 else 'below'} the rate of all {len(t)} "
        f"together ({target:.1f}), close to {' and '.join(nearest)}. "
    )
    same_for_all = (t["upper_95"].max() - t["upper_95"].min()) < 0.05 * target
    if not t.attrs.get("tau2", 0) > 0:  # no more spread than chance: the limits are chance's alone
        text += (
            f"The partnerships' rates differ no more than chance would make them, so the range expected at "
            f"{p.csp}'s size is chance's alone, {row['lower_95']:.1f} to {row['upper_95']:.1f} per 1,000, and "
            f"{p.csp} is {verdict}"
        )
    elif same_for_all:
        text += (
            f"Partnerships differ so much (cities against rural districts) that the range expected is wide and "
            f"almost the same for every partnership, whatever its size: {row['lower_95']:.1f} to "
            f"{row['upper_95']:.1f} per 1,000. {p.csp} is {verdict}"
        )
    else:
        text += (
            f"Partnerships differ so much (cities against rural districts) that the range expected at {p.csp}'s "
            f"size is wide, {row['lower_95']:.1f} to {row['upper_95']:.1f} per 1,000, and {p.csp} is {verdict}"
        )
    if int((t["verdict"] != "within the limits").sum()) == 0:
        text += (
            ", as every partnership is: with so few partnerships, so unlike one another, this comparison cannot "
            f"single out {p.csp} or any of them"
        )
    return text + "."


def peer_absence(p: Profile, force: str) -> str:
    """Why the assessment shows no chart beside the force's other partnerships: no counts per
    partnership held, or too few partnerships (then each one's figures, in a sentence each)."""
    t = p.partners
    if t is None:
        return (
            f"No comparison with the other partnerships of {force or 'the force'}: the project holds no police.uk "
            "counts per partnership (an import of the force's whole download with import-police-uk --all-areas "
            "adds them)."
        )
    return " ".join([force_rates.why_no_funnel(t, force or t.attrs["force"]), *force_rates.rate_sentences(t, p.year)])


def standing(p: Profile) -> tuple[pd.DataFrame, pd.Series | None, str]:
    """The peers table, the area's row (None when it is not one of them) and its place in words."""
    t = p.peers
    own = t[t["own"]]
    if own.empty:
        return t, None, ""
    row = own.iloc[0]
    place = int((t["rate"] > row["rate"]).sum()) + 1
    return t, row, "highest" if place == 1 else f"{_ordinal(place)} highest"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def ranking_sentence(p: Profile) -> str:
    r = p.ranking
    first = r[r["rank"] == 1]
    names = " and ".join(first["name"])
    lead = f"{names} share first place" if len(first) > 1 else f"{names} ranks first"
    illustrative = " (illustrative scores)" if bool(r["illustrative"].any()) else ""
    best, worst = int(first["best_rank"].min()), int(first["worst_rank"].max())
    steady = (
        "stays first however the three scales are weighted within the range tested"
        if worst == 1
        else f"is between {_ordinal(best)} and {_ordinal(worst)} when the three scales are weighted unequally"
    )
    text = f"On the analyst's threat, risk and harm scores{illustrative}, {lead}; it {steady}"
    if "keeps_rank_pct" in r:
        text += (
            f", and keeps first place in {first['keeps_rank_pct'].min():.0f}% of draws when every score moves a "
            "point up or down at random"
        )
    scorers = int(r["scorers"].max()) if "scorers" in r else 1
    if scorers > 1:
        text += f"; {int(first['scorers_keep_rank'].min())} of {scorers} scorers rank it first on their own scores"
    return text + "."


def harm_note(p: Profile) -> str:
    """Where the weights come from, and what the largest of them rests on."""
    return (
        f"Weights from {p.harm_basis}: the Home Office's police recorded crime by offence code, each code's count "
        "times its ONS Crime Severity Score weight, summed over the codes of each police.uk type and divided by the "
        "type's count. A type's weight is an average: within violence and sexual offences, an assault without injury "
        "weighs about 14 and a rape about 3,000."
    )


def would_rank(score: float, ranking: pd.DataFrame) -> str:
    """Where a score would stand among the ranked priorities, ties shared as the ranking shares
    them (:func:`safer_analysis.analysis.ranking.shared_ranks`): '2 of 8', '=2 of 8', or '–'.

    >>> would_rank(0.38, pd.DataFrame({"analyst_score": [0.6, 0.38, 0.2]}))
    '=2 of 4'
    """
    if pd.isna(score) or ranking.empty or "analyst_score" not in ranking:
        return "–"
    scores = pd.concat([ranking["analyst_score"].dropna(), pd.Series([score])], ignore_index=True)
    _, labels = shared_ranks(scores)
    return f"{labels.iloc[-1]} of {len(scores)}"


def sensitivity_note(dataset, p: Profile | None = None) -> str:
    """How the ranking's sensitivity is tested, and, given the profile, which places hold least."""
    low, high = dataset.method("sensitivity_low"), dataset.method("sensitivity_high")
    text = (
        "The score is harm x likelihood x position, divided by its largest possible value (so at most 1). Equal "
        f"scores would share a rank (=2). The range re-ranks with each scale counting from {low:g} to {high:g} "
        "times as much as the others (the three scores raised to those powers). A score is a judgement, and "
        "another scorer's is often a point away: the next column re-ranks after moving every score one point up, "
        "one point down or not at all, at random (each as likely, kept within the scale), many times over, and "
        "says how often each priority keeps its rank and how often it stays in (or out of) the top "
        "places the partnership named."
    )
    if p is not None and not p.ranking.empty and "keeps_side_pct" in p.ranking:
        r = p.ranking
        cut = int(r.attrs.get("cut", (r["kind"] == "priority").sum()))
        shaky = r[r["keeps_side_pct"] < 80].sort_values("keeps_side_pct")
        if len(shaky):
            text += (
                " Least settled: "
                + "; ".join(
                    f"{row['name']} is in the top {cut} in "
                    f"{(row['keeps_side_pct'] if row['rank'] <= cut else 100 - row['keeps_side_pct']):.0f}% of draws"
                    for _, row in shaky.iterrows()
                )
                + "."
            )
        scorers = int(r["scorers"].max())
        if scorers > 1:
            text += (
                f" {scorers} scorers scored the priorities: the rank is the panel's (each scale's mean), and the last "
                "column says how many scorers' own scores give each priority the same rank."
            )
    return text


def _documents(dataset, frame: pd.DataFrame) -> str:
    """The titles of the documents cited in ``frame``'s ``source_document`` column, in italics."""
    docs = list(dict.fromkeys(frame["source_document"])) if "source_document" in frame else []
    titles = dataset.sources.set_index("document_id")["title"]
    return "; ".join(str(titles.get(d, d)) for d in docs)


PLURALS = {"priority": "priorities", "emerging issue": "emerging issues", "cross-cutting issue": "cross-cutting issues"}


def named_priorities_intro(dataset, year: str) -> str:
    """What the partnership's documents named for ``year``, and how the comparison reads."""
    kinds = dataset.priorities_in(year)["kind"].value_counts()
    parts = [
        f"{int(kinds.get(k, 0))} {k if kinds.get(k, 0) == 1 else PLURALS[k]}"
        for k in ("priority", "emerging issue", "cross-cutting issue")
        if kinds.get(k, 0)
    ]
    if not parts:
        return f"No local priorities are entered for {year}, so there is nothing to set this assessment beside."
    source = _documents(dataset, dataset.priorities_in(year)) or "the partnership's local priorities"
    top = int(kinds.get("priority", 0))
    text = f"For {year}, {source} named {', '.join(parts)}." + (
        f" A named priority agrees with this ranking when it is among the top {top}; cross-cutting issues are "
        "not ranked."
        if top
        else " None of them is named a priority, so none is expected at the top of this ranking."
    )
    first = dataset.local_priorities.set_index("priority_key")
    status = dataset.priority_status
    for _, row in status[status["financial_year"] == year].iterrows():
        before = first.at[row["priority_key"], "kind"] if row["priority_key"] in first.index else None
        if before and before != row["kind"]:
            why = f": the {year} plan says {row['note']}" if isinstance(row["note"], str) and row["note"] else ""
            named = _documents(dataset, first.loc[[row["priority_key"]]]) or "the local priorities"
            text += (
                f" {first.at[row['priority_key'], 'name']}, a {before} in {named}, is a {row['kind']} in {year}{why}."
            )
    return text


def no_ranking_sentence(p: Profile, year: str) -> str:
    """Why no priority is ranked for the financial ``year``: none named, or none scored yet."""
    if p.priorities.empty:
        return (
            f"No local priorities are entered for {year}, so none is ranked by threat, risk and harm. The evidence "
            "from the crime data alone:"
        )
    return (
        f"The analyst's threat, risk and harm scores for {year} are still to be entered, so no priority is "
        "ranked yet. The evidence from the crime data alone:"
    )
