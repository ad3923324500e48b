"""Partner indicators: the tidy format and OHID Fingertips' export both load, every kind of bad row is
refused naming file, row and column, the mapping to priorities and the documents' context figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from safer_analysis.inputs.indicators import context, fingertips, priorities, tidy
from safer_analysis.inputs.indicators.importing import read_file
from safer_analysis.inputs.indicators.periods import period_kind, period_label, period_start
from safer_analysis.inputs.validation import DataValidationError
from tests.conftest import read_rows
from tests.inputs.indicator_files import (
    ADMISSIONS,
    FINGERTIPS_HEADER,
    TIDY_HEADER,
    fingertips_row,
    fingertips_rows,
    tidy_row,
    write_csv,
)


def test_a_fingertips_export_loads_with_england_kept_as_a_comparator(tmp_path: Path):
    path = write_csv(tmp_path / "fingertips.csv", fingertips_rows(), FINGERTIPS_HEADER)
    rows, kind, left_out = read_file(path)
    assert kind == "OHID Fingertips export"
    written = [r for r in fingertips_rows() if r["Value"] and not r["Category Type"]]
    assert len(rows) == len(written) == 6
    assert sorted(rows["area_code"].unique()) == ["E06000026", "E92000001"]
    plymouth = rows[rows["area_code"] == "E06000026"].set_index("period")
    source = {r["Time period"]: float(r["Value"]) for r in written if r["Area Code"] == "E06000026"}
    assert plymouth["value"].to_dict() == source
    assert plymouth.loc["2020/21 - 22/23", "lower"] == pytest.approx(source["2020/21 - 22/23"] - 5)
    assert set(rows["indicator"]) == {ADMISSIONS} and set(rows["indicator_id"]) == {"11201"}
    assert set(rows["source"]) == {"OHID Fingertips (fingertips.phe.org.uk), indicator 11201"}
    assert left_out == ["1 row broken down by a category (Category Type)", "1 row without a value (not published)"]


def test_fingertips_better_or_worse_than_england_gives_the_polarity(tmp_path: Path):
    """Plymouth is above England and called worse: higher is not better."""
    rows, _, _ = read_file(write_csv(tmp_path / "f.csv", fingertips_rows(), FINGERTIPS_HEADER))
    assert set(rows["higher_is_better"]) == {False}
    no_verdict = [{**r, "Compared to England value or percentiles": ""} for r in fingertips_rows()]
    rows, _, _ = read_file(write_csv(tmp_path / "g.csv", no_verdict, FINGERTIPS_HEADER))
    assert rows["higher_is_better"].isna().all()


def test_an_indicator_given_for_several_sexes_is_named_with_them(tmp_path: Path):
    rows = [
        fingertips_row(**{"Area Code": "E06000026", "Time period": "2019", "Value": "3", "Sex": sex})
        for sex in ("Male", "Female")
    ]
    read, _, _ = read_file(write_csv(tmp_path / "f.csv", rows, FINGERTIPS_HEADER))
    assert sorted(read["indicator"]) == [f"{ADMISSIONS} (Female, All ages)", f"{ADMISSIONS} (Male, All ages)"]


def test_the_tidy_format_loads(tmp_path: Path):
    rows = [tidy_row(period=p, value=v) for p, v in (("2018/19", "31"), ("2019-20", "28"))]
    rows.append(tidy_row(area_code="E92000001", area_name="England", value="27", marking="", count="", denominator=""))
    read, kind, _ = read_file(write_csv(tmp_path / "mine.csv", rows, TIDY_HEADER))
    assert kind == "indicators in the tidy format"
    assert list(read["period"]) == ["2018/19", "2019/20", "2019/20"]  # 2019-20 written as 2019/20
    assert list(read["value"]) == [31.0, 28.0, 27.0]
    assert read["marking"].fillna("").tolist() == ["OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE", ""]
    assert list(read["higher_is_better"]) == [False, False, False]
    assert read.index.tolist() == [2, 3, 4]  # spreadsheet rows


BAD_TIDY = [
    ({"area_code": "Plymouth"}, "area_code", "expected an ONS area code"),
    ({"period": "2019/21"}, "period", "a financial year runs into the next year"),
    ({"period": "last year"}, "period", "expected a period such as 2018"),
    ({"value": "high"}, "value", "expected a number, found 'high'"),
    ({"value": ""}, "value", "a value is required here"),
    ({"count": "-3"}, "count", "expected a number of at least 0"),
    ({"higher_is_better": "maybe"}, "higher_is_better", "expected 'yes' or 'no'"),
    ({"marking": "SECRET"}, "marking", "expected a marking: OFFICIAL or OFFICIAL-SENSITIVE"),
    ({"source": ""}, "source", "a value is required here"),
    ({"indicator": ""}, "indicator", "a value is required here"),
    ({"lower": "30", "upper": "20"}, "upper", "expected at least the lower limit (30)"),
    ({"lower": "30", "upper": "40"}, "value", "expected at least the lower limit (30); found 28"),
    ({"lower": "10", "upper": "20"}, "value", "expected at most the upper limit (20); found 28"),
]


@pytest.mark.parametrize(("cells", "column", "message"), BAD_TIDY, ids=[b[1] + ":" + b[2][:20] for b in BAD_TIDY])
def test_each_kind_of_bad_tidy_row_is_refused_naming_file_row_and_column(tmp_path: Path, cells, column, message):
    path = write_csv(tmp_path / "mine.csv", [tidy_row(period="2018/19"), tidy_row(**cells)], TIDY_HEADER)
    with pytest.raises(DataValidationError) as caught:
        read_file(path)
    text = str(caught.value)
    assert f"{path}, row 3, column '{column}': " in text and message in text
    assert "\n" not in text  # one fault, one line


def test_a_row_given_twice_or_a_second_unit_is_refused(tmp_path: Path):
    path = write_csv(tmp_path / "mine.csv", [tidy_row(), tidy_row(value="29")], TIDY_HEADER)
    with pytest.raises(
        DataValidationError,
        match=r"row 3, column 'period': MARAC repeat cases for E06000026 in "
        r"2019/20 is already given in row 2",
    ):
        read_file(path)
    path = write_csv(tmp_path / "unit.csv", [tidy_row(), tidy_row(period="2020/21", unit="cases")], TIDY_HEADER)
    with pytest.raises(DataValidationError, match=r"row 3, column 'unit': expected '% of cases' as in row 2"):
        read_file(path)


def test_a_tidy_file_missing_a_column_names_it(tmp_path: Path):
    header = [c for c in TIDY_HEADER if c != "source"]
    path = write_csv(tmp_path / "mine.csv", [{k: v for k, v in tidy_row().items() if k != "source"}], header)
    with pytest.raises(DataValidationError, match=r"row 1, column 'source': column is missing from the header"):
        read_file(path)


BAD_FINGERTIPS = [
    ({"Time period": "2019/2020"}, "Time period", "expected a period such as"),
    ({"Value": "n/a"}, "Value", "expected a number, found 'n/a'"),
    ({"Area Code": "Plymouth"}, "Area Code", "expected an ONS area code"),
    ({"Indicator ID": "x11"}, "Indicator ID", "expected a whole number"),
    ({"Count": "-1"}, "Count", "expected a number of at least 0"),
]


@pytest.mark.parametrize(("cells", "column", "message"), BAD_FINGERTIPS, ids=[b[1] for b in BAD_FINGERTIPS])
def test_each_kind_of_bad_fingertips_row_is_refused_naming_file_row_and_column(tmp_path: Path, cells, column, message):
    rows = fingertips_rows()
    rows[2] = {**rows[2], **cells}
    path = write_csv(tmp_path / "fingertips.csv", rows, FINGERTIPS_HEADER)
    with pytest.raises(DataValidationError) as caught:
        read_file(path)
    assert f"{path}, row 4, column '{column}': " in str(caught.value) and message in str(caught.value)


def test_a_fingertips_value_outside_its_interval_names_the_export_row(tmp_path: Path):
    rows = fingertips_rows()
    rows[2] = {**rows[2], "Value": "99"}
    path = write_csv(tmp_path / "fingertips.csv", rows, FINGERTIPS_HEADER)
    with pytest.raises(DataValidationError, match=r"row 4, column 'value': expected at most the upper limit"):
        fingertips.read(path)


@pytest.mark.parametrize(
    ("text", "label", "start", "kind"),
    [
        ("2018", "2018", 2018.0, "year"),
        ("2018/19", "2018/19", 2018.25, "financial year"),
        ("2018-19", "2018/19", 2018.25, "financial year"),
        ("2016 - 18", "2016 - 18", 2016.0, "years pooled"),
        ("2018/19 - 20/21", "2018/19 - 20/21", 2018.25, "financial years pooled"),
        ("2019-03", "2019-03", 2019 + 2 / 12, "month"),
        ("2018/19  Q2", "2018/19 Q2", 2018.5, "financial quarter"),
    ],
)
def test_periods_as_publishers_write_them(text, label, start, kind):
    assert (period_label(text), period_start(label), period_kind(label)) == (label, pytest.approx(start), kind)


def test_the_mapping_lists_indicators_not_supplied_and_those_not_yet_linked(tmp_path: Path):
    path = write_csv(
        tmp_path / "mine.csv", [tidy_row(), tidy_row(indicator="SARC referrals", unit="referrals")], TIDY_HEADER
    )
    indicators = tidy.read(path)
    mapping = pd.DataFrame(
        [
            {
                "priority_key": "domestic_abuse_sexual_violence",
                "source": "indicator",
                "measure": "marac repeat CASES",
                "held_by": "",
                "note": "",
            },
            {
                "priority_key": "hate_crime",
                "source": "indicator",
                "measure": "Hate incidents",
                "held_by": "the council's community cohesion team",
                "note": "",
            },
        ]
    )
    table = priorities.links(indicators, mapping)
    assert table.loc[0, ["indicator", "supplied"]].tolist() == ["MARAC repeat cases", True]
    assert table.loc[1, ["indicator", "supplied"]].tolist() == ["Hate incidents", False]
    assert priorities.unlinked(indicators, mapping) == ["SARC referrals"]


def test_the_mapping_file_is_checked_against_the_local_priorities(data_copy: Path):
    write_csv(
        data_copy / priorities.FILE,
        [{"priority_key": "hate_crimes", "source": "indicator", "measure": "Hate incidents"}],
        priorities.NAMES,
    )
    keys = set(pd.read_csv(data_copy / "local_priorities.csv")["priority_key"])
    found = priorities.problems(data_copy, keys)
    assert len(found) == 1 and "row 2, column 'priority_key': unknown local priority 'hate_crimes'" in str(found[0])


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"source": "Police"}, "source", "expected one of 'police.uk', 'ONS recorded crime', 'indicator'"),
        ({"source": "police.uk", "measure": "Burglarys"}, "measure", "expected a police.uk crime type"),
        ({"source": "ONS recorded crime", "measure": "Rape"}, "measure", "expected one of ONS's groups"),
        ({"source": "indicator", "measure": ""}, "measure", "expected the indicator's name or ID"),
        ({"priority_key": "Hate crime"}, "priority_key", "expected a key"),
    ],
)
def test_each_kind_of_bad_mapping_row_is_refused_naming_file_row_and_column(data_copy: Path, cells, column, message):
    good = {"priority_key": "hate_crime", "source": "indicator", "measure": "Hate incidents", "held_by": "", "note": ""}
    write_csv(data_copy / priorities.FILE, [good, {**good, "measure": "Hate crimes", **cells}])
    with pytest.raises(DataValidationError) as caught:
        priorities.read_project(data_copy)
    problem = caught.value.problems[0]
    assert (problem.path, problem.row, problem.column) == (str(data_copy / priorities.FILE), 3, column)
    assert message in problem.message


def test_a_priority_linked_twice_to_a_measure_or_to_two_police_uk_types_is_refused(data_copy: Path):
    rows = [
        {"priority_key": "hate_crime", "source": "police.uk", "measure": "Public order", "held_by": "", "note": ""},
        {"priority_key": "hate_crime", "source": "police.uk", "measure": "", "held_by": "", "note": "why not"},
        {"priority_key": "hate_crime", "source": "ONS recorded crime", "measure": "Sexual offences"},
        {"priority_key": "hate_crime", "source": "ONS recorded crime", "measure": "sexual OFFENCES"},
    ]
    write_csv(data_copy / priorities.FILE, rows, priorities.NAMES)
    with pytest.raises(DataValidationError) as caught:
        priorities.read_project(data_copy)
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "measure"), (3, "priority_key")]


def test_a_project_made_before_the_mapping_reads_its_two_old_files_as_one(data_copy: Path):
    """A project with priority_crime_types.csv and indicator_priorities.csv builds as before: the two
    are read as the one mapping until it is written."""
    (data_copy / priorities.FILE).unlink()
    write_csv(
        data_copy / priorities.OLD_CRIME_TYPES,
        [
            {"priority_key": "emerging_threats", "crime_type": "anti-social behaviour", "relation": "measures"},
            {"priority_key": "hate_crime", "crime_type": "", "relation": "not measured", "note": "no flag"},
        ],
        ["priority_key", "crime_type", "relation", "note"],
    )
    write_csv(
        data_copy / priorities.OLD_INDICATORS,
        [
            {"priority_key": "hate_crime", "indicator": "Hate incidents", "held_by": "the police"},
            {"priority_key": "domestic_abuse_sexual_violence", "indicator": "Sexual offences (police recorded crime)"},
        ],
        ["priority_key", "indicator", "held_by", "note"],
    )
    mapping = priorities.read_project(data_copy)
    assert mapping.attrs["files"] == [priorities.OLD_CRIME_TYPES, priorities.OLD_INDICATORS]
    assert priorities.crime_types(mapping) == {"emerging_threats": "Anti-social behaviour"}
    assert priorities.police_uk_notes(mapping)["hate_crime"] == "no flag"
    assert mapping[["source", "measure"]].values.tolist()[2:] == [
        ["indicator", "Hate incidents"],
        ["ONS recorded crime", "Sexual offences"],
    ]
    from safer_analysis.inputs.datasets import load_dataset

    assert (
        load_dataset(data_copy)
        .priority_measures[["priority_key", "source"]]
        .equals(mapping[["priority_key", "source"]])
    )


def test_a_project_with_no_mapping_at_all_reads_it_as_empty(data_copy: Path):
    (data_copy / priorities.FILE).unlink()
    assert priorities.read_project(data_copy).empty


def test_the_documents_context_figures_become_single_points_with_their_citation(dataset):
    rows = context.context_rows(dataset.context_figures, dataset.sources)
    source = read_rows(dataset.root / "context_figures.csv")
    assert len(rows) == len(source) and rows["single_point"].all()
    for row, figure in zip(rows.itertuples(), source, strict=True):
        low, high = float(figure["value_low"]), float(figure["value_high"])
        assert row.indicator == figure["description"] and row.period == figure["period"]
        if low == high:
            assert row.value == low and pd.isna(row.lower)
        else:  # a range keeps both ends and no value of its own
            assert pd.isna(row.value) and (row.lower, row.upper) == (low, high)
        assert figure["source_section"] in row.source and figure["source"] in row.source
        assert row.priority_keys == tuple(figure["local_priority"].split(";"))


def test_plymouths_mapping_names_for_every_priority_what_measures_it_or_who_holds_it(dataset):
    from safer_analysis.inputs.indicators.gather import gather

    rows = gather(dataset.root, csp_code="E22000056", authority_codes=("E06000026",), place="Plymouth", dataset=dataset)
    table = priorities.links(rows, priorities.read_project(dataset.root))
    for key in dataset.local_priorities["priority_key"]:
        mine = table[table["priority_key"] == key]
        assert len(mine), f"{key}: nothing says what measures it"
        missing = mine[~mine["supplied"]]
        assert missing["held_by"].fillna("").str.len().gt(0).all(), (
            f"{key}: an indicator not supplied without its holder"
        )
    figures = read_rows(dataset.root / "context_figures.csv")
    linked = set(zip(table["priority_key"], table["indicator"], strict=True))
    for figure in figures:  # the documents' figures are linked where context_figures.csv links them
        for key in figure["local_priority"].split(";"):
            assert (key, figure["description"]) in linked


def test_a_public_pack_leaves_out_every_indicator_with_a_restricted_row_and_names_it(tmp_path: Path):
    rows = [
        tidy_row(period="2018/19", marking="OFFICIAL-SENSITIVE"),
        tidy_row(period="2019/20", marking=""),
        tidy_row(indicator="Hate incidents", unit="incidents", marking="OFFICIAL"),
    ]
    frame = tidy.read(write_csv(tmp_path / "mine.csv", rows, TIDY_HEADER))
    kept, left_out = tidy.publishable(frame)
    assert left_out == ["MARAC repeat cases"]
    assert list(kept["indicator"]) == ["Hate incidents"]  # OFFICIAL is not restricted


def test_the_old_files_faults_are_named_in_their_own_file_row_and_column(data_copy: Path):
    (data_copy / priorities.FILE).unlink()
    crime = data_copy / priorities.OLD_CRIME_TYPES
    crime.write_text("priority_key,crime_type,relation,note\nemerging_threats,,measures,ASB\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        priorities.read_project(data_copy)
    assert (
        str(caught.value.problems[0])
        == f"{crime}, row 2, column 'crime_type': expected the police.uk crime type it measures"
    )
    crime.write_text("priority_key,crime_type,relation,note\nhate_crime,,not measured,\n", encoding="utf-8")
    links = data_copy / priorities.OLD_INDICATORS
    links.write_text(
        "priority_key,indicator,held_by,note\nhate_crime,Hate incidents,,\nhate_crimes,Hate crimes,,\n"
        "hate_crime,HATE incidents,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        priorities.read_project(data_copy)
    assert [(p.path, p.row, p.column) for p in caught.value.problems] == [(str(links), 4, "indicator")]
    links.write_text(
        "priority_key,indicator,held_by,note\nhate_crime,Hate incidents,,\nhate_crimes,Hate crimes,,\n",
        encoding="utf-8",
    )
    found = priorities.problems(data_copy, {"hate_crime"})
    assert [(p.path, p.row, p.column) for p in found] == [(str(links), 3, "priority_key")]


def test_a_public_pack_leaves_out_every_name_an_id_of_a_restricted_row_goes_by(tmp_path: Path):
    rows = [
        tidy_row(indicator_id="DA1", indicator="Domestic abuse", marking="OFFICIAL-SENSITIVE"),
        tidy_row(indicator_id="DA1", indicator="Domestic abuse (all)", period="2018/19", marking=""),
        tidy_row(indicator="Hate incidents", period="2019/20", marking=""),
    ]
    frame = tidy.read(write_csv(tmp_path / "mine.csv", rows, TIDY_HEADER))
    kept, left_out = tidy.publishable(frame)
    assert set(kept["indicator"]) == {"Hate incidents"} and left_out == ["Domestic abuse", "Domestic abuse (all)"]


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e400", "nan", "1,2,3", "1_000"])
def test_a_number_that_is_not_one_is_refused(tmp_path: Path, value: str):
    path = write_csv(tmp_path / "mine.csv", [tidy_row(value=value)], TIDY_HEADER)
    with pytest.raises(DataValidationError) as caught:
        tidy.read(path)
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (2, "value")


@pytest.mark.parametrize(
    ("cells", "column"),
    [({"period": "0000"}, "period"), ({"count": "500", "denominator": "430", "unit": "% of cases"}, "count")],
)
def test_a_period_out_of_range_or_a_share_larger_than_its_group_is_refused(tmp_path: Path, cells, column):
    path = write_csv(tmp_path / "mine.csv", [tidy_row(**cells)], TIDY_HEADER)
    with pytest.raises(DataValidationError) as caught:
        tidy.read(path)
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (2, column)


def test_one_indicator_under_the_partnerships_and_the_authoritys_code_is_refused(data_copy: Path, capsys):
    """Plymouth's partnership and its one authority are the same area: two figures for one period
    under the two codes would leave the pack to pick one, so check and build name the rows."""
    from safer_analysis.cli import main

    rows = [
        tidy_row(marking="OFFICIAL"),
        tidy_row(period="2020/21", marking="OFFICIAL"),
        tidy_row(area_code="E22000056", value="31", marking="OFFICIAL"),
    ]
    write_csv(data_copy / tidy.FILE, rows, TIDY_HEADER)
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    err = capsys.readouterr().err
    assert (
        f"{data_copy / tidy.FILE}, row 4, column 'area_code': MARAC repeat cases in 2019/20 is already given in "
        "row 2 under E06000026; this row gives 31 under E22000056, against 28 there." in err
    )
    # the same figure twice is still one row too many; another period under the other code is not
    rows[2] = tidy_row(area_code="E22000056", marking="OFFICIAL")
    write_csv(data_copy / tidy.FILE, rows, TIDY_HEADER)
    assert main(["check", "--project", str(data_copy.parent)]) != 0
    assert "this row gives the same figure under E22000056. Both codes" in capsys.readouterr().err
    rows[2] = tidy_row(area_code="E22000056", period="2021/22", marking="OFFICIAL")
    write_csv(data_copy / tidy.FILE, rows, TIDY_HEADER)
    assert main(["check", "--project", str(data_copy.parent)]) == 0


def test_the_import_refuses_what_check_would_and_keeps_the_polarity_on_a_first_import(
    data_copy: Path, tmp_path, capsys
):
    """Two figures for one period under the partnership's and the authority's code are refused by
    import-indicators itself, with nothing written; and a first import into the header-only file
    keeps the source's yes/no polarity (an empty file's column once turned it blank)."""
    from safer_analysis.cli import main

    before = (data_copy / tidy.FILE).read_bytes()
    both = write_csv(
        tmp_path / "both.csv",
        [tidy_row(marking="OFFICIAL"), tidy_row(area_code="E22000056", value="28.00000001", marking="OFFICIAL")],
        TIDY_HEADER,
    )
    assert main(["import-indicators", str(both), "--project", str(data_copy.parent)]) != 0
    err = capsys.readouterr().err
    assert "this row gives 28.00000001 under E22000056, against 28 there" in err  # both figures told apart
    assert (data_copy / tidy.FILE).read_bytes() == before
    one = write_csv(tmp_path / "one.csv", [tidy_row(marking="OFFICIAL")], TIDY_HEADER)
    assert main(["import-indicators", str(one), "--project", str(data_copy.parent)]) == 0
    assert [r["higher_is_better"] for r in read_rows(data_copy / tidy.FILE)] == ["no"]
    out = capsys.readouterr().out
    assert main(["check", "--project", str(data_copy.parent)]) == 0, out
