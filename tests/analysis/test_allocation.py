import pandas as pd
import pytest

from safer_analysis.analysis.allocation import apportion, priority_matrix


def small():
    allocations = pd.DataFrame(
        {"allocation_id": ["a", "b", "c"], "project": ["A", "B", "C"], "amount": [300.0, 100.0, None]}
    )
    links = pd.DataFrame(
        {"allocation_id": ["a", "a", "a", "b", "c"], "priority": [1, 2, 3, 1, 2], "weight": [2.0, 1.0, 1.0, 1.0, 1.0]}
    )
    return allocations, links


def test_even_split_adds_up_to_the_funded_total():
    a, links = small()
    out = apportion(a, links)
    assert out.groupby("priority")["apportioned"].sum().to_dict() == {1: 200.0, 2: 100.0, 3: 100.0}
    assert out["apportioned"].sum() == 400.0  # c has no amount and contributes nothing


def test_weighted_split():
    a, links = small()
    out = apportion(a, links, weight_column="weight")
    got = out[out["allocation_id"] == "a"].set_index("priority")["apportioned"].to_dict()
    assert got == {1: 150.0, 2: 75.0, 3: 75.0}


def test_negative_or_zero_weights_are_refused():
    a, links = small()
    with pytest.raises(ValueError, match="zero or more"):
        apportion(a, links.assign(weight=-1.0), weight_column="weight")
    with pytest.raises(ValueError, match="adding up to zero"):
        apportion(a, links.assign(weight=0.0), weight_column="weight")
    with pytest.raises(KeyError, match="nope"):
        apportion(a, links, weight_column="nope")


def test_priority_matrix_ticks():
    a, links = small()
    m = priority_matrix(a, links)
    assert list(m.index) == ["A", "B", "C"]
    assert m.loc["A"].tolist() == [True, True, True]
    assert m.loc["B"].tolist() == [True, False, False]
    assert m.loc["C"].tolist() == [False, True, False]


def test_2018_19_matrix_from_the_seed(dataset):
    a = dataset.allocations_for("2018-19")
    m = priority_matrix(a, dataset.allocation_pcp_priorities)
    assert m.shape == (9, 5)
    assert m[3].all()  # every 2018-19 project serves priority 3 in the plan
