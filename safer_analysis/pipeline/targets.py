"""What a build may write into: only folders it made itself, never a user's folder or a project.

A pack (``<out>/<year>/``) or a whole-force build (``<out>/<force>-<year>/``) is the tool's own
when its ``manifest.json`` names the tool (``"tool": "safer-analysis"``) or, for a pack built by
an earlier version, holds the keys every earlier manifest had (``financial_year``,
``package_version``, ``built_at``). A manifest lists every file the build wrote (``files``); a
file found in a pack that its manifest does not list (for an earlier pack: that is not a page,
notebook, workbook, table or summary) was put there by someone else, and the pack is not
replaced. Any other folder or file standing at a target is refused, and so is a target inside
the project's ``data/`` or one that holds the project itself.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path
from typing import Any

from safer_analysis.errors import ParameterError

#: The value of a manifest's ``tool`` key: the mark of a folder this package made.
TOOL = "safer-analysis"
#: Keys every manifest of an earlier version held (packs and whole-force builds alike).
LEGACY_KEYS = frozenset({"financial_year", "package_version", "built_at"})
#: What an earlier version wrote into a pack (and into each area's folder of a whole-force build).
LEGACY_PATTERNS = (
    "manifest.json",
    "*.html",
    "*.ipynb",
    "*.xlsx",
    "tables/*.csv",
    "summaries/*.json",
    "*/*.html",
    "*/*.ipynb",
    "*/tables/*.csv",
    "*/summaries/*.json",
)

__all__ = ["TOOL", "check_target", "files_of", "made_by_tool", "marker", "read_manifest"]


def marker(**fields: Any) -> dict[str, Any]:
    """The start of every manifest this package writes: ``{"tool": "safer-analysis", ...}``."""
    return {"tool": TOOL, **fields}


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The JSON object in ``folder/manifest.json``, or None when there is none or it is not one."""
    path = folder / "manifest.json"
    if path.is_symlink() or not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def made_by_tool(folder: Path) -> bool:
    """Whether ``folder`` is a real folder whose manifest shows this package (or an earlier version) made it."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    manifest = read_manifest(folder)
    if manifest is None:
        return False
    return manifest.get("tool") == TOOL or LEGACY_KEYS <= manifest.keys()


def files_of(folder: Path) -> list[str]:
    """Every file below ``folder`` (symbolic links included, not followed), as sorted relative paths."""
    found = []
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        found += [(base / name).as_posix() for name in files]
        found += [(base / name).as_posix() for name in dirs if (Path(root) / name).is_symlink()]
    return sorted(found)


def foreign_files(folder: Path) -> list[str]:
    """The files in a pack the tool made that its build did not write (a user's own, to keep)."""
    manifest = read_manifest(folder) or {}
    listed = manifest.get("files")
    present = files_of(folder)
    if isinstance(listed, list) and manifest.get("tool") == TOOL:
        known = set(listed) | {"manifest.json"}
        return [f for f in present if f not in known]
    return [f for f in present if not any(_matches(f, p) for p in LEGACY_PATTERNS)]


def _matches(path: str, pattern: str) -> bool:
    """Whether a relative path matches a pattern part by part (``*`` never crosses a ``/``)."""
    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, wanted, strict=True))


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or below it."""
    return path == folder or folder in path.parents


def check_target(target: Path, *, data_dir: Path, project_root: Path, option: str = "--out") -> None:
    """Refuse (ParameterError) to build into ``target`` unless it is absent or a folder this package made.

    ``target`` is the folder a build replaces (``<out>/<year>``); it must not be inside the
    project's ``data/`` nor hold the project, and whatever stands there must be the tool's own,
    with no file in it the tool did not write.
    """
    target = Path(os.path.abspath(target))
    real = target.resolve()
    data, root = data_dir.resolve(), project_root.resolve()
    if _inside(real, data):
        raise ParameterError(
            f"{option}: {target} is inside the project's data folder {data}, which holds its inputs; "
            "give a folder outside data/ (the default is the project's outputs/)"
        )
    if _inside(root, real):
        raise ParameterError(
            f"{option}: {target} holds the project {root} itself, which a build would replace; "
            "give another --out (the default is the project's outputs/)"
        )
    if not (target.exists() or target.is_symlink()):
        return
    if target.is_symlink() or not target.is_dir():
        what = "a link" if target.is_symlink() else "a file"
        raise ParameterError(
            f"{option}: {target} is {what} that safer-analysis did not make; move it away, or give another --out"
        )
    if not made_by_tool(target):
        raise ParameterError(
            f"{option}: {target} already exists and is not a pack safer-analysis built (it has no manifest.json "
            "naming the tool), so it is left alone; move it away, or give another --out"
        )
    foreign = foreign_files(target)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise ParameterError(
            f"{option}: {target} holds {shown}, which the build did not write and would lose; "
            "move them out of the pack, then build again"
        )
