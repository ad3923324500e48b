"""The command line: ``safer-analysis init``, ``import-police-uk``, ``build``, ``check`` and more.

Every command works on a project: the folder given with ``--project DIR``, else the one around
the working folder (the nearest folder upwards with a ``safer-analysis.toml``).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
import time
from pathlib import Path

from safer_analysis import __version__
from safer_analysis.errors import BusyError, ParameterError
from safer_analysis.inputs.datasets import load_dataset
from safer_analysis.inputs.names import store_name
from safer_analysis.inputs.project import Project, resolve_project
from safer_analysis.inputs.validation import DataValidationError
from safer_analysis.reports.registry import PRODUCTS

#: Exit codes: 0 success, 1 a notebook failed, 2 bad parameters, 3 bad input data,
#: 4 another build is writing into the same output folder, or another import into the same store.
EXIT_FAILED, EXIT_USAGE, EXIT_DATA, EXIT_BUSY = 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors exit 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parameter(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    return name.strip(), value


class _Named(argparse.Action):
    """``--csp``, ``--authority`` and ``--area`` gathered into one list of (option, name), in order."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest) or []), (option_string, values)])


#: What each name option asks for: a partnership, an authority, or either (or a force area), in that order.
NAME_OPTIONS = {
    "--csp": "a Community Safety Partnership, by name or ONS code (or by its only local authority: 'York')",
    "--authority": "a local authority, by name or ONS code",
    "--area": "a partnership, else a local authority, else a police force area, by name or ONS code",
}


def _name_options(parser: argparse.ArgumentParser, what: str, **kwargs) -> None:
    """Add --csp, --authority and --area to ``parser``, each naming ``what``."""
    for option, help_text in NAME_OPTIONS.items():
        parser.add_argument(option, dest="named", action=_Named, metavar="NAME", help=f"{what}: {help_text}", **kwargs)


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


