"""Make the bundled project's police.uk extract, ``data/crime/plymouth-street.parquet``, from the
real Devon & Cornwall files in ``../shared/realdata`` with the package's own import command, and
record where every monthly file came from in ``data/crime/SOURCES.csv``.

    python scripts/make_plymouth_extract.py

A month held by several downloads is taken from the download that reaches the latest month (the
fresher one: police.uk updates outcomes between downloads), so the archives are given freshest
first and the importer reads each month once, from the first archive that holds it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys
from pathlib import Path

from safer_analysis.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SAFER_ANALYSIS_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "realdata"
#: Each download: its folder under ../shared/realdata and the public repository it was found in.
ARCHIVES = {
    "police-uk/archive-2018-03": "SudheenaMisra/Datasets (commit f51f2ccb)",
    "police-uk/archive-2018-19": "mgsf08m002/GEOINFORMATION-IN-SOCIETY (commit 40d03289)",
    "police-uk/archive-2019": "eperegrine/ECM1421-CA2 (commit 3dfcd49b)",
    "police-uk-archives/devon-and-cornwall-2016-01-to-2017-11": "lucy-craddock/Python-Assessment (commit aff2f0ca)",
    "police-uk-archives/devon-and-cornwall-2018": "harleygn/crime-watch (commit 8cf04d12)",
    "police-uk-archives/devon-and-cornwall-2025": "PriteshParekh/ML-Foundations-Portfolio-Project (commit 35902b7f)",
}


def monthly_files(folder: Path) -> dict[str, Path]:
    return {p.parent.name: p for p in sorted(folder.rglob("*-street.csv"))}


def freshest_first(real: Path = REAL) -> list[str]:
    """The archives ordered by the latest month each reaches, latest first."""
    return sorted(ARCHIVES, key=lambda a: max(monthly_files(real / a)), reverse=True)


def sources(real: Path = REAL) -> list[dict[str, str]]:
    """One row per monthly file: its download, repository, SHA-256 and whether the extract uses it."""
    used: set[str] = set()
    rows = []
    for archive in freshest_first(real):
        for month, path in monthly_files(real / archive).items():
            rows.append(
                {
                    "month": month,
                    "file": f"{archive}/{path.relative_to(real / archive)}",
                    "found_in": ARCHIVES[archive],
                    "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                    "used": "no: an earlier download of the same month" if month in used else "yes",
                }
            )
            used.add(month)
    return sorted(rows, key=lambda r: (r["month"], r["used"] != "yes"))


#: Boundaries the bundled project's map needs, copied into data/geography/ with their source.
GEOGRAPHY = {
    "plymouth_lsoa11_boundaries.geojson": "Plymouth LSOA (2011) boundaries",
    "plymouth_ward_boundaries.geojson": "Plymouth ward boundaries (names and codes)",
}


def copy_geography(real: Path = REAL) -> list[dict[str, str]]:
    """Copy the boundary files into data/geography/ and return their provenance rows."""
    folder = ROOT / "data" / "geography"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, what in GEOGRAPHY.items():
        data = (real / "geography" / name).read_bytes()
        (folder / name).write_bytes(data)
        rows.append(
            {
                "file": name,
                "what": what,
                "derived_from": f"../shared/realdata/geography/{name}",
                "found_in": "drkane/geo-lookups (commit e20a072)",
                "licence": "Open Government Licence v3.0 (ONS)",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    with open(folder / "SOURCES.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def make_partnership_counts(order: list[str]) -> dict[str, str]:
    """Import every area of the same downloads into a scratch store and keep only its counts per
    partnership, month and crime type (``data/crime/all-areas-counts.csv``), for the comparison
    with the force's other partnerships; return its provenance row."""
    import shutil
    import tempfile

    target = ROOT / "data" / "crime" / "all-areas-counts.csv"
    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "all-areas-street.parquet"
        code = cli(["import-police-uk", *(str(REAL / a) for a in order), "--all-areas", "--out", str(store)])
        if code:
            raise SystemExit(code)
        shutil.copyfile(store.with_name("all-areas-counts.csv"), target)
    return {
        "file": target.name,
        "what": "police.uk rows per Community Safety Partnership (2024 code), month and crime type, every area of "
        "the force counted by its LSOA code through the ONS lookups shipped with the package",
        "made_by": "scripts/make_plymouth_extract.py (safer-analysis import-police-uk --all-areas)",
        "from": "the monthly files listed in SOURCES.csv marked used",
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
    }


def main() -> int:
    order = freshest_first()
    (ROOT / "data" / "crime" / "plymouth-street.parquet").unlink(missing_ok=True)  # made afresh, not added to
    code = cli(["import-police-uk", *(str(REAL / a) for a in order), "--project", str(ROOT)])
    if code:
        return code
    rows = sources()
    with open(ROOT / "data" / "crime" / "SOURCES.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    copy_geography()
    derived = [make_partnership_counts(order)]
    with open(ROOT / "data" / "crime" / "DERIVED.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(derived[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(derived)
    print(f"wrote data/crime/SOURCES.csv ({len(rows)} monthly files, {sum(r['used'] == 'yes' for r in rows)} used)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
