"""Areas of England and Wales by ONS name or code, each resolved to the LSOAs it covers.

An area is a Community Safety Partnership (codes E22, and W14 in Wales), a local authority (E06, E07, E08,
E09, W06; 2024 or, for districts merged in 2023, 2022) or a police force area (E23/W15). A name
is looked up, in any case, as a CSP first, then a local authority, then a force area, so "North
Devon" is the CSP of North Devon and Torridge and "North Yorkshire" the CSP, not the force area
that includes York. Every area resolves to its LSOA codes of both vintages (2011 and 2021),
through the ONS lookups shipped with the package; where one authority holds several CSPs
(Cumberland's Allerdale, Carlisle and Copeland), the CSPs follow the 2022 authorities.

>>> area = resolve("plymouth")
>>> area.kind, area.code, len(area.lsoa11), len(area.lsoa21)
('Community Safety Partnership', 'E22000056', 161, 164)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import reference

CSP, AUTHORITY, FORCE = "Community Safety Partnership", "local authority", "police force area"
_CODE = re.compile(r"^[EW]\d{8}$")
_KINDS_BY_PREFIX = {
    "E22": CSP,
    "W14": CSP,  # the ONS code of a Welsh CSP in the 2024 lookup
    "W22": CSP,
    "E23": FORCE,
    "W15": FORCE,
    "E06": AUTHORITY,
    "E07": AUTHORITY,
    "E08": AUTHORITY,
    "E09": AUTHORITY,
    "W06": AUTHORITY,
}


class UnknownAreaError(ParameterError):
    """A name or code that is no area in the ONS lookups (exit 2), with a suggestion where one is near."""


@dataclass(frozen=True)
class Area:
    """An area and the LSOAs it covers."""

    kind: str
    code: str
    name: str
    authority_codes: tuple[str, ...]
    authority_names: tuple[str, ...]
    force: str
    force_code: str
    lsoa11: frozenset[str]
    lsoa21: frozenset[str]

    @property
    def lsoa_codes(self) -> frozenset[str]:
        """Its LSOA codes of both vintages (police.uk uses 2011 codes before 2021 data, 2021 after)."""
        return self.lsoa11 | self.lsoa21

    def describe(self) -> str:
        """'Plymouth (Community Safety Partnership E22000056, 161 LSOAs of 2011, 164 of 2021)'."""
        return (
            f"{self.name} ({self.kind} {self.code}: {', '.join(self.authority_names)}; "
            f"{len(self.lsoa11)} LSOAs of 2011, {len(self.lsoa21)} of 2021)"
        )


@cache
def _lsoas() -> pd.DataFrame:
    return reference.read_table("lsoa_areas.csv")


@cache
def _authority_names() -> dict[str, str]:
    """Names of every local authority code known, 2022 and 2024."""
    districts = reference.read_table("lookup_ltla22_ltla23.csv")
    names = dict(zip(districts["ltla22_code"], districts["ltla22_name"], strict=True))
    lookup = reference.csp_lookup()
    names.update(zip(lookup["ltla24_code"], lookup["ltla24_name"], strict=True))
    return names


def all_lsoa_codes() -> frozenset[str]:
    """Every LSOA code, 2011 and 2021, that the shipped lookups know."""
    table = _lsoas()
    return frozenset(table["lsoa11_code"]) | frozenset(table["lsoa21_code"])


def _by_authorities(codes: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The LSOAs (2011, 2021) of 2024 or 2022 authorities."""
    table = _lsoas()
    rows = table[table["ltla24_code"].isin(codes) | table["ltla22_code"].isin(codes)]
    return frozenset(rows["lsoa11_code"]), frozenset(rows["lsoa21_code"])


def _csp(rows: pd.DataFrame) -> Area:
    """A CSP's LSOAs: all of each authority it alone covers; of an authority shared by several
    CSPs, the 2022 authority of the CSP's own name (Cumberland's CSPs follow Allerdale, Carlisle and
    Copeland). A shared authority with no such district is left to its other CSPs when this CSP
    has authorities of its own."""
    first = rows.iloc[0]
    lookup = reference.csp_lookup()
    names = _authority_names()
    table = _lsoas()
    sole, districts, unresolved = set(), set(), []
    for authority in sorted(set(rows["ltla24_code"])):
        if lookup.loc[lookup["ltla24_code"] == authority, "csp24_code"].nunique() == 1:
            sole.add(authority)
            continue
        within = set(table.loc[table["ltla24_code"] == authority, "ltla22_code"])
        own = [d for d in within if names.get(d, "").lower() == str(first["csp24_name"]).lower()]
        if own:
            districts.update(own)
        else:
            unresolved.append(names.get(authority, authority))
    if unresolved and not (sole or districts):
        raise UnknownAreaError(
            f"{first['csp24_name']} ({first['csp24_code']}) shares {', '.join(unresolved)} with other CSPs and the "
            "lookups do not say which of its LSOAs are this CSP's: name the local authority instead"
        )
    return _area(CSP, str(first["csp24_code"]), str(first["csp24_name"]), sole | districts, first)


