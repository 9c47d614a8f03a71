"""The summary's fast row writer writes exactly what xlsxwriter's cell methods write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from consolidate.merge import MergeResult
from consolidate.write import RowOptions, fastrows, rows, summary, write_summary
from consolidate.write.xlsx import new_workbook

from .helpers import children_fail, no_fork
from .test_merge import merged  # noqa: F401  (fixture)

TRICKY: list[list[Any]] = [
    ["plain 文本", 1, 2.5, None, ""],
    ["a & b < c > d \"q\" 'q'", -3, 0.1, 1e20, 123456789012345678],
    ["  leading", "trailing  ", "line\n", "\ttab", "两行\n第二行"],
    ["ctrl\x01\x1f end", "_x0041_ literal", "non\ufffechar\uffff", "\x0b", "_x00ff_\x02"],
    [dt.datetime(2020, 8, 31, 13, 45), dt.date(2020, 2, 29), True, False, 0],
    [
        fastrows.Formula("=D7/C7", 0.5),
        fastrows.Formula("=SUM(C4:C5)", ""),
        fastrows.Formula('=IF(C5>1,"是","否")', "是"),
        fastrows.Formula("=C4>0", True),
        fastrows.Formula("=1/0", "#DIV/0!"),
    ],
    ["x" * 20000, "长" * 17000 + "😀" * 20, "y" * 40000, 3.141592653589793, -0.0],
]
HEIGHTS = [None, 30.0, 47.5, None, 17.25, None, 409.0]


def _sheet_xml(tmp_path: Path, name: str, fast: bool) -> bytes:
    path = tmp_path / f"{name}.xlsx"
    book = new_workbook(str(path), constant_memory=True)
    header = book.add_format({"bold": True})
    formats = [book.add_format({"border": 1, "num_format": f"0.{'0' * c}"}) for c in range(5)]
    sheet = book.add_worksheet("明细")
    sheet.write_string(0, 0, "标题", header)
    sheet.set_row(1, 30)
    for c in range(5):
        sheet.write_string(1, c, f"列{c}", header)
    if fast:
        assert fastrows.supported(sheet)
        assert fastrows.RowWriter(sheet, formats).write(2, zip(TRICKY, HEIGHTS, strict=True)) == len(TRICKY)
    else:
        rows._write_cells(sheet, 2, zip(TRICKY, HEIGHTS, strict=True), formats)
    sheet.write_string(len(TRICKY) + 2, 0, "合计", header)
    book.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml") + z.read("xl/styles.xml")


def test_rows_are_byte_identical_to_xlsxwriter(tmp_path: Path) -> None:
    assert _sheet_xml(tmp_path, "fast", True) == _sheet_xml(tmp_path, "api", False)


def test_rows_read_back_as_written(tmp_path: Path) -> None:
    _sheet_xml(tmp_path, "fast", True)
    rows = CalamineWorkbook.from_path(str(tmp_path / "fast.xlsx")).get_sheet_by_name("明细").to_python()
    assert rows[2][:3] == ["plain 文本", 1, 2.5]
    assert rows[3][0] == "a & b < c > d \"q\" 'q'"
    assert rows[4][:2] == ["  leading", "trailing  "]
    assert rows[5][:2] == ["ctrl\x01\x1f end", "_x0041_ literal"]
    assert rows[6][:2] == [pytest.approx(44074 + (13 * 60 + 45) / 1440), 43890]  # Excel serials
    assert rows[8][0] == "x" * 20000
    assert len(rows[8][2]) == 32767  # Excel's limit for one cell, as xlsxwriter truncates


def test_rich_string_lookalike_stays_text(tmp_path: Path) -> None:
    """xlsxwriter copies "<r>…</r>" unescaped in constant-memory mode; a return's text must not."""
    path = tmp_path / "rich.xlsx"
    book = new_workbook(str(path), constant_memory=True)
    sheet = book.add_worksheet("s")
    text = "<r><t>x</t></r>"
    fastrows.RowWriter(sheet, [book.add_format({})]).write(0, [([text], None)])
    book.close()
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python() == [[text]]


def test_not_a_number_is_left_blank(tmp_path: Path) -> None:
    path = tmp_path / "nan.xlsx"
    book = new_workbook(str(path), constant_memory=True)
    sheet = book.add_worksheet("s")
    fastrows.RowWriter(sheet, [book.add_format({})] * 3).write(0, [([1, float("nan"), float("inf")], None)])
    book.close()
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python() == [[1.0]]
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="B1" s="\d+"/><c r="C1" s="\d+"/></row>', xml)