def _area_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected area names separated by commas, got {text!r}")
    return names


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="safer-analysis", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the project folder (default: the one around the working folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    n = sub.add_parser("init", help="make a new project folder for a partnership")
    n.add_argument("folder", type=Path, help="the folder to make (it may exist, but must be empty)")
    _name_options(n, "the project's area (give one of these)")
    n.add_argument("--year", default=None, help="the first financial year, e.g. 2019-20 (default: the current one)")
    n.add_argument("--name", default=None, help="how reports name the partnership (default: 'Safer <area>')")

    b = sub.add_parser("build", parents=[common], help="build the board pack for a financial year")
    which = b.add_mutually_exclusive_group()
    which.add_argument("--year", help="financial year to build, e.g. 2018-19 (default: the project's default year)")
    which.add_argument("--all-years", action="store_true", help="build every year in the data")
    b.add_argument(
        "--out", type=Path, default=None, help="folder to write <year>/ into (default: the project's outputs/)"
    )
    b.add_argument(
        "--product", action="append", choices=list(PRODUCTS), help="build only this report (repeatable; default: all)"
    )
    b.add_argument(
        "-p",
        "--param",
        action="append",
        type=_parameter,
        default=[],
        metavar="NAME=VALUE",
        help="an extra notebook parameter (repeatable)",
    )
    _name_options(b, "assess another area than the project's own")
    b.add_argument(
        "--period-end",
        default=None,
        metavar="YYYY-MM",
        help="crime figures for the 12 months ending this month (default: the 12 ending with the last month held "
        "within the year, or the latest 12 held before the year starts)",
    )
    b.add_argument("--jobs", type=int, default=None, help="notebooks to run at once (default: one per core)")
    many = b.add_mutually_exclusive_group()
    many.add_argument(
        "--whole-force",
        nargs="?",
        const="",
        default=None,
        metavar="FORCE",
        help="a strategic assessment for every partnership of the police force (default: the project's), "
        "plus a force overview, from the store of all areas, into <out>/<force>-<year>/",
    )
    many.add_argument(
        "--areas",
        type=_area_list,
        default=None,
        metavar="NAME,NAME",
        help="as --whole-force, for these areas only (comma-separated names or ONS codes)",
    )

    sub.add_parser("years", parents=[common], help="list the financial years in the data")
    sub.add_parser("check", parents=[common], help="validate the input data and report any problems")

    g = sub.add_parser(
        "export-360giving", parents=[common], help="write a year's allocations as 360Giving open grant data"
    )
    g.add_argument("--year", required=True, help="financial year, e.g. 2018-19")
    g.add_argument("--out", type=Path, required=True, help="JSON file to write (the CSV is written beside it)")
    g.add_argument("--prefix", default=None, help="the publisher's 360Giving prefix (default: the project's)")

    y = sub.add_parser(
        "new-year", parents=[common], help="scaffold a new financial year's input files from the year before"
    )
    y.add_argument("year", help="the new financial year, e.g. 2019-20")

    r = sub.add_parser(
        "import-recorded-crime",
        parents=[common],
        help="add ONS's police recorded crime by partnership (a newer edition) to the project (data/reference/)",
    )
    r.add_argument(
        "file",
        type=Path,
        help="ONS's 'Police force area data tables' workbook (.xlsx) as downloaded, or its Table C2, C4 or C5 as CSV",
    )

    i = sub.add_parser(
        "import-police-uk", parents=[common], help="read police.uk street-level archives into the project's crime store"
    )
    i.add_argument("paths", nargs="+", type=Path, help="zip archives or folders of YYYY-MM/ monthly files")
    _name_options(i, "an area to keep (repeatable; default: the project's own area)")
    i.add_argument(
        "--all-areas",
        action="store_true",
        help="keep every area of the archives in one store (data/crime/all-areas-street.parquet), from which any "
        "area's assessment is built without reading the archives again",
    )
    i.add_argument(
        "--lsoa-codes",
        type=Path,
        default=None,
        help="a text file of LSOA codes (one per line) to keep instead of the area's LSOA names",
    )
    i.add_argument("--force", default=None, help="only this force's files, e.g. devon-and-cornwall")
    i.add_argument(
        "--replace-smaller",
        action="store_true",
        help="let a month read again replace the rows held even when it holds fewer than 90%% of them",
    )
    i.add_argument(
        "--new-store",
        action="store_true",
        help="write the store afresh from the downloads given, keeping none of the months it holds "
        "(to remake a damaged store)",
    )
    i.add_argument(
        "--out",
        type=Path,
        default=None,
        help="parquet file to write (one area) or folder (several; default: the project's data/crime/)",
    )

    o = sub.add_parser(
        "import-population",
        parents=[common],
        help="add a newer ONS mid-year population estimates workbook to the project (data/reference/)",
    )
    o.add_argument("workbook", type=Path, help="the ONS workbook as downloaded (.xls or .xlsx), e.g. mye22final.xlsx")
    m = sub.add_parser(
        "import-boundaries",
        parents=[common],
        help="add LSOA or ward boundaries downloaded from the ONS Open Geography Portal, for the maps",
    )
    m.add_argument("path", type=Path, help="a GeoJSON, GeoPackage or shapefile (or a zip of one) of LSOAs or wards")
    m.add_argument(
        "--area",
        default=None,
        help="keep this area's polygons, by name or ONS code (default: the project's own area)",
    )

    k = sub.add_parser(
        "notebooks", parents=[common], help="compare the project's notebooks with the package's, or refresh them"
    )
    k.add_argument(
        "--update",
        action="store_true",
        help="copy the package's notebooks over missing or differing copies (each old copy kept: .old, .old.2 ...)",
    )
    return parser


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
            )
        except BuildError as exc:
            print(f"error: {year}: {exc}", file=sys.stderr)
            print(f"The previous outputs in {out / year} are untouched{_failed_run(exc)}.", file=sys.stderr)
            failures += 1
            continue
        except OSError as exc:
            raise ParameterError(_cannot_write(exc, out)) from None
        books = sorted(p.name for p in result.out_dir.glob("*.xlsx"))
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


def _import_recorded_crime(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.inputs.recorded_crime import PROJECT_TABLE, import_recorded_crime

    started = time.perf_counter()
    try:
        done = import_recorded_crime(args.file, project.data_dir)
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.data_dir / PROJECT_TABLE, "")) from None
    print(f"{done.summary()}\nDone in {time.perf_counter() - started:.1f} s.")
    return 0


