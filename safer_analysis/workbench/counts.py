"""Counts of crime and anti-social behaviour by any geography, crime type or month, over any
period, with the change on the year before, rates per 1,000 residents and small-number
suppression when asked; and monthly counts across several years.

``crimes`` is the police.uk table of :func:`safer_analysis.inputs.police_uk.load_crimes`; the
geography is added (:func:`safer_analysis.workbench.geography.add_geography`) when a count needs
it and the table lacks it.

Periods (``period=``): a financial year ``"2018-19"``, twelve months ``"year to Dec 2019"``, a
calendar year ``"2019"``, a month ``"2019-06"``, or two months ``("2018-04", "2018-09")`` from
and to. The change compares a period with the same months a year before, on the months both
hold: a month missing from either is left out of both, and the table's notes say so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from safer_analysis.analysis import intervals, trends
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.population import ProjectFigures
from safer_analysis.inputs.years import FinancialYear, YearTo, parse_period
from safer_analysis.present import disclosure
from safer_analysis.workbench import arguments, geography
from safer_analysis.workbench.display import Table, as_table

ASB = "Anti-social behaviour"
#: What ``crime_type=None`` (or "all crime") counts: every crime type but anti-social behaviour.
ALL_CRIME = "All crime"
SOURCE = "Source: police.uk street-level crime data (Open Government Licence v3.0)."
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---- periods ----------------------------------------------------------------------------------


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def month_label(month: str) -> str:
    """``"2016-04"`` as ``"Apr 2016"``."""
    return f"{_MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


@dataclass(frozen=True)
class Period:
    """A run of months with a label for captions."""

    label: str
    months: tuple[str, ...]

    def year_before(self) -> Period:
        """The same months a year earlier."""
        months = tuple(_month(_month_index(m) - 12) for m in self.months)
        try:
            label = parse_period(self.label).shift(-1).label
        except ValueError:
            label = _span(months)
        return Period(label, months)


def _span(months: Sequence[str]) -> str:
    if len(months) == 1:
        return month_label(months[0])
    return f"{month_label(months[0])} to {month_label(months[-1])}"


_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def period_of(period: object, name: str = "period") -> Period:
    """A :class:`Period` from any of the forms the module docstring lists; a ParameterError
    saying what was expected otherwise (``name`` is the argument it names).

    >>> period_of("2018-19").months[:2], period_of(("2019-11", "2020-02")).label
    (('2018-04', '2018-05'), 'Nov 2019 to Feb 2020')
    """
    if isinstance(period, Period):
        return period
    if isinstance(period, (FinancialYear, YearTo)):
        return Period(period.label, tuple(period.months()))
    if isinstance(period, (tuple, list)) and len(period) == 2 and all(isinstance(p, str) for p in period):
        first, last = (str(p).strip() for p in period)
        if _MONTH_RE.match(first) and _MONTH_RE.match(last) and first <= last:
            months = tuple(_month(i) for i in range(_month_index(first), _month_index(last) + 1))
            return Period(_span(months), months)
    if isinstance(period, int) and not isinstance(period, bool) and 1900 < period < 3000:
        period = str(period)
    if isinstance(period, str):
        text = period.strip()
        if re.fullmatch(r"\d{4}", text):
            months = tuple(f"{text}-{m:02d}" for m in range(1, 13))
            return Period(text, months)
        if _MONTH_RE.match(text):
            return Period(month_label(text), (text,))
        try:
            parsed = parse_period(text)
        except ValueError:
            pass
        else:
            return Period(parsed.label, tuple(parsed.months()))
    raise ParameterError(
        f"{name}: got {arguments.shown(period)}; expected a financial year such as '2018-19', 'year to Dec 2019', "
        "a calendar year '2019', a month '2019-06', or two months from and to ('2018-04', '2018-09')"
    )


def last_complete_year(crimes: pd.DataFrame) -> str:
    """The workbench's default period: the latest financial year whose twelve months the data all
    hold ("last financial year"); where the data hold no whole financial year (a project with one
    calendar year of police.uk data), the latest twelve months held, as a pack's crime figures are.

    >>> frame = pd.DataFrame({"month": [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]})
    >>> last_complete_year(frame)
    '2018-19'
    >>> last_complete_year(pd.DataFrame({"month": [f"2025-{m:02d}" for m in range(1, 13)]}))
    'year to Dec 2025'
    """
    held = set(_crime_table(crimes, "month")["month"].dropna().unique())
    years = sorted({FinancialYear.of_month(m) for m in held}, reverse=True)
    for year in years:
        if all(m in held for m in year.months()):
            return year.label
    if not held:
        raise ParameterError("the crime data hold no month")
    return YearTo.ending(max(held)).label


# ---- crime types --------------------------------------------------------------------------------


def _crime_table(crimes: object, *columns: str) -> pd.DataFrame:
    """``crimes`` checked: a police.uk table with rows and these columns."""
    return arguments.table("crimes", crimes, columns=columns or ("month", "crime_type"))


def _held_months(crimes: pd.DataFrame) -> set[str]:
    """The months the crime table holds; a ParameterError when no row has one."""
    held = set(crimes["month"].dropna().unique())
    if not held:
        raise ParameterError("crimes: no row of the table has a month; expected police.uk rows such as wb.crimes")
    return held


def crime_types(crimes: pd.DataFrame) -> list[str]:
    """The crime types in the data, anti-social behaviour last."""
    crimes = arguments.table("crimes", crimes, columns=("crime_type",), rows=False)
    found = sorted(t for t in crimes["crime_type"].dropna().unique() if t != ASB)
    return found + ([ASB] if (crimes["crime_type"] == ASB).any() else [])


def resolve_crime_types(crimes: pd.DataFrame, crime_type: object) -> tuple[str, list[str] | None]:
    """A label and the police.uk types a ``crime_type`` argument counts: None or "all crime" is
    every crime type but anti-social behaviour (``None`` in the result), "ASB" is anti-social
    behaviour, a name is matched in any case, a list is the union of its items."""
    known = crime_types(crimes)
    if crime_type is None or (isinstance(crime_type, str) and crime_type.strip().lower() in ("", "all crime", "all")):
        return ALL_CRIME, None
    items = (
        [crime_type] if isinstance(crime_type, str) else list(crime_type) if isinstance(crime_type, Sequence) else None
    )
    if not items or not all(isinstance(i, str) for i in items):
        raise ParameterError(
            f"crime_type: got {arguments.shown(crime_type)}; expected a police.uk crime type such as 'Burglary', "
            "'all crime', or a list of them"
        )
    chosen = [match_crime_type(item, known) for item in items]
    return " and ".join(chosen), chosen


def match_crime_type(item: str, known: list[str], name: str = "crime_type", *, all_crime: bool = True) -> str:
    """The crime type of ``known`` that ``item`` names, in any case ("ASB" for anti-social
    behaviour); otherwise a ParameterError in one line naming the argument ``name``, the nearest
    types and every type (and 'all crime' where ``all_crime``, as the argument takes it too).

    >>> match_crime_type("asb", ["Burglary", ASB]), match_crime_type(" burglary", ["Burglary", ASB])
    ('Anti-social behaviour', 'Burglary')
    """
    lower = {k.lower(): k for k in known}
    lower["asb"] = ASB
    match = lower.get(item.strip().lower())
    if match is None:
        near = difflib.get_close_matches(item, known, n=2, cutoff=0.5)
        hint = f" (did you mean {' or '.join(repr(n) for n in near)}?)" if near else ""
        raise ParameterError(
            f"{name}: {item!r} is not a crime type in the data{hint}; expected one of: "
            f"{', '.join(known)}" + (" (or 'all crime')" if all_crime else "")
        )
    return match


def _select(crimes: pd.DataFrame, types: list[str] | None) -> pd.DataFrame:
    if types is None:
        return crimes[crimes["crime_type"] != ASB]
    return crimes[crimes["crime_type"].isin(types)]


def _noun(label: str) -> str:
    return "crimes (excluding anti-social behaviour)" if label == ALL_CRIME else label.lower()


# ---- counts by anything -------------------------------------------------------------------------


def _by_columns(crimes: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[str]]:
    """The crimes (with geography where ``by`` needs it) and the columns to group by."""
    if not isinstance(by, str):
        raise arguments.ArgumentTypeError(
            f"by: got {arguments.shown(by)}; expected the name of a geography ({', '.join(geography.LEVELS)}) or of "
            "a column of the crime table"
        )
    if by in geography.LEVELS:
        code, name = geography.LEVELS[by]
        if code not in crimes.columns:
            crimes = geography.add_geography(crimes)
        return crimes, [code, name]
    if by in crimes.columns:
        return crimes, [by]
    raise ParameterError(
        f"by: got {by!r}; expected a geography ({', '.join(geography.LEVELS)}) or a column of the "
        f"crime table ({', '.join(c for c in crimes.columns if c not in geography.LEVELS)})"
    )


def _counts(rows: pd.DataFrame, columns: list[str], months: Sequence[str]) -> pd.Series:
    inside = rows[rows["month"].isin(set(months))]
    return inside.groupby(columns[0], dropna=True).size()


def count_by(
    crimes: pd.DataFrame,
    by: str = "ward",
    *,
    period: object = None,
    crime_type: object = None,
    change: bool = False,
    rates: bool = False,
    suppress: bool = False,
    threshold: int | None = None,
    place: str = "",
    area: Iterable[str] | None = None,
    figures: ProjectFigures | None = None,
) -> Table:
    """Counts of ``crime_type`` (default: all crime, not anti-social behaviour) in ``period``
    (default: the latest complete financial year) by ``by``: a geography ("ward", "lsoa",
    "authority", "csp", "force") or any column of ``crimes`` ("crime_type", "month", ...).

    With ``change``: ``previous`` (the same months a year before), ``change`` and ``change_pct``
    (on the months both periods hold). With ``rates`` (a geography only): ``population`` (as packs
    and force overviews give it, :func:`~safer_analysis.workbench.geography.populations`: of each
    area's part inside ``area``, the LSOA codes the rows were cut to, where given; with the
    project's own ``figures``) and ``rate`` per 1,000 residents with its 95% confidence interval
    (``rate_lower``, ``rate_upper``; exact Poisson/Byar's, PHE methods).
    With ``suppress``: counts from 1 to ``threshold - 1`` (the project's threshold, default 5)
    shown as ``[c]``, and every figure worked out from them too. Rows are busiest first; notes
    say what was counted, over which months, and any row that could not be placed.
    """
    crimes = _crime_table(crimes)
    change, rates, suppress = (
        arguments.flag(n, v) for n, v in (("change", change), ("rates", rates), ("suppress", suppress))
    )
    if threshold is not None:
        threshold = arguments.whole_number("threshold", threshold, 1)
    place = arguments.text("place", place)
    label, types = resolve_crime_types(crimes, crime_type)
    when = period_of(period if period is not None else last_complete_year(crimes))
    data, columns = _by_columns(crimes, by)
    rows = _select(data, types)
    held = _held_months(crimes)
    current_held = [m for m in when.months if m in held]
    if not current_held:
        raise ParameterError(
            f"period: the data hold no month of {when.label}; they run from {min(held)} to {max(held)}"
        )
    counts = _counts(rows, columns, current_held)
    universe = counts.index
    if by in geography.LEVELS:  # every area the data place rows in, so an area with none shows 0
        universe = pd.Index(sorted(set(data[columns[0]].dropna()) | set(counts.index)), name=columns[0])
    out = pd.DataFrame(index=universe)
    if len(columns) > 1:
        named = data.dropna(subset=[columns[0]])
        if by == "lsoa":  # a 2011 LSOA's own name, not that of a 2021 LSOA split from it
            named = named[named["lsoa_code"] == named["lsoa11_code"]]
        names = named.drop_duplicates(columns[0]).set_index(columns[0])[columns[1]]
        out[columns[1]] = names.reindex(universe).to_numpy()
    out["count"] = counts.reindex(universe, fill_value=0).astype(int)
    notes = [f"Counts of {_noun(label)} in {when.label}" + _coverage(when, current_held) + "."]
    if change:
        before = when.year_before()
        before_held = [m for m in before.months if m in held]
        if not before_held:
            notes.append(f"No change is given: the data hold no month of {before.label}.")
            out["previous"] = np.nan
            out["change"] = np.nan
            out["change_pct"] = np.nan
        else:
            previous = _counts(rows, columns, before_held).reindex(universe, fill_value=0).astype(int)
            out["previous"] = previous
            pairs = [(m, b) for m, b in zip(when.months, before.months, strict=True) if m in held and b in held]
            now_same = _counts(rows, columns, [m for m, _ in pairs]).reindex(universe, fill_value=0)
            then_same = _counts(rows, columns, [b for _, b in pairs]).reindex(universe, fill_value=0)
            out["change"] = (now_same - then_same).astype(int)
            out["change_pct"] = ((now_same - then_same) / then_same * 100).where(then_same > 0)
            notes.append(
                f"previous: {before.label}" + _coverage(before, before_held) + ". " + _change_note(when, before, pairs)
            )
    if rates:
        if by not in geography.LEVELS:
            raise ParameterError(
                f"rates: a rate needs a population, so count by a geography ({', '.join(geography.LEVELS)})"
            )
        mid_year = int(when.months[len(when.months) // 2][:4]) if len(when.months) > 1 else int(when.months[0][:4])
        pops = geography.populations(by, mid_year, universe, within=area, figures=figures)
        out["population"] = pops["population"].to_numpy(dtype=float, na_value=np.nan)
        lower, upper = intervals.rate_ci(out["count"].astype(float), out["population"].astype(float), multiplier=1000)
        out["rate"] = out["count"] / out["population"] * 1000
        out["rate_lower"] = np.asarray(lower, dtype=float)
        out["rate_upper"] = np.asarray(upper, dtype=float)
        notes.append("rate: per 1,000 residents, with its 95% confidence interval; population: " + pops.attrs["note"])
    out = out.sort_values("count", ascending=False, kind="stable").reset_index()
    unplaced = geography.unmapped_note(data) if by in geography.LEVELS else ""
    if unplaced:
        notes.append(unplaced)
    if by == "lsoa":
        merged = int((data["lsoa_code"].notna() & data["lsoa11_code"].isna()).sum())
        if merged:
            notes.append(f"{merged:,} rows are in 2021 LSOAs merged from several of 2011, so in no LSOA of 2011.")
    if suppress:
        limit = threshold or disclosure.get_threshold()
        counted = ["count"] + (["previous"] if change else [])
        derived = {"count": [c for c in ("change", "change_pct", "rate", "rate_lower", "rate_upper") if c in out]}
        if change:
            derived["previous"] = ["change", "change_pct"]
        out = disclosure.suppress(out, counted, threshold=limit, derived=derived)
        notes.append(f"{disclosure.footnote(limit)}.")
    where = f" in {place}" if place else ""
    caption = f"{label}{where} by {geography.LEVEL_WORDS.get(by, by.replace('_', ' '))}, {when.label}"
    table = as_table(out, caption=caption, notes=notes, formats=_FORMATS)
    table.attrs.update(what=label, place=place, period=when.label, by=by, source=SOURCE)
    return table


_FORMATS = {
    "count": "count",
    "previous": "count",
    "change": "signed_count",
    "change_pct": "signed_pct",
    "population": "count",
    "rate": "rate",
    "rate_lower": "rate",
    "rate_upper": "rate",
}


def _coverage(period: Period, held: Sequence[str]) -> str:
    missing = [m for m in period.months if m not in set(held)]
    if not missing:
        return ""
    return f" ({len(held)} of its {len(period.months)} months: the data lack {', '.join(map(month_label, missing))})"


def _change_note(now: Period, before: Period, pairs: list[tuple[str, str]]) -> str:
    if len(pairs) == len(now.months):
        return f"change: {now.label} against {before.label}."
    left_out = [m for m in now.months if m not in {p for p, _ in pairs}]
    return (
        f"change: compares the {len(pairs)} months both periods hold, leaving out "
        f"{', '.join(map(month_label, left_out))} and the same months a year before, so like is compared with like."
    )


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


# ---- months -------------------------------------------------------------------------------------


def month_run(held: set[str], *, years: object, end: object, usual: int = 3) -> Period:
    """The months of ``years`` runs of twelve ending with ``end``: the last month of a period
    (a financial year such as "2018-19", "year to Dec 2019", ...) or a month ``YYYY-MM`` itself,
    checked against the months ``held`` (a month in the run the data lack is still in it). The
    label names its financial years, unless ``end`` is a month other than March: then its first
    and last months. ``years`` None is ``usual`` years, or as many as the data reach to ``end``
    where they hold fewer.

    >>> run = month_run({"2017-04", "2019-03"}, years=2, end="2018-19")
    >>> run.label, run.months[0], run.months[-1], len(run.months)
    ('2017-18 to 2018-19', '2017-04', '2019-03', 24)
    >>> month_run({"2017-04", "2019-03"}, years=1, end="2019-02").label
    'Mar 2018 to Feb 2019'
    """
    if years is not None:
        arguments.whole_number("years", years, 1)
    a_month = isinstance(end, str) and bool(_MONTH_RE.match(end.strip()))
    last = _month_index(end.strip() if a_month else period_of(end, "end").months[-1])
    first_held, last_held = min(held), max(held)
    if last < _month_index(first_held) or last - 11 > _month_index(last_held):
        raise ParameterError(
            f"end: got {end!r}, whose twelve months the crime data do not reach: they run from "
            f"{month_label(first_held)} to {month_label(last_held)}"
        )
    most = -(-(last - _month_index(first_held) + 1) // 12)
    if years is None:
        years = min(usual, most)
    arguments.whole_number("years", years, 1, most, f"the years of data to {_month(last)}, from {first_held}")
    months = tuple(_month(i) for i in range(last - 12 * years + 1, last + 1))
    first_year, last_year = FinancialYear.of_month(months[0]).label, FinancialYear.of_month(months[-1]).label
    if a_month and months[-1][5:] != "03":
        return Period(_span(months), months)
    return Period(first_year if first_year == last_year else f"{first_year} to {last_year}", months)


def monthly_counts(
    crimes: pd.DataFrame,
    crime_type: object = ASB,
    *,
    years: int | None = None,
    end: object = None,
    place: str = "",
) -> Table:
    """Counts per month of each of ``crime_type`` (a type, "all crime", or a list for one column
    each) over ``years`` years (default three, fewer where the data hold fewer) ending with
    ``end`` (default: the latest complete financial year; a month ``YYYY-MM`` ends the run there instead).
    Indexed by month
    (``YYYY-MM``), with ``label`` ("Apr 2016") and ``financial_year``; a month the data do not
    hold is blank (not zero). The notes give each series' trend against its normal year-to-year
    variation (:func:`safer_analysis.analysis.trends.monthly_trend`)."""
    crimes = _crime_table(crimes)
    place = arguments.text("place", place)
    if years is not None:
        arguments.whole_number("years", years, 1)
    held = _held_months(crimes)
    run = month_run(held, years=years, end=last_complete_year(crimes) if end is None else end)
    months = list(run.months)
    series = crime_type if isinstance(crime_type, (list, tuple)) else [crime_type]
    if not series:
        raise ParameterError("crime_type: got an empty list; expected a police.uk crime type, or a list of them")
    out = pd.DataFrame(index=pd.Index(months, name="month"))
    out["label"] = [month_label(m) for m in months]
    out["financial_year"] = [FinancialYear.of_month(m).label for m in months]
    notes = []
    names = []
    for item in series:
        label, types = resolve_crime_types(crimes, item)
        rows = _select(crimes, types)
        counts = rows[rows["month"].isin(set(months))].groupby("month").size().reindex(months, fill_value=0)
        values = counts.astype(float).where([m in held for m in months])
        out[label] = values.to_numpy()
        names.append(label)
        observed = values.dropna()
        monthly = pd.Series(observed.to_numpy(), index=pd.PeriodIndex(observed.index, freq="M"))
        trend = trends.monthly_trend(monthly, crime_type=label)  # the shipped year-to-year variation of its type
        if trend.direction == trends.NOT_ENOUGH_DATA:
            notes.append(f"{label}: not enough months ({trend.months}) to test for a trend (24 needed).")
        else:
            verdict = "no change" if trend.direction == trends.NO_CHANGE else trend.direction
            notes.append(
                f"{label}: {verdict} beyond normal year-to-year variation ({trend.annual_change_pct:+.1f}% a year, "
                f"{_p(trend.p_value)}, {trend.months} months, seasonality allowed for)."
            )
    missing = [m for m in months if m not in held]
    if missing:
        notes.insert(0, f"No data for {', '.join(map(month_label, missing))}: left blank, not counted as zero.")
    period_label = run.label
    where = f", {place}" if place else ""
    caption = f"{' and '.join(names)} per month{where}, {period_label}"
    table = as_table(out, caption=caption, notes=notes, formats={n: "count" for n in names})
    table.attrs.update(what=" and ".join(names), series=names, place=place, period=period_label, source=SOURCE)
    return table