def test_summary_bytes_do_not_depend_on_the_row_writer(
    merged: tuple[MergeResult, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    result, _ = merged
    shared = write_summary(result, tmp_path / "shared.xlsx")
    fast = write_summary(result, tmp_path / "fast.xlsx", rows=RowOptions(shared_strings=False))
    api = write_summary(result, tmp_path / "api.xlsx", rows=RowOptions(fast=False))
    assert fast.read_bytes() == api.read_bytes()
    # 明细's repeated texts (unit, item, file...) are shared strings; every cell reads the same.
    with zipfile.ZipFile(shared) as z:
        assert b't="s"' in z.read("xl/worksheets/sheet3.xml")
    for name in ("汇总", "分单位", "明细", "报送情况", "校验问题", "说明"):
        assert (
            CalamineWorkbook.from_path(str(shared)).get_sheet_by_name(name).to_python()
            == CalamineWorkbook.from_path(str(api)).get_sheet_by_name(name).to_python()
        )


@pytest.mark.parametrize("constant_memory", [True, False])
def test_rich_string_lookalike_through_cell_methods(tmp_path: Path, constant_memory: bool) -> None:
    """Templates, feedback files and the summary's other cells go through xlsxwriter's methods."""
    path = tmp_path / "rich.xlsx"
    book = new_workbook(str(path), constant_memory=constant_memory)
    sheet = book.add_worksheet("s")
    fmt = book.add_format({"bold": True})
    sheet.write_string(0, 0, "<r><t>x</t></r>")
    sheet.write_string(0, 1, "<r>a & b</r>", fmt)
    sheet.write_string(0, 2, "<r>")
    book.close()
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python() == [
        ["<r><t>x</t></r>", "<r>a & b</r>", "<r>"]
    ]


SPLIT = RowOptions(split_from=2)  # even a short 明细 is rendered by two processes


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory: pytest.TempPathFactory) -> MergeResult:
    from consolidate.kinds.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("split") / "demo").result


def test_two_process_rendering_gives_the_same_bytes(
    demo_result: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    parent = os.getpid()
    forks: list[int] = []
    here: list[int] = []  # the child's rows rendered by this process after all
    real_in_child, real_rendered = rows._in_child, rows.Pending.rendered
    monkeypatch.setattr(rows, "_in_child", lambda *a: forks.append(1) or real_in_child(*a))

    def rendered(self: rows.Pending, start: int, stop: int, deferred: bool = False) -> Any:
        if os.getpid() == parent and start == 0:  # the child's rows
            here.append(1)
        return real_rendered(self, start, stop, deferred)

    monkeypatch.setattr(rows.Pending, "rendered", rendered)
    real_data = summary._data_rows
    data_here: list[int] = []
    monkeypatch.setattr(
        summary, "_data_rows", lambda r: (os.getpid() == parent and data_here.append(1)) or real_data(r)
    )
    one = write_summary(demo_result, tmp_path / "one.xlsx", parallel=True).read_bytes()
    assert forks == [] and data_here == [1]  # 明细 is short, and so is the hidden data
    data_here.clear()
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=SPLIT).read_bytes()
    assert forks == [1] and here == []  # 明细 only, by the child: the other tables have formulas or are short
    assert data_here == []  # by its own child
    assert one == two
    assert write_summary(demo_result, tmp_path / "no.xlsx", rows=SPLIT).read_bytes() == one
    assert forks == [1]  # not asked for
    # The child's rows read back in small pieces.
    small = RowOptions(split_from=2, split_read=97)
    assert write_summary(demo_result, tmp_path / "three.xlsx", parallel=True, rows=small).read_bytes() == one
    assert here == []


def test_a_failing_child_leaves_its_rows_to_the_parent(
    demo_result: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = write_summary(demo_result, tmp_path / "one.xlsx").read_bytes()
    children_fail(monkeypatch)
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=SPLIT).read_bytes()
    assert one == two


def test_a_failing_data_child_leaves_the_hidden_data_to_the_parent(
    demo_result: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    parent = os.getpid()
    real_rows = summary._data_rows
    made_here: list[int] = []

    def data_rows(result: MergeResult) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        made_here.append(1)
        return real_rows(result)

    one = write_summary(demo_result, tmp_path / "one.xlsx").read_bytes()
    monkeypatch.setattr(summary, "_data_rows", data_rows)
    made_here.clear()
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=SPLIT).read_bytes()
    assert one == two and made_here == [1]


