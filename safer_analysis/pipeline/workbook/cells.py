"""The cells of the workbook: text written as text, published tables made ready for a
spreadsheet reader (codes dropped, headings in words, amounts as numbers beside the documents'
wording).

Text is text: every text cell, title and line of the cover is neutralised as the CSV files are
(:mod:`safer_analysis.present.cells`) and written as a string, never a formula or a link. gptables
reads markup in plain strings (``[text](address)`` becomes a link, two links in one cell or an
address it cannot parse stop the build, ``$$name$$`` becomes a note reference) and refuses a cell
of symbols alone, so text is handed to it as rich text (its ``FormatList``), which it writes as
it is, split between any two dollar signs. The only links are the Contents sheet's, to the
workbook's own sheets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from safer_analysis.inputs.money import PENDING_WORDS, MoneyError, is_rounded, parse_amount
from safer_analysis.present.cells import neutralise
from safer_analysis.present.formats import format_month

#: The Notes sheet: what the markers mean and how the figures are counted.
NOTES = [
    (
        "[note 1]",
        "[c] marks a count from 1 to one below the suppression threshold (5 by default), "
        "suppressed to protect confidentiality, with any other cell that would reveal it.",
    ),
    ("[note 2]", "Amounts are pounds sterling in cash terms for the financial year (April to March)."),
    (
        "[note 3]",
        "An amount is a number only where a document gives it to the pound. Where a document gives a rounded "
        "figure (such as £2m) or words (such as Tbc), the amount is marked [x] and the column after it gives "
        "the document's wording.",
    ),
    (
        "[note 4]",
        "Crime counts are the police.uk street-level crimes placed in the area: crimes without a location cannot be "
        "placed, so counts are slightly below the force's own. A year with a month police.uk does not publish is "
        "counted on the months held; its heading says how many.",
    ),
    (
        "[note 5]",
        "Where a report rests on synthetic or illustrative inputs, its HTML page carries a banner; "
        "the same caveat applies to its tables here.",
    ),
]


#: Options for xlsxwriter: a string is written as a string, never read as a formula or a link.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
#: The markers a table's cells use ([x], [c]), written as they are so numeric columns stay right-aligned.
MARKER = re.compile(r"\[[a-z]\]")
#: Between two dollar signs in a column heading, which cannot be rich text: gptables refuses a
#: heading holding ``$$`` (its note marker), and the word joiner shows nothing.
WORD_JOINER = "\u2060"


def _pieces(text: str) -> list:
    """``text`` neutralised, as gptables rich text (format, piece, ...) that it writes as it is:
    split between two dollar signs, so no piece holds ``$$``, and never parsed for links.

    >>> _pieces("Costs $$x$$")
    [{}, 'Costs $', {}, '$x$', {}, '$']
    """
    parts = re.split(r"(?<=\$)(?=\$)", str(neutralise(text)))
    return [x for part in parts for x in ({}, part)]


def _rich(text: str):
    """``text`` as a gptables ``FormatList``: written as the text it is, in a cell or on the cover."""
    from gptables.core.gptable import FormatList

    return FormatList(_pieces(text))


def _cell(value: object) -> object:
    """A table cell as the workbook writes it: text (other than a marker) as rich text, so it
    is written as it is; numbers unchanged."""
    if isinstance(value, str) and not MARKER.fullmatch(value):
        return _rich(value)
    return value


def _heading(text: str) -> str:
    """A column heading neutralised, with a word joiner between any two dollar signs."""
    return re.sub(r"(?<=\$)(?=\$)", WORD_JOINER, str(neutralise(text)))


#: Excel number formats for the report's column formats; percentages are 0 to 100 in every table.
NUMBER_FORMATS = {
    "gbp": "£#,##0",
    "change_gbp": "+£#,##0;-£#,##0;£0",
    "count": "#,##0",
    "rate": "#,##0.0",
    "number": "#,##0.00",
    "pct": "0.0",
    "signed_pct": "+0.0;-0.0;0.0",
    "p": "0.000",
}


#: Columns of codes and citations that are dropped from the spreadsheet (they stay in the CSV files).
CODE_COLUMNS = {"line", "source_document", "source_section", "financial_year", "current_year", "previous_year"}


def header_in_words(column: str, headers: dict[str, str], formats: dict[str, str]) -> str:
    """A column's heading as the page shows it, with '(%)' where its numbers are percentages; a
    column the page did not show gets its name in words.

    >>> header_in_words("annual_change_pct", {}, {"annual_change_pct": "signed_pct"})
    'Annual change (%)'
    """
    text = headers.get(column) or column.replace("_pct", "").replace("_", " ").strip().capitalize()
    if formats.get(column) in ("pct", "signed_pct") and "%" not in text:
        text += " (%)"
    return text


def collect_tables(pack: Path) -> list[dict]:
    """Every table a pack's reports published, in report order, from ``summaries/*__tables.json``."""
    entries = []
    for index in sorted((pack / "summaries").glob("*__tables.json")):
        meta = json.loads(index.read_text(encoding="utf-8"))
        for t in meta["tables"]:
            if t["name"] == "provenance":
                continue
            entries.append({**t, "product": meta["product"]})
    return entries


