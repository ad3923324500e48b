"""Any partnership, any period, as a new user meets it on the real 2025 downloads: `init` for the
North Yorkshire partnership and for York, `import-police-uk`, `build` with no year, and
`build --whole-force` for North Yorkshire (two partnerships) and Devon & Cornwall (eight), every
count and population checked against the downloads and ONS's Table C4 read without the package."""

from __future__ import annotations

import csv
import json
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from safer_analysis.cli import main
from safer_analysis.scaffold import init as scaffold_init

from .conftest import REALDATA
from .inputs.test_population import c4_populations
from .pipeline.test_board_pack_text import page_text

ARCHIVES = REALDATA / "police-uk-archives"
LOOKUPS = REALDATA / "ons-lookups"
YEAR = "2026-27"  # the financial year init sets in December 2026; the data end in December 2025
NY, YORK = "E22000372", "E22000371"

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def run(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as stop:
        return int(stop.code)


@cache
def partnership_of_lsoa() -> dict[str, str]:
    """LSOA of 2021 to the 2024 partnership of its authority, from the raw ONS lookups."""
    with open(LOOKUPS / "lookup_ltla24_csp24_pfa24.csv", encoding="utf-8-sig", newline="") as handle:
        csps: dict[str, list[str]] = {}
        for r in csv.DictReader(handle):
            csps.setdefault(r["ltla24_code"], []).append(r["csp24_code"])
    with open(LOOKUPS / "lookup_lsoa21_ward24_ltla24.csv", encoding="utf-8-sig", newline="") as handle:
        return {
            r["lsoa21_code"]: csps[r["ltla24_code"]][0]
            for r in csv.DictReader(handle)
            if len(csps.get(r["ltla24_code"], ())) == 1  # an authority split between partnerships: none here
        }


@cache
def crimes_per_partnership(archive: str) -> Counter:
    """Crimes (not ASB) per partnership in a download, counted with the csv module; a row identical
    in every field to another with the same Crime ID counts once, as police.uk published it twice."""
    of = partnership_of_lsoa()
    seen, out = set(), Counter()
    for path in sorted((ARCHIVES / archive).rglob("*-street.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Crime type"] == "Anti-social behaviour" or row["LSOA code"] not in of:
                    continue
                if row["Crime ID"]:
                    key = tuple(row.values())
                    if key in seen:
                        continue
                    seen.add(key)
                out[of[row["LSOA code"]]] += 1
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("new-users")
    projects = {"ny": root / "north-yorkshire", "york": root / "york", "dc": root / "exeter"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scaffold_init, "current_year", lambda today=None: YEAR)
        assert run(["init", str(projects["ny"]), "--csp", "North Yorkshire"]) == 0
        assert run(["init", str(projects["york"]), "--csp", "York"]) == 0
        assert run(["init", str(projects["dc"]), "--csp", "Exeter"]) == 0
    for key in ("ny", "york"):
        args = ["import-police-uk", str(ARCHIVES / "north-yorkshire-2025"), "--project", str(projects[key])]
        assert run(args) == 0
        assert run(["build", "--project", str(projects[key])]) == 0
    ny_all = ["import-police-uk", str(ARCHIVES / "north-yorkshire-2025"), "--all-areas", "--project"]
    assert run([*ny_all, str(projects["ny"])]) == 0
    assert run(["build", "--project", str(projects["ny"]), "--whole-force"]) == 0
    dc_all = ["import-police-uk", str(ARCHIVES / "devon-and-cornwall-2025"), "--all-areas", "--project"]
    assert run([*dc_all, str(projects["dc"])]) == 0
    assert run(["build", "--project", str(projects["dc"]), "--whole-force"]) == 0
    return projects


def table(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["partnership"]: r for r in csv.DictReader(handle)}


def test_csp_york_is_the_city_of_york_partnership(made):
    settings = tomllib.loads((made["york"] / "safer-analysis.toml").read_text(encoding="utf-8"))
    assert settings["partnership"]["csp_code"] == YORK


@pytest.mark.parametrize(("key", "code"), [("ny", NY), ("york", YORK)])
def test_a_new_project_with_no_year_builds_january_to_december_2025_on_its_c4_population(made, key, code):
    pack = made[key] / "outputs" / YEAR
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["crime_period"]["months"] == "January to December 2025"
    summary = json.loads((pack / "summaries" / "strategic_assessment.json").read_text(encoding="utf-8"))["findings"]
    crimes, people = crimes_per_partnership("north-yorkshire-2025")[code], c4_populations()[code]
    assert summary[0].startswith(f"In the year to Dec 2025, police.uk placed {crimes:,} recorded crimes in ")
    assert f"{crimes / people * 1000:.1f} per 1,000 people" in summary[0]
    text = page_text(pack / "strategic_assessment.html")
    assert f"{people:,}" in text and "mid-2022" in text and "Plymouth" not in text


def test_north_yorkshire_whole_force_overview_says_what_it_can_with_two_partnerships(made):
    built = made["ny"] / "outputs" / f"north-yorkshire-{YEAR}"
    rows = table(built / "tables" / "force_overview__partnerships.csv")
    assert set(rows) == {"City of York", "North Yorkshire"}
    counted, c4 = crimes_per_partnership("north-yorkshire-2025"), c4_populations()
    for name, code in (("City of York", YORK), ("North Yorkshire", NY)):
        assert int(rows[name]["count"]) == counted[code]
        assert int(rows[name]["population"]) == c4[code]
        assert float(rows[name]["rate"]) == pytest.approx(counted[code] / c4[code] * 1000)
    text = page_text(built / "force_overview.html")
    assert "North Yorkshire has two partnerships: too few for a chart of limits" in text
    together = (counted[YORK] + counted[NY]) / (c4[YORK] + c4[NY]) * 1000
    assert f"Both together: {together:.1f} crimes per 1,000 residents." in text
    assert "ONS's police recorded crime, year ending December 2024: City of York 72.0 per 1,000" in text
    assert "Plymouth" not in text and "Fewer than three" not in text
    york = page_text(built / "city-of-york" / "strategic_assessment.html")
    assert "not held for this period" not in york and "too few for a chart of limits" in york


def test_devon_and_cornwall_whole_force_compares_all_eight_partnerships_with_rates(made):
    built = made["dc"] / "outputs" / f"devon-cornwall-{YEAR}"
    rows = table(built / "tables" / "force_overview__partnerships.csv")
    assert len(rows) == 8
    with open(LOOKUPS / "lookup_ltla24_csp24_pfa24.csv", encoding="utf-8-sig", newline="") as handle:
        codes = {r["csp24_name"]: r["csp24_code"] for r in csv.DictReader(handle) if r["pfa24_code"] == "E23000035"}
    assert set(rows) == set(codes)
    counted, c4 = crimes_per_partnership("devon-and-cornwall-2025"), c4_populations()
    for name, code in codes.items():
        assert int(rows[name]["count"]) == counted[code], name
        assert int(rows[name]["population"]) == c4[code], name
        assert float(rows[name]["rate"]) == pytest.approx(counted[code] / c4[code] * 1000)
    assert len(list(built.glob("*/strategic_assessment.html"))) == 8
    text = page_text(built / "force_overview.html")
    assert "of Devon & Cornwall's 8 partnerships" in text


def test_a_period_past_the_data_exits_3_and_a_misspelt_area_exits_2(made, capsys):
    assert run(["build", "--project", str(made["ny"]), "--period-end", "2026-03"]) == 3
    assert "2025-01 to 2025-12" in capsys.readouterr().err
    assert run(["build", "--project", str(made["ny"]), "--area", "Nort Yorkshire"]) == 2
    assert "did you mean 'North Yorkshire'" in capsys.readouterr().err
