"""The twelve months a pack's crime figures cover: by default the last twelve held within the
year asked for, or for a new project's coming year the latest twelve held; never past the data."""

from __future__ import annotations

import csv
import json

import pytest

from safer_analysis.cli import main
from safer_analysis.scaffold import init as scaffold_init

from ..conftest import REALDATA, ROOT
from .test_board_pack_text import page_text

NORTH_YORKSHIRE = REALDATA / "police-uk-archives" / "north-yorkshire-2025"


def exit_code(args) -> int:
    try:
        return main(args)
    except SystemExit as stop:
        return int(stop.code)


def test_a_period_end_after_the_last_month_held_exits_3_naming_the_months_held(tmp_path, capsys):
    """It exited 0 and called April to December 2025 a year ('5,873 crimes, 36.4 per 1,000')."""
    args = ["build", "--project", str(ROOT), "--year", "2018-19", "--period-end", "2026-03", "--out", str(tmp_path)]
    assert exit_code(args) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "2026-03" in err and "last month held, 2025-12" in err
    assert "2016-01 to 2017-11, 2018-01 to 2019-12, 2025-01 to 2025-12" in err  # first to last, with the gap
    assert not list(tmp_path.iterdir())  # refused before anything ran


def york_crimes_2025() -> tuple[int, int]:
    """Crimes and ASB incidents in York's LSOAs (names 'York ...') in the download, counted with the
    csv module; a crime row identical in every field to another of its month counts once (police.uk
    published it twice)."""
    crimes, asb = set(), 0
    for path in sorted(NORTH_YORKSHIRE.rglob("*-street.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle)):
                if number == 0 or not row[8].startswith("York "):  # column 9: LSOA name
                    continue
                if row[9] == "Anti-social behaviour":
                    asb += 1
                else:
                    crimes.add((path.name, *row) if row[0] else (path.name, number))
    return len(crimes), asb


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("today_year", ["2026-27", "2025-26"])
def test_a_new_project_builds_the_latest_twelve_months_held_with_no_year(tmp_path, monkeypatch, capsys, today_year):
    """init sets the current financial year; the download ends in December 2025. In 2026-27 no
    month of the year is held yet, in 2025-26 April to December are: either way the pack covers
    January to December 2025 (it exited asking for months of 2026-27)."""
    monkeypatch.setattr(scaffold_init, "current_year", lambda today=None: today_year)
    folder = tmp_path / "york"
    assert main(["init", str(folder), "--csp", "York"]) == 0
    assert main(["import-police-uk", str(NORTH_YORKSHIRE), "--project", str(folder)]) == 0
    assert main(["build", "--project", str(folder)]) == 0
    pack = folder / "outputs" / today_year
    sa = page_text(pack / "strategic_assessment.html")
    index = page_text(pack / "index.html")
    crimes, asb = york_crimes_2025()
    summary = json.loads((pack / "summaries" / "strategic_assessment.json").read_text())["findings"]
    assert summary[0].startswith(f"In the year to Dec 2025, police.uk placed {crimes:,} recorded crimes in ")
    assert f"It placed {asb:,} incidents of anti-social behaviour." in summary[0]
    for text in (sa, index):
        assert "The crime figures cover January to December 2025, the latest twelve months" in text
        assert f"the money (grant, allocations and spend) is for the financial year {today_year}" in text
    assert index.count("The crime figures cover January to December 2025") == 1  # not again among the findings
    assert "every month is present" in sa and "year to Dec 2025 to year to Dec 2025" not in sa
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["financial_year"] == today_year and manifest["parameters"]["period_end"] == "2025-12"
    assert manifest["crime_period"] == {
        "label": "year to Dec 2025",
        "months": "January to December 2025",
        "first": "2025-01",
        "last": "2025-12",
    }
    for report in ("allocation_rationale", "spend_analysis"):
        assert "Still to be entered" in page_text(pack / f"{report}.html")
