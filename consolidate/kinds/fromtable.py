"""``init --from``: a clerk's own task table, read as it is, becomes a report — nothing lost.

Title rows above the header give the title; merged cells are carried down; rows that are group
headings (a cell merged across the table, or ``一、`` / ``（一）`` with no 序号) become groups; every
column is kept (text and numbers as locked item fields under their own labels; the column that
names units assigns them and is still shown); the wide layout, a merged 目标分解 over one column
per unit, gives per-unit targets. What became of each column, and every row skipped, is said.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import decode_text, normalise, number_text, xl_col_to_name
from ..errors import InputError
from ..spec import Spec
from ..spec.dates import normalise_period
from ..spec.items import split_units
from ..text import Msg

UNIT_HEADERS = (
    "责任科室",
    "责任单位",
    "牵头单位",
    "责任部门",
    "承办单位",
    "主办单位",
    "实施单位",
    "牵头科室",
    "责任处室",
    "填报单位",
    "单位",
)
NUMBER_HEADERS = ("序号", "编号", "no", "序")
PER_UNIT_GROUPS = ("分解", "分配", "下达", "各单位", "各乡镇", "各县区", "各镇")
KNOWN_IDS = {
    "序号": "no",
    "编号": "no",
    "重点任务": "task",
    "目标任务": "task",
    "工作任务": "task",
    "民生实事项目": "task",
    "项目": "task",
    "项目名称": "task",
    "任务名称": "task",
    "任务及要求内容": "content",
    "工作内容": "content",
    "任务内容": "content",
    "具体内容": "content",
    "主要内容": "content",
    "责任科室": "depts",
    "责任单位": "depts",
    "责任部门": "depts",
    "牵头单位": "lead",
    "牵头科室": "lead",
    "牵头领导": "leader",
    "分管领导": "leader",
    "责任领导": "leader",
    "完成时限": "due",
    "时间节点": "due",
    "完成时间": "due",
    "类别": "category",
    "分类": "category",
    "计量单位": "measure",
    "年度目标": "target",
    "目标值": "target",
    "目标任务数": "target",
    "备注": "remark",
}
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")
_NOTE = re.compile(r"^\s*(注|备注|说明|附注)[:：]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass
class Column:
    """One column of the clerk's table and what it became."""

    index: int
    label: str
    role: str  # no | units | text | number | per_unit | ignored
    field_id: str = ""
    unit: str = ""  # per_unit: the unit it holds the targets of
    group: str = ""  # the merged header cell above it (目标分解)


@dataclass
class Analysis:
    """What ``init --from`` found in a table, and what it did with each part."""

    title: str
    columns: list[Column]
    items: list[dict[str, Any]] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    skipped: list[tuple[int, Msg]] = field(default_factory=list)  # (row, why)
    header_rows: tuple[int, ...] = ()


def read_grid(path: Path, sheet: str | None = None) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    """Every row of the sheet (0-based, as typed) and its merged ranges (r1, c1, r2, c2)."""
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            text = decode_text(path.read_bytes())
            return [list(r) for r in csv.reader(io.StringIO(text))], []
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        if sheet is not None and sheet not in book.sheet_names:
            raise InputError(Msg("kinds.no_sheet", file=path, sheet=sheet, sheets=", ".join(book.sheet_names)))
        raw = book.get_sheet_by_name(sheet) if sheet is not None else book.get_sheet_by_index(0)
        rows = [list(r) for r in raw.to_python(skip_empty_area=False)]
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (raw.merged_cell_ranges or [])]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(Msg("kinds.cannot_read", file=path, error=exc)) from None
    return rows, merged


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return number_text(value).strip() if not isinstance(value, str) else value.strip()


def _filled(rows: list[list[Any]], merged: Sequence[tuple[int, int, int, int]]) -> list[list[str]]:
    """The grid as text, every cell of a merged range holding the range's value."""
    width = max((len(r) for r in rows), default=0)
    grid = [[_text(r[c]) if c < len(r) else "" for c in range(width)] for r in rows]
    for r1, c1, r2, c2 in merged:
        if r1 >= len(grid):
            continue
        value = grid[r1][c1] if c1 < width else ""
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                grid[r][c] = value
    return grid


