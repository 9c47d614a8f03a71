"""``init --from``: a clerk's own task table (序号 / 任务 / 责任单位 ...) → items.csv and units.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..check import header_keys
from ..common import normalise, number_text
from ..errors import InputError
from ..spec import Spec
from ..spec.items import ITEM_UNITS_KEYS, split_units
from ..spec.tables import read_table
from ..text import Joined, Msg


def items_from_table(path: Path, spec: Spec) -> tuple[str, str]:
    """Turn an existing task table (序号 / 任务 / 责任单位 ...) into items.csv and units.csv text."""
    try:
        rows = read_table(path)
    except Exception as exc:
        raise InputError(Msg("kinds.cannot_read", file=path, error=exc)) from None
    item_fields = [f for f in spec.fields if f.source == "item"]
    unit_keys = {normalise(k) for k in ITEM_UNITS_KEYS}
    best: tuple[int, dict[str, int], int | None] | None = None
    for index, (_, row) in enumerate(rows[:30]):
        columns: dict[str, int] = {}
        unit_col: int | None = None
        for c, value in enumerate(row):
            label = normalise(str(value or ""))
            if not label:
                continue
            if label in unit_keys and unit_col is None:
                unit_col = c
                continue
            for f in item_fields:
                if f.id not in columns and label in header_keys(f):
                    columns[f.id] = c
                    break
        score = len(columns) + (unit_col is not None)
        if best is None or score > len(best[1]) + (best[2] is not None):
            best = (index, columns, unit_col)
    if best is None or len(best[1]) < 1:
        labels = Joined([*(f.label for f in item_fields), "责任单位"])
        raise InputError(Msg("kinds.no_header", file=path, labels=labels))
    header_index, columns, unit_col = best
    unit_names: list[str] = []
    items: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for _, row in rows[header_index + 1 :]:
        values = {fid: _text(row, c) for fid, c in columns.items()}
        if not any(values.values()):
            continue
        # Merged cells (a group heading spanning rows) arrive as blanks: carry the value down.
        for fid in columns:
            if not values[fid] and fid != "no":
                values[fid] = last.get(fid, "")
        names = split_units(_text(row, unit_col)) if unit_col is not None else []
        for name in names:
            if name not in unit_names:
                unit_names.append(name)
        items.append({"id": f"T{len(items) + 1:02d}", **values, "units": "、".join(names)})
        last = values
    codes = {name: f"U{i + 1:02d}" for i, name in enumerate(unit_names)}
    units_out = io.StringIO()
    writer = csv.writer(units_out, lineterminator="\n")
    writer.writerow(["code", "name", "email", "contact", "phone"])
    for name, code in codes.items():
        writer.writerow([code, name, "", "", ""])
    items_out = io.StringIO()
    writer = csv.writer(items_out, lineterminator="\n")
    header = ["id", *columns, "units"]
    writer.writerow(header)
    for item in items:
        writer.writerow([item.get(k, "") for k in header])
    return items_out.getvalue(), units_out.getvalue()


def _text(row: list[Any], col: int | None) -> str:
    if col is None or col >= len(row) or row[col] is None:
        return ""
    return number_text(row[col]).strip()
