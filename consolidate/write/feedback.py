"""Feedback files: the unit's own template, re-filled with what it sent, problems marked.

For every unit whose return has errors or warnings (or could not be read), a fresh copy of its
template is written with the values it sent, each problem cell highlighted with a comment, and a
问题清单 sheet in front listing every problem. It is the file the clerk mails back: the unit
corrects the red cells, saves and sends it again, and it merges like any return.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..check import Issue, Level
from ..common import ref_row, staged_folder, unique_filenames, xl_rowcol_to_cell
from ..merge import MergeResult
from ..merge.origin import spec_file_hint
from ..spec import Spec, UnitSpec
from ..text import Code, Lang, t
from .template import Refill, layout_for, row_key, template_filenames, write_template
from .xlsx import HEADER_FILL

_SKIP = frozenset({Code.W_MISSING_RETURN})


def feedback_filename(spec: Spec, unit: UnitSpec, lang: Lang | None = None) -> str:
    """``<template name>_反馈.xlsx`` (``_feedback`` in English): one name per unit, as templates."""
    return feedback_filenames(spec, lang)[unit.code]


def feedback_filenames(spec: Spec, lang: Lang | None = None) -> dict[str, str]:
    """unit code → its feedback file's name, one for each unit of the spec."""
    suffix = t("feedback.suffix", lang or spec.lang) + ".xlsx"
    stems = [(code, Path(name).stem, code) for code, name in template_filenames(spec).items()]
    return unique_filenames(stems, suffix)


def write_feedback(result: MergeResult, out_dir: str | Path, lang: Lang | None = None) -> list[Path]:
    """One feedback workbook per unit with problems; returns the files written."""
    if not result.raw_kept:
        raise ValueError("write_feedback needs merge_returns(..., keep_raw=True)")
    spec = result.spec
    lang = lang or spec.lang
    out = Path(out_dir)
    written = []
    by_unit = _problems(result)
    paths = feedback_paths(result, out, lang)
    hint = spec_file_hint(spec, out)  # where the spec is from the folder the files end up in
    # All or none: written into a folder of ours inside ``out``, moved in when every one is done
    # (a full disk half-way left some units' files beside none for the others).
    with staged_folder(out, len(paths)) as stage:
        for unit in spec.units:
            if unit.code in paths:
                refill = _refill(result, unit, by_unit[unit.code], lang)
                write_template(spec, unit, stage / paths[unit.code].name, refill, spec_file=hint)
                written.append(paths[unit.code])
    return written


def feedback_paths(result: MergeResult, out_dir: str | Path, lang: Lang | None = None) -> dict[str, Path]:
    """unit code → the feedback file :func:`write_feedback` writes for it (units with problems)."""
    names = feedback_filenames(result.spec, lang)
    return {code: Path(out_dir) / names[code] for code in _problems(result) if code in names}


def _problems(result: MergeResult) -> dict[str, list[Issue]]:
    by_unit: dict[str, list[Issue]] = {}
    for issue in result.issues:
        if issue.level is not Level.INFO and issue.code not in _SKIP:
            by_unit.setdefault(issue.unit, []).append(issue)
    return by_unit


def _refill(result: MergeResult, unit: UnitSpec, problems: list[Issue], lang: Lang) -> Refill:
    spec = result.spec
    located = result.returns.get(unit.code)
    values: dict[tuple[str, str], Any] = {}
    typed: dict[str, dict[str, Any]] = {}
    marks: dict[tuple[str, str], str] = {}
    # Where each problem is marked in this file (the template's cell): a pasted workbook's
    # cells are elsewhere, and some problems (a missing column, a stray value) have no cell here.
    layout = layout_for(spec, unit.code)
    template_rows = {key: row for row, key in layout.rows}
    marked_at: list[str] = [""] * len(problems)
    if located is not None:
        keys_by_row = {}
        records = {r.row: r for r in result.records_of(unit.code)}
        for index, raw in enumerate(located.rows):
            key = row_key(spec, raw.item_id, index)
            keys_by_row[raw.row] = key
            for field in spec.fields:
                if field.is_input:
                    values[(key, field.id)] = raw.cells.get(field.id)
            if raw.row in records:
                typed[key] = records[raw.row].values
        for index, issue in enumerate(problems):
            row = ref_row(issue.cell)
            if issue.field and row in keys_by_row and issue.file == located.book.name:
                mark = (keys_by_row[row], issue.field)
                text = f"{issue.message(lang, for_unit=True)}\n{issue.fix(lang, for_unit=True)}".strip()
                marks[mark] = f"{marks[mark]}\n{text}" if mark in marks else text
                key = keys_by_row[row]
                at = template_rows.get(key) or (layout.first_data_row + int(key) if key.isdigit() else None)
                if at is not None and issue.field in layout.columns:
                    cell = xl_rowcol_to_cell(at - 1, layout.columns[issue.field])
                    marked_at[index] = f"{t('sheet.return', lang)}!{cell}"
    return Refill(
        values,
        typed,
        marks,
        contact=located.contact if located else unit.contact,
        phone=located.phone if located else unit.phone,
        front=lambda book: _problem_sheet(book, spec, unit, problems, marked_at, lang),
    )


def _problem_sheet(
    book: Any, spec: Spec, unit: UnitSpec, problems: list[Issue], marked_at: list[str], lang: Lang
) -> None:
    sheet = book.add_worksheet(t("sheet.problems", lang))
    bold = book.add_format({"bold": True, "font_size": 14})
    note = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    red = book.add_format({"text_wrap": True, "valign": "top", "border": 1, "font_color": "#9C0006", "bold": True})
    sheet.write_string(0, 0, f"{spec.report.title} — {unit.name} — {t('sheet.problems', lang)}", bold)
    marked = sum(1 for at in marked_at if at)
    if marked == len(problems):
        intro = t("feedback.intro", lang, n=len(problems))
    elif marked:
        intro = t("feedback.intro_some", lang, n=len(problems), marked=marked, rest=len(problems) - marked)
    else:
        intro = t("feedback.intro_none", lang, n=len(problems))
    sheet.merge_range(1, 0, 1, 6, intro, note)
    sheet.set_row(1, 48)
    columns = (
        "col.level",
        "col.code",
        "col.file",
        "col.cell",
        "col.field",
        "col.value",
        "col.message",
        "col.fix",
        "col.marked_at",
    )
    for c, key in enumerate(columns):
        sheet.write_string(3, c, t(key, lang), head)
    labels = spec.field_map
    for r, issue in enumerate(problems, start=4):
        label = labels[issue.field].label if issue.field in labels else ""
        row = (
            t(f"level.{issue.level.value}", lang),
            issue.code,
            issue.file,
            issue.cell,
            label,
            issue.value,
            issue.message(lang, for_unit=True),
            issue.fix(lang, for_unit=True),
            marked_at[r - 4],
        )
        for c, value in enumerate(row):
            sheet.write_string(r, c, value, red if c == 0 and issue.level is Level.ERROR else wrap)
    for c, width in enumerate((6, 18, 30, 8, 14, 20, 50, 30, 12)):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(4, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.activate()
