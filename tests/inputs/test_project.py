"""Project folders: found from the working folder upwards or given, settings read strictly, and
``init`` making a project that builds before anything is entered."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from safer_analysis.cli import main
from safer_analysis.errors import NoProjectError, SettingsError
from safer_analysis.inputs import reference
from safer_analysis.inputs.areas import UnknownAreaError, resolve
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.project import (
    SETTINGS_FILE,
    check_codes,
    find_project,
    load_project,
    parse_settings,
    resolve_project,
)
from safer_analysis.pipeline import notebooks
from safer_analysis.scaffold.init import InitError, current_year, find_area, init, settings_text

from ..conftest import ROOT


def test_the_repository_is_plymouths_project(project):
    assert project.root == ROOT and project.settings.name == "Safer Plymouth"
    assert project.settings.local_authority_codes == ("E06000026",) and project.settings.csp_code == "E22000056"
    assert project.settings.default_year == "2018-19"


def test_a_project_is_found_from_any_folder_below_it(project_copy):
    below = project_copy / "data" / "crime"
    assert find_project(below).root == project_copy.resolve()


def test_outside_a_project_the_error_says_how_to_make_one(tmp_path):
    with pytest.raises(NoProjectError, match="safer-analysis init DIR --csp NAME"):
        find_project(tmp_path)
    with pytest.raises(NoProjectError, match="is not a safer-analysis project"):
        load_project(tmp_path)


def test_the_environment_names_a_project_when_none_is_given(project_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAFER_ANALYSIS_PROJECT", str(project_copy))
    assert resolve_project().root == project_copy.resolve()


def test_commands_outside_a_project_exit_2_with_the_way_out(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAFER_ANALYSIS_PROJECT", raising=False)
    assert main(["check"]) == 2
    assert "safer-analysis init" in capsys.readouterr().err


def test_commands_follow_the_working_folder_not_the_install(project_copy, monkeypatch, capsys):
    """Run inside a copy, the command reads the copy's data: a grant changed there shows."""
    grants = project_copy / "data" / "grants.csv"
    grants.write_text(grants.read_text().replace("2018-19,", "2019-20,").replace("2018-19", "2019-20"))
    monkeypatch.chdir(project_copy / "notebooks")
    monkeypatch.delenv("SAFER_ANALYSIS_PROJECT", raising=False)
    assert main(["years"]) == 3  # the copy's allocations now cite a year with no grant: its own data, refused
    assert "grants.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text,message",
    [
        ("[partnership]\nname = 'X'\n", "[partnership] area is missing"),
        ("[partnership]\nname = 'X'\narea = 'Y'\ncolour = 'red'\n", "unknown setting [partnership] colour"),
        ("[partnership]\nname = 'X'\narea = 'Y'\n[reports]\ndefault_year = '2018_19'\n", "default_year"),
        ("[partnership]\nname = 'X'\narea = 'Y'\n[reports]\nsuppression_threshold = 'five'\n", "whole number"),
        ("[partnership]\nname = 'X'\narea = 'Y'\n[reports]\nsuppression_threshold = 101\n", "from 1 to 100"),
        ("[partnership]\nname = 'X'\narea = 'Y'\n[reports]\nsuppression_threshold = 1000000\n", "from 1 to 100"),
        ("[partnership]\nname = 'X'\narea = 'Y'\nlocal_authority_codes = [1]\n", "list of text"),
        ("[partnership\nname = 'X'\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_file_and_the_setting(tmp_path, text, message):
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
        parse_settings(text, tmp_path / SETTINGS_FILE)
    assert str(tmp_path / SETTINGS_FILE) in str(err.value)


@pytest.mark.parametrize(
    "name,codes,csp",
    [
        ("Plymouth", ("E06000026",), "E22000056"),
        ("plymouth", ("E06000026",), "E22000056"),
        ("South Devon and Dartmoor", ("E07000044", "E07000045", "E07000047"), "E22000364"),
        ("Teignbridge", ("E07000045",), ""),  # an authority within a larger CSP: the authority alone
    ],
)
def test_an_area_is_found_by_name_in_any_case(name, codes, csp):
    area = find_area(name)
    assert area.authority_codes == codes and area.force == "Devon & Cornwall"
    if csp:
        assert area.code == csp


def test_a_near_miss_gets_a_suggestion():
    with pytest.raises(InitError, match="did you mean.*'Torbay'"):
        find_area("Torbey")


def test_init_makes_a_project_with_empty_inputs_that_validate(tmp_path):
    made = init(tmp_path / "torbay", "Torbay", year="2019-20")
    project = load_project(made.root)
    assert project.settings.area == "Torbay" and project.settings.default_year == "2019-20"
    dataset = load_dataset(project.data_dir)
    assert dataset.years == ["2019-20"] and dataset.grant_or_none("2019-20") is None
    assert dataset.allocations.empty and dataset.local_priorities.empty
    assert dataset.draft_items("2019-20")[0] == "the 2019-20 grant (Tbc in grants.csv)"
    assert {s.state for s in notebooks.compare_copies(project.notebooks_dir)} == {"in step"}
    assert (made.root / "README.md").read_text().startswith("# Safer Torbay")


def test_init_refuses_a_folder_in_use_and_leaves_nothing_behind(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(InitError, match="not an empty folder"):
        init(tmp_path / "used", "Torbay")
    with pytest.raises(InitError, match="did you mean"):
        init(tmp_path / "new", "Torbey")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["used"]


def test_init_command_exit_codes(tmp_path, capsys):
    assert main(["init", str(tmp_path / "p"), "--csp", "Exeter", "--year", "2018-19"]) == 0
    assert "import-police-uk" in capsys.readouterr().out
    assert main(["init", str(tmp_path / "q"), "--csp", "Nowhere-on-Sea"]) == 2


def test_current_year_turns_in_april():
    import datetime as dt

    assert current_year(dt.date(2026, 3, 31)) == "2025-26" and current_year(dt.date(2026, 4, 1)) == "2026-27"


def test_notebooks_command_reports_and_refreshes_a_changed_copy(project_copy, capsys):
    copy = project_copy / "notebooks" / "spend_analysis.ipynb"
    copy.write_text(copy.read_text().replace("Spend analysis", "Spending"))
    assert main(["notebooks", "--project", str(project_copy)]) == 0
    assert "spend_analysis.ipynb: differs" in capsys.readouterr().out
    assert main(["notebooks", "--update", "--project", str(project_copy)]) == 0
    assert (copy.parent / "spend_analysis.ipynb.old").read_text().count("Spending") > 0
    assert {s.state for s in notebooks.compare_copies(project_copy / "notebooks")} == {"in step"}


def test_no_command_needs_the_package_folder_to_hold_data():
    """The package finds nothing from its own location: no data/ beside the installed package is read."""
    import safer_analysis

    package_root = os.path.dirname(os.path.dirname(safer_analysis.__file__))
    for path in (ROOT / "safer_analysis").rglob("*.py"):
        text = path.read_text()
        assert "parents[2]" not in text and "parent.parent" not in text, path
    assert package_root  # the check above is about code, whatever the install


# ---- the settings file's encoding ---------------------------------------------------------------


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_settings_saved_with_a_byte_order_mark_are_read(project_copy, capsys):
    """Notepad saves "UTF-8 with BOM": the file reads as it would without the mark."""
    path = project_copy / SETTINGS_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_project(project_copy).settings.name == "Safer Plymouth"
    assert main(["check", "--project", str(project_copy)]) == 0
    assert "Invalid statement" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("old", "new", "encoding", "line", "byte"),
    [
        ('name = "Safer Plymouth"', 'name = "Safer Plymouth £"', "cp1252", 5, 24),
        ('contact = "Safer Plymouth', 'contact = "Sécurité Plymouth', "cp1252", 12, 13),
    ],
)
def test_settings_in_another_encoding_are_refused_naming_line_and_byte(
    project_copy, capsys, old, new, encoding, line, byte
):
    path = project_copy / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new).encode(encoding))
    with pytest.raises(SettingsError, match=f"line {line}, byte {byte}: .* save it as UTF-8"):
        load_project(project_copy)
    assert main(["check", "--project", str(project_copy)]) == 2
    said = _one_line(capsys.readouterr().err)
    assert str(path) in said and f"line {line}, byte {byte}" in said and "Windows-1252" in said


