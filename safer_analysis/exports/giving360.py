"""The year's allocations as open grant data in the 360Giving Data Standard (JSON package and CSV).

Each allocated line becomes one grant: identifier ``360G-<prefix>-<allocation_id>``, amount in
pounds as a number, award date (the first day of the financial year unless given), the
partnership as funder, the provider (or, where the plan names none, the line itself under the
funder's prefix) as recipient, and the Police & Crime Plan priorities and local priorities it
serves as classifications. Lines without an awarded amount (to be confirmed, recommended only)
are not grants and are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from safer_analysis.inputs import reference
from safer_analysis.inputs.names import slug
from safer_analysis.inputs.project import OPEN_DATA_PREFIX, Settings
from safer_analysis.inputs.years import FinancialYear
from safer_analysis.present.cells import neutralise

SCHEMA_VERSION = "1.4"
#: The description of every package this export writes (how an earlier export is recognised).
DESCRIPTION = "Allocations of the Police and Crime Commissioner's grant to community safety projects."
#: 360Giving geographic code types by the start of an ONS local authority code.
GEO_CODE_TYPES = {"E06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB", "W06": "UA"}

#: CSV column titles of the standard, in order.
CSV_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Funding Org:Department",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Classifications:Vocabulary",
    "Classifications:Code",
    "Classifications:Title",
    "Last Modified",
]


class ExportError(ValueError):
    """Nothing that can be exported for the year asked for."""


def _locations(settings: Settings) -> list[dict[str, str]]:
    """The partnership's local authorities as 360Giving beneficiary locations."""
    names = reference.population().drop_duplicates("area_code").set_index("area_code")["area_name"]
    return [
        {
            "name": str(names.get(code, settings.area)),
            "countryCode": "GB",
            "geoCode": code,
            "geoCodeType": GEO_CODE_TYPES.get(code[:3], ""),
        }
        for code in settings.local_authority_codes
    ] or [{"name": settings.area, "countryCode": "GB"}]


def _funder(settings: Settings) -> dict[str, str]:
    missing = [k for k in ("funder_id", "funder_name") if not getattr(settings, k)]
    if missing:
        raise ExportError("360Giving needs the funder: set [funder] id and name in the project's safer-analysis.toml")
    funder = {"id": settings.funder_id, "name": settings.funder_name}
    if settings.funder_department:
        funder["department"] = settings.funder_department
    return funder


def grants(
    dataset,
    year: str,
    *,
    settings: Settings,
    prefix: str | None = None,
    award_date: str | None = None,
    modified: str | None = None,
) -> list[dict[str, Any]]:
    """The year's allocated lines as 360Giving grant records, with the project's funder and prefix."""
    fy = FinancialYear.parse(year)
    prefix = prefix or settings.open_data_prefix
    if not prefix:
        raise ExportError(
            "360Giving needs an identifier prefix: set [open_data] prefix in the project's "
            "safer-analysis.toml, or give --prefix"
        )
    if not OPEN_DATA_PREFIX.fullmatch(prefix):
        raise ExportError(
            f"the 360Giving prefix must be letters, digits and hyphens, got {prefix!r}: give one such as "
            "saferplymouth with --prefix, or in [open_data] prefix of the project's safer-analysis.toml"
        )
    lines = dataset.allocations_for(fy.label)
    lines = lines[(lines["status"] == "allocated") & lines["amount"].notna()]
    if lines.empty:
        raise ExportError(
            f"{fy.label} has no allocated lines with an amount: nothing to publish as grants "
            "(recommended or to-be-confirmed lines are not awards)"
        )
    funder = _funder(settings)
    locations = _locations(settings)
    pcp_vocabulary = f"Police and Crime Plan priority ({settings.police_force or 'the police force area'})"
    local_vocabulary = settings.local_vocabulary or f"{settings.name} local priority"
    date = award_date or fy.start.isoformat()
    modified = modified or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    pcp = dataset.pcp_priorities.set_index("priority")["name"]
    pcp_links = dataset.allocation_pcp_priorities
    local = dataset.local_priorities.set_index("priority_key")["name"]
    local_links = dataset.allocation_local_priorities
    out = []
    for _, line in lines.iterrows():
        aid = line["allocation_id"]
        provider = line["provider"] if isinstance(line["provider"], str) and line["provider"] else None
        recipient = {
            "id": f"360G-{prefix}-org-{slug(provider)}" if provider else f"360G-{prefix}-line-{slug(aid)}",
            "name": provider or f"Provider of {line['project']} (not named in the plan)",
        }
        classifications = [
            {"vocabulary": pcp_vocabulary, "code": str(int(p)), "title": str(pcp[p])}
            for p in sorted(pcp_links.loc[pcp_links["allocation_id"] == aid, "priority"])
        ] + [
            {"vocabulary": local_vocabulary, "code": k, "title": str(local[k])}
            for k in local_links.loc[local_links["allocation_id"] == aid, "priority_key"]
        ]
        description = " ".join(str(x) for x in (line["need"], line["description"]) if isinstance(x, str) and x)
        out.append(
            {
                "id": f"360G-{prefix}-{aid}",
                "title": str(line["project"]),
                "description": description or str(line["project"]),
                "currency": "GBP",
                "amountAwarded": float(line["amount"]),
                "awardDate": date,
                "plannedDates": [{"startDate": fy.start.isoformat(), "endDate": fy.end.isoformat(), "duration": 12}],
                "recipientOrganization": [recipient],
                "fundingOrganization": [dict(funder)],
                "grantProgramme": [{"title": f"Community Safety Partnership Fund {fy.label}"}],
                "beneficiaryLocation": [dict(loc) for loc in locations],
                "classifications": classifications,
                "dateModified": modified,
            }
        )
    return out


