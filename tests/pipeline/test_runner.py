"""The report pipeline end to end: board packs for every year, atomic failure, parameter checks."""

from __future__ import annotations

import csv
import json
import re

import nbformat
import pytest

from safer_analysis.cli import main
from safer_analysis.inputs.datasets import FILES, load_dataset, sha256_file
from safer_analysis.pipeline import runner as report
from safer_analysis.reports.context import PRODUCTS, ParameterError

from ..conftest import ROOT, edit_cell
from .test_targets import made_pack


@pytest.mark.slow
@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_pack_has_every_output(packs, year):
    pack = packs / year
    for product in PRODUCTS:
        assert (pack / f"{product}.html").stat().st_size > 10_000
        nb = nbformat.read(pack / f"{product}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert (pack / "index.html").is_file()
    assert list((pack / "tables").glob("*.csv"))
    assert not list(packs.glob(".building-*"))


@pytest.mark.slow
@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_manifest_records_parameters_and_input_hashes(packs, year):
    manifest = json.loads((packs / year / "manifest.json").read_text())
    dataset = load_dataset(ROOT / "data")
    assert manifest["financial_year"] == year
    assert manifest["parameters"]["financial_year"] == year
    assert manifest["inputs"]["allocations.csv"] == sha256_file(dataset.root / "allocations.csv")
    assert set(manifest["inputs"]) >= set(FILES.values())
    assert manifest["package_version"] and manifest["project_commit"] and manifest["partnership"] == "Safer Plymouth"
    assert all(v["seconds"] > 0 for v in manifest["notebooks"].values())


@pytest.mark.slow
def test_html_has_no_code_and_states_the_year(packs):
    page = (packs / "2018-19" / "spend_analysis.html").read_text()
    assert "import " not in page and "open_product(" not in page
    assert "jp-InputArea" not in page and "In&nbsp;[" not in page
    assert "2018-19" in page and "Plymouth" in page
    assert '<html lang="en-GB"' in page


@pytest.mark.slow
def test_reconciliation_table_csv_matches_the_seed(packs):
    path = packs / "2017-18" / "tables" / "spend_analysis__reconciliation.csv"
    rows = {r["line"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    assert float(rows["unallocated"]["amount"]) == 167_068
    assert float(rows["committed"]["amount"]) == 233_500


@pytest.mark.slow
def test_index_links_every_report_with_a_summary(packs):
    index = (packs / "2017-18" / "index.html").read_text()
    for product in PRODUCTS:
        assert f'href="{product}.html"' in index
    assert "£167,068" in index  # the spend summary's first finding


@pytest.mark.slow
def test_each_report_has_its_summary_first(packs):
    page = (packs / "2017-18" / "spend_analysis.html").read_text()
    summary = page.find("Summary")
    assert 0 < summary < page.find("<h2", summary + 10)
    assert "£167,068" in page[summary : summary + 3000]


@pytest.mark.slow
def test_a_partial_rebuild_keeps_the_other_reports_of_the_pack(packs, tmp_path):
    """``build --product spend_analysis`` into a pack once deleted the other two reports."""
    import shutil

    import openpyxl

    pack = tmp_path / "2018-19"
    shutil.copytree(packs / "2018-19", pack)
    others = ("strategic_assessment", "allocation_rationale")
    pages = {p: (pack / f"{p}.html").read_bytes() for p in others}
    tables = sorted(p.name for p in (pack / "tables").glob("*.csv"))
    earlier = json.loads((pack / "manifest.json").read_text())
    assert main(["build", "--year", "2018-19", "--out", str(tmp_path), "--product", "spend_analysis"]) == 0
    for product, page in pages.items():
        assert (pack / f"{product}.html").read_bytes() == page
        assert (pack / f"{product}.ipynb").is_file() and (pack / "summaries" / f"{product}.json").is_file()
    assert sorted(p.name for p in (pack / "tables").glob("*.csv")) == tables
    index = (pack / "index.html").read_text()
    assert all(f'href="{product}.html"' in index for product in PRODUCTS)
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["rebuilt"] == ["spend_analysis"] and manifest["kept_from_earlier_build"] == list(others)
    assert manifest["notebooks"]["spend_analysis"]["built_at"] == manifest["built_at"]
    assert manifest["notebooks"]["strategic_assessment"]["built_at"] == earlier["built_at"]
    book = openpyxl.load_workbook(next(pack.glob("*.xlsx")))
    assert "Crime and anti-social behaviour" in book.sheetnames  # the strategic assessment's first table
    assert "Every line of the plan" in book.sheetnames  # and the spend analysis's


# --- failure leaves the previous pack untouched ---------------------------------------------


def broken_notebook(path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('financial_year = "2018-19"\ndata_dir = ""\noutput_dir = ""\ncsp = "Plymouth"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"),
    ]
    nb.metadata["kernelspec"] = {"name": "safer-analysis", "display_name": "x", "language": "python"}
    nbformat.write(nb, path)


@pytest.mark.slow
def test_failed_build_names_notebook_and_cell_and_keeps_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    previous = made_pack(out / "2018-19")
    bad = tmp_path / "broken.ipynb"
    broken_notebook(bad)
    original = report.notebook_path
    monkeypatch.setattr(report, "notebook_path", lambda p: bad if p == "spend_analysis" else original(p))
    with pytest.raises(
        report.BuildError,
        match=r"spend_analysis.ipynb failed in cell .*"
        r"RuntimeError: deliberate failure",
    ):
        report.build("2018-19", out, jobs=1)
    assert (previous / "index.html").read_text() == "the last good pack"
    assert sorted(p.name for p in previous.iterdir()) == ["index.html", "manifest.json"]
    assert (out / ".failed" / "2018-19" / "spend_analysis.ipynb").is_file()
    assert not list(out.glob(".building-*"))


@pytest.mark.slow
def test_cli_exit_code_1_on_notebook_failure(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "broken.ipynb"
    broken_notebook(bad)
    monkeypatch.setattr(report, "notebook_path", lambda product: bad)
    assert (
        main(["build", "--year", "2018-19", "--out", str(tmp_path), "--jobs", "1", "--product", "spend_analysis"]) == 1
    )
    err = capsys.readouterr().err
    assert "deliberate failure" in err and "untouched" in err


# --- parameters are checked before anything runs ---------------------------------------------


def exit_code(args) -> int:
    """The exit code of the command line, whether it returns or argparse exits."""
    try:
        return main(args)
    except SystemExit as stop:
        return int(stop.code)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--year", "2018-20"], "2018-20"),
        (["--year", "18/19"], "18/19"),
        (["--year", "2018"], "2018"),
        (["--year", "2016-17"], "not in the data"),
        (["--year", "2018-19", "-p", "finacial_year=2018-19"], "unknown parameter 'finacial_year'"),
        (["--year", "2018-19", "-p", "project=/tmp"], "set by the build itself"),
        (["--year", "2018-19", "-p", "comparison_years=three"], "'comparison_years' expects a whole number"),
        (["--year", "2018-19", "--product", "nope"], "invalid choice"),
        (["--year", "2018-19", "-p", "comparison_years=0"], "'comparison_years': got 0; expected a whole number"),
        (["--year", "2018-19", "-p", "suppression_threshold=-1"], "'suppression_threshold': got -1; expected"),
        (["--year", "2018-19", "-p", "crime_data=/no/such/store.parquet"], "/no/such/store.parquet is not a file"),
        (["--year", "2018-19", "--area", "Atlantis"], "Atlantis"),
        (
            ["--year", "2018-19", "--product", "spend_analysis", "-p", "comparison_years=4"],
            "they take no parameter but the year (--year); it is a parameter of strategic_assessment",
        ),
        (["--year"], "expected one argument"),
    ],
)
def test_bad_parameters_exit_2_before_running(tmp_path, capsys, args, message):
    assert exit_code(["build", "--out", str(tmp_path), *args]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing was started


def test_no_unknown_parameter_message_ends_with_an_empty_list(tmp_path, capsys):
    assert exit_code(["build", "--out", str(tmp_path), "--product", "spend_analysis", "-p", "colour=red"]) == 2
    err = capsys.readouterr().err.strip()
    assert not err.endswith("they declare") and "colour" in err


def test_every_notebook_parameter_has_a_valid_range_or_form():
    """A parameter added to a notebook without saying what a valid value is fails here."""
    from safer_analysis.pipeline.notebooks import template_names
    from safer_analysis.reports.context import NUMBERS, PARAMETERS

    for notebook in template_names():
        declared = report._inspect(str(report.template_path(notebook)), 0, 0)
        for name, info in declared.items():
            assert name in PARAMETERS, f"{notebook}: {name} has no valid range or form in reports/context.py"
            assert (info["inferred_type_name"] == "int") == (name in NUMBERS), name


def test_the_documented_build_examples_pass_the_parameter_checks():
    """Each `safer-analysis build ... -p` example in the README and the documentation's pages is
    accepted (one once was refused)."""
    import shlex

    from safer_analysis.cli import make_parser
    from safer_analysis.reports.context import check_parameter_values

    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    lines = [
        line.split("#")[0]
        for page in pages
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("safer-analysis build") and " -p " in line
    ]
    assert lines
    for line in lines:
        args = make_parser().parse_args(shlex.split(line)[1:])
        products = args.product or list(PRODUCTS)
        report.check_parameters(dict(args.param), products)
        for p in products:
            check_parameter_values(report.parameters_for(p, dict(args.param)))


def test_a_period_with_no_crime_month_in_the_store_exits_3_naming_the_months_held(tmp_path, capsys):
    """Found before any notebook runs (it was a notebook failure, exit 1)."""
    assert exit_code(["build", "--year", "2018-19", "--period-end", "2022-06", "--out", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "no month of year to Jun 2022 (2021-07 to 2022-06) is held" in err
    assert "2016-01 to 2017-11, 2018-01 to 2019-12, 2025-01 to 2025-12" in err
    assert not list(tmp_path.iterdir())


def test_a_damaged_crime_store_exits_3_in_one_line_before_any_notebook_runs(project_copy, tmp_path, capsys):
    """It was a notebook failure of two reports, exit 1, in a paragraph."""
    store = project_copy / "data" / "crime" / "plymouth-street.parquet"
    store.write_bytes(store.read_bytes()[:100_000])  # truncated, as by a full disk or a killed copy
    out = tmp_path / "out"
    assert exit_code(["build", "--project", str(project_copy), "--year", "2018-19", "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "the crime store is damaged" in err
    assert f"import-police-uk ARCHIVE [ARCHIVE ...] --new-store --out {store}" in err
    assert not out.exists() or not list(out.iterdir())


def test_build_api_refuses_unknown_parameters(tmp_path):
    with pytest.raises(ParameterError, match="unknown parameter"):
        report.build("2018-19", tmp_path, parameters={"colour": "red"})


def test_bad_data_exits_3_naming_file_row_and_column(data_copy, tmp_path, capsys):
    edit_cell(data_copy / FILES["allocations"], 0, "amount", "£lots")
    assert main(["build", "--year", "2018-19", "--project", str(data_copy.parent), "--out", str(tmp_path / "o")]) == 3
    err = capsys.readouterr().err
    assert re.search(r"allocations\.csv, row 2, column 'amount'", err)


def test_years_and_check_commands(capsys):
    assert main(["years"]) == 0
    assert capsys.readouterr().out.split() == ["2017-18", "2018-19"]
    assert main(["check"]) == 0
    assert "all files valid" in capsys.readouterr().out


@pytest.mark.slow
def test_relative_out_folder(tmp_path, monkeypatch):
    """``--out outputs`` (relative, as the Makefile passes it) puts tables/ at the pack's top."""
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--year", "2017-18", "--out", "rel", "--project", str(ROOT)]) == 0
    pack = tmp_path / "rel" / "2017-18"
    assert (pack / "tables" / "spend_analysis__reconciliation.csv").is_file()
    assert sorted(p.name for p in pack.iterdir() if p.is_dir()) == ["summaries", "tables"]


@pytest.mark.slow
@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_workbook_follows_the_accessible_spreadsheet_layout(packs, year):
    import openpyxl

    books = list((packs / year).glob("*.xlsx"))
    assert len(books) == 1
    wb = openpyxl.load_workbook(books[0])
    assert wb.sheetnames[:4] == ["Cover", "Decisions and key findings", "Contents", "Notes"]
    tables = sorted(p.stem for p in (packs / year / "tables").glob("*.csv") if not p.stem.endswith("provenance"))
    assert len(wb.sheetnames) - 4 == len(tables)
    contents = [r for r in wb["Contents"].iter_rows(values_only=True) if r and r[0]]
    assert len([r for r in contents if r[0] in wb.sheetnames]) == len(tables) + 1  # and the key findings
    for name in wb.sheetnames[1:2] + wb.sheetnames[4:]:
        ws = wb[name]
        assert ws["A1"].value and year in "".join(str(c.value) for c in ws["A"][:3])  # title and subtitle
    recon = wb["Grant reconciliation"]
    values = [c for row in recon.iter_rows(values_only=True) for c in row]
    assert 400568 in values  # numbers are stored as numbers
    index = (packs / year / "index.html").read_text()
    assert f'href="{books[0].name}"' in index


def test_a_project_without_crime_data_exits_3_and_leaves_no_half_made_folder(tmp_path, capsys):
    from safer_analysis.scaffold.init import init

    made = init(tmp_path / "p", "Torbay", year="2018-19")
    out = tmp_path / "out"
    assert main(["build", "--project", str(made.root), "--out", str(out)]) == 3
    assert "no police.uk data for the area" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []
