"""Reference tables every project needs, shipped inside the package with their sources.

The tables live in ``safer_analysis/reference/`` and are read with :mod:`importlib.resources`, so
they work from an installed wheel as from a checkout. ``SOURCES.csv`` there says what each was
made from and gives its SHA-256; ``scripts/make_reference_data.py`` makes them. The population
of an area is chosen from the population tables by :mod:`safer_analysis.inputs.population`.

>>> int(population().query("area_code == 'E06000026' and mid_year == 2018")["population"].iloc[0])
263100
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import pandas as pd

PACKAGE = "safer_analysis.reference"


def _bytes(name: str) -> bytes:
    return resources.files(PACKAGE).joinpath(name).read_bytes()


@cache
def read_table(name: str) -> pd.DataFrame:
    """One shipped table by file name, as text columns except where a table says otherwise."""
    import io

    try:
        data = _bytes(name)
    except FileNotFoundError:
        known = ", ".join(sorted(sources()["file"])) if name != "SOURCES.csv" else "none"
        raise KeyError(f"no reference table {name!r} in the package; expected one of {known}") from None
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def sources() -> pd.DataFrame:
    """What each shipped table was made from, its licence and its SHA-256."""
    return read_table("SOURCES.csv")


def verify() -> list[str]:
    """Tables whose bytes no longer match the SHA-256 recorded in SOURCES.csv (empty when all match)."""
    bad = []
    for _, row in sources().iterrows():
        if hashlib.sha256(_bytes(row["file"])).hexdigest() != row["sha256"]:
            bad.append(row["file"])
    return bad


def source_of(name: str) -> str:
    """A one-line citation for a shipped table: what it is and where it came from."""
    row = sources().set_index("file").loc[name]
    return f"{row['description']}; {row['licence']}"


@cache
def population() -> pd.DataFrame:
    """ONS mid-year estimates: ``area_code``, ``area_name``, ``geography``, ``mid_year``, ``population``."""
    frame = read_table("population_local_authority.csv").copy()
    frame["mid_year"] = frame["mid_year"].astype(int)
    frame["population"] = frame["population"].astype(int)
    return frame


@cache
def _weights_table() -> pd.DataFrame:
    frame = read_table("crime_severity_weights_by_force.csv").copy()
    for column in ("weight", "min_code_weight", "max_code_weight"):
        frame[column] = pd.to_numeric(frame[column])
    for column in ("quarters", "offences", "offence_codes"):
        frame[column] = frame[column].astype(int)
    return frame


ENGLAND_AND_WALES = "England and Wales"


def severity_weights(force: str = "", financial_year: str = "") -> pd.DataFrame:
    """One Crime Severity Score weight per police.uk crime type, from the offence mix ``force``
    recorded in ``financial_year`` (``2018-19``).

    The force is named as the Home Office names it (any case); an unknown or empty force takes
    England and Wales. A year the table does not hold whole takes the nearest whole year (the
    later of two as near); an empty year the latest. ``attrs["basis"]`` says in words which force
    and year the weights are from, ``attrs["force"]`` and ``attrs["financial_year"]`` which.

    >>> w = severity_weights("Devon & Cornwall", "2018-19").set_index("crime_type")
    >>> float(w.at["Drugs", "weight"]), w.attrs["basis"]
    (125.9, 'the offences Devon & Cornwall recorded in 2018-19')
    """
    table = _weights_table()
    forces = {f.lower(): f for f in table["force"].unique()}
    chosen = forces.get(force.strip().lower(), ENGLAND_AND_WALES)
    rows = table[(table["force"] == chosen) & (table["quarters"] == 4)]
    whole = sorted(rows["financial_year"].unique())
    if financial_year in whole:
        year = financial_year
    elif financial_year:
        start = int(financial_year[:4])
        year = min(whole, key=lambda y: (abs(int(y[:4]) - start), -int(y[:4])))
    else:
        year = whole[-1]
    out = rows[rows["financial_year"] == year].reset_index(drop=True)
    who = (
        "the offences every territorial force of England and Wales recorded"
        if chosen == ENGLAND_AND_WALES
        else f"the offences {chosen} recorded"
    )
    basis = f"{who} in {year}"
    if financial_year and year != financial_year:
        basis += f" (the nearest year the Home Office table holds whole to {financial_year})"
    if force and chosen == ENGLAND_AND_WALES and force.strip().lower() != ENGLAND_AND_WALES.lower():
        basis += f" (the Home Office table has no force named {force!r})"
    out.attrs.update({"basis": basis, "force": chosen, "financial_year": year})
    return out


@cache
def year_variation() -> pd.DataFrame:
    """How far whole years of a crime series sit off its trend beyond month-to-month noise, per
    crime type (``All crime``, ``Anti-social behaviour``, police.uk types, and ``any crime type``):
    ``sd`` on the log scale (0.08 is about 8%), ``df`` its degrees of freedom, ``series`` how many
    real series it pools, ``basis`` which (:func:`safer_analysis.analysis.trends.pooled_year_variation`).

    >>> 0.03 < float(year_variation().set_index("crime_type").at["All crime", "sd"]) < 0.15
    True
    """
    frame = read_table("year_variation.csv").copy()
    frame["sd"] = pd.to_numeric(frame["sd"])
    frame["df"] = frame["df"].astype(int)
    frame["series"] = frame["series"].astype(int)
    return frame


def year_variation_basis() -> str:
    """Which real series the shipped year-to-year variation pools, in words."""
    return str(year_variation()["basis"].iloc[0])


@cache
def known_breaks() -> pd.DataFrame:
    """Dated changes that move recorded crime, shipped with their sources: ``break_id``, ``nation``
    (England, Wales, or England and Wales), ``first_month`` and ``last_month`` (``YYYY-MM``; the
    last empty for a lasting change), ``crime_types`` (police.uk types separated by ``;``, empty
    for every series), ``what`` (plain words for a board) and ``source``."""
    return read_table("known_breaks.csv")


def csp_lookup() -> pd.DataFrame:
    """Local authority (2024) to Community Safety Partnership to police force area, with ONS codes."""
    return read_table("lookup_ltla24_csp24_pfa24.csv")


def recorded_crime(force: str, financial_year: str) -> int | None:
    """Home Office police recorded crime for a force (as the Home Office names it, any case) and a
    whole financial year; None where the table lacks the force or has only part of the year."""
    table = read_table("home_office_force_totals.csv")
    rows = table[(table["force"].str.lower() == force.strip().lower()) & (table["financial_year"] == financial_year)]
    if rows.empty or int(rows["quarters"].iloc[0]) < 4:
        return None
    return int(rows["offences"].iloc[0])


#: Bodies in the Home Office table that are not territorial police forces of England and Wales.
NOT_TERRITORIAL = ("Action Fraud", "CIFAS", "UK Finance", "British Transport Police")


def recorded_crime_england_and_wales(financial_year: str) -> int | None:
    """Home Office police recorded crime summed over the territorial forces of England and Wales
    for a whole financial year; None where the table has only part of the year.

    >>> recorded_crime_england_and_wales("2018-19")
    5205064
    """
    table = read_table("home_office_force_totals.csv")
    rows = table[(table["financial_year"] == financial_year) & ~table["force"].isin(NOT_TERRITORIAL)]
    if rows.empty or (rows["quarters"].astype(int) < 4).any():
        return None
    return int(rows["offences"].astype(int).sum())
