"""Evidence for each priority: for every local priority, what measures it (police.uk's crime type,
ONS's recorded-crime groups, partners' indicators, the documents' figures), each with its latest
value, its trend by the same honest test and the comparison that matters, and, plainly, what does
not measure it and who holds what would.

What measures a priority is the project's ``data/priority_measures.csv``
(:mod:`safer_analysis.inputs.indicators.priorities`); the indicators come from every source
:func:`~safer_analysis.inputs.indicators.gather.gather` reads. A public build (``public``) leaves
out every indicator with a row marked OFFICIAL-SENSITIVE and names what it left out. A value
made of fewer people than the suppression threshold is not shown, nor is its count.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, field

import pandas as pd

from safer_analysis.analysis import breaks as known_breaks
from safer_analysis.analysis.indicator_series import (
    NEIGHBOURS_AVERAGE,
    IndicatorSeries,
    general_breaks,
    number,
    with_starts,
    with_unit,
)
from safer_analysis.inputs import reference
from safer_analysis.inputs.indicators import priorities as mapping
from safer_analysis.inputs.indicators import tidy
from safer_analysis.inputs.indicators.gather import gather
from safer_analysis.present import tables
from safer_analysis.present.disclosure import SUPPRESSED
from safer_analysis.present.publication import HTML
from safer_analysis.reports.strategic_assessment.model import Profile

#: How each origin of an indicator is named beside it.
ORIGIN_LABEL = {
    "the project's indicators.csv": "partner figure",
    "DfE youth justice": "DfE",
    "ONS recorded crime": "ONS recorded crime",
    "the source documents": "quoted in the documents",
}


@dataclass
class Measure:
    """One thing that measures a priority, or would: ``text`` says what it shows (or who holds it)."""

    name: str
    kind: str  # "police.uk", an :data:`ORIGIN_LABEL` value, or "not supplied"
    text: str
    source: str = ""
    series: IndicatorSeries | None = None
    latest: str = ""  # the latest value with its unit and period, for the ranking's column
    direction: str = ""  # rising, falling, no clear trend, or blank

    @property
    def supplied(self) -> bool:
        return self.kind != "not supplied"


@dataclass
class PriorityEvidence:
    key: str
    name: str
    kind: str
    measured: list[Measure] = field(default_factory=list)
    not_measured: list[str] = field(default_factory=list)


@dataclass
class Evidence:
    priorities: list[PriorityEvidence]
    unlinked: list[Measure]
    #: indicators a public build left out (their names)
    left_out: list[str] = field(default_factory=list)
    public: bool = False


#: How the most similar partnerships are named beside ONS's recorded-crime groups.
SIMILAR = "similar partnerships"


def with_similar(rows: pd.DataFrame, similar) -> pd.DataFrame:
    """``rows`` with, for each of ONS's recorded-crime groups the area has for the comparison's year,
    the rate of its most similar partnerships taken together (the area left out)."""
    c = getattr(similar, "comparison", None)
    if c is None or rows.empty:
        return rows
    from safer_analysis.inputs.indicators.recorded import _period

    period = _period(c.period_end)
    table = c.table.set_index("offence_group")
    own = rows[(rows["origin"] == "ONS recorded crime") & (rows["comparison"] == "") & (rows["period"] == period)]
    added = []
    for _, r in own.iterrows():
        group = str(r["indicator"]).removesuffix(" (police recorded crime)")
        if group not in table.index or pd.isna(table.at[group, "group_rate"]):
            continue
        added.append(
            {
                **r.to_dict(),
                "area_code": "",
                "area_name": f"its {int(table.at[group, 'group_members'])} most similar partnerships",
                "value": float(table.at[group, "group_rate"]),
                "count": float(table.at[group, "group_count"]),
                "denominator": float(table.at[group, "group_population"]),
                "comparison": SIMILAR,
                "source": c.source,
            }
        )
    return pd.concat([rows, pd.DataFrame(added)], ignore_index=True) if added else rows


def _people(row: pd.Series) -> float:
    """How many people or events a row is made of: its count, else what its value and denominator
    imply (a percentage of a known group), else its value where its unit counts things (referrals,
    offences) rather than a rate or a share; NaN where nothing says."""
    if pd.notna(row.get("count")):
        return float(row["count"])
    unit = str(row.get("unit") or "").lower()
    value = row.get("value")
    if pd.isna(value):
        return float("nan")
    if unit.startswith("%") and pd.notna(row.get("denominator")):
        return float(value) * float(row["denominator"]) / 100
    if unit and "%" not in unit and "per " not in unit and float(value).is_integer():
        return float(value)
    return float("nan")


def withheld(rows: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """``rows`` with every figure made of 1 to ``threshold`` - 1 people (its count, or what its value
    implies: :func:`_people`) taken out, the area's and its comparators' alike, and ``withheld``
    marking where: nothing built on them (a trend, a comparison, a first or a latest value) can show them."""
    out = rows.copy()
    people = out.apply(_people, axis=1) if len(out) else pd.Series(dtype=float)
    small = (people >= 1) & (people < threshold) if len(out) else pd.Series(dtype=bool)
    out["withheld"] = small.reindex(out.index, fill_value=False).astype(bool) if len(out) else False
    for column in ("value", "lower", "upper", "count", "denominator"):
        if column in out:
            out[column] = out[column].astype(float).where(~out["withheld"])
    return out


def _suppressed(row: pd.Series, threshold: int) -> bool:
    return bool(row.get("withheld", False))


def indicator_measure(series: IndicatorSeries, origin: str) -> Measure:
    """What one indicator shows of the area: its latest value, trend and comparison, and its source."""
    kind = ORIGIN_LABEL.get(origin, origin)
    source = "; ".join(series.sources)
    own = series.own
    last = own.iloc[-1] if "withheld" in own and len(own) and bool(own["withheld"].iloc[-1]) else series.latest()
    if last is None:
        return Measure(series.name, kind, "No value held.", source, series)
    if _suppressed(last, series.threshold):
        text = f"{last['period']}: fewer than {series.threshold} people, so the figure is not shown ({SUPPRESSED})."
        return Measure(series.name, kind, text, source, series, latest=f"{SUPPRESSED} ({last['period']})")
    if series.single_point:
        return Measure(series.name, kind, series.trend_sentence(), source, series)
    latest = f"{with_unit(last['value'], series.unit)} in {last['period']}"
    parts = [series.trend_sentence() if not series.one_period else f"{latest[0].upper()}{latest[1:]}."]
    compared = series.comparison_sentence()
    if compared:
        parts.append(compared)
    if series.unit.startswith("%") and series.own["count"].isna().all():
        parts.append(
            "These are percentages of groups whose size is not given: where a group is small, a few people "
            "move the figure a long way."
        )
    direction = ""
    trend = series.trend
    if trend is not None and not series.one_period:
        if trend.step:
            direction = f"{'lower' if trend.after < trend.before else 'higher'} since {trend.step}"
        else:
            direction = {"rising": "rising", "falling": "falling"}.get(trend.direction, "no clear trend")
    return Measure(series.name, kind, " ".join(parts), source, series, latest=latest, direction=direction)


def _police_uk(p: Profile, key: str, crime_type: str, note: str) -> tuple[Measure | None, str]:
    """police.uk's measure of a priority (its crime type) or why it has none."""
    evidence = p.priorities.set_index("priority_key")["data_evidence"].get(key, "")
    if crime_type:
        text = evidence.removeprefix(f"{crime_type}: ")
        return Measure(crime_type, "police.uk", text[:1].upper() + text[1:], "police.uk street-level crime"), ""
    why = note[:1].lower() + note[1:] if note else "no police.uk crime type counts it"
    return None, f"police.uk street-level data: {why}."


