"""Write one pre-filled, locked and validated return template (.xlsx) per unit (docs/templates.md)."""

from __future__ import annotations

import dataclasses
import functools
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import (
    KIND_FORM,
    META_SHEET,
    atomic_output,
    number_text,
    staged_folder,
    text_mark,
    unique_filenames,
    xl_col_to_name,
    xl_rowcol_to_cell,
)
from ..fields import FieldType
from ..merge import ordered_map
from ..merge.origin import spec_file_hint
from ..periods import AS_OF
from ..spec import FORMAT_VERSION, FieldSpec, Spec, UnitSpec, expr, pack_spec, spec_from_json
from ..text import Lang, t
from .fastbook import Alike, placeholder, template_book, texts_pattern
from .xlsx import (
    HEADER_FILL,
    INPUT_FILL,
    LOCKED_FILL,
    RowHeights,
    column_width,
    fixed_time,
    new_workbook,
    row_height,
    write_value,
)

HEADER_ROW = 5  # 1-based row of the header in the data sheet
_JSON_CHUNK = 30000  # a cell holds at most 32,767 characters


@dataclass(frozen=True)
class Layout:
    """Where things are in a unit's data sheet (1-based rows, 0-based columns)."""

    header_row: int
    first_data_row: int
    columns: dict[str, int]  # field id -> column index
    rows: list[tuple[int, str]]  # (row, item id); empty for open rows
    previous: dict[str, int] = dataclasses.field(default_factory=dict)  # cumulative field id -> its locked 上期 column
    groups: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (row, heading) above items


def layout_for(spec: Spec, unit_code: str, with_previous: bool = False) -> Layout:
    """``with_previous``: a locked 上期 column before each cumulative field (a period with history)."""
    columns: dict[str, int] = {}
    previous: dict[str, int] = {}
    for f in spec.fields:
        if with_previous and f.cumulative:
            previous[f.id] = len(columns) + len(previous)
        columns[f.id] = len(columns) + len(previous)
    first = HEADER_ROW + 1
    if spec.rows == "open":
        return Layout(HEADER_ROW, first, columns, [], previous)
    rows: list[tuple[int, str]] = []
    groups: list[tuple[int, str]] = []
    row, group = first, ""
    for item in spec.items_for(unit_code):
        if item.group and item.group != group:
            groups.append((row, item.group))  # a heading row, as in the clerk's own table
            row += 1
        group = item.group
        rows.append((row, item.id))
        row += 1
    return Layout(HEADER_ROW, first, columns, rows, previous, groups)


Previous = Mapping[tuple[str, str], Any]  # (item id, field id) -> the unit's last accepted value


def template_filename(spec: Spec, unit: UnitSpec) -> str:
    """``<period>_<title>_<unit name>.xlsx`` (``2020-08_2020年民生实事工作8月份进展情况_兰山区.xlsx``):
    two periods' templates never share a name, even when the title names no period.
    ``_<unit code>`` is added when another unit's name would give the same file name (on any
    system: ``a/b``, ``a:b`` and ``a_b`` all give ``a_b``)."""
    return _names(spec)[unit.code]


def template_filenames(spec: Spec) -> dict[str, str]:
    """unit code → its template's file name, one for each unit of the spec."""
    return dict(_names(spec))


_last_names: tuple[Spec, dict[str, str]] | None = None


def _names(spec: Spec) -> dict[str, str]:
    # Asked once per unit (send, remind): the unit list is not gone through again each time.
    global _last_names
    if _last_names is None or _last_names[0] is not spec:
        report = spec.report
        _last_names = (spec, _unique_names(report.period, report.title, tuple((u.code, u.name) for u in spec.units)))
    return _last_names[1]


