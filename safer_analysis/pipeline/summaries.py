"""The summaries a pack's reports recorded (``summaries/<product>.json``): read once here for the
front page and the workbook."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from safer_analysis.reports.registry import PRODUCTS


def read_summary(pack: Path, product: str) -> dict[str, Any]:
    """The summary ``product`` recorded in ``pack``, or its title with no findings where it recorded none."""
    path = Path(pack) / "summaries" / f"{product}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"title": PRODUCTS[product].title, "findings": []}


def report_summaries(pack: Path, products: Iterable[str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Per report of ``products``, in that order: its page name, title, description and summary."""
    return [
        (product, PRODUCTS[product].title, PRODUCTS[product].description, read_summary(pack, product))
        for product in products
    ]
