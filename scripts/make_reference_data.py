"""Make the reference tables the package ships (``safer_analysis/reference/``) from public data.

Run from the repository, beside ``../shared``::

    python scripts/make_reference_data.py            # rewrite the tables and SOURCES.csv
    python scripts/make_reference_data.py --check    # exit 1 if a table would change

Each table is derived by this script alone, and ``SOURCES.csv`` records, for each, what it was
made from (repository, commit, file and that file's SHA-256) and the SHA-256 of the table itself.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

from safer_analysis.analysis import similar_measures
from safer_analysis.analysis.harm import weights_by_force
from safer_analysis.inputs.indicators import youth_justice
from safer_analysis.inputs.mye_workbook import read_workbook

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SAFER_ANALYSIS_SHARED", ROOT.parent / "shared"))
OUT = ROOT / "safer_analysis" / "reference"

#: Devon & Cornwall's police.uk downloads of 2016 to 2019 (2017-12 is missing), freshest first, as
#: ``scripts/make_plymouth_extract.py`` reads them: a month in two is read from the first.
DEVON_AND_CORNWALL_DOWNLOADS = (
    "police-uk/archive-2019",
    "police-uk/archive-2018-19",
    "police-uk-archives/devon-and-cornwall-2018",
    "police-uk/archive-2018-03",
    "police-uk-archives/devon-and-cornwall-2016-01-to-2017-11",
)


#: What each table is made from: the file under ../shared, where that file was found, its licence.
ORIGINS = {
    "population_local_authority.csv": {
        "description": "ONS mid-year population estimates, all persons, every UK local authority "
        "(2021 boundaries), mid-2001 to mid-2020, long format",
        "derived_from": "realdata/population/ons-mye-local-authority-mid2001-to-mid2020.csv",
        "found_in": "lunliu454/infect_place (commit 46a7a2d6)",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "population_mid2021.csv": {
        "description": "ONS mid-year population estimates, all persons, every UK local authority (2021 boundaries), "
        "mid-2021 (based on the 2021 Census), from the workbook's summary sheet MYE4",
        "derived_from": "realdata/population/ons-mye-uk-mid2021.xls",
        "found_in": "gqlNU/wwprev (commit 1f4612d0)",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "population_csp_mid2022.csv": {
        "description": "ONS mid-2022 population estimates, rounded to the nearest 100, for every Community Safety "
        "Partnership and police force area of England and Wales, as the ONS police recorded crime tables for the "
        "year ending December 2024 give them (Table C4)",
        "derived_from": "realdata/national/ons-pfa-csp-tables-ye-dec-2024.xlsx",
        "found_in": "anushka-0104/uk-crime-trends-dashboard (commit 5ab0c5cf), data/",
        "licence": "Open Government Licence v3.0 (ONS, Home Office)",
    },
    "lsoa_areas.csv": {
        "description": "every LSOA of England and Wales: its 2011 and 2021 codes, its local authority in 2022 and "
        "2024 and its 2024 ward (ONS lookups joined on the 2021 code)",
        "derived_from": "realdata/ons-lookups/lookup_lsoa11_lsoa21_ltla22.csv",
        "found_in": "humaniverse/geographr (commit c026be5c); with lookup_lsoa21_ward24_ltla24.csv from the same",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "lsoa_population.csv": {
        "description": "ONS small-area population estimates, all persons per LSOA (2011), England and Wales, "
        "mid-2017, mid-2019 and mid-2020 (long format)",
        "derived_from": "realdata/population/ons-sape-lsoa11-totals-mid2017-2019-2020.csv",
        "found_in": "humaniverse/demographr (commit d0417101)",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "recorded_crime_csp.csv": {
        "description": "Home Office police recorded crime for every Community Safety Partnership, police force area "
        "total and unassigned row of England and Wales, years ending December 2023 and 2024, per headline offence "
        "group: counts (ONS Police force area data tables, year ending December 2024, tables C2 and C5), and for "
        "December 2024 rates per 1,000 people (and households) with the mid-2022 populations used (Table C4); "
        "long format, read as safer-analysis import-recorded-crime reads the workbook",
        "derived_from": "realdata/national/ons-pfa-csp-tables-ye-dec-2024.xlsx",
        "found_in": "anushka-0104/uk-crime-trends-dashboard (commit 5ab0c5cf), data/",
        "licence": "Open Government Licence v3.0 (Home Office, ONS)",
    },
    "lookup_ltla22_ltla23.csv": {
        "description": "ONS local authority 2022 to 2023 (the 2023 mergers), codes and names",
        "derived_from": "realdata/ons-lookups/lookup_ltla22_ltla23.csv",
        "found_in": "humaniverse/geographr (commit c026be5c)",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "lsoa_partnerships.csv": {
        "description": "every LSOA code of England and Wales, 2011 and 2021, with the Community Safety Partnership "
        "(2024) it lies in, blank where the lookups place it in no single one: areas.lsoa_places() made once from "
        "this folder's lsoa_areas.csv and the two authority lookups, so an import of every area counts per "
        "partnership without building it",
        "derived_from": "realdata/ons-lookups/lookup_lsoa11_lsoa21_ltla22.csv",
        "also_from": (
            "realdata/ons-lookups/lookup_lsoa21_ward24_ltla24.csv",
            "realdata/ons-lookups/lookup_ltla24_csp24_pfa24.csv",
            "realdata/ons-lookups/lookup_ltla22_ltla23.csv",
        ),
        "found_in": "humaniverse/geographr (commit c026be5c)",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "lookup_ltla24_csp24_pfa24.csv": {
        "description": "ONS local authority (2024) to Community Safety Partnership (2024) to police "
        "force area (2024), England and Wales",
        "derived_from": "realdata/ons-lookups/lookup_ltla24_csp24_pfa24.csv",
        "found_in": "humaniverse/geographr (commit c026be5c)",
        "licence": "Open Government Licence v3.0 (ONS)",
    },
    "home_office_force_totals.csv": {
        "description": "Home Office police recorded crime, offences per police force area and financial year "
        "(all offence codes summed; quarters gives how many quarters of the year are in)",
        "derived_from": "realdata/home-office/prc-pfa-offence-counts-2012-13-to-2023-24q1.csv.gz",
        "found_in": "sxl634/posit-cloud-test, Data/prc-default.RDS (commit 4920341e); Home Office release of "
        "19 October 2023",
        "licence": "Open Government Licence v3.0 (Home Office)",
    },
    "crime_severity_weights_by_force.csv": {
        "description": "one ONS Crime Severity Score weight per police.uk crime type, police force area (and "
        "England and Wales) and financial year: the mean of the type's offence-code weights weighted by the "
        "offences the force recorded under each code (Home Office police recorded crime)",
        "derived_from": "realdata/home-office/prc-pfa-offence-counts-2012-13-to-2023-24q1.csv.gz",
        "also_from": "reference/crime-severity/policeuk-ons-code-join.csv",
        "found_in": "sxl634/posit-cloud-test, Data/prc-default.RDS (commit 4920341e), Home Office release of "
        "19 October 2023; the offence-code weights and police.uk types from M-O-P-D/Police-Supply-Demand, data/ "
        "(commit 38420a1f)",
        "licence": "Open Government Licence v3.0 (Home Office, ONS); the code-to-type join MIT",
    },
    "partnership_measures.csv": {
        "description": "every Community Safety Partnership of England and Wales (2024) on the measures its most "
        "similar partnerships are found by: IMD 2019 average rank and share of residents in England's most deprived "
        "tenth of LSOAs (from its LSOAs, England), people per sq km and shares aged 16 to 24 and 65 and over "
        "(mid-2020, from its local authorities on 2021 boundaries), share of residents rural (2011 rural-urban "
        "classification, from its districts of 2018, England); each with what it was built from",
        "derived_from": "realdata/ons-lookups/IMD19_LSOA11_LAD19_England_LU.csv",
        "also_from": (
            "realdata/national/ons-mye-mid2020-2021-geography.xls",
            "realdata/national/ruc2011-lad-england.csv",
            "realdata/population/ons-sape-lsoa11-totals-mid2017-2019-2020.csv",
            "realdata/ons-lookups/lookup_lsoa11_lsoa21_ltla22.csv",
            "realdata/ons-lookups/LSOA11_WD19_LAD19_EW_LU.csv",
        ),
        "found_in": "jtrim-ons/ons-lookups (commit 85d0ba6), the IMD and LSOA-district lookups; "
        "rccreswell/spatialprevalence_dp_share (commit 07f8f2bd), the estimates; shepherdwill/graduate_mobility "
        "(commit 40c290f8), the rural-urban classification; humaniverse/demographr (commit d0417101), the LSOA "
        "estimates; humaniverse/geographr (commit c026be5c), the LSOA names; with the package's LSOA, authority "
        "and partnership lookups",
        "licence": "Open Government Licence v3.0 (ONS, MHCLG, Defra)",
    },
    "year_variation.csv": {
        "description": "how far whole years of a crime series sit off its trend beyond month-to-month noise, per "
        "police.uk crime type, all crime and anti-social behaviour: the standard deviation on the log scale pooled "
        "over the series of Devon & Cornwall's partnerships (at least 10 a month), calendar years 2016 to 2019, "
        "read with the package's own import",
        "derived_from": "; ".join(f"realdata/{folder}" for folder in DEVON_AND_CORNWALL_DOWNLOADS),
        "found_in": "eperegrine/ECM1421-CA2 (commit 3dfcd49b); mgsf08m002/GEOINFORMATION-IN-SOCIETY (commit "
        "40d03289); harleygn/crime-watch (commit 8cf04d12); SudheenaMisra/Datasets (commit f51f2ccb); "
        "lucy-craddock/Python-Assessment (commit aff2f0ca)",
        "licence": "Open Government Licence v3.0 (police.uk)",
    },
    "dfe_youth_justice.csv": {
        "description": "DfE Local Authority Interactive Tool: first-time entrants to the youth justice system aged "
        "10-17 per 100,000 (FirstYJS) and proven reoffending by young offenders, % (ReoffYO), 2016 to 2024, every "
        "upper-tier authority and region of England by ONS code (England left out: its first-time entrant figure "
        "is not a rate and its reoffending figure is suppressed); a blank value is suppressed",
        "derived_from": "realdata/national/dfe-lait-indicators-long.parquet",
        "found_in": "dfe-analytical-services/local-authority-interactive-tool (commit 2e30e395)",
        "licence": "Open Government Licence v3.0 (DfE)",
    },
    "dfe_statistical_neighbours.csv": {
        "description": "DfE children's services statistical neighbours (May 2025): ten per upper-tier authority, "
        "by ONS code, nearest first, with DfE's closeness",
        "derived_from": "realdata/national/dfe-statistical-neighbours-may-2025.xlsx",
        "also_from": "realdata/national/dfe-lait-indicators-long.parquet",
        "found_in": "dfe-analytical-services/local-authority-interactive-tool (commit 2e30e395)",
        "licence": "Open Government Licence v3.0 (DfE)",
    },
    "known_breaks.csv": {
        "description": "dated changes that move recorded crime (the COVID-19 restrictions in England and in Wales, "
        "changes to the Home Office Counting Rules that move a police.uk type), each with the publication that "
        "dates it",
        "derived_from": "",
        "found_in": "compiled in scripts/make_reference_data.py (BREAKS) from the publications in its source column",
        "licence": "Open Government Licence v3.0 (the dates as published by the Home Office, ONS and Senedd "
        "Research); the Institute for Government's timeline, cited",
    },
}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def population(shared: Path) -> pd.DataFrame:
    """The wide ONS table (BOM, thousands separators, trailing empty columns) as one row per area and year."""
    raw = pd.read_csv(
        shared / ORIGINS["population_local_authority.csv"]["derived_from"], dtype=str, encoding="utf-8-sig"
    )
    raw = raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]
    years = {c: int(c.rsplit("mid-", 1)[1]) for c in raw.columns if c.lower().startswith("estimated population mid-")}
    long = raw.melt(
        id_vars=["Code", "Name", "Geography"], value_vars=list(years), var_name="column", value_name="population"
    )
    long = long.dropna(subset=["population"])
    long["mid_year"] = long["column"].map(years)
    long["population"] = long["population"].str.replace(",", "", regex=False).astype(int)
    long = long.rename(columns={"Code": "area_code", "Name": "area_name", "Geography": "geography"})
    long["geography"] = long["geography"].fillna("")
    for column in ("area_code", "area_name", "geography"):  # two codes end in a no-break space
        long[column] = long[column].str.strip()
    return (
        long[["area_code", "area_name", "geography", "mid_year", "population"]]
        .sort_values(["area_code", "mid_year"])
        .reset_index(drop=True)
    )


def population_mid2021(shared: Path) -> pd.DataFrame:
    """Mid-2021 from the ONS workbook, read as ``safer-analysis import-population`` reads one."""
    frame = read_workbook(shared / ORIGINS["population_mid2021.csv"]["derived_from"])
    return frame[frame["mid_year"] == 2021].reset_index(drop=True)


def population_csp_mid2022(shared: Path) -> pd.DataFrame:
    """Table C4's population column: one row per partnership and per force area (the force's total row)."""
    raw = pd.read_excel(
        shared / ORIGINS["population_csp_mid2022.csv"]["derived_from"], sheet_name="Table C4", header=None, dtype=object
    )
    header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "Police Force Area code")
    assert "mid-2022" in str(raw.iat[header, 6]), raw.iat[header, 6]
    rows = []
    for r in range(header + 1, len(raw)):
        force_code, force, csp_code, csp, people = (raw.iat[r, c] for c in (0, 1, 2, 3, 6))
        if pd.notna(csp_code):
            rows.append((csp_code, str(csp).strip(), "Community Safety Partnership", people))
        elif pd.isna(csp) and pd.notna(force_code):
            rows.append((force_code, str(force).strip(), "Police force area", people))
    out = pd.DataFrame(rows, columns=["area_code", "area_name", "geography", "population"])
    out.insert(3, "mid_year", 2022)
    out["population"] = out["population"].astype(int)
    return out.sort_values("area_code").reset_index(drop=True)


def force_totals(shared: Path) -> pd.DataFrame:
    """Offences per force and financial year (2018/19 written 2018-19), with the quarters present."""
    raw = pd.read_csv(shared / ORIGINS["home_office_force_totals.csv"]["derived_from"])
    grouped = raw.groupby(["Force Name", "Financial Year"]).agg(
        quarters=("Financial Quarter", "nunique"), offences=("Number of Offences", "sum")
    )
    out = grouped.reset_index().rename(columns={"Force Name": "force", "Financial Year": "financial_year"})
    out["financial_year"] = out["financial_year"].str.replace("/", "-", regex=False)
    out["offences"] = out["offences"].round().astype(int)
    return out.sort_values(["force", "financial_year"]).reset_index(drop=True)


def recorded_crime_csp(shared: Path) -> pd.DataFrame:
    """ONS's tables C2, C4 and C5 of the December 2024 edition as the long table the package ships."""
    from safer_analysis.inputs.ons_crime_tables import read_tables
    from safer_analysis.inputs.recorded_crime import tidy

    tables = read_tables(shared / ORIGINS["recorded_crime_csp.csv"]["derived_from"])
    return tidy(tables, edition=max(t.period_end for t in tables))


