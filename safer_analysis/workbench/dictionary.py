"""The data dictionary, readable from Python: every input file's columns with their types (from
the schemas the loader validates against, :data:`safer_analysis.inputs.datasets.SCHEMAS`),
whether each is required or unique, and what it means; and the columns of the police.uk crime
store and of the geography the workbench adds to it.

>>> table = data_dictionary("grants")
>>> table.loc[table["column"] == "amount", "type"].item()
'amount (pounds as written: £25,000, 25000, £2m, Tbc)'
"""

from __future__ import annotations

import inspect

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import population as _population
from safer_analysis.inputs import similar_groups as _similar_groups
from safer_analysis.inputs import validation as v
from safer_analysis.inputs.datasets import FILES as _DATASET_FILES
from safer_analysis.inputs.datasets import SCHEMAS as _DATASET_SCHEMAS
from safer_analysis.inputs.indicators import priorities as _priorities
from safer_analysis.inputs.indicators import tidy as _indicators
from safer_analysis.inputs.validation import Column
from safer_analysis.workbench.arguments import ArgumentTypeError, shown
from safer_analysis.workbench.display import Table, as_table

#: Every input file: the dataset's, then the optional partner indicators and their mapping, the
#: partnership's own population figures and its own method for similar partnerships.
FILES = {
    **_DATASET_FILES,
    "indicators": _indicators.FILE,
    "priority_measures": _priorities.FILE,
    "population": _population.OWN_FILE,
    "similar_groups": _similar_groups.METHOD_FILE,
}
SCHEMAS = {
    **_DATASET_SCHEMAS,
    "indicators": _indicators.COLUMNS,
    "priority_measures": _priorities.COLUMNS,
    "population": _population.OWN_COLUMNS,
    "similar_groups": _similar_groups.METHOD_COLUMNS,
}

#: What each input file holds.
FILE_MEANINGS = {
    "indicators": "partners' indicators (any source; import-indicators adds a Fingertips export)",
    "priority_measures": "what measures each local priority (police.uk types, ONS groups, partner indicators), "
    "and who holds a measure not supplied",
    "population": "the partnership's own population figures, used before ONS's where given (optional)",
    "similar_groups": "the partnership's own weights and group size for its most similar partnerships "
    "(optional; the package's are used otherwise)",
    "sources": "the source documents every other file cites",
    "grants": "the grant per financial year",
    "allocations": "every line of each year's spending plan",
    "pcp_priorities": "the Police & Crime Plan priorities",
    "allocation_pcp_priorities": "which Police & Crime Plan priorities each plan line serves",
    "local_priorities": "the strategic assessment's local priorities",
    "outcome_measures": "each project's outcome measures and targets",
    "context_figures": "figures the strategic assessment paper quotes",
    "threat_risk_harm_scores": "the analyst's threat, risk and harm scores per local priority and year",
    "assessment_method": "the constants of the assessment's method",
    "outcome_returns": "providers' quarterly returns against the outcome measures",
    "allocation_local_priorities": "which local priorities each plan line serves",
    "priority_status": "each local priority's standing in a given year's documents",
    "recommendations": "the analyst's own recommendations for each year, shown beside those drawn from the findings",
    "known_breaks": "the partnership's own dated changes that move crime counts, set apart from the trend as steps",
    "decisions": "the board paper's author on each of a year's decisions: the option recommended, why, and who "
    "takes it forward",
    "implications": "the board paper's author on what a year's decisions mean in money, in law and for equality",
    "crime": "police.uk street-level crimes and anti-social behaviour for the area (data/crime/<area>-street.parquet)",
    "geography": "columns the workbench adds to the crime table (add_geography), from the ONS lookups shipped",
}

_SOURCE = {
    "source_document": "the document it was read from (a document_id of sources.csv)",
    "source_section": "the section, table row or heading of that document",
}
_SHARED = {
    "financial_year": "the April-to-March financial year, written 2018-19",
    "allocation_id": "a line of allocations.csv",
    "priority_key": "a local priority of local_priorities.csv",
    "illustrative": "yes marks figures that are not the partnership's own (examples)",
    "note": "a note",
    **_SOURCE,
}

