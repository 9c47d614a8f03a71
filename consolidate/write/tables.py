"""MergeResult → the tables of the summary, shared by the workbook and JSON.

Each table is a list of typed rows plus column descriptions; the workbook writer adds formats,
formulas and charts, the JSON writer dumps the same values. Every figure comes from the merge
(:class:`~consolidate.merge.Figures`): these functions lay values out and compute nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from ..check import Level
from ..common import shown
from ..merge import Change, MergeResult, SummaryRow, with_cut_note
from ..spec import FieldSpec, Spec
from ..spec.expr import parse
from ..text import Lang, t
from ..version import __version__

Kind = str  # text | integer | number | percent | date | datetime | bool | choice


@dataclass
class Column:
    key: str
    title: str
    kind: Kind = "text"
    field: FieldSpec | None = None
    total: str = ""  # "sum": SUM() in the totals row; "formula": the field's formula on totals
    repeats: bool = False  # the same few texts on many rows (unit, item, file): stored once in the workbook


class LazyRows(Sequence[list[Any]]):
    """Rows made when iterated (明细 has one per record: they are not all held at once).

    ``make(start, stop)`` makes rows ``start`` to ``stop``; a slice makes only those rows.
    """

    def __init__(
        self,
        count: int,
        make: Callable[[int, int], Iterator[list[Any]]],
        shared: Callable[[int, int], Iterator[list[Any]]] | None = None,
    ) -> None:
        self.length = count
        self.make = make
        # The values of the repeating columns only, row by row (cheaper than the rows), when they
        # can be read without reading records back from disk.
        self.shared = shared

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[list[Any]]:
        return self.make(0, self.length)

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...

    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.length)
            return list(self.make(start, stop))[::step]
        start = index + self.length if index < 0 else index
        if not 0 <= start < self.length:
            raise IndexError(index)
        return next(self.make(start, start + 1))


@dataclass(frozen=True)
class Note:
    """What a cell's note says: the units (or items) a figure leaves out, or why a total is empty."""

    text: str
    left_out: tuple[dict[str, str], ...] = ()  # {"unit"|"item": code or id, "name": ..., "reason": ...}
    measures: tuple[str, ...] = ()  # the different units of measure of an empty total
    partial: bool = True  # the figure rests on fewer units than expected (marked in the workbook)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: Sequence[list[Any]]
    totals: list[Any] | None = None
    formula_columns: dict[str, str] = dataclasses.field(default_factory=dict)  # column key -> formula text
    # (row index, column key) -> its note; the totals row is row len(rows).
    notes: dict[tuple[int, str], Note] = dataclasses.field(default_factory=dict)
    # Computed cells over complete pairs: written as values, not as the formula of the cells beside.
    own: set[tuple[int, str]] = dataclasses.field(default_factory=set)
    headings: set[int] = dataclasses.field(default_factory=set)  # group heading rows (一、二…): not items
    series_name: str = ""  # 趋势: the column naming each line of its charts


def _field_kind(f: FieldSpec) -> Kind:
    return f.kind.kind()


