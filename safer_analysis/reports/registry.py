"""The reports of the board pack. To add a report: a module in ``reports/``, a notebook in
``safer_analysis/templates/notebooks/`` and one line here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """One report of the board pack: its notebook, title and a line saying what it answers."""

    name: str
    title: str
    description: str
    needs_allocations: bool = False  # with no allocations entered for the year, a page says what to enter

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"


#: Every report in the board pack, in the order the index lists them.
PRODUCTS: dict[str, Product] = {
    p.name: p
    for p in [
        Product(
            "strategic_assessment",
            "Strategic assessment",
            "Levels, trends, places and harm of crime and anti-social behaviour, and the local "
            "priorities ranked by threat, risk and harm.",
        ),
        Product(
            "allocation_rationale",
            "Allocation rationale",
            "Every funded project tied to the local and Police & Crime Plan priorities, spend beside "
            "assessed need, and progress against outcome measures.",
            needs_allocations=True,
        ),
        Product(
            "spend_analysis",
            "Spend analysis",
            "Allocations against the grant, change since the previous year, the grant's share "
            "of each service's budget and spend by Police & Crime Plan priority.",
            needs_allocations=True,
        ),
    ]
}
