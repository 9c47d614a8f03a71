"""Write the county summary workbook (docs/summary.md): 汇总, 分单位, 趋势 (with an earlier period in
the history), 明细, 报送情况, 校验问题, 说明; every figure as the merge computed it.

Written with xlsxwriter into a temporary file renamed into place, with a fixed document time so
the bytes depend only on the inputs. Every text is written as text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..common import (
    KIND_SUMMARY,
    META_SHEET,
    atomic_output,
    gc_paused,
    private_temp,
    xl_col_to_name,
    xl_rowcol_to_cell,
)
from ..merge import MergeResult
from ..periods import summary_data
from ..spec import expr
from ..text import Lang, t
from . import fastrows
from .rows import Forked, Pending, RowOptions, write_rows
from .tables import Table, all_tables
from .xlsx import HEADER_FILL, RowHeights, add_note, new_workbook, number_format, row_height, text_width, write_value

PARTIAL_FILL = "#FCE4D6"  # light orange: a figure resting on fewer units than expected
HEADING_FILL = "#D9D9D9"  # grey: a group heading row (一、二…), as the templates show it
_TITLE_ROWS = 2  # title + subtitle above each table's header
# The rows of an Excel worksheet (its title and header rows included): a longer 明细 is split over
# sheets 明细1, 明细2 … (the tests lower it to split a small merge).
EXCEL_ROWS = 1_048_576
# 10-point text measured against 11-point column widths; between LibreOffice's narrower CJK
# glyphs (about 0.85) and Excel's 宋体 (about 0.95): rows a little tall rather than cut.
_FONT_SCALE = 0.9


def write_summary(
    result: MergeResult,
    path: str | Path,
    lang: Lang | None = None,
    *,
    parallel: bool = False,
    rows: RowOptions | None = None,
    record_history: bool = True,
) -> Path:
    """Write the summary workbook to ``path`` (atomically) in ``lang`` (default: the spec's).

    ``parallel`` renders a long 明细 in two processes (a fork, on Linux; the CLI turns it on);
    ``rows`` sets how rows are written (see :class:`~.rows.RowOptions`). The bytes are the same.
    A merge that records its period (``record_history``) records it here, with the summary;
    ``record_history=False`` leaves that to the caller (``result.record_history()``), who puts
    other outputs in place with the summary.
    """
    lang = lang or result.spec.lang
    options = rows or RowOptions()
    if parallel != options.parallel:
        options = dataclasses.replace(options, parallel=parallel)
    path = Path(path)
    try:
        # The history's record of this period (merge_returns(record_history=True)) is committed
        # when the summary is complete, just before it takes its place: both change, or neither.
        with (
            gc_paused(),
            atomic_output(path, ready=result.record_history if record_history else None) as tmp,
            private_temp("xlsx") as rows_dir,
        ):
            try:
                _write(result, tmp, lang, options, rows_dir)
            except BaseException:
                # The history's rows (made in the temporary folder) let go of before the free
                # space left is measured, as the summary's own part is.
                result.abandon_history()
                raise
    except BaseException:
        result.abandon_history()
        raise
    return path


def _write(result: MergeResult, path: str, lang: Lang, options: RowOptions, rows_dir: Path) -> None:
    # Rows are written strictly in order, so xlsxwriter can flush each one: memory stays flat.
    book = new_workbook(path, KIND_SUMMARY, constant_memory=True, tmpdir=rows_dir)
    book.parallel_zip = options.parallel  # 明细's XML compressed on two threads
    # 明细's rows are rendered by a forked child (``options.parallel``) while this process writes
    # the sheets after it, the hidden data and the history's rows (a thread, started once the
    # last fork is made: a process with threads is not forked); they are put in place last.
    later: list[Pending] = []
    # The hidden data (the period's values, packed) is made by another child meanwhile.
    data = Forked(lambda: _data_rows(result), options.worth_a_fork(len(result.records)))
    try:
        fmts = _Formats(book)
        tables = list(all_tables(result, lang, EXCEL_ROWS, _TITLE_ROWS + 1))
        last_detail = max((i for i, table in enumerate(tables) if table.key == "detail"), default=-1)
        for i, table in enumerate(tables):
            sheet = book.add_worksheet(table.title)
            if table.key == "about":
                _write_about(sheet, table, fmts, result)
            else:
                _write_table(book, sheet, table, fmts, result, lang, options, later)
            if i == last_detail:
                result.start_history()
        _write_data(book, [(str(key), str(value)) for key, value in data.result()])
        result.start_history()
        for pending in later:
            pending.finish()
    except BaseException:
        data.abandon()
        for pending in later:
            pending.abandon()
        _discard(book)
        raise
    book.close()


def _discard(book: Any) -> None:
    """A workbook abandoned half-written: its sheets' temporary row files closed and removed."""
    book.discard_deflated()
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
        self._cache: dict[tuple[str, bool, bool, bool], Any] = {}
        self.base = base
        self.red = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.green = book.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
        self.yellow = book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})

    def cell(self, kind: str, bold: bool = False, partial: bool = False, heading: bool = False) -> Any:
        key = (kind, bold, partial, heading)
        if key not in self._cache:
            props: dict[str, Any] = {**self.base, "bold": bold or heading}
            if heading:
                props["bg_color"] = HEADING_FILL
            if partial:
                props.update(bg_color=PARTIAL_FILL, italic=True)
            if kind == "text":
                props["text_wrap"] = True
            if kind == "datetime":
                props["num_format"] = "yyyy-mm-dd hh:mm"
            elif number_format(kind):
                props["num_format"] = number_format(kind)
            self._cache[key] = self.book.add_format(props)
        return self._cache[key]


