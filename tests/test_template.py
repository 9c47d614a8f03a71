from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from consolidate.spec import Spec, load_spec
from consolidate.write.template import template_filename, write_templates

from .conftest import SPEC_YAML, write_spec


@pytest.fixture
def yzk(spec: Spec, tmp_path: Path) -> openpyxl.Workbook:
    paths = write_templates(spec, tmp_path / "out", units=["YZK"])
    assert [p.name for p in paths] == ["2025-Q1_2025年第一季度重点工作完成情况_医政医管科.xlsx"]
    return openpyxl.load_workbook(paths[0])


def test_sheets_and_metadata(yzk: openpyxl.Workbook, spec: Spec) -> None:
    assert yzk.sheetnames == ["填报", "填报说明", "_consolidate"]
    meta_sheet = yzk["_consolidate"]
    assert meta_sheet.sheet_state == "veryHidden"
    meta = {r[0].value: r[1].value for r in meta_sheet.iter_rows(max_col=2) if r[0].value != "spec_json_z"}
    assert meta["report_id"] == "key-work-2025q1"
    assert meta["period"] == "2025-Q1"
    assert (meta["unit_code"], meta["unit_name"]) == ("YZK", "医政医管科")
    assert meta["spec_sha256"] == spec.sha256
    assert (meta["data_sheet"], meta["header_row"], meta["first_data_row"]) == ("填报", "5", "6")
    assert json.loads(meta["columns"]) == {
        "A": "no",
        "B": "task",
        "C": "target",
        "D": "done",
        "E": "rate",
        "F": "progress",
        "G": "problems",
        "H": "status",
    }
    assert json.loads(meta["rows"]) == [[6, "T1"], [7, "T2"]]


def test_return_sheet_content(yzk: openpyxl.Workbook) -> None:
    ws = yzk["填报"]
    assert ws["A1"].value == "2025年第一季度重点工作完成情况"
    assert (ws["A2"].value, ws["B2"].value) == ("填报单位", "医政医管科")
    assert (ws["A3"].value, ws["C3"].value) == ("联系人", "联系电话")
    assert ws["A4"].value == "报告期：2025-Q1    截止日期：2025-04-15"
    assert [c.value for c in ws[5]] == [
        "序号",
        "目标任务",
        "年度目标",
        "累计完成",
        "完成率",
        "完成情况",
        "存在问题及解决建议",
        "完成情况自评",
    ]
    assert [c.value for c in ws[6]][:4] == ["1", "健全院前急救体系", 120, None]
    assert [c.value for c in ws[7]][:4] == ["2", "提速市公卫中心建设", 10, None]
    assert ws["E6"].value == '=IF(OR(D6="",C6=""),"",IFERROR((D6/C6),""))'
    assert ws.max_row == 7


def test_locking_colours_and_formats(yzk: openpyxl.Workbook) -> None:
    ws = yzk["填报"]
    assert ws.protection.sheet is True
    assert ws.protection.password is None
    for locked in ("A6", "B6", "C6", "E6", "A5", "B2"):
        assert ws[locked].protection.locked is True, locked
    for editable in ("D6", "F6", "G6", "H6", "D7", "B3", "D3"):
        assert ws[editable].protection.locked is False, editable
        assert ws[editable].fill.fgColor.rgb == "FFFFF2CC", editable
    assert ws["E6"].number_format == "0.00%"
    assert ws["D6"].number_format == "#,##0.##########"
    assert ws.freeze_panes == "A6"


