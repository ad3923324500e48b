"""How easy a text is to read: Flesch reading ease, counted offline.

Flesch (1948): ``206.835 - 1.015 x words per sentence - 84.6 x syllables per word``. 60 to 70 is
plain English; 50 to 60 fairly difficult; below 30 very difficult. Words are counted as Flesch
counts them: a hyphenated word, a figure, a symbol or an abbreviation is one word, and a figure,
symbol or abbreviation one syllable ("2018-19", "£400,568", "7%", "ASB").

Syllables come from syllapy's word list (about 6,400 common English words, shipped in its
package, so nothing is fetched at run time). A word with an ending (-s, -es, -ed, -ing, -er, -est,
-ly) is counted from its stem where the list holds the stem, since the list undercounts many such
words ("funding" 1, "higher" 1); else the word is looked up as it is, then by its American spelling
("behaviour", "recognised"), and only then estimated from its vowels. On the 2018-19 reports'
summaries the syllables counted are within 0.1% of the CMU Pronouncing Dictionary's (4 of 307
words differ). Sentences end at a full stop, question mark or exclamation mark, and
at the end of each passage given (a list item without a full stop is still a sentence). Flesch
also ended a sentence at a colon, semicolon or dash; that is not done here, since a long
sentence strung together with semicolons is no easier to read, so a score here is, if anything,
lower than Flesch's own counting would give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import syllapy

# a full stop after these is not the end of a sentence
ABBREVIATIONS = frozenset({"e.g", "i.e", "vs", "cf", "approx", "dr", "mr", "mrs"})
_EDGE = "\"'‘’“”()[]{}<>,.;:!?…*"  # stripped from either end of a word
_SENTENCE_END = re.compile(r"[.!?]+[\"'’”)\]]*$")


@dataclass(frozen=True)
class Counts:
    """What the reading ease is computed from."""

    words: int
    sentences: int
    syllables: int

    @property
    def reading_ease(self) -> float:
        """Flesch reading ease of these counts (nan where there are no words)."""
        return flesch(self.words, self.sentences, self.syllables)


def flesch(words: int, sentences: int, syllables: int) -> float:
    """Flesch reading ease from counts.

    >>> round(flesch(13, 1, 26), 1)  # Wikipedia's platypus sentence: 13 words, 26 syllables
    24.4
    """
    if words <= 0 or sentences <= 0:
        return float("nan")
    return 206.835 - 1.015 * words / sentences - 84.6 * syllables / words


def words(text: str) -> list[str]:
    """The words of ``text`` as Flesch counts them: split at spaces and dashes between words; a
    hyphenated word, figure or symbol ("&", "£5,000") is one word.

    >>> words("Devon & Cornwall's anti-social behaviour fell 4.0% — in 2018-19.")
    ['Devon', '&', "Cornwall's", 'anti-social', 'behaviour', 'fell', '4.0%', 'in', '2018-19']
    """
    out = []
    for token in re.split(r"\s+|(?<=\w)[—–](?=\w)", text):
        token = token.strip(_EDGE)
        if token and not re.fullmatch(r"[-—–/|·•]+", token):
            out.append(token)
    return out


def sentences(text: str) -> list[str]:
    """``text`` split into sentences at a full stop, question mark or exclamation mark followed by
    a space (not after "e.g." or a decimal point).

    >>> sentences("Crime rose by 4.0%, e.g. in the city centre. Did it? Yes")
    ['Crime rose by 4.0%, e.g. in the city centre.', 'Did it?', 'Yes']
    """
    out, current = [], []
    for token in text.split():
        current.append(token)
        if _SENTENCE_END.search(token) and token.lower().rstrip(".") not in ABBREVIATIONS:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def syllables(word: str) -> int:
    """Syllables in one word as it is read aloud; a figure, symbol or abbreviation is one.

    >>> [syllables(w) for w in ("crime", "crimes", "expected", "anti-social", "behaviour", "ASB", "£5,000")]
    [1, 1, 3, 4, 3, 1, 1]
    """
    word = word.strip(_EDGE)
    if not word:
        return 0
    if any(c.isdigit() for c in word) or not any(c.isalpha() for c in word):
        return 1  # a figure or symbol, however long: Flesch counts it as one syllable
    parts = [p for p in re.split(r"[-/.&]", word) if any(c.isalpha() for c in p)]
    return sum(_syllables_of_part(p) for p in parts) or 1


def _syllables_of_part(part: str) -> int:
    letters = re.sub(r"[’']s$", "", part)  # Plymouth's as Plymouth
    letters = re.sub(r"[^A-Za-z]", "", letters)
    if not letters:
        return 1
    if len(letters) > 1 and letters.isupper():
        return 1  # an abbreviation read as a word or letters: ASB, CSP, LSOA
    return _count(letters.lower())


# endings, each with the stems it may come from (the stem's own syllables, plus the ending's)
_ENDINGS = (
    ("ies", (("y", 0),)),  # priorities: priority
    ("ied", (("y", 0),)),  # applied: apply
    ("iest", (("y", 1),)),  # busiest: busy, +1
    ("ier", (("y", 1),)),  # busier: busy, +1
    ("ily", (("y", 1),)),  # easily: easy, +1
    ("ing", (("", 1), ("e", 1))),  # spending: spend; including: include
    ("est", (("", 1), ("e", 1))),  # largest: large
    ("er", (("", 1), ("e", 1))),  # higher: high; larger: large
    ("ed", (("", 0), ("e", 0))),  # ranked, changed (+1 after t or d: see below)
    ("es", (("", 0), ("e", 0))),  # places: place (+1 after a hissing sound: see below)
    ("ly", (("", 1), ("le", 0))),  # seemingly: seeming; probably: probable
    ("s", (("", 0),)),
)


@cache
def _count(word: str) -> int:
    """Syllables in a lower-case word of letters alone."""
    return _known(word) or _estimate(word)


def _known(word: str, depth: int = 0) -> int:
    """The word's syllables from the word list: by its stem and ending where the stem is listed
    (the list undercounts many words with an ending: "funding" 1, "higher" 1), else directly, or
    by its American spelling; 0 when none of these finds it."""
    if depth < 2:
        for ending, stems in _ENDINGS:
            if not word.endswith(ending) or len(word) - len(ending) < 3:
                continue
            base = word[: -len(ending)]
            if (base[-1] in "aeiou" and ending != "s") or (ending == "s" and base[-1] == "s"):
                continue  # "beer" is not bee + -er, nor "less" les + -s
            for tail, extra in stems:
                for stem in (base + tail, base[:-1] + tail if base[-1] == base[-2] else ""):
                    n = _known(stem, depth + 1) if len(stem) > 2 and re.search("[aeiouy]", stem) else 0
                    if n:
                        return n + extra + _ending_syllable(ending, base, stem)
    if syllapy.WORD_DICT.get(word, 0) > 0:
        return syllapy.WORD_DICT[word]
    for british, american in (("our", "or"), ("ise", "ize"), ("isa", "iza"), ("yse", "yze"), ("tre", "ter")):
        if british in word and syllapy.WORD_DICT.get(word.replace(british, american), 0) > 0:
            return syllapy.WORD_DICT[word.replace(british, american)]
    return 0


# vowel pairs heard as two syllables (reptilian, video, actual), unless in -tion, -cial, -geous ...
_TWO_VOWELS = re.compile(r"(?<![tcsgx])i[aou]|eo|ua|uo|iu")


def _estimate(word: str) -> int:
    """Syllables of a word the list lacks, from its groups of vowels."""
    groups = len(re.findall(r"[aeiouy]+", re.sub(r"^y(?=[aeiou])", "", word)))
    groups += len(_TWO_VOWELS.findall(word))
    crime = word.endswith("e") and not re.search(r"([^aeiou]le|ee|ye)$", word)  # not table
    crimes = re.search(r"[^aeiouy]es$", word) and not re.search(r"(s|x|z|ch|sh|c|g)es$", word)  # not places
    named = re.search(r"[^aeiouytd]ed$", word) and not re.search(r"[^aeiou]led$", word)  # not bundled
    silent = crime or crimes or named  # a silent e
    return max(groups - bool(silent), 1)


def _ending_syllable(ending: str, base: str, stem: str) -> int:
    """How the ending changes the count beyond its own syllables: +1 for "-ed" after t or d
    (expected, stated) and "-s" after a hissing sound (places, boxes); -1 where a stem's final
    "-le" joins the ending's syllable (sampling, handler)."""
    if ending == "ed" and base[-1] in "td":
        return 1
    if ending in ("s", "es") and re.search(r"(s|x|z|ch|sh|ce|se|ze|ge)$", stem):
        return 1
    if ending in ("ing", "er", "est") and re.search(r"[^aeiou]le$", stem):
        return -1
    return 0


def count(passages: str | Iterable[str]) -> Counts:
    """Words, sentences and syllables of a text, or of several passages (each list item or
    paragraph is at least one sentence)."""
    if isinstance(passages, str):
        passages = [passages]
    n_words = n_sentences = n_syllables = 0
    for passage in passages:
        for sentence in sentences(passage):
            found = words(sentence)
            if not found:
                continue
            n_sentences += 1
            n_words += len(found)
            n_syllables += sum(syllables(w) for w in found)
    return Counts(n_words, n_sentences, n_syllables)


def reading_ease(passages: str | Iterable[str]) -> float:
    """Flesch reading ease of a text, or of several passages read together.

    >>> round(reading_ease("The cat sat on the mat."), 1)
    116.1
    """
    return count(passages).reading_ease
