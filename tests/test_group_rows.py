"""Group rows (一、… 二、…) are never data: a template made from a table with group rows, filled
perfectly, gives no error, whether it comes back as it was sent or pasted into a new workbook
with the headings retyped; and ``remind`` has nobody to remind for them (issue 20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate import merge_returns, spec_from_returns
from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.spec import Spec, load_spec
from consolidate.write.template import layout_for

from .tables import BREAKDOWN, TASK_LIST, Table, build, filled

runner = CliRunner()


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def made(table: Table, tmp_path: Path) -> tuple[Spec, Path]:
    source = build(table, tmp_path / "表.xlsx")
    code, output = run("init", tmp_path / "2025Q3", "--from", source, "--deadline", "2025-10-15")
    assert code == 0, output
    spec_file = tmp_path / "2025Q3" / "report.xlsx"
    code, output = run("templates", spec_file, "-o", tmp_path / "模板")
    assert code == 0, output
    return load_spec(spec_file), spec_file


@pytest.mark.parametrize("table", [TASK_LIST, BREAKDOWN], ids=["task-list", "breakdown"])
def test_templates_with_group_rows_filled_perfectly_give_no_issue(table: Table, tmp_path: Path) -> None:
    spec, spec_file = made(table, tmp_path)
    assert len({i.group for i in spec.items}) == 2
    returns = tmp_path / "收回"
    returns.mkdir()
    names = {u.name: u.code for u in spec.units}
    for path in sorted((tmp_path / "模板").glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        sheet = book["填报"]
        code = names[path.stem.rsplit("_", 1)[1]]
        for ref, value in filled(spec, code).items():
            sheet[ref] = value
        book.save(returns / path.name)  # a copy: the template is left as it was
    code, output = run("validate", returns)
    assert code == 0, output
    assert output.splitlines() == [
        "没有发现问题。",
        f"{len(spec.units)}/{len(spec.units)} 个单位已报送；错误 0，警告 0，提示 0",
    ]
    result = merge_returns(spec_from_returns([returns]), [returns])
    assert [(i.code, i.cell) for i in result.issues] == []
    assert code == 0
    code, output = run("merge", returns, "-o", tmp_path / "汇总.xlsx")
    assert code == 0, output
    code, output = run("remind", spec_file, "-r", returns, "--text", tmp_path / "催报.txt")
    assert (code, output.strip()) == (0, "所有单位都已报送有效的报表，无需催报。")
    assert not (tmp_path / "催报.txt").exists()


def _pasted(template: Path, spec: Spec, code: str, target: Path, retype: dict[int, list[Any]]) -> None:
    """The unit's sheet typed again into a new workbook, no metadata: the values, the group rows
    as plain text (``retype``: row → its cells as the unit typed them)."""
    source = openpyxl.load_workbook(template)["填报"]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in source.iter_rows():
        for cell in row:
            if cell.value is not None and not (isinstance(cell.value, str) and cell.value.startswith("=")):
                sheet.cell(cell.row, cell.column, cell.value)
    for ref, value in filled(spec, code).items():
        sheet[ref] = value
    for r, cells in retype.items():
        for c in range(1, source.max_column + 1):
            sheet.cell(r, c).value = None
        for c, value in enumerate(cells, 1):
            sheet.cell(r, c, value)
    book.save(target)


def test_group_headings_retyped_in_a_pasted_copy_are_not_items(tmp_path: Path) -> None:
    spec, _ = made(TASK_LIST, tmp_path)
    code = next(u.code for u in spec.units if u.name == "规信科")  # items 1 and 3 (group 一), none of 二
    template = next((tmp_path / "模板").glob("*_规信科.xlsx"))
    layout = layout_for(spec, code)
    assert [g for _, g in layout.groups] == ["一、持续强化基层医疗卫生服务体系建设"]
    returns = tmp_path / "收回"
    returns.mkdir()
    (row, _), *_ = layout.groups
    cases = {
        "one-cell": ["一、持续强化基层医疗卫生服务体系建设"],  # as the template shows it, unmerged
        "two-cells": ["一", "持续强化基层医疗卫生服务体系建设"],  # its number and its words apart
        "no-number": [None, "持续强化基层医疗卫生服务体系建设"],  # the words alone, in 重点任务
    }
    for name, cells in cases.items():
        folder = returns / name
        folder.mkdir()
        _pasted(template, spec, code, folder / "规信科.xlsx", {row: cells})
        result = merge_returns(spec, [folder])
        assert [i.code for i in result.issues if i.unit == code] == ["W-NO-METADATA"], name
        assert sorted(r.item_id for r in result.records) == ["T01", "T03"]


def test_a_figure_typed_into_a_group_row_is_still_reported(tmp_path: Path) -> None:
    """Only headings are passed over: a row with something in a column units fill in is not one."""
    spec, _ = made(TASK_LIST, tmp_path)
    code = next(u.code for u in spec.units if u.name == "规信科")
    template = next((tmp_path / "模板").glob("*_规信科.xlsx"))
    layout = layout_for(spec, code)
    (row, heading), *_ = layout.groups
    progress = layout.columns["progress"] + 1
    cells: list[Any] = [heading] + [None] * (progress - 2) + ["本组已完成80%"]
    _pasted(template, spec, code, tmp_path / "规信科.xlsx", {row: cells})
    result = merge_returns(spec, [tmp_path / "规信科.xlsx"])
    assert [(i.code, i.cell) for i in result.issues if i.unit == code] == [
        ("E-UNKNOWN-ITEM", f"A{row}"),
        ("W-NO-METADATA", ""),
    ]
