"""Each partnership of a force on its own, where there are too few for a funnel: counts, rates on
each partnership's own population, the change on the year before, and ONS's figures as context,
checked against counts made here and ONS's Table C4 read without the package."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.inputs import areas
from safer_analysis.reports import force_rates as fr
from safer_analysis.reports.strategic_assessment.model import peer_comparison

from ..inputs.test_population import C4, c4_populations

DEVON = "E23000035"
YORKSHIRE = "E23000009"
EXETER, PLYMOUTH, TORBAY = "E22000049", "E22000056", "E22000060"


def counts_for(codes: list[str], months: list[str], per_month: dict[str, int]) -> pd.DataFrame:
    """Counts per partnership as import-police-uk --all-areas writes them: a crime type and ASB."""
    rows = []
    for code in codes:
        for month in months:
            rows.append((code, month, "Burglary", per_month[code]))
            rows.append((code, month, "Anti-social behaviour", 1000))  # never counted as crime
    return pd.DataFrame(rows, columns=["csp_code", "month", "crime_type", "count"])


MONTHS_2023_2024 = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]


def test_fewer_than_three_partnerships_held_give_no_funnel_and_none_counted_as_zero():
    every = counts_for(
        list(areas.partnerships(DEVON)["csp_code"]),
        MONTHS_2023_2024,
        dict.fromkeys(areas.partnerships(DEVON)["csp_code"], 50),
    )
    assert len(peer_comparison(every, DEVON, "", "year to Dec 2024")) == 8
    two = every[every["csp_code"].isin([EXETER, PLYMOUTH])]
    assert peer_comparison(two, DEVON, "", "year to Dec 2024") is None
    three = every[every["csp_code"].isin([EXETER, PLYMOUTH, TORBAY])]
    funnel = peer_comparison(three, DEVON, "", "year to Dec 2024")
    assert sorted(funnel["csp_code"]) == [EXETER, PLYMOUTH, TORBAY]  # not five more with no crime
    assert (funnel["count"] == 12 * 50).all()


def test_each_partnership_counted_on_its_own_people_with_the_change_on_the_year_before():
    per_month = {EXETER: 100, PLYMOUTH: 200}
    counts = counts_for([EXETER, PLYMOUTH], MONTHS_2023_2024, per_month)
    # the year before has 10% fewer in Plymouth: take a tenth of each month of 2023 away
    before = (
        counts["month"].str.startswith("2023")
        & (counts["csp_code"] == PLYMOUTH)
        & (counts["crime_type"] != "Anti-social behaviour")
    )
    counts.loc[before, "count"] = 180
    t = fr.partnership_rates(counts, DEVON, "year to Dec 2024")
    assert list(t["csp_code"]) == [PLYMOUTH, EXETER] or list(t["csp_code"]) == [EXETER, PLYMOUTH]
    assert t.attrs["not_held"] == [n for n in areas.partnerships(DEVON)["csp_name"] if n not in t.index]
    for code, n in per_month.items():
        row = t[t["csp_code"] == code].iloc[0]
        assert row["count"] == 12 * n
        estimate = t.attrs["populations"][code]
        assert row["population"] == estimate.population and estimate.mid_year in (2022, 2024)
        assert row["rate"] == pytest.approx(12 * n / row["population"] * 1000)
    plymouth = t[t["csp_code"] == PLYMOUTH].iloc[0]
    assert plymouth["count_before"] == 12 * 180 and plymouth["change"] == pytest.approx(200 / 180 - 1)
    assert t[t["csp_code"] == EXETER].iloc[0]["change"] == 0
    words = fr.rate_sentences(t, "year to Dec 2024")
    assert (
        f"Plymouth: 2,400 crimes in the year to Dec 2024, {plymouth['rate']:.1f} per 1,000 residents; "
        "up 11% on the 2,160 of the year to Dec 2023." in words
    )
    why = fr.why_no_funnel(t, "Devon & Cornwall")
    assert why.startswith(
        "The police.uk counts per partnership hold two of Devon & Cornwall's eight partnerships (none for "
    )
    assert "Torbay" in why and "too few for a chart of limits" in why


def test_one_partnership_force_and_a_year_before_not_held():
    london = areas.partnerships("E23000034")
    assert len(london) == 1
    counts = counts_for(list(london["csp_code"]), MONTHS_2023_2024[12:], {london["csp_code"].iloc[0]: 500})
    t = fr.partnership_rates(counts, "E23000034", "year to Dec 2024")
    assert len(t) == 1 and t["count"].iloc[0] == 6000 and pd.isna(t["change"].iloc[0])
    assert fr.why_no_funnel(t, "London, City of").startswith("London, City of has one partnership: too few")
    words = fr.rate_sentences(t, "year to Dec 2024")
    assert "No change on the year to Dec 2023 is given: the crime data hold none of its months." in words


def test_a_month_missing_is_said_and_not_scaled_up():
    counts = counts_for([EXETER], [m for m in MONTHS_2023_2024 if m != "2024-06"], {EXETER: 100})
    t = fr.partnership_rates(counts, DEVON, "year to Dec 2024")
    assert t["count"].iloc[0] == 1100 and pd.isna(t["change"].iloc[0])  # 11 months against 12 is no change
    words = fr.rate_sentences(t, "year to Dec 2024")
    assert "this period is not a whole year of data" in " ".join(words) and "down" not in " ".join(words)
    assert any(
        "cover 11 of the 12 months, not scaled up to a year: the crime data hold none for June 2024" in w for w in words
    )


def test_counts_with_no_month_of_the_period_say_so():
    counts = counts_for([EXETER, PLYMOUTH], MONTHS_2023_2024[:12], {EXETER: 1, PLYMOUTH: 1})
    t = fr.partnership_rates(counts, DEVON, "year to Dec 2024")
    assert "hold no month of this period" in fr.why_no_funnel(t, "Devon & Cornwall")
    assert fr.rate_sentences(t, "year to Dec 2024") == []


@pytest.mark.shared
def test_populations_of_north_yorkshire_are_table_c4s():
    counts = counts_for(["E22000371", "E22000372"], MONTHS_2023_2024, {"E22000371": 1, "E22000372": 1})
    t = fr.partnership_rates(counts, YORKSHIRE, "year to Dec 2024").set_index("csp_code")
    c4 = c4_populations()
    assert t.loc["E22000371", "population"] == c4["E22000371"] == 204_600
    assert t.loc["E22000372", "population"] == c4["E22000372"]


@pytest.mark.shared
@pytest.mark.parametrize("period", ["year to Dec 2024", "year to Dec 2025", "2025-26"])
def test_national_figures_are_onss_own_for_the_period_or_the_latest_before(period):
    """Rates from Table C4 read cell by cell: York, North Yorkshire and the force, year ending
    December 2024 (the period itself, or the latest held before a later one)."""
    import openpyxl

    sheet = openpyxl.load_workbook(C4, read_only=True, data_only=True)["Table C4"]
    rates = {}
    for row in sheet.iter_rows(min_row=9, values_only=True):
        if row[0] == YORKSHIRE and isinstance(row[8], float):
            rates[row[2] or row[0]] = row[8]
    n = fr.national_figures(["E22000371", "E22000372"], YORKSHIRE, period)
    assert n.attrs["label"] == "year ending December 2024"
    assert n.attrs["same_period"] == (period == "year to Dec 2024")
    got = n.set_index("area")["rate"]
    assert got["City of York"] == pytest.approx(rates["E22000371"])
    assert got["North Yorkshire"] == pytest.approx(rates["E22000372"])
    assert got["North Yorkshire (force area)"] == pytest.approx(rates[YORKSHIRE], rel=1e-3)
    ew = n.set_index("area").loc["England and Wales"]
    assert ew["rate"] == pytest.approx(ew["count"] / ew["population"] * 1000)
    words = fr.national_sentence(n, period)
    assert ("not the same twelve months" in words) == (period != "year to Dec 2024")


def test_national_figures_before_any_edition_held_are_empty():
    n = fr.national_figures(["E22000371"], YORKSHIRE, "year to Dec 2019")
    assert n.empty
    assert "not held" in fr.national_sentence(n, "year to Dec 2019")
