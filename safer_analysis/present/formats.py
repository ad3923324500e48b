"""Numbers as the reports print them: £160,200, +£50,200, 45.7%."""

from __future__ import annotations

import math


def format_gbp(value: float | None, *, pence: bool = False, missing: str = "–") -> str:
    """Format pounds for a table: ``£160,200``; negatives as ``−£5,000``; None as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    sign = "−" if value < 0 else ""
    body = f"{abs(value):,.2f}" if pence else f"{abs(value):,.0f}"
    return f"{sign}£{body}"


def format_change_gbp(value: float | None, missing: str = "–") -> str:
    """A change in pounds with an explicit sign: ``+£50,200``, ``−£5,000``, ``no change``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    if round(value) == 0:
        return "no change"
    return ("+" if value > 0 else "") + format_gbp(value)


def format_month(month: str) -> str:
    """A month as a reader says it: ``2018-10`` as ``October 2018``.

    >>> format_month("2018-10")
    'October 2018'
    """
    year, number = month.split("-")
    names = [
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
    ]
    return f"{names[int(number) - 1]} {year}"


def format_date_as_written(text: object) -> str:
    """A document's date in words where it is a month (``2017-01``: 'January 2017'), else as
    written ('2018', 'to be entered'); nothing where there is no text.

    >>> format_date_as_written("2017-01"), format_date_as_written("2018")
    ('January 2017', '2018')
    """
    if isinstance(text, str) and len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return format_month(text)
    return str(text) if isinstance(text, str) else ""


def format_percent(value: float | None, *, signed: bool = False, missing: str = "–") -> str:
    """A percentage to one decimal place: ``45.7%`` (``+12.3%`` with ``signed``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{abs(value):.1f}%"
    if value < 0 and text != "0.0%":
        return "−" + text
    return ("+" if signed and text != "0.0%" else "") + text


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def in_words(n: int) -> str:
    """A count as a reader says it: words up to ten ("three"), figures beyond ("1,234")."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else f"{n:,}"
