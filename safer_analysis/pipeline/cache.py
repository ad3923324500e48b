"""Analysis shared by the notebooks of one build, computed once.

The strategic assessment's profile (volumes, rates, trends, concentration, harm, the ranking) is
what both the strategic assessment and the allocation rationale start from. Within a build the
first notebook to ask computes it and keeps it in the build's cache folder; any other notebook
asking for the same profile (the same arguments: crimes, data, year, area and options) waits for
it and reads it, whichever process it runs in.

The cache lives only as long as the build (a folder the runner makes and removes), so it never
serves a result from other inputs; within the build, the key is a hash of every argument.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import pandas as pd

#: The environment variable naming a build's cache folder (set in the notebooks' processes).
CACHE_ENV = "SAFER_ANALYSIS_BUILD_CACHE"


def _digest(value: Any, h) -> None:
    if isinstance(value, pd.DataFrame):
        h.update(repr((list(value.columns), value.shape)).encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        h.update(repr(sorted(value.attrs.get("metadata", {}).items(), key=str)).encode())
    elif isinstance(value, (list, tuple)):
        h.update(b"[")
        for v in value:
            _digest(v, h)
        h.update(b"]")
    elif isinstance(value, dict):
        _digest(sorted(value.items(), key=str), h)
    elif dataclasses.is_dataclass(value):  # a Dataset: its frames, field by field
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            _digest(getattr(value, f.name), h)
    else:
        h.update(repr(value).encode())


def key(*args: Any, **kwargs: Any) -> str:
    """A hash of the arguments (frames by their contents)."""
    h = hashlib.sha256()
    _digest(list(args), h)
    _digest(kwargs, h)
    return h.hexdigest()


def once(folder: Path, name: str, compute) -> Any:
    """``compute()`` once for all processes sharing ``folder``: the first takes the lock and
    computes, the others wait for it and read what it kept."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pickle"
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.is_file():
                with contextlib.suppress(Exception), open(path, "rb") as handle:
                    return pickle.load(handle)
            value = compute()
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def shared_build_profile(build_profile, folder: Path):
    """``build_profile`` computed once per set of arguments in ``folder``."""

    @functools.wraps(build_profile)
    def wrapper(crimes, dataset, year, csp, **kwargs):
        if not folder.parent.is_dir():  # the build is over (its folder swapped into place): never make it again
            return build_profile(crimes, dataset, year, csp, **kwargs)
        name = "profile-" + key(crimes, dataset, year, csp, **kwargs)[:32]
        return once(folder, name, lambda: build_profile(crimes, dataset, year, csp, **kwargs))

    wrapper.__wrapped_for_build__ = True
    return wrapper


def install(folder: Path) -> None:
    """Share the strategic assessment's profile between the notebooks of a build (in this process
    and its forks) through ``folder``."""
    from safer_analysis.reports import strategic_assessment as sa

    original = getattr(sa.build_profile, "__wrapped__", sa.build_profile)
    sa.build_profile = shared_build_profile(original, Path(folder))
