"""The board pack's workbook as a board member opens it: sheets named in words within Excel's
rules, columns no wider than Excel allows with long text wrapped, each table's header row frozen
in view, amounts stored as numbers (never more exact than the documents), the partnership's
contact on the cover and the decisions and key findings straight after it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from safer_analysis.inputs.money import is_rounded, parse_amount
from safer_analysis.pipeline.workbook import write_workbook
from safer_analysis.present.publication import Report

from ..conftest import ROOT, read_rows

#: Excel's limits: a sheet name's length and characters, a column's width in characters.
NAME_LENGTH = 31
NOT_IN_NAMES = set("[]:*?/\\")
EXCEL_WIDEST = 255
#: The sheets before the tables, in order.
FRONT = ["Cover", "Decisions and key findings", "Contents", "Notes"]

LONG = "Ensure we support victims of domestic abuse with an integrated service for them and their families. " * 6


def load(book: Path):
    import openpyxl

    return openpyxl.load_workbook(book)


def column_widths(sheet) -> dict[int, float]:
    """Each column's width as a spreadsheet reads it, by column number (a range of columns set
    together is one entry in the file)."""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        if dimension.width:
            for n in range(dimension.min, dimension.max + 1):
                widths[n] = dimension.width
    return widths


def header_row(sheet) -> int:
    """The row (from 1) of the header of the sheet's one table."""
    (table,) = sheet.tables.values()
    return int(re.match(r"[A-Z]+(\d+)", table.ref).group(1))


def rows(sheet) -> list[tuple]:
    return [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]


def table_rows(sheet) -> list[dict]:
    """The sheet's table as a list of rows keyed by heading."""
    first = header_row(sheet)
    cells = list(sheet.iter_rows(min_row=first, values_only=True))
    heading = cells[0]
    return [dict(zip(heading, r, strict=True)) for r in cells[1:] if any(v is not None for v in r)]


