"""``fill``: the county's return written into a copy of the city's template, from the county's merge.

Numbers are the county's totals as 汇总 shows them (each field's aggregate), choices the worst of
its units', computed fields keep the template's own formula, texts are the county's progress in the
words of the progress document (within the cell's length). 联系人 and 电话 come from the county's
spec. Nothing else of the template changes: sheets, locked cells, validation, styles, the hidden
``_consolidate`` sheet. Figures that leave units out say so on their cell (a comment) and in the
item's 存在问题 cell when the template has one.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import KIND_FORM, atomic_output, normalise, tidy_number
from ..errors import InputError
from ..merge import MergeResult, SummaryRow
from ..spec import FieldSpec, Spec, UpstreamSpec
from ..text import Joined, Lang, Msg, t
from ..write import check_suffix
from ..write.document import item_paragraphs
from .city import CityTemplate, read_city

FILL_PROPERTY = "consolidate-fill"  # a custom property of the file fill wrote: the time it wrote it
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]*)<")
_PROBLEM_WORDS = ("存在问题", "问题", "problem")


@dataclass
class FillResult:
    """What ``fill`` wrote: the file, how many cells, and whose figures are not in it."""

    path: Path
    cells: int
    missing: list[str] = field(default_factory=list)  # units that did not return (names)
    rejected: list[str] = field(default_factory=list)  # units with figures left out (names)
    marked: list[str] = field(default_factory=list)  # the cells that say the figures are partial

    @property
    def partial(self) -> bool:
        return bool(self.missing or self.rejected)


def check_fill_output(out: Path, template: Path) -> None:
    """Stop before any work when ``out`` is the template itself, not a workbook, or a file that
    ``fill`` did not write (or that someone changed since)."""
    check_suffix(out, KIND_FORM, "-o")
    if out.exists() and template.exists() and out.resolve() == template.resolve():
        raise InputError(Msg("relay.out_is_template", path=out))
    if (out.exists() or out.is_symlink()) and not filled_by_us(out):
        raise InputError(Msg("relay.out_not_ours", path=out))


def filled_by_us(path: Path) -> bool:
    """A file ``fill`` wrote and nobody saved again: its fill stamp is its modified time."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "docProps/custom.xml" not in names:
                return False
            custom = archive.read("docProps/custom.xml")
            core = archive.read("docProps/core.xml")
    except Exception:
        return False
    stamp = re.search(rb'name="' + FILL_PROPERTY.encode() + rb'"[^>]*>\s*<[^>]*>([^<]*)<', custom)
    modified = _MODIFIED.search(core)
    return stamp is not None and modified is not None and stamp[1] == modified[1]


