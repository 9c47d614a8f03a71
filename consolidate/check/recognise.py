"""Raw workbook → the return table in it: which unit, which sheet, which columns, which rows.

A template's ``_consolidate`` sheet says all of this; without it (the unit pasted the table into a
new workbook) the table is found by its header labels and the unit by the 填报单位 cell or the
file name, with a ``W-NO-METADATA`` warning. A return made from an older template of the same
report is mapped by field id. Whatever is in a data row but in no field's column is reported,
so that no number is lost without a trace.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..common import close_matches, col_index, normalise, ref_row, shown, split_ref, xl_col_to_name, xl_rowcol_to_cell
from ..errors import SpecError
from ..read import RawBook, RawSheet
from ..spec import FieldSpec, Item, Spec, UnitSpec, embedded_spec_json, spec_from_json
from ..spec.dates import normalise_period
from ..spec.items import heading_key, is_heading, is_numbering
from ..text import Code, Joined, Msg
from .coerce import is_blank
from .issues import Issue

_HEADER_SCAN_ROWS = 30
_UNIT_LABELS = ("填报单位", "报送单位", "单位名称", "单位", "reportingunit", "unit")
_CONTACT_LABELS = ("联系人", "填报人", "contactperson", "contact")
_PHONE_LABELS = ("联系电话", "电话", "手机", "phone")
# Labels of a form's top rows: a cell holding one of them is never another label's value.
_KNOWN_LABELS = frozenset(
    normalise(x)
    for x in (
        *_UNIT_LABELS,
        *_CONTACT_LABELS,
        *_PHONE_LABELS,
        "联系方式",
        "填表人",
        "审核人",
        "负责人",
        "单位负责人",
        "分管领导",
        "填报日期",
        "填表日期",
        "报送日期",
        "日期",
        "邮箱",
        "电子邮箱",
        "email",
        "date",
    )
)
# What every way of typing those words holds (full-width letters, any case): the usual row is
# told from a total by this alone.
_SUBTOTAL_HINT = re.compile("计|[oOｏＯ][tTｔＴ][aAａＡ][lLｌＬ]")
_SUBTOTAL = re.compile(r"^(合计|小计|总计|累计合计|合\s*计|小\s*计|total|subtotal)[:：]?$", re.I)
_FUZZY_CUTOFF = 0.8
_NONE = Msg("none")


@dataclass(slots=True)
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
    issues: list[Issue] = dataclasses.field(default_factory=list)
    formulas: dict[str, str] = dataclasses.field(default_factory=dict)  # A1 -> formula, no value
    # Nothing filled in: no cell a unit fills holds a value, and nothing was typed beside the
    # table (the template sent back as it came). Not counted as the unit's return.
    blank: bool = False

    def cell(self, row: int, field_id: str) -> str:
        return str(xl_rowcol_to_cell(row - 1, self.columns[field_id]))


@functools.lru_cache(maxsize=4096)  # the same few header texts in every return
def _label_variants(text: str) -> frozenset[str]:
    """A header cell compared loosely: as is, and without a bracketed remark or unit like （人）,
    in both cases without a trailing colon or a leading required mark (``*年度目标：``)."""
    base = _bare_label(normalise(text))
    bare = _bare_label(normalise(re.sub(r"[（(【\[][^）)】\]]*[）)】\]]", "", str(text))))
    return frozenset({base, bare} - {""})


def _bare_label(key: str) -> str:
    return key.strip(":*※%")


def header_keys(f: FieldSpec) -> set[str]:
    keys: set[str] = set()
    for text in (f.label, f.heading("zh"), f.heading("en"), f.id, *f.aliases):
        keys |= _label_variants(text)
    return keys


def _match_header(row: Sequence[Any], keys: dict[str, set[str]]) -> dict[str, int]:
    """field id → column of the header cells in ``row`` that name a field (a cell may be a tuple
    of texts, any of which may name it)."""
    columns: dict[str, int] = {}
    for c, value in enumerate(row):
        texts = value if isinstance(value, tuple) else (value,)
        variants = frozenset().union(*(_label_variants(x) for x in texts if isinstance(x, str) and x.strip()))
        if not variants:
            continue
        for field_id, candidates in keys.items():
            if field_id not in columns and variants & candidates:
                columns[field_id] = c
                break
    return columns


def _stacked(upper: Sequence[Any], lower: Sequence[Any]) -> list[Any]:
    """A two-row header read as one: each column named by its sub-header, or by the cell above
    and the sub-header together (完成情况 over （截止4月15日）), or by the cell above alone (a
    group cell such as 完成情况（截止4月15日） over three sub-headers gives way to them)."""
    width = max(len(upper), len(lower))
    cells: list[Any] = []
    for c in range(width):
        above = upper[c] if c < len(upper) else None
        below = lower[c] if c < len(lower) else None
        if isinstance(below, str) and below.strip():
            cells.append((below, f"{above}{below}") if isinstance(above, str) and above.strip() else below)
        else:
            cells.append(above)
    return cells


def _all_text(row: Sequence[Any]) -> bool:
    """A row that can be part of a header: texts and blanks only (a number or a date is data)."""
    return all(value is None or isinstance(value, str) for value in row)


def find_header(sheet: RawSheet, spec: Spec) -> tuple[int, dict[str, int]] | None:
    """(0-based header row, field id → column) of the best header within the top rows.

    A header of two rows (merged group cells above their sub-headers) counts as one, ending at
    its lower row: the sub-header row is the header, never data.
    """
    keys = {f.id: header_keys(f) for f in spec.fields}
    top = sheet.rows[:_HEADER_SCAN_ROWS]
    single = [_match_header(row, keys) for row in top]
    best: tuple[int, dict[str, int]] | None = None
    for r, columns in enumerate(single):
        candidate = (r, columns)
        lower = top[r + 1] if r + 1 < len(top) else []
        below = [c for c, v in enumerate(lower) if isinstance(v, str) and v.strip()]
        if columns and below and _all_text(lower):
            stacked = _match_header(_stacked(top[r], lower), keys)
            # Every text of the lower row names a column: it is the header's second row.
            if (
                len(stacked) >= len(columns)
                and len(stacked) > len(single[r + 1])
                and set(below) <= set(stacked.values())
            ):
                candidate = (r + 1, stacked)
        if best is None or len(candidate[1]) > len(best[1]):
            best = candidate
    needed = max(2, (len(spec.fields) + 1) // 2)
    if best is None or len(best[1]) < min(needed, len(spec.fields)):
        return None
    return best


_MAX_ROW = 1_048_576
_LETTERS = re.compile(r"[A-Z]{1,3}")


def _meta_json(meta: dict[str, str], key: str) -> Any:
    """A JSON value of the metadata sheet, or None: the sheet is the unit's, untrusted input."""
    return _json(meta.get(key))


