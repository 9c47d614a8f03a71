"""Hints that do not go stale (issue 20, item 9): ``next`` moves every period and date word of the
texts units and readers see (title, field names, help and aliases, rule messages, the document's
and the e-mails' wording), lists what it could not move, and template file names carry the
period. With the ``Period`` type every period computation goes through (issue 23, item 3).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import build_demo
from consolidate.periods import move_words, moved_spec
from consolidate.spec import Period, load_spec

SPEC = """\
version: 1
report:
  id: livelihood-2020
  title: 民生实事工作进展情况
  period: 2020-07
  deadline: 2020-07-31
units:
  - {code: LS, name: 兰山区}
  - {code: LZ, name: 罗庄区}
items:
  - {id: T01, task: 2020年为全市40万适龄妇女进行“两癌”检查, target: {LS: 44000, LZ: 22600}}
fields:
  - {id: task,   label: 民生实事项目, type: text,   source: item}
  - {id: target, label: 年度目标,     type: number, source: item}
  - {id: done,   label: 累计完成,     type: number, required: true, cumulative: true,
     aliases: [截至7月底累计完成], help: 截至7月底的累计完成数，上半年已完成的也计入}
  - id: note
    label: 1-7月情况
    help: "截止2020年7月31日的情况"   # quoted, with a comment
  - id: plan
    label: 下月计划
    help: |
      8月份的工作计划，
      写明8月15日前完成的事项
rules:
  - {id: low, when: "done < target * 0.1", message: 截至7月底完成不足一成，请核实}
document:
  opening: 现将7月份民生实事进展情况报告如下。