def lsoa_areas(shared: Path) -> pd.DataFrame:
    """LSOA 2011 and 2021 codes with the 2022 and 2024 authorities and the 2024 ward."""
    folder = shared / "realdata" / "ons-lookups"
    a = pd.read_csv(folder / "lookup_lsoa11_lsoa21_ltla22.csv", dtype=str)
    b = pd.read_csv(folder / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    out = a[["lsoa11_code", "lsoa21_code", "change_code", "ltla22_code"]].merge(
        b[["lsoa21_code", "ltla24_code", "ward24_code", "ward24_name"]],
        on="lsoa21_code",
        how="left",
        validate="many_to_one",
    )
    return out.sort_values(["lsoa21_code", "lsoa11_code"]).reset_index(drop=True)


def lsoa_population(shared: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared / ORIGINS["lsoa_population.csv"]["derived_from"], dtype={"lsoa11_code": str})
    long = raw.melt(
        id_vars=["lsoa11_code"],
        value_vars=["pop_mid2017", "pop_mid2019", "pop_mid2020"],
        var_name="column",
        value_name="population",
    ).dropna(subset=["population"])
    long["mid_year"] = long["column"].str[-4:].astype(int)
    long["population"] = long["population"].round().astype(int)
    return (
        long[["lsoa11_code", "mid_year", "population"]].sort_values(["lsoa11_code", "mid_year"]).reset_index(drop=True)
    )


def _mye_sheets(path: Path, *sheets: str) -> list[pd.DataFrame]:
    """Sheets of an ONS mid-year estimates workbook: the local authorities of England and Wales,
    indexed by code, under the row whose first cell is 'Code'."""
    with warnings.catch_warnings():  # pandas would rather read .xls files with calamine, not installed
        warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
        book = pd.read_excel(
            path, sheet_name=list(sheets), header=None, dtype=object, engine_kwargs={"on_demand": True}
        )
    out = []
    for sheet in sheets:
        raw = book[sheet]
        header = next(i for i in range(len(raw)) if str(raw.iat[i, 0]).strip() == "Code")
        body = raw.iloc[header + 1 :].copy()
        body.columns = [str(c).strip() for c in raw.iloc[header]]
        body["Code"] = body["Code"].astype(str).str.strip()
        out.append(body[body["Code"].str.match(r"^(E0[6-9]|W06)\d{6}$")].set_index("Code"))
    return out


def partnership_measures(shared: Path) -> pd.DataFrame:
    """Each partnership's measures (``analysis.similar_measures``) from the ONS files in ``shared``."""
    from safer_analysis.inputs import areas

    origin = ORIGINS["partnership_measures.csv"]
    mye, ruc, sape, names11, lad19 = (shared / f for f in origin["also_from"])
    imd = pd.read_csv(shared / origin["derived_from"], dtype={"IMD19": int}).set_index("LSOA11CD")["IMD19"]
    places = areas.lsoa_places()
    places = places[places["vintage"] != "2021"]
    lsoa_names = pd.read_csv(names11, dtype=str).drop_duplicates("lsoa11_code").set_index("lsoa11_code")
    lsoas = pd.DataFrame(
        {
            "lsoa11_name": lsoa_names["lsoa11_name"].reindex(places.index),
            "authority_code": places["authority_code"],
            "csp_code": places["csp_code"],
        }
    )
    lookup = csp_lookup(shared)
    lsoas["csp_code"] = similar_measures.assign_lsoas(lsoas, lookup)
    people = pd.read_csv(sape, dtype={"lsoa11_code": str}).set_index("lsoa11_code")["pop_mid2020"]
    lsoas["population"] = people.reindex(lsoas.index).round()
    lsoas["imd_rank"] = imd.reindex(lsoas.index)
    on2021 = pd.read_csv(ROOT / "safer_analysis" / "reference" / "lsoa_areas.csv", dtype=str)
    pieces = on2021.groupby(["lsoa11_code", "ltla22_code"]).size().rename("n").reset_index()
    most = pieces.sort_values(["n", "ltla22_code"], ascending=[False, True]).drop_duplicates("lsoa11_code")
    lsoas["authority_code"] = most.set_index("lsoa11_code")["ltla22_code"]  # where a 2011 LSOA was split, most of it
    # the 2018 district: the LSOA's 2019 district where the classification has it, else the district
    # of its name (those merged in 2019: Bournemouth, Christchurch, Suffolk Coastal, Taunton Deane...)
    classed = pd.read_csv(ruc, dtype=str)
    of2019 = pd.read_csv(lad19, dtype=str).drop_duplicates("LSOA11CD").set_index("LSOA11CD")["LAD19CD"]
    district = of2019.reindex(lsoas.index).where(of2019.reindex(lsoas.index).isin(set(classed["LAD18CD"])))
    by_name = dict(zip(classed["LAD18NM"].str.lower(), classed["LAD18CD"], strict=True))
    named = lsoas["lsoa11_name"].map(similar_measures.district_of).str.lower().map(by_name)
    lsoas["district_code"] = district.fillna(named)
    english = lsoas.index.str.startswith("E")
    if lsoas.loc[english, "district_code"].isna().any() or lsoas["population"].isna().any():
        raise ValueError("an LSOA of England has no district of 2018, or an LSOA no population")
    density, ages = _mye_sheets(shared / mye, "MYE 5", "MYE2 - Persons")
    age_columns = {int(float(c)): c for c in ages.columns if re.fullmatch(r"\d+(\.0)?", c)}
    years = pd.DataFrame({age: ages[column].astype(float) for age, column in age_columns.items()})
    authorities = pd.DataFrame(
        {
            "area_code": density.index,
            "population": density["Estimated population mid-2020"].astype(float),
            "sq_km": density["Area (sq km)"].astype(float),
            "aged_16_to_24": years.loc[:, 16:24].sum(axis=1).reindex(density.index),
            "aged_65_and_over": (years.loc[:, 65:].sum(axis=1) + ages["90+"].astype(float)).reindex(density.index),
        }
    )
    rural = "Rural including hub towns (rural & rural related) population 2011"
    districts = pd.DataFrame(
        {
            "area_code": classed["LAD18CD"],
            "rural": classed[rural].astype(float),
            "population": classed["Total population 2011"].astype(float),
        }
    )
    area_names = dict(zip(density.index, density["Name"].astype(str).str.strip(), strict=True))
    area_names.update(zip(classed["LAD18CD"], classed["LAD18NM"], strict=True))
    out = similar_measures.partnership_measures(lsoas, len(imd), authorities, districts, lookup, area_names)
    for column in similar_measures.MEASURES:
        out[column] = out[column].round(6)
    out["population"] = out["population"].astype(int)
    out["lsoas"] = out["lsoas"].astype(int)
    return out


def lsoa_partnerships() -> pd.DataFrame:
    """Each LSOA's partnership as the package places it (from the tables this script made before:
    run it again after their sources change, until nothing changes)."""
    from safer_analysis.inputs.areas import lsoa_places

    places = lsoa_places()["csp_code"]
    frame = pd.DataFrame({"lsoa_code": places.index, "csp_code": places.fillna("").to_numpy()})
    return frame.sort_values("lsoa_code", ignore_index=True)


def csp_lookup(shared: Path) -> pd.DataFrame:
    return pd.read_csv(shared / ORIGINS["lookup_ltla24_csp24_pfa24.csv"]["derived_from"], dtype=str)


#: Bodies in the Home Office table that are not police forces: their offences (fraud) have no police.uk type.
NOT_FORCES = {"Action Fraud", "CIFAS", "UK Finance"}


def severity_weights(shared: Path) -> pd.DataFrame:
    """Weights per police.uk type from each force's offence mix, every force and year of the Home Office table."""
    origin = ORIGINS["crime_severity_weights_by_force.csv"]
    join = pd.read_csv(shared / origin["also_from"], dtype=str)
    raw = pd.read_csv(shared / origin["derived_from"], dtype={"Offence Code": str})
    raw = raw[~raw["Force Name"].isin(NOT_FORCES)]
    offences = pd.DataFrame(
        {
            "force": raw["Force Name"],
            "financial_year": raw["Financial Year"].str.replace("/", "-", regex=False),
            "quarter": raw["Financial Quarter"],
            "offence_code": raw["Offence Code"],
            "offences": raw["Number of Offences"].fillna(0),
        }
    )
    territorial = sorted(set(offences["force"]) - {"British Transport Police"})
    out = weights_by_force(join, offences, territorial=territorial)
    for column in ("weight", "min_code_weight", "max_code_weight"):
        out[column] = out[column].round(2)
    out["offences"] = out["offences"].round().astype(int)
    return out


#: Devon & Cornwall Police's force area, whose partnerships give the shipped year-to-year variation.
DEVON_AND_CORNWALL = "E23000035"
#: A series counts towards the year-to-year variation with at least this many a month on average,
#: and a crime type has its own row with at least this many degrees of freedom.
MIN_MEAN, MIN_DF = 10, 8


def year_variation(shared: Path) -> pd.DataFrame:
    """The year-to-year variation per series kind, pooled over Devon & Cornwall's partnerships."""
    import tempfile

    from safer_analysis.analysis.trend_checks import partnership_series
    from safer_analysis.analysis.trends import ANY_TYPE, pooled_year_variation
    from safer_analysis.inputs import areas
    from safer_analysis.inputs.police_uk import counts_file, import_police_uk

    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "all-areas-street.parquet"
        import_police_uk([shared / "realdata" / f for f in DEVON_AND_CORNWALL_DOWNLOADS], store)
        counts = pd.read_csv(counts_file(store), dtype={"month": str})
    members = areas.partnerships(DEVON_AND_CORNWALL)
    wide = partnership_series(counts, list(members["csp_code"]), "2016-01", "2019-12")
    wide = wide[wide.mean(axis=1) >= MIN_MEAN]
    basis = "Devon & Cornwall's partnerships (police.uk, calendar years 2016 to 2019)"
    rows = []
    for crime_type, group in wide.groupby(level="crime_type"):
        sd, df = pooled_year_variation([values for _, values in group.iterrows()])
        if df >= MIN_DF:
            rows.append({"crime_type": crime_type, "sd": round(sd, 4), "df": df, "series": len(group)})
    types = wide[~wide.index.get_level_values("crime_type").isin(["All crime", "Anti-social behaviour"])]
    sd, df = pooled_year_variation([values for _, values in types.iterrows()])
    rows.append({"crime_type": ANY_TYPE, "sd": round(sd, 4), "df": df, "series": len(types)})
    out = pd.DataFrame(rows)
    out["basis"] = basis
    return out


#: Dated changes that move recorded crime, each as its publication dates it. ``first_month`` is the
#: first whole month affected and ``last_month`` the last (empty for a lasting change); an empty
#: ``crime_types`` moves every series, anti-social behaviour included.
BREAKS = [
    {
        "break_id": "covid_restrictions",
        "nation": "England",
        "first_month": "2020-04",
        "last_month": "2021-06",
        "crime_types": "",
        "what": "the COVID-19 lockdowns and restrictions in England, from the first national lockdown of 23 March "
        "2020 (with national lockdowns again from 5 November to 2 December 2020 and from 6 January 2021) until "
        "most legal limits ended on 19 July 2021",
        "source": "Institute for Government, Timeline of UK government coronavirus lockdowns and restrictions",
    },
    {
        "break_id": "covid_restrictions",
        "nation": "Wales",
        "first_month": "2020-04",
        "last_month": "2021-07",
        "crime_types": "",
        "what": "the COVID-19 lockdowns and restrictions in Wales, from the first lockdown of 23 March 2020 (with "
        "the firebreak from 23 October to 9 November 2020 and the lockdown from 20 December 2020) until alert "
        "level zero on 7 August 2021",
        "source": "Senedd Research, Coronavirus timeline: Welsh and UK governments' response",
    },
    {
        "break_id": "counting_rules_2015_harassment",
        "nation": "England and Wales",
        "first_month": "2015-04",
        "last_month": "",
        "crime_types": "Violence and sexual offences",
        "what": "a change to the Home Office Counting Rules in April 2015: two more harassment offences (sending "
        "letters or messages to cause distress, disclosing private sexual images) began to be counted as crimes",
        "source": "Home Office, Police recorded crime, appendix table A4, notes on the Home Office Counting Rules",
    },
    {
        "break_id": "counting_rules_2018_conduct",
        "nation": "England and Wales",
        "first_month": "2018-04",
        "last_month": "",
        "crime_types": "Violence and sexual offences",
        "what": "a change to the Home Office Counting Rules in April 2018: stalking, harassment or controlling "
        "behaviour began to be counted as well as the most serious other crime against the same victim",
        "source": "Home Office, Police recorded crime, appendix table A4, notes on the Home Office Counting Rules",
    },
    {
        "break_id": "counting_rules_2023_conduct",
        "nation": "England and Wales",
        "first_month": "2023-05",
        "last_month": "",
        "crime_types": "Violence and sexual offences",
        "what": "a change to the Home Office Counting Rules in May 2023: stalking, harassment or controlling "
        "behaviour reported with a more serious crime against the same victim stopped being counted as well",
        "source": "Office for National Statistics, Crime in England and Wales: year ending March 2024",
    },
]


MAKERS = {
    "population_local_authority.csv": population,
    "population_mid2021.csv": population_mid2021,
    "population_csp_mid2022.csv": population_csp_mid2022,
    "lookup_ltla24_csp24_pfa24.csv": csp_lookup,
    "lsoa_areas.csv": lsoa_areas,
    "recorded_crime_csp.csv": recorded_crime_csp,
    "lsoa_population.csv": lsoa_population,
    "lookup_ltla22_ltla23.csv": lambda shared: pd.read_csv(
        shared / ORIGINS["lookup_ltla22_ltla23.csv"]["derived_from"], dtype=str
    ),
    "crime_severity_weights_by_force.csv": severity_weights,
    "home_office_force_totals.csv": force_totals,
    "partnership_measures.csv": partnership_measures,
    "year_variation.csv": year_variation,
    "known_breaks.csv": lambda shared: pd.DataFrame(BREAKS),
    "dfe_youth_justice.csv": lambda shared: youth_justice.read_lait(
        shared / ORIGINS["dfe_youth_justice.csv"]["derived_from"]
    ),
    "lsoa_partnerships.csv": lambda shared: lsoa_partnerships(),
    "dfe_statistical_neighbours.csv": lambda shared: youth_justice.read_neighbours(
        shared / ORIGINS["dfe_statistical_neighbours.csv"]["derived_from"],
        youth_justice.read_lait(shared / ORIGINS["dfe_youth_justice.csv"]["derived_from"]),
    ),
}


def build(shared: Path = SHARED) -> dict[str, bytes]:
    """Every table's bytes, and SOURCES.csv's, keyed by file name."""
    files = {name: _csv_bytes(make(shared)) for name, make in MAKERS.items()}
    rows = []
    for name, data in files.items():
        origin = ORIGINS[name]
        sources_used = [f for f in origin["derived_from"].split("; ") if f]
        also = origin.get("also_from", ())
        sources_used += [also] if isinstance(also, str) else list(also)
        rows.append(
            {
                "file": name,
                "description": origin["description"],
                "derived_from": "; ".join("../shared/" + f for f in sources_used) or "scripts/make_reference_data.py",
                "found_in": origin["found_in"],
                "source_sha256": "; ".join(source_sha256(shared / f) for f in sources_used) or sha256_bytes(data),
                "licence": origin["licence"],
                "sha256": sha256_bytes(data),
                "made_by": "scripts/make_reference_data.py",
            }
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    files["SOURCES.csv"] = buffer.getvalue().encode("utf-8")
    return files


def source_sha256(path: Path) -> str:
    """The SHA-256 of a file; of a folder, the SHA-256 of its files' SHA-256s and paths, one a line."""
    if path.is_file():
        return sha256_bytes(path.read_bytes())
    lines = [f"{sha256_bytes(f.read_bytes())}  {f.relative_to(path)}\n" for f in sorted(path.rglob("*")) if f.is_file()]
    return sha256_bytes("".join(lines).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report tables that would change; write nothing")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared)")
    args = parser.parse_args(argv)
    files = build(args.shared)
    changed = [n for n, data in files.items() if not (OUT / n).exists() or (OUT / n).read_bytes() != data]
    if args.check:
        for name in changed:
            print(f"would change: {name}")
        return 1 if changed else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(files)} files to {OUT} ({len(changed)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