def _json(text: str | None) -> Any:
    try:
        return json.loads(text or "null")
    except (ValueError, RecursionError):
        return None


def _meta_row(value: Any) -> int | None:
    """A 1-based row number from the metadata, or None when it is not one."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 7:
        value = int(value)
    return value if type(value) is int and 1 <= value <= _MAX_ROW else None


Layout = tuple[int, dict[str, str], dict[int, str]]


def meta_layout(meta: dict[str, str]) -> Layout | None:
    """(header row, column letters → field id, row → item id) as a template's metadata gives
    them, checked for shape and range; None when any of it is damaged. Not to be changed: the
    returns of one template share it (it is read once for all of them)."""
    return _layout(meta.get("header_row"), meta.get("columns"), meta.get("rows"))


@functools.lru_cache(maxsize=64)
def _layout(header_row: str | None, columns_json: str | None, rows_json: str | None) -> Layout | None:
    header = _meta_row(header_row)
    columns, rows = _json(columns_json), _json(rows_json)
    if header is None or not isinstance(columns, dict):
        return None
    if not all(isinstance(f, str) and isinstance(c, str) and _LETTERS.fullmatch(c) for c, f in columns.items()):
        return None
    items: dict[int, str] = {}
    for pair in rows if isinstance(rows, list) else []:
        if isinstance(pair, list) and len(pair) == 2 and (row := _meta_row(pair[0])) and isinstance(pair[1], str):
            items[row] = pair[1]
    return header, columns, items


def meta_groups(meta: dict[str, str]) -> set[int]:
    """The rows of a template's locked group headings (一、…), from its metadata."""
    value = _meta_json(meta, "groups")
    rows: set[int] = set()
    for pair in value if isinstance(value, list) else []:
        if isinstance(pair, list) and len(pair) == 2 and (row := _meta_row(pair[0])):
            rows.add(row)
    return rows