#: A number a CSV file holds as text because a marker shares its column (``[c]``, ``[x]``).
PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
#: How a column of the documents' wording of amounts is headed.
AS_WORDED = ", as the document words it"
#: Words a heading may already use for the documents' wording: the numbers' heading leaves them out.
WORDED = re.compile(r",? as (?:the document|the documents|written)\b.*$", re.IGNORECASE)


def numbers_from_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the numbers of a column that also holds markers as numbers: a CSV file
    read back gives such a column as text (``"12"`` beside ``"[c]"``).

    >>> numbers_from_text(pd.DataFrame({"n": ["12", "[c]", "3.5"]}))["n"].tolist()
    [12, '[c]', 3.5]
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column].dropna()
        if values.empty or not values.map(lambda v: isinstance(v, str)).all():
            continue
        numbers = values[values.map(lambda v: bool(PLAIN_NUMBER.fullmatch(v.strip())))]
        if numbers.empty or not values.drop(numbers.index).map(lambda v: bool(MARKER.fullmatch(v))).all():
            continue
        out[column] = out[column].astype(object)
        for i, v in numbers.items():
            number = float(v)
            out.at[i, column] = int(number) if number.is_integer() and "." not in v else number
    return out


def _is_money_wording(value: object) -> bool:
    """Whether ``value`` is an amount as a document words it (``£2m``, ``£160,200``, ``Tbc``)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not (text.startswith("£") or text.lower() in PENDING_WORDS):
        return False
    try:
        parse_amount(text)
    except MoneyError:
        return False
    return True


def exact_pounds(text: object) -> float | None:
    """The amount a document's wording gives exactly, or None where it gives a rounded figure,
    a word or nothing: ``£2m`` is not 2,000,000 to the pound.

    >>> exact_pounds("£501,753"), exact_pounds("£2m"), exact_pounds("Tbc")
    (501753.0, None, None)
    """
    if not _is_money_wording(text) or is_rounded(text):
        return None
    return parse_amount(text).pounds


def amounts_as_numbers(
    frame: pd.DataFrame, headers: dict[str, str], formats: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, str], dict[str, str], set[str]]:
    """Each column of amounts as the documents word them (``£2m``, ``Tbc``) as a column of
    numbers in pounds, with the wording in the column after it; and what there was:
    ``"worded"`` where any such column holds a value, ``"rounded"`` where any is rounded.

    A number is shown only where the wording gives it exactly: a rounded figure (``£2m``) or a
    word (``Tbc``) leaves the number blank, and the wording beside it says what the document
    says. Where the table already holds the numbers (``amount`` beside ``amount_text``), those
    are kept, blanked where the wording is rounded."""
    frame, headers, formats = frame.copy(), dict(headers), dict(formats)
    found: set[str] = set()
    for column in list(frame.columns):
        values = frame[column].dropna()
        base = column.removesuffix("_text")
        paired = base != column and base in frame.columns
        if not values.map(_is_money_wording).all():
            continue
        if not paired and not values.map(lambda v: v.strip().startswith("£")).any():
            continue
        number = base if base != column else f"{column}_pounds"
        rounded = frame[column].map(lambda v: isinstance(v, str) and is_rounded(v))
        found |= ({"worded"} if not values.empty else set()) | ({"rounded"} if rounded.any() else set())
        if number in frame.columns:
            frame[number] = frame[number].astype(object).where(~rounded, None)
        else:
            frame.insert(frame.columns.get_loc(column), number, frame[column].map(exact_pounds))
            if column in headers:
                headers[number] = WORDED.sub("", headers[column]).strip() or header_in_words(base, {}, {})
        formats.setdefault(number, "gbp")
        wording = frame.pop(column)
        frame.insert(frame.columns.get_loc(number) + 1, column, wording)
        headers[column] = header_in_words(number, headers, formats) + AS_WORDED
    return frame, headers, formats, found


def table_frame(
    frame: pd.DataFrame, headers: dict[str, str], formats: dict[str, str]
) -> tuple[pd.DataFrame, list, str]:
    """A published table as its sheet shows it: codes dropped, amounts as numbers beside the
    documents' wording, yes and no in words, months in words, empty cells marked ``[x]``,
    headings in words; with gptables' number formats for its columns, and what its instructions
    say of amounts as a document words them (nothing where it holds none)."""
    formats = dict(formats)
    frame = numbers_from_text(frame)
    frame.columns = [str(c) for c in frame.columns]
    # codes that link the input files mean nothing to a reader of the spreadsheet (the CSV keeps them)
    codes = [c for c in frame.columns if c.endswith(("_key", "_id")) or c in CODE_COLUMNS]
    frame = frame.drop(columns=[c for c in codes if c not in headers])
    frame, headers, formats, found = amounts_as_numbers(frame, headers, formats)
    # numbers stay numbers; an empty cell is marked [x] as the guidance asks
    frame = frame.astype(object).where(frame.notna(), "[x]")
    if frame.empty:
        frame = pd.DataFrame({"Note": ["This table has no rows for the year."]})
    for c in frame.columns:
        values = frame[c][frame[c] != "[x]"]
        if len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all():
            frame[c] = frame[c].map(lambda v: v if isinstance(v, str) else ("Yes" if v else "No"))
        elif formats.get(c) == "month":
            frame[c] = frame[c].map(lambda v: format_month(v) if isinstance(v, str) and MONTH.fullmatch(v) else v)
        elif c not in formats and len(values) and values.map(lambda v: isinstance(v, float)).all():
            formats[c] = "number"
    columns = {c: header_in_words(c, headers, formats) for c in frame.columns}
    seen: dict[str, int] = {}
    for c, h in columns.items():  # two columns may not share a heading
        seen[h] = seen.get(h, 0) + 1
        if seen[h] > 1:
            columns[c] = f"{h} ({seen[h]})"
    columns = {c: _heading(h) for c, h in columns.items()}
    formatting = [
        {"column": {"columns": [columns[c]], "format": {"num_format": NUMBER_FORMATS[f]}}}
        for c, f in formats.items()
        if c in columns and f in NUMBER_FORMATS
    ]
    said = "".join(AMOUNT_INSTRUCTIONS[k] for k in ("worded", "rounded") if k in found)
    return frame.rename(columns=columns).map(_cell), formatting, said


#: What a sheet's instructions say where its amounts come as the documents word them, and where
#: one of them is rounded.
AMOUNT_INSTRUCTIONS = {
    "worded": " An amount a document gives only rounded (such as £2m) or in words (such as Tbc) is marked [x];"
    " the column after it gives the document's wording.",
    "rounded": " A figure worked out from a rounded amount, such as a share of it, is approximate.",
}
#: A month as the CSV files hold it.
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
