"""The board paper's PDF: printed from the front page, at most six A4 pages, tagged, its fonts
embedded, its links kept, its illustrative and draft marks present; skipped in one line where
WeasyPrint cannot load pango, and never left half-made over a good pack."""

from __future__ import annotations

import json
import os
import re

import pytest

from safer_analysis.cli import main
from safer_analysis.pipeline import pdf

from ..conftest import ROOT

pypdf = pytest.importorskip("pypdf")

YEAR = "2018-19"
A4 = (595.3, 841.9)  # points
MAX_PAGES = 6


def weasyprint_or_skip():
    """WeasyPrint's HTML class; without pango the test is skipped, or fails where
    SAFER_ANALYSIS_REQUIRE_PDF=1 (as in CI, whose script installs it)."""
    html_class = pdf.engine(lambda line: None)
    if html_class is None:
        reason = "WeasyPrint cannot load pango here (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        if os.environ.get("SAFER_ANALYSIS_REQUIRE_PDF") == "1":
            pytest.fail(f"{reason}; SAFER_ANALYSIS_REQUIRE_PDF=1")
        pytest.skip(reason)
    return html_class


def words(text: str) -> str:
    """Text with every run of white space one space, for comparing a PDF's text with a page's."""
    return re.sub(r"\s+", " ", text).strip()


def read(path) -> tuple[object, str]:
    reader = pypdf.PdfReader(str(path))
    return reader, words(" ".join(page.extract_text() or "" for page in reader.pages))


def link_targets(reader) -> set[str]:
    """The addresses of every link to another file in the PDF (links within it have none)."""
    found = set()
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.add(str(action["/URI"]))
    return found


# ---- the engine, and printing a page ---------------------------------------------------------


@pytest.mark.parametrize("error", [ImportError("No module named 'weasyprint'"), OSError("cannot load library 'x'")])
def test_without_weasyprint_or_pango_the_engine_says_so_in_one_line(monkeypatch, error):
    def fail():
        raise error

    monkeypatch.setattr(pdf, "_load", fail)
    said: list[str] = []
    assert pdf.engine(said.append) is None
    assert len(said) == 1 and "\n" not in said[0]
    assert said[0].startswith("skipped the board paper's PDF") and str(error) in said[0]
    assert "libpango" in said[0] and "the rest of the pack is built" in said[0]


def test_a_page_prints_to_tagged_a4_with_its_relative_links_and_embedded_fonts(tmp_path):
    html_class = weasyprint_or_skip()
    page = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>A paper</title></head><body>'
        '<nav><a href="#x">Contents</a></nav><h1 id="x">A paper</h1>'
        '<p>See <a href="strategic_assessment.html">the assessment</a>.</p></body></html>'
    )
    target = tmp_path / "paper.pdf"
    assert pdf.write_pdf(page, target, html_class) == 1
    reader, text = read(target)
    assert "A paper" in text and "the assessment" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == A4  # @page size applies without STYLE
    assert link_targets(reader) == {"strategic_assessment.html"}  # relative, as on the page: it opens beside the PDF
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    assert "pdfuaid" in root["/Metadata"].get_object().get_data().decode("utf-8", "replace")


# ---- the built pack ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_pack_holds_the_board_paper_as_a_pdf_of_at_most_six_a4_pages(packs):
    weasyprint_or_skip()
    folder = packs / YEAR
    name = pdf.paper_name("Plymouth", YEAR)
    path = folder / name
    assert path.is_file(), sorted(p.name for p in folder.iterdir())
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'href="{name}"' in index  # the page links its printed copy
    assert name in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    reader, text = read(path)
    assert 1 <= len(reader.pages) <= MAX_PAGES
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == A4
    # every font is embedded
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                fonts.append(
                    descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                )
    assert fonts and all(fonts)
    # the links to the reports are kept, relative
    assert {"strategic_assessment.html", "allocation_rationale.html", "spend_analysis.html"} <= link_targets(reader)
    # the illustrative and draft marks: every illustrative or draft input a report recorded is named
    marked = []
    for summary in sorted((folder / "summaries").glob("*.json")):
        for kind, what in json.loads(summary.read_text(encoding="utf-8")).get("status", []):
            if kind in ("illustrative", "synthetic", "draft", "planned"):
                marked.append((kind, what))
    assert any(kind == "illustrative" for kind, _ in marked)  # Plymouth's scores and returns are illustrative
    for kind, what in marked:
        if kind == "planned" and ("Approve the" in text or "Agree the" in text):
            continue  # a plan not yet approved is the paper's first recommendation
        assert words(what) in text, f"the PDF does not show the {kind} input: {what}"
    assert "Illustrative" in text or "ILLUSTRATIVE" in text
    assert "Skip to content" not in text  # navigation is not printed
    for page in reader.pages:  # the pack's protective marking heads and foots every printed page
        assert page.extract_text().count("OFFICIAL") >= 2


@pytest.mark.slow
def test_without_pango_the_build_says_so_once_and_builds_the_rest(tmp_path, monkeypatch, capsys):
    def fail():
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr(pdf, "_load", fail)
    args = ["build", "--year", YEAR, "--out", str(tmp_path), "--project", str(ROOT), "--product", "spend_analysis"]
    assert main(args) == 0
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if "PDF" in line]
    assert len(lines) == 1 and "skipped the board paper's PDF" in lines[0] and "libpango" in lines[0], lines
    folder = tmp_path / YEAR
    assert not list(folder.glob("*.pdf"))
    assert (folder / "index.html").is_file() and (folder / "spend_analysis.html").is_file()
    assert list(folder.glob("*.xlsx"))
    assert ".pdf" not in (folder / "index.html").read_text(encoding="utf-8")  # no link to a missing file


@pytest.mark.slow
def test_a_pdf_that_fails_leaves_the_last_good_pack_in_place(tmp_path, monkeypatch, capsys):
    weasyprint_or_skip()
    args = ["build", "--year", YEAR, "--out", str(tmp_path), "--project", str(ROOT), "--product", "spend_analysis"]
    assert main(args) == 0
    folder = tmp_path / YEAR
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert pdf.paper_name("Plymouth", YEAR) in before

    class Broken:
        """WeasyPrint failing part way: a PDF half written, then an error."""

        def __init__(self, string):
            self.string = string

        def render(self):
            return self

        def write_pdf(self, target, **options):
            target.write_bytes(b"%PDF-1.7 half written")
            raise ValueError("the PDF could not be laid out")

    monkeypatch.setattr(pdf, "_load", lambda: Broken)
    assert main(args) != 0
    out = capsys.readouterr()
    assert "the board paper's PDF (plymouth-board-paper-2018-19.pdf) could not be made" in out.out + out.err
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before
