"""Build the board pack: check the parameters, run each report notebook for a year, export the
HTML, assemble the index, workbook and manifest, and swap the pack into place atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from safer_analysis import __version__
from safer_analysis.errors import ParameterError
from safer_analysis.inputs import areas
from safer_analysis.inputs.datasets import Dataset, file_hashes, load_dataset, sha256_file
from safer_analysis.inputs.project import Project, git_commit, resolve_project
from safer_analysis.inputs.validation import DataValidationError, Problem
from safer_analysis.inputs.years import FinancialYear, PeriodNotHeldError, YearTo, crime_period, period_sentence
from safer_analysis.pipeline import pdf as paper_pdf
from safer_analysis.pipeline.cache import install as cache_install
from safer_analysis.pipeline.kernel import KERNEL_NAME
from safer_analysis.pipeline.lock import BuildLock
from safer_analysis.pipeline.notebooks import compare_copies, drift_message, template_path
from safer_analysis.pipeline.pages import footer as _footer
from safer_analysis.pipeline.pages import marking_line as _marking
from safer_analysis.pipeline.pages import masthead as _masthead
from safer_analysis.pipeline.pages import still_to_enter, write_index
from safer_analysis.pipeline.summaries import report_summaries
from safer_analysis.pipeline.targets import TOOL, check_target, files_of, made_by_tool, marker, read_manifest
from safer_analysis.pipeline.warm import Outcome, run_forked, warm_up
from safer_analysis.present.page import wrap
from safer_analysis.reports.context import check_parameter_values, check_year
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
    path = notebook_path(product)
    stat = path.stat()
    return _inspect(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _inspect(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    """A notebook's parameters, read once per version of the file (a build asks many times)."""
    import papermill

    return papermill.inspect_notebook(path)


