import datetime as dt

import pytest

from safer_analysis.inputs.years import (
    FinancialYear,
    FinancialYearError,
    PeriodNotHeldError,
    YearTo,
    crime_period,
    period_sentence,
)


@pytest.mark.parametrize("text,start", [("2018-19", 2018), ("2017-18", 2017), ("1999-00", 1999), (" 2019-20 ", 2019)])
def test_parse_accepts_the_april_to_march_form(text, start):
    assert FinancialYear.parse(text).start_year == start


@pytest.mark.parametrize("bad", ["2018-20", "18/19", "2018", "2018/19", "2018-2019", "", "abcd-ef", "2018-18"])
def test_parse_rejects_malformed_years_naming_the_expected_form(bad):
    with pytest.raises(FinancialYearError, match="2018-19"):
        FinancialYear.parse(bad)


@pytest.mark.parametrize("bad", [2018, 2018.19, None])
def test_parse_rejects_non_text(bad):
    with pytest.raises(FinancialYearError):
        FinancialYear.parse(bad)


def test_labels_and_bounds():
    y = FinancialYear.parse("2018-19")
    assert y.label == "2018-19" and str(y) == "2018-19"
    assert y.long_label == "April 2018 to March 2019"
    assert y.start == dt.date(2018, 4, 1) and y.end == dt.date(2019, 3, 31)
    assert y.previous().label == "2017-18" and y.next().label == "2019-20"
    assert y.months()[0] == "2018-04" and y.months()[-1] == "2019-03" and len(y.months()) == 12


def test_century_boundary_label():
    assert FinancialYear(1999).label == "1999-00"


@pytest.mark.parametrize(
    "day,label",
    [(dt.date(2018, 3, 31), "2017-18"), (dt.date(2018, 4, 1), "2018-19"), (dt.date(2019, 1, 15), "2018-19")],
)
def test_containing_splits_at_the_first_of_april(day, label):
    assert FinancialYear.containing(day).label == label
    assert day in FinancialYear.parse(label)


@pytest.mark.parametrize("month,label", [("2018-03", "2017-18"), ("2018-04", "2018-19"), ("2019-03", "2018-19")])
def test_of_month(month, label):
    assert FinancialYear.of_month(month).label == label


@pytest.mark.parametrize("bad", ["2018-13", "2018-4", "April 2018"])
def test_of_month_rejects_bad_months(bad):
    with pytest.raises(FinancialYearError):
        FinancialYear.of_month(bad)


def test_years_sort_in_time_order():
    years = [FinancialYear.parse(t) for t in ["2018-19", "2016-17", "2017-18"]]
    assert [y.label for y in sorted(years)] == ["2016-17", "2017-18", "2018-19"]


# ---- the crime figures' period ----------------------------------------------------------------


def months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, written out independently of the module."""
    out, (y, m) = [], (int(first[:4]), int(first[5:]))
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


#: As the bundled Plymouth store holds them: 2016-01 to 2019-12 without 2017-12, and 2025.
PLYMOUTH = [m for m in months("2016-01", "2019-12") if m != "2017-12"] + months("2025-01", "2025-12")


def test_a_year_whose_march_is_held_is_the_financial_year_itself():
    assert crime_period("2018-19", PLYMOUTH) == FinancialYear(2018)
    assert crime_period("2017-18", PLYMOUTH) == FinancialYear(2017)  # its gap is flagged by the report, not filled


def test_a_year_not_yet_held_to_march_ends_with_its_last_month_held():
    """2025-26 holds April to December 2025: the twelve months to December, not nine months called a year."""
    period = crime_period("2025-26", PLYMOUTH)
    assert period == YearTo(2025, 12) and period.label == "year to Dec 2025"
    assert period.months() == months("2025-01", "2025-12") and period.long_label == "January to December 2025"
    assert crime_period("2019-20", PLYMOUTH).label == "year to Dec 2019"


def test_a_year_after_every_month_held_takes_the_latest_twelve_months():
    """A new project's coming year (init sets the current one) before any of its months is published."""
    assert crime_period("2026-27", PLYMOUTH) == YearTo(2025, 12)
    assert crime_period("2030-31", months("2025-01", "2025-12")).long_label == "January to December 2025"


def test_a_year_between_or_before_the_months_held_with_none_of_its_own_is_refused():
    for year in ("2022-23", "2010-11"):
        with pytest.raises(PeriodNotHeldError) as caught:
            crime_period(year, PLYMOUTH)
        assert "2016-01 to 2017-11, 2018-01 to 2019-12, 2025-01 to 2025-12" in str(caught.value)
    with pytest.raises(PeriodNotHeldError, match="no month"):
        crime_period("2025-26", [])


def test_a_period_end_after_the_last_month_held_is_refused_naming_the_months_held():
    with pytest.raises(PeriodNotHeldError) as caught:
        crime_period("2025-26", months("2025-01", "2025-12"), "2026-03")
    text = str(caught.value)
    assert "2026-03" in text and "2025-01 to 2025-12" in text and "last month held, 2025-12" in text
    with pytest.raises(PeriodNotHeldError, match="no month of year to Jun 2022"):
        crime_period("2018-19", PLYMOUTH, "2022-06")
    assert crime_period("2018-19", PLYMOUTH, "2019-12") == YearTo(2019, 12)
    assert crime_period("2018-19", PLYMOUTH, "2025-12") == YearTo(2025, 12)  # the last month held itself


@pytest.mark.parametrize(
    "end,text",
    [(YearTo(2025, 12), "January to December 2025"), (YearTo(2025, 6), "July 2024 to June 2025")],
)
def test_the_months_of_a_period_in_words(end, text):
    assert end.long_label == text and end.end == f"{end.end_year}-{end.end_month:02d}"


def test_the_period_sentence_says_which_months_and_that_the_money_is_separate():
    assert period_sentence(FinancialYear(2018), "2018-19", latest=False) is None
    assert period_sentence(YearTo(2019, 3), "2018-19", latest=True) is None  # the same twelve months
    text = period_sentence(YearTo(2025, 12), "2026-27", latest=True)
    assert "January to December 2025" in text and "latest twelve months" in text
    assert "financial year 2026-27" in text and "April 2026 to March 2027" in text
    assert "twelve months to June 2019" in period_sentence(YearTo(2019, 6), "2018-19", latest=False)
