"""The board paper (the pack's index.html) read as a board member reads it: short, decisions first,
a few findings in plain words with their comparisons, nothing resting on illustrative inputs, and
every amount one the documents give (or a total or remainder of them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.present import plain_english
from safer_analysis.reports.board_paper import MAX_FINDINGS, recommendations
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

YEARS = ("2017-18", "2018-19")
#: Words that would show a finding or recommendation rests on the illustrative scores or returns.
ILLUSTRATIVE = ("illustrative", "ranked", "ranks", "score", "green", "amber", "RAG")


def _paper(packs: Path, year: str) -> BeautifulSoup:
    return BeautifulSoup((packs / year / "index.html").read_text(encoding="utf-8"), "html.parser")


def _section(soup: BeautifulSoup, title: str):
    heading = next(h for h in soup.find_all("h2") if h.get_text(strip=True) == title)
    return heading.find_next_sibling()


def _words(soup: BeautifulSoup) -> int:
    main = soup.find("main")
    for tag in main.find_all(["figure", "script", "style"]):
        tag.decompose()
    return len(main.get_text(" ", strip=True).split())


@pytest.mark.parametrize("year", YEARS)
def test_the_paper_is_short_and_in_the_order_a_board_reads(packs, year):
    soup = _paper(packs, year)
    assert _words(soup) <= 1500
    headings = [h.get_text(strip=True) for h in soup.find("main").find_all("h2")]
    assert headings == [
        "Purpose",
        "Recommendations",
        "Key findings",
        "The money",
        "Implications",
        "Risks, and what is still draft or illustrative",
        "Appendices",
    ]
    block = dict(
        zip(
            [dt.get_text(strip=True) for dt in soup.select("dl.sa-titleblock dt")],
            [dd.get_text(strip=True) for dd in soup.select("dl.sa-titleblock dd")],
            strict=True,
        )
    )
    assert block["Meeting"] == "Safer Plymouth board" and block["For"] == "decision"
    assert block["Contact"] == "Safer Plymouth Community Safety Partnership" and block["Marking"] == "OFFICIAL"
    links = [a["href"] for a in _section(soup, "Appendices").find_all("a")]
    assert {"strategic_assessment.html", "allocation_rationale.html", "spend_analysis.html"} <= set(links)


@pytest.mark.parametrize("year", YEARS)
def test_recommendations_are_numbered_decisions_each_with_options(packs, year):
    soup = _paper(packs, year)
    heading = next(h for h in soup.find_all("h2") if h.get_text(strip=True) == "Recommendations")
    assert heading.find_next_sibling().get_text(strip=True) == "The board is asked to:"
    listed = heading.find_next("ol")
    items = listed.find_all("li", recursive=False)
    expected = recommendations(load_dataset(ROOT / "data"), year)
    assert [i.find("strong").get_text(strip=True) for i in items][: len(expected)] == [r.decision for r in expected]
    for item in items:
        assert len(item.find("ul").find_all("li")) >= 2, item.get_text()
        assert not any(w.lower() in item.get_text().lower() for w in ILLUSTRATIVE), item.get_text()


@pytest.mark.parametrize("year", YEARS)
def test_a_few_findings_in_plain_words_none_resting_on_illustrative_inputs(packs, year):
    soup = _paper(packs, year)
    findings = [li.get_text(" ", strip=True) for li in _section(soup, "Key findings").find_all("li")]
    assert 3 <= len(findings) <= MAX_FINDINGS
    for text in findings:
        assert not any(w.lower() in text.lower() for w in ILLUSTRATIVE), text
    said = " ".join(findings)
    assert "similar partnerships" in said and "England and Wales" in said  # the comparisons that matter
    assert "on the year before" in said
    assert plain_english.statistical_terms(findings) == []


def test_the_2018_19_paper_says_what_the_documents_give(packs):
    soup = _paper(packs, "2018-19")
    text = soup.find("main").get_text(" ", strip=True)
    assert "All of the £400,568 grant for 2018-19 is allocated, across 9 lines." in text
    assert "The grant is the same as in 2017-18." in text
    assert "Therapeutic counselling for victims of sexual assault with First Light, which ends in October 2018" in text
    assert "(£160,200 from the 2018-19 grant) runs 9 months into 2019-20" in text
    assert "Plymouth's crime rate (97 for every 1,000 people) was lower than its 15 most similar partnerships" in text
    assert "higher than England and Wales (87)" in text
    appendices = _section(soup, "Appendices").find_all("a", href=lambda h: h and h.endswith(".html"))
    assert len(appendices) == 3 and "The three reports behind it are its appendices." in text


def test_the_2017_18_draft_is_said_to_propose_not_set_amounts(packs):
    text = _paper(packs, "2017-18").find("main").get_text(" ", strip=True)
    assert "Agree the 2017-18 amounts proposed in the draft of January 2017: £233,500" in text
    assert "£233,500 of the £400,568 grant for 2017-18 is proposed in the draft of January 2017" in text
    assert "£167,068" in text  # the remainder of the documented amounts


@pytest.mark.parametrize("year", YEARS)
def test_every_amount_in_the_paper_is_documented_or_a_total_or_remainder(packs, year):
    dataset = load_dataset(ROOT / "data")
    lines = dataset.allocations_for(year)
    amounts = {round(float(a)) for a in lines["amount"].dropna()}
    grant = dataset.grant_or_none(year)
    total = round(float(lines["amount"].dropna().sum()))
    allowed = (
        amounts
        | {round(grant), total, round(grant) - total}
        | {round(float(g)) for g in dataset.grants["amount"].dropna()}
    )
    text = _paper(packs, year).find("main").get_text(" ", strip=True)
    for found in re.findall(r"£(\d[\d,]*\d|\d)", text):
        assert int(found.replace(",", "")) in allowed, f"£{found}"


@pytest.mark.parametrize("year", YEARS)
def test_the_whole_paper_reads_as_plain_english(packs, year):
    """Flesch reading ease of 50 or more over every passage a board member reads (measured offline,
    :mod:`safer_analysis.present.readability`), and no statistical term anywhere in it."""
    page = (packs / year / "index.html").read_text(encoding="utf-8")
    said = plain_english.board_text(page)
    counts = plain_english.readability.count(said)
    assert counts.words >= 500 and counts.sentences >= 30  # the paper itself, not an empty page
    assert counts.reading_ease >= plain_english.READING_EASE_AT_LEAST
    assert plain_english.statistical_terms(said) == []


def test_what_the_documents_recommend_goes_with_the_decision_it_speaks_to(packs):
    """recommendations.csv's own words: the plan's advice on the counselling contract sits under
    that decision, and a recommendation that speaks to no decision is one to agree."""
    listed = _paper(packs, "2018-19").find("ol", class_="sa-recommendations").find_all("li", recursive=False)
    counselling = next(li for li in listed if "Therapeutic counselling" in li.find("strong").get_text())
    assert (
        "The documents recommend: Align the next procurement of the therapeutic counselling service"
        in counselling.get_text(" ", strip=True).replace(" :", ":")
    )
    assert any(li.find("strong").get_text().startswith("Agree: Explore the evidence on alcohol") for li in listed)


def test_the_figures_asked_of_partners_are_theirs_and_published_ones_are_not_asked_for(packs):
    listed = _paper(packs, "2018-19").find("ol", class_="sa-recommendations").find_all("li", recursive=False)
    ask = next(li for li in listed if li.find("strong").get_text().startswith("Ask partners"))
    items = [li.get_text(" ", strip=True) for li in ask.find("ul").find_all("li")]
    assert (
        "MARAC (multi-agency risk assessment conference) cases and repeat rate: held by the MARAC coordinator" in items
    )
    published = items[-1]
    assert published.startswith("Published, for the analyst to add before the next assessment:")
    assert "Prevent referrals" in published and not any("Prevent referrals" in i for i in items[:-1])


def test_the_bundled_paper_says_where_no_option_is_recommended_yet(packs):
    """Plymouth's documents name no option the paper's author prefers, and decisions.csv is empty:
    the paper says so under every decision rather than leave the board to guess."""
    listed = _paper(packs, "2018-19").find("ol", class_="sa-recommendations").find_all("li", recursive=False)
    said = {li.find("strong").get_text(): li.get_text(" ", strip=True).replace(" :", ":") for li in listed}
    plan = next(t for k, t in said.items() if k.startswith("Approve the 2018-19 spending plan"))
    assert "Recommended option: none given yet." in plan
    # where the plan recommends, the author's own view is still asked for, and the two told apart
    counselling = next(t for k, t in said.items() if "Therapeutic counselling" in k)
    assert "The documents recommend: Align the next procurement" in counselling
    assert "Recommended option: none given yet." in counselling
    assert "a decision is needed before October 2018" in counselling
    agree = next(t for k, t in said.items() if k.startswith("Agree: Explore the evidence"))
    assert "Recommended option: none given yet." in agree


def test_the_authors_recommended_option_and_lead_reach_the_paper(project_copy, tmp_path):
    from safer_analysis.cli import main
    from tests.conftest import write_rows

    write_rows(
        project_copy / "data" / "decisions.csv",
        [
            {
                "financial_year": "2018-19",
                "decision": "contract SP-2018-19-01",
                "preferred_option": "Look for other funding",
                "reason": "the grant for 2019-20 is not yet known",
                "lead": "Community safety manager",
            }
        ],
    )
    out = tmp_path / "out"
    assert main(["build", "--project", str(project_copy), "--year", "2018-19", "--out", str(out)]) == 0
    listed = _paper(out, "2018-19").find("ol", class_="sa-recommendations").find_all("li", recursive=False)
    contract = next(li for li in listed if "Plymouth Domestic Abuse Service" in li.find("strong").get_text())
    text = contract.get_text(" ", strip=True).replace(" :", ":").replace(" .", ".")
    assert "Recommended option: Look for other funding. The grant for 2019-20 is not yet known." in text
    assert "Look for other funding (recommended): a decision is needed before April 2019." in text
    assert text.endswith("Lead: Community safety manager.")