def test_settings_saved_as_utf16_are_refused_in_one_line(project_copy, capsys):
    path = project_copy / SETTINGS_FILE
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert main(["check", "--project", str(project_copy)]) == 2
    said = _one_line(capsys.readouterr().err)
    assert str(path) in said and "UTF-16" in said and "save it as UTF-8" in said


# ---- the settings' codes against the ONS lookups ------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (  # Torbay's authority in Plymouth's settings: its population, so 161.3 crimes per 1,000 for 83.3
            'local_authority_codes = ["E06000026"]',
            'local_authority_codes = ["E06000027"]',
            [
                'local_authority_codes = ["E06000027"]',
                "E06000027 (Torbay) is not in Plymouth (E22000056)",
                "give it E06000026 (Plymouth)",
            ],
        ),
        (
            'csp_code = "E22000056"',
            'csp_code = "E22999999"',
            ['csp_code = "E22999999"', "no Community Safety Partnership has this code in the ONS lookups"],
        ),
        (
            'csp_code = "E22000056"',
            'csp_code = "E06000026"',
            ['csp_code = "E06000026"', "the local authority Plymouth, which belongs in local_authority_codes"],
        ),
        (
            'police_force_code = "E23000035"',
            'police_force_code = "E23000036"',
            [
                'police_force_code = "E23000036"',
                "(Avon and Somerset) is not the force of Plymouth (E22000056)",
                "E23000035 (Devon & Cornwall)",
            ],
        ),
        (
            'police_force = "Devon & Cornwall"',
            'police_force = "Avon and Somerset"',
            ['police_force = "Avon and Somerset"', 'E23000035, which the ONS lookups name "Devon & Cornwall"'],
        ),
    ],
)
def test_codes_that_disagree_with_the_lookups_stop_check_and_build(project_copy, tmp_path, capsys, old, new, said):
    path = project_copy / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["check", "--project", str(project_copy)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert str(path) in line and all(part in line for part in said), line
    out = tmp_path / "out"
    assert main(["build", "--year", "2018-19", "--project", str(project_copy), "--out", str(out)]) == 2
    assert _one_line(capsys.readouterr().err) == line
    assert not out.exists()  # refused before anything ran


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        (  # one of a partnership's three authorities: the population of a third of it
            {"csp_code": "E22000364", "local_authority_codes": ("E07000045",)},
            "cover only part of South Devon and Dartmoor (E22000364), the partnership of csp_code; the ONS lookups "
            "give it E07000044 (South Hams), E07000045 (Teignbridge), E07000047 (West Devon)",
        ),
        ({"local_authority_codes": ("E06000026", "E06000026")}, "lists E06000026 twice"),
        ({"local_authority_codes": ("E06999999",)}, "E06999999: no local authority has this code"),
        ({"local_authority_codes": ("e06000026",)}, "ONS codes are written in capitals: E06000026"),
        ({"csp_code": "", "local_authority_codes": ("E06000026",), "police_force_code": "E23000036"}, "not the force"),
        (
            {"csp_code": "", "local_authority_codes": (), "police_force_code": "", "police_force": "Devon & Cornwal"},
            'did you mean "Devon & Cornwall"?',
        ),
    ],
)
def test_each_code_is_checked_against_the_lookups_and_the_others(tmp_path, changes, said):
    settings = parse_settings((ROOT / SETTINGS_FILE).read_text(encoding="utf-8"), ROOT / SETTINGS_FILE)
    with pytest.raises(SettingsError, match=re.escape(said)):
        check_codes(replace(settings, **changes), tmp_path / SETTINGS_FILE)


