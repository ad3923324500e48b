"""The evidence for each priority in the built 2018-19 strategic assessment: partners', DfE's and
ONS's figures under the priorities they inform, checked against the published files read here;
every priority saying what measures it and what does not; the pack's protective marking on every
page; and a public build leaving out what is marked OFFICIAL-SENSITIVE."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from safer_analysis.cli import main
from tests.conftest import REALDATA, ROOT, read_rows

pytestmark = pytest.mark.slow

YEAR = "2018-19"
LAIT = REALDATA / "national" / "dfe-lait-indicators-long.parquet"
ONS = REALDATA / "national" / "ons-pfa-csp-tables-ye-dec-2024.xlsx"


def _sections(page: Path) -> dict[str, BeautifulSoup]:
    """Each priority's part of the evidence section, by its heading: the elements up to the next heading."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    start = next(h for h in soup.find_all("h2") if h.get_text(strip=True) == "Evidence for each priority")
    out: dict[str, BeautifulSoup] = {}
    current = None
    for element in start.find_all_next(["h2", "h3", "p", "li", "table"]):
        if element.name == "h2":
            break
        if element.name == "h3":
            current = element.get_text(" ", strip=True)
            out[current] = BeautifulSoup("", "html.parser")
        elif current is not None and element.find_parent(["li", "table"]) is None:
            out[current].append(BeautifulSoup(str(element), "html.parser"))
    return out


def _lait(measure: str, name: str) -> dict[str, float]:
    frame = pd.read_parquet(LAIT, columns=["Short Desc", "Years", "LA and Regions", "Values"])
    rows = frame[(frame["Short Desc"] == measure) & (frame["LA and Regions"] == name)]
    return {str(y): float(v) for y, v in zip(rows["Years"], rows["Values"], strict=True) if v != "-"}


def _table(section: BeautifulSoup, starts: str) -> dict[str, dict[str, str]]:
    table = next(t for t in section.find_all("table") if t.caption.get_text(strip=True).startswith(starts))
    heads = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    return {
        r.find("th").get_text(strip=True): dict(
            zip(heads[1:], [td.get_text(strip=True) for td in r.find_all("td")], strict=True)
        )
        for r in table.tbody.find_all("tr")
    }


@pytest.mark.shared
def test_first_time_entrants_are_under_the_priority_they_inform_beside_the_south_west_and_neighbours(packs):
    sections = _sections(packs / YEAR / "strategic_assessment.html")
    section = sections["Emerging areas of threat, risk and harm"]
    table = _table(section, "First-time entrants to the youth justice system aged 10-17")
    plymouth, region = _lait("FirstYJS", "Plymouth"), _lait("FirstYJS", "South West")
    assert list(table) == [str(y) for y in range(2016, 2025)]
    assert (table["2016"]["Plymouth"], table["2024"]["Plymouth"]) == ("305", "207")  # the figures
    for year, row in table.items():
        assert float(row["Plymouth"]) == plymouth[year]
        assert float(row["South West"]) == region[year]
        assert row["Statistical neighbours' average"]
    text = section.get_text(" ", strip=True)
    assert "From 305 per 100,000 aged 10-17 in 2016 to 207 in 2024: about 323 a year before the COVID-19" in text
    assert "no trend is stated" in text  # a one-off step at the pandemic explains it as well as a trend
    assert "Department for Education, Local Authority Interactive Tool" in text


@pytest.mark.shared
def test_ons_sexual_offences_and_stalking_rates_for_the_latest_year_with_their_source(packs):
    section = _sections(packs / YEAR / "strategic_assessment.html")[
        "Domestic Abuse and Sexual Violence including Child Sexual Exploitation"
    ]
    text = section.get_text(" ", strip=True)
    rates = pd.read_excel(ONS, sheet_name="Table C4", header=7)
    rates.columns = [" ".join(str(c).split()) for c in rates.columns]
    plymouth = rates[rates["Community Safety Partnership code"] == "E22000056"].iloc[0]
    for group in ("Sexual offences", "Stalking and harassment"):
        item = next(li for li in section.find_all("li") if li.strong and li.strong.get_text().startswith(group))
        said = item.get_text(" ", strip=True)
        assert f"{plymouth[group]:.1f} crimes per 1,000 people in 2024" in said
        assert "ONS, Police force area data tables, year ending December 2024" in said
    assert (
        "MARAC (multi-agency risk assessment conference) cases and repeat rate: held by the MARAC coordinator, "
        "not supplied." in text
    )
    from safer_analysis.reports.strategic_assessment import compared

    codes = set(compared.open_comparison("2018-19", "E22000056", "Plymouth", ROOT).comparison.group["csp_code"])
    counts = pd.read_excel(ONS, sheet_name="Table C2", header=7)
    counts.columns = [" ".join(str(c).split()) for c in counts.columns]
    group = counts[counts["Community Safety Partnership code"].isin(codes)]
    people = rates[rates["Community Safety Partnership code"].isin(codes)]
    assert len(group) == len(people) == 15
    population = people["Population figures (mid-2022) - rounded to 100"].sum()
    sexual = group["Sexual offences"].sum() * 1000 / population  # the group's rate, pooled, Plymouth left out
    assert f"and similar partnerships ({sexual:.1f})" in text


