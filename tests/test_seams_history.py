"""README's ``merge`` without ``-s`` keeps the report's history beside the spec that made the
returns (issue 20, 7): it once recorded nothing and said nothing, so ``next`` made templates
without 上期 and the cumulative checks never ran. Found or not, one line says where it went."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import fill_template

from .conftest import SPEC_YAML
from .helpers import sheet_rows

TITLE = "2025年第一季度重点工作完成情况"
FIGURES = {"YZK": {"T1": 60, "T2": 4}, "JWK": {"T3": 20}, "LX": {"T1": 30, "T3": 25}}


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "400"})
    return result.exit_code, result.output


def fill(templates: Path, returns: Path, figures: dict[str, dict[str, int]]) -> None:
    """Each unit fills its template (names from the folder: the file names carry the unit)."""
    returns.mkdir(exist_ok=True)
    names = {"YZK": "医政医管科", "JWK": "基层卫生科", "LX": "龙溪镇卫生院"}
    for code, items in figures.items():
        (template,) = templates.glob(f"*_{names[code]}.xlsx")
        rows = {
            item: {"done": done, "progress": "按计划推进，已完成阶段任务", "status": "正常"}
            for item, done in items.items()
        }
        fill_template(template, returns / template.name, rows)


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """README's layout in the clerk's working folder: 2025Q1/report.xlsx, 模板/, 收回/."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "2025Q1").mkdir()
    text = SPEC_YAML.replace(
        "required: true, min: 0, aggregate: sum}", "required: true, min: 0, aggregate: sum, cumulative: true}"
    )
    (tmp_path / "draft.yaml").write_text(text, encoding="utf-8")
    assert run("convert", "draft.yaml", "2025Q1/report.xlsx")[0] == 0
    (tmp_path / "draft.yaml").unlink()
    code, output = run("templates", "2025Q1/report.xlsx", "-o", "模板/")
    assert code == 0, output
    fill(tmp_path / "模板", tmp_path / "收回", FIGURES)
    return tmp_path


