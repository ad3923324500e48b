"""Benchmarks: whole-process time and peak memory of importing police.uk data and building a pack.

    .venv/bin/python benchmarks/run.py            # everything (needs ~2 GB of disk, ~15 minutes)
    .venv/bin/python benchmarks/run.py --quick    # small sizes only, to check the script works

Input is generated in exactly the police.uk street-level format (deterministic, into
``benchmarks/.data/``, not committed). Every measured step runs in its own Python process, so
the time includes start-up and imports and the peak memory is that process's maximum resident
set size. Each import is compared, in the same run, with the naive way (``pandas.read_csv`` on
each monthly file, then ``concat``, then filter) and with a bare ``pyarrow.csv`` read of the
same files (the floor). The board pack build is compared with running each notebook with the
``papermill`` command and then ``jupyter nbconvert`` in a shell loop.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data"
PY = sys.executable
HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
CRIME_TYPES = [
    "Anti-social behaviour",
    "Violence and sexual offences",
    "Criminal damage and arson",
    "Shoplifting",
    "Other theft",
    "Public order",
    "Burglary",
    "Vehicle crime",
    "Drugs",
    "Theft from the person",
    "Robbery",
    "Bicycle theft",
    "Possession of weapons",
    "Other crime",
]
TYPE_P = np.array([30, 28, 9, 6, 7, 6, 4, 4, 2, 1, 1, 1, 0.5, 0.5])
OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Awaiting court outcome",
    "Offender given a caution",
    "",
]
#: 43 territorial forces of England and Wales, as police.uk names their files.
FORCES = [
    "avon-and-somerset",
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "city-of-london",
    "cleveland",
    "cumbria",
    "derbyshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "gloucestershire",
    "greater-manchester",
    "gwent",
    "hampshire",
    "hertfordshire",
    "humberside",
    "kent",
    "lancashire",
    "leicestershire",
    "lincolnshire",
    "merseyside",
    "metropolitan",
    "norfolk",
    "north-wales",
    "north-yorkshire",
    "northamptonshire",
    "northumbria",
    "nottinghamshire",
    "south-wales",
    "south-yorkshire",
    "staffordshire",
    "suffolk",
    "surrey",
    "sussex",
    "thames-valley",
    "warwickshire",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "wiltshire",
]


def months(start: str, n: int) -> list[str]:
    y, m = map(int, start.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def write_month(folder: Path, force: str, month: str, rows: int, seed: int) -> int:
    """One monthly street file in police.uk's layout; returns bytes written."""
    rng = np.random.default_rng(seed)
    force_name = force.replace("-and-", " & ").replace("-", " ").title() + " Police"
    area = "Plymouth" if force == "devon-and-cornwall" else force.replace("-", " ").title()
    # Plymouth is about a fifth of Devon and Cornwall's crime; elsewhere a few districts share it.
    n_lsoa = 900
    lsoa_idx = rng.integers(0, n_lsoa, rows)
    district = np.where(lsoa_idx < 180, area, np.where(lsoa_idx < 540, "North " + area, "South " + area))
    lsoa_num = lsoa_idx % 180
    lsoa_name = np.char.add(
        np.char.add(district.astype(str), " "), np.char.add(np.char.zfill(lsoa_num.astype(str), 3), "A")
    )
    lsoa_code = np.char.add("E0100", np.char.zfill((lsoa_idx + FORCES.index(force) * 1000).astype(str), 4))
    types = rng.choice(len(CRIME_TYPES), rows, p=TYPE_P / TYPE_P.sum())
    ctype = np.array(CRIME_TYPES)[types]
    raw = rng.integers(0, 256, (rows, 32), dtype=np.uint8)
    digits = np.frombuffer(b"0123456789abcdef", dtype="S1")
    nibbles = np.empty((rows, 64), dtype=np.uint8)
    nibbles[:, 0::2], nibbles[:, 1::2] = raw >> 4, raw & 15
    hexid = np.ascontiguousarray(digits[nibbles]).view("S64").ravel().astype(str)
    crime_id = np.where(types == 0, "", hexid)
    no_place = rng.random(rows) < 0.01
    lon = np.round(-4.14 + rng.normal(0, 0.05, rows), 6).astype(str)
    lat = np.round(50.37 + rng.normal(0, 0.03, rows), 6).astype(str)
    outcome = np.where(types == 0, "", np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES) - 1, rows)])
    table = pa.table(
        {
            "Crime ID": crime_id,
            "Month": np.full(rows, month),
            "Reported by": np.full(rows, force_name),
            "Falls within": np.full(rows, force_name),
            "Longitude": np.where(no_place, "", lon),
            "Latitude": np.where(no_place, "", lat),
            "Location": np.where(no_place, "No Location", "On or near High Street"),
            "LSOA code": np.where(no_place, "", lsoa_code),
            "LSOA name": np.where(no_place, "", lsoa_name),
            "Crime type": ctype,
            "Last outcome category": outcome,
            "Context": np.full(rows, ""),
        }
    )
    path = folder / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:  # police.uk writes an unquoted header and unquoted values
        handle.write((",".join(HEADER) + "\n").encode())
        pacsv.write_csv(table, handle, pacsv.WriteOptions(quoting_style="none", include_header=False))
    return path.stat().st_size


