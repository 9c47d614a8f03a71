"""Write the county summary workbook (SPEC §6) and its JSON twin.

Written with xlsxwriter into a temporary file renamed into place, with a fixed document time so
the bytes depend only on the inputs. Every text is written as text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from . import expr, fastrows
from .i18n import Lang, t
from .merge import MergeResult
from .tables_out import Column, LazyRows, Table, all_tables
from .xlsx import (
    HEADER_FILL,
    NUMBER_FORMATS,
    RowHeights,
    atomic_output,
    new_workbook,
    row_height,
    text_width,
    write_value,
    xl_col_to_name,
    xl_rowcol_to_cell,
)

_TITLE_ROWS = 2  # title + subtitle above each table's header
# 10-point text measured against 11-point column widths; between LibreOffice's narrower CJK
# glyphs (about 0.85) and Excel's 宋体 (about 0.95): rows a little tall rather than cut.
_FONT_SCALE = 0.9
# Tests set this to write every row through xlsxwriter's cell methods, to compare the bytes.
_API_ROWS = False
# Off in tests that compare bytes with xlsxwriter's cell methods (which write inline strings).
_SHARED_STRINGS = True
# A table this long (明细 of about 500 returns) is rendered by two processes.
SPLIT_FROM = 20_000
_SPLIT_READ = 1 << 20  # characters of the child's rows read at a time


def write_summary(result: MergeResult, path: str | Path, lang: Lang | None = None) -> Path:
    lang = lang or result.spec.lang
    path = Path(path)
    with atomic_output(path) as tmp:
        _write(result, tmp, lang)
    return path


def _write(result: MergeResult, path: str, lang: Lang) -> None:
    # Rows are written strictly in order, so xlsxwriter can flush each one: memory stays flat.
    book = new_workbook(path, constant_memory=True)
    try:
        fmts = _Formats(book)
        for table in all_tables(result, lang):
            sheet = book.add_worksheet(table.title)
            if table.key == "about":
                _write_about(sheet, table, fmts, result)
                continue
            _write_table(book, sheet, table, fmts, result, lang)
    except BaseException:
        _discard(book)
        raise
    book.close()


def _discard(book: Any) -> None:
    """A workbook abandoned half-written: its sheets' temporary row files closed and removed."""
    for sheet in book.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()
        name = getattr(sheet, "row_data_filename", None)
        if name and os.path.exists(name):
            os.unlink(name)


class _Formats:
    def __init__(self, book: Any) -> None:
        base = {"font_size": 10, "valign": "top", "border": 1}
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.subtitle = book.add_format({"font_size": 10, "font_color": "#595959"})
        self.header = book.add_format(
            {**base, "bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "align": "center", "valign": "vcenter"}
        )
        self.total_label = book.add_format({**base, "bold": True})
        self._cache: dict[tuple[str, bool], Any] = {}
        self.base = base
        self.red = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.green = book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
        self.yellow = book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})

    def cell(self, kind: str, bold: bool = False) -> Any:
        key = (kind, bold)
        if key not in self._cache:
            props: dict[str, Any] = {**self.base, "bold": bold}
            if kind == "text":
                props["text_wrap"] = True
            if kind == "datetime":
                props["num_format"] = "yyyy-mm-dd hh:mm"
            elif kind in NUMBER_FORMATS:
                props["num_format"] = NUMBER_FORMATS[kind]
            self._cache[key] = self.book.add_format(props)
        return self._cache[key]


