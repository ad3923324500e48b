"""Harm: crimes weighted by the ONS Crime Severity Score, with one weight per police.uk crime type
made from the real mix of offences a force recorded.

The Crime Severity Score gives each Home Office offence code a weight: the average number of days
of custody its offences attract (counting every sentence, not only custody). police.uk publishes
fourteen broad crime types, each made of many offence codes, so a type's weight is the mean of its
codes' weights weighted by how often each code was recorded: for Devon & Cornwall in 2018-19 the
drugs type weighs about 126 (mostly possession, some supply) and violence and sexual offences about
272 (mostly common assault and harassment, a few rapes and homicides).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from safer_analysis.analysis.crime_profile import ALL_CRIME

#: The name under which the territorial forces' offences are summed.
ENGLAND_AND_WALES = "England and Wales"


def _codes(join: pd.DataFrame) -> pd.DataFrame:
    """The severity reference as one row per Home Office offence code: its weight and police.uk type."""
    need = {"ONS_COUNTS_code", "ONS_SEVERITY_weight", "POLICE_UK_CAT_MAP_category"}
    missing = need - set(join.columns)
    if missing:
        raise ValueError(f"the severity reference lacks columns {', '.join(sorted(missing))}")
    codes = join[list(need)].dropna().copy()
    codes["offence_code"] = codes["ONS_COUNTS_code"].astype(str).str.strip()
    codes["weight"] = codes["ONS_SEVERITY_weight"].astype(float)
    codes["crime_type"] = codes["POLICE_UK_CAT_MAP_category"].str.strip().str.capitalize()
    if (codes["weight"] <= 0).any():
        raise ValueError("severity weights must be above zero")
    clash = codes.drop_duplicates(["offence_code", "crime_type"])["offence_code"].duplicated()
    if clash.any():
        raise ValueError(f"offence code {codes['offence_code'][clash.index[clash]].iloc[0]} is in two police.uk types")
    return codes.drop_duplicates("offence_code")[["offence_code", "weight", "crime_type"]]


def derive_severity_weights(join: pd.DataFrame, volumes: pd.DataFrame) -> pd.DataFrame:
    """One Crime Severity Score weight per police.uk crime type from offence-code weights and volumes.

    ``join`` is the reference table of ONS severity weights per Home Office offence code with its
    police.uk type (columns ``ONS_COUNTS_code``, ``ONS_SEVERITY_weight``,
    ``POLICE_UK_CAT_MAP_category``); ``volumes`` has ``offence_code`` and ``volume``, the offences
    recorded under each code. A type's weight is the volume-weighted mean of its codes' weights; a
    code with no volume counts as none recorded, and a type with none recorded at all has no
    weight (it is left out). Codes outside the reference (fraud, for one) belong to no police.uk type.

    >>> join = pd.DataFrame({"ONS_COUNTS_code": ["a", "b"], "ONS_SEVERITY_weight": ["10", "1000"],
    ...                      "POLICE_UK_CAT_MAP_category": ["Robbery", "Robbery"]})
    >>> derive_severity_weights(join, pd.DataFrame({"offence_code": ["a", "b"], "volume": [99, 1]}))["weight"].item()
    19.9
    """
    codes = _codes(join)
    v = volumes.groupby(volumes["offence_code"].astype(str).str.strip())["volume"].sum().astype(float)
    codes["volume"] = codes["offence_code"].map(v).fillna(0.0)
    codes = codes[codes["volume"] > 0]
    grouped = codes.groupby("crime_type")
    out = pd.DataFrame(
        {
            "weight": grouped.apply(
                lambda g: float(np.average(g["weight"], weights=g["volume"])), include_groups=False
            ),
            "offences": grouped["volume"].sum(),
            "offence_codes": grouped.size(),
            "min_code_weight": grouped["weight"].min(),
            "max_code_weight": grouped["weight"].max(),
        }
    )
    return out.reset_index()


def weights_by_force(join: pd.DataFrame, offences: pd.DataFrame, *, territorial: list[str]) -> pd.DataFrame:
    """:func:`derive_severity_weights` for every force and financial year in ``offences`` (columns
    ``force``, ``financial_year``, ``quarter``, ``offence_code``, ``offences``, one row per code and
    quarter), and for England and Wales: the ``territorial`` forces summed. ``quarters`` says how
    many quarters of the year the counts hold."""
    frames = []
    ew = offences[offences["force"].isin(territorial)].assign(force=ENGLAND_AND_WALES)
    for (force, year), rows in pd.concat([offences, ew]).groupby(["force", "financial_year"], sort=True):
        weights = derive_severity_weights(join, rows.rename(columns={"offences": "volume"}))
        if weights.empty:
            continue
        weights.insert(0, "force", force)
        weights.insert(1, "financial_year", year)
        weights.insert(2, "quarters", rows["quarter"].nunique())
        frames.append(weights)
    return pd.concat(frames, ignore_index=True)


def harm_by_type(counts: pd.Series, weights: pd.DataFrame) -> pd.DataFrame:
    """Counts per crime type weighted by severity: harm score and each type's share of harm.

    Types with no weight (anti-social behaviour, which is not crime) get no harm score and are
    left out of the shares; the all-crime total row, if present, is left out too.
    """
    w = weights.set_index(weights["crime_type"].str.lower())["weight"]
    counts = counts.drop(index=[ALL_CRIME], errors="ignore")
    weight = pd.Series([w.get(str(t).lower(), np.nan) for t in counts.index], index=counts.index, dtype=float)
    out = pd.DataFrame({"count": counts.astype(int), "weight": weight})
    out["harm"] = out["count"] * out["weight"]
    total_harm = out["harm"].sum(skipna=True)
    scored = out["harm"].notna()
    total_count = out.loc[scored, "count"].sum()
    out["count_share_pct"] = (out["count"] / total_count * 100).where(scored)
    out["harm_share_pct"] = out["harm"] / total_harm * 100 if total_harm else np.nan
    out.index.name = "crime_type"
    return out.sort_values("harm", ascending=False, na_position="last")
