"""Exceptions for the cases where a run cannot continue.

Problems in the *data* are never raised: they are collected as :class:`consolidate.issues.Issue`
values. Only a bad spec, bad options or a missing input stop a command.
"""

from __future__ import annotations

from dataclasses import dataclass


class ConsolidateError(Exception):
    """Base class: the command cannot run (exit code 2)."""


@dataclass(frozen=True)
class SpecProblem:
    """One problem in a spec file, located by file, line and key."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message}"


class SpecError(ConsolidateError):
    """The report spec (or its units/items tables) is invalid."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(ConsolidateError):
    """Inputs cannot be used at all (no such folder, nothing to read, bad option)."""
