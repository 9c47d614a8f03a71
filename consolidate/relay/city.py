"""The template the county received from the city, read: the city's spec and the county's place in
it, and where each figure goes (the sheet, a column per field, a row per item, the cells of 填报单位,
联系人 and 电话).

A template the city made with this tool carries all of this in its hidden ``_consolidate`` sheet.
A workbook the city made by hand is read as ``init --from`` reads a clerk's table: its header gives
the fields (an empty column headed 累计完成, 完成情况… is where the county writes), its rows the items.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import META_SHEET, normalise, xl_col_to_name, xl_rowcol_to_cell
from ..errors import InputError, SpecError
from ..kinds.fromtable import analyse, read_table, spec_data
from ..kinds.init import kind_path
from ..spec import Spec, embedded_spec_json, load_spec, spec_from_json
from ..spec.build import Locator, build_spec
from ..text import Msg

_UNIT_LABELS = ("填报单位", "报送单位", "单位名称")
_CONTACT_LABELS = ("联系人", "填报人")
_PHONE_LABELS = ("联系电话", "电话")
_LABEL = re.compile(r"^\s*([^:：]{2,8})[:：]?\s*(.*)$")


@dataclass
class CityTemplate:
    """The city's template for one county, as read."""

    path: Path
    spec: Spec  # the city's report (a workbook made by hand: the report its table makes)
    embedded: bool  # made by this tool: the spec came from its _consolidate sheet
    unit_code: str  # the county in the city's report ("" for a workbook made by hand)
    unit_name: str
    contact: str
    phone: str
    sheet: str
    header_row: int  # 1-based
    columns: dict[str, str]  # field id -> column letter
    rows: dict[str, int]  # item id -> row (1-based)
    cells: dict[str, str] = field(default_factory=dict)  # unit | contact | phone -> cell
    meta: dict[str, str] = field(default_factory=dict)
    title: str = ""  # the title the template shows


def read_city(path: Path) -> CityTemplate:
    """Read the city's template; a file that cannot be read or holds no table stops with a message."""
    if not path.is_file():
        raise InputError(Msg("relay.no_template", file=path))
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        meta_rows = book.get_sheet_by_name(META_SHEET).to_python() if META_SHEET in names else None
    except Exception as exc:
        raise InputError(Msg("relay.cannot_read", file=path, error=exc)) from None
    if meta_rows is not None:
        return _embedded(path, book, meta_rows)
    return _plain(path)


def _embedded(path: Path, book: Any, meta_rows: list[list[Any]]) -> CityTemplate:
    meta: dict[str, str] = {}
    chunks: list[str] = []
    for row in meta_rows:
        if len(row) >= 2 and isinstance(row[0], str):
            if row[0] == "spec_json_z":
                chunks.append(str(row[1]))
            else:
                meta[row[0]] = str(row[1])
    meta["spec_json_z"] = "".join(chunks)
    text = embedded_spec_json(meta)
    try:
        spec = spec_from_json(text) if text else None
    except SpecError:
        spec = None
    if spec is None or meta.get("unit_code", "") not in spec.unit_map:
        raise InputError(Msg("relay.damaged", file=path))
    sheet = meta.get("data_sheet", "")
    try:
        columns = {fid: letter for letter, fid in json.loads(meta.get("columns", "{}")).items()}
        rows = {item_id: int(row) for row, item_id in json.loads(meta.get("rows", "[]"))}
        header_row = int(meta.get("header_row", "0"))
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:
        raise InputError(Msg("relay.damaged", file=path)) from None

    def at(row: int, col: int) -> str:
        value = grid[row][col] if row < len(grid) and col < len(grid[row]) else ""
        return "" if value is None else str(value).strip()

    unit = spec.unit_map[meta["unit_code"]]
    # The template's own top rows (write.template): 填报单位 B2, 联系人 B3, 联系电话 D3.
    return CityTemplate(
        path=path,
        spec=spec,
        embedded=True,
        unit_code=unit.code,
        unit_name=unit.name,
        contact=at(2, 1),
        phone=at(2, 3),
        sheet=sheet,
        header_row=header_row,
        columns=columns,
        rows=rows,
        cells={"contact": "B3", "phone": "D3"},
        meta=meta,
        title=at(0, 0) or spec.report.title,
    )