def _write_table(
    book: Any,
    sheet: Any,
    table: Table,
    fmts: _Formats,
    result: MergeResult,
    lang: Lang,
    options: RowOptions,
    later: list[Pending] | None = None,
) -> None:
    """A table's sheet: title, headers, rows, totals, notes, filters and formats. ``later``: its
    rows may be left to a forked child, to be put in place before the workbook is closed
    (:func:`~.rows.write_rows`); not when a totals row is to be written below them."""
    spec = result.spec
    ncols = len(table.columns)
    sheet.write_string(0, 0, f"{spec.report.title} — {table.title}", fmts.title)
    as_of = result.data_as_of
    subtitle = t("labelled", lang, label=t("period", lang), value=spec.report.period)
    if as_of is not None:
        subtitle += "    " + t("labelled", lang, label=t("about.made", lang), value=f"{as_of:%Y-%m-%d %H:%M}")
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
    shared = [column.repeats for column in table.columns]

    # A figure resting on fewer units than expected: shaded, with a note naming those left out;
    # a total left empty (unlike units of measure) says why.
    marks: dict[int, dict[int, Any]] = {}
    for r in table.headings:  # a group's heading row (一、二…), with its subtotals: grey and bold
        marks[r] = {c: fmts.cell(column.kind, heading=True) for c, column in enumerate(table.columns)}
    for (r, key), note in table.notes.items():
        c = col_of[key]
        if note.partial:
            marks.setdefault(r, {})[c] = fmts.cell(table.columns[c].kind, partial=True, heading=r in table.headings)
    # Numbered before the rows (the columns' formats first, as the fast writer does), so that
    # both row writers number the formats alike.
    if marks:
        for fmt in [*cell_fmts, *(f for row_marks in marks.values() for f in row_marks.values())]:
            fmt._get_xf_index()
    own: dict[int, set[int]] = {}
    for r, key in table.own:
        own.setdefault(r, set()).add(col_of[key])
    for r in table.headings:  # subtotals are values: a formula of the cells beside is the group's own
        own[r] = set(range(ncols))
    # The totals add the items' rows, not the group headings' subtotals between them.
    spans = _item_spans(len(table.rows), table.headings)

    def with_formulas(row: list[Any], row0: int) -> list[Any]:
        r = row0 - first0
        row = _with_formulas(row, row0, live, col_of, own.get(r, set())) if live else row
        if r in marks:
            row = list(row)
            for c, fmt in marks[r].items():
                row[c] = fastrows.Styled(row[c], fmt)
        return row

    write_rows(
        sheet,
        first0,
        table.rows,
        heights,
        cell_fmts,
        shared,
        options,
        with_formulas if live or marks else None,
        later if table.totals is None else None,
    )
    last0 = first0 + len(table.rows) - 1
    if table.totals is not None and table.rows:
        total0 = last0 + 1
        end = len(table.rows)
        for c, (column, value) in enumerate(zip(table.columns, table.totals, strict=True)):
            partial = table.notes.get((end, column.key))
            fmt = fmts.cell(column.kind, bold=True, partial=partial is not None and partial.partial)
            formula = formulas.get(column.key)
            if column.total and (value is None or (end, column.key) in table.own):
                # No formula for a total left empty, or computed over complete pairs: a formula
                # over the cells above would give another number than the one shown.
                write_value(sheet, total0, c, value, fmt)
            elif column.total == "sum":
                letter = xl_col_to_name(c)
                ranges = ",".join(f"{letter}{first0 + a + 1}:{letter}{first0 + b + 1}" for a, b in spans)
                sheet.write_formula(total0, c, f"=SUM({ranges})", fmt, "" if value is None else value)
            elif column.total == "formula" and formula is not None and formula.names <= col_of.keys():
                refs = {name: xl_rowcol_to_cell(total0, col_of[name]) for name in formula.names}
                sheet.write_formula(total0, c, expr.excel_formula(formula, refs), fmt, "" if value is None else value)
            else:
                write_value(sheet, total0, c, value, fmts.total_label if isinstance(value, str) else fmt)
    for (r, key), note in table.notes.items():
        add_note(sheet, first0 + r, col_of[key], note.text)
    sheet.freeze_panes(first0, 0)
    sheet.autofilter(header0, 0, max(last0, header0), ncols - 1)
    _conditional(sheet, table, fmts, first0, last0)
    if table.key == "summary" and table.rows:
        _chart(book, sheet, table, result, first0, last0, lang)
    if table.key == "trend" and table.rows:
        _trend_charts(book, sheet, table, first0, last0, lang)
    # Title and subtitle repeat with the header, so every printed page says which report and
    # sheet it belongs to; one page wide so no column is ever split onto another page.
    sheet.repeat_rows(0, header0)
    _print_setup(sheet)


