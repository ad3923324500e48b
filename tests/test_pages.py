"""What a board member reads: every report page of a built pack, checked as HTML."""

from __future__ import annotations

import re
import shutil

import pytest

from safer_analysis.cli import main
from safer_analysis.data import FILES, default_data_dir
from safer_analysis.products import PRODUCTS

from .conftest import edit_cell

pytestmark = pytest.mark.slow


def report_pages(packs):
    return [p for p in sorted(packs.glob("*/*.html")) if p.stem in PRODUCTS]


def test_every_image_has_alt_text_with_figures(packs):
    for page in report_pages(packs):
        html = page.read_text()
        imgs = re.findall(r"<img\b[^>]*>", html)
        assert imgs, page
        for tag in imgs:
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 30 and re.search(r"\d", alt.group(1)), f"{page}: {tag[:120]}"


def test_no_code_prompts_or_web_resources(packs):
    for page in sorted(packs.glob("*/*.html")):
        html = page.read_text()
        for marker in ("jp-InputArea", "In&nbsp;[", "open_product(", "import safer_analysis", "def "):
            assert marker not in html, f"{page}: {marker}"
        assert not re.search(r'<script[^>]+src=|<link[^>]+href="https?:', html), page
        assert '<html lang="en-GB"' in html


def test_tables_have_captions_and_header_cells(packs):
    for page in report_pages(packs):
        html = page.read_text()
        tables = re.findall(r"<table\b.*?</table>", html, flags=re.S)
        assert tables, page
        for t in tables:
            assert "<caption>" in t and '<th scope="col"' in t, f"{page}: {t[:200]}"


def test_each_report_names_year_csp_contents_and_provenance(packs):
    for page in report_pages(packs):
        html = page.read_text()
        year = page.parent.name
        assert year in html and "Plymouth" in html
        assert 'class="sa-toc"' in html or "Contents" in html
        assert "How this report was built" in html and "git commit" in html


def test_synthetic_and_illustrative_inputs_carry_a_banner(packs):
    for page in report_pages(packs):
        html = page.read_text()
        if page.stem in ("strategic_assessment", "allocation_rationale"):
            assert 'class="sa-banner"' in html and ("SYNTHETIC" in html or "ILLUSTRATIVE" in html), page


def test_no_suppressed_count_leaks(packs):
    """Any count from 1 to 4 in a suppressed table appears as [c], never as the number."""
    import pandas as pd

    for csv in sorted(packs.glob("*/tables/*.csv")):
        frame = pd.read_csv(csv, dtype=str)
        if csv.stem.startswith("strategic_assessment__") and csv.stem.split("__")[1] in ("volumes", "harm",
                                                                                            "recurring_places"):
            for col in frame.columns:
                if re.fullmatch(r"\d{4}-\d{2}|count", col):
                    assert not frame[col].isin(["1", "2", "3", "4"]).any(), f"{csv}: {col}"


def test_markup_in_a_project_title_is_shown_as_text(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    edit_cell(data / FILES["allocations"], 8, "project", "<script>alert(1)</script> Domestic Abuse")
    assert main(["build", "--year", "2018-19", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    for page in sorted((tmp_path / "out" / "2018-19").glob("*.html")):
        html = page.read_text()
        assert "<script>alert(1)" not in html, page
    spend = (tmp_path / "out" / "2018-19" / "spend_analysis.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Domestic Abuse" in spend


def test_small_counts_are_suppressed_everywhere_they_are_published(tmp_path):
    """A crime type with 3 offences in the year is [c] in the tables and absent from the charts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from safer_analysis import police_uk

    crimes = police_uk.load_crimes()
    rare = crimes[(crimes["crime_type"] == "Bicycle theft") & (crimes["financial_year"] == "2018-19")]
    keep = crimes.drop(rare.index[3:])
    path = tmp_path / "rare.parquet"
    table = pa.Table.from_pandas(keep, preserve_index=False)
    meta = {police_uk.METADATA_KEY: pq.read_schema(police_uk.DEFAULT_CACHE).metadata[police_uk.METADATA_KEY]}
    pq.write_table(table.replace_schema_metadata(meta), path)
    out = tmp_path / "out"
    assert main(["build", "--year", "2018-19", "--product", "strategic_assessment", "--out", str(out),
                 "-p", f"crime_data={path}"]) == 0
    html = (out / "2018-19" / "strategic_assessment.html").read_text()
    row = re.search(r'<th scope="row">Bicycle theft</th>(.*?)</tr>', html, flags=re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[2] == "[c]" and "[c]" in cells[3:]  # the 2018-19 count and its rate
    assert "Bicycle theft: 0.0" not in html and "Bicycle theft: 3" not in html
    volumes = (out / "2018-19" / "tables" / "strategic_assessment__volumes.csv").read_text()
    assert "Bicycle theft" in volumes and ",3," not in volumes.split("Bicycle theft")[1].splitlines()[0]
    assert "suppressed to protect confidentiality" in html
