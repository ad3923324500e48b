"""A partnership's project folder: its settings file, its inputs and where its outputs go.

A project is a folder with a ``safer-analysis.toml`` settings file at its root. Every command
finds its project from the working folder upwards, as git finds a repository, or from the folder
it is given (``--project DIR``, or the ``project`` notebook parameter); never from where the
package is installed. The layout inside a project::

    safer-analysis.toml   the settings: the partnership, its area and codes, funder, contact
    data/                 the partnership's own inputs (see data/README.md)
    data/crime/           police.uk data imported for the area (``import-police-uk``)
    notebooks/            copies of the package's report notebooks, for papermill and JupyterLab
    outputs/<year>/       built board packs
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from safer_analysis.errors import NoProjectError, SettingsError

SETTINGS_FILE = "safer-analysis.toml"
#: An environment variable that names the project when no folder is given.
PROJECT_ENV = "SAFER_ANALYSIS_PROJECT"


@dataclass(frozen=True)
class Settings:
    """What a project says about its partnership. Only ``name`` and ``area`` are required."""

    name: str
    area: str
    csp_code: str = ""
    local_authority_codes: tuple[str, ...] = ()
    lsoa_name_prefixes: tuple[str, ...] = ()
    police_force: str = ""
    police_force_code: str = ""
    contact: str = ""
    funder_id: str = ""
    funder_name: str = ""
    funder_department: str = ""
    open_data_prefix: str = ""
    local_vocabulary: str = ""
    default_year: str = ""
    suppression_threshold: int = 5
    lsoa_boundaries: str = ""
    ward_boundaries: str = ""

    @property
    def prefixes(self) -> tuple[str, ...]:
        """LSOA name prefixes that select the area's police.uk rows (its authorities' names)."""
        return self.lsoa_name_prefixes or (self.area,)


#: Where each setting lives in the TOML file: (table, key).
_KEYS = {
    "name": ("partnership", "name"),
    "area": ("partnership", "area"),
    "csp_code": ("partnership", "csp_code"),
    "local_authority_codes": ("partnership", "local_authority_codes"),
    "lsoa_name_prefixes": ("partnership", "lsoa_name_prefixes"),
    "police_force": ("partnership", "police_force"),
    "police_force_code": ("partnership", "police_force_code"),
    "contact": ("partnership", "contact"),
    "funder_id": ("funder", "id"),
    "funder_name": ("funder", "name"),
    "funder_department": ("funder", "department"),
    "open_data_prefix": ("open_data", "prefix"),
    "local_vocabulary": ("open_data", "local_vocabulary"),
    "default_year": ("reports", "default_year"),
    "suppression_threshold": ("reports", "suppression_threshold"),
    "lsoa_boundaries": ("geography", "lsoa_boundaries"),
    "ward_boundaries": ("geography", "ward_boundaries"),
}
_REQUIRED = ("name", "area")


def read_settings_text(path: Path) -> str:
    """The text of the settings file ``path``, read as UTF-8 with or without a byte-order mark; a
    SettingsError in one line naming the file, the line and the byte otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SettingsError(
            f"{path}: cannot be read ({exc.strerror or exc}); check the file and its permissions"
        ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SettingsError(f"{path}: the file is saved as UTF-16; save it as UTF-8 and run the command again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SettingsError(
            f"{path}: line {line}, byte {byte}: 0x{data[exc.start]:02X} is not UTF-8 text (the file was saved "
            "in another encoding, such as Windows-1252); save it as UTF-8 and run the command again"
        ) from None


def parse_settings(text: str, path: Path) -> Settings:
    """Settings from the TOML ``text`` of ``path``; a SettingsError naming the key for any fault."""
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    known = {(t, k) for t, k in _KEYS.values()}
    for table, body in raw.items():
        if not isinstance(body, dict):
            raise SettingsError(
                f"{path}: {table!r} should be a [table]; expected one of {', '.join(sorted({t for t, _ in known}))}"
            )
        for key in body:
            if (table, key) not in known:
                options = ", ".join(k for t, k in sorted(known) if t == table) or "none"
                raise SettingsError(f"{path}: unknown setting [{table}] {key}; [{table}] takes {options}")
    values: dict[str, object] = {}
    types = {f.name: f.type for f in fields(Settings)}
    for name, (table, key) in _KEYS.items():
        if key not in raw.get(table, {}):
            if name in _REQUIRED:
                raise SettingsError(f"{path}: [{table}] {key} is missing; it is required")
            continue
        value = raw[table][key]
        kind = types[name]
        if "tuple" in str(kind):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f'{path}: [{table}] {key} should be a list of text, e.g. ["E06000026"]')
            value = tuple(value)
        elif "int" in str(kind):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingsError(f"{path}: [{table}] {key} should be a whole number of 1 or more, got {value!r}")
        elif not isinstance(value, str):
            raise SettingsError(f"{path}: [{table}] {key} should be text in quotes, got {value!r}")
        values[name] = value
    if not str(values["name"]).strip() or not str(values["area"]).strip():
        raise SettingsError(f"{path}: [partnership] name and area must not be empty")
    year = values.get("default_year")
    if year:
        from safer_analysis.inputs.years import FinancialYear

        try:
            values["default_year"] = FinancialYear.parse(year).label
        except ValueError as exc:
            raise SettingsError(f"{path}: [reports] default_year: {exc}") from None
    return Settings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Project:
    """A partnership's project folder and its settings."""

    root: Path
    settings: Settings

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def crime_dir(self) -> Path:
        return self.data_dir / "crime"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs"

    @property
    def all_areas_file(self) -> Path:
        """Where an import of every area of the data (``import-police-uk --all-areas``) is stored."""
        return self.crime_dir / "all-areas-street.parquet"

    @property
    def partnership_counts_file(self) -> Path:
        """The counts per partnership, month and crime type written beside the store of all areas
        (``all-areas-counts.csv``): what the comparison with the force's other partnerships reads."""
        from safer_analysis.inputs.police_uk import counts_file  # police_uk imports this module

        return counts_file(self.all_areas_file)

    def boundary_file(self, kind: str) -> Path | None:
        """The project's boundary file for ``kind`` ("lsoa" or "ward"), if its settings name one."""
        name = self.settings.lsoa_boundaries if kind == "lsoa" else self.settings.ward_boundaries
        return (self.root / name) if name else None

    def crime_source(self, area: str | None = None, crime_data: str = "") -> tuple[Path, bool]:
        """The file holding an area's police.uk rows, and whether the area is to be cut from the
        store of all areas: the file given, else the area's own store, else the store of all
        areas when there is one (else the area's own store, missing, for the error to name)."""
        if crime_data:
            return Path(crime_data), False
        own = self.crime_file(area)
        if own.is_file() or not self.all_areas_file.is_file():
            return own, False
        return self.all_areas_file, True

    def crime_file(self, area: str | None = None) -> Path:
        """Where the police.uk data for ``area`` (default: the project's own) are stored."""
        return self.crime_dir / f"{slug(area or self.settings.area)}-street.parquet"


