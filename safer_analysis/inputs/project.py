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

The settings file is read as UTF-8, with or without a byte-order mark. Loading a project checks
its partnership, local authority and police force codes against the ONS lookups shipped with the
package and against each other (:func:`check_codes`), so every command refuses settings whose
population or force would belong to another area.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from safer_analysis.errors import NoProjectError, SettingsError
from safer_analysis.inputs import project_format
from safer_analysis.inputs.names import counts_file, store_name

if TYPE_CHECKING:
    from safer_analysis.inputs import areas

SETTINGS_FILE = "safer-analysis.toml"
#: An environment variable that names the project when no folder is given.
PROJECT_ENV = "SAFER_ANALYSIS_PROJECT"

#: The protective markings a pack (and a partner's figure) may carry: Government Security
#: Classifications, the first the default.
MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


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
    #: the protective marking every page of the pack shows (OFFICIAL unless set)
    marking: str = "OFFICIAL"
    #: the board paper's title block: the meeting, its date, the author, and whether it is for decision
    meeting: str = ""
    meeting_date: str = ""
    author: str = ""
    paper_for: str = "decision"
    lsoa_boundaries: str = ""
    ward_boundaries: str = ""
    #: the format of the project's files ([project] format); a project made before the number existed is format 1
    format: int = 1

    @property
    def prefixes(self) -> tuple[str, ...]:
        """LSOA name prefixes that select the area's police.uk rows (its authorities' names)."""
        return self.lsoa_name_prefixes or (self.area,)


#: What a board paper may be put to the board for.
PAPER_FOR = ("decision", "information")

#: What a 360Giving identifier prefix may hold ([open_data] prefix, or ``export-360giving --prefix``).
OPEN_DATA_PREFIX = re.compile(r"[A-Za-z0-9-]+")

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
    "marking": ("reports", "marking"),
    "meeting": ("board", "meeting"),
    "meeting_date": ("board", "date"),
    "author": ("board", "author"),
    "paper_for": ("board", "paper_for"),
    "lsoa_boundaries": ("geography", "lsoa_boundaries"),
    "ward_boundaries": ("geography", "ward_boundaries"),
    "format": (project_format.TABLE, project_format.KEY),
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
    own = raw.get(project_format.TABLE)
    number = own.get(project_format.KEY) if isinstance(own, dict) else None
    if isinstance(number, int) and not isinstance(number, bool) and number > project_format.CURRENT:
        raise SettingsError(f"{path}: {project_format.newer_message(number)}")  # before its settings are judged
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
            top = project_format.CURRENT if name == "format" else 100
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                raise SettingsError(f"{path}: [{table}] {key} should be a whole number from 1 to {top}, got {value!r}")
        elif not isinstance(value, str):
            raise SettingsError(f"{path}: [{table}] {key} should be text in quotes, got {value!r}")
        values[name] = value
    if not str(values["name"]).strip() or not str(values["area"]).strip():
        raise SettingsError(f"{path}: [partnership] name and area must not be empty")
    prefix = values.get("open_data_prefix")
    if prefix and not OPEN_DATA_PREFIX.fullmatch(str(prefix)):
        raise SettingsError(
            f"{path}: [open_data] prefix should be letters, digits and hyphens (such as saferplymouth), got {prefix!r}"
        )
    marking = values.get("marking")
    if marking is not None:
        shown = "-".join(str(marking).upper().replace("_", " ").split())
        if shown not in MARKINGS:
            raise SettingsError(f"{path}: [reports] marking should be {' or '.join(MARKINGS)}, got {marking!r}")
        values["marking"] = shown
    paper_for = values.get("paper_for")
    if paper_for is not None and paper_for not in PAPER_FOR:
        raise SettingsError(f"{path}: [board] paper_for should be {' or '.join(PAPER_FOR)}, got {paper_for!r}")
    date = values.get("meeting_date")
    if date:
        import datetime as dt

        try:
            dt.date.fromisoformat(str(date))
        except ValueError:
            raise SettingsError(f"{path}: [board] date should be a date written YYYY-MM-DD, got {date!r}") from None
    year = values.get("default_year")
    if year:
        from safer_analysis.inputs.years import FinancialYear

        try:
            values["default_year"] = FinancialYear.parse(year).label
        except ValueError as exc:
            raise SettingsError(f"{path}: [reports] default_year: {exc}") from None
    return Settings(**values)  # type: ignore[arg-type]


def _shown(value: str | tuple[str, ...]) -> str:
    """A setting's value as it is written in the TOML file."""
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return f'"{value}"'


