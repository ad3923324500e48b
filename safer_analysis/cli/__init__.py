"""The command line: ``safer-analysis init``, ``import-police-uk``, ``build``, ``check`` and more.

Every command works on a project: the folder given with ``--project DIR``, else the one around
the working folder (the nearest folder upwards with a ``safer-analysis.toml``).
"""

from __future__ import annotations

import logging
import sys
import time

from safer_analysis.cli.board import _check_decisions
from safer_analysis.cli.common import EXIT_BUSY, EXIT_DATA, EXIT_FAILED, EXIT_USAGE, _check_format
from safer_analysis.cli.imports import (
    _check_boundaries,
    _import_boundaries,
    _import_police_uk,
    _import_population,
    _import_recorded_crime,
)
from safer_analysis.cli.indicators import _check_indicators, _import_indicators
from safer_analysis.cli.parser import make_parser
from safer_analysis.errors import BusyError, DataValidationError, ParameterError
from safer_analysis.inputs.project import resolve_project

# The commands' own modules are imported when the command runs: pandas and the reports cost a
# second of start-up that an import of police.uk data, which parses while they load, need not wait for.

__all__ = ["EXIT_BUSY", "EXIT_DATA", "EXIT_FAILED", "EXIT_USAGE", "main", "make_parser"]


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = make_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command in ("init", "build", "export-360giving", "new-year", "notebooks"):
            from safer_analysis.cli.building import _build, _export_360giving, _init, _new_year, _notebooks
        if args.command == "init":
            return _init(args)
        if args.command == "peers":  # a project's area and data when there is one, else --area alone
            from safer_analysis.cli.compare import _peers

            return _peers(args)
        # an import of every area uses neither the partnership's codes nor its data: it does not wait for them
        every_area = args.command == "import-police-uk" and args.all_areas
        project = resolve_project(args.project, codes=not every_area)
        if args.command == "build":
            return _build(args, project)
        if args.command == "export-360giving":
            return _export_360giving(args, project)
        if args.command == "import-police-uk":
            return _import_police_uk(args, project)
        if args.command == "import-recorded-crime":
            return _import_recorded_crime(args, project)
        if args.command == "new-year":
            return _new_year(args, project)
        if args.command == "notebooks":
            return _notebooks(args, project)
        if args.command == "import-population":
            return _import_population(args, project)
        if args.command == "import-indicators":
            return _import_indicators(args, project)
        if args.command == "import-boundaries":
            return _import_boundaries(args, project)
        from safer_analysis.inputs.datasets import load_dataset

        dataset = load_dataset(project.data_dir)
        if args.command == "years":
            for year in dataset.years:
                print(year)
        elif args.command == "check":
            from safer_analysis.inputs.recorded_crime import read_project_table

            read_project_table(project.data_dir)  # the editions of recorded crime it imported, if any
            n = len(dataset.allocations)
            s = project.settings
            codes = ", ".join(c for c in (s.csp_code, *s.local_authority_codes, s.police_force_code) if c)
            agreed = f" (its codes {codes} agree with the ONS lookups)" if codes else ""
            said = _check_indicators(project, dataset) + _check_decisions(project, dataset)  # may refuse: first
            print(
                f"{s.name}: settings valid{agreed}; all files valid in {project.data_dir} ({n} allocation lines, "
                f"years {', '.join(dataset.years) or 'none yet'}) in {time.perf_counter() - started:.1f} s."
            )
            print("\n".join(said))
            code = _check_boundaries(project)
            _check_format(project)
            return code
        return 0
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except BusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
