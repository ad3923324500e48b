"""Partner indicators: what police.uk cannot see, from any source a partnership has.

- :mod:`.tidy`: the project's ``data/indicators.csv``, one tidy format (:mod:`.periods`: the periods it takes);
- :mod:`.fingertips`: OHID Fingertips' CSV export, as downloaded;
- :mod:`.priorities`: ``data/priority_measures.csv``, what measures each local priority;
- :mod:`.importing`: ``safer-analysis import-indicators``;
- :mod:`.context`: the figures the source documents quote, as single points;
- :mod:`.youth_justice`: DfE's youth justice indicators for a partnership's upper-tier authority,
  its region and its statistical neighbours (shipped with the package);
- :mod:`.recorded`: the recorded-crime groups police.uk merges (sexual offences, stalking and
  harassment, violence with and without injury), from ONS's tables by partnership.
"""

from __future__ import annotations

from pathlib import Path

from safer_analysis.inputs.indicators import priorities, tidy
from safer_analysis.inputs.validation import DataValidationError, Problem

FILES = (tidy.FILE, priorities.FILE)


def problems(data_dir: str | Path, priority_keys: set[str]) -> list[Problem]:
    """What is wrong with a project's indicators and their mapping (nothing when both are absent)."""
    found: list[Problem] = []
    try:
        tidy.read_project(data_dir)
    except DataValidationError as exc:
        found.extend(exc.problems)
    return found + priorities.problems(data_dir, priority_keys)