#: What each column means, per file (columns shared by several files are in ``_SHARED``).
COLUMN_MEANINGS: dict[str, dict[str, str]] = {
    "population": {
        "area_code": "the ONS code of the area the figure is for (the partnership, an authority or an LSOA)",
        "mid_year": "the year whose mid-point (30 June) the figure estimates",
        "population": "the residents, all ages",
        "source": "who made the estimate, shown beside every rate that uses it",
    },
    "similar_groups": {
        "parameter": "group_size, or a measure of the partnerships' table whose weight this row sets",
        "value": "the group's size (a whole number), or the measure's weight (0 leaves it out)",
        "meaning": "what the row is, in words",
    },
    "indicators": {
        "indicator_id": "the publisher's ID (a Fingertips number)",
        "indicator": "the indicator's name: one unit and one polarity per indicator",
        "area_code": "the area the figure is for: the partnership's, an authority's, or a comparator's",
        "value": "the figure",
        "count": "what the value counts (shown as [c] below the suppression threshold)",
        "denominator": "what the count is out of",
        "lower": "the lower limit of the value's interval",
        "upper": "the upper limit of the value's interval",
        "higher_is_better": "which way is better; blank where neither is",
        "marking": "the figure's protective marking; a public pack leaves OFFICIAL-SENSITIVE out",
        "source": "who publishes or supplied the figure",
    },
    "priority_measures": {
        "source": "police.uk, ONS recorded crime or indicator",
        "measure": "the police.uk crime type (blank: police.uk does not measure the priority), ONS's group, "
        "or an indicator's name (any case) or ID, held or not",
        "held_by": "who holds an indicator not yet supplied",
        "note": "why, and what the measure misses",
    },
    "sources": {
        "document_id": "the id other files cite",
        "title": "the document's title",
        "publisher": "who published it",
        "date": "its date as printed",
        "seed_file": "the file name of its text extract",
        "standing": "what the document is, in its own terms (a draft, a plan of intended spending, ...)",
        "draft": "yes where the document is a draft, so its amounts are proposed in it; blank: not stated",
    },
    "grants": {
        "funder": "who gives the grant (the Police and Crime Commissioner)",
        "recipient": "the partnership",
        "amount": "the grant for the year, in pounds",
    },
    "allocations": {
        "allocation_id": "SP-<year>-<row>: the row of the source table",
        "theme_key": "the same service across years, one line per theme a year",
        "project": "the project or service as named",
        "need": "the need it answers",
        "description": "the recommendation or the project's description",
        "amount": "pounds from the grant; Tbc, Awaiting confirmation or blank while not set "
        "(loaded as amount_text, as written, and amount, in pounds)",
        "total_budget": "the service's total budget from all funders, where given",
        "status": "allocated, recommended, to be confirmed or awaiting confirmation; only allocated and "
        "recommended amounts count against the grant",
        "provider": "the provider, where the source names one",
        "contract_end": "the month the contract ends, where stated",
    },
    "pcp_priorities": {"priority": "the priority's number in the plan", "name": "the priority"},
    "allocation_pcp_priorities": {
        "priority": "a Police & Crime Plan priority the line serves",
        "basis": "stated in the source, or inferred from the same service in another year's plan",
        "document_amount": "the line's part for this priority where its document splits it; blank: not split",
    },
    "local_priorities": {
        "name": "the priority as written",
        "kind": "priority, emerging issue or cross-cutting issue: its place in the assessment",
    },
    "outcome_measures": {
        "measure_id": "<allocation_id>-Mnn",
        "measure": "the measure as written",
        "measure_type": "proportion, count, rate, indicator, deliverable or qualitative",
        "target": "the numeric target, where the text gives one",
        "unit": "what the target counts: percent, sessions, people, ...",
        "direction": "how the target is met: at least, at most, below, above, increase, decrease, ...",
        "tolerance": "how far short of the target still counts as amber (percentage points, or a count)",
        "crime_type": "the police.uk crime type whose rate the strategic assessment measures for it",
    },
    "context_figures": {
        "figure_id": "CFnn",
        "local_priority": "the local priorities it informs, separated by ;",
        "description": "what is counted",
        "value_low": "the figure, or the low end of its range",
        "value_high": "the figure, or the high end of its range",
        "unit": "what the number counts",
        "approximate": "yes where the text says around, over, ...",
        "period": "the period as stated",
        "geography": "the area as stated",
        "source": "the original source the paper quotes",
    },
    "threat_risk_harm_scores": {
        "harm": "impact on victims and the community, 1 to 5 (5 the most severe)",
        "likelihood": "how likely and how frequent, 1 to 5",
        "organisational_position": "how far the partnership is from being able to respond, 1 to 5 (5 the least able)",
        "confidence": "high, medium or low confidence in the scores",
        "rationale": "why",
    },
    "assessment_method": {
        "parameter": "the constant's name",
        "value": "its value",
        "meaning": "what it sets",
    },
    "outcome_returns": {
        "quarter": "the quarter of the financial year, 1 to 4",
        "measure_id": "a measure of outcome_measures.csv",
        "numerator": "for a proportion: how many met the measure",
        "denominator": "for a proportion: how many it was measured on",
        "value": "for any other measure: the count or value in the quarter",
    },
    "allocation_local_priorities": {
        "basis": "stated in the source (the document's word), or inferred from its text (the analyst's reading)",
        "reading": "the words of the source the link was read from",
        "document_amount": "the line's part for this priority where its document splits it; blank: not split",
    },
    "priority_status": {"kind": "priority, emerging issue or cross-cutting issue in that year's documents"},
    "recommendations": {"recommendation": "a recommendation of the analyst's for the year, in words"},
    "decisions": {
        "decision": "the decision, by the key `safer-analysis check` lists for the year (plan, contract "
        "<allocation_id>, unallocated, amounts, partner figures, recommendation <document> <section>)",
        "preferred_option": "the option the author recommends, in the words of one of the paper's options for it",
        "reason": "why, in a sentence for the board",
        "lead": "who takes the decision forward, and owns its risk (a post or an organisation)",
    },
    "implications": {
        "kind": "financial, legal or equalities: the paragraph of the paper's Implications it goes in",
        "text": "what the decisions mean, in a sentence or two for the board",
        "source": "who advised (legal services, the equalities lead) and when; blank: the author",
    },
    "known_breaks": {
        "first_month": "the first whole month the change affects",
        "last_month": "the last month it lasts; blank for a lasting change",
        "crime_types": "the police.uk crime types it moves; blank for every series",
        "what": "what changed, in plain words for the board (the page names it)",
        "source": "where it is written down",
    },
}

