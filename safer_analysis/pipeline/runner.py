"""Build the board pack: check the parameters, run each report notebook for a year, export the
HTML, assemble the index, workbook and manifest, and swap the pack into place atomically."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from safer_analysis import __version__
from safer_analysis.errors import ParameterError
from safer_analysis.inputs.datasets import Dataset, file_hashes, load_dataset, sha256_file
from safer_analysis.inputs.project import Project, git_commit, resolve_project
from safer_analysis.inputs.validation import DataValidationError, Problem
from safer_analysis.inputs.years import YearTo
from safer_analysis.pipeline.kernel import KERNEL_NAME, kernel_dir
from safer_analysis.pipeline.notebooks import compare_copies, drift_message, template_path
from safer_analysis.present.page import wrap
from safer_analysis.reports.context import check_year
from safer_analysis.reports.registry import PRODUCTS

log = logging.getLogger(__name__)

#: Parameters the runner sets itself; any other name must be a parameter of some notebook.
RUNNER_PARAMETERS = ("financial_year", "project", "output_dir")


class BuildError(RuntimeError):
    """A notebook failed; the message names the notebook and the cell."""


@dataclass
class BuildResult:
    year: str
    out_dir: Path
    seconds: float
    products: dict[str, float] = field(default_factory=dict)


# ---- parameters ----------------------------------------------------------------------------


def notebook_path(product: str) -> Path:
    """The package's own notebook for a report (the one a build runs)."""
    return template_path(PRODUCTS[product].notebook)


def notebook_parameters(product: str) -> dict[str, Any]:
    """The names (and declared types) in a notebook's ``parameters`` cell."""
    import papermill

    return papermill.inspect_notebook(str(notebook_path(product)))


def check_parameters(extra: Mapping[str, Any], products: Iterable[str]) -> None:
    """Refuse a parameter name none of the notebooks declares, or one the runner sets itself."""
    products = list(products)
    declared = {p: notebook_parameters(p) for p in products}
    for name in extra:
        if name in RUNNER_PARAMETERS:
            raise ParameterError(f"parameter {name!r} is set by the build itself; use its option")
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d} - set(RUNNER_PARAMETERS))
            raise ParameterError(
                f"unknown parameter {name!r}: no notebook of {', '.join(products)} declares it; "
                f"they declare {', '.join(known)}"
            )


def _coerce(name: str, value: Any, type_name: str) -> Any:
    if not isinstance(value, str) or type_name == "str":
        return value
    try:
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "bool":
            lowered = value.strip().lower()
            if lowered in ("true", "yes", "1", "false", "no", "0"):
                return lowered in ("true", "yes", "1")
            raise ValueError(value)
    except ValueError:
        raise ParameterError(f"parameter {name!r} expects a {type_name}, got {value!r}") from None
    return value