def generate(
    name: str, forces: list[str], month_list: list[str], rows_per_month: int, subset_of: str | None = None
) -> tuple[Path, int, int]:
    """A folder of monthly files (made once and reused); returns (folder, rows, bytes).

    With ``subset_of``, the month folders are links into that (larger) dataset's folder.
    """
    folder = DATA / name
    stamp = folder / ".complete"
    rows = len(forces) * len(month_list) * rows_per_month
    if stamp.exists():
        return folder, rows, int(stamp.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    total = 0
    if subset_of:
        folder.mkdir(parents=True)
        for month in month_list:
            (folder / month).symlink_to(DATA / subset_of / month, target_is_directory=True)
            total += sum(f.stat().st_size for f in (folder / month).iterdir())
    else:
        for fi, force in enumerate(forces):
            for month in month_list:
                seed = fi * 100_000 + int(month.replace("-", ""))
                total += write_month(folder, force, month, rows_per_month, seed=seed)
    stamp.write_text(str(total))
    return folder, rows, total


def measure(label: str, code: str) -> dict:
    """Run ``code`` in a fresh Python process; whole-process seconds and peak RSS in MB."""
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", textwrap.dedent(code)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out = proc.stdout.read().strip()
    if status != 0:
        raise SystemExit(f"{label} failed (status {status}): {out}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"label": label, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "out": out, "cpu": cpu}


def measure_shell(label: str, command: str) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(["bash", "-c", command], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{label} failed (status {status})")
    return {"label": label, "seconds": time.perf_counter() - started, "peak_mb": usage.ru_maxrss / 1024, "out": ""}


def floor_code(folder: Path) -> str:
    """The floor every import is set against: a bare ``pyarrow.csv`` read of every file."""
    return f"""
        import glob, pyarrow as pa, pyarrow.csv as pacsv
        files = sorted(glob.glob({str(folder)!r} + '/*/*-street.csv'))
        print(pa.concat_tables([pacsv.read_csv(f) for f in files]).num_rows)
    """


def import_steps(folder: Path, csp: str) -> list[dict]:
    ours = measure(
        "safer-analysis import",
        f"""
        from safer_analysis.inputs import police_uk
        table, report = police_uk.read_police_uk({str(folder)!r}, lsoa_prefixes=[{csp + " "!r}])
        print(report.rows_kept)
    """,
    )
    naive = measure(
        "naive pandas read_csv + concat",
        f"""
        import glob, pandas as pd
        files = sorted(glob.glob({str(folder)!r} + '/*/*-street.csv'))
        frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
        kept = frame[frame['LSOA name'].fillna('').str.startswith({csp + " "!r})]
        print(len(kept))
    """,
    )
    floor = measure("bare pyarrow.csv read (floor)", floor_code(folder))
    return [ours, naive, floor]


def warm(folder: Path) -> None:
    """Read every file once, so each step starts with the files in the page cache: this machine
    pages out files left unread for a while, which moved a bare read between 2 and 6 seconds."""
    for path in sorted(folder.rglob("*.csv")):
        with open(path, "rb") as handle:
            while handle.read(1 << 24):
                pass


def exact_steps(folder: Path, force: str, rounds: int = 3) -> list[dict]:
    """The exact, lossless imports against the bare read, each measured ``rounds`` times, the
    steps alternating (floor, every area, one area, floor, ...), each from a warm page cache:
    every area kept (``import-police-uk --all-areas``: read, check, store and count per
    partnership, the command as an analyst runs it) and one area alone by its LSOA codes. Each
    step keeps its median run, with every run's seconds for the spread."""
    codes = [f"E0100{FORCES.index(force) * 1000 + i:04d}" for i in range(180)]
    store = DATA / "all-areas-street.parquet"
    steps = {
        "bare pyarrow.csv read (floor)": floor_code(folder),
        "every area kept (import-police-uk --all-areas: read, check, store, count)": f"""
            import pathlib
            from safer_analysis.cli import main
            pathlib.Path({str(store)!r}).unlink(missing_ok=True)
            raise SystemExit(main(["import-police-uk", "--all-areas", {str(folder)!r}, "--out", {str(store)!r}]))
        """,
        "one area alone, by its LSOA codes": f"""
            from safer_analysis.inputs import police_uk
            table, report = police_uk.read_police_uk({str(folder)!r}, lsoa_codes={codes!r})
            print(report.rows_kept)
        """,
    }
    runs: dict[str, list[dict]] = {label: [] for label in steps}
    for _ in range(rounds):
        for label, code in steps.items():
            warm(folder)
            runs[label].append(measure(label, code))
    store.unlink(missing_ok=True)
    store.with_name("all-areas-counts.csv").unlink(missing_ok=True)
    kept = []
    for label, results in runs.items():
        ordered = sorted(results, key=lambda r: r["seconds"])
        middle = dict(ordered[len(ordered) // 2])
        middle["label"] = label
        middle["all"] = [r["seconds"] for r in results]
        middle["peak_mb"] = max(r["peak_mb"] for r in results)
        middle["cpu_all"] = [r["cpu"] for r in results]
        kept.append(middle)
    return kept


#: The targets the exact imports are held to, against the median bare read of the same run.
TARGETS = {"every area kept": 1.5, "one area alone": 1.0}


def machine_line() -> str:
    """The machine, its load and the versions, printed beside every table of figures."""
    import pandas
    import pyarrow

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, load average {load} (1, 5, 15 min), "
        f"Python {platform.python_version()}, pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def exact_table(exact: list[dict], rounds: int) -> str:
    """The exact imports as a Markdown table: median, every run, peak memory, against the median
    bare read, and whether each target is met."""
    bare = exact[0]["seconds"]
    lines = [
        f"| step | median of {rounds} (s) | runs (s) | spread (s) | CPU of each run, user + system (s) "
        "| peak memory (MB) | against the median bare read |",
        "| --- | ---: | --- | ---: | --- | ---: | --- |",
    ]
    for step in exact:
        ratio = step["seconds"] / bare
        target = next((t for name, t in TARGETS.items() if step["label"].startswith(name)), None)
        verdict = "" if target is None else f": {'meets' if ratio <= target else 'MISSES'} the {target:g}x target"
        runs = ", ".join(f"{s:.2f}" for s in step["all"])
        spread = max(step["all"]) - min(step["all"])
        lines.append(
            f"| {step['label']} | {step['seconds']:.2f} | {runs} | {spread:.2f} "
            f"| {', '.join(f'{c:.1f}' for c in step['cpu_all'])} | {step['peak_mb']:,.0f} "
            f"| {ratio:.2f}x{verdict} |"
        )
    return "\n".join(lines)


def write_readme_block(name: str, text: str) -> None:
    """Put ``text`` between the README's markers for ``name``, so its table is what the script printed."""
    readme = ROOT / "benchmarks" / "README.md"
    begin, end = f"<!-- {name}: begin (written by run.py --readme) -->", f"<!-- {name}: end -->"
    content = readme.read_text(encoding="utf-8")
    if begin not in content or end not in content:
        raise SystemExit(f"{readme}: no markers {begin} ... {end} to write between")
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")


def build_steps(out: Path) -> list[dict]:
    shutil.rmtree(out, ignore_errors=True)
    ours = measure_shell(
        "safer-analysis build --year 2018-19",
        f"{shlex(PY)} -m safer_analysis.cli build --year 2018-19 --out {out / 'ours'}",
    )
    nbs = ["strategic_assessment", "allocation_rationale", "spend_analysis"]
    loop = " && ".join(
        f"{shlex(str(Path(PY).parent / 'papermill'))} notebooks/{nb}.ipynb {out}/loop/{nb}.ipynb "
        f"-p financial_year 2018-19 -k safer-analysis --no-progress-bar && "
        f"{shlex(str(Path(PY).parent / 'jupyter'))} nbconvert --to html --no-input {out}/loop/{nb}.ipynb"
        for nb in nbs
    )
    baseline = measure_shell("papermill + nbconvert shell loop", f"mkdir -p {out}/loop && {loop}")
    return [ours, baseline]


def shlex(text: str) -> str:
    import shlex as _s

    return _s.quote(text)


def table(rows: list[dict], extra: dict | None = None) -> str:
    lines = [
        "| step | seconds | peak memory (MB) |" + (" note |" if extra else ""),
        "| --- | ---: | ---: |" + (" --- |" if extra else ""),
    ]
    for r in rows:
        note = f" {extra.get(r['label'], '')} |" if extra else ""
        lines.append(f"| {r['label']} | {r['seconds']:.1f} | {r['peak_mb']:,.0f} |{note}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--skip-build", action="store_true", help="leave out the board pack benchmark")
    parser.add_argument("--exact", action="store_true", help="measure the exact imports at every size")
    parser.add_argument("--only", help="run this size alone (e.g. national-1y)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each exact import step (median kept)")
    parser.add_argument("--repeat", type=int, default=1, help="measure the exact imports this many times over")
    parser.add_argument(
        "--readme", action="store_true", help="write the exact imports' tables into benchmarks/README.md as printed"
    )
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds: at least 3, for a median and a spread")
    exact_blocks: dict[str, list[str]] = {}

    print(machine_line())
    sizes = (
        [
            ("force-3y-small", ["devon-and-cornwall"], months("2016-04", 6), 2_000, None),
            ("national-small", FORCES[:6], months("2018-04", 2), 2_000, None),
        ]
        if args.quick
        else [
            ("force-3y", ["devon-and-cornwall"], months("2016-04", 36), 13_900, None),
            ("force-1y", ["devon-and-cornwall"], months("2018-04", 12), 13_900, "force-3y"),
            ("national-1y", FORCES, months("2018-04", 12), 11_600, None),
            ("national-6m", FORCES, months("2018-04", 6), 11_600, "national-1y"),
        ]
    )
    results = {}
    if args.only:
        sizes = [s for s in sizes if s[0] == args.only]
    for name, forces, month_list, per, parent in sizes:
        started = time.perf_counter()
        folder, rows, size = generate(name, forces, month_list, per, subset_of=parent)
        print(
            f"\n## {name}: {len(forces)} force(s) x {len(month_list)} months = {rows:,} rows, "
            f"{size / 1e9:.2f} GB of CSV (generated/reused in {time.perf_counter() - started:.0f} s)"
        )
        steps = import_steps(folder, "Plymouth")
        ours, naive, floor = steps
        notes = {
            ours["label"]: f"{ours['seconds'] / floor['seconds']:.2f}x the floor; "
            f"{naive['seconds'] / ours['seconds']:.2f}x faster than naive"
        }
        if name.startswith("national-1y") or args.exact:
            for run in range(1, args.repeat + 1):
                before = machine_line()
                exact = exact_steps(folder, forces[0] if len(forces) == 1 else "devon-and-cornwall", args.rounds)
                block = (
                    f"**Run {run} of {args.repeat}**: {rows:,} rows in {len(forces)} forces' files, "
                    f"{len(month_list)} months, {size / 1e9:.2f} GB of CSV.\n\nBefore: {before}\n\n"
                    f"{exact_table(exact, args.rounds)}\n\nAfter: {machine_line()}"
                )
                print(f"\n### The exact imports, {name}\n\n{block}\n")
                exact_blocks.setdefault(name, []).append(block)
        print(table(steps, notes))
        results[name] = (rows, steps)
    if not args.quick and not args.only:
        startup = measure("start-up only", "import safer_analysis.inputs.police_uk")["seconds"]
        print(f"\n## Scaling (whole-process start-up alone: {startup:.2f} s)")
        print("| data | months | seconds | per month beyond start-up |\n| --- | ---: | ---: | ---: |")
        for small, big, m1, m2 in [("force-1y", "force-3y", 12, 36), ("national-6m", "national-1y", 6, 12)]:
            t1, t2 = results[small][1][0]["seconds"], results[big][1][0]["seconds"]
            print(f"| {small} | {m1} | {t1:.2f} | {(t1 - startup) / m1:.3f} |")
            print(f"| {big} | {m2} | {t2:.2f} | {(t2 - startup) / m2:.3f} |")
    if args.readme:
        for name, blocks in exact_blocks.items():
            write_readme_block(f"exact {name}", "\n\n".join(blocks))
    if not args.skip_build:
        steps = build_steps(DATA / "packs")
        ours, loop = steps
        print("\n## Board pack for 2018-19 on the bundled data")
        print(table(steps, {ours["label"]: f"{loop['seconds'] / ours['seconds']:.2f}x faster than the loop"}))


if __name__ == "__main__":
    main()
