"""The force overview: every Community Safety Partnership of a police force side by side, for the
Police and Crime Commissioner who funds them all (built by ``safer-analysis build --whole-force``
beside each partnership's strategic assessment).

Crime per 1,000 residents in each partnership, against funnel limits widened by the real spread
between partnerships (:func:`safer_analysis.reports.strategic_assessment.peer_comparison`), from
the force's counts per partnership that ``import-police-uk --all-areas`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas
from safer_analysis.inputs import population as populations
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.names import slug
from safer_analysis.inputs.project import Project, resolve_project
from safer_analysis.inputs.years import PeriodNotHeldError, YearTo, crime_period, parse_period, period_sentence
from safer_analysis.present.formats import format_month
from safer_analysis.present.publication import Report
from safer_analysis.reports import force_rates as fr
from safer_analysis.reports import strategic_assessment as sa
from safer_analysis.reports.context import check_year

PRODUCT = "force_overview"
TITLE = "Force overview"


def force_of(name_or_code: str, project: Project) -> tuple[str, str]:
    """The force's ONS code and name: the one given (by name or code), else the project's."""
    wanted = (name_or_code or project.settings.police_force_code or project.settings.police_force).strip()
    if not wanted:
        raise ParameterError(f"no police force given and {project.settings_file} names none: give one")
    found = areas.resolve(wanted, areas.FORCE)  # an UnknownAreaError (exit 2) names the nearest forces
    return found.code, found.name


def page_of(partnership: str) -> str:
    """Where a partnership's strategic assessment sits in a force build, relative to its index."""
    return f"{slug(partnership)}/strategic_assessment.html"


@dataclass
class Overview:
    """What the overview notebook works with."""

    project: Project
    year: str
    period: str
    force_code: str
    force: str
    report: Report
    peers: pd.DataFrame | None
    #: Which months the crime figures cover, where they are not the financial year's.
    period_note: str | None = None
    #: Each partnership's figures where there are too few for the funnel (``peers`` is None), and
    #: ONS's for context (:mod:`safer_analysis.reports.force_rates`).
    few: pd.DataFrame | None = None
    national: pd.DataFrame | None = None


def open_overview(
    financial_year: object = "", *, project: object = "", force: object = "", period_end: object = "", output_dir=""
) -> Overview:
    """Start the overview notebook: the project, the year, the force and its partnerships' rates."""
    for label, value in (("project", project), ("force", force), ("period_end", period_end)):
        if not isinstance(value, str):
            raise ParameterError(f"{label}: expected text, got {value!r}")
    proj = resolve_project(project or None)
    dataset = load_dataset(proj.data_dir)
    year = check_year(financial_year or proj.settings.default_year, dataset).label
    try:
        if period_end:
            YearTo.ending(period_end)
    except ValueError as exc:
        raise ParameterError(f"period_end: {exc}") from None
    code, name = force_of(force, proj)
    counts_file = proj.partnership_counts_file
    if not counts_file.is_file():
        raise ParameterError(
            f"{counts_file}: no counts per partnership; run `safer-analysis import-police-uk --all-areas "
            "ARCHIVE.zip` in the project first"
        )
    counts = pd.read_csv(counts_file, dtype={"csp_code": str, "month": str, "crime_type": str, "count": int})
    held = sorted(counts["month"].dropna().unique())
    try:  # the same twelve months as the partnerships' assessments
        crimes_period = crime_period(year, held, period_end)
    except PeriodNotHeldError as exc:
        raise sa.CrimeDataError(f"{counts_file}: {exc}") from None
    period = crimes_period.label
    peers = sa.peer_comparison(counts, code, "", period, populations.figures_of(dataset))
    note = period_sentence(crimes_period, year, latest=crimes_period.months()[-1] == held[-1])
    overview = Overview(proj, year, period, code, name, Report(PRODUCT, year, name, output_dir or None), peers, note)
    if peers is None:
        overview.few = fr.partnership_rates(counts, code, period, populations.figures_of(dataset))
        overview.national = fr.national_figures(list(overview.few["csp_code"]), code, period, proj)
    return overview


