"""Spend functions against figures worked out by hand from the seeds.

2018-19: nine lines, £160,200 + £25,000 + £98,500 + £30,000 + £30,000 + £5,868 + £28,000
+ £20,000 + £3,000 = £400,568, the whole grant.
2017-18: recommended £110,000 + £25,000 + £98,500 = £233,500; £400,568 - £233,500 = £167,068
(41.7% of the grant) not yet allocated; five lines Tbc or awaiting confirmation.
"""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.analysis import spend
from safer_analysis.reports import spend_analysis as spend_report


def line(table, name, column="amount"):
    return table.set_index("line").at[name, column]


def test_reconcile_2018_19_fully_allocated(dataset):
    r = spend.reconcile(dataset.allocations, 400_568, "2018-19")
    assert line(r, "allocated") == 400_568
    assert line(r, "allocated", "projects") == 9
    assert line(r, "unallocated") == 0
    assert line(r, "pending", "projects") == 0


def test_reconcile_2017_18_leaves_167068_unallocated(dataset):
    r = spend.reconcile(dataset.allocations, 400_568, "2017-18")
    assert line(r, "recommended") == 233_500 and line(r, "allocated") == 0
    assert line(r, "committed") == 233_500
    assert line(r, "unallocated") == 167_068
    assert line(r, "unallocated", "share_of_grant_pct") == pytest.approx(41.707, abs=1e-3)
    assert line(r, "pending", "projects") == 5


def test_overallocation_is_an_error_not_a_negative_remainder(dataset):
    with pytest.raises(spend.OverallocationError, match=r"by £99,432"):
        spend.reconcile(dataset.allocations, 301_136, "2018-19")


def test_change_by_theme(dataset):
    c = spend.change_by_theme(dataset.allocations, "2018-19", "2017-18").set_index("theme_key")
    da = c.loc["domestic_abuse_service"]
    assert da["change"] == 50_200 and da["kind"] == "increased"
    assert da["change_pct"] == pytest.approx(45.636, abs=1e-3)
    assert c.at["sexual_violence_counselling", "kind"] == "unchanged"
    assert c.at["drug_alcohol_treatment", "change"] == 0
    # Healthy Relationships "will continue into year 2": Tbc in the 2017 draft, not new money
    assert c.at["healthy_relationships", "kind"] == spend.AMOUNT_SET
    assert pd.isna(c.at["healthy_relationships", "change_pct"]) and pd.isna(c.at["healthy_relationships", "change"])
    assert c.at["emerging_threats", "kind"] == spend.NOT_IN_PLAN and pd.isna(c.at["emerging_threats", "change"])
    assert c.at["substance_misuse_harm", "change"] == 20_000
    assert c.at["substance_misuse_harm", "kind"] == "new line"
    assert c.at["prevent_awareness", "kind"] == "new line"
    assert len(c) == 10


def test_total_change(dataset):
    t = spend.total_change(spend.change_by_theme(dataset.allocations, "2018-19", "2017-18"))
    assert t["previous"] == 233_500 and t["current"] == 400_568
    assert t["change"] == 167_068
    assert t["change_pct"] == pytest.approx(71.549, abs=1e-3)


def test_budget_share_where_the_budget_is_known(dataset):
    b = spend.budget_share(dataset.allocations, "2017-18").set_index("theme_key")
    assert b.at["domestic_abuse_service", "grant_share_pct"] == pytest.approx(21.923, abs=1e-3)
    assert b.at["sexual_violence_counselling", "grant_share_pct"] == pytest.approx(33.333, abs=1e-3)
    assert b.at["drug_alcohol_treatment", "grant_share_pct"] == pytest.approx(4.925)
    assert b.at["drug_alcohol_treatment", "other_funding"] == 1_901_500


def test_budget_share_takes_the_latest_known_budget_with_its_year(dataset):
    # the 2018-19 plan gives no budgets: the 2017-18 ones are shown, with that year's grant and share
    b = spend.budget_share(dataset.allocations, "2018-19").set_index("theme_key")
    da = b.loc["domestic_abuse_service"]
    assert da["amount"] == 160_200 and da["budget_year"] == "2017-18" and da["budget_year_amount"] == 110_000
    assert da["total_budget"] == 501_753 and da["grant_share_pct"] == pytest.approx(21.923, abs=1e-3)
    assert b.at["sexual_violence_counselling", "grant_share_pct"] == pytest.approx(33.333, abs=1e-3)
    assert b.at["drug_alcohol_treatment", "grant_share_pct"] == pytest.approx(4.925)
    assert b.loc[["healthy_relationships", "prevent_awareness"], "grant_share_pct"].isna().all()
    # each budget as the document wrote it, so a rounded one is not shown to the pound
    assert b.at["drug_alcohol_treatment", "total_budget_text"] == "£2m"
    assert b.at["domestic_abuse_service", "total_budget_text"] == "£501,753"


def test_the_budget_note_says_a_rounded_budget_makes_its_share_approximate(dataset):
    from safer_analysis.reports.spend_analysis import budget_note

    note = budget_note(spend.budget_share(dataset.allocations, "2018-19"), "2018-19")
    assert "£2m for Community drug and alcohol treatment programme" in note and "approximate" in note
    assert "501,753" not in note


