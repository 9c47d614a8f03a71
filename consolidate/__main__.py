"""The ``consolidate`` command (and ``python -m consolidate``): Ctrl-C handled from the first moment.

The command line imports much (typer, rich, the library); Ctrl-C during those imports, or once
the command has finished, would end in a Python traceback. So before anything else a handler is
installed that says "已中断。" and ends the process at once (nothing has been written yet, or
everything has); while a command works, :func:`consolidate.cli.app.interruptible` lets Ctrl-C
raise ``KeyboardInterrupt`` instead, so that its temporaries are removed on the way out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

_said = b""  # what the handler writes: empty until the catalogue is there
INTERRUPTED = 130  # the exit code after Ctrl-C, as shells give it


def _quit(signum: int, frame: FrameType | None) -> None:
    if _said:
        os.write(2, _said)
    os._exit(INTERRUPTED)


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
    except SystemExit as done:
        if done.code == INTERRUPTED:
            # Interrupted, said so and tidied up: ended here. Left to Python, the process was killed
            # by SIGINT at the very end in about 1 run in 10 ("已中断。" shown, exit -2; strace: the
            # interpreter's own kill(self, SIGINT) on the way out), apparently because CPython
            # remembers a KeyboardInterrupt that left code run from C even when the command caught
            # it (its _Py_UnhandledKeyboardInterrupt flag). 0 in 40 runs since.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(INTERRUPTED)
        raise
    finally:
        # Done (or stopped): Ctrl-C now could only break into Python's own shutdown, which puts the
        # default handler back (and would end in a traceback or a bare "killed by SIGINT").
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
