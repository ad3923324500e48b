"""Loaders: the bundled data against the seed documents, and every kind of bad row."""

from __future__ import annotations

import pytest

from safer_analysis.inputs.datasets import FILES, load_dataset, load_table
from safer_analysis.inputs.validation import DataValidationError

from ..conftest import SEEDS, edit_cell, read_rows, write_rows


def seed_text(dataset, document_id: str) -> str:
    src = dataset.sources.set_index("document_id")
    return (SEEDS / src.at[document_id, "seed_file"]).read_text(encoding="utf-8")


# --- the bundled data is a faithful transcription -------------------------------------------


def test_bundled_data_loads_with_both_years(dataset):
    assert dataset.years == ["2017-18", "2018-19"]
    assert dataset.grant_for("2017-18") == dataset.grant_for("2018-19") == 400_568


@pytest.mark.shared
def test_every_seed_file_named_in_sources_exists(dataset):
    for name in dataset.sources["seed_file"]:
        assert (SEEDS / name).is_file(), name


@pytest.mark.shared
def test_grant_as_printed_appears_in_its_source(dataset):
    for _, g in dataset.grants.iterrows():
        assert "£400,568" in seed_text(dataset, g["source_document"]) or "400,568" in seed_text(
            dataset, g["source_document"]
        )


@pytest.mark.shared
def test_every_amount_is_written_in_its_source_document(dataset):
    for row in read_rows(dataset.root / FILES["allocations"]):
        text = seed_text(dataset, row["source_document"])
        for column in ("amount", "total_budget"):
            value = row[column]
            if value:
                assert value in text, f"{row['allocation_id']} {column} {value!r} not in its seed"


def test_2018_19_plan_allocates_the_whole_grant(dataset):
    lines = dataset.allocations_for("2018-19")
    assert len(lines) == 9
    assert lines["amount"].sum() == 400_568
    assert set(lines["status"]) == {"allocated"}


def test_2017_18_recommendations_match_the_table(dataset):
    lines = dataset.allocations_for("2017-18").set_index("theme_key")
    assert len(lines) == 8
    assert lines.at["domestic_abuse_service", "amount"] == 110_000
    assert lines.at["domestic_abuse_service", "total_budget"] == 501_753
    assert lines.at["drug_alcohol_treatment", "total_budget"] == 2_000_000  # "£2m"
    assert lines.at["drug_alcohol_treatment", "total_budget_text"] == "£2m"  # kept as written
    assert lines["amount"].notna().sum() == 3
    assert (lines["status"] == "to be confirmed").sum() == 4
    assert (lines["status"] == "awaiting confirmation").sum() == 1


def test_page_break_row_gives_infrastructure_priority_5(dataset):
    links = dataset.allocation_pcp_priorities
    infra = links[links["allocation_id"] == "SP-2018-19-07"]
    assert 5 in set(infra["priority"])
    prevent = links[links["allocation_id"] == "SP-2018-19-09"]
    assert not prevent.empty


def test_every_2018_19_project_serves_a_stated_priority(dataset):
    links = dataset.allocation_pcp_priorities
    stated = links[links["basis"] == "stated"]
    assert set(dataset.allocations_for("2018-19")["allocation_id"]) <= set(stated["allocation_id"])


def test_five_pcp_priorities(dataset):
    assert list(dataset.pcp_priorities["priority"]) == [1, 2, 3, 4, 5]


def test_outcome_targets_named_in_the_issue(dataset):
    m = dataset.outcome_measures

    def has(target, direction):
        return ((m["target"] == target) & (m["direction"] == direction)).any()

    assert has(75, "at least") and has(20, "below") and has(90, "at least")
    assert has(4, "at least") and has(100, "at least")


def test_local_priorities_cover_the_three_kinds(dataset):
    assert set(dataset.local_priorities["kind"]) == {"priority", "emerging issue", "cross-cutting issue"}


def test_rows_are_indexed_by_their_spreadsheet_row():
    frame = load_table("grants")
    assert list(frame.index) == [2, 3]


# --- bad input: one clear error naming file, row and column -------------------------------


def problem_for(data_dir):
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_dir)
    return info.value


@pytest.mark.parametrize(
    "value,expected",
    [
        ("£12,34", "not an amount"),
        ("-£5,000", "negative"),
        ("lots", "not an amount"),
    ],
)
def test_bad_allocation_amount(data_copy, value, expected):
    edit_cell(data_copy / FILES["allocations"], 9, "amount", value)  # SP-2018-19-02
    err = problem_for(data_copy)
    text = str(err)
    assert "allocations.csv, row 11, column 'amount'" in text and expected in text