def _item_spans(count: int, headings: set[int]) -> list[tuple[int, int]]:
    """The runs of rows (first, last, 0-based from the first row) that are not group headings."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for r in range(count):
        if r in headings:
            if start is not None:
                spans.append((start, r - 1))
            start = None
        elif start is None:
            start = r
    if start is not None:
        spans.append((start, count - 1))
    return spans or [(0, max(count - 1, 0))]


def _with_formulas(
    row: list[Any], row0: int, live: dict[int, expr.Expression], col_of: dict[str, int], own: set[int]
) -> list[Any]:
    row = list(row)
    for c, formula in live.items():
        if c in own:
            continue  # computed over complete pairs: the value, not the formula of the cells beside
        refs = {name: xl_rowcol_to_cell(row0, col_of[name]) for name in formula.names}
        row[c] = fastrows.Formula(expr.excel_formula(formula, refs), "" if row[c] is None else row[c])
    return row


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


def chart_columns(table: Table, result: MergeResult) -> tuple[int, int] | None:
    """(the label column, the value column) of 各事项完成情况: the completion rate (the spec's
    computed percent field, never 环比), else the first summed field; the item's task names the bars."""
    roles = result.spec.roles
    rate = roles.rate
    target = next((i for i, c in enumerate(table.columns) if rate is not None and c.key == rate.id), None)
    if target is None:
        target = next((i for i, c in enumerate(table.columns) if c.total == "sum" and c.field is not None), None)
    if target is None:
        return None
    task = roles.text
    label = next((i for i, c in enumerate(table.columns) if task is not None and c.key == task.id), None)
    if label is None:
        label = next((i for i, c in enumerate(table.columns) if c.kind == "text"), 0)
    return label, target


def _chart(book: Any, sheet: Any, table: Table, result: MergeResult, first0: int, last0: int, lang: Lang) -> None:
    """Completion by item, one bar per row of 汇总."""
    found = chart_columns(table, result)
    if found is None:
        return
    label, target = found
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


def _trend_charts(book: Any, sheet: Any, table: Table, first0: int, last0: int, lang: Lang) -> None:
    """A line chart per numeric field of 趋势: one line per item, periods along the axis."""
    period = next(i for i, c in enumerate(table.columns) if c.key == "period")
    item = next(i for i, c in enumerate(table.columns) if c.key == "item")
    label = next((i for i, c in enumerate(table.columns) if c.key == table.series_name), item)
    spans: list[tuple[int, int]] = []  # each item's rows (0-based, inclusive)
    start = first0
    for offset in range(1, len(table.rows) + 1):
        if offset == len(table.rows) or table.rows[offset][item] != table.rows[offset - 1][item]:
            spans.append((start, first0 + offset - 1))
            start = first0 + offset
    name = table.title
    top = last0 + 3
    for c, column in enumerate(table.columns):
        if column.field is None or column.repeats or column.kind not in ("integer", "number", "percent"):
            continue
        chart = book.add_chart({"type": "line"})
        for first, last in spans:
            chart.add_series(
                {
                    "name": [name, first, label],
                    "categories": [name, first, period, last, period],
                    "values": [name, first, c, last, c],
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": t("chart.trend", lang, label=column.title)})
        if column.kind == "percent":
            chart.set_y_axis({"num_format": "0%", "min": 0})
        chart.set_size({"width": 720, "height": 320})
        sheet.insert_chart(top, 0, chart)
        top += 17


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


def _data_rows(result: MergeResult) -> list[tuple[str, str]]:
    """What the hidden ``_consolidate`` sheet holds: the period's values and totals, for ``history import``."""
    hashes = {i.name: i.sha256 for i in result.inputs}
    return summary_data(result.spec, result.records, result.returns, hashes, result.summary)


def _write_data(book: Any, rows: list[tuple[str, str]]) -> None:
    """The hidden ``_consolidate`` sheet (see :func:`_data_rows`)."""
    sheet = book.add_worksheet(META_SHEET)
    for r, (key, value) in enumerate(rows):
        sheet.write_string(r, 0, key)
        sheet.write_string(r, 1, value)
    sheet.very_hidden()


def _print_setup(sheet: Any) -> None:
    """A4 landscape, as wide as one page, as many pages tall as needed, page numbers at the foot."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C&P / &N")
