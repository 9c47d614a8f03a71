"""No YAML for the clerk: ``init --from`` keeps every column of the clerk's own table, and the spec
is a workbook (report.xlsx) that converts to YAML and back without losing anything."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.errors import SpecError
from consolidate.kinds import kinds_dir, list_kinds
from consolidate.spec import load_spec
from consolidate.write import write_spec_workbook, write_spec_yaml, write_templates

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