def check_parameters(extra: Mapping[str, Any], products: Iterable[str]) -> None:
    """Refuse a parameter name none of the notebooks declares, or one the runner sets itself."""
    products = list(products)
    declared = {p: notebook_parameters(p) for p in products}
    for name in extra:
        if name in RUNNER_PARAMETERS:
            raise ParameterError(f"parameter {name!r} is set by the build itself; use its option")
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d} - set(RUNNER_PARAMETERS))
            others = [p for p in PRODUCTS if p not in products and name in notebook_parameters(p)]
            declares = f"they declare {', '.join(known)}" if known else "they take no parameter but the year (--year)"
            elsewhere = f"; it is a parameter of {', '.join(others)} (add --product {others[0]})" if others else ""
            raise ParameterError(
                f"unknown parameter {name!r}: no notebook of {', '.join(products)} declares it; {declares}{elsewhere}"
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
        words = {"int": "a whole number", "float": "a number", "bool": "yes or no"}.get(type_name, type_name)
        raise ParameterError(f"parameter {name!r} expects {words}, got {value!r} (e.g. -p {name}=3)") from None
    return value


def parameters_for(product: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters ``product``'s notebook declares, text from the command line converted to
    the type of the notebook's default (so ``-p comparison_years=3`` arrives as the number 3)."""
    declared = notebook_parameters(product)
    return {k: _coerce(k, v, declared[k]["inferred_type_name"]) for k, v in parameters.items() if k in declared}


# ---- running and exporting ------------------------------------------------------------------


def _execute(product: str, parameters: dict[str, Any], workdir: str, source: Path | None = None) -> float:
    """Run one product notebook into ``workdir`` (in a warm in-process kernel); return seconds taken."""
    from papermill.exceptions import PapermillExecutionError

    from safer_analysis.pipeline.warm import execute_notebook

    logging.getLogger("papermill").setLevel(logging.WARNING)
    target = Path(workdir) / f"{product}.ipynb"
    started = time.perf_counter()
    try:
        execute_notebook(source or notebook_path(product), target, parameters, workdir, KERNEL_NAME)
    except PapermillExecutionError as exc:
        raise BuildError(
            f"{product}.ipynb failed in cell {exc.exec_count} (code cell at position "
            f"{exc.cell_index + 1}): {exc.ename}: {exc.evalue}"
        ) from None
    return time.perf_counter() - started


def _execute_and_export(product: str, parameters: dict[str, Any], workdir: str, page: dict[str, Any]) -> float:
    """Run a notebook and write its page (in a forked child of the build); seconds taken."""
    seconds = _execute(product, parameters, workdir)
    html_page = export_html(Path(workdir) / f"{product}.ipynb", **page)
    (Path(workdir) / f"{product}.html").write_text(html_page, encoding="utf-8")
    return seconds


@functools.cache
def _exporter():
    """One HTML exporter per process: its templates are compiled once (and forks inherit them)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.exclude_anchor_links = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"parameters", "injected-parameters"}
    return HTMLExporter(config=config, template_name="basic")


def export_html(notebook: Path, *, title: str, masthead: str, footer: str, notice: str | None = None) -> str:
    """The executed notebook as a self-contained page: no code, prompts or parameters cells."""
    exporter = _exporter()
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


def _check_public(proj: Project, products: Iterable[str] | None) -> None:
    """A public version is the whole pack, from a pack that may be published once partners' restricted
    figures are out: refused (ParameterError) for some reports only, or for a pack marked OFFICIAL-SENSITIVE."""
    if products:
        raise ParameterError(
            "--public builds every report, so that no page of an earlier build is kept: leave out --product"
        )
    if proj.settings.marking != "OFFICIAL":
        raise ParameterError(
            f"{proj.settings_file} marks the pack {proj.settings.marking} ([reports] marking): leaving out partners' "
            "restricted figures does not make it publishable; change the marking first if the rest may be published"
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
    public: bool = False,
) -> BuildResult:
    """Build the board pack for one year of a project into ``out/<year>/``, atomically.

    ``public`` leaves out every partner indicator marked OFFICIAL-SENSITIVE, and every page says so.

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
    if public or extra.get("public"):
        _check_public(proj, products)
        extra["public"] = True
    if "csp" in extra:  # -p csp=... and --csp mean the same
        csp = str(extra.pop("csp"))
    if csp:
        extra["csp"] = csp
    check_parameters(extra, names)
    for p in names:  # a value of the wrong type, or out of its range, fails here, before anything runs
        check_parameter_values(parameters_for(p, extra))
    dataset: Dataset = load_dataset(proj.data_dir)
    wanted = financial_year or proj.settings.default_year
    if not wanted:
        raise ParameterError(
            f"no year given and {proj.settings_file} sets no [reports] default_year: give one with --year YYYY-YY"
        )
    year = check_year(wanted, dataset).label
    area = csp or proj.settings.area
    if csp and csp.lower() != proj.settings.area.lower():
        area = extra["csp"] = areas.resolve(csp).label  # an unknown area is a ParameterError naming a near miss
    partnership = proj.settings.name if not csp else f"{area} Community Safety Partnership"
    marking = _marking(proj.settings.marking, bool(extra.get("public")))
    crime_file, _ = proj.crime_source(area, str(extra.get("crime_data") or ""))
    period, period_note = None, None
    if any(p in CRIME_REPORTS for p in names):
        period, last_held = check_crime_months(crime_file, year, str(extra.get("period_end") or ""))
        period_note = period_sentence(period, year, latest=period.months()[-1] == last_held)
    out = output_folder(out, proj, year)
    earlier = _earlier_reports(out / year, names, area)
    drift = drift_message(compare_copies(proj.notebooks_dir), proj.notebooks_dir)
    if drift and progress:
        progress("note: " + drift)
    warm_up()
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = git_commit(proj.root)
    params = {"financial_year": year, "project": str(proj.root), **extra}
    if isinstance(period, YearTo):  # every report of the pack on the same twelve months
        params["period_end"] = period.end
    draft = dataset.draft_items(year)
    notice = ("Still to be confirmed: " + "; ".join(draft) + ".") if draft else None
    waiting = [p for p in names if PRODUCTS[p].needs_allocations and dataset.allocations_for(year).empty]
    to_run = [p for p in names if p not in waiting]
    timings: dict[str, float] = {}
    with BuildLock(out, year):
        workdir = Path(tempfile.mkdtemp(prefix=f".building-{year}-", dir=out))
        workdir.chmod(0o755)  # mkdtemp makes it private; the pack is for reading
        _write_manifest(workdir, marker(financial_year=year, state="building"))
        try:
            cache_install(workdir / ".cache")
            run_params = {p: parameters_for(p, {**params, "output_dir": str(workdir)}) for p in to_run}
            pages = {
                p: {
                    "title": f"{PRODUCTS[p].title} {year} – {area}",
                    "masthead": _masthead(partnership, year, marking),
                    "footer": _footer(built_at, commit, marking),
                    "notice": notice,
                }
                for p in to_run
            }
            tasks = [
                (p, functools.partial(_execute_and_export, p, run_params[p], str(workdir), pages[p])) for p in to_run
            ]

            def done(outcome: Outcome) -> None:
                if outcome.error is None and progress:
                    progress(f"ran {outcome.name}.ipynb in {outcome.value:.1f} s")

            outcomes = run_forked(tasks, jobs or os.cpu_count() or 1, done)
            errors = [str(outcomes[p].error) for p in to_run if outcomes[p].error is not None]
            if errors:
                raise BuildError("; ".join(errors))
            timings = {p: outcomes[p].value for p in to_run}
            shutil.rmtree(workdir / ".cache", ignore_errors=True)
            for p in waiting:
                still_to_enter(
                    workdir,
                    p,
                    year,
                    title=f"{PRODUCTS[p].title} {year} – {area}",
                    masthead=_masthead(partnership, year, marking),
                    footer=_footer(built_at, commit, marking),
                    notice=notice,
                )
            kept = _keep_reports(out / year, workdir, earlier)
            if kept and progress:
                progress(f"kept {', '.join(p + '.html' for p in kept)} of the earlier build of {year}")
            in_pack = [p for p in PRODUCTS if p in names or p in kept]
            from safer_analysis.pipeline.workbook import write_workbook
            from safer_analysis.reports import board_paper

            settings = dataclasses.replace(proj.settings, name=partnership, area=area)
            paper = board_paper.build(
                dataset,
                settings,
                year,
                report_summaries(workdir, in_pack),
                marking=marking,
                period_note=period_note,
            )
            for note in paper.notes if progress else []:
                progress(note)
            workbook = write_workbook(
                workdir,
                year,
                area,
                products=in_pack,
                built_at=built_at,
                commit=commit,
                contact=proj.settings.contact,
                partnership=partnership,
                period_note=period_note,
                paper=paper,
                marking=marking,
            )
            printer = paper_pdf.engine(progress)  # None, said in one line, where WeasyPrint or pango is missing
            write_index(
                workdir,
                paper,
                dataset,
                partnership,
                built_at,
                commit,
                workbook=workbook.name,
                notice=notice,
                marking=marking,
                pdf=(paper_pdf.paper_name(area, year), printer) if printer else None,
                failure=BuildError,
            )
            before = (read_manifest(out / year) or {}) if kept else {}
            reports = {p: dict(before.get("notebooks", {}).get(p, {})) for p in kept}
            for p in reports:
                reports[p].setdefault("parameters", before.get("parameters", {}))
                reports[p].setdefault("built_at", before.get("built_at", ""))
            for p, t in timings.items():
                reports[p] = {"notebook": PRODUCTS[p].notebook, "seconds": round(t, 2), "built_at": built_at}
            manifest = marker(
                financial_year=year,
                partnership=proj.settings.name,
                area=area,
                parameters={k: v for k, v in params.items() if k != "project"},
                **({"crime_period": _period_record(period)} if period is not None else {}),
                package_version=__version__,
                project_commit=commit,
                built_at=built_at,
                versions=_versions(),
                inputs=file_hashes(dataset),
                other_inputs={
                    str(Path(v).resolve()): sha256_file(Path(v))
                    for k, v in extra.items()
                    if k == "crime_data" and v and Path(v).is_file()
                },
                notebooks={p: reports[p] for p in PRODUCTS if p in reports},
                rebuilt=names,
                kept_from_earlier_build=kept,
                notebook_copies=drift or "in step with the package",
                draft=draft,
                still_to_be_entered=waiting
                + [p for p in before.get("still_to_be_entered", []) if p in kept and p not in waiting],
                seconds=round(time.perf_counter() - started, 2),
            )
            _write_manifest(workdir, manifest, final=True)
            check_target(out / year, data_dir=proj.data_dir, project_root=proj.root)  # nothing added meanwhile
            _swap_into_place(workdir, out / year)
        except BuildError as exc:
            exc.kept = _keep_failed(workdir, out, year)
            raise
        except BaseException:
            _keep_failed(workdir, out, year)
            raise
    return BuildResult(year, out / year, time.perf_counter() - started, timings)


def _period_record(period: FinancialYear | YearTo) -> dict[str, str]:
    """The crime figures' twelve months, for the manifest."""
    months = period.months()
    return {"label": period.label, "months": period.long_label, "first": months[0], "last": months[-1]}


#: The reports that read the crime store.
CRIME_REPORTS = ("strategic_assessment", "allocation_rationale")


def check_crime_months(store: Path, year: str, period_end: str = "") -> tuple[FinancialYear | YearTo, str]:
    """The twelve months the crime figures of ``year`` cover, from the months the store holds
    (:func:`safer_analysis.inputs.years.crime_period`), and the last month held; a
    DataValidationError naming the months held when there is no store, or the period runs past
    the last month held or holds none of them."""
    if not store.is_file():
        raise DataValidationError(
            [
                Problem(
                    str(store),
                    None,
                    None,
                    "no police.uk data for the area: run `safer-analysis import-police-uk "
                    "ARCHIVE.zip` in the project first",
                )
            ]
        )
    from safer_analysis.inputs.police_uk import PoliceUkError, store_months

    try:
        held = store_months(store)
    except PoliceUkError as exc:  # a damaged store: named, with the command that remakes it
        raise DataValidationError([Problem(str(store), None, None, str(exc).removeprefix(f"{store}: "))]) from None
    try:
        return crime_period(year, held, period_end), held[-1]
    except PeriodNotHeldError as exc:
        raise DataValidationError([Problem(str(store), None, None, str(exc))]) from None


def _write_manifest(folder: Path, manifest: dict[str, Any], *, final: bool = False) -> None:
    """Write ``manifest.json``; the final one lists every file of the pack (what the build wrote)."""
    if final:
        manifest["files"] = [f for f in files_of(folder) if f != "manifest.json"] + ["manifest.json"]
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _report_files(pack: Path, product: str) -> list[Path]:
    """The files of one report in a pack: notebook, page, summaries and tables."""
    names = [f"{product}.ipynb", f"{product}.html", f"summaries/{product}.json", f"summaries/{product}__tables.json"]
    return [pack / n for n in names if (pack / n).is_file()] + sorted((pack / "tables").glob(f"{product}__*.csv"))


def _earlier_reports(pack: Path, names: list[str], area: str) -> list[str]:
    """The reports of an earlier build of the same pack (same area) that this build does not remake."""
    if not made_by_tool(pack):
        return []
    manifest = read_manifest(pack) or {}
    if str(manifest.get("area", area)).lower() != area.lower():
        return []
    if manifest.get("parameters", {}).get("public"):  # a public version's pages do not go in another pack
        return []
    return [p for p in PRODUCTS if p not in names and (pack / f"{p}.html").is_file()]


def _keep_reports(pack: Path, workdir: Path, products: list[str]) -> list[str]:
    """Copy the earlier build's files of ``products`` into the new pack; the reports kept."""
    kept = []
    for product in products:
        if not made_by_tool(pack):
            break
        for path in _report_files(pack, product):
            target = workdir / path.relative_to(pack)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        kept.append(product)
    return kept


def _keep_failed(workdir: Path, out: Path, name: str) -> Path | None:
    """Move a failed run's folder to ``out/.failed/<name>/`` to debug (the previous pack stays) and
    return it; a folder there that the tool did not make is kept, and the run goes to ``<name>.2`` ..."""
    if not workdir.exists():
        return None
    try:
        shutil.rmtree(workdir / ".cache", ignore_errors=True)
        folder = out / ".failed"
        folder.mkdir(exist_ok=True)
        failed, n = folder / name, 1
        while failed.exists() or failed.is_symlink():
            if made_by_tool(failed) and (read_manifest(failed) or {}).get("tool") == TOOL:
                shutil.rmtree(failed)
                break
            n += 1
            failed = folder / f"{name}.{n}"
        workdir.rename(failed)
    except OSError:  # no room, or no right, to keep it: it stays where it is, for the next build to clear
        return None
    return failed


def output_folder(out: str | Path | None, proj: Project, name: str) -> Path:
    """The folder to build ``name/`` in, made if absent; a ParameterError if it, or ``name`` in
    it, is a file, cannot be made or written, or ``name`` in it is not the tool's to replace
    (:func:`safer_analysis.pipeline.targets.check_target`)."""
    folder = Path(out).resolve() if out else proj.outputs_dir
    for path in (folder, *folder.parents):
        if path.exists() and not path.is_dir():
            raise ParameterError(f"--out {folder}: {path} is a file, not a folder; give a folder to build into")
        if path.exists():
            break
    if (folder / name).exists() and not (folder / name).is_dir():
        raise ParameterError(f"--out {folder}: {folder / name} is a file; move it, or give another --out")
    check_target(folder / name, data_dir=proj.data_dir, project_root=proj.root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"--out {folder}: cannot make the folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParameterError(
            f"--out {folder}: permission denied, the folder cannot be written; make it writable or give another --out"
        )
    return folder
