"""Returns as they really arrive: renamed, pasted, zipped, encrypted, broken or hostile."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from consolidate.errors import InputError
from consolidate.kinds.demo import fill_template
from consolidate.merge import MergeResult, merge_returns
from consolidate.spec import Spec, load_spec
from consolidate.write import write_summary
from consolidate.write.template import write_templates

from .conftest import SPEC_YAML, write_spec
from .helpers import sheet_rows, unit_templates

YZK_FILE = "2025年第一季度重点工作完成情况_医政医管科.xlsx"
GOOD = {
    "T1": {"done": 100, "progress": "完成勘察", "status": "正常"},
    "T2": {"done": 5, "progress": "桩基施工", "status": "正常"},
}


@pytest.fixture
def templates(spec: Spec, tmp_path: Path) -> dict[str, Path]:
    return unit_templates(spec, tmp_path / "templates")


@pytest.fixture
def returns(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    return folder


def filled_bytes(template: Path, rows: dict[str, dict[str, object]], tmp_path: Path) -> bytes:
    out = tmp_path / "tmp-fill.xlsx"
    fill_template(template, out, rows)
    data = out.read_bytes()
    out.unlink()
    return data


def issues(result: MergeResult, *codes: str) -> list[tuple[str, str, str, str]]:
    return [(i.code, i.file, i.cell, i.message()) for i in result.issues if not codes or i.code in codes]


class GbkName(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as Chinese Windows zips do."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits


def rewrite_member(data: bytes, member: str, change: object) -> bytes:
    """A copy of a zip package with one member's bytes changed by ``change(bytes) -> bytes``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = change(content)  # type: ignore[operator]
            target.writestr(info, content)
    return out.getvalue()


def test_broken_files_each_give_one_clear_issue(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    good = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    (returns / YZK_FILE).write_bytes(good)
    (returns / "空文件_基层卫生科.xlsx").write_bytes(b"")
    (returns / "半截_基层卫生科.xlsx").write_bytes(good[: len(good) // 2])
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    (returns / "龙溪镇卫生院.xlsx").write_bytes(docx.getvalue())
    (returns / "网页.xls").write_bytes("<html><body><table><tr><td>序号</td></tr></table></body></html>".encode())
    (returns / "备注.xlsx").write_text("这不是表格", encoding="utf-8")
    for junk in ("~$2025年第一季度重点工作完成情况_医政医管科.xlsx", ".DS_Store", "Thumbs.db", "__MACOSX/._x.xlsx"):
        (returns / junk).parent.mkdir(exist_ok=True)
        (returns / junk).write_bytes(b"junk")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returns.rglob("*") if p.is_file()}
    result = merge_returns(spec, [returns])
    # Issues without a unit come first, then in the spec's unit order: 基层卫生科 (JWK), 龙溪镇卫生院 (LX).
    assert issues(result, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            "备注.xlsx",
            "",
            "文件无法读取：这是文本文件，只是扩展名像 Excel 表格；请对方发送真正的 Excel 文件",
        ),
        (
            "E-UNREADABLE-FILE",
            "网页.xls",
            "",
            "文件无法读取：这是网页（HTML）文件，只是扩展名为 .xls；请对方用 Excel/WPS 打开后另存为 .xlsx",
        ),
        (
            "E-UNREADABLE-FILE",
            "半截_基层卫生科.xlsx",
            "",
            "文件无法读取：文件不完整或已损坏（可能没有下载完整，或在传输中被截断）",
        ),
        ("E-UNREADABLE-FILE", "空文件_基层卫生科.xlsx", "", "文件无法读取：文件是空的（0 字节）"),
        (
            "E-UNREADABLE-FILE",
            "龙溪镇卫生院.xlsx",
            "",
            "文件无法读取：这是 Word 文档（.docx），不是 Excel 表格；请对方把表格填在下发的 Excel 模板里",
        ),
    ]
    assert [i.name for i in result.inputs] == sorted(
        [YZK_FILE, "空文件_基层卫生科.xlsx", "半截_基层卫生科.xlsx", "龙溪镇卫生院.xlsx", "网页.xls", "备注.xlsx"]
    )
    statuses = {s.unit_code: s.status for s in result.submissions}
    assert statuses == {"YZK": "returned", "JWK": "unreadable", "LX": "unreadable"}
    assert sum(r.values["done"] for r in result.records) == 105
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returns.rglob("*") if p.is_file()} == before