def summary_table(result: MergeResult, lang: Lang, sheets: Mapping[str, Sequence[str]] | None = None) -> Table:
    """汇总. ``sheets``: row key -> the 明细 sheets holding its records, when 明细 is split (the
    note of a joined text cut short names them)."""
    spec = result.spec
    columns: list[Column] = []
    if spec.rows == "open":
        columns.append(Column("unit", t("col.unit_name", lang)))
    for f in spec.fields:
        how = f.effective_aggregate
        if f.formula:
            columns.append(Column(f.id, f.heading(lang), _field_kind(f), f, total="formula"))
        elif how != "none":
            kind = "integer" if how == "count" else _field_kind(f)
            total = "sum" if how in ("sum", "count") else ""
            columns.append(Column(f.id, f.heading(lang), kind, f, total=total))
    columns.append(Column("expected_units", t("col.expected_units", lang), "integer", total="sum"))
    columns.append(Column("reported_units", t("col.reported_units", lang), "integer", total="sum"))
    columns, changes = _with_changes(result, columns, lang)
    view = result.history
    rows: list[list[Any]] = []
    marked: list[SummaryRow] = []  # the figures behind each row, in the rows' order (notes, shading)
    behind: list[Mapping[str, Change]] = []  # and the changes behind its 上期/本期新增/环比
    headings: set[int] = set()
    groups = {row.key: row for row in result.figures.groups}
    heading_col = _heading_column(result, columns)
    for row in result.summary:
        group = spec.item_map[row.key].group if spec.rows == "fixed" else ""
        if group in groups:
            # The group's heading row (一、二…) above its first item, with its subtotals.
            subtotal = groups.pop(group)
            values = {**subtotal.values, "expected_units": subtotal.expected_units}
            values["reported_units"] = subtotal.reported_units
            if changes and view is not None:  # 上期, 本期新增 and 环比 of the group's items together
                members = [view.by_item.get(item.id, {}) for item in spec.items if item.group == group]
                summed = _summed_changes(changes, members)
                values.update(_change_values(changes, summed, subtotal.unlike))
                behind.append(summed)
            cells = [_out(c, values.get(c.key)) if c.total else None for c in columns]
            if heading_col is not None:
                cells[heading_col] = group
            headings.add(len(rows))
            rows.append(cells)
            marked.append(subtotal)
        values = {**row.values, "expected_units": row.expected_units, "reported_units": row.reported_units}
        if changes and view is not None:
            by_key = view.by_item if spec.rows == "fixed" else view.by_unit
            values.update(_change_values(changes, by_key.get(row.key, {})))
            behind.append(by_key.get(row.key, {}))
        for field_id, left_out in row.cut.items():
            values[field_id] = with_cut_note(
                values[field_id], left_out, lang, sheets.get(row.key, ()) if sheets else ()
            )
        if spec.rows == "open":
            values["unit"] = spec.unit_map[row.key].name
        rows.append([_out(c, values.get(c.key)) for c in columns])
        marked.append(row)
    totals_values = {
        **result.total.values,
        "expected_units": result.total.expected_units,
        "reported_units": result.total.reported_units,
        **(_change_values(changes, view.total, result.total.unlike) if changes and view is not None else {}),
    }
    totals = [_out(c, totals_values.get(c.key)) if c.total else None for c in columns]
    label_col = next((i for i, c in enumerate(columns) if c.kind == "text" and not c.total), None)
    if label_col is not None:
        totals[label_col] = t("total", lang)
    formulas = {f.id: f.formula or "" for f in spec.fields if f.formula}
    table = Table("summary", t("sheet.summary", lang), columns, rows, totals, {**formulas, **_change_formulas(changes)})
    table.headings = headings
    _mark(table, result, [*marked, result.total], lang)
    if changes and view is not None:
        _mark_changes(table, result, changes, [*marked, result.total], [*behind, view.total], lang)
    _mark_unreported(table, result, marked, lang)
    _mark_not_updated(table, result, marked, lang)
    return table


def _mark_not_updated(table: Table, result: MergeResult, marked: Sequence[SummaryRow], lang: Lang) -> None:
    """A joined text with a unit's part sent back word for word as its template started it
    (I-NOT-UPDATED) says whose: last period's words are not read as this period's."""
    found: dict[tuple[str, str], list[str]] = {}  # (item, field) → the units, with their period
    for (unit, item, field_id), period in result.not_updated().items():
        name = t("partial.older_one", lang, name=result.spec.unit_map[unit].name, period=period)
        found.setdefault((item, field_id), []).append(name)
    for r, row in enumerate(marked):
        for column in table.columns:
            units = found.get((row.key, column.key))
            if units and (r, column.key) not in table.notes:
                text = t("note.not_updated", lang, units=t("sep.list", lang).join(units))
                table.notes[(r, column.key)] = Note(text, partial=False)


def _mark_unreported(table: Table, result: MergeResult, marked: Sequence[SummaryRow], lang: Lang) -> None:
    """The empty cells of an item nobody has reported yet (完成情况, 自评, 累计完成) say why they are
    empty, naming the units asked: a blank is otherwise read as "no progress"."""
    spec = result.spec
    if spec.rows != "fixed":
        return
    for r, row in enumerate(marked):
        item = spec.item_map.get(row.key)
        if r in table.headings or item is None or row.reported_units or not item.units:
            continue
        note = _left_out_note(result, item.units, False, lang)
        for c, column in enumerate(table.columns):
            f = column.field
            if f is None or f.source == "item" or column.key != f.id or (r, column.key) in table.notes:
                continue
            if table.rows[r][c] in (None, ""):
                table.notes[(r, column.key)] = note


