"""No YAML for the clerk: ``init --from`` keeps every column of the clerk's own table, and the spec
is a workbook (report.xlsx) that converts to YAML and back without losing anything."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.errors import SpecError
from consolidate.kinds import kinds_dir, list_kinds
from consolidate.spec import Spec, load_spec, spec_from_json
from consolidate.spec.dates import day_in_text, period_in_text
from consolidate.write import write_spec_workbook, write_spec_yaml, write_templates

from .tables import (
    BREAKDOWN,
    BREAKDOWN_NO_LEAD,
    BREAKDOWN_UNMERGED,
    HEALTH_CENTRES,
    KEY_WORK,
    KEY_WORK_NO_UNITS,
    TASK_LIST,
    Table,
    build,
)

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "200"})
    return result.exit_code, result.output


TASKS = [  # seed 003 (田家庵区基层卫生健康工作重点任务清单), with the layouts clerks use
    (
        1,
        "体系建设",
        "贯彻落实医疗卫生强基工程",
        "1.以补齐基层短板为目标，重点加强县域医共体资源共享中心建设；\n2.2025年乡镇卫生院医学影像中心覆盖率要提升到80%以上",
        "张三",
        "规信科",
        "11月30日前",
    ),
    (
        2,
        None,
        "持续优化基层医疗卫生机构布局",
        "合理布局基层医疗卫生机构，推进县域医疗次中心建设",
        "李四",
        "基层卫生科、医政科",
        "12月31日前",
    ),
    (
        3,
        "能力提升",
        "推进紧密型医共体建设",
        "完善医共体管理体制，落实“两包三单六贯通”",
        "王五",
        "体改科 规信科",
        "6月30日前",
    ),
]


@pytest.fixture
def tasks(tmp_path: Path) -> Path:
    """A title row, a merged 类别 column, group heading rows, units in several forms, a note."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "2025年第三季度田家庵区基层卫生健康工作重点任务清单"
    sheet.merge_cells("A1:G1")
    for c, label in enumerate(["序号", "类别", "重点任务", "任务及要求内容", "牵头领导", "责任科室", "完成时限"], 1):
        sheet.cell(2, c, label)
    sheet["A3"] = "一、致力“民生提档”，持续强化基层医疗卫生服务体系建设"
    sheet.merge_cells("A3:G3")
    for r, row in enumerate(TASKS[:2], 4):
        for c, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(r, c, value)
    sheet.merge_cells("B4:B5")
    sheet["A6"] = "（二）提升基层服务能力"
    for c, value in enumerate(TASKS[2], 1):
        sheet.cell(7, c, value)
    sheet["A8"] = "注：各科室每月25日前报送进展。"
    sheet.merge_cells("A8:G8")
    path = tmp_path / "清单.xlsx"
    book.save(path)
    return path


