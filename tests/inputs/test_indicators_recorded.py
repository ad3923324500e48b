"""The recorded-crime groups police.uk merges, as indicators: checked against ONS's workbook read here."""

from __future__ import annotations

import pandas as pd
import pytest

from safer_analysis.inputs.indicators.recorded import GROUPS, ons_groups
from tests.conftest import REALDATA

WORKBOOK = REALDATA / "national" / "ons-pfa-csp-tables-ye-dec-2024.xlsx"


def _row(sheet: str, code: str) -> pd.Series:
    table = pd.read_excel(WORKBOOK, sheet_name=sheet, header=7)
    table.columns = [" ".join(str(c).split()) for c in table.columns]
    return table[table["Community Safety Partnership code"] == code].iloc[0]


@pytest.mark.shared
def test_plymouths_sexual_offences_and_stalking_match_ons_tables_c2_and_c4():
    counts, rates = _row("Table C2", "E22000056"), _row("Table C4", "E22000056")
    rows = ons_groups("E22000056")
    own = rows[rows["comparison"] == ""].set_index("indicator")
    for group in GROUPS:
        row = own.loc[f"{group} (police recorded crime)"]
        assert row["period"] == "2024" and row["note"] == "year ending December 2024"
        assert row["count"] == counts[group]
        assert row["value"] == pytest.approx(rates[group])
        assert row["denominator"] == rates["Population figures (mid-2022) - rounded to 100"]
        assert "ONS, Police force area data tables, year ending December 2024" in row["source"]
    assert set(rows["comparison"]) == {"", "force", "England and Wales"}


def test_a_year_without_rates_is_left_out_not_given_one():
    rows = ons_groups("E22000056")
    assert set(rows["period"]) == {"2024"}  # the year ending December 2023 has counts alone
