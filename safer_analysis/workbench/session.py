"""The analyst's start in a notebook: ``wb = open_workbench(financial_year, project=project)``
checks the parameters first (a one-line reason and how to pass the value, for papermill too),
finds the project, loads its data and, on first use, its crimes with their geography."""

from __future__ import annotations

import html
import re
from functools import cached_property

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import population
from safer_analysis.inputs.years import FinancialYear, FinancialYearError
from safer_analysis.workbench import arguments, charts, geography, heatmaps, maps, money, peers, widgets
from safer_analysis.workbench import indicators as partner_indicators
from safer_analysis.workbench.counts import ASB, count_by, crime_types, last_complete_year, monthly_counts
from safer_analysis.workbench.dictionary import data_dictionary
from safer_analysis.workbench.display import Table, explore, show

_HINT = "with papermill: -p financial_year 2018-19, or -r financial_year 2018-19 to pass it as text"


def check_year_parameter(financial_year: object) -> str:
    """The ``financial_year`` parameter as a label, "" for the project's default; a ParameterError
    in one line saying what was expected and how to pass it otherwise.

    >>> check_year_parameter(" 2018-19 ")
    '2018-19'
    >>> check_year_parameter(201819)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    safer_analysis.errors.ParameterError: financial_year: got the number 201819 (did you mean 2018-19? ...
    """
    if financial_year is None or financial_year == "":
        return ""
    expected = f"expected a financial year written YYYY-YY with a hyphen, e.g. 2018-19 ({_HINT})"
    if isinstance(financial_year, bool) or not isinstance(financial_year, (str, FinancialYear)):
        if isinstance(financial_year, int | float) and not isinstance(financial_year, bool):
            digits = str(financial_year).split(".")[0]
            guess = ""
            match = re.fullmatch(r"(\d{4})(\d{2})", digits)
            if match:
                guess = (
                    f" (did you mean {match.group(1)}-{match.group(2)}? papermill reads "
                    f"{match.group(1)}_{match.group(2)} as a number)"
                )
            raise ParameterError(f"financial_year: got the number {financial_year!r}{guess}; {expected}")
        raise ParameterError(f"financial_year: got {type(financial_year).__name__} {financial_year!r}; {expected}")
    try:
        return FinancialYear.parse(financial_year).label
    except FinancialYearError as exc:
        reason = str(exc).split(": ", 1)[-1] if "does not follow" in str(exc) else ""
        detail = f" ({reason})" if reason else ""
        raise ParameterError(f"financial_year: got {financial_year!r}{detail}; {expected}") from None