@functools.lru_cache(maxsize=8)
def _unique_names(period: str, title: str, units: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return unique_filenames([(code, f"{period}_{title}_{name}", code) for code, name in units], ".xlsx")


def write_templates(
    spec: Spec,
    out_dir: str | Path,
    units: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    previous: Mapping[str, Previous] | None = None,
) -> list[Path]:
    """Write a template per unit (or for the given unit codes) into ``out_dir``.

    Many templates are written by a process pool (one worker per core); each file's bytes
    depend only on the spec and the unit. ``previous`` (unit code → its last accepted values,
    from the history) adds the locked 上期 columns and fills the ``prefill: last`` fields.
    """
    out = Path(out_dir)
    names = template_filenames(spec)
    asked = None if units is None else set(units)  # 50,000 codes asked for: looked up, not searched
    wanted = [(u.code, names[u.code]) for u in spec.units if asked is None or u.code in asked]
    earlier = None if previous is None else {code: dict(previous.get(code, {})) for code, _ in wanted}
    # All or none: written into a folder of ours inside ``out``, moved in when every one is done.
    with staged_folder(out, len(wanted)) as stage:
        jobs = [(code, stage / name) for code, name in wanted]
        initargs = (spec.to_json(), earlier, spec_file_hint(spec, out))
        for code in ordered_map(_write_job, jobs, workers=workers, initializer=_init_worker, initargs=initargs):
            if progress:
                progress(code)
    return [out / name for _, name in wanted]


_worker_spec: Spec | None = None
_worker_previous: dict[str, dict[tuple[str, str], Any]] | None = None
_worker_spec_file = ("", "")


def _init_worker(
    spec_json: str, previous: dict[str, dict[tuple[str, str], Any]] | None = None, spec_file: tuple[str, str] = ("", "")
) -> None:
    global _worker_spec, _worker_previous, _worker_spec_file
    _worker_spec = spec_from_json(spec_json)
    _worker_previous = previous
    _worker_spec_file = spec_file


def _write_job(job: tuple[str, Path]) -> str:
    assert _worker_spec is not None
    code, path = job
    earlier = None if _worker_previous is None else _worker_previous.get(code, {})
    _write_alike(_worker_spec, _worker_spec.unit_map[code], path, earlier, _worker_spec_file)
    return code


# Templates alike but for the unit's own texts, in this process: see fastbook.Alike.
_alikes: dict[Any, Alike | None] = {}
_ALIKES_KEPT = 64
_UNALIKE_ENOUGH = 8  # this many units in a row alike to none before: the rest are written directly
_unalike: list[Any] = ["", 0]  # (the report, how many units in a row were alike to none before)


def _write_alike(spec: Spec, unit: UnitSpec, path: Path, previous: Previous | None, spec_file: tuple[str, str]) -> None:
    """Write ``unit``'s template, from the template of an alike unit when there is one: the
    same bytes as :func:`write_template` (``tests/test_template_speed.py``)."""
    values, pattern = texts_pattern([unit.name, unit.code, unit.contact, unit.phone])
    key = (spec.sha256, spec_file, fixed_time(), pattern, _alike_key(spec, unit.code, previous))
    alike = _alikes.get(key)
    if key not in _alikes:
        if _unalike[0] == spec.sha256 and _unalike[1] >= _UNALIKE_ENOUGH:
            # Each unit of this report its own (targets of its own): no template from another.
            write_template(spec, unit, path, previous=previous, spec_file=spec_file)
            return
        if len(_alikes) >= _ALIKES_KEPT:
            _alikes.clear()
        alike = _alikes[key] = _reference(spec, unit, pattern, previous, spec_file)
        _unalike[:] = [spec.sha256, (_unalike[1] + 1 if _unalike[0] == spec.sha256 else 1)]
    else:
        _unalike[:] = [spec.sha256, 0]
    data = alike.bytes_for(values) if alike is not None else None
    if data is None:
        write_template(spec, unit, path, previous=previous, spec_file=spec_file)
        return
    with atomic_output(Path(path)) as tmp:
        Path(tmp).write_bytes(data)


def _alike_key(spec: Spec, unit_code: str, previous: Previous | None) -> Any:
    """What a unit's template is made of besides its own texts: its items and their values, its 上期."""
    items = tuple((item.id, tuple(sorted(item.values_for(unit_code).items()))) for item in spec.items_for(unit_code))
    earlier = None if previous is None else tuple(sorted(previous.items()))
    return repr((items, earlier))


def _reference(
    spec: Spec, unit: UnitSpec, pattern: tuple[Any, ...], previous: Previous | None, spec_file: tuple[str, str]
) -> Alike | None:
    """The template of ``unit`` with placeholders for its non-empty own texts, kept as parts."""
    texts = {
        role: "" if at == "" else placeholder(at)
        for role, at in zip(("name", "code", "contact", "phone"), pattern, strict=True)
    }
    shown = unit.model_copy(update=texts)
    buffer = io.BytesIO()
    book = _write(spec, unit, buffer, None, previous, spec_file, shown=shown)
    if book.parts is None or book.strings_written is None:
        return None
    return Alike(book.parts, book.strings_written, buffer.getvalue(), len({p for p in pattern if p != ""}))


@dataclass
class Refill:
    """What a unit sent, written back into a fresh copy of its template (the feedback file)."""

    values: dict[tuple[str, str], Any]  # (row key, field id) -> the value as the unit typed it
    typed: dict[str, dict[str, Any]]  # row key -> typed values, for the formulas' cached results
    problems: dict[tuple[str, str], str]  # (row key, field id) -> comment on the highlighted cell
    contact: str = ""
    phone: str = ""
    front: Callable[[Any], None] | None = None  # writes the sheets that come before 填报


PROBLEM_FILL = "#FFC7CE"


def row_key(spec: Spec, item_id: str | None, index: int) -> str:
    """How a data row is named across a return and its template: item id, or position in open lists."""
    return item_id if spec.rows == "fixed" and item_id is not None else str(index)


def write_template(
    spec: Spec,
    unit: UnitSpec,
    path: str | Path,
    refill: Refill | None = None,
    previous: Previous | None = None,
    spec_file: tuple[str, str] | None = None,
) -> None:
    """Write one template atomically (temp file + rename); with ``refill``, a feedback copy;
    with ``previous`` (the unit's last accepted values), 上期 columns and ``prefill: last``.
    ``spec_file``: where the spec file is, as the template records it (see
    :func:`~consolidate.merge.origin.spec_file_hint`; default: worked out from ``spec.path``), so
    that a merge without ``-s`` finds the file."""
    hint = spec_file_hint(spec, Path(path).parent) if spec_file is None else spec_file
    with atomic_output(Path(path)) as tmp:
        _write(spec, unit, tmp, refill, previous, hint)


def _write(
    spec: Spec,
    unit: UnitSpec,
    path: str | io.BytesIO,
    refill: Refill | None = None,
    previous: Previous | None = None,
    spec_file: tuple[str, str] = ("", ""),
    shown: UnitSpec | None = None,
) -> Any:
    """Write the workbook (and return it); ``shown``: whose name, code, contact and phone are
    written (default ``unit``, whose items and values they are)."""
    texts = shown or unit
    lang = spec.lang
    # A template is written by the faster workbook of the same bytes; a feedback copy (notes on
    # cells, the unit's own texts) by XlsxWriter's own.
    if refill is not None:
        assert isinstance(path, str)
        book = new_workbook(path, KIND_FORM)
    else:
        book = template_book(path, KIND_FORM)
    layout = layout_for(spec, unit.code, with_previous=previous is not None and refill is None)
    earlier: Previous = previous or {}
    # Every column in order: a field's own, or (True) the locked 上期 column of a cumulative field.
    placed = sorted(
        [(c, f, False) for f in spec.fields for c in [layout.columns[f.id]]]
        + [(c, spec.field(fid), True) for fid, c in layout.previous.items()],
        key=lambda entry: entry[0],
    )
    ncols = len(placed)
    base = {"font_name": "宋体" if lang == "zh" else "Calibri", "font_size": 11, "valign": "vcenter"}
    title_fmt = book.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
    label_fmt = book.add_format({**base, "bold": True})
    info_fmt = book.add_format({**base, "bg_color": LOCKED_FILL})
    fill_fmt = book.add_format({**base, "bg_color": INPUT_FILL, "locked": False, "border": 1, "num_format": "@"})
    header_fmt = book.add_format(
        {**base, "bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True, "align": "center"}
    )
    cell_fmts: dict[tuple[str, bool], Any] = {}

    def cell_fmt(field: FieldSpec, editable: bool) -> Any:
        key = (field.type, editable)
        if key not in cell_fmts:
            kind = field.kind
            props: dict[str, Any] = {**base, "border": 1, "text_wrap": kind.wraps}
            props["bg_color"] = INPUT_FILL if editable else LOCKED_FILL
            props["locked"] = not editable
            if kind.number_format:
                props["num_format"] = kind.number_format
            elif kind.wraps and editable:
                props["num_format"] = "@"  # text as typed: 007 and 05761234 keep their zeros
            cell_fmts[key] = book.add_format(props)
        return cell_fmts[key]

    problem_fmts: dict[FieldType, Any] = {}

    def problem_fmt(field: FieldSpec) -> Any:
        if field.kind not in problem_fmts:
            kind = field.kind
            props: dict[str, Any] = {**base, "border": 1, "text_wrap": kind.wraps, "locked": False}
            props.update(bg_color=PROBLEM_FILL, font_color="#9C0006")
            if kind.number_format:
                props["num_format"] = kind.number_format
            problem_fmts[field.kind] = book.add_format(props)
        return problem_fmts[field.kind]

    if refill is not None and refill.front is not None:
        refill.front(book)
    sheet = book.add_worksheet(t("sheet.return", lang))
    book.add_worksheet(t("sheet.instructions", lang))
    last_col = max(ncols - 1, 3)
    sheet.merge_range(0, 0, 0, last_col, spec.report.title, title_fmt)
    sheet.set_row(0, 30)
    sheet.write_string(1, 0, t("unit", lang), label_fmt)
    sheet.write_string(1, 1, texts.name, info_fmt)
    sheet.write_string(2, 0, t("contact", lang), label_fmt)
    sheet.write_string(2, 1, refill.contact if refill else texts.contact, fill_fmt)
    sheet.write_string(2, 2, t("phone", lang), label_fmt)
    sheet.write_string(2, 3, refill.phone if refill else texts.phone, fill_fmt)
    deadline = spec.report.deadline.isoformat() if spec.report.deadline else ""
    period = t("labelled", lang, label=t("period", lang), value=spec.report.period)
    sheet.write_string(3, 0, f"{period}    {t('labelled', lang, label=t('deadline', lang), value=deadline)}", label_fmt)
    header0 = layout.header_row - 1

    as_of = earlier.get(AS_OF)  # the unit's last values are of an older period than the previous

    def heading(f: FieldSpec, is_previous: bool) -> str:
        if not is_previous:
            return f.heading(lang)
        if as_of:
            return t("col.previous_as_of", lang, label=f.heading(lang), period=as_of)
        return t("col.previous", lang, label=f.heading(lang))

    for col, f, is_previous in placed:
        sheet.write_string(header0, col, heading(f, is_previous), header_fmt)
    formulas = spec.formulas()
    items = spec.item_map
    data_rows = (
        [(row, items[item_id].values_for(unit.code)) for row, item_id in layout.rows]
        if spec.rows == "fixed"
        else [(layout.first_data_row + i, {}) for i in range(spec.max_rows)]
    )
    keys = [layout.rows[i][1] if spec.rows == "fixed" else str(i) for i in range(len(data_rows))]
    widths = [column_width(f, [values.get(f.id) for _, values in data_rows], lang) for _, f, _ in placed]
    widths[0] = max(widths[0], 10.0)
    for col in (1, 3):  # 联系人 and 联系电话 are typed into columns B and D
        if col < len(widths):
            widths[col] = max(widths[col], 14.0)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(header0, row_height([(heading(f, p), w) for (_, f, p), w in zip(placed, widths, strict=True)]))
    heights = RowHeights([w for (_, _, p), w in zip(placed, widths, strict=True) if not p])
    own_columns = [f.id for _, f, p in placed if not p]
    letters = {fid: xl_col_to_name(c) for fid, c in layout.columns.items()}
    prefilled: set[str] = set()  # the fields some row starts from the unit's last text
    marks: dict[str, str] = {}  # cell → text_mark of the text it starts from, for _meta
    for (row, values), key in zip(data_rows, keys, strict=True):
        started: dict[str, Any] = {}  # the row's prefill: last texts
        typed = {**values, **(refill.typed.get(key, {}) if refill else {})}
        if formulas:
            refs = {fid: f"{letter}{row}" for fid, letter in letters.items()}
            numeric = _numeric(spec, typed)
        for col, field, is_previous in placed:
            if is_previous:
                write_value(sheet, row - 1, col, earlier.get((key, field.id)), cell_fmt(field, False))
            elif field.id in formulas:
                cached = formulas[field.id].evaluate(dict(numeric))
                sheet._write_formula(
                    row - 1,
                    col,
                    _excel_formula(formulas[field.id], refs),
                    cell_fmt(field, False),
                    "" if cached is None else cached,
                )
            elif field.source == "item":
                write_value(sheet, row - 1, col, field.kind.prefill(values.get(field.id)), cell_fmt(field, False))
            elif refill is not None and (key, field.id) in refill.problems:
                write_value(sheet, row - 1, col, refill.values.get((key, field.id)), problem_fmt(field))
                sheet.write_comment(row - 1, col, refill.problems[(key, field.id)], {"x_scale": 2.5, "y_scale": 2})
            elif refill is not None:
                write_value(sheet, row - 1, col, refill.values.get((key, field.id)), cell_fmt(field, True))
            elif field.prefill == "last" and earlier.get((key, field.id)) is not None:
                text = earlier[(key, field.id)]
                write_value(sheet, row - 1, col, text, cell_fmt(field, True))
                started[field.id] = text
                if isinstance(text, str):
                    marks[xl_rowcol_to_cell(row - 1, col)] = text_mark(text)
            else:
                sheet._write_blank(row - 1, col, None, cell_fmt(field, True))
        shown_values = {
            **values,
            **started,  # the row as tall as the text it starts from
            **({f: v for (k, f), v in refill.values.items() if k == key} if refill else {}),
        }
        prefilled.update(started)
        height = heights([shown_values.get(fid) for fid in own_columns])
        if height is not None:
            sheet.set_row(row - 1, height)
    if layout.groups:
        group_fmt = book.add_format({**base, "bold": True, "bg_color": LOCKED_FILL, "border": 1, "locked": True})
        for row, title in layout.groups:
            sheet.merge_range(row - 1, 0, row - 1, ncols - 1, title, group_fmt)
    if data_rows:
        first0, last0 = data_rows[0][0] - 1, data_rows[-1][0] - 1
        for col, field, is_previous in placed:
            if field.is_input and not is_previous:
                _validation(sheet, field, first0, last0, col, lang)
    sheet.freeze_panes(layout.header_row, 0)
    sheet.protect(
        "", {"format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True}
    )
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.repeat_rows(header0)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    if refill is None or refill.front is None:
        sheet.activate()
    _instructions(book, spec, texts, prefilled, str(as_of or ""))
    _metadata(book, spec, texts, layout, spec_file, marks)
    book.close()
    return book


def _excel_formula(formula: expr.Expression, refs: dict[str, str]) -> str:
    """A field's formula in Excel for one row: the same text for the same row of every template."""
    return _excel_formulas(formula.source, tuple(refs.items()))


@functools.lru_cache(maxsize=4096)
def _excel_formulas(source: str, refs: tuple[tuple[str, str], ...]) -> str:
    return expr.excel_formula(expr.parse(source), dict(refs))


def _numeric(spec: Spec, values: dict[str, Any]) -> dict[str, Any]:
    return {f.id: values.get(f.id) for f in spec.fields}


def _validation(sheet: Any, field: FieldSpec, first: int, last: int, col: int, lang: Lang) -> None:
    options: dict[str, Any] = {
        "input_title": t("dv.input_title", lang)[:32],
        "error_title": t("dv.error_title", lang)[:32],
        "error_type": "stop",
        **field.kind.validation(field, lang),
    }
    message = field.help or constraint_text(field, lang)
    if message:
        options["input_message"] = message[:255]
    options["error_message"] = (constraint_text(field, lang) or field.label)[:255]
    sheet.data_validation(first, col, last, col, options)


def constraint_text(field: FieldSpec, lg: Lang) -> str:
    """What a field asks for, in words: its type's part, then bounds, length, format, formula."""
    parts = field.kind.constraints(field, lg)
    if field.min is not None:
        parts.append(t("c.min", lg, v=number_text(field.min)))
    if field.max is not None:
        parts.append(t("c.max", lg, v=number_text(field.max)))
    if field.max_length:
        parts.append(t("c.max_length", lg, v=field.max_length))
    if field.pattern:
        parts.append(t("c.pattern", lg, v=field.pattern))
    if field.formula:
        parts.append(t("c.formula", lg, v=field.formula))
    return t("sep.semi", lg).join(parts)


def _instructions(book: Any, spec: Spec, unit: UnitSpec, prefilled: set[str], as_of: str = "") -> None:
    """填报说明; a field some row starts from the unit's last text says so (and of which period,
    ``as_of``, when that is older than the previous one: the unit did not report then)."""
    lang = spec.lang
    sheet = book.get_worksheet_by_name(t("sheet.instructions", lang))
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1})
    sheet.write_string(0, 0, f"{spec.report.title} — {t('instr.title', lang)}", bold)
    sheet.write_string(1, 0, t("instr.intro", lang))
    deadline = spec.report.deadline.isoformat() if spec.report.deadline else ""
    lines = [
        (t("unit", lang), unit.name),
        (t("period", lang), spec.report.period),
        (t("deadline", lang), deadline),
        (t("issuer", lang), spec.report.issuer),
        (t("instr.ask", lang), spec.report.contact),
    ]
    for i, (label, value) in enumerate(lines):
        sheet.write_string(3 + i, 0, label)
        sheet.write_string(3 + i, 1, value)
    top = 3 + len(lines) + 1
    columns = ("instr.field", "instr.type", "instr.required", "instr.rules", "instr.help")
    for col, key in enumerate(columns):
        sheet.write_string(top, col, t(key, lang), head)
    for i, field in enumerate(spec.fields):
        if field.formula:
            kind = t("computed", lang)
        elif field.source == "item":
            kind = t("prefilled", lang)
        else:
            kind = field.kind.label(lang)
        required = t("yes", lang) if field.required else ""
        help_text = field.help or ""
        if field.id in prefilled:
            started = t("instr.prefilled_as_of", lang, period=as_of) if as_of else t("instr.prefilled", lang)
            if help_text:
                help_text = t("instr.prefilled_after", lang, help=help_text.rstrip("。.；; "), started=started)
            else:
                help_text = started
        row = (field.heading(lang), kind, required, constraint_text(field, lang), help_text)
        for col, value in enumerate(row):
            sheet.write_string(top + 1 + i, col, value, wrap)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 2, 10)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 4, 50)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def _metadata(
    book: Any,
    spec: Spec,
    unit: UnitSpec,
    layout: Layout,
    spec_file: tuple[str, str] = ("", ""),
    started: Mapping[str, str] | None = None,
) -> None:
    sheet = book.add_worksheet(META_SHEET)
    # The spec travels compressed (a 1,000-unit spec: 56 KB of JSON, 9 KB packed): every return
    # carries it, and every merge reads it.
    packed = pack_spec(spec.public_json)
    chunks = [packed[i : i + _JSON_CHUNK] for i in range(0, len(packed), _JSON_CHUNK)] or [""]
    rows: list[tuple[str, str]] = [
        ("format_version", str(FORMAT_VERSION)),
        ("report_id", spec.report.id),
        ("period", spec.report.period),
        ("unit_code", unit.code),
        ("unit_name", unit.name),
        ("spec_sha256", spec.sha256),
        ("data_sheet", t("sheet.return", spec.lang)),
        ("header_row", str(layout.header_row)),
        ("first_data_row", str(layout.first_data_row)),
        ("columns", json.dumps({xl_col_to_name(c): f for f, c in layout.columns.items()}, ensure_ascii=False)),
        ("rows", json.dumps(layout.rows, ensure_ascii=False)),
        # The locked heading rows (一、…) above the items: never data, never an unknown item.
        *([("groups", json.dumps(layout.groups, ensure_ascii=False))] if layout.groups else []),
        # The cells that start from the unit's last text (prefill: last), by a mark of the text: a
        # return holding only those, unchanged, is the template sent back as it came.
        *([("started", json.dumps(dict(started), sort_keys=True))] if started else []),
        ("spec_json_parts", str(len(chunks))),
    ]
    rows += [("spec_json_z", chunk) for chunk in chunks]
    near, name = spec_file  # where the spec file is, for a merge without -s: see consolidate.merge.origin
    rows += [*([("spec_file", near)] if near else []), *([("spec_name", name)] if name else [])]
    for r, (key, value) in enumerate(rows):
        sheet.write_string(r, 0, key)
        sheet.write_string(r, 1, value)
    sheet.very_hidden()
