"""The financial year (April to March), written ``2018-19``, and the twelve months to a given
month, written ``year to Dec 2019``: the two kinds of period an assessment covers."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import total_ordering

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class FinancialYearError(ValueError):
    """A value that is not a financial year written as ``YYYY-YY``."""


@total_ordering
@dataclass(frozen=True)
class FinancialYear:
    """An April-to-March financial year identified by the calendar year it starts in.

    >>> FinancialYear.parse("2018-19").start
    datetime.date(2018, 4, 1)
    >>> str(FinancialYear(2018).next())
    '2019-20'
    """

    start_year: int

    def __post_init__(self) -> None:
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool):
            raise FinancialYearError(f"start_year must be an int, got {self.start_year!r}")
        if not 1900 <= self.start_year <= 2998:
            raise FinancialYearError(f"start year {self.start_year} is out of range 1900-2998")

    @classmethod
    def parse(cls, value: object) -> FinancialYear:
        """Read ``'2018-19'`` (or a FinancialYear); reject anything else with a clear message."""
        if isinstance(value, FinancialYear):
            return value
        if not isinstance(value, str):
            raise FinancialYearError(
                f"a financial year must be text like '2018-19', got {type(value).__name__} "
                f"{value!r} (with papermill: -p financial_year 2018-19, or -r financial_year 2018-19 "
                "to pass it as text)"
            )
        text = value.strip()
        match = _PATTERN.match(text)
        if not match:
            raise FinancialYearError(f"{value!r} is not a financial year: expected the form YYYY-YY, e.g. '2018-19'")
        start, end = int(match.group(1)), int(match.group(2))
        if (start + 1) % 100 != end:
            raise FinancialYearError(
                f"{value!r} is not a financial year: {match.group(2)} does not follow "
                f"{start} (expected '{start}-{(start + 1) % 100:02d}')"
            )
        return cls(start)

    @classmethod
    def containing(cls, day: _dt.date) -> FinancialYear:
        """The financial year a date (or the first of a month) falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def of_month(cls, month: str) -> FinancialYear:
        """The financial year of a police.uk month such as ``'2019-01'``."""
        match = re.match(r"^(\d{4})-(\d{2})$", str(month).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise FinancialYearError(f"{month!r} is not a month of the form YYYY-MM")
        return cls.containing(_dt.date(int(match.group(1)), int(match.group(2)), 1))

    @property
    def label(self) -> str:
        """The short label, ``2018-19``."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def long_label(self) -> str:
        """The label for prose, ``April 2018 to March 2019``."""
        return f"April {self.start_year} to March {self.start_year + 1}"

    @property
    def start(self) -> _dt.date:
        return _dt.date(self.start_year, 4, 1)

    @property
    def end(self) -> _dt.date:
        return _dt.date(self.start_year + 1, 3, 31)

    def months(self) -> list[str]:
        """The twelve months as ``YYYY-MM``, April first."""
        return [f"{self.start_year + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def shift(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    @property
    def mid_year(self) -> int:
        """The ONS mid-year (30 June) nearest the middle of the year: its start year."""
        return self.start_year

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, _dt.date) and self.start <= day <= self.end

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, FinancialYear):
            return NotImplemented
        return self.start_year < other.start_year

    def __str__(self) -> str:
        return self.label


def parse_year(value: object) -> FinancialYear:
    """Shorthand for :meth:`FinancialYear.parse`."""
    return FinancialYear.parse(value)


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_YEAR_TO = re.compile(r"^year to (\w{3}) (\d{4})$")


@dataclass(frozen=True)
class YearTo:
    """The twelve months ending with a month: ``YearTo.ending("2019-12").label == "year to Dec 2019"``.

    >>> YearTo.ending("2019-12").months()[0]
    '2019-01'
    """

    end_year: int
    end_month: int

    @classmethod
    def ending(cls, month: str) -> YearTo:
        """The twelve months ending with ``month`` (``YYYY-MM``)."""
        match = re.match(r"^(\d{4})-(\d{2})$", str(month).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise FinancialYearError(f"period_end: expected a month written YYYY-MM, e.g. 2019-12; got {month!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self) -> str:
        return f"year to {_MONTH_NAMES[self.end_month - 1]} {self.end_year}"

    def months(self) -> list[str]:
        index = self.end_year * 12 + self.end_month - 1
        return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - 11, index + 1)]

    def shift(self, years: int) -> YearTo:
        return YearTo(self.end_year + years, self.end_month)

    @property
    def mid_year(self) -> int:
        """The ONS mid-year nearest the middle of the twelve months."""
        index = self.end_year * 12 + self.end_month - 1 - 6
        return index // 12

    def __str__(self) -> str:
        return self.label


def parse_period(label: object) -> FinancialYear | YearTo:
    """A period from its label: ``2018-19`` or ``year to Dec 2019``."""
    match = _YEAR_TO.match(str(label).strip())
    if match and match.group(1) in _MONTH_NAMES:
        return YearTo(int(match.group(2)), _MONTH_NAMES.index(match.group(1)) + 1)
    return FinancialYear.parse(label)
