"""Errors that the pipeline turns into short, actionable messages instead of tracebacks."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input in a study folder: names the file, where in it, what is wrong and what to do.

    The pipeline prints ``str(error)`` and exits with status 2, before any notebook runs.
    """

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        location = str(self.path) if self.path is not None else "input"
        if self.where:
            location += f", {self.where}"
        text = f"{location}: {self.problem}"
        if self.fix:
            text += f" ({self.fix})"
        return text


class PrivacyError(Exception):
    """An output file contains a term from the re-identification key."""
