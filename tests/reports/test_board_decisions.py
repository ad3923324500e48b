"""The board paper's author on its decisions (data/decisions.csv): the option recommended, why and
who leads, named by the keys `check` lists; a row naming no decision or option is refused."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.validation import DataValidationError
from safer_analysis.present.board_paper import _recommendations
from safer_analysis.reports.board_paper.decisions import FIGURES_KEY, recommendations, with_author
from tests.conftest import write_rows

HEADER = ["financial_year", "decision", "preferred_option", "reason", "lead"]


def _row(decision: str, option: str = "", reason: str = "", lead: str = "", year: str = "2018-19") -> dict:
    return dict(zip(HEADER, [year, decision, option, reason, lead], strict=True))


def test_each_decision_has_a_key_and_plymouths_are_named_by_document_and_line(dataset):
    keys = [d.key for d in recommendations(dataset, "2018-19")]
    # the unsigned plan, the two contracts (the sooner first), the plan's own recommendation to agree
    assert keys == [
        "plan spending-plan-2018-19",
        "contract SP-2018-19-02",
        "contract SP-2018-19-01",
        "recommendation spending-plan-2018-19 table row 8",
    ]
    agree = recommendations(dataset, "2018-19")[-1]  # the plan's own advice, written in its line's row
    assert agree.why.endswith("table row 8, the plan's line that gives it £20,000.")
    keys = [d.key for d in recommendations(dataset, "2017-18")]
    assert keys[0] == "plan commissioning-2017" and len(set(keys)) == len(keys)


def test_the_authors_option_reason_and_lead_go_with_their_decision(data_copy: Path):
    rows = [
        _row(
            "Contract SP-2018-19-01",
            "commit to it, subject to the next grant",
            "the service has no other funder",
            "Head of community safety",
        ),
        _row("plan spending-plan-2018-19", lead="Safer Plymouth manager"),
    ]
    write_rows(data_copy / "decisions.csv", rows, HEADER)
    dataset = load_dataset(data_copy)
    out = {d.key: d for d in with_author(dataset, "2018-19", recommendations(dataset, "2018-19"))}
    contract = out["contract SP-2018-19-01"]
    # the paper's own words for the option, whatever the case the author wrote it in
    assert contract.preferred == "Commit to it, subject to the next grant"
    assert contract.preferred_text == "Commit to it, subject to the next grant. The service has no other funder."
    assert contract.lead == "Head of community safety"
    plan = out["plan spending-plan-2018-19"]
    assert plan.preferred == "" and plan.lead == "Safer Plymouth manager" and plan.preferred_text == "none given yet."
    # what a document recommends is said apart: whether the author recommends an option is said too
    assert out["contract SP-2018-19-02"].recommended and out["contract SP-2018-19-02"].preferred_text == (
        "none given yet."
    )
    html = _recommendations(SimpleNamespace(recommendations=list(out.values())))
    assert "<strong>Commit to it, subject to the next grant</strong> (recommended):" in html
    assert "<strong>Recommended option</strong>: Commit to it, subject to the next grant. The service" in html
    assert "<strong>Lead</strong>: Head of community safety.</p>" in html
    # every decision the author has not recommended an option for, the document's own included
    assert html.count("<strong>Recommended option</strong>: none given yet.") == 3
    assert html.count("<strong>Lead</strong>: not named yet.") == 2  # the two without one: a lead is asked of each
    # the other year's rows are not this year's
    assert all(not d.preferred for d in with_author(dataset, "2017-18", recommendations(dataset, "2017-18")))


@pytest.mark.parametrize(
    "row,column,message",
    [
        (
            _row("contract SP-2018-19-09", "Let it end"),
            "decision",
            "no decision 'contract SP-2018-19-09' in the 2018-19 paper; expected one of: "
            "plan spending-plan-2018-19; contract SP-2018-19-02",
        ),
        (
            _row("contract SP-2018-19-01", "Let it end"),
            "preferred_option",
            "expected one of the options for 'contract SP-2018-19-01': Commit to it, subject to the next grant; "
            "Look for other funding; Wait until the 2019-20 grant is known; found 'Let it end'",
        ),
        (
            _row(FIGURES_KEY, "Ask for them later"),
            "preferred_option",
            "Ask for them now; Carry on without them; found 'Ask for them later'",
        ),
    ],
)
def test_a_row_naming_no_decision_or_option_of_the_year_is_refused(data_copy: Path, capsys, row, column, message):
    write_rows(data_copy / "decisions.csv", [row], HEADER)
    dataset = load_dataset(data_copy)
    with pytest.raises(DataValidationError, match="decisions.csv"):
        with_author(dataset, "2018-19", recommendations(dataset, "2018-19"))
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    assert f"{data_copy / 'decisions.csv'}, row 2, column '{column}': " in capsys.readouterr().err
    with pytest.raises(DataValidationError) as caught:
        with_author(dataset, "2018-19", recommendations(dataset, "2018-19"))
    assert message in str(caught.value)


def test_one_decision_given_twice_is_refused_and_check_lists_the_keys(data_copy: Path, capsys):
    write_rows(
        data_copy / "decisions.csv", [_row("unallocated", year="2017-18"), _row("Unallocated", year="2017-18")], HEADER
    )
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    assert "row 3, column 'decision': 'unallocated' for 2017-18 is already in row 2" in capsys.readouterr().err
    write_rows(data_copy / "decisions.csv", [_row("partner figures", "Ask for them now")], HEADER)
    assert main(["check", "--project", str(data_copy.parent)]) == 0
    out = capsys.readouterr().out
    assert (
        "  2018-19: plan spending-plan-2018-19; contract SP-2018-19-02; contract SP-2018-19-01; "
        "recommendation spending-plan-2018-19 table row 8; "
        "partner figures (put where partners' figures are missing). Options recommended: 1." in out
    )


def test_a_project_without_the_file_reads_it_as_empty(data_copy: Path):
    (data_copy / "decisions.csv").unlink()
    dataset = load_dataset(data_copy)
    assert dataset.decisions.empty
    decisions = with_author(dataset, "2018-19", recommendations(dataset, "2018-19"))
    assert [d.preferred_text for d in decisions] == ["none given yet."] * 4


# ---- implications ------------------------------------------------------------------------------


def test_the_financial_implications_the_data_show_use_documented_amounts_only(dataset):
    from safer_analysis.reports.board_paper.implications import implications

    financial, legal, equalities = implications(dataset, "2018-19")
    assert (financial.heading, legal.heading, equalities.heading) == ("Financial", "Legal", "Equalities")
    assert financial.sentences == [
        # the two lines under contract apart from the rest, each by its own amount (no part-sum of the plan)
        "Two of the lines are for services under contract (Plymouth Domestic Abuse Service, £160,200; Therapeutic "
        "counselling for victims of sexual assault, £25,000); until the plan is approved, the other seven lines "
        "are confirmed to no provider.",
        "Letting the contract for Therapeutic counselling for victims of sexual assault with First Light end in "
        "October 2018 leaves unspent whatever of its £25,000 is not used by then; no document says how much, or "
        "whether it may be spent again.",
        "Keeping the contract for Plymouth Domestic Abuse Service to December 2019 is a first call on a grant for "
        "2019-20 that no document confirms yet; no document gives the cost of its 9 months in 2019-20.",
    ]
    assert legal.text == equalities.text == "Not yet assessed: the paper's author has not set these out."
    (financial, *_) = implications(dataset, "2017-18")  # a draft's amounts are proposed, not set out
    assert financial.sentences[0] == (
        "One of the lines is for services under contract (Plymouth Domestic Abuse Service, £110,000); until the "
        "amounts proposed in the draft are agreed, the other seven lines are confirmed to no provider."
    )


def test_the_authors_implications_follow_the_datas_with_their_source(data_copy: Path, capsys):
    from safer_analysis.reports.board_paper.implications import implications

    rows = [
        {
            "financial_year": "2018-19",
            "kind": "legal",
            "text": "The grant is made under section 9 of the Act",
            "source": "Legal services, March 2018",
        },
        {"financial_year": "2018-19", "kind": "equalities", "text": "No service is reduced!", "source": ""},
        {"financial_year": "2018-19", "kind": "financial", "text": "The reserve holds nothing.", "source": " "},
        {"financial_year": "2017-18", "kind": "legal", "text": "Another year's.", "source": ""},
    ]
    write_rows(data_copy / "implications.csv", rows)
    financial, legal, equalities = implications(load_dataset(data_copy), "2018-19")
    assert legal.text == "The grant is made under section 9 of the Act (Legal services, March 2018)."
    assert equalities.text == "No service is reduced!"
    assert financial.sentences[-1] == "The reserve holds nothing." and len(financial.sentences) == 4
    rows[0]["kind"] = "environmental"
    write_rows(data_copy / "implications.csv", rows)
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    assert "implications.csv, row 2, column 'kind': " in capsys.readouterr().err


# ---- careless rows -------------------------------------------------------------------------------


def test_a_reason_without_an_option_and_a_year_without_a_grant_are_refused_before_success_is_said(
    data_copy: Path, capsys
):
    write_rows(data_copy / "decisions.csv", [_row("plan spending-plan-2018-19", reason="the plan is fine")], HEADER)
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    out, err = capsys.readouterr()
    assert "row 2, column 'preferred_option': a reason is given but no option; expected the option for" in err
    assert "all files valid" not in out  # nothing said to be valid before the refusal
    write_rows(
        data_copy / "decisions.csv", [_row("plan", "Ask for a plan by the next meeting", year="2019-20")], HEADER
    )
    write_rows(
        data_copy / "implications.csv",
        [{"financial_year": "2016-17", "kind": "legal", "text": "x", "source": ""}],
    )
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    err = capsys.readouterr().err
    assert "decisions.csv, row 2, column 'financial_year': no grant for 2019-20 in grants.csv" in err
    assert "implications.csv, row 2, column 'financial_year': no grant for 2016-17 in grants.csv" in err


def test_a_row_for_the_partner_figures_when_the_paper_does_not_ask_for_them_is_said_unused(data_copy: Path):
    from safer_analysis.reports.board_paper.decisions import unused

    write_rows(data_copy / "decisions.csv", [_row("partner figures", "Ask for them now")], HEADER)
    dataset = load_dataset(data_copy)
    decisions = recommendations(dataset, "2018-19")  # the assessment's request not among them
    assert unused(dataset, "2018-19", decisions) == [
        f"{data_copy / 'decisions.csv'}, row 2: the 2018-19 paper puts no decision 'partner figures' this time, "
        "so the row is not used"
    ]


def test_the_authors_own_punctuation_is_kept(data_copy: Path):
    rows = [
        _row("contract SP-2018-19-01", "Look for other funding", "is the need met elsewhere?", 'Jo Bloggs, "Head".')
    ]
    write_rows(data_copy / "decisions.csv", rows, HEADER)
    dataset = load_dataset(data_copy)
    (contract,) = [
        d for d in with_author(dataset, "2018-19", recommendations(dataset, "2018-19")) if d.key.startswith("contract")
    ][1:]
    assert contract.preferred_text == "Look for other funding. Is the need met elsewhere?"
    html = _recommendations(SimpleNamespace(recommendations=[contract]))
    assert "<strong>Lead</strong>: Jo Bloggs, &quot;Head&quot;.</p>" in html


def test_a_folder_where_the_file_should_be_is_named(data_copy: Path):
    (data_copy / "decisions.csv").unlink()
    (data_copy / "decisions.csv").mkdir()
    with pytest.raises(DataValidationError, match=r"decisions.csv: a folder, not a file: expected a CSV file"):
        load_dataset(data_copy)


def test_a_recommendation_is_named_by_the_section_that_makes_it_else_by_its_place(data_copy: Path):
    """Adding or moving rows of recommendations.csv leaves a documented recommendation's name as it
    was; two from one section, or the analyst's own, are named by their place among the year's rows."""
    from tests.conftest import read_rows

    rows = read_rows(data_copy / "recommendations.csv")
    ours = {
        "financial_year": "2018-19",
        "recommendation": "Review the night-time economy patrols.",
        "source_document": "",
        "source_section": "",
    }
    again = {**rows[2], "recommendation": "Share the evidence on drug related harm with the commissioner."}
    write_rows(data_copy / "recommendations.csv", [ours, *rows, again])
    keys = [d.key for d in recommendations(load_dataset(data_copy), "2018-19")]
    assert keys[-3:] == ["recommendation 1", "recommendation spending-plan-2018-19 table row 8", "recommendation 4"]
