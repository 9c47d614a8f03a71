"""The ``consolidate`` command line: a thin layer over the library (typer + rich).

:mod:`.app` holds the app, its global options and how every command speaks; :mod:`.shared` what
several commands share (options, the merge they run, the check of output paths before any work);
:mod:`.show` what they print. Each group of commands is a module listing its ``COMMANDS``,
registered here in the order ``--help`` shows them: :mod:`.setup` (init, check, templates,
convert, demo, kinds), :mod:`.returns` (validate, merge, report, status), :mod:`.history`
(history, next), :mod:`.mail` (send, collect, remind).
"""

from __future__ import annotations

import sys

from . import history, mail, returns, setup
from .app import app, global_options_first, register

__all__ = ["app", "main"]

register(*setup.COMMANDS, *returns.COMMANDS, *history.COMMANDS, *mail.COMMANDS)


def main() -> None:
    app(args=global_options_first(sys.argv[1:]), prog_name="consolidate")