"""


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]))
    return result.exit_code, result.output


def _instructions_help(template: Path) -> dict[str, str]:
    """Field heading → its help, as 填报说明 shows it to the unit."""
    sheet = openpyxl.load_workbook(template)["填报说明"]
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "栏目")
    return {str(r[0]): str(r[4] or "") for r in rows[top + 1 :] if r[0]}


@pytest.mark.parametrize(
    ("text", "old", "new", "moved", "unmoved"),
    [
        ("截至8月底的累计完成数", "2020-08", "2020-09", "截至9月底的累计完成数", ()),
        ("截止4月15日的完成情况", "2025-Q1", "2025-Q2", "截止7月15日的完成情况", ()),
        ("完成情况（截止4月15日）", "2025-Q1", "2025-Q2", "完成情况（截止7月15日）", ()),
        ("1-8月累计，截至2020年8月31日", "2020-08", "2020-09", "1-9月累计，截至2020年9月30日", ()),
        ("2020年1-12月", "2020-12", "2021-01", "2021年1月", ()),
        ("1-3月（第一季度，Q1）", "2025-Q1", "2025-Q2", "4-6月（第二季度，Q2）", ()),
        ("第三季度9月份", "2020-09", "2020-10", "第四季度10月份", ()),
        ("2025年第四季度", "2025-Q4", "2026-Q1", "2026年第一季度", ()),
        ("2025年上半年", "2025-H1", "2025-H2", "2025年下半年", ()),
        ("八月份、十二月", "2020-08", "2020-09", "九月份、一月", ()),
        ("2020-08 report, due 2020-08-31", "2020-08", "2020-09", "2020-09 report, due 2020-09-30", ()),
        ("as of 31 August, Aug. 31", "2020-08", "2020-09", "as of 30 September, Sep. 30", ()),
        ("3个月内、每月15日，完成2020人", "2020-08", "2020-09", "3个月内、每月15日，完成2020人", ()),
        ("较2019年增长；2020年目标", "2020-12", "2021-01", "较2019年增长；2021年目标", ("2019年",)),
        ("2020 report: 完成2020人", "2020-12", "2021-01", "2021 report: 完成2020人", ()),
        ("上半年 first half", "2020-08", "2020-09", "上半年 first half", ("上半年", "first half")),
        ("截至8月底", "2020-08", "2020-07", "截至7月底", ()),
    ],
)
def test_words_move_by_the_months_between_the_periods(
    text: str, old: str, new: str, moved: str, unmoved: tuple[str, ...]
) -> None:
    result = move_words(text, Period.of(old), Period.of(new))
    assert (result.text, result.unmoved) == (moved, unmoved)


def test_next_moves_the_hints_help_aliases_rules_and_wording_and_keeps_the_layout(tmp_path: Path) -> None:
    spec = tmp_path / "report.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    code, output = run("next", spec)
    assert code == 0, output
    lines = output.splitlines()
    assert (
        "  栏目“累计完成”的说明：截至7月底的累计完成数，上半年已完成的也计入 → 截至8月底的累计完成数，上半年已完成的也计入"
        in lines
    )
    assert "  栏目“累计完成”的别名：截至7月底累计完成 → 截至8月底累计完成" in lines
    assert "  栏目“1-7月情况”的名称：1-7月情况 → 1-8月情况" in lines
    assert "  规则“low”的提示：截至7月底完成不足一成，请核实 → 截至8月底完成不足一成，请核实" in lines
    assert "  设置 document.opening：现将7月份民生实事进展情况报告如下。 → 现将8月份民生实事进展情况报告如下。" in lines
    # July is in the second half: 上半年 is not this month's own half, so it is named, not moved.
    assert f"  栏目“累计完成”的说明中的“上半年”没有改动（不能按本期推算）：请核对，需要时在 {spec} 中手工修改" in lines
    text = spec.read_text(encoding="utf-8")
    assert text == (
        SPEC.replace("2020-07-31", "2020-08-31")
        .replace("period: 2020-07", "period: 2020-08")
        .replace("截至7月底", "截至8月底")
        .replace("1-7月情况", "1-8月情况")
        .replace('"截止2020年7月31日的情况"   # quoted', '"截止2020年8月31日的情况"   # quoted')
        .replace("8月份的工作计划", "9月份的工作计划")
        .replace("8月15日前", "9月15日前")
        .replace("现将7月份", "现将8月份")
    )
    moved = load_spec(spec)
    assert moved.field("note").help == "截止2020年8月31日的情况"
    assert moved.field("plan").help == "9月份的工作计划，\n写明9月15日前完成的事项\n"
    assert moved.document is not None and moved.document.opening == "现将8月份民生实事进展情况报告如下。"


def test_templates_after_next_show_this_months_hints(tmp_path: Path) -> None:
    code, output = run("init", tmp_path / "m", "--kind", "livelihood", "--yaml")
    assert code == 0, output
    code, output = run("next", tmp_path / "m" / "report.yaml")
    assert code == 0, output
    assert (
        "  栏目“累计完成”的说明：截至8月底的累计完成数，按“计量单位”列的单位填写数字"
        " → 截至9月底的累计完成数，按“计量单位”列的单位填写数字" in output.splitlines()
    )
    code, output = run("templates", tmp_path / "m" / "report.yaml", "-o", tmp_path / "t")
    assert code == 0, output
    template = next((tmp_path / "t").glob("*_兰山区.xlsx"))
    assert template.name == "2020-09_2020年民生实事工作9月份进展情况_兰山区.xlsx"
    assert _instructions_help(template)["累计完成"] == "截至9月底的累计完成数，按“计量单位”列的单位填写数字"


def test_next_on_a_quarterly_workbook_moves_the_help_and_aliases_cells(tmp_path: Path) -> None:
    code, output = run("init", tmp_path / "q", "--kind", "key-tasks")
    assert code == 0, output
    book = tmp_path / "q" / "report.xlsx"
    before = openpyxl.load_workbook(book)
    code, output = run("next", book)
    assert code == 0, output
    assert "  栏目“完成情况”的说明：截止4月15日的完成情况，按序号分条写明已完成的工作、进度和文件文号" in output
    after = openpyxl.load_workbook(book)
    changed = {
        (sheet.title, cell.coordinate, cell.value, after[sheet.title][cell.coordinate].value)
        for sheet in before.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value != after[sheet.title][cell.coordinate].value
    }
    assert {(s, c) for s, c, _, _ in changed} == {
        ("报表", "B3"),  # title
        ("报表", "B5"),  # period
        ("报表", "B6"),  # deadline
        ("栏目", "P5"),  # aliases
        ("栏目", "Q5"),  # help
    }
    spec = load_spec(book)
    assert (spec.report.period, spec.report.deadline) == ("2025-Q2", dt.date(2025, 7, 15))
    assert spec.report.title == "2025年第二季度市政府重点工作和民生实事工作完成情况"
    progress = spec.field("progress")
    assert progress.help == "截止7月15日的完成情况，按序号分条写明已完成的工作、进度和文件文号"
    assert progress.aliases == ["完成情况（截止7月15日）", "完成情况(截止7月15日)"]


def test_two_periods_templates_never_share_a_name(tmp_path: Path) -> None:
    spec = tmp_path / "report.yaml"
    spec.write_text(SPEC, encoding="utf-8")  # its title names no period
    out = tmp_path / "模板"
    code, output = run("templates", spec, "-o", out)
    assert code == 0, output
    code, output = run("next", spec)
    assert code == 0, output
    code, output = run("templates", spec, "-o", out)
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "2020-07_民生实事工作进展情况_兰山区.xlsx",
        "2020-07_民生实事工作进展情况_罗庄区.xlsx",
        "2020-08_民生实事工作进展情况_兰山区.xlsx",
        "2020-08_民生实事工作进展情况_罗庄区.xlsx",
    ]


def test_the_demos_last_month_has_last_months_hints(tmp_path: Path) -> None:
    built = build_demo(tmp_path / "demo")
    (july,) = (built.folder / "returns-2020-07").glob("*_兰山区.xlsx")
    assert july.name == "2020-07_2020年民生实事工作7月份进展情况_兰山区.xlsx"
    assert _instructions_help(july)["累计完成"] == "截至7月底的累计完成数，按“计量单位”列的单位填写数字"
    assert _instructions_help(built.templates[0])["累计完成"] == "截至8月底的累计完成数，按“计量单位”列的单位填写数字"


def test_a_spec_moved_in_memory_either_way() -> None:
    spec = load_spec(Path(__file__).parent.parent / "templates" / "key-tasks" / "report.yaml")
    back = moved_spec(spec, -1)
    assert (back.spec.report.period, back.spec.report.deadline) == ("2024-Q4", dt.date(2025, 1, 15))
    assert back.spec.report.title == "2024年第四季度市政府重点工作和民生实事工作完成情况"
    assert back.spec.field("progress").help == "截止1月15日的完成情况，按序号分条写明已完成的工作、进度和文件文号"
    assert back.report == {
        "period": "2024-Q4",
        "title": "2024年第四季度市政府重点工作和民生实事工作完成情况",
        "deadline": "2025-01-15",
    }


@pytest.mark.parametrize(
    ("written", "normal", "kind", "months", "after", "before"),
    [
        ("2025", "2025", "year", 12, "2026", "2024"),
        ("2025年度", "2025", "year", 12, "2026", "2024"),
        ("2025年上半年", "2025-H1", "half", 6, "2025-H2", "2024-H2"),
        ("2025H2", "2025-H2", "half", 6, "2026-H1", "2025-H1"),
        ("2025年第三季度", "2025-Q3", "quarter", 3, "2025-Q4", "2025-Q2"),
        ("2025q4", "2025-Q4", "quarter", 3, "2026-Q1", "2025-Q3"),
        ("2025年9月", "2025-09", "month", 1, "2025-10", "2025-08"),
        ("2025-12", "2025-12", "month", 1, "2026-01", "2025-11"),
    ],
)
def test_a_period_by_its_kind(written: str, normal: str, kind: str, months: int, after: str, before: str) -> None:
    period = Period.parse(written)
    assert period is not None
    assert (str(period), period.kind, period.months) == (normal, kind, months)
    assert (str(period.next), str(period.previous), str(period.shift(4).shift(-4))) == (after, before, normal)
    assert Period.of(normal) == period


def test_a_period_not_in_its_normal_form_is_refused() -> None:
    assert Period.parse("2025年第五季度") is None and Period.parse("2025-13") is None
    with pytest.raises(ValueError):
        Period.of("2025年9月")  # a spec holds 2025-09
