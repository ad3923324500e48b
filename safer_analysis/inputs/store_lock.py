"""One import at a time per crime store.

An import takes an exclusive ``flock`` on ``.<store>.lock`` beside the store for as long as it
reads the store held and writes the new one. The operating system releases the lock when the
process ends, however it ends, so a killed import never leaves a stale lock. A second import
into the same store meanwhile is refused at once (:class:`~safer_analysis.errors.BusyError`),
naming the process that holds it. The lock file is removed when the lock is released (and a
folder made only to hold it), so a project's ``data/`` holds no trace of an import that finished.

A lock file is opened without following links: a link, a folder or any other thing that is not
a plain file standing at a lock's path is refused (:class:`~safer_analysis.errors.ParameterError`),
and what it points at is never written nor removed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
from pathlib import Path

from safer_analysis.errors import BusyError, ParameterError

__all__ = ["StoreLock", "lock_file", "open_lock"]


def open_lock(path: Path, again: str):
    """Open (making it if absent) the plain file ``path`` to lock, never following a link there.

    Raises ParameterError when ``path`` is a link, a folder or anything but a plain file of its own
    (a second name of another file included), so its target is left as it was; ``again`` ends the
    message (``"build again"``).
    """
    refused = ParameterError(
        f"{path} is in the way of the lock file safer-analysis keeps there: it is a link or not a plain "
        f"file, so it is left alone; remove it, then {again}"
    )
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise refused from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        os.close(fd)
        raise refused
    return os.fdopen(fd, "r+")


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
            handle = open_lock(self.path, "import again")  # held until __exit__
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
            named = os.lstat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(handle.fileno())
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            # only the file held, and while held, so no one locks a file about to vanish
            if self._still_named(self._handle):
                self.path.unlink()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        for folder in self._made:  # deepest first; one that the import filled stays
            try:
                folder.rmdir()
            except OSError:
                break
        self._made = []
