"""Run report notebooks in warm processes: the libraries are imported once, in the build's own
process, and each notebook runs in a fresh fork of it, in an in-process IPython kernel.

Decision: a notebook's run pays for its own analysis and nothing else. A fresh Jupyter kernel
costs about 2 s of imports (pandas, scipy's statistics, statsmodels, matplotlib, the package)
before its first line of analysis, and papermill saves the whole notebook to disk before and
after every cell. Here the build's process imports everything once (:func:`warm_up`) and forks
one child per notebook (:func:`run_forked`): the child starts with every module loaded, runs the
notebook in an in-process kernel (the same IPython shell and display machinery as a Jupyter
kernel, without the process and its sockets), saves it once and exports its page. A child per
notebook, not a long-lived worker, so no notebook sees another's state.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Modules every report notebook imports; loaded once in the build's process before forking.
WARM_MODULES = (
    "pandas",
    "numpy",
    "pyarrow.parquet",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib.pyplot",
    "nbformat",
    "papermill",
    "nbconvert",
    "ipykernel.inprocess.manager",
    "ipykernel.inprocess.blocking",
    "safer_analysis.present.charts",
    "safer_analysis.present.maps",
    "safer_analysis.reports.context",
    "safer_analysis.reports.strategic_assessment",
    "safer_analysis.reports.allocation_rationale",
    "safer_analysis.reports.spend_analysis",
)


def warm_up(modules: Iterable[str] = WARM_MODULES) -> float:
    """Import the notebooks' libraries into this process (so forks start with them); seconds taken."""
    started = time.perf_counter()
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    import matplotlib

    matplotlib.use("Agg")
    return time.perf_counter() - started


# ---- an in-process kernel papermill can drive ----------------------------------------------------


def _kernel_classes():
    from ipykernel.inprocess.blocking import BlockingInProcessKernelClient
    from ipykernel.inprocess.manager import InProcessKernelManager

    class Client(BlockingInProcessKernelClient):
        def wait_for_ready(self, timeout=None):  # in the same process: ready once started
            return None

    class Manager(InProcessKernelManager):
        def client(self, **kwargs):
            return Client(parent=self, kernel=self.kernel, session=self.session, **kwargs)

        def start_kernel(self, **kwargs):  # nbclient passes Jupyter launch options; none apply
            super().start_kernel()

        def shutdown_kernel(self, now=False, restart=False):
            super().shutdown_kernel()

    return Manager


def _engine():
    """A papermill engine that saves the notebook once at the end, not around every cell."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager

    class OnceManager(NotebookExecutionManager):
        final = False

        def save(self, **kwargs):
            if self.final:
                super().save(**kwargs)

        def notebook_complete(self, **kwargs):
            self.final = True
            super().notebook_complete(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls, nb, kernel_name, output_path=None, progress_bar=False, log_output=False, autosave_cell_every=30, **kw
        ):
            nb_man = OnceManager(nb, output_path=output_path, progress_bar=False, log_output=log_output)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kw)
            finally:
                nb_man.notebook_complete()
            return nb_man.nb

    return Engine


ENGINE = "safer-analysis-warm"


def execute_notebook(source: Path, target: Path, parameters: dict[str, Any], cwd: str, kernel_name: str) -> None:
    """Run ``source`` with ``parameters`` into ``target`` in an in-process kernel (papermill's
    parameters cell, metadata and errors, as with a kernel of its own)."""
    import papermill
    from papermill.engines import papermill_engines

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, _engine())
    previous = os.getcwd()
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=kernel_name,
            engine_name=ENGINE,
            km=_kernel_classes()(),
            cwd=cwd,
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
    finally:
        os.chdir(previous)


# ---- one fork per task ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a forked task returned, or the error it raised (its type name and message)."""

    name: str
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0


def _die_with_parent() -> None:
    """Ask Linux to end this child if the build's process dies (killed, not only interrupted)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _child(task: Callable[[], Any], conn) -> None:
    _die_with_parent()
    started = time.perf_counter()
    try:
        value = task()
        message = ("ok", value, None, time.perf_counter() - started)
    except BaseException as exc:  # reported to the parent, which decides
        try:
            import pickle

            pickle.dumps(exc)
            error = exc
        except Exception:
            error = RuntimeError(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        message = ("error", None, error, time.perf_counter() - started)
    try:
        conn.send(message)
    finally:
        conn.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def run_forked(
    tasks: Sequence[tuple[str, Callable[[], Any]]],
    jobs: int,
    on_done: Callable[[Outcome], None] | None = None,
) -> dict[str, Outcome]:
    """Run each ``(name, task)`` in a fresh fork of this process, at most ``jobs`` at once, in the
    order given (put the longest first); ``on_done`` is called as each ends. A child that dies
    without answering (killed, out of memory) is an error naming it."""
    if "fork" not in mp.get_all_start_methods():  # pragma: no cover - not Linux or macOS
        outcomes = {}
        for name, task in tasks:
            started = time.perf_counter()
            try:
                outcome = Outcome(name, task(), None, time.perf_counter() - started)
            except Exception as exc:
                outcome = Outcome(name, None, exc, time.perf_counter() - started)
            outcomes[name] = outcome
            if on_done:
                on_done(outcome)
        return outcomes
    from multiprocessing.connection import wait

    context = mp.get_context("fork")
    pending = list(tasks)
    running: dict[Any, tuple[str, Any, float]] = {}  # reader -> (name, process, started)
    outcomes: dict[str, Outcome] = {}
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                name, task = pending.pop(0)
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(task, writer), daemon=True)
                sys.stdout.flush()
                sys.stderr.flush()
                process.start()
                writer.close()
                running[reader] = (name, process, time.perf_counter())
            for reader in wait(list(running)):
                name, process, started = running.pop(reader)
                try:
                    status, value, error, seconds = reader.recv()
                except (EOFError, OSError):
                    process.join()
                    status, value, seconds = "error", None, time.perf_counter() - started
                    error = RuntimeError(f"{name}: its process ended without finishing (exit code {process.exitcode})")
                reader.close()
                process.join()
                outcome = Outcome(name, value, error if status == "error" else None, seconds)
                outcomes[name] = outcome
                if on_done:
                    on_done(outcome)
    finally:
        for reader, (_, process, _) in running.items():
            process.terminate()
            process.join()
            reader.close()
    return outcomes