def _heading_column(result: MergeResult, columns: Sequence[Column]) -> int | None:
    """Where a group's heading goes: the item's task column, else the first text column."""
    task = result.spec.roles.text
    at = next((i for i, c in enumerate(columns) if task is not None and c.key == task.id), None)
    return at if at is not None else next((i for i, c in enumerate(columns) if c.kind == "text" and not c.total), None)


def _mark(table: Table, result: MergeResult, marked: Sequence[SummaryRow], lang: Lang, items: bool = False) -> None:
    """The notes and shading of the figures behind each row: who is left out, complete pairs,
    totals left empty for unlike measures. ``items``: the rows' left-out are items (分单位)."""
    shown_keys = {c.key for c in table.columns}
    for r, row in enumerate(marked):
        for field_id, where in row.left_out.items():
            if field_id in shown_keys and row.values.get(field_id) is not None:
                pairs = field_id in row.own
                note = (
                    _items_note(result, where, pairs, lang)
                    if items and row.key
                    else _left_out_note(result, where, pairs, lang)
                )
                table.notes[(r, field_id)] = note
        table.own |= {(r, field_id) for field_id in row.own if field_id in shown_keys}
        for field_id, measures in row.unlike.items():
            text = t("unlike.note", lang, measures=_measures(measures, lang))
            for key in (field_id, f"{field_id}__prev", f"{field_id}__new", f"{field_id}__ratio"):
                if key in shown_keys:
                    table.notes[(r, key)] = Note(text, measures=measures, partial=False)


def _left_out_note(result: MergeResult, units: Sequence[str], pairs: bool, lang: Lang) -> Note:
    """未计入：基层卫生科（未填或填报有误）、龙溪镇卫生院（未报送）."""
    left_out = tuple(_left_out_entry(result, code, False, "invalid", lang) for code in units)
    text = t("partial.note", lang, units=t("sep.list", lang).join(_shown(u, lang) for u in left_out))
    return Note(f"{text}\n{t('partial.pairs', lang)}" if pairs else text, left_out)


def _unit_reason(result: MergeResult, code: str) -> str:
    """Why a unit's figure is left out: its return's values (``invalid``), a blank return, none."""
    if code in result.returns:
        return "invalid"
    return "blank" if result.statuses[code] == "blank" else "missing"


def by_unit_table(result: MergeResult, lang: Lang) -> Table:
    """分单位: each unit's figures over its own items, as the merge computed them."""
    spec = result.spec
    columns = [
        Column("unit_code", t("col.unit_code", lang)),
        Column("unit_name", t("col.unit_name", lang)),
        Column("status", t("col.status", lang)),
        Column("rows", t("col.rows", lang), "integer", total="sum"),
    ]
    sums = [f for f in spec.fields if f.is_numeric and not f.formula and f.effective_aggregate == "sum"]
    columns += [Column(f.id, f.heading(lang), _field_kind(f), f, total="sum") for f in sums]
    have = {f.id for f in sums}
    computable = [f for f in spec.fields if f.formula and parse(f.formula).names <= have]
    columns += [Column(f.id, f.heading(lang), _field_kind(f), f, total="formula") for f in computable]
    for f in spec.fields:
        if f.effective_aggregate == "worst":
            for choice in f.worst_order:
                columns.append(Column(f"{f.id}={choice}", t("col.count_of", lang, v=choice), "integer", total="sum"))
    columns += [
        Column("errors", t("col.errors", lang), "integer", total="sum"),
        Column("warnings", t("col.warnings", lang), "integer", total="sum"),
    ]
    columns, changes = _with_changes(result, columns, lang)
    view = result.history
    figures = result.figures
    subs = {s.unit_code: s for s in result.submissions}
    rows: list[list[Any]] = []
    for row in figures.units:
        sub = subs[row.key]
        counts = result.counts_for(row.key)
        values: dict[str, Any] = {
            **row.values,
            "unit_code": row.key,
            "unit_name": spec.unit_map[row.key].name,
            "status": t(f"status.{sub.status}", lang),
            "rows": sub.rows if sub.status in ("returned", "duplicate") else 0,
            "errors": counts[Level.ERROR],
            "warnings": counts[Level.WARNING],
        }
        if changes and view is not None:
            values.update(_change_values(changes, view.by_unit.get(row.key, {}), row.unlike))
        rows.append([_out(c, values.get(c.key)) for c in columns])
    total = figures.unit_total
    totals: list[Any] = [None] * len(columns)
    if total is not None:
        total_values = dict(total.values)
        for key in ("rows", "errors", "warnings"):  # counts of the rows above, not figures
            at = next(i for i, c in enumerate(columns) if c.key == key)
            total_values[key] = sum(r[at] for r in rows if isinstance(r[at], int))
        if changes and view is not None:
            total_values.update(_change_values(changes, view.total, total.unlike))
        totals = [_out(c, total_values.get(c.key)) if c.total else None for c in columns]
    totals[1] = t("total", lang)
    table = Table(
        "by_unit",
        t("sheet.by_unit", lang),
        columns,
        rows,
        totals,
        {**{f.id: f.formula or "" for f in computable}, **_change_formulas(changes)},
    )
    marked = [*figures.units, *([total] if total is not None else [])]
    _mark(table, result, marked, lang, items=True)
    if changes and view is not None:
        behind = [view.by_unit.get(row.key, {}) for row in figures.units] + ([view.total] if total is not None else [])
        _mark_changes(table, result, changes, marked, behind, lang, items=True)
    return table


