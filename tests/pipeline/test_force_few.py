"""A force overview of fewer than three partnerships says what it can: each partnership's crimes,
rate per 1,000 on its own population and change on the year before (with the year before's gap
said), and why no funnel is drawn; built from the real Devon & Cornwall downloads with the counts
per partnership cut to one and to two partnerships."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safer_analysis.cli import main
from safer_analysis.scaffold.init import init

from ..conftest import REALDATA
from .test_board_pack_text import page_text

ARCHIVES = REALDATA / "police-uk-archives"
PLYMOUTH, TORBAY = "E22000056", "E22000060"

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def raw_crimes(folder: Path, months: set[str], lsoa_prefix: str) -> int:
    """Crimes (not ASB) in the monthly files of ``months`` whose LSOA name starts with the prefix,
    counted with the csv module, each Crime ID once."""
    seen: set[tuple] = set()
    for path in sorted(folder.glob("*/*-street.csv")):
        if path.name[:7] not in months:
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle)):
                if row["Crime type"] != "Anti-social behaviour" and row["LSOA name"].startswith(lsoa_prefix):
                    seen.add((row["Crime ID"],) if row["Crime ID"] else (path.name, number))
    return len(seen)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Plymouth's new project holding every area of Devon & Cornwall, January 2016 to December 2018
    (December 2017 is missing from the downloads)."""
    folder = tmp_path_factory.mktemp("few") / "project"
    init(folder, "Plymouth", year="2018-19")
    for archive in ("devon-and-cornwall-2016-01-to-2017-11", "devon-and-cornwall-2018"):
        assert main(["import-police-uk", str(ARCHIVES / archive), "--all-areas", "--project", str(folder)]) == 0
    counts = folder / "data" / "crime" / "all-areas-counts.csv"
    counts.with_suffix(".whole").write_bytes(counts.read_bytes())
    return folder


def cut_counts(project: Path, keep: set[str]) -> None:
    path = project / "data" / "crime" / "all-areas-counts.csv"
    with open(path.with_suffix(".whole"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if r["csp_code"] in keep)


def test_one_partnership_held_gives_its_figures_and_why_there_is_no_funnel(project, tmp_path):
    cut_counts(project, {PLYMOUTH})
    out = tmp_path / "out"
    args = ["build", "--project", str(project), "--whole-force", "--year", "2018-19", "--out", str(out)]
    assert main(args) == 0
    built = out / "devon-cornwall-2018-19"
    text = page_text(built / "force_overview.html")
    assert "Fewer than three" not in text and "Traceback" not in text
    assert "The police.uk counts per partnership hold one of Devon & Cornwall's eight partnerships (none for " in text
    assert "too few for a chart of limits" in text and "<svg" not in (built / "force_overview.html").read_text()
    crimes = raw_crimes(ARCHIVES / "devon-and-cornwall-2018", {f"2018-{m:02d}" for m in range(1, 13)}, "Plymouth ")
    population = 263_100  # ONS mid-2018, nearest the middle of January to December 2018
    assert f"Plymouth: {crimes:,} crimes in the year to Dec 2018, {crimes / population * 1000:.1f} per 1,000" in text
    assert f"Plymouth | {crimes:,} | {population:,} |" in text
    # the year before misses December 2017: no change is given, and the page says why
    assert "No change on the year to Dec 2017 is given: the crime data hold only 11 of its months." in text
    assert "ONS's police recorded crime by partnership is not held for this period" in text
    index = page_text(built / "index.html")
    assert "too few partnerships for a chart of limits" in index and "against limits allowing" not in index
    # each assessment says why it has no chart beside the others, not that the counts are missing
    torbay = page_text(built / "torbay" / "strategic_assessment.html")
    assert "counts per partnership hold one of Devon & Cornwall's eight partnerships" in torbay
    assert "not held for this period" not in torbay


def test_two_partnerships_held_compare_their_rates(project, tmp_path):
    cut_counts(project, {PLYMOUTH, TORBAY})
    out = tmp_path / "out"
    args = ["build", "--project", str(project), "--areas", "Plymouth", "--year", "2018-19", "--out", str(out)]
    assert main(args) == 0
    text = page_text(out / "devon-cornwall-2018-19" / "force_overview.html")
    assert "hold two of Devon & Cornwall's eight partnerships" in text
    rows = {}
    for line in (
        (out / "devon-cornwall-2018-19" / "tables" / "force_overview__partnerships.csv").read_text().splitlines()[1:]
    ):
        cells = next(csv.reader([line]))
        rows[cells[0]] = cells
    assert set(rows) == {"Plymouth", "Torbay"}
    torbay = raw_crimes(ARCHIVES / "devon-and-cornwall-2018", {f"2018-{m:02d}" for m in range(1, 13)}, "Torbay ")
    assert int(rows["Torbay"][1]) == torbay
    higher, lower = sorted(rows, key=lambda n: -float(rows[n][3]))
    ratio = float(rows[higher][3]) / float(rows[lower][3])
    assert (f"{higher}'s rate is {ratio:.1f} times {lower}'s." in text) == (ratio >= 1.15)
