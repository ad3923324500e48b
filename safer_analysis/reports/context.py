"""How a report notebook starts: find the project, check the parameters, load the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from safer_analysis import __version__
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas, police_uk
from safer_analysis.inputs.datasets import Dataset, load_dataset
from safer_analysis.inputs.project import Project, git_commit, resolve_project
from safer_analysis.inputs.years import FinancialYear, YearTo
from safer_analysis.present.publication import Report
from safer_analysis.reports.registry import PRODUCTS, Product

__all__ = [
    "PARAMETERS",
    "ParameterError",
    "ProductContext",
    "check_parameter_values",
    "check_year",
    "open_exploration",
    "open_product",
]

#: Every parameter a report notebook declares, and what a valid value is: a whole number's
#: range (low, high, what it means), or for text a description of what it must be.
NUMBERS: dict[str, tuple[int, int, str]] = {
    "comparison_years": (1, 20, "the years in the trend, ending with the year assessed"),
    "suppression_threshold": (0, 100, "published counts below it are suppressed; 0 takes the project's setting"),
}
TEXTS: dict[str, str] = {
    "financial_year": "a financial year in the data, written YYYY-YY (set with --year)",
    "project": "the project folder (set by the build)",
    "output_dir": "where the build collects tables (set by the build)",
    "csp": "an area by name or ONS code (set with --area)",
    "force": "a police force by name or ONS code (set with --whole-force)",
    "period_end": "a month written YYYY-MM (set with --period-end)",
    "crime_data": "a police.uk store file written by import-police-uk",
}
FLAGS: dict[str, str] = {
    "public": "true for a version for publication, leaving out figures marked OFFICIAL-SENSITIVE (set with --public)",
}
PARAMETERS = {**{k: v[2] for k, v in NUMBERS.items()}, **TEXTS, **FLAGS}


def check_parameter_values(values: Mapping[str, object]) -> None:
    """Refuse (ParameterError) a notebook parameter's value outside its valid range, before anything runs."""
    for name, value in values.items():
        if name in NUMBERS:
            low, high, meaning = NUMBERS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ParameterError(
                    f"parameter {name!r}: got {value!r}; expected a whole number from {low} to {high} "
                    f"({meaning}), e.g. -p {name}={min(max(3, low), high)}"
                )
        elif name in FLAGS and not isinstance(value, bool):
            raise ParameterError(f"parameter {name!r}: got {value!r}; expected true or false ({FLAGS[name]})")
        elif name == "period_end" and value:
            try:
                YearTo.ending(str(value))
            except ValueError as exc:
                raise ParameterError(str(exc)) from None
        elif name == "crime_data" and value and not Path(str(value)).is_file():
            raise ParameterError(
                f"parameter 'crime_data': {value} is not a file; give a police.uk store written by "
                "`safer-analysis import-police-uk`, or leave it out for the project's own"
            )


def check_year(financial_year: object, dataset: Dataset) -> FinancialYear:
    """Parse ``financial_year`` and check the data has it; a clear ParameterError otherwise."""
    if not isinstance(financial_year, (str, FinancialYear)):
        what = (
            "the number"
            if isinstance(financial_year, (int, float)) and not isinstance(financial_year, bool)
            else "the value"
        )
        raise ParameterError(
            f"financial_year: got {what} {financial_year!r}; expected a year written YYYY-YY with a "
            "hyphen, e.g. 2018-19 (with papermill: -p financial_year 2018-19, or -r financial_year 2018-19)"
        )
    try:
        year = FinancialYear.parse(financial_year)
    except ValueError as exc:
        raise ParameterError(f"financial_year: {exc}") from None
    if year.label not in dataset.years:
        raise ParameterError(
            f"financial_year: {year.label} is not in the data (grants.csv in {dataset.root} has "
            f"{', '.join(dataset.years) or 'no years yet'}; add a row for it, or run `safer-analysis new-year`)"
        )
    return year


