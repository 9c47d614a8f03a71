"""The whole cycle through README's commands only, on a county's own breakdown table, two months,
a unit missing in the first (issue 20): init --from → templates → returns typed and saved in
LibreOffice → merge without -s → next → templates with 上期 → merge → report.

Every figure of 汇总, the chart's series and the document's sentences is checked against sums
computed here from the table and from what the units typed.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.common import xl_col_to_name
from consolidate.spec import Spec, load_spec
from consolidate.write.template import layout_for

from .helpers import HEADER_ROW, sheet_rows
from .tables import BREAKDOWN, HEALTH_CENTRES, build
from .test_libreoffice import LibreOffice, _tools, libreoffice  # noqa: F401  (fixtures)

pytestmark = pytest.mark.libreoffice

# The table (tests/tables.py): item -> (task, measure, county target, {unit: its target}).
ITEMS = {
    "1": ("为适龄妇女进行“两癌”检查", "人", 32000, dict(zip(HEALTH_CENTRES, (9000, 8000, 8000, 7000), strict=True))),
    "2": ("村卫生室达到市级示范标准以上", "处", 10, dict(zip(HEALTH_CENTRES, (3, 3, 2, 1), strict=True))),
    "3": ("65岁以上老年人健康体检", "人", 5000, dict(zip(HEALTH_CENTRES, (1500, 1200, 1300, 1000), strict=True))),
    "4": (
        "为60岁以上高危人群免费开展认知障碍筛查",
        "人",
        2900,
        {"城关镇卫生院": 800, "西城镇卫生院": 1100, "南城镇卫生院": 1000},
    ),
}
GROUPS = {"一、健康服务提质": ("1", "2"), "二、公共卫生服务": ("3", "4")}
MISSING = "南城镇卫生院"  # has not returned in September


def _done(month: int, unit: str, item: str) -> int:
    """What a unit typed as 累计完成: a share of its target that grows from September to October."""
    target = ITEMS[item][3][unit]
    share = (0.4 + 0.05 * HEALTH_CENTRES.index(unit) + 0.1 * int(item)) + (0.15 if month == 10 else 0)
    return math.floor(target * share)


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), catch_exceptions=False)
    return result.exit_code, result.output


def _fill(office: LibreOffice, spec: Spec, templates: Path, returns: Path, month: int, units: list[str]) -> None:
    returns.mkdir()
    for unit in units:
        code = next(u.code for u in spec.units if u.name == unit)
        (template,) = templates.glob(f"*_{unit}.xlsx")
        layout = layout_for(spec, code, with_previous=month == 10)
        cells = {"B3": "王芳", "D3": "0554-1234567"}
        for row, item_id in layout.rows:
            no = str(spec.item_map[item_id].values["no"])
            columns = {f: xl_col_to_name(layout.columns[f]) for f in ("done", "progress", "status")}
            cells[f"{columns['done']}{row}"] = str(_done(month, unit, no))
            cells[f"{columns['progress']}{row}"] = f"{month}月已完成{_done(month, unit, no)}{ITEMS[no][1]}。"
            cells[f"{columns['status']}{row}"] = "正常"
        answer = office.fill(template, cells, returns / f"{unit}.xlsx")
        assert answer["warnings"] == []


def _expected(month: int, returned: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for no, (_, _, county, targets) in ITEMS.items():
        units = [u for u in targets if u in returned]
        done = sum(_done(month, u, no) for u in units)
        out[no] = {"target": county, "done": done, "rate": done / sum(targets[u] for u in units), "units": units}
    return out


def test_the_whole_cycle_through_readmes_commands(libreoffice: LibreOffice, tmp_path: Path) -> None:  # noqa: F811
    table = build(BREAKDOWN, tmp_path / "目标分解表.xlsx")
    code, out = run("init", tmp_path / "2025-09", "--from", table, "--deadline", "2025-10-15")
    assert code == 0, out
    assert "报告期：2025-09（取自文件夹名“2025-09”）" in out
    spec_file = tmp_path / "2025-09" / "report.xlsx"
    spec = load_spec(spec_file)
    assert [u.name for u in spec.units] == HEALTH_CENTRES

    # September: three of the four 卫生院 return.
    code, out = run("templates", spec_file, "-o", tmp_path / "模板9")
    assert code == 0, out
    september = [u for u in HEALTH_CENTRES if u != MISSING]
    _fill(libreoffice, spec, tmp_path / "模板9", tmp_path / "收回9", 9, september)
    code, out = run("merge", tmp_path / "收回9", "-o", tmp_path / "汇总9.xlsx")
    assert code == 0, out
    assert (tmp_path / "2025-09" / "history.sqlite").exists()  # beside the spec that made the templates
    expected = _expected(9, september)
    _check_summary(tmp_path / "汇总9.xlsx", expected)

    # October: next, templates with 上期, all four return.
    code, out = run("next", spec_file)
    assert code == 0, out
    spec = load_spec(spec_file)
    assert spec.report.period == "2025-10"
    code, out = run("templates", spec_file, "-o", tmp_path / "模板10")
    assert code == 0, out
    (cg,) = (tmp_path / "模板10").glob("2025-10_*_城关镇卫生院.xlsx")  # the period in its name
    sheet = openpyxl.load_workbook(cg)["填报"]
    header = [c.value for c in sheet[5]]
    previous = next(i for i, h in enumerate(header) if h and "上期" in str(h))
    assert sheet.cell(6 + 1, previous + 1).value == _done(9, "城关镇卫生院", "1")  # under its group row
    _fill(libreoffice, spec, tmp_path / "模板10", tmp_path / "收回10", 10, HEALTH_CENTRES)
    code, out = run("merge", tmp_path / "收回10", "-o", tmp_path / "汇总10.xlsx")
    assert code == 0, out
    october = _expected(10, HEALTH_CENTRES)
    rows = _check_summary(tmp_path / "汇总10.xlsx", october)
    for no, row in rows.items():
        # 上期: September's figures of the units that reported both months; 本期新增 the growth.
        both = [u for u in ITEMS[no][3] if u in september]
        before = sum(_done(9, u, no) for u in both)
        assert row["上期累计完成"] == before, no
        assert row["本期新增"] == sum(_done(10, u, no) for u in both) - before, no
    trend = sheet_rows(tmp_path / "汇总10.xlsx", "趋势")
    assert [(r["序号"], r["期别"], r["年度目标"], r["累计完成"]) for r in trend] == [
        (no, period, ITEMS[no][2], figures[no]["done"])
        for no in ITEMS
        for period, figures in (("2025-09", expected), ("2025-10", october))
    ]

    code, out = run("report", tmp_path / "收回10", "-o", tmp_path / "进展情况.docx")
    assert code == 0, out
    text = [p.text for p in docx.Document(str(tmp_path / "进展情况.docx")).paragraphs]
    for no, (task, measure, county, targets) in ITEMS.items():
        at = text.index(f"{no}.{task}")  # the task is the heading, not the group
        figures = october[no]
        rate = f"{round(figures['rate'] * 100 + 1e-9, 2):.2f}%"
        assert text[
            at + 1
        ] == f"进展情况：累计完成{figures['done']}{measure}（年度目标{county}{measure}），完成年度目标的{rate}。" or (
            # A breakdown that does not add up to the county's target (item 2: 3+3+2+1 of 10):
            # the rate rests on the units' own targets, and the sentence says which.
            sum(targets.values()) != county
            and text[at + 1].startswith(f"进展情况：累计完成{figures['done']}{measure}")
            and f"的{rate}。" in text[at + 1]
        ), text[at + 1]
    assert not any(g in p for p in text for g in GROUPS if re.match(r"^\d\.", p))


def _check_summary(path: Path, expected: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """汇总's rows, its group subtotals, its total and its chart, against ``expected``."""
    rows = sheet_rows(path, "汇总")
    by_no = {str(r["序号"]): r for r in rows if r["序号"] and r["序号"] != "合计"}
    assert list(by_no) == list(ITEMS)
    for no, want in expected.items():
        row = by_no[no]
        assert (row["年度目标"], row["累计完成"]) == (want["target"], want["done"]), no
        assert row["完成率"] == pytest.approx(want["rate"]), no
        assert row["应报单位数"] == len(ITEMS[no][3]) and row["已报单位数"] == len(want["units"]), no
    headings = {r["事项/目标任务"]: r for r in rows if not r["序号"]}
    assert list(headings) == list(GROUPS)
    first, second = (headings[g] for g in GROUPS)
    assert first["年度目标"] is None and first["累计完成"] is None  # 人 and 处 are not added
    assert second["年度目标"] == sum(expected[n]["target"] for n in GROUPS["二、公共卫生服务"])
    assert second["累计完成"] == sum(expected[n]["done"] for n in GROUPS["二、公共卫生服务"])
    total = rows[-1]
    assert total["序号"] == "合计" and total["年度目标"] is None and total["累计完成"] is None
    for column in ("上期累计完成", "本期新增", "环比"):  # October's: 人 and 处 are not added there either
        assert total.get(column) is None, column
    # The chart plots 完成率 of 汇总's rows, named by the task.
    header = [c.value for c in openpyxl.load_workbook(path)["汇总"][HEADER_ROW]]
    rate, task = (xl_col_to_name(header.index(h)) for h in ("完成率", "事项/目标任务"))
    first_row, last_row = HEADER_ROW + 1, HEADER_ROW + len(rows) - 1
    with zipfile.ZipFile(path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    refs = re.findall(r"<c:f>(.*?)</c:f>", chart)
    assert refs[-2:] == [f"汇总!${task}${first_row}:${task}${last_row}", f"汇总!${rate}${first_row}:${rate}${last_row}"]
    return by_no
