"""Raw workbook → the return table in it: which unit, which sheet, which columns, which rows.

A template's ``_consolidate`` sheet says all of this; without it (the unit pasted the table into a
new workbook) the table is found by its header labels and the unit by the 填报单位 cell or the
file name, with a ``W-NO-METADATA`` warning. Columns are always confirmed by their labels.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from .coerce import is_blank, shown
from .i18n import t
from .issues import Issue
from .reader import RawBook, RawSheet
from .spec import FieldSpec, Spec, UnitSpec, normalise
from .xlsx import xl_rowcol_to_cell

_HEADER_SCAN_ROWS = 30
_UNIT_LABELS = ("填报单位", "报送单位", "单位名称", "单位", "reportingunit", "unit")
_CONTACT_LABELS = ("联系人", "填报人", "contactperson", "contact")
_PHONE_LABELS = ("联系电话", "电话", "手机", "phone")


@dataclass
class RawRow:
    row: int  # 1-based spreadsheet row
    item_id: str | None
    cells: dict[str, Any]  # field id -> raw value (input and item fields)


@dataclass
class Located:
    book: RawBook
    unit_code: str
    sheet: str
    header_row: int  # 1-based
    columns: dict[str, int]  # field id -> 0-based column
    rows: list[RawRow]
    contact: str = ""
    phone: str = ""
    spec_hash: str = ""
    issues: list[Issue] = dataclasses.field(default_factory=list)

    def cell(self, row: int, field_id: str) -> str:
        return str(xl_rowcol_to_cell(row - 1, self.columns[field_id]))


def header_keys(f: FieldSpec) -> set[str]:
    return {normalise(x) for x in (f.label, f.header, f.id, *f.aliases)}


def find_header(sheet: RawSheet, spec: Spec) -> tuple[int, dict[str, int]] | None:
    """(0-based header row, field id → column) of the best header within the top rows."""
    keys = {f.id: header_keys(f) for f in spec.fields}
    best: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(sheet.rows[:_HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value.strip():
                continue
            label = normalise(value)
            for field_id, candidates in keys.items():
                if field_id not in columns and label in candidates:
                    columns[field_id] = c
                    break
        if best is None or len(columns) > len(best[1]):
            best = (r, columns)
    needed = max(2, (len(spec.fields) + 1) // 2)
    if best is None or len(best[1]) < min(needed, len(spec.fields)):
        return None
    return best


def locate(book: RawBook, spec: Spec) -> tuple[Located | None, list[Issue]]:
    issues: list[Issue] = []
    meta = book.meta
    if book.has_meta and meta.get("report_id") != spec.report.id:
        return None, [
            Issue(
                "E-OTHER-REPORT", file=book.name, value=meta.get("report_id", ""), params={"expected": spec.report.id}
            )
        ]
    sheet, header = _pick_sheet(book, spec)
    if sheet is None or header is None:
        labels = "、".join(f.label for f in spec.fields)
        return None, [Issue("E-NO-TABLE", file=book.name, params={"labels": labels})]
    header0, columns = header
    top = sheet.rows[:header0]
    if book.has_meta:
        unit_code = meta.get("unit_code", "")
        if unit_code not in spec.unit_map:
            issues.append(_unknown_unit(book, meta.get("unit_name", unit_code), spec.units))
            return None, issues
    else:
        seen, unit_code_or_none = _guess_unit(top, book, spec.units)
        if unit_code_or_none is None:
            issues.append(_unknown_unit(book, seen, spec.units))
            return None, issues
        unit_code = unit_code_or_none
        issues.append(
            Issue(
                "W-NO-METADATA",
                unit=unit_code,
                file=book.name,
                sheet=sheet.name,
                value=seen,
                params={"unit": spec.unit_map[unit_code].name},
            )
        )
    located = Located(
        book,
        unit_code,
        sheet.name,
        header0 + 1,
        columns,
        [],
        contact=_labelled(top, _CONTACT_LABELS),
        phone=_labelled(top, _PHONE_LABELS),
        spec_hash=meta.get("spec_sha256", ""),
    )
    _collect_rows(located, sheet, spec)
    return located, issues + located.issues


def _pick_sheet(book: RawBook, spec: Spec) -> tuple[RawSheet | None, tuple[int, dict[str, int]] | None]:
    preferred = book.meta.get("data_sheet")
    order = sorted(book.sheets, key=lambda s: (s.name != preferred, not s.visible))
    for sheet in order:
        header = find_header(sheet, spec)
        if header is not None:
            return sheet, header
    return None, None


def _collect_rows(located: Located, sheet: RawSheet, spec: Spec) -> None:
    header0 = located.header_row - 1
    meta_rows: dict[int, str] = {}
    if located.book.has_meta and located.book.meta.get("rows"):
        try:
            meta_rows = {int(r): str(i) for r, i in json.loads(located.book.meta["rows"])}
        except (ValueError, TypeError):
            meta_rows = {}
    fields = spec.fields
    items = spec.items_for(located.unit_code) if spec.rows == "fixed" else []
    seen_items: set[str] = set()
    for r in range(header0 + 1, len(sheet.rows)):
        cells = {field_id: sheet.cell(r, c) for field_id, c in located.columns.items()}
        values = {k: v for k, v in cells.items() if not is_blank(v)}
        if not values:
            continue
        row = r + 1
        if spec.rows == "open":
            located.rows.append(RawRow(row, None, cells))
            continue
        item_id = _match_item(row, cells, meta_rows, items, spec)
        inputs = [f for f in fields if f.is_input and f.id in values]
        if item_id is None or item_id in seen_items:
            if inputs:
                shown_key = "；".join(shown(values[k]) for k in values)[:80]
                located.issues.append(
                    Issue(
                        "E-UNKNOWN-ITEM",
                        unit=located.unit_code,
                        file=located.book.name,
                        sheet=sheet.name,
                        cell=xl_rowcol_to_cell(r, 0),
                        value=shown_key,
                        params={"row": row},
                    )
                )
            continue
        seen_items.add(item_id)
        located.rows.append(RawRow(row, item_id, cells))
    for item in items:
        if item.id not in seen_items:
            label = " ".join(shown(v) for v in item.values_for(located.unit_code).values() if v is not None)
            located.issues.append(
                Issue(
                    "W-MISSING-ROW", unit=located.unit_code, file=located.book.name, sheet=sheet.name, value=label[:80]
                )
            )


def _match_item(row: int, cells: dict[str, Any], meta_rows: dict[int, str], items: list[Any], spec: Spec) -> str | None:
    item_fields = [f for f in spec.fields if f.source == "item" and f.id in cells]
    by_id = {i.id: i for i in items}
    if row in meta_rows and meta_rows[row] in by_id:
        return meta_rows[row]
    best, best_score = None, 0
    for item in items:
        values = item.values_for("")
        score = sum(
            1
            for f in item_fields
            if f.type == "text"
            and values.get(f.id) is not None
            and normalise(shown(values[f.id])) == normalise(shown(cells[f.id]))
        )
        if score > best_score:
            best, best_score = item.id, score
    return best


def _labelled(rows: list[list[Any]], labels: tuple[str, ...]) -> str:
    """The value next to a label such as 填报单位 (right of it, or after a colon in the cell)."""
    wanted = {normalise(x) for x in labels}
    for row in rows:
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            text = value.strip()
            match = re.match(r"^(.*?)[:：](.*)$", text, re.S)
            head, tail = (match[1], match[2].strip()) if match else (text, "")
            if normalise(head) in wanted:
                if tail:
                    return tail
                for right in row[c + 1 :]:
                    if not is_blank(right):
                        return shown(right).strip()
    return ""


def _guess_unit(top: list[list[Any]], book: RawBook, units: tuple[UnitSpec, ...]) -> tuple[str, str | None]:
    """(what was seen, unit code) from the 填报单位 cell, else from the file name."""
    seen = _labelled(top, _UNIT_LABELS)
    candidates = [seen] if seen else []
    stem = book.path.stem
    candidates.append(stem)
    for text in candidates:
        key = normalise(text)
        for unit in units:
            if key in (normalise(unit.code), normalise(unit.name)):
                return text, unit.code
        contained = [u for u in units if normalise(u.name) in key]
        if contained:
            return text, max(contained, key=lambda u: len(u.name)).code
    return seen or stem, None


def _unknown_unit(book: RawBook, seen: str, units: tuple[UnitSpec, ...]) -> Issue:
    names = [u.name for u in units]
    close = difflib.get_close_matches(seen, names, n=3, cutoff=0.3)
    closest = f"；最接近的是：{'、'.join(close)}" if close else ""
    return Issue("E-UNKNOWN-UNIT", file=book.name, value=seen, params={"closest": closest})


def data_sheet_name(spec: Spec) -> str:
    return t("sheet.return", spec.lang)
