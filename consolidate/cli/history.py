"""The commands over a report's periods: ``history`` (list, ``import``) and ``next``; the work is
:mod:`consolidate.periods`'."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from ..text import Msg, t
from .app import guarded, human, msg, say, state
from .shared import HistoryOpt

if TYPE_CHECKING:  # the library is imported where a command uses it: --help starts fast
    from ..periods import History
    from ..spec import Spec


def _warn(warning: Msg) -> None:
    say(warning.render(state.lang), "yellow")


def _history_of(spec: Spec, given: Path | None) -> History:
    from ..periods import History, default_history_path

    path = given or default_history_path(spec)
    if path is None:
        raise InputError(Msg("cli.no_history_path"))
    return History(path, _warn)


def history(
    target: Annotated[list[str] | None, typer.Argument()] = None,
    spec: Annotated[Path | None, typer.Option("--spec", "-s")] = None,
    history_file: HistoryOpt = None,
) -> None:
    from rich.table import Table

    from ..periods import import_summary
    from ..spec import load_spec

    args = list(target or [])
    with guarded():
        if args and args[0] == "import":
            if len(args) < 2:
                raise InputError(Msg("cli.import_needs_file"))
            loaded = load_spec(spec or Path("."))
            keeper = _history_of(loaded, history_file)
            for name in args[1:]:
                period, count = import_summary(loaded, Path(name), keeper)
                say(msg("history_imported", file=name, period=period, n=count, history=keeper.path), "green")
            return
        loaded = load_spec(Path(args[0]) if args else (spec or Path(".")))
        keeper = _history_of(loaded, history_file)
        periods = keeper.periods(loaded.report.id)
    if not periods:
        say(msg("history_empty", history=keeper.path))
        return
    lang = state.lang
    table = Table(title=f"{loaded.report.title} — {keeper.path}")
    for key in ("col.period", "hist.recorded", "hist.source", "hist.returned", "hist.values"):
        table.add_column(t(key, lang))
    for p in periods:
        # Recorded by a merge; else from a file: an imported summary, the table init read.
        source = (
            t("hist.merged", lang) if p["source"] == "merge" else re.sub(r"^(import|init):", "← ", str(p["source"]))
        )
        table.add_row(p["period"], p["recorded"], source, f"{p['returned']}/{p['units']}", str(p["values"]))
    human().print(table)


def next(
    spec: Annotated[Path, typer.Argument()] = Path("."),
    history_file: HistoryOpt = None,
    skip: Annotated[bool, typer.Option("--skip")] = False,
) -> None:
    from ..periods.advance import advance

    with guarded():
        done = advance(spec, history_file, _warn, skip=skip)
    say(msg("next_done", file=done.path), "green")
    for edit in done.edits:
        say(msg("next_change", what=edit.what, before=edit.before, after=edit.after))
    for left in done.unmoved:
        if left.after:
            say(msg("next_not_written", where=left.where, before=left.word, after=left.after, file=done.path), "yellow")
        else:
            say(msg("next_unmoved", where=left.where, word=left.word, file=done.path), "yellow")


COMMANDS = (history, next)