def test_bad_total_budget(data_copy):
    edit_cell(data_copy / FILES["allocations"], 2, "total_budget", "two million")  # SP-2017-18-03
    text = str(problem_for(data_copy))
    assert "allocations.csv, row 4, column 'total_budget'" in text and "not an amount" in text


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x00", "\x85"])
def test_a_control_character_in_a_name_is_refused(data_copy, character):
    """A control character (pasted from a document or a terminal) would reach every page and CSV:
    it is refused, named by file, row, column and code point. Tabs and line breaks are allowed."""
    edit_cell(data_copy / FILES["allocations"], 9, "project", f"Street{character} Pastors")
    text = str(problem_for(data_copy))
    assert "allocations.csv, row 11, column 'project'" in text
    assert f"control character (U+{ord(character):04X}) at character 7" in text


def test_a_tab_or_line_break_in_a_cell_is_kept(data_copy):
    edit_cell(data_copy / FILES["allocations"], 9, "project", "Street\tPastors\nand friends")
    assert "Street\tPastors\nand friends" in set(load_dataset(data_copy).allocations["project"])


def test_bad_grant_amount(data_copy):
    edit_cell(data_copy / FILES["grants"], 0, "amount", "four hundred thousand")
    assert "grants.csv, row 2, column 'amount'" in str(problem_for(data_copy))


def test_unknown_priority_number(data_copy):
    edit_cell(data_copy / FILES["allocation_pcp_priorities"], 0, "priority", "7")
    text = str(problem_for(data_copy))
    assert "allocation_pcp_priorities.csv, row 2, column 'priority'" in text
    assert "unknown Police & Crime Plan priority 7" in text


def test_non_numeric_priority(data_copy):
    edit_cell(data_copy / FILES["allocation_pcp_priorities"], 0, "priority", "P3")
    assert "column 'priority'" in str(problem_for(data_copy))


def test_duplicate_allocation_id(data_copy):
    path = data_copy / FILES["allocations"]
    first = read_rows(path)[0]["allocation_id"]
    edit_cell(path, 1, "allocation_id", first)
    text = str(problem_for(data_copy))
    assert "row 3, column 'allocation_id'" in text and "already used in row 2" in text


def test_allocations_above_the_grant(data_copy):
    edit_cell(data_copy / FILES["allocations"], 8, "amount", "£260,200")  # SP-2018-19-01
    text = str(problem_for(data_copy))
    assert "allocations for 2018-19 total £500,568" in text and "by £100,000" in text


def test_missing_column(data_copy):
    path = data_copy / FILES["allocations"]
    rows = read_rows(path)
    for r in rows:
        del r["status"]
    write_rows(path, rows)
    text = str(problem_for(data_copy))
    assert "allocations.csv, row 1, column 'status': column is missing" in text


def test_a_column_named_another_way_is_named_not_lost(data_copy):
    """'Preferred option' for preferred_option would leave the column unread; an optional column
    (sources.csv's standing) would be read as blank without a word. Both are refused, naming the
    header cell; an analyst's own extra column of another name is kept as it is."""
    write_rows(
        data_copy / "decisions.csv",
        [
            {
                "financial_year": "2018-19",
                "decision": "partner figures",
                "Preferred Option": "",
                "reason": "",
                "lead": "",
            }
        ],
    )
    sources = read_rows(data_copy / FILES["sources"])
    for r in sources:
        r["Standing"] = r.pop("standing")
        r["our_notes"] = "kept"
    write_rows(data_copy / FILES["sources"], sources)
    text = str(problem_for(data_copy))
    assert "decisions.csv, row 1, column 'preferred_option': column is missing from the header; found " in text
    assert "'Preferred Option': name it preferred_option" in text
    assert "sources.csv, row 1, column 'standing': column is missing from the header; found 'Standing'" in text
    assert "our_notes" not in text


@pytest.mark.parametrize("bad", ["2018-20", "18/19", "2018"])
def test_malformed_year(data_copy, bad):
    edit_cell(data_copy / FILES["grants"], 1, "financial_year", bad)
    text = str(problem_for(data_copy))
    assert "grants.csv, row 3, column 'financial_year'" in text and "2018-19" in text


def test_status_must_agree_with_amount(data_copy):
    edit_cell(data_copy / FILES["allocations"], 4, "status", "allocated")  # a Tbc line
    assert "expected an amount" in str(problem_for(data_copy))


def test_wrong_number_of_cells(data_copy):
    path = data_copy / FILES["pcp_priorities"]
    path.write_text(path.read_text(encoding="utf-8") + "6,Extra,x\n", encoding="utf-8")
    assert "expected 4 cells, found 3" in str(problem_for(data_copy))


def test_missing_file(data_copy):
    (data_copy / FILES["outcome_measures"]).unlink()
    assert "outcome_measures.csv: file not found" in str(problem_for(data_copy))


