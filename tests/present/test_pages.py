"""What a board member reads: every page of a built board pack, checked as HTML.

Report pages are found by glob (every ``*.html`` but the index), so a new report is checked as
soon as the build writes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from safer_analysis.cli import main
from safer_analysis.inputs.datasets import FILES

from ..conftest import CRIME_FILE, read_rows, write_rows

pytestmark = pytest.mark.slow

HOSTILE = "<script>alert(1)</script> Domestic Abuse"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; Domestic Abuse"
CODE_MARKERS = ("jp-InputArea", "jp-InputPrompt", "input_area", "In [", "In&nbsp;[", "def ", "import ")
SCOPES = {"col", "row", "colgroup", "rowgroup"}


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    """Board packs for every year in the bundled data, built once for this module."""
    out = tmp_path_factory.mktemp("page-packs")
    assert main(["build", "--all-years", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def years(pack) -> list[Path]:
    found = sorted(p for p in pack.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert found
    return found


def all_pages(pack: Path) -> list[Path]:
    return sorted(pack.glob("*/*.html"))


def report_pages(pack: Path) -> list[Path]:
    pages = [p for p in all_pages(pack) if p.name != "index.html"]
    assert pages, "the pack has no report pages"
    return pages


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


# ---- charts, code, resources -----------------------------------------------------------------


def test_every_image_has_alt_text_stating_figures(pack):
    for page in report_pages(pack):
        for img in soup(page).find_all("img"):
            alt = (img.get("alt") or "").strip()
            assert alt, f"{name(page)}: an image without alt text: {str(img)[:120]}"
            assert re.search(r"\d", alt), f"{name(page)}: alt text without a figure: {alt[:200]}"


def test_no_code_cells_or_prompts(pack):
    for page in report_pages(pack):
        text = page.read_text(encoding="utf-8")
        for marker in CODE_MARKERS:
            assert marker not in text, f"{name(page)} shows code: {marker!r}"
        assert not soup(page).select(".jp-CodeCell .jp-InputArea, .input, .prompt, .input_prompt"), name(page)


def test_nothing_is_loaded_from_the_web(pack):
    for page in all_pages(pack):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\ssrc\s*=", text, flags=re.I), f"{name(page)}: an external script"
        assert not re.search(r"<link[^>]*\shref\s*=\s*[\"']?(https?:)?//", text, flags=re.I), (
            f"{name(page)}: a stylesheet or other link from the web"
        )
        doc = soup(page)
        assert not doc.find_all("script"), f"{name(page)}: the pages carry no scripts"
        for tag in doc.find_all(["img", "iframe", "video", "audio", "source", "embed", "object"]):
            src = tag.get("src") or tag.get("data") or ""
            assert not re.match(r"(https?:)?//", src), f"{name(page)}: {tag.name} from the web: {src[:80]}"
        for style in doc.find_all("style"):
            assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", style.get_text()), name(page)


def test_local_links_lead_to_files_in_the_pack(pack):
    for page in all_pages(pack):
        for link in soup(page).find_all("a", href=True):
            target = urlsplit(link["href"])
            if target.scheme or target.netloc or not target.path:
                continue
            assert (page.parent / unquote(target.path)).exists(), f"{name(page)}: broken link {link['href']}"


# ---- language, structure, tables -----------------------------------------------------------


def test_pages_are_in_british_english(pack):
    for page in all_pages(pack):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>"), name(page)
        html = soup(page).find("html")
        assert html is not None and html.get("lang") == "en-GB", f"{name(page)}: lang={html and html.get('lang')}"
        assert soup(page).find("meta", charset=True)["charset"].lower() == "utf-8"


def test_no_page_calls_a_change_significant_without_saying_against_what(pack):
    """A trend is 'unusual against the area's normal year-to-year variation'; the words
    'statistically significant' alone promise more than a test of months can give."""
    for page in all_pages(pack):
        text = " ".join(soup(page).get_text(" ").split())
        assert "statistically significant" not in text.lower(), name(page)
        for found in re.finditer(r"[^.]*\bsignificant[^.]*", text, flags=re.IGNORECASE):
            assert "variation" in found.group(0), f"{name(page)}: {found.group(0)!r}"


def test_headings_start_at_one_and_skip_no_level(pack):
    for page in all_pages(pack):
        doc = soup(page)
        assert doc.title and doc.title.get_text(strip=True), f"{name(page)}: no <title>"
        levels = [int(h.name[1]) for h in doc.find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"{name(page)}: {levels}"
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{name(page)}: heading level {before} is followed by {after}"


def test_every_table_has_a_caption_and_scoped_header_cells(pack):
    for page in report_pages(pack):
        tables = soup(page).find_all("table")
        for table in tables:
            label = f"{name(page)}, table {table.get('id', '')}"
            caption = table.find("caption")
            assert caption is not None and caption.get_text(strip=True), f"{label}: no caption"
            assert table.find("caption") is next(c for c in table.children if getattr(c, "name", None)), (
                f"{label}: the caption must be the table's first element"
            )
            headers = table.find_all("th")
            assert headers, f"{label}: no header cells"
            assert table.find("th", scope="col"), f"{label}: no column headers"
            for th in headers:
                assert th.get("scope") in SCOPES, f"{label}: a header cell without a valid scope: {th}"


def test_each_report_states_year_and_partnership_and_has_contents(pack, years):
    for year in years:
        csp = json.loads((year / "manifest.json").read_text())["area"]
        for page in report_pages(pack):
            if page.parent != year:
                continue
            doc = soup(page)
            text = doc.get_text(" ", strip=True)
            assert year.name in text and csp in text, f"{name(page)} does not say {year.name} and {csp}"
            assert year.name in doc.title.get_text(), f"{name(page)}: the <title> does not give the year"
            h1 = doc.find("h1")
            assert h1 is not None and h1.get_text(strip=True), name(page)
            nav = doc.find("nav", class_="sa-toc") or doc.find("nav")
            assert nav is not None, f"{name(page)} has no table of contents"
            assert nav.get("aria-labelledby") or nav.get("aria-label"), f"{name(page)}: the contents are unnamed"
            targets = [a["href"][1:] for a in nav.find_all("a", href=True) if a["href"].startswith("#")]
            assert len(targets) >= 2, f"{name(page)}: the contents list {targets}"
            for target in targets:
                assert doc.find(id=target) is not None, f"{name(page)}: contents link to missing #{target}"


def test_the_skip_link_leads_into_the_main_content(pack):
    for page in all_pages(pack):
        doc = soup(page)
        skip = doc.find("a", class_="skip-link")
        assert skip is not None and skip["href"].startswith("#"), name(page)
        target = doc.find(id=skip["href"][1:])
        assert target is not None and target.name == "main", f"{name(page)}: skip link to {skip['href']}"
        assert len(doc.find_all("main")) == 1, name(page)


# ---- text from the data is escaped ------------------------------------------------------------


def test_markup_in_a_project_title_is_shown_as_text_not_run(data_copy, tmp_path):
    data = data_copy
    path = data / FILES["allocations"]
    rows = read_rows(path)
    target = next(r for r in rows if r["financial_year"] == "2018-19" and r["amount"].strip())
    target["project"] = HOSTILE
    write_rows(path, rows, list(rows[0]))
    out = tmp_path / "out"
    assert main(["build", "--year", "2018-19", "--project", str(data.parent), "--out", str(out)]) == 0
    pages = sorted((out / "2018-19").glob("*.html"))
    assert pages
    shown = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, f"{name(page)} carries the raw markup"
        assert not soup(page).find_all("script"), name(page)
        shown = shown or ESCAPED in text
    assert shown, "the project title should still be shown, as text"


# ---- small numbers are suppressed end to end ------------------------------------------------


def test_a_small_count_is_published_as_c_in_page_csv_and_charts(tmp_path):
    """A crime type with 3 offences in the year is [c] in the tables, with the footnote, and is
    given no figure in any chart."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from safer_analysis.inputs import police_uk

    crimes = police_uk.load_crimes(CRIME_FILE)
    rare = crimes[(crimes["crime_type"] == "Bicycle theft") & (crimes["financial_year"] == "2018-19")]
    path = tmp_path / "rare.parquet"
    metadata = pq.read_schema(CRIME_FILE).metadata
    table = pa.Table.from_pandas(crimes.drop(rare.index[3:]), preserve_index=False)
    pq.write_table(table.replace_schema_metadata(metadata), path)
    out = tmp_path / "out"
    assert (
        main(
            [
                "build",
                "--year",
                "2018-19",
                "--product",
                "strategic_assessment",
                "--out",
                str(out),
                "-p",
                f"crime_data={path}",
            ]
        )
        == 0
    )
    page = out / "2018-19" / "strategic_assessment.html"
    doc = soup(page)
    volumes = doc.find("table", id="table-volumes")
    year_column = [th.get_text(strip=True) for th in volumes.thead.find_all("th")].index("2018-19")
    row = next(tr for tr in volumes.find_all("tr") if tr.th and tr.th.get_text(strip=True) == "Bicycle theft")
    cells = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
    assert cells[year_column] == "[c]" and "[c]" in cells[year_column + 1 :], cells
    assert "fewer than 5, suppressed to protect confidentiality" in doc.get_text(" ")
    for img in doc.find_all("img"):
        assert not re.search(r"Bicycle theft: [\d.]", img["alt"]), img["alt"][:300]
    csv = (out / "2018-19" / "tables" / "strategic_assessment__volumes.csv").read_text(encoding="utf-8")
    line = next(x for x in csv.splitlines() if x.startswith("Bicycle theft,"))
    header = csv.splitlines()[0].split(",")
    assert line.split(",")[header.index("2018-19")] == "[c]", line