def _same_name(a: str, b: str) -> bool:
    """Whether two names are the same in any case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def check_codes(settings: Settings, path: Path) -> None:
    """The settings' partnership, local authority and police force codes (and the force's name)
    checked against the ONS lookups shipped with the package and against each other; a
    SettingsError in one line naming the setting, its value and what the lookups say otherwise.
    Settings that give no codes (an area made of LSOAs) have nothing to check."""
    _check_codes(
        settings.csp_code.strip(),
        tuple(c.strip() for c in settings.local_authority_codes),
        settings.police_force_code.strip(),
        settings.police_force.strip(),
        str(path),
    )


@cache
def _check_codes(csp_code: str, authority_codes: tuple[str, ...], force_code: str, force: str, path: str) -> None:
    """:func:`check_codes` on the values themselves; a project loaded again is not checked again."""
    if not (csp_code or authority_codes or force_code or force):
        return
    from safer_analysis.inputs import areas, reference

    lookup = reference.csp_lookup()
    csps = dict(zip(lookup["csp24_code"], lookup["csp24_name"], strict=True))
    forces = dict(zip(lookup["pfa24_code"], lookup["pfa24_name"], strict=True))
    districts = reference.read_table("lookup_ltla22_ltla23.csv")
    authorities = dict(zip(districts["ltla22_code"], districts["ltla22_name"], strict=True))
    authorities.update(zip(lookup["ltla24_code"], lookup["ltla24_name"], strict=True))

    def fail(setting: str, value: str | tuple[str, ...], said: str) -> None:
        """Refuse ``setting`` (holding ``value``) for the reason ``said``."""
        raise SettingsError(f"{path}: [partnership] {setting} = {_shown(value)}: {said}")

    def named(codes) -> str:
        """Codes with their names: 'E06000026 (Plymouth)'."""
        return ", ".join(f"{c} ({authorities.get(c) or csps.get(c) or forces.get(c, '?')})" for c in codes)

    def unknown(code: str, what: str, table: dict[str, str]) -> str:
        """Why ``code`` is not a code of ``what``: written in lower case, or the code of something else."""
        if code.upper() in table:
            return f"ONS codes are written in capitals: {code.upper()}"
        for other, words, setting in (
            (csps, "the Community Safety Partnership", "csp_code"),
            (authorities, "the local authority", "local_authority_codes"),
            (forces, "the police force area", "police_force_code"),
        ):
            if other is not table and code.upper() in other:
                return f"{code.upper()} is {words} {other[code.upper()]}, which belongs in {setting}"
        return f"no {what} has this code in the ONS lookups shipped with the package"

    csp = None
    if csp_code:
        if csp_code not in csps:
            fail(
                "csp_code",
                csp_code,
                unknown(csp_code, "Community Safety Partnership", csps)
                + ' (partnerships are E22 in England, W14 in Wales); give its 2024 code, or "" for an area '
                "that is not one partnership",
            )
        try:
            csp = areas.resolve(csp_code)
        except areas.UnknownAreaError as exc:
            fail("csp_code", csp_code, str(exc))
    placed = []
    for code in authority_codes:
        if code not in authorities:
            fail(
                "local_authority_codes",
                authority_codes,
                f"{code}: "
                + unknown(code, "local authority", authorities)
                + " (local authorities are E06 to E09 in England, W06 in Wales, of 2024 or, for districts merged "
                "in 2023, 2022)",
            )
        area = areas.resolve(code)
        for earlier in placed:
            if earlier.lsoa21 & area.lsoa21:
                said = (
                    f"it lists {code} twice, so its population would be counted twice; list it once"
                    if earlier.code == code
                    else f"{named([earlier.code])} and {named([code])} overlap, so their shared population would be "
                    "counted twice; list only one of them"
                )
                fail("local_authority_codes", authority_codes, said)
        placed.append(area)
    if csp and placed:
        partnership = f"{csp.name} ({csp.code}), the partnership of csp_code"
        expected = (
            f"the ONS lookups give it {named(csp.authority_codes)}; list those (populations, and so rates, "
            "come from these authorities)"
        )
        for area in placed:
            if not area.lsoa21 <= csp.lsoa21:
                where = "is not in" if not area.lsoa21 & csp.lsoa21 else "reaches beyond"
                said = f"{named([area.code])} {where} {partnership}; {expected}"
                fail("local_authority_codes", authority_codes, said)
        if frozenset().union(*(a.lsoa21 for a in placed)) != csp.lsoa21:
            fail("local_authority_codes", authority_codes, f"these cover only part of {partnership}; {expected}")
    if force_code:
        if force_code not in forces:
            fail(
                "police_force_code",
                force_code,
                unknown(force_code, "police force area", forces) + " (force areas are E23 in England, W15 in Wales)",
            )
        for area in [csp] if csp else placed:
            if area.force_code != force_code:
                fail(
                    "police_force_code",
                    force_code,
                    f"{named([force_code])} is not the force of {area.name} ({area.code}); the ONS lookups give "
                    f"{named([area.force_code])}",
                )
    reference_code = force_code or (csp.force_code if csp else placed[0].force_code if placed else "")
    if force and reference_code and not _same_name(force, forces[reference_code]):
        whose = "police_force_code" if force_code else f"the force of {(csp or placed[0]).name}"
        name = forces[reference_code]
        fail("police_force", force, f'{whose} is {reference_code}, which the ONS lookups name "{name}"')
    if force and not reference_code and not any(_same_name(force, n) for n in forces.values()):
        near = difflib.get_close_matches(force, sorted(set(forces.values())), n=1, cutoff=0.6)
        hint = f' (did you mean "{near[0]}"?)' if near else ""
        fail(
            "police_force",
            force,
            f"no police force area has this name in the ONS lookups shipped with the package{hint}; write the "
            "name as the lookups do, and give police_force_code",
        )


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
        return counts_file(self.all_areas_file)

    def boundary_file(self, kind: str) -> Path | None:
        """The project's boundary file for ``kind`` ("lsoa" or "ward"): the one its settings name
        (``[geography]``), else the one ``import-boundaries`` wrote (``data/boundaries/<kind>.geojson``),
        else None."""
        name = self.settings.lsoa_boundaries if kind == "lsoa" else self.settings.ward_boundaries
        if name:
            return self.root / name
        imported = self.data_dir / "boundaries" / f"{kind}.geojson"
        return imported if imported.is_file() else None

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
        return self.crime_dir / store_name(area or self.settings.area)

    def own_area(self) -> areas.Area | None:
        """The project's own area in the ONS lookups: by its partnership's code, else its one local
        authority's, else its name; None for an area the lookups do not know (one made of LSOAs)."""
        from safer_analysis.inputs import areas

        s = self.settings
        try:
            if s.csp_code:
                return areas.resolve(s.csp_code, areas.CSP)
            if len(s.local_authority_codes) == 1:
                return areas.resolve(s.local_authority_codes[0], areas.AUTHORITY)
            return areas.resolve(s.area)
        except areas.UnknownAreaError:
            return None

    def is_own(self, area: areas.Area) -> bool:
        """Whether ``area`` covers the same LSOAs as the project's own area (City of York and York do)."""
        own = self.own_area()
        return own is not None and (own.lsoa11, own.lsoa21) == (area.lsoa11, area.lsoa21)


