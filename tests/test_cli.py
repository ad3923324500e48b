"""The command line's name options: --csp a partnership, --authority a local authority, --area a
partnership, else an authority, else a force area, saying which it took; every unknown name exits 2
with suggestions, before anything is read or written."""

from __future__ import annotations

import tomllib

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs.project import load_project

from .conftest import REALDATA

ARCHIVE = REALDATA / "police-uk-archives" / "north-yorkshire-2025"


@pytest.mark.parametrize(
    "args,near",
    [
        (["build", "--area", "Plymuoth"], "Plymouth"),
        (["build", "--csp", "Yrok"], "York"),
        (["build", "--authority", "Torbya"], "Torbay"),
        (["build", "--areas", "Torbay,Exter"], "Exeter"),
        (["build", "--whole-force", "Devon and Cornwal"], "Devon & Cornwall"),
        (["import-police-uk", str(ARCHIVE), "--area", "Nrth Yorkshire"], "North Yorkshire"),
        (["import-police-uk", str(ARCHIVE), "--csp", "Yrok"], "York"),
        (["import-police-uk", str(ARCHIVE), "--csp", "York", "--authority", "Scarbrough"], "Scarborough"),
    ],
)
def test_every_unknown_name_exits_2_with_a_suggestion(project_copy, capsys, args, near):
    before = sorted(p.name for p in (project_copy / "data" / "crime").iterdir())
    assert main([*args, "--project", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert f"did you mean {near!r}" in err and err.count("\n") == 1
    assert sorted(p.name for p in (project_copy / "data" / "crime").iterdir()) == before
    assert not (project_copy / "outputs").exists()


@pytest.mark.parametrize(
    "option,name,near",
    [("--csp", "Torbey", "Torbay"), ("--authority", "Exter", "Exeter"), ("--area", "Plymuoth", "Plymouth")],
)
def test_init_with_an_unknown_name_exits_2_and_makes_nothing(tmp_path, capsys, option, name, near):
    assert main(["init", str(tmp_path / "new"), option, name]) == 2
    assert f"did you mean {near!r}" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_a_name_of_another_kind_or_of_several_exits_2_saying_so(tmp_path, capsys):
    assert main(["init", str(tmp_path / "a"), "--csp", "Cumberland"]) == 2
    err = capsys.readouterr().err
    assert all(name in err for name in ("Allerdale", "Carlisle", "Copeland"))
    assert main(["init", str(tmp_path / "b"), "--csp", "Devon & Cornwall"]) == 2
    assert "is a police force area, not a Community Safety Partnership" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "c"), "--csp", "York", "--area", "York"]) == 2
    assert "one of --csp, --authority or --area" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "d")]) == 2
    assert not any(tmp_path.iterdir())


def test_init_csp_york_makes_the_city_of_york_partnership_and_authority_york_the_authority(tmp_path, capsys):
    assert main(["init", str(tmp_path / "york-csp"), "--csp", "York", "--year", "2025-26"]) == 0
    said = capsys.readouterr().out
    assert "'York' taken as the partnership whose only local authority is York" in said
    # the partnership's own code first, then its authority's: the code a reader looks for
    assert "City of York (Community Safety Partnership E22000371, local authority E06000014;" in said
    settings = tomllib.loads((tmp_path / "york-csp" / "safer-analysis.toml").read_text(encoding="utf-8"))
    assert settings["partnership"]["csp_code"] == "E22000371"
    assert settings["partnership"]["area"] == "City of York"
    assert settings["partnership"]["local_authority_codes"] == ["E06000014"]
    assert main(["init", str(tmp_path / "york-la"), "--authority", "York", "--year", "2025-26"]) == 0
    project = load_project(tmp_path / "york-la")
    assert project.settings.csp_code == "" and project.settings.local_authority_codes == ("E06000014",)
    assert project.settings.area == "York (local authority)"  # 'York' alone is the partnership
    assert project.own_area().code == "E06000014" and project.is_own(load_project(tmp_path / "york-csp").own_area())


@pytest.mark.parametrize(
    "option,said,store",
    [
        ("--csp", "City of York (Community Safety Partnership E22000371", "city-of-york-street.parquet"),
        ("--authority", "York (local authority E06000014", "york-local-authority-street.parquet"),
        ("--area", "City of York (Community Safety Partnership E22000371", "city-of-york-street.parquet"),
    ],
)
def test_build_says_which_area_each_option_took(project_copy, capsys, option, said, store):
    """Plymouth's project holds no data for York: the build names the area taken, then the store it lacks."""
    assert main(["build", "--project", str(project_copy), option, "York"]) == 3
    out, err = capsys.readouterr()
    assert f"Area ({option} York): {said}" in out
    assert store in err


def test_the_projects_own_area_by_another_name_is_its_own(project_copy, capsys):
    """--authority Plymouth covers the same LSOAs as the project's partnership: its own store and pack."""
    out = project_copy / "outputs"
    args = ["build", "--project", str(project_copy), "--authority", "E06000026", "--product", "spend_analysis"]
    assert main([*args, "--out", str(out)]) == 0
    assert "Plymouth (local authority E06000026" in capsys.readouterr().out
    assert "Spend analysis 2018-19 – Plymouth<" in (out / "2018-19" / "spend_analysis.html").read_text(encoding="utf-8")