def test_a_pound_sign_saved_in_windows_1252_is_read_right(data_copy):
    """Excel's plain "CSV" format writes Windows-1252, where the pound sign is the byte A3."""
    path = data_copy / FILES["allocations"]
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    assert b"\xa3160,200" in path.read_bytes()
    data = load_dataset(data_copy)
    amounts = data.allocations.set_index("allocation_id")["amount"]
    assert amounts["SP-2018-19-01"] == 160_200 and amounts.sum() == 233_500 + 400_568


def test_bytes_neither_utf8_nor_windows_1252_are_refused_naming_row_and_column(data_copy):
    path = data_copy / FILES["grants"]
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Safer Plymouth", b"Safer \x81Plymouth", 1)
    path.write_bytes(b"\n".join(lines))
    text = str(problem_for(data_copy))
    assert "grants.csv, row 3, column 'recipient'" in text and "save it as 'CSV UTF-8'" in text


def test_an_emptied_file_is_refused(data_copy):
    (data_copy / FILES["allocations"]).write_bytes(b"")
    assert "allocations.csv, row 1: the file is empty: expected a header row" in str(problem_for(data_copy))


def test_a_negative_grant_is_refused(data_copy):
    edit_cell(data_copy / FILES["grants"], 1, "amount", "-£400,568")
    text = str(problem_for(data_copy))
    assert "grants.csv, row 3, column 'amount'" in text and "negative" in text


def test_byte_order_mark_is_accepted(data_copy):
    path = data_copy / FILES["grants"]
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_dataset(data_copy).grant_for("2018-19") == 400_568


def test_unknown_link_target(data_copy):
    edit_cell(data_copy / FILES["allocation_pcp_priorities"], 0, "allocation_id", "SP-NOPE")
    assert "unknown allocation 'SP-NOPE'" in str(problem_for(data_copy))


def test_context_range_must_be_ordered(data_copy):
    edit_cell(data_copy / FILES["context_figures"], 0, "value_low", "99")
    assert "column 'value_high'" in str(problem_for(data_copy))


def test_many_problems_are_listed_together(data_copy):
    path = data_copy / FILES["pcp_priorities"]
    rows = read_rows(path)
    for r in rows:
        r["priority"] = "x"
    write_rows(path, rows)
    err = problem_for(data_copy)
    assert len(err.problems) == 5 and str(err).startswith("5 problems in the input data")


# --- the assessment and rationale inputs ------------------------------------------------------


@pytest.mark.parametrize(
    "file,row,column,value,expected",
    [
        ("threat_risk_harm_scores", 0, "harm", "6", "whole number from 1 to 5"),
        ("threat_risk_harm_scores", 0, "priority_key", "burglary", "unknown local priority 'burglary'"),
        ("threat_risk_harm_scores", 0, "confidence", "sure", "expected one of"),
        ("outcome_returns", 0, "numerator", "70", "expected at most the denominator"),
        ("outcome_returns", 0, "quarter", "5", "whole number from 1 to 4"),
        ("outcome_returns", 0, "measure_id", "SP-NOPE-M01", "unknown measure"),
        ("allocation_local_priorities", 0, "priority_key", "nope", "unknown local priority 'nope'"),
        ("assessment_method", 0, "value", "-1", "at least 0"),
    ],
)
def test_bad_rows_in_the_assessment_and_rationale_inputs(data_copy, file, row, column, value, expected):
    edit_cell(data_copy / FILES[file], row, column, value)
    text = str(problem_for(data_copy))
    assert f"{FILES[file]}, row {row + 2}, column '{column}'" in text and expected in text


def test_duplicate_return_for_a_quarter(data_copy):
    path = data_copy / FILES["outcome_returns"]
    rows = read_rows(path)
    write_rows(path, rows + [rows[0]])
    assert "already has a return for this quarter" in str(problem_for(data_copy))


# --- the partnership's own known breaks, and several scorers ----------------------------------


def test_a_project_made_before_known_breaks_reads_them_as_none(data_copy):
    (data_copy / FILES["known_breaks"]).unlink()
    dataset = load_dataset(data_copy)
    assert dataset.known_breaks.empty and list(dataset.known_breaks.columns) == [
        "first_month",
        "last_month",
        "crime_types",
        "what",
        "source",
    ]


def test_known_breaks_are_read_with_their_crime_types(data_copy):
    write_rows(
        data_copy / FILES["known_breaks"],
        [
            {"first_month": "2018-10", "last_month": "", "crime_types": "drugs; Vehicle Crime", "what": "Operation X"},
            {"first_month": "2019-06", "last_month": "2019-08", "crime_types": "", "what": "city-centre CCTV"},
        ],
        ["first_month", "last_month", "crime_types", "what", "source"],
    )
    breaks = load_dataset(data_copy).known_breaks
    assert breaks["crime_types"].tolist() == [("Drugs", "Vehicle crime"), None]
    assert breaks["last_month"].isna().tolist() == [True, False] and breaks.at[3, "last_month"] == "2019-08"