def build(
    p: Profile,
    dataset,
    *,
    csp_code: str,
    authority_codes: tuple[str, ...],
    place: str,
    threshold: int,
    public: bool = False,
    project: object = None,
    similar=None,
) -> Evidence:
    """The evidence for every local priority of the year (see the module); ``similar`` (the
    assessment's comparison with its most similar partnerships) adds the group's rate beside ONS's
    recorded-crime groups for the same year."""
    rows = gather(
        dataset.root,
        csp_code=csp_code,
        authority_codes=authority_codes,
        place=place,
        dataset=dataset,
        project=project,
    )
    rows = with_similar(rows, similar)
    left_out: list[str] = []
    if public and len(rows):
        rows, left_out = tidy.publishable(rows)
    rows = withheld(rows, threshold)
    steps = general_breaks(known_breaks.for_nation(reference.known_breaks(), known_breaks.nation_of(csp_code)))
    measures = dataset.priority_measures
    links = mapping.links(rows, measures)
    crime_types = mapping.crime_types(measures)
    notes = mapping.police_uk_notes(measures)
    views: dict[str, Measure] = {}

    def view(name: str) -> Measure:
        if name not in views:
            picked = rows[rows["indicator"] == name]
            series = IndicatorSeries(name, with_starts(picked), place, threshold, steps)
            views[name] = indicator_measure(series, str(picked["origin"].iloc[0]))
        return views[name]

    hidden = {tidy.indicator_key(n) for n in left_out}
    out = []
    for _, pr in p.priorities.iterrows():
        key = pr["priority_key"]
        item = PriorityEvidence(key, pr["name"], pr["kind"])
        police, why = _police_uk(p, key, crime_types.get(key, ""), notes.get(key, ""))
        if police is not None:
            item.measured.append(police)
        elif why and key in notes:
            item.not_measured.append(why)
        for _, link in links[links["priority_key"] == key].iterrows():
            if link["supplied"]:
                item.measured.append(view(link["indicator"]))
            elif tidy.indicator_key(link["indicator"]) in hidden:
                item.not_measured.append(f"{link['indicator']}: held, but not for publication, so left out here.")
            else:
                holder = link["held_by"] if isinstance(link["held_by"], str) and link["held_by"] else "no one named"
                item.not_measured.append(f"{link['indicator']}: held by {holder}, not supplied.")
        if not item.measured and not item.not_measured:
            item.not_measured.append("Nothing says yet what measures this priority or who holds figures for it.")
        out.append(item)
    unlinked = [view(n) for n in links.loc[links["priority_key"] == "", "indicator"]]
    return Evidence(out, unlinked, left_out, public)