def _write_table(book: Any, sheet: Any, table: Table, fmts: _Formats, result: MergeResult, lang: Lang) -> None:
    spec = result.spec
    ncols = len(table.columns)
    sheet.write_string(0, 0, f"{spec.report.title} — {table.title}", fmts.title)
    as_of = result.data_as_of
    subtitle = f"{t('period', lang)}：{spec.report.period}"
    if as_of is not None:
        subtitle += f"    {t('about.made', lang)}：{as_of:%Y-%m-%d %H:%M}"
    sheet.write_string(1, 0, subtitle, fmts.subtitle)
    header0 = _TITLE_ROWS
    for c, column in enumerate(table.columns):
        sheet.write_string(header0, c, column.title, fmts.header)
    col_of = {c.key: i for i, c in enumerate(table.columns)}
    formulas = {k: expr.parse(v) for k, v in table.formula_columns.items()}
    widths = _widths(sheet, table)
    sheet.set_row(header0, row_height([(c.title, w) for c, w in zip(table.columns, widths, strict=True)]))
    first0 = header0 + 1
    # Per column, decided once: its format, and its formula when the formula's inputs are columns.
    cell_fmts = [fmts.cell(column.kind) for column in table.columns]
    live = {
        c: formulas[column.key]
        for c, column in enumerate(table.columns)
        if column.key in formulas and formulas[column.key].names <= col_of.keys()
    }
    # One pass over the rows (明细 may be read back from disk): heights are taken from each row
    # before its formulas replace values.
    heights = RowHeights(widths, scale=_FONT_SCALE)
    rows: Iterable[tuple[list[Any], float | None]] = ((row, heights(row)) for row in table.rows)
    if live:
        rows = ((_with_formulas(row, first0 + r, live, col_of), h) for r, (row, h) in enumerate(rows))
    shared = [column.repeats and _SHARED_STRINGS and not _API_ROWS for column in table.columns]
    if isinstance(table.rows, LazyRows) and not live and _can_split(sheet, len(table.rows)):
        _write_split(fastrows.RowWriter(sheet, cell_fmts, shared), first0, table.rows, heights)
    elif fastrows.supported(sheet) and not _API_ROWS:
        fastrows.RowWriter(sheet, cell_fmts, shared).write(first0, rows)
    else:
        _write_rows_api(sheet, first0, rows, cell_fmts)
    last0 = first0 + len(table.rows) - 1
    if table.totals is not None and table.rows:
        total0 = last0 + 1
        for c, (column, value) in enumerate(zip(table.columns, table.totals, strict=True)):
            fmt = fmts.cell(column.kind, bold=True)
            formula = formulas.get(column.key)
            if column.total == "sum":
                letter = xl_col_to_name(c)
                sheet.write_formula(
                    total0, c, f"=SUM({letter}{first0 + 1}:{letter}{last0 + 1})", fmt, "" if value is None else value
                )
            elif column.total == "formula" and formula is not None and formula.names <= col_of.keys():
                refs = {name: xl_rowcol_to_cell(total0, col_of[name]) for name in formula.names}
                sheet.write_formula(total0, c, expr.excel_formula(formula, refs), fmt, "" if value is None else value)
            else:
                write_value(sheet, total0, c, value, fmts.total_label if isinstance(value, str) else fmt)
    sheet.freeze_panes(first0, 0)
    sheet.autofilter(header0, 0, max(last0, header0), ncols - 1)
    _conditional(sheet, table, fmts, first0, last0)
    if table.key == "summary" and table.rows:
        _chart(book, sheet, table, first0, last0, lang)
    # Title and subtitle repeat with the header, so every printed page says which report and
    # sheet it belongs to; one page wide so no column is ever split onto another page.
    sheet.repeat_rows(0, header0)
    _print_setup(sheet)


def _can_split(sheet: Any, count: int) -> bool:
    """Whether a long table's rows can be rendered by two processes (a fork, on Linux)."""
    return (
        count >= SPLIT_FROM
        and not _API_ROWS
        and fastrows.supported(sheet)
        and hasattr(os, "fork")
        and sys.platform == "linux"
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1  # forking a process with threads can deadlock the child
    )