def slug(text: str) -> str:
    """'Plymouth' -> 'plymouth'; 'Bath and North East Somerset' -> 'bath-and-north-east-somerset'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_project(root: str | os.PathLike) -> Project:
    """The project whose settings file is in ``root``."""
    root = Path(root).expanduser().resolve()
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise NoProjectError(
            f"{root} is not a safer-analysis project: it has no {SETTINGS_FILE}. Make one with "
            f"`safer-analysis init {root} --csp NAME`."
        )
    settings = parse_settings(read_settings_text(path), path)
    return Project(root, settings)


def find_project(start: str | os.PathLike | None = None) -> Project:
    """The project containing ``start`` (default: the working folder), searching upwards."""
    here = Path(start or Path.cwd()).expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return load_project(folder)
    raise NoProjectError(
        f"no safer-analysis project here: neither {here} nor any folder above it has a {SETTINGS_FILE}. "
        "Run the command inside a project folder, give one with --project DIR (in a notebook: "
        "-p project DIR), or make one with `safer-analysis init DIR --csp NAME`."
    )


def resolve_project(project: str | os.PathLike | Project | None = None) -> Project:
    """The project given (a folder or a Project), else ``$SAFER_ANALYSIS_PROJECT``, else the one
    around the working folder."""
    if isinstance(project, Project):
        return project
    if project:
        return load_project(project)
    env = os.environ.get(PROJECT_ENV)
    if env:
        return load_project(env)
    return find_project()


def git_commit(root: Path) -> str:
    """The commit checked out in ``root`` (with '-dirty' when files differ), or 'unknown' outside git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")