def test_encrypted_return_needs_its_password(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("yzk2025", encrypted)
    (returns / YZK_FILE).write_bytes(encrypted.getvalue())
    locked = merge_returns(spec, [returns])
    assert issues(locked, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            YZK_FILE,
            "",
            "文件无法读取：文件有密码保护；请用 --password 或 --passwords 给出密码，或请对方去掉密码后重发",
        )
    ]
    wrong = merge_returns(spec, [returns], passwords=["123456"])
    assert "给出的密码都不对" in issues(wrong, "E-UNREADABLE-FILE")[0][3]
    opened = merge_returns(spec, [returns], passwords=["123456", "yzk2025"])
    assert issues(opened, "I-OPENED") == [("I-OPENED", YZK_FILE, "", "文件已用密码解密")]
    assert [r.values["done"] for r in opened.records] == [100, 5]


def test_zip_with_gbk_names_nested_folders_and_traversal(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    yzk = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    lx = filled_bytes(
        templates["龙溪镇卫生院"],
        {
            "T1": {"done": 70, "progress": "已选址", "status": "滞后"},
            "T3": {"done": 20, "progress": "巡诊", "status": "正常"},
        },
        tmp_path,
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(GbkName("一季度/医政医管科.xlsx"), yzk)
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as nested:
            nested.writestr("龙溪镇卫生院.xlsx", lx)
        z.writestr("乡镇/卫生院.zip", inner.getvalue())
        z.writestr("../../etc/evil.xlsx", yzk)
        z.writestr("__MACOSX/一季度/._医政医管科.xlsx", b"junk")
    (returns / "回收.zip").write_bytes(archive.getvalue())
    result = merge_returns(spec, [returns])
    assert sorted((r.unit_code, r.file) for r in result.records) == [
        ("LX", "回收.zip/乡镇/卫生院.zip/龙溪镇卫生院.xlsx"),
        ("LX", "回收.zip/乡镇/卫生院.zip/龙溪镇卫生院.xlsx"),
        ("YZK", "回收.zip/一季度/医政医管科.xlsx"),
        ("YZK", "回收.zip/一季度/医政医管科.xlsx"),
    ]
    assert issues(result, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            "回收.zip/../../etc/evil.xlsx",
            "",
            "文件无法读取：压缩包中的文件名“../../etc/evil.xlsx”指向压缩包以外，已拒绝（路径穿越）",
        )
    ]


def test_zip_bomb_is_refused_quickly(spec: Spec, returns: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("医政医管科.xlsx", b"\0" * (20 * 2**20))
    (returns / "bomb.zip").write_bytes(bomb.getvalue())
    result = merge_returns(spec, [returns])
    assert issues(result, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            "bomb.zip",
            "",
            "文件无法读取：压缩包中的“医政医管科.xlsx”压缩比异常（疑似压缩炸弹），已拒绝",
        )
    ]


def _stray(xml: bytes, ref: str) -> bytes:
    row = re.search(rb"\d+$", ref.encode())
    assert row is not None
    cell = f'<row r="{row.group().decode()}"><c r="{ref}" t="inlineStr"><is><t>12345</t></is></c></row>'.encode()
    return xml.replace(b"</sheetData>", cell + b"</sheetData>")


@pytest.mark.parametrize("mode", ["cell", "dimension"])
def test_stray_cell_at_xfd1048576_does_not_take_the_run_down(
    mode: str, spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    good = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    if mode == "cell":
        data = rewrite_member(good, "xl/worksheets/sheet1.xml", lambda x: _stray(x, "XFD1048576"))
    else:
        data = rewrite_member(
            good,
            "xl/worksheets/sheet1.xml",
            lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', x),
        )
    (returns / YZK_FILE).write_bytes(data)
    result = merge_returns(spec, [returns])
    assert [r.values["done"] for r in result.records] == [100, 5]
    expected = (
        [("W-EXTRA-VALUE", YZK_FILE, "XFD1048576", "XFD 列的“12345”不属于任何栏目，未汇总")] if mode == "cell" else []
    )
    assert issues(result, "W-EXTRA-VALUE") == expected


@pytest.mark.parametrize(
    ("cells", "too_large"),
    [
        (b'<c r="A1"/><c r="ZZ999"/>', False),  # nothing far: the references are not gathered
        (b'<c r="A1"/><c r="ZZ9999"/>', True),  # 9,999 rows x 702 columns
        (b"<c r = ' zz9999 '/>", True),  # as any XML parser (and calamine) reads it
        (b'<c r="AAA1"/><c r="A7200"/>', True),  # 7,200 rows x 703 columns
        (b'<c r="AAA1"/><c r="A7000"/>', False),  # 4,921,000 cells: the extent computed, within
        (b'<c r="A0005000001"/>', True),  # leading zeros
    ],
)
def test_far_references_are_measured_and_near_ones_need_not_be(cells: bytes, too_large: bool) -> None:
    from consolidate.read import ooxml

    sheet = ooxml.SheetInfo("Sheet1", "xl/worksheets/sheet1.xml")
    ooxml._scan(
        sheet, b'<worksheet xmlns:r="http://x"><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>"
    )
    assert sheet.too_large is too_large
    assert ooxml._NEAR_ROWS * ooxml._NEAR_COLUMNS <= ooxml.MAX_CELLS


def test_xxe_in_a_package_is_refused(spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path) -> None:
    good = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    evil = rewrite_member(
        good,
        "xl/workbook.xml",
        lambda x: b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + x.split(b"?>", 1)[-1],
    )
    (returns / YZK_FILE).write_bytes(evil)
    result = merge_returns(spec, [returns])
    (code, file, _, message) = issues(result, "E-UNREADABLE-FILE")[0]
    assert (code, file) == ("E-UNREADABLE-FILE", YZK_FILE)
    assert message.startswith("文件无法读取：文件包含不安全的 XML 内容，已拒绝")


def test_pasted_into_a_new_workbook_with_messy_header(spec: Spec, returns: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["医政医管科一季度重点工作报表"])
    ws.append(["填报单位：医政医管科", None, "联系人：王芳"])
    ws.append([])
    ws.append(["完成情况\n自评", "序 号", "目标任务", "累计完成（个）", "年度目标", "完成情况", "备注"])
    ws.append(["正常", "1", "健全院前急救体系", "１２０", 120, "急救分站已选址", None])
    ws.append(["超前", "2", "提速市公卫中心建设", "1,234", 10, "桩基完成", "另见附件"])
    ws.append([None, "合计", None, 1354, 130, None, None])
    book.save(returns / "医政医管科报表.xlsx")
    result = merge_returns(spec, [returns])
    assert [(r.item_id, r.values["done"], r.values["status"], r.row) for r in result.records] == [
        ("T1", 120, "正常", 5),
        ("T2", 1234, "超前", 6),
    ]
    assert issues(result, "W-NO-METADATA", "W-EXTRA-VALUE", "I-SUBTOTAL-ROW") == [
        (
            "W-NO-METADATA",
            "医政医管科报表.xlsx",
            "",
            "文件不是由下发模板填写的（缺少模板信息），已按表头识别，单位按“医政医管科”识别为 医政医管科",
        ),
        ("W-EXTRA-VALUE", "医政医管科报表.xlsx", "G6", "G 列的“另见附件”不属于任何栏目，未汇总"),
        ("I-SUBTOTAL-ROW", "医政医管科报表.xlsx", "A7", "第 7 行是合计行（“合计；1354；130”），未重复计入"),
    ]
    assert result.submissions[0].contact == "王芳"


def test_gbk_csv_unit_from_file_name(spec: Spec, returns: Path) -> None:
    text = '序号,目标任务,年度目标,累计完成,完成情况,完成情况自评\n3,深化基层卫生综合试验区工作,50,"2,5",推进中,正 常\n'
    (returns / "基层卫生科（一季度）.csv").write_bytes(text.encode("gbk"))
    result = merge_returns(spec, [returns])
    assert [(i.code, i.cell, i.value) for i in result.issues if i.unit == "JWK"] == [
        ("E-NOT-A-NUMBER", "D2", "2,5"),
        ("W-MISSING-COLUMN", "", ""),  # 存在问题及解决建议
        ("W-NO-METADATA", "", "基层卫生科（一季度）"),
        ("I-CONVERTED", "F2", "正 常"),
    ]


def test_unknown_unit_names_the_closest(spec: Spec, returns: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["填报单位", "龙溪卫生院"])
    ws.append(["序号", "目标任务", "累计完成", "完成情况自评"])
    ws.append(["1", "健全院前急救体系", 5, "正常"])
    book.save(returns / "报表.xlsx")
    result = merge_returns(spec, [returns])
    assert issues(result, "E-UNKNOWN-UNIT", "W-NO-METADATA") == [
        (
            "W-NO-METADATA",
            "报表.xlsx",
            "",
            "文件不是由下发模板填写的（缺少模板信息），已按表头识别，单位按“龙溪卫生院”识别为 龙溪镇卫生院",
        ),
    ]
    ws["B1"] = "城关镇卫生院"
    book.save(returns / "报表.xlsx")
    result = merge_returns(spec, [returns])
    assert issues(result, "E-UNKNOWN-UNIT") == [
        (
            "E-UNKNOWN-UNIT",
            "报表.xlsx",
            "",
            "无法确定填报单位“城关镇卫生院”，不在单位名单中；最接近的是：龙溪镇卫生院；"
            '如确是该单位报送的，可用 --assign "报表.xlsx=龙溪镇卫生院" 指定',
        ),
    ]
    assert result.submissions[2].status == "missing"
    # The option the message suggests settles it (by name or code, by the name shown or a path).
    for given in ({"报表.xlsx": "龙溪镇卫生院"}, {str(returns / "报表.xlsx"): "LX"}):
        result = merge_returns(spec, [returns], assign=given)
        assert [(r.unit_code, r.item_id, r.values["done"]) for r in result.records] == [("LX", "T1", 5)]
        assert result.submissions[2].status == "returned"
        assert issues(result, "E-UNKNOWN-UNIT", "I-ASSIGNED") == [
            ("I-ASSIGNED", "报表.xlsx", "", "按 --assign 指定为 龙溪镇卫生院 的报表")
        ]
    with pytest.raises(
        InputError, match=re.escape("--assign “报表.xlsx=城关镇卫生院”：单位“城关镇卫生院”不在单位名单中")
    ):
        merge_returns(spec, [returns], assign={"报表.xlsx": "城关镇卫生院"})
    with pytest.raises(InputError, match=re.escape("--assign “其他.xlsx=LX”：找不到文件“其他.xlsx”")):
        merge_returns(spec, [returns], assign={"其他.xlsx": "LX"})


def test_return_from_an_older_template_is_mapped_by_field_id(tmp_path: Path, returns: Path) -> None:
    old_spec = load_spec(write_spec(tmp_path / "old", SPEC_YAML))
    (old_template,) = [p for p in write_templates(old_spec, tmp_path / "old_t") if "医政医管科" in p.name]
    fill_template(
        old_template,
        returns / old_template.name,
        {
            "T1": {"done": 90, "progress": "选址", "problems": "资金未到位", "status": "正常"},
            "T2": {"done": 3, "progress": "施工", "status": "滞后"},
        },
    )
    new_text = SPEC_YAML.replace("label: 累计完成", "label: 累计完成数").replace(
        "  - {id: problems, label: 存在问题及解决建议, type: text, aggregate: join}\n",
        "  - {id: funds, label: 到位资金, type: number, unit: 万元}\n",
    )
    new_spec = load_spec(write_spec(tmp_path / "new", new_text))
    result = merge_returns(new_spec, [returns])
    assert [(r.item_id, r.values["done"], r.values["status"], r.values["funds"]) for r in result.records] == [
        ("T1", 90, "正常", None),
        ("T2", 3, "滞后", None),
    ]
    assert issues(result, "W-OLD-TEMPLATE", "W-EXTRA-VALUE") == [
        (
            "W-OLD-TEMPLATE",
            old_template.name,
            "",
            "这份报表用的是旧版模板；新增栏目：到位资金；删除栏目：存在问题及解决建议；改名：累计完成→累计完成数",
        ),
        ("W-EXTRA-VALUE", old_template.name, "G6", "G 列的“资金未到位”不属于任何栏目，未汇总"),
    ]


def _set_saved(data: bytes, when: str) -> bytes:
    return rewrite_member(
        data,
        "docProps/core.xml",
        lambda x: re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>" + when.encode() + b"<", x),
    )


def test_duplicates_newest_by_own_save_time(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    first = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    second = filled_bytes(
        templates["医政医管科"], {**GOOD, "T2": {"done": 8, "progress": "更正", "status": "正常"}}, tmp_path
    )
    (returns / "a_医政医管科_更正.xlsx").write_bytes(_set_saved(second, "2025-04-14T08:00:00Z"))
    (returns / "b_医政医管科.xlsx").write_bytes(_set_saved(first, "2025-04-10T08:00:00Z"))
    result = merge_returns(spec, [returns])
    assert [r.values["done"] for r in result.records] == [100, 8]
    assert issues(result, "W-DUPLICATE-RETURN") == [
        (
            "W-DUPLICATE-RETURN",
            "a_医政医管科_更正.xlsx",
            "",
            "医政医管科 报送了多份文件：a_医政医管科_更正.xlsx、b_医政医管科.xlsx；采用最新的 a_医政医管科_更正.xlsx",
        ),
    ]
    assert result.submissions[0].status == "duplicate"


def test_merged_hidden_formula_and_empty_looking_cells(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    path = returns / YZK_FILE
    fill_template(
        templates["医政医管科"],
        path,
        {"T1": {"done": "=C6*0.5", "progress": "合并说明", "status": "正常"}, "T2": {"done": "—", "status": "正常"}},
    )
    book = openpyxl.load_workbook(path)
    ws = book["填报"]
    ws["D6"].data_type = "f"
    ws.merge_cells("F6:F7")
    ws.row_dimensions[7].hidden = True
    book.save(path)
    result = merge_returns(spec, [returns])
    assert [(i.code, i.cell, i.message()) for i in result.issues if i.unit == "YZK"] == [
        ("E-REQUIRED", "D6", "“累计完成”为必填项，未填写"),
        ("E-REQUIRED", "D7", "“累计完成”为必填项，未填写"),
        ("W-FORMULA-NO-VALUE", "D6", "“累计完成”是没有计算结果的公式“=C6*0.5”，未读取"),
        ("I-HIDDEN-ROW", "A7", "第 7 行是隐藏行，已照常读取"),
        ("I-CONVERTED", "D7", "“累计完成”的“—”按 空白 读取（按空白读取）"),
        ("I-CONVERTED", "F7", "“完成情况”的“”按 合并说明 读取（合并单元格 F6:F7，按合并的值读取）"),
    ]
    assert [r.values["progress"] for r in result.records] == ["合并说明", "合并说明"]


def test_xlsx_whose_sheet_is_a_decompression_bomb(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    good = filled_bytes(templates["医政医管科"], GOOD, tmp_path)
    padding = b"<!--" + b" " * (30 * 2**20) + b"-->"
    bomb = rewrite_member(
        good, "xl/worksheets/sheet1.xml", lambda x: x.replace(b"<sheetData>", padding + b"<sheetData>")
    )
    (returns / YZK_FILE).write_bytes(bomb)
    assert len(bomb) < 2**20
    result = merge_returns(spec, [returns])
    assert issues(result, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            YZK_FILE,
            "",
            "文件无法读取：文件中的“xl/worksheets/sheet1.xml”压缩比异常（疑似压缩炸弹），已拒绝",
        )
    ]


def _ods(rows_repeated: int, columns_repeated: int) -> bytes:
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        f'xmlns:table="{table}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="填报">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>序号</text:p>'
        "</table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows_repeated}">'
        f'<table:table-cell table:number-columns-repeated="{columns_repeated}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        # What LibreOffice writes after the data: repeated empty cells and rows, not values.
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return out.getvalue()


def test_ods_with_a_value_repeated_over_the_whole_sheet_is_refused(spec: Spec, returns: Path) -> None:
    (returns / "医政医管科.ods").write_bytes(_ods(1_048_575, 16_384))
    (returns / "基层卫生科.ods").write_bytes(_ods(3, 4))
    result = merge_returns(spec, [returns])
    assert issues(result, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            "医政医管科.ods",
            "",
            "文件无法读取：表格“填报”的范围过大（1048576 行 × 16384 列），疑似恶意文件，已拒绝",
        ),
    ]
    assert [i.code for i in result.issues if i.file == "基层卫生科.ods"] == ["E-NO-TABLE"]


@pytest.mark.libreoffice
def test_xls_with_a_stray_cell_at_the_last_row_and_column_is_refused(spec: Spec, returns: Path, tmp_path: Path) -> None:
    from consolidate.write.pdf import convert

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws["A1"] = "序号"
    ws["IV65536"] = "far"
    book.save(tmp_path / "医政医管科.xlsx")
    convert(tmp_path / "医政医管科.xlsx", "xls", returns)
    result = merge_returns(spec, [returns])
    assert issues(result, "E-UNREADABLE-FILE") == [
        (
            "E-UNREADABLE-FILE",
            "医政医管科.xls",
            "",
            "文件无法读取：表格“第1个工作表”的范围过大（65536 行 × 256 列），疑似恶意文件，已拒绝",
        ),
    ]


def test_error_values_are_reported_not_read_as_blank(spec: Spec, templates: dict[str, Path], returns: Path) -> None:
    path = returns / YZK_FILE
    fill_template(templates["医政医管科"], path, GOOD)
    book = openpyxl.load_workbook(path)
    ws = book["填报"]
    for ref, error in (("D6", "#DIV/0!"), ("G7", "#N/A")):
        ws[ref].value = error
        ws[ref].data_type = "e"
    book.save(path)
    result = merge_returns(spec, [returns])
    assert [(i.code, i.cell, i.value, i.message()) for i in result.issues] == [
        ("E-CELL-ERROR", "D6", "#DIV/0!", "“累计完成”是错误值 #DIV/0!（公式出错），未读取"),
        ("E-CELL-ERROR", "G7", "#N/A", "“存在问题及解决建议”是错误值 #N/A（公式出错），未读取"),
        ("W-MISSING-RETURN", "", "", "基层卫生科 未报送"),
        ("W-MISSING-RETURN", "", "", "龙溪镇卫生院 未报送"),
    ]


def test_utf16_tab_separated_text_as_excel_saves_unicode_text(spec: Spec, returns: Path) -> None:
    text = "填报单位\t龙溪镇卫生院\n序号\t目标任务\t累计完成\t完成情况\t完成情况自评\n3\t深化基层卫生综合试验区工作\t12\t巡诊\t正常\n"
    (returns / "报表.csv").write_bytes(text.encode("utf-16"))
    result = merge_returns(spec, [returns])
    assert [(r.unit_code, r.item_id, r.values["done"]) for r in result.records] == [("LX", "T3", 12)]


def test_a_blank_contact_is_blank_not_the_next_label(spec: Spec, templates: dict[str, Path], returns: Path) -> None:
    fill_template(templates["医政医管科"], returns / YZK_FILE, GOOD, contact="", phone="0576-87221234")
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["填报单位：", "基层卫生科"])
    ws.append(["联系人", None, "联系电话：", "13905761234"])
    ws.append(["序号", "目标任务", "累计完成", "完成情况", "完成情况自评"])
    ws.append(["3", "深化基层卫生综合试验区工作", 20, "已选址", "正常"])
    book.save(returns / "基层卫生科.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["填报单位", "龙溪镇卫生院", "联系人", "联系电话", "0576-87000000"])
    ws.append(["序号", "目标任务", "累计完成", "完成情况", "完成情况自评"])
    ws.append(["1", "健全院前急救体系", 20, "已选址", "正常"])
    book.save(returns / "龙溪.xlsx")
    result = merge_returns(spec, [returns])
    assert [(s.unit_code, s.contact, s.phone) for s in result.submissions] == [
        ("YZK", "", "0576-87221234"),
        ("JWK", "", "13905761234"),
        ("LX", "", "0576-87000000"),
    ]


def test_overdue_from_evidence_in_order_mail_then_saved_then_file_time(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    # Every attachment was saved to disk on 4月16日, a day after the deadline.
    late = dt.datetime(2025, 4, 16, 9, 0).timestamp()
    yzk = returns / YZK_FILE
    yzk.write_bytes(_set_saved(filled_bytes(templates["医政医管科"], GOOD, tmp_path), "2025-04-14T08:05:00Z"))
    jwk = returns / "基层卫生科.xlsx"
    jwk.write_bytes(
        filled_bytes(templates["基层卫生科"], {"T3": {"done": 5, "progress": "x", "status": "正常"}}, tmp_path)
    )
    lx = returns / "龙溪镇卫生院.xlsx"
    lx.write_bytes(templates["龙溪镇卫生院"].read_bytes())  # the template as sent: never saved again
    for path in (yzk, jwk, lx):
        os.utime(path, (late, late))
    log = returns / ".consolidate" / "received.json"
    log.parent.mkdir()
    log.write_text(json.dumps({"files": {"基层卫生科.xlsx": {"received": "2025-04-15T17:20:00"}}}), encoding="utf-8")
    result = merge_returns(spec, [returns])
    saved = dt.datetime(2025, 4, 14, 8, 5, tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    assert [(s.unit_code, s.received, s.time_source, s.overdue) for s in result.submissions] == [
        ("YZK", saved, "saved", False),
        ("JWK", dt.datetime(2025, 4, 15, 17, 20), "mail", False),
        ("LX", dt.datetime(2025, 4, 16, 9, 0), "file", True),
    ]
    assert result.statuses["LX"] == "blank"  # the template as sent, filled with nothing: late, and not a return
    out = write_summary(result, tmp_path / "summary.xlsx")
    assert [(r["单位编码"], r["时间依据"], r["逾期"]) for r in sheet_rows(out, "报送情况")] == [
        ("YZK", "工作簿保存时间", None),
        ("JWK", "邮件收到时间", None),
        ("LX", "文件修改时间", "是"),
    ]


def test_a_column_deleted_from_the_template_shifts_nothing(
    spec: Spec, templates: dict[str, Path], returns: Path, tmp_path: Path
) -> None:
    filled = returns / YZK_FILE
    fill_template(templates["医政医管科"], filled, GOOD)
    book = openpyxl.load_workbook(filled)
    book["填报"].delete_cols(7)  # 存在问题及解决建议 (G): 完成情况自评 moves from H to G
    book.save(filled)
    result = merge_returns(spec, [returns])
    assert [(r.item_id, r.values["done"], r.values["status"]) for r in result.records] == [
        ("T1", 100, "正常"),
        ("T2", 5, "正常"),
    ]
    assert [(i.code, i.field) for i in result.issues if i.code == "W-MISSING-COLUMN"] == [
        ("W-MISSING-COLUMN", "problems")
    ]


def test_a_template_whose_fields_did_not_change_is_not_called_old(tmp_path: Path, returns: Path) -> None:
    """Only the rules changed since the template was made: a note, not “新增栏目：无；删除栏目：无”."""
    old_spec = load_spec(write_spec(tmp_path / "old", SPEC_YAML))
    (old_template,) = [p for p in write_templates(old_spec, tmp_path / "old_t") if "医政医管科" in p.name]
    fill_template(old_template, returns / old_template.name, {"T1": {"done": 90, "progress": "选址", "status": "正常"}})
    new_text = SPEC_YAML.replace("rules:\n", "rules:\n  - {id: big, when: done > 100000, message: 数值过大}\n", 1)
    assert new_text != SPEC_YAML
    result = merge_returns(load_spec(write_spec(tmp_path / "new", new_text)), [returns])
    assert issues(result, "W-OLD-TEMPLATE", "I-SPEC-CHANGED") == [
        (
            "I-SPEC-CHANGED",
            old_template.name,
            "",
            "这份报表的模板生成后，报表定义有改动（规则、说明等），栏目没有变化，已照常读取",
        )
    ]
    assert [(r.item_id, r.values["done"]) for r in result.records_of("YZK")] == [("T1", 90), ("T2", None)]


@pytest.mark.parametrize(
    ("label", "total"),
    [
        ("合计", True),
        ("小 计", True),
        ("合计：", True),
        ("Total", True),
        ("TOTAL", True),
        ("ToTaL", True),
        ("ＴＯＴＡＬ", True),  # typed with a Chinese input method's full-width letters
        ("Subtotal:", True),
        ("总计划", False),
        ("Totally done", False),
        ("健全院前急救体系", False),
    ],
)
def test_a_total_row_is_known_however_its_label_is_typed(label: str, total: bool) -> None:
    from consolidate.check.recognise import _is_subtotal

    assert _is_subtotal({"no": None, "task": label, "done": 1354}, []) is total
    assert _is_subtotal({"no": None, "task": None}, [(7, label)]) is total  # typed beside the table
