"""The board pack's products, and how a product notebook starts: check parameters, load data."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import __version__
from .data import Dataset, load_dataset, resolve_data_dir
from .publish import Report
from .years import FinancialYear


@dataclass(frozen=True)
class Product:
    name: str
    title: str
    description: str

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"


#: Every product notebook in the board pack, in the order the index lists them.
PRODUCTS: dict[str, Product] = {
    p.name: p
    for p in [
        Product("strategic_assessment", "Strategic assessment",
                "Levels, trends, places and harm of crime and anti-social behaviour, and the local "
                "priorities ranked by threat, risk and harm."),
        Product("allocation_rationale", "Allocation rationale",
                "Every funded project tied to the local and Police & Crime Plan priorities, spend beside "
                "assessed need, and progress against outcome measures."),
        Product("spend_analysis", "Spend analysis",
                "Allocations against the grant, change since the previous year, the grant's share "
                "of each service's budget and spend by Police & Crime Plan priority."),
    ]
}

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


class ParameterError(ValueError):
    """A notebook or build parameter that is malformed, unknown or absent from the data."""


def check_year(financial_year: object, dataset: Dataset) -> FinancialYear:
    """Parse ``financial_year`` and check the data has it; a clear ParameterError otherwise."""
    try:
        year = FinancialYear.parse(financial_year)
    except ValueError as exc:
        raise ParameterError(f"financial_year: {exc}") from None
    if year.label not in dataset.years:
        raise ParameterError(
            f"financial_year: {year.label} is not in the data (grants.csv in {dataset.root} has "
            f"{', '.join(dataset.years)})"
        )
    try:
        dataset.grant_for(year.label)
    except ValueError as exc:
        raise ParameterError(f"financial_year: {exc}") from None
    return year


@dataclass
class ProductContext:
    """What a product notebook works with: the year, the data and the report being built."""

    product: Product
    year: FinancialYear
    previous: FinancialYear | None
    dataset: Dataset
    report: Report
    csp: str

    def source_line(self, year: str | None = None) -> str:
        """'Source: <titles>' for the documents behind a year's allocations."""
        years = [year] if year else [self.year.label]
        docs = self.dataset.allocations.loc[
            self.dataset.allocations["financial_year"].isin(years), "source_document"
        ].unique()
        titles = self.dataset.sources.set_index("document_id").loc[list(docs), "title"]
        return "Source: " + "; ".join(titles) + "."

    def provenance(self) -> pd.DataFrame:
        """Package version, commit, data folder and time of this run, as a two-column table."""
        items = {
            "package version": __version__,
            "git commit": git_commit(),
            "data folder": str(self.dataset.root),
            "run at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        return pd.DataFrame(list(items.items()), columns=["item", "value"])


def open_product(name: str, financial_year: object, *, data_dir: str | Path | None = None,
                 output_dir: str | Path | None = None, csp: str = "Plymouth") -> ProductContext:
    """Start a product notebook: validate its parameters and load the data it reports on."""
    if name not in PRODUCTS:
        raise ParameterError(f"unknown product {name!r}; expected one of {', '.join(PRODUCTS)}")
    dataset = load_dataset(resolve_data_dir(data_dir))
    year = check_year(financial_year, dataset)
    previous = year.previous() if year.previous().label in dataset.years else None
    report = Report(name, year.label, csp, output_dir)
    return ProductContext(PRODUCTS[name], year, previous, dataset, report, csp)


def git_commit(root: Path | None = None) -> str:
    """The checked-out commit (with '-dirty' when files differ), or 'unknown' outside git."""
    where = root or Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=where, capture_output=True, text=True, check=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")