def _write_split(writer: fastrows.RowWriter, first0: int, rows: LazyRows, heights: RowHeights) -> None:
    """The second half of ``rows`` rendered by a forked child while this process renders the first.

    The child writes its XML into a temporary file, which is then copied after the first half:
    the bytes are the same as from one process. Without a child (fork failed), or when it fails,
    its half is rendered here.
    """
    count = len(rows)
    half = count // 2
    writer.start(first0)
    out = writer.sheet.row_data_fh

    def rendered(start: int, stop: int, deferred: bool = False) -> Iterator[tuple[str, int]]:
        return writer.render(first0 + start, ((row, heights(row)) for row in rows.make(start, stop)), deferred)

    def write_here(start: int, stop: int) -> None:
        for chunk, _ in rendered(start, stop):
            out.write(chunk)

    with tempfile.TemporaryFile("w+", encoding="utf-8") as part:
        try:
            pid = os.fork()
        except OSError:  # no process to be had (a limit): all rows here
            pid = -1
        if pid == 0:  # the child: render, write, leave without running any of the parent's exit code
            code = 1
            try:
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
            while data := part.read(_SPLIT_READ):
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


def _with_formulas(row: list[Any], row0: int, live: dict[int, expr.Expression], col_of: dict[str, int]) -> list[Any]:
    row = list(row)
    for c, formula in live.items():
        refs = {name: xl_rowcol_to_cell(row0, col_of[name]) for name in formula.names}
        row[c] = fastrows.Formula(expr.excel_formula(formula, refs), "" if row[c] is None else row[c])
    return row


def _write_rows_api(
    sheet: Any, first0: int, rows: Iterable[tuple[list[Any], float | None]], cell_fmts: list[Any]
) -> None:
    """The same rows through xlsxwriter's cell methods (when its row stream is not reachable)."""
    for row0, (row, height) in enumerate(rows, start=first0):
        if height is not None:
            sheet.set_row(row0, height)
        for c, value in enumerate(row):
            if isinstance(value, fastrows.Formula):
                sheet.write_formula(row0, c, value.text, cell_fmts[c], value.value)
            else:
                write_value(sheet, row0, c, value, cell_fmts[c])


def _widths(sheet: Any, table: Table) -> list[float]:
    widths: list[float] = []
    sample = table.rows[:500]
    for c, column in enumerate(table.columns):
        longest = text_width(column.title)
        for row in sample:
            value = row[c]
            if isinstance(value, str):
                longest = max(longest, max((text_width(line) for line in value.split("\n")), default=0))
            elif isinstance(value, int | float):
                longest = max(longest, len(f"{value:,.2f}"))
            elif isinstance(value, dt.datetime):
                longest = max(longest, 16)
        # Joined progress reports get the room; an item's own text wraps in a narrower column.
        how = column.field.effective_aggregate if column.field is not None else ""
        cap = 20 if column.kind != "text" else (80 if how == "join" else (36 if how == "first" else 60))
        widths.append(float(min(max(longest + 2, 8), cap)))
        sheet.set_column(c, c, widths[-1])
    return widths


def _conditional(sheet: Any, table: Table, fmts: _Formats, first0: int, last0: int) -> None:
    if not table.rows:
        return
    for c, column in enumerate(table.columns):
        f = column.field
        if f is not None and f.effective_aggregate == "worst" and f.worst_order and not f.formula:
            order = f.worst_order
            sheet.conditional_format(
                first0, c, last0, c, {"type": "cell", "criteria": "==", "value": f'"{order[0]}"', "format": fmts.red}
            )
            if len(order) > 1:
                sheet.conditional_format(
                    first0,
                    c,
                    last0,
                    c,
                    {"type": "cell", "criteria": "==", "value": f'"{order[-1]}"', "format": fmts.green},
                )
        if column.kind == "percent":
            sheet.conditional_format(
                first0,
                c,
                last0,
                c,
                {
                    "type": "data_bar",
                    "bar_color": "#63BE7B",
                    "min_type": "num",
                    "min_value": 0,
                    "max_type": "num",
                    "max_value": 1,
                },
            )
        if table.key == "issues" and column.key == "level":
            sheet.conditional_format(
                first0,
                c,
                last0,
                c,
                {"type": "text", "criteria": "begins with", "value": t("level.error", "zh"), "format": fmts.red},
            )
            sheet.conditional_format(
                first0, c, last0, c, {"type": "text", "criteria": "begins with", "value": "error", "format": fmts.red}
            )
        if table.key == "submissions" and column.key == "status":
            for key, fmt in (
                ("status.missing", fmts.red),
                ("status.unreadable", fmts.red),
                ("status.duplicate", fmts.yellow),
            ):
                for lg in ("zh", "en"):
                    sheet.conditional_format(
                        first0,
                        c,
                        last0,
                        c,
                        {"type": "cell", "criteria": "==", "value": f'"{t(key, lg)}"', "format": fmt},
                    )