# ---------------------------------------------------------------------------------------------
# The history's columns: 上期累计, 本期新增 and 环比 beside each cumulative field, and 趋势


def _with_changes(result: MergeResult, columns: list[Column], lang: Lang) -> tuple[list[Column], list[FieldSpec]]:
    """The columns with 上期/本期新增/环比 after each cumulative field's (when there is an earlier
    period), and the fields that got them."""
    view = result.history
    cumulative = [c.field for c in columns if c.field is not None and c.field.cumulative and c.key == c.field.id]
    if view is None or view.previous is None or not cumulative:
        return columns, []
    several = len(cumulative) > 1
    out: list[Column] = []
    for column in columns:
        out.append(column)
        f = column.field
        if f is None or f not in cumulative or column.key != f.id:
            continue
        kind = _field_kind(f)
        new_title = t("col.new_of", lang, label=f.label) if several else t("col.new", lang)
        ratio_title = t("col.ratio_of", lang, label=f.label) if several else t("col.ratio", lang)
        out += [
            Column(f"{f.id}__prev", t("col.previous", lang, label=f.heading(lang)), kind, total="sum"),
            Column(f"{f.id}__new", new_title, kind, total="sum"),
            Column(f"{f.id}__ratio", ratio_title, "percent", total="formula"),
        ]
    return out, [f for f in cumulative if f is not None]


def _change_values(
    fields: list[FieldSpec], changes: dict[str, Change], unlike: Mapping[str, object] | None = None
) -> dict[str, Any]:
    """上期累计, 本期新增 and 环比 of each cumulative field; none where the figure adds unlike
    measures (a total over 人 and 处)."""
    out: dict[str, Any] = {}
    for f in fields:
        change = None if unlike and f.id in unlike else changes.get(f.id)
        out[f"{f.id}__prev"] = _tidy(change.previous) if change and change.pairs else None
        out[f"{f.id}__new"] = change.new if change else None
        out[f"{f.id}__ratio"] = change.ratio if change else None
    return out


def _summed_changes(fields: list[FieldSpec], parts: Sequence[Mapping[str, Change]]) -> dict[str, Change]:
    """Several rows' changes as one (a group of items): the pairs of all of them."""
    out: dict[str, Change] = {}
    for part in parts:
        for f in fields:
            change = part.get(f.id)
            if change is not None and (change.pairs or change.unpaired):
                out.setdefault(f.id, Change()).merge(change)
    return out


def _mark_changes(
    table: Table,
    result: MergeResult,
    fields: list[FieldSpec],
    marked: Sequence[SummaryRow],
    behind: Sequence[Mapping[str, Change]],
    lang: Lang,
    items: bool = False,
) -> None:
    """The notes of 上期累计, 本期新增 and 环比 that rest on fewer units than 累计 expects, or on a
    figure older than the previous period's: 上期 is summed over the units with a figure now and
    before, so it is not the previous period's total when a unit is left out either time, and a
    unit missing last period is paired with its figure of the period before. ``items``: the rows
    are units and who is left out of one is an item (分单位), but not in the totals row."""
    shown_keys = {c.key for c in table.columns}
    for r, (row, changes) in enumerate(zip(marked, behind, strict=True)):
        by_item = items and bool(row.key)
        for f in fields:
            change = changes.get(f.id)
            if change is None or not change.pairs or f.id in row.unlike:
                continue
            left_out = tuple(
                [
                    _left_out_entry(result, who, by_item, "invalid", lang)
                    for who in dict.fromkeys(row.left_out.get(f.id, ()))
                ]
                + [_left_out_entry(result, who, by_item, "no_earlier", lang) for who in dict.fromkeys(change.unpaired)]
            )
            older = dict.fromkeys(change.older)
            if not left_out and not older:
                continue
            lines: list[str] = []
            if left_out:
                named = t("sep.list", lang).join(_shown(x, lang) for x in left_out)
                lines += [t("partial.note", lang, units=named), t("partial.change_pairs", lang)]
            if older:
                named = t("sep.list", lang).join(
                    t("partial.older_one", lang, name=_name(result, who, by_item, lang), period=period)
                    for who, period in older
                )
                lines.append(t("partial.older", lang, units=named))
            note = Note("\n".join(lines), left_out, partial=bool(left_out))
            for key in (f"{f.id}__prev", f"{f.id}__new", f"{f.id}__ratio"):
                if key in shown_keys:
                    table.notes[(r, key)] = note


