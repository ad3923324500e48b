"""A deterministic SYNTHETIC dataset in exactly the police.uk street-level format, for Plymouth.

    python -m safer_analysis.synthetic            # rewrite the bundled archive and cache

Writes ``data/police_uk/synthetic-plymouth-street-2015-04-to-2019-03.zip`` (monthly
``YYYY-MM/YYYY-MM-devon-and-cornwall-street.csv`` files, as data.police.uk lays them out) and
imports it to ``data/crime/plymouth-street.parquet`` marked synthetic. Nothing in it is a real
crime. Volumes, the mix of crime types, the spread across neighbourhoods and the outcome
categories are calibrated to the real Plymouth extracts so the reports look like the real
thing; seasonality and four-year trends are set by hand (below) so a trend test has something
to find. The same seed gives a byte-identical zip.

Generation reads Plymouth's LSOAs, their centroids and the real extracts from ``../shared``
(see ``data/police_uk/README.md``); the committed archive does not need them.
"""

from __future__ import annotations

import argparse
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from . import police_uk

SHARED = Path(os.environ.get("SAFER_ANALYSIS_SHARED", police_uk.REPO.parent / "shared")) / "realdata"
SEED = 20170401
FIRST_MONTH, N_MONTHS = "2015-04", 48
FORCE, FORCE_NAME = "devon-and-cornwall", "Devon & Cornwall Police"
HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type," \
         "Last outcome category,Context"
#: Rows a month in April 2015, before seasonality and trend.
BASE_ROWS = 2350
#: Share of rows by type (from the real 2019 extract) and a set annual trend in its volume.
TYPES = {
    "Violence and sexual offences": (0.332, 0.07),
    "Anti-social behaviour": (0.278, -0.08),
    "Criminal damage and arson": (0.093, 0.0),
    "Other theft": (0.056, -0.02),
    "Public order": (0.050, 0.06),
    "Shoplifting": (0.049, 0.03),
    "Burglary": (0.034, -0.05),
    "Vehicle crime": (0.034, -0.01),
    "Drugs": (0.031, 0.0),
    "Other crime": (0.016, 0.02),
    "Possession of weapons": (0.009, 0.04),
    "Theft from the person": (0.007, 0.0),
    "Robbery": (0.007, 0.0),
    "Bicycle theft": (0.005, 0.0),
}
#: Types more concentrated in the busiest (city-centre) LSOAs than their volume alone implies.
CENTRE_HEAVY = ("Shoplifting", "Theft from the person", "Anti-social behaviour")
SEASON_AMPLITUDE = 0.08  # +/- 8% through the year, highest in July
NO_LOCATION_SHARE = 0.01
PLACES = ["Supermarket", "Parking Area", "Nightclub", "Shopping Area", "Sports/Recreation Area", "Petrol Station",
          "Conference/Exhibition Centre", "Theatre/Concert Hall", "Further/Higher Educational Building",
          "Hospital", "Police Station", "Pedestrian Subway"]
STREETS = ["High Street", "Church Road", "Park Avenue", "Station Road", "Victoria Road", "Mill Lane", "North Road",
           "Queen Street", "King Street", "Union Street", "Mayflower Street", "Armada Way", "Tavistock Road",
           "Embankment Road", "Cornwall Street", "Ebrington Street", "Citadel Road", "Albert Road"]
