"""A spec written as the workbook a clerk edits (``report.xlsx``), read back by
:mod:`consolidate.spec.workbook` into the same spec: sheets 报表, 栏目, 单位, 事项, 规则, 设置.

Closed lists (types, aggregates, required, levels) are drop-downs; headers and values are in the
report's language. Texts are written as texts, so 序号 ``01`` and targets stay what they were.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..common import KIND_SPEC, atomic_output, normalise
from ..fields import TYPES
from ..spec import Spec, spec_yaml_text
from ..spec.items import ITEM_GROUP_KEYS, ITEM_ID_KEYS, ITEM_UNITS_KEYS
from ..spec.workbook import (
    AGGREGATES,
    FIELD_KEYS,
    LIST_KEYS,
    REPORT_KEYS,
    RULE_KEYS,
    UNIT_KEYS,
)
from ..text import Lang, t
from .xlsx import HEADER_FILL, new_workbook, text_width

_LAST_ROW = 999  # drop-downs reach this far down the sheets the clerk adds rows to


def write_spec_workbook(spec: Spec, path: str | Path, lang: Lang | None = None) -> Path:
    """Write ``spec`` as ``report.xlsx`` (atomically); in ``lang`` (default: the report's)."""
    lang = lang or spec.lang
    path = Path(path)
    data = spec.to_dict()
    with atomic_output(path) as tmp:
        book = new_workbook(tmp, KIND_SPEC)
        header = book.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True})
        note = book.add_format({"font_color": "#595959", "text_wrap": True})
        _report(book, spec, lang, header, note)
        _fields(book, spec, lang, header)
        _table(
            book,
            t("book.sheet.units", lang),
            [t(f"book.unit.{k}", lang) for k in UNIT_KEYS],
            [[getattr(u, k) for k in UNIT_KEYS] for u in spec.units],
            header,
        )
        _items(book, spec, lang, header)
        _table(
            book,
            t("book.sheet.rules", lang),
            [t(f"book.rule.{k}", lang) for k in RULE_KEYS],
            [[r.id, r.when, t(f"book.level.{r.level}", lang), r.message] for r in spec.rules],
            header,
            {2: [t(f"book.level.{level}", lang) for level in ("error", "warning")]},
        )
        settings = [
            [f"{section}.{key}", value]
            for section in ("mail", "smtp", "imap", "document", "outliers", "upstream")
            for key, value in data.get(section, {}).items()
        ]
        _table(book, t("book.sheet.settings", lang), [t("book.key", lang), t("book.value", lang)], settings, header)
        book.close()
    return path


def _report(book: Any, spec: Spec, lang: Lang, header: Any, note: Any) -> None:
    sheet = book.add_worksheet(t("book.sheet.report", lang))
    for c, key in enumerate(("book.key", "book.value", "book.note")):
        sheet.write_string(0, c, t(key, lang), header)
    report = spec.report
    values: dict[str, Any] = {
        "id": report.id,
        "title": report.title,
        "issuer": report.issuer,
        "period": report.period,
        "deadline": report.deadline.isoformat() if report.deadline else "",
        "language": report.language,
        "contact": report.contact,
        "rows": t(f"book.rows.{spec.rows}", lang),
        "max_rows": spec.max_rows,
    }
    for r, key in enumerate(REPORT_KEYS, start=1):
        sheet.write_string(r, 0, t(f"book.report.{key}", lang))
        _value(sheet, r, 1, values[key])
        if f"book.note.{key}" in _NOTES:
            sheet.write_string(r, 2, t(f"book.note.{key}", lang), note)
    rows_row = REPORT_KEYS.index("rows") + 1
    sheet.data_validation(
        rows_row, 1, rows_row, 1, {"validate": "list", "source": _choices("book.rows", ("fixed", "open"), lang)}
    )
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 2, 50)
    sheet.freeze_panes(1, 0)


_NOTES = frozenset({"book.note.id", "book.note.period", "book.note.deadline", "book.note.language", "book.note.rows"})


def _choices(prefix: str, keys: tuple[str, ...], lang: Lang) -> list[str]:
    return [t(f"{prefix}.{key}", lang) for key in keys]


