"""The spec as a workbook the clerk edits in Excel or WPS (XLSForm-style): ``report.xlsx``.

Sheets 报表 (key · value), 栏目 (a row per field), 单位, 事项 (items, per-unit targets as
``年度目标@兰山区`` columns), 规则 and 设置 (e-mail settings and the document's wording, dotted keys).
Headers and closed-list values may be written in Chinese or English (``文本`` or ``text``,
``求和`` or ``sum``). The data read is the same as from ``report.yaml``, so a workbook and a YAML
file make the same spec; problems point at cells: ``report.xlsx 栏目!D7``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..common import normalise, number_text, xl_rowcol_to_cell
from ..errors import SpecError, SpecProblem
from ..fields import TYPES
from ..text import LANGS, Msg, t
from .build import Locator, build_spec
from .model import Spec

SHEETS = ("report", "fields", "units", "items", "rules", "settings")
REPORT_KEYS = ("id", "title", "issuer", "period", "deadline", "language", "contact", "rows", "max_rows")
FIELD_KEYS = (
    "id",
    "label",
    "type",
    "required",
    "source",
    "min",
    "max",
    "choices",
    "order",
    "aggregate",
    "formula",
    "unit",
    "measure",
    "max_length",
    "pattern",
    "aliases",
    "help",
    "width",
    "cumulative",
    "prefill",
)
LIST_KEYS = frozenset({"choices", "order", "aliases"})
RULE_KEYS = ("id", "when", "level", "message")
UNIT_KEYS = ("code", "name", "email", "contact", "phone", "parent")
AGGREGATES = ("sum", "mean", "min", "max", "count", "join", "worst", "first", "none")
LIST_SPLIT = re.compile(r"[、,，;；\n]+")


def _words(key: str) -> set[str]:
    """A catalogue text in every language, compared loosely."""
    return {normalise(t(key, lang)) for lang in LANGS}


def _lookup(prefix: str, keys: Iterable[str]) -> dict[str, str]:
    """Loose header or value text (either language, or the key itself) → key."""
    out: dict[str, str] = {}
    for key in keys:
        out[normalise(key)] = key
        for word in _words(f"{prefix}.{key}"):
            out.setdefault(word, key)
    return out


class _CellLocator(Locator):
    """Locations in a workbook: the cell of each value (``report.xlsx 栏目!D7``)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.cells: dict[tuple[Any, ...], str] = {}

    def at(self, loc: Sequence[Any]) -> tuple[str, int | None]:
        path = tuple(loc)
        while path and path not in self.cells:
            path = path[:-1]
        cell = self.cells.get(path)
        return (f"{self.filename} {cell}" if cell else self.filename), None


def load_workbook_spec(path: Path) -> Spec:
    """Read ``report.xlsx``; raise :class:`SpecError` with cell locations on any problem."""
    from python_calamine import CalamineWorkbook

    filename = str(path)
    try:
        book = CalamineWorkbook.from_path(filename)
    except Exception as exc:
        raise SpecError([SpecProblem(filename, None, "", Msg("spec.cannot_read", error=exc))]) from None
    sheets = {_sheet_key(name): name for name in book.sheet_names}
    locator = _CellLocator(filename)

    def rows(key: str) -> tuple[str, list[list[Any]]]:
        name = sheets.get(key, "")
        if not name:
            return "", []
        return name, [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]

    missing = [t(f"book.sheet.{key}", "zh") for key in ("report", "fields") if key not in sheets]
    if missing:
        raise SpecError([SpecProblem(filename, None, "", Msg("spec.book_sheets", sheets=", ".join(missing)))])
    data: dict[str, Any] = {"version": 1}
    data.update(_report(*rows("report"), locator))
    data["fields"] = _table(*rows("fields"), locator, "fields", _lookup("book.field", FIELD_KEYS), _field_value)
    data["rules"] = _table(*rows("rules"), locator, "rules", _lookup("book.rule", RULE_KEYS), _rule_value)
    data["units"] = _table(*rows("units"), locator, "units", _lookup("book.unit", UNIT_KEYS), _text_value)
    data["items"] = _items(*rows("items"), locator)
    data.update(_settings(*rows("settings"), locator))
    return build_spec(data, locator, path.parent, path)


def report_key(label: Any) -> str | None:
    """The 报表 sheet's key (period, title...) of a row label, written in either language."""
    return _lookup("book.report", REPORT_KEYS).get(normalise(str(label))) if not _blank(label) else None


def column_key(sheet: str, label: Any) -> str | None:
    """The key (label, help, message...) of a column of the 栏目 or 规则 sheet (``sheet``:
    ``fields`` or ``rules``) by its header, written in either language."""
    keys = FIELD_KEYS if sheet == "fields" else RULE_KEYS
    return _lookup(f"book.{sheet[:-1]}", keys).get(normalise(str(label))) if not _blank(label) else None


def sheet_key(name: str) -> str:
    """A spec workbook's sheet (report, fields...) by its name in either language; "" if none."""
    return _sheet_key(name)


def _sheet_key(name: str) -> str:
    for key in SHEETS:
        if normalise(name) in _words(f"book.sheet.{key}") | {key}:
            return key
    return ""


def _cell(sheet: str, row: int, col: int) -> str:
    return f"{sheet}!{xl_rowcol_to_cell(row, col)}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text_value(key: str, value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return number_text(value).strip() if not isinstance(value, str) else value.strip()


