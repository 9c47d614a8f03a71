"""Returns pasted into a new workbook with headers as people type them (issue 12, item 3).

The headers are those of the published tables (seeds 000 and 004): trailing colons, remarks in
brackets, line breaks and ideographic spaces, a merged 完成情况 group cell over its sub-headers.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from consolidate.kinds.init import kind_path
from consolidate.merge import MergeResult, merge_returns
from consolidate.spec import Spec, load_spec

LIANG_AI = "2020年为全市40万适龄妇女进行“两癌”检查"
CUN_SHI = "实施村卫生室标准化建设引领提升工程，2020年底前村卫生室达到市级示范标准以上"


@pytest.fixture
def livelihood() -> Spec:
    return load_spec(kind_path("livelihood") / "report.yaml")


@pytest.fixture
def key_tasks() -> Spec:
    return load_spec(kind_path("key-tasks") / "report.yaml")


def _save(path: Path, rows: list[list[object]], merged: list[str] = ()) -> Path:  # type: ignore[assignment]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _codes(result: MergeResult, *codes: str) -> list[tuple[str, str, str]]:
    return [(i.code, i.cell, i.message()) for i in result.issues if i.code in codes]


def test_two_row_header_with_colons_brackets_and_an_item_text_column(livelihood: Spec, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    _save(
        returns / "兰山区8月进展.xlsx",
        [
            ["2020年民生实事工作8月份进展情况"],
            ["填报单位：", "兰山区", None, "联系人：", "王建华"],
            ["序号", "项目名称", "计量\n单位", "年度目标：", "完成情况（截止8月31日）", None, None, "进度自评"],
            [None, None, None, None, "累计完成:", "完成率（%）", "进展\u3000情况", None],
            ["33", LIANG_AI, "人", 44000, 34960, 0.7945, "①全区“两癌”累计检查34960人", "正常"],
            ["34.1", CUN_SHI, "处", 8, 5, 0.625, "②已确定建设名单", "滞后"],
        ],
        merged=["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:H4"],
    )
    result = merge_returns(livelihood, [returns])
    assert [(r.item_id, r.row, r.values["target"], r.values["done"], r.values["status"]) for r in result.records] == [
        ("T01", 5, 44000, 34960, "正常"),
        ("T02", 6, 8, 5, "滞后"),
    ]
    # The sub-header row is the header: not data, nothing left over, no column missing.
    assert _codes(result, "W-EXTRA-VALUE", "E-UNKNOWN-ITEM", "W-MISSING-COLUMN", "W-ITEM-CHANGED") == []
    assert [(i.code, i.value) for i in result.issues if i.code == "W-MISSING-ROW"] == [
        ("W-MISSING-ROW", "34.2 实施村卫生室标准化建设引领提升工程，2020年底前村卫生室达到县级示范标准 处 14"),
        ("W-MISSING-ROW", "39 力争年内增加精神科医师10名左右 名 1"),
    ]


def test_seed_headers_in_one_row_and_a_missing_column(key_tasks: Spec, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    _save(
        returns / "医政医管科.xlsx",
        [
            ["填报单位：医政医管科"],
            ["序号", "目标任务", "完成情况\n（截止4月15日）", "完成情况自评\n（超前/正常/滞后）", "牵头单位（盖章）"],
            [
                "4",
                "健全院前急救体系。",
                "1.推进龙溪镇卫生院急救分站建设。完成龙溪镇卫生院急救分站实地勘察工作",
                "正常",
                "玉环市卫生健康局",
            ],
        ],
    )
    result = merge_returns(key_tasks, [returns])
    assert [(r.item_id, r.values["status"], r.values["progress"][:10]) for r in result.records] == [
        ("T04", "正常", "1.推进龙溪镇卫生院"),
    ]
    assert _codes(result, "W-MISSING-COLUMN", "W-EXTRA-VALUE") == [
        (
            "W-MISSING-COLUMN",
            "",
            "找不到“存在问题及解决建议”栏：医政医管科.xlsx 的表头中没有这一列，该栏按未填写处理",
        ),
    ]
    missing = next(i for i in result.issues if i.code == "W-MISSING-COLUMN")
    assert (missing.unit, missing.file, missing.field) == ("YZK", "医政医管科.xlsx", "problems")


def test_a_remark_typed_in_the_row_below_its_header(key_tasks: Spec, tmp_path: Path) -> None:
    # Seed 000 prints 完成情况 / (截止4月15日) and 完成情况自评 / (超前/正常/滞后) on two lines.
    returns = tmp_path / "returns"
    _save(
        returns / "规划信息科.xlsx",
        [
            ["填报单位", "规划信息科", "联系人", None, "联系电话", "0576-87110004"],
            ["序号", "目标任务", "完成情况", "存在问题及解决建议", "完成情况自评", "牵头单位"],
            [None, None, "(截止4月15日)", None, "(超前/正常/滞后)", None],
            [
                "2",
                "提速市公卫中心建设。",
                "市公卫中心项目启动桩基施工，完成工程桩试桩检测",
                None,
                "正常",
                "玉环市卫生健康局",
            ],
            ["3", "优化“健康地图”专病场景。", "1.完成肿瘤筛查系统优化。", None, "正常", "玉环市卫生健康局"],
        ],
    )
    result = merge_returns(key_tasks, [returns])
    assert [(r.item_id, r.row, r.values["status"]) for r in result.records] == [("T02", 4, "正常"), ("T03", 5, "正常")]
    assert _codes(result, "W-EXTRA-VALUE", "E-UNKNOWN-ITEM", "W-MISSING-COLUMN") == []
    assert (result.submissions[3].contact, result.submissions[3].phone) == ("", "0576-87110004")


def test_percent_sign_and_required_marks_in_headers(livelihood: Spec, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    _save(
        returns / "罗庄区.xlsx",
        [
            ["填报单位：罗庄区"],
            ["序号", "民生实事项目", "计量单位", "年度目标", "*累计完成", "完成率%", "*进展情况", "*进度自评"],
            ["33", LIANG_AI, "人", 22600, 16046, "71%", "①累计检查16046人", "正常"],
        ],
    )
    result = merge_returns(livelihood, [returns])
    assert [(r.item_id, r.values["done"], r.values["rate"]) for r in result.records] == [
        ("T01", 16046, pytest.approx(16046 / 22600))
    ]
    assert _codes(result, "W-EXTRA-VALUE", "W-MISSING-COLUMN") == []