def contact_lines(sheet) -> list[str]:
    """The lines of the cover under its 'Contact' heading."""
    values = [r[0] for r in sheet.iter_rows(values_only=True) if r and r[0] is not None]
    return values[values.index("Contact") + 1 :]


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A pack with two reports' summaries and tables: one of long text, one of amounts as
    documents word them (exact, rounded and in words)."""
    spend = Report("spend_analysis", "2018-19", "Plymouth", output_dir=tmp_path)
    spend.summary(
        ["The grant is £400,568.", "The largest line is £160,200."],
        "Spend analysis 2018-19",
        risks=["The plan is unsigned: the board is asked to approve it."],
        status=[("real", "Amounts from the plan")],
    )
    lines = pd.DataFrame(
        {
            "allocation_id": ["A-1", "A-2", "A-3"],
            "project": ["Domestic abuse service", "Drug and alcohol treatment", "Awareness plan"],
            "need": [LONG, "Treatment", "Awareness"],
            "amount_text": ["£110,000", "£98,500", "Tbc"],
            "amount": [110000.0, 98500.0, None],
            "total_budget_text": ["£501,753", "£2m", None],
            "total_budget": [501753.0, 2000000.0, None],
            "contract_end": ["2017-12", None, None],
        }
    )
    spend.table(
        lines,
        "allocations",
        "Every line of the plan",
        formats={"amount": "gbp", "contract_end": "month"},
        headers={"project": "Project", "amount": "Amount", "contract_end": "Contract ends"},
    )
    shares = pd.DataFrame(
        {
            "project": ["Domestic abuse service", "Drug and alcohol treatment"],
            "total_budget_text": ["£501,753", "£2m"],
        }
    )
    spend.table(
        shares,
        "budget_share",
        "Total budgets",
        headers={"project": "Service", "total_budget_text": "Total budget, as the document gives it"},
    )
    assessment = Report("strategic_assessment", "2018-19", "Plymouth", output_dir=tmp_path)
    assessment.summary(
        ["Crime rose.", "Violence is most of the harm.", "Three places recur.", "A fourth finding."],
        "Strategic assessment 2018-19",
        status=[("illustrative", "Threat, risk and harm scores")],
    )
    assessment.table(pd.DataFrame({"crime_type": ["Violence"], "count": [12]}), "volumes", "Crimes by type")
    return tmp_path


def write(pack: Path) -> Path:
    return write_workbook(
        pack,
        "2018-19",
        "Plymouth",
        products=["strategic_assessment", "allocation_rationale", "spend_analysis"],
        contact="Community Safety Team, safer@example.org",
        partnership="Safer Plymouth",
    )


def check_names(book) -> None:
    """Sheet names within Excel's rules, in words, and the Contents sheet's links follow them."""
    names = book.sheetnames
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= NAME_LENGTH and not (set(name) & NOT_IN_NAMES) and "'" not in name, name
        assert "_" not in name and name[0].isupper(), name  # words, not codes
    links = {c.hyperlink.location for row in book["Contents"].iter_rows() for c in row if c.hyperlink}
    assert links == {f"'{n}'!A1" for n in names if n not in ("Cover", "Contents", "Notes")}


def check_widths_and_panes(book) -> None:
    """Every column within Excel's limit, a table's at most 61 wide (its long text wraps); every
    table's header row frozen."""
    for sheet in book.worksheets:
        widths = column_widths(sheet)
        assert widths and max(widths.values()) <= EXCEL_WIDEST, (sheet.title, widths)
        if sheet.title == "Cover":  # one column of text, wrapped
            assert sheet.freeze_panes is None
            continue
        assert max(widths.values()) <= 61, (sheet.title, widths)
        assert sheet.freeze_panes == f"A{header_row(sheet) + 1}", sheet.title
        used = {c.column for row in sheet.iter_rows(min_row=header_row(sheet)) for c in row if c.value is not None}
        assert used <= set(widths), (sheet.title, used - set(widths))  # every column of the table has a width


def test_sheets_are_named_in_words_within_excels_rules(pack):
    book = load(write(pack))
    check_names(book)
    assert book.sheetnames == [
        *FRONT,
        "Crime and anti-social behaviour",
        "Every line of the plan",
        "Grant share of total budgets",
    ]


def test_a_sheet_name_is_cut_to_31_characters_and_kept_unique(tmp_path):
    report = Report("spend_analysis", "2018-19", "Plymouth", output_dir=tmp_path)
    long = "a_table_whose_name_runs_far_past_what_excel_allows"
    for name in (long, long + "_too", "history"):
        report.table(pd.DataFrame({"project": ["x"]}), name, f"Table {name}")
    book = load(write(tmp_path))
    check_names(book)
    assert book.sheetnames[4:] == [
        "A table whose name runs far pas",
        "A table whose name runs far (2)",
        "History (2)",  # Excel keeps 'History' for itself
    ]


def test_columns_fit_excels_limit_and_long_text_wraps_with_header_rows_frozen(pack):
    book = load(write(pack))
    check_widths_and_panes(book)
    sheet = book["Every line of the plan"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == LONG)
    assert cell.alignment.wrap_text and column_widths(sheet)[cell.column] <= 61