#: Last outcome of a crime whose investigation has finished: shares in the real Plymouth extracts
#: for months at least half a year before the archive was made.
OUTCOMES = {
    "Unable to prosecute suspect": 0.440, "Investigation complete; no suspect identified": 0.314,
    "Status update unavailable": 0.072, "Court result unavailable": 0.038, "Local resolution": 0.022,
    "Offender given community sentence": 0.020, "Offender given a caution": 0.019, "Offender sent to prison": 0.017,
    "Offender given a drugs possession warning": 0.012, "Offender fined": 0.009,
    "Formal action is not in the public interest": 0.008, "Suspect charged as part of another case": 0.005,
    "Defendant found not guilty": 0.004, "Court case unable to proceed": 0.004,
    "Offender given conditional discharge": 0.004, "Offender given suspended prison sentence": 0.003,
    "Defendant sent to Crown Court": 0.002, "Offender otherwise dealt with": 0.002,
    "Offender ordered to pay compensation": 0.001, "Offender given penalty notice": 0.001,
    "Offender deprived of property": 0.001,
}
UNDER_INVESTIGATION, AWAITING_COURT = "Under investigation", "Awaiting court outcome"
#: Share still under investigation in the archive's last month, falling by this factor a month
#: before it and none from this many months back (the real 2019 archive: 72%, 47%, 32%, 28%, 24%, 0).
OPEN_LAST, OPEN_DECAY, OPEN_MONTHS = 0.72, 0.65, 5
#: Share awaiting a court outcome in the archive's last months, and further back.
AWAITING_RECENT, AWAITING_RECENT_MONTHS, AWAITING_OLD = 0.07, 8, 0.01
README = """SYNTHETIC DATA - NOT REAL CRIME

These files are in the data.police.uk street-level format but every row is invented by
safer_analysis.synthetic (seed {seed}) for demonstrating and testing safer-analysis. They must
never be read as recorded crime in Plymouth. Real data: https://data.police.uk/data/
"""
COMMENT = b"SYNTHETIC police.uk-format data generated by safer_analysis.synthetic: not real crime"
STAMP = (2019, 4, 1, 0, 0, 0)  # every member's timestamp, so the zip does not depend on when it was made


def months(first: str = FIRST_MONTH, n: int = N_MONTHS) -> list[str]:
    """``n`` consecutive months from ``first``, as ``YYYY-MM``."""
    start = pd.Period(first, freq="M")
    return [str(start + i) for i in range(n)]