def summary_table(ev: Evidence) -> pd.DataFrame:
    """One row per priority and measure (and per thing not measured), for the table and its CSV."""
    rows = []
    for item in ev.priorities:
        for m in item.measured:
            rows.append({"priority": item.name, "measure": m.name, "kind": m.kind, "shows": m.text, "source": m.source})
        for text in item.not_measured:
            rows.append({"priority": item.name, "measure": "", "kind": "not measured", "shows": text, "source": ""})
    for m in ev.unlinked:
        rows.append(
            {"priority": "(not yet linked)", "measure": m.name, "kind": m.kind, "shows": m.text, "source": m.source}
        )
    return pd.DataFrame(rows, columns=["priority", "measure", "kind", "shows", "source"])


HEADERS = {"priority": "Priority", "measure": "Measure", "kind": "From", "shows": "What it shows", "source": "Source"}


def _series_table(m: Measure) -> str:
    """The area's values by period beside its comparators, where it has several periods and a comparator."""
    s = m.series
    if s is None or s.single_point or s.one_period:
        return ""
    frame = s.comparison_frame
    if frame.shape[1] < 2:
        return ""
    shown = frame.reset_index()
    own = s.own.set_index("period")
    shown[shown.columns[1]] = shown[shown.columns[1]].astype(object)
    for period in shown["period"]:  # a value made of too few people is not shown
        if period in own.index and _suppressed(own.loc[period], s.threshold):
            shown.loc[shown["period"] == period, shown.columns[1]] = SUPPRESSED
    formats = {c: (lambda v: v if isinstance(v, str) else "" if pd.isna(v) else number(v)) for c in shown.columns[1:]}
    unit = f" ({s.unit})" if s.unit else ""
    headers = {"period": "Period", NEIGHBOURS_AVERAGE: "Statistical neighbours' average"}
    return tables.to_html(shown, f"{s.name}{unit}, {s.periods}", formats=formats, headers=headers, row_headers=True)


