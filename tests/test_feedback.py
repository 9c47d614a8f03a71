from __future__ import annotations

from pathlib import Path

import openpyxl

from consolidate.kinds.demo import fill_template
from consolidate.merge import merge_returns
from consolidate.spec import Spec
from consolidate.write import write_feedback
from consolidate.write.template import write_templates

from .helpers import fill_returns, unit_templates


def test_feedback_file_marks_problem_cells_and_merges_after_correction(spec: Spec, tmp_path: Path) -> None:
    templates = unit_templates(spec, tmp_path / "t")
    wrong = {
        "T1": {"done": "约100", "progress": "已选址", "status": "良好"},
        "T2": {"done": 4, "progress": "桩基施工", "status": "正常"},
    }
    returns = fill_returns(templates, tmp_path / "returns", {"医政医管科": wrong}, contact="王芳", phone="87221234")
    fill_returns(templates, returns, {"基层卫生科": {"T3": {"done": 20, "progress": "巡诊", "status": "正常"}}})
    result = merge_returns(spec, [returns])
    written = write_feedback(result, tmp_path / "fb")
    assert [p.name for p in written] == ["2025-Q1_2025年第一季度重点工作完成情况_医政医管科_反馈.xlsx"]
    book = openpyxl.load_workbook(written[0])
    assert book.sheetnames == ["问题清单", "填报", "填报说明", "_consolidate"]
    problems = [[c.value for c in row] for row in book["问题清单"].iter_rows(min_row=5)]
    assert [(r[1], r[3], r[5], r[6]) for r in problems] == [
        ("E-NOT-A-NUMBER", "D6", "约100", "“累计完成”应为数字，填写的是“约100”"),
        ("E-CHOICE", "H6", "良好", "“完成情况自评”的“良好”不在可选项（超前、正常、滞后）中"),
    ]
    ws = book["填报"]
    assert [ws[c].value for c in ("D6", "F6", "H6", "D7", "F7", "H7", "B3", "D3")] == [
        "约100",
        "已选址",
        "良好",
        4,
        "桩基施工",
        "正常",
        "王芳",
        "87221234",
    ]
    assert ws["D6"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["D7"].fill.fgColor.rgb == "FFFFF2CC"
    assert ws["D6"].comment is not None and ws["D6"].comment.text.startswith("“累计完成”应为数字")
    assert ws["H6"].comment is not None and "从下拉列表中选择" in ws["H6"].comment.text
    assert ws["D7"].comment is None
    # The unit corrects the red cells in the feedback file and sends it back.
    corrected = returns / templates["医政医管科"].name
    ws["D6"] = 100
    ws["H6"] = "正常"
    book.save(corrected)
    again = merge_returns(spec, [returns])
    assert [i.code for i in again.issues if i.unit == "YZK"] == []
    assert [(r.item_id, r.values["done"]) for r in again.records if r.unit_code == "YZK"] == [("T1", 100), ("T2", 4)]


def test_validate_feedback_option(spec_path: Path, spec: Spec, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from consolidate.cli import app

    (template,) = [p for p in write_templates(spec, tmp_path / "t") if "龙溪" in p.name]
    returns = tmp_path / "r"
    returns.mkdir()
    fill_template(template, returns / template.name, {"T1": {"done": 5, "status": "正常"}})
    result = CliRunner().invoke(
        app, ["validate", str(returns), "-s", str(spec_path), "--feedback", str(tmp_path / "fb")]
    )
    assert result.exit_code == 1
    assert "已为 1 个单位写出反馈文件" in result.output
    assert [p.name for p in (tmp_path / "fb").iterdir()] == [
        "2025-Q1_2025年第一季度重点工作完成情况_龙溪镇卫生院_反馈.xlsx"
    ]


def test_feedback_for_a_pasted_workbook_says_what_it_marked(spec: Spec, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["填报单位：医政医管科"])
    sheet.append(["序号", "目标任务", "累计完成", "完成情况", "完成情况自评", "备注"])
    sheet.append(["1", "健全院前急救体系", "约6千", "急救分站已选址", "正常", "见附件"])
    sheet.append(["2", "提速市公卫中心建设", 5, "桩基施工", "正常"])
    book.save(returns / "医政医管科报表.xlsx")
    result = merge_returns(spec, [returns])
    (written,) = write_feedback(result, tmp_path / "fb")
    feedback = openpyxl.load_workbook(written)
    front = feedback["问题清单"]
    assert front["A2"].value == (
        "您报送的报表有 5 处问题：其中 1 处已在“填报”工作表中用红色标出（鼠标移到红色单元格上可看到说明），"
        "其余 4 处在本表中没有对应的单元格，说明见下表。请逐条修改后保存本文件，按原方式重新报送。"
    )
    listed = [(r[1], r[3], r[8]) for r in front.iter_rows(min_row=5, values_only=True)]
    assert listed == [
        ("E-NOT-A-NUMBER", "C3", "填报!D6"),  # C3 of the unit's file is D6 here, and it is red
        ("W-MISSING-COLUMN", "", ""),  # 年度目标 and 存在问题及解决建议: no cell to mark
        ("W-MISSING-COLUMN", "", ""),
        ("W-NO-METADATA", "", ""),
        ("W-EXTRA-VALUE", "F3", ""),
    ]
    red = [c.coordinate for row in feedback["填报"].iter_rows() for c in row if c.fill.fgColor.rgb == "FFFFC7CE"]
    assert red == ["D6"]


def test_feedback_files_are_written_all_or_none(spec: Spec, tmp_path: Path, monkeypatch: object) -> None:
    import errno

    import pytest

    import consolidate.write.feedback as feedback
    from consolidate.common import WriteFailed

    templates = unit_templates(spec, tmp_path / "t")
    returns = tmp_path / "returns"
    returns.mkdir()
    fill_template(templates["医政医管科"], returns / templates["医政医管科"].name, {"T1": {"done": "约100"}})
    fill_template(templates["基层卫生科"], returns / templates["基层卫生科"].name, {"T3": {"done": "许多"}})
    result = merge_returns(spec, [returns])
    real = feedback.write_template
    done: list[str] = []

    def second_fails(spec: Spec, unit: object, path: Path, *args: object, **kwargs: object) -> None:
        if done:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(spec, unit, path, *args, **kwargs)  # type: ignore[arg-type]
        done.append(str(path))

    patch = pytest.MonkeyPatch()
    patch.setattr(feedback, "write_template", second_fails)
    try:
        with pytest.raises(WriteFailed):
            write_feedback(result, tmp_path / "fb")
    finally:
        patch.undo()
    assert done and not (tmp_path / "fb").exists()  # the first unit's file went with the folder
    written = write_feedback(result, tmp_path / "fb")
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == sorted(p.name for p in written)
    assert len(written) == 2