def _report(sheet: str, rows: list[list[Any]], locator: _CellLocator) -> dict[str, Any]:
    keys = _lookup("book.report", REPORT_KEYS)
    report: dict[str, Any] = {}
    top: dict[str, Any] = {}
    for r, row in enumerate(rows):
        if len(row) < 2 or _blank(row[0]):
            continue
        key = keys.get(normalise(str(row[0])))
        if key is None:
            continue  # the header row, notes
        value = row[1]
        if _blank(value):
            continue
        if key in ("rows", "max_rows"):
            top[key] = _closed("book.rows", ("fixed", "open"), value) if key == "rows" else value
            locator.cells[(key,)] = _cell(sheet, r, 1)
            continue
        if key == "period" and isinstance(value, dt.datetime | dt.date):
            value = f"{value.year}-{value.month:02d}"  # Excel made 2025-09 a date
        elif key == "deadline" and isinstance(value, dt.datetime):
            value = value.date()
        elif not isinstance(value, dt.date):
            value = _text_value(key, value)
        report[key] = value
        locator.cells[("report", key)] = _cell(sheet, r, 1)
    locator.cells[("report",)] = f"{sheet}!A1"
    return {"report": report, **top}


def _closed(prefix: str, keys: Sequence[str], value: Any) -> Any:
    """A value of a closed list, written in either language (or as the key itself)."""
    if not isinstance(value, str):
        return value
    return _lookup(prefix, keys).get(normalise(value), value.strip())


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        word = normalise(value)
        if word in _words("yes") | {"true", "√", "y", "1"}:
            return True
        if word in _words("no") | {"false", "×", "n", "0", ""}:
            return False
    return value


def _field_value(key: str, value: Any) -> Any:
    if key == "type" and isinstance(value, str):
        types = {normalise(kind.label(lang)): name for name, kind in TYPES.items() for lang in LANGS}
        return types.get(normalise(value), value.strip())
    if key == "aggregate":
        return _closed("book.agg", AGGREGATES, value)
    if key == "source":
        return _closed("book.source", ("item",), value)
    if key == "prefill":
        return _closed("book.prefill", ("last",), value)
    if key in ("required", "measure", "cumulative"):
        return _yes_no(value)
    if key in LIST_KEYS:
        return [part.strip() for part in LIST_SPLIT.split(_text_value(key, value)) if part.strip()]
    if key in ("id", "label", "formula", "unit", "pattern", "help"):
        return _text_value(key, value)
    return value


def _rule_value(key: str, value: Any) -> Any:
    if key == "level":
        return _closed("book.level", ("error", "warning"), value)
    return _text_value(key, value)


def _table(
    sheet: str,
    rows: list[list[Any]],
    locator: _CellLocator,
    section: str,
    headers: dict[str, str],
    convert: Any,
) -> list[dict[str, Any]]:
    """A sheet of one row per entry under a header row: entries as the YAML would give them."""
    if not rows:
        return []
    header = [headers.get(normalise(str(h)), "") if not _blank(h) else "" for h in rows[0]]
    unknown = [(c, str(h)) for c, h in enumerate(rows[0]) if not _blank(h) and not header[c]]
    entries: list[dict[str, Any]] = []
    for r, row in enumerate(rows[1:], start=1):
        if all(_blank(v) for v in row):
            continue
        index = len(entries)
        entry: dict[str, Any] = {}
        for c, value in enumerate(row):
            if c < len(header) and header[c] and not _blank(value):
                entry[header[c]] = convert(header[c], value)
                locator.cells[(section, index, header[c])] = _cell(sheet, r, c)
        for c, label in unknown:  # a column nobody knows: reported as an unknown key, located
            if c < len(row) and not _blank(row[c]):
                entry[label] = row[c]
                locator.cells[(section, index, label)] = _cell(sheet, 0, c)
        locator.cells[(section, index)] = _cell(sheet, r, 0)
        entries.append(entry)
    locator.cells[(section,)] = f"{sheet}!A1"
    return entries


def _items(sheet: str, rows: list[list[Any]], locator: _CellLocator) -> list[dict[str, Any]]:
    """Items as rows under their header (ids, labels, ``应报单位``, ``年度目标@兰山区`` ...)."""
    if not rows:
        return []
    ids = _words("book.item.id")
    units = _words("book.item.units")
    group = _words("book.item.group")
    header = []
    for h in rows[0]:
        text = "" if _blank(h) else _text_value("", h)
        word = normalise(text)
        header.append("id" if word in ids else "units" if word in units else "group" if word in group else text)
    entries: list[dict[str, Any]] = []
    for r, row in enumerate(rows[1:], start=1):
        if all(_blank(v) for v in row):
            continue
        index = len(entries)
        entry: dict[str, Any] = {}
        for c, value in enumerate(row):
            if c < len(header) and header[c] and not _blank(value):
                entry[header[c]] = value.strip() if isinstance(value, str) else value
                locator.cells[("items", index, header[c])] = _cell(sheet, r, c)
        locator.cells[("items", index)] = _cell(sheet, r, 0)
        entries.append(entry)
    locator.cells[("items",)] = f"{sheet}!A1"
    return entries


def _settings(sheet: str, rows: list[list[Any]], locator: _CellLocator) -> dict[str, Any]:
    """``mail.subject``, ``smtp.host``, ``document.progress``...: the other sections, dotted."""
    out: dict[str, dict[str, Any]] = {}
    for r, row in enumerate(rows):
        if len(row) < 2 or _blank(row[0]) or _blank(row[1]) or "." not in str(row[0]):
            continue
        section, key = str(row[0]).strip().split(".", 1)
        value = row[1]
        out.setdefault(section, {})[key] = value.strip() if isinstance(value, str) else value
        locator.cells[(section, key)] = _cell(sheet, r, 1)
    return dict(out)
