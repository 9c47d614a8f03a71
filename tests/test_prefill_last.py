"""Progress texts that grow month by month (the city's 进展情况 is a list, ①…②…, that each month
carries on): the built-in kinds start each unit's cell from its last accepted text (``prefill:
last``). A text sent back exactly as it started is an I-NOT-UPDATED note; the template sent back
untouched, its texts and all, is still the blank form (W-BLANK-RETURN), known by the marks its
``_meta`` keeps of those texts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from consolidate.common import META_SHEET
from consolidate.kinds.demo import DemoResult, build_demo, fill_template
from consolidate.merge import merge_returns
from consolidate.spec import load_spec

LS = "2020-08_2020年民生实事工作8月份进展情况_兰山区.xlsx"
JULY_LS = "2020-07_2020年民生实事工作7月份进展情况_兰山区.xlsx"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return build_demo(tmp_path_factory.mktemp("prefill") / "demo")


def _progress(path: Path) -> dict[int, object]:
    """Row → the 进展情况 cell of a return or template's first sheet (its header in row 5)."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    (column,) = [c.column for c in sheet[5] if c.value == "进展情况"]
    return {row: sheet.cell(row, column).value for row in range(6, 10)}


def test_the_template_starts_from_last_months_text_and_its_instructions_say_so(demo: DemoResult) -> None:
    template = demo.folder / "templates" / LS
    july = _progress(demo.folder / "returns-2020-07" / JULY_LS)
    assert _progress(template) == july
    assert july[6] == "截至7月底，已完成年度任务的74%，按计划推进。"
    book = openpyxl.load_workbook(template)
    rows = {r[0]: r for r in book["填报说明"].iter_rows(values_only=True) if r[0]}
    assert rows["进展情况"][4] == (
        "按时间顺序分条写明本月及累计开展的工作。已预填本单位上期报送的内容：请在其后补写本期的进展"
    )
    assert rows["累计完成"][4].startswith("截至8月底的累计完成数")  # a field not prefilled: as it was
    meta = {r[0]: r[1] for r in book[META_SHEET].iter_rows(values_only=True)}
    assert sorted(json.loads(meta["started"])) == ["H6", "H7", "H8", "H9"]
    # A period with no history: no text to start from, nothing noted.
    first = openpyxl.load_workbook(next((demo.folder / "returns-2020-07").glob("*_兰山区.xlsx")))
    assert "started" not in {r[0] for r in first[META_SHEET].iter_rows(values_only=True)}


def test_a_text_sent_back_as_it_started_is_a_note_and_written_on_is_not(demo: DemoResult, tmp_path: Path) -> None:
    returns = tmp_path / "收回"
    returns.mkdir()
    july = _progress(demo.folder / "returns-2020-07" / JULY_LS)
    rows = {
        "T01": {"done": 40000, "status": "正常"},  # its text left as the template started it
        "T02": {"done": 7, "status": "正常", "progress": f"  {july[7]}\r\n"},  # the same words, retyped
        "T03": {"done": 12, "status": "正常", "progress": f"{july[8]}\n截至8月底，新增2处达到县级示范标准。"},
        "T07": {"done": 1, "status": "正常", "progress": str(july[9]).replace("。", "；")},  # changed
    }
    fill_template(demo.folder / "templates" / LS, returns / LS, rows, contact="王建华")
    result = merge_returns(load_spec(demo.spec), [returns], history=demo.folder / "spec" / "history.sqlite")
    assert result.statuses["LS"] == "returned"
    notes = [i for i in result.issues if i.code == "I-NOT-UPDATED"]
    assert [(i.unit, i.cell, i.field, i.value) for i in notes] == [
        ("LS", "H6", "progress", july[6]),
        ("LS", "H7", "progress", july[7]),
    ]
    assert notes[0].message("zh") == "“进展情况”与上期（2020-07）报送的内容一字不差：模板里预填的上期内容没有改动"
    assert notes[0].fix("zh") == "如本期有新进展，请在上期内容后补写；确实没有新进展的，可写明“本期无新进展”"
    assert notes[0].message("en") == (
        "“进展情况” is word for word what was returned for 2020-07: the text the template started from was not changed"
    )
    assert notes[0].level.value == "info" and result.exit_code == 0
    assert [r.values["progress"] for r in result.records_of("LS")][2].endswith("新增2处达到县级示范标准。")