def _text(name: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ParameterError(
            f"{name}: got {type(value).__name__} {value!r}; expected text "
            f"(with papermill: -r {name} VALUE passes it as text)"
        )
    return value.strip()


class Workbench:
    """A project's data ready for ad-hoc questions; every method is one step (see the package
    docstring). ``crimes`` is loaded, with its geography, on first use."""

    def __init__(self, context, crime_data: str = ""):
        self.context = context
        self.project = context.project
        self.dataset = context.dataset
        self.year = context.year.label
        self.place = context.csp
        self.threshold = context.threshold
        self._crime_data = crime_data

    # ---- crime -----------------------------------------------------------------------------

    @cached_property
    def crimes(self) -> pd.DataFrame:
        """The area's police.uk rows with their ward, local authority, CSP and force
        (:func:`~safer_analysis.workbench.geography.add_geography`)."""
        return geography.add_geography(self.context.load_crimes(self._crime_data))

    @cached_property
    def area_lsoas(self) -> frozenset[str] | None:
        """The LSOAs (of 2021) the crime rows were cut to: the area's, when the rows are the project's
        area or the one asked for (None for a crime file given without an area: rates are then of
        whole areas)."""
        if self._crime_data:
            return None
        return population.lsoas_of(self.context.area_codes) or None

    @cached_property
    def population_figures(self) -> population.ProjectFigures:
        """The project's own population figures and the ONS estimates it imported."""
        return population.figures_of(self.dataset)

    @cached_property
    def last_year(self) -> str:
        """ "Last financial year": the latest financial year whose twelve months the data all hold, or
        where none is whole, the latest twelve months held."""
        return last_complete_year(self.crimes)

    @property
    def crime_types(self) -> list[str]:
        return crime_types(self.crimes)

    def counts(
        self,
        by: str = "ward",
        *,
        period: object = None,
        crime_type: object = None,
        change: bool = False,
        rates: bool = False,
        suppress: bool = False,
    ) -> Table:
        """Counts by ward (or "lsoa", "authority", "csp", "force", "crime_type", "month", ...) in
        ``period`` (default :attr:`last_year`); see :func:`~safer_analysis.workbench.counts.count_by`.
        Suppression uses the project's threshold."""
        return count_by(
            self.crimes,
            by,
            period=period if period is not None else self.last_year,
            crime_type=crime_type,
            change=change,
            rates=rates,
            suppress=suppress,
            threshold=self.threshold,
            place=self.place,
            area=self.area_lsoas,
            figures=self.population_figures,
        )

    def monthly(self, crime_type: object = ASB, *, years: int | None = None, end: object = None) -> Table:
        """Counts per month over ``years`` years (default three, fewer where the data hold fewer) to
        ``end`` (default :attr:`last_year`)."""
        end = end if end is not None else self.last_year
        return monthly_counts(self.crimes, crime_type, years=years, end=end, place=self.place)

    def monthly_by_type(self, crime_types: object = None, *, years: int | None = None, end: object = None) -> Table:
        """Counts per month (columns, oldest first) of each crime type (rows, largest total first,
        or the ``crime_types`` named in their order) over ``years`` years to ``end`` (default: the
        latest month held; or a month or financial year, as :meth:`monthly` takes it)."""
        return heatmaps.monthly_by_type(self.crimes, crime_types, years=years, end=end, place=self.place)

    def heatmap(
        self, crime_types: object = None, *, years: int | None = None, end: object = None
    ) -> heatmaps.HeatmapChart:
        """:meth:`monthly_by_type` as a heatmap (seaborn): each type shaded against its own average
        month, the counts written in the cells; the counts are ``chart.table``."""
        return heatmaps.heatmap(self.crimes, crime_types, years=years, end=end, place=self.place)

    line = staticmethod(charts.line)
    bars = staticmethod(charts.bars)
    show = staticmethod(show)
    explore = staticmethod(explore)

    def map(self, *, period: object = None, crime_type: object = None) -> maps.ZoomMap:
        """A zoomable map of the counts per LSOA on the project's boundaries, with its legend
        (without boundaries, the busiest LSOAs as a table, and how to add them)."""
        return maps.zoom_map(
            self.crimes,
            boundaries=self.project.boundary_file("lsoa"),
            wards=self.project.boundary_file("ward"),
            period=period if period is not None else self.last_year,
            crime_type=crime_type,
            place=self.place,
        )

    def pickers(self):
        """Drop-down lists for year, area and crime type, and what they pick (ipywidgets)."""
        return widgets.pickers(self.crimes, place=self.place, year=self.last_year)

    # ---- money -----------------------------------------------------------------------------

    def priority_money(self, priority: object, year: object = None) -> money.PriorityMoney:
        """How much of a year's money (default: the notebook's year) went to a Police & Crime
        Plan priority, gross and apportioned, each as a share of the grant and of the spend."""
        return money.priority_money(self.dataset, year if year is not None else self.year, priority)

    def spend_by_priority(self, year: object = None) -> Table:
        """Every Police & Crime Plan priority's money, gross and apportioned, shares named."""
        return money.spend_by_priority(self.dataset, year if year is not None else self.year)

    # ---- how we compare ---------------------------------------------------------------------

    def comparison(self, *, area: object = None, period_end: object = "", size: object = None):
        """The area's police recorded crime beside its most similar group's and England and Wales's
        (:func:`safer_analysis.reports.comparison.compare`): ``area`` another partnership by name
        or code; ``period_end`` YYYY-MM an edition held (default the latest); ``size`` the group's."""
        from safer_analysis.reports.comparison import compare

        chosen = _text("area", area) or self.context.area_code or self.place
        size = None if size is None else arguments.whole_number("size", size, 1)
        return compare(chosen, data_dir=self.project.data_dir, period_end=_text("period_end", period_end), size=size)

    def peers(
        self, offence_group: object = "total", *, area: object = None, period_end: object = "", size: object = None
    ) -> Table:
        """The most similar group for one offence group ("total", a headline group, or "all"):
        each partnership's distance, crimes, people and rate per 1,000, the area first."""
        return peers.peers_table(self.comparison(area=area, period_end=period_end, size=size), offence_group)

    def compare(
        self, offence_group: object = "total", *, area: object = None, period_end: object = "", size: object = None
    ) -> charts.QuickChart:
        """The area as a dark dot among its group's for one offence group, or for every one ("all")."""
        return peers.compare_chart(self.comparison(area=area, period_end=period_end, size=size), offence_group)

    # ---- partners' indicators --------------------------------------------------------------

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """Every indicator the area has: the project's, DfE's youth justice figures, ONS's recorded-crime
        groups and, for the project's own area, the documents' context figures
        (:func:`~safer_analysis.inputs.indicators.gather.gather`)."""
        from safer_analysis.inputs.indicators.gather import gather

        return gather(
            self.dataset.root,
            csp_code=self.context.area_code,
            authority_codes=self.context.area_codes,
            place=self.place,
            dataset=self.dataset if self.place.lower() == self.project.settings.area.lower() else None,
            project=self.project,
        )

    def indicator(self, name: object) -> partner_indicators.IndicatorView:
        """One indicator by name or ID: its series, comparators, trend and chart."""
        return partner_indicators.indicator(self.indicators, name, place=self.place, threshold=self.threshold)

    # ---- the data --------------------------------------------------------------------------

    @staticmethod
    def dictionary(file: str | None = None) -> Table:
        """The data dictionary: every input file's columns, types and meanings."""
        return data_dictionary(file)

    def summary(self) -> list[str]:
        lines = [
            f"{self.project.settings.name} ({self.place}): the project in {self.project.root}",
            f"Year for the money: {self.year}; years with a grant: {', '.join(self.dataset.years)}",
        ]
        if "crimes" in self.__dict__:
            crimes = self.crimes
            months = sorted(crimes["month"].dropna().unique())
            lines.append(
                f"Crime data: {len(crimes):,} rows, {months[0]} to {months[-1]} ({len(months)} months); "
                f"last complete financial year {self.last_year}"
            )
        else:
            lines.append("Crime data: loaded on first use (wb.crimes)")
        lines.append(
            "Steps: wb.counts(), wb.monthly(), wb.line(), wb.bars(), wb.heatmap(), wb.map(), wb.pickers(), "
            "wb.priority_money(), wb.spend_by_priority(), wb.peers(), wb.compare(), wb.indicator(), wb.dictionary(), "
            "wb.show(), wb.explore()"
        )
        return lines

    def __repr__(self) -> str:
        return "\n".join(self.summary())

    def _repr_html_(self) -> str:
        return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in self.summary()) + "</ul>"


def open_workbench(
    financial_year: object = "", *, project: object = "", crime_data: object = "", csp: object = ""
) -> Workbench:
    """Check the parameters (first, before anything is read), then find the project and load its
    data. ``financial_year`` is the year for the money (empty: the project's default year); crime
    questions default to the latest complete financial year in the crime data."""
    from safer_analysis.reports.context import open_product

    year = check_year_parameter(financial_year)
    project_dir = _text("project", project)
    crime_file = _text("crime_data", crime_data)
    area = _text("csp", csp)
    context = open_product("strategic_assessment", year, project=project_dir, csp=area)
    context.product = None
    return Workbench(context, crime_file)
