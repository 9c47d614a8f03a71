from __future__ import annotations

import json
from pathlib import Path

import pytest

from consolidate.merge import MergeResult, merge_returns, spec_from_returns
from consolidate.spec import Spec
from consolidate.write import write_json, write_summary

from .helpers import cell_of, fill_returns, sheet_rows, unit_templates


def _returns(spec: Spec, tmp_path: Path, plan: dict[str, dict[str, dict[str, object]]]) -> Path:
    templates = unit_templates(spec, tmp_path / "templates")
    return fill_returns(templates, tmp_path / "returns", plan, contact="王芳", phone="0576-87221234")


PLAN = {
    "医政医管科": {
        "T1": {"done": 100, "progress": "完成龙溪镇卫生院急救分站实地勘察", "status": "正常"},
        "T2": {"done": "1,234", "progress": '=HYPERLINK("http://evil","点我")', "status": "超前"},
    },
    "基层卫生科": {"T3": {"done": "abc", "status": "良好"}},
}


@pytest.fixture
def merged(spec: Spec, tmp_path: Path) -> tuple[MergeResult, Path]:
    returns = _returns(spec, tmp_path, PLAN)
    result = merge_returns(spec, [returns])
    out = write_summary(result, tmp_path / "summary.xlsx")
    return result, out


def test_summary_sheets_and_totals(merged: tuple[MergeResult, Path]) -> None:
    _, out = merged
    import openpyxl

    assert openpyxl.load_workbook(out).sheetnames == [
        "汇总",
        "分单位",
        "明细",
        "报送情况",
        "校验问题",
        "说明",
        "_consolidate",
    ]
    rows = sheet_rows(out, "汇总")
    assert [
        (r["序号"], r["年度目标"], r["累计完成"], r["完成情况自评"], r["应报单位数"], r["已报单位数"]) for r in rows
    ] == [
        # The targets are the spec's for every unit asked, whoever returned (issue 20).
        ("1", 120 + 80, 100, "正常", 2, 1),
        ("2", 10, 1234, "超前", 1, 1),
        ("3", 50 + 50, None, None, 2, 1),
        ("合计", 310, 1334, None, 5, 3),
    ]
    assert rows[0]["完成率"] == pytest.approx(100 / 120)  # over the unit that returned (complete pairs)
    assert rows[1]["完成率"] == pytest.approx(123.4)
    assert rows[2]["完成率"] in (None, "")
    # 基层卫生科's 累计完成 for T3 is rejected: the total rate rests on T1 and T2 only (complete
    # pairs), while the total target still adds every target received.
    assert rows[3]["完成率"] == pytest.approx(1334 / 130)
    assert cell_of(out, "汇总", "累计完成", 3).value == "=SUM(D4:D6)"
    assert cell_of(out, "汇总", "完成率", 0).value == pytest.approx(100 / 120)  # not =D4/C4: that is 100/200
    assert cell_of(out, "汇总", "完成率", 1).value == '=IF(OR(D5="",C5=""),"",IFERROR((D5/C5),""))'
    assert cell_of(out, "汇总", "完成率", 3).value == pytest.approx(1334 / 130)  # not =D7/C7: that is 1334/310
    assert rows[0]["完成情况"] == "【医政医管科】完成龙溪镇卫生院急救分站实地勘察"


def test_issue_codes_and_cells(merged: tuple[MergeResult, Path]) -> None:
    result, out = merged
    got = [(i.code, i.unit, i.cell, i.value) for i in result.issues]
    assert got == [
        ("E-NOT-A-NUMBER", "JWK", "D6", "abc"),
        ("E-REQUIRED", "JWK", "F6", ""),
        ("E-CHOICE", "JWK", "H6", "良好"),
        ("W-RULE", "YZK", "D7", "1,234"),  # units in the spec's order: YZK, JWK, LX
        ("W-MISSING-RETURN", "LX", "", ""),
        ("I-CONVERTED", "YZK", "D7", "1,234"),
    ]
    rows = sheet_rows(out, "校验问题")
    assert rows[0] == {
        "级别": "错误",
        "代码": "E-NOT-A-NUMBER",
        "单位名称": "基层卫生科",
        "文件": "2025-Q1_2025年第一季度重点工作完成情况_基层卫生科.xlsx",
        "工作表": "填报",
        "单元格": "D6",
        "栏目": "累计完成",
        "填报值": "abc",
        "问题说明": "“累计完成”应为数字，填写的是“abc”",
        "修改建议": "只填数字，不要带文字或单位",
    }
    assert rows[2]["问题说明"] == "“完成情况自评”的“良好”不在可选项（超前、正常、滞后）中"
    assert rows[3]["问题说明"] == "累计完成超过年度目标的150%，请核实"
    assert rows[5]["问题说明"] == "“累计完成”的“1,234”按 1234 读取（去掉千分位逗号，文本转数字）"
    assert result.exit_code == 1


