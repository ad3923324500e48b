"""How often the trend test calls a trend where there is none, and finds one where there is, on
real police.uk series: every partnership of Devon & Cornwall, 2016 to 2019, read from
``../shared/realdata`` with the package's own import. The figures are quoted in the data
dictionary's methods (``data/README.md``); the test suite runs a thinned copy
(``tests/analysis/test_trend_checks.py``).

    .venv/bin/python benchmarks/trend_study.py            # about ten minutes on two cores

Each series (at least 10 a month) has its own fitted trend taken out, and its calendar years are
laid end to end in every order of three and of four (48 windows a series): no trend is left, but
the real swings of months and of whole years are (:mod:`safer_analysis.analysis.trend_checks`).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from safer_analysis.analysis import trend_checks
from safer_analysis.analysis.trends import Break, YearVariation, pooled_year_variation
from safer_analysis.inputs import areas
from safer_analysis.inputs.police_uk import counts_file, import_police_uk

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SAFER_ANALYSIS_SHARED", ROOT.parent / "shared"))
DOWNLOADS = (
    "police-uk/archive-2019",
    "police-uk/archive-2018-19",
    "police-uk-archives/devon-and-cornwall-2018",
    "police-uk/archive-2018-03",
    "police-uk-archives/devon-and-cornwall-2016-01-to-2017-11",
)
TYPES_APART = ("All crime", "Anti-social behaviour")


def monthly_series(shared: Path = SHARED) -> pd.DataFrame:
    """Devon & Cornwall's partnerships' monthly counts per series, 2016 to 2019."""
    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "all-areas-street.parquet"
        import_police_uk([shared / "realdata" / d for d in DOWNLOADS], store)
        counts = pd.read_csv(counts_file(store), dtype={"month": str})
    members = areas.partnerships("E23000035")["csp_code"]
    return trend_checks.partnership_series(counts, members, "2016-01", "2019-12")


def share(frame: pd.DataFrame, mask: pd.Series) -> str:
    return f"{mask.mean() * 100:.1f}% of {len(frame):,}"


def summary(label: str, r: pd.DataFrame) -> list[str]:
    called = r["p_value"] < 0.05
    lines = [f"{label}: called at 5%: {share(r, called)}"]
    for k in sorted(r["years"].unique()):
        part = r[r["years"] == k]
        lines.append(f"  {k}-year windows: {share(part, part['p_value'] < 0.05)}")
    for kind in ("All crime", "Violence and sexual offences", "Anti-social behaviour"):
        part = r[r["crime_type"] == kind]
        lines.append(f"  {kind}: {share(part, part['p_value'] < 0.05)}")
    types = r[~r["crime_type"].isin(TYPES_APART)]
    flagged = types.groupby(["csp_code", "years", "order"])["p_adjusted"].min() < 0.05
    lines.append(f"  windows with any crime type flagged after Benjamini-Hochberg: {share(flagged, flagged)}")
    return lines


def main() -> int:
    start = time.time()
    wide = monthly_series()
    big = wide[wide.mean(axis=1) >= 10]
    lines = [f"{len(big)} series of at least 10 a month, {big.index.get_level_values(0).nunique()} partnerships"]
    lines += summary("No trend (shipped variation)", trend_checks.trend_free_windows(wide))
    lines += summary(
        "No trend, months only (no year-to-year variation)",
        trend_checks.trend_free_windows(wide, variation=lambda csp, kind: 0.0),
    )

    def others(csp: str, kind: str) -> YearVariation:
        rest = big[(big.index.get_level_values(0) != csp) & (big.index.get_level_values(1) == kind)]
        sd, df = pooled_year_variation([v for _, v in rest.iterrows()])
        return YearVariation(sd, df) if df >= 8 else None

    lines += summary(
        "No trend, each partnership's variation left out of the pool",
        trend_checks.trend_free_windows(wide, variation=others),
    )
    for growth in (0.10, 0.20):
        r = trend_checks.trend_free_windows(wide, growth=growth)
        found = (r["p_value"] < 0.05) & (r["annual_change_pct"] > 0)
        lines.append(f"+{growth:.0%} a year: rise found in {share(r, found)}")
        for k in (3, 4):
            part = r[r["years"] == k]
            crime = part[part["crime_type"] == "All crime"]
            got = (crime["p_value"] < 0.05) & (crime["annual_change_pct"] > 0)
            rose = (part["p_value"] < 0.05) & (part["annual_change_pct"] > 0)
            lines.append(f"  {k}-year windows: all {share(part, rose)}; all crime {share(crime, got)}")
    told = trend_checks.trend_free_windows(wide, step=("2018-04", -0.30), breaks=[Break("2018-04", "", "made-up")])
    blind = trend_checks.trend_free_windows(wide, step=("2018-04", -0.30))
    crime = told[told["crime_type"] == "All crime"]
    lines.append(
        f"A -30% step at 2018-04, listed as a break: step found {share(told, told['step_p'] < 0.05)} "
        f"(all crime {share(crime, crime['step_p'] < 0.05)}), median step {told['step_pct'].median():.1f}%; "
        f"trend called {share(told, told['p_value'] < 0.05)} (all crime {share(crime, crime['p_value'] < 0.05)}); "
        f"not listed, trend called {share(blind, blind['p_value'] < 0.05)}"
    )
    edge = trend_checks.trend_free_windows(wide, step=("2018-01", -0.30), breaks=[Break("2018-01", "", "made-up")])
    edge_blind = trend_checks.trend_free_windows(wide, step=("2018-01", -0.30))
    crime = edge[edge["crime_type"] == "All crime"]
    lines.append(
        f"A -30% step at 2018-01, where a compared year begins, listed as a break: left out as not told apart "
        f"from a year's swing in {share(edge, edge['not_separated'] > 0)}; step reported in "
        f"{share(edge, edge.reindex(columns=['step_pct'])['step_pct'].notna())}; "
        f"trend called {share(edge, edge['p_value'] < 0.05)} "
        f"(all crime {share(crime, crime['p_value'] < 0.05)}); "
        f"not listed, trend called {share(edge_blind, edge_blind['p_value'] < 0.05)}"
    )
    lines.append(f"{time.time() - start:.0f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
