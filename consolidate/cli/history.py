"""The commands over a report's periods: ``history`` (list, ``import``) and ``next``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..common import atomic_output
from ..errors import InputError
from ..merge import History, default_history_path
from ..merge.history import import_summary
from ..spec import Spec, load_spec, parse_spec, spec_file
from ..spec.periods import advance_yaml, next_deadline, next_period, next_title
from ..text import Msg, t
from ..write import set_report_values, spec_yaml_text
from .app import guarded, human, msg, say, state
from .shared import HistoryOpt

SpecArg = Annotated[Path, typer.Argument()]


def _history_of(spec: Spec, given: Path | None) -> History:
    path = given or default_history_path(spec)
    if path is None:
        raise InputError(Msg("cli.no_history_path"))
    return History(path, lambda warning: say(warning.render(state.lang), "yellow"))


def previous_values(spec: Spec, given: Path | None) -> dict[str, dict[tuple[str, str], Any]] | None:
    """unit code → its last accepted values, when the history has a period before the spec's
    (templates then show 上期 and fill ``prefill: last``); None otherwise."""
    path = given or default_history_path(spec)
    if path is None:
        return None
    view = History(path, lambda warning: say(warning.render(state.lang), "yellow")).view(spec)
    if view is None or view.previous is None:
        return None
    return view.last_values()


def history(
    target: Annotated[list[str] | None, typer.Argument()] = None,
    spec: Annotated[Path | None, typer.Option("--spec", "-s")] = None,
    history_file: HistoryOpt = None,
) -> None:
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
        source = t("hist.merged", lang) if p["source"] == "merge" else str(p["source"]).replace("import:", "← ")
        table.add_row(p["period"], p["recorded"], source, f"{p['returned']}/{p['units']}", str(p["values"]))
    human().print(table)


def next(
    spec: Annotated[Path, typer.Argument()] = Path("."),
    history_file: HistoryOpt = None,
) -> None:
    path = spec_file(spec)
    with guarded():
        loaded = load_spec(path)
        workbook = path.suffix.lower() not in (".yaml", ".yml")
        if workbook and path.suffix.lower() != ".xlsx":
            raise InputError(Msg("cli.next_formats", path=path))
        report = loaded.report
        period = next_period(report.period)
        deadline = next_deadline(report.deadline, report.period)
        title = next_title(report.title, report.period, period)
        changes = {"period": period, "title": title}
        if deadline is not None:
            changes["deadline"] = deadline.isoformat()
        if workbook:
            with atomic_output(path) as tmp:
                load_spec(set_report_values(path, changes, Path(tmp)))  # must load before it replaces the old
                _history_of(loaded, history_file).keep_spec(loaded, path.name, spec_yaml_text(loaded))
        else:
            text = path.read_text(encoding="utf-8-sig")
            new_text = advance_yaml(text, changes)
            parse_spec(new_text, str(path), base=path.parent)  # the new spec must load before it replaces the old
            _history_of(loaded, history_file).keep_spec(loaded, path.name, text)
            with atomic_output(path) as tmp:
                Path(tmp).write_text(new_text, encoding="utf-8")
    say(msg("next_done", file=path), "green")
    before = {
        "period": report.period,
        "title": report.title,
        "deadline": report.deadline.isoformat() if report.deadline else "",
    }
    for key, value in changes.items():
        if before[key] != value:
            say(msg("next_change", what=t(f"hist.{key}", state.lang), before=before[key], after=value))


COMMANDS = (history, next)
