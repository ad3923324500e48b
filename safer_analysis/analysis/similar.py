"""An open most similar group for every Community Safety Partnership of England and Wales: its
nearest partnerships on measures of deprivation, density, rural character and age structure.

Each measure is standardised over every partnership that holds it (its mean taken away, divided by
its standard deviation; density on a log scale first, so a city of 4,000 people per square
kilometre is as far from a town of 400 as that town from a district of 40). The distance between
two partnerships is the square root of the weighted sum of squared differences of their
standardised measures, and a partnership's group is the ``group_size`` nearest by it, itself left
out (ties broken by code). A measure held for England only (deprivation, rural character) cannot
compare a Welsh partnership: its group is found on the measures held in both nations, among every
partnership of England and Wales. An English partnership is compared on all the measures, so among
English partnerships only. The measures, weights and group size are data
(:mod:`safer_analysis.inputs.similar_groups`); the method and its limits are described in
``data/similar-groups.md``.

>>> group = similar_group("Plymouth")
>>> len(group), "E22000056" in set(group["csp_code"]), list(group.columns[:3])
(15, False, ['rank', 'csp_code', 'csp_name'])
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import similar_groups
from safer_analysis.inputs.similar_groups import Method

#: Measures compared on a log scale (base 10) before they are standardised.
LOG_SCALE = ("people_per_sq_km",)
#: The columns of a group before its measures.
GROUP_COLUMNS = ["rank", "csp_code", "csp_name", "force_name", "nation", "distance"]


def standardised(measures: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """Each measure of ``names`` (columns of ``measures``) standardised over the partnerships that
    hold it: (x - mean) / standard deviation (of the whole set, not a sample), after the log of
    :data:`LOG_SCALE`; blank where a partnership does not hold it.

    >>> standardised(pd.DataFrame({"a": [1.0, 2.0, 3.0]}), ("a",))["a"].round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    out = pd.DataFrame(index=measures.index)
    for name in names:
        values = measures[name].astype(float)
        if name in LOG_SCALE:
            if (values.dropna() <= 0).any():
                raise ValueError(f"{name} must be above 0 to be compared on a log scale")
            values = np.log10(values)
        spread = values.std(ddof=0)
        if not spread > 0:
            raise ValueError(f"{name} is the same for every partnership: it cannot tell them apart")
        out[name] = (values - values.mean()) / spread
    return out


def _compared_on(z: pd.DataFrame, code: str, method: Method) -> list[str]:
    """The measures ``code`` is compared on: those of the method it holds."""
    return [m for m in method.compared if pd.notna(z.at[code, m])]


def _checked_size(size: int | None, method: Method, pool: int) -> int:
    chosen = method.group_size if size is None else size
    if isinstance(chosen, bool) or not isinstance(chosen, int | np.integer) or not 1 <= chosen <= pool:
        raise ParameterError(f"size: expected a whole number from 1 to {pool}; got {chosen!r}")
    return int(chosen)


def group_of(code: str, measures: pd.DataFrame, method: Method, size: int | None = None) -> pd.DataFrame:
    """The most similar partnerships to ``code``, nearest first: ``rank``, ``csp_code``,
    ``csp_name``, ``force_name``, ``nation``, ``distance``, then each measure compared, as held and
    standardised (``<measure>_z``). ``attrs`` holds the partnership's own ``code``, ``name``,
    standardised measures (``own``), the measures compared (``compared_on``), their ``weights``,
    ``both_nations_only`` (True where a Welsh partnership is compared on the measures held in both
    nations), the partnerships it was compared with (``candidates``) and the method's ``source``.
    """
    if code not in measures.index:
        raise ParameterError(f"{code}: no partnership with this code in the measures table")
    z = standardised(measures, method.compared)
    used = _compared_on(z, code, method)
    pool = z.index[z[used].notna().all(axis=1) & (z.index != code)]
    chosen = _checked_size(size, method, len(pool))
    weights = np.array([method.weights[m] for m in used])
    differences = z.loc[pool, used].to_numpy() - z.loc[code, used].to_numpy()
    distance = pd.Series(np.sqrt((differences**2 * weights).sum(axis=1)), index=pool)
    order = sorted(pool, key=lambda c: (distance[c], c))[:chosen]
    out = measures.loc[order, ["csp_name", "force_name", "nation"]].copy()
    out.insert(0, "rank", range(1, len(order) + 1))
    out["distance"] = distance[order]
    for m in used:
        out[m] = measures.loc[order, m]
        out[f"{m}_z"] = z.loc[order, m]
    out = out.rename_axis("csp_code").reset_index()[GROUP_COLUMNS + [c for c in out.columns if c not in GROUP_COLUMNS]]
    out.attrs.update(
        {
            "code": code,
            "name": str(measures.at[code, "csp_name"]),
            "own": {m: float(z.at[code, m]) for m in used},
            "compared_on": tuple(used),
            "weights": {m: method.weights[m] for m in used},
            "both_nations_only": tuple(used) != method.compared,
            "candidates": len(pool),
            "source": method.source,
        }
    )
    return out


def every_group(measures: pd.DataFrame, method: Method, size: int | None = None) -> pd.DataFrame:
    """Every partnership's group at once, one row per member: ``csp_code`` (whose group),
    ``rank``, ``member_code`` and ``distance``, the same as :func:`group_of` gives one by one.
    Partnerships compared on the same measures are done together, as one matrix of distances."""
    z = standardised(measures, method.compared)
    held = z[list(method.compared)].notna()
    keys = held.apply(lambda row: tuple(m for m in method.compared if row[m]), axis=1)
    parts = []
    for used, codes in keys.groupby(keys).groups.items():
        used = list(used)
        pool = z.index[held[used].all(axis=1)].sort_values()
        chosen = _checked_size(size, method, len(pool) - 1)
        weights = np.array([method.weights[m] for m in used])
        a, b = z.loc[codes, used].to_numpy(), z.loc[pool, used].to_numpy()
        distance = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2 * weights).sum(axis=2))
        distance[np.asarray(codes)[:, None] == pool.to_numpy()[None, :]] = np.inf
        nearest = np.argsort(distance, axis=1, kind="stable")[:, :chosen]
        parts.append(
            pd.DataFrame(
                {
                    "csp_code": np.repeat(np.asarray(codes), chosen),
                    "rank": np.tile(np.arange(1, chosen + 1), len(codes)),
                    "member_code": pool.to_numpy()[nearest].ravel(),
                    "distance": np.take_along_axis(distance, nearest, axis=1).ravel(),
                }
            )
        )
    return pd.concat(parts).sort_values(["csp_code", "rank"]).reset_index(drop=True)


def similar_group(
    area: str, size: int | None = None, *, data_dir: str | os.PathLike | None = None, method: Method | None = None
) -> pd.DataFrame:
    """The most similar partnerships to an area (a partnership's name or code, or a local authority
    lying in one), as :func:`group_of`: by the project's method where ``data_dir`` holds
    ``similar_groups.csv``, else the package's; ``size`` instead of the method's group size."""
    code, _ = similar_groups.partnership(area)
    chosen = method or similar_groups.read_method(data_dir)
    return group_of(code, similar_groups.measures(), chosen, size)
