"""The evidence for each priority, built from the model: small counts kept back, single figures
never trended, comparisons said in words that agree with the numbers, and held figures nothing links
listed apart."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from safer_analysis.analysis.indicator_series import IndicatorSeries, with_starts
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.reports.strategic_assessment import evidence

YEAR = "2018-19"


def _write_indicators(data: Path, rows: list[dict[str, str]]) -> None:
    header = next(csv.reader(open(data / "indicators.csv", encoding="utf-8")))
    with open(data / "indicators.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in header} for r in rows)


def _row(**cells: str) -> dict[str, str]:
    base = {
        "indicator": "Hate crimes and incidents",
        "area_code": "E06000026",
        "area_name": "Plymouth",
        "period": "2018/19",
        "value": "2.1",
        "count": "560",
        "denominator": "264000",
        "unit": "per 1,000 people",
        "source": "Devon & Cornwall Police",
    }
    return {**base, **cells}


def _build(profiles, data: Path, **options) -> evidence.Evidence:
    dataset = load_dataset(data)
    return evidence.build(
        profiles[YEAR],
        dataset,
        csp_code="E22000056",
        authority_codes=("E06000026",),
        place="Plymouth",
        threshold=5,
        **options,
    )


def _item(ev: evidence.Evidence, key: str) -> evidence.PriorityEvidence:
    return next(i for i in ev.priorities if i.key == key)


def test_a_supplied_indicator_moves_from_not_supplied_to_what_measures_its_priority(profiles, data_copy: Path):
    before = _item(_build(profiles, data_copy), "hate_crime")
    assert not before.measured
    assert "Hate crimes and incidents: held by Devon & Cornwall Police, not supplied." in before.not_measured
    _write_indicators(data_copy, [_row(period="2017/18", value="1.9", count="500"), _row()])
    after = _item(_build(profiles, data_copy), "hate_crime")
    assert [m.name for m in after.measured] == ["Hate crimes and incidents"]
    assert after.measured[0].latest == "2.1 per 1,000 people in 2018/19"
    assert not any("Hate crimes and incidents" in t for t in after.not_measured)


def test_a_value_made_of_fewer_people_than_the_threshold_is_not_shown(profiles, data_copy: Path):
    _write_indicators(data_copy, [_row(value="0.01", count="3")])
    measure = _item(_build(profiles, data_copy), "hate_crime").measured[0]
    assert "0.01" not in measure.text and "fewer than 5 people" in measure.text and "[c]" in measure.text


def test_a_figure_quoted_once_is_shown_as_such_and_never_trended(profiles, dataset):
    ev = _build(profiles, dataset.root)
    quoted = [m for i in ev.priorities for m in i.measured if m.kind == "quoted in the documents"]
    assert len(quoted) >= len(dataset.context_figures)  # a figure linked to two priorities shows under both
    for m in quoted:
        assert m.series.trend is None and "It cannot show a trend." in m.text and not m.direction


def test_figures_held_that_nothing_links_are_listed_apart(profiles, dataset):
    ev = _build(profiles, dataset.root)
    assert [m.name for m in ev.unlinked] == [
        "Violence with injury (police recorded crime)",
        "Violence without injury (police recorded crime)",
    ]
    table = evidence.summary_table(ev)
    assert (table["priority"] == "(not yet linked)").sum() == 2
    assert set(table["priority"]) - {"(not yet linked)"} == set(dataset.local_priorities["name"])


@pytest.mark.parametrize(
    ("mine", "theirs", "said"),
    [
        (207.0, 121.0, "In 2024, Plymouth (207) was higher than South West (121)."),
        (12.5, 32.6, "In 2024, Plymouth (12.5) was lower than South West (32.6)."),
        (5.04, 4.96, "In 2024, Plymouth (5.0) was the same as South West (5.0)."),
    ],
)
def test_a_comparison_is_said_in_words_that_agree_with_the_numbers(mine, theirs, said):
    rows = pd.DataFrame(
        {
            "indicator": "x",
            "area_name": ["Plymouth", "South West"],
            "comparison": ["", "region"],
            "period": "2024",
            "value": [mine, theirs],
            "lower": None,
            "upper": None,
            "count": None,
            "unit": "",
            "source": "s",
            "single_point": False,
        }
    )
    series = IndicatorSeries("x", with_starts(rows), "Plymouth", 5)
    assert series.comparison_sentence() == said


def test_a_public_build_leaves_out_a_restricted_indicator_and_names_it(profiles, data_copy: Path):
    _write_indicators(data_copy, [_row(marking="OFFICIAL-SENSITIVE")])
    ev = _build(profiles, data_copy, public=True)
    item = _item(ev, "hate_crime")
    assert not item.measured and ev.left_out == ["Hate crimes and incidents"]
    assert "Hate crimes and incidents: held, but not for publication, so left out here." in item.not_measured
    assert evidence.public_note(ev).endswith("left out of this page: Hate crimes and incidents.")
    assert not evidence.public_note(_build(profiles, data_copy))  # the full build says nothing of it


def test_no_figure_made_of_a_few_people_shows_anywhere_it_could_be_read(profiles, data_copy: Path):
    """Counts of 1 to 4 are withheld wherever they would show: a series' first years (so its
    trend starts from the first year that may be shown), a comparator's figure, a percentage of a
    known small group, and a value whose unit counts things."""
    rows = [
        _row(indicator="Treatment completions", unit="per 100", period=str(y), value=str(v), count=str(c))
        for y, v, c in ((2014, 6.5, 3), (2015, 7.5, 4), (2016, 8.5, 50), (2017, 9.5, 60), (2018, 10.5, 70))
    ]
    rows += [
        _row(
            indicator="Treatment completions",
            unit="per 100",
            period=str(y),
            value="9",
            count="9000",
            area_code="E92000001",
            area_name="England",
        )
        for y in (2016, 2017)
    ]
    rows.append(
        _row(
            indicator="Treatment completions",
            unit="per 100",
            period="2018",
            value="7",
            count="2",
            area_code="E92000001",
            area_name="England",
        )
    )
    rows += [_row(indicator="SARC referrals", unit="% of cases", value="50", count="", denominator="4")]
    rows += [_row(indicator="Prevent referrals", unit="referrals", value="3", count="", denominator="")]
    _write_indicators(data_copy, rows)
    mapping = data_copy / "priority_measures.csv"
    mapping.write_text(
        mapping.read_text(encoding="utf-8")
        + "alcohol_drugs,indicator,Treatment completions,,\n"
        + "domestic_abuse_sexual_violence,indicator,SARC referrals,,\n",
        encoding="utf-8",
    )
    ev = _build(profiles, data_copy)
    completions = next(m for m in _item(ev, "alcohol_drugs").measured if m.name == "Treatment completions")
    assert completions.text.startswith("From 8.5 per 100 in 2016 to 10.5 in 2018")
    assert "6.5" not in completions.text and "7.5" not in completions.text and "England" not in completions.text
    table = evidence._series_table(completions)
    assert table.count(">[c]<") == 2
    for key, name in (("domestic_abuse_sexual_violence", "SARC referrals"), ("prevent", "Prevent referrals")):
        measure = next(m for m in _item(ev, key).measured if m.name == name)
        assert "[c]" in measure.text and "50" not in measure.text.replace("[c]", ""), measure.text