def _name(result: MergeResult, who: str, item: bool, lang: Lang) -> str:
    """A unit's name, or an item's (``item``) as the notes name it."""
    return _item_name(result.spec, who, lang) if item else result.spec.unit_map[who].name


def _left_out_entry(result: MergeResult, who: str, item: bool, reason: str, lang: Lang) -> dict[str, str]:
    """A unit (an item, ``item``) a note names as left out: ``invalid`` for one left out this
    period (a unit's own reason looked up: rejected, blank, not returned), ``no_earlier`` for one
    with no figure before."""
    if item:
        return {"item": who, "name": _name(result, who, item, lang), "reason": reason}
    reason = _unit_reason(result, who) if reason == "invalid" else reason
    return {"unit": who, "name": result.spec.unit_map[who].name, "reason": reason}


def _shown(entry: Mapping[str, str], lang: Lang) -> str:
    """龙溪镇卫生院（未报送）."""
    return t("partial.unit", lang, name=entry["name"], reason=t(f"partial.{entry['reason']}", lang))


def _change_formulas(fields: list[FieldSpec]) -> dict[str, str]:
    return {f"{f.id}__ratio": f"{f.id}__new / {f.id}__prev" for f in fields}


def _tidy(value: float) -> float | int:
    rounded = round(value, 10)
    return int(rounded) if rounded == int(rounded) else rounded


def trend_table(result: MergeResult, lang: Lang) -> Table | None:
    """趋势: per item, one row per recorded period up to this one; None without an earlier period."""
    spec = result.spec
    trend = result.figures.trend
    view = result.history
    if trend is None or view is None or not view.periods or spec.rows != "fixed":
        return None
    roles = spec.roles
    labels = [f for f in (roles.number, roles.text) if f is not None]
    summed = [f for f in spec.fields if f.is_numeric and not f.formula and f.effective_aggregate == "sum"]
    have = {f.id for f in summed}
    computed = [f for f in spec.fields if f.formula and parse(f.formula).names <= have]
    columns = [Column("item", t("col.item", lang), repeats=True)]
    columns += [Column(f.id, f.heading(lang), _field_kind(f), f, repeats=True) for f in labels]
    columns.append(Column("period", t("col.period", lang)))
    columns += [Column(f.id, f.heading(lang), _field_kind(f), f) for f in summed]
    columns += [Column(f.id, f.heading(lang), _field_kind(f), f) for f in computed]
    columns.append(Column("reported_units", t("col.reported_units", lang), "integer"))
    rows: list[list[Any]] = []
    for point in trend:
        item = spec.item_map[point.item]
        values: dict[str, Any] = {"item": item.id, "period": point.period, "reported_units": point.reported_units}
        values.update({f.id: item.values.get(f.id) for f in labels})
        values.update(point.values)
        rows.append([_out(c, values.get(c.key), lang) for c in columns])
    table = Table("trend", t("sheet.trend", lang), columns, rows, None, {f.id: f.formula or "" for f in computed})
    for r, point in enumerate(trend):
        # A period some units had not returned then: its sums rest on fewer units, as its 汇总 said.
        expected = len(spec.item_map[point.item].units)
        fewer = point.reported_units < expected
        for field_id in point.own:  # as that period's 汇总 had it: over complete pairs
            table.own.add((r, field_id))
        for f in [*summed, *computed]:
            lines = [t("partial.pairs", lang)] if f.id in point.own else []
            if fewer and f.source != "item" and point.values.get(f.id) is not None:  # not 年度目标: the spec's
                lines.insert(0, t("partial.trend", lang, reported=point.reported_units, expected=expected))
            if lines:
                table.notes[(r, f.id)] = Note("\n".join(lines))
    # Each item's line is named by its task (the legend), not by its number.
    table.series_name = roles.text.id if roles.text is not None else "item"
    return table


