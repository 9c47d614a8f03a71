"""The ``consolidate`` command line: a thin layer over the library (typer + rich).

:mod:`.app` holds the app, its global options and how every command speaks; :mod:`.shared` what
several commands share (options, the merge they run, the check of output paths before any work);
:mod:`.show` what they print. Each group of commands is a module listing its ``COMMANDS``,
registered here in the order ``--help`` shows them: :mod:`.setup` (init, check, templates,
convert, demo, kinds), :mod:`.returns` (validate, merge, report, status), :mod:`.history`
(history, next), :mod:`.mail` (send, collect, remind), :mod:`.serve` (serve), :mod:`.relay` (relay, fill).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer

from . import history, mail, relay, returns, serve, setup
from .app import app, global_options_first, new_app, register

__all__ = ["app", "main"]

COMMANDS = (
    *setup.COMMANDS,
    *returns.COMMANDS,
    *history.COMMANDS,
    *mail.COMMANDS,
    *serve.COMMANDS,
    *relay.COMMANDS,
)
register(*COMMANDS)


def main() -> None:
    args = global_options_first(sys.argv[1:])
    for_command(args)(args=args, prog_name="consolidate")


def for_command(args: list[str]) -> typer.Typer:
    """The app for a command line: for ``consolidate status …`` an app of that command alone
    (typer builds every command it has, each time it starts: 15 of them, for one); for anything
    else (``--help``, no command, a misspelt one) the whole app."""
    named: dict[str, Callable[..., Any]] = {f.__name__.replace("_", "-"): f for f in COMMANDS}
    rest = list(args)
    while (rest and rest[0] in ("--quiet", "-q", "--lang")) or (rest and rest[0].startswith("--lang=")):
        rest = rest[2:] if rest[0] == "--lang" else rest[1:]
    if rest and rest[0] in named:
        return new_app(named[rest[0]])
    return app