@pytest.fixture
def wide(tmp_path: Path) -> Path:
    """年度目标, then a merged 目标分解 over one column per unit."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "2025年民生实事目标任务分解表"
    sheet.merge_cells("A1:G1")
    for c, label in enumerate(["序号", "项目", "计量单位", "年度目标", "目标分解"], 1):
        sheet.cell(2, c, label)
    sheet.merge_cells("E2:G2")
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    for c, name in enumerate(["兰山区", "罗庄区", "河东区"], 5):
        sheet.cell(3, c, name)
    sheet.append([33, "2020年为全市40万适龄妇女进行“两癌”检查", "人", 100, 40, 30, 30])
    sheet.append(["34.1", "村卫生室达到市级示范标准以上", "处", 10, 4, 3, 3])
    path = tmp_path / "分解表.xlsx"
    book.save(path)
    return path


def _template_texts(path: Path) -> set[str]:
    sheet = openpyxl.load_workbook(path)["填报"]
    return {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}


def test_every_column_and_cell_of_the_table_reaches_the_right_templates(tasks: Path, tmp_path: Path) -> None:
    code, output = run("init", tmp_path / "q3", "--from", tasks, "--deadline", "2025-10-15")
    assert code == 0, output
    assert "F 列“责任科室”→ 分配给这些单位，并作为预填栏目显示（depts）" in output
    assert "第 8 行未作为事项：表格下方的说明文字" in output
    assert (
        "报表“2025年第三季度田家庵区基层卫生健康工作重点任务清单”（报告期 2025-Q3）：3 个事项，4 个单位，2 个分组"
        in output
    )
    spec = load_spec(tmp_path / "q3" / "report.xlsx")
    assert (spec.report.period, str(spec.report.deadline), spec.report.issuer) == ("2025-Q3", "2025-10-15", "")
    assert [u.name for u in spec.units] == ["规信科", "基层卫生科", "医政科", "体改科"]
    labels = [f.label for f in spec.fields if f.source == "item"]
    assert labels == ["序号", "类别", "重点任务", "任务及要求内容", "牵头领导", "责任科室", "完成时限"]
    assert [i.group for i in spec.items] == [
        "一、致力“民生提档”，持续强化基层医疗卫生服务体系建设",
        "一、致力“民生提档”，持续强化基层医疗卫生服务体系建设",
        "（二）提升基层服务能力",
    ]  # heading rows are groups, never items
    code, output = run("templates", tmp_path / "q3" / "report.xlsx", "-o", tmp_path / "t")
    assert code == 0, output
    names = {u.code: u.name for u in spec.units}
    units_of = {1: ["规信科"], 2: ["基层卫生科", "医政科"], 3: ["体改科", "规信科"]}
    for number, row in enumerate(TASKS, 1):
        for unit in names.values():
            texts = _template_texts(
                tmp_path / "t" / f"2025-Q3_2025年第三季度田家庵区基层卫生健康工作重点任务清单_{unit}.xlsx"
            )
            expected = {str(v) for v in row if v is not None} | ({"体系建设"} if number == 2 else set())
            if unit in units_of[number]:
                assert expected <= texts, (number, unit)
            else:
                assert row[3] not in texts, (number, unit)


def test_the_wide_layout_gives_per_unit_targets(wide: Path, tmp_path: Path) -> None:
    code, output = run("init", tmp_path / "w", "--from", wide)
    assert code == 0, output
    assert "F 列“罗庄区”→ 罗庄区 的目标数" in output
    spec = load_spec(tmp_path / "w" / "report.xlsx")
    codes = {u.name: u.code for u in spec.units}
    first, second = spec.items
    assert [first.values_for(codes[n])["target"] for n in ("兰山区", "罗庄区", "河东区")] == [40, 30, 30]
    assert [second.values_for(codes[n])["target"] for n in ("兰山区", "罗庄区", "河东区")] == [4, 3, 3]
    assert (first.values["no"], second.values["no"], first.values["measure"]) == ("33", "34.1", "人")
    assert {"done", "rate", "progress", "status"} <= {f.id for f in spec.fields}  # the livelihood kind's inputs


def test_a_failed_run_leaves_nothing_and_a_second_run_keeps_a_backup(tasks: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("只有一行字\n", encoding="utf-8")
    code, output = run("init", tmp_path / "nothing", "--from", bad)
    assert code == 2 and "找不到表头" in output
    assert not (tmp_path / "nothing").exists() or not any((tmp_path / "nothing").iterdir())
    assert run("init", tmp_path / "q", "--from", tasks)[0] == 0
    code, output = run("init", tmp_path / "q", "--from", tasks)
    assert code == 2 and "已有 report.xlsx；用 --force 覆盖" in output
    code, output = run("init", tmp_path / "q", "--from", tasks, "--title", "新标题", "--force")
    assert code == 0, output
    (backup,) = (tmp_path / "q").glob("report.xlsx.*.bak")
    assert (
        load_spec(backup.rename(tmp_path / "old.xlsx")).report.title
        != load_spec(tmp_path / "q" / "report.xlsx").report.title
    )


SOURCES = [*(kinds_dir() / kind / "report.yaml" for kind in list_kinds()), ROOT / "samples" / "spec" / "report.yaml"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_yaml_to_workbook_and_back_is_the_same_spec_and_the_same_templates(source: Path, tmp_path: Path) -> None:
    spec = load_spec(source)
    book = load_spec(write_spec_workbook(spec, tmp_path / "report.xlsx"))
    again = load_spec(write_spec_yaml(book, tmp_path / "again" / "report.yaml"))
    assert book.to_json() == spec.to_json() == again.to_json()
    # Templates name the file their spec came from (for a merge without -s): here, none.
    spec, book = dataclasses.replace(spec, path=None), dataclasses.replace(book, path=None)
    for one, other in zip(write_templates(spec, tmp_path / "a"), write_templates(book, tmp_path / "b"), strict=True):
        assert one.name == other.name and one.read_bytes() == other.read_bytes()


def test_convert_command_and_errors_at_cells(tmp_path: Path) -> None:
    source = kinds_dir() / "livelihood" / "report.yaml"
    code, output = run("convert", source, tmp_path / "report.xlsx")
    assert code == 0, output
    assert run("convert", source, tmp_path / "report.xlsx")[0] == 2  # never overwritten unasked
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    book["栏目"]["C5"] = "数子"  # 累计完成's type, mistyped
    book.save(tmp_path / "report.xlsx")
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "report.xlsx")
    (problem,) = info.value.problems
    assert problem.render("zh") == (
        f"{tmp_path / 'report.xlsx'} 栏目!C5 [fields[3].type]: 取值“数子”不可用，应为以下之一："
        "bool, choice, date, integer, number, percent, text"
    )


def test_init_writes_a_workbook_by_default_and_yaml_on_request(tmp_path: Path) -> None:
    assert run("init", tmp_path / "a", "--kind", "livelihood")[0] == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["report.xlsx"]
    assert load_spec(tmp_path / "a").to_json() == load_spec(kinds_dir() / "livelihood").to_json()
    assert run("init", tmp_path / "b", "--kind", "livelihood", "--yaml")[0] == 0
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["items.csv", "report.yaml", "units.csv"]


def test_templates_show_the_groups_as_locked_rows(tasks: Path, tmp_path: Path) -> None:
    assert run("init", tmp_path / "q", "--from", tasks)[0] == 0
    spec = load_spec(tmp_path / "q" / "report.xlsx")
    (path,) = [p for p in write_templates(spec, tmp_path / "t") if p.stem.endswith("规信科")]
    sheet = openpyxl.load_workbook(path)["填报"]
    column_a = [sheet.cell(r, 1).value for r in range(6, 10)]
    assert column_a == ["一、致力“民生提档”，持续强化基层医疗卫生服务体系建设", "1", "（二）提升基层服务能力", "3"]
    assert {str(m) for m in sheet.merged_cells.ranges} >= {"A6:J6", "A8:J8"}  # across the 10 columns
    assert sheet.cell(6, 1).protection.locked


def test_the_workbook_keeps_the_history_settings(tmp_path: Path) -> None:
    """cumulative, prefill and the outlier check survive yaml → workbook → yaml."""
    folder = kinds_dir() / "livelihood"
    for name in ("units.csv", "items.csv"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    text = (folder / "report.yaml").read_text(encoding="utf-8")
    (tmp_path / "report.yaml").write_text(text + "\noutliers: {threshold: 5, min_periods: 4}\n", encoding="utf-8")
    spec = load_spec(tmp_path / "report.yaml")
    book = load_spec(write_spec_workbook(spec, tmp_path / "book" / "report.xlsx"))
    assert book.outlier_check.threshold == 5 and book.outlier_check.min_periods == 4
    assert [f.id for f in book.fields if f.cumulative] == ["done"]
    assert book.to_json() == spec.to_json()
    sheet = openpyxl.load_workbook(tmp_path / "book" / "report.xlsx")["设置"]
    assert ["outliers.threshold", 5] in [[c.value for c in row] for row in sheet.iter_rows()]
    tasks = load_spec(write_spec_workbook(load_spec(kinds_dir() / "task-list" / "report.yaml"), tmp_path / "t.xlsx"))
    assert [(f.id, f.prefill) for f in tasks.fields if f.prefill] == [("progress", "last")]


# ---------------------------------------------------------------------------------------------
# County tables as they are (issue 20): a per-unit target breakdown, the period and the deadline
# where the table says them, a table that names no units.


def _breakdown_spec(table: Table, tmp_path: Path) -> tuple[Spec, str]:
    source = build(table, tmp_path / "分解表.xlsx")
    code, output = run("init", tmp_path / "w", "--from", source)
    assert code == 0, output
    return load_spec(tmp_path / "w" / "report.xlsx"), output


@pytest.mark.parametrize(
    "table", [BREAKDOWN, BREAKDOWN_UNMERGED, BREAKDOWN_NO_LEAD], ids=["merged", "unmerged", "no-lead"]
)
def test_a_breakdown_gives_each_unit_its_target_and_keeps_the_county_target(table: Table, tmp_path: Path) -> None:
    spec, output = _breakdown_spec(table, tmp_path)
    assert [u.name for u in spec.units] == HEALTH_CENTRES  # from the header's second row
    codes = {u.name: u.code for u in spec.units}
    assert "D 列“年度目标”→ 全县的目标数（预填数字栏目 target；各单位的目标数取自目标分解各列）" in output
    assert "E 列“城关镇卫生院”→ 城关镇卫生院 的目标数" in output
    assert "H 列“南城镇卫生院”→ 南城镇卫生院 的目标数" in output
    # The county's 年度目标 is the item's own target; each unit's is its breakdown.
    assert [i.values["target"] for i in spec.items] == [32000, 10, 5000, 2900]
    breakdown = [[i.values_for(codes[n]).get("target") for n in HEALTH_CENTRES] for i in spec.items]
    assert breakdown == [[9000, 8000, 8000, 7000], [3, 3, 2, 1], [1500, 1200, 1300, 1000], [800, 2900, 1100, 1000]]
    # 东城镇卫生院 has “—” for item 4: not assigned it (its values_for falls back to the county's).
    assert [[n for n in HEALTH_CENTRES if codes[n] in i.units] for i in spec.items][3] == [
        "城关镇卫生院",
        "西城镇卫生院",
        "南城镇卫生院",
    ]
    assert [i.group for i in spec.items] == ["一、健康服务提质"] * 2 + ["二、公共卫生服务"] * 2
    assert [i.values["task"] for i in spec.items] == [  # 事项/目标任务 is the task
        "为适龄妇女进行“两癌”检查",
        "村卫生室达到市级示范标准以上",
        "65岁以上老年人健康体检",
        "为60岁以上高危人群免费开展认知障碍筛查",
    ]
    assert spec.measure_field is not None and spec.measure_field.label == "计量单位"  # 人 and 处 never added up
    # The sum is checked against the county's target, naming the item and both figures.
    warnings = [line for line in output.splitlines() if "分解数之和" in line]
    assert warnings == [
        "第 6 行“2 村卫生室达到市级示范标准以上”：年度目标 10 与各单位分解数之和 9（4 个单位）不一致；全县目标保留为 "
        "10，各单位目标按分解数。请核对任务表，改正后重新运行 consolidate init --force"
    ]
    # The spec every template embeds keeps both (merge without -s reads that one).
    embedded = spec_from_json(spec.to_json())
    assert [i.values["target"] for i in embedded.items] == [32000, 10, 5000, 2900]
    assert [dict(i.per_unit["target"]) for i in embedded.items] == [dict(i.per_unit["target"]) for i in spec.items]
    # Each unit's template shows its own target.
    (path,) = [p for p in write_templates(spec, tmp_path / "t") if p.stem.endswith("西城镇卫生院")]
    sheet = openpyxl.load_workbook(path)["填报"]
    header = [c.value for c in sheet[5]]
    assert [sheet.cell(r, header.index("年度目标") + 1).value for r in (7, 8, 10, 11)] == [8000, 2, 1300, 1100]


def test_a_breakdown_with_the_lead_column_shows_it_and_the_yaml_keeps_both_targets(tmp_path: Path) -> None:
    spec, output = _breakdown_spec(BREAKDOWN, tmp_path)
    assert "I 列“牵头科室”→ 预填栏目 lead（锁定，模板和汇总中都显示；填报单位是目标分解中的各单位）" in output
    assert [i.values["lead"] for i in spec.items] == ["妇幼健康科", "基层卫生科", "基层卫生科", "疾控科"]
    again = load_spec(write_spec_yaml(spec, tmp_path / "y" / "report.yaml"))
    assert again.to_json() == spec.to_json()


def test_a_table_without_units_says_where_they_were_looked_for(tmp_path: Path) -> None:
    source = build(KEY_WORK_NO_UNITS, tmp_path / "重点工作.xlsx")
    result = runner.invoke(app, ["init", str(tmp_path / "k"), "--from", str(source)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert result.output.replace("\n", "") == (
        f"无法执行：{source}（工作表“目标任务”）中找不到填报单位：第 2 行的表头中没有写明单位的列（如 责任科室、"
        "责任单位、牵头单位、责任部门、承办单位、主办单位），表头下面一行也没有逐列写出各单位的名称（如“目标分解”下的 "
        "城关镇卫生院、东城镇卫生院）。请在表格中加一列“责任单位”，逐行写明由哪个单位填报（几个单位用顿号隔开），"
        "或在“目标分解”下面一行每列写一个单位的名称，然后重新运行 consolidate init"
    )
    assert not (tmp_path / "k").exists() or not any((tmp_path / "k").iterdir())


def test_the_period_deadline_and_issuer_are_read_where_the_table_says_them(tmp_path: Path) -> None:
    source = build(KEY_WORK, tmp_path / "重点工作.xlsx")
    code, output = run("init", tmp_path / "k", "--from", source)
    assert code == 0, output
    spec = load_spec(tmp_path / "k" / "report.xlsx")
    report = spec.report
    assert (report.period, str(report.deadline), report.issuer, report.id) == (
        "2025-Q1",
        "2025-04-15",
        "玉环市卫生健康局",
        "report-2025-q1",
    )
    title = "玉环市卫生健康局2025年第一季度市政府重点工作和民生实事工作完成情况"
    assert f"标题：{title}（取自表格 A1 的标题行）" in output
    assert f"报告期：2025-Q1（取自表格 A1“{title}”）" in output
    assert "截止日期：2025-04-15（取自表格 C2“完成情况（截止4月15日）”）" in output
    assert f"发文单位：玉环市卫生健康局（取自表格 A1“{title}”）" in output


def test_the_argument_wins_over_the_table_and_moves_its_title_and_deadline(tmp_path: Path) -> None:
    source = build(KEY_WORK, tmp_path / "重点工作.xlsx")
    code, output = run("init", tmp_path / "2025Q2", "--from", source, "--issuer", "玉环市卫健局")
    assert code == 0, output
    report = load_spec(tmp_path / "2025Q2" / "report.xlsx").report
    title = "玉环市卫生健康局2025年第二季度市政府重点工作和民生实事工作完成情况"
    assert (report.period, str(report.deadline), report.issuer, report.title) == (
        "2025-Q2",
        "2025-07-15",
        "玉环市卫健局",
        title,
    )
    assert f"标题：{title}（取自表格 A1 的标题行，从表格的报告期 2025-Q1 顺延到 2025-Q2）" in output
    assert "报告期：2025-Q2（取自文件夹名“2025Q2”）" in output
    assert (
        "截止日期：2025-07-15（取自表格 C2“完成情况（截止4月15日）”，从表格的报告期 2025-Q1 顺延到 2025-Q2）" in output
    )
    assert "发文单位：玉环市卫健局（取自 --issuer）" in output


@pytest.mark.parametrize(
    ("folder", "options", "period", "said"),
    [
        ("2025Q3", [], "2025-Q3", "报告期：2025-Q3（取自文件夹名“2025Q3”）"),
        ("q", ["--period", "2025年第三季度"], "2025-Q3", "报告期：2025-Q3（取自 --period）"),
        ("q", ["--period", "2025年9月"], "2025-09", "报告期：2025-09（取自 --period）"),
        ("2025Q3", ["--period", "2025年9月"], "2025-09", "报告期：2025-09（取自 --period）"),
        ("q", [], "2025", "报告期：2025（取自表格 A1“2025年田家庵区基层卫生健康工作重点任务清单”）"),
    ],
    ids=["folder", "option-quarter", "option-month", "option-over-folder", "title"],
)
def test_the_period_as_the_help_says_it_is_written(
    folder: str, options: list[str], period: str, said: str, tmp_path: Path
) -> None:
    source = build(TASK_LIST, tmp_path / "清单.xlsx")
    code, output = run("init", tmp_path / folder, "--from", source, *options)
    assert code == 0, output
    report = load_spec(tmp_path / folder / "report.xlsx").report
    assert (report.period, report.id) == (period, f"report-{period.lower()}")
    assert said in output.splitlines()
    assert (
        "截止日期：未设置（表格中没有写截止日期；可用 --deadline 2025-10-15 指定，或以后在 report.xlsx 中填写）"
        in output
    )


def test_a_period_or_deadline_that_is_none_is_refused_plainly(tmp_path: Path) -> None:
    source = build(TASK_LIST, tmp_path / "清单.xlsx")
    code, output = run("init", tmp_path / "q", "--from", source, "--period", "2025年第五季度")
    assert code == 2
    assert (
        "--period：“2025年第五季度”不是报告期；请写成 2025、2025年第三季度（或 2025Q3）、2025年上半年（或 2025H1）"
        "或 2025年9月（或 2025-09）" in output.replace("\n", "")
    )
    code, output = run("init", tmp_path / "q", "--from", source, "--deadline", "2025年2月30日")
    assert code == 2
    assert "--deadline：“2025年2月30日”不是日期；请写成 2025-10-15 或 2025年10月15日" in output.replace("\n", "")
    assert not (tmp_path / "q").exists()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("玉环市卫生健康局2025年第一季度市政府重点工作和民生实事工作完成情况", "2025-Q1"),  # seed 000
        ("2025年田家庵区基层卫生健康工作重点任务清单", "2025"),  # seed 003
        ("市卫生健康委2020年民生实事工作8月份进展情况", "2020-08"),  # seed 004
        ("2025年上半年重点工作", "2025-H1"),
        ("2025年9月民生实事进展", "2025-09"),
        ("截至2025年8月31日完成情况", "2025"),  # a day, not the month
        ("重点任务清单", None),
    ],
)
def test_periods_in_titles(text: str, period: str | None) -> None:
    found = period_in_text(text)
    assert (found[0] if found else None) == period


@pytest.mark.parametrize(
    ("text", "period", "day"),
    [
        ("完成情况（截止4月15日）", "2025-Q1", "2025-04-15"),
        ("完成情况(截至8月底)", "2020-08", "2020-08-31"),
        ("截止1月10日", "2025-12", "2026-01-10"),  # after the period's end: the next year
        ("截止2025年10月15日", "2025-Q3", "2025-10-15"),
        ("截止2月30日", "2025", None),
        ("11月30日前", "2025", None),  # a task's due date in a table is not the report's deadline
    ],
)
def test_cut_off_days_in_headers(text: str, period: str, day: str | None) -> None:
    found = day_in_text(text, period)
    assert (found[0].isoformat() if found else None) == day


def test_an_item_not_broken_down_goes_to_every_unit_and_is_said(tmp_path: Path) -> None:
    rows = [list(row) for row in BREAKDOWN.rows]
    rows[8][4:8] = [None, None, None, None]  # item 4: its breakdown left blank
    spec, output = _breakdown_spec(Table(rows, BREAKDOWN.merged), tmp_path)
    assert (
        "第 9 行“4 为60岁以上高危人群免费开展认知障碍筛查”没有分解到各单位（E、F、G、H 列都是空的）：分配给全部 4 个单位，"
        "模板中的目标数是全县的目标。如不对，请在任务表中填写分解数后重新运行 consolidate init --force"
    ) in output.splitlines()
    last = spec.items[-1]
    assert (last.units, last.values["target"], dict(last.per_unit)) == (tuple(u.code for u in spec.units), 2900, {})


def test_an_empty_column_headed_as_an_input_is_that_input_not_a_locked_copy(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2025年民生实事项目进展情况表"])
    ws.append(["序号", "民生实事项目", "计量单位", "年度目标", "累计完成", "完成率", "进展情况", "责任单位"])
    ws.append([1, "适龄妇女两癌检查", "人", 32000, None, None, None, "城关镇卫生院、东城镇卫生院"])
    ws.append([2, "村卫生室标准化建设", "处", 60, None, None, None, "城关镇卫生院"])
    book.save(tmp_path / "任务表.xlsx")
    code, out = run("init", tmp_path / "2025Q3", "--from", tmp_path / "任务表.xlsx", "--yaml")
    assert code == 0, out
    assert "E 列“累计完成”→ 填报栏目 done（空列：由各单位填写）" in out
    assert "F 列“完成率”→ 计算栏目 rate（空列：按公式计算）" in out
    spec = load_spec(tmp_path / "2025Q3" / "report.yaml")
    labels = [f.label for f in spec.fields]
    assert labels.count("累计完成") == labels.count("完成率") == labels.count("进展情况") == 1
    assert spec.field("done").is_input and spec.field("rate").formula == "done / target"
    assert spec.measure_field is not None and spec.measure_field.id == "measure"


def test_last_quarters_filled_report_makes_this_quarters_inputs_once(tmp_path: Path) -> None:
    """Seed 000 (玉环市 2025年第一季度…完成情况) as published: its 完成情况 and 自评 are filled in.
    They are the units' inputs of the new quarter, once each (they were kept as locked copies
    beside the kind's own inputs: two 完成情况 and two 自评 in every template), and the inputs'
    help moves to the new quarter's cut-off with the title. What the table says of 2025-Q1 is
    recorded as 2025-Q1 in the new report's history, so that each unit's template starts from
    its own 完成情况 (an item of two units is left out: whose words would they be?)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["玉环市卫生健康局2025年第一季度市政府重点工作和民生实事工作完成情况"])
    ws.append(
        [
            "序号",
            "目标任务",
            "完成情况\n(截止4月15日)",
            "存在问题及解决建议",
            "完成情况自评\n(超前/正常/滞后)",
            "牵头单位",
        ]
    )
    ws.append([1, "完善全域全民全程健康服务体系。", "1.加快推动市域恶性肿瘤诊治体系建设", None, "正常", "医政科"])
    ws.append(
        [2, "提速市公卫中心建设。", "市公卫中心项目启动桩基施工，完成工程桩试桩检测。", None, "正常", "规划发展科"]
    )
    ws.append([3, "健全院前急救体系。", "推进公共场所AED配置工作。", "资金未到位", "滞后", "医政科、急救站"])
    book.save(tmp_path / "一季度.xlsx")
    code, out = run("init", tmp_path / "2025Q2", "--from", tmp_path / "一季度.xlsx", "--deadline", "2025-07-15")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[2:8] == [
        "C 列“完成情况 (截止4月15日)”→ 填报栏目 progress（由各单位填写；表中已填的 3 格是 2025-Q1 的内容，作为上期记入历史记录，原表不变）",
        "D 列“存在问题及解决建议”→ 填报栏目 problems（由各单位填写；表中已填的 1 格是 2025-Q1 的内容，作为上期记入历史记录，原表不变）",
        "E 列“完成情况自评 (超前/正常/滞后)”→ 填报栏目 status（由各单位填写；表中已填的 3 格是 2025-Q1 的内容，作为上期记入历史记录，原表不变）",
        "F 列“牵头单位”→ 分配给这些单位，并作为预填栏目显示（lead）",
        f"表中已填的 4 格（2 个单位）记作 2025-Q1 的报送，写入历史记录 {tmp_path / '2025Q2' / 'history.sqlite'}："
        "各单位的新模板从这些内容开始填写，汇总时与之对比",
        "1 个事项由几个单位共同负责，表中的内容分不出是哪个单位的，没有记入历史记录",
    ]
    spec = load_spec(tmp_path / "2025Q2" / "report.xlsx")
    assert [f.label for f in spec.fields] == [
        "序号",
        "目标任务",
        "牵头单位",
        "完成情况",
        "存在问题及解决建议",
        "完成情况自评",
    ]
    assert spec.field("progress").help == "截止7月15日的完成情况，按序号分条写明已完成的工作、进度和文件文号"
    assert all("截止4月15日" not in str(v) for item in spec.items for v in item.values.values())
    (template,) = [p for p in write_templates(spec, tmp_path / "模板") if p.name.endswith("_急救站.xlsx")]
    header = [c.value for c in openpyxl.load_workbook(template)["填报"][5]]
    assert header == ["序号", "目标任务", "牵头单位", "完成情况", "存在问题及解决建议", "完成情况自评"]

    # The history holds 2025-Q1 as the table said it; the CLI's templates start from it.
    code, out = run("history", tmp_path / "2025Q2" / "report.xlsx")
    assert code == 0, out
    assert "2025-Q1" in out and "← 一季度.xlsx" in out
    code, out = run("templates", tmp_path / "2025Q2" / "report.xlsx", "-o", tmp_path / "模板2")
    assert code == 0, out

    def cells(unit: str) -> list[tuple[object, ...]]:
        (path,) = (tmp_path / "模板2").glob(f"*_{unit}.xlsx")
        sheet = openpyxl.load_workbook(path)["填报"]
        return [tuple(c.value for c in row[:6]) for row in sheet.iter_rows(min_row=6, max_row=7)]

    assert cells("医政科") == [
        ("1", "完善全域全民全程健康服务体系。", "医政科", "1.加快推动市域恶性肿瘤诊治体系建设", None, None),
        ("3", "健全院前急救体系。", "医政科、急救站", None, None, None),  # shared: not started
    ]
    assert cells("规划发展科")[0][3] == "市公卫中心项目启动桩基施工，完成工程桩试桩检测。"

    # Made again (--force): 2025-Q1 is in the history already and stays as it is.
    code, out = run("init", tmp_path / "2025Q2", "--from", tmp_path / "一季度.xlsx", "--force")
    assert code == 0, out
    assert (
        f"历史记录 {tmp_path / '2025Q2' / 'history.sqlite'} 中已有 2025-Q1，表中已填的内容没有再记入"
        in out.splitlines()
    )


def test_a_filled_table_of_the_reports_own_period_is_not_carried_and_records_no_history(tmp_path: Path) -> None:
    """玉环's 2025年第一季度 table made into the 2025-Q1 report: its filled 完成情况 are not
    another period's returns; nothing goes into a history, and init says they are not carried."""
    source = build(KEY_WORK, tmp_path / "重点工作.xlsx")
    code, output = run("init", tmp_path / "2025Q1", "--from", source)
    assert code == 0, output
    assert (
        "C 列“完成情况（截止4月15日）”→ 填报栏目 progress（由各单位填写；表中已填的 3 格不带入新报表，原表不变）"
        in output.splitlines()
    )
    assert "历史记录" not in output
    assert sorted(p.name for p in (tmp_path / "2025Q1").iterdir()) == ["report.xlsx"]