#: The police.uk crime store, as :func:`safer_analysis.inputs.police_uk.load_crimes` reads it.
CRIME_COLUMNS = [
    ("crime_id", "text, blank for anti-social behaviour", "police.uk's id of the crime"),
    ("month", "month (YYYY-MM)", "the month it was recorded"),
    ("financial_year", "year (YYYY-YY)", "the financial year of the month"),
    ("reported_by", "text", "the force that reported it"),
    ("falls_within", "text", "the force whose area it falls in"),
    ("longitude", "number", "an anonymised point near the crime (one of a fixed set of map points)"),
    ("latitude", "number", "as longitude"),
    ("location", "text", "'On or near <street or place>', or 'No Location'"),
    ("lsoa_code", "text", "the LSOA of the point: 2011 codes up to 2022 data, 2021 codes after"),
    ("lsoa_name", "text", "the LSOA's name, e.g. Plymouth 001A"),
    ("crime_type", "text", "one of 14 police.uk categories; anti-social behaviour is one of them"),
    ("last_outcome", "text, blank for anti-social behaviour", "the last outcome recorded"),
]
GEOGRAPHY_COLUMNS = [
    ("lsoa_vintage", "2011, 2021 or 2011 and 2021", "which LSOA vintage the row's code belongs to"),
    ("lsoa11_code", "text", "the LSOA of 2011 the row lies in (blank for a 2021 LSOA merged from several)"),
    ("ward_code", "text", "the 2024 ward (ONS best-fit LSOA 2021 to ward lookup)"),
    ("ward_name", "text", "the ward's name"),
    ("authority_code", "text", "the local authority (2024)"),
    ("authority_name", "text", "the local authority's name"),
    ("csp_code", "text", "the Community Safety Partnership (2024)"),
    ("csp_name", "text", "the CSP's name"),
    ("force_code", "text", "the police force area"),
    ("force_name", "text", "the police force area's name"),
]


