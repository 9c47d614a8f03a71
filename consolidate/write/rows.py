"""Table rows into a worksheet, by one of three writers behind one call (:func:`write_rows`).

- ``fast`` (the default): rows rendered straight into xlsxwriter's constant-memory row stream by
  :mod:`.fastrows`, about ten times faster than the cell methods, with the same XML;
- ``split`` (``RowOptions(parallel=True)``, Linux): a long table rendered by two processes, the
  second half by a forked child, with the same bytes as from one process;
- ``cells``: xlsxwriter's own cell methods, when its row stream cannot be reached (or to compare).
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..merge import die_with_parent
from . import fastrows
from .xlsx import RowHeights, write_value


@dataclass(frozen=True)
class RowOptions:
    """How rows are written. The defaults are what a library caller gets; the CLI sets ``parallel``."""

    fast: bool = True  # render XML into the row stream; False: xlsxwriter's cell methods
    shared_strings: bool = True  # repeated texts (unit, item, file) stored once, as Excel does
    parallel: bool = False  # a long table rendered by two processes (a fork), where that is safe
    split_from: int = 20_000  # rows of a table worth a second process (明细 of about 500 returns)
    split_read: int = 1 << 20  # characters of the child's rows read back at a time


Rows = Iterable[tuple[list[Any], float | None]]


def write_rows(
    sheet: Any,
    first0: int,
    rows: Sequence[list[Any]],
    heights: RowHeights,
    formats: list[Any],
    shared: list[bool],
    options: RowOptions,
    transform: Callable[[list[Any], int], list[Any]] | None = None,
) -> None:
    """Write ``rows`` from zero-based row ``first0`` on, column ``c`` in ``formats[c]``.

    ``heights`` sizes each row from its texts (before ``transform``, which may replace values by
    formulas, given the row and its zero-based row number). ``shared[c]``: column ``c`` repeats.
    """
    fast = options.fast and fastrows.supported(sheet)
    flags = [flag and options.shared_strings and fast for flag in shared]
    make = getattr(rows, "make", None)  # rows made on demand (明细): a range can be made anywhere
    if fast and make is not None and transform is None and _can_split(options, len(rows)):
        _write_split(fastrows.RowWriter(sheet, formats, flags), first0, make, len(rows), heights, options)
        return
    sized: Rows = ((row, heights(row)) for row in rows)
    if transform is not None:
        sized = ((transform(row, first0 + r), h) for r, (row, h) in enumerate(sized))
    if fast:
        fastrows.RowWriter(sheet, formats, flags).write(first0, sized)
    else:
        _write_cells(sheet, first0, sized, formats)


def _can_split(options: RowOptions, count: int) -> bool:
    """Whether a long table's rows can be rendered by two processes (a fork, on Linux)."""
    return (
        options.parallel
        and count >= options.split_from
        and hasattr(os, "fork")
        and sys.platform == "linux"
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1  # forking a process with threads can deadlock the child
    )


def _write_split(
    writer: fastrows.RowWriter,
    first0: int,
    make: Callable[[int, int], Iterator[list[Any]]],
    count: int,
    heights: RowHeights,
    options: RowOptions,
) -> None:
    """The second half of ``rows`` rendered by a forked child while this process renders the first.

    The child writes its XML into a temporary file, which is then copied after the first half:
    the bytes are the same as from one process. Without a child (fork failed), or when it fails,
    its half is rendered here.
    """
    half = count // 2
    writer.start(first0)
    out = writer.sheet.row_data_fh

    def rendered(start: int, stop: int, deferred: bool = False) -> Iterator[tuple[str, int]]:
        return writer.render(first0 + start, ((row, heights(row)) for row in make(start, stop)), deferred)

    def write_here(start: int, stop: int) -> None:
        for chunk, _ in rendered(start, stop):
            out.write(chunk)

    parent = os.getpid()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as part:
        try:
            pid = os.fork()
        except OSError:  # no process to be had (a limit): all rows here
            pid = -1
        if pid == 0:  # the child: render, write, leave without running any of the parent's exit code
            code = 1
            try:
                die_with_parent(parent)
                for chunk, _ in rendered(half, count, deferred=True):
                    part.write(chunk)
                part.flush()
                code = 0
            finally:
                os._exit(code)
        try:
            write_here(0, half)
        except BaseException:  # interrupted or failed here: the child's work is of no use
            if pid > 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            raise
        if pid > 0 and os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0:
            part.seek(0)
            pending = ""  # cut at row ends: a deferred text never spans two reads
            while data := part.read(options.split_read):
                pending += data
                cut = pending.rfind("</row>")
                if cut >= 0:
                    cut += len("</row>")
                    out.write(writer.resolve(pending[:cut]))
                    pending = pending[cut:]
            out.write(writer.resolve(pending))
        else:  # no child, or it failed: its half is rendered here
            write_here(half, count)
    writer.finish(first0, count)


def _write_cells(sheet: Any, first0: int, rows: Rows, cell_fmts: list[Any]) -> None:
    """The same rows through xlsxwriter's cell methods (when its row stream is not reachable)."""
    for row0, (row, height) in enumerate(rows, start=first0):
        if height is not None:
            sheet.set_row(row0, height)
        for c, value in enumerate(row):
            fmt = cell_fmts[c]
            if isinstance(value, fastrows.Styled):
                value, fmt = value.value, value.fmt
            if isinstance(value, fastrows.Formula):
                sheet.write_formula(row0, c, value.text, fmt, value.value)
            else:
                write_value(sheet, row0, c, value, fmt)
