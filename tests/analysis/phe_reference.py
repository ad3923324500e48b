"""The reference workbooks published with PHEindicatormethods, read from ../shared at test time
(never copied into the repository), and how their columns are written."""

from __future__ import annotations

import pandas as pd

from ..conftest import SHARED

REF = SHARED / "reference" / "phe-indicator-methods"
#: The interval functions agree with the reference workbooks to about 1e-14; this leaves room for platform noise.
RTOL = 1e-9
LEVELS = [(0.95, "lower95_0cl", "upper95_0cl"), (0.998, "lower99_8cl", "upper99_8cl")]


def sheet(book: str, name: str) -> pd.DataFrame:
    return pd.read_excel(REF / book, sheet_name=name)


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with both a numerator and a denominator (the others are the reference's missing-value cases)."""
    return frame.dropna(subset=["Numerator", "Denominator"])


def level(text: str) -> float:
    """A confidence written as in the reference ("95%", "99.8%") as a fraction."""
    return float(text.rstrip("%")) / 100