def test_amounts_are_numbers_only_where_the_document_gives_them_to_the_pound(pack):
    book = load(write(pack))
    lines = {r["Project"]: r for r in table_rows(book["Every line of the plan"])}
    assert lines["Domestic abuse service"]["Amount"] == 110000
    assert lines["Domestic abuse service"]["Amount, as the document words it"] == "£110,000"
    assert lines["Domestic abuse service"]["Total budget"] == 501753
    assert lines["Drug and alcohol treatment"]["Total budget"] == "[x]"  # £2m is not £2,000,000 to the pound
    assert lines["Drug and alcohol treatment"]["Total budget, as the document words it"] == "£2m"
    assert (
        lines["Awareness plan"]["Amount"] == "[x]"
        and lines["Awareness plan"]["Amount, as the document words it"] == "Tbc"
    )
    assert lines["Domestic abuse service"]["Contract ends"] == "December 2017"
    heading = [
        c.value
        for c in next(book["Every line of the plan"].iter_rows(min_row=header_row(book["Every line of the plan"])))
    ]
    assert heading.index("Total budget, as the document words it") == heading.index("Total budget") + 1
    # a table holding only the wording gets a column of numbers before it
    shares = {r["Service"]: r for r in table_rows(book["Grant share of total budgets"])}
    assert shares["Domestic abuse service"]["Total budget"] == 501753
    assert shares["Drug and alcohol treatment"]["Total budget"] == "[x]"
    assert shares["Drug and alcohol treatment"]["Total budget, as the document words it"] == "£2m"
    numbers = [c for row in book["Grant share of total budgets"].iter_rows() for c in row if c.value == 501753]
    assert numbers and all(c.data_type == "n" and c.number_format == "£#,##0" for c in numbers)
    instructions = " ".join(str(r[0]) for r in rows(book["Grant share of total budgets"])[:4])
    assert "rounded (such as £2m)" in instructions and "approximate" in instructions
    plain = " ".join(str(r[0]) for r in rows(book["Crime and anti-social behaviour"])[:4])
    assert "rounded" not in plain  # said only where a table has amounts as words


def test_a_count_column_with_a_suppressed_cell_keeps_its_numbers_as_numbers(tmp_path):
    report = Report("strategic_assessment", "2018-19", "Plymouth", output_dir=tmp_path)
    frame = pd.DataFrame({"ward": ["North", "South", "East"], "crimes": [120, 3, 45]})
    report.table(frame, "volumes", "Crimes by ward", suppress=["crimes"])
    assert "[c]" in (tmp_path / "tables" / "strategic_assessment__volumes.csv").read_text()
    values = {r["Ward"]: r["Crimes"] for r in table_rows(load(write(tmp_path))["Crime and anti-social behaviour"])}
    assert values == {"North": 120, "South": "[c]", "East": 45}


def test_the_cover_names_the_partnership_and_its_contact(pack):
    book = load(write(pack))
    cover = book["Cover"]
    assert cover["A1"].value == "Safer Plymouth board pack, financial year 2018-19"
    assert contact_lines(cover) == ["Community Safety Team, safer@example.org"]


def test_the_first_sheet_after_the_cover_holds_the_papers_recommendations_and_findings(pack):
    import pandas as pd

    from safer_analysis.reports.board_paper import BoardPaper, Option, Recommendation

    paper = BoardPaper(
        partnership="Safer Plymouth",
        area="Plymouth",
        year="2018-19",
        title_block=[],
        purpose="",
        recommendations=[
            Recommendation(
                "Approve the plan.",
                "It is unsigned.",
                [Option("Approve it", "funding is confirmed")],
                preferred="Approve it",
                reason="the providers are waiting",
                lead="The partnership manager",
            ),
            Recommendation("Set the amounts.", "", [Option("Set them", "the plan is complete")]),
        ],
        findings=["Crime rose.", "The grant is £400,568."],
        money="",
        allocations=pd.DataFrame(),
        grant=400568.0,
        risks=["No grant is confirmed for 2019-20."],
        not_final=[("illustrative", "Threat, risk and harm scores")],
    )
    book = load(
        write_workbook(
            pack,
            "2018-19",
            "Plymouth",
            products=["strategic_assessment", "allocation_rationale", "spend_analysis"],
            paper=paper,
        )
    )
    assert book.sheetnames[1] == "Decisions and key findings"
    points = table_rows(book["Decisions and key findings"])
    assert [(p["Kind of point"], p["Point"]) for p in points] == [
        (
            "Recommendation (1)",
            "Approve the plan. It is unsigned. Recommended option: Approve it. The providers are waiting. "
            "Options: Approve it: funding is confirmed. Lead: The partnership manager.",
        ),
        (
            "Recommendation (2)",
            "Set the amounts. Recommended option: none given yet. Options: Set them: the plan is complete. "
            "Lead: not named yet.",
        ),
        ("Key finding", "Crime rose."),
        ("Key finding", "The grant is £400,568."),
        ("Risk", "No grant is confirmed for 2019-20."),
        ("Not final: illustrative", "Threat, risk and harm scores."),
    ]


