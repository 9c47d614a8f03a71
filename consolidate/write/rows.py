"""Table rows into a worksheet, by one of three writers behind one call (:func:`write_rows`).

- ``fast`` (the default): rows rendered straight into xlsxwriter's constant-memory row stream by
  :mod:`.fastrows`, about ten times faster than the cell methods, with the same XML;
- ``split`` (``RowOptions(parallel=True)``, Linux): a long table (明细) rendered part by a
  forked child, part here, while this process goes on with the other sheets (:class:`Pending`),
  with the same bytes as from one process; :class:`Forked` computes another result (the hidden
  data) in a child of its own;
- ``cells``: xlsxwriter's own cell methods, when its row stream cannot be reached (or to compare).
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..common import fork_helper, forkable, helper_done, helper_stopped
from . import fastrows
from .deflate import Deflated, RowDeflater
from .xlsx import RowHeights, write_value


@dataclass(frozen=True)
class RowOptions:
    """How rows are written. The defaults are what a library caller gets; the CLI sets ``parallel``."""

    fast: bool = True  # render XML into the row stream; False: xlsxwriter's cell methods
    shared_strings: bool = True  # repeated texts (unit, item, file) stored once, as Excel does
    parallel: bool = False  # a long table rendered by a second process (a fork), where that is safe
    split_from: int = 4_000  # rows of a table worth a second process (明细 of about 100 returns)
    split_read: int = 1 << 20  # characters of the child's rows read back at a time
    # The child's share of the rows: this process renders the rest, then writes the other
    # sheets (and the history's rows) while the child is at work.
    child_share: float = 0.55
    # Rows of a table split so that each part is compressed where it is rendered (the child's
    # while it renders, this process's on a thread), not all at the end (see .deflate).
    deflate_from: int = 4_000
    # Every shared text of a split table numbered before the fork (from its repeating columns,
    # when they are cheap to read), so that neither process leaves its numbers to the other.
    number_ahead: bool = True

    def worth_a_fork(self, count: int) -> bool:
        """Whether a table of ``count`` rows is rendered by a second process, where one can be had."""
        return self.parallel and count >= self.split_from


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
    later: list[Pending] | None = None,
) -> None:
    """Write ``rows`` from zero-based row ``first0`` on, column ``c`` in ``formats[c]``.

    ``heights`` sizes each row from its texts (before ``transform``, which may replace values by
    formulas, given the row and its zero-based row number). ``shared[c]``: column ``c`` repeats.

    ``later``: a long table may be rendered by a forked child while this process writes other
    sheets; its :class:`Pending` is added to ``later``, to be finished before the workbook is
    closed (and before anything else writes below the table in this sheet). Without ``later``
    the child's rows are waited for here.
    """
    fast = options.fast and fastrows.supported(sheet)
    flags = [flag and options.shared_strings and fast for flag in shared]
    make = getattr(rows, "make", None)  # rows made on demand (明细): a range can be made anywhere
    if make is not None and fast and transform is None and options.worth_a_fork(len(rows)):
        # Rows of the workbook's shared strings are numbered in order: a table rendered before
        # this one is put in place first.
        for waiting in later or ():
            waiting.finish()
            waiting.settle()  # no thread of this process's left when it forks
        if forkable():  # a fork, on Linux, in a process without threads
            writer = fastrows.RowWriter(sheet, formats, flags)
            writer.start(first0)  # the header row goes out and the formats are numbered, before the fork
            values = getattr(rows, "shared", None)
            ahead = bool(options.number_ahead and values is not None and writer.number_ahead(values(0, len(rows))))
            sheet.row_data_fh.flush()
            pending = _in_child(Pending(writer, first0, make, len(rows), heights, options, ahead))
            if later is None:
                pending.finish()
            else:
                later.append(pending)
            return
    sized: Rows = ((row, heights(row)) for row in rows)
    if transform is not None:
        sized = ((transform(row, first0 + r), h) for r, (row, h) in enumerate(sized))
    if fast:
        fastrows.RowWriter(sheet, formats, flags).write(first0, sized)
    else:
        _write_cells(sheet, first0, sized, formats)


class Pending:
    """A table's rows rendered by two processes while this one goes on with the rest of the
    workbook: the first :attr:`RowOptions.child_share` of them by a forked child, into a file of
    its own, the rest here at once (their shared strings left unnumbered, ``deferred``);
    :meth:`finish` puts both into the sheet.

    The child numbers the shared strings it meets from where the workbook's table stood when it
    was forked, and says which it added; they are taken in that order, then this process's rows
    are numbered: the same numbers, and so the same bytes, as from one process, provided nothing
    else added shared strings meanwhile (checked; otherwise, and when the child failed, its rows
    are rendered here, numbered as they come).

    With every shared text numbered before the fork (``ahead``: see
    :meth:`~.fastrows.RowWriter.number_ahead`), neither process defers: both number as they
    render, and only the uses the child counted are added here.

    A table of :attr:`RowOptions.deflate_from` rows or more is compressed where it is rendered
    (see :mod:`.deflate`): the child compresses its rows as it renders them, this process its own
    on a thread once they are numbered; the sheet gets their marks, the zip their bytes.
    """

    def __init__(
        self,
        writer: fastrows.RowWriter,
        first0: int,
        make: Callable[[int, int], Iterator[list[Any]]],
        count: int,
        heights: RowHeights,
        options: RowOptions,
        ahead: bool = False,
    ) -> None:
        self.writer = writer
        self.ahead = ahead  # every shared text numbered already: both processes number as they go
        self.first0 = first0
        self.make = make
        self.count = count
        self.cut = min(count, max(0, round(count * options.child_share)))  # the child's rows: [0, cut)
        self.heights = heights
        self.options = options
        self.deflate = count >= options.deflate_from and hasattr(writer.sheet, "add_deflated")
        self.table = getattr(writer.sheet, "str_table", None)
        self.at_fork = _strings_state(self.table)
        self.part: Any = (
            tempfile.TemporaryFile("w+b") if self.deflate else tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        )
        self.added = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.mine = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.segments: list[Deflated] = []  # handed to the sheet: closed with the workbook
        self.own: Deflated | None = None  # this process's rows, compressed (numbered ahead)
        self.pid = -1
        self.done = False

    def rendered(self, start: int, stop: int, deferred: bool = False) -> Iterator[str]:
        rows = ((row, self.heights(row)) for row in self.make(start, stop))
        return (chunk for chunk, _ in self.writer.render(self.first0 + start, rows, deferred))

    def _child_rows(self) -> Deflated | None:
        """The child's share into ``part``: compressed (returned), or as text."""
        if not self.deflate:
            for chunk in self.rendered(0, self.cut):
                self.part.write(chunk)
            self.part.flush()
            return None
        deflater = RowDeflater(self.part)
        for chunk in self.rendered(0, self.cut):
            deflater.write(chunk)
        return deflater.done()

    def child(self) -> None:
        """In the child: render, write, and say which strings were added."""
        segment = self._child_rows()
        said = _strings_added(self.table, self.at_fork)
        if segment is not None:
            said.update(length=segment.length, crc=segment.crc)
        json.dump(said, self.added, ensure_ascii=False)
        self.added.flush()

    def render_here(self) -> None:
        """This process's share, its shared strings left for :meth:`finish` to number (numbered
        as they come when they were numbered ahead, and then compressed on a thread meanwhile)."""
        if not self.ahead:
            for chunk in self.rendered(self.cut, self.count, deferred=True):
                self.mine.write(chunk)
        elif self.deflate:
            self.own = _compressed_here(lambda target: _write_all(target, self.rendered(self.cut, self.count)))
        else:
            for chunk in self.rendered(self.cut, self.count):
                self.mine.write(chunk)
            self.mine.flush()

    def finish(self) -> None:
        """The rows in the sheet, in order; nothing when done before."""
        if self.done:
            return
        self.done = True
        try:
            ok = helper_done(self.pid)
            self.pid = -1
            out = self.writer.sheet.row_data_fh
            if self.ahead:  # no string added meanwhile (this process's rows have counted their uses)
                ok = ok and _distinct(self.table) == _distinct(self.table, self.at_fork)
            else:
                ok = ok and _strings_state(self.table) == self.at_fork
            said: dict[str, Any] = {}
            if ok:
                self.added.seek(0)
                said = json.load(self.added)
                ok = _take_strings(self.table, said)
            if ok:  # compressed by the child, or its rows as text
                segment = Deflated(self.part, int(said["length"]), int(said["crc"])) if self.deflate else None
            else:  # no child, it failed, or the strings moved on: its rows here
                self.part.seek(0)
                self.part.truncate()
                segment = self._child_rows()
            if segment is not None:
                self._hand_over(segment)
            else:  # the child's rows as bytes: neither decoded nor encoded again here
                self.part.seek(0)
                out.flush()
                shutil.copyfileobj(self.part.buffer, out.buffer, self.options.split_read)
            if self.ahead:  # this process's rows, numbered as they came
                self._put_own(out)
                self.writer.finish(self.first0, self.count)
                return
            if self.deflate:
                self._hand_over(_compressed_here(self._resolved_into))
            else:
                self._resolved_into(out)
            self.writer.finish(self.first0, self.count)
        finally:
            self.close()

    def _resolved_into(self, target: Any) -> None:
        """This process's rows, their shared strings numbered now, written to ``target``."""
        self.mine.seek(0)
        pending = ""  # cut at row ends: a deferred text never spans two reads
        while data := self.mine.read(self.options.split_read):
            pending += data
            end = pending.rfind("</row>")
            if end >= 0:
                end += len("</row>")
                target.write(self.writer.resolve(pending[:end]))
                pending = pending[end:]
        if pending:
            target.write(self.writer.resolve(pending))

    def _put_own(self, out: Any) -> None:
        """This process's rows (numbered ahead) after the child's: compressed, or as text."""
        if self.own is not None:
            own, self.own = self.own, None
            self._hand_over(own)
            return
        self.mine.seek(0)
        out.flush()
        shutil.copyfileobj(self.mine.buffer, out.buffer, self.options.split_read)

    def _hand_over(self, segment: Deflated) -> None:
        """``segment`` into the sheet (which closes its file with the workbook)."""
        self.segments.append(segment)
        self.writer.sheet.add_deflated(segment)

    def settle(self) -> None:
        """This process's compressing done (before a fork: a process with threads is not forked)."""
        for segment in self.segments:
            segment.wait()

    def abandon(self) -> None:
        """Stop the child (this process failed or was interrupted) and let go of its files."""
        self.done = True
        self.close()

    def close(self) -> None:
        self.pid = helper_stopped(self.pid)
        if self.own is not None:  # never put in place (this process failed)
            self.own.close()
            self.own = None
        for handle in (self.part, self.added, self.mine):
            if not any(segment.file is handle for segment in self.segments):  # the sheet's now
                handle.close()


