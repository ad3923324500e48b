"""Benchmark of most similar groups: the measures of every partnership built from the ONS files in
``../shared`` (as ``scripts/make_reference_data.py`` builds them), and every partnership's group
found from the shipped measures. Each step runs in a fresh Python process, timed from outside
(imports included), and reports the median of ``--rounds`` runs.

    .venv/bin/python benchmarks/similar.py
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEPS = {
    "every partnership's measures from ../shared (LSOAs, authorities, districts)": (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('m', 'scripts/make_reference_data.py')\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "table = m.partnership_measures(m.SHARED)\n"
        "assert len(table) == 314\n"
    ),
    "every partnership's group of 15 from the shipped measures": (
        "from safer_analysis.analysis import similar\n"
        "from safer_analysis.inputs import similar_groups\n"
        "groups = similar.every_group(similar_groups.measures(), similar_groups.read_method())\n"
        "assert len(groups) == 314 * 15\n"
    ),
    "one partnership's group, by name": (
        "from safer_analysis.analysis import similar\nassert len(similar.similar_group('Plymouth')) == 15\n"
    ),
    'one partnership beside its group and England and Wales (`compare("Plymouth")`, 23 offence groups)': (
        "from safer_analysis.reports.comparison import compare\nassert compare('Plymouth').group_size == 15\n"
    ),
    "the command: `safer-analysis peers --area Plymouth --format csv`": (
        "import contextlib, io\nfrom safer_analysis.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['peers', '--area', 'Plymouth', '--format', 'csv']) == 0\n"
    ),
    "start-up alone (pandas and the package imported)": "import pandas, safer_analysis.analysis.similar\n",
}


def timed(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, {args.rounds} rounds")
    print("| step | seconds (median; runs) |\n| --- | ---: |")
    for label, code in STEPS.items():
        runs = [timed(code) for _ in range(args.rounds)]
        shown = ", ".join(f"{r:.2f}" for r in runs)
        print(f"| {label} | {statistics.median(runs):.2f} ({shown}) |")


if __name__ == "__main__":
    main()