class _Given(Locator):
    def __init__(self, filename: str) -> None:
        self.filename = filename


def _plain(path: Path) -> CityTemplate:
    """A workbook made by hand: the table read as ``init --from`` reads one, its layout kept."""
    grid = read_table(path)
    analysis = analyse(grid.rows, grid.merged)
    if not analysis.items:
        raise InputError(Msg("relay.no_items", file=path))
    has_targets = any(c.role == "number" for c in analysis.columns)
    kind = load_spec(kind_path("livelihood" if has_targets else "key-tasks") / "report.yaml")
    data = spec_data(
        analysis, kind, title=analysis.title or path.stem, period=_period(analysis), deadline=None, issuer=""
    )
    _empty_columns_as_inputs(data)
    # The hand-made table names no units: the county is its one unit here.
    data["units"] = [{"code": "U01", "name": "U01"}]
    for entry in data["items"]:
        entry.pop("units", None)
    try:
        spec = build_spec(data, _Given(str(path)), path.parent, None)
    except SpecError as exc:
        raise InputError(Msg("relay.plain_unusable", file=path, error=exc.problems[0].message)) from None
    header = max(analysis.header_rows) + 1
    columns = {
        c.field_id: xl_col_to_name(c.index)
        for c in analysis.columns
        if c.role in ("no", "units", "text", "number", "input") and c.field_id in spec.field_map
    }
    rows = {entry["id"]: item["row"] for entry, item in zip(data["items"], analysis.items, strict=True)}
    cells, values = _top_cells(grid.rows, min(analysis.header_rows))
    return CityTemplate(
        path=path,
        spec=spec,
        embedded=False,
        unit_code="",
        unit_name=values.get("unit", ""),
        contact=values.get("contact", ""),
        phone=values.get("phone", ""),
        sheet=grid.sheet,
        header_row=header,
        columns=columns,
        rows=rows,
        cells=cells,
        title=analysis.title,
    )


def _period(analysis: Any) -> str:
    from ..kinds.fromtable import period_in_table

    found = period_in_table(analysis)
    if found is None:
        raise InputError(Msg("relay.no_period"))
    return found.value


def _empty_columns_as_inputs(data: dict[str, Any]) -> None:
    """A column of the city's table that is empty on every item (存在问题, 备注) is for the county to
    fill: an input text, joined over the county's units, not a locked empty copy."""
    fields = data["fields"]
    for entry in fields:
        if entry.get("source") != "item" or entry.get("type") != "text" or entry.get("id") in ("no", "task"):
            continue
        if any(str(item.get(entry["id"]) or "").strip() for item in data["items"]):
            continue
        entry.pop("source")
        entry["aggregate"] = "join"
        for item in data["items"]:
            item.pop(entry["id"], None)


def _top_cells(rows: list[list[Any]], header: int) -> tuple[dict[str, str], dict[str, str]]:
    """The cells of 填报单位, 联系人 and 电话 above the header: the cell beside a bare label, or the
    label's own cell when it is written 填报单位：沂水县; and what they hold."""
    cells: dict[str, str] = {}
    values: dict[str, str] = {}
    roles = (("unit", _UNIT_LABELS), ("contact", _CONTACT_LABELS), ("phone", _PHONE_LABELS))
    for r in range(min(header, len(rows))):
        row = rows[r]
        for c, raw in enumerate(row):
            text = "" if raw is None else str(raw).strip()
            match = _LABEL.match(text) if text else None
            if match is None:
                continue
            label = normalise(match[1])
            for role, labels in roles:
                if role in cells or label not in {normalise(x) for x in labels}:
                    continue
                if match[2]:
                    cells[role] = xl_rowcol_to_cell(r, c)
                    values[role] = match[2].strip()
                else:
                    beside = row[c + 1] if c + 1 < len(row) else ""
                    cells[role] = xl_rowcol_to_cell(r, c + 1)
                    values[role] = "" if beside is None else str(beside).strip()
                break
    return cells, values
