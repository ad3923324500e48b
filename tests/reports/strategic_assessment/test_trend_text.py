"""The trend sentences of the strategic assessment: judged against the area's normal year-to-year
variation, with how often the test finds a real change, and known breaks named in plain words."""

from __future__ import annotations

import numpy as np
import pytest

from safer_analysis.analysis.crime_profile import ALL_CRIME
from safer_analysis.inputs.datasets import FILES, load_dataset
from safer_analysis.reports import strategic_assessment as sa
from safer_analysis.reports.strategic_assessment.model import build_profile

from ...conftest import write_rows


@pytest.fixture(scope="module")
def plymouth(crimes, dataset):
    """2018-19 as the bundled project builds it: an English partnership of Devon & Cornwall."""
    return build_profile(
        crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], area_code="E22000056", force_code="E23000035"
    )


def test_no_sentence_calls_a_change_significant_without_saying_against_what(plymouth):
    words = " ".join([*sa.summarise(plymouth), sa.trend_note(plymouth), *sa.break_sentences(plymouth)])
    assert "significant" not in words
    assert "normal year-to-year variation" in words


def test_all_crime_is_judged_against_plymouths_yearly_swings_with_the_tests_power(plymouth):
    """All crime over 2016-17 to 2018-19: no trend is stated, and the sentence says how rarely the
    test would find a real 10% change (about 3 times in 10)."""
    t = plymouth.trend.loc[ALL_CRIME]
    assert not t["significant"] and t["power_10"] < 0.35
    text = next(s for s in sa.summarise(plymouth) if s.startswith("Over 2016-17 to 2018-19 the crime rate"))
    assert "not unusual against Plymouth's normal year-to-year variation" in text
    assert f"a real change of 10% a year about {'once' if round(t['power_10'] * 10) == 1 else ''}" in text
    assert f"{t['annual_change_pct']:+.1f}% a year on average" in text.replace("−", "-")


def test_the_trend_note_quotes_the_areas_own_variation_and_power(plymouth):
    t = plymouth.trend
    note = sa.trend_note(plymouth)
    assert f"about {t.at[ALL_CRIME, 'year_variation'] * 100:.0f}% for all crime" in note
    assert f"anti-social behaviour about {t.at['Anti-social behaviour', 'year_variation'] * 100:.0f}%" in note
    # Plymouth's own three whole years (from 2016-04; police.uk starts in 2016-01) around their line
    # update the shipped variation
    assert "measured on 7 real all crime series of Devon & Cornwall's partnerships" in note
    assert "with this series' own 3 years" in t.at[ALL_CRIME, "year_variation_basis"]
    assert "not evidence of no change" in note


def test_the_counting_rule_change_of_april_2018_is_named_and_not_sized(plymouth):
    """The shipped break names violence and sexual offences (not all crime, of which the part it
    touches is a small share) and falls at the first month of 2018-19, where a compared year
    begins: a year's swing would carry a step there, so none is fitted or sized; the page names
    the change in plain words and the table marks it. The all-crime trend is the plain one."""
    assert plymouth.trend["steps"].map(len).eq(0).all()
    apart = plymouth.trend["breaks_not_separated"]
    assert {k for k, v in apart.items() if v} == {"Violence and sexual offences"}
    (sentence,) = sa.break_sentences(plymouth)
    assert "from April 2018" in sentence and "Home Office Counting Rules" in sentence
    assert "stalking, harassment or controlling behaviour" in sentence
    assert "cannot be told apart from a normal year's swing" in sentence
    assert sentence in sa.summarise(plymouth)
    table = sa.trend_table(plymouth).set_index("crime_type")
    assert table.at["Violence and sexual offences", "step"] == "not told apart from a year's swing, from April 2018"
    assert table.at["Burglary", "step"] == "" and table.at[ALL_CRIME, "step"] == ""


def test_all_crimes_trend_follows_its_yearly_counts(plymouth, crimes):
    """All crime's fitted change a year sits between the two yearly changes of its like-for-like
    counts (about +18% then +4%), recounted from the crimes, not far off them as a step at April
    2018 made it (+18.1% a year with a step of -12.5%)."""
    t = plymouth.trend.loc[ALL_CRIME]
    held = crimes[(crimes["crime_type"] != "Anti-social behaviour") & (crimes["month"] != "2017-12")]
    years = [held["month"].between(f"{y}-04", f"{y + 1}-03").sum() for y in (2016, 2017, 2018)]
    rises = [(b / a - 1) * 100 for a, b in zip(years[:-1], years[1:], strict=True)]
    assert min(rises) < t["annual_change_pct"] < max(rises)


