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

from ..common import decode_text, normalise, number_text, xl_col_to_name, xl_rowcol_to_cell
from ..errors import InputError
from ..spec import Spec
from ..spec.dates import day_in_text, period_in_text
from ..spec.items import split_units
from ..text import Joined, Msg

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
    "事项": "task",
    "事项名称": "task",
    "工作事项": "task",
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
_BLANK = re.compile(r"^[-—–/／\\无]+$")  # a dash or 无 in a breakdown: nothing for that unit
# A sub-header naming a unit (城关镇卫生院, 兰山区, 医政科) rather than a figure.
_UNIT_NAME = re.compile(r"(卫生院|服务中心|卫生室|医院|保健院|中心|站|所|县|区|市|镇|乡|街道|社区|科|处|局|委)$")
# A sub-header under the breakdown that is the county's own figure, not a unit's.
_COUNTY_WORDS = frozenset(
    normalise(w) for w in ("合计", "小计", "总计", "全县", "全市", "全区", "全县合计", "全市合计", "全区合计", "县级")
)


@dataclass
class Column:
    """One column of the clerk's table and what it became."""

    index: int
    label: str
    role: str  # no | units | text | number | per_unit | ignored
    field_id: str = ""
    unit: str = ""  # per_unit: the unit it holds the targets of
    group: str = ""  # the merged header cell above it (目标分解)
    said: str = ""  # what init says of it, when not its role's usual words (kinds.col.<said>)
    filled: int = 0  # an input's cells the table had filled in (an earlier period's), not carried


@dataclass
class Analysis:
    """What ``init --from`` found in a table, and what it did with each part."""

    title: str
    columns: list[Column]
    items: list[dict[str, Any]] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    skipped: list[tuple[int, Msg]] = field(default_factory=list)  # (row, why)
    header_rows: tuple[int, ...] = ()  # 0-based
    title_cell: str = ""  # where the title was found (A1)
    # The texts above the table and of its header, (cell, text): where period and deadline are said.
    texts: list[tuple[str, str]] = field(default_factory=list)
    target: str = ""  # the number field holding the county's target and the per-unit targets
    warnings: list[Msg] = field(default_factory=list)
    unit_columns: list[str] = field(default_factory=list)  # letters of the per-unit columns
    # The inputs the table had filled in (an earlier period's report): item's index → field id →
    # (the text, its cell), for init to record as that period when it is before the new one.
    earlier: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Grid:
    """A sheet of the clerk's table as read: rows (0-based, as typed), merged ranges, its name."""

    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]]
    sheet: str  # "" for a CSV file


def read_table(path: Path, sheet: str | None = None) -> Grid:
    """Every row of the sheet (the first unless ``sheet``), its merged ranges and its name."""
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            text = decode_text(path.read_bytes())
            return Grid([list(r) for r in csv.reader(io.StringIO(text))], [], "")
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        if sheet is not None and sheet not in book.sheet_names:
            raise InputError(Msg("kinds.no_sheet", file=path, sheet=sheet, sheets=", ".join(book.sheet_names)))
        name = sheet if sheet is not None else book.sheet_names[0]
        raw = book.get_sheet_by_name(name)
        rows = [list(r) for r in raw.to_python(skip_empty_area=False)]
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (raw.merged_cell_ranges or [])]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(Msg("kinds.cannot_read", file=path, error=exc)) from None
    return Grid(rows, merged, name)


def read_grid(path: Path, sheet: str | None = None) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    """Every row of the sheet (0-based, as typed) and its merged ranges (r1, c1, r2, c2)."""
    grid = read_table(path, sheet)
    return grid.rows, grid.merged


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
    plain = [[_text(r[c]) if c < len(r) else "" for c in range(width)] for r in rows]  # not filled
    best = _header_row(grid)
    if best is None:
        raise InputError(Msg("kinds.no_table"))
    header, lower, spans = _two_rows(grid, plain, merged, best)
    title, title_cell = "", ""
    for r in range(header):
        if text := _single(grid[r]):
            title, title_cell = text, _first_cell(plain, r)
            break
    columns = _columns(grid, header, lower, spans, width)
    body_start = (lower if lower is not None else header) + 1
    header_rows = (header,) if lower is None else (header, lower)
    analysis = Analysis(title, columns, header_rows=header_rows, title_cell=title_cell)
    for r in range(header):
        for c, text in enumerate(plain[r]):
            if text:
                analysis.texts.append((xl_rowcol_to_cell(r, c), text))
    for r in header_rows:
        for c, text in enumerate(plain[r]):
            if text:
                analysis.texts.append((xl_rowcol_to_cell(r, c), text))
    per_unit = [c for c in columns if c.role == "per_unit"]
    if per_unit:
        # The units are the columns of the breakdown, whatever the rows give them.
        analysis.units = list(dict.fromkeys(c.unit for c in per_unit))
        analysis.unit_columns = [xl_col_to_name(c.index) for c in per_unit]
        numbers = [c for c in columns if c.role == "number"]
        target = next((c for c in numbers if c.field_id == "target"), None)
        target = target or next((c for c in numbers if "目标" in c.label), None)
        analysis.target = target.field_id if target is not None else ""
        if target is not None:
            target.said = "county"
    _rows(grid, merged, body_start, analysis)
    return analysis


