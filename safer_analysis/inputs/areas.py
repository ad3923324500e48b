"""Areas of England and Wales by ONS name or code, each resolved to the LSOAs it covers.

An area is a Community Safety Partnership (codes E22, and W14 in Wales), a local authority (E06, E07, E08,
E09, W06; 2024 or, for districts merged in 2023, 2022) or a police force area (E23/W15). A name
resolves to the kind asked for; with no kind it is looked up as a CSP first, then a local
authority, then a force area, so "North Devon" is the CSP of North Devon and Torridge and "North
Yorkshire" the CSP, not the force area that includes York. A name matches in any case, "&" and
"and" alike and punctuation aside; a partnership may also be named by its only local authority
("York" is the City of York partnership). Every area resolves to its LSOA codes of both vintages
(2011 and 2021), through the ONS lookups shipped with the package; where one authority holds
several CSPs (Cumberland's Allerdale, Carlisle and Copeland), the CSPs follow the 2022 authorities.

>>> area = resolve("plymouth")
>>> area.kind, area.code, len(area.lsoa11), len(area.lsoa21)
('Community Safety Partnership', 'E22000056', 161, 164)
>>> resolve("York", CSP).name, resolve("York", AUTHORITY).label
('City of York', 'York (local authority)')
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache

import pandas as pd

from safer_analysis.errors import ParameterError
from safer_analysis.inputs import reference

CSP, AUTHORITY, FORCE = "Community Safety Partnership", "local authority", "police force area"
_CODE = re.compile(r"^[EW]\d{8}$")
#: A label naming its kind, as :attr:`Area.label` writes one: 'North Devon (local authority)'.
_QUALIFIED = re.compile(
    r"(.*\S)\s*\((Community Safety Partnership|local authority|police force area)\)", flags=re.IGNORECASE
)
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
    """A name or code that is no area of the kind asked for in the ONS lookups (exit 2), saying what
    it is instead and with a suggestion where one is near."""


class AmbiguousAreaError(UnknownAreaError):
    """A name that names several areas of the kind asked for (exit 2); ``candidates`` are their names."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


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
    how: str = field(default="", compare=False)  # how a name was read, where not as the area's own name

    @property
    def label(self) -> str:
        """The area's name, with its kind where the name alone resolves to another kind of area:
        'North Devon (local authority)' beside the partnership North Devon. :func:`resolve` reads it back."""
        return self.name if _kind_by_name(self.name) == self.kind else f"{self.name} ({self.kind})"

    @property
    def lsoa_codes(self) -> frozenset[str]:
        """Its LSOA codes of both vintages (police.uk uses 2011 codes before 2021 data, 2021 after)."""
        return self.lsoa11 | self.lsoa21

    def describe(self) -> str:
        """'Plymouth (Community Safety Partnership E22000056, 161 LSOAs of 2011, 164 of 2021)'."""
        return (
            f"{self.name} ({self.kind} {self.code}: {', '.join(self.authority_names)}; "
            f"{len(self.lsoa11)} LSOAs of 2011, {len(self.lsoa21)} of 2021)" + (f"; {self.how}" if self.how else "")
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


def _key(text: str) -> str:
    """A name as it is matched: any case, '&' read as 'and', apostrophes and full stops dropped and
    other punctuation read as a space, so 'Devon and Cornwall', 'St Helens' and 'Stratford on Avon'
    name Devon & Cornwall, St. Helens and Stratford-on-Avon.

    >>> _key("King's Lynn & West Norfolk") == _key("kings lynn and west norfolk")
    True
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’.]", "", text.replace("&", " and "))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _keys(name: str, kind: str = CSP) -> list[str]:
    """The keys a name is found by: its own, and for 'Bristol, City of' also 'City of Bristol' and,
    but for a force area ('London, City of' is not London), 'Bristol'."""
    keys = [_key(name)]
    inverted = re.fullmatch(r"(.+), ((?:city|county) of)", name.strip(), flags=re.IGNORECASE)
    if inverted:
        keys += [_key(f"{inverted[2]} {inverted[1]}")] + ([_key(inverted[1])] if kind != FORCE else [])
    return keys


@cache
def _names() -> dict[str, dict[str, str]]:
    """Per kind, every code the lookups know with its name."""
    lookup = reference.csp_lookup()
    return {
        CSP: dict(zip(lookup["csp24_code"], lookup["csp24_name"], strict=True)),
        AUTHORITY: _authority_names(),
        FORCE: dict(zip(lookup["pfa24_code"], lookup["pfa24_name"], strict=True)),
    }


@cache
def _by_key() -> dict[str, dict[str, list[str]]]:
    """Per kind, each key (:func:`_keys`) to the codes it names; a 2024 authority before a 2022 district."""
    current = set(reference.csp_lookup()["ltla24_code"])
    out: dict[str, dict[str, list[str]]] = {}
    for kind, names in _names().items():
        out[kind] = {}
        for code in sorted(names, key=lambda c: (c not in current, c)):
            for key in _keys(names[code], kind):
                out[kind].setdefault(key, []).append(code)
    return out


@cache
def _partnerships_of() -> dict[str, tuple[str, ...]]:
    """Every authority code (2024, and each 2022 district by the authority it is part of now) to
    the partnerships it lies in."""
    lookup = reference.csp_lookup()
    out = {a: tuple(sorted(set(rows["csp24_code"]))) for a, rows in lookup.groupby("ltla24_code")}
    table = _lsoas()[["ltla22_code", "ltla24_code"]].drop_duplicates()
    for district, now in zip(table["ltla22_code"], table["ltla24_code"], strict=True):
        out.setdefault(district, out.get(now, ()))
    return out


@cache
def _only_authority() -> dict[str, str]:
    """Each partnership of one local authority to that authority (City of York: York)."""
    lookup = reference.csp_lookup()
    counts = lookup.groupby("csp24_code")["ltla24_code"].agg(lambda s: tuple(sorted(set(s))))
    return {csp: codes[0] for csp, codes in counts.items() if len(codes) == 1}


def _kind_by_name(name: str) -> str | None:
    """The kind of area a name alone resolves to (partnership, authority, force in that order), without
    resolving it."""
    key = _key(name)
    index = _by_key()
    if key in index[CSP] or len(_sole_partnerships(key)) == 1:
        return CSP
    return AUTHORITY if key in index[AUTHORITY] else FORCE if key in index[FORCE] else None


def _sole_partnerships(key: str) -> list[str]:
    """The partnerships whose only local authority has this key (York gives City of York; Cumberland
    gives Allerdale, Carlisle and Copeland)."""
    authorities = [a for a in _by_key()[AUTHORITY].get(key, []) if a in set(_only_authority().values())]
    return [c for a in authorities[:1] for c, only in _only_authority().items() if only == a]


def _listed(codes: list[str] | tuple[str, ...], kind: str = CSP) -> str:
    names = _names()[kind]
    return ", ".join(f"{names[c]} ({c})" for c in codes)


def _partnership_of_authority(text: str, authority: str) -> Area:
    """The partnership ``authority`` (a code) names as its only authority; else an error naming
    the partnerships it lies in."""
    name = _names()[AUTHORITY].get(authority, authority)
    csps = list(_partnerships_of().get(authority, ()))
    sole = [c for c in csps if _only_authority().get(c) == authority]
    if len(csps) == 1 and sole:
        area = _csp(reference.csp_lookup().query("csp24_code == @sole[0]"))
        return replace(
            area, how=f"{text!r} taken as the partnership whose only local authority is {name} ({authority})"
        )
    if len(csps) > 1:
        raise AmbiguousAreaError(
            f"{text!r} is the local authority {name} ({authority}), which {len(csps)} Community Safety "
            f"Partnerships share: {_listed(csps)}; name one of them, or ask for the local authority (--authority)",
            [_names()[CSP][c] for c in csps],
        )
    where = f", within the partnership {_listed(csps)}" if csps else ""
    raise UnknownAreaError(
        f"no Community Safety Partnership is called {text!r}: it is the local authority {name} ({authority}){where}; "
        "name the partnership, or ask for the local authority alone (--authority)"
    )


def _of_code(code: str, kind: str | None) -> Area:
    """The area with this ONS code, of ``kind`` where one is asked for (a partnership also by the
    code of its only authority)."""
    lookup = reference.csp_lookup()
    own = _KINDS_BY_PREFIX.get(code[:3])
    if own is None or code not in _names()[own]:
        raise UnknownAreaError(
            f"{code}: no {own or 'area'} has this code in the ONS lookups shipped with the "
            "package (CSPs E22/W14, local authorities E06-E09/W06, force areas E23/W15)"
        )
    if kind == CSP and own == AUTHORITY:
        return _partnership_of_authority(code, code)
    if kind and kind != own:
        raise UnknownAreaError(f"{code} is the {own} {_names()[own][code]}, not a {kind}")
    if own == CSP:
        return _csp(lookup[lookup["csp24_code"] == code])
    if own == FORCE:
        return _force(lookup[lookup["pfa24_code"] == code])
    return _authority(code)


def _by_name(text: str, kind: str, strict: bool) -> Area | None:
    """The area of ``kind`` called ``text`` (a partnership also by its only authority), or None;
    where ``strict`` (that kind alone was asked for), a name of another kind is an error saying so."""
    key = _key(text)
    codes = _by_key()[kind].get(key, [])
    lookup = reference.csp_lookup()
    if kind == CSP:
        if codes:
            return _csp(lookup[lookup["csp24_code"] == codes[0]])
        authorities = _by_key()[AUTHORITY].get(key, [])
        if authorities and (strict or len(_sole_partnerships(key)) == 1):
            return _partnership_of_authority(text, authorities[0])
        return None
    if not codes:
        return None
    return _authority(codes[0]) if kind == AUTHORITY else _force(lookup[lookup["pfa24_code"] == codes[0]])


def _unknown(text: str, kind: str | None) -> UnknownAreaError:
    """No area of ``kind`` (any kind: None) is called ``text``: what it is instead, and the nearest names."""
    key = _key(text)
    kinds = [kind] if kind else [CSP, AUTHORITY, FORCE]
    said = ""
    for other in (CSP, AUTHORITY, FORCE):
        found = _by_key()[other].get(key)
        if other not in kinds and found:
            said = f": {_names()[other][found[0]]} ({found[0]}) is a {other}, not a {kind}"
            if other == CSP and kind == AUTHORITY and found[0] in _only_authority():
                said += f"; its only local authority is {_listed([_only_authority()[found[0]]], AUTHORITY)}"
            break
    known: dict[str, str] = {}
    for k in kinds:
        for name in _names()[k].values():
            for alias in _keys(name, k):
                known.setdefault(alias, name)
        if k == CSP:  # a partnership is also named by its only authority
            for only in _only_authority().values():
                known.setdefault(_key(_names()[AUTHORITY][only]), _names()[AUTHORITY][only])
    close = []
    if not said and key:  # names that begin with it, then the nearest spellings, then those sharing its start
        close += [n for k, n in sorted(known.items()) if k.startswith(key + " ")]
        close += [known[k] for k in difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)]
        close += [n for k, n in sorted(known.items()) if k.startswith(key[:5])]
    close = list(dict.fromkeys(close))[:3]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    what = kind or "Community Safety Partnership, local authority or police force area"
    return UnknownAreaError(f"no {what} called {text!r} in the ONS lookups{said}{hint}")


def resolve(name_or_code: str, kind: str | None = None) -> Area:
    """The area of ``kind`` (:data:`CSP`, :data:`AUTHORITY` or :data:`FORCE`) with this ONS code
    or this name, or with no kind a partnership first, then a local authority, then a police force
    area. A name matches in any case, '&' and 'and' alike and punctuation aside (:func:`_key`); a
    partnership is also named by its only local authority ('York' is the City of York partnership,
    whose ``how`` says so), and an area's :attr:`Area.label` names it again.

    A name of another kind, or of an authority several partnerships share, is an UnknownAreaError
    (an AmbiguousAreaError listing the candidates) saying what it is, with the nearest names.

    >>> resolve("York", CSP).code, resolve("york", AUTHORITY).code, resolve("Devon and Cornwall").code
    ('E22000371', 'E06000014', 'E23000035')
    """
    if kind not in (None, CSP, AUTHORITY, FORCE):
        raise ValueError(f"kind: expected {CSP!r}, {AUTHORITY!r}, {FORCE!r} or None, got {kind!r}")
    text = str(name_or_code).strip()
    qualified = _QUALIFIED.fullmatch(text)
    if qualified:  # a label, 'North Devon (local authority)'
        named = {k.lower(): k for k in (CSP, AUTHORITY, FORCE)}[qualified[2].lower()]
        if kind and kind != named:
            raise UnknownAreaError(f"{text!r} names a {named}, not a {kind}")
        text, kind = qualified[1].strip(), named
    if not text:
        raise UnknownAreaError(f"no {kind or 'area'} named: give a name or an ONS code")
    if _CODE.match(text.upper()):
        return _of_code(text.upper(), kind)
    for k in [kind] if kind else [CSP, AUTHORITY, FORCE]:
        area = _by_name(text, k, strict=kind is not None)
        if area is not None:
            return area
    raise _unknown(text, kind)


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