def _fields(book: Any, spec: Spec, lang: Lang, header: Any) -> None:
    separator = t("sep.list", lang)
    rows = []
    for field in spec.fields:
        dumped = field.model_dump(mode="json", exclude_defaults=True)
        row: list[Any] = []
        for key in FIELD_KEYS:
            value = dumped.get(key)
            if key == "type":
                value = TYPES[field.type].label(lang)
            elif value is None:
                pass
            elif key == "aggregate":
                value = t(f"book.agg.{value}", lang)
            elif key == "source":
                value = t("book.source.item", lang)
            elif key == "prefill":
                value = t(f"book.prefill.{value}", lang)
            elif key in ("required", "measure", "cumulative"):
                value = t("yes", lang) if value else ""
            elif key in LIST_KEYS:
                value = separator.join(value)
            row.append(value)
        rows.append(row)
    lists = {
        FIELD_KEYS.index("type"): [kind.label(lang) for kind in TYPES.values()],
        FIELD_KEYS.index("required"): [t("yes", lang), t("no", lang)],
        FIELD_KEYS.index("measure"): [t("yes", lang), t("no", lang)],
        FIELD_KEYS.index("cumulative"): [t("yes", lang), t("no", lang)],
        FIELD_KEYS.index("prefill"): [t("book.prefill.last", lang)],
        FIELD_KEYS.index("source"): [t("book.source.item", lang)],
        FIELD_KEYS.index("aggregate"): _choices("book.agg", AGGREGATES, lang),
    }
    _table(book, t("book.sheet.fields", lang), [t(f"book.field.{k}", lang) for k in FIELD_KEYS], rows, header, lists)


def _items(book: Any, spec: Spec, lang: Lang, header: Any) -> None:
    """Items by the item fields' labels (their ids where a label is ambiguous); the units when
    not every unit has the item; per-unit values in ``label@unit`` columns."""
    item_fields = [f for f in spec.fields if f.source == "item"]
    labels = [f.label for f in item_fields]
    # A label that names ids, units or groups when it heads an items column goes by its field id.
    reserved = {normalise(k) for k in (*ITEM_ID_KEYS, *ITEM_UNITS_KEYS, *ITEM_GROUP_KEYS)}
    reserved |= {normalise(t(f"book.item.{k}", lg)) for k in ("id", "units", "group") for lg in ("zh", "en")}
    titles = {
        f.id: f.label
        if labels.count(f.label) == 1 and normalise(f.label) not in reserved and "@" not in f.label
        else f.id
        for f in item_fields
    }
    everyone = tuple(u.code for u in spec.units)
    names = {u.code: u.name for u in spec.units}
    per_unit = [
        (f, code)
        for f in item_fields
        for code in everyone
        if any(code in item.per_unit.get(f.id, {}) for item in spec.items)
    ]
    explicit = any(item.units != everyone or set(item.per_unit) for item in spec.items)
    grouped = any(item.group for item in spec.items)
    columns = [t("book.item.id", lang), *(titles[f.id] for f in item_fields)]
    columns += [t("book.item.units", lang)] if explicit else []
    columns += [t("book.item.group", lang)] if grouped else []
    columns += [f"{titles[f.id]}@{names[code]}" for f, code in per_unit]
    separator = t("sep.list", lang)
    rows = []
    for item in spec.items:
        row: list[Any] = [item.id, *(item.values.get(f.id) for f in item_fields)]
        if explicit:
            row.append(separator.join(names[c] for c in item.units))
        if grouped:
            row.append(item.group)
        row += [item.per_unit.get(f.id, {}).get(code) for f, code in per_unit]
        rows.append(row)
    _table(book, t("book.sheet.items", lang), columns, rows, header)


def _table(
    book: Any,
    name: str,
    columns: list[str],
    rows: list[list[Any]],
    header: Any,
    lists: dict[int, list[str]] | None = None,
) -> None:
    sheet = book.add_worksheet(name)
    for c, title in enumerate(columns):
        sheet.write_string(0, c, title, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _value(sheet, r, c, value)
    for c, source in (lists or {}).items():
        sheet.data_validation(1, c, _LAST_ROW, c, {"validate": "list", "source": source, "ignore_blank": True})
    for c, title in enumerate(columns):
        longest = max([text_width(title), *(text_width(_shown(row[c])) for row in rows if c < len(row))])
        sheet.set_column(c, c, min(max(longest + 2, 8), 60))
    sheet.freeze_panes(1, 0)


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _value(sheet: Any, row: int, col: int, value: Any) -> None:
    """Numbers as numbers, everything else as the text it is (never a formula or a URL)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "true" if value else "false")
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, dict | list):
        sheet.write_string(row, col, json.dumps(value, ensure_ascii=False))
    else:
        sheet.write_string(row, col, str(value))


def write_spec_yaml(spec: Spec, path: str | Path) -> Path:
    """Write ``spec`` as one ``report.yaml`` (units and items inline), read back as the same spec."""
    path = Path(path)
    text = spec_yaml_text(spec)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
