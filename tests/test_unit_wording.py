"""What a unit reads of a file that cannot be read (a reminder, the feedback, the upload page) is
worded for the unit: the clerk's reason asks the clerk to ask the unit ("请对方…") or names the
clerk's options (--password), which a unit cannot act on."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from consolidate.mail.remind import reminders
from consolidate.merge import merge_returns
from consolidate.spec import Spec
from consolidate.text import REASON_FOR_UNITS, Msg


def _word_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def test_a_word_document_is_explained_to_the_clerk_and_to_the_unit_each_in_their_terms(
    spec: Spec, tmp_path: Path
) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    (returns / "龙溪镇卫生院.xlsx").write_bytes(_word_document())
    (returns / "基层卫生科.xls").write_bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>")
    result = merge_returns(spec, [returns])
    word = next(i for i in result.issues if i.unit == "LX")
    page = next(i for i in result.issues if i.unit == "JWK")
    # The clerk's wording (merge, 问题清单): what to ask of the unit.
    assert (
        word.message() == "文件无法读取：这是 Word 文档（.docx），不是 Excel 表格；请对方把表格填在下发的 Excel 模板里"
    )
    assert word.fix() == "请对方用 Excel/WPS 打开后另存为 .xlsx 再发送"
    # The unit's: what it is, and what to do.
    assert word.message(for_unit=True) == "文件无法读取：这是 Word 文档（.docx），不是 Excel 表格"
    assert word.fix(for_unit=True) == "请把数据填在下发的 Excel 模板里，保存后重新报送"
    assert (
        word.message("en", for_unit=True)
        == "The file cannot be read: this is a Word document (.docx), not a spreadsheet"
    )
    assert page.message(for_unit=True) == "文件无法读取：这是网页（HTML）文件，只是扩展名为 .xls"
    assert page.fix(for_unit=True) == "请用 Excel 或 WPS 打开这个文件，另存为 .xlsx 后重新报送"

    by_unit = {r.unit.code: r for r in reminders(spec, returns)}
    assert by_unit["LX"].problems == [
        "文件无法读取：这是 Word 文档（.docx），不是 Excel 表格（请把数据填在下发的 Excel 模板里，保存后重新报送）"
    ]
    assert not any("请对方" in p or "--" in p for r in by_unit.values() for p in r.problems)


def test_every_reason_a_unit_may_read_is_worded_for_it_in_both_languages() -> None:
    from consolidate.text import CATALOGUE

    asking = [k for k, (zh, _) in CATALOGUE.items() if k.startswith("read.") and ("对方" in zh or "--" in zh)]
    assert sorted(asking) == sorted(REASON_FOR_UNITS)
    for key, (statement, fix) in REASON_FOR_UNITS.items():
        for text in [*statement, *(fix or ())]:
            assert text and "对方" not in text and "--" not in text and "ask the unit" not in text, key
        if key.startswith("read.not_spreadsheet."):  # the same fact, without the request
            assert Msg(key).render("zh").startswith(statement[0])
