"""The projects kept in tests/fixtures/projects/, one per project format, and how the current one is made.

``format-N/`` holds the files a project of format N is made with: what ``safer-analysis init``
wrote for Safer Plymouth with the first year 2018-19, less ``notebooks/`` (copies of the
package's notebooks, which a build does not read and ``safer-analysis notebooks --update``
refreshes; they are no part of the format). The bundled police.uk store is added to a copy
before a build. A kept fixture is never changed: it is what an analyst's project of that format
looks like. When the current format changes, make its fixture with::

    .venv/bin/python -m tests.scaffold.project_fixtures

which writes ``format-<CURRENT>/`` and refuses to replace one that exists.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from safer_analysis.inputs.areas import CSP
from safer_analysis.inputs.project_format import CURRENT
from safer_analysis.scaffold.init import init

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "projects"
#: The area and first year every fixture is made for: the bundled police.uk store covers it.
AREA, YEAR = "Plymouth", "2018-19"
#: What init writes that is no part of a project's format.
LEFT_OUT = ("notebooks",)


def fixture(number: int) -> Path:
    return FIXTURES / f"format-{number}"


def kept() -> list[int]:
    """The formats with a fixture, oldest first."""
    return sorted(int(p.name.removeprefix("format-")) for p in FIXTURES.glob("format-*") if p.is_dir())


def files(folder: Path) -> dict[str, bytes]:
    """Every file of a project folder by its path inside it (posix), less those of :data:`LEFT_OUT`."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in LEFT_OUT
    }


def made_today(folder: Path) -> dict[str, bytes]:
    """The files today's ``init`` writes for the fixtures' area and year, made in ``folder`` (which must not exist)."""
    init(folder, AREA, kind=CSP, year=YEAR)
    return files(folder)


def write_current() -> Path:
    """Write the fixture of the current format from today's ``init``; refuse to replace a kept one."""
    target = fixture(CURRENT)
    if target.exists():
        raise SystemExit(f"{target} exists: a kept fixture is never changed (bump the format for a new one)")
    with tempfile.TemporaryDirectory() as tmp:
        made = made_today(Path(tmp) / "project")
    for name, data in made.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


def copy_to(number: int, where: Path) -> Path:
    """A copy of format ``number``'s fixture at ``where``, with the bundled police.uk store, ready to build."""
    shutil.copytree(fixture(number), where)
    (where / "data" / "crime").mkdir(exist_ok=True)
    shutil.copyfile(
        ROOT / "data" / "crime" / "plymouth-street.parquet", where / "data" / "crime" / "plymouth-street.parquet"
    )
    return where


if __name__ == "__main__":
    print(f"Wrote {write_current()}", file=sys.stderr)
