"""Allocation rationale against figures worked out by hand from the seeds.

2018-19 local priorities, whole lines only. The £30,000 awareness plan names six themes ("Hate
Crime, Prevent, Modern Slavery, CSE, Cyber-crime, scams and alcohol") and does not split itself,
so it is shared by all six: domestic abuse and sexual violence 160,200 + 25,000 + 30,000 = 215,200
alone, plus the 30,000 shared; alcohol and drugs 98,500 + 20,000 = 118,500 alone, plus 30,000
shared; emerging threats 5,868 + 28,000 = 33,868 alone (both the analyst's reading); Prevent 3,000
alone plus 30,000 shared; hate crime, modern slavery and cyber crime 30,000 shared only. Mental
health, a cross-cutting issue, has no line. (The even split the analyst's workbench can still
compute, £5,000 a theme, is tested below as that function; no report shows it.)
"""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis import allocation as al


def ranking(keys_scores):
    return pd.DataFrame(
        {
            "priority_key": [k for k, _ in keys_scores],
            "analyst_score": [s for _, s in keys_scores],
            "rank": range(1, len(keys_scores) + 1),
            "rank_label": [str(i) for i in range(1, len(keys_scores) + 1)],
        }
    )


def local_totals(dataset, year):
    funded = dataset.allocations_for(year)
    funded = funded[funded["amount"].notna()]
    return al.totals_by_priority(
        funded, dataset.allocation_local_priorities, dataset.local_priorities, key="priority_key"
    ).set_index("priority_key")


def test_local_priority_totals_2018_19(dataset):
    t = local_totals(dataset, "2018-19")
    expected = {
        "domestic_abuse_sexual_violence": 220_200,
        "hate_crime": 5_000,
        "alcohol_drugs": 123_500,
        "emerging_threats": 33_868,
        "prevent": 8_000,
        "modern_slavery": 5_000,
        "cyber_crime_fraud": 5_000,
        "mental_health": 0,
    }
    for key, value in expected.items():
        assert t.at[key, "apportioned"] == pytest.approx(value), key
    assert t["apportioned"].sum() == pytest.approx(400_568)
    assert t.at["domestic_abuse_sexual_violence", "gross_amount"] == 245_200
    assert t.at["domestic_abuse_sexual_violence", "projects"] == 4


def test_pcp_matrix_and_totals_add_up(dataset):
    lines = dataset.allocations_for("2018-19")
    m = al.priority_matrix(lines, dataset.allocation_pcp_priorities)
    assert m.sum().sum() == len(
        dataset.allocation_pcp_priorities[
            dataset.allocation_pcp_priorities["allocation_id"].isin(lines["allocation_id"])
        ]
    )
    t = al.totals_by_priority(lines, dataset.allocation_pcp_priorities, dataset.pcp_priorities)
    assert t["apportioned"].sum() == pytest.approx(400_568)


def local_money(dataset, year):
    funded = dataset.allocations_for(year)
    funded = funded[funded["amount"].notna()]
    return al.money_by_priority(
        funded, dataset.allocation_local_priorities, dataset.local_priorities, key="priority_key"
    )


def test_local_priority_money_2018_19_is_whole_lines(dataset):
    t = local_money(dataset, "2018-19").set_index("priority_key")
    expected = {  # (lines, total, alone, shared)
        "domestic_abuse_sexual_violence": (4, 245_200, 215_200, 30_000),
        "hate_crime": (1, 30_000, 0, 30_000),
        "alcohol_drugs": (3, 148_500, 118_500, 30_000),
        "emerging_threats": (2, 33_868, 33_868, 0),
        "prevent": (2, 33_000, 3_000, 30_000),
        "modern_slavery": (1, 30_000, 0, 30_000),
        "cyber_crime_fraud": (1, 30_000, 0, 30_000),
        "mental_health": (0, 0, 0, 0),
    }
    for key, (lines, total, alone, shared) in expected.items():
        row = t.loc[key]
        assert (row["lines"], row["total"], row["amount_alone"], row["amount_shared"]) == (lines, total, alone, shared)
    assert t.at["hate_crime", "shared_projects"] == ["Training, campaigns and awareness plan"]
    assert 5_000 not in set(t[["total", "amount_alone", "amount_shared"]].to_numpy().ravel())