def parameters_for(product: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters ``product``'s notebook declares, text from the command line converted to
    the type of the notebook's default (so ``-p comparison_years=3`` arrives as the number 3)."""
    declared = notebook_parameters(product)
    return {k: _coerce(k, v, declared[k]["inferred_type_name"]) for k, v in parameters.items() if k in declared}


# ---- running and exporting ------------------------------------------------------------------


def _execute(product: str, parameters: dict[str, Any], workdir: str, jupyter_path: str) -> float:
    """Run one product notebook into ``workdir``; return seconds taken. Runs in a worker."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ["JUPYTER_PATH"] = jupyter_path + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    logging.getLogger("papermill").setLevel(logging.WARNING)
    target = Path(workdir) / f"{product}.ipynb"
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook_path(product)),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=workdir,
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
    except PapermillExecutionError as exc:
        raise BuildError(
            f"{product}.ipynb failed in cell {exc.exec_count} (code cell at position "
            f"{exc.cell_index + 1}): {exc.ename}: {exc.evalue}"
        ) from None
    return time.perf_counter() - started


def export_html(notebook: Path, *, title: str, masthead: str, footer: str, notice: str | None = None) -> str:
    """The executed notebook as a self-contained page: no code, prompts or parameters cells."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.exclude_anchor_links = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"parameters", "injected-parameters"}
    exporter = HTMLExporter(config=config, template_name="basic")
    node = nbformat.read(notebook, as_version=4)
    for cell in node.cells:  # warnings written to stderr are for the analyst, not the board
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    body, _ = exporter.from_notebook_node(node)
    return wrap(title, body, masthead=masthead, footer=footer, notice=notice)


def still_to_enter(
    workdir: Path, product: str, year: str, *, title: str, masthead: str, footer: str, notice: str | None
) -> None:
    """The page and index summary of a report whose inputs for ``year`` are not entered yet."""
    info = PRODUCTS[product]
    line = (
        f"No allocations for {year} are entered yet, so this report has nothing to show. "
        "Enter the year's lines in data/allocations.csv, their priorities in data/allocation_pcp_priorities.csv "
        "and data/allocation_local_priorities.csv, and their outcome measures in data/outcome_measures.csv; "
        "then build again."
    )
    body = (
        f'<h1>{html.escape(info.title)}</h1><p class="sa-kicker">Financial year {html.escape(year)}</p>'
        f'<div class="sa-banner" role="note"><strong>Still to be entered.</strong> {html.escape(line)}</div>'
    )
    (workdir / f"{product}.html").write_text(
        wrap(title, body, masthead=masthead, footer=footer, contents=False, notice=notice), encoding="utf-8"
    )
    (workdir / "summaries").mkdir(exist_ok=True)
    (workdir / "summaries" / f"{product}.json").write_text(
        json.dumps({"title": info.title, "findings": [f"Still to be entered: the {year} allocations."]}),
        encoding="utf-8",
    )


def _summary(workdir: Path, product: str) -> dict[str, Any]:
    path = workdir / "summaries" / f"{product}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"title": PRODUCTS[product].title, "findings": []}


def write_index(
    workdir: Path,
    year: str,
    partnership: str,
    built_at: str,
    commit: str,
    products: Iterable[str],
    workbook: str | None = None,
    notice: str | None = None,
) -> None:
    """The board pack's front page: key findings, decisions and risks, what the figures rest on,
    the reports, and an appendix of tables (see :mod:`safer_analysis.present.index_page`)."""
    from safer_analysis.present import index_page

    reports = [
        (product, PRODUCTS[product].title, PRODUCTS[product].description, _summary(workdir, product))
        for product in products
    ]
    tables = sorted(p.name for p in (workdir / "tables").glob("*.csv"))
    body = index_page.body(
        partnership=partnership, year=year, built_at=built_at, reports=reports, tables=tables, workbook=workbook
    )
    page = wrap(
        f"Board pack {year}",
        body,
        masthead=_masthead(partnership, year),
        footer=_footer(built_at, commit),
        contents=False,
        notice=notice,
    )
    (workdir / "index.html").write_text(page, encoding="utf-8")


def _masthead(partnership: str, year: str) -> str:
    return f'<a href="index.html">{html.escape(partnership)}</a> · board pack {html.escape(year)}'


def _footer(built_at: str, commit: str) -> str:
    return (
        f"Built {html.escape(built_at)} by safer-analysis {html.escape(__version__)} "
        f"(commit {html.escape(commit[:12])})."
    )


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbconvert", "ipykernel"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _swap_into_place(workdir: Path, final: Path) -> None:
    """Replace ``final`` with ``workdir`` by two renames; restore the old folder on failure."""
    old = None
    if final.exists():
        old = final.with_name(f".previous-{final.name}-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        final.rename(old)
    try:
        workdir.rename(final)
    except OSError:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    financial_year: str | None = None,
    out: str | Path | None = None,
    *,
    project: str | Path | Project | None = None,
    products: Iterable[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    csp: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the board pack for one year of a project into ``out/<year>/``, atomically.

    ``project`` defaults to the project around the working folder, ``financial_year`` to the
    project's default year and ``out`` to its ``outputs/`` folder. Parameters are checked before
    anything runs (ParameterError); the data is validated (DataValidationError); a failing
    notebook raises BuildError and leaves any previous ``out/<year>/`` untouched.
    """
    started = time.perf_counter()
    proj = resolve_project(project)
    names = list(products or PRODUCTS)
    for name in names:
        if name not in PRODUCTS:
            raise ParameterError(f"unknown report {name!r}; expected one of {', '.join(PRODUCTS)}")
    extra = dict(parameters or {})
    if "csp" in extra:  # -p csp=... and --csp mean the same
        csp = str(extra.pop("csp"))
    if csp:
        extra["csp"] = csp
    check_parameters(extra, names)
    if extra.get("period_end"):
        try:
            YearTo.ending(str(extra["period_end"]))
        except ValueError as exc:
            raise ParameterError(str(exc)) from None
    for p in names:
        parameters_for(p, extra)  # a value of the wrong type fails here, before anything runs
    dataset: Dataset = load_dataset(proj.data_dir)
    wanted = financial_year or proj.settings.default_year
    if not wanted:
        raise ParameterError(
            f"no year given and {proj.settings_file} sets no [reports] default_year: give one with --year YYYY-YY"
        )
    year = check_year(wanted, dataset).label
    area = csp or proj.settings.area
    partnership = proj.settings.name if not csp else f"{area} Community Safety Partnership"
    crime_file, _ = proj.crime_source(area, str(extra.get("crime_data") or ""))
    if any(p in ("strategic_assessment", "allocation_rationale") for p in names) and not crime_file.is_file():
        raise DataValidationError(
            [
                Problem(
                    str(crime_file),
                    None,
                    None,
                    "no police.uk data for the area: run `safer-analysis import-police-uk "
                    "ARCHIVE.zip` in the project first",
                )
            ]
        )
    out = Path(out).resolve() if out else proj.outputs_dir
    out.mkdir(parents=True, exist_ok=True)
    drift = drift_message(compare_copies(proj.notebooks_dir), proj.notebooks_dir)
    if drift and progress:
        progress("note: " + drift)
    workdir = Path(tempfile.mkdtemp(prefix=f".building-{year}-", dir=out))
    workdir.chmod(0o755)  # mkdtemp makes it private; the pack is for reading
    jupyter_path = kernel_dir()
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = git_commit(proj.root)
    params = {"financial_year": year, "project": str(proj.root), **extra}
    draft = dataset.draft_items(year)
    notice = ("Still to be confirmed: " + "; ".join(draft) + ".") if draft else None
    waiting = [p for p in names if PRODUCTS[p].needs_allocations and dataset.allocations_for(year).empty]
    to_run = [p for p in names if p not in waiting]
    timings: dict[str, float] = {}
    try:
        run_params = {p: parameters_for(p, {**params, "output_dir": str(workdir)}) for p in to_run}
        workers = max(1, min(jobs or os.cpu_count() or 1, len(to_run)))
        if workers == 1:
            for p in to_run:
                timings[p] = _execute(p, run_params[p], str(workdir), str(jupyter_path))
                if progress:
                    progress(f"ran {p}.ipynb in {timings[p]:.1f} s")
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = {p: pool.submit(_execute, p, run_params[p], str(workdir), str(jupyter_path)) for p in to_run}
                errors = []
                for p, future in futures.items():
                    try:
                        timings[p] = future.result()
                        if progress:
                            progress(f"ran {p}.ipynb in {timings[p]:.1f} s")
                    except BuildError as exc:
                        errors.append(str(exc))
                if errors:
                    raise BuildError("; ".join(errors))
        for p in to_run:
            page = export_html(
                workdir / f"{p}.ipynb",
                title=f"{PRODUCTS[p].title} {year} – {area}",
                masthead=_masthead(partnership, year),
                footer=_footer(built_at, commit),
                notice=notice,
            )
            (workdir / f"{p}.html").write_text(page, encoding="utf-8")
        for p in waiting:
            still_to_enter(
                workdir,
                p,
                year,
                title=f"{PRODUCTS[p].title} {year} – {area}",
                masthead=_masthead(partnership, year),
                footer=_footer(built_at, commit),
                notice=notice,
            )
        from safer_analysis.pipeline.workbook import write_workbook

        workbook = write_workbook(
            workdir, year, area, products=names, built_at=built_at, commit=commit, contact=proj.settings.contact
        )
        write_index(workdir, year, partnership, built_at, commit, names, workbook=workbook.name, notice=notice)
        manifest = {
            "financial_year": year,
            "partnership": proj.settings.name,
            "area": area,
            "parameters": {k: v for k, v in params.items() if k != "project"},
            "package_version": __version__,
            "project_commit": commit,
            "built_at": built_at,
            "versions": _versions(),
            "inputs": file_hashes(dataset),
            "other_inputs": {
                str(Path(v).resolve()): sha256_file(Path(v))
                for k, v in extra.items()
                if k == "crime_data" and v and Path(v).is_file()
            },
            "notebooks": {p: {"notebook": PRODUCTS[p].notebook, "seconds": round(t, 2)} for p, t in timings.items()},
            "notebook_copies": drift or "in step with the package",
            "draft": draft,
            "still_to_be_entered": waiting,
            "seconds": round(time.perf_counter() - started, 2),
        }
        (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = out / year
        _swap_into_place(workdir, final)
    except BaseException:
        failed = out / ".failed" / year
        if workdir.exists():
            shutil.rmtree(failed, ignore_errors=True)
            failed.parent.mkdir(parents=True, exist_ok=True)
            workdir.rename(failed)
        raise
    finally:
        shutil.rmtree(jupyter_path, ignore_errors=True)
    return BuildResult(year, out / year, time.perf_counter() - started, timings)