#: Types the schema cannot show: the allocations' amount is read as text, then parsed against its status.
_TYPE_OVERRIDES = {
    ("indicators", "area_code"): "ONS area code (E06000026; England E92000001)",
    ("indicators", "period"): "period: 2018, 2018/19, 2016 - 18, 2018/19 - 20/21, 2019-03, 2018/19 Q2",
    ("indicators", "higher_is_better"): "yes/no",
    ("indicators", "marking"): "OFFICIAL or OFFICIAL-SENSITIVE (blank: published)",
    ("allocations", "amount"): "amount, or Tbc / Awaiting confirmation / blank (checked against status)",
}


def type_of(column: Column) -> str:
    """The type of a schema column in words, read from the parser it is validated with."""
    parse = column.parse
    name = getattr(parse, "__qualname__", "")
    known = {
        v.financial_year: "year (YYYY-YY, April to March)",
        v.amount: "amount (pounds as written: £25,000, 25000, £2m, Tbc)",
        v.key: "key (lower-case letters, digits and _)",
        v.key_list: "keys separated by ;",
        v.crime_type_list: "police.uk crime types separated by ;",
        v.year_month: "month (YYYY-MM)",
        v.yes_no: "yes/no",
        v.iso_date: "date (YYYY-MM-DD)",
        v.text: "text",
    }
    if parse in known:
        return known[parse]
    closure = inspect.getclosurevars(parse).nonlocals if name.endswith("<locals>.parse") else {}
    if name.startswith("integer."):
        low, high = closure.get("minimum"), closure.get("maximum")
        return f"whole number {low} to {high}" if low is not None and high is not None else "whole number"
    if name.startswith("number."):
        low = closure.get("minimum")
        return f"number ≥ {low:g}" if low is not None else "number"
    if name.startswith("one_of."):
        return "one of: " + ", ".join(closure.get("allowed", []))
    return "text"


def data_dictionary(file: str | None = None) -> Table:
    """Every column of every input file (or of ``file``: a name such as "allocations" or
    "allocations.csv", or "crime" and "geography"): file, column, type, whether it is required and
    unique, and what it means."""
    names = list(FILES) + ["crime", "geography"]
    if file is not None:
        if not isinstance(file, str):
            raise ArgumentTypeError(f"file: got {shown(file)}; expected the name of an input file, e.g. 'allocations'")
        wanted = file.strip().removesuffix(".csv")
        if wanted not in names:
            raise ParameterError(f"file: no input file {file!r}; expected one of {', '.join(names)}")
        names = [wanted]
    rows = []
    for name in names:
        label = FILES.get(name, {"crime": "crime store", "geography": "crime store, added"}.get(name, name))
        if name in SCHEMAS:
            meanings = {**_SHARED, **COLUMN_MEANINGS.get(name, {})}
            for column in SCHEMAS[name]:
                rows.append(
                    (
                        label,
                        column.name,
                        _TYPE_OVERRIDES.get((name, column.name)) or type_of(column),
                        column.required,
                        column.unique,
                        meanings.get(column.name, ""),
                    )
                )
        else:
            for column, kind, meaning in CRIME_COLUMNS if name == "crime" else GEOGRAPHY_COLUMNS:
                rows.append((label, column, kind, False, False, meaning))
    out = pd.DataFrame(rows, columns=["file", "column", "type", "required", "unique", "meaning"])
    files = "; ".join(f"{FILES.get(n, n)}: {FILE_MEANINGS.get(n, '')}" for n in names)
    return as_table(
        out,
        caption="Data dictionary" + (f": {FILES.get(names[0], names[0])}" if file else ""),
        notes=[files],
        formats={"required": "tick", "unique": "tick"},
    )
