"""The typer app and its global options, and how every command speaks: the catalogue in
``--lang``, data on stdout and people on stderr, errors as one line, no traceback ever.

Only the ``cli`` package prints, draws progress bars and chooses exit codes: 0 no errors, 1 errors
found in the data (outputs are still written), 2 the command could not run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..common import WriteFailed
from ..errors import ConsolidateError, SpecError
from ..text import CATALOGUE, Lang, t
from ..version import __version__
from .usage import click_exceptions, explain, localise_argument, meta_of

if TYPE_CHECKING:
    from rich.console import Console


class State:
    lang: Lang = "zh"
    quiet: bool = False
    data_on_stdout: bool = False  # a command writes data (JSON) to stdout: people read stderr


state = State()


@functools.cache
def _console(stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def out_console() -> Console:
    """rich's console on standard output, made at its first use: a run that prints nothing
    (``-q``) need not import rich (a twentieth of a second)."""
    return _console(False)


def err_console() -> Console:
    """rich's console on standard error, made at its first use."""
    return _console(True)


def human() -> Console:
    """Where lines for people go: stdout, or stderr when stdout carries data."""
    return err_console() if state.data_on_stdout else out_console()


def msg(key: str, **kwargs: Any) -> str:
    """The CLI message ``cli.<key>`` in the chosen language."""
    return t(f"cli.{key}", state.lang, **kwargs)


def say(text: str, style: str = "") -> None:
    if not state.quiet:
        human().print(text, style=style or None, soft_wrap=True, markup=False)


# ---------------------------------------------------------------------------------------------
# --help in the chosen language


def _lang_in(args: Sequence[str]) -> Lang | None:
    for i, arg in enumerate(args):
        value = (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else (arg[7:] if arg.startswith("--lang=") else None)
        )
        if value in ("zh", "en"):
            return "en" if value == "en" else "zh"
    return None


def _help(key: str, lang: Lang) -> str | None:
    return t(key, lang) if key in CATALOGUE else None


def _first(*keys: str) -> str | None:
    return next((key for key in keys if key in CATALOGUE), None)


def localise(command: Any, name: str, lang: Lang) -> None:
    """Set a command's help, its options' help and what their values look like from the catalogue
    (see :mod:`consolidate.text.help`); a flag shows as a flag, not as ``<bool>``."""
    command.help = _help("help.app" if not name else f"help.{name}", lang) or command.help
    command.options_metavar = t("cli.usage.options", lang)
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = t("cli.usage.command", lang)
    for param in command.params:
        key = _first(f"help.{name}.{param.name}", f"help.opt.{param.name}")
        if key is not None and hasattr(param, "help"):
            param.help = t(key, lang)
        if param.param_type_name == "argument":
            localise_argument(param, name, lang)
            continue
        if getattr(param, "is_flag", False):
            shown: str | None = ""
        else:
            shown = meta_of(param, name, lang)
        if shown is not None:
            param.display_type_rich = lambda ctx=None, shown=shown: shown
    for sub_name, sub in getattr(command, "commands", {}).items():
        localise(sub, sub_name, lang)


def _help_option(option: Any) -> Any:
    if option is not None:
        option.help = t("help.opt.help", state.lang)
        option.display_type_rich = lambda ctx=None: ""
    return option


def _folding(make: Callable[..., Any]) -> Callable[..., Any]:
    """typer's help texts, folded where they meet the edge: Chinese has no spaces to wrap at, and
    rich would cut a long line of it short with an ellipsis."""
    from rich.text import Text

    def folded(*args: Any, **kwargs: Any) -> Any:
        text = make(*args, **kwargs)
        if isinstance(text, Text):
            text.overflow = "fold"
        return text

    folded.folds = True  # type: ignore[attr-defined]
    return folded


# typer's own words in --help (its module's constants), from the catalogue
_HELP_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "help_arguments",
    "OPTIONS_PANEL_TITLE": "help_options",
    "COMMANDS_PANEL_TITLE": "help_commands",
    "REQUIRED_LONG_STRING": "help_required",
    "DEFAULT_STRING": "help_default",
}


def _fold_help() -> None:
    """Fold typer's help texts (see :func:`_folding`), once, when help is first shown: typer's
    help formatter (and with it rich's markdown) is imported only then. Its panel titles and
    marks are set in the chosen language each time."""
    import typer.rich_utils

    for name, key in _HELP_WORDS.items():
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, msg(key))
    make = getattr(typer.rich_utils, "_make_rich_text", None)
    if callable(make) and not getattr(make, "folds", False):
        typer.rich_utils._make_rich_text = _folding(make)


def _usage(ctx: Any, formatter: Any) -> None:
    pieces = ctx.command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=msg("usage.prefix"))


