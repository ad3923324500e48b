"""Small-number suppression: primary and secondary suppression, and that nothing hidden can be
worked back out from what is published."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from safer_analysis.present import disclosure as d
from safer_analysis.present.publication import Report
from safer_analysis.present.tables import to_html

C = d.SUPPRESSED


@pytest.fixture(autouse=True)
def default_threshold():
    """Every test starts, and leaves the module, at the default threshold."""
    d.set_threshold(None)
    yield
    d.set_threshold(None)


# ---- primary suppression -------------------------------------------------------------------


def test_primary_suppression_at_the_edges():
    frame = pd.DataFrame({"n": [0, 1, 4, 5, 6, 100]})
    assert d.suppress(frame, ["n"])["n"].tolist() == [0, C, C, 5, 6, 100]


@pytest.mark.parametrize("threshold", [1, 2, 3, 5, 10])
def test_threshold_minus_one_is_hidden_threshold_and_zero_are_kept(threshold):
    frame = pd.DataFrame({"n": [0, threshold - 1, threshold]})
    out = d.suppress(frame, ["n"], threshold=threshold)["n"].tolist()
    assert out[0] == 0 and out[2] == threshold
    assert out[1] == (C if threshold > 1 else 0)


def test_only_the_count_columns_are_touched():
    frame = pd.DataFrame({"type": ["a", "b"], "n": [3, 9], "rate": [1.5, 2.0], "m": [2, 2]})
    out = d.suppress(frame, ["n"])
    assert out["n"].tolist() == [C, 9]
    assert out["m"].tolist() == [2, 2] and out["rate"].tolist() == [1.5, 2.0]
    assert out["type"].tolist() == ["a", "b"]


def test_the_analysts_frame_is_unchanged():
    frame = pd.DataFrame(
        {"type": ["All", "a", "b", "c"], "n": [26, 3, 11, 12], "m": [5.0, 1.0, 2.0, 2.0]}, index=["t", "x", "y", "z"]
    )
    before = frame.copy(deep=True)
    out = d.suppress(frame, ["n", "m"], total_row="t")
    pd.testing.assert_frame_equal(frame, before)
    assert frame["n"].sum() - frame.at["t", "n"] == frame.at["t", "n"]  # totals still add up there
    assert out is not frame and out.at["x", "n"] == C


def test_published_counts_are_whole_numbers_and_missing_stays_missing():
    frame = pd.DataFrame({"n": [12.0, np.nan, 2.0, 0.0]})
    out = d.suppress(frame, ["n"])
    assert out["n"].dtype == object
    values = out["n"].tolist()
    assert values[0] == 12 and isinstance(values[0], int)
    assert math.isnan(values[1]) and values[2] == C and values[3] == 0
    assert out["n"].to_csv(index=False).splitlines()[1:] == ["12", '""', "[c]", "0"]  # not 12.0


def test_nullable_integers_and_numpy_integers_are_counts():
    frame = pd.DataFrame({"n": pd.array([3, None, 7], dtype="Int64"), "m": np.array([1, 8, 0], dtype=np.int32)})
    out = d.suppress(frame, ["n", "m"])
    assert out["n"].tolist()[0] == C and out["n"].tolist()[2] == 7 and out["n"].isna().tolist()[1]
    assert out["m"].tolist() == [C, 8, 0]


def test_suppressing_twice_changes_nothing():
    frame = pd.DataFrame({"n": [30, 3, 12, 15]})
    once = d.suppress(frame, ["n"], total_row=0)
    twice = d.suppress(once, ["n"], total_row=0)
    pd.testing.assert_frame_equal(once, twice)


# ---- secondary suppression -----------------------------------------------------------------


def test_secondary_suppression_in_columns_against_a_total_row():
    frame = pd.DataFrame({"type": ["All", "a", "b", "c"], "y1": [60, 3, 20, 37], "y2": [70, 30, 20, 20]})
    mask = d.suppression_mask(frame, ["y1", "y2"], total_row=0)
    assert mask["y1"].tolist() == [False, True, True, False]  # 3 primary; 20, the next smallest, too
    assert not mask["y2"].any()
    out = d.suppress(frame, ["y1", "y2"], total_row=0)
    assert out["y1"].tolist() == [60, C, C, 37]


def test_secondary_suppression_in_rows_against_a_total_column():
    frame = pd.DataFrame({"a": [2, 10], "b": [9, 10], "c": [30, 10], "total": [41, 30]})
    mask = d.suppression_mask(frame, ["a", "b", "c"], total_column="total")
    assert mask.columns.tolist() == ["a", "b", "c", "total"]  # the total column is a count column too
    assert mask.loc[0].tolist() == [True, True, False, False]
    assert not mask.loc[1].any()


def test_no_secondary_suppression_without_a_total():
    frame = pd.DataFrame({"n": [3, 20, 37]})
    assert d.suppression_mask(frame, ["n"])["n"].tolist() == [True, False, False]


def test_secondary_suppression_prefers_a_non_zero_cell():
    frame = pd.DataFrame({"n": [23, 3, 0, 20]})
    assert d.suppression_mask(frame, ["n"], total_row=0)["n"].tolist() == [False, True, False, True]


def test_a_zero_is_hidden_when_nothing_else_in_the_line_can_be():
    frame = table_with_margins([[10, 0, 0], [2, 5, 5]])
    mask = d.suppression_mask(frame, ["c0", "c1", "c2"], total_row="All", total_column="total")
    # 2 is hidden; 10 then protects it in its column, and a 0 has to protect the 10 in its row
    assert mask.loc["r1"].tolist() == [True, True, False, False]
    assert mask.loc["r0"].tolist() == [True, True, False, False]
    assert_nothing_recoverable(frame, mask, "All", "total")


def test_secondary_suppression_repeats_until_stable():
    """Hiding a cell for its row leaves its column with one hidden cell, and so on."""
    frame = pd.DataFrame(
        {"a": [2, 9, 8, 19], "b": [20, 7, 30, 57], "c": [30, 40, 6, 76], "total": [52, 56, 44, 152]},
        index=["r1", "r2", "r3", "All"],
    )
    mask = d.suppression_mask(frame, ["a", "b", "c"], total_row="All", total_column="total")
    assert mask.at["r1", "a"]
    assert_nothing_recoverable(frame, mask, "All", "total")
    for line in [*mask.drop(index="All").itertuples(index=False), *mask.drop(columns="total").T.values]:
        assert sum(bool(x) for x in line) != 1


def test_the_mask_without_secondary_is_primary_only():
    frame = pd.DataFrame({"n": [60, 3, 20, 37]})
    assert d.suppression_mask(frame, ["n"], total_row=0, secondary=False)["n"].tolist() == [False, True, False, False]


# ---- nothing hidden can be worked out (brute force) ------------------------------------------


def sums(shape, total_row, total_column):
    """Every sum a table with the given total row/column positions shows: (cells, total cell)."""
    n_rows, n_cols = shape
    rows = [i for i in range(n_rows) if i != total_row]
    cols = [j for j in range(n_cols) if j != total_column]
    lines = []
    if total_row is not None:
        lines += [([(i, j) for i in rows], (total_row, j)) for j in range(n_cols)]
    if total_column is not None:
        lines += [([(i, j) for j in cols], (i, total_column)) for i in range(n_rows)]
    return lines


def feasible_values(values, hidden, lines, bound):
    """Every assignment of 0..bound to the hidden cells that agrees with every published sum.

    This is what a reader could do with the published table: try every possible value of every
    hidden cell and keep the combinations under which all the shown totals still add up.
    """
    grid = np.array(list(itertools.product(range(bound + 1), repeat=len(hidden))), dtype=np.int32)
    ok = np.ones(len(grid), dtype=bool)
    position = {cell: k for k, cell in enumerate(hidden)}
    for cells, total in lines:
        lhs = np.zeros(len(grid), dtype=np.int32)
        for cell, sign in [(c, 1) for c in cells] + [(total, -1)]:
            lhs += sign * (grid[:, position[cell]] if cell in position else values[cell])
        ok &= lhs == 0
    return grid[ok]


def other_tables(values, hidden, lines, step=None):
    """Every change of up to ``step`` either way to each hidden cell that keeps every published
    sum and leaves no cell negative: each is another table a reader cannot tell from the true one.

    (Any other table agreeing with the published figures differs from the true one by whole-number
    changes around cycles of hidden cells, each of which moves a cell by one; so searching steps
    of one either way, or two for a few hidden cells, finds one for every cell that can change.)
    """
    step = step or (2 if len(hidden) <= 6 else 1)
    steps = np.array(list(itertools.product(range(-step, step + 1), repeat=len(hidden))), dtype=np.int8)
    ok = np.ones(len(steps), dtype=bool)
    position = {cell: k for k, cell in enumerate(hidden)}
    for cells, total in lines:
        change = np.zeros(len(steps), dtype=np.int32)
        for cell, sign in [(c, 1) for c in cells] + [(total, -1)]:
            if cell in position:
                change += sign * steps[:, position[cell]]
        ok &= change == 0
    true = np.array([values[c] for c in hidden])
    ok &= (steps + true >= 0).all(axis=1)
    return steps[ok]


def assert_nothing_recoverable(frame, mask, total_row=None, total_column=None, *, exhaustive=False):
    values = frame[mask.columns].to_numpy(dtype=int)
    t_row = frame.index.get_loc(total_row) if total_row is not None else None
    t_col = list(mask.columns).index(total_column) if total_column is not None else None
    lines = sums(values.shape, t_row, t_col)
    hidden = [(int(i), int(j)) for i, j in np.argwhere(mask.to_numpy())]
    if not hidden:
        return
    if exhaustive:
        solutions = feasible_values(values, hidden, lines, bound=int(values.max()))
        assert len(solutions), "the true table must be among the solutions"
        for k, cell in enumerate(hidden):
            found = set(solutions[:, k].tolist())
            assert len(found) > 1, f"hidden cell {cell} = {values[cell]} is recoverable from\n{frame}\n{mask}"
    else:
        moves = other_tables(values, hidden, lines)
        for k, cell in enumerate(hidden):
            assert (moves[:, k] != 0).any(), f"hidden cell {cell} = {values[cell]} is recoverable from\n{frame}\n{mask}"


@pytest.mark.parametrize("cells", list(itertools.product([0, 1, 4, 5, 9], repeat=3)))
def test_no_hidden_count_is_recoverable_from_a_total_row(cells):
    frame = pd.DataFrame({"n": [sum(cells), *cells]})
    mask = d.suppression_mask(frame, ["n"], total_row=0)
    assert all(mask["n"].iloc[i + 1] for i, v in enumerate(cells) if 0 < v < 5)
    assert_nothing_recoverable(frame, mask, total_row=0, exhaustive=True)


@pytest.mark.parametrize("row", list(itertools.product([0, 2, 6], repeat=4)))
def test_no_hidden_count_is_recoverable_from_a_total_column(row):
    frame = pd.DataFrame([[*row, sum(row)]], columns=["a", "b", "c", "d", "total"])
    mask = d.suppression_mask(frame, ["a", "b", "c", "d"], total_column="total")
    assert_nothing_recoverable(frame, mask, total_column="total", exhaustive=True)


def table_with_margins(inner):
    inner = np.asarray(inner)
    full = np.zeros((inner.shape[0] + 1, inner.shape[1] + 1), dtype=int)
    full[:-1, :-1] = inner
    full[:-1, -1] = inner.sum(axis=1)
    full[-1, :] = full[:-1, :].sum(axis=0)
    names = [f"c{j}" for j in range(inner.shape[1])] + ["total"]
    return pd.DataFrame(full, columns=names, index=[f"r{i}" for i in range(inner.shape[0])] + ["All"])


@pytest.mark.parametrize("cells", list(itertools.product([0, 1, 3, 8], repeat=4)))
def test_no_hidden_count_is_recoverable_from_row_and_column_totals(cells):
    frame = table_with_margins(np.reshape(cells, (2, 2)))
    mask = d.suppression_mask(frame, ["c0", "c1"], total_row="All", total_column="total")
    assert all(mask.iloc[i, j] for i in range(2) for j in range(2) if 0 < frame.iloc[i, j] < 5)
    assert_nothing_recoverable(frame, mask, "All", "total")


def test_no_hidden_count_is_recoverable_in_larger_random_tables():
    rng = np.random.default_rng(20181)
    for _ in range(60):
        shape = tuple(rng.integers(2, 4, size=2))
        inner = rng.choice([0, 1, 2, 3, 4, 6, 10, 25], size=shape, p=[0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15])
        frame = table_with_margins(inner)
        mask = d.suppression_mask(
            frame, [c for c in frame.columns if c != "total"], total_row="All", total_column="total"
        )
        if mask.to_numpy().sum() <= 9:
            assert_nothing_recoverable(frame, mask, "All", "total")


def test_the_final_check_catches_what_the_line_rule_misses(monkeypatch):
    """Here every line ends with two or more hidden cells, yet the sums still pin one of them."""
    frame = table_with_margins([[25, 25, 1], [6, 4, 3], [0, 4, 0]])
    columns = ["c0", "c1", "c2"]
    monkeypatch.setattr(d, "_fixed_cells", lambda values, mask, lines: [])
    lines_only = d.suppression_mask(frame, columns, total_row="All", total_column="total")
    with pytest.raises(AssertionError, match="recoverable"):
        assert_nothing_recoverable(frame, lines_only, "All", "total")
    monkeypatch.undo()
    mask = d.suppression_mask(frame, columns, total_row="All", total_column="total")
    assert (mask | ~lines_only).all().all()  # it only adds to what the line rule hides
    assert_nothing_recoverable(frame, mask, "All", "total")


# ---- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad,message",
    [
        (-1, "cannot be negative"),
        (2.5, "whole count"),
        ("x", "whole count"),
        ("3", "whole count"),
        (True, "whole count"),
        (math.inf, "whole count"),
    ],
)
def test_bad_counts_are_refused_naming_column_and_row(bad, message):
    frame = pd.DataFrame({"type": ["a", "b"], "n": [10, bad]}, index=["first", "second"])
    with pytest.raises(ValueError, match=rf"column 'n', row 'second': .*{message}"):
        d.suppress(frame, ["n"])
    with pytest.raises(ValueError, match="column 'n', row 'second'"):
        d.suppression_mask(frame, ["n"])


def test_a_missing_column_or_total_row_is_an_error_not_silence():
    frame = pd.DataFrame({"n": [1, 2]})
    with pytest.raises(KeyError, match="'count'"):
        d.suppress(frame, ["count"])
    with pytest.raises(KeyError, match="total row 'All'"):
        d.suppress(frame, ["n"], total_row="All")


@pytest.mark.parametrize("bad", [0, -5, 2.5, "5", True])
def test_a_bad_threshold_is_refused(bad):
    with pytest.raises(ValueError, match="threshold"):
        d.suppress(pd.DataFrame({"n": [1]}), ["n"], threshold=bad)
    with pytest.raises(ValueError, match="threshold"):
        d.set_threshold(bad)


# ---- the threshold set once for a notebook -------------------------------------------------


def test_a_notebook_can_set_the_threshold_once():
    frame = pd.DataFrame({"n": [7, 12]})
    assert d.get_threshold() == d.DEFAULT_THRESHOLD == 5
    assert d.set_threshold(10) == 5
    assert d.suppress(frame, ["n"])["n"].tolist() == [C, 12]
    assert d.suppress(frame, ["n"], threshold=5)["n"].tolist() == [7, 12]  # a call can still override
    assert d.footnote() == "[c] fewer than 10, suppressed to protect confidentiality"
    d.set_threshold(None)
    assert d.get_threshold() == 5


def test_using_threshold_restores_the_previous_one():
    with d.using_threshold(3) as n:
        assert n == 3 and d.chart_values([2, 3]) == [None, 3]
    assert d.get_threshold() == 5


# ---- charts, footnotes and derived figures -------------------------------------------------


def test_chart_values_and_labels():
    assert d.chart_values([0, 3, 12, C]) == [0, None, 12, None]
    assert d.chart_values(pd.Series([5, 6]), threshold=6) == [None, 6]
    assert d.chart_label(None) == C and d.chart_label(1234) == "1,234"
    assert d.chart_label(2.5, lambda v: f"{v:.1f}") == "2.5"
    with pytest.raises(ValueError, match="value 1"):
        d.chart_values([2, -1])


def test_the_standard_footnote():
    assert d.footnote() == "[c] fewer than 5, suppressed to protect confidentiality"
    assert d.footnote(10).startswith("[c] fewer than 10,")
    assert "worked out from the totals" in d.footnote(secondary=True)


def test_is_suppressed():
    assert d.is_suppressed("[c]") and not d.is_suppressed("c") and not d.is_suppressed(3)
    assert not d.is_suppressed(None)


def test_figures_derived_from_a_small_count_are_hidden_too():
    frame = pd.DataFrame({"type": ["a", "b", "c"], "count": [3, 0, 40], "rate": [0.1, 0.0, 1.6]})
    out = d.suppress_derived(frame, "count", ["rate"])
    assert out["rate"].tolist() == [C, 0.0, 1.6]
    assert out["count"].tolist() == [3, 0, 40]  # left for suppress(), which sees the real values
    assert frame["rate"].tolist() == [0.1, 0.0, 1.6]


def test_figures_derived_from_a_hidden_count_follow_it_including_secondary_suppression():
    frame = pd.DataFrame(
        {"type": ["All", "a", "b", "c"], "n": [60, 3, 20, 37], "rate": [6.0, 0.3, 2.0, 3.7], "other": [1, 2, 3, 4]}
    )
    out = d.suppress(frame, ["n"], total_row=0, derived={"n": ["rate"]})
    assert out["n"].tolist() == [60, C, C, 37]
    assert out["rate"].tolist() == [6.0, C, C, 3.7]  # b's rate would give back 20, and so a's 3
    assert out["other"].tolist() == [1, 2, 3, 4]
    with pytest.raises(KeyError, match="'rate'"):
        d.suppress(frame, ["n"], derived={"rate": ["n"]})


# ---- published tables ----------------------------------------------------------------------


def test_tables_show_the_marker_in_count_columns():
    frame = d.suppress(pd.DataFrame({"type": ["a", "b"], "n": [3, 1200]}), ["n"])
    html = to_html(frame, "Counts", formats={"n": "count"})
    assert '<td class="num" data-label="n">[c]</td>' in html and '<td class="num" data-label="n">1,200</td>' in html


def test_a_report_table_publishes_the_marker_in_the_page_and_the_csv(tmp_path):
    frame = pd.DataFrame({"crime_type": ["All", "Arson", "Burglary", "Robbery"], "n": [56, 3, 20, 33]})
    before = frame.copy()
    report = Report("strategic_assessment", "2018-19", "Plymouth", output_dir=tmp_path)
    html = report.table(
        frame, "volumes", "Crimes by type", formats={"n": "count"}, suppress=["n"], suppress_total_row=0
    ).data
    pd.testing.assert_frame_equal(frame, before)
    assert html.count("[c]") >= 3  # two cells and the footnote
    assert "fewer than 5, suppressed to protect confidentiality" in html
    assert "worked out from the totals" in html  # 20 was hidden to protect the 3
    csv = (tmp_path / "tables" / "strategic_assessment__volumes.csv").read_text().splitlines()
    assert csv == ["crime_type,n", "All,56", "Arson,[c]", "Burglary,[c]", "Robbery,33"]
    index = json.loads((tmp_path / "summaries" / "strategic_assessment__tables.json").read_text())
    assert index["tables"][0]["name"] == "volumes"


def test_a_report_table_hides_rates_wherever_their_count_is_hidden(tmp_path):
    frame = pd.DataFrame(
        {"crime_type": ["All", "Arson", "Burglary", "Robbery"], "n": [56, 3, 20, 33], "rate": [5.6, 0.3, 2.0, 3.3]}
    )
    report = Report("strategic_assessment", "2018-19", "Plymouth", output_dir=tmp_path)
    html = report.table(
        frame,
        "volumes",
        "Crimes by type",
        formats={"n": "count", "rate": "rate"},
        suppress=["n"],
        suppress_total_row=0,
        suppress_derived={"n": ["rate"]},
    ).data
    assert "2.0" not in html and "0.3" not in html and "3.3" in html
    csv = (tmp_path / "tables" / "strategic_assessment__volumes.csv").read_text().splitlines()
    assert csv[1:] == ["All,56,5.6", "Arson,[c],[c]", "Burglary,[c],[c]", "Robbery,33,3.3"]


def test_a_report_table_without_small_counts_has_no_footnote():
    report = Report("spend_analysis", "2018-19", "Plymouth")
    html = report.table(pd.DataFrame({"x": ["a"], "n": [10]}), "counts", "Counts", suppress=["n"]).data
    assert "[c]" not in html and "confidentiality" not in html


def test_a_suppressed_rate_gets_no_bar_in_the_chart():
    from safer_analysis.present.charts import rate_chart

    rates = pd.DataFrame({"rate": [4.2, C], "lower": [3.9, C], "upper": [4.5, C]}, index=["Burglary", "Arson"])
    chart = rate_chart(rates, title="t", subtitle="s", source="Source: x.", what="rates")
    assert len(chart.figure.axes[0].patches) == 1  # one bar, for Burglary
    assert "Arson: suppressed, [c]" in chart.alt and "nan" not in chart.alt and "Burglary: 4.2" in chart.alt
    assert chart.source.endswith("[c] fewer than 5, suppressed to protect confidentiality.")
    assert "[c]" in [t.get_text() for t in chart.figure.axes[0].texts]
    chart.to_html()