@dataclass
class ProductContext:
    """What a report notebook works with: the project, the year, the data and the report being built."""

    product: Product | None
    project: Project
    year: FinancialYear
    previous: FinancialYear | None
    dataset: Dataset
    report: Report
    csp: str
    area_codes: tuple[str, ...] = ()
    threshold: int = 5
    area_code: str = ""

    def partnership_counts(self) -> pd.DataFrame | None:
        """The force's counts per partnership, month and crime type (written by ``import-police-uk
        --all-areas``), or None when the project holds none."""
        path = self.project.partnership_counts_file
        if not path.is_file():
            return None
        return pd.read_csv(path, dtype={"csp_code": str, "month": str, "crime_type": str, "count": int})

    def load_crimes(self, crime_data: str = "") -> pd.DataFrame:
        """The area's police.uk rows, from where :meth:`Project.crime_source` says they are (see
        :func:`safer_analysis.inputs.police_uk.load_crimes`)."""
        path, cut = self.project.crime_source(self.csp, crime_data)
        if not cut:
            return police_uk.load_crimes(path)
        own = self.csp.lower() == self.project.settings.area.lower()
        area = areas.resolve(self.project.settings.csp_code or self.csp if own else self.csp)
        return police_uk.load_area(path, self.csp, area.lsoa_codes)

    def source_line(self, year: str | None = None) -> str:
        """'Source: <titles>' for the documents behind a year's allocations."""
        years = [year] if year else [self.year.label]
        docs = self.dataset.allocations.loc[
            self.dataset.allocations["financial_year"].isin(years), "source_document"
        ].unique()
        if len(docs) == 0:
            return "Source: no allocations entered yet."
        titles = self.dataset.sources.set_index("document_id").loc[list(docs), "title"]
        return "Source: " + "; ".join(titles) + "."

    def _titles(self, documents) -> str:
        titles = self.dataset.sources.set_index("document_id")["title"]
        return "; ".join(str(titles.get(d, d)) for d in dict.fromkeys(documents))

    def pcp_basis_note(self, year: str | None = None) -> str | None:
        """Where the year's Police & Crime Plan links are inferred rather than stated, a sentence saying so."""
        year = year or self.year.label
        ids = set(self.dataset.allocations_for(year)["allocation_id"])
        links = self.dataset.allocation_pcp_priorities
        inferred = links[links["allocation_id"].isin(ids) & (links["basis"] == "inferred")]
        if inferred.empty:
            return None
        return (
            f"The source for {year} names no Police & Crime Plan priorities per project: they are inferred "
            f"from the same services in {self._titles(inferred['source_document'])}."
        )

    def source_notes(self) -> list[str]:
        """The documents behind each year's allocations, and what kind of figures each year's are."""
        alloc = self.dataset.allocations
        sources = self.dataset.sources.set_index("document_id")
        notes = []
        for year, lines in alloc.groupby("financial_year"):
            kinds = []
            for doc in dict.fromkeys(lines["source_document"]):
                what = sources.at[doc, "standing"] if doc in sources.index and "standing" in sources else None
                kinds.append(f"{self._titles([doc])}" + (f", {what}" if isinstance(what, str) and what else ""))
            budgets = " It gives services' total budgets." if lines["total_budget"].notna().any() else ""
            notes.append(f"{year}: {'; '.join(kinds)}.{budgets}")
        return notes

    def provenance(self) -> pd.DataFrame:
        """Package version, the project's commit and the time of this run, as a two-column table."""
        items = {
            "package version": __version__,
            "project": self.project.settings.name,
            "project commit": git_commit(self.project.root),
            "run at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        return pd.DataFrame(list(items.items()), columns=["item", "value"])


def open_product(
    name: str,
    financial_year: object = "",
    *,
    project: object = "",
    output_dir: object = "",
    csp: object = "",
    suppression_threshold: object = 0,
) -> ProductContext:
    """Start a report notebook: find the project, validate the parameters and load the data.

    ``financial_year`` empty means the project's default year; ``project`` empty means the
    project around the working folder; ``csp`` empty means the project's own area.
    """
    if name not in PRODUCTS:
        raise ParameterError(f"unknown report {name!r}; expected one of {', '.join(PRODUCTS)}")
    for label, value in (("project", project), ("output_dir", output_dir), ("csp", csp)):
        if not isinstance(value, str):
            raise ParameterError(f"{label}: expected text, got {value!r}")
    proj = resolve_project(project or None)
    dataset = load_dataset(proj.data_dir)
    wanted = financial_year if financial_year not in ("", None) else proj.settings.default_year
    if not wanted:
        raise ParameterError(f"financial_year: none given and {proj.settings_file} sets no [reports] default_year")
    year = check_year(wanted, dataset)
    previous = year.previous() if year.previous().label in dataset.years else None
    check_parameter_values({"suppression_threshold": suppression_threshold})
    own = not csp or csp.lower() == proj.settings.area.lower()
    resolved = None if own else areas.resolve(csp)
    area = proj.settings.area if resolved is None else resolved.label
    codes = proj.settings.local_authority_codes if own else resolved.authority_codes
    code = proj.settings.csp_code if own else resolved.code
    report = Report(name, year.label, area, output_dir or None)
    return ProductContext(
        PRODUCTS[name],
        proj,
        year,
        previous,
        dataset,
        report,
        area,
        tuple(codes),
        suppression_threshold or proj.settings.suppression_threshold,
        code,
    )


def open_exploration(financial_year: object = "", *, project: object = "") -> ProductContext:
    """The same start as a report's, for an analyst exploring: the project, the year and its data;
    nothing is written."""
    ctx = open_product("strategic_assessment", financial_year, project=project)
    ctx.product = None
    return ctx