def _chart(book: Any, sheet: Any, table: Table, first0: int, last0: int, lang: Lang) -> None:
    """Completion by item: the first computed percent column, else the first summed column."""
    target = next((i for i, c in enumerate(table.columns) if c.kind == "percent" and c.total == "formula"), None)
    if target is None:
        target = next((i for i, c in enumerate(table.columns) if c.total == "sum" and c.field is not None), None)
    if target is None:
        return
    label = next((i for i, c in enumerate(table.columns) if c.kind == "text"), 0)
    name = table.title
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": table.columns[target].title,
            "categories": [name, first0, label, last0, label],
            "values": [name, first0, target, last0, target],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": t("chart.title", lang)})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    if table.columns[target].kind == "percent":
        chart.set_x_axis({"num_format": "0%", "min": 0})
    # Taller than a printed A4 landscape page (under its repeated header rows) it would be cut
    # across pages; at most 500 px it prints whole on the page after the table.
    chart.set_size({"width": 720, "height": min(max(240, 28 * (last0 - first0 + 1) + 80), 500)})
    sheet.insert_chart(last0 + 3, 0, chart)
    # The chart starts a printed page of its own rather than being cut by a page break (the
    # break goes a row above it: a frame starting exactly on the break leaves a line behind).
    sheet.set_h_pagebreaks([last0 + 2])


def _write_about(sheet: Any, table: Table, fmts: _Formats, result: MergeResult) -> None:
    sheet.write_string(0, 0, result.spec.report.title, fmts.title)
    for r, (key, value) in enumerate(table.rows, start=2):
        sheet.write_string(r, 0, str(key), fmts.total_label if key else fmts.subtitle)
        if isinstance(value, dt.datetime):
            write_value(sheet, r, 1, value, fmts.cell("datetime"))
        else:
            write_value(sheet, r, 1, value)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 80)
    _print_setup(sheet)


def _print_setup(sheet: Any) -> None:
    """A4 landscape, as wide as one page, as many pages tall as needed, page numbers at the foot."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C&P / &N")


# ---------------------------------------------------------------------------------------------
# JSON


def summary_json(result: MergeResult, lang: Lang | None = None) -> dict[str, Any]:
    lang = lang or result.spec.lang
    out: dict[str, Any] = {"exit_code": result.exit_code}
    for table in all_tables(result, lang):
        keys = [c.key for c in table.columns]
        if table.key == "about":
            out[table.key] = [{"key": r[0], "value": _json(r[1])} for r in table.rows]
            continue
        out[table.key] = {
            "title": table.title,
            "columns": [{"key": c.key, "title": c.title} for c in table.columns],
            "rows": [{k: _json(v) for k, v in zip(keys, row, strict=True)} for row in table.rows],
        }
        if table.totals is not None:
            out[table.key]["totals"] = {k: _json(v) for k, v in zip(keys, table.totals, strict=True)}
    out["issues_raw"] = [i.as_dict(lang) for i in result.issues]
    return out


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def write_json(result: MergeResult, path: str | Path, lang: Lang | None = None) -> Path:
    path = Path(path)
    text = json.dumps(summary_json(result, lang), ensure_ascii=False, indent=2)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text + "\n", encoding="utf-8")
    return path


__all__ = ["Column", "summary_json", "write_json", "write_summary"]
