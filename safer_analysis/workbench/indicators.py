"""``wb.indicator("first time entrants")``: a partner indicator in one call, with the same kind of
chart, trend test and comparisons as crime counts.

An indicator is found by its name (any case; a part of the name that only one indicator has is
enough) or its ID (``FirstYJS``, a Fingertips number, a context figure's ``CF07``). The result holds
the area's series, its comparators (England, the region, the statistical neighbours, the force...)
period by period, the trend test where the series has enough yearly values
(:func:`~safer_analysis.analysis.indicator_trend.yearly_trend`), and a chart; a figure quoted once
is shown as a single point, never trended. Counts below the project's suppression threshold are
shown as ``[c]``.
"""

from __future__ import annotations

import difflib
import html
from functools import cached_property

import pandas as pd

from safer_analysis.analysis.indicator_series import IndicatorSeries, with_starts
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.indicators.tidy import indicator_key
from safer_analysis.present.disclosure import SUPPRESSED
from safer_analysis.workbench import arguments, charts
from safer_analysis.workbench.display import Table, as_table


def find(rows: pd.DataFrame, name: object) -> str:
    """The one indicator ``name`` means among ``rows``: by ID, whole name, the start of only one name,
    or a part only one name has."""
    wanted = indicator_key(arguments.text("name", name))
    if not wanted:
        raise ParameterError("name: got empty text; expected an indicator's name or ID")
    names = list(dict.fromkeys(rows["indicator"]))
    by_id = {
        indicator_key(i): n
        for i, n in zip(rows["indicator_id"], rows["indicator"], strict=True)
        if isinstance(i, str) and i
    }
    if wanted in by_id:
        return by_id[wanted]
    exact = [n for n in names if indicator_key(n) == wanted]
    if exact:
        return exact[0]
    loose = wanted.replace("-", " ")
    parts = [n for n in names if loose in indicator_key(n).replace("-", " ")]
    starts = [n for n in parts if indicator_key(n).replace("-", " ").startswith(loose)]
    if len(parts) == 1 or len(starts) == 1:
        return (starts or parts)[0]
    if parts:
        raise ParameterError(f"name: {name!r} matches {len(parts)} indicators; name one: {'; '.join(parts)}")
    near = difflib.get_close_matches(wanted, [indicator_key(n) for n in names], n=3, cutoff=0.4)
    hint = f"; the nearest: {'; '.join(near)}" if near else ""
    raise ParameterError(f"name: no indicator {name!r} in the project's, DfE's, ONS's or the documents' figures{hint}")


class IndicatorView(IndicatorSeries):
    """One indicator for the area: ``rows`` (every row, the area's and its comparators'), ``series``
    (the area's values by period), ``comparison`` (a table of period by area), ``trend`` and ``chart``."""

    @cached_property
    def series(self) -> Table:
        """The area's values by period, with their count (suppressed below the threshold), limits and source."""
        own = self.own
        counts = [SUPPRESSED if pd.notna(c) and c < self.threshold else c for c in own["count"]]
        frame = pd.DataFrame(
            {
                "period": own["period"].tolist(),
                "area": own["area_name"].tolist(),
                "value": own["value"].tolist(),
                "lower": own["lower"].tolist(),
                "upper": own["upper"].tolist(),
                "count": counts,
                "source": own["source"].tolist(),
            }
        )
        frame = frame.dropna(axis=1, how="all")
        notes = [f"{self.unit}." if self.unit else ""]
        for column in ("area", "source"):  # one area or one source for every row: said once, not per row
            if frame[column].nunique() == 1:
                notes.append(f"{column.capitalize()}: {frame[column].iloc[0]}.")
                frame = frame.drop(columns=column)
        if SUPPRESSED in counts:
            notes.append(f"Counts below {self.threshold} are shown as {SUPPRESSED}.")
        return as_table(frame, caption=f"{self.name}, {self.place}", notes=notes, formats={"value": "rate"})

    @cached_property
    def comparison(self) -> Table:
        """Period by area: the area's value, then each comparator's (statistical neighbours averaged)."""
        table = self.comparison_frame
        if table.empty:
            return as_table(pd.DataFrame({"period": []}), caption=f"{self.name}: no comparators")
        notes = [f"{self.unit}." if self.unit else ""]
        neighbours, others = table.attrs["neighbours"], table.attrs["others"]
        if neighbours:
            notes.append(
                f"The statistical neighbours' average is the plain mean of the values given for the {neighbours} "
                "neighbours (one whose figure is suppressed is left out of that year's)."
            )
        if others:
            notes.append(f"{others} other area{'s' * (others != 1)} of the file: in .rows, not here.")
        table = table.copy()
        table.attrs = {"series": list(table.columns)}
        return as_table(table, caption=f"{self.name}: {self.place} and its comparators", notes=notes)

    @cached_property
    def chart(self) -> charts.QuickChart:
        """The area's series with its comparators, one line each; a single figure as one point."""
        table = self.comparison if not self.single_point else None
        if table is None or table.empty:
            own = self.own.iloc[0]
            if pd.notna(own["value"]):
                frame = pd.DataFrame({"figure": [own["area_name"]], self.unit or "value": [float(own["value"])]})
            else:  # a range quoted: its two ends
                frame = pd.DataFrame(
                    {
                        "figure": ["low end of the range", "high end of the range"],
                        self.unit or "value": [float(own["lower"]), float(own["upper"])],
                    }
                )
            return charts.bars(
                frame,
                self.unit or "value",
                label="figure",
                title=self.name,
                subtitle=f"a single figure, {own['period']}; {self.unit}",
                source="; ".join(self.sources),
            )
        if self.one_period:
            row = table.iloc[0]
            frame = pd.DataFrame({"area": [str(c) for c in row.index], self.unit or "value": row.to_numpy(dtype=float)})
            return charts.bars(
                frame,
                self.unit or "value",
                label="area",
                title=f"{self.name}, {self.place} beside its comparators",
                subtitle=f"{self.unit}, {table.index[0]}",
                source="; ".join(self.sources),
            )
        columns = list(table.columns)[: len(charts.PALETTE)]
        return charts.line(
            table.frame,
            columns,
            title=f"{self.name}, {self.place}",
            subtitle=f"{self.unit}, {table.index[0]} to {table.index[-1]}",
            source="; ".join(self.sources),
            ylabel=self.unit or "value",
        )

    def _repr_html_(self) -> str:
        parts = [
            f"<h4>{html.escape(self.name)}, {html.escape(self.place)}</h4>",
            f"<p>{html.escape(self.trend_sentence())}</p>",
        ]
        if not self.single_point:
            parts.append(self.chart.to_html())
            parts.append(self.comparison._repr_html_())
        if self.single_point or self.series.shape[1] > 2:  # the values with their counts, limits or sources
            parts.append(self.series._repr_html_())
        else:
            parts.append(f"<p>Source: {html.escape('; '.join(self.sources))}</p>")
        markings = self.markings
        if markings:
            parts.append(
                f"<p><strong>Marked {html.escape(', '.join(markings))}</strong>: not for publication as it stands.</p>"
            )
        return "".join(parts)

    def __repr__(self) -> str:
        return f"{self.name}, {self.place}: {self.trend_sentence()}"


def indicator(rows: pd.DataFrame, name: object, *, place: str, threshold: int) -> IndicatorView:
    """The view of the indicator ``name`` means among ``rows`` (:func:`find`)."""
    chosen = find(rows, name)
    return IndicatorView(chosen, with_starts(rows[rows["indicator"] == chosen]), place, threshold)