def _compressed_here(fill: Callable[[RowDeflater], None]) -> Deflated:
    """Rows that ``fill`` writes, compressed on a thread meanwhile; nothing left if it fails."""
    deflater = RowDeflater(tempfile.TemporaryFile("w+b"), threaded=True)  # noqa: SIM115 (the segment's)
    try:
        fill(deflater)
    except BaseException:
        deflater.abandon()
        raise
    return deflater.done()


def _write_all(target: RowDeflater, chunks: Iterable[str]) -> None:
    for chunk in chunks:
        target.write(chunk)


def _in_child(pending: Pending) -> Pending:
    """``pending``'s rows being rendered by a forked child and here (see :class:`Pending`); with
    no process to be had (a limit), the child's rows are rendered here, at finish."""
    pending.pid = fork_helper(pending.child)
    try:
        pending.render_here()
    except BaseException:  # interrupted or failed here: the child's work is of no use
        pending.abandon()
        raise
    return pending


class Forked:
    """A function's result (JSON) computed by a forked child while this process goes on; by
    this process when asked for, if no child could be had or the child failed."""

    def __init__(self, work: Callable[[], Any], fork: bool) -> None:
        self.work = work
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by result)
        self.pid = fork_helper(self._child) if fork and forkable() else -1

    def _child(self) -> None:
        json.dump(self.work(), self.file, ensure_ascii=False)
        self.file.flush()

    def result(self) -> Any:
        try:
            pid, self.pid = self.pid, -1
            if helper_done(pid):
                self.file.seek(0)
                return json.load(self.file)
            return self.work()
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Stop the child (this process failed or was interrupted) and let go of its file."""
        self.pid = helper_stopped(self.pid)
        self.file.close()


def _distinct(table: Any, state: tuple[int, int] | None = None) -> int | None:
    """How many distinct shared strings the table holds (now, or in ``state``)."""
    if table is None:
        return None
    return state[0] if state is not None else int(table.unique_count)


def _strings_state(table: Any) -> tuple[int, int] | None:
    """How far the workbook's shared strings have got: (distinct, uses); None without a table."""
    if table is None:
        return None
    return int(table.unique_count), int(table.count)


def _strings_added(table: Any, at_fork: tuple[int, int] | None) -> dict[str, Any]:
    """The shared strings the child added (in their order) and the uses it counted."""
    if table is None or at_fork is None:
        return {"strings": [], "uses": 0}
    distinct, uses = at_fork
    return {"strings": list(itertools.islice(table.string_table, distinct, None)), "uses": table.count - uses}


def _take_strings(table: Any, added: dict[str, Any]) -> bool:
    """The child's strings into the workbook's table, numbered as the child numbered them."""
    if table is None:
        return not added["strings"]
    strings = added["strings"]
    if any(s in table.string_table for s in strings):
        return False
    distinct, uses = table.unique_count, table.count
    for index, text in enumerate(strings, start=distinct):
        if table._get_shared_string_index(text) != index:
            raise AssertionError("shared strings numbered out of order")
    table.count = uses + added["uses"]
    return True


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
