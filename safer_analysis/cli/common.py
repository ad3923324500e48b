"""What the commands share: exit codes, naming an area, and one line for a failure."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from safer_analysis.errors import ParameterError
from safer_analysis.inputs.project import Project

#: Exit codes: 0 success, 1 a notebook failed, 2 bad parameters, 3 bad input data,
#: 4 another build is writing into the same output folder, or another import into the same store.
EXIT_FAILED, EXIT_USAGE, EXIT_DATA, EXIT_BUSY = 1, 2, 3, 4


def _resolve_named(option: str, name: str):
    """The area an option names (ParameterError, exit 2, for an unknown name), said on stdout."""
    from safer_analysis.inputs import areas

    kind = {"--csp": areas.CSP, "--authority": areas.AUTHORITY}.get(option)
    area = areas.resolve(name, kind)
    print(f"Area ({option} {name}): {area.describe()}.", flush=True)
    return area


def _area_to_build(args: argparse.Namespace, project: Project) -> str | None:
    """The label of the area --csp, --authority or --area names for a build; None for the project's own."""
    named = args.named or []
    if len(named) > 1:
        raise ParameterError("give one area to assess, with one of --csp, --authority or --area")
    if not named or named[0][1].strip().lower() == project.settings.area.lower():
        return None
    area = _resolve_named(*named[0])
    return None if project.is_own(area) else area.label


def _progress_line(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


def _failed_run(exc: Exception) -> str:
    """'; the failed run is in PATH' for a failed build that kept its run, else ''."""
    kept = getattr(exc, "kept", None)
    return f"; the failed run is in {kept}" if kept else ""


def _cannot_write(exc: OSError, where: Path, other: str = ", or give another --out") -> str:
    """One line for a file system failure while writing: a full disk and a permission named as such."""
    path = exc.filename or where
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: the disk is full (no space left on the device); free some space{other}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{path}: permission denied ({exc.strerror}); make the folder writable{other}"
    return f"{path}: cannot write ({exc.strerror or exc}); check the folder{other}"


def _check_format(project: Project) -> None:
    """The lines of ``check`` on the project's format: current, or what is new since and what to fill."""
    import tomllib

    from safer_analysis.inputs import project_format
    from safer_analysis.inputs.project import read_settings_text

    raw = tomllib.loads(read_settings_text(project.settings_file))
    print("\n".join(project_format.report(project.root, raw)))