def _authority(code: str) -> Area:
    lookup = reference.csp_lookup()
    names = _authority_names()
    lsoa11, lsoa21 = _by_authorities({code})
    table = _lsoas()
    now = table.loc[table["ltla22_code"] == code, "ltla24_code"]
    current = code if code in set(lookup["ltla24_code"]) else (now.iloc[0] if not now.empty else code)
    force = lookup[lookup["ltla24_code"] == current]
    return Area(
        AUTHORITY,
        code,
        names.get(code, code),
        (code,),
        (names.get(code, code),),
        str(force["pfa24_name"].iloc[0]) if not force.empty else "",
        str(force["pfa24_code"].iloc[0]) if not force.empty else "",
        lsoa11,
        lsoa21,
    )


def _force(rows: pd.DataFrame) -> Area:
    first = rows.iloc[0]
    return _area(FORCE, str(first["pfa24_code"]), str(first["pfa24_name"]), set(rows["ltla24_code"]), first)


def _area(kind: str, code: str, name: str, authorities: set[str], lookup_row: pd.Series) -> Area:
    """An area of ``authorities``, with its force from a row of the authority-CSP-force lookup."""
    lsoa11, lsoa21 = _by_authorities(authorities)
    names = _authority_names()
    return Area(
        kind,
        code,
        name,
        tuple(sorted(authorities)),
        tuple(sorted(names.get(a, a) for a in authorities)),
        str(lookup_row["pfa24_name"]),
        str(lookup_row["pfa24_code"]),
        lsoa11,
        lsoa21,
    )


def resolve(name_or_code: str) -> Area:
    """The area with this ONS code, or this name (any case): a CSP first, then a local authority,
    then a police force area. An UnknownAreaError, with the nearest names, otherwise."""
    text = str(name_or_code).strip()
    lookup = reference.csp_lookup()
    code = text.upper()
    if _CODE.match(code):
        kind = _KINDS_BY_PREFIX.get(code[:3])
        if kind == CSP and (lookup["csp24_code"] == code).any():
            return _csp(lookup[lookup["csp24_code"] == code])
        if kind == FORCE and (lookup["pfa24_code"] == code).any():
            return _force(lookup[lookup["pfa24_code"] == code])
        if kind == AUTHORITY and code in _authority_names():
            return _authority(code)
        raise UnknownAreaError(
            f"{text}: no {kind or 'area'} has this code in the ONS lookups shipped with the "
            "package (CSPs E22/W14, local authorities E06-E09/W06, force areas E23/W15)"
        )
    wanted = text.lower()
    rows = lookup[lookup["csp24_name"].str.lower() == wanted]
    if not rows.empty:
        return _csp(rows)
    matches = [c for c, n in _authority_names().items() if n.lower() == wanted]
    if matches:
        current = [c for c in matches if c in set(lookup["ltla24_code"])]
        return _authority((current or sorted(matches))[0])
    rows = lookup[lookup["pfa24_name"].str.lower() == wanted]
    if not rows.empty:
        return _force(rows)
    known = sorted(set(lookup["csp24_name"]) | set(_authority_names().values()) | set(lookup["pfa24_name"]))
    close = difflib.get_close_matches(text, known, n=3, cutoff=0.6)
    close += [k for k in known if k.lower().startswith(wanted[:5]) and k not in close][: 3 - len(close)]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownAreaError(
        f"no Community Safety Partnership, local authority or police force area called "
        f"{text!r} in the ONS lookups{hint}"
    )


#: The places :func:`lsoa_places` gives each LSOA, each a code and a name.
PLACE_COLUMNS = [
    "ward_code",
    "ward_name",
    "authority_code",
    "authority_name",
    "csp_code",
    "csp_name",
    "force_code",
    "force_name",
]