def package(dataset, year: str, *, settings: Settings, **kwargs) -> dict[str, Any]:
    """A 360Giving data package (``{"grants": [...], ...}``) for the year."""
    records = grants(dataset, year, settings=settings, **kwargs)
    return {
        "version": SCHEMA_VERSION,
        "title": f"{settings.name} Community Safety Partnership Fund {year}",
        "description": DESCRIPTION,
        "grants": records,
    }


def csv_rows(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Flatten grant records to the standard's CSV column titles (one classification per row
    would repeat the grant, so classifications are joined with ``;``)."""
    rows = []
    for g in records:
        r, f, p, loc = (
            g["recipientOrganization"][0],
            g["fundingOrganization"][0],
            g["plannedDates"][0],
            g["beneficiaryLocation"][0],
        )
        rows.append(
            {
                "Identifier": g["id"],
                "Title": g["title"],
                "Description": g["description"],
                "Currency": g["currency"],
                "Amount Awarded": f"{g['amountAwarded']:.2f}".rstrip("0").rstrip("."),
                "Award Date": g["awardDate"],
                "Planned Dates:Start Date": p["startDate"],
                "Planned Dates:End Date": p["endDate"],
                "Planned Dates:Duration (months)": str(p["duration"]),
                "Recipient Org:Identifier": r["id"],
                "Recipient Org:Name": r["name"],
                "Funding Org:Identifier": f["id"],
                "Funding Org:Name": f["name"],
                "Funding Org:Department": f.get("department", ""),
                "Grant Programme:Title": g["grantProgramme"][0]["title"],
                "Beneficiary Location:Name": loc["name"],
                "Beneficiary Location:Geographic Code": loc.get("geoCode", ""),
                "Beneficiary Location:Geographic Code Type": loc.get("geoCodeType", ""),
                "Classifications:Vocabulary": ";".join(c["vocabulary"] for c in g["classifications"]),
                "Classifications:Code": ";".join(c["code"] for c in g["classifications"]),
                "Classifications:Title": ";".join(c["title"] for c in g["classifications"]),
                "Last Modified": g["dateModified"],
            }
        )
    return rows


def _umask() -> int:
    """The process's file creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write) -> None:
    """Write ``path`` through a temporary file renamed into place, with the user's normal permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes the file private; open data is for reading
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def written_by_export(path: Path) -> bool:
    """Whether an existing file is one this export wrote: a JSON package with the description it
    gives every package, or a CSV whose first line is exactly the standard's column titles in its order."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            if path.suffix == ".csv":
                return next(csv.reader(handle), None) == CSV_COLUMNS
            value = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError, csv.Error):
        return False
    return isinstance(value, dict) and value.get("description") == DESCRIPTION and isinstance(value.get("grants"), list)


def check_out(json_path: Path, csv_path: Path, data_dir: Path | None = None) -> None:
    """Refuse (ExportError) to write over an input in ``data_dir`` or any file this export did not write."""
    data = data_dir.resolve() if data_dir else None
    for path in (json_path, csv_path):
        real = path.resolve()
        if data is not None and (real == data or data in real.parents):
            raise ExportError(
                f"--out: {path} is in the project's data folder {data}, which holds its inputs; "
                "write the export outside data/, e.g. --out grants.json"
            )
        if (path.exists() or path.is_symlink()) and not written_by_export(path):
            raise ExportError(
                f"--out: {path} exists and is not a 360Giving file this export wrote, so it is not replaced; "
                "move it away, or give another --out"
            )


def export(
    dataset, year: str, out: str | Path, *, settings: Settings, data_dir: Path | None = None, **kwargs
) -> list[Path]:
    """Write the package as JSON to ``out`` (``.json``) and the CSV beside it; return both paths.

    Neither may be in ``data_dir`` (the project's inputs), nor replace a file this export did not write;
    ``out`` must name a file (not a folder, nor ``.``, ``..`` or ``/``).
    """
    out = Path(out)
    example = f"give a file name such as grants-{FinancialYear.parse(year).label}.json"
    if out.is_dir():
        raise ExportError(f"--out: {out} is a folder; {example} (in that folder if you like)")
    if out.name.removesuffix(".json").strip(".") == "":
        raise ExportError(f"--out: {str(out)!r} has no file name; {example}")
    json_path = out if out.suffix == ".json" else out.with_suffix(".json")
    csv_path = json_path.with_suffix(".csv")
    check_out(json_path, csv_path, data_dir)
    pkg = package(dataset, year, settings=settings, **kwargs)
    _atomic_write(json_path, lambda h: json.dump(pkg, h, indent=2, ensure_ascii=False))

    def write_csv(handle) -> None:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in csv_rows(pkg["grants"]))

    _atomic_write(csv_path, write_csv)
    return [json_path, csv_path]


def total_awarded(pkg: dict[str, Any]) -> float:
    """The sum of a package's awarded amounts, in pounds."""
    return float(pd.Series([g["amountAwarded"] for g in pkg["grants"]]).sum())