def plymouth_lsoas(shared: Path = SHARED) -> pd.DataFrame:
    """Plymouth's LSOA codes, names and centroids, with a weight for how much crime each sees."""
    lookup = pd.read_csv(shared / "ons-lookups" / "plymouth_LSOA11_WD19_LAD19.csv", dtype=str)
    cent = pd.read_csv(shared / "geography" / "plymouth_lsoa_latlong.csv")
    lsoas = lookup[["LSOA11CD", "LSOA11NM"]].drop_duplicates().merge(
        cent[["LSOACD", "latitude", "longitude"]], left_on="LSOA11CD", right_on="LSOACD", how="left")
    lsoas = lsoas.rename(columns={"LSOA11CD": "code", "LSOA11NM": "name"}).drop(columns="LSOACD")
    if lsoas[["latitude", "longitude"]].isna().any().any():
        raise ValueError(f"{shared / 'geography'}: some Plymouth LSOAs have no centroid")
    real, _ = police_uk.read_police_uk(shared / "police-uk", lsoa_prefixes=["Plymouth "])
    counts = real.to_pandas().groupby("lsoa_code").size()
    lsoas["weight"] = lsoas["code"].map(counts).fillna(counts.min()).astype(float)
    return lsoas.sort_values("code").reset_index(drop=True)


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random 64-character lower-case hex strings, like police.uk Crime IDs."""
    raw = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    digits = np.frombuffer(b"0123456789abcdef", dtype="S1")
    nibbles = np.empty((n, 64), dtype=np.uint8)
    nibbles[:, 0::2], nibbles[:, 1::2] = raw >> 4, raw & 15
    return np.ascontiguousarray(digits[nibbles]).view("S64").ravel().astype(str)


def _age_outcomes(resolved: np.ndarray, age: int, rng: np.random.Generator) -> np.ndarray:
    """Recent months are often still under investigation or awaiting court, as in a real archive."""
    open_share = OPEN_LAST * OPEN_DECAY ** age if age < OPEN_MONTHS else 0.0
    awaiting = AWAITING_RECENT if age < AWAITING_RECENT_MONTHS else AWAITING_OLD
    u = rng.random(len(resolved))
    return np.where(u < open_share, UNDER_INVESTIGATION, np.where(u < open_share + awaiting, AWAITING_COURT, resolved))


def month_rows(rng: np.random.Generator, lsoas: pd.DataFrame, month: str, index: int, *, age: int = 12,
               outcome_rng: np.random.Generator | None = None) -> pd.DataFrame:
    """One month of synthetic rows (``index`` months after the first; ``age`` months before the last)."""
    season = 1 + SEASON_AMPLITUDE * np.cos(2 * np.pi * (int(month[5:]) - 7) / 12)
    years = index / 12
    frames = []
    weights = lsoas["weight"].to_numpy()
    for crime_type, (share, trend) in TYPES.items():
        expected = BASE_ROWS * share * season * (1 + trend) ** years
        n = int(rng.poisson(expected))
        w = weights ** (1.4 if crime_type in CENTRE_HEAVY else 1.0)
        which = rng.choice(len(lsoas), size=n, p=w / w.sum())
        frames.append(pd.DataFrame({"type": crime_type, "lsoa": which}))
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
    n = len(rows)
    chosen = lsoas.iloc[rows["lsoa"].to_numpy()].reset_index(drop=True)
    asb = (rows["type"] == "Anti-social behaviour").to_numpy()
    no_place = rng.random(n) < NO_LOCATION_SHARE
    lon = np.char.mod("%.6f", chosen["longitude"].to_numpy() + rng.normal(0, 0.003, n))
    lat = np.char.mod("%.6f", chosen["latitude"].to_numpy() + rng.normal(0, 0.002, n))
    spots = np.array(["On or near " + s for s in PLACES + STREETS])
    outcome_names = np.array(list(OUTCOMES))
    outcome_p = np.array(list(OUTCOMES.values()))
    resolved = outcome_names[rng.choice(len(outcome_names), size=n, p=outcome_p / outcome_p.sum())]
    if outcome_rng is None:
        outcome_rng = np.random.default_rng([SEED, index])
    outcomes = _age_outcomes(resolved, age, outcome_rng)
    return pd.DataFrame({
        "Crime ID": np.where(asb, "", _hex_ids(rng, n)),
        "Month": month,
        "Reported by": FORCE_NAME,
        "Falls within": FORCE_NAME,
        "Longitude": np.where(no_place, "", lon),
        "Latitude": np.where(no_place, "", lat),
        "Location": np.where(no_place, "No Location", spots[rng.integers(0, len(spots), n)]),
        "LSOA code": np.where(no_place, "", chosen["code"].to_numpy()),
        "LSOA name": np.where(no_place, "", chosen["name"].to_numpy()),
        "Crime type": rows["type"].to_numpy(),
        "Last outcome category": np.where(asb, "", outcomes),
        "Context": "",
    })


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """The police.uk CSV text of one month: unquoted header, LF line ends, UTF-8 without a BOM."""
    buffer = io.StringIO()
    buffer.write(HEADER + "\n")
    frame.to_csv(buffer, header=False, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed timestamp, system and permissions, so the archive is reproducible."""
    info = zipfile.ZipInfo(name, date_time=STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def generate(out_zip: Path = police_uk.SYNTHETIC_ARCHIVE, *, seed: int = SEED, shared: Path = SHARED,
             first: str = FIRST_MONTH, n_months: int = N_MONTHS) -> Path:
    """Write the synthetic archive (byte-identical for the same seed, months and inputs)."""
    rng = np.random.default_rng(seed)
    lsoas = plymouth_lsoas(shared)
    files = {"README-SYNTHETIC.txt": README.format(seed=seed).encode("utf-8")}
    for i, month in enumerate(months(first, n_months)):
        frame = month_rows(rng, lsoas, month, i, age=n_months - 1 - i,
                           outcome_rng=np.random.default_rng([seed, i]))
        files[f"{month}/{month}-{FORCE}-street.csv"] = _csv_bytes(frame)
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_zip.with_name(f".{out_zip.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            z.comment = COMMENT
            for name in sorted(files):
                z.writestr(_member(name), files[name], compresslevel=9)
        tmp.replace(out_zip)
    finally:
        tmp.unlink(missing_ok=True)
    return out_zip


def main(argv: list[str] | None = None) -> int:
    """Command line: write the synthetic archive, then import it to the cache marked synthetic."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=police_uk.SYNTHETIC_ARCHIVE, help="zip to write")
    parser.add_argument("--cache", type=Path, default=police_uk.DEFAULT_CACHE, help="parquet cache to write")
    parser.add_argument("--first", default=FIRST_MONTH, help="first month, YYYY-MM")
    parser.add_argument("--months", type=int, default=N_MONTHS, help="number of months")
    args = parser.parse_args(argv)
    archive = generate(args.out, first=args.first, n_months=args.months)
    report = police_uk.import_police_uk(archive, args.cache, csp="Plymouth", synthetic=True)
    print(f"Wrote {archive} ({archive.stat().st_size / 1e6:.1f} MB) and {args.cache}: {report.summary()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
