"""A release's numbers in step: the package's version in pyproject.toml, safer_analysis.__version__,
the newest release in CHANGELOG.md and what --version prints, with the project format it writes."""

from __future__ import annotations

import re
import tomllib

import pytest

import safer_analysis
from safer_analysis.cli import main
from safer_analysis.inputs.project_format import CURRENT, FORMATS

from .conftest import ROOT

CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
#: Every release heading: '## [0.2.0] - 2026-12-06'.
RELEASES = re.findall(r"(?m)^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", CHANGELOG)


def _section(version: str) -> str:
    start = CHANGELOG.index(f"## [{version}]")
    end = CHANGELOG.find("\n## [", start + 1)
    return CHANGELOG[start : end if end > 0 else None]


def test_the_package_version_is_the_same_everywhere():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert safer_analysis.__version__ == version


def test_the_changelog_has_unreleased_on_top_then_this_version_newest_first():
    assert CHANGELOG.index("## [") == CHANGELOG.index("## [Unreleased]")
    assert RELEASES and RELEASES[0][0] == safer_analysis.__version__
    dates = [d for _, d in RELEASES]
    assert dates == sorted(dates, reverse=True)


def test_the_release_that_first_wrote_each_format_says_so_in_the_changelog():
    for number in range(2, CURRENT + 1):
        release = FORMATS[number].release
        assert release in [v for v, _ in RELEASES], f"format {number}: no release {release} in CHANGELOG.md"
        assert f"Project format {number}" in _section(release)


def test_version_prints_the_package_and_its_project_format(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"safer-analysis {safer_analysis.__version__} (project format {CURRENT})"
