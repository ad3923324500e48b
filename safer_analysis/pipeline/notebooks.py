"""The report notebooks: the package's templates, and a project's copies of them.

Decision: a build always runs the notebooks shipped inside the package, so every project builds
with the notebooks of the package version it has installed, and an upgrade reaches every
project at once. A project also holds copies in its ``notebooks/`` folder, so an analyst can read
them in JupyterLab and run one with the plain ``papermill`` command. A copy that differs from the
installed package's template is never used silently: the build names it and says how to bring it
in step (``safer-analysis notebooks --update``, which keeps the old copy beside it: the first as
``<name>.ipynb.old``, later ones as ``<name>.ipynb.old.2``, ``.old.3`` ..., none ever replaced).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TEMPLATES = "safer_analysis.templates.notebooks"


def template_names() -> list[str]:
    """Every notebook the package ships (the reports and the exploration notebook)."""
    folder = resources.files(TEMPLATES)
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".ipynb"))


def template_path(notebook: str) -> Path:
    """The path of a shipped notebook, e.g. ``template_path("spend_analysis.ipynb")``."""
    path = Path(str(resources.files(TEMPLATES).joinpath(notebook)))
    if not path.is_file():
        raise FileNotFoundError(f"the package ships no notebook {notebook!r}; it has {', '.join(template_names())}")
    return path


def digest(path: Path) -> str:
    """A hash of what a notebook says (cell types, sources, tags), ignoring outputs and metadata."""
    node = json.loads(path.read_text(encoding="utf-8"))
    cells = [
        (
            c["cell_type"],
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
            sorted(c.get("metadata", {}).get("tags", [])),
        )
        for c in node["cells"]
    ]
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()


#: The start of the state of a copy that cannot be read as a notebook (e.g. half saved).
UNREADABLE = "unreadable (not a notebook)"


@dataclass(frozen=True)
class CopyState:
    """How a project's copy of a notebook stands; ``kept`` names where an update kept the old copy."""

    notebook: str
    state: str  # "in step", "differs", "missing", or "unreadable (not a notebook): <reason>"
    kept: str | None = None

    @property
    def unreadable(self) -> bool:
        return self.state.startswith(UNREADABLE)

    @property
    def replaced(self) -> bool:
        """Whether an update replaces this copy, keeping it under an ``.old`` name."""
        return self.state == "differs" or self.unreadable


def _not_a_notebook(exc: Exception) -> str:
    """Why a copy could not be read as a notebook, in a few words."""
    if isinstance(exc, UnicodeDecodeError):
        return f"byte {exc.start + 1} is not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"not complete JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    return "JSON without the notebook's list of cells, each with a cell_type and source"


def copy_state(copy: Path, name: str) -> CopyState:
    """How one copy stands against the template ``name``; a copy that cannot be read is ``unreadable``."""
    if not copy.is_file():
        return CopyState(name, "missing")
    try:
        mine = digest(copy)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # ValueError covers JSON and UTF-8
        return CopyState(name, f"{UNREADABLE}: {_not_a_notebook(exc)}")
    return CopyState(name, "in step" if mine == digest(template_path(name)) else "differs")


def compare_copies(notebooks_dir: Path) -> list[CopyState]:
    """How each of a project's copies stands against the installed package's template."""
    return [copy_state(notebooks_dir / name, name) for name in template_names()]


def drift_message(states: list[CopyState], notebooks_dir: Path) -> str | None:
    """A sentence naming the copies that are not in step with the package, or None."""
    stale = [s.notebook for s in states if s.state == "differs"]
    broken = [s.notebook for s in states if s.unreadable]
    if not stale and not broken:
        return None
    said = []
    if stale:
        said.append(
            f"{len(stale)} notebook(s) in {notebooks_dir} differ from this version of safer-analysis "
            f"({', '.join(stale)})"
        )
    if broken:
        said.append(f"{len(broken)} notebook(s) in {notebooks_dir} cannot be read as notebooks ({', '.join(broken)})")
    return (
        "; ".join(said) + ": the build used the package's own; run `safer-analysis notebooks --update` "
        "to refresh the copies (each old copy is kept, as <name>.ipynb.old, .old.2 ...)"
    )


def old_copy_name(copy: Path) -> Path:
    """The first free name to keep an old copy under: ``<name>.old``, then ``<name>.old.2``, ``.old.3`` ..."""
    candidate, n = copy.with_name(copy.name + ".old"), 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = copy.with_name(f"{copy.name}.old.{n}")
    return candidate


def update_copies(notebooks_dir: Path) -> list[CopyState]:
    """Copy every template that is missing, differs or cannot be read into ``notebooks_dir``; keep
    each differing or unreadable copy under a new ``.old`` name (:func:`old_copy_name`), never over an earlier one."""
    notebooks_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for state in compare_copies(notebooks_dir):
        if state.state == "in step":
            continue
        target = notebooks_dir / state.notebook
        kept = None
        if state.replaced:
            old = old_copy_name(target)
            with open(target, "rb") as source, open(old, "xb") as copy:  # "x": never over an existing file
                shutil.copyfileobj(source, copy)
            kept = old.name
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(template_path(state.notebook), tmp)
        tmp.replace(target)
        changed.append(CopyState(state.notebook, state.state, kept))
    return changed
