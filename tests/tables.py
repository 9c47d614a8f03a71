"""County tables as clerks make them, written out as rows so that a test reads like the table.

Each table is a title, its rows (``None`` for an empty cell) and its merged ranges; ``build``
writes it as an .xlsx with openpyxl, and ``filled`` gives what a careful unit types into its
template. The texts are from the bureau documents in the seeds: a
quarterly report of 玉环市卫生健康局 (work points with 完成情况（截止4月15日）), the task list of
田家庵区 with 一、二 group rows, and 临沂市's livelihood targets broken down per unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from consolidate.spec import FieldSpec, Spec
from consolidate.write.template import layout_for


@dataclass(frozen=True)
class Table:
    rows: list[list[Any]]
    merged: tuple[str, ...] = ()


def build(table: Table, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "目标任务"
    for r, row in enumerate(table.rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(r, c, value)
    for cells in table.merged:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def answer(field: FieldSpec, values: dict[str, Any]) -> Any:
    """What a careful unit types into a field: half its target, a long enough text, 正常."""
    if field.type == "number":
        return round((values.get("target") or 10) / 2)
    if field.type == "choice":
        return "正常" if "正常" in field.choices else field.choices[0]
    return "已按计划推进，完成本期阶段性任务。"


def filled(spec: Spec, unit_code: str) -> dict[str, Any]:
    """A1 reference → value for every input cell of a unit's template."""
    layout = layout_for(spec, unit_code)
    items = spec.item_map
    cells: dict[str, Any] = {}
    for row, item_id in layout.rows:
        values = items[item_id].values_for(unit_code)
        for f in spec.fields:
            if f.is_input:
                cells[f"{openpyxl.utils.get_column_letter(layout.columns[f.id] + 1)}{row}"] = answer(f, values)
    return cells


HEALTH_CENTRES = ["城关镇卫生院", "东城镇卫生院", "西城镇卫生院", "南城镇卫生院"]

# The per-unit target breakdown: 目标分解 merged over one column per 卫生院 (a two-row header),
# the county's 年度目标 beside it, 一、二 group rows. Item 2's breakdown (3+3+2+1) falls short of
# its 年度目标 (10); item 4 has nothing (—) for 东城镇卫生院.
BREAKDOWN = Table(
    rows=[
        ["2025年民生实事目标分解表"],
        ["序号", "事项/目标任务", "计量单位", "年度目标", "目标分解", None, None, None, "牵头科室"],
        [None, None, None, None, *HEALTH_CENTRES, None],
        ["一、健康服务提质"],
        [1, "为适龄妇女进行“两癌”检查", "人", 32000, 9000, 8000, 8000, 7000, "妇幼健康科"],
        [2, "村卫生室达到市级示范标准以上", "处", 10, 3, 3, 2, 1, "基层卫生科"],
        ["二、公共卫生服务"],
        [3, "65岁以上老年人健康体检", "人", 5000, 1500, 1200, 1300, 1000, "基层卫生科"],
        [4, "为60岁以上高危人群免费开展认知障碍筛查", "人", 2900, 800, "—", 1100, 1000, "疾控科"],
    ],
    merged=("A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:H2", "I2:I3", "A4:I4", "A7:I7"),
)

# The same table after the clerk un-merged every cell by hand: each value left in its top-left cell.
BREAKDOWN_UNMERGED = Table(rows=BREAKDOWN.rows)

# The same table without its 牵头科室 column: only the breakdown names the units.
BREAKDOWN_NO_LEAD = Table(
    rows=[row[:8] for row in BREAKDOWN.rows],
    merged=("A1:H1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:H2", "A4:H4", "A7:H7"),
)

# Seed 000: 玉环市卫生健康局's quarterly work points; no column names the units that report.
KEY_WORK_NO_UNITS = Table(
    rows=[
        ["玉环市卫生健康局2025年第一季度市政府重点工作和民生实事工作完成情况"],
        ["序号", "目标任务", "完成情况（截止4月15日）", "存在问题及解决建议", "完成情况自评（超前/正常/滞后）"],
        [1, "完善全域全民全程健康服务体系。", "出台首诊定制医疗服务体系建设工作方案", None, "正常"],
        [2, "提速市公卫中心建设。", "市公卫中心项目启动桩基施工，完成工程桩试桩检测", None, "正常"],
        [3, "健全院前急救体系。", "推进龙溪镇卫生院急救分站建设", None, "正常"],
    ],
    merged=("A1:E1",),
)

# Seed 000 with its 牵头单位 column: the period and the deadline are said by the title and a header.
KEY_WORK = Table(
    rows=[
        ["玉环市卫生健康局2025年第一季度市政府重点工作和民生实事工作完成情况"],
        ["序号", "目标任务", "完成情况（截止4月15日）", "存在问题及解决建议", "牵头单位"],
        [1, "完善全域全民全程健康服务体系。", "出台首诊定制医疗服务体系建设工作方案", None, "医政医管科"],
        [2, "提速市公卫中心建设。", "市公卫中心项目启动桩基施工", None, "规划信息科"],
        [3, "健全院前急救体系。", "推进龙溪镇卫生院急救分站建设", None, "医政医管科"],
    ],
    merged=("A1:E1",),
)

# Seed 003: 田家庵区's task list, 一、二 group rows merged across, several units to a task.
TASK_LIST = Table(
    rows=[
        ["2025年田家庵区基层卫生健康工作重点任务清单"],
        ["序号", "重点任务", "任务及要求内容", "责任科室", "完成时限"],
        ["一、持续强化基层医疗卫生服务体系建设"],
        [
            1,
            "（一）贯彻落实医疗卫生强基工程",
            "2025年乡镇卫生院医学影像中心覆盖率要提升到80%以上",
            "规信科",
            "11月30日前",
        ],
        [2, "（二）持续优化基层医疗卫生机构布局", "推进县域医疗次中心建设", "基卫科\n医政科", "11月30日前"],
        [
            3,
            "（三）加强基层医疗卫生服务能力建设",
            "持续开展“优质服务基层行”活动和社区医院建设",
            "基卫科\n医政科\n规信科",
            "11月30日前",
        ],
        ["二、持续加强基层卫生人才队伍建设"],
        [4, "（一）不断优化基层卫生人才队伍", "持续落实大学生乡村医生专项计划", "科教科", "10月30日前"],
        [5, "（二）持续强化基层医务人员培训", "落实2025年基层卫生人才能力提升培训项目", "基卫科\n科教科", "11月30日前"],
    ],
    merged=("A1:E1", "A3:E3", "A7:E7"),
)