def test_projects_init_makes_and_an_area_of_lsoas_pass_the_check(tmp_path, capsys):
    """A partnership, an authority within a larger partnership and a force area, as init writes
    them; and an area made of LSOAs, with no partnership or authority codes."""
    for folder, area in (("torbay", "Torbay"), ("teignbridge", "Teignbridge"), ("force", "Devon & Cornwall")):
        assert main(["init", str(tmp_path / folder), "--area", area, "--year", "2018-19"]) == 0
        assert main(["check", "--project", str(tmp_path / folder)]) == 0, capsys.readouterr().err
        assert "agree with the ONS lookups" in capsys.readouterr().out
    path = tmp_path / "torbay" / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    for key, value in (
        ("csp_code", '""'),
        ("local_authority_codes", "[]"),
        ("area", '"Torquay town centre"'),
        ("lsoa_name_prefixes", '["Torbay 001", "Torbay 002"]'),
    ):
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
        assert n == 1, key
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--project", str(tmp_path / "torbay")]) == 0, capsys.readouterr().err
    assert load_project(tmp_path / "torbay").settings.csp_code == ""


@pytest.mark.slow
def test_the_settings_init_writes_pass_for_every_area_it_can_make():
    """Every partnership, authority (2024 and 2022) and force area the lookups know."""
    lookup = reference.csp_lookup()
    codes = {*lookup["csp24_code"], *lookup["ltla24_code"], *lookup["pfa24_code"]}
    codes |= {c for c in reference.read_table("lookup_ltla22_ltla23.csv")["ltla22_code"] if c[0] in "EW"}
    made = 0
    for code in sorted(codes):
        try:
            area = resolve(code)
        except UnknownAreaError:  # a partnership sharing an authority with others: init refuses it too
            continue
        path = Path(f"{code}.toml")
        check_codes(parse_settings(settings_text(area, "Safer X", "2018-19"), path), path)
        made += 1
    assert made > 650
