"""The ``consolidate`` command (and ``python -m consolidate``): Ctrl-C handled from the first moment.

The command line imports much (typer, rich, the library); Ctrl-C during those imports, or once
the command has finished, would end in a Python traceback. So before anything else a handler is
installed that says "已中断。" and ends the process at once (nothing has been written yet, or
everything has); while a command works, :func:`consolidate.cli.app.interruptible` lets Ctrl-C
raise ``KeyboardInterrupt`` instead, so that its temporaries are removed on the way out.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

_said = b""  # what the handler writes: empty until the catalogue is there


def _quit(signum: int, frame: FrameType | None) -> None:
    if _said:
        os.write(2, _said)
    os._exit(130)


def _lang(args: list[str]) -> str:
    """``--lang en`` / ``--lang=en`` anywhere in ``args`` (the app reads it properly later)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg[7:]
    return "zh"


def main() -> None:
    global _said
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # a background job ignores Ctrl-C: so do we
        signal.signal(signal.SIGINT, _quit)
    from .text import t

    _said = (t("cli.interrupted", "en" if _lang(sys.argv[1:]) == "en" else "zh") + "\n").encode("utf-8", "replace")
    try:
        from .cli import main as run

        run()
    finally:
        # Done (or stopped): Ctrl-C now could only break into Python's own shutdown, which puts the
        # default handler back (and would end in a traceback or a bare "killed by SIGINT").
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
