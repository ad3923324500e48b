"""One import at a time per crime store.

An import takes an exclusive ``flock`` on ``.<store>.lock`` beside the store for as long as it
reads the store held and writes the new one. The operating system releases the lock when the
process ends, however it ends, so a killed import never leaves a stale lock. A second import
into the same store meanwhile is refused at once (:class:`~safer_analysis.errors.BusyError`),
naming the process that holds it. The lock file is removed when the lock is released (and a
folder made only to hold it), so a project's ``data/`` holds no trace of an import that finished.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

from safer_analysis.errors import BusyError

__all__ = ["StoreLock", "lock_file"]


def lock_file(store: Path) -> Path:
    """The lock file beside a store: ``plymouth-street.parquet`` gives ``.plymouth-street.parquet.lock``."""
    store = Path(store)
    return store.with_name(f".{store.name}.lock")


class StoreLock:
    """``with StoreLock(store):`` holds the store for one import, or raises ``BusyError`` at once."""

    def __init__(self, store: Path) -> None:
        self.store = Path(store)
        self.path = lock_file(self.store)
        self._handle = None
        self._made: list[Path] = []  # folders made to hold the lock, removed with it if still empty

    def __enter__(self) -> StoreLock:
        folder = self.path.parent
        missing = [f for f in (folder, *folder.parents) if not f.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self._made = [f for f in missing if f.is_dir()]
        while True:
            handle = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                handle.close()
                raise BusyError(
                    f"{self.store} is being written by {holder} right now; wait for that import to finish, "
                    "then import again"
                ) from None
            if self._still_named(handle):
                break
            handle.close()  # the holder removed the file as it let go: lock the file now named so
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
        handle.write(f"process {os.getpid()} (an import started {started})")
        handle.flush()
        self._handle = handle
        return self

    def _still_named(self, handle) -> bool:
        """Whether the file locked is still the one at the lock's path (not removed by its last holder)."""
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(handle.fileno())
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self.path.unlink(missing_ok=True)  # while still held, so no one locks a file about to vanish
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        for folder in self._made:  # deepest first; one that the import filled stays
            try:
                folder.rmdir()
            except OSError:
                break
        self._made = []