def test_validations(yzk: openpyxl.Workbook) -> None:
    ws = yzk["填报"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(rules) == {"D6:D7", "F6:F7", "G6:G7", "H6:H7"}
    status = rules["H6:H7"]
    # errorStyle absent means "stop" in OOXML: the entry is refused, not just warned about.
    assert (status.type, status.formula1, status.errorStyle) == ("list", '"超前,正常,滞后"', None)
    done = rules["D6:D7"]
    assert (done.type, done.operator, done.formula1, done.formula2) == ("decimal", None, "0.0", "1000000000000000.0")
    assert done.prompt == "不小于 0"
    progress = rules["F6:F7"]
    assert (progress.type, progress.operator, progress.formula1) == ("textLength", "lessThanOrEqual", "2000")


def test_print_setup(yzk: openpyxl.Workbook) -> None:
    ws = yzk["填报"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$5:$5"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth absent means 1 page wide; fitToHeight 0 means as many pages as needed.
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (None, 0)


def test_instructions_sheet(yzk: openpyxl.Workbook) -> None:
    ws = yzk["填报说明"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][0] == "2025年第一季度重点工作完成情况 — 填报说明"
    assert rows[5][:2] == ["截止日期", "2025-04-15"]
    fields = {r[0]: r for r in rows if r[0] in ("累计完成", "完成情况自评", "完成率")}
    assert fields["累计完成"][1:4] == ["数字", "是", "不小于 0"]
    assert fields["完成情况自评"][1:4] == ["选项", "是", "从下拉列表选择：超前/正常/滞后"]
    assert fields["完成率"][1:4] == ["自动计算", "", "公式 done / target，自动计算"]


def test_same_spec_same_bytes(spec: Spec, tmp_path: Path) -> None:
    first = write_templates(spec, tmp_path / "a")
    second = write_templates(spec, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert len(first) == 3


def test_item_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path / "s", SPEC_YAML.replace("task: 健全院前急救体系", 'task: "=HYPERLINK(\\"http://x\\",\\"点我\\")"')
    )
    spec = load_spec(path)
    (out,) = write_templates(spec, tmp_path / "out", units=["YZK"])
    cell = openpyxl.load_workbook(out)["填报"]["B6"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","点我")', "s")


def test_filenames_are_sanitised_and_unique(tmp_path: Path) -> None:
    text = SPEC_YAML.replace("title: 2025年第一季度重点工作完成情况", "title: 2025/Q1 重点工作:完成情况").replace(
        "{code: JWK, name: 基层卫生科}", "{code: JWK, name: 医政医管科 }"
    )
    spec = load_spec(write_spec(tmp_path / "s", text.replace("name: 医政医管科 }", "name: 医政医管科*}")))
    names = [p.name for p in write_templates(spec, tmp_path / "out")]
    assert names == [
        "2025-Q1_2025_Q1_重点工作_完成情况_医政医管科.xlsx",
        "2025-Q1_2025_Q1_重点工作_完成情况_医政医管科_JWK.xlsx",
        "2025-Q1_2025_Q1_重点工作_完成情况_龙溪镇卫生院.xlsx",
    ]
    assert template_filename(spec, spec.units[0]) == names[0]


def test_text_input_cells_keep_leading_zeros(yzk: openpyxl.Workbook) -> None:
    ws = yzk["填报"]
    assert [ws[c].number_format for c in ("F6", "G6", "B3", "D3")] == ["@", "@", "@", "@"]
    assert ws.column_dimensions["D"].width >= 14


def test_embedded_spec_is_packed_and_older_plain_specs_still_read(spec: Spec) -> None:
    import zlib

    from consolidate.read.book import RawSheet, _meta
    from consolidate.spec import embedded_spec_json, pack_spec, spec_from_json, unpack_spec

    packed = pack_spec(spec.public_json)
    assert packed.isascii() and len(packed) < len(spec.public_json.encode("utf-8"))
    assert unpack_spec(packed) == spec.public_json
    half = len(packed) // 2
    new = _meta(
        RawSheet("_consolidate", [["report_id", "r"], ["spec_json_z", packed[:half]], ["spec_json_z", packed[half:]]])
    )
    old = _meta(
        RawSheet(
            "_consolidate",
            [["report_id", "r"], ["spec_json", spec.public_json[:9]], ["spec_json", spec.public_json[9:]]],
        )
    )
    assert new == {"report_id": "r", "spec_json_z": packed}
    assert old == {"report_id": "r", "spec_json": spec.public_json}
    assert embedded_spec_json(new) == embedded_spec_json(old) == spec.public_json
    assert spec_from_json(embedded_spec_json(new)).sha256 == spec.sha256
    assert embedded_spec_json({"report_id": "r"}) == ""
    # Damaged, or a bomb that would unpack to gigabytes: not unpacked, reported as a bad spec.
    assert unpack_spec(packed[:-8]) == ""
    assert unpack_spec("not base64!") == ""
    import base64

    bomb = base64.b64encode(zlib.compress(b" " * (100 * 1024 * 1024), 9)).decode()
    assert unpack_spec(bomb) == ""
    assert embedded_spec_json(_meta(RawSheet("_consolidate", [["spec_json_z", "garbage"]]))) == "{}"
