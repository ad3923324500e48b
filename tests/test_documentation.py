"""The documentation site: its generated pages are complete and well formed, its navigation finds
every page, and it builds with no warning into a site that loads nothing from the internet."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml

from safer_analysis import documentation
from safer_analysis.cli.parser import make_parser
from safer_analysis.workbench import dictionary

from .conftest import ROOT

#: A span of inline code, whose `|` would not split a table's cells.
_CODE_SPAN = re.compile(r"(`+).+?\1")


def _sections(page: str) -> dict[str, str]:
    """A page's second-level sections by heading."""
    parts = re.split(r"^## (.+)$", page, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _cells(line: str) -> list[str]:
    """A table row's cells: split at each ``|`` that is neither escaped nor inside code."""
    line = _CODE_SPAN.sub("code", line.strip())
    assert line.startswith("|") and line.endswith("|") and not line.endswith("\\|"), line
    return re.split(r"(?<!\\)\|", line[1:-1])


def _tables(page: str) -> list[list[str]]:
    """Every table of a page: its runs of lines that start with ``|`` (indented in a list or not),
    outside fenced code."""
    out, run, fenced = [], [], False
    for line in [*page.splitlines(), ""]:
        fenced = fenced != line.startswith("```")
        if line.lstrip().startswith("|") and not fenced:
            run.append(line.strip())
        elif run:
            out.append(run)
            run = []
    return out


def _nav_pages(nav) -> list[str]:
    """Every page the navigation in mkdocs.yml names."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return [p for item in nav for p in _nav_pages(item)]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {path: write() for path, write in documentation.PAGES.items()}


def test_every_command_and_every_option_is_on_the_commands_page(pages):
    page = pages["reference/commands.md"]
    sections = _sections(page)
    parser = make_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert len(commands) >= 10
    assert [h.removeprefix("safer-analysis ") for h in sections] == list(commands)
    for name, sub in commands.items():
        section = sections[f"safer-analysis {name}"]
        assert f"usage: safer-analysis {name}" in section
        for action in sub._actions:
            for option in action.option_strings:
                assert re.search(rf"`{re.escape(option)}[ `]", section), f"{name}: {option}"
            if not action.option_strings:
                assert f"`{action.metavar or action.dest}" in section, f"{name}: {action.dest}"
            if action.help:
                first_words = " ".join(re.sub(r"[<>*_\[\]|&]", " ", action.help).split()[:3])
                assert first_words.lower() in " ".join(re.sub(r"&\w+;|\\", " ", section).split()).lower()
    for option in ("--help", "--version"):
        assert f"`{option}`" in page.split("\n## ")[0]


def test_the_commands_page_follows_the_parser_it_is_given():
    """Made from the parser itself: a new command or option appears with no other change."""
    parser = argparse.ArgumentParser(prog="tool", description="A tool.")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run <it> once")
    run.add_argument("target", help="what to run")
    group = run.add_mutually_exclusive_group()
    group.add_argument("--fast", action="store_true", help="quickly")
    group.add_argument("--slow", action="store_true", help="slowly")
    run.add_argument("--times", type=int, default=3, help="how often (default: %(default)s, at most 90%%)")
    run.add_argument("--colour", choices=["red", "blue"], required=True, help="one of %(choices)s")
    page = documentation.commands_page(parser)
    section = _sections(page)["tool run"]
    assert "Run &lt;it&gt; once." in section
    assert "| `target` | What to run. |" in section
    assert "| `--fast` | Quickly. Not with `--slow`. |" in section
    assert "| `--times TIMES` | How often (default: 3, at most 90%). |" in section
    assert "| `--colour {red,blue}` | One of red, blue. Required. |" in section
    assert "[`run`](#tool-run)" in page


def test_every_input_file_and_column_is_on_the_dictionary_page(pages):
    sections = _sections(pages["reference/data-dictionary.md"])
    assert len(dictionary.FILES) >= 15
    for name, file in dictionary.FILES.items():
        section = sections[f"`{file}`"]
        for row in dictionary.data_dictionary(name).frame.itertuples():
            line = next(line for line in section.splitlines() if line.startswith(f"| `{row.column}` |"))
            cells = [c.strip() for c in _cells(line)]
            assert cells[2:4] == ["yes" if row.required else "", "yes" if row.unique else ""], line
    assert {"The crime store", "Columns the workbench adds to the crime store"} <= set(sections)
    assert "| `lsoa_code` |" in sections["The crime store"]


@pytest.mark.parametrize("path", list(documentation.PAGES))
def test_generated_page_is_well_formed_markdown(path, pages):
    """A title first; in each table every row has as many cells as the header; and each table
    reads as a table (Python-Markdown would otherwise pad or cut its rows without a word)."""
    page = pages[path]
    assert page.startswith("# ") and page.endswith("\n")
    tables = _tables(page)
    for rows in tables:
        width = len(_cells(rows[0]))
        assert all(re.fullmatch(r"\s*:?-{3,}:?\s*", c) for c in _cells(rows[1])), rows[1]
        assert [len(_cells(r)) for r in rows] == [width] * len(rows), rows[0]
    html = markdown.markdown(page, extensions=["tables", "fenced_code"])
    assert html.count("<table>") == len(tables)
    if path.startswith("reference/"):
        assert len(tables) >= 10


def test_a_table_with_a_row_too_long_is_found():
    page = "# T\n\n| a | b |\n| --- | --- |\n| 1 | 2 \\| 3 |\n| 4 | 5 | 6 |\n"
    rows = _tables(page)[0]
    assert [len(_cells(r)) for r in rows] == [2, 2, 2, 3]


def test_the_changelog_page_is_the_changelog_or_says_there_is_none(tmp_path):
    assert (
        documentation.changelog_page(tmp_path / "CHANGELOG.md") == "# Changelog\n\nNo changes have been recorded yet.\n"
    )
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## 0.2.0\n\n- Something new.\n", encoding="utf-8")
    assert documentation.changelog_page(tmp_path / "CHANGELOG.md").endswith("- Something new.\n")


def test_every_page_of_the_navigation_is_written_or_generated_but_not_both():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    generated = set(documentation.PAGES)
    written = {p for p in nav if (ROOT / "docs" / p).is_file()}
    assert generated <= set(nav)
    assert sorted(p for p in nav if p not in written | generated) == []
    assert sorted(written & generated) == []
    assert {m for m, _ in documentation.METHODS.values()} <= generated


# -- the built site -------------------------------------------------------------------------------


class _Loads(HTMLParser):
    """What a page loads as it opens (scripts, styles, fonts, images, frames), not where it links to."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower()
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and rel not in {"canonical", "alternate", "next", "prev"}:
            self.urls.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            self.urls.append(attrs["data"])
        self.urls += _css_urls(attrs.get("style") or "")


def _css_urls(css: str) -> list[str]:
    """The URLs a style sheet loads: each url(...) but data: ones, and each @import."""
    urls = [m.group(2) for m in re.finditer(r"url\(\s*(['\"]?)(.*?)\1\s*\)", css)]
    urls += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return [u for u in urls if not u.startswith("data:")]


def _external(url: str) -> bool:
    return bool(re.match(r"^\s*(https?:)?//", url, flags=re.I))


def external_loads(site: Path) -> list[str]:
    """Every URL on the internet that the built site loads: from its pages, style sheets and scripts."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            loads = _Loads()
            loads.feed(path.read_text(encoding="utf-8"))
            text = path.read_text(encoding="utf-8")
            urls = loads.urls + [u for s in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S) for u in _css_urls(s)]
        elif path.suffix == ".css":
            urls = _css_urls(path.read_text(encoding="utf-8"))
        elif path.suffix == ".js":
            text = path.read_text(encoding="utf-8")
            urls = re.findall(r"(?:importScripts|fetch|import)\s*\(\s*['\"]([^'\"]+)", text)
            urls += re.findall(r"\.src\s*=\s*['\"]([^'\"]+)", text)
        else:
            continue
        found += [f"{path.relative_to(site)}: {u}" for u in urls if _external(u)]
    return found


def test_external_loads_are_found(tmp_path):
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
        '<a href="https://www.mkdocs.org/">MkDocs</a><img src="img/local.png">'
    )
    (tmp_path / "site.css").write_text(
        "@import 'https://fonts.example/f.css';"
        "a{background:url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>\")}"
        "@font-face{src:url(https://fonts.example/f.woff2)}"
    )
    assert external_loads(tmp_path) == [
        "page.html: https://cdn.example/x.css",
        "page.html: //cdn.example/x.js",
        "site.css: https://fonts.example/f.woff2",
        "site.css: https://fonts.example/f.css",
    ]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out, run


@pytest.mark.slow
def test_the_site_builds_strictly_with_no_warning(built_site):
    out, run = built_site
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert not re.search(r"\b(WARNING|ERROR)\b", log), log
    for path in documentation.PAGES:
        assert (out / path).with_suffix(".html").is_file(), path
    commands = (out / "reference" / "commands.html").read_text(encoding="utf-8")
    assert 'id="safer-analysis-build"' in commands and "<code>--all-years</code>" in commands
    assert not (out / "hooks.py").exists()


@pytest.mark.slow
def test_the_built_site_loads_nothing_from_the_internet(built_site):
    out, run = built_site
    assert run.returncode == 0
    assert len(list(out.rglob("*.html"))) >= len(documentation.PAGES)
    assert external_loads(out) == []
