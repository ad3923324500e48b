import itertools

import pandas as pd
import pytest

from safer_analysis import disclosure as d


def test_primary_suppression_edges():
    f = pd.DataFrame({"n": [0, 1, 4, 5, 100]})
    out = d.suppress(f, ["n"])
    assert out["n"].tolist() == [0, d.SUPPRESSED, d.SUPPRESSED, 5, 100]
    assert f["n"].tolist() == [0, 1, 4, 5, 100]  # the analyst's frame is untouched
    assert d.suppress(f, ["n"], threshold=10)["n"].tolist()[3] == d.SUPPRESSED


def test_secondary_suppression_against_a_total_row():
    f = pd.DataFrame({"type": ["All", "a", "b", "c"], "y1": [60, 3, 20, 37], "y2": [70, 30, 20, 20]},
                     index=[0, 1, 2, 3])
    mask = d.suppression_mask(f, ["y1", "y2"], total_row=0)
    assert mask.at[1, "y1"] and mask.at[2, "y1"]  # 3 is primary; 20, the next smallest, secondary
    assert not mask["y2"].any() and not mask.at[0, "y1"]


def test_secondary_suppression_against_a_total_column():
    f = pd.DataFrame({"a": [2, 10], "b": [9, 10], "c": [30, 10], "total": [41, 30]})
    mask = d.suppression_mask(f, ["a", "b", "c", "total"], total_column="total")
    assert mask.loc[0].tolist() == [True, True, False, False]
    assert not mask.loc[1].any()


def recoverable(frame, mask, total_row):
    """Can any hidden cell be recovered from its column's total by subtraction?"""
    for col in mask.columns:
        hidden = [r for r in frame.index if r != total_row and mask.at[r, col]]
        if len(hidden) == 1:
            return True
    return False


@pytest.mark.parametrize("values", list(itertools.product([0, 2, 7], repeat=3)))
def test_no_hidden_value_is_recoverable(values):
    f = pd.DataFrame({"n": [sum(values), *values]})
    mask = d.suppression_mask(f, ["n"], total_row=0)
    assert not recoverable(f, mask, 0)
    assert all(mask.at[i + 1, "n"] for i, v in enumerate(values) if 0 < v < 5)


@pytest.mark.parametrize("bad", [[-1], [2.5], ["x"]])
def test_bad_counts_are_refused(bad):
    with pytest.raises(ValueError, match="column 'n', row 0"):
        d.suppress(pd.DataFrame({"n": bad}), ["n"])


def test_chart_values_and_footnote():
    assert d.chart_values([0, 3, 12]) == [0, None, 12]
    assert "1 to 4" in d.footnote(5)