def load_project(root: str | os.PathLike, *, codes: bool = True) -> Project:
    """The project whose settings file is in ``root``; with ``codes`` false, its codes are not
    checked against the lookups (for a command that does not use them: loading the lookups is
    most of a second)."""
    root = Path(root).expanduser().resolve()
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise NoProjectError(
            f"{root} is not a safer-analysis project: it has no {SETTINGS_FILE}. Make one with "
            f"`safer-analysis init {root} --csp NAME`."
        )
    settings = parse_settings(read_settings_text(path), path)
    if codes:
        check_codes(settings, path)
    return Project(root, settings)


def find_project(start: str | os.PathLike | None = None, *, codes: bool = True) -> Project:
    """The project containing ``start`` (default: the working folder), searching upwards."""
    here = Path(start or Path.cwd()).expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return load_project(folder, codes=codes)
    raise NoProjectError(
        f"no safer-analysis project here: neither {here} nor any folder above it has a {SETTINGS_FILE}. "
        "Run the command inside a project folder, give one with --project DIR (in a notebook: "
        "-p project DIR), or make one with `safer-analysis init DIR --csp NAME`."
    )


def resolve_project(project: str | os.PathLike | Project | None = None, *, codes: bool = True) -> Project:
    """The project given (a folder or a Project), else ``$SAFER_ANALYSIS_PROJECT``, else the one
    around the working folder (its codes checked unless ``codes`` is false: :func:`load_project`)."""
    if isinstance(project, Project):
        return project
    if project:
        return load_project(project, codes=codes)
    env = os.environ.get(PROJECT_ENV)
    if env:
        return load_project(env, codes=codes)
    return find_project(codes=codes)


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
