"""The ``consolidate`` command line: a thin layer over the library (typer + rich).

:mod:`.app` holds the app and what commands share; each group of commands is a module listing
its ``COMMANDS``, registered here in the order ``--help`` shows them: :mod:`.setup` (init, check,
templates, demo, kinds), :mod:`.returns` (validate, merge, status), :mod:`.mail` (send, collect,
remind).
"""

from __future__ import annotations

import sys

from . import history, mail, returns, setup
from .app import app, global_options_first, register

__all__ = ["app", "main"]

register(*setup.COMMANDS, *returns.COMMANDS, *history.COMMANDS, *mail.COMMANDS)


def main() -> None:
    app(args=global_options_first(sys.argv[1:]), prog_name="consolidate")