def _by_code(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """Per code of one vintage: its ward, authority and CSP where all its rows agree (else None),
    and its one 2011 parent (else None)."""
    groups = table.groupby(code, sort=False)
    out = groups[["ward24_code", "ward24_name", "ltla24_code", "csp24_code", "change_code", "lsoa11_code"]].first()
    for column, agreed in (
        ("ward24_code", ["ward24_code", "ward24_name"]),
        ("ltla24_code", ["ltla24_code"]),
        ("csp24_code", ["csp24_code"]),
        ("change_code", ["change_code"]),
        ("lsoa11_code", ["lsoa11_code"]),
    ):
        several = groups[column].nunique(dropna=False) > 1
        out.loc[several, agreed] = None
    return out


def _csp_of_rows(table: pd.DataFrame) -> pd.Series:
    """The CSP of each row of the LSOA lookup: its authority's, or, where an authority holds several
    CSPs (Cumberland, Dorset, ...), the one named as the row's 2022 authority (as areas.resolve)."""
    lookup = reference.csp_lookup()
    count = lookup.groupby("ltla24_code")["csp24_code"].nunique()
    sole = lookup[lookup["ltla24_code"].isin(count.index[count == 1])].set_index("ltla24_code")["csp24_code"]
    csp = table["ltla24_code"].map(sole)
    districts = reference.read_table("lookup_ltla22_ltla23.csv")
    name22 = table["ltla22_code"].map(dict(zip(districts["ltla22_code"], districts["ltla22_name"], strict=True)))
    by_name = dict(zip(lookup["csp24_name"].str.lower(), lookup["csp24_code"], strict=False))
    return csp.fillna(name22.str.lower().map(by_name))


@cache
def lsoa_places() -> pd.DataFrame:
    """Every LSOA code of England and Wales, 2011 and 2021, indexed by code, with ``vintage``
    ("2011", "2021" or "2011 and 2021"), ``lsoa11_code``, ``change_code`` and the ward, local
    authority, CSP and police force area it lies in (:data:`PLACE_COLUMNS`, codes and names; None
    where the lookups do not give one: a 2011 LSOA split across wards or authorities, or an
    authority shared by several CSPs without a 2022 district of the CSP's name, as
    :func:`resolve`). Built once per process from the shipped lookups; the one place every report,
    import and the workbench find an LSOA's ward, partnership and force."""
    table = _lsoas().copy()
    table["csp24_code"] = _csp_of_rows(table)
    by21 = _by_code(table, "lsoa21_code")
    by11 = _by_code(table, "lsoa11_code")
    by11["lsoa11_code"] = by11.index
    both = by21.index.intersection(by11.index)
    by21["vintage"] = "2021"
    by21.loc[both, "vintage"] = "2011 and 2021"
    by11["vintage"] = "2011"
    out = pd.concat([by21, by11.loc[by11.index.difference(both)]])
    out = out.rename(columns={"ward24_code": "ward_code", "ward24_name": "ward_name", "ltla24_code": "authority_code"})
    lookup = reference.csp_lookup()
    authorities = lookup.drop_duplicates("ltla24_code").set_index("ltla24_code")
    csps = lookup.drop_duplicates("csp24_code").set_index("csp24_code")
    out["authority_name"] = out["authority_code"].map(authorities["ltla24_name"])
    out["csp_code"] = out.pop("csp24_code")
    out["csp_name"] = out["csp_code"].map(csps["csp24_name"])
    out["force_code"] = out["authority_code"].map(authorities["pfa24_code"])
    out["force_name"] = out["authority_code"].map(authorities["pfa24_name"])
    out.index.name = "lsoa_code"
    columns = ["vintage", "lsoa11_code", "change_code", *PLACE_COLUMNS]
    return out[columns].astype(object).where(out[columns].notna(), None)


@cache
def partnership_of_lsoa() -> dict[str, str]:
    """The Community Safety Partnership (2024 code) of every LSOA code, 2011 and 2021, from
    :func:`lsoa_places`: an empty string where the lookups place the LSOA in no single one."""
    return {code: csp or "" for code, csp in lsoa_places()["csp_code"].items()}


def partnerships(force_code: str = "") -> pd.DataFrame:
    """The Community Safety Partnerships (2024) with their force and local authority codes
    (``csp_code``, ``csp_name``, ``force_code``, ``force_name``, ``authority_codes`` a tuple);
    with ``force_code`` (``E23...``) those of one force."""
    table = reference.csp_lookup()
    if force_code:
        table = table[table["pfa24_code"] == force_code]
    grouped = table.groupby(["csp24_code", "csp24_name", "pfa24_code", "pfa24_name"], sort=True)["ltla24_code"]
    out = grouped.apply(lambda s: tuple(sorted(s))).reset_index()
    return out.rename(
        columns={
            "csp24_code": "csp_code",
            "csp24_name": "csp_name",
            "pfa24_code": "force_code",
            "pfa24_name": "force_name",
            "ltla24_code": "authority_codes",
        }
    )
