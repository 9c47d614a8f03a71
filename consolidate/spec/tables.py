"""Units and items read from .csv or .xlsx tables named in the spec."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..common import decode_text, normalise, number_text
from ..errors import SpecProblem
from ..text import Msg
from .items import build_item
from .model import FieldSpec, Item, UnitSpec

UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "编码", "单位编码", "代码"),
    "name": ("name", "名称", "单位名称", "单位"),
    "email": ("email", "邮箱", "电子邮箱", "e-mail"),
    "contact": ("contact", "联系人"),
    "phone": ("phone", "电话", "联系电话"),
    "parent": ("parent", "上级", "上级单位"),
}


def read_table(path: Path) -> list[tuple[int, list[Any]]]:
    """Rows of the first sheet (or the CSV) with their 1-based line numbers, blank rows dropped."""
    rows: list[list[Any]]
    if path.suffix.lower() == ".csv":
        text = decode_text(path.read_bytes())
        rows = list(csv.reader(io.StringIO(text)))
    else:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return [(number, list(row)) for number, row in enumerate(rows, start=1) if any(str(cell).strip() for cell in row)]


def _open(path: Path) -> tuple[list[tuple[int, list[Any]]], list[SpecProblem]]:
    try:
        return read_table(path), []
    except FileNotFoundError:
        return [], [SpecProblem(str(path), None, "", Msg("spec.table_not_found"))]
    except Exception as exc:
        return [], [SpecProblem(str(path), None, "", Msg("spec.cannot_read", error=exc))]


def load_units(path: Path) -> tuple[list[UnitSpec], list[SpecProblem]]:
    rows, problems = _open(path)
    if not rows:
        return [], problems or [SpecProblem(str(path), None, "", Msg("spec.no_units"))]
    (_, header), body = rows[0], rows[1:]
    columns: dict[str, int] = {}
    for index, label in enumerate(header):
        for key, aliases in UNIT_COLUMNS.items():
            if normalise(str(label)) in {normalise(a) for a in aliases}:
                columns.setdefault(key, index)
    for key in ("code", "name"):
        if key not in columns:
            problems.append(SpecProblem(str(path), rows[0][0], key, Msg("spec.units_column", key=key)))
    if problems:
        return [], problems
    units = []
    for line, row in body:
        values = {key: _cell(row, index) for key, index in columns.items()}
        if not values["code"] or not values["name"]:
            problems.append(SpecProblem(str(path), line, "code", Msg("spec.unit_code_name")))
            continue
        units.append(UnitSpec(**values))
    return units, problems


def load_items(
    path: Path, fields: Sequence[FieldSpec], units: Sequence[UnitSpec]
) -> tuple[list[Item], list[SpecProblem]]:
    rows, problems = _open(path)
    if not rows:
        return [], problems or [SpecProblem(str(path), None, "", Msg("spec.no_items"))]
    (_, header), body = rows[0], rows[1:]
    keys = [str(h).strip() for h in header]
    items: list[Item] = []
    for ordinal, (line, row) in enumerate(body, start=1):
        entry = {key: _raw(row, index) for index, key in enumerate(keys) if key}
        item, item_problems = build_item(entry, fields, units, ordinal, lambda key, n=line: (str(path), n))
        problems += item_problems
        if item is not None:
            items.append(item)
    return items, problems


def _raw(row: Sequence[Any], index: int) -> Any:
    if index >= len(row):
        return None
    value = row[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _cell(row: Sequence[Any], index: int) -> str:
    value = _raw(row, index)
    return "" if value is None else number_text(value)
