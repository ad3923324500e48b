"""``safer-analysis init DIR --csp NAME``: make a new partnership's project folder.

The folder gets a settings file (which also marks it as a project), every input file with its
header and no rows (the grant for the first year marked ``Tbc``), the method constants at their
documented defaults, copies of the report notebooks, and a README for the analyst. The area is
looked up in the ONS lookups shipped with the package (:mod:`safer_analysis.inputs.areas`), by
name or code, so its codes, police force and population are known from the start.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from safer_analysis import __version__
from safer_analysis.inputs import indicators, project_format
from safer_analysis.inputs.areas import CSP, Area, UnknownAreaError, resolve
from safer_analysis.inputs.datasets import FILES, SCHEMAS
from safer_analysis.inputs.names import slug
from safer_analysis.inputs.population import OWN_COLUMNS, OWN_FILE
from safer_analysis.inputs.project import SETTINGS_FILE, load_project
from safer_analysis.inputs.years import FinancialYear
from safer_analysis.pipeline import notebooks

#: The method constants a new project starts with (the analyst may change them in data/assessment_method.csv).
DEFAULT_METHOD = [
    (
        "scale_max",
        "5",
        "Highest score on the harm, likelihood and organisational position scales (1 = least, 5 = most)",
    ),
    (
        "sensitivity_low",
        "0.5",
        "Least weight one scale is given against the others when testing how far each rank could move "
        "(1 = equal weight)",
    ),
    (
        "sensitivity_high",
        "1.5",
        "Most weight one scale is given against the others when testing how far each rank could move "
        "(1 = equal weight)",
    ),
    (
        "concentration_share",
        "0.1",
        "Share of LSOAs (the top tenth by volume) used to measure how concentrated crime is",
    ),
]


class InitError(ValueError):
    """The project cannot be made: the folder is in use, or the area is unknown."""


def find_area(name: str, kind: str | None = None) -> Area:
    """The area of ``kind`` (a CSP, local authority or force area; None: the first of them, in
    that order) called ``name`` (any case) or with this ONS code (:func:`resolve`)."""
    try:
        return resolve(name, kind)
    except UnknownAreaError as exc:
        raise InitError(str(exc)) from None


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _line(key: str, value: str, comment: str = "") -> str:
    text = f"{key} = {value}"
    return f"{text:<40} # {comment}" if comment else text


def settings_text(area: Area, name: str, year: str) -> str:
    """The settings file of a new project."""
    lines = [
        "# safer-analysis project settings. This file marks the folder as a safer-analysis project:",
        "# every command run in this folder (or below it) reads data/ here and writes outputs/ here.",
        "",
        "[partnership]",
        _line("name", f'"{name}"', "how the reports name the partnership"),
        _line("area", f'"{area.label}"', f"the area the crime data cover ({area.kind})"),
        _line("csp_code", f'"{area.code if area.kind == CSP else ""}"', "ONS code of the Community Safety Partnership"),
        _line("local_authority_codes", _toml_list(area.authority_codes), "populations come from these"),
        _line("lsoa_name_prefixes", _toml_list(area.authority_names), "police.uk LSOA names start with these"),
        _line("police_force", f'"{area.force}"'),
        _line("police_force_code", f'"{area.force_code}"'),
        _line("contact", f'"{name} Community Safety Partnership"', "named on the workbook's cover"),
        "",
        "[funder]                                 # the grant-maker, for 360Giving open data: fill in",
        _line("id", '""', "e.g. GB-LAE-PLY"),
        _line("name", '""'),
        _line("department", '""'),
        "",
        "[open_data]",
        _line("prefix", f'"{slug(name).replace("-", "")}"', "360Giving identifier prefix: register your own"),
        _line("local_vocabulary", f'"{name} local priority"'),
        "",
        "[reports]",
        _line("default_year", f'"{year}"', "the year `safer-analysis build` builds when none is given"),
        _line("suppression_threshold", "5", "published counts below this are shown as [c]"),
        _line("marking", '"OFFICIAL"', "protective marking on every page (or OFFICIAL-SENSITIVE)"),
        "",
        "[board]                                  # the board paper's title block",
        _line("meeting", '""', "the meeting the paper goes to"),
        _line("date", '""', "its date, YYYY-MM-DD"),
        _line("author", '""', "who wrote the paper (the contact is [partnership] contact)"),
        _line("paper_for", '"decision"', "decision or information"),
        "",
        f"[{project_format.TABLE}]                                # the version of this project's files",
        _line(project_format.KEY, str(project_format.CURRENT), f"as safer-analysis {__version__} writes them"),
    ]
    return "\n".join(lines) + "\n"


def _csv(header: list[str], rows: list[list[str]] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows or [])
    return buffer.getvalue()


def data_files(area: Area, name: str, year: str) -> dict[str, str]:
    """Every input file: headers, plus the first year's grant (Tbc) and the default method constants."""
    out = {}
    for table, filename in FILES.items():
        out[filename] = _csv([c.name for c in SCHEMAS[table]])
    doc = f"grant-{year}"
    out[FILES["sources"]] = _csv(
        [c.name for c in SCHEMAS["sources"]],
        [[doc, f"Grant award for {year} (to be entered)", "to be entered", "to be entered", "", "", ""]],
    )
    out[FILES["grants"]] = _csv(
        [c.name for c in SCHEMAS["grants"]],
        [[year, f"Police and Crime Commissioner ({area.force})", name, "Tbc", doc, "to be entered"]],
    )
    out[FILES["assessment_method"]] = _csv(["parameter", "value", "meaning"], [list(r) for r in DEFAULT_METHOD])
    out[OWN_FILE] = _csv([c.name for c in OWN_COLUMNS])  # optional: the partnership's own population figures
    out[indicators.tidy.FILE] = _csv(indicators.tidy.NAMES)  # partners' indicators
    out[indicators.priorities.FILE] = _csv(indicators.priorities.NAMES)  # what measures each priority
    return out


