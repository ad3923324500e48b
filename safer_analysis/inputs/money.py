"""Amounts of money as the source documents write them: £160,200, £2m, Tbc."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Words the source documents use where an amount is not yet decided, and the status each implies.
PENDING_WORDS = {
    "tbc": "to be confirmed",
    "to be confirmed": "to be confirmed",
    "awaiting confirmation": "awaiting confirmation",
}

_AMOUNT = re.compile(r"^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*([mk])?$", re.IGNORECASE)


class MoneyError(ValueError):
    """Text that is not an amount of money in a recognised form."""


@dataclass(frozen=True)
class Amount:
    """A parsed amount: pounds where known, or the reason it is not known yet."""

    pounds: float | None
    pending: str | None = None  # 'to be confirmed' / 'awaiting confirmation'

    @property
    def known(self) -> bool:
        return self.pounds is not None


def parse_amount(text: object) -> Amount:
    """Read ``£160,200``, ``£2m``, ``25000``, ``Tbc`` or ``Awaiting confirmation``.

    Blank text is an unknown amount with no reason. Negative amounts are refused.

    >>> parse_amount("£2m").pounds
    2000000.0
    >>> parse_amount("Tbc").pending
    'to be confirmed'
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return Amount(None)
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if text < 0:
            raise MoneyError(f"amount {text!r} is negative")
        return Amount(float(text))
    raw = str(text).strip()
    if raw == "":
        return Amount(None)
    word = PENDING_WORDS.get(raw.lower())
    if word:
        return Amount(None, word)
    if raw.startswith("-") or raw.startswith("£-") or raw.startswith("("):
        raise MoneyError(f"amount {raw!r} is negative: amounts must be zero or more")
    match = _AMOUNT.match(raw)
    if not match:
        raise MoneyError(f"{raw!r} is not an amount: expected e.g. £160,200, 160200, £2m, Tbc or Awaiting confirmation")
    whole, pence, suffix = match.groups()
    value = float(whole.replace(",", "") + ("." + pence if pence else ""))
    if suffix:
        value *= 1_000_000 if suffix.lower() == "m" else 1_000
    return Amount(value)


def is_rounded(text: object) -> bool:
    """Whether an amount is written rounded to thousands or millions (``£2m``, ``£75k``), as
    :func:`parse_amount` reads its suffix.

    >>> is_rounded("£2m"), is_rounded("£501,753"), is_rounded(None)
    (True, False, False)
    """
    match = _AMOUNT.match(text.strip()) if isinstance(text, str) else None
    return bool(match and match.group(3))


def parse_pounds(text: object) -> float | None:
    """The number of pounds in ``text``, or None where it is blank or pending."""
    return parse_amount(text).pounds
