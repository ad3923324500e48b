"""Checks on the links between plan lines and priorities: where a document states a link it is
cited, and a line its document splits between priorities gives every part, adding up to the line."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from safer_analysis.inputs.validation import Problem

LINK_FILES = ("allocation_pcp_priorities", "allocation_local_priorities")


def problems(path: Callable[[str], str], tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every problem with the links files, each naming file, row and column (``path(name)`` gives a
    table's file)."""
    out = _citations(path("allocation_local_priorities"), tables["allocation_local_priorities"])
    for name in LINK_FILES:
        out += _splits(path(name), tables[name], tables["allocations"])
    return out


def _citations(name: str, links: pd.DataFrame) -> list[Problem]:
    """Once the file cites any link, every link the document states is cited, each with its place."""
    out = []
    cited = links["source_document"].notna().any()
    for row, link in links.iterrows():
        if not pd.isna(link["source_document"]) and pd.isna(link["source_section"]):
            out.append(Problem(name, row, "source_section", "expected its place"))
        elif cited and link["basis"] == "stated" and pd.isna(link["source_document"]):
            what = "a link the document states: expected the document (see sources.csv) and where it says so"
            out.append(Problem(name, row, "source_document", what))
    return out


def _splits(name: str, links: pd.DataFrame, allocations: pd.DataFrame) -> list[Problem]:
    """A line whose document splits it gives a part (``document_amount``) on every one of its links,
    and the parts add up to the line's amount."""
    if "document_amount" not in links:
        return []
    amounts = allocations.set_index("allocation_id")["amount"]
    out = []
    for line, group in links.groupby("allocation_id"):
        given = group["document_amount"].notna()
        if not given.any():
            continue
        whole = amounts.get(line)
        if not given.all():
            out.append(Problem(name, group.index[~given][0], "document_amount", "expected a part on every link"))
        elif whole is None or pd.isna(whole) or abs(float(group["document_amount"].sum()) - whole) > 0.005:
            total = float(group["document_amount"].sum())
            out.append(
                Problem(
                    name,
                    group.index[0],
                    "document_amount",
                    f"the parts add up to £{total:,.0f}; expected the line's amount"
                    + ("" if whole is None or pd.isna(whole) else f" (£{whole:,.0f})"),
                )
            )
    return out
