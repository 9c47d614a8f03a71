"""The typer app, its global options, and what every command shares: how it speaks (the
catalogue, in ``--lang``), guarded errors, progress bars, the common options and outputs.

Only the ``cli`` package prints, draws progress bars and chooses exit codes: 0 no errors, 1 errors
found in the data (outputs are still written), 2 the command could not run.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from ..check import Level, count_levels
from ..errors import ConsolidateError, InputError, SpecError
from ..merge import MergeResult, default_cache_path, find_files, merge_returns, spec_from_returns
from ..spec import load_spec
from ..text import CATALOGUE, Lang, Msg, t
from ..version import __version__
from ..write.xlsx import text_width


class State:
    lang: Lang = "zh"
    quiet: bool = False


state = State()
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def msg(key: str, **kwargs: Any) -> str:
    """The CLI message ``cli.<key>`` in the chosen language."""
    return t(f"cli.{key}", state.lang, **kwargs)


def say(text: str, style: str = "") -> None:
    if not state.quiet:
        console.print(text, style=style or None, soft_wrap=True, markup=False)


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


def localise(command: Any, name: str, lang: Lang) -> None:
    """Set a command's help and its options' help from the catalogue (see :mod:`consolidate.text.help`)."""
    command.help = _help("help.app" if not name else f"help.{name}", lang) or command.help
    for param in command.params:
        key = f"help.{name}.{param.name}" if f"help.{name}.{param.name}" in CATALOGUE else f"help.opt.{param.name}"
        text = _help(key, lang)
        if text is not None and hasattr(param, "help"):
            param.help = text
    for sub_name, sub in getattr(command, "commands", {}).items():
        localise(sub, sub_name, lang)


def _help_option(option: Any) -> Any:
    if option is not None:
        option.help = t("help.opt.help", state.lang)
    return option


class LocalisedCommand(TyperCommand):
    """A command whose ``--help`` option is described in the chosen language too."""

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))


class LocalisedGroup(TyperGroup):
    """The app: ``--lang`` is read before anything else, so that even ``--help`` speaks it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        state.lang = _lang_in(args) or "zh"
        localise(self, "", state.lang)
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))


app = typer.Typer(cls=LocalisedGroup, add_completion=False, no_args_is_help=True, rich_markup_mode="rich")


def register(*commands: Callable[..., Any]) -> None:
    """Add commands to the app, in the order ``--help`` lists them (their help is in the catalogue)."""
    for function in commands:
        app.command(cls=LocalisedCommand)(function)


