"""The strategic assessment: levels, rates, trends, concentration and harm of crime and ASB, and
the threat, risk and harm ranking of the local priorities.

Every function takes DataFrames and returns a DataFrame (or a small result); nothing here reads a
file. ``crimes`` is the tidy police.uk table of :mod:`safer_analysis.police_uk` (one row per crime
or anti-social behaviour incident, with ``month``, ``financial_year``, ``crime_type`` and
``lsoa_code``/``lsoa_name``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from safer_analysis.analysis import stats
from safer_analysis.inputs.years import YearTo, parse_period

ASB = "Anti-social behaviour"
ALL_CRIME = "All crime (excluding anti-social behaviour)"


# ---- years ------------------------------------------------------------------------------------


def comparison_years(year: str, n: int, available: Sequence[str]) -> list[str]:
    """The ``n`` financial years ending with ``year`` that the data cover, oldest first."""
    if n < 1:
        raise ValueError(f"the number of comparison years must be at least 1, got {n}")
    period = parse_period(year)
    wanted = [period.shift(-i).label for i in range(n - 1, -1, -1)]
    return [y for y in wanted if y in set(available)]


def complete_years(crimes: pd.DataFrame) -> list[str]:
    """Financial years for which the data hold all twelve months, oldest first."""
    months = crimes.groupby("financial_year")["month"].nunique()
    return sorted(str(y) for y, n in months.items() if n == 12)


#: A year with fewer months than this is left out of the comparison years (and so out of the trend).
MIN_MONTHS = 9


def months_held(crimes: pd.DataFrame, year: str) -> int:
    """How many months of ``year`` the data hold."""
    return int(crimes.loc[crimes["financial_year"] == year, "month"].nunique())


def label_periods(crimes: pd.DataFrame, period_end: str) -> pd.DataFrame:
    """The rows with ``financial_year`` replaced by the twelve-month period each falls in, the
    periods ending with ``period_end`` (``YYYY-MM``) and each year before it; later rows dropped.

    >>> frame = pd.DataFrame({"month": ["2018-12", "2019-01", "2019-12", "2020-01"], "financial_year": ""})
    >>> list(label_periods(frame, "2019-12")["financial_year"])
    ['year to Dec 2018', 'year to Dec 2019', 'year to Dec 2019']
    """
    end = YearTo.ending(period_end)
    index = crimes["month"].str[:4].astype(int) * 12 + crimes["month"].str[5:7].astype(int) - 1
    last = end.end_year * 12 + end.end_month - 1
    back = (last - index) // 12  # 0 for the period asked for, 1 for the year before, ...
    out = crimes[index <= last].copy()
    labels = {k: end.shift(-int(k)).label for k in back[index <= last].unique()}
    out["financial_year"] = back[index <= last].map(labels)
    return out


def years_with_data(crimes: pd.DataFrame) -> list[str]:
    """Financial years for which the data hold at least one month, oldest first."""
    return sorted(str(y) for y in crimes["financial_year"].dropna().unique())


def coverage(crimes: pd.DataFrame, years: Sequence[str]) -> pd.DataFrame:
    """Per financial year: the months the data hold and the months missing (as ``YYYY-MM`` lists).

    >>> frame = pd.DataFrame({"financial_year": ["2017-18"] * 2, "month": ["2017-04", "2017-05"]})
    >>> int(coverage(frame, ["2017-18"]).loc["2017-18", "months_held"])
    2
    """
    held = crimes.groupby("financial_year")["month"].unique()
    rows = []
    for y in years:
        have = set(held.get(y, []))
        months = parse_period(y).months()
        rows.append(
            {
                "financial_year": y,
                "months_held": sum(m in have for m in months),
                "missing": [m for m in months if m not in have],
            }
        )
    return pd.DataFrame(rows).set_index("financial_year")


def like_for_like(crimes: pd.DataFrame, years: Sequence[str]) -> tuple[pd.DataFrame, list[int]]:
    """The rows of ``years`` in the calendar months (1-12) that every one of those years holds,
    and those months: so a year with a missing month is compared on the same months as the rest."""
    sub = crimes[crimes["financial_year"].isin(years)]
    month_of_year = sub["month"].str[5:7].astype(int)
    held = month_of_year.groupby(sub["financial_year"]).unique()
    common = set(range(1, 13))
    for y in years:
        common &= set(held.get(y, []))
    keep = sorted(common)
    return sub[month_of_year.isin(keep)], keep


# ---- volumes and rates -----------------------------------------------------------------------


def counts_by_type(crimes: pd.DataFrame, years: Sequence[str]) -> pd.DataFrame:
    """Counts per crime type (rows) and financial year (columns), with an all-crime row that
    leaves out anti-social behaviour (which is not crime)."""
    sub = crimes[crimes["financial_year"].isin(years)]
    table = pd.crosstab(sub["crime_type"], sub["financial_year"]).reindex(columns=list(years), fill_value=0)
    crime_rows = table.drop(index=[ASB], errors="ignore")
    table.loc[ALL_CRIME] = crime_rows.sum()
    order = [ALL_CRIME] + sorted(i for i in table.index if i not in (ALL_CRIME, ASB))
    if ASB in table.index:
        order.append(ASB)
    table = table.loc[order]
    table.index.name = "crime_type"
    table.columns.name = None
    return table.astype(int)


def rates_with_intervals(
    counts: pd.Series, population: float, *, multiplier: float = 1000, confidence: float = 0.95
) -> pd.DataFrame:
    """Counts as rates per ``multiplier`` people with exact/Byar's confidence intervals."""
    lower, upper = stats.rate_ci(counts.astype(float), float(population), multiplier=multiplier, confidence=confidence)
    out = pd.DataFrame(
        {
            "count": counts.astype(int),
            "rate": counts.astype(float) / population * multiplier,
            "lower": lower,
            "upper": upper,
        },
        index=counts.index,
    )
    return out