def fill_template(result: MergeResult, template: str | Path, out: str | Path, lang: Lang | None = None) -> FillResult:
    """Write the county's return, from ``result`` (the county's merge), into a copy of ``template``."""
    template, out = Path(template), Path(out)
    spec = result.spec
    lang = lang or spec.lang
    up = spec.upstream
    if up is None:
        raise InputError(Msg("relay.not_relayed", spec=spec.path or spec.report.id))
    check_fill_output(out, template)
    city = read_city(template)
    _same_report(city, up, spec, template)
    if city.embedded:
        sheet_name, columns, rows, cells = city.sheet, city.columns, city.rows, city.cells
    else:
        sheet_name, columns, rows, cells = up.sheet, up.columns, up.rows, up.cells

    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.writer.excel import ExcelWriter

    try:
        book = openpyxl.load_workbook(template)
    except Exception as exc:
        raise InputError(Msg("relay.cannot_read", file=template, error=exc)) from None
    if sheet_name not in book.sheetnames:
        raise InputError(Msg("relay.no_sheet", file=template, sheet=sheet_name))
    sheet = book[sheet_name]
    names = {u.code: u.name for u in spec.units}
    missing_codes = [s.unit_code for s in result.submissions if s.status in ("missing", "unreadable", "blank")]
    figures = {row.key: row for row in result.figures.rows}
    paragraphs = item_paragraphs(result, lang)
    narrative = spec.roles.narrative
    problem_field = next(
        (
            f
            for f in spec.fields
            if f.is_input and f.kind.free_text and f is not narrative and any(w in f.label for w in _PROBLEM_WORDS)
        ),
        None,
    )
    written = 0
    rejected: set[str] = set()
    marked: list[str] = []
    for item in spec.items:
        row_number = rows.get(item.id)
        row = figures.get(item.id)
        if row_number is None or row is None:
            continue
        left: set[str] = set()
        for f in spec.fields:
            letter = columns.get(f.id)
            if letter is None or f.source == "item":
                continue
            cell = _cell(sheet, f"{letter}{row_number}")
            if f.formula and isinstance(cell.value, str) and cell.value.startswith("="):
                continue  # the template's own formula computes it
            if f is problem_field:
                continue  # written below, with the note
            value = _value(f, row, paragraphs.get(item.id, "") if f is narrative else None)
            if value is None:
                continue
            cell.value = value
            written += 1
            out_units = [u for u in row.left_out.get(f.id, ()) if u in item.unit_set]
            if out_units and (f.is_numeric or f.formula):
                left.update(out_units)
                cell.comment = Comment(_note(out_units, missing_codes, names, lang), "consolidate")
                marked.append(cell.coordinate)
        rejected.update(u for u in left if u not in missing_codes)
        if problem_field is not None and (letter := columns.get(problem_field.id)):
            cell = _cell(sheet, f"{letter}{row_number}")
            parts = [str(row.values.get(problem_field.id) or "")]
            if left:
                parts.append(_note(sorted(left, key=list(names).index), missing_codes, names, lang))
                marked.append(cell.coordinate)
            text = _fit("\n".join(p for p in parts if p), problem_field)
            if text:
                cell.value = text
                written += 1
    written += _top(sheet, cells, up, city)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    book.properties.modified = stamp
    book.custom_doc_props.append(StringProperty(name=FILL_PROPERTY, value=stamp.strftime(_STAMP)))
    if book.calculation is not None:
        book.calculation.fullCalcOnLoad = True  # the template's formulas computed when opened
    with atomic_output(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    missing = [names[c] for c in missing_codes if c in names]
    return FillResult(out, written, missing, [names[c] for c in names if c in rejected], marked)


def _same_report(city: CityTemplate, up: UpstreamSpec, spec: Spec, template: Path) -> None:
    """A return for another report, period or county is refused."""
    theirs = city.spec.report
    if city.embedded:
        same = (theirs.id, theirs.period, city.unit_code) == (up.report_id, up.period, up.unit_code)
    else:
        same = normalise(city.title) == normalise(up.title) and theirs.period == up.period
    if not same:
        raise InputError(
            Msg(
                "relay.other_report",
                file=template,
                title=city.title or theirs.title,
                period=theirs.period,
                unit=city.unit_name or "—",
                own_title=up.title,
                own_period=up.period,
                own_unit=up.unit_name,
            )
        )
    if spec.report.period != up.period:
        raise InputError(Msg("relay.period_moved", period=spec.report.period, city=up.period, file=template))


def _cell(sheet: Any, ref: str) -> Any:
    """The cell at ``ref``; inside a merged range, the range's first cell (the one that holds it)."""
    cell = sheet[ref]
    if cell.__class__.__name__ == "MergedCell":
        for merged in sheet.merged_cells.ranges:
            if ref in merged:
                return sheet.cell(merged.min_row, merged.min_col)
    return cell


def _value(f: FieldSpec, row: SummaryRow, paragraph: str | None) -> Any:
    """What the city's cell gets: the figure 汇总 shows, or the item's progress paragraph."""
    if paragraph is not None:
        return _fit(paragraph, f) or None
    value = row.values.get(f.id)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return tidy_number(value, 10)
    if isinstance(value, str):
        return _fit(value, f) or None
    return value


def _fit(text: str, f: FieldSpec) -> str:
    """A text within the field's length (the city's template refuses a longer one)."""
    limit = f.max_length or 32_000
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def _note(units: list[str], missing: list[str], names: dict[str, str], lang: Lang) -> str:
    """未计入：东城镇卫生院（未报送）、西城镇卫生院（数据有误）."""
    parts = [
        t(
            "relay.note.unit",
            lang,
            unit=names.get(u, u),
            why=t(f"relay.note.{'missing' if u in missing else 'rejected'}", lang),
        )
        for u in units
    ]
    return t("relay.note", lang, units=Joined(parts).render(lang))


def _top(sheet: Any, cells: dict[str, str], up: UpstreamSpec, city: CityTemplate) -> int:
    """填报单位, 联系人 and 电话 from the county's spec: beside their label, or after it in its cell."""
    written = 0
    values = {"contact": up.contact, "phone": up.phone}
    if not city.embedded:
        values["unit"] = up.unit_name
    for role, value in values.items():
        ref = cells.get(role)
        if not ref or not value:
            continue
        cell = _cell(sheet, ref)
        there = str(cell.value or "")
        label = re.match(r"^\s*([^:：]{2,8}[:：])", there)
        cell.value = f"{label[1]}{value}" if label else value
        written += 1
    return written