def test_each_link_says_whether_the_document_states_it(dataset):
    """The plan names domestic abuse, sexual violence, alcohol and Prevent in its rows; it never
    names emerging threat, risk and harm, so the ASB and infrastructure lines' links to it are the
    analyst's reading; every stated link is cited to its row."""
    lines = dataset.allocations_for("2018-19")
    links = al.link_sources(
        lines, dataset.allocation_local_priorities, dataset.local_priorities, dataset.sources, key="priority_key"
    ).set_index(["allocation_id", "priority_key"])
    assert not links.at[("SP-2018-19-07", "emerging_threats"), "from_document"]
    assert not links.at[("SP-2018-19-06", "emerging_threats"), "from_document"]
    assert links.at[("SP-2018-19-09", "prevent"), "from_document"]
    stated = links[links["from_document"]]
    assert stated["source"].str.contains("Spending Intentions Plan, table row").all()
    m = al.labelled_matrix(lines, dataset.allocation_local_priorities, key="priority_key")
    infrastructure = m.loc["Safer Plymouth infrastructure and analysis"]
    assert infrastructure["emerging_threats"] == "Analyst"
    assert m.loc["Workshop to Raise Awareness of Prevent", "prevent"] == "Document"


def test_alignment_names_unfunded_priorities(dataset):
    t = local_money(dataset, "2018-19")
    r = ranking(
        [
            ("domestic_abuse_sexual_violence", 0.9),
            ("alcohol_drugs", 0.7),
            ("modern_slavery", 0.6),
            ("hate_crime", 0.5),
            ("emerging_threats", 0.4),
            ("prevent", 0.3),
            ("cyber_crime_fraud", 0.2),
            ("mental_health", 0.1),
        ]
    )
    a = al.alignment(t, r.iloc[:-1]).set_index("priority_key")  # mental health, cross-cutting, not ranked
    assert list(a.index[:3]) == ["domestic_abuse_sexual_violence", "alcohol_drugs", "modern_slavery"]
    assert a.index[-1] == "mental_health" and pd.isna(a.at["mental_health", "rank"])
    assert "harm_share_pct" not in a  # no share of harm from crime types that do not measure the priorities
    assert set(a.index[~a["funded"]]) == {"mental_health"}


def test_proposal_2017_18_holds_commitments_and_spends_the_grant(dataset):
    r = ranking(
        [
            ("domestic_abuse_sexual_violence", 0.8),
            ("hate_crime", 0.4),
            ("emerging_threats", 0.2),
            ("modern_slavery", 0.6),
            ("alcohol_drugs", 0.5),
        ]
    )
    p = al.propose_remainder(dataset.allocations, dataset.allocation_local_priorities, r, 400_568, "2017-18")
    p = p.set_index("allocation_id")
    assert p.attrs["remainder"] == 167_068
    assert p["total"].sum() == 400_568
    assert p.loc[["SP-2017-18-01", "SP-2017-18-02", "SP-2017-18-03"], "proposed"].eq(0).all()
    assert p.at["SP-2017-18-01", "total"] == 110_000
    assert (p["proposed"] >= 0).all() and (p["proposed"] % 1 == 0).all()
    # need scores: 04 DA 0.8; 05 mean(DA, hate) 0.6; 06 ET 0.2; 07 mean(ET, MS) 0.4; 08 ET 0.2 (sum 2.2)
    assert p.at["SP-2017-18-04", "need_score"] == pytest.approx(0.8)
    assert p.at["SP-2017-18-07", "need_score"] == pytest.approx(0.4)
    assert p.at["SP-2017-18-04", "proposed"] == pytest.approx(167_068 * 0.8 / 2.2, abs=1)
    assert p.at["SP-2017-18-04", "proposed"] > p.at["SP-2017-18-05", "proposed"] > p.at["SP-2017-18-06", "proposed"]


def test_a_rate_to_fall_with_too_few_months_for_a_trend_says_so():
    """A measure of a police.uk rate to be reduced, before the crime data hold 24 months: its rate
    is shown, and its status says there is no trend yet, not that it has no target."""
    from types import SimpleNamespace

    from safer_analysis.reports import allocation_rationale as ar

    measures = pd.DataFrame(
        {
            "crime_type": ["Anti-social behaviour"],
            "direction": ["decrease"],
            "status": [""],
            "value": [None],
            "as_at": [""],
        }
    )
    rates = pd.DataFrame({"rate": [20.1]}, index=["Anti-social behaviour"])
    profile = SimpleNamespace(rates=rates, trend=pd.DataFrame(), coverage=pd.DataFrame(), year="year to Dec 2025")
    row = ar.with_assessed_rates(measures, profile).iloc[0]
    assert row["status"] == ar.NO_TREND and row["value"] == 20.1


