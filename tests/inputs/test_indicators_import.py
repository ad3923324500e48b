"""``safer-analysis import-indicators``: a downloaded file added to the project's indicators, a
period imported again replacing its rows, a priority linked, and bad files refused with exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from safer_analysis.cli import EXIT_DATA, EXIT_USAGE, main
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.indicators import priorities, tidy
from tests.conftest import read_rows
from tests.inputs.indicator_files import FINGERTIPS_HEADER, TIDY_HEADER, fingertips_rows, tidy_row, write_csv


def _run(project: Path, *args: str) -> int:
    return main(["import-indicators", *args, "--project", str(project)])


def test_an_import_adds_the_rows_and_says_what_it_added(project_copy: Path, tmp_path: Path, capsys):
    export = write_csv(tmp_path / "fingertips.csv", fingertips_rows(), FINGERTIPS_HEADER)
    assert _run(project_copy, str(export)) == 0
    said = capsys.readouterr().out
    assert "fingertips.csv (OHID Fingertips export): 1 indicator, 6 rows, 2018/19 - 20/21 to 2020/21 - 22/23" in said
    assert "Not yet linked to a priority" in said
    held = read_rows(project_copy / "data" / tidy.FILE)
    assert len(held) == 6 and list(held[0]) == tidy.NAMES
    assert load_dataset(project_copy / "data")  # the project still checks


def test_a_period_imported_again_replaces_its_rows_and_keeps_the_others(project_copy: Path, tmp_path: Path):
    first = write_csv(
        tmp_path / "a.csv",
        [tidy_row(period=p, value=v) for p, v in (("2018/19", "31"), ("2019/20", "28"))],
        TIDY_HEADER,
    )
    again = write_csv(
        tmp_path / "b.csv",
        [tidy_row(period="2019/20", value="26"), tidy_row(period="2020/21", value="24")],
        TIDY_HEADER,
    )
    assert _run(project_copy, str(first)) == 0
    assert _run(project_copy, str(again)) == 0
    held = {r["period"]: r["value"] for r in read_rows(project_copy / "data" / tidy.FILE)}
    assert held == {"2018/19": "31", "2019/20": "26", "2020/21": "24"}


def test_priority_links_every_indicator_imported_by_key_or_name(project_copy: Path, tmp_path: Path, capsys):
    path = write_csv(tmp_path / "a.csv", [tidy_row()], TIDY_HEADER)
    before = read_rows(project_copy / "data" / priorities.FILE)
    assert (
        _run(
            project_copy,
            str(path),
            "--priority",
            "domestic abuse and sexual violence including child sexual exploitation",
        )
        == 0
    )
    assert "Linked to the priority domestic_abuse_sexual_violence." in capsys.readouterr().out
    links = read_rows(project_copy / "data" / priorities.FILE)
    assert links[: len(before)] == before  # the links held stay, and the new one follows
    assert [(r["priority_key"], r["source"], r["measure"]) for r in links[len(before) :]] == [
        ("domestic_abuse_sexual_violence", "indicator", "MARAC repeat cases")
    ]
    assert _run(project_copy, str(path), "--priority", "domestic_abuse_sexual_violence") == 0  # not linked twice
    assert len(read_rows(project_copy / "data" / priorities.FILE)) == len(before) + 1


def test_an_unknown_priority_or_a_missing_file_is_exit_2_and_changes_nothing(
    project_copy: Path, tmp_path: Path, capsys
):
    path = write_csv(tmp_path / "a.csv", [tidy_row()], TIDY_HEADER)
    held = {name: (project_copy / "data" / name).read_bytes() for name in (tidy.FILE, priorities.FILE)}
    assert _run(project_copy, str(path), "--priority", "burglary") == EXIT_USAGE
    assert "--priority 'burglary' is no local priority" in capsys.readouterr().err
    assert _run(project_copy, str(tmp_path / "none.csv")) == EXIT_USAGE
    assert {name: (project_copy / "data" / name).read_bytes() for name in held} == held


def test_a_bad_row_is_exit_3_naming_file_row_and_column_and_the_indicators_held_stay(
    project_copy: Path, tmp_path: Path, capsys
):
    good = write_csv(tmp_path / "good.csv", [tidy_row()], TIDY_HEADER)
    assert _run(project_copy, str(good)) == 0
    before = (project_copy / "data" / tidy.FILE).read_bytes()
    rows = fingertips_rows()
    rows[3]["Time period"] = "2019/2021"
    bad = write_csv(tmp_path / "bad.csv", rows, FINGERTIPS_HEADER)
    capsys.readouterr()
    assert _run(project_copy, str(bad)) == EXIT_DATA
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: in the input data: {bad}, row 5, column 'Time period': expected a period")
    assert len(err.splitlines()) == 1
    assert (project_copy / "data" / tidy.FILE).read_bytes() == before


def test_check_refuses_a_bad_indicators_file_with_exit_3(project_copy: Path, capsys):
    write_csv(project_copy / "data" / tidy.FILE, [tidy_row(value="lots")], TIDY_HEADER)
    assert main(["check", "--project", str(project_copy)]) == EXIT_DATA
    assert "indicators.csv, row 2, column 'value': expected a number, found 'lots'" in capsys.readouterr().err


@pytest.mark.parametrize("name", [tidy.FILE, priorities.FILE])
def test_a_project_without_the_files_checks_as_before(project_copy: Path, name: str):
    (project_copy / "data" / name).unlink(missing_ok=True)
    assert main(["check", "--project", str(project_copy)]) == 0


def test_init_writes_both_files_with_their_headers_only_and_a_new_project_imports(tmp_path: Path, capsys):
    project = tmp_path / "exeter"
    assert main(["init", str(project), "--csp", "Exeter", "--year", "2019-20"]) == 0
    for name, header in ((tidy.FILE, tidy.NAMES), (priorities.FILE, priorities.NAMES)):
        assert (project / "data" / name).read_text(encoding="utf-8").splitlines() == [",".join(header)]
    assert "data/indicators.csv" in (project / "README.md").read_text(encoding="utf-8")
    path = write_csv(tmp_path / "a.csv", [tidy_row(area_code="E07000041", area_name="Exeter")], TIDY_HEADER)
    assert _run(project, str(path)) == 0
    assert main(["check", "--project", str(project)]) == 0


def test_new_year_carries_the_mapping(data_copy: Path, capsys):
    links = [
        {"priority_key": "hate_crime", "source": "indicator", "measure": "Hate incidents", "held_by": "the police"},
    ]
    write_csv(data_copy / priorities.FILE, links, priorities.NAMES)
    held = (data_copy / priorities.FILE).read_bytes()
    assert main(["new-year", "2019-20", "--project", str(data_copy.parent)]) == 0
    assert "priority_measures.csv: what measures each priority carries on" in capsys.readouterr().out
    assert (data_copy / priorities.FILE).read_bytes() == held


def test_new_year_writes_the_one_mapping_for_a_project_made_before_it(data_copy: Path, capsys):
    """The two files the mapping replaced are read, written as one, and left where they are."""
    mapping = priorities.read_project(data_copy)
    (data_copy / priorities.FILE).unlink()
    old = {
        priorities.OLD_CRIME_TYPES: "priority_key,crime_type,relation,note\n"
        "emerging_threats,Anti-social behaviour,measures,\nhate_crime,,not measured,no flag\n",
        priorities.OLD_INDICATORS: "priority_key,indicator,held_by,note\nhate_crime,Hate incidents,the police,\n",
    }
    for name, text in old.items():
        (data_copy / name).write_text(text, encoding="utf-8")
    assert main(["check", "--project", str(data_copy.parent)]) == 0
    assert main(["new-year", "2019-20", "--project", str(data_copy.parent)]) == 0
    assert "those two are no longer read" in capsys.readouterr().out
    written = read_rows(data_copy / priorities.FILE)
    assert [(r["priority_key"], r["source"], r["measure"]) for r in written] == [
        ("emerging_threats", "police.uk", "Anti-social behaviour"),
        ("hate_crime", "police.uk", ""),
        ("hate_crime", "indicator", "Hate incidents"),
    ]
    assert {name: (data_copy / name).read_text(encoding="utf-8") for name in old} == old
    assert len(mapping) > len(written)  # Plymouth's own mapping was set aside, not merged in


def test_check_says_which_indicators_are_held_named_but_not_supplied_and_not_yet_linked(project_copy: Path, capsys):
    assert main(["check", "--project", str(project_copy)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Partner indicators:"))
    mapping = read_rows(project_copy / "data" / priorities.FILE)
    for link in (m for m in mapping if m["source"] != "police.uk"):  # each named but not held is listed
        held = link["measure"].startswith(("First-time entrants", "Proven reoffending", "Sexual offences", "Stalking"))
        assert (link["measure"] in line.split("named but not supplied: ")[1]) != held
    assert "not yet linked to a priority: Violence with injury (police recorded crime)" in line


def test_check_names_a_priority_nothing_says_what_measures(project_copy: Path, capsys):
    mapping = project_copy / "data" / priorities.FILE
    rows = [r for r in read_rows(mapping) if r["priority_key"] != "prevent"]
    write_csv(mapping, rows, priorities.NAMES)
    assert main(["check", "--project", str(project_copy)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Nothing says what measures"))
    assert line.endswith(": prevent.")
