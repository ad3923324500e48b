"""``check``'s lines on the board paper's decisions: each year's decisions by the names
``data/decisions.csv`` gives them, and what the paper's author has said of them."""

from __future__ import annotations

from safer_analysis.inputs.project import Project


def _check_decisions(project: Project, dataset) -> list[str]:
    """Lines for ``check``: each year's decisions with their keys and how many the author recommends
    an option for; or an error where a row of decisions.csv names a decision or an option the
    year's paper does not have."""
    from safer_analysis.inputs import validation as v
    from safer_analysis.inputs.datasets import FILES
    from safer_analysis.reports.board_paper.decisions import FIGURES_KEY, author_problems, recommendations

    problems = []
    lines = []
    for year in dataset.years:
        decisions = recommendations(dataset, year)
        problems += author_problems(dataset, year, decisions)
        keys = [d.key for d in decisions if d.key] + [f"{FIGURES_KEY} (put where partners' figures are missing)"]
        rows = dataset.decisions[dataset.decisions["financial_year"] == year]
        chosen = int(rows["preferred_option"].notna().sum())
        lines.append(f"  {year}: {'; '.join(keys)}. Options recommended: {chosen}.")
    v.require(problems)
    return [f"The board paper's decisions, by the names {FILES['decisions']} gives them:", *lines]
