"""``safer-analysis import-indicators FILE [--priority NAME]``: partners' indicators into the project."""

from __future__ import annotations

import argparse

from safer_analysis.cli.common import _cannot_write
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.project import Project


def _import_indicators(args: argparse.Namespace, project: Project) -> int:

    from safer_analysis.inputs.indicators.gather import own
    from safer_analysis.inputs.indicators.importing import import_indicators

    path = args.file
    if not path.is_file():
        raise ParameterError(
            f"{path}: {'a folder' if path.is_dir() else 'no such file'}; expected a CSV file of indicators"
        )
    try:
        s = project.settings
        codes = own(s.csp_code, s.local_authority_codes)
        done = import_indicators(path, project.data_dir, priority=args.priority, own_codes=codes)
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.data_dir, "")) from None
    print(done.summary())
    return 0


def _check_indicators(project: Project, dataset) -> list[str]:
    """Lines for ``check``, or an error where the indicators are at fault: the partner indicators
    held (the project's, DfE's, ONS's and the documents'), the links to priorities, those named but
    not supplied, and those not yet linked."""
    from safer_analysis.inputs.indicators import priorities, tidy
    from safer_analysis.inputs.indicators.gather import gather

    s = project.settings
    rows = gather(
        project.data_dir,
        csp_code=s.csp_code,
        authority_codes=s.local_authority_codes,
        place=s.area,
        dataset=dataset,
        project=project,
    )
    own = tidy.read_project(project.data_dir)
    lines: list[str] = []
    mapping = priorities.read_project(project.data_dir)
    links = priorities.links(rows, mapping)
    linked = links[links["priority_key"] != ""]
    missing = sorted(set(linked.loc[~linked["supplied"], "indicator"]))
    unlinked = list(links.loc[links["priority_key"] == "", "indicator"])
    lines.append(
        f"Partner indicators: {rows['indicator'].nunique()} held ({own['indicator'].nunique()} in {tidy.FILE}, "
        f"the others DfE's, ONS's and the documents'); {len(linked)} links to priorities"
        + (f"; named but not supplied: {'; '.join(missing)}" if missing else "")
        + (f"; not yet linked to a priority: {'; '.join(unlinked)}" if unlinked else "")
        + "."
    )
    old = [f for f in mapping.attrs.get("files", []) if f != priorities.FILE]
    if old:
        lines.append(
            f"What measures each priority is read from {' and '.join(old)}, which {priorities.FILE} replaces: "
            "`safer-analysis new-year` writes it, or write it yourself (see the data dictionary)."
        )
    elif not (project.data_dir / priorities.FILE).exists():
        lines.append(f"New in this version: {priorities.FILE} says what measures each priority; absent, nothing does.")
    named = set(mapping["priority_key"]) | {
        k for keys in rows.get("priority_keys", []) if isinstance(keys, tuple) for k in keys
    }
    silent = [k for k in dataset.local_priorities["priority_key"] if k not in named]
    if silent:
        lines.append(
            f"Nothing says what measures these priorities, or who holds their figures ({priorities.FILE}): "
            + "; ".join(silent)
            + "."
        )
    return lines