def test_every_priority_says_what_measures_it_and_what_does_not(packs, dataset):
    sections = _sections(packs / YEAR / "strategic_assessment.html")
    assert set(dataset.local_priorities["name"]) <= set(sections)
    for name in dataset.local_priorities["name"]:
        text = sections[name].get_text(" ", strip=True)
        assert "What measures it:" in text or "Nothing held measures it." in text, name
        assert "What does not measure it, or is not supplied:" in text or "Nothing is listed as missing" in text, name


def test_the_ranking_column_uses_the_figures_that_measure_a_priority(packs):
    page = (packs / YEAR / "strategic_assessment.html").read_text(encoding="utf-8")
    table = BeautifulSoup(page, "html.parser").find(id="table-priority_ranking")
    row = next(r for r in table.find_all("tr") if "Emerging areas" in r.get_text())
    said = row.get_text(" ", strip=True)
    assert (
        "First-time entrants to the youth justice system aged 10-17: 207 per 100,000 aged 10-17 in 2024, lower since"
        in said
    )


def test_every_page_shows_the_packs_marking(packs):
    from openpyxl import load_workbook

    (book,) = (packs / YEAR).glob("*.xlsx")
    cover = [c.value for row in load_workbook(book)["Cover"].iter_rows() for c in row if c.value]
    assert "Protective marking: OFFICIAL." in cover
    for page in sorted((packs / YEAR).glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one("header .sa-marking").get_text(strip=True) == "OFFICIAL", page.name
        assert "OFFICIAL" in soup.find("footer").get_text(), page.name


def test_a_public_build_leaves_out_restricted_figures_and_says_so(project_copy: Path, tmp_path: Path):
    data = project_copy / "data"
    header = next(csv.reader(open(data / "indicators.csv", encoding="utf-8")))
    rows = [
        {
            "indicator": "MARAC (multi-agency risk assessment conference) cases and repeat rate",
            "area_code": "E06000026",
            "area_name": "Plymouth",
            "period": period,
            "value": value,
            "count": count,
            "denominator": "420",
            "unit": "% of cases",
            "higher_is_better": "no",
            "marking": "OFFICIAL-SENSITIVE",
            "source": "Plymouth MARAC coordinator",
        }
        for period, value, count in (("2017/18", "31", "130"), ("2018/19", "28", "118"))
    ]
    with open(data / "indicators.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in header} for r in rows)
    common = ["build", "--project", str(project_copy), "--year", YEAR]
    assert main([*common, "--product", "strategic_assessment", "--out", str(tmp_path / "full")]) == 0
    assert main([*common, "--product", "strategic_assessment", "--out", str(tmp_path / "part"), "--public"]) == 2
    assert main([*common, "--out", str(tmp_path / "public"), "--public"]) == 0
    full = _sections(tmp_path / "full" / YEAR / "strategic_assessment.html")
    public_page = tmp_path / "public" / YEAR / "strategic_assessment.html"
    public = _sections(public_page)
    name = "Domestic Abuse and Sexual Violence including Child Sexual Exploitation"
    assert "From 31% of cases in 2017/18 to 28 in 2018/19" in full[name].get_text(" ", strip=True)
    said = public[name].get_text(" ", strip=True)
    assert (
        "31% of cases" not in said
        and "MARAC (multi-agency risk assessment conference) cases and repeat rate: held, but not for publication"
        in said
    )
    text = public_page.read_text(encoding="utf-8")
    assert (
        "figures marked OFFICIAL-SENSITIVE are left out of this page: MARAC (multi-agency risk assessment "
        "conference) cases and repeat rate." in text
    )
    for page in (tmp_path / "public" / YEAR).glob("*.html"):
        mark = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("header .sa-marking")
        assert re.search(r"public version", mark.get_text()), page.name
    assert not list((tmp_path / "public" / YEAR / "tables").glob("*")) or all(
        "Plymouth MARAC coordinator" not in p.read_text(encoding="utf-8")
        for p in (tmp_path / "public" / YEAR / "tables").glob("*.csv")
    )
    assert read_rows(data / "indicators.csv")[0]["marking"] == "OFFICIAL-SENSITIVE"  # the input is untouched
    settings = project_copy / "safer-analysis.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('marking = "OFFICIAL"', 'marking = "OFFICIAL-SENSITIVE"'),
        encoding="utf-8",
    )
    assert main([*common, "--out", str(tmp_path / "sensitive"), "--public"]) == 2  # not publishable as a whole
