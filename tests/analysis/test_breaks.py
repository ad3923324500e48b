"""Known breaks: which shipped and partnership breaks move which series, in which nation."""

from __future__ import annotations

import pandas as pd

from safer_analysis.analysis import breaks
from safer_analysis.inputs import reference


def test_the_shipped_breaks_date_the_lockdowns_by_nation_and_cite_a_source():
    table = reference.known_breaks()
    covid = table[table["break_id"] == "covid_restrictions"].set_index("nation")
    assert covid.at["England", "first_month"] == covid.at["Wales", "first_month"] == "2020-04"
    assert covid.at["England", "last_month"] == "2021-06"  # most legal limits ended 19 July 2021
    assert covid.at["Wales", "last_month"] == "2021-07"  # alert level zero on 7 August 2021
    assert (table["source"] != "").all() and (table["what"] != "").all()
    rules = table[table["break_id"].str.startswith("counting_rules")]
    assert set(rules["crime_types"]) == {"Violence and sexual offences"} and set(rules["last_month"]) == {""}


def test_each_nation_gets_its_own_lockdown_and_both_the_counting_rules():
    table = reference.known_breaks()
    for nation, other in (("England", "Wales"), ("Wales", "England")):
        rows = breaks.for_nation(table, nation)
        assert nation in set(rows["nation"]) and other not in set(rows["nation"])
        assert (rows["nation"] == breaks.BOTH_NATIONS).sum() == 3
    assert breaks.nation_of("W14000001", "W15000001") == "Wales"
    assert breaks.nation_of("", "E23000035") == breaks.nation_of("", "") == "England"


def test_a_break_steps_its_types_and_every_series_only_when_it_names_none():
    """A break naming types steps those types; all crime (whose normal year-to-year swing dwarfs a
    part of one type's change) is stepped only by a break naming no type."""
    table = pd.DataFrame(
        {
            "first_month": ["2020-04", "2018-04", "2019-01"],
            "last_month": ["2021-06", "", ""],
            "crime_types": ["", "Violence and sexual offences", ("Anti-social behaviour",)],
            "what": ["lockdowns", "counting rules", "a new way of logging ASB"],
        }
    )

    def whats(series):
        return [b.what for b in breaks.breaks_for(table, series)]

    assert whats("Drugs") == ["lockdowns"]
    assert whats("Violence and sexual offences") == ["counting rules", "lockdowns"]  # earliest first
    assert whats("All crime (excluding anti-social behaviour)") == whats("All crime") == ["lockdowns"]
    assert whats("Anti-social behaviour") == ["a new way of logging ASB", "lockdowns"]
    assert breaks.breaks_for(None, "Drugs") == [] and breaks.breaks_for(table.iloc[0:0], "Drugs") == []


def test_the_shipped_and_a_partnerships_breaks_combine_into_one_table():
    own = pd.DataFrame(
        {"first_month": ["2019-06"], "last_month": [None], "crime_types": [("Drugs",)], "what": ["Operation X"]}
    )
    both = breaks.combined(breaks.for_nation(reference.known_breaks(), "England"), own)
    assert len(both) == 5 and list(both.columns) == ["first_month", "last_month", "crime_types", "what", "source"]
    assert [b.what for b in breaks.breaks_for(both, "Drugs")][-2:] == [
        "Operation X",
        breaks.for_nation(reference.known_breaks(), "England").iloc[0]["what"],
    ]
