"""How the tool names what it writes from an area's name: the store of an area's crimes and the
counts per partnership beside a store of every area. The project and the import both follow
these rules, so neither needs the other to know where a file is."""

from __future__ import annotations

import os
import re
from pathlib import Path


def slug(text: str) -> str:
    """'Plymouth' -> 'plymouth'; 'Bath and North East Somerset' -> 'bath-and-north-east-somerset'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def store_name(area: str) -> str:
    """The file name of an area's crime store: 'Plymouth' -> 'plymouth-street.parquet'."""
    return f"{slug(area)}-street.parquet"


def counts_file(store: str | os.PathLike) -> Path:
    """Where the partnership counts of a store of all areas are written: beside it,
    ``all-areas-street.parquet`` giving ``all-areas-counts.csv``."""
    store = Path(store)
    return store.with_name(store.name.removesuffix(".parquet").removesuffix("-street") + "-counts.csv")