def test_proposal_rounding_keeps_the_total_exact():
    allocations = pd.DataFrame(
        {
            "allocation_id": ["a", "b", "c", "d"],
            "financial_year": "2020-21",
            "project": list("ABCD"),
            "status": ["allocated"] + ["to be confirmed"] * 3,
            "amount": [100.0, None, None, None],
        }
    )
    links = pd.DataFrame({"allocation_id": ["b", "c", "d"], "priority_key": ["x", "x", "x"]})
    p = al.propose_remainder(allocations, links, ranking([("x", 1.0)]), 1_100, "2020-21")
    assert p["total"].sum() == 1_100 and sorted(p["proposed"].tolist()) == [0, 333, 333, 334]


def test_proposal_refuses_an_overcommitted_year():
    allocations = pd.DataFrame(
        {
            "allocation_id": ["a"],
            "financial_year": "2020-21",
            "project": ["A"],
            "status": ["allocated"],
            "amount": [200.0],
        }
    )
    with pytest.raises(ValueError, match="more than the grant"):
        al.propose_remainder(
            allocations, pd.DataFrame(columns=["allocation_id", "priority_key"]), ranking([("x", 1.0)]), 100, "2020-21"
        )


@pytest.fixture(scope="module")
def rationales(dataset):
    from safer_analysis.inputs import police_uk
    from safer_analysis.reports import allocation_rationale as rationale
    from safer_analysis.reports import strategic_assessment as assessment

    from ..conftest import CRIME_FILE

    crimes = police_uk.load_crimes(CRIME_FILE)
    out = {}
    for year in dataset.years:
        profile = assessment.build_profile(
            crimes, dataset, year, "Plymouth", area_codes=["E06000026"], metadata=crimes.attrs["metadata"]
        )
        out[year] = rationale.build(dataset, year, profile)
    return out


def test_rationale_2017_18_proposes_the_remainder(rationales):
    from safer_analysis.reports import allocation_rationale as rationale

    r = rationales["2017-18"]
    assert r.proposal is not None and r.proposal["total"].sum() == 400_568
    text = " ".join(rationale.summarise(r))
    assert (
        "£233,500 of the £400,568 grant is proposed in the draft of January 2017, across 3 of its 8 lines; "
        "£167,068 of it is not yet committed" in text
    )
    assert "proposal" not in text  # a proposal resting on the analyst's scores is no finding
    assert not rationale.show_proposal(r)  # the 2017-18 scores are illustrative: no amounts proposed on them
    assert rationale.remainder_note(r).startswith("£167,068 of the 2017-18 grant is not yet committed")
    text = " ".join(rationale.summarise(rationales["2018-19"]))
    assert "£400,568 of the £400,568 grant is allocated in the 2018-19 plan, across all 9 of its lines" in text


def test_rationale_2018_19_has_no_remainder_and_lists_every_measure(rationales):
    from safer_analysis.reports import allocation_rationale as rationale

    r = rationales["2018-19"]
    assert r.proposal is None
    assert r.local_money["amount_alone"].sum() == 215_200 + 118_500 + 33_868 + 3_000
    table = rationale.outcomes_table(r).set_index("measure")
    others = rationale.other_measures(r)
    assert len(table) == 13  # 11 with a numeric target, and the two rates the assessment measures
    listed = " ".join(others)
    rest = r.outcomes[~r.outcomes["measure"].isin(table.index)]
    assert len(table) + len(rest) == 38 and all(m.rstrip(".") in listed for m in rest["measure"])  # each once
    assert "no numeric target" not in " ".join(table["target"])
    asb = table.loc["Reduce level of ASB/per 1,000 popn"]
    # ASB fell 7.6% a year over 2016-17 to 2018-19, within its normal year-to-year variation (p 0.07)
    assert asb["value"].startswith("33.3 per 1,000; no change beyond normal variation, -7.6% a year")
    assert asb["status"] == "AMBER: no change beyond normal year-to-year variation"
    damage = table.loc["Reduce level of Criminal Damage/per 1,000 popn."]
    assert damage["value"].startswith("10.1 per 1,000") and damage["status"].startswith("AMBER")
    first = table.iloc[0]
    assert first["status"] == "AMBER: short of the target, within its tolerance (illustrative return)"
    assert first["value"] == "98.3% (237 of 241)" and first["as_at"] == "Q4 (April to March 2019)"
    assert rationale.unfunded(r) == []  # the awareness plan names modern slavery and cyber crime among its themes
    said = rationale.unfunded_sentence(r)
    assert "Mental health, a cross-cutting issue" in said
    assert (
        "Hate Crime, Modern Slavery and Cyber Crime including Fraud have no line of their own in 2018-19: each is "
        "one of the themes of the £30,000 Training, campaigns and awareness plan, which does not say how it divides"
    ) in said