def _meta_columns(book: RawBook, sheet: RawSheet, spec: Spec) -> tuple[int, dict[str, int]] | None:
    """The template's own column map, checked against the header cells still in place."""
    meta = book.meta
    layout = meta_layout(meta)
    if layout is None:
        return None
    header0, letters = layout[0] - 1, layout[1]
    older = _older_spec(meta, spec)
    old_labels = {f.id: f.heading(older.lang) for f in older.fields} if older is not None else {}
    current = spec.field_map
    columns: dict[str, int] = {}
    for letter, field_id in letters.items():
        if field_id not in current:
            continue
        col = col_index(letter)
        cell = sheet.cell(header0, col)
        expected = _label_variants(old_labels.get(field_id, "")) | header_keys(current[field_id])
        if isinstance(cell, str) and _label_variants(cell) & expected:
            columns[field_id] = col
    if len(columns) < max(1, len([f for f in letters.values() if f in current]) // 2):
        return None
    # A column inserted or deleted by the unit moves the others: found by their header instead.
    header = sheet.rows[header0] if header0 < len(sheet.rows) else []
    moved = {
        f: header_keys(current[f]) | _label_variants(old_labels.get(f, ""))
        for f in letters.values()
        if f in current and f not in columns
    }
    taken = set(columns.values())
    for col, cell in enumerate(header):
        if col in taken or not isinstance(cell, str):
            continue
        variants = _label_variants(cell)
        for field_id, keys in moved.items():
            if field_id not in columns and variants & keys:
                columns[field_id] = col
                break
    return header0, columns


def _older_spec(meta: dict[str, str], spec: Spec) -> Spec | None:
    """The spec an older template embedded; None for the current one, or when it cannot be read."""
    if meta.get("spec_sha256") == spec.sha256 or not (meta.get("spec_json_z") or meta.get("spec_json")):
        return None
    try:
        return _embedded_spec(meta.get("spec_json_z", ""), meta.get("spec_json", ""))
    except SpecError:
        return None


@functools.lru_cache(maxsize=8)
def _embedded_spec(packed: str, plain: str) -> Spec:
    """Every return of one template version carries the same text: unpacked and read once."""
    return spec_from_json(embedded_spec_json({"spec_json_z": packed, "spec_json": plain}))


def locate(book: RawBook, spec: Spec, unit: str | None = None) -> tuple[Located | None, list[Issue]]:
    """The return table in ``book``; ``unit`` (a unit code, from ``--assign``) says who sent it."""
    issues: list[Issue] = []
    meta = book.meta
    if book.has_meta and meta.get("report_id") != spec.report.id:
        return None, [
            Issue(
                Code.E_OTHER_REPORT,
                file=book.name,
                value=meta.get("report_id", ""),
                params={"expected": spec.report.id},
            )
        ]
    wrong = _wrong_period(book, spec)
    if wrong is not None:
        return None, [wrong]
    sheet, header = _pick_sheet(book, spec)
    if sheet is None or header is None:
        labels = Joined(f.label for f in spec.fields)
        return None, [Issue(Code.E_NO_TABLE, file=book.name, params={"labels": labels})]
    header0, columns = header
    top = sheet.rows[:header0]
    if unit is not None:
        unit_code = unit
        issues.append(
            Issue(Code.I_ASSIGNED, unit=unit_code, file=book.name, params={"unit": spec.unit_map[unit_code].name})
        )
        if not book.has_meta:
            issues.append(
                Issue(
                    Code.W_NO_METADATA,
                    unit=unit_code,
                    file=book.name,
                    sheet=sheet.name,
                    value="--assign",
                    params={"unit": spec.unit_map[unit_code].name},
                )
            )
        else:
            issues += _version_issues(book, spec, unit_code, sheet.name)
    elif book.has_meta:
        unit_code = meta.get("unit_code", "")
        if unit_code not in spec.unit_map:
            return None, [_unknown_unit(book, meta.get("unit_name", unit_code), spec.units)]
        issues += _version_issues(book, spec, unit_code, sheet.name)
    else:
        seen, guessed = _guess_unit(top, book, spec.units)
        if guessed is None:
            return None, [_unknown_unit(book, seen, spec.units)]
        unit_code = guessed
        issues.append(
            Issue(
                Code.W_NO_METADATA,
                unit=unit_code,
                file=book.name,
                sheet=sheet.name,
                value=seen,
                params={"unit": spec.unit_map[unit_code].name},
            )
        )
    if book.notes:
        issues.append(Issue(Code.I_OPENED, unit=unit_code, file=book.name, params={"how": Joined(book.notes, "semi")}))
    located = Located(
        book,
        unit_code,
        sheet.name,
        header0 + 1,
        columns,
        [],
        contact=_labelled(top, _CONTACT_LABELS, book.has_meta),
        phone=_labelled(top, _PHONE_LABELS, book.has_meta),
        formulas=sheet.formulas,
    )
    _collect_rows(located, sheet, spec)
    issues += _missing_columns(located, spec)
    return located, issues + located.issues


def _wrong_period(book: RawBook, spec: Spec) -> Issue | None:
    """E-WRONG-PERIOD for a template of another period of this report (last month's, say)."""
    given = book.meta.get("period", "") if book.has_meta else ""
    theirs = normalise_period(given) if given else None
    if theirs is None or theirs == spec.report.period:
        return None
    code = book.meta.get("unit_code", "")
    return Issue(
        Code.E_WRONG_PERIOD,
        unit=code if code in spec.unit_map else "",
        file=book.name,
        value=theirs,
        params={"expected": spec.report.period},
    )


def _missing_columns(located: Located, spec: Spec) -> list[Issue]:
    """A spec column the return does not have (computed ones are recomputed: not needed)."""
    older = _older_spec(located.book.meta, spec) if located.book.has_meta else None
    return [
        Issue(
            Code.W_MISSING_COLUMN,
            unit=located.unit_code,
            file=located.book.name,
            sheet=located.sheet,
            field=f.id,
            params={"label": f.label, "file": located.book.name},
        )
        for f in spec.fields
        # Fields an older template did not have are listed by W-OLD-TEMPLATE already.
        if not f.formula and f.id not in located.columns and (older is None or f.id in older.field_map)
    ]


def _version_issues(book: RawBook, spec: Spec, unit_code: str, sheet: str) -> list[Issue]:
    """A return from an older template of the same report: say which fields changed."""
    old = _older_spec(book.meta, spec)
    if old is None:
        return []
    old_fields, new_fields = old.field_map, spec.field_map
    added = [new_fields[f].label for f in new_fields if f not in old_fields and new_fields[f].is_input]
    removed = [old_fields[f].label for f in old_fields if f not in new_fields]
    renamed = [
        f"{old_fields[f].label}→{new_fields[f].label}"
        for f in new_fields
        if f in old_fields and old_fields[f].label != new_fields[f].label
    ]
    if not (added or removed or renamed):
        return [Issue(Code.I_SPEC_CHANGED, unit=unit_code, file=book.name, sheet=sheet)]
    return [
        Issue(
            Code.W_OLD_TEMPLATE,
            unit=unit_code,
            file=book.name,
            sheet=sheet,
            params={
                "added": Joined(added) or _NONE,
                "removed": Joined(removed) or _NONE,
                "renamed": Joined(renamed) or _NONE,
            },
        )
    ]


def _pick_sheet(book: RawBook, spec: Spec) -> tuple[RawSheet | None, tuple[int, dict[str, int]] | None]:
    preferred = book.meta.get("data_sheet")
    order = sorted(book.sheets, key=lambda s: (s.name != preferred, not s.visible))
    if book.has_meta:
        for sheet in order:
            found = _meta_columns(book, sheet, spec)
            if found is not None:
                return sheet, found
    for sheet in order:
        header = find_header(sheet, spec)
        if header is not None:
            return sheet, header
    return None, None


def _merged_values(sheet: RawSheet, header0: int, columns: set[int]) -> dict[tuple[int, int], tuple[Any, str]]:
    """Cells of the table's ``columns`` covered by a merged range below the header: (value of the
    range, range as A1:B2). Only rows the sheet has count: a range may claim the whole sheet."""
    out: dict[tuple[int, int], tuple[Any, str]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r2 <= header0:
            continue
        value = sheet.cell(r1, c1)
        if is_blank(value):
            continue  # nothing to repeat
        name = f"{xl_rowcol_to_cell(r1, c1)}:{xl_rowcol_to_cell(r2, c2)}"
        for r in range(max(r1, header0 + 1), min(r2, len(sheet.rows) - 1) + 1):
            for c in columns:
                if c1 <= c <= c2 and (r, c) != (r1, c1):
                    out[(r, c)] = (value, name)
    return out


def _collect_rows(located: Located, sheet: RawSheet, spec: Spec) -> None:
    header0 = located.header_row - 1
    layout = meta_layout(located.book.meta) if located.book.has_meta else None
    meta_rows = layout[2] if layout is not None else {}
    items = spec.items_for(located.unit_code) if spec.rows == "fixed" else []
    item_ids = {item.id for item in items}
    located.columns.update(_item_text_columns(sheet, header0, located, spec, items))
    merged = _merged_values(sheet, header0, set(located.columns.values()))
    # The locked 上期 columns of a template with history: shown to the unit, not read back.
    mapped_cols = set(located.columns.values()) | _previous_columns(
        sheet.rows[header0] if header0 < len(sheet.rows) else []
    )
    field_by_col = {c: spec.field(f) for f, c in located.columns.items()}
    group_rows = meta_groups(located.book.meta) if located.book.has_meta and items else set()
    headings = {key for item in items if (key := heading_key(item.group))}
    input_cols = {c for f, c in located.columns.items() if field_by_col[c].is_input}
    seen_items: set[str] = set()
    where: dict[str, Any] = {"unit": located.unit_code, "file": located.book.name, "sheet": sheet.name}
    columns = list(located.columns.items())
    unmapped: dict[int, list[int]] = {}  # a row's width -> its columns outside the fields
    for r in range(header0 + 1, len(sheet.rows)):
        row = r + 1
        line = sheet.rows[r]
        width = len(line)
        if items and meta_rows.get(row) not in item_ids and _is_group_row(row, line, group_rows, headings, input_cols):
            continue  # a group heading (一、…): never data
        cells: dict[str, Any] = {}
        for field_id, c in columns:
            value = line[c] if c < width else None
            if merged and is_blank(value) and (r, c) in merged and not is_blank(merged[(r, c)][0]):
                value = _from_merged(located, field_by_col[c], r, c, merged[(r, c)], where)
            cells[field_id] = value
        # (is_blank, written out: a province's returns have millions of cells)
        values = {k: v for k, v in cells.items() if v is not None and (not isinstance(v, str) or v.strip())}
        if width not in unmapped:
            unmapped[width] = [c for c in range(width) if c not in mapped_cols]
        extras = [(c, v) for c in unmapped[width] if not is_blank(v := line[c])]
        if not values and not extras:
            continue
        if _is_subtotal(cells, extras):
            located.issues.append(
                Issue(Code.I_SUBTOTAL_ROW, cell=f"A{row}", value=_row_text(cells, extras), params={"row": row}, **where)
            )
            continue
        if row in sheet.hidden_rows:
            located.issues.append(Issue(Code.I_HIDDEN_ROW, cell=f"A{row}", params={"row": row}, **where))
        for c, v in extras:
            located.issues.append(
                Issue(
                    Code.W_EXTRA_VALUE,
                    cell=xl_rowcol_to_cell(r, c),
                    value=shown(v),
                    params={"column": xl_col_to_name(c)},
                    **where,
                )
            )
        if not values:
            continue
        if spec.rows == "open":
            located.rows.append(RawRow(row, None, cells))
            continue
        item_id = _match_item(row, cells, meta_rows, items, item_ids, spec)
        if item_id is None or item_id in seen_items:
            if any(f.is_input and f.id in values for f in spec.fields):
                located.issues.append(
                    Issue(
                        Code.E_UNKNOWN_ITEM,
                        cell=f"A{row}",
                        value=_row_text(cells, [])[:80],
                        params={"row": row},
                        **where,
                    )
                )
            continue
        seen_items.add(item_id)
        located.rows.append(RawRow(row, item_id, cells))
    # Far-away cells, and formulas without a result outside the fields (calamine shows them blank).
    outside = [
        (ref, formula)
        for ref, formula in sheet.formulas.items()
        if ref_row(ref) > header0 + 1 and col_index(split_ref(ref)[0]) not in mapped_cols
    ]
    for ref, value in [*sheet.stray, *outside]:
        located.issues.append(
            Issue(Code.W_EXTRA_VALUE, cell=ref, value=shown(value), params={"column": split_ref(ref)[0]}, **where)
        )
    for item in items:
        if item.id not in seen_items:
            values = item.values_for(located.unit_code)
            # In the order of the fields, however the spec was read (a file, or the JSON a return carries).
            label = " ".join(shown(values[f.id]) for f in spec.fields if values.get(f.id) is not None)
            located.issues.append(Issue(Code.W_MISSING_ROW, value=label[:80], **where))


def _is_group_row(
    row: int, line: Sequence[Any], group_rows: set[int], headings: set[str], input_cols: set[int]
) -> bool:
    """A row holding only a group heading: one of the template's locked heading rows, or a heading
    a unit retyped or pasted (一、… or a heading of the spec, outside the columns units fill in)."""
    texts = [(c, v) for c, v in enumerate(line) if not is_blank(v)]
    if not texts or not all(isinstance(v, str) for _, v in texts):
        return False
    distinct = list(dict.fromkeys(v.strip() for _, v in texts))
    if len(distinct) == 2 and is_numbering(distinct[0]):
        words, numbered = distinct[1], True  # 一、 | 致力“民生提档”… in two cells
    elif len(distinct) == 1:
        words, numbered = distinct[0], is_heading(distinct[0])
    else:
        return False
    if row in group_rows:
        return True
    if any(c in input_cols for c, _ in texts):
        return False  # typed where units write: never dropped without a word
    key = heading_key(words)
    known = bool(key) and any(key == h or (len(key) >= 4 and (key in h or h in key)) for h in headings)
    return known or numbered


_PREVIOUS_HEADS = ("上期", "previous")


def _previous_columns(header: Sequence[Any]) -> set[int]:
    return {c for c, v in enumerate(header) if isinstance(v, str) and normalise(v).startswith(_PREVIOUS_HEADS)}


def _item_text_columns(
    sheet: RawSheet, header0: int, located: Located, spec: Spec, items: list[Item]
) -> dict[str, int]:
    """Unnamed columns that repeat an item's own text (a 项目名称 column for 民生实事项目):
    field id → column, so that they match rows to items instead of being W-EXTRA-VALUE."""
    free = [f for f in spec.fields if f.source == "item" and f.kind.free_text and f.id not in located.columns]
    if not free or not items:
        return {}
    texts = {
        f.id: {normalise(shown(v)) for item in items if (v := item.values_for(located.unit_code).get(f.id)) is not None}
        for f in free
    }
    taken = set(located.columns.values())
    found: dict[str, int] = {}
    body = sheet.rows[header0 + 1 :]
    width = max((len(row) for row in body), default=0)
    for c in range(width):
        if c in taken:
            continue
        values = [normalise(shown(row[c])) for row in body if c < len(row) and not is_blank(row[c])]
        for f in free:
            hits = sum(1 for v in values if v in texts[f.id])
            if f.id not in found and hits and hits * 2 >= len(values):
                found[f.id] = c
                break
    return found


def _from_merged(
    located: Located, field: FieldSpec, r: int, c: int, merged: tuple[Any, str], where: dict[str, Any]
) -> Any:
    """A cell inside a merged range: text is repeated; a number is counted once (top-left only)."""
    value, name = merged
    cell = xl_rowcol_to_cell(r, c)
    if field.is_numeric:
        located.issues.append(
            Issue(
                Code.W_MERGED_NUMBER,
                cell=cell,
                field=field.id,
                value=shown(value),
                params={"label": field.label, "range": name},
                **where,
            )
        )
        return None
    located.issues.append(
        Issue(
            Code.I_CONVERTED,
            cell=cell,
            field=field.id,
            value="",
            params={"label": field.label, "result": shown(value), "how": Msg("note.merged", range=name)},
            **where,
        )
    )
    return value


def _is_subtotal(cells: dict[str, Any], extras: list[tuple[int, Any]]) -> bool:
    """Whether a row is a total (合计, 小计, Total…, however typed) in one of its first three texts."""
    texts: list[str] = []
    for value in itertools.chain(cells.values(), [v for _, v in extras] if extras else ()):
        if isinstance(value, str) and value.strip():
            texts.append(value)
            if len(texts) == 3:
                break
    hint = _SUBTOTAL_HINT.search
    if not any(hint(text) for text in texts):
        return False  # the usual row, decided without normalising
    return any(_SUBTOTAL.match(normalise(text)) for text in texts)


def _row_text(cells: dict[str, Any], extras: list[tuple[int, Any]]) -> str:
    parts = [shown(v) for v in cells.values() if not is_blank(v)] + [shown(v) for _, v in extras]
    return "；".join(parts)


def _match_item(
    row: int, cells: dict[str, Any], meta_rows: dict[int, str], items: list[Any], item_ids: set[str], spec: Spec
) -> str | None:
    if meta_rows.get(row) in item_ids:
        return meta_rows[row]
    item_fields = [f for f in spec.fields if f.source == "item" and f.id in cells]
    best, best_score = None, 0
    for item in items:
        values = item.values_for("")
        score = sum(
            1
            for f in item_fields
            if f.kind.free_text
            and values.get(f.id) is not None
            and normalise(shown(values[f.id])) == normalise(shown(cells[f.id]))
        )
        if score > best_score:
            best, best_score = item.id, score
    return best


def _labelled(rows: list[list[Any]], labels: tuple[str, ...], adjacent: bool = False) -> str:
    """The value of a label such as 联系人: after a colon in its cell, else its input cell.

    The input cell is the next cell to the right (``adjacent``: a template puts it there, so a
    blank one means nothing was typed), or in a pasted table the first non-blank cell to the
    right unless that is itself a label (联系电话 right of a blank 联系人 is not a contact).
    """
    wanted = {normalise(x) for x in labels}
    for row in rows:
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            head, tail = _label_parts(value)
            if normalise(head) not in wanted:
                continue
            if tail:
                return tail
            if adjacent:
                right = row[c + 1] if c + 1 < len(row) else None
                return "" if is_blank(right) or _is_label(right) else shown(right).strip()
            for right in row[c + 1 :]:
                if _is_label(right):
                    return ""
                if not is_blank(right):
                    return shown(right).strip()
            return ""
    return ""


def _label_parts(text: str) -> tuple[str, str]:
    """``联系人：王芳`` → (联系人, 王芳); a cell without a colon is all head."""
    match = re.match(r"^(.*?)[:：](.*)$", text.strip(), re.S)
    return (match[1], match[2].strip()) if match else (text.strip(), "")


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and normalise(_label_parts(value)[0]) in _KNOWN_LABELS


def unit_in_text(text: str, units: Sequence[UnitSpec]) -> str | None:
    """The unit a text names: its code or name exactly, else the longest unit name it contains."""
    key = normalise(text)
    for unit in units:
        if key in (normalise(unit.code), normalise(unit.name)):
            return unit.code
    contained = [u for u in units if normalise(u.name) in key]
    return max(contained, key=lambda u: len(u.name)).code if contained else None


def _guess_unit(top: list[list[Any]], book: RawBook, units: tuple[UnitSpec, ...]) -> tuple[str, str | None]:
    """(what was seen, unit code) from the 填报单位 cell, else from the file name (fuzzy)."""
    seen = _labelled(top, _UNIT_LABELS)
    candidates = [seen] if seen else []
    candidates.append(book.stem)
    names = {u.code: normalise(u.name) for u in units}
    # The 填报单位 cell outranks the file name, even when it only comes close to a unit's name.
    for text in candidates:
        code = unit_in_text(text, units)
        if code is not None:
            return text, code
        found = close_matches(normalise(text), names, cutoff=_FUZZY_CUTOFF, partial=True)
        if found:
            return text, found[0]
    return seen or book.stem, None


def _unknown_unit(book: RawBook, seen: str, units: tuple[UnitSpec, ...]) -> Issue:
    names = {u.name: normalise(u.name) for u in units}
    close = close_matches(normalise(seen), names, n=3, cutoff=0.4, partial=True)
    closest = Msg("closest_units", names=Joined(close)) if close else ""
    # The exact option that settles it, with the closest unit's name (or a placeholder).
    assign = Msg("assign_option", file=book.name, unit=close[0] if close else Msg("assign_unit"))
    return Issue(Code.E_UNKNOWN_UNIT, file=book.name, value=seen, params={"closest": closest, "assign": assign})
