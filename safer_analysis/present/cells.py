"""Text cells a spreadsheet shows as text and never runs: what every CSV file and workbook the
tool writes does with a cell of text.

A spreadsheet opening a CSV file reads a cell starting ``=``, ``+``, ``-`` or ``@`` (or a tab, a
carriage return or a line break, which some strip first) as a formula, which can fetch a web
address with the sheet's data in it or, through DDE, start a program. Following OWASP's guidance
on CSV injection, such a text cell is written with a leading apostrophe, and is then shown as the
text it was with the apostrophe before it (``=1+1`` is written ``'=1+1``); leading spaces do not
hide the sign (``" =1+1"`` is written ``"' =1+1"``). The workbook writes the same text, as text.

Numbers are never changed: an ``int`` or ``float`` (a negative one too) is written as the number
it is. A text cell that is a signed number and nothing else (``-5%``, ``+14.7%``, ``-£1,200``,
``+3.5``) is also written as it is: a spreadsheet reads it as that number, never as a formula.
Anything more after the sign (``-5%+1``, ``+1+1``, ``- see note``) is neutralised. A cell
already starting with an apostrophe is left as it is, so neutralising twice changes nothing.

Input files the tool writes for the analyst to fill in (``init``'s, and ``new-year``'s rows
copied within the same file) are the project's own data, read back by the tool: they are
written as given, never neutralised.
"""

from __future__ import annotations

import re

import pandas as pd
from pandas.api.types import is_object_dtype, is_string_dtype

#: The first characters (after any spaces) that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
#: Characters that some spreadsheets strip before reading a formula, so a cell may not start with them.
CONTROL_STARTS = ("\t", "\r", "\n")
#: A number written with a sign, as a spreadsheet reads it: optional £, digits with optional
#: thousands separators, optional decimals, optional %.
SIGNED_NUMBER = re.compile(r"[+-]£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def neutralise(value: object) -> object:
    """``value`` made safe for a spreadsheet cell: text a spreadsheet would run gets a leading
    apostrophe; numbers and anything not text are returned unchanged.

    >>> neutralise('=HYPERLINK("http://evil.example","x")')
    '\\'=HYPERLINK("http://evil.example","x")'
    >>> neutralise(-5), neutralise("-5%"), neutralise("Burglary")
    (-5, '-5%', 'Burglary')
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(CONTROL_STARTS):
        return "'" + value
    text = value.lstrip()
    if not text.startswith(FORMULA_STARTS) or (text == value and SIGNED_NUMBER.fullmatch(value)):
        return value
    return "'" + value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name neutralised; other columns untouched."""
    out = frame.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        kind = series.dtype
        if not (is_object_dtype(kind) or is_string_dtype(kind) or isinstance(kind, pd.CategoricalDtype)):
            continue  # numbers, booleans and dates are written as they are
        out.isetitem(i, series.astype(object).map(neutralise))
    out.columns = [neutralise(c) for c in out.columns]
    return out
