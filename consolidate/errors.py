"""Exceptions for the cases where a run cannot continue.

Problems in the *data* are never raised: they are collected as :class:`consolidate.check.Issue`
values. Only a bad spec, bad options or a missing input stop a command. Every exception carries
its message as a :class:`~consolidate.text.Msg`, worded in the reader's language when shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import Lang, Msg, render


class ConsolidateError(Exception):
    """Base class: the command cannot run (exit code 2)."""

    def __init__(self, message: Msg | str) -> None:
        self.msg = message
        super().__init__(str(message))

    def render(self, lang: Lang = "zh") -> str:
        return str(render(self.msg, lang))


@dataclass(frozen=True)
class SpecProblem:
    """One problem in a spec file, located by file, line and key."""

    file: str
    line: int | None
    key: str
    message: Msg

    def render(self, lang: Lang = "zh") -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message.render(lang)}"

    def __str__(self) -> str:
        return self.render("zh")


class SpecError(ConsolidateError):
    """The report spec (or its units/items tables) is invalid."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def render(self, lang: Lang = "zh") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class InputError(ConsolidateError):
    """Inputs cannot be used at all (no such folder, nothing to read, bad option)."""