def _version(value: bool) -> None:
    if value:
        console.print(f"consolidate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    lang: Annotated[str, typer.Option("--lang")] = "zh",
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    if lang not in ("zh", "en"):
        err_console.print("--lang: zh | en")
        raise typer.Exit(2)
    state.lang = "en" if lang == "en" else "zh"
    state.quiet = quiet


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


@contextmanager
def guarded() -> Iterator[None]:
    """Turn ConsolidateError into a clear message and exit code 2."""
    try:
        yield
    except SpecError as exc:
        err_console.print(msg("spec_bad", n=len(exc.problems)), style="bold red")
        for problem in exc.problems:
            err_console.print(f"  {problem.render(state.lang)}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except ConsolidateError as exc:
        err_console.print(msg("error") + exc.render(state.lang), style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


# ---------------------------------------------------------------------------------------------
# Options and steps that several commands share

SpecOpt = Annotated[Path | None, typer.Option("--spec", "-s")]
PasswordOpt = Annotated[list[str] | None, typer.Option("--password")]
PasswordsFileOpt = Annotated[Path | None, typer.Option("--passwords")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache")]
AssignOpt = Annotated[list[str] | None, typer.Option("--assign")]
KindOpt = Annotated[str, typer.Option("--kind", "-k")]


def passwords(given: list[str] | None, file: Path | None) -> list[str]:
    out = list(given or [])
    if file is not None:
        try:
            out += [line.strip() for line in file.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        except OSError as exc:
            raise InputError(f"{file}: {exc.strerror or exc}") from None
    return out


def run_merge(
    folder: Sequence[Path],
    spec: Path | None,
    password: list[str] | None = None,
    passwords_file: Path | None = None,
    no_cache: bool = False,
    keep_raw: bool = False,
    exclude: Sequence[Path] = (),
    assign: list[str] | None = None,
) -> MergeResult:
    secrets = passwords(password, passwords_file)
    assigned = assignments(assign)
    loaded = load_spec(spec) if spec is not None else spec_from_returns(list(folder), secrets)
    sources = find_files(list(folder), exclude)
    cache = None if no_cache else default_cache_path()
    with progress_bar(len(sources), msg("reading")) as tick:
        return merge_returns(
            loaded,
            list(folder),
            progress=tick,
            passwords=secrets,
            cache=cache,
            keep_raw=keep_raw,
            exclude=exclude,
            sources=sources,
            assign=assigned,
        )


def assignments(given: list[str] | None) -> dict[str, str]:
    """``--assign FILE=UNIT`` options → {file: unit}."""
    out: dict[str, str] = {}
    for pair in given or []:
        file, sep, unit = pair.rpartition("=")
        if not sep or not file.strip() or not unit.strip():
            raise InputError(Msg("input.assign_form", given=pair))
        out[file.strip()] = unit.strip()
    return out


@contextmanager
def counted_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """``progress(done, total)`` for work that learns its total as it starts (mail to fetch)."""
    with ExitStack() as stack:
        tick: Callable[[str], None] | None = None

        def progress(done: int, total: int) -> None:
            nonlocal tick
            if tick is None:
                tick = stack.enter_context(progress_bar(total, label))
            elif done:
                tick("")

        yield progress


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Any]:
    if state.quiet or total < 20 or not sys.stderr.isatty():
        yield lambda _name: None
        return
    # Refreshed here, at most ten times a second, rather than by rich's refresh thread: a process
    # without threads may fork its parsing workers (see consolidate.merge.pool).
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console, transient=True, auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)
        shown = [0.0]

        def tick(_name: str) -> None:
            bar.advance(task)
            now = time.monotonic()
            if now - shown[0] >= 0.1:
                shown[0] = now
                bar.refresh()

        yield tick


def emit_json(data: Any, target: Path) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if str(target) == "-":
        sys.stdout.write(text + "\n")
    else:
        target.write_text(text + "\n", encoding="utf-8")
        say(msg("json", file=target))


def print_issues(result: MergeResult, all_levels: bool) -> None:
    shown = [i for i in result.issues if all_levels or i.level is not Level.INFO]
    if state.quiet:
        shown = [i for i in shown if i.level is Level.ERROR]
    if not shown:
        say(msg("no_issues"), "green")
        return
    table = Table(show_lines=False)
    # The message matters most; file names are long and repetitive, so they give way first.
    widths = {"col.file": 18, "col.value": 12, "col.unit_name": 10}
    for key in ("col.level", "col.code", "col.unit_name", "col.file", "col.cell", "col.value", "col.message"):
        table.add_column(
            t(key, state.lang),
            overflow="fold",
            no_wrap=key in ("col.level", "col.code", "col.cell", "col.file"),
            max_width=widths.get(key),
        )
    colours = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "dim"}
    for issue in shown:
        unit = result.spec.unit_map.get(issue.unit)
        cell = f"{issue.sheet}!{issue.cell}" if issue.sheet and issue.cell else issue.cell
        table.add_row(
            t(f"level.{issue.level.value}", state.lang),
            issue.code,
            unit.name if unit else issue.unit,
            # Returns share the report title in their names: keep the end, where the unit is.
            tail(issue.file, 18),
            cell,
            issue.value[:40],
            issue.message(state.lang),
            style=colours[issue.level],
        )
    console.print(table)


def tail(text: str, width: int) -> str:
    """The end of ``text`` in at most ``width`` terminal columns (CJK characters take two)."""
    if text_width(text) <= width:
        return text
    kept = ""
    for char in reversed(text):
        if text_width(char + kept) > width - 1:
            break
        kept = char + kept
    return "…" + kept


def print_counts(result: MergeResult) -> None:
    counts = count_levels(result.issues)
    returned = sum(1 for s in result.submissions if s.status in ("returned", "duplicate"))
    style = "red" if counts[Level.ERROR] else ("yellow" if counts[Level.WARNING] else "green")
    say(
        msg(
            "counts",
            returned=returned,
            units=len(result.submissions),
            e=counts[Level.ERROR],
            w=counts[Level.WARNING],
            i=counts[Level.INFO],
        ),
        style,
    )
    missing = [result.spec.unit_map[s.unit_code].name for s in result.submissions if s.status == "missing"]
    if missing:
        say(msg("missing", names=t("sep.list", state.lang).join(missing)), "yellow")
