"""Flesch reading ease, counted offline: the formula against published scores, and the counts of
words, sentences and syllables by Flesch's own rules."""

import math

import pytest

from safer_analysis.present import readability

# Published examples (Wikipedia, "Flesch-Kincaid readability tests"; readability tools that give
# them as test cases). Tools disagree on the syllables of the longer two ("Australian" 3 or 4,
# "reptilian" 3 or 4), so each published score is a range: from the highest count to the lowest.
PUBLISHED = [
    ("The cat sat on the mat.", 116.0, 116.2),
    ("This sentence, taken as a reading passage unto itself, is being used to prove a point.", 68.9, 74.2),
    ("The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.", 24.4, 37.5),
]


def test_the_formula_gives_wikipedias_score_for_its_counts():
    """Wikipedia: the platypus sentence 'scores 24.4 as it has 26 syllables and 13 words'."""
    assert round(readability.flesch(13, 1, 26), 1) == 24.4
    assert round(readability.flesch(6, 1, 6)) == 116  # 'The cat sat on the mat.' scores 116


@pytest.mark.parametrize(("text", "low", "high"), PUBLISHED)
def test_published_sentences_score_within_their_published_range(text, low, high):
    assert low <= readability.reading_ease(text) <= high


def test_published_sentences_have_the_published_word_counts():
    assert [readability.count(text).words for text, _, _ in PUBLISHED] == [6, 16, 13]


def test_no_words_has_no_score():
    assert math.isnan(readability.reading_ease(""))
    assert math.isnan(readability.reading_ease(["", "—"]))


# Syllables as the words are said (the CMU Pronouncing Dictionary's count, the fewer where it
# gives two), for words the reports use, many of them with endings the word list lacks.
SYLLABLES = {
    "crime": 1,
    "crimes": 1,
    "places": 2,
    "rose": 1,
    "stated": 2,
    "expected": 3,
    "recorded": 3,
    "ranked": 1,
    "changed": 1,
    "funding": 2,
    "including": 3,
    "higher": 2,
    "busiest": 3,
    "largest": 2,
    "priorities": 4,
    "partnership": 3,
    "partnerships": 3,
    "neighbourhoods": 3,
    "behaviour": 3,
    "anti-social": 4,
    "year-to-year": 3,
    "variation": 4,
    "illustrative": 4,
    "allocation": 4,
    "apportioned": 3,
    "uncommitted": 4,
    "violence": 3,
    "reptilian": 4,
    "Plymouth's": 2,
    "ASB": 1,
    "£400,568": 1,
    "2018-19": 1,
    "+10.3%": 1,
    "&": 1,
}


@pytest.mark.parametrize(("word", "expected"), SYLLABLES.items())
def test_syllables_of_words_the_reports_use(word, expected):
    assert readability.syllables(word) == expected


def test_figures_symbols_and_hyphenated_words_are_one_word_each():
    assert readability.words("Devon & Cornwall spent £400,568 — 7% more — on anti-social behaviour in 2018-19.") == [
        "Devon",
        "&",
        "Cornwall",
        "spent",
        "£400,568",
        "7%",
        "more",
        "on",
        "anti-social",
        "behaviour",
        "in",
        "2018-19",
    ]


def test_sentences_end_at_full_stops_not_at_decimals_abbreviations_or_colons():
    text = "Crime rose 4.0% on police.uk, e.g. in the centre: more than before; and then? It fell!"
    assert readability.sentences(text) == [
        "Crime rose 4.0% on police.uk, e.g. in the centre: more than before; and then?",
        "It fell!",
    ]


def test_each_passage_is_at_least_one_sentence():
    """A list item without a full stop still ends where it ends."""
    assert readability.count(["Crime fell", "Robbery rose by a third"]).sentences == 2
    assert readability.count("Crime fell Robbery rose by a third").sentences == 1


def test_long_sentences_and_long_words_score_lower():
    plain = "Crime rose last year. Most of the rise was violence. We ask the police why."
    dense = (
        "Notwithstanding considerable methodological uncertainty, recorded victimisation demonstrated "
        "statistically distinguishable intensification attributable predominantly to interpersonal violence."
    )
    assert readability.reading_ease(plain) > 80 > 0 > readability.reading_ease(dense)
