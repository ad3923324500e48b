import pandas as pd

from safer_analysis.present.tables import format_frame, to_html


def frame():
    return pd.DataFrame(
        {
            "project": ["<b>Bold</b> & co", "Total"],
            "amount": [1234.0, 400568.0],
            "change": [-500.0, 0.0],
            "pct": [12.345, None],
        }
    )


def test_table_has_caption_and_scoped_header_cells():
    html = to_html(frame(), "Spend, 2018-19", formats={"amount": "gbp"}, total_row=True)
    assert "<caption>Spend, 2018-19" in html and "</caption>" in html
    assert '<table class="sa-table sa-stack">' in html  # four columns: reflowed into blocks on a phone
    assert html.count('<th scope="col"') == 4
    assert '<th scope="row">' in html
    assert '<tfoot class="total"><tr><th scope="row">Total</th>' in html


def test_markup_in_data_is_escaped():
    html = to_html(frame(), "A <script> caption")
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html
    assert "A &lt;script&gt; caption" in html


def test_formats_pounds_signs_and_percentages():
    shown = format_frame(frame(), {"amount": "gbp", "change": "change_gbp", "pct": "pct"})
    assert shown["amount"].tolist() == ["£1,234", "£400,568"]
    assert shown["change"].tolist() == ["−£500", "no change"]
    assert shown["pct"].tolist() == ["12.3%", "–"]


def test_numeric_columns_are_marked_for_alignment():
    html = to_html(frame(), "x", formats={"amount": "gbp"})
    assert '<th scope="col" class="num">amount</th>' in html


def test_a_status_column_is_coloured_by_its_word_and_keeps_the_word():
    frame = pd.DataFrame({"measure": ["a", "b", "c"], "status": ["RED: short", "GREEN: met", "no numeric target"]})
    out = to_html(frame, "Outcomes", formats={"status": "rag"})
    assert '<td class="sa-rag sa-rag-red" data-label="status">RED: short</td>' in out
    assert '<td class="sa-rag sa-rag-green" data-label="status">GREEN: met</td>' in out
    assert '<td data-label="status">no numeric target</td>' in out


def test_on_a_phone_each_cell_carries_its_columns_name_and_narrow_tables_stay_tables():
    """A reflowed table shows each cell under its column's name; the name is escaped as the heading is."""
    wide = to_html(frame(), "x", formats={"amount": "gbp"}, headers={"pct": 'Share "of" <total>'})
    assert '<td class="num" data-label="amount">£1,234</td>' in wide
    assert 'data-label="Share &quot;of&quot; &lt;total&gt;"' in wide
    assert wide.count("data-label=") == 2 * 3  # every cell but the row headers
    narrow = to_html(frame()[["project", "amount"]], "x")
    assert "sa-stack" not in narrow and '<table class="sa-table">' in narrow