def analyse(rows: list[list[Any]], merged: Sequence[tuple[int, int, int, int]]) -> Analysis:
    grid = _filled(rows, merged)
    width = max((len(r) for r in grid), default=0)
    header = _header_row(grid)
    if header is None:
        raise InputError(Msg("kinds.no_table"))
    title = next((_single(grid[r]) for r in range(header) if _single(grid[r])), "")
    across = [(c1, c2) for r1, c1, r2, c2 in merged if r1 == header and c2 > c1]
    two_rows = bool(across) and header + 1 < len(grid)
    columns = _columns(grid, header, two_rows, across, width)
    body_start = header + (2 if two_rows else 1)
    analysis = Analysis(title, columns, header_rows=(header, header + 1) if two_rows else (header,))
    _rows(grid, merged, body_start, analysis)
    return analysis


def _single(row: list[str]) -> str:
    """The one text of a row that holds just one (a title merged across the table)."""
    values = {v for v in row if v}
    return values.pop() if len(values) == 1 else ""


def _header_row(grid: list[list[str]]) -> int | None:
    best, best_score = None, 1
    for r, row in enumerate(grid[:20]):
        labels = [v for v in row if v]
        distinct = set(labels)
        if len(distinct) < 2 or any(len(v) > 24 for v in distinct):
            continue
        known = sum(1 for v in distinct if _known(v))
        score = len(distinct) + 2 * known
        if score > best_score:
            best, best_score = r, score
    return best


def _known(label: str) -> bool:
    word = normalise(label)
    return any(normalise(k) == word for k in (*KNOWN_IDS, *UNIT_HEADERS)) or any(g in label for g in PER_UNIT_GROUPS)


def _columns(
    grid: list[list[str]], header: int, two_rows: bool, across: list[tuple[int, int]], width: int
) -> list[Column]:
    body = grid[header + (2 if two_rows else 1) :]
    columns: list[Column] = []
    used: set[str] = set()
    unit_column_found = False
    for c in range(width):
        top = grid[header][c]
        group = next((top for c1, c2 in across if c1 <= c <= c2), "")
        label = grid[header + 1][c] if group and two_rows else top
        values = [row[c] for row in body if c < len(row) and row[c]]
        if not label and not values:
            columns.append(Column(c, "", "ignored"))
            continue
        label = label or f"{xl_col_to_name(c)}"
        if group and any(g in group for g in PER_UNIT_GROUPS):
            columns.append(Column(c, label, "per_unit", unit=label, group=group))
            continue
        word = normalise(label)
        if word in {normalise(h) for h in NUMBER_HEADERS} and "no" not in used:
            role = "no"
        elif not unit_column_found and word in {normalise(h) for h in UNIT_HEADERS}:
            role, unit_column_found = "units", True
        elif values and sum(1 for v in values if _NUMBER.match(v.replace(",", ""))) >= 0.7 * len(values):
            role = "number"
        else:
            role = "text"
        field_id = _field_id(label, role, used)
        used.add(field_id)
        columns.append(Column(c, label, role, field_id=field_id, group=group))
    return columns


