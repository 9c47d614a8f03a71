"""A round trip per built-in kind: templates → filled as units would → merge → exact totals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidate.kinds import init_spec, list_kinds
from consolidate.kinds.demo import fill_template
from consolidate.merge import merge_returns
from consolidate.spec import Spec, load_spec
from consolidate.write import write_summary
from consolidate.write.template import template_filename, write_templates

from .helpers import sheet_rows


def test_three_kinds_are_built_in() -> None:
    assert list_kinds() == ["key-tasks", "livelihood", "task-list"]


def _fill_value(spec: Spec, field_id: str, unit_index: int, item_index: int, target: Any) -> Any:
    """Realistic values that break no rule: 50%-90% of the target, progress in full sentences."""
    f = spec.field(field_id)
    if f.type in ("number", "integer"):
        return max(1, round((target or 100) * (0.5 + 0.1 * ((unit_index + item_index) % 5))))
    if f.type == "choice":
        order = f.worst_order
        return order[(unit_index + item_index) % len(order)]
    if f.type == "date":
        return None
    return f"第{unit_index}单位第{item_index}项：已按计划推进，完成阶段目标。"


def _round_trip(kind: str, tmp_path: Path) -> tuple[Spec, dict[str, dict[str, dict[str, Any]]], Path]:
    spec = load_spec(init_spec(tmp_path / "spec", kind))
    write_templates(spec, tmp_path / "templates")
    returns = tmp_path / "returns"
    returns.mkdir()
    plan: dict[str, dict[str, dict[str, Any]]] = {}
    for u, unit in enumerate(spec.units):
        rows = {
            item.id: {
                f.id: _fill_value(spec, f.id, u, i, item.values_for(unit.code).get("target"))
                for f in spec.fields
                if f.is_input
            }
            for i, item in enumerate(spec.items_for(unit.code))
        }
        plan[unit.code] = rows
        name = template_filename(spec, unit)
        fill_template(tmp_path / "templates" / name, returns / name, rows, contact="李明")
    result = merge_returns(spec, [returns])
    assert [i.code for i in result.issues if i.level.value != "info"] == []
    return spec, plan, write_summary(result, tmp_path / "summary.xlsx")


@pytest.mark.parametrize("kind", ["key-tasks", "task-list", "livelihood"])
def test_round_trip(kind: str, tmp_path: Path) -> None:
    spec, plan, out = _round_trip(kind, tmp_path)
    summary = sheet_rows(out, "汇总")
    assert len(summary) == len(spec.items) + 1
    detail = sheet_rows(out, "明细")
    assert len(detail) == sum(len(rows) for rows in plan.values())
    by_label = {f.id: f.heading() for f in spec.fields}
    for item, row in zip(spec.items, summary, strict=False):
        filled = [(code, rows[item.id]) for code, rows in plan.items() if item.id in rows]
        assert row["应报单位数"] == len(item.units) == row["已报单位数"] == len(filled)
        for f in spec.fields:
            how = f.effective_aggregate
            if not f.is_input:
                continue
            values = [v[f.id] for _, v in filled if v.get(f.id) is not None]
            if how == "sum":
                assert row[by_label[f.id]] == sum(values)
            elif how == "worst":
                assert row[by_label[f.id]] == min(values, key=f.worst_order.index)
            elif how == "join":
                names = {u.code: u.name for u in spec.units}
                expected = "\n".join(f"【{names[c]}】{v[f.id]}" for c, v in filled)
                assert row[by_label[f.id]] == expected
    if kind == "livelihood":
        # 人 + 处 + 家 are never added up: the totals of numbers and rates stay empty with a note.
        total = summary[-1]
        assert (total["年度目标"], total["累计完成"], total["完成率"]) == (None, None, None)
        row_cells = openpyxl.load_workbook(out)["汇总"][len(summary) + 3]
        notes = {c.column_letter: c.comment.text for c in row_cells if c.comment}
        unlike = "各事项的计量单位不同（人、处、家、平方米、张、名），不相加"
        assert notes == {"D": unlike, "E": unlike, "F": unlike}
        for item, row in zip(spec.items, summary, strict=False):
            item_target = sum(item.values_for(c)["target"] for c in item.units)
            assert row["年度目标"] == item_target == item.values["target"]  # per-unit targets add up


def test_seed_totals_in_livelihood() -> None:
    spec = load_spec(Path(__file__).parent.parent / "templates" / "livelihood" / "report.yaml")
    totals = {item.id: item.values["target"] for item in spec.items}
    assert sorted(totals.values()) == [5, 10, 100, 200, 500, 10000, 400000]
    assert len(spec.units) == 13
