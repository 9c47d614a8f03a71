"""上期累计, 本期新增 and 环比 over four quarters through README's commands, units missing one
quarter or another: they are summed over the units with a figure both now and before (like for
like), so they are not the previous summary's totals when a unit is left out either time, and
a unit missing last quarter is paired with its figure of the quarter before. The cells said
none of it: 上期累计 of 2020-08 was 208,904 beside a 2020-07 total of 240,648 on 趋势, unshaded,
and 本期新增 no longer 累计 − 上期累计 once a unit had no earlier figure. Now their notes say
who is left out (shaded, as a partial figure) and whose earlier figure is older (a note only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from .helpers import HEADER_ROW
from .test_seams_history import county, fill, run

__all__ = ["county"]  # the fixture, used here by name

COLUMNS = ("累计完成", "上期累计完成", "本期新增", "环比")
PARTIAL = "FFFCE4D6"  # the light orange of a figure resting on fewer units than expected


def quarter(folder: Path, n: int, figures: dict[str, dict[str, int]], *extra: str) -> Path:
    """Templates of the spec's quarter, filled by the units in ``figures``, merged: the summary."""
    assert run("templates", "2025Q1/report.xlsx", "-o", f"模板{n}/")[0] == 0
    fill(folder / f"模板{n}", folder / f"收回{n}", figures)
    code, output = run("merge", f"收回{n}/", "-o", f"汇总{n}.xlsx", "--json", f"汇总{n}.json", *extra)
    assert code == 0, output
    assert run("next", "2025Q1/report.xlsx")[0] == 0
    return folder / f"汇总{n}.xlsx"


