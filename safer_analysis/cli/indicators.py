"""``safer-analysis import-indicators FILE [--priority NAME]``: partners' indicators into the project."""

from __future__ import annotations

import argparse

from safer_analysis.cli.common import _cannot_write
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.project import Project


def _import_indicators(args: argparse.Namespace, project: Project) -> int:

    from safer_analysis.inputs.indicators.importing import import_indicators

    path = args.file
    if not path.is_file():
        raise ParameterError(
            f"{path}: {'a folder' if path.is_dir() else 'no such file'}; expected a CSV file of indicators"
        )
    try:
        done = import_indicators(path, project.data_dir, priority=args.priority)
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.data_dir, "")) from None
    print(done.summary())
    return 0