def test_missing_unit_in_submissions(merged: tuple[MergeResult, Path]) -> None:
    _, out = merged
    rows = sheet_rows(out, "报送情况")
    assert [(r["单位编码"], r["状态"], r["联系人"], r["错误数"], r["警告数"], r["提示数"]) for r in rows] == [
        ("YZK", "已报送", "王芳", 0, 1, 1),
        ("JWK", "已报送", "王芳", 3, 0, 0),
        ("LX", "未报送", None, 0, 1, 0),
    ]
    by_unit = sheet_rows(out, "分单位")
    assert [
        (r["单位编码"], r["填报行数"], r["年度目标"], r["累计完成"], r["正常数"], r["超前数"]) for r in by_unit
    ] == [
        ("YZK", 2, 130, 1334, 1, 1),
        ("JWK", 1, 50, None, 0, 0),
        ("LX", 0, 80 + 50, None, 0, 0),  # its targets are known from the spec
        (None, 3, 310, 1334, 1, 1),
    ]
    assert by_unit[3]["单位名称"] == "合计"


def test_detail_rows_keep_text_as_text_and_provenance(merged: tuple[MergeResult, Path]) -> None:
    _, out = merged
    rows = sheet_rows(out, "明细")
    assert [(r["单位编码"], r["事项编号"], r["累计完成"], r["行"]) for r in rows] == [
        ("YZK", "T1", 100, 6),
        ("YZK", "T2", 1234, 7),
        ("JWK", "T3", None, 6),
    ]
    cell = cell_of(out, "明细", "完成情况", 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil","点我")', "s")
    assert rows[0]["文件"] == "2025-Q1_2025年第一季度重点工作完成情况_医政医管科.xlsx"


def test_rate_is_ratio_of_sums_not_mean_of_rates(spec: Spec, tmp_path: Path) -> None:
    plan = {
        "医政医管科": {"T1": {"done": 60, "progress": "进行中", "status": "滞后"}},
        "龙溪镇卫生院": {"T1": {"done": 80, "progress": "已完成", "status": "超前"}},
    }
    result = merge_returns(spec, [_returns(spec, tmp_path, plan)])
    out = write_summary(result, tmp_path / "s.xlsx")
    first = sheet_rows(out, "汇总")[0]
    assert (first["年度目标"], first["累计完成"]) == (200, 140)
    assert first["完成率"] == pytest.approx(0.7)  # not (60/120 + 80/80) / 2 = 0.75
    assert first["完成情况自评"] == "滞后"  # the worst status wins
    assert first["完成情况"] == "【医政医管科】进行中\n【龙溪镇卫生院】已完成"


def test_same_inputs_same_summary_bytes(merged: tuple[MergeResult, Path], spec: Spec, tmp_path: Path) -> None:
    _, out = merged
    again = write_summary(merge_returns(spec, [tmp_path / "returns"]), tmp_path / "again.xlsx")
    assert out.read_bytes() == again.read_bytes()


def test_inputs_are_not_modified(spec: Spec, tmp_path: Path) -> None:
    returns = _returns(spec, tmp_path, PLAN)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in returns.iterdir()}
    merge_returns(spec, [returns])
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in returns.iterdir()} == before


def test_spec_is_found_in_the_returns(merged: tuple[MergeResult, Path], spec: Spec, tmp_path: Path) -> None:
    assert spec_from_returns([tmp_path / "returns"]).sha256 == spec.sha256


