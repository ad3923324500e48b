"""How the tool names the files it writes from an area's name."""

from __future__ import annotations

from pathlib import Path

from safer_analysis.inputs.names import counts_file, slug, store_name


def test_slug():
    assert slug("Plymouth") == "plymouth"
    assert slug("Bath and North East Somerset") == "bath-and-north-east-somerset"
    assert slug("King's Lynn & West Norfolk") == "king-s-lynn-west-norfolk"


def test_a_store_and_its_counts_are_named_from_the_area():
    assert store_name("Bath and North East Somerset") == "bath-and-north-east-somerset-street.parquet"
    assert counts_file(Path("data/crime/all-areas-street.parquet")) == Path("data/crime/all-areas-counts.csv")
