"""The commands that bring data into a project: ``import-police-uk``, ``import-population``,
``import-recorded-crime`` and ``import-boundaries`` (and the boundaries' part of ``check``)."""

from __future__ import annotations

import argparse
import sys
import time

from safer_analysis.cli.common import EXIT_DATA, _cannot_write, _resolve_named
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.names import store_name
from safer_analysis.inputs.project import Project


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
    from safer_analysis.inputs import police_uk

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
        from safer_analysis.inputs import areas  # the lookups, which an import of every area does not use

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


def _import_population(args: argparse.Namespace, project: Project) -> int:
    from safer_analysis.inputs.mye_workbook import import_workbook

    try:
        done = import_workbook(args.workbook, project.data_dir)
    except OSError as exc:
        raise ParameterError(_cannot_write(exc, project.data_dir / "reference", "")) from None
    print(done.summary())
    return 0