def trends(crimes: pd.DataFrame, years: Sequence[str], populations: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per crime type (and all crime, and anti-social behaviour), the trend across ``years`` from
    the monthly counts, with :func:`safer_analysis.analysis.stats.monthly_trend` (quasi-Poisson,
    month-of-year terms; months not held are simply absent). With ``populations`` (per year) the
    trend is in the rate. ``first`` and ``last`` are the first and last years' counts on the
    calendar months every year holds, so they compare like with like.
    """
    window = crimes[crimes["financial_year"].isin(years)]
    months = sorted(window["month"].unique())
    index = pd.PeriodIndex(months, freq="M")
    year_of = window.drop_duplicates("month").set_index("month")["financial_year"]
    exposure = None
    if populations:
        exposure = pd.Series([float(populations[year_of[m]]) for m in months], index=index)
    same, _ = like_for_like(crimes, years)
    ends = counts_by_type(same, years)
    monthly = pd.crosstab(window["crime_type"], window["month"]).reindex(columns=months, fill_value=0)
    monthly.loc[ALL_CRIME] = monthly.drop(index=[ASB], errors="ignore").sum()
    rows = []
    for crime_type in ends.index:
        values = monthly.loc[crime_type] if crime_type in monthly.index else pd.Series(0, index=months)
        result = stats.monthly_trend(pd.Series(values.to_numpy(dtype=float), index=index), exposure)
        rows.append(
            {
                "crime_type": crime_type,
                "first_year": years[0],
                "last_year": years[-1],
                "first": int(ends.at[crime_type, years[0]]),
                "last": int(ends.at[crime_type, years[-1]]),
                "annual_change_pct": result.annual_change_pct,
                "p_value": result.p_value,
                "significant": result.direction in ("rising", "falling"),
                "direction": result.direction,
                "dispersion": result.dispersion,
                "months": result.months,
                "method": result.method,
            }
        )
    return pd.DataFrame(rows).set_index("crime_type")


def monthly_pattern(crimes: pd.DataFrame, year: str) -> pd.DataFrame:
    """Counts per month of ``year`` for all crime and for anti-social behaviour."""
    months = parse_period(year).months()
    sub = crimes[crimes["financial_year"] == year]
    is_asb = sub["crime_type"] == ASB
    out = pd.DataFrame(
        {
            "month": months,
            "crime": sub[~is_asb].groupby("month").size().reindex(months).to_numpy(),
            "asb": sub[is_asb].groupby("month").size().reindex(months).to_numpy(),
        }
    )
    held = set(sub["month"])
    out.loc[[m not in held for m in months], ["crime", "asb"]] = np.nan  # a month without data is not zero
    out.loc[[m in held for m in months], ["crime", "asb"]] = out.loc[
        [m in held for m in months], ["crime", "asb"]
    ].fillna(0)
    out["label"] = pd.to_datetime(out["month"] + "-01").dt.strftime("%b %Y")
    return out


# ---- concentration ---------------------------------------------------------------------------


def concentration(
    crimes: pd.DataFrame, year: str, *, top_share: float = 0.1, lsoas: Sequence[str] | None = None
) -> dict[str, object]:
    """How concentrated crime is: the share of the year's crime in the top ``top_share`` of LSOAs.

    ``lsoas`` lists every LSOA of the area so that places with no crime count too; by default,
    the LSOAs that appear in ``crimes`` (in any year). Anti-social behaviour is left out.
    """
    if not 0 < top_share <= 1:
        raise ValueError(f"top_share must be in (0, 1], got {top_share}")
    placed = crimes[crimes["lsoa_code"].notna() & (crimes["crime_type"] != ASB)]
    universe = sorted(set(lsoas) if lsoas is not None else set(placed["lsoa_code"]))
    counts = placed[placed["financial_year"] == year].groupby("lsoa_code").size()
    counts = counts.reindex(universe, fill_value=0).sort_values(ascending=False, kind="stable")
    n_top = max(1, int(np.ceil(len(counts) * top_share)))
    total = int(counts.sum())
    top = counts.iloc[:n_top]
    return {
        "year": year,
        "lsoas": len(counts),
        "top_lsoas": n_top,
        "top_count": int(top.sum()),
        "total": total,
        "top_share_pct": top.sum() / total * 100 if total else float("nan"),
        "top_codes": list(top.index),
    }


def recurring_places(crimes: pd.DataFrame, years: Sequence[str], *, top_share: float = 0.1) -> pd.DataFrame:
    """LSOAs in the top ``top_share`` by crime volume in every one of ``years``, busiest first."""
    placed = crimes[crimes["lsoa_code"].notna() & (crimes["crime_type"] != ASB)]
    names = placed.drop_duplicates("lsoa_code").set_index("lsoa_code")["lsoa_name"]
    tops = [set(concentration(crimes, y, top_share=top_share)["top_codes"]) for y in years]
    common = set.intersection(*tops) if tops else set()
    sub = placed[placed["financial_year"].isin(years) & placed["lsoa_code"].isin(common)]
    table = pd.crosstab(sub["lsoa_code"], sub["financial_year"]).reindex(columns=list(years), fill_value=0)
    table.insert(0, "lsoa_name", names.reindex(table.index).to_numpy())
    table = table.sort_values(list(years)[-1], ascending=False)
    table.columns.name = None
    return table.reset_index()


# ---- harm ------------------------------------------------------------------------------------


def derive_severity_weights(join: pd.DataFrame, volumes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One Crime Severity Score weight per police.uk crime type from the offence-code weights.

    ``join`` is the reference table of ONS severity weights per Home Office offence code with its
    police.uk category (columns ``ONS_SEVERITY_code``, ``ONS_SEVERITY_weight``,
    ``POLICE_UK_CAT_MAP_category``). An offence code listed twice counts once. A category's
    weight is the volume-weighted mean of its codes' weights. With ``volumes`` (columns
    ``offence_code``, ``volume``) the real volumes are used; without them each code is assumed
    to contribute the same total harm to its category, so volumes are inversely proportional
    to the weights and the weighted mean is their harmonic mean. A plain mean would let rare,
    very severe offences (homicide, rape) dominate a category made up mostly of common ones.
    """
    need = {"ONS_SEVERITY_code", "ONS_SEVERITY_weight", "POLICE_UK_CAT_MAP_category"}
    missing = need - set(join.columns)
    if missing:
        raise ValueError(f"the severity reference lacks columns {', '.join(sorted(missing))}")
    codes = join[list(need)].dropna().copy()
    codes["weight"] = codes["ONS_SEVERITY_weight"].astype(float)
    codes["crime_type"] = codes["POLICE_UK_CAT_MAP_category"].str.strip().str.capitalize()
    codes = codes.drop_duplicates(["crime_type", "ONS_SEVERITY_code"])
    if (codes["weight"] <= 0).any():
        raise ValueError("severity weights must be above zero")
    if volumes is not None:
        v = volumes.set_index("offence_code")["volume"].astype(float)
        codes["volume"] = codes["ONS_SEVERITY_code"].map(v)
        if codes["volume"].isna().any():
            absent = ", ".join(sorted(codes.loc[codes["volume"].isna(), "ONS_SEVERITY_code"]))
            raise ValueError(f"no volume for offence codes {absent}")
        method = "volume-weighted mean of offence-code weights (given volumes)"
    else:
        codes["volume"] = 1.0 / codes["weight"]
        method = (
            "volume-weighted mean of offence-code weights, volumes assumed inversely "
            "proportional to weight (harmonic mean)"
        )
    grouped = codes.groupby("crime_type")
    out = pd.DataFrame(
        {
            "weight": grouped.apply(
                lambda g: float(np.average(g["weight"], weights=g["volume"])), include_groups=False
            ),
            "offence_codes": grouped.size(),
            "min_code_weight": grouped["weight"].min(),
            "max_code_weight": grouped["weight"].max(),
        }
    )
    out["method"] = method
    return out.reset_index()


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


# ---- threat, risk and harm ranking -------------------------------------------------------------


def _scaled_rank(values: pd.Series) -> pd.Series:
    """Values mapped to 0..1 by rank among those present (ties share a rank); NaN stays NaN."""
    present = values.dropna()
    if len(present) <= 1:
        return values.where(values.isna(), 1.0)
    ranks = present.rank(method="average")
    return ((ranks - 1) / (len(present) - 1)).reindex(values.index)


def priority_evidence(
    mapping: pd.DataFrame, harm: pd.DataFrame, trend: pd.DataFrame, trend_points: Mapping[str, float]
) -> pd.DataFrame:
    """Per local priority with crime types mapped to it: their volume, harm and trend.

    ``trend_points`` gives the points for ``rising``, ``no significant change`` and
    ``falling``. Several crime types mapped to one priority are summed (volume and harm) and
    their trend points averaged.
    """
    rows = []
    for key, group in mapping.groupby("priority_key", sort=False):
        types = [t for t in group["crime_type"] if t in harm.index or t in trend.index]
        count = float(sum(harm["count"].get(t, 0) for t in types))
        harm_score = float(np.nansum([harm["harm"].get(t, np.nan) for t in types])) if types else np.nan
        points = [
            trend_points[trend.at[t, "direction"]]
            for t in types
            if t in trend.index and trend.at[t, "direction"] in trend_points
        ]
        rows.append(
            {
                "priority_key": key,
                "crime_types": "; ".join(types) if types else "",
                "relation": "; ".join(sorted(set(group["relation"]))),
                "count": count if types else np.nan,
                "harm": harm_score if types and harm_score > 0 else np.nan,
                "trend_points": float(np.mean(points)) if points else np.nan,
                "trend": "; ".join(trend.at[t, "direction"] for t in types if t in trend.index),
            }
        )
    return pd.DataFrame(rows).set_index("priority_key")


def rank_priorities(
    scores: pd.DataFrame,
    evidence: pd.DataFrame,
    local_priorities: pd.DataFrame,
    *,
    scale_max: float = 5,
    evidence_weight: float = 0.4,
) -> pd.DataFrame:
    """Rank local priorities by threat, risk and harm, in the manner of MoRiLE.

    The analyst's score is harm x likelihood x organisational position, divided by its maximum
    (``scale_max`` cubed) so it runs from 0 to 1. The evidence score is the mean of three ranks
    scaled 0..1 among the priorities that have evidence: volume, severity-weighted harm, and the
    trend points. The combined score is ``(1 - evidence_weight) x analyst + evidence_weight x
    evidence``; a priority with no evidence in the crime data keeps its analyst score alone and
    is flagged so. Rank 1 is the highest combined score.
    """
    if not 0 <= evidence_weight <= 1:
        raise ValueError(f"evidence_weight must be between 0 and 1, got {evidence_weight}")
    s = scores.set_index("priority_key")
    out = local_priorities.set_index("priority_key")[["name", "kind"]].join(
        s[["harm", "likelihood", "organisational_position", "confidence", "rationale", "illustrative"]], how="inner"
    )
    out["analyst_score"] = out["harm"] * out["likelihood"] * out["organisational_position"] / scale_max**3
    ev = evidence.reindex(out.index)
    parts = pd.concat([_scaled_rank(ev["count"]), _scaled_rank(ev["harm"]), ev["trend_points"]], axis=1)
    out["evidence_score"] = parts.mean(axis=1, skipna=True).where(ev["count"].notna())
    out["evidence"] = np.where(
        out["evidence_score"].notna(),
        "crime data (" + ev["relation"].fillna("") + ")",
        "none in the crime data: analyst's score only",
    )
    out["crime_types"] = ev["crime_types"].fillna("")
    out["trend"] = ev["trend"].fillna("")
    combined = (1 - evidence_weight) * out["analyst_score"] + evidence_weight * out["evidence_score"]
    out["combined_score"] = combined.fillna(out["analyst_score"])
    out = out.sort_values(["combined_score", "analyst_score"], ascending=False, kind="stable")
    out.insert(0, "rank", range(1, len(out) + 1))
    out["reason"] = [_reason(r) for _, r in out.iterrows()]
    return out.reset_index()


def _reason(r: pd.Series) -> str:
    words = {5: "very high", 4: "high", 3: "moderate", 2: "low", 1: "very low"}

    def word(column: str) -> str:
        return words.get(int(r[column]), str(r[column]))

    text = (
        f"harm {word('harm')}, likelihood {word('likelihood')}, organisational position "
        f"{word('organisational_position')} ({r['confidence']} confidence)"
    )
    if pd.notna(r["evidence_score"]):
        text += f"; crime data ({r['crime_types']}): {r['trend']}"
    else:
        text += "; no measure in the street-level crime data"
    return text


def compare_with_named_priorities(ranking: pd.DataFrame) -> pd.DataFrame:
    """The ranking beside the priorities the partnership named (``kind`` in the local priorities):
    do the named priorities still rank at the top?

    With N named priorities, a named priority agrees when it ranks in the top N, and an emerging
    or cross-cutting issue agrees when it ranks below them.
    """
    out = ranking[["rank", "name", "kind", "combined_score"]].copy()
    top_n = int((out["kind"] == "priority").sum())
    in_top = out["rank"] <= top_n
    was_priority = out["kind"] == "priority"
    out["finding"] = np.select(
        [was_priority & in_top, was_priority & ~in_top, ~was_priority & in_top],
        [
            f"still in the top {top_n}",
            f"named priority, now below the top {top_n}",
            f"not a named priority, now in the top {top_n}",
        ],
        default=f"below the top {top_n}, as before",
    )
    return out


# ---- places on a map ---------------------------------------------------------------------------


def lsoa_rates(crimes: pd.DataFrame, year: str, populations: pd.DataFrame, lsoa_lookup: pd.DataFrame) -> pd.DataFrame:
    """Crimes (not anti-social behaviour) per LSOA of 2011 in ``year``, with the LSOA's population
    and the rate per 1,000.

    ``populations`` has ``lsoa11_code``, ``mid_year`` and ``population`` for one mid-year;
    ``lsoa_lookup`` has ``lsoa11_code``, ``lsoa21_code`` and ``change_code``. A row coded to a 2021
    LSOA that was split from a 2011 one (change ``S``) is counted in its 2011 parent; a 2021 LSOA
    merged from several 2011 ones (``M``), or an LSOA with no population given, cannot be mapped
    and is left out (``unmapped`` in ``attrs`` says how many rows).
    """
    placed = crimes[(crimes["financial_year"] == year) & (crimes["crime_type"] != ASB) & crimes["lsoa_code"].notna()]
    known11 = set(populations["lsoa11_code"])
    parents = lsoa_lookup[lsoa_lookup["change_code"].isin(["U", "S"])].drop_duplicates("lsoa21_code")
    back = dict(zip(parents["lsoa21_code"], parents["lsoa11_code"], strict=True))
    codes = placed["lsoa_code"].where(placed["lsoa_code"].isin(known11), placed["lsoa_code"].map(back))
    codes = codes.where(codes.isin(known11))  # a code with no population (or no 2011 parent) is not mapped
    counts = codes.dropna().value_counts()
    out = populations[["lsoa11_code", "population"]].drop_duplicates("lsoa11_code").set_index("lsoa11_code")
    out = out[out.index.isin(set(counts.index)) | out.index.isin(known11)]
    out["count"] = counts.reindex(out.index, fill_value=0).astype(int)
    out["rate"] = out["count"] / out["population"] * 1000
    out.attrs["unmapped"] = int(codes.isna().sum())
    return out.reset_index()