def _first_cell(rows: list[list[str]], r: int) -> str:
    c = next((c for c, v in enumerate(rows[r]) if v), 0)
    return str(xl_rowcol_to_cell(r, c))


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


def _two_rows(
    grid: list[list[str]], plain: list[list[str]], merged: Sequence[tuple[int, int, int, int]], best: int
) -> tuple[int, int | None, list[tuple[int, int]]]:
    """(upper row, lower row or None, the upper row's group cells as column ranges): the header
    is two rows when a cell of one row stands over several labels of the next (目标分解 over one
    column per 卫生院), merged or not, and every other column is named once (merged down,
    repeated, or blank below)."""
    for upper in (best - 1, best):
        if upper < 0 or upper + 1 >= len(grid):
            continue
        spans = _spans(grid, plain, merged, upper)
        if spans:
            return upper, upper + 1, spans
    return best, None, []


def _spans(
    grid: list[list[str]], plain: list[list[str]], merged: Sequence[tuple[int, int, int, int]], upper: int
) -> list[tuple[int, int]]:
    top, low = plain[upper], plain[upper + 1]
    width = len(top)
    if len({v for v in grid[upper] if v}) < 2:
        return []  # a title over the header
    if any(len(v) > 24 or _NUMBER.match(v.replace(",", "")) for v in low if v):
        return []  # a data row
    across = {c1: c2 for r1, c1, r2, c2 in merged if r1 == upper and r2 == upper and c2 > c1}
    spans: list[tuple[int, int]] = []
    c = 0
    while c < width:
        if not top[c]:
            c += 1
            continue
        end = min(across.get(c, c), width - 1)
        if end == c:
            while (
                end + 1 < width
                and end + 1 not in across
                and low[end + 1]
                and (not top[end + 1] or top[end + 1] == top[c])
            ):
                end += 1
        sub = low[c : end + 1]
        if end > c and all(sub) and len(set(sub)) == len(sub):
            spans.append((c, end))
        c = end + 1
    inside = {c for c1, c2 in spans for c in range(c1, c2 + 1)}
    outside = [c for c in range(width) if c not in inside]
    # Every other column is named once: merged down, repeated, or blank below; and one has a name.
    if not any(top[c] for c in outside) or any(low[c] and low[c] != grid[upper][c] for c in outside):
        return []
    return spans


def _unit_like(label: str) -> bool:
    return bool(_UNIT_NAME.search(label)) and normalise(label) not in _COUNTY_WORDS


def _columns(
    grid: list[list[str]], header: int, lower: int | None, spans: list[tuple[int, int]], width: int
) -> list[Column]:
    body = grid[(lower if lower is not None else header) + 1 :]
    per_unit_spans = set()
    for c1, c2 in spans:
        group = grid[header][c1]
        subs = [grid[header + 1][c] for c in range(c1, c2 + 1)]
        units = [s for s in subs if normalise(s) not in _COUNTY_WORDS]
        if units and (any(g in group for g in PER_UNIT_GROUPS) or all(_unit_like(s) for s in units)):
            per_unit_spans.add((c1, c2))
    columns: list[Column] = []
    used: set[str] = set()
    unit_column_found = False  # a breakdown names the units itself: 牵头科室 beside it is shown only
    for c in range(width):
        span = next(((c1, c2) for c1, c2 in spans if c1 <= c <= c2), None)
        group = grid[header][span[0]] if span else ""
        label = grid[header + 1][c] if span else grid[header][c]
        if lower is not None and not label:
            label = grid[lower][c]
        # Heading rows (一、… merged across) hold one text in every column: not the column's values.
        values = [row[c] for row in body if c < len(row) and row[c] and len({v for v in row if v}) > 1]
        if not label and not values:
            columns.append(Column(c, "", "ignored"))
            continue
        label = label or f"{xl_col_to_name(c)}"
        if span in per_unit_spans and normalise(label) in _COUNTY_WORDS:
            # 全县 / 合计 under the breakdown: the county's own target.
            name = group if normalise(group) in {normalise(k) for k in KNOWN_IDS} else label
            field_id = _field_id(name, "number", used)
            used.add(field_id)
            columns.append(Column(c, name, "number", field_id=field_id, group=group))
            continue
        if span in per_unit_spans:
            columns.append(Column(c, label, "per_unit", unit=label, group=group))
            continue
        word = normalise(label)
        said = ""
        if word in {normalise(h) for h in NUMBER_HEADERS} and "no" not in used:
            role = "no"
        elif word in {normalise(h) for h in UNIT_HEADERS} and (unit_column_found or per_unit_spans):
            role, said = "text", "units_shown" if per_unit_spans else ""
        elif word in {normalise(h) for h in UNIT_HEADERS}:
            role, unit_column_found = "units", True
        elif values and sum(1 for v in values if _NUMBER.match(v.replace(",", ""))) >= 0.7 * len(values):
            role = "number"
        else:
            role = "text"
        field_id = _field_id(label, role, used)
        used.add(field_id)
        columns.append(Column(c, label, role, field_id=field_id, group=group, said=said))
    return columns


