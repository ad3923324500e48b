"""Harm weights from a force's offence mix, against hand-worked sums and the real Devon & Cornwall
2018-19 mix."""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pytest

from safer_analysis.analysis import harm
from safer_analysis.analysis.crime_profile import ALL_CRIME, ASB
from safer_analysis.inputs import reference

from ..conftest import SHARED

JOIN = pd.DataFrame(
    {
        "ONS_COUNTS_code": ["a", "b", "c", "d"],
        "ONS_SEVERITY_weight": ["10", "1000", "5", "2000"],
        "POLICE_UK_CAT_MAP_category": ["Violence and Sexual Offences"] * 2 + ["Shoplifting", "Robbery"],
    }
)


def test_a_type_weighs_the_mean_of_its_codes_weighted_by_how_often_each_was_recorded():
    volumes = pd.DataFrame({"offence_code": ["a", "b", "c", "b"], "volume": [90, 6, 1, 4]})  # b in two quarters
    w = harm.derive_severity_weights(JOIN, volumes).set_index("crime_type")
    assert w.at["Violence and sexual offences", "weight"] == pytest.approx((90 * 10 + 10 * 1000) / 100)
    assert w.at["Violence and sexual offences", "offences"] == 100
    assert w.at["Shoplifting", "weight"] == 5
    assert "Robbery" not in w.index  # none recorded: no weight rather than a guess


def test_a_code_in_two_types_is_refused():
    join = pd.concat([JOIN, JOIN.iloc[[0]].assign(POLICE_UK_CAT_MAP_category="Robbery")])
    with pytest.raises(ValueError, match="offence code a is in two police.uk types"):
        harm.derive_severity_weights(join, pd.DataFrame({"offence_code": ["a"], "volume": [1]}))


def test_every_force_and_england_and_wales():
    offences = pd.DataFrame(
        {
            "force": ["X", "X", "Y", "Y", "BTP"],
            "financial_year": ["2018-19"] * 5,
            "quarter": [1, 2, 1, 1, 1],
            "offence_code": ["a", "b", "a", "b", "b"],
            "offences": [9, 1, 1, 1, 50],
        }
    )
    w = harm.weights_by_force(JOIN, offences, territorial=["X", "Y"]).set_index(["force", "crime_type"])
    vso = "Violence and sexual offences"
    assert w.at[("X", vso), "weight"] == pytest.approx((9 * 10 + 1000) / 10)
    assert w.at[("Y", vso), "weight"] == pytest.approx((10 + 1000) / 2)
    assert w.at[("England and Wales", vso), "weight"] == pytest.approx((10 * 10 + 2 * 1000) / 12)  # BTP left out
    assert w.at[("X", vso), "quarters"] == 2 and w.at[("Y", vso), "quarters"] == 1


def test_harm_by_type_shares():
    counts = pd.Series({ALL_CRIME: 30, "Robbery": 10, "Shoplifting": 20, ASB: 100})
    weights = pd.DataFrame({"crime_type": ["Robbery", "Shoplifting"], "weight": [100.0, 10.0]})
    h = harm.harm_by_type(counts, weights)
    assert h.at["Robbery", "harm"] == 1000 and h.at["Shoplifting", "harm"] == 200
    assert h.at["Robbery", "harm_share_pct"] == pytest.approx(1000 / 1200 * 100)
    assert h.at["Robbery", "count_share_pct"] == pytest.approx(10 / 30 * 100)
    assert pd.isna(h.at[ASB, "harm"]) and ALL_CRIME not in h.index
    assert list(h.index)[0] == "Robbery"


def test_the_weights_follow_the_force_and_year_asked_for():
    dc = reference.severity_weights("devon & cornwall", "2018-19").set_index("crime_type")
    assert dc.attrs["force"] == "Devon & Cornwall" and dc.attrs["financial_year"] == "2018-19"
    ew = reference.severity_weights("", "2018-19").set_index("crime_type")
    assert ew.attrs["force"] == "England and Wales"
    assert dc.at["Drugs", "weight"] != ew.at["Drugs", "weight"]
    later = reference.severity_weights("Devon & Cornwall", "2026-27")  # beyond the table: the latest whole year
    assert later.attrs["financial_year"] == "2022-23" and "nearest year" in later.attrs["basis"]
    unknown = reference.severity_weights("Atlantis Constabulary", "2018-19")
    assert unknown.attrs["force"] == "England and Wales" and "no force named" in unknown.attrs["basis"]
    assert ASB not in set(dc.index)


@pytest.mark.shared
def test_devon_and_cornwall_2018_19_from_the_raw_files_with_the_csv_module():
    """The shipped weights against a sum made here from the Home Office file and the ONS join alone."""
    weight, category = {}, {}
    with open(SHARED / "reference" / "crime-severity" / "policeuk-ons-code-join.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            weight[row["ONS_COUNTS_code"]] = float(row["ONS_SEVERITY_weight"])
            category[row["ONS_COUNTS_code"]] = row["POLICE_UK_CAT_MAP_category"].strip().capitalize()
    sums: dict[str, list[float]] = {}
    path = SHARED / "realdata" / "home-office" / "prc-pfa-offence-counts-2012-13-to-2023-24q1.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Force Name"] != "Devon & Cornwall" or row["Financial Year"] != "2018/19":
                continue
            code, n = row["Offence Code"], float(row["Number of Offences"] or 0)
            if code in weight and n:
                s = sums.setdefault(category[code], [0.0, 0.0])
                s[0] += n * weight[code]
                s[1] += n
    shipped = reference.severity_weights("Devon & Cornwall", "2018-19").set_index("crime_type")
    assert set(shipped.index) == set(sums)
    for crime_type, (weighted, n) in sums.items():
        assert shipped.at[crime_type, "weight"] == pytest.approx(weighted / n, abs=0.006), crime_type
    assert shipped.at["Drugs", "weight"] == pytest.approx(126, abs=0.5)
    assert shipped.at["Violence and sexual offences", "weight"] == pytest.approx(272, abs=0.5)
