"""One partner indicator for an area: its own values by period, its comparators, its trend, and
what they say in plain words. The strategic assessment's evidence and the workbench's
``wb.indicator`` both read an indicator through this, so the two say the same.

A figure quoted once (the documents' context figures) is a single point, never trended. A trend
is tested only on yearly values of one kind (:func:`~safer_analysis.analysis.indicator_trend.yearly_trend`).
Comparators: England, England and Wales, a region, the force, the most similar group, and DfE's
statistical neighbours, whose values are averaged (a neighbour whose figure is suppressed is left
out of that year's average).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from safer_analysis.analysis.indicator_trend import YearlyTrend, yearly_trend
from safer_analysis.inputs.indicators.periods import period_kind, period_start
from safer_analysis.present.formats import format_month, format_percent

#: Comparators drawn as one average of their own.
NEIGHBOUR = "statistical neighbour"
NEIGHBOURS_AVERAGE = "statistical neighbours' average"


def number(value: float) -> str:
    """A value as a sentence gives it: whole numbers with separators, others to one decimal place."""
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 1000 else f"{value:,.1f}"


def _listed(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def with_unit(value: float, unit: str) -> str:
    """A value with its unit: "207 per 100,000 aged 10-17", "12.5% of young offenders"."""
    if not unit:
        return number(value)
    return f"{number(value)}{unit}" if unit.startswith("%") else f"{number(value)} {unit}"


def general_breaks(table: pd.DataFrame) -> tuple[tuple[float, str], ...]:
    """The known breaks of ``table`` (the shipped breaks for a nation) that touch every series, not
    only some crime types, as (decimal year each begins, what it was, short): the steps a yearly
    indicator may take."""
    out = []
    for _, b in table.iterrows():
        if isinstance(b.get("crime_types"), str) and b["crime_types"].strip():
            continue
        year, month = int(b["first_month"][:4]), int(b["first_month"][5:7])
        what = str(b["what"]).split(",")[0]
        out.append((year + (month - 1) / 12, f"{what} (from {format_month(b['first_month'])})"))
    return tuple(out)


def with_starts(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with ``single_point`` as booleans and ``period_start`` (none for a single point)."""
    out = rows.copy()
    out["single_point"] = out["single_point"].fillna(False).astype(bool)
    out["period_start"] = [
        period_start(p) if not s else np.nan for p, s in zip(out["period"], out["single_point"], strict=True)
    ]
    return out