def _measures(measures: Sequence[str], lang: Lang) -> str:
    return t("sep.list", lang).join(m or "—" for m in measures)


def _items_note(result: MergeResult, where: Sequence[str], pairs: bool, lang: Lang) -> Note:
    """未计入：33 2020年为全市40万适龄妇女进行“两癌”检查（未填或填报有误）."""
    left_out = [
        {"item": key, "name": _item_name(result.spec, key, lang), "reason": "invalid"} for key in dict.fromkeys(where)
    ]
    named = [t("partial.item", lang, name=x["name"]) for x in left_out]
    text = t("partial.note", lang, units=t("sep.list", lang).join(named))
    return Note(f"{text}\n{t('partial.pairs', lang)}" if pairs else text, tuple(left_out))


def _item_name(spec: Spec, key: str, lang: Lang) -> str:
    """An item as a note names it: its number and task (cut to 40 characters); a row of an open list."""
    item = spec.item_map.get(key)
    if item is None:  # an open list: the row number
        return t("partial.row", lang, row=key)
    texts = [shown(item.values.get(f.id)) for f in spec.fields if f.source == "item" and f.kind.free_text]
    return " ".join(x for x in texts[:2] if x)[:40] or key


@dataclass(frozen=True)
class DetailPart:
    """Records ``start`` to ``stop`` (in unit order) of 明细, on one sheet: all of them, or one
    sheet's worth when 明细 is split past Excel's row limit."""

    start: int
    stop: int
    units: tuple[str, ...]  # the codes of the units whose records are here, in order


def detail_parts(result: MergeResult, capacity: int | None = None) -> list[DetailPart]:
    """明细 cut into sheets of at most ``capacity`` rows (None: one sheet, however long).

    A sheet ends before a return that does not fit in it, so that each unit's rows are on one
    sheet; only a return longer than a whole sheet (an open list) is cut across sheets.
    """
    records = result.records
    unit_of = {located.book.name: code for code, located in result.returns.items()}
    counted = [(name, records.store.count(name)) for name in records.names]
    total = sum(count for _, count in counted)
    if capacity is None or total <= capacity:
        return [DetailPart(0, total, tuple(unit_of[name] for name, count in counted if count and name in unit_of))]
    parts: list[DetailPart] = []
    start = at = 0
    units: list[str] = []
    for name, count in counted:
        if not count:
            continue
        unit = unit_of.get(name)
        if at > start and at + count - start > capacity:  # does not fit: on the next sheet
            parts.append(DetailPart(start, at, tuple(units)))
            start, units = at, []
        at += count
        if unit is not None:
            units.append(unit)
        while at - start > capacity:  # longer than a sheet: cut
            parts.append(DetailPart(start, start + capacity, tuple(units)))
            start += capacity
            units = units[-1:]
    parts.append(DetailPart(start, at, tuple(units)))
    return parts