README = """# {name}: safer-analysis project

This folder is a safer-analysis project for {name} ({area}, {force}). Every `safer-analysis`
command run in it (or in a folder below it) reads `data/` here and writes `outputs/` here.

```sh
safer-analysis import-police-uk DOWNLOAD.zip   # police.uk street-level data for the force
safer-analysis build                           # the board pack for {year}, into outputs/{year}/
safer-analysis check                           # validate the files in data/
safer-analysis import-recorded-crime TABLES.xlsx   # a newer ONS edition of recorded crime by partnership
```

The money (grant, allocations, spend) is for the financial year {year}. The crime figures cover
the twelve months ending with the last police.uk month held within {year}, or, before any month
of {year} is held, the latest twelve months held; every page says which months.
`safer-analysis build --period-end YYYY-MM` chooses another twelve months.

## What to fill in

The strategic assessment builds from police.uk data and ONS populations alone. The allocation
rationale and spend analysis say what is still to be entered until these files have rows:

| file | what |
| --- | --- |
| `data/grants.csv` | the grant for each year (the first year is `Tbc` until confirmed) |
| `data/sources.csv` | the documents every figure is transcribed from |
| `data/allocations.csv` | each funded line: project, amount (`Tbc` until known), status, provider |
| `data/local_priorities.csv` | the local priorities of the strategic assessment |
| `data/priority_status.csv` | what each priority was in a year, where the documents changed it |
| `data/threat_risk_harm_scores.csv` | harm, likelihood, position scores per priority and year (panel: `scorer`) |
| `data/known_breaks.csv` | your own dated changes that move crime counts (a CCTV scheme, an operation); not yearly |
| `data/priority_measures.csv` | what measures each priority (police.uk, ONS, partners), and who holds what is missing |
| `data/pcp_priorities.csv`, `data/allocation_pcp_priorities.csv` | Police & Crime Plan priorities; lines serving each |
| `data/allocation_local_priorities.csv` | which lines serve which local priorities |
| `data/outcome_measures.csv`, `data/outcome_returns.csv` | outcome measures per line; the quarterly returns |
| `data/context_figures.csv` | figures from other sources quoted in the assessment |
| `data/assessment_method.csv` | the methods' constants (defaults given) |
| `data/population.csv` | optional: the partnership's own population figures, used before ONS's |
| `data/indicators.csv` | partners' figures police.uk cannot show (`import-indicators FILE` adds a Fingertips export) |
| `data/recommendations.csv` | what the documents recommend for a year, put beside the decision it speaks to |
| `data/decisions.csv` | your recommended option for each decision of the board paper, why, and who leads |
| `data/implications.csv` | the decisions' financial, legal and equalities implications, as advised |

Populations come from the ONS estimates shipped with the package (to mid-2022), the one nearest
the middle of each period. A council's own estimate goes in `data/population.csv` (`area_code`,
`mid_year`, `population`, `source`), which wins for its year and is named on every page using it.
A newer ONS mid-year estimates workbook, downloaded from ons.gov.uk, is added with
`safer-analysis import-population WORKBOOK.xlsx` (kept in `data/reference/`).

`safer-analysis check` names the file, row and column of any mistake. The `[project]` table at
the end of `{settings}` gives the format of this project's files; after an upgrade of
safer-analysis, `safer-analysis check` says what the new version adds and what to fill.

## Notebooks

`notebooks/` holds copies of the package's report notebooks, to read in JupyterLab or run with
papermill (`papermill notebooks/spend_analysis.ipynb out.ipynb -p financial_year {year}`). A build
always runs the notebooks of the installed package; `safer-analysis notebooks` says whether these
copies are in step with it, and `safer-analysis notebooks --update` refreshes them.

## Maps

The assessment maps crime by neighbourhood once the project holds boundaries: download the LSOA
boundaries (2021, generalised) and, if wanted, the ward boundaries from the ONS Open Geography
Portal (geoportal.statistics.gov.uk) as GeoJSON, GeoPackage or shapefile, and run
`safer-analysis import-boundaries FILE` for each; it keeps {area}'s polygons in
`data/boundaries/`. Until then the assessment lists the neighbourhoods with the highest rates.

Settings (names, codes, funder, contact) are in `{settings}`.

## Most similar partnerships

The package finds the partnerships most like this one across England and Wales, on deprivation,
density, rural character and age structure. To change the weights or the size of the group, put
`data/similar_groups.csv` here, with columns `parameter`, `value`, `meaning`: a row `group_size`
(default 15) and a row per measure with its weight (`imd_average_rank`, `imd_most_deprived_tenth`,
`people_per_sq_km`, `rural_share`, `aged_16_to_24_share`, `aged_65_and_over_share`; a measure not
listed, or weighted 0, is not compared). Without the file the package's method holds.
`safer-analysis check` validates it.
"""