@pytest.mark.parametrize(
    "column,value,expected",
    [
        ("first_month", "October 2018", "expected a month as YYYY-MM"),
        ("last_month", "2018-13", "expected a month as YYYY-MM"),
        ("last_month", "2018-09", "expected 2018-10 or later"),
        ("crime_types", "Drugs; Knife crime", "expected police.uk crime types"),
        ("what", "", "a value is required here"),
    ],
)
def test_a_bad_known_break_is_named_by_file_row_and_column(data_copy, column, value, expected):
    row = {"first_month": "2018-10", "last_month": "", "crime_types": "Drugs", "what": "Operation X", "source": ""}
    write_rows(data_copy / FILES["known_breaks"], [row | {column: value}])
    text = str(problem_for(data_copy))
    assert f"{FILES['known_breaks']}, row 2, column '{column}'" in text and expected in text


def test_several_scorers_may_score_a_priority_but_each_only_once(data_copy):
    path = data_copy / FILES["threat_risk_harm_scores"]
    rows = read_rows(path)
    fields = [*rows[0], "scorer"]
    panel = [r | {"scorer": "analyst"} for r in rows] + [r | {"scorer": "police", "harm": "4"} for r in rows]
    write_rows(path, panel, fields)
    scores = load_dataset(data_copy).threat_risk_harm_scores
    assert set(scores["scorer"]) == {"analyst", "police"}
    write_rows(path, panel + [panel[0]], fields)
    assert f"{rows[0]['priority_key']} is scored twice by analyst for {rows[0]['financial_year']}" in str(
        problem_for(data_copy)
    )


def test_a_stated_link_to_a_local_priority_must_be_cited(data_copy):
    """Once the links file cites where the document states a link, every stated link needs its place;
    a cited document must be one of sources.csv's."""
    path = data_copy / FILES["allocation_local_priorities"]
    rows = read_rows(path)
    first = next(i for i, r in enumerate(rows) if r["basis"] == "stated")
    edit_cell(path, first, "source_document", "")
    err = str(problem_for(data_copy))
    assert "allocation_local_priorities.csv" in err and f"row {first + 2}" in err and "source_document" in err
    edit_cell(path, first, "source_document", "no-such-document")
    assert "unknown document 'no-such-document'" in str(problem_for(data_copy))


def test_older_files_without_the_later_columns_still_load(data_copy):
    """An older project's links file has no citation columns and its sources.csv no draft column:
    both load, the missing cells read as not stated."""
    for name, drop in (("allocation_local_priorities", ("source_document", "source_section")), ("sources", ("draft",))):
        path = data_copy / FILES[name]
        rows = read_rows(path)
        fields = [f for f in rows[0] if f not in drop]
        write_rows(path, [{f: r[f] for f in fields} for r in rows], fieldnames=fields)
    ds = load_dataset(data_copy)
    assert ds.allocation_local_priorities["source_document"].isna().all()
    assert ds.sources["draft"].isna().all()


def test_a_split_line_gives_every_part_and_they_add_up(data_copy):
    """document_amount: where a document splits a line between priorities, each link gives its part
    and the parts add up to the line's amount; otherwise an error names file, row and column."""
    path = data_copy / FILES["allocation_local_priorities"]
    rows = read_rows(path)
    plan = [i for i, r in enumerate(rows) if r["allocation_id"] == "SP-2018-19-05"]  # £30,000, six themes
    edit_cell(path, plan[0], "document_amount", "£10,000")
    err = str(problem_for(data_copy))
    assert "allocation_local_priorities.csv" in err and "document_amount" in err and "every link" in err
    for i in plan:
        edit_cell(path, i, "document_amount", "£4,000")
    err = str(problem_for(data_copy))
    assert f"row {plan[0] + 2}" in err and "the parts add up to £24,000; expected the line's amount (£30,000)" in err
    edit_cell(path, plan[0], "document_amount", "£10,000")
    load_dataset(data_copy)  # 10,000 + 5 × 4,000 = 30,000


def test_each_years_documents_say_what_they_are_from_sources_csv(dataset):
    """The paper's decisions and the spend analysis read what each document is in one place: the
    2017-18 lines rest on a draft, the 2018-19 lines on an unsigned plan of intended spending."""
    (draft,) = dataset.documents_for("2017-18")
    assert (draft.document_id, draft.date, draft.draft, draft.approved) == (
        "commissioning-2017",
        "2017-01",
        True,
        False,
    )
    assert draft.title.startswith("DRAFT Safer Plymouth Integrated Commissioning")
    (plan,) = dataset.documents_for("2018-19")
    assert plan.document_id == "spending-plan-2018-19" and not plan.draft and not plan.approved
    assert plan.standing.startswith("a plan of intended spending")
    assert dataset.documents_for("2030-31") == []