def cells(path: Path, sheet: str, first: str) -> dict[str, dict[str, tuple[Any, str, bool]]]:
    """Row (by its first column) -> column -> (value, note, shaded partial) of the history's columns."""
    ws = openpyxl.load_workbook(path)[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    key = header.index(first)
    out: dict[str, dict[str, tuple[Any, str, bool]]] = {}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        if row[key].value is None:
            continue
        out[str(row[key].value)] = {
            title: (
                cell.value,
                cell.comment.text if cell.comment else "",
                cell.fill.fgColor.rgb == PARTIAL,
            )
            for title, cell in zip(header, row, strict=False)
            if title in COLUMNS
        }
    return out


@pytest.fixture
def year(county: Path) -> Path:
    """2025-Q1 without 龙溪镇卫生院; Q2 all three (龙溪 for the first time); Q3 without 医政医管科;
    Q4 医政医管科 back. ``county`` has filled Q1 for all three: Q1 is filled again here."""
    quarter(county, 1, {"YZK": {"T1": 60, "T2": 4}, "JWK": {"T3": 20}})
    quarter(county, 2, {"YZK": {"T1": 70, "T2": 5}, "JWK": {"T3": 26}, "LX": {"T1": 35, "T3": 30}})
    quarter(county, 3, {"JWK": {"T3": 30}, "LX": {"T1": 50, "T3": 40}})
    quarter(county, 4, {"YZK": {"T1": 100, "T2": 8}, "JWK": {"T3": 33}, "LX": {"T1": 60, "T3": 45}})
    return county


PAIRS = "只计本期和上期都有数的单位（同口径比较）"


def test_a_unit_with_no_earlier_figure_is_named_and_new_is_over_the_pairs(year: Path) -> None:
    got = cells(year / "汇总2.xlsx", "汇总", "序号")
    note = f"未计入：龙溪镇卫生院（上期没有数）\n{PAIRS}"
    # 累计完成 is everyone's (no note); 上期 and 本期新增 are 医政医管科's alone: 60 → 70.
    assert got["1"] == {
        "累计完成": (105, "", False),
        "上期累计完成": (60, note, True),
        "本期新增": (10, note, True),
        "环比": ('=IF(OR(F4="",E4=""),"",IFERROR((F4/E4),""))', note, True),  # 本期新增 / 上期累计
    }
    assert got["2"]["上期累计完成"] == (4, "", False)  # 医政医管科 alone has T2: every pair there
    assert got["3"]["上期累计完成"] == (20, note, True)
    assert got["合计"]["本期新增"] == ("=SUM(F4:F6)", note, True)


def test_a_unit_missing_now_is_named_as_in_its_cumulative_figure(year: Path) -> None:
    got = cells(year / "汇总3.xlsx", "汇总", "序号")
    note = f"未计入：医政医管科（未报送）\n{PAIRS}"
    assert got["1"]["累计完成"] == (50, "未计入：医政医管科（未报送）", True)
    assert got["1"]["上期累计完成"] == (35, note, True)
    assert got["1"]["本期新增"] == (15, note, True)
    assert got["3"]["上期累计完成"] == (56, "", False)  # both units of T3 reported both quarters
    assert got["3"]["本期新增"] == (14, "", False)


def test_a_unit_back_is_paired_with_its_older_figure_and_that_is_said(year: Path) -> None:
    got = cells(year / "汇总4.xlsx", "汇总", "序号")
    note = "上期数取自更早的一期：医政医管科（2025-Q2）"
    # 70 (医政医管科, 2025-Q2) + 50 (龙溪镇卫生院, 2025-Q3): every unit paired, so not shaded.
    assert got["1"]["上期累计完成"] == (120, note, False)
    assert got["1"]["本期新增"] == (40, note, False)
    assert got["2"]["上期累计完成"] == (5, note, False)
    assert got["3"]["上期累计完成"] == (70, "", False)
    by_unit = cells(year / "汇总4.xlsx", "分单位", "单位名称")
    assert by_unit["医政医管科"]["上期累计完成"] == (
        75,
        "上期数取自更早的一期：1 健全院前急救体系（2025-Q2）、2 提速市公卫中心建设（2025-Q2）",
        False,
    )
    assert by_unit["龙溪镇卫生院"]["上期累计完成"] == (90, "", False)


def test_the_json_says_the_same(year: Path) -> None:
    data = json.loads((year / "汇总2.json").read_text(encoding="utf-8"))
    notes = [n for n in data["summary"]["notes"] if n["row"] == 0 and n["column"].startswith("done__")]
    assert [n["column"] for n in notes] == ["done__prev", "done__new", "done__ratio"]
    assert notes[0]["partial"] is True
    assert notes[0]["left_out"] == [{"unit": "LX", "name": "龙溪镇卫生院", "reason": "no_earlier"}]


def test_in_english(county: Path) -> None:
    quarter(county, 1, {"YZK": {"T1": 60, "T2": 4}, "JWK": {"T3": 20}})
    quarter(county, 2, {"YZK": {"T1": 70, "T2": 5}, "JWK": {"T3": 26}, "LX": {"T1": 35, "T3": 30}})
    assert run("templates", "2025Q1/report.xlsx", "-o", "模板3/")[0] == 0
    fill(county / "模板3", county / "收回3", {"YZK": {"T1": 80, "T2": 6}, "LX": {"T1": 50, "T3": 40}})
    assert run("--lang", "en", "merge", "收回3/", "-o", "summary3.xlsx")[0] == 0
    ws = openpyxl.load_workbook(county / "summary3.xlsx")["Summary"]
    header = [c.value for c in ws[HEADER_ROW]]
    t3 = ws[HEADER_ROW + 3]
    assert t3[header.index("Previous 累计完成")].comment.text == (
        "Not included: 基层卫生科 (not returned)\n"
        "counted over the units with a figure both this period and before (like for like)"
    )


def test_the_template_of_a_unit_that_missed_the_last_quarter_says_whose_figures_it_shows(year: Path) -> None:
    """医政医管科 did not report 2025-Q3: its 2025-Q4 template's 上期 column holds its 2025-Q2 figures."""
    headers = {}
    for path in (year / "模板4").iterdir():
        sheet = openpyxl.load_workbook(path)["填报"]
        headers[path.stem.rsplit("_", 1)[1]] = [c.value for c in sheet[5]]
    assert "上期累计完成（2025-Q2）" in headers["医政医管科"]
    assert "上期累计完成" in headers["龙溪镇卫生院"] and "上期累计完成（2025-Q2）" not in headers["龙溪镇卫生院"]
    # Read back, it is the earlier figures' column still, not an input: 医政医管科's return merged in Q4.
    got = cells(year / "汇总4.xlsx", "汇总", "序号")
    assert got["2"]["累计完成"] == (8, "", False)


def test_trend_marks_the_periods_some_units_had_not_returned(year: Path) -> None:
    ws = openpyxl.load_workbook(year / "汇总4.xlsx")["趋势"]
    header = [c.value for c in ws[HEADER_ROW]]
    at = {name: header.index(name) for name in ("事项编号", "期别", "年度目标", "累计完成", "已报单位数")}
    t1 = [row for row in ws.iter_rows(min_row=HEADER_ROW + 1) if row[at["事项编号"]].value == "T1"]
    got = [
        (
            row[at["期别"]].value,
            row[at["累计完成"]].value,
            row[at["已报单位数"]].value,
            row[at["累计完成"]].comment.text if row[at["累计完成"]].comment else "",
            row[at["年度目标"]].comment is None,  # the spec's target rests on no return
        )
        for row in t1
    ]
    fewer = "依据当期已报的 1 个单位（本期应报 2 个）"
    assert got == [
        ("2025-Q1", 60, 1, fewer, True),  # 龙溪镇卫生院 had not started
        ("2025-Q2", 105, 2, "", True),
        ("2025-Q3", 50, 1, fewer, True),  # 医政医管科 missed it
        ("2025-Q4", 160, 2, "", True),
    ]
