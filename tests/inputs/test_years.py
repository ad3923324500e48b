import datetime as dt

import pytest

from safer_analysis.inputs.years import FinancialYear, FinancialYearError


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