def detail_table(result: MergeResult, lang: Lang, part: DetailPart | None = None, title: str = "") -> Table:
    """明细: a row per record, or (``part``) the records of one of its sheets, titled ``title``."""
    spec = result.spec
    columns = [
        Column("unit_code", t("col.unit_code", lang), repeats=True),
        Column("unit_name", t("col.unit_name", lang), repeats=True),
    ]
    if spec.rows == "fixed":
        columns.append(Column("item", t("col.item", lang), repeats=True))
    columns += [
        Column(f.id, f.heading(lang), _field_kind(f), f, repeats=f.source == "item" or f.kind.few_values)
        for f in spec.fields
    ]
    columns += [
        Column("file", t("col.file", lang), repeats=True),
        Column("sheet", t("col.sheet", lang), repeats=True),
        Column("row", t("col.row", lang), "integer"),
    ]
    # 明细 has a row per record (40,000 for 1,000 returns): each row is built in one expression.
    names = {u.code: u.name for u in spec.units}
    field_ids = [f.id for f in spec.fields]
    # Values that are shown differently: yes/no, and a date given in the spec for a text column.
    flags = [
        i
        for i, c in enumerate(columns)
        if c.field is not None and (c.field.kind.yes_no or (c.kind == "text" and c.field.source == "item"))
    ]
    fixed = spec.rows == "fixed"

    def make_rows(start: int, stop: int) -> Iterator[list[Any]]:
        for r in result.records.between(start, stop):
            get = r.values.get
            head = [r.unit_code, names[r.unit_code], r.item_id] if fixed else [r.unit_code, names[r.unit_code]]
            row = [*head, *map(get, field_ids), r.file, r.sheet, r.row]
            for i in flags:
                row[i] = _out(columns[i], row[i], lang)
            yield row

    head = 3 if fixed else 2
    shared_fields = [(f.id, head + i in flags, columns[head + i]) for i, f in enumerate(spec.fields)]
    shared_fields = [(fid, flagged, column) for fid, flagged, column in shared_fields if column.repeats]

    def shared_rows(start: int, stop: int) -> Iterator[list[Any]]:
        """make_rows's values of the repeating columns (unit, item, the item's texts, file, sheet)."""
        for r in result.records.between(start, stop):
            get = r.values.get
            values: list[Any] = (
                [r.unit_code, names[r.unit_code], r.item_id] if fixed else [r.unit_code, names[r.unit_code]]
            )
            for field_id, flagged, column in shared_fields:
                values.append(_out(column, get(field_id), lang) if flagged else get(field_id))
            values.append(r.file)
            values.append(r.sheet)
            yield values

    # Records read back from disk (past the memory budget) are not read once more for this.
    in_memory = result.records.in_memory
    start, stop = (0, len(result.records)) if part is None else (part.start, part.stop)
    return Table(
        "detail",
        title or t("sheet.detail", lang),
        columns,
        LazyRows(
            stop - start,
            lambda a, b: make_rows(start + a, start + b),
            (lambda a, b: shared_rows(start + a, start + b)) if in_memory else None,
        ),
    )


def submissions_table(result: MergeResult, lang: Lang) -> Table:
    spec = result.spec
    columns = [
        Column("unit_code", t("col.unit_code", lang)),
        Column("unit_name", t("col.unit_name", lang)),
        Column("status", t("col.status", lang)),
        Column("overdue", t("col.overdue", lang)),
        Column("file", t("col.file", lang)),
        Column("received", t("col.received", lang), "datetime"),
        Column("time_source", t("col.time_source", lang)),
        Column("contact", t("col.contact", lang)),
        Column("phone", t("col.phone", lang)),
        Column("rows", t("col.rows", lang), "integer", total="sum"),
        Column("errors", t("col.errors", lang), "integer", total="sum"),
        Column("warnings", t("col.warnings", lang), "integer", total="sum"),
        Column("infos", t("col.infos", lang), "integer", total="sum"),
    ]
    rows = []
    for sub in result.submissions:
        counts = result.counts_for(sub.unit_code)
        files = t("sep.list", lang).join([sub.file, *sub.other_files]) if sub.file else ""
        rows.append(
            [
                sub.unit_code,
                spec.unit_map[sub.unit_code].name,
                t(f"status.{sub.status}", lang),
                t("yes", lang) if sub.overdue else "",
                files,
                sub.received,
                t(f"time_source.{sub.time_source}", lang) if sub.time_source else "",
                sub.contact,
                sub.phone,
                sub.rows,
                counts[Level.ERROR],
                counts[Level.WARNING],
                counts[Level.INFO],
            ]
        )
    return Table("submissions", t("sheet.submissions", lang), columns, rows)


def issues_table(result: MergeResult, lang: Lang) -> Table:
    spec = result.spec
    columns = [
        Column(k, t(f"col.{k}", lang))
        for k in ("level", "code", "unit_name", "file", "sheet", "cell", "field", "value", "message", "fix")
    ]
    rows = []
    for issue in result.issues:
        unit = spec.unit_map.get(issue.unit)
        label = spec.field_map[issue.field].label if issue.field in spec.field_map else issue.field
        rows.append(
            [
                t(f"level.{issue.level.value}", lang),
                issue.code,
                unit.name if unit else issue.unit,
                issue.file,
                issue.sheet,
                issue.cell,
                label,
                issue.value,
                issue.message(lang),
                issue.fix(lang),
            ]
        )
    return Table("issues", t("sheet.issues", lang), columns, rows)


