"""Build a strategic assessment for every Community Safety Partnership of a police force (or a
list of areas) at once, from the project's one store of the force's data, with a force overview
page comparing them: ``safer-analysis build --whole-force`` or ``--areas A,B``.

The build reads the store once in its own process and imports the notebooks' libraries once; each
assessment then runs in a fork of that process (:mod:`safer_analysis.pipeline.warm`), as many at
once as there are cores, while a progress bar counts them and estimates the time left. Like a
board pack, the whole is written in a temporary folder and swapped into
``<out>/<force>-<year>/`` only when every page is made; a failure leaves the previous build in
place and keeps the partial run in ``<out>/.failed/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safer_analysis import __version__
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas as area_lookup
from safer_analysis.inputs import police_uk
from safer_analysis.inputs import population as populations
from safer_analysis.inputs.datasets import file_hashes, load_dataset, sha256_file
from safer_analysis.inputs.names import slug
from safer_analysis.inputs.project import Project, git_commit, resolve_project
from safer_analysis.inputs.validation import DataValidationError, Problem
from safer_analysis.inputs.years import YearTo, period_sentence
from safer_analysis.pipeline import pages, runner
from safer_analysis.pipeline.lock import BuildLock
from safer_analysis.pipeline.notebooks import template_path
from safer_analysis.pipeline.targets import check_target, marker
from safer_analysis.pipeline.warm import Outcome, run_forked, warm_up
from safer_analysis.present.page import wrap
from safer_analysis.reports import force_overview
from safer_analysis.reports.context import check_year
from safer_analysis.reports.force_rates import FUNNEL_MINIMUM

ASSESSMENT = "strategic_assessment"


@dataclass
class ForceResult:
    year: str
    out_dir: Path
    seconds: float
    areas: dict[str, float] = field(default_factory=dict)


def resolve_areas(project: Project, force: str | None, names: Sequence[str] | None) -> tuple[str, str, list[str]]:
    """The force's code and name and the partnerships to assess: the ``names`` given (each a
    partnership, authority or force area, by name or code), else every partnership of ``force``
    (by name or code; empty: the project's force)."""
    if names:
        resolved = [area_lookup.resolve(n) for n in names]  # a ParameterError names a near miss
        code, name = force_overview.force_of(force or "", project)
        return code, name, list(dict.fromkeys(a.label for a in resolved))
    code, name = force_overview.force_of(force or "", project)
    members = area_lookup.partnerships(code)
    return code, name, list(members["csp_name"])


def _bar(total: int, label: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="page", dynamic_ncols=True, leave=True)


def build_force(
    financial_year: str | None = None,
    out: str | Path | None = None,
    *,
    project: str | Path | Project | None = None,
    force: str | None = None,
    areas: Sequence[str] | None = None,
    period_end: str | None = None,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
    bar: bool = True,
) -> ForceResult:
    """Assess every partnership of a force (or ``areas``) for a year, plus the force overview,
    into ``out/<force>-<year>/``, atomically."""
    started = time.perf_counter()
    proj = resolve_project(project)
    dataset = load_dataset(proj.data_dir)
    wanted = financial_year or proj.settings.default_year
    if not wanted:
        raise ParameterError(
            f"no year given and {proj.settings_file} sets no [reports] default_year: give one with --year YYYY-YY"
        )
    year = check_year(wanted, dataset).label
    if period_end:
        try:
            YearTo.ending(period_end)
        except ValueError as exc:
            raise ParameterError(str(exc)) from None
    force_code, force_name, names = resolve_areas(proj, force, areas)
    store = proj.all_areas_file
    if not store.is_file():
        raise DataValidationError(
            [
                Problem(
                    str(store),
                    None,
                    None,
                    "no store of the force's police.uk data: run `safer-analysis import-police-uk --all-areas "
                    "ARCHIVE.zip` in the project first",
                )
            ]
        )
    period, last_held = runner.check_crime_months(store, year, period_end or "")
    period_end = period.end if isinstance(period, YearTo) else ""  # every page on the same twelve months
    period_note = period_sentence(period, year, latest=period.months()[-1] == last_held)
    name = f"{slug(force_name)}-{year}"
    out = runner.output_folder(out, proj, name)
    warm_up()
    police_uk.preload(store)  # one read of the store, shared by every fork
    populations.warm()  # and the population tables every page divides by
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = git_commit(proj.root)
    marking = proj.settings.marking
    mark = pages.marking_prefix(marking)
    masthead = f'{mark}<a href="index.html">{html.escape(force_name)}</a> · partnerships {html.escape(year)}'
    footer = pages.footer(built_at, commit, marking)
    with BuildLock(out, name):
        workdir = Path(tempfile.mkdtemp(prefix=f".building-{name}-", dir=out))
        workdir.chmod(0o755)
        runner._write_manifest(workdir, marker(financial_year=year, state="building"))
        try:
            tasks = []
            for area in names:
                folder = workdir / slug(area)
                folder.mkdir()
                params = runner.parameters_for(
                    ASSESSMENT,
                    {
                        "financial_year": year,
                        "project": str(proj.root),
                        "csp": area,
                        "period_end": period_end or "",
                        "output_dir": str(folder),
                    },
                )
                page = {
                    "title": f"Strategic assessment {year} – {area}",
                    "masthead": f'{mark}<a href="../index.html">{html.escape(force_name)}</a> · {html.escape(area)} '
                    f"{html.escape(year)}",
                    "footer": footer,
                }
                tasks.append(
                    (area, functools.partial(runner._execute_and_export, ASSESSMENT, params, str(folder), page))
                )
            overview_params = {
                "financial_year": year,
                "project": str(proj.root),
                "force": force_code,
                "period_end": period_end or "",
                "output_dir": str(workdir),
            }
            tasks.insert(
                0,
                (
                    force_overview.PRODUCT,
                    functools.partial(
                        _overview,
                        overview_params,
                        str(workdir),
                        {"title": f"Force overview {year} – {force_name}", "masthead": masthead, "footer": footer},
                    ),
                ),
            )
            counter = _bar(len(tasks), f"{force_name} {year}") if bar else None

            def done(outcome: Outcome) -> None:
                if counter is not None:
                    counter.update(1)
                    counter.set_postfix_str(outcome.name, refresh=True)
                if progress:
                    state = "failed" if outcome.error is not None else f"done in {outcome.seconds:.1f} s"
                    progress(f"{outcome.name}: {state}")

            try:
                outcomes = run_forked(tasks, jobs or os.cpu_count() or 1, done)
            finally:
                if counter is not None:
                    counter.close()
            errors = [f"{n}: {o.error}" for n, o in outcomes.items() if o.error is not None]
            if errors:
                raise runner.BuildError("; ".join(errors))
            _write_index(workdir, force_name, year, names, built_at, commit, period_note, marking)
            manifest = marker(
                financial_year=year,
                force=force_name,
                force_code=force_code,
                areas=names,
                period_end=period_end or "",
                crime_period=period.label,
                package_version=__version__,
                project_commit=commit,
                built_at=built_at,
                inputs=file_hashes(dataset),
                crime_store={str(store): sha256_file(store)},
                pages={n: round(o.seconds, 2) for n, o in outcomes.items()},
                seconds=round(time.perf_counter() - started, 2),
            )
            runner._write_manifest(workdir, manifest, final=True)
            check_target(out / name, data_dir=proj.data_dir, project_root=proj.root)  # nothing added meanwhile
            runner._swap_into_place(workdir, out / name)
        except runner.BuildError as exc:
            exc.kept = runner._keep_failed(workdir, out, name)
            raise
        except BaseException:
            runner._keep_failed(workdir, out, name)
            raise
    return ForceResult(year, out / name, time.perf_counter() - started, {n: o.seconds for n, o in outcomes.items()})


def _overview(parameters: dict, workdir: str, page: dict) -> float:
    """Run the force overview notebook and write its page (in a fork)."""
    started = time.perf_counter()
    source = template_path(f"{force_overview.PRODUCT}.ipynb")
    runner._execute(force_overview.PRODUCT, parameters, workdir, source=source)
    text = runner.export_html(Path(workdir) / f"{force_overview.PRODUCT}.ipynb", **page)
    (Path(workdir) / f"{force_overview.PRODUCT}.html").write_text(text, encoding="utf-8")
    return time.perf_counter() - started


def _overview_line(workdir: Path) -> str:
    """What the overview shows: the funnel, or each partnership's figures where it compares fewer
    than three (its table of partnerships has a row each)."""
    table = workdir / "tables" / f"{force_overview.PRODUCT}__partnerships.csv"
    rows = sum(1 for _ in table.open(encoding="utf-8")) - 1 if table.is_file() else 0
    if rows >= FUNNEL_MINIMUM:
        return "Every partnership's crime rate side by side, against limits allowing for how much they differ."
    return (
        "Each partnership's crimes, rate per 1,000 residents and change on the year before, with ONS's figures for "
        "context (too few partnerships for a chart of limits)."
    )


def _write_index(
    workdir: Path,
    force: str,
    year: str,
    names: Sequence[str],
    built_at: str,
    commit: str,
    period_note: str | None = None,
    marking: str = "",
) -> None:
    """The front page: the overview, then each partnership's assessment with its first finding;
    ``period_note`` says which months the crime figures cover where they are not the year's."""
    items = []
    for area in names:
        summary = workdir / slug(area) / "summaries" / f"{ASSESSMENT}.json"
        findings = json.loads(summary.read_text(encoding="utf-8")).get("findings", []) if summary.is_file() else []
        line = findings[0] if findings else ""
        items.append(
            f'<li><h3><a href="{html.escape(force_overview.page_of(area))}">{html.escape(area)}</a></h3>'
            f"<p>{html.escape(line)}</p></li>"
        )
    body = (
        f"<h1>{html.escape(force)}: strategic assessments, {html.escape(year)}</h1>"
        f'<p class="sa-kicker">Financial year {html.escape(year)} · built {html.escape(built_at)}</p>'
        + (f"<p>{html.escape(period_note)}</p>" if period_note else "")
        + f'<h2><a href="{force_overview.PRODUCT}.html">Force overview</a></h2>'
        f"<p>{html.escape(_overview_line(workdir))}</p>"
        f'<h2>Each partnership</h2><ul class="sa-reports">{"".join(items)}</ul>'
        "<h2>How this was built</h2><p>Parameters, package version, commit and the SHA-256 of every input are "
        'in <a href="manifest.json">manifest.json</a>.</p>'
    )
    page = wrap(
        f"{force} {year}",
        body,
        masthead=pages.marking_prefix(marking)
        + f'<a href="index.html">{html.escape(force)}</a> · partnerships {html.escape(year)}',
        footer=pages.footer(built_at, commit, marking),
        contents=False,
    )
    (workdir / "index.html").write_text(page, encoding="utf-8")


__all__ = ["ForceResult", "build_force", "resolve_areas"]