def _field_id(label: str, role: str, used: set[str]) -> str:
    known = {normalise(k): v for k, v in KNOWN_IDS.items()}
    # 事项/目标任务: the label as a whole, else the last of its parts that is known.
    parts = [normalise(label), *reversed([normalise(p) for p in re.split(r"[/／、]", label) if p.strip()])]
    found = next((known[p] for p in parts if p in known), None)
    base = "no" if role == "no" else found or ("target" if role == "number" else "text")
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
    target = next((c for c in kept if c.field_id == analysis.target), None) if analysis.target else None
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
        per_unit = {
            c.unit: row[c.index]
            for c in columns
            if c.role == "per_unit" and row[c.index] and not _BLANK.match(row[c.index])
        }
        item = {"values": values, "units": names, "per_unit": per_unit, "group": group, "row": r + 1}
        analysis.items.append(item)
        if analysis.unit_columns:
            _check_breakdown(analysis, item, target)


def _check_breakdown(analysis: Analysis, item: dict[str, Any], target: Column | None) -> None:
    """The county's target beside its breakdown: said when they differ, or when there is no breakdown."""
    name = _item_name(item["values"], analysis.columns)
    county = item["values"].get(target.field_id, "") if target is not None else ""
    if not item["per_unit"]:
        analysis.warnings.append(
            Msg(
                "kinds.no_breakdown",
                row=item["row"],
                item=name,
                n=len(analysis.units),
                columns=Joined(analysis.unit_columns),
            )
        )
        return
    numbers = [as_number(v) for v in item["per_unit"].values()]
    if target is None or not county or as_number(county) is None or None in numbers:
        return
    total = sum(n for n in numbers if n is not None)
    if abs(total - (as_number(county) or 0)) > 1e-9 * max(1.0, abs(total)):
        analysis.warnings.append(
            Msg(
                "kinds.target_sum",
                row=item["row"],
                item=name,
                label=target.label,
                county=county,
                total=number_text(round(total, 10)),
                n=len(numbers),
            )
        )


def as_number(text: str) -> float | None:
    plain = text.replace(",", "").replace("，", "")
    return float(plain) if _NUMBER.match(plain) else None


def _item_name(values: dict[str, Any], columns: list[Column]) -> str:
    """An item as a message names it: its 序号 and its first text (the task)."""
    no = next((values.get(c.field_id, "") for c in columns if c.role == "no"), "")
    text = next((values.get(c.field_id, "") for c in columns if c.role == "text" and values.get(c.field_id)), "")
    text = text if len(text) <= 30 else text[:29] + "…"
    return f"{no} {text}".strip()


def _units(text: str) -> list[str]:
    parts = split_units(text.replace("／", "/"))
    out: list[str] = []
    for part in parts:
        out += [p for p in re.split(r"\s+", part) if p] if re.search(r"\s", part) else [part]
    return out


# ---------------------------------------------------------------------------------------------
# The spec


def period_from_title(title: str, today: dt.date | None = None) -> str:
    """The period a title names (2025年第三季度, 9月份...), else its year, else this year."""
    found = period_in_text(title)
    return found[0] if found else str((today or dt.date.today()).year)


@dataclass(frozen=True)
class Found:
    """A value read from the table, with the cell and the words it was read from."""

    value: str
    cell: str
    text: str


def period_in_table(analysis: Analysis) -> Found | None:
    """The period the title says (2025年第一季度 → 2025-Q1), else another text above the table
    or of its header; a period finer than a year outranks a bare year wherever it is."""
    texts = _title_first(analysis)
    found = [(cell, text, hit) for cell, text in texts if (hit := period_in_text(text)) is not None]
    if not found:
        return None
    cell, text, (value, _) = next((f for f in found if "-" in f[2][0]), found[0])
    return Found(value, cell, text)


