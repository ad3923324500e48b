"""Areas by name or ONS code, and rows selected by LSOA code: checked against independent counts
made from the raw police.uk files and the raw ONS lookups in ../shared."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from safer_analysis.cli import main
from safer_analysis.inputs import areas, police_uk, reference

from ..conftest import REALDATA

LOOKUPS = REALDATA / "ons-lookups"
D_AND_C_2025 = REALDATA / "police-uk-archives" / "devon-and-cornwall-2025"


@pytest.mark.parametrize("text", ["Plymouth", "plymouth", "PLYMOUTH", "E22000056", "e22000056"])
def test_a_csp_by_name_in_any_case_or_by_code(text):
    area = areas.resolve(text)
    assert (area.kind, area.code, area.authority_codes) == (areas.CSP, "E22000056", ("E06000026",))


@pytest.mark.parametrize(
    "text,kind,code",
    [
        ("E06000026", areas.AUTHORITY, "E06000026"),
        ("E23000035", areas.FORCE, "E23000035"),
        ("Devon & Cornwall", areas.FORCE, "E23000035"),
        ("North Devon", areas.CSP, "E22000363"),  # the CSP of North Devon and Torridge, before the authority
        ("North Yorkshire", areas.CSP, "E22000372"),  # the CSP, not the force area that includes York
        ("Harrogate", areas.AUTHORITY, "E07000165"),  # a 2022 district merged into North Yorkshire in 2023
        ("W14000001", areas.CSP, "W14000001"),  # a Welsh CSP, by the code the ONS lookup gives it
        ("Isle of Anglesey", areas.CSP, "W14000001"),
        ("W15000001", areas.FORCE, "W15000001"),
    ],
)
def test_every_kind_of_area_and_the_order_names_are_looked_up_in(text, kind, code):
    area = areas.resolve(text)
    assert (area.kind, area.code) == (kind, code)


def test_wyre_is_not_wyre_forest():
    assert areas.resolve("Wyre").lsoa11.isdisjoint(areas.resolve("Wyre Forest").lsoa11)


def test_cumberlands_csps_follow_the_former_districts():
    parts = [areas.resolve(n) for n in ("Allerdale", "Carlisle", "Copeland")]
    whole = areas.resolve("Cumberland")
    assert all(p.kind == areas.CSP for p in parts)
    assert frozenset().union(*(p.lsoa21 for p in parts)) == whole.lsoa21
    assert sum(len(p.lsoa21) for p in parts) == len(whole.lsoa21)  # no LSOA in two CSPs


def test_every_lsoa_counts_for_the_partnership_that_resolves_to_it():
    """The partnership each LSOA is counted under (the force comparison's counts) is one whose
    LSOAs, resolved by name, include it: Cumberland's LSOAs go to Allerdale, Carlisle and
    Copeland by their former district, not all to one of them."""
    of = areas.partnership_of_lsoa()
    for name in ("Allerdale", "Carlisle", "Copeland", "Plymouth", "Torbay", "Dorset", "Isle of Anglesey"):
        area = areas.resolve(name)
        counted = {code for code, csp in of.items() if csp == area.code}
        assert counted <= area.lsoa_codes and len(counted) >= len(area.lsoa_codes) - 1, name
    # an authority shared by CSPs whose lookups do not say which LSOA is whose: counted under none
    wycombe = reference.csp_lookup().query("csp24_name == 'Wycombe'")["csp24_code"].iloc[0]
    assert wycombe not in set(of.values())
    with pytest.raises(areas.UnknownAreaError, match="shares Buckinghamshire"):
        areas.resolve("Wycombe")


def test_a_near_miss_is_refused_with_a_suggestion():
    with pytest.raises(areas.UnknownAreaError, match="did you mean 'Plymouth'"):
        areas.resolve("Plymuoth")
    with pytest.raises(areas.UnknownAreaError, match="no Community Safety Partnership has this code"):
        areas.resolve("E22999999")


def test_an_unknown_area_exits_2_with_a_suggestion(project_copy, capsys):
    code = main(["import-police-uk", str(D_AND_C_2025), "--area", "Plymuoth", "--project", str(project_copy)])
    assert code == 2 and "did you mean 'Plymouth'" in capsys.readouterr().err


def _raw_codes(authorities: set[str]) -> set[str]:
    """LSOA codes (2011 and 2021) of authorities, read straight from the raw ONS lookups."""
    codes = set()
    with open(LOOKUPS / "lookup_lsoa11_lsoa21_ltla22.csv", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["ltla22_code"] in authorities:
                codes |= {r["lsoa11_code"], r["lsoa21_code"]}
    with open(LOOKUPS / "lookup_lsoa21_ward24_ltla24.csv", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["ltla24_code"] in authorities:
                codes.add(r["lsoa21_code"])
    return codes


def _raw_count(folder: Path, codes: set[str], months: set[str] | None = None) -> int:
    """Rows in these LSOAs, a crime row identical in every field to one already counted once."""
    n = 0
    for path in sorted(folder.rglob("*-street.csv")):
        if months and path.parent.name not in months:
            continue
        seen = set()
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for r in csv.DictReader(handle):
                if r["LSOA code"] not in codes or (r["Crime ID"] and tuple(r.values()) in seen):
                    continue
                seen.add(tuple(r.values()) if r["Crime ID"] else None)
                n += 1
    return n


def _import(tmp_path: Path, folders: list[Path], area: areas.Area):
    out = tmp_path / f"{area.code}.parquet"
    report = police_uk.import_police_uk(
        folders,
        out,
        csp=area.name,
        lsoa_codes=sorted(area.lsoa_codes),
        name_prefixes=list(area.authority_names),
        known_codes=areas.all_lsoa_codes(),
    )
    return police_uk.load_crimes(out), report


def test_plymouth_2025_keeps_every_row_of_its_2021_lsoas(tmp_path):
    frame, report = _import(tmp_path, [D_AND_C_2025], areas.resolve("Plymouth"))
    assert len(frame) == 29_623 == _raw_count(D_AND_C_2025, _raw_codes({"E06000026"}))
    assert report.rows_by_name == 0


def test_north_yorkshire_2025_selects_exactly_the_rows_of_its_lsoas(tmp_path):
    """The 2023 unitary: 2021 codes, LSOA names still those of the former districts."""
    folder = REALDATA / "police-uk-archives" / "north-yorkshire-2025"
    frame, _ = _import(tmp_path, [folder], areas.resolve("North Yorkshire"))
    expected = _raw_count(folder, _raw_codes({"E06000065"}))
    assert len(frame) == expected > 30_000
    assert not frame["lsoa_name"].str.startswith("North Yorkshire").any()  # selected by code, not by name


def test_every_csp_of_devon_and_cornwall_matches_an_independent_count(tmp_path):
    folders = [REALDATA / "police-uk-archives" / "devon-and-cornwall-2018", REALDATA / "police-uk" / "archive-2019"]
    months = {f"2018-{m:02d}" for m in range(4, 13)} | {"2019-01", "2019-02", "2019-03"}
    lookup = list(csv.DictReader(open(LOOKUPS / "lookup_ltla24_csp24_pfa24.csv", encoding="utf-8")))
    csps: dict[str, set[str]] = {}
    for r in lookup:
        if r["pfa24_name"] == "Devon & Cornwall":
            csps.setdefault(r["csp24_code"], set()).add(r["ltla24_code"])
    assert len(csps) >= 8
    totals = Counter()
    for code, authorities in sorted(csps.items()):
        frame, _ = _import(tmp_path, folders, areas.resolve(code))
        got = int(frame["month"].isin(months).sum())
        expected = sum(
            _raw_count(
                f,
                _raw_codes(authorities),
                months - ({"2019-01", "2019-02", "2019-03"} if f.name == "devon-and-cornwall-2018" else set()),
            )
            for f in folders
        )
        assert got == expected, code
        totals[code] = got
    assert sum(totals.values()) > 100_000


ADVERSARIAL = [
    'a1,2019-01,F,F,-4.1,50.3,On or near X,E01015025,Plymouth 001A,Burglary,Under investigation,"one\nline two"',
    'a2,2019-01,F,F,-4.1,50.3,"On or near ""Quoted"", Road",E01015025,Plymouth 001A,Burglary,Under investigation,',
    ",2019-01,F,F,,,No Location,,,Anti-social behaviour,,",
    'a3,2019-01,F,F,-4.1,50.3,On or near Y,E01015026,Plymouth 001B,Robbery,Under investigation,"a, b\r\nc"',
    "a4,2019-01,F,F,-4.1,50.3,On or near Z,E01015027,Plymouth 001C,Drugs,Under investigation,",
]
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("selection", ["names", "codes"])
def test_adversarial_files_lose_nothing(tmp_path, ending, selection):
    """Line breaks, commas and quotes inside fields, a byte-order mark, CRLF and blank LSOAs: the
    fast path and the full parse keep the same rows, and every row is counted."""
    folder = tmp_path / "2019-01"
    folder.mkdir()
    text = "\ufeff" + HEADER + ending + ending.join(ADVERSARIAL) + ending
    (folder / "2019-01-devon-and-cornwall-street.csv").write_bytes(text.encode("utf-8"))
    kwargs = (
        {"lsoa_prefixes": ["Plymouth "]}
        if selection == "names"
        else {"lsoa_codes": ["E01015025", "E01015026", "E01015027"]}
    )
    table, report = police_uk.read_police_uk(tmp_path, **kwargs)
    assert table.column("crime_id").to_pylist() == ["a1", "a2", "a3", "a4"]
    assert report.rows_read == 5 and report.rows_without_location == 1
    assert table.column("location").to_pylist()[1] == 'On or near "Quoted", Road'


def test_one_store_of_all_areas_serves_every_area_without_reading_the_archives_again(project_copy, tmp_path):
    folder = REALDATA / "police-uk-archives" / "devon-and-cornwall-2018"
    assert main(["import-police-uk", "--all-areas", str(folder), "--project", str(project_copy)]) == 0
    store = project_copy / "data" / "crime" / "all-areas-street.parquet"
    for name in ("Torbay", "South Devon and Dartmoor"):
        area = areas.resolve(name)
        cut = police_uk.load_area(store, area.name, area.lsoa_codes)
        direct, _ = _import(tmp_path, [folder], area)
        assert cut.attrs["metadata"]["csp"] == area.name
        assert sorted(cut["crime_id"].fillna("")) == sorted(direct["crime_id"].fillna("")) and len(cut) == len(direct)


def _raw_lookup() -> list[dict[str, str]]:
    with open(LOOKUPS / "lookup_ltla24_csp24_pfa24.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared
def test_csp_york_is_the_city_of_york_partnership_of_the_raw_lookup():
    """A partnership named by its only authority: the raw ONS lookup's one partnership of York."""
    rows = [r for r in _raw_lookup() if r["ltla24_name"] == "York"]
    (csp,) = {r["csp24_code"] for r in rows}
    assert [r["ltla24_code"] for r in _raw_lookup() if r["csp24_code"] == csp] == ["E06000014"]
    for text in ("York", "york", "E06000014"):
        area = areas.resolve(text, areas.CSP)
        assert (
            (area.kind, area.code, area.name) == (areas.CSP, csp, "City of York") == (areas.CSP, "E22000371", area.name)
        )
        assert "only local authority is York (E06000014)" in area.how
    assert areas.resolve("City of York", areas.CSP).code == csp


@pytest.mark.parametrize(
    "text,kind,expected_kind,code",
    [
        ("York", areas.AUTHORITY, areas.AUTHORITY, "E06000014"),
        ("York", None, areas.CSP, "E22000371"),  # --area tries a partnership first
        ("Plymouth", areas.AUTHORITY, areas.AUTHORITY, "E06000026"),
        ("North Devon", areas.AUTHORITY, areas.AUTHORITY, "E07000043"),  # not the CSP of North Devon and Torridge
        ("North Yorkshire", areas.FORCE, areas.FORCE, "E23000009"),  # not the partnership
        ("North Yorkshire", areas.AUTHORITY, areas.AUTHORITY, "E06000065"),
        ("Cumberland", None, areas.AUTHORITY, "E06000063"),  # three partnerships share it: --area takes the authority
        ("East Devon", None, areas.AUTHORITY, "E07000040"),
        ("Harrogate", areas.AUTHORITY, areas.AUTHORITY, "E07000165"),
        ("E22000056", areas.CSP, areas.CSP, "E22000056"),
        ("e23000035", areas.FORCE, areas.FORCE, "E23000035"),
    ],
)
def test_a_name_resolves_to_the_kind_asked_for(text, kind, expected_kind, code):
    area = areas.resolve(text, kind)
    assert (area.kind, area.code) == (expected_kind, code)


@pytest.mark.parametrize(
    "text,kind,name",
    [
        ("devon and cornwall", areas.FORCE, "Devon & Cornwall"),
        ("DEVON & CORNWALL", None, "Devon & Cornwall"),
        ("St Helens", None, "St. Helens"),
        ("Stratford on Avon", areas.AUTHORITY, "Stratford-on-Avon"),
        ("Kings Lynn & West Norfolk", areas.AUTHORITY, "King's Lynn and West Norfolk"),
        ("City of Bristol", areas.AUTHORITY, "Bristol, City of"),
        ("Bristol", areas.CSP, "Bristol, City of"),
        ("  Dyfed Powys ", areas.FORCE, "Dyfed-Powys"),
    ],
)
def test_a_name_matches_in_any_case_with_and_for_ampersand_and_punctuation_aside(text, kind, name):
    assert areas.resolve(text, kind).name == name


def test_reading_names_loosely_changes_no_names_resolution():
    """'&' for 'and' and punctuation aside make no two names of one kind alike, and every name in the
    lookups resolves to the kind it resolved to when names matched exactly (a partnership first, then
    an authority, then a force area), but for an authority that is one partnership's only authority."""
    names = areas._names()
    for kind in (areas.CSP, areas.AUTHORITY, areas.FORCE):
        for key, codes in areas._by_key()[kind].items():
            assert len({names[kind][c] for c in codes}) == 1, (kind, key)
    lookup = reference.csp_lookup()
    sole = {a for a, n in lookup.groupby("ltla24_code")["csp24_code"].nunique().items() if n == 1}
    only = lookup.groupby("csp24_code")["ltla24_code"].nunique()
    sole_names = {
        r.ltla24_name.lower() for r in lookup.itertuples() if r.ltla24_code in sole and only[r.csp24_code] == 1
    }
    for kind in (areas.CSP, areas.AUTHORITY, areas.FORCE):
        for name in set(names[kind].values()):
            exact = next(
                k
                for k in (areas.CSP, areas.AUTHORITY, areas.FORCE)
                if name.lower() in map(str.lower, names[k].values())
            )
            try:
                got = areas.resolve(name).kind
            except areas.UnknownAreaError as exc:  # a partnership sharing its authority: refused as before
                assert "shares" in str(exc), name
                continue
            assert got == (areas.CSP if exact == areas.AUTHORITY and name.lower() in sole_names else exact), name


@pytest.mark.shared
def test_a_name_that_matches_several_partnerships_gives_the_candidates():
    shared = sorted({r["csp24_name"] for r in _raw_lookup() if r["ltla24_name"] == "Cumberland"})
    assert len(shared) == 3
    with pytest.raises(areas.AmbiguousAreaError) as caught:
        areas.resolve("Cumberland", areas.CSP)
    assert sorted(caught.value.candidates) == shared
    assert all(name in str(caught.value) for name in shared)
    with pytest.raises(areas.AmbiguousAreaError):
        areas.resolve("E06000063", areas.CSP)


@pytest.mark.parametrize(
    "text,kind,said",
    [
        ("Devon & Cornwall", areas.CSP, "Devon & Cornwall (E23000035) is a police force area, not a Community"),
        ("E23000035", areas.CSP, "E23000035 is the police force area Devon & Cornwall, not a Community"),
        ("City of York", areas.AUTHORITY, "its only local authority is York (E06000014)"),
        ("East Devon", areas.CSP, "within the partnership East and Mid Devon (E22000362)"),
        ("Plymouth", areas.FORCE, "is a Community Safety Partnership, not a police force area"),
        ("North Devon (police force area)", None, "no police force area called 'North Devon'"),
        ("Yrok", areas.CSP, "did you mean 'York'?"),
        ("Yrok", areas.AUTHORITY, "did you mean 'York'?"),
        ("Devon", areas.FORCE, "did you mean 'Devon & Cornwall'?"),
        ("Devon", None, "did you mean 'Devon & Cornwall' or 'Mid Devon' or 'West Devon'?"),
        ("Plymuoth", None, "did you mean 'Plymouth'?"),
        ("", None, "no area named"),
    ],
)
def test_a_name_of_another_kind_or_unknown_says_what_it_is(text, kind, said):
    with pytest.raises(areas.UnknownAreaError) as caught:
        areas.resolve(text, kind)
    assert said in str(caught.value)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("North Devon", areas.AUTHORITY),
        ("North Devon", areas.CSP),
        ("North Yorkshire", areas.FORCE),
        ("York", areas.AUTHORITY),
        ("York", areas.CSP),
        ("Teignbridge", None),
    ],
)
def test_a_label_names_its_area_again(text, kind):
    """A label ('North Devon (local authority)') is what a build passes on and names a store: it
    resolves to the same area, with no kind given."""
    area = areas.resolve(text, kind)
    again = areas.resolve(area.label)
    assert (again.kind, again.code, again.lsoa21) == (area.kind, area.code, area.lsoa21)
    assert ("(" in area.label) == (area.kind != areas.resolve(area.name).kind)