@pytest.mark.parametrize("ahead", [True, False], ids=["numbered ahead", "numbered at the end"])
def test_shared_strings_added_meanwhile_send_the_rows_back_here(
    demo_result: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool
) -> None:
    # Something written while the child works uses the shared strings: numbered at the end, the
    # child's numbers would be wrong, so its rows are not used; numbered ahead, 明细's texts all
    # have their numbers before the fork, and the text written later comes after them.
    real_data = summary._write_data

    def data(book: Any, rows: Any) -> None:
        book.str_table._get_shared_string_index("写在明细之后的共享文字")
        real_data(book, rows)

    monkeypatch.setattr(summary, "_write_data", data)
    one = write_summary(demo_result, tmp_path / "one.xlsx")
    split = dataclasses.replace(SPLIT, number_ahead=ahead)
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=split)
    if ahead:
        assert one.read_bytes() == two.read_bytes()
        return
    # The string is numbered before the rest of 明细's here: other numbers, the same cells.
    assert one.read_bytes() != two.read_bytes()
    first, second = CalamineWorkbook.from_path(str(one)), CalamineWorkbook.from_path(str(two))
    assert first.sheet_names == second.sheet_names
    for name in first.sheet_names:
        assert first.get_sheet_by_name(name).to_python() == second.get_sheet_by_name(name).to_python()


def test_a_failure_here_stops_the_child(
    demo_result: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    children: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    def data(book: Any, rows: Any) -> None:
        if children:  # the sheets after 明细, with the children at work
            raise RuntimeError("the parent fails")

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(summary, "_write_data", data)
    with pytest.raises(RuntimeError, match="the parent fails"):
        write_summary(demo_result, tmp_path / "out.xlsx", parallel=True, rows=SPLIT)
    assert len(children) == 2  # the hidden data's and 明细's
    for child in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(child, 0)  # already reaped: nothing left running
    assert not (tmp_path / "out.xlsx").exists()


def test_no_process_to_fork_renders_everything_here(
    demo_result: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = write_summary(demo_result, tmp_path / "one.xlsx").read_bytes()
    no_fork(monkeypatch)
    assert write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=SPLIT).read_bytes() == one


@pytest.mark.parametrize("fast", [True, False])
def test_a_formula_whose_cached_result_is_empty_text_says_it_is_text(tmp_path: Path, fast: bool) -> None:
    # Programs that trust cached values read an untyped <v></v> as the number 0.
    xml = _sheet_xml(tmp_path, "fast" if fast else "api", fast).decode()
    assert '<c r="B8" s="3" t="str"><f>SUM(C4:C5)</f><v></v></c>' in xml
    assert '<c r="A8" s="2"><f>D7/C7</f><v>0.5</v></c>' in xml


def test_row_heights_count_a_texts_lines_per_column_however_often_it_comes() -> None:
    from consolidate.write.xlsx import RowHeights

    text = "①按计划推进，已完成年度目标的45%。②召开专题推进会，明确时间节点。③开展督导检查。"  # 83 units wide
    heights = RowHeights([30.0, 60.0])  # 28 and 58 units a line
    narrow, wide = heights([text, ""]), heights(["", text])
    assert (narrow, wide) == (3 * 14.5 + 3, 2 * 14.5 + 3)  # the same text, remembered apart per column
    assert [heights([text, ""]) for _ in range(3)] == [narrow] * 3  # remembered: the same
    assert heights([text + "\n" + text, ""]) == 2 * narrow - 3  # each line of a text counted apart


@pytest.mark.parametrize(
    "formula",
    [
        "=E6/D6",
        '=IF(D5="","",IFERROR((D5/C5),""))',
        "=SUM(C4:C6,C8:C9)",
        "=ROUND(D5/C5, 2)",
        "=XLOOKUP(A1,B:B,C:C)",
        "=_xlfn.XLOOKUP(A1,B:B,C:C)",
        "=SORT(A1:A9)+SINGLE(B1)",
        "{=SUM(A1:A3*B1:B3)}",
        "=IF(A1>0,FILTER(A1:A9,B1:B9),0)",
    ],
)
def test_formulas_are_prepared_as_xlsxwriter_prepares_them(tmp_path: Path, formula: str) -> None:
    import xlsxwriter.worksheet

    from consolidate.write.xlsx import new_workbook

    book = new_workbook(str(tmp_path / "f.xlsx"))
    sheet = book.add_worksheet()
    assert sheet._prepare_formula(formula) == xlsxwriter.worksheet.Worksheet._prepare_formula(sheet, formula)
    book.close()