def deadline_in_table(analysis: Analysis, period: str) -> Found | None:
    """The day the title or a header cell gives as the cut-off (完成情况（截止4月15日）)."""
    for cell, text in _title_first(analysis):
        if (hit := day_in_text(text, period)) is not None:
            return Found(hit[0].isoformat(), cell, text)
    return None


_ISSUER = re.compile(
    r"^(.{2,24}?(?:卫生健康委员会|卫生健康委|卫生健康局|卫健委|卫健局|卫生局|委员会|局|委|办公室|中心))(?=\d{4}\s*年)"
)


def issuer_in_title(analysis: Analysis) -> Found | None:
    """The issuer a title begins with: 玉环市卫生健康局2025年第一季度… → 玉环市卫生健康局."""
    match = _ISSUER.match(analysis.title)
    return Found(match[1], analysis.title_cell, analysis.title) if match else None


def _title_first(analysis: Analysis) -> list[tuple[str, str]]:
    titled = [(c, t) for c, t in analysis.texts if c == analysis.title_cell and t == analysis.title]
    return titled + [(c, t) for c, t in analysis.texts if (c, t) not in titled]


def spec_data(
    analysis: Analysis,
    kind: Spec,
    *,
    title: str,
    period: str,
    deadline: str | None,
    issuer: str,
) -> dict[str, Any]:
    """The data of ``report.yaml`` for the table: its columns as item fields, the kind's inputs.

    A breakdown (目标分解 over one column per unit) gives each unit's target as the per-unit
    values of the target field; the county's own target (年度目标 beside it) stays the item's
    value of that field, so that the county's figure is the table's whoever returns.
    """
    kept = [c for c in analysis.columns if c.role in ("no", "units", "text", "number")]
    per_unit = [c for c in analysis.columns if c.role == "per_unit"]
    item_fields: list[dict[str, Any]] = []
    target = analysis.target
    if per_unit and not target:
        # Targets given only per unit (目标分解): one target field holds them.
        used = {c.field_id for c in kept}
        target = _field_id("target", "number", used)
        kept.append(Column(per_unit[0].index, per_unit[0].group or "目标", "number", field_id=target))
    _inputs_of_the_kind(analysis, kept, kind)
    kept = [c for c in kept if c.role != "input"]
    for c in kept:
        entry: dict[str, Any] = {"id": c.field_id, "label": c.label, "source": "item"}
        if c.role == "number":
            entry.update(type="number", aggregate="sum")
        else:
            entry.update(type="text", aggregate="first")
            if c.field_id == "measure":
                entry["measure"] = True  # 计量单位: figures of unlike items are never added up
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
    if not target:
        target = next((c.field_id for c in kept if c.role == "number"), "")
    items = []
    for n, item in enumerate(analysis.items, start=1):
        entry = {"id": f"T{n:02d}" if len(analysis.items) < 100 else f"T{n:03d}", **item["values"]}
        if item["per_unit"]:
            entry["units"] = [codes[name] for name in item["per_unit"]]
        elif item["units"]:
            entry["units"] = [codes[name] for name in item["units"]]
        if item["per_unit"] and target:
            entry.update({f"{target}@{codes[name]}": value for name, value in item["per_unit"].items()})
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


def _inputs_of_the_kind(analysis: Analysis, kept: list[Column], kind: Spec) -> None:
    """A column of the table headed as one of the kind's inputs (累计完成, 完成情况（截止4月15日）,
    存在问题, 自评) is where the units write that input: it becomes the input, not a locked copy
    beside it (the template would show the column twice, and a return pasted by hand would have
    two columns of that name). Filled in, it is an earlier period's report (a clerk starts from
    the last one): its cells are not carried into the new report, and ``init`` says how many."""
    names: dict[str, str] = {}
    for f in kind.fields:
        if f.source == "item":
            continue
        for name in (f.label, f.heading(kind.lang), *f.aliases):
            names.setdefault(normalise(name), f.id)
    taken: set[str] = set()
    for c in kept:
        if c.role not in ("text", "number") or (c.field_id and c.field_id == analysis.target):
            continue
        label = normalise(re.sub(r"[（(][^）)]*[）)]\s*$", "", c.label))
        field_id = names.get(normalise(c.label)) or names.get(label)
        if field_id is None or field_id in taken:
            continue
        taken.add(field_id)
        said = "computed" if kind.field(field_id).formula else "input"
        filled = 0
        for n, item in enumerate(analysis.items):
            text = str(item["values"].pop(c.field_id, "") or "").strip()
            if text:
                filled += 1
                if said == "input":
                    cell = f"{xl_col_to_name(c.index)}{item['row']}"
                    analysis.earlier.setdefault(n, {})[field_id] = (text, cell)
        c.role, c.field_id, c.filled = "input", field_id, filled
        c.said = f"{said}_refilled" if filled else said


def _names(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return []
    return [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
