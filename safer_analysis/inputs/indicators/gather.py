"""Every indicator an area has, in one frame: the project's own (``data/indicators.csv``), DfE's
youth justice figures for its upper-tier authority, ONS's recorded-crime groups for its partnership
and the source documents' context figures, each row with ``comparison`` (blank for the area's own
figures, else what the comparator is: England, a region, a statistical neighbour, the force...),
``single_point`` (a figure quoted once, never trended), ``origin`` (which of the four it is) and,
for the documents' figures, ``priority_keys`` (the priorities ``context_figures.csv`` links them to).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from safer_analysis.inputs import validation as v
from safer_analysis.inputs.indicators import context, recorded, tidy, youth_justice

ORIGINS = ("the project's indicators.csv", "DfE youth justice", "ONS recorded crime", "the source documents")


def comparison_of(code: str, own: set[str]) -> str:
    """What an area code in a project's indicators is beside the area: its own (blank), England,
    England and Wales, a region, or another area."""
    if code in own:
        return ""
    if code == tidy.ENGLAND:
        return "England"
    if code == tidy.ENGLAND_AND_WALES:
        return "England and Wales"
    if code.startswith("E12"):
        return "region"
    return "other area"


def own(csp_code: str, authority_codes: tuple[str, ...] | list[str]) -> set[str]:
    """The codes an area's own figures go by: its partnership's, its authorities' and their upper tier's."""
    return {c for c in (csp_code, *authority_codes, *youth_justice.upper_tier(authority_codes)) if c}


def gather(
    data_dir: str | Path,
    *,
    csp_code: str = "",
    authority_codes: tuple[str, ...] = (),
    place: str = "",
    dataset=None,
    project: object = None,
) -> pd.DataFrame:
    """The area's indicators from every source (see the module); ``dataset`` gives the documents'
    context figures (None: left out)."""
    own_codes = own(csp_code, authority_codes)
    parts = []
    mine = tidy.read_project(data_dir)
    v.require(tidy.own_code_problems(mine, own_codes, str(Path(data_dir) / tidy.FILE)))
    if len(mine):
        parts.append(
            mine.assign(
                comparison=[comparison_of(c, own_codes) for c in mine["area_code"]],
                single_point=False,
                origin=ORIGINS[0],
            )
        )
    if authority_codes:
        dfe = youth_justice.for_authorities(authority_codes, for_name=place)
        if len(dfe):
            parts.append(dfe.assign(origin=ORIGINS[1]))
    if csp_code:
        ons = recorded.ons_groups(csp_code, project=project)
        if len(ons):
            parts.append(ons.assign(origin=ORIGINS[2]))
    if dataset is not None and len(dataset.context_figures):
        quoted = context.context_rows(dataset.context_figures, dataset.sources)
        parts.append(quoted.assign(comparison="", origin=ORIGINS[3]))
    if not parts:
        return pd.DataFrame(columns=[*tidy.NAMES, "comparison", "single_point", "origin"])
    return pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True)
