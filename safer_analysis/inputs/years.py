"""The financial year (April to March), written ``2018-19``, and the twelve months to a given
month, written ``year to Dec 2019``: the two kinds of period an assessment covers; and which of
them the crime figures of a year's pack cover, from the months the crime data hold
(:func:`crime_period`)."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
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
_LONG_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
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

    @property
    def end(self) -> str:
        """The last month, ``YYYY-MM`` (what ``--period-end`` takes)."""
        return f"{self.end_year}-{self.end_month:02d}"

    @property
    def long_label(self) -> str:
        """The months for prose: ``January to December 2025``, ``July 2024 to June 2025``."""
        first = self.months()[0]
        start = _LONG_MONTHS[int(first[5:7]) - 1]
        end = f"{_LONG_MONTHS[self.end_month - 1]} {self.end_year}"
        return f"{start} to {end}" if first[:4] == str(self.end_year) else f"{start} {first[:4]} to {end}"

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


class PeriodNotHeldError(ValueError):
    """A crime period the crime data cannot cover: it ends after the last month held, or holds no
    month held. The message names the months held."""


def month_runs(months: Sequence[str]) -> str:
    """Sorted ``YYYY-MM`` months as runs: ``'2016-01 to 2017-11, 2018-01 to 2019-12'``.

    >>> month_runs(["2025-01", "2025-02", "2025-03", "2025-05"])
    '2025-01 to 2025-03, 2025-05'
    """
    runs: list[list[str]] = []
    for m in months:
        index = int(m[:4]) * 12 + int(m[5:7])
        if runs and int(runs[-1][1][:4]) * 12 + int(runs[-1][1][5:7]) == index - 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    return ", ".join(a if a == b else f"{a} to {b}" for a, b in runs) or "no months"


def crime_period(year: object, held: Sequence[str], period_end: str = "") -> FinancialYear | YearTo:
    """The twelve months the crime figures of ``year``'s pack cover, given the months the crime
    data hold (``YYYY-MM``).

    With ``period_end``, the twelve months ending that month, which must not be after the last
    month held. Otherwise the twelve months ending with the last month held within the financial
    year: the financial year itself when its March is held (a gap inside it is flagged by the
    report, not filled), else ``year to <Mon YYYY>``; for a year after every month held (a new
    project's coming year), the latest twelve months held. A year before or between the months
    held with none of its own is refused, as is a period with no month held:
    :class:`PeriodNotHeldError`, naming the months held.

    >>> crime_period("2018-19", ["2018-04", "2019-03"]).label
    '2018-19'
    >>> crime_period("2025-26", ["2025-01", "2025-12"]).label
    'year to Dec 2025'
    >>> crime_period("2026-27", ["2025-01", "2025-12"]).long_label
    'January to December 2025'
    """
    fy = FinancialYear.parse(year)
    months = sorted(set(held))
    if not months:
        raise PeriodNotHeldError("the crime data hold no month")
    holds = f"the crime data hold {month_runs(months)}"
    if period_end:
        period = YearTo.ending(period_end)
        if period.end > months[-1]:
            raise PeriodNotHeldError(
                f"the period ending {period.end} runs past the last month held, {months[-1]}: {holds}; give a "
                f"--period-end from {months[0]} to {months[-1]}, or import the later months first"
            )
    else:
        in_year = [m for m in months if m in set(fy.months())]
        if in_year:
            last = in_year[-1]
            return fy if last == fy.months()[-1] else YearTo.ending(last)
        if fy.months()[0] > months[-1]:
            return YearTo.ending(months[-1])
        period = fy
    wanted = period.months()
    if not set(wanted) & set(months):
        raise PeriodNotHeldError(
            f"no month of {period.label} ({wanted[0]} to {wanted[-1]}) is held; {holds}: import the police.uk "
            f"months of {period.label} with `safer-analysis import-police-uk ARCHIVE.zip`, or build another year"
        )
    return period


def period_sentence(period: FinancialYear | YearTo, year: object, *, latest: bool) -> str | None:
    """Which months the crime figures cover, and that the money's financial year is separate; None
    when the crime figures cover that financial year itself. ``latest``: the period ends with the
    last month held.

    >>> print(period_sentence(YearTo(2025, 12), "2026-27", latest=True))
    The crime figures cover January to December 2025, the latest twelve months of police.uk data held; \
the money (grant, allocations and spend) is for the financial year 2026-27, April 2026 to March 2027, \
and is reported separately.
    """
    fy = FinancialYear.parse(year)
    if period.months() == fy.months():
        return None
    last = period.months()[-1]
    which = (
        "the latest twelve months of police.uk data held"
        if latest
        else f"the twelve months to {_LONG_MONTHS[int(last[5:7]) - 1]} {last[:4]}"
    )
    return (
        f"The crime figures cover {period.long_label}, {which}; the money (grant, allocations and spend) is for "
        f"the financial year {fy.label}, {fy.long_label}, and is reported separately."
    )
