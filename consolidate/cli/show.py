"""What the commands show: progress bars, JSON on standard output or in a file, the problems of a
merge and who has returned, laid out for the width there is.

A table when the terminal is wide enough to keep every message on its lines; otherwise (a narrow
terminal, or output piped into a file) one block per problem, each message whole on one line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common import atomic_output, text_width
from ..text import Level, t
from .app import err_console, human, msg, say, state

if TYPE_CHECKING:
    from rich.console import Console

    from ..check import Issue
    from ..merge import MergeResult

WIDE = 140  # terminal columns from which problems are shown as a table
NOT_IN = frozenset({"missing", "unreadable", "blank"})  # statuses shown in red: nothing of the unit's counts
TABLE_ROWS = 500  # units up to which `status` draws a table (a longer one takes seconds): lines beyond
_COLOURS = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "dim"}


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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    # Refreshed here, at most ten times a second, rather than by rich's refresh thread: a process
    # without threads may fork its parsing workers (see consolidate.merge.pool).
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console(), transient=True, auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)
        shown = [0.0]

        def tick(_name: str) -> None:
            bar.advance(task)
            now = time.monotonic()
            if now - shown[0] >= 0.1:
                shown[0] = now
                bar.refresh()

        yield tick


def emit_json(data: Any, target: Path, *, said: bool = True) -> None:
    """JSON as UTF-8 text: to standard output for ``-`` (nothing else goes there then), or into a
    file written whole or not at all (and said, unless ``said`` is False: a file staged, see
    :func:`~.shared.replacing`, is said once in place)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if str(target) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    with atomic_output(target) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    if said:
        say(msg("json", file=target))


def _wide(console: Console) -> bool:
    return console.is_terminal and console.width >= WIDE


def print_issues(result: MergeResult, all_levels: bool) -> None:
    shown = [i for i in result.issues if all_levels or i.level is not Level.INFO]
    if state.quiet:
        shown = [i for i in shown if i.level is Level.ERROR]
    if not shown:
        say(msg("no_issues"), "green")
        return
    console = human()
    if _wide(console):
        _issue_table(console, result, shown)
        return
    for issue in shown:
        _issue_block(console, result, issue)


def _unit_name(result: MergeResult, issue: Issue) -> str:
    unit = result.spec.unit_map.get(issue.unit)
    return unit.name if unit else issue.unit


def _where(issue: Issue) -> str:
    return f"{issue.sheet}!{issue.cell}" if issue.sheet and issue.cell else issue.cell


def _issue_block(console: Console, result: MergeResult, issue: Issue) -> None:
    """Where, then the message and the fix, each whole on one line: read in any width or file."""
    lang = state.lang
    place = " · ".join(p for p in (_unit_name(result, issue), issue.file, _where(issue)) if p)
    head = f"{t(f'level.{issue.level.value}', lang)} · {place}" if place else t(f"level.{issue.level.value}", lang)
    console.print(f"{head}  [{issue.code}]", style=f"bold {_COLOURS[issue.level]}", soft_wrap=True, markup=False)
    console.print(f"  {issue.message(lang)}", soft_wrap=True, markup=False)
    fix = issue.fix(lang)
    if fix:
        console.print("  " + t("labelled", lang, label=t("col.fix", lang), value=fix), soft_wrap=True, markup=False)


def _issue_table(console: Console, result: MergeResult, shown: list[Issue]) -> None:
    from rich.table import Table

    table = Table(show_lines=False)
    # The message matters most; file names are long and repetitive, so they give way first.
    widths = {"col.file": 24, "col.value": 14, "col.unit_name": 12}
    for key in ("col.level", "col.unit_name", "col.file", "col.cell", "col.value", "col.message", "col.code"):
        table.add_column(
            t(key, state.lang),
            overflow="fold",
            no_wrap=key in ("col.level", "col.code", "col.cell", "col.file"),
            max_width=widths.get(key),
        )
    for issue in shown:
        table.add_row(
            t(f"level.{issue.level.value}", state.lang),
            _unit_name(result, issue),
            # Returns share the report title in their names: keep the end, where the unit is.
            tail(issue.file, widths["col.file"]),
            _where(issue),
            issue.value[:40],
            issue.message(state.lang),
            issue.code,
            style=_COLOURS[issue.level],
        )
    console.print(table)


def print_submissions(result: MergeResult) -> list[dict[str, Any]]:
    """Who has returned what (a table, or a line a unit in a narrow terminal); the rows as data:
    the table's words, and for scripts the same in words that do not change with ``--lang``
    (``state``: returned, missing, duplicate, unreadable or blank; ``late``: true or false)."""
    lang = state.lang
    rows: list[dict[str, Any]] = []
    for sub in result.submissions:
        unit = result.spec.unit_map[sub.unit_code]
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "status": t(f"status.{sub.status}", lang),
                "overdue": t("yes", lang) if sub.overdue else "",
                "file": sub.file,
                "received": f"{sub.received:%Y-%m-%d %H:%M}" if sub.received else "",
                "state": sub.status,
                "late": sub.overdue,
            }
        )
    if state.quiet:
        return rows
    console = human()
    late = {True: t("status.overdue", lang)}
    if _wide(console) and len(rows) <= TABLE_ROWS:
        from rich.table import Table

        table = Table(title=result.spec.report.title)
        for key in ("col.unit_code", "col.unit_name", "col.status", "col.overdue", "col.file", "col.received"):
            table.add_column(t(key, lang), overflow="fold")
        shown = ("code", "name", "status", "overdue", "file", "received")
        for sub, row in zip(result.submissions, rows, strict=True):
            style = "red" if sub.status in NOT_IN else ""
            table.add_row(*(row[key] for key in shown), style=style)
        console.print(table)
        return rows
    console.print(result.spec.report.title, style="bold", soft_wrap=True, markup=False)
    lines = []
    for sub, row in zip(result.submissions, rows, strict=True):
        parts = [row["code"], row["name"], row["status"], late.get(sub.overdue, ""), row["received"], row["file"]]
        lines.append(("red" if sub.status in NOT_IN else None, "  ".join(p for p in parts if p)))
    plain_lines(console, lines)
    return rows


def plain_lines(console: Console, lines: list[tuple[str | None, str]]) -> None:
    """Lines of text, each in its colour (or none), as ``console.print(text, style=colour,
    soft_wrap=True, markup=False)`` prints them, written at once: rich takes about 0.2 ms a
    line, two seconds for a province's 10,000 units."""
    from rich.console import COLOR_SYSTEMS
    from rich.style import Style

    if console.legacy_windows:  # colours through the console's API, not escapes: rich's way
        for colour, text in lines:
            console.print(text, style=colour, soft_wrap=True, markup=False)
        return
    styles = {colour: Style.parse(colour) for colour, _ in lines if colour}
    name = None if console.no_color else console.color_system  # None: not a terminal, or no colours
    colours = COLOR_SYSTEMS.get(name) if name else None
    out = []
    for colour, text in lines:
        out.append(styles[colour].render(text, color_system=colours) if colour and colours else text)
    console.file.write("\n".join(out) + "\n" if out else "")
    console.file.flush()


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
    from ..check import count_levels

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
    for status in ("missing", "blank"):
        names = [result.spec.unit_map[s.unit_code].name for s in result.submissions if s.status == status]
        if names:
            say(msg(status, names=t("sep.list", state.lang).join(names)), "yellow")