def findings(o: Overview) -> list[str]:
    """The overview's findings as sentences."""
    t = o.peers
    if t is None:
        return few_findings(o)
    high, low = t.iloc[0], t.iloc[-1]
    out = [
        f"{t.index[0]} has the highest crime rate of {o.force}'s {len(t)} partnerships, {high['rate']:.1f} per "
        f"1,000 residents; {t.index[-1]} the lowest, {low['rate']:.1f}.",
        f"All the partnerships together: {t.attrs['target_rate']:.1f} crimes per 1,000 residents.",
    ]
    months = parse_period(o.period).months()
    missing = [m for m in months if m not in set(t.attrs["months"])]
    if missing:
        out.append(
            f"These rates cover {12 - len(missing)} of the 12 months, not scaled up to a year: the crime data hold "
            f"none for {', '.join(format_month(m) for m in missing)}."
        )
    outside = t[t["verdict"] != "within the limits"]
    if outside.empty:
        out.append("Every partnership is within the limits set by how much the partnerships' rates differ.")
    else:
        out.append(
            "Outside the limits set by how much the partnerships' rates differ: "
            + "; ".join(f"{name} ({row['verdict']})" for name, row in outside.iterrows())
            + "."
        )
    return out + ([o.period_note] if o.period_note else [])


def rates_table(o: Overview) -> pd.DataFrame:
    """One row per partnership, highest rate first."""
    t = o.peers.reset_index()
    return t[["partnership", "count", "population", "rate", "lower_95", "upper_95", "verdict"]]


def limits(o: Overview) -> pd.DataFrame:
    """The funnel's limits along the range of populations, for the chart."""
    return sa.peer_limits(SimpleNamespace(peers=o.peers))


def note(o: Overview) -> str:
    """How the funnel is drawn."""
    return sa.peer_note(SimpleNamespace(peers=o.peers))


def population_line(o: Overview) -> str:
    """'Population: ...' for the chart's source line: each kind of estimate the rates use."""
    return f"Population: {o.peers.attrs['population_source']}."


# ---- fewer than three partnerships: each one's figures, no funnel ----------------------------------


def few_findings(o: Overview) -> list[str]:
    """The findings where there are too few partnerships for the funnel: why, each partnership's
    figures, and ONS's for context."""
    out = [fr.why_no_funnel(o.few, o.force, short=True), *fr.rate_sentences(o.few, o.period)]
    n = o.national
    if n is not None and not n.empty and n["rate"].notna().any():
        rated = n[n["rate"].notna()]
        out.append(
            f"ONS's police recorded crime, {n.attrs['label']}: "
            + "; ".join(f"{r['area']} {r['rate']:.1f} per 1,000" for _, r in rated.iterrows())
            + ("." if n.attrs["same_period"] else f" (not the same twelve months as {fr.with_the(o.period)}).")
        )
    return out + ([o.period_note] if o.period_note else [])


def few_table(o: Overview) -> pd.DataFrame:
    """One row per partnership the counts hold: crimes, residents and their source, rate, change."""
    t = o.few.reset_index()
    t["change"] = t["change"] * 100
    columns = ["partnership", "count", "population", "rate", "count_before", "change", "population_source"]
    return t[columns if t["population_source"].nunique() > 1 else columns[:-1]]  # one kind: in the source line


def few_source(o: Overview) -> str:
    """The table's source line: police.uk, and where each partnership's residents come from."""
    return f"{sa.crime_source_line({})} Residents: {o.few.attrs['population_source']}."


FEW_HEADERS = {
    "partnership": "Partnership",
    "count": "Crimes",
    "population": "Residents",
    "rate": "Per 1,000",
    "count_before": "Crimes, year before",
    "change": "Change",
    "population_source": "Residents: source",
}


def national_table(o: Overview) -> pd.DataFrame:
    """ONS's recorded crime for the partnerships, the force and England and Wales (context)."""
    return o.national[["area", "count", "population", "rate"]]