@dataclass
class IndicatorSeries:
    """One indicator for the area: ``rows`` (every row, the area's and its comparators', with
    ``period_start``: see :func:`with_starts`)."""

    name: str
    rows: pd.DataFrame
    place: str
    threshold: int
    #: known breaks a yearly series may step at: (decimal year it begins, what it was); see :func:`general_breaks`
    steps: tuple[tuple[float, str], ...] = ()

    @property
    def own(self) -> pd.DataFrame:
        own = self.rows[self.rows["comparison"] == ""]
        return own.sort_values("period_start", kind="stable") if "period_start" in own else own

    @property
    def single_point(self) -> bool:
        """A figure quoted once (the documents' context figures): shown as such, never trended."""
        return bool(self.rows["single_point"].any())

    @property
    def one_period(self) -> bool:
        return self.own["period"].nunique() <= 1

    @property
    def unit(self) -> str:
        units = self.rows["unit"].dropna()
        return str(units.iloc[0]) if len(units) else ""

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(self.rows["source"].dropna()))

    @property
    def markings(self) -> list[str]:
        return sorted({m for m in self.rows["marking"].dropna() if m}) if "marking" in self.rows else []

    @property
    def periods(self) -> str:
        """The periods the area's values cover: "2016 to 2024", or the one period."""
        own = self.own
        if own.empty:
            return ""
        first, last = own["period"].iloc[0], own["period"].iloc[-1]
        return first if first == last else f"{first} to {last}"

    @cached_property
    def comparison_frame(self) -> pd.DataFrame:
        """Period by area: the area's value, then each comparator's (statistical neighbours averaged);
        ``attrs["neighbours"]``: how many neighbours, ``attrs["others"]``: areas of a file left out."""
        rows = self.rows[~self.rows["single_point"]]
        others = rows.loc[rows["comparison"] == "other area", "area_name"].nunique()
        rows = rows[rows["comparison"] != "other area"]  # every area of an export: in .rows, not compared
        if rows.empty:
            return pd.DataFrame(index=pd.Index([], name="period"))
        labels = []
        for _, r in rows.iterrows():
            if r["comparison"] == NEIGHBOUR:
                labels.append(NEIGHBOURS_AVERAGE)
            else:
                labels.append(
                    r["area_name"] if r["comparison"] in ("", "region", "force", "other area") else r["comparison"]
                )
        table = rows.assign(label=labels).pivot_table(
            index="period", columns="label", values="value", aggfunc="mean", sort=False, dropna=False
        )
        first = list(dict.fromkeys(rows.loc[rows["comparison"] == "", "area_name"]))
        table = table[first + [c for c in table.columns if c not in first]]
        table = table.loc[sorted(table.index, key=period_start)]
        table.index.name = "period"
        table.columns.name = None
        near = rows[(rows["comparison"] == NEIGHBOUR)]
        table.attrs["neighbours"] = near["area_name"].nunique()
        table.attrs["neighbours_with_a_value"] = near.dropna(subset=["value"]).groupby("period")["area_name"].nunique()
        table.attrs["others"] = others
        return table

    @cached_property
    def trend(self) -> YearlyTrend | None:
        """The trend test on the area's yearly values; None for a figure quoted once."""
        if self.single_point:
            return None
        own = self.own.dropna(subset=["value"])
        kinds = {period_kind(p) for p in own["period"]}
        if len(kinds) > 1 or kinds & {"month", "quarter", "financial quarter"}:
            return YearlyTrend("not enough data", len(own), reason="the periods are not yearly ones of one kind")
        return yearly_trend([period_start(p) for p in own["period"]], own["value"].tolist(), steps=self.steps)

    def latest(self) -> pd.Series | None:
        """The area's latest row with a value (or a range), None without one."""
        own = self.own
        held = own[own["value"].notna() | own["lower"].notna()]
        return held.iloc[-1] if len(held) else None

    def comparators(self, period: str, neighbours: str = NEIGHBOURS_AVERAGE) -> list[tuple[str, float, str]]:
        """Each comparator with a value for ``period``: its name (the neighbours' average called
        ``neighbours``), its value, and the value as said, with how many neighbours had a figure
        where some had none."""
        table = self.comparison_frame
        if period not in table.index:
            return []
        own = set(self.own["area_name"])
        out = []
        for label, value in table.loc[period].items():
            if label in own or pd.isna(value):
                continue
            said = number(value)
            if label == NEIGHBOURS_AVERAGE:
                held = int(table.attrs["neighbours_with_a_value"].get(period, 0))
                if held < table.attrs["neighbours"]:
                    said += f", {held} of {table.attrs['neighbours']} with a figure"
            out.append((neighbours if label == NEIGHBOURS_AVERAGE else label, float(value), said))
        return out

    def comparison_sentence(self) -> str:
        """The area's latest value beside each comparator's for the same period, in words ("In 2024,
        Plymouth (207) was higher than South West (121) and the statistical neighbours' average
        (141.6)."); empty where there is no comparator or the value is a single point."""
        table = self.comparison_frame
        last = self.latest()
        if self.single_point or last is None or table.empty or last["period"] not in table.index:
            return ""
        mine = number(last["value"])
        groups: dict[str, list[str]] = {"higher than": [], "lower than": [], "the same as": []}
        for name, value, theirs in self.comparators(last["period"], f"the {NEIGHBOURS_AVERAGE}"):
            relation = (
                "the same as" if number(value) == mine else "higher than" if last["value"] > value else "lower than"
            )
            groups[relation].append(f"{name} ({theirs})")
        said = [f"{relation} {_listed(names)}" for relation, names in groups.items() if names]
        if not said:
            return ""
        return f"In {last['period']}, {self.place} ({mine}) was {'; '.join(said)}."

    def trend_sentence(self) -> str:
        """The trend in plain words."""
        trend = self.trend
        own = self.own
        if trend is None:
            r = own.iloc[0]
            value = (
                with_unit(r["value"], self.unit)
                if pd.notna(r["value"])
                else f"{number(r['lower'])} to {with_unit(r['upper'], self.unit)}"
            )
            return f"A single figure, quoted once ({r['period']}): {value}. It cannot show a trend."
        if self.one_period:
            row = self.comparison_frame.iloc[0] if len(self.comparison_frame) else pd.Series(dtype=float)
            others = "; ".join(f"{c} {number(v)}" for c, v in row.items() if c not in set(own["area_name"]))
            return (
                f"Only {own['period'].iloc[0]} is held: {with_unit(own['value'].iloc[0], self.unit)}"
                + (f" ({others})" if others else "")
                + ". One period cannot show a trend."
            )
        held = own.dropna(subset=["value"])
        first, last = held.iloc[0], held.iloc[-1]
        span = (
            f"from {with_unit(first['value'], self.unit)} in {first['period']} "
            f"to {number(last['value'])} in {last['period']}"
        )
        if trend.direction == "not enough data":
            return f"{span[0].upper()}{span[1:]}; too few yearly values to test for a trend ({trend.reason})."
        if trend.step:
            return (
                f"{span[0].upper()}{span[1:]}: about {number(round(trend.before))} a year before {trend.step} and "
                f"about {number(round(trend.after))} since. That one-off change explains the difference as well as a "
                "steady trend does, so no trend is stated."
            )
        if trend.direction == "no significant change":
            return f"{span[0].upper()}{span[1:]}: no clear trend beyond the usual year-to-year ups and downs."
        return (
            f"{span[0].upper()}{span[1:]}: {trend.direction}, by about "
            f"{format_percent(abs(trend.annual_change) * 100)} a year over {trend.points} years, more than the usual "
            "year-to-year ups and downs."
        )