def periods(history: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(history) as db:
        return db.execute("SELECT report, period, returned FROM periods ORDER BY period").fetchall()


def test_readme_cycle_without_s_keeps_history_beside_the_spec(county: Path) -> None:
    code, output = run("merge", "收回/", "-o", "汇总.xlsx")
    assert code == 0, output
    history = Path("2025Q1") / "history.sqlite"
    assert output.splitlines()[0] == f"历史记录：{history}（在生成这些报表的报表定义 2025Q1/report.xlsx 旁边）"
    assert periods(county / history) == [("key-work-2025q1", "2025-Q1", 3)]
    assert not (county / "history.sqlite").exists()

    code, output = run("next", "2025Q1/report.xlsx")
    assert code == 0, output
    code, output = run("templates", "2025Q1/report.xlsx", "-o", "模板2/")
    assert code == 0, output
    # The next period's templates show each unit's figure of the last: 上期累计完成 beside 累计完成.
    (lx,) = (county / "模板2").glob("*_龙溪镇卫生院.xlsx")
    sheet = openpyxl.load_workbook(lx)["填报"]
    header = [c.value for c in sheet[5]]
    previous = header.index("上期累计完成")
    assert header[previous + 1] == "累计完成"
    assert [row[previous].value for row in sheet.iter_rows(min_row=6, max_row=7)] == [30, 25]

    # Next quarter, 龙溪镇卫生院 reports less than before for T3: the cumulative check runs.
    fill(county / "模板2", county / "收回2", {**FIGURES, "LX": {"T1": 40, "T3": 20}})
    code, output = run("merge", "收回2/", "-o", "汇总2.xlsx", "--json", "汇总2.json")
    assert code == 0, output
    assert output.splitlines()[0] == f"历史记录：{history}（在生成这些报表的报表定义 2025Q1/report.xlsx 旁边）"
    data = json.loads((county / "汇总2.json").read_text(encoding="utf-8"))
    decreased = [(i["unit"], i["cell"]) for i in data["issues_raw"] if i["code"] == "W-CUMULATIVE-DECREASED"]
    assert decreased == [("LX", "E7")]
    assert periods(county / history) == [("key-work-2025q1", "2025-Q1", 3), ("key-work-2025q1", "2025-Q2", 3)]


def test_without_the_spec_file_it_says_where_it_recorded(county: Path) -> None:
    away = county / "别处"
    away.mkdir()
    shutil.copytree(county / "收回", away / "收回")
    shutil.rmtree(county / "2025Q1")  # the spec file is gone: nothing to find
    code, output = run("merge", away / "收回", "-o", "汇总.xlsx")
    assert code == 0, output
    history = away / "history.sqlite"
    assert output.splitlines()[0] == (
        f"没有找到生成这些报表的报表定义文件（key-work-2025q1，2025-Q1），本期记入 {history}；要记在报表定义旁边，"
        "请用 -s 指定报表定义（如 -s 2025Q3/report.xlsx），或用 --history 指定历史记录文件"
    )
    assert periods(history) == [("key-work-2025q1", "2025-Q1", 3)]
    code, output = run("--lang", "en", "merge", away / "收回", "-o", "汇总.xlsx")
    assert output.splitlines()[0].startswith(
        f"The spec file these returns were made from (key-work-2025q1, 2025-Q1) was not found, so this period is "
        f"recorded in {history}; to keep it beside the spec, give the spec with -s"
    )


def test_returns_moved_away_still_find_the_spec_beside_them(county: Path) -> None:
    """The spec's folder beside the returns' folder, the templates nowhere near."""
    moved = county / "二季度"
    moved.mkdir()
    shutil.move(county / "2025Q1", moved / "2025Q1")
    shutil.move(county / "收回", moved / "收回")
    shutil.rmtree(county / "模板")
    code, output = run("merge", moved / "收回", "-o", "汇总.xlsx")
    assert code == 0, output
    history = moved / "2025Q1" / "history.sqlite"
    assert (
        output.splitlines()[0]
        == f"历史记录：{history}（在生成这些报表的报表定义 {moved / '2025Q1' / 'report.xlsx'} 旁边）"
    )
    assert periods(history) == [("key-work-2025q1", "2025-Q1", 3)]


def test_a_late_return_after_next_is_recorded_in_the_reports_own_history(county: Path) -> None:
    """Q1 merged without 龙溪镇卫生院, ``next`` run, then 龙溪's Q1 return comes in: merged again, Q1
    is recorded again beside the spec (which says Q2 now), not in a second history beside the
    returns, so Q2's templates and summary have 龙溪's Q1 figures as 上期."""
    (lx,) = (county / "收回").glob("*_龙溪镇卫生院.xlsx")
    late = county / "迟交"
    late.mkdir()
    lx.rename(late / lx.name)
    assert run("merge", "收回/", "-o", "汇总.xlsx")[0] == 0
    assert periods(county / "2025Q1" / "history.sqlite") == [("key-work-2025q1", "2025-Q1", 2)]
    assert run("next", "2025Q1/report.xlsx")[0] == 0  # the spec is the next quarter's now
    (late / lx.name).rename(county / "收回" / lx.name)
    code, output = run("merge", "收回/", "-o", "汇总.xlsx")
    assert code == 0, output
    history = Path("2025Q1") / "history.sqlite"
    assert output.splitlines()[0] == (
        f"历史记录：{history}（在报表定义 2025Q1/report.xlsx 旁边；它已进入下一期，这些是 2025-Q1 的报表，本次补记 2025-Q1）"
    )
    assert periods(county / history) == [("key-work-2025q1", "2025-Q1", 3)]
    assert not (county / "history.sqlite").exists()
    code, output = run("templates", "2025Q1/report.xlsx", "-o", "模板2/")
    assert code == 0, output
    (template,) = (county / "模板2").glob("*_龙溪镇卫生院.xlsx")
    sheet = openpyxl.load_workbook(template)["填报"]
    header = [c.value for c in sheet[5]]
    assert [row[header.index("上期累计完成")].value for row in sheet.iter_rows(min_row=6, max_row=7)] == [30, 25]
    code, output = run("--lang", "en", "merge", "收回/", "-o", "汇总.xlsx")
    assert output.splitlines()[0] == (
        f"History: {history} (beside the spec 2025Q1/report.xlsx, which has moved on to a later period; "
        "these are the returns of 2025-Q1, recorded again for 2025-Q1 now)"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [("key-work-2025q1", "another-report"), ("2025-Q1", "2024-Q4")],
    ids=["another report", "an earlier period"],
)
def test_a_spec_of_another_report_or_an_earlier_period_is_not_taken_for_it(county: Path, old: str, new: str) -> None:
    """Where the templates' report.xlsx was: another report's, or its own moved back a quarter."""
    spec = county / "2025Q1" / "report.xlsx"
    assert run("convert", spec, county / "other.yaml")[0] == 0
    text = (county / "other.yaml").read_text(encoding="utf-8")
    (county / "other.yaml").write_text(text.replace(old, new), encoding="utf-8")
    spec.unlink()
    assert run("convert", county / "other.yaml", spec)[0] == 0
    code, output = run("merge", "收回/", "-o", "汇总.xlsx")
    assert code == 0, output
    assert output.splitlines()[0].startswith(
        "没有找到生成这些报表的报表定义文件（key-work-2025q1，2025-Q1），本期记入 "
    )
    assert periods(county / "history.sqlite") == [("key-work-2025q1", "2025-Q1", 3)]
    assert not (county / "2025Q1" / "history.sqlite").exists()


def test_history_named_or_spec_given_say_nothing_more(county: Path) -> None:
    code, output = run("merge", "收回/", "-o", "汇总.xlsx", "--history", "我的历史.sqlite")
    assert code == 0, output
    assert "历史记录" not in output
    assert periods(county / "我的历史.sqlite") == [("key-work-2025q1", "2025-Q1", 3)]
    assert not (county / "2025Q1" / "history.sqlite").exists()
    code, output = run("merge", "收回/", "-s", "2025Q1/report.xlsx", "-o", "汇总.xlsx")
    assert code == 0, output
    assert "历史记录" not in output
    assert periods(county / "2025Q1" / "history.sqlite") == [("key-work-2025q1", "2025-Q1", 3)]


def test_validate_and_report_read_the_history_they_find(county: Path) -> None:
    assert run("merge", "收回/", "-o", "汇总.xlsx")[0] == 0
    assert run("next", "2025Q1/report.xlsx")[0] == 0
    assert run("templates", "2025Q1/report.xlsx", "-o", "模板2/")[0] == 0
    fill(county / "模板2", county / "收回2", {**FIGURES, "LX": {"T1": 40, "T3": 20}})
    code, output = run("validate", "收回2/", "--json", "问题.json")
    assert code == 0, output
    issues = json.loads((county / "问题.json").read_text(encoding="utf-8"))
    assert [(i["unit"], i["cell"]) for i in issues if i["code"] == "W-CUMULATIVE-DECREASED"] == [("LX", "E7")]
    assert "历史记录" not in output  # only read: nothing recorded, nothing to say
    assert periods(county / "2025Q1" / "history.sqlite") == [("key-work-2025q1", "2025-Q1", 3)]


def test_next_twice_without_a_merge_between_is_refused_until_skip(county: Path) -> None:
    """``next`` copied twice, or run before the merge: the period left behind would never be
    recorded, and the next one's 上期 would silently be the period before it."""
    assert run("merge", "收回/", "-o", "汇总.xlsx")[0] == 0
    code, output = run("next", "2025Q1/report.xlsx")
    assert code == 0, output
    before = (county / "2025Q1" / "report.xlsx").read_bytes()
    code, output = run("next", "2025Q1/report.xlsx")
    assert code == 2
    history = Path("2025Q1") / "history.sqlite"
    assert output.splitlines() == [
        f"无法执行：本期 2025-Q2 还没有汇总（历史记录 {history} 中最近的一期是 2025-Q1）。现在进入 2025-Q3，"
        "2025-Q3 的模板和汇总就没有 2025-Q2 的数作为上期。请先汇总本期（如 consolidate merge 收回/ -o 汇总.xlsx），"
        "再进入下一期；确实要跳过 2025-Q2，请加 --skip 再运行（2025Q1/report.xlsx 没有改动）"
    ]
    assert (county / "2025Q1" / "report.xlsx").read_bytes() == before
    code, output = run("--lang", "en", "next", "2025Q1/report.xlsx")
    assert code == 2 and "This period, 2025-Q2, has not been merged" in output
    code, output = run("next", "2025Q1/report.xlsx", "--skip")
    assert code == 0, output
    assert output.splitlines()[1] == "  期别：2025-Q2 → 2025-Q3"


def test_a_late_return_after_the_next_period_was_merged_asks_for_that_merge_again(county: Path) -> None:
    (lx,) = (county / "收回").glob("*_龙溪镇卫生院.xlsx")
    late = county / "迟交"
    late.mkdir()
    lx.rename(late / lx.name)
    assert run("merge", "收回/", "-o", "汇总.xlsx")[0] == 0
    assert run("next", "2025Q1/report.xlsx")[0] == 0
    assert run("templates", "2025Q1/report.xlsx", "-o", "模板2/")[0] == 0
    fill(county / "模板2", county / "收回2", {**FIGURES, "LX": {"T1": 40, "T3": 30}})
    assert run("merge", "收回2/", "-o", "汇总2.xlsx")[0] == 0
    (late / lx.name).rename(county / "收回" / lx.name)
    code, output = run("merge", "收回/", "-o", "汇总.xlsx")
    assert code == 0, output
    assert output.splitlines()[0].endswith(
        "本次补记 2025-Q1）。已经汇总过的 2025-Q2 用的还是补记前的上期数：请重新汇总 2025-Q2"
    )
    # Merged again, Q2's 上期 and 本期新增 have 龙溪's Q1 figures: T1 30 → 40.
    code, output = run("merge", "收回2/", "-o", "汇总2.xlsx")
    assert code == 0, output
    rows = {r["序号"]: r for r in sheet_rows(county / "汇总2.xlsx", "汇总")}
    assert (rows["1"]["上期累计完成"], rows["1"]["本期新增"]) == (90, 10)
