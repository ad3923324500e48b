"""``safer-analysis peers``: the group as CSV, checked against ONS's workbook read directly; the
readable table; the project's own area by default; exit codes for a bad area, period or file."""

from __future__ import annotations

import csv
import io

import pytest

from safer_analysis.analysis.similar import similar_group
from safer_analysis.cli import main
from safer_analysis.inputs.ons_crime_tables import OFFENCE_GROUPS, TOTAL
from safer_analysis.inputs.recorded_crime import COLUMNS

from ..reports.test_comparison import _ons, _population


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.shared
def test_peers_area_plymouth_format_csv_lists_its_group_with_onss_counts_and_rates(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # outside any project: --area is enough
    monkeypatch.delenv("SAFER_ANALYSIS_PROJECT", raising=False)
    assert main(["peers", "--area", "Plymouth", "--format", "csv"]) == 0
    rows = _csv(capsys.readouterr().out)
    group = similar_group("Plymouth")
    assert [r["csp_code"] for r in rows] == ["E22000056", *group["csp_code"]]
    assert rows[0]["similarity_rank"] == "0" and float(rows[0]["distance"]) == 0
    counts, rates, people = _ons("Table C2"), _ons("Table C4"), _population()
    for r in rows:
        assert r["period_end"] == "2024-12" and r["offence_group"] == TOTAL
        assert int(r["count"]) == counts[r["csp_code"], TOTAL]
        assert int(r["population"]) == people[r["csp_code"]]
        assert float(r["rate"]) == pytest.approx(rates[r["csp_code"], TOTAL], abs=5e-7)
    for r, d in zip(rows[1:], group["distance"], strict=True):
        assert float(r["distance"]) == pytest.approx(d, abs=5e-7)
    plymouth = rows[0]
    assert (plymouth["count"], round(float(plymouth["rate"]), 1)) == ("25943", 97.2)


@pytest.mark.shared
def test_every_offence_group_and_the_pooled_rate_by_hand(capsys):
    assert main(["peers", "--area", "E22000056", "--format", "csv", "--offence-group", "all"]) == 0
    rows = _csv(capsys.readouterr().out)
    assert len(rows) == 16 * len(OFFENCE_GROUPS)
    robbery = [r for r in rows if r["offence_group"] == "Robbery" and r["similarity_rank"] != "0"]
    people = sum(int(r["population"]) for r in robbery)
    pooled = sum(int(r["count"]) for r in robbery) * 1000 / people
    assert main(["peers", "--area", "Plymouth", "--offence-group", "robbery"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(
        "Robbery, year ending December 2024; change since the year ending December 2023"
    )
    together = next(line for line in out.splitlines() if "the group together" in line).split()
    assert together[3:6] == [f"{sum(int(r['count']) for r in robbery):,}", f"{people:,}", f"{pooled:.2f}"]


def test_the_projects_own_area_is_the_default(project_copy, capsys):
    assert main(["peers", "--project", str(project_copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Plymouth (E22000056) and its 15 most similar partnerships")
    assert "data/similar-groups.md" in out and "Open Government Licence" in out


def test_an_unknown_area_exits_2_and_a_period_not_held_is_refused(capsys):
    assert main(["peers", "--area", "Plymuoth", "--format", "csv"]) == 2
    assert "Plymuoth" in capsys.readouterr().err
    assert main(["peers", "--area", "Plymouth", "--period-end", "2019-12"]) == 2
    err = capsys.readouterr().err
    assert "year ending December 2019" in err and "2024-12 (year ending December 2024)" in err
    assert main(["peers", "--area", "Plymouth", "--offence-group", "burglry"]) == 2
    assert "Residential burglary" in capsys.readouterr().err
    assert main(["peers", "--area", "Devon and Cornwall"]) == 2
    assert "police force area" in capsys.readouterr().err


def test_a_damaged_table_of_imported_editions_exits_3(project_copy, capsys):
    target = project_copy / "data" / "reference" / "recorded-crime-csp.csv"
    target.parent.mkdir(exist_ok=True)
    row = dict.fromkeys(COLUMNS, "")
    row.update(period_end="2025-13", level="partnership", force_code="E23000035", csp_code="E22000056")
    target.write_text(",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n", encoding="utf-8")
    assert main(["peers", "--project", str(project_copy)]) == 3
    err = capsys.readouterr().err
    assert "recorded-crime-csp.csv" in err and "period_end" in err


@pytest.mark.shared
def test_plymouths_group_holds_some_of_its_dfe_statistical_neighbours(capsys):
    """The outside list: of Plymouth's ten DfE statistical neighbours (May 2025; for children's
    services), how many `peers` lists. By chance fifteen places among 292 would hold about half
    of one (10 x 15 / 292 = 0.51)."""
    import pandas as pd

    from ..analysis.test_similar import _norm
    from ..conftest import REALDATA

    raw = pd.read_excel(REALDATA / "national" / "dfe-statistical-neighbours-may-2025.xlsx", header=None, dtype=object)
    header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "LA num")
    table = raw.iloc[header + 1 :]
    table = table[: table[0].isna().to_numpy().argmax()]
    names = dict(zip(table[0].astype(int), table[1].astype(str), strict=True))
    plymouth = table[table[1].astype(str).str.strip() == "Plymouth"].iloc[0]
    neighbours = {_norm(names[int(plymouth[5 + 2 * i])]) for i in range(10)}
    assert main(["peers", "--area", "Plymouth", "--format", "csv"]) == 0
    listed = {_norm(r["csp_name"]): r["csp_name"] for r in _csv(capsys.readouterr().out)[1:]}
    found = sorted(listed[n] for n in neighbours & set(listed))
    print(f"Plymouth's DfE statistical neighbours in its group of 15: {len(found)} of 10 ({', '.join(found)})")
    assert len(found) >= 2, found  # Dudley and Gateshead: four times chance (0.51)


def test_size_and_every_offence_group_as_a_table(capsys):
    assert main(["peers", "--area", "York", "--size", "5", "--format", "csv"]) == 0
    rows = _csv(capsys.readouterr().out)
    assert [r["similarity_rank"] for r in rows] == ["0", "1", "2", "3", "4", "5"]
    assert rows[0]["csp_name"] == "City of York"
    assert main(["peers", "--area", "York", "--offence-group", "all"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("City of York (E22000371) and its 15 most similar partnerships: every headline")
    table = out[out.index("") + 2 : out.index("", out.index("") + 1)]  # between the header and a blank line
    assert [line.split("  ")[0] for line in table] == list(OFFENCE_GROUPS)
    assert all(" of 15 " in line for line in table)  # City of London, in the group, has no rate: 15 ranked
    assert main(["peers", "--area", "York"]) == 0
    assert "ONS publishes none for City of London" in capsys.readouterr().out
    assert main(["peers", "--area", "York", "--size", "0"]) == 2
