"""Most similar groups: distances recomputed by hand from the shipped measures, the group's shape,
Welsh partnerships, every group at once, and the groups against an outside list (the DfE's
statistical neighbours of upper-tier authorities)."""

from __future__ import annotations

import csv
import math
import re
import statistics
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from safer_analysis.analysis import similar
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import similar_groups
from safer_analysis.inputs.similar_groups import Method

from ..conftest import REALDATA


def _rows() -> dict[str, dict[str, str]]:
    """The shipped measures read with the csv module, not the package's reader."""
    with resources.files("safer_analysis.reference").joinpath("partnership_measures.csv").open(encoding="utf-8") as f:
        return {row["csp_code"]: row for row in csv.DictReader(f)}


def _method_rows() -> dict[str, float]:
    with resources.files("safer_analysis.reference").joinpath("similar_groups.csv").open(encoding="utf-8") as f:
        return {row["parameter"]: float(row["value"]) for row in csv.DictReader(f)}


def _by_hand(code: str) -> list[tuple[float, str]]:
    """Every distance from ``code`` worked in plain Python from the definitions: each weighted
    measure the partnership holds (density as log10) standardised over the partnerships holding
    it with the population standard deviation; the square root of the weighted sum of squares,
    against every other partnership holding all those measures."""
    rows = _rows()
    weights = {k: v for k, v in _method_rows().items() if k != "group_size" and v > 0}

    def value(row, measure):
        text = row[measure]
        if text == "":
            return None
        return math.log10(float(text)) if measure == "people_per_sq_km" else float(text)

    z = {}
    for measure in weights:
        held = {c: value(r, measure) for c, r in rows.items() if value(r, measure) is not None}
        mean, sd = statistics.fmean(held.values()), statistics.pstdev(held.values())
        z[measure] = {c: (x - mean) / sd for c, x in held.items()}
    used = [m for m in weights if code in z[m]]
    out = []
    for other in rows:
        if other == code or not all(other in z[m] for m in used):
            continue
        total = sum(weights[m] * (z[m][code] - z[m][other]) ** 2 for m in used)
        out.append((math.sqrt(total), other))
    return sorted(out)


@pytest.mark.parametrize("code", ["E22000056", "E22000364"])  # Plymouth; South Devon and Dartmoor (3 districts)
def test_distances_recomputed_by_hand(code):
    group = similar.similar_group(code)
    hand = _by_hand(code)
    assert list(group["csp_code"]) == [c for _, c in hand[:15]]
    assert np.allclose(group["distance"], [d for d, _ in hand[:15]], rtol=0, atol=1e-12)
    assert group.attrs["candidates"] == len(hand) == 292
    assert list(group["rank"]) == list(range(1, 16))
    assert group["distance"].is_monotonic_increasing


def test_a_group_has_fifteen_others_and_never_the_partnership_itself():
    groups = similar.every_group(similar_groups.measures(), similar_groups.read_method())
    sizes = groups.groupby("csp_code")["member_code"].nunique()
    assert len(sizes) == 314 and (sizes == 15).all()
    assert not (groups["csp_code"] == groups["member_code"]).any()


def test_plymouth_group_is_of_english_cities_compared_on_every_measure():
    group = similar.similar_group("Plymouth")
    assert group.attrs["name"] == "Plymouth" and not group.attrs["both_nations_only"]
    assert set(group.attrs["compared_on"]) == set(similar_groups.measure_names())
    assert set(group["nation"]) == {"England"}
    # cities: at least 1,000 people per sq km and no more than a tenth of residents rural
    assert (group["people_per_sq_km"] > 1000).all() and (group["rural_share"] < 0.1).all()


def test_a_welsh_partnership_is_compared_on_the_measures_both_nations_hold():
    group = similar.similar_group("Cwm Taf")
    assert group.attrs["both_nations_only"]
    assert set(group.attrs["compared_on"]) == {"people_per_sq_km", "aged_16_to_24_share", "aged_65_and_over_share"}
    assert group.attrs["candidates"] == 313  # every other partnership of England and Wales
    assert {"England", "Wales"} <= set(group["nation"])
    assert not any(c.endswith("_basis") or c.startswith("imd") for c in group.columns)
    hand = _by_hand("W14000023")
    assert list(group["csp_code"]) == [c for _, c in hand[:15]]


def test_english_groups_hold_no_welsh_partnership():
    groups = similar.every_group(similar_groups.measures(), similar_groups.read_method())
    english = groups[groups["csp_code"].str.startswith("E")]
    assert not english["member_code"].str.startswith("W").any()


def test_every_group_at_once_is_each_group_one_by_one():
    measures, method = similar_groups.measures(), similar_groups.read_method()
    groups = similar.every_group(measures, method, size=20)
    for code in ["E22000056", "W14000023", "E22000001", "E22000063", "E22000357"]:
        one = similar.group_of(code, measures, method, size=20)
        rows = groups[groups["csp_code"] == code]
        assert list(rows["member_code"]) == list(one["csp_code"])
        assert np.allclose(rows["distance"], one["distance"], rtol=0, atol=1e-12)