def test_a_partnerships_own_break_and_its_jump_are_named(crimes, data_copy):
    """A made-up scheme from October 2018 that cut criminal damage by 30% (three in ten of the real
    crimes from then taken out at random): named in the partnership's known_breaks.csv, the page
    says what it was and that criminal damage stood about 30% below its trend, and calls no trend."""
    write_rows(
        data_copy / FILES["known_breaks"],
        [
            {
                "first_month": "2018-10",
                "last_month": "",
                "crime_types": "Criminal damage and arson",
                "what": "the new street lighting was switched on",
                "source": "",
            }
        ],
    )
    damage = (crimes["crime_type"] == "Criminal damage and arson") & (crimes["month"] >= "2018-10")
    drop = crimes.index[damage][np.random.default_rng(3).random(int(damage.sum())) < 0.3]
    changed = crimes.drop(index=drop)
    dataset = load_dataset(data_copy)
    p = build_profile(changed, dataset, "2019-20", "Plymouth", area_codes=["E06000026"], area_code="E22000056")
    (step,) = p.trend.at["Criminal damage and arson", "steps"]
    assert step.what == "the new street lighting was switched on"
    assert -40 < step.change_pct < -20 and step.p_value < 0.05
    assert p.trend.at["Criminal damage and arson", "direction"] == "no significant change"
    sentence = next(s for s in sa.break_sentences(p) if "street lighting" in s)
    assert "from October 2018" in sentence and "criminal damage and arson stood" in sentence
    assert "below its trend" in sentence


def test_a_slowing_is_said_only_where_its_test_finds_it(plymouth):
    """No series of 2018-19 departs from the line of the years before beyond normal variation, so
    no sentence says a rise slowed or accelerated, whatever the latest year's change."""
    assert (plymouth.trend["pace"] == "").all()
    words = " ".join(sa.summarise(plymouth))
    assert "slowed" not in words and "accelerated" not in words


def test_the_titles_and_headings_say_against_what(plymouth):
    assert "beyond its normal year-to-year variation" in sa.trend_title(plymouth)
    headers = sa.trend_headers(plymouth)
    assert headers["p_adjusted"].startswith("p-value against year-to-year variation")
    tests = sa.trend_tests(plymouth)
    assert ((tests["power_10"] > 0) & (tests["power_10"] < 100)).all()
    assert set(sa.trend_data(plymouth)["direction"]) <= set(sa.VERDICTS.values())


def test_the_trend_table_a_board_reads_says_the_change_and_a_verdict_that_agree(plymouth):
    """The board's table gives each type's average change a year beside a verdict in words that
    agree with it (a change within normal variation is 'no trend'); the interval and the test are
    in the methods table, which holds the same changes."""
    table = sa.trend_table(plymouth).set_index("crime_type")
    assert not {"annual_change_lower", "annual_change_upper", "p_adjusted", "power_10"} & set(table.columns)
    for crime_type, row in plymouth.trend.iterrows():
        verdict = table.at[crime_type, "direction"]
        assert verdict == sa.VERDICTS[row["direction"]]
        assert ("within normal" in verdict) == (not row["significant"])
    tests = sa.trend_tests(plymouth).set_index("crime_type")
    assert (tests["annual_change_pct"] == table["annual_change_pct"]).all()
    assert (tests["annual_change_lower"] < tests["annual_change_pct"]).all()


def test_the_ranking_says_how_often_first_place_holds(plymouth):
    text = sa.ranking_sentence(plymouth)
    first = plymouth.ranking.iloc[0]
    assert f"keeps first place in {first['keeps_rank_pct']:.0f}% of draws" in text
    note = sa.sensitivity_note(load_dataset_for(plymouth), plymouth)
    assert "Hate Crime is in the top 4 in" in note


def load_dataset_for(_profile):
    from ...conftest import ROOT

    return load_dataset(ROOT / "data")
