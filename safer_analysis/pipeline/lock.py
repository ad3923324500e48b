"""One build at a time per output folder, and nothing left behind by a build that was killed.

A build takes an exclusive ``flock`` on ``<out>/.<name>.lock`` for as long as it writes
``<out>/<name>/``. The operating system releases the lock when the process ends, however it
ends, so a killed build never leaves a stale lock: the lock file may stay, the lock does not.
A second build into the same folder meanwhile is refused at once (:class:`BuildBusyError`),
naming the process that holds it.

The lock file is opened without following links; a link or anything but a plain file at its
path is refused (exit 2) and left as it was.

Holding the lock, a build clears what a killed build of the same name left: its temporary
folders (``.building-<name>-*`` holding the manifest a build writes there first), and, if it was
killed between the two renames that swap a pack into place, puts the previous pack
(``.previous-<name>-<pid>``, a pack the tool made) back first. A folder of such a name that the
tool did not make is the user's, and is left alone.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from safer_analysis.errors import BusyError as BuildBusyError
from safer_analysis.inputs.store_lock import open_lock
from safer_analysis.pipeline.targets import made_by_tool

__all__ = ["BuildBusyError", "BuildLock"]


class BuildLock:
    """``with BuildLock(out, name):`` holds the lock for ``out/name/`` and tidies after a killed build."""

    def __init__(self, out: Path, name: str) -> None:
        self.out, self.name = Path(out), name
        self.path = self.out / f".{name}.lock"
        self._handle = None

    def __enter__(self) -> BuildLock:
        handle = open_lock(self.path, "build again")  # held until __exit__
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise BuildBusyError(
                f"{self.out / self.name} is being built by {holder} right now; wait for it to finish "
                "(or give another --out), then build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        self._handle = handle
        self.clear_leftovers()
        return self

    def clear_leftovers(self) -> list[Path]:
        """Remove what a killed build of this name left; restore a pack caught mid-swap."""
        removed = []
        final = self.out / self.name
        stem = f".previous-{self.name}-"
        pids = {p: p.name[len(stem) :] for p in self.out.glob(f"{stem}*")}  # the swap names them by its pid
        previous = sorted(
            (p for p, pid in pids.items() if pid.isascii() and pid.isdigit() and made_by_tool(p)),
            key=lambda p: int(pids[p]),
        )
        if previous and not (final.exists() or final.is_symlink()):
            previous.pop().rename(final)
        building = [p for p in self.out.glob(f".building-{self.name}-*") if made_by_tool(p)]
        for leftover in [*previous, *building]:
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
        return removed

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