GITIGNORE = "outputs/*\n!outputs/.gitkeep\n.ipynb_checkpoints/\n"


@dataclass
class Made:
    root: Path
    area: Area
    year: str
    files: list[str] = field(default_factory=list)

    def _codes(self) -> str:
        """'Community Safety Partnership E22000372, local authority E06000065': the area's own code
        first, then its authorities' where they are other codes."""
        a = self.area
        others = [c for c in a.authority_codes if c != a.code]
        if not others:
            return f"{a.kind} {a.code}"
        return f"{a.kind} {a.code}, local {'authority' if len(others) == 1 else 'authorities'} {', '.join(others)}"

    def summary(self) -> str:
        return "\n".join(
            [
                f"Made the project {self.root} for {self.area.name} ({self._codes()}; {self.area.force}), "
                f"first year {self.year}" + (f" ({self.area.how})." if self.area.how else "."),
                "Next:",
                f"  1. cd {self.root}",
                "  2. safer-analysis import-police-uk DOWNLOAD.zip   (the force's archive from data.police.uk)",
                f"  3. safer-analysis build   (the board pack for {self.year}; its crime figures cover the latest "
                f"twelve months held up to March {int(self.year[:4]) + 1})",
                "  4. fill in data/ (see README.md); safer-analysis check validates it",
            ]
        )


def current_year(today: dt.date | None = None) -> str:
    """The financial year containing ``today``: a new project's first year of money. Its crime
    figures are the latest twelve months held until months of the year are imported
    (:func:`safer_analysis.inputs.years.crime_period`)."""
    today = today or dt.date.today()
    return FinancialYear(today.year if today.month >= 4 else today.year - 1).label


def init(
    folder: str | Path, area_name: str, *, kind: str | None = None, year: str | None = None, name: str | None = None
) -> Made:
    """Make the project folder ``folder`` for the area ``area_name`` (of ``kind``, see :func:`find_area`);
    nothing is written on failure."""
    root = Path(folder).expanduser().resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InitError(f"{root} already exists and is not an empty folder: choose a new folder")
    area = find_area(area_name, kind)
    try:
        fy = FinancialYear.parse(year) if year else FinancialYear.parse(current_year())
    except ValueError as exc:
        raise InitError(f"--year: {exc}") from None
    name = name or f"Safer {area.name}"
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
    try:
        files = {
            SETTINGS_FILE: settings_text(area, name, fy.label),
            "README.md": README.format(
                name=name, area=area.name, force=area.force, year=fy.label, settings=SETTINGS_FILE
            ),
            ".gitignore": GITIGNORE,
            "outputs/.gitkeep": "",
        }
        files.update({f"data/{k}": v for k, v in data_files(area, name, fy.label).items()})
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (tmp / "data" / "crime").mkdir()
        notebooks.update_copies(tmp / "notebooks")
        load_project(tmp)  # the settings must read back
        if root.exists():
            root.rmdir()
        tmp.rename(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Made(root, area, fy.label, sorted(files))