def told(exc: Any) -> int:
    """Say what is wrong with the command line (typer's exception ``exc``) in the chosen
    language: the sentence, the usage line and where help is; the exit code (2)."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # the app's help, already shown
        return int(exc.exit_code)
    console = err_console()
    console.print(msg("usage.error") + explain(exc, state.lang), style="bold red", markup=False, soft_wrap=True)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(ctx.get_usage(), markup=False, soft_wrap=True, highlight=False)
        console.print(msg("usage.help", command=ctx.command_path), markup=False, soft_wrap=True)
    return int(exc.exit_code)


def _quietly_closed() -> None:
    """Standard output was closed by the reader (``consolidate status --json - | head``): the
    rest goes nowhere, and Python's own last flush must not complain either."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@contextmanager
def _in_context(ctx: Any) -> Iterator[None]:
    """A usage error raised without the command it belongs to (an option's value missing) gets
    it, so that the usage line can be shown."""
    try:
        yield
    except click_exceptions().UsageError as exc:
        if getattr(exc, "ctx", None) is None:
            exc.ctx = ctx
        raise


BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a reader that stopped early


class LocalisedCommand(TyperCommand):
    """A command whose ``--help`` option is described in the chosen language too."""

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _usage(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with _in_context(ctx):
            parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _fold_help()
        super().format_help(ctx, formatter)


class LocalisedGroup(TyperGroup):
    """The app: ``--lang`` is read before anything else, so that even ``--help`` speaks it; an
    unexpected exception ends in one line and a crash log, never a traceback."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        state.lang = _lang_in(args) or "zh"
        state.data_on_stdout = False
        localise(self, "", state.lang)
        with _in_context(ctx):
            parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _fold_help()
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _usage(ctx, formatter)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """typer's main, with the command line's own mistakes told by :func:`told` (in the
        chosen language) instead of typer's English panel."""
        run = functools.partial(super().main, args, prog_name, complete_var, False, windows_expand_args, **extra)
        if not standalone_mode:
            return run()
        try:
            done = run()
        except SystemExit as stop:
            if isinstance(stop.__context__, BrokenPipeError):  # typer's own way out of it: exit 1
                sys.exit(BROKEN_PIPE)
            raise
        except click_exceptions().ClickException as exc:
            sys.exit(told(exc))
        except typer.Abort:  # end of input at a prompt
            err_console().print(msg("interrupted"), style="bold red")
            sys.exit(1)
        except BrokenPipeError:
            _quietly_closed()
            sys.exit(BROKEN_PIPE)
        sys.exit(done if isinstance(done, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            with interruptible():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            err_console().print(msg("interrupted"), style="bold red")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            _quietly_closed()
            raise typer.Exit(BROKEN_PIPE) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("typer", "click"):
                raise  # exits, usage errors and aborts are the command line's own
            if _ctrl_c.is_set():
                # Ctrl-C that a library turned into its own error (pydantic building a model while
                # a lazy import ran: SchemaError "...KeyboardInterrupt"): the interruption still.
                err_console().print(msg("interrupted"), style="bold red")
                raise typer.Exit(130) from None
            said = write_failed(exc)
            if said is None:
                crashed(exc)
            else:
                err_console().print(msg("error") + said, style="bold red", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None


@contextmanager
def interruptible() -> Iterator[None]:
    """While a command works, Ctrl-C raises ``KeyboardInterrupt`` (caught above: "已中断。", exit
    130), so that what it was writing is removed on the way out. Before and after, the handler
    the entry point installed (:mod:`consolidate.__main__`) ends the process at once; a
    process that ignores Ctrl-C (a background job) goes on ignoring it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.getsignal(signal.SIGINT)
    if before is signal.SIG_IGN:
        yield
        return
    alarm = getattr(signal, "SIGALRM", None)
    before_alarm = signal.getsignal(alarm) if alarm is not None else None
    before_hook = sys.unraisablehook
    _ctrl_c.clear()
    signal.signal(signal.SIGINT, _interrupt)
    if alarm is not None:
        signal.signal(alarm, signal.default_int_handler)  # an interruption raised again: _ctrl_c is set
        sys.unraisablehook = _interrupt_again
    try:
        yield
    finally:
        sys.unraisablehook = before_hook
        if alarm is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(alarm, before_alarm if before_alarm is not None else signal.SIG_DFL)
        signal.signal(signal.SIGINT, before if before is not None else signal.SIG_DFL)


_ctrl_c = threading.Event()  # Ctrl-C came while the command worked (whatever became of its KeyboardInterrupt)


def _interrupt(signum: int, frame: Any) -> None:
    _ctrl_c.set()
    raise KeyboardInterrupt


def _interrupt_again(unraisable: Any) -> None:
    """Ctrl-C that lands where Python cannot raise it (a finaliser, a hook run at a fork) would be
    printed as "Exception ignored ... KeyboardInterrupt" and lost: it is raised again a moment
    later instead (an alarm whose handler raises ``KeyboardInterrupt``), in the command's own code.
    Anything else goes to Python's own hook."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        signal.setitimer(signal.ITIMER_REAL, 0.01)  # nothing here may raise: the alarm rings later
        return
    sys.__unraisablehook__(unraisable)


def crashed(exc: BaseException) -> Path | None:
    """Write the traceback to a crash log and say in one line where it is."""
    log = crash_log(exc)
    where = str(log) if log is not None else "-"
    err_console().print(
        msg("crash", error=f"{type(exc).__name__}: {exc}", log=where), style="bold red", markup=False, soft_wrap=True
    )
    return log


def crash_log(exc: BaseException) -> Path | None:
    """A file holding what a maintainer needs: the command, the versions and the traceback."""
    import platform
    import traceback

    text = "".join(
        [
            f"consolidate {__version__} on Python {platform.python_version()} ({platform.platform()})\n",
            f"command: {' '.join(sys.argv)}\n",
            f"time: {dt.datetime.now().isoformat(timespec='seconds')}\n\n",
            *traceback.format_exception(exc),
        ]
    )
    from ..merge import default_cache_path

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in (default_cache_path().parent / "crashes", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"consolidate-crash-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return None


def new_app(*commands: Callable[..., Any]) -> typer.Typer:
    """A typer app with the global options and ``commands`` (in the order ``--help`` lists them)."""
    made = typer.Typer(
        cls=LocalisedGroup,
        add_completion=False,
        no_args_is_help=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
    )
    made.callback()(main_options)
    for function in commands:
        made.command(cls=LocalisedCommand)(function)
    return made


def register(*commands: Callable[..., Any]) -> None:
    """Add commands to the app, in the order ``--help`` lists them (their help is in the catalogue)."""
    for function in commands:
        app.command(cls=LocalisedCommand)(function)


def _version(value: bool) -> None:
    if value:
        out_console().print(f"consolidate {__version__}")
        raise typer.Exit()


def main_options(
    lang: Annotated[str, typer.Option("--lang")] = "zh",
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    if lang not in ("zh", "en"):
        err_console().print(msg("usage.lang"), style="bold red")
        raise typer.Exit(2)
    state.lang = "en" if lang == "en" else "zh"
    state.quiet = quiet


app = new_app()


def global_options_first(argv: list[str]) -> list[str]:
    """Let ``--lang en`` and ``--quiet`` be given after the command name too."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--quiet", "-q"):
            front.append(arg)
        elif arg == "--lang" and i + 1 < len(argv):
            front += argv[i : i + 2]
            i += 1
        elif arg.startswith("--lang="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def size_text(size: int) -> str:
    """``size`` bytes as people read it: 512 字节, 40 KB, 3.2 MB, 1.5 GB."""
    if size < 1024:
        return msg("size_bytes", n=size)
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f}".removesuffix(".0") + f" {unit}"
    raise AssertionError("unreachable")


def write_failed(exc: BaseException) -> str | None:
    """What to say of a full disk or a name too long (:class:`~consolidate.common.WriteFailed`,
    or the system's own error for one met elsewhere); None for any other failure."""
    if not isinstance(exc, OSError) or exc.errno not in (
        errno.ENOSPC,
        getattr(errno, "EDQUOT", -1),
        errno.ENAMETOOLONG,
    ):
        return None
    if not isinstance(exc, WriteFailed):
        if exc.errno == errno.ENAMETOOLONG and exc.filename:
            return msg("path_too_long", path=exc.filename)
        return msg("no_room_somewhere", error=exc.strerror or exc)
    if not exc.no_room:
        return msg("path_too_long", path=exc.target)
    free = size_text(exc.free) if exc.free is not None else "?"
    folder = exc.folder.absolute()
    where = (
        msg("disk_of", folder=folder) if exc.disk == folder else msg("disk_of_mounted", folder=folder, disk=exc.disk)
    )
    if exc.temporary and exc.target == exc.folder:
        return msg("no_room_work", folder=folder, where=where, free=free)
    if exc.temporary:
        return msg("no_room_temp", folder=folder, where=where, free=free, path=exc.target)
    short = msg("no_room_short", missing=size_text(exc.needed)) if exc.needed else ""
    return msg("no_room", path=exc.target, where=where, free=free, short=short)


@contextmanager
def guarded() -> Iterator[None]:
    """Turn ConsolidateError (and a full disk, a name too long) into a clear message and exit code 2."""
    try:
        yield
    except SpecError as exc:
        err_console().print(msg("spec_bad", n=len(exc.problems)), style="bold red")
        for problem in exc.problems:
            err_console().print(f"  {problem.render(state.lang)}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except ConsolidateError as exc:
        err_console().print(msg("error") + exc.render(state.lang), style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        said = write_failed(exc)
        if said is None:
            raise
        err_console().print(msg("error") + said, style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
