"""What a board member reads on a published page, and whether it is plain English: the page's
text split into passages, each marked as methods or not, its opening summary, statistical terms
found outside the methods, and reading ease (:mod:`safer_analysis.present.readability`).

A passage is methods where it sits under a heading (h2 to h4) that names methods ("Data sources,
methods and caveats") or inside an element of class ``sa-methods`` (a details block a report
marks as methods: :meth:`safer_analysis.present.publication.Report.methods`). Image alt text counts
as text: a screen reader reads it out."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from safer_analysis.present import readability

# statistical terms that belong in a methods section only, never in what a board reads
STATISTICAL_TERMS = (
    "95% CI",
    "confidence interval",
    "p-value",
    "p =",
    "significant",
    "Benjamini",
    "Hochberg",
    "quasi-Poisson",
    "AR(1)",
    "winsorised",
    "Gini",
    "MoRiLE",
    "z-score",
    "overdispersion",
)
SUMMARY_CLASSES = ("sa-summary", "sa-risks")  # the block a report page opens with
METHODS_CLASS = "sa-methods"
READING_EASE_AT_LEAST = 50  # Flesch: 50 to 60 is "fairly difficult", the hardest a board paper should be

_BLOCKS = {"p", "li", "dt", "dd", "td", "th", "caption", "summary", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption"}
_BLOCKS |= {"div", "section", "ul", "ol", "table", "tr", "details", "figure", "blockquote", "br"}
_SKIP = {"style", "script", "head", "title", "nav"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "source", "wbr", "area", "base", "embed"}


@dataclass(frozen=True)
class Passage:
    """One block of a page's text: where it is, and whether a board reads it."""

    text: str
    section: str  # the heading it sits under
    methods: bool  # in a methods section or block
    summary: bool  # in the block the page opens with


class _Reader(HTMLParser):
    def __init__(self, summary_classes: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.summary_classes = summary_classes
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, methods, summary, skipped
        self.headings: list[tuple[int, str, bool]] = []  # level, text, names methods
        self.heading: tuple[int, list[str]] | None = None
        self.buffer: list[str] = []
        self.out: list[Passage] = []

    def _state(self) -> tuple[bool, bool, bool]:
        methods = any(m for _, m, _, _ in self.stack) or any(named for _, _, named in self.headings)
        summary = any(s for _, _, s, _ in self.stack)
        skipped = any(k for _, _, _, k in self.stack)
        return methods, summary, skipped

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            methods, summary, _ = self._state()
            section = self.headings[-1][1] if self.headings else ""
            self.out.append(Passage(text, section, methods, summary))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag in _BLOCKS:
            self._flush()
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            self.headings = [h for h in self.headings if h[0] < level]
            self.heading = (level, [])
        if tag == "img" and found.get("alt"):
            self._flush()
            self.buffer.append(found["alt"] or "")
            self._flush()
        if tag not in _VOID:
            self.stack.append(
                (tag, METHODS_CLASS in classes, any(c in classes for c in self.summary_classes), tag in _SKIP)
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()
        if self.heading and tag == f"h{self.heading[0]}":
            level, parts = self.heading
            text = re.sub(r"\s+", " ", "".join(parts)).strip()
            named = bool(re.search(r"\bmethods?\b", text, re.IGNORECASE))
            self.headings.append((level, text, named))
            self.heading = None
        for i in range(len(self.stack) - 1, -1, -1):  # close the innermost open element of this tag
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._state()[2]:
            return
        self.buffer.append(data)
        if self.heading:
            self.heading[1].append(data)


def passages(page: str, summary_classes: tuple[str, ...] = SUMMARY_CLASSES) -> list[Passage]:
    """The text of an HTML page, block by block (paragraphs, list items, table cells, alt text),
    without its styles, scripts and table of contents; a passage inside an element of one of
    ``summary_classes`` is marked as the summary."""
    reader = _Reader(summary_classes)
    reader.feed(page)
    reader.close()
    reader._flush()
    return reader.out


def summary_text(page: str, summary_classes: tuple[str, ...] = SUMMARY_CLASSES) -> list[str]:
    """The passages of the block the page opens with: its findings and, where there are any,
    what the board is asked to decide."""
    return [p.text for p in passages(page, summary_classes) if p.summary and not p.methods]


def board_text(page: str) -> list[str]:
    """Every passage a board member reads: all but the methods sections and blocks."""
    return [p.text for p in passages(page) if not p.methods]


def statistical_terms(texts: Iterable[str]) -> list[tuple[str, str]]:
    """Each statistical term found in ``texts``, with the words round it.

    >>> statistical_terms(["83.3 per 1,000 (95% CI 82.2 to 84.4)", "not significantly different"])
    [('95% CI', '83.3 per 1,000 (95% CI 82.2 to 84.4)'), ('significant', 'not significantly different')]
    """
    found = []
    for text in texts:
        for term in STATISTICAL_TERMS:
            # a term starts a word ("imagining" holds no Gini) and may be plural ("p-values")
            pattern = (r"\b" if term[0].isalnum() else "") + re.escape(term)
            for match in re.finditer(pattern, text, re.IGNORECASE):
                found.append((term, text[max(0, match.start() - 60) : match.end() + 60]))
    return found


def reading_ease(texts: Iterable[str]) -> float:
    """Flesch reading ease of the passages read together (each one at least a sentence)."""
    return readability.reading_ease(list(texts))


def problems(page: str, *, summary_classes: tuple[str, ...] = SUMMARY_CLASSES) -> list[str]:
    """What keeps a page from reading as plain English to a board: an opening summary (the
    elements of ``summary_classes``) missing or reading below :data:`READING_EASE_AT_LEAST`, and
    each statistical term outside the methods. Empty when there is nothing to mend."""
    opening = summary_text(page, summary_classes)
    out = []
    if not opening:
        out.append(f"no opening summary (an element of class {' or '.join(summary_classes)})")
    else:
        ease = reading_ease(opening)
        if not ease >= READING_EASE_AT_LEAST:
            out.append(f"the opening summary reads at {ease:.1f}, below {READING_EASE_AT_LEAST} (Flesch reading ease)")
    out += [f"{term!r} outside the methods: …{words}…" for term, words in statistical_terms(board_text(page))]
    return out