def test_the_three_findings_rest_on_no_illustrative_input_and_invent_no_amount(rationales):
    """The 2018-19 scores and outcome returns are illustrative: neither reaches a finding. Every amount
    in the findings is a line's own, a sum of lines, or the grant less such a sum."""
    import itertools
    import re

    from safer_analysis.reports import allocation_rationale as rationale

    for year, r in rationales.items():
        findings = rationale.summarise(r)
        assert len(findings) <= 3
        text = " ".join(findings).lower()
        assert not re.search(r"\b(illustrative|ranked|rank|green|amber|red|outcomes?|share of spend)\b", text), year
        amounts = list(r.funded_amounts.values())
        sums = {sum(c) for n in range(len(amounts) + 1) for c in itertools.combinations(amounts, n)}
        allowed = sums | {r.grant - x for x in sums} | {r.grant}
        for found in re.findall(r"£([\d,]+)", " ".join(findings)):
            assert float(found.replace(",", "")) in allowed, (year, found)
    assert rationale.illustrative_mark(rationales["2018-19"]) is not None  # drawn inside the chart beside need


def test_a_rate_from_twelve_months_with_a_gap_says_how_many_it_covers(dataset):
    """An outcome measured by the assessment's rate is labelled with its months when one is missing."""
    from safer_analysis.analysis import outcomes as oc
    from safer_analysis.inputs import police_uk
    from safer_analysis.reports.allocation_rationale import with_assessed_rates
    from safer_analysis.reports.strategic_assessment.model import build_profile

    from ..conftest import CRIME_FILE

    crimes = police_uk.load_crimes(CRIME_FILE)
    measures = oc.measures_with_status(
        dataset.outcome_measures, dataset.allocations, dataset.outcome_returns, "2018-19"
    )
    assert measures["crime_type"].fillna("").ne("").any()
    labels = {}
    for end in ("2018-06", "2019-03"):  # the year to June 2018 lacks December 2017; 2018-19 is whole
        p = build_profile(crimes, dataset, "2018-19", "Plymouth", area_codes=["E06000026"], period_end=end)
        rated = with_assessed_rates(measures, p)
        labels[end] = set(rated.loc[rated["crime_type"].fillna("").ne(""), "as_at"])
    assert labels == {
        "2018-06": {"year to Jun 2018 (11 months), police.uk"},
        "2019-03": {"year to Mar 2019, police.uk"},
    }


def test_a_line_its_document_splits_counts_its_parts_as_each_priority_s_own(dataset):
    """Were the awareness plan split by its document (£10,000 to domestic abuse and sexual violence,
    £4,000 to each other theme, a made-up split for this test only), each part would be that
    priority's own: no longer shared, and nothing apportioned by the tool."""
    links = dataset.allocation_local_priorities.copy()
    plan = links["allocation_id"] == "SP-2018-19-05"
    links.loc[plan, "document_amount"] = 4_000.0
    links.loc[plan & (links["priority_key"] == "domestic_abuse_sexual_violence"), "document_amount"] = 10_000.0
    lines = dataset.allocations_for("2018-19")
    t = al.money_by_priority(lines, links, dataset.local_priorities, key="priority_key").set_index("priority_key")
    assert t.at["domestic_abuse_sexual_violence", "amount_alone"] == 215_200 + 10_000
    assert t.at["hate_crime", "amount_alone"] == 4_000 and t.at["hate_crime", "amount_shared"] == 0
    assert t["amount_shared"].sum() == 0 and t["amount_alone"].sum() == 400_568
