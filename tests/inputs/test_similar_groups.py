"""The method of most similar groups as data: the package's, a project's own data/similar_groups.csv
(checked by `check`, one line naming file, row and column, exit 3), and an area's partnership."""

from __future__ import annotations

import pytest

from safer_analysis.analysis import similar
from safer_analysis.cli import main
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import similar_groups
from safer_analysis.inputs.areas import UnknownAreaError
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.validation import DataValidationError
from safer_analysis.scaffold import init

HEADER = "parameter,value,meaning\n"


def test_the_package_method_weighs_four_kinds_of_measure_alike_in_groups_of_fifteen():
    method = similar_groups.read_method()
    assert method.group_size == 15
    assert method.compared == similar_groups.measure_names()
    kinds = {"imd": 0.0, "people": 0.0, "rural": 0.0, "aged": 0.0}
    for measure, weight in method.weights.items():
        kinds[measure.split("_")[0]] += weight
    assert kinds == {"imd": 1.0, "people": 1.0, "rural": 1.0, "aged": 1.0}


def test_without_a_project_file_the_package_method_holds(data_copy):
    assert not (data_copy / "similar_groups.csv").exists()
    assert similar_groups.read_method(data_copy) == similar_groups.read_method()
    assert similar_groups.problems(data_copy) == []


def test_a_project_file_changes_the_weights_and_the_size(data_copy):
    (data_copy / "similar_groups.csv").write_text(
        HEADER + "group_size,8,\npeople_per_sq_km,2,density counts double\nimd_average_rank,1,\n", encoding="utf-8"
    )
    method = similar_groups.read_method(data_copy)
    assert method.group_size == 8 and method.compared == ("imd_average_rank", "people_per_sq_km")
    assert method.source == str(data_copy / "similar_groups.csv")
    group = similar.similar_group("Plymouth", data_dir=data_copy)
    assert len(group) == 8 and group.attrs["weights"] == {"imd_average_rank": 1.0, "people_per_sq_km": 2.0}
    assert load_dataset(data_copy) is not None  # a valid file passes the project's checks


def test_a_project_file_without_group_size_keeps_the_package_size(data_copy):
    (data_copy / "similar_groups.csv").write_text(HEADER + "people_per_sq_km,1,\n", encoding="utf-8")
    assert similar_groups.read_method(data_copy).group_size == 15


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        ("group_size,0,\n", 2, "value", "expected a whole number from 1 to 292; found 0"),
        ("group_size,2.5,\n", 2, "value", "expected a whole number from 1 to 292; found 2.5"),
        ("group_size,400,\n", 2, "value", "expected a whole number from 1 to 292; found 400"),
        ("people_per_sq_km,-1,\n", 2, "value", "expected a number of at least 0"),
        ("people_per_sq_km,lots,\n", 2, "value", "expected a number, found 'lots'"),
        ("people_per_sq_km,1,\ncrime_rate,1,\n", 3, "parameter", "unknown parameter 'crime_rate'; expected group_size"),
        ("people_per_sq_km,1,\npeople_per_sq_km,2,\n", 3, "parameter", "duplicate 'people_per_sq_km'"),
        ("imd_average_rank,1,\npeople_per_sq_km,0,\n", None, "value", "no Welsh partnership can be compared"),
    ],
)
def test_a_faulty_project_file_is_refused_naming_file_row_and_column(data_copy, rows, row, column, message):
    path = data_copy / "similar_groups.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        similar_groups.read_method(data_copy)
    problem = caught.value.problems[0]
    assert (problem.path, problem.row, problem.column) == (str(path), row, column)
    assert message in problem.message
    assert [str(p) for p in similar_groups.problems(data_copy)] == [str(p) for p in caught.value.problems]


def test_check_refuses_a_faulty_project_file_in_one_line_with_exit_3(project_copy, capsys):
    (project_copy / "data" / "similar_groups.csv").write_text(HEADER + "group_size,-3,\n", encoding="utf-8")
    assert main(["check", "--project", str(project_copy)]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "similar_groups.csv, row 2, column 'value': expected a number of at least 0" in err


def test_a_file_without_the_meaning_column_is_refused(data_copy):
    (data_copy / "similar_groups.csv").write_text("parameter,value\ngroup_size,15\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="column 'meaning': column is missing from the header"):
        similar_groups.read_method(data_copy)


def test_a_new_projects_readme_names_the_file_and_every_measure():
    assert "data/similar_groups.csv" in init.README
    for measure in similar_groups.measure_names():
        assert f"`{measure}`" in init.README


@pytest.mark.parametrize(
    ("area", "code"),
    [
        ("Plymouth", "E22000056"),
        ("e22000056", "E22000056"),
        ("E06000026", "E22000056"),  # the authority that is the partnership
        ("West Devon", "E22000364"),  # an authority inside South Devon and Dartmoor
        ("Allerdale", "E22000031"),  # a 2022 district that is still a partnership
        ("Cwm Taf", "W14000023"),
    ],
)
def test_an_area_names_its_partnership(area, code):
    assert similar_groups.partnership(area)[0] == code


def test_a_force_or_a_shared_authority_is_no_partnership():
    with pytest.raises(ParameterError, match="police force area; .* name one of its 8 .*Plymouth"):
        similar_groups.partnership("Devon & Cornwall")
    with pytest.raises(ParameterError, match="several partnerships share: name one of Aylesbury Vale, Chiltern"):
        similar_groups.partnership("Buckinghamshire")
    with pytest.raises(UnknownAreaError):
        similar_groups.partnership("Atlantis")
