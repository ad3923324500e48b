import math

import pytest

from safer_analysis.inputs.money import MoneyError, parse_amount
from safer_analysis.present.formats import format_change_gbp, format_gbp, format_percent


@pytest.mark.parametrize(
    "text,pounds",
    [
        ("£160,200", 160_200),
        ("£400,568", 400_568),
        ("25000", 25_000),
        ("£2m", 2_000_000),
        ("£2.5m", 2_500_000),
        ("£75k", 75_000),
        ("£5,868", 5_868),
        ("£0", 0),
        ("£12.50", 12.5),
        (98500, 98_500),
    ],
)
def test_parses_amounts_as_written_in_the_seeds(text, pounds):
    amount = parse_amount(text)
    assert amount.known and amount.pounds == pounds and amount.pending is None


@pytest.mark.parametrize(
    "text,pending",
    [("Tbc", "to be confirmed"), ("TBC", "to be confirmed"), ("Awaiting confirmation", "awaiting confirmation")],
)
def test_pending_words_are_unknown_amounts_with_a_reason(text, pending):
    amount = parse_amount(text)
    assert not amount.known and amount.pending == pending


@pytest.mark.parametrize("blank", ["", "  ", None, math.nan])
def test_blank_is_unknown_without_a_reason(blank):
    assert parse_amount(blank).pounds is None and parse_amount(blank).pending is None


@pytest.mark.parametrize("bad", ["-£5,000", "£-5", "(5,000)", -1])
def test_negative_amounts_are_refused(bad):
    with pytest.raises(MoneyError, match="negative"):
        parse_amount(bad)


@pytest.mark.parametrize("bad", ["£1,00", "about £5k", "five pounds", "£1,000,00", "1.234"])
def test_unparseable_amounts_say_what_was_expected(bad):
    with pytest.raises(MoneyError, match="expected e.g. £160,200"):
        parse_amount(bad)


def test_format_gbp():
    assert format_gbp(400568) == "£400,568"
    assert format_gbp(-5000) == "−£5,000"
    assert format_gbp(12.5, pence=True) == "£12.50"
    assert format_gbp(None) == "–" and format_gbp(math.nan) == "–"


def test_format_change_marks_direction_in_signs_and_words():
    assert format_change_gbp(50_200) == "+£50,200"
    assert format_change_gbp(-1_000) == "−£1,000"
    assert format_change_gbp(0.2) == "no change"


def test_format_percent_one_decimal_place():
    assert format_percent(45.6363) == "45.6%"
    assert format_percent(-2.04, signed=True) == "−2.0%"
    assert format_percent(71.5, signed=True) == "+71.5%"
    assert format_percent(0.01, signed=True) == "0.0%"
