"""The commands that make things: ``init``, ``new-year``, ``build`` (one area, several or the
whole force), ``export-360giving`` and ``notebooks``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from safer_analysis import __version__
from safer_analysis.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    _area_to_build,
    _cannot_write,
    _failed_run,
    _progress_line,
    _resolve_named,
)
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.project import Project


def _build(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.pipeline.runner import BuildError, build

    extra = dict(args.param)
    if args.period_end:
        extra["period_end"] = args.period_end
    years = load_dataset(project.data_dir).years if args.all_years else [args.year or project.settings.default_year]
    if not years or not years[0]:
        raise ParameterError(
            f"no year given and {project.settings_file} sets no [reports] default_year: give one with --year YYYY-YY"
        )
    out = args.out or project.outputs_dir
    if args.whole_force is not None or args.areas:
        return _build_force(args, project, years, out)
    csp = _area_to_build(args, project)
    failures = 0
    for year in years:
        print(f"Building the board pack for {year} ...", flush=True)
        try:
            result = build(
                year,
                out,
                project=project,
                products=args.product,
                parameters=extra,
                jobs=args.jobs,
                csp=csp,
                progress=_progress_line,
                public=args.public,
            )
        except BuildError as exc:
            print(f"error: {year}: {exc}", file=sys.stderr)
            print(f"The previous outputs in {out / year} are untouched{_failed_run(exc)}.", file=sys.stderr)
            failures += 1
            continue
        except OSError as exc:
            raise ParameterError(_cannot_write(exc, out)) from None
        books = sorted(p.name for p in [*result.out_dir.glob("*.pdf"), *result.out_dir.glob("*.xlsx")])
        print(
            f"Wrote {result.out_dir}/: {', '.join(p + '.html' for p in result.products)}, index.html, "
            f"{', '.join(books) + ', ' if books else ''}manifest.json and tables/ in {result.seconds:.1f} s."
        )
    return EXIT_FAILED if failures else 0


def _build_force(args: argparse.Namespace, project: Project, years: list[str], out: Path) -> int:
    from safer_analysis.pipeline.force import build_force
    from safer_analysis.pipeline.runner import BuildError

    if args.product or args.param or args.named:
        raise ParameterError(
            "--whole-force and --areas build strategic assessments only: leave out --product, -p and "
            "--csp, --authority or --area"
        )
    if args.public:
        raise ParameterError("--public builds one partnership's pack: leave out --whole-force and --areas")
    if args.areas:  # each said as it is read: a partnership, else a local authority, else a force area
        args.areas = list(dict.fromkeys(_resolve_named("--areas", name).label for name in args.areas))
    bar = sys.stderr.isatty() or bool(os.environ.get("SAFER_ANALYSIS_PROGRESS"))
    failures = 0
    for year in years:
        what = (
            ", ".join(args.areas)
            if args.areas
            else f"every partnership of {args.whole_force or 'the project' + chr(39) + 's force'}"
        )
        print(f"Building strategic assessments for {year}: {what} ...", flush=True)
        try:
            result = build_force(
                year,
                out,
                project=project,
                force=args.whole_force or None,
                areas=args.areas,
                period_end=args.period_end,
                jobs=args.jobs,
                bar=bar,
                progress=None if bar else _progress_line,
            )
        except BuildError as exc:
            print(f"error: {year}: {exc}", file=sys.stderr)
            print(f"Any previous build in {out} is untouched{_failed_run(exc)}.", file=sys.stderr)
            failures += 1
            continue
        except OSError as exc:
            raise ParameterError(_cannot_write(exc, out)) from None
        print(
            f"Wrote {result.out_dir}/: index.html, force_overview.html and {len(result.areas) - 1} "
            f"strategic assessments in {result.seconds:.1f} s."
        )
    return EXIT_FAILED if failures else 0


def _export_360giving(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.exports import giving360
    from safer_analysis.reports.context import check_year

    dataset = load_dataset(project.data_dir)
    year = check_year(args.year, dataset).label
    try:
        paths = giving360.export(
            dataset, year, args.out, settings=project.settings, prefix=args.prefix, data_dir=project.data_dir
        )
    except giving360.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, args.out)) from None
    print("Wrote " + " and ".join(str(p) for p in paths) + ".")
    return 0


def _new_year(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.inputs.years import FinancialYearError
    from safer_analysis.scaffold.new_year import NewYearError, new_year

    try:
        scaffold = new_year(args.year, project.data_dir, publisher=project.settings.name)
    except (NewYearError, FinancialYearError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(scaffold.summary())
    return 0


def _init(args: argparse.Namespace) -> int:
    from safer_analysis.inputs import areas
    from safer_analysis.scaffold.init import InitError, init

    if len(args.named or []) != 1:
        raise ParameterError("give the project's area with one of --csp, --authority or --area, once")
    option, area = args.named[0]
    kind = {"--csp": areas.CSP, "--authority": areas.AUTHORITY}.get(option)
    try:
        made = init(args.folder, area, kind=kind, year=args.year, name=args.name)
    except InitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(made.summary())
    return 0


def _notebooks(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.pipeline import notebooks

    try:
        states = (
            notebooks.update_copies(project.notebooks_dir)
            if args.update
            else notebooks.compare_copies(project.notebooks_dir)
        )
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.notebooks_dir, "")) from None
    if args.update:
        for s in states:
            if s.unreadable:
                done = f"replaced ({s.state}; the damaged copy kept as {s.kept})"
            else:
                done = f"refreshed (old copy kept as {s.kept})" if s.state == "differs" else "added"
            print(f"{s.notebook}: {done}")
        print(f"The notebooks in {project.notebooks_dir} are in step with safer-analysis {__version__}.")
        return 0
    for s in states:
        print(f"{s.notebook}: {s.state}")
    return 0
