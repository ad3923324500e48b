"""A whole force at once: an assessment per partnership from one store, and the force overview."""

from __future__ import annotations

import json

import pytest

from safer_analysis.cli import main
from safer_analysis.scaffold.init import init

from ..conftest import REALDATA

ARCHIVE = REALDATA / "police-uk-archives" / "devon-and-cornwall-2018"


@pytest.fixture(scope="module")
def force_project(tmp_path_factory):
    """A new project for Plymouth holding the store of all areas of Devon & Cornwall, 2018."""
    folder = tmp_path_factory.mktemp("force") / "project"
    init(folder, "Plymouth", year="2018-19")
    assert main(["import-police-uk", str(ARCHIVE), "--all-areas", "--project", str(folder)]) == 0
    return folder


def test_unknown_force_exits_2(project_copy, capsys):
    assert main(["build", "--project", str(project_copy), "--whole-force", "Atlantis", "--year", "2018-19"]) == 2
    assert "unknown police force 'Atlantis'" in capsys.readouterr().err


def test_unknown_area_in_the_list_exits_2(project_copy, capsys):
    assert main(["build", "--project", str(project_copy), "--areas", "Torbay,Torbya", "--year", "2018-19"]) == 2
    assert "Torbya" in capsys.readouterr().err


def test_without_a_store_of_all_areas_exits_3(project_copy, capsys):
    (project_copy / "data" / "crime" / "all-areas-street.parquet").unlink(missing_ok=True)
    assert main(["build", "--project", str(project_copy), "--whole-force", "--year", "2018-19"]) == 3
    err = capsys.readouterr().err
    assert "all-areas-street.parquet" in err and "--all-areas" in err
    assert not (project_copy / "outputs" / "devon-cornwall-2018-19").exists()


def test_options_of_a_single_pack_are_refused(project_copy, capsys):
    args = ["build", "--project", str(project_copy), "--whole-force", "--product", "spend_analysis"]
    assert main(args) == 2
    assert "strategic assessments only" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.shared
def test_areas_and_overview_from_one_store(force_project, capsys):
    out = force_project / "outputs"
    assert (
        main(["build", "--project", str(force_project), "--areas", "Torbay,Isles of Scilly", "--year", "2018-19"]) == 0
    )
    built = out / "devon-cornwall-2018-19"
    for area in ("torbay", "isles-of-scilly"):
        page = (built / area / "strategic_assessment.html").read_text(encoding="utf-8")
        assert "Strategic assessment" in page and "Traceback" not in page
        assert (built / area / "summaries" / "strategic_assessment.json").is_file()
    overview = (built / "force_overview.html").read_text(encoding="utf-8")
    assert "Devon &amp; Cornwall" in overview and "Isles of Scilly" in overview and "Plymouth" in overview
    index = (built / "index.html").read_text(encoding="utf-8")
    assert 'href="torbay/strategic_assessment.html"' in index and 'href="force_overview.html"' in index
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["areas"] == ["Torbay", "Isles of Scilly"] and manifest["force_code"] == "E23000035"
    # the download ends in December 2018: every page covers the twelve months to it, not nine months of 2018-19
    assert manifest["crime_period"] == "year to Dec 2018" and manifest["period_end"] == "2018-12"
    for page in (overview, index, (built / "torbay" / "strategic_assessment.html").read_text(encoding="utf-8")):
        assert "The crime figures cover January to December 2018" in page
    assert not list(out.glob(".building-*"))


def test_a_users_folder_at_the_force_target_is_left_untouched(project_copy, tmp_path, capsys):
    import shutil

    from .test_targets import snapshot

    crime = project_copy / "data" / "crime"
    shutil.copyfile(crime / "plymouth-street.parquet", crime / "all-areas-street.parquet")  # a store to build from
    own = tmp_path / "out" / "devon-cornwall-2018-19"
    own.mkdir(parents=True)
    (own / "index.html").write_text("the force analyst's own page")
    before = snapshot(tmp_path / "out")
    args = ["build", "--project", str(project_copy), "--whole-force", "--year", "2018-19", "--out", str(own.parent)]
    assert main(args) == 2
    assert "is not a pack safer-analysis built" in capsys.readouterr().err
    assert snapshot(tmp_path / "out") == before