# ---- the bundled pack ------------------------------------------------------------------------


def money(text: str | None) -> float | None:
    """The pounds a document's wording gives exactly, else None."""
    if not text or is_rounded(text):
        return None
    return parse_amount(text).pounds


@pytest.mark.slow
@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_the_bundled_workbook_is_named_sized_and_frozen_as_excel_allows(packs, year):
    (path,) = (packs / year).glob("*.xlsx")
    book = load(path)
    assert book.sheetnames[:4] == FRONT
    check_names(book)
    check_widths_and_panes(book)


@pytest.mark.slow
@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_the_bundled_workbooks_amounts_are_the_data_files_numbers(packs, year):
    """Each line's amount and total budget, as data/allocations.csv gives them: a number where
    the wording is exact, [x] beside the wording where it is rounded or a word."""
    (path,) = (packs / year).glob("*.xlsx")
    book = load(path)
    data = {r["project"]: r for r in read_rows(ROOT / "data" / "allocations.csv") if r["financial_year"] == year}
    lines = {r["Project"]: r for r in table_rows(book["Every line of the plan"])}
    assert set(lines) == set(data)
    rounded = 0
    for project, row in data.items():
        for column, heading in (("amount", "Amount"), ("total_budget", "Total budget")):
            wording = row[column] or None
            expected = money(wording)
            shown = lines[project][heading]
            assert shown == (expected if expected is not None else "[x]"), (project, column, shown)
            assert lines[project][f"{heading}, as the document words it"] == (wording or "[x]"), (project, column)
            rounded += bool(wording and is_rounded(wording))
    if year == "2017-18":
        assert rounded == 1  # the £2m budget of the drug and alcohol treatment programme
    shares = table_rows(book["Grant share of total budgets"])
    budgets = {
        r["project"]: r["total_budget"] for r in read_rows(ROOT / "data" / "allocations.csv") if r["total_budget"]
    }
    assert shares and all(
        r["Total budget that year"] == (money(budgets[r["Service"]]) or "[x]")
        and r["Total budget that year, as the document words it"] == budgets[r["Service"]]
        for r in shares
        if r["Service"] in budgets
    )
    assert any(r["Total budget that year, as the document words it"] == "£2m" for r in shares)


@pytest.mark.slow
def test_the_bundled_workbook_names_the_settings_contact_and_leads_with_the_front_pages_points(packs):
    from safer_analysis.inputs.project import SETTINGS_FILE, parse_settings

    pack = packs / "2018-19"
    (path,) = pack.glob("*.xlsx")
    book = load(path)
    settings = parse_settings((ROOT / SETTINGS_FILE).read_text(encoding="utf-8"), ROOT / SETTINGS_FILE)
    assert settings.contact and contact_lines(book["Cover"]) == [settings.contact]
    assert book["Cover"]["A1"].value.startswith(settings.name)
    points = table_rows(book["Decisions and key findings"])
    index = html.unescape((pack / "index.html").read_text(encoding="utf-8"))
    assert points
    for point in points:  # the board paper says the same: each finding word for word, each decision's first line
        said = point["Point"].split(". ")[0] if point["Kind of point"].startswith("Recommendation") else point["Point"]
        assert said.rstrip(".") in index, said
    assert sum(p["Kind of point"].startswith("Recommendation") for p in points) >= 3
