"""The methods of each report, from one source: the section "Data sources, methods and caveats"
that closes the report in the board pack (:func:`section`), and the documentation's page on the
same methods (:func:`page`), which adds how each method is checked and where it stops.

Each report's methods are a Markdown file in this package (``<product>.md``), shipped with it and
read through :mod:`importlib.resources`. Its form:

- ``# Title``: the title of the documentation's page;
- paragraphs before the first method: the page's opening, for the documentation only;
- ``## Name`` for each method, then the bullet the pack shows (one paragraph opening ``- ``,
  which may use ``**bold**`` and ```code```), then a paragraph opening ``Checked:`` and one
  opening ``Limits:``; further paragraphs after either continue it.

A paragraph may run over several lines of the file: they are joined with single spaces.
HTML comments (``<!-- ... -->``) are notes for whoever edits the file and are left out.

>>> section("spend_analysis").data.startswith('<ul class="sa-methods">')
True
>>> page("spend_analysis").splitlines()[0]
'# Spend analysis: data sources, methods and caveats'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from safer_analysis.present.publication import HTML

#: The reports with a methods file, in the order the documentation lists them.
PRODUCTS = ("strategic_assessment", "allocation_rationale", "spend_analysis", "force_overview")
#: The heading the section sits under, in the report and on the documentation's page.
HEADING = "Data sources, methods and caveats"

_CHECKED, _LIMITS = "Checked:", "Limits:"


class MethodsFileError(ValueError):
    """A methods file that does not follow the form the module describes."""


@dataclass(frozen=True)
class Method:
    """One method: its name, the bullet the pack shows (Markdown), and for the documentation how it
    is checked and its limits (paragraphs of Markdown)."""

    name: str
    bullet: str
    checked: tuple[str, ...]
    limits: tuple[str, ...]


@dataclass(frozen=True)
class Methods:
    """One report's methods."""

    product: str
    title: str
    opening: tuple[str, ...]
    methods: tuple[Method, ...]

    @property
    def bullets(self) -> list[str]:
        """The section's bullets as Markdown, in the order the pack shows them."""
        return [m.bullet for m in self.methods]


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs (separated by blank lines), each one line with its lines joined by a space."""
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line.strip())
        elif out[-1]:
            out.append([])
    return [" ".join(p) for p in out if p]


def parse(text: str, product: str = "") -> Methods:
    """A methods file's text as :class:`Methods`; :class:`MethodsFileError` names what is wrong."""
    where = f"{product}.md" if product else "methods file"
    lines = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL).splitlines()
    lines = lines[next((i for i, line in enumerate(lines) if line.strip()), len(lines)) :]
    if not lines or not lines[0].startswith("# "):
        raise MethodsFileError(f"{where}: the first line must be the title, '# ...'")
    title = lines[0][2:].strip()
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")] + [len(lines)]
    opening = _paragraphs(lines[1 : starts[0]])
    methods = []
    for begin, end in zip(starts, starts[1:], strict=False):
        name = lines[begin][3:].strip()
        paragraphs = _paragraphs(lines[begin + 1 : end])
        if not paragraphs or not paragraphs[0].startswith("- "):
            raise MethodsFileError(f"{where}, {name!r}: the method must open with its bullet, '- ...'")
        fields: dict[str, list[str]] = {}
        current = None
        for paragraph in paragraphs[1:]:
            for label in (_CHECKED, _LIMITS):
                if paragraph.startswith(label):
                    current = label
                    if label in fields:
                        raise MethodsFileError(f"{where}, {name!r}: '{label}' is given twice")
                    fields[label] = []
                    paragraph = paragraph[len(label) :].strip()
            if current is None or paragraph.startswith("- "):
                raise MethodsFileError(f"{where}, {name!r}: one bullet, then 'Checked:' and 'Limits:' paragraphs")
            fields[current].append(paragraph)
        missing = [label for label in (_CHECKED, _LIMITS) if not fields.get(label) or not fields[label][0]]
        if missing:
            raise MethodsFileError(f"{where}, {name!r}: no {' and no '.join(missing)} paragraph")
        methods.append(Method(name, paragraphs[0][2:], tuple(fields[_CHECKED]), tuple(fields[_LIMITS])))
    if not methods:
        raise MethodsFileError(f"{where}: no method ('## Name', then its bullet)")
    return Methods(product, title, tuple(opening), tuple(methods))


@cache
def methods(product: str) -> Methods:
    """The methods of ``product`` (one of :data:`PRODUCTS`), read from the file shipped with the package."""
    if product not in PRODUCTS:
        raise ValueError(f"no methods for {product!r}; expected one of {', '.join(PRODUCTS)}")
    text = (resources.files(__package__) / f"{product}.md").read_text(encoding="utf-8")
    return parse(text, product)


def inline_html(markdown: str) -> str:
    """A bullet's Markdown as HTML: its text escaped, ``**bold**`` and ```code``` marked up.

    >>> inline_html("**Harm**: ONS weights per `code` & type")
    '<strong>Harm</strong>: ONS weights per <code>code</code> &amp; type'
    """
    text = html.escape(markdown)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


def plain(markdown: str) -> str:
    """The words of a bullet as a reader sees them, without its marks.

    >>> plain("**Suppression**: counts shown as [c] in `tables/`")
    'Suppression: counts shown as [c] in tables/'
    """
    return re.sub(r"\*\*(.+?)\*\*", r"\1", re.sub(r"`([^`]+)`", r"\1", markdown))


def section(product: str) -> HTML:
    """What the report shows under its heading "Data sources, methods and caveats": the bullets,
    as a list (the notebook's heading cell comes before it), marked as methods (class
    ``sa-methods``), which :mod:`safer_analysis.present.plain_english` keeps out of what a board reads."""
    items = "".join(f"<li>{inline_html(b)}</li>" for b in methods(product).bullets)
    return HTML(f'<ul class="sa-methods">{items}</ul>')


def _items(pairs: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """A Markdown list, one item per method: its name in bold, then its paragraphs (the later
    ones indented to stay in the item)."""
    out = []
    for name, paragraphs in pairs:
        first, *rest = paragraphs
        out.append(f"- **{name}.** {first}")
        out.extend(f"\n    {p}" for p in rest)
    return out


def page(product: str) -> str:
    """The documentation's page on ``product``'s methods, in Markdown: its title and opening, the
    section the report shows (word for word), then how each method is checked and its limits."""
    m = methods(product)
    lines = [f"# {m.title}", ""]
    for paragraph in m.opening:
        lines += [paragraph, ""]
    lines += [
        f"## {HEADING}",
        "",
        "The report in the board pack closes with this section, word for word: both are made from one "
        f"source, `safer_analysis/reports/methods/{product}.md`.",
        "",
        *(f"- {b}" for b in m.bullets),
        "",
        "## How it is checked",
        "",
        *_items([(x.name, x.checked) for x in m.methods]),
        "",
        "## Limits",
        "",
        *_items([(x.name, x.limits) for x in m.methods]),
        "",
    ]
    return "\n".join(lines)
