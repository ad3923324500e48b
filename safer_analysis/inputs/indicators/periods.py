"""The periods partners' indicators come in, as written by their publishers: a calendar year
(``2018``), a financial year (``2018/19`` as OHID Fingertips writes it, or ``2018-19``), several years
pooled (``2016 - 18``, or financial years ``2018/19 - 20/21``), a month (``2019-03``) or a quarter
(``2018/19 Q2``, ``2019 Q1``). A month that reads as a financial year (``2011-12``) is the financial year.

>>> period_label("2018/19"), period_start("2018/19"), period_kind("2018/19")
('2018/19', 2018.25, 'financial year')
>>> period_kind("2016 - 18"), period_start("2016 - 18")
('years pooled', 2016.0)
"""

from __future__ import annotations

import re

from safer_analysis.inputs.validation import CellError

_YEAR = re.compile(r"(\d{4})")
_FINANCIAL = re.compile(r"(\d{4})\s*[/-]\s*(\d{2})")
_POOLED = re.compile(r"(\d{4})\s+-\s+(\d{2}|\d{4})")
_POOLED_FINANCIAL = re.compile(r"(\d{4})/(\d{2})\s+-\s+(\d{2})/(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})(?:\s*/\s*(\d{2}))?\s+Q([1-4])")

EXPECTED = "expected a period such as 2018, 2018/19, 2016 - 18, 2018/19 - 20/21, 2019-03 or 2018/19 Q2"


def _parts(text: str) -> tuple[str, float, str]:
    """(label, decimal year the period starts, kind), or a CellError saying what was expected: a
    period from 1900 to 2100."""
    label, start, kind = _read(text)
    if not 1900 <= start <= 2100:
        raise CellError(f"{EXPECTED}; found {text!r} (a year from 1900 to 2100)")
    return label, start, kind


def _read(text: str) -> tuple[str, float, str]:
    value = " ".join(str(text).split())
    if m := _YEAR.fullmatch(value):
        return value, float(m[1]), "year"
    if m := _POOLED.fullmatch(value):
        first, last = int(m[1]), int(m[2]) if len(m[2]) == 4 else int(m[1][:2] + m[2])
        if last <= first:
            raise CellError(f"{EXPECTED}; found {text!r} (the years pooled must run forwards)")
        return f"{m[1]} - {m[2]}", float(first), "years pooled"
    if m := _POOLED_FINANCIAL.fullmatch(value):
        first, last = int(m[1]), int(m[1][:2] + m[3])
        if last <= first or int(m[2]) != (first + 1) % 100 or int(m[4]) != (last + 1) % 100:
            raise CellError(f"{EXPECTED}; found {text!r} (financial years pooled run forwards: 2018/19 - 20/21)")
        return f"{m[1]}/{m[2]} - {m[3]}/{m[4]}", first + 0.25, "financial years pooled"
    if (m := _MONTH.fullmatch(value)) and int(m[2]) != (int(m[1]) + 1) % 100:
        if not 1 <= int(m[2]) <= 12:
            raise CellError(f"{EXPECTED}; found {text!r}")
        return value, int(m[1]) + (int(m[2]) - 1) / 12, "month"
    if m := _FINANCIAL.fullmatch(value):
        if int(m[2]) != (int(m[1]) + 1) % 100:
            raise CellError(f"{EXPECTED}; found {text!r} (a financial year runs into the next year: 2018/19)")
        return f"{m[1]}/{m[2]}", int(m[1]) + 0.25, "financial year"
    if m := _QUARTER.fullmatch(value):
        if m[2] is not None:  # a financial year's quarter: Q1 is April to June
            if int(m[2]) != (int(m[1]) + 1) % 100:
                raise CellError(f"{EXPECTED}; found {text!r}")
            return f"{m[1]}/{m[2]} Q{m[3]}", int(m[1]) + 0.25 * int(m[3]), "financial quarter"
        return f"{m[1]} Q{m[3]}", int(m[1]) + 0.25 * (int(m[3]) - 1), "quarter"
    raise CellError(f"{EXPECTED}; found {text!r}")


def period_label(text: str) -> str:
    """A period as it is kept: spaces tidied, ``2018-19`` written ``2018/19`` (a CellError if it is no period)."""
    return _parts(text)[0]


def period_start(label: str) -> float:
    """When a period starts, as a decimal year (for ordering and for trends)."""
    return _parts(label)[1]


def period_kind(label: str) -> str:
    """Which kind of period: year, financial year, years pooled, financial years pooled, month, quarter or
    financial quarter."""
    return _parts(label)[2]
