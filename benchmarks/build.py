"""Benchmarks of building: the board pack against the analyst's shell loop, and a whole force
at once against its partnerships built one by one. Each comparison runs side by side in one run
(the two alternate, round after round) and reports the median wall time and the median CPU time.

    .venv/bin/python benchmarks/build.py                 # pack x3 rounds, force x1 round
    .venv/bin/python benchmarks/build.py --rounds 5 --force-rounds 2
    .venv/bin/python benchmarks/build.py --skip-force    # the pack only

The pack is the bundled project's 2018-19 board pack (real police.uk data for Plymouth). The
force build needs a store of all areas: the script makes a scratch project (``safer-analysis
init``) in a temporary folder and imports the real Devon & Cornwall archives from
``../shared/realdata/police-uk-archives/`` into it with ``--all-areas``.

Every step is a separate command, timed from outside: wall time, CPU time (user plus system,
of the command and every process it waited for) and peak resident memory of the largest process.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SA = str(BIN / "safer-analysis")
ARCHIVES = ROOT.parent / "shared" / "realdata" / "police-uk-archives"
NOTEBOOKS = ["strategic_assessment", "allocation_rationale", "spend_analysis"]


def run(command: str, cwd: Path) -> dict:
    """Run ``command`` in bash; wall seconds, CPU seconds (with its children) and peak MB."""
    started = time.perf_counter()
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    if status != 0:
        raise SystemExit(f"failed (status {status}): {command}\n{err[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def pack_commands(out: Path) -> dict[str, str]:
    loop = " && ".join(
        f"{shlex.quote(str(BIN / 'papermill'))} notebooks/{nb}.ipynb {out}/loop/{nb}.ipynb "
        f"-p financial_year 2018-19 -k safer-analysis --no-progress-bar && "
        f"{shlex.quote(str(BIN / 'jupyter'))} nbconvert --to html --no-input {out}/loop/{nb}.ipynb"
        for nb in NOTEBOOKS
    )
    return {
        "safer-analysis build --year 2018-19": f"{SA} build --year 2018-19 --out {out}/ours",
        "papermill + nbconvert shell loop": f"rm -rf {out}/loop && mkdir -p {out}/loop && {loop}",
    }


def force_project(folder: Path) -> tuple[Path, list[str]]:
    """A scratch project holding the store of all areas of Devon & Cornwall, and its partnerships."""
    project = folder / "force-project"
    subprocess.run(
        [SA, "init", str(project), "--csp", "Plymouth", "--year", "2018-19"], check=True, capture_output=True
    )
    archives = sorted(str(p) for p in ARCHIVES.glob("devon-and-cornwall-201*"))
    subprocess.run([SA, "import-police-uk", *archives, "--all-areas"], cwd=project, check=True, capture_output=True)
    from safer_analysis.inputs import areas

    return project, list(areas.partnerships("E23000035")["csp_name"])


def force_commands(out: Path, names: list[str]) -> dict[str, str]:
    one_by_one = " && ".join(
        f"{SA} build --year 2018-19 --csp {shlex.quote(n)} --product strategic_assessment "
        f"--out {out}/one/{shlex.quote(n.replace(' ', '-'))}"
        for n in names
    )
    return {
        "safer-analysis build --whole-force (8 partnerships + overview)": f"{SA} build --year 2018-19 --whole-force "
        f"--out {out}/force",
        "one by one: safer-analysis build --csp NAME, 8 times": one_by_one,
    }


def compare(title: str, commands: dict[str, str], cwd: Path, rounds: int) -> None:
    results: dict[str, list[dict]] = {label: [] for label in commands}
    for r in range(rounds):
        order = list(commands) if r % 2 == 0 else list(reversed(commands))
        for label in order:
            results[label].append(run(commands[label], cwd))
            print(f"  round {r + 1}: {label}: {results[label][-1]['wall']:.1f} s", file=sys.stderr, flush=True)
    print(f"\n## {title} (median of {rounds} round(s), run side by side)\n")
    print("| command | wall (s) | CPU (s) | peak memory (MB) | each round's wall (s) |")
    print("| --- | ---: | ---: | ---: | --- |")
    medians = {}
    for label, rows in results.items():
        wall = statistics.median(r["wall"] for r in rows)
        cpu = statistics.median(r["cpu"] for r in rows)
        peak = max(r["peak_mb"] for r in rows)
        medians[label] = (wall, cpu)
        each = ", ".join(f"{r['wall']:.1f}" for r in rows)
        print(f"| {label} | {wall:.1f} | {cpu:.1f} | {peak:,.0f} | {each} |")
    (ours, base) = list(medians.values())
    print(f"\nWall time: {base[0] / ours[0]:.2f}x faster; CPU time: {base[1] / ours[1]:.2f}x less.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the pack comparison (default 3)")
    parser.add_argument("--force-rounds", type=int, default=1, help="rounds of the force comparison (default 1)")
    parser.add_argument("--skip-pack", action="store_true")
    parser.add_argument("--skip-force", action="store_true")
    args = parser.parse_args()
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before the run {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="safer-analysis-bench-") as tmp:
        tmp = Path(tmp)
        if not args.skip_pack:
            compare("Board pack 2018-19, bundled project", pack_commands(tmp / "pack"), ROOT, args.rounds)
        if not args.skip_force:
            if not ARCHIVES.is_dir():
                print(f"\n(no force benchmark: {ARCHIVES} is absent)")
                return
            project, names = force_project(tmp)
            compare(
                f"Strategic assessments 2018-19 for every partnership of Devon & Cornwall ({len(names)})",
                force_commands(tmp / "force", names),
                project,
                args.force_rounds,
            )
            shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