def about_table(result: MergeResult, lang: Lang, split: Sequence[tuple[str, DetailPart]] = (), limit: int = 0) -> Table:
    """说明. ``split``: 明细's sheets (title and records) when it is split past ``limit`` rows."""
    spec = result.spec
    report = spec.report
    returned = sum(1 for s in result.submissions if s.status in ("returned", "duplicate"))
    pairs: list[tuple[str, Any]] = [
        (t("about.title", lang), report.title),
        (t("about.report_id", lang), report.id),
        (t("about.period", lang), report.period),
        (t("about.deadline", lang), report.deadline.isoformat() if report.deadline else ""),
        (t("about.issuer", lang), report.issuer),
        (t("about.units", lang), len(spec.units)),
        (t("about.returned", lang), returned),
        (t("about.made", lang), result.data_as_of),
        (t("about.tool", lang), f"consolidate {__version__}"),
        (t("about.spec_hash", lang), spec.sha256),
        ("", t("about.note", lang)),
        ("", t("about.partial", lang)),
    ]
    view = result.history
    if view is not None and view.previous is not None and any(f.cumulative for f in spec.fields):
        pairs.append(("", t("about.changes", lang)))
    if split:
        names = spec.unit_map
        pairs.append(
            (
                "",
                t(
                    "about.detail_split",
                    lang,
                    rows=f"{split[-1][1].stop:,}",
                    limit=f"{limit:,}",
                    n=len(split),
                    sheets=t("sep.list", lang).join(title for title, _ in split),
                ),
            )
        )
        for title, part in split:
            first, last = (names[part.units[0]].name, names[part.units[-1]].name) if part.units else ("", "")
            text = t(
                "about.detail_part",
                lang,
                first=first,
                last=last,
                start=f"{part.start + 1:,}",
                stop=f"{part.stop:,}",
                rows=f"{part.stop - part.start:,}",
            )
            pairs.append((title, text))
    pairs += [
        ("", ""),
        (t("about.inputs", lang), t("about.sha256", lang)),
    ]
    pairs += [(f.name, f.sha256) for f in result.inputs]
    return Table("about", t("sheet.about", lang), [Column("key", ""), Column("value", "")], [[k, v] for k, v in pairs])


def all_tables(result: MergeResult, lang: Lang, row_limit: int | None = None, header_rows: int = 0) -> list[Table]:
    """The six tables, and 趋势 after 分单位 when the report has a history.

    ``row_limit``: the rows a sheet holds (the workbook's: Excel's), ``header_rows`` of them above
    the table's rows. When 明细's rows do not fit, it becomes several tables, 明细1, 明细2 …, and
    说明 says so; None (the JSON) keeps one table however long.
    """
    trend = trend_table(result, lang)
    parts = detail_parts(result, None if row_limit is None else row_limit - header_rows)
    split: list[tuple[str, DetailPart]] = []
    sheets: dict[str, list[str]] = {}
    if len(parts) > 1:
        split = [(t("sheet.detail_part", lang, n=n), part) for n, part in enumerate(parts, start=1)]
        sheets = _sheets_of_rows(result, split)
    details = [detail_table(result, lang, part, title) for title, part in split] or [detail_table(result, lang)]
    return [
        summary_table(result, lang, sheets),
        by_unit_table(result, lang),
        *([trend] if trend is not None else []),
        *details,
        submissions_table(result, lang),
        issues_table(result, lang),
        about_table(result, lang, split, row_limit or 0),
    ]


def _sheets_of_rows(result: MergeResult, split: Sequence[tuple[str, DetailPart]]) -> dict[str, list[str]]:
    """汇总's row key (an item, or a unit for open lists) -> the 明细 sheets holding its records."""
    spec = result.spec
    of_unit: dict[str, list[str]] = {}
    for title, part in split:
        for unit in part.units:
            titles = of_unit.setdefault(unit, [])
            if not titles or titles[-1] != title:
                titles.append(title)
    if spec.rows != "fixed":
        return of_unit
    order = {title: n for n, (title, _) in enumerate(split)}
    out: dict[str, list[str]] = {}
    for item in spec.items:
        found = {title for unit in item.units for title in of_unit.get(unit, ())}
        out[item.id] = sorted(found, key=order.__getitem__)
    return out


def _out(column: Column, value: Any, lang: Lang = "zh") -> Any:
    if isinstance(value, bool):
        return t("yes", lang) if value else t("no", lang)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and column.kind == "text":
        return value.isoformat()
    return value