def _field_id(label: str, role: str, used: set[str]) -> str:
    known = {normalise(k): v for k, v in KNOWN_IDS.items()}
    base = "no" if role == "no" else known.get(normalise(label), "target" if role == "number" else "text")
    if role == "number" and base not in ("target",) and base in used:
        base = "number"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _rows(grid: list[list[str]], merged: Sequence[tuple[int, int, int, int]], start: int, analysis: Analysis) -> None:
    columns = analysis.columns
    width = len(columns)
    spans = {(r1, c1): c2 - c1 + 1 for r1, c1, r2, c2 in merged}
    labels = [c.label for c in columns]
    no_column = next((c.index for c in columns if c.role == "no"), None)
    unit_column = next((c.index for c in columns if c.role == "units"), None)
    kept = [c for c in columns if c.role in ("no", "units", "text", "number")]
    level_one = ""
    group = ""
    for r in range(start, len(grid)):
        row = grid[r] + [""] * (width - len(grid[r]))
        cells = [row[c.index] for c in columns if c.role != "ignored"]
        texts = [v for v in cells if v]
        if not texts:
            continue
        if row[: len(labels)] == labels:
            analysis.skipped.append((r + 1, Msg("kinds.skip_header")))
            continue
        first = texts[0]
        merged_across = any(spans.get((r, c), 1) >= max(2, width // 2) for c in range(width)) and len(set(texts)) == 1
        numbered = no_column is not None and row[no_column] and not _HEADING.match(row[no_column])
        if len(set(texts)) == 1 and _NOTE.match(first):
            analysis.skipped.append((r + 1, Msg("kinds.skip_note")))
            continue
        if (merged_across or (_HEADING.match(first) and not numbered)) and len(set(texts)) <= 2:
            heading = first
            if re.match(r"^\s*[（(]", heading) and level_one:
                group = heading
            else:
                level_one = group = heading
            analysis.groups.append(heading)
            continue
        values = {c.field_id: row[c.index] for c in kept}
        names = _units(row[unit_column]) if unit_column is not None else []
        for name in names:
            if name not in analysis.units:
                analysis.units.append(name)
        per_unit = {c.unit: row[c.index] for c in columns if c.role == "per_unit" and row[c.index]}
        for name in per_unit:
            if name not in analysis.units:
                analysis.units.append(name)
        analysis.items.append({"values": values, "units": names, "per_unit": per_unit, "group": group, "row": r + 1})


def _units(text: str) -> list[str]:
    parts = split_units(text.replace("／", "/"))
    out: list[str] = []
    for part in parts:
        out += [p for p in re.split(r"\s+", part) if p] if re.search(r"\s", part) else [part]
    return out


# ---------------------------------------------------------------------------------------------
# The spec


_PERIOD_IN_TITLE = (
    re.compile(r"(\d{4})年?第?[一二三四1-4]季度"),
    re.compile(r"(\d{4})年?[上下]半年"),
    re.compile(r"(\d{4})年\d{1,2}月"),
)


def period_from_title(title: str, today: dt.date | None = None) -> str:
    """The period a title names (2025年第三季度, 9月份...), else the year."""
    for pattern in _PERIOD_IN_TITLE:
        match = pattern.search(title)
        if match:
            normal = normalise_period(match[0])
            if normal:
                return normal
    year_match = re.search(r"(\d{4})年", title)
    year = int(year_match[1]) if year_match else (today or dt.date.today()).year
    month = re.search(r"(\d{1,2})月份?", title)
    if month and 1 <= int(month[1]) <= 12:
        return f"{year}-{int(month[1]):02d}"
    return str(year)


def spec_data(
    analysis: Analysis,
    kind: Spec,
    *,
    title: str,
    period: str,
    deadline: str | None,
    issuer: str,
) -> dict[str, Any]:
    """The data of ``report.yaml`` for the table: its columns as item fields, the kind's inputs."""
    kept = [c for c in analysis.columns if c.role in ("no", "units", "text", "number")]
    per_unit = [c for c in analysis.columns if c.role == "per_unit"]
    item_fields: list[dict[str, Any]] = []
    if per_unit and not any(c.role == "number" for c in kept):
        # Targets given only per unit (目标分解): one target field holds them.
        kept.append(Column(per_unit[0].index, per_unit[0].group or "目标", "number", field_id="target"))
    for c in kept:
        entry: dict[str, Any] = {"id": c.field_id, "label": c.label, "source": "item"}
        if c.role == "number":
            entry.update(type="number", aggregate="sum")
        else:
            entry.update(type="text", aggregate="first")
        item_fields.append(entry)
    ids = {c.field_id for c in kept}
    inputs = []
    for f in kind.fields:
        if f.source == "item" or f.id in ids:
            continue
        if f.formula and not (set(_names(f.formula)) <= ids | {g.id for g in kind.fields if g.source != "item"}):
            continue
        inputs.append(f.model_dump(mode="json", exclude_defaults=True))
    input_ids = {f["id"] for f in inputs}
    rules = [
        r.model_dump(mode="json", exclude_defaults=True) for r in kind.rules if set(_names(r.when)) <= ids | input_ids
    ]
    codes = {
        name: f"U{i:02d}" if len(analysis.units) < 100 else f"U{i:03d}" for i, name in enumerate(analysis.units, 1)
    }
    target = next((c.field_id for c in kept if c.role == "number"), None)
    items = []
    for n, item in enumerate(analysis.items, start=1):
        entry = {"id": f"T{n:02d}" if len(analysis.items) < 100 else f"T{n:03d}", **item["values"]}
        if item["units"]:
            entry["units"] = [codes[name] for name in item["units"]]
        elif item["per_unit"]:
            entry["units"] = [codes[name] for name in item["per_unit"]]
        if item["per_unit"] and target:
            entry[target] = {codes[name]: value for name, value in item["per_unit"].items()}
        if item["group"]:
            entry["group"] = item["group"]
        items.append(entry)
    report_id = "report-" + period.lower()
    return {
        "version": 1,
        "report": {
            "id": report_id,
            "title": title,
            "issuer": issuer,
            "period": period,
            **({"deadline": deadline} if deadline else {}),
            "language": kind.report.language,
        },
        "units": [{"code": code, "name": name} for name, code in codes.items()],
        "items": items,
        "fields": item_fields + inputs,
        "rules": rules,
    }


def _names(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return []
    return [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
