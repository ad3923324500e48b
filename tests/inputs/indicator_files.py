"""Files of partner indicators for the tests: an OHID Fingertips export with its real header, and
the tidy format. The numbers are made up for the tests; what is tested is that they are read as written."""

from __future__ import annotations

import csv
from pathlib import Path

#: The header of a Fingertips "Export table as CSV" download, in its order.
FINGERTIPS_HEADER = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]
ADMISSIONS = "Violent crime - hospital admissions for violence (including sexual violence)"


def fingertips_row(**cells: str) -> dict[str, str]:
    row = dict.fromkeys(FINGERTIPS_HEADER, "")
    row.update(
        {
            "Indicator ID": "11201",
            "Indicator Name": ADMISSIONS,
            "Sex": "Persons",
            "Age": "All ages",
            "Area Type": "Counties & UAs (from Apr 2023)",
        }
    )
    row.update(cells)
    return row


def fingertips_rows() -> list[dict[str, str]]:
    """Plymouth and England, three periods each; one row by deprivation decile; one without a value."""
    rows = []
    for period, plymouth, england in (
        ("2018/19 - 20/21", "61.2", "41.9"),
        ("2019/20 - 21/22", "55.0", "36.7"),
        ("2020/21 - 22/23", "52.3", "35.0"),
    ):
        rows.append(
            fingertips_row(
                **{
                    "Area Code": "E06000026",
                    "Area Name": "Plymouth",
                    "Time period": period,
                    "Value": plymouth,
                    "Lower CI 95.0 limit": str(float(plymouth) - 5),
                    "Upper CI 95.0 limit": str(float(plymouth) + 5),
                    "Count": "480",
                    "Denominator": "790000",
                    "Compared to England value or percentiles": "Worse 95%",
                }
            )
        )
        rows.append(
            fingertips_row(
                **{
                    "Area Code": "E92000001",
                    "Area Name": "England",
                    "Area Type": "England",
                    "Time period": period,
                    "Value": england,
                    "Count": "70000",
                    "Denominator": "170000000",
                    "Compared to England value or percentiles": "Not compared",
                }
            )
        )
    rows.append(
        fingertips_row(
            **{
                "Area Code": "E92000001",
                "Area Name": "England",
                "Time period": "2020/21 - 22/23",
                "Value": "80.1",
                "Category Type": "County & UA deprivation deciles in England (IMD2019, 4/23 geography)",
                "Category": "Most deprived decile (IMD2019)",
            }
        )
    )
    rows.append(
        fingertips_row(
            **{
                "Area Code": "E06000027",
                "Area Name": "Torbay",
                "Time period": "2020/21 - 22/23",
                "Value": "",
                "Value note": "Value suppressed for disclosure control",
            }
        )
    )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


TIDY_HEADER = [
    "indicator_id",
    "indicator",
    "area_code",
    "area_name",
    "period",
    "value",
    "count",
    "denominator",
    "unit",
    "lower",
    "upper",
    "higher_is_better",
    "marking",
    "source",
    "note",
]


def tidy_row(**cells: str) -> dict[str, str]:
    row = dict.fromkeys(TIDY_HEADER, "")
    row.update(
        {
            "indicator": "MARAC repeat cases",
            "area_code": "E06000026",
            "area_name": "Plymouth",
            "period": "2019/20",
            "value": "28",
            "count": "120",
            "denominator": "430",
            "unit": "% of cases",
            "higher_is_better": "no",
            "marking": "OFFICIAL-SENSITIVE",
            "source": "Plymouth MARAC coordinator",
        }
    )
    row.update(cells)
    return row
