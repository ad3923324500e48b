"""Readable in a notebook: formatted tables, a short dataset summary, the data dictionary,
interactive tables that fetch nothing, and charts whose titles stand apart."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.datasets import FILES, SCHEMAS
from safer_analysis.workbench import (
    Table,
    as_table,
    bars,
    count_by,
    data_dictionary,
    explore,
    line,
    monthly_counts,
    show,
    zoom_map,
)
from safer_analysis.workbench.display import guess_format

from ..conftest import ROOT


def test_tables_show_pounds_percentages_and_whole_names():
    name = "Responding to anti-social behaviour and emerging low-level crime, with a long name"
    frame = pd.DataFrame({"project": [name], "amount": [160200.0], "share_pct": [57.468395], "count": [1234]})
    html = show(frame)._repr_html_()
    assert "£160,200" in html and "57.5%" in html and "1,234" in html and name in html
    assert "160200.0" not in html and "57.468395" not in html
    assert '<th scope="col" class="num">amount</th>' in html


def test_a_table_stays_a_table_through_pandas_and_keeps_its_caption():
    table = as_table(pd.DataFrame({"ward_name": list("abc"), "change": [3, -2, 0]}), caption="c", notes=["n"])
    sorted_table = table.sort_values("change")
    assert isinstance(sorted_table, Table) and sorted_table.attrs["caption"] == "c"
    html = sorted_table._repr_html_()
    assert "+3" in html and "−2" in html and '<p class="sa-wb-note">n</p>' in html
    assert isinstance(table.frame, pd.DataFrame) and not isinstance(table.frame, Table)


def test_a_long_table_says_how_many_rows_it_leaves_out():
    table = as_table(pd.DataFrame({"count": range(100)}))
    html = table._repr_html_()
    assert html.count("<tr>") == 31 and "Showing the first 30 of 100 rows" in html


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("count", [1, 2], "count"),
        ("change", [1, -2], "signed_count"),
        ("change_pct", [1.5], "signed_pct"),
        ("apportioned_share_of_spend_pct", [38.8], "pct"),
        ("gross_amount", [400568.0], "gbp"),
        ("rate", [13.57], "rate"),
        ("ward_name", ["Drake"], "text"),
        ("count", ["[c]", 7], "count"),
    ],
)
def test_formats_are_guessed_from_names_and_values(name, values, expected):
    assert guess_format(name, pd.Series(values)) == expected


def test_an_interactive_table_is_sortable_searchable_and_offline(crimes):
    table = count_by(crimes, "lsoa", crime_type="Burglary", change=True)
    assert len(table) == 161
    html = explore(table)._repr_html_()
    assert "<table" in html and "itables" in html.lower()
    assert not re.search(r"https?://[^\"']*(cdn|datatables\.net)", html), "nothing may be fetched"
    data = re.search(r'"data_json":\s*"(.*?)",\n', html)
    assert data and "E01015158" in html


def test_the_dataset_repr_is_a_short_summary(dataset):
    text = repr(dataset)
    assert len(text.splitlines()) <= 8
    assert "2018-19: grant £400,568, 9 allocation lines" in text
    assert "allocations 17" in text
    assert dataset._repr_html_().startswith("<ul>")


def test_the_data_dictionary_covers_every_column_of_every_schema():
    table = data_dictionary()
    for name, columns in SCHEMAS.items():
        rows = table[table["file"] == FILES[name]]
        assert list(rows["column"]) == [c.name for c in columns]
        missing = rows.loc[rows["meaning"] == "", "column"].tolist()
        assert not missing, f"{FILES[name]}: give these columns a meaning in workbench/dictionary.py: {missing}"
    grants = data_dictionary("grants.csv").set_index("column")
    assert grants.at["financial_year", "type"].startswith("year (YYYY-YY")
    assert grants.at["financial_year", "unique"]
    priorities = data_dictionary("pcp_priorities").set_index("column")
    assert priorities.at["priority", "type"] == "whole number 1 to 99"
    statuses = data_dictionary("allocations").set_index("column").at["status", "type"]
    assert statuses == "one of: allocated, recommended, to be confirmed, awaiting confirmation"
    assert set(data_dictionary("crime")["column"]) >= {"lsoa_code", "crime_type", "month"}
    with pytest.raises(ParameterError, match="expected one of sources"):
        data_dictionary("budgets")


def _png(bundle: dict) -> bytes:
    return base64.b64decode(bundle["image/png"])


def test_a_line_chart_has_titles_apart_an_image_and_gaps_for_missing_months(crimes):
    chart = line(monthly_counts(crimes, "Anti-social behaviour", years=3, place="Plymouth"))
    assert chart.figure.number not in plt.get_fignums()  # closed: shown once, by its own repr
    bundle = chart._repr_mimebundle_()
    assert _png(bundle).startswith(b"\x89PNG")
    html = bundle["text/html"]
    title = re.search(r"<figcaption[^>]*><div[^>]*>(.*?)</div><div[^>]*>(.*?)</div>", html)
    assert title, "title and subtitle are separate blocks"
    assert title.group(1) == "Anti-social behaviour per month, Plymouth"
    assert title.group(2).startswith("2016-17 to 2018-19; no data for Dec 2017")
    assert "from 846 in Apr 2016" in chart.alt and "No data for Dec 2017" in chart.alt
    assert chart.source.startswith("Source: police.uk")


def test_a_bar_chart_of_the_change_and_of_suppressed_counts(crimes):
    change = bars(count_by(crimes, "ward", crime_type="Burglary", change=True, place="Plymouth"), "change")
    assert change.title == "Burglary: change by ward, Plymouth"
    assert "St Peter and the Waterfront 36" in change.alt
    hidden = bars(count_by(crimes, "ward", period="2019-06", crime_type="Burglary", suppress=True))
    assert "suppressed" in hidden.alt and "[c]" in hidden.source
    assert _png(hidden._repr_mimebundle_()).startswith(b"\x89PNG")


def test_the_map_shades_every_lsoa_with_its_count_and_ward(crimes, raw_crimes):
    import pyarrow.compute as pc

    project = ROOT / "data" / "geography"
    result = zoom_map(
        crimes,
        boundaries=project / "plymouth_lsoa11_boundaries.geojson",
        wards=project / "plymouth_ward_boundaries.geojson",
        crime_type="Burglary",
    )
    svg = ET.fromstring(result.svg)
    shapes = [p for p in svg.iter("{http://www.w3.org/2000/svg}path") if p.get("data-lsoa")]
    assert len(shapes) == 161
    months = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
    rows = raw_crimes.filter(
        pc.and_(
            pc.is_in(raw_crimes["month"], value_set=pc.cast(months, "string")),
            pc.equal(raw_crimes["crime_type"], "Burglary"),
        )
    )
    expected = pd.Series(rows["lsoa_code"].to_pylist()).value_counts()
    got = {p.get("data-lsoa"): int(p.get("data-count")) for p in shapes}
    assert got["E01015158"] == expected["E01015158"] and sum(got.values()) == expected.sum()
    tip = next(p for p in shapes if p.get("data-lsoa") == "E01015158").find("{http://www.w3.org/2000/svg}title").text
    assert "St Peter and the Waterfront" in tip
    html = result._repr_html_()
    assert "wheel" in html and "zoom in" in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")


def test_without_boundaries_the_map_says_why_and_lists_the_busiest_lsoas(crimes, raw_crimes):
    import pyarrow.compute as pc

    result = zoom_map(crimes, crime_type="Robbery", period="2018-19")
    assert result.svg == "" and "no neighbourhood boundaries" in result.subtitle
    assert "import-boundaries" in result.subtitle
    months = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
    rows = raw_crimes.filter(
        pc.and_(
            pc.is_in(raw_crimes["month"], value_set=pc.cast(months, "string")),
            pc.equal(raw_crimes["crime_type"], "Robbery"),
        )
    )
    expected = pd.Series(rows["lsoa_code"].to_pylist()).value_counts()
    assert list(result.table["Count"]) == list(expected.head(10))
    assert result.table.iloc[0]["LSOA code"] == expected.index[0]
    html = result._repr_html_()
    assert "<table" in html and "<svg" not in html
    with pytest.raises(ParameterError, match="save it as .html"):
        result.save(ROOT / "never-written.svg")


def test_lsoa_2021_polygons_count_each_row_in_its_own_lsoa_with_a_legend(crimes, raw_crimes, tmp_path):
    """2025 rows carry 2021 codes: on 2021 polygons each counts in its own LSOA."""
    import json

    import pyarrow.compute as pc

    from safer_analysis.inputs import reference

    from ..inputs.boundary_files import features, lsoa21_from_2011

    lookup = reference.read_table("lsoa_areas.csv")
    made = lsoa21_from_2011(features(ROOT / "data" / "geography" / "plymouth_lsoa11_boundaries.geojson"), lookup)
    path = tmp_path / "lsoa21.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": made}))
    result = zoom_map(crimes, boundaries=path, period="2025-26", crime_type="Burglary")
    shapes = [p for p in ET.fromstring(result.svg).iter("{http://www.w3.org/2000/svg}path") if p.get("data-lsoa")]
    got = {p.get("data-lsoa"): int(p.get("data-count")) for p in shapes}
    months = [f"2025-{m:02d}" for m in range(4, 13)]
    rows = raw_crimes.filter(
        pc.and_(
            pc.is_in(raw_crimes["month"], value_set=pc.cast(months, "string")),
            pc.equal(raw_crimes["crime_type"], "Burglary"),
        )
    )
    expected = pd.Series(rows["lsoa_code"].to_pylist()).value_counts()
    assert len(got) == len(made) and "(LSOA 2021)" in result.subtitle
    assert all(got[c] == expected.get(c, 0) for c in got)
    outside = int(expected[~expected.index.isin(set(got))].sum())  # the parts of splits not drawn
    assert (f"{outside:,} rows fall outside" in result.subtitle) == (outside > 0)
    assert "Crimes in the neighbourhood (LSOA), darker for more" in result.legend
    assert result.legend in result._repr_html_()
    saved = ET.fromstring(result.save(tmp_path / "map.svg").read_text())
    assert any("darker for more" in (t.text or "") for t in saved.iter("{http://www.w3.org/2000/svg}text"))