def _points(measures: list[Measure]) -> str:
    return "".join(
        f"<li><strong>{html.escape(m.name)}</strong> ({html.escape(m.kind)}): {html.escape(m.text)}"
        + (f' <span class="sa-chart-source">Source: {html.escape(m.source)}.</span>' if m.source else "")
        + "</li>"
        for m in measures
    )


#: How a priority's kind is said under its heading.
KINDS = {"priority": "A named priority", "emerging issue": "An emerging issue", "cross-cutting issue": "Cuts across"}


def section_html(item: PriorityEvidence) -> str:
    """One priority's evidence: a heading, what measures it, what does not, and each series's table."""
    parts = [f"<h3>{html.escape(item.name)}</h3>"]
    kind = KINDS.get(item.kind)
    if kind:
        parts.append(f'<p class="sa-kicker">{html.escape(kind)}</p>')
    if item.measured:
        parts.append(f"<p>What measures it:</p><ul>{_points(item.measured)}</ul>")
        parts.extend(t for t in (_series_table(m) for m in item.measured) if t)
    else:
        parts.append("<p>Nothing held measures it.</p>")
    if item.not_measured:
        points = "".join(f"<li>{html.escape(t)}</li>" for t in item.not_measured)
        parts.append(f"<p>What does not measure it, or is not supplied:</p><ul>{points}</ul>")
    else:
        parts.append("<p>Nothing is listed as missing for it.</p>")
    return "".join(parts)


def section(item: PriorityEvidence) -> HTML:
    """:func:`section_html` for the notebook to display."""
    return HTML(section_html(item))


def unlinked_section(ev: Evidence) -> HTML:
    """The figures held that no row of priority_measures.csv links to a priority."""
    points = _points(ev.unlinked)
    return HTML(
        "<h3>Figures held but not yet linked to a priority</h3>"
        "<p>These figures are held but not yet shown under the priority they inform.</p>"
        f"<ul>{points}</ul>"
    )


def public_note(ev: Evidence) -> str:
    """What a public build left out, in one sentence (empty where it left out nothing)."""
    if not ev.public:
        return ""
    if not ev.left_out:
        return "A public build: no partner figure here is marked for restricted handling."
    return (
        "A public build: figures marked OFFICIAL-SENSITIVE are left out of this page: " + "; ".join(ev.left_out) + "."
    )


def brief(ev: Evidence) -> dict[str, str]:
    """Each priority's evidence in a line, for the ranking's data column: police.uk's count and
    trend where it measures the priority, then each series indicator's latest value and direction."""
    out = {}
    for item in ev.priorities:
        parts = []
        for m in item.measured:
            if m.kind == "police.uk":
                parts.append(m.text)
            elif m.latest:
                parts.append(f"{m.name}: {m.latest}" + (f", {m.direction}" if m.direction else ""))
        if not parts:
            parts = ["Not measured by the data held: see the evidence for each priority."]
        out[item.key] = " ".join(p if p.endswith(".") else p + "." for p in parts)
    return out


def ranked_with(p: Profile, ev: Evidence) -> Profile:
    """``p`` with its ranking's and cross-cutting issues' data column taken from ``ev``: what the data
    held say of each priority, beside (never instead of) the analyst's scores."""
    lines = brief(ev)
    ranking = p.ranking.copy()
    cross = p.cross_cutting.copy()
    if len(ranking):
        ranking["data_evidence"] = ranking["priority_key"].map(lines).fillna(ranking["data_evidence"])
    if len(cross):
        cross["data_evidence"] = cross["priority_key"].map(lines).fillna(cross["data_evidence"])
    return dataclasses.replace(p, ranking=ranking, cross_cutting=cross)