def test_contracts_ending_are_risks(dataset):
    ordered = spend.contract_risks(dataset.allocations, "2018-19")
    assert ordered["when"].tolist() == ["during the year", "in the next year"]  # the sooner first, not in file order
    r = ordered.set_index("project")
    assert r.at["Therapeutic counselling for victims of sexual assault", "when"] == "during the year"  # October 2018
    assert r.at["Plymouth Domestic Abuse Service", "when"] == "in the next year"  # December 2019
    text = " ".join(spend_report.risks(dataset, "2018-19"))
    assert "First Light" in text and "ends in October 2018, part-way through 2018-19" in text
    # the domestic abuse contract runs into 2019-20, a year no document confirms a grant for
    assert (
        "ends in December 2019, in 2019-20, for which no document here confirms a grant (the grant is known for "
        "2017-18 and 2018-19)" in text
    )
    # the plan is not signed: approving it is the board's first decision
    assert text.startswith(
        "The figures rest on Community Safety Partnership Fund 2018 – 19 Spending Intentions Plan, a plan of "
        "intended spending: its Approved column is blank"
    )


def test_by_pcp_priority_even_split_2018_19(dataset):
    p = spend.by_pcp_priority(
        dataset.allocations, dataset.allocation_pcp_priorities, dataset.pcp_priorities, "2018-19"
    ).set_index("priority")
    assert p["apportioned"].sum() == pytest.approx(400_568)
    expected = {1: 28_567, 2: 62_900.333, 3: 155_500.333, 4: 136_500.333, 5: 17_100}
    for k, v in expected.items():
        assert p.at[k, "apportioned"] == pytest.approx(v, abs=0.01)
    assert p.at[1, "gross_amount"] == 113_868
    assert p.at[3, "gross_amount"] == 400_568
    assert p.attrs["basis"] == ["stated"]


def test_by_pcp_priority_2017_18_is_marked_inferred(dataset):
    p = spend.by_pcp_priority(dataset.allocations, dataset.allocation_pcp_priorities, dataset.pcp_priorities, "2017-18")
    assert p["apportioned"].sum() == pytest.approx(233_500)
    assert p.attrs["basis"] == ["inferred"]


def test_pcp_money_counts_whole_lines_and_splits_none(dataset):
    """2018-19: every line serves two or more Police & Crime Plan priorities (the plan's priority
    column), so none serves one alone; priority 1's lines are rows 4 to 8, £30,000 + £30,000 + £5,868
    + £28,000 + £20,000 = £113,868; priority 3 is served by all nine, the whole £400,568."""
    p = spend.pcp_money(
        dataset.allocations, dataset.allocation_pcp_priorities, dataset.pcp_priorities, "2018-19"
    ).set_index("priority")
    assert p.at[1, "total"] == 113_868 and p.at[1, "lines"] == 5
    assert p.at[3, "total"] == 400_568 and p.at[3, "lines"] == 9
    assert (p["amount_alone"] == 0).all() and (p["amount_shared"] == p["total"]).all()
    amounts = set(dataset.allocations_for("2018-19")["amount"])
    assert "apportioned" not in p and all(a in amounts or a == 0 or a >= 30_000 for a in p["total"])
    assert p.attrs["basis"] == ["stated"]


def test_a_drafts_amounts_are_said_to_be_proposed_in_it(dataset):
    """sources.csv marks the January 2017 paper a draft: its amounts are proposed in it; without the
    column (an older project) the lines' status says what they are."""
    assert spend_report.set_in(dataset.allocations, dataset.sources, "2017-18") == (
        "proposed in the draft of January 2017"
    )
    assert spend_report.set_in(dataset.allocations, dataset.sources, "2018-19") == "allocated in the 2018-19 plan"
    older = dataset.sources.drop(columns=["draft"])
    assert spend_report.set_in(dataset.allocations, older, "2017-18") == "recommended for the board to decide"


def test_summary_states_the_headline_figures(dataset):
    r = spend.reconcile(dataset.allocations, 400_568, "2017-18")
    text = " ".join(spend_report.summarise(r, dataset.allocations, "2017-18", sources=dataset.sources))
    assert "£233,500 of the £400,568 grant for 2017-18 (58.3%) is proposed in the draft of January 2017" in text
    assert "£167,068 (41.7%) is not yet allocated" in text
    assert "5 lines still await an amount" in text


def test_summary_reports_the_change(dataset):
    r = spend.reconcile(dataset.allocations, 400_568, "2018-19")
    c = spend.change_by_theme(dataset.allocations, "2018-19", "2017-18")
    text = " ".join(
        spend_report.summarise(
            r, dataset.allocations, "2018-19", changes=c, grants=dataset.grants, sources=dataset.sources
        )
    )
    assert "nothing is left unallocated" in text
    assert "The grant is £400,568 in both 2017-18 and 2018-19" in text  # like with like: a standstill award
    assert "+£167,068" not in text and "71.5%" not in text
    assert "For 2017-18, £233,500 was proposed in the draft of January 2017, which left 5 of its 8 lines" in text
    assert "document set amounts" not in text
    assert (
        "Service by service: Plymouth Domestic Abuse Service rises from £110,000 to £160,200; 2 are unchanged; " in text
    )
    assert (
        "4 had no amount in 2017-18 and have one now; 2 are new; 1 has no line of its own in the 2018-19 plan." in text
    )


def test_a_change_of_contract_or_provider_is_said_beside_the_change(dataset):
    changes = spend.change_by_theme(dataset.allocations, "2018-19", "2017-18")
    said = dict(zip(changes["theme_key"], spend_report.what_changed(changes), strict=True))
    # PDAS: in place until Dec 2017 (2017 paper, 4.1), until December 2019 (2018-19 plan)
    assert said["domestic_abuse_service"] == (
        "increased; the documents give different contract ends (December 2017 for 2017-18, December 2019 for "
        "2018-19), so the two amounts may not buy the same"
    )
    assert (
        "different providers (Twelves Company for 2017-18, First Light for 2018-19)"
        in said["sexual_violence_counselling"]
    )
    assert said["drug_alcohol_treatment"] == "unchanged"  # a provider named in one year only says nothing