def test_a_weight_of_zero_leaves_a_measure_out():
    measures = similar_groups.measures()
    only_density = Method({"people_per_sq_km": 1.0}, 5, "test")
    group = similar.group_of("E22000056", measures, only_density)
    gap = (np.log10(measures["people_per_sq_km"]) - math.log10(measures.at["E22000056", "people_per_sq_km"])).abs()
    expected = gap.drop("E22000056").sort_values(kind="stable").index[:5]
    assert list(group["csp_code"]) == list(expected)
    assert group.attrs["compared_on"] == ("people_per_sq_km",) and group.attrs["candidates"] == 313


def test_standardised_measures_have_mean_zero_and_spread_one():
    z = similar.standardised(similar_groups.measures(), similar_groups.measure_names())
    assert np.allclose(z.mean(), 0, atol=1e-12) and np.allclose(z.std(ddof=0), 1)
    assert z["imd_average_rank"].notna().sum() == 293 and z["people_per_sq_km"].notna().sum() == 314


@pytest.mark.parametrize("size", [0, 293, 2.5, True, "15"])
def test_a_size_out_of_range_is_refused(size):
    with pytest.raises(ParameterError, match="size: expected a whole number from 1 to 292"):
        similar.similar_group("Plymouth", size=size)


def test_size_chooses_the_number_of_members():
    assert len(similar.similar_group("Plymouth", size=5)) == 5
    assert len(similar.similar_group("Cwm Taf", size=313)) == 313


def test_an_area_is_found_by_name_code_or_its_local_authority():
    by_name = similar.similar_group("plymouth")
    assert list(similar.similar_group("E22000056")["csp_code"]) == list(by_name["csp_code"])
    assert list(similar.similar_group("E06000026")["csp_code"]) == list(by_name["csp_code"])
    assert similar.similar_group("Teignbridge").attrs["name"] == "South Devon and Dartmoor"


def test_a_constant_measure_or_a_density_of_zero_is_refused():
    frame = pd.DataFrame({"a": [1.0, 1.0], "people_per_sq_km": [0.0, 5.0]}, index=["x", "y"])
    with pytest.raises(ValueError, match="same for every partnership"):
        similar.standardised(frame, ("a",))
    with pytest.raises(ValueError, match="above 0"):
        similar.standardised(frame, ("people_per_sq_km",))


# ---- against an outside list ---------------------------------------------------------------


def _norm(name: str) -> str:
    name = name.lower().replace("&", "and").replace("st.", "st")
    name = re.sub(r", city of|city of |, county of|county of | borough$", "", name)
    return re.sub(r"[^a-z]", "", name)


#: A DfE name the ONS lookups spell another way.
_DFE_NAMES = {"durham": "countydurham"}


def dfe_overlap(groups: pd.DataFrame) -> tuple[list[int], list[int]]:
    """For each upper-tier authority that is one partnership (and that partnership one authority):
    how many of the DfE's ten statistical neighbours are in its group, and how many of the ten are
    themselves such an authority (a county, several partnerships, never can be)."""
    raw = pd.read_excel(REALDATA / "national" / "dfe-statistical-neighbours-may-2025.xlsx", header=None, dtype=object)
    header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "LA num")
    table = raw.iloc[header + 1 :]
    table = table[: table[0].isna().to_numpy().argmax()]  # the current list, above the old one
    names = dict(zip(table[0].astype(int), table[1].astype(str), strict=True))
    lookup = pd.read_csv(REALDATA / "ons-lookups" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    parts = lookup.groupby("ltla24_code")["csp24_code"].nunique()
    members = lookup.groupby("csp24_code")["ltla24_code"].nunique()
    one = {
        _norm(r.ltla24_name): r.csp24_code
        for r in lookup.itertuples()
        if r.ltla24_code[:3] in {"E06", "E08", "E09"} and parts[r.ltla24_code] == 1 and members[r.csp24_code] == 1
    }
    group = groups.groupby("csp_code")["member_code"].agg(set)

    def partnership_of(number) -> str | None:
        name = _norm(names.get(int(number), ""))
        return one.get(_DFE_NAMES.get(name, name))

    hits, possible = [], []
    for row in table.itertuples(index=False):
        code = partnership_of(row[0])
        if code is None:
            continue
        neighbours = [partnership_of(row[5 + 2 * i]) for i in range(10)]
        hits.append(sum(n in group[code] for n in neighbours if n))
        possible.append(sum(1 for n in neighbours if n))
    return hits, possible


@pytest.mark.shared
def test_groups_share_far_more_of_the_dfe_statistical_neighbours_than_chance():
    groups = similar.every_group(similar_groups.measures(), similar_groups.read_method())
    hits, possible = dfe_overlap(groups)
    assert len(hits) == 125  # unitary, metropolitan and London authorities that are one partnership
    chance = 10 * 15 / 292  # ten neighbours, fifteen places among 292 other English partnerships
    assert statistics.median(hits) >= 3 and statistics.fmean(hits) >= 5 * chance
    assert sum(h == 0 for h in hits) <= len(hits) / 6
    assert statistics.fmean(possible) > 7  # most neighbours can be in a group at all
