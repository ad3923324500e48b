"""The errors the commands turn into exit codes (listed in docs/analyst/yearly-routine.md, under
its last heading): one place, so every layer can raise them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ParameterError(ValueError):
    """A command or notebook parameter that is malformed, unknown or absent from the data (exit 2)."""


class NoProjectError(ParameterError):
    """No project folder where one was looked for (exit 2)."""


class SettingsError(ParameterError):
    """A project settings file that cannot be read, naming the file and the setting (exit 2)."""


class BusyError(RuntimeError):
    """Another build is writing into the same output folder, or an import into the same store (exit 4)."""


MAX_LISTED = 10


@dataclass(frozen=True)
class Problem:
    """One fault in one cell (or row, or file) of an input file."""

    path: str
    row: int | None  # spreadsheet row: the header is row 1, the first record row 2
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(ValueError):
    """An input file that does not hold what it should; lists every fault found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        shown = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        more = len(self.problems) - MAX_LISTED
        if more > 0:
            shown.append(f"  - ... and {more} more")
        if len(self.problems) == 1:  # one fault, one line
            super().__init__(f"in the input data: {self.problems[0]}")
            return
        super().__init__(f"{len(self.problems)} problems in the input data:\n" + "\n".join(shown))
