"""The errors the commands turn into exit codes (see the README): one place, so every layer can raise them."""

from __future__ import annotations


class ParameterError(ValueError):
    """A command or notebook parameter that is malformed, unknown or absent from the data (exit 2)."""


class NoProjectError(ParameterError):
    """No project folder where one was looked for (exit 2)."""


class SettingsError(ParameterError):
    """A project settings file that cannot be read, naming the file and the setting (exit 2)."""


class BusyError(RuntimeError):
    """Another build is writing into the same output folder, or an import into the same store (exit 4)."""
