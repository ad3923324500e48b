"""The analyst's workbench: ad-hoc questions in a notebook, one call a step.

Not part of the board pack: nothing here writes to the project, and counts are suppressed only
when asked. In a notebook::

    from safer_analysis.workbench import open_workbench

    wb = open_workbench(financial_year, project=project)   # checks the parameters first
    wb.counts("ward", crime_type="Burglary", change=True, rates=True)   # last complete financial year
    wb.monthly("Anti-social behaviour", years=3)           # counts per month, gaps left blank
    wb.line(wb.monthly("Anti-social behaviour"))           # a house-style chart, titled for you
    wb.priority_money(3)                                   # gross and apportioned, each named
    wb.dictionary("allocations")                           # columns, types and meanings

=======================  ======================================================================
step                     call
=======================  ======================================================================
start                    :func:`open_workbench` (a :class:`Workbench`; its repr is a summary)
crimes with geography    ``wb.crimes``; :func:`add_geography` for any police.uk table
counts                   ``wb.counts(by, period=, crime_type=, change=, rates=, suppress=)``
months over years        ``wb.monthly(crime_type, years=, end=)``
charts                   ``wb.line(table)``, ``wb.bars(table, column)``
months by crime type     ``wb.heatmap(crime_types, years=, end=)`` (seaborn); its table ``wb.monthly_by_type()``
map                      ``wb.map(crime_type=, period=)``: zoom and pan, hover for figures
pickers                  ``wb.pickers()``: year, area and crime type drop-down lists
money                    ``wb.priority_money(priority)``, ``wb.spend_by_priority()``
how we compare           ``wb.peers(offence_group)``: the most similar group with distances, counts
                         and rates; ``wb.compare(offence_group)``: the area as a dot among its group's
tables                   :func:`show` (formatted), :func:`explore` (sortable, searchable)
data dictionary          :func:`data_dictionary`
=======================  ======================================================================

Each function also works without a Workbench, on a crime table and a dataset (see the modules).
Every one checks its arguments first (:mod:`safer_analysis.workbench.arguments`): a careless
value is refused in one line naming the argument, what it got and what is expected.
"""

from safer_analysis.workbench.charts import QuickChart, bars, line
from safer_analysis.workbench.counts import (
    ALL_CRIME,
    ASB,
    Period,
    count_by,
    crime_types,
    last_complete_year,
    monthly_counts,
    period_of,
)
from safer_analysis.workbench.dictionary import data_dictionary
from safer_analysis.workbench.display import Table, as_table, explore, show
from safer_analysis.workbench.geography import add_geography, lsoa_geography, populations
from safer_analysis.workbench.heatmaps import HeatmapChart, heatmap, monthly_by_type
from safer_analysis.workbench.maps import ZoomMap, zoom_map
from safer_analysis.workbench.money import PriorityMoney, priority_money, spend_by_priority
from safer_analysis.workbench.session import Workbench, check_year_parameter, open_workbench
from safer_analysis.workbench.widgets import pickers

__all__ = [
    "ALL_CRIME",
    "ASB",
    "HeatmapChart",
    "Period",
    "PriorityMoney",
    "QuickChart",
    "Table",
    "Workbench",
    "ZoomMap",
    "add_geography",
    "as_table",
    "bars",
    "check_year_parameter",
    "count_by",
    "crime_types",
    "data_dictionary",
    "explore",
    "heatmap",
    "last_complete_year",
    "line",
    "lsoa_geography",
    "monthly_by_type",
    "monthly_counts",
    "open_workbench",
    "period_of",
    "pickers",
    "populations",
    "priority_money",
    "show",
    "spend_by_priority",
    "zoom_map",
]