def test_json_has_the_same_content(merged: tuple[MergeResult, Path], tmp_path: Path) -> None:
    result, _ = merged
    data = json.loads(write_json(result, tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data["summary"]["totals"]["done"] == 1334
    assert [r["status"] for r in data["submissions"]["rows"]] == ["已报送", "已报送", "未报送"]
    assert [i["code"] for i in data["issues_raw"]][:3] == ["E-NOT-A-NUMBER", "E-REQUIRED", "E-CHOICE"]
    assert data["exit_code"] == 1


def test_received_times_from_the_mail_log_decide_overdue(spec: Spec, tmp_path: Path) -> None:
    returns = _returns(spec, tmp_path, PLAN)
    log = returns / ".consolidate" / "received.json"
    log.parent.mkdir()
    yzk = "2025-Q1_2025年第一季度重点工作完成情况_医政医管科.xlsx"
    jwk = "2025-Q1_2025年第一季度重点工作完成情况_基层卫生科.xlsx"
    log.write_text(
        json.dumps({"files": {yzk: {"received": "2025-04-14T16:05:00"}, jwk: {"received": "2025-04-16T09:00:00"}}}),
        encoding="utf-8",
    )
    out = write_summary(merge_returns(spec, [returns]), tmp_path / "s.xlsx")
    rows = sheet_rows(out, "报送情况")
    assert [(r["单位编码"], str(r["收到时间"]), r["逾期"]) for r in rows] == [
        ("YZK", "2025-04-14 16:05:00", None),
        ("JWK", "2025-04-16 09:00:00", "是"),
        ("LX", "None", None),
    ]


def test_two_folders_with_the_same_file_names(spec: Spec, tmp_path: Path) -> None:
    first = _returns(spec, tmp_path / "a", {"医政医管科": PLAN["医政医管科"]})
    second = _returns(spec, tmp_path / "b", {"龙溪镇卫生院": {"T1": {"done": 5, "progress": "x", "status": "正常"}}})
    (second / "2025-Q1_2025年第一季度重点工作完成情况_龙溪镇卫生院.xlsx").rename(second / "同名.xlsx")
    (first / "2025-Q1_2025年第一季度重点工作完成情况_医政医管科.xlsx").rename(first / "同名.xlsx")
    result = merge_returns(spec, [first, second])
    assert sorted((r.unit_code, r.file) for r in result.records) == [
        ("LX", "b/returns/同名.xlsx"),
        ("LX", "b/returns/同名.xlsx"),  # T3 left empty: still a row of 明细 (with E-REQUIRED)
        ("YZK", "a/returns/同名.xlsx"),
        ("YZK", "a/returns/同名.xlsx"),
    ]


def test_joined_text_stops_at_what_an_excel_cell_holds_and_says_so() -> None:
    from consolidate.merge import JOIN_LIMIT, aggregate_values
    from consolidate.spec import FieldSpec

    field = FieldSpec(id="progress", label="进展情况", type="text", aggregate="join")
    texts = [f"第{i}项工作已完成" + "。" * 300 for i in range(200)]  # 200 units × ~310 characters
    names = [f"第{i:03d}号卫生院" for i in range(200)]
    joined = aggregate_values(field, texts, names)
    lines = joined.split("\n")
    kept = len(lines) - 1
    assert 90 < kept < 110
    assert lines[0] == f"【第000号卫生院】{texts[0]}"
    assert lines[kept - 1] == f"【{names[kept - 1]}】{texts[kept - 1]}"
    assert lines[-1] == f"……另有 {200 - kept} 个单位的内容超出 Excel 单元格的长度上限，见「明细」"
    assert JOIN_LIMIT < len(joined) <= 32767
    english = aggregate_values(field, texts, names, lang="en").split("\n")
    assert english[0] == f"[第000号卫生院] {texts[0]}"  # one character longer a unit: one unit fewer fits
    assert english[-1] == (
        f"... {201 - kept} more units' entries exceed the length limit of an Excel cell: see the Detail sheet"
    )
    assert aggregate_values(field, texts[:3], names[:3]).count("\n") == 2  # short joins are whole


def test_a_cut_join_says_so_in_the_summary_language(
    merged: tuple[MergeResult, Path], spec: Spec, tmp_path: Path
) -> None:
    returns = _returns(
        spec,
        tmp_path / "cut",
        {
            "医政医管科": {"T1": {"done": 1, "progress": "院前急救分站已完成选址", "status": "正常"}},
            "龙溪镇卫生院": {"T1": {"done": 2, "progress": "急救分站设备已到位", "status": "正常"}},
        },
    )
    result = merge_returns(spec, [returns], join_limit=30)  # room for one unit's 完成情况, not two
    (t1,) = [row for row in result.summary if row.key == "T1"]
    assert t1.values["progress"] == "【医政医管科】院前急救分站已完成选址"
    assert t1.cut == {"progress": 1}
    zh = write_summary(result, tmp_path / "zh.xlsx")
    en = write_summary(result, tmp_path / "en.xlsx", lang="en")
    assert sheet_rows(zh, "汇总")[0]["完成情况"] == (
        "【医政医管科】院前急救分站已完成选址\n……另有 1 个单位的内容超出 Excel 单元格的长度上限，见「明细」"
    )
    assert sheet_rows(en, "Summary")[0]["完成情况"].endswith(
        "\n... 1 more units' entries exceed the length limit of an Excel cell: see the Detail sheet"
    )
    detail = [r["完成情况"] for r in sheet_rows(zh, "明细") if r["事项编号"] == "T1"]
    assert detail == ["院前急救分站已完成选址", "急救分站设备已到位"]  # 明细 has every unit's text


def test_uploads_of_the_same_second_count_by_their_number_not_their_spelling(tmp_path: Path) -> None:
    """The upload page and collect number a unit's files 医政医管科.xlsx, _2 … _10 as they come;
    arrived in the same second, ``_10`` sorted before ``_2`` by its spelling and lost to it."""
    import os
    import shutil

    from consolidate.kinds.demo import build_demo

    demo = build_demo(tmp_path / "demo")
    returns = tmp_path / "returns"
    returns.mkdir()
    original = demo.returns / "2020-08_2020年民生实事工作8月份进展情况_兰山区.xlsx"
    for number in (2, 3, 10):
        shutil.copy(original, returns / f"兰山区_{number}.xlsx")
        os.utime(returns / f"兰山区_{number}.xlsx", (1_700_000_000, 1_700_000_000))
    result = merge_returns(demo.result.spec, [returns])
    assert result.returns["LS"].book.name == "兰山区_10.xlsx"
    [sub] = [s for s in result.submissions if s.unit_code == "LS"]
    assert (sub.status, sub.file, sub.other_files) == (
        "duplicate",
        "兰山区_10.xlsx",
        ["兰山区_3.xlsx", "兰山区_2.xlsx"],
    )
