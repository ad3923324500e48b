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
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .years import FinancialYear

DEFAULT_PREFIX = "saferplymouth"
FUNDER = {"id": "GB-LAE-PLY", "name": "Plymouth City Council",
          "department": "Safer Plymouth Community Safety Partnership"}
PCP_VOCABULARY = "Police and Crime Plan priority (Devon, Cornwall and the Isles of Scilly)"
LOCAL_VOCABULARY = "Safer Plymouth strategic assessment priority (2017)"
SCHEMA_VERSION = "1.4"

#: CSV column titles of the standard, in order.
CSV_COLUMNS = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Planned Dates:Start Date", "Planned Dates:End Date", "Planned Dates:Duration (months)",
    "Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier", "Funding Org:Name",
    "Funding Org:Department", "Grant Programme:Title", "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code", "Beneficiary Location:Geographic Code Type",
    "Classifications:Vocabulary", "Classifications:Code", "Classifications:Title", "Last Modified",
]


class ExportError(ValueError):
    """Nothing that can be exported for the year asked for."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def grants(dataset, year: str, *, prefix: str = DEFAULT_PREFIX, award_date: str | None = None,
           modified: str | None = None) -> list[dict[str, Any]]:
    """The year's allocated lines as 360Giving grant records."""
    fy = FinancialYear.parse(year)
    if not re.fullmatch(r"[A-Za-z0-9-]+", prefix):
        raise ValueError(f"the 360Giving prefix must be letters, digits and hyphens, got {prefix!r}")
    lines = dataset.allocations_for(fy.label)
    lines = lines[(lines["status"] == "allocated") & lines["amount"].notna()]
    if lines.empty:
        raise ExportError(f"{fy.label} has no allocated lines with an amount: nothing to publish as grants "
                          "(recommended or to-be-confirmed lines are not awards)")
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
            "id": f"360G-{prefix}-org-{_slug(provider)}" if provider else f"360G-{prefix}-line-{_slug(aid)}",
            "name": provider or f"Provider of {line['project']} (not named in the plan)",
        }
        classifications = [
            {"vocabulary": PCP_VOCABULARY, "code": str(int(p)), "title": str(pcp[p])}
            for p in sorted(pcp_links.loc[pcp_links["allocation_id"] == aid, "priority"])
        ] + [
            {"vocabulary": LOCAL_VOCABULARY, "code": k, "title": str(local[k])}
            for k in local_links.loc[local_links["allocation_id"] == aid, "priority_key"]
        ]
        description = " ".join(str(x) for x in (line["need"], line["description"]) if isinstance(x, str) and x)
        out.append({
            "id": f"360G-{prefix}-{aid}",
            "title": str(line["project"]),
            "description": description or str(line["project"]),
            "currency": "GBP",
            "amountAwarded": float(line["amount"]),
            "awardDate": date,
            "plannedDates": [{"startDate": fy.start.isoformat(), "endDate": fy.end.isoformat(), "duration": 12}],
            "recipientOrganization": [recipient],
            "fundingOrganization": [dict(FUNDER)],
            "grantProgramme": [{"title": f"Community Safety Partnership Fund {fy.label}"}],
            "beneficiaryLocation": [{"name": "Plymouth", "countryCode": "GB", "geoCode": "E06000026",
                                     "geoCodeType": "UA"}],
            "classifications": classifications,
            "dateModified": modified,
        })
    return out


def package(dataset, year: str, **kwargs) -> dict[str, Any]:
    """A 360Giving data package (``{"grants": [...], ...}``) for the year."""
    records = grants(dataset, year, **kwargs)
    return {
        "version": SCHEMA_VERSION,
        "title": f"Safer Plymouth Community Safety Partnership Fund {year}",
        "description": "Allocations of the Police and Crime Commissioner's grant to community safety projects.",
        "grants": records,
    }


def csv_rows(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Flatten grant records to the standard's CSV column titles (one classification per row
    would repeat the grant, so classifications are joined with ``;``)."""
    rows = []
    for g in records:
        r, f, p, loc = (g["recipientOrganization"][0], g["fundingOrganization"][0], g["plannedDates"][0],
                        g["beneficiaryLocation"][0])
        rows.append({
            "Identifier": g["id"], "Title": g["title"], "Description": g["description"], "Currency": g["currency"],
            "Amount Awarded": f"{g['amountAwarded']:.2f}".rstrip("0").rstrip("."), "Award Date": g["awardDate"],
            "Planned Dates:Start Date": p["startDate"], "Planned Dates:End Date": p["endDate"],
            "Planned Dates:Duration (months)": str(p["duration"]),
            "Recipient Org:Identifier": r["id"], "Recipient Org:Name": r["name"],
            "Funding Org:Identifier": f["id"], "Funding Org:Name": f["name"], "Funding Org:Department": f["department"],
            "Grant Programme:Title": g["grantProgramme"][0]["title"],
            "Beneficiary Location:Name": loc["name"], "Beneficiary Location:Geographic Code": loc["geoCode"],
            "Beneficiary Location:Geographic Code Type": loc["geoCodeType"],
            "Classifications:Vocabulary": ";".join(c["vocabulary"] for c in g["classifications"]),
            "Classifications:Code": ";".join(c["code"] for c in g["classifications"]),
            "Classifications:Title": ";".join(c["title"] for c in g["classifications"]),
            "Last Modified": g["dateModified"],
        })
    return rows


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(dataset, year: str, out: str | Path, **kwargs) -> list[Path]:
    """Write the package as JSON to ``out`` (``.json``) and the CSV beside it; return both paths."""
    out = Path(out)
    json_path = out if out.suffix == ".json" else out.with_suffix(".json")
    csv_path = json_path.with_suffix(".csv")
    pkg = package(dataset, year, **kwargs)
    _atomic_write(json_path, lambda h: json.dump(pkg, h, indent=2, ensure_ascii=False))

    def write_csv(handle) -> None:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(pkg["grants"]))

    _atomic_write(csv_path, write_csv)
    return [json_path, csv_path]


def total_awarded(pkg: dict[str, Any]) -> float:
    return float(pd.Series([g["amountAwarded"] for g in pkg["grants"]]).sum())