def _progress(done: int, total: int, name: str) -> None:
    """A line on stderr about every twentieth of the files, and at the end."""
    step = max(1, total // 20)
    if done == total or done % step == 0:
        print(f"  read {done}/{total} files (latest {name})", file=sys.stderr, flush=True)


def _import_police_uk(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.inputs import areas, police_uk

    started = time.perf_counter()
    names = args.named or [("--area", project.settings.area)]
    own = project.settings.area.lower()

    def resolve(option: str, name: str) -> areas.Area:
        if name.strip().lower() == own:  # the project's own area, by the codes its settings give
            area = project.own_area() or areas.resolve(name)
            print(f"Area: {area.describe()}.")
            return area
        return _resolve_named(option, name)

    def label(area: areas.Area) -> str:
        """The store's name: the project's own area by its settings' name, another by its label."""
        return project.settings.area if project.is_own(area) else area.label

    try:
        if args.all_areas:
            out = args.out or project.all_areas_file
            report = police_uk.import_police_uk(
                args.paths,
                out,
                force=args.force,
                progress=_progress,
                replace_smaller=args.replace_smaller,
                replace_store=args.new_store,
            )
            counts = police_uk.counts_file(out)
            print(
                f"All areas: {report.summary()}\n  wrote {out}\n  and the counts per partnership, {counts}\n"
                f"Done in {time.perf_counter() - started:.1f} s."
            )
            return 0
        if args.lsoa_codes is not None or len(names) == 1:
            option, name = names[0]
            if args.lsoa_codes is not None:
                codes = police_uk.read_lsoa_codes(args.lsoa_codes)
                prefixes, known, store = [name], None, name
            else:
                area = resolve(option, name)
                codes, known, store = sorted(area.lsoa_codes), areas.all_lsoa_codes(), label(area)
                prefixes = list(area.authority_names) + (
                    list(project.settings.prefixes) if project.is_own(area) else []
                )
            out = args.out or project.crime_file(store)
            reports = {
                store: police_uk.import_police_uk(
                    args.paths,
                    out,
                    csp=store,
                    lsoa_codes=codes,
                    name_prefixes=prefixes,
                    known_codes=known,
                    force=args.force,
                    progress=_progress,
                    replace_smaller=args.replace_smaller,
                    replace_store=args.new_store,
                )
            }
            written = {store: out}
        else:
            folder = args.out or project.crime_dir
            resolved = {label(a): a for a in (resolve(o, n) for o, n in names)}
            reports = police_uk.import_many(
                args.paths,
                {name: a.lsoa_codes for name, a in resolved.items()},
                folder,
                force=args.force,
                progress=_progress,
                replace_store=args.new_store,
                replace_smaller=args.replace_smaller,
            )
            written = {name: folder / store_name(name) for name in resolved}
    except police_uk.PoliceUkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    for area_name, report in reports.items():
        print(f"{area_name}: {report.summary()}")
        print(f"  wrote {written[area_name]}")
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


def _import_boundaries(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.inputs import areas, boundaries

    s = project.settings
    own = s.csp_code or (s.local_authority_codes[0] if len(s.local_authority_codes) == 1 else s.area)
    area = areas.resolve(args.area or own)
    try:
        done = boundaries.import_boundaries(project.data_dir, args.path, area)
    except boundaries.BoundaryFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.data_dir / "boundaries", "")) from None
    named = s.lsoa_boundaries if done.kind == "lsoa" else s.ward_boundaries
    done.settings_file = named
    print(done.summary())
    return 0


def _check_boundaries(project: Project) -> int:
    from safer_analysis.inputs import boundaries

    for kind in ("lsoa", "ward"):
        path = project.boundary_file(kind)
        if path is None:
            continue
        try:
            found = boundaries.load_boundaries(path)
        except boundaries.BoundaryFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_DATA
        print(f"Boundaries for the map: {path} ({len(found.places)} {found.columns.words}).")
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


def _import_population(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.inputs.mye_workbook import import_workbook

    try:
        done = import_workbook(args.workbook, project.data_dir)
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.data_dir / "reference", "")) from None
    print(done.summary())
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


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = make_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command == "init":
            return _init(args)
        project = resolve_project(args.project)
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
        if args.command == "import-boundaries":
            return _import_boundaries(args, project)
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
            print(
                f"{s.name}: settings valid{agreed}; all files valid in {project.data_dir} ({n} allocation lines, "
                f"years {', '.join(dataset.years) or 'none yet'}) in {time.perf_counter() - started:.1f} s."
            )
            return _check_boundaries(project)
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