def test_the_template_sent_back_untouched_texts_and_all_is_the_blank_form(demo: DemoResult, tmp_path: Path) -> None:
    returns = tmp_path / "收回"
    returns.mkdir()
    template = demo.folder / "templates" / LS
    assert all(isinstance(v, str) and v for v in _progress(template).values())  # it is not empty
    (returns / LS).write_bytes(template.read_bytes())
    result = merge_returns(load_spec(demo.spec), [returns], history=demo.folder / "spec" / "history.sqlite")
    assert result.statuses["LS"] == "blank"
    assert [i.code for i in result.issues if i.unit == "LS"] == ["W-BLANK-RETURN"]
    # One figure typed in: a return, whose untouched texts are notes.
    fill_template(template, returns / LS, {"T01": {"done": 40000}})
    result = merge_returns(load_spec(demo.spec), [returns], history=demo.folder / "spec" / "history.sqlite")
    assert result.statuses["LS"] == "returned"
    assert [i.code for i in result.issues if i.unit == "LS" and i.level.value != "error"].count("I-NOT-UPDATED") == 4


def test_a_unit_that_missed_a_month_is_told_which_month_its_text_is_from(demo: DemoResult, tmp_path: Path) -> None:
    """临沂高新区 did not return August: its September template starts from its July text, and
    填报说明 says so (as its 上期 column's title does)."""
    import shutil

    from typer.testing import CliRunner

    from consolidate.cli import app

    folder = tmp_path / "demo"
    shutil.copytree(demo.folder, folder)
    done = CliRunner().invoke(app, ["next", str(folder / "spec" / "report.yaml")])
    assert done.exit_code == 0, done.output
    done = CliRunner().invoke(app, ["templates", str(folder / "spec" / "report.yaml"), "-o", str(tmp_path / "9月")])
    assert done.exit_code == 0, done.output
    (gx,) = (tmp_path / "9月").glob("*_临沂高新区.xlsx")
    book = openpyxl.load_workbook(gx)
    assert book["填报"]["E5"].value == "上期累计完成（2020-07）"
    rows = {r[0]: r for r in book["填报说明"].iter_rows(values_only=True) if r[0]}
    assert rows["进展情况"][4] == (
        "按时间顺序分条写明本月及累计开展的工作。已预填本单位 2020-07 报送的内容：请在其后补写本期的进展"
    )
    july = _progress(demo.folder / "returns-2020-07" / "2020-07_2020年民生实事工作7月份进展情况_临沂高新区.xlsx")
    assert _progress(gx) == july
    (ls,) = (tmp_path / "9月").glob("*_兰山区.xlsx")
    ls_rows = {r[0]: r for r in openpyxl.load_workbook(ls)["填报说明"].iter_rows(values_only=True) if r[0]}
    assert ls_rows["进展情况"][4].endswith("已预填本单位上期报送的内容：请在其后补写本期的进展")


def test_the_summary_says_whose_part_of_a_joined_text_was_not_updated(demo: DemoResult) -> None:
    """汇总's 进展情况 of the item 临沭县 sent back as July's has a note naming it (no shading: the
    text is what was returned, only not new); the JSON has the same note."""
    from consolidate.write import summary_json
    from consolidate.write.tables import summary_table

    table = summary_table(demo.result, "zh")
    notes = {k: (v.text, v.partial) for k, v in table.notes.items() if k[1] == "progress"}
    assert notes == {(0, "progress"): ("本期未更新（与之前报送的内容一字不差）：临沭县（2020-07）", False)}
    assert table.rows[0][0] == "33"  # the first item, 两癌检查
    english = summary_table(demo.result, "en").notes[(0, "progress")].text
    assert english == "Not updated this period (word for word as returned before): 临沭县 (2020-07)"
    data = summary_json(demo.result)
    assert {
        "row": 0,
        "column": "progress",
        "partial": False,
        "computed_over_complete_pairs": False,
        "note": "本期未更新（与之前报送的内容一字不差）：临沭县（2020-07）",
    } in data["summary"]["notes"]


def test_a_row_is_as_tall_as_the_text_it_starts_from(demo: DemoResult, tmp_path: Path) -> None:
    """A long last text (a year's ①…⑥ list) makes its row tall enough to read it; without it the
    row keeps the height its other cells ask for."""
    from consolidate.write import write_templates

    spec = load_spec(demo.spec)
    long = "\n".join(f"{'①②③④⑤⑥'[n]}{n + 3}月：完成全市电子健康卡发行，二级及以上医院全部上线运行。" for n in range(6))
    (with_text,) = write_templates(spec, tmp_path / "a", ["LS"], previous={"LS": {("T01", "progress"): long}})
    (without,) = write_templates(spec, tmp_path / "b", ["LS"], previous={"LS": {}})
    tall = openpyxl.load_workbook(with_text)["填报"].row_dimensions[6].height
    plain = openpyxl.load_workbook(without)["填报"].row_dimensions[6].height
    assert openpyxl.load_workbook(with_text)["填报"]["H6"].value == long
    assert tall is not None and tall >= 6 * 14  # six lines of 11-point text
    assert plain is None or plain < tall / 2
