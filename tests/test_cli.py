from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first

from .helpers import sheet_rows

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def run_data(*args: str) -> tuple[int, str]:
    """(exit code, standard output alone): what a script reads."""
    result = runner.invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250"})
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    code, output = run("demo", folder)
    assert code == 0, output
    return folder


def test_demo_builds_the_whole_flow(demo: Path) -> None:
    assert sorted(p.name for p in (demo / "spec").iterdir()) == [
        "history.sqlite",
        "items.csv",
        "report.yaml",
        "units.csv",
    ]
    assert len(list((demo / "templates").glob("*.xlsx"))) == 13
    rows = sheet_rows(demo / "summary.xlsx", "报送情况")
    assert [r["单位名称"] for r in rows if r["状态"] == "未报送"] == ["临沂高新区"]
    assert [r["单位名称"] for r in rows if r["状态"] == "重复"] == ["费县"]
    assert [r["单位名称"] for r in rows if r["逾期"] == "是"] == ["蒙阴县"]
    codes = [r["代码"] for r in sheet_rows(demo / "summary.xlsx", "校验问题")]
    assert codes == [  # by level, then the units in the spec's order (河东区, 郯城县, 兰陵县, 沂水县...)
        "E-REQUIRED",
        "E-CHOICE",
        "E-NOT-A-NUMBER",
        "W-RULE",
        "W-NO-METADATA",
        "W-DUPLICATE-RETURN",
        "W-CUMULATIVE-DECREASED",  # 莒南县: lower than July's figure in the history
        "W-MISSING-RETURN",
        "I-CONVERTED",
        "I-CONVERTED",
        "I-NOT-UPDATED",  # 临沭县: its first 进展情况 sent back as July's, which the template started from
    ]


def test_console_script_runs_demo(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "consolidate"
    done = subprocess.run(
        [str(exe), "demo", str(tmp_path / "d"), "--lang", "en"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "12/13 units returned; 3 errors, 5 warnings, 3 notes" in done.stdout
    assert openpyxl.load_workbook(tmp_path / "d" / "summary.xlsx").sheetnames[0] == "汇总"


def test_validate_exit_code_and_json(demo: Path) -> None:
    code, output = run_data("validate", demo / "returns", "--json", "-", "-q")
    assert code == 1
    issues = json.loads(output)
    assert [(i["code"], i["cell"]) for i in issues if i["level"] == "error"] == [
        ("E-REQUIRED", "H6"),  # the units in the spec's order; 上期累计完成 is column E
        ("E-CHOICE", "I6"),
        ("E-NOT-A-NUMBER", "F6"),
    ]


def test_validate_prints_a_table_and_counts(demo: Path) -> None:
    code, output = run("validate", demo / "returns", "-s", demo / "spec" / "report.yaml")
    assert code == 1
    assert "E-CHOICE" in output and "W-MISSING-RETURN" in output
    assert "12/13 个单位已报送；错误 3，警告 5，提示 3" in output
    assert "未报送：临沂高新区" in output


def test_merge_writes_summary_and_json(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    # The demo's summary was made with the report's history (上期, 趋势): the same spec and history.
    spec = demo / "spec" / "report.yaml"
    code, output = run("merge", demo / "returns", "-s", spec, "-o", out, "--json", tmp_path / "s.json")
    assert code == 1
    assert f"汇总完成：{out}" in output
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    # 人, 处, 家, 平方米, 张 and 名 are not added up: the totals stay empty and say why.
    assert (data["summary"]["totals"]["target"], data["summary"]["totals"]["rate"]) == (None, None)
    notes = {n["column"]: n for n in data["summary"]["notes"] if n["row"] == "totals"}
    assert notes["target"]["note"] == "各事项的计量单位不同（人、处、家、平方米、张、名），不相加"
    assert notes["target"]["measures"] == ["人", "处", "家", "平方米", "张", "名"]
    assert out.read_bytes() == (demo / "summary.xlsx").read_bytes()


def test_merge_in_english(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    code, output = run("--lang", "en", "merge", demo / "returns", "-o", out)
    assert code == 1
    # No -s: the spec file that made the returns' templates is found, and its history with it.
    history = demo / "spec" / "history.sqlite"
    assert f"History: {history} (beside {demo / 'spec' / 'report.yaml'}, the spec these returns" in output
    sheets = ["Summary", "By unit", "Trend", "Detail", "Submissions", "Issues", "About", "_consolidate"]
    assert openpyxl.load_workbook(out).sheetnames == sheets
    rows = sheet_rows(out, "Issues")
    assert rows[0]["Message"] == "“进展情况” is required but empty"


def test_status_lists_missing_units(demo: Path) -> None:
    code, output = run_data("status", demo / "returns", "--json", "-", "-q")
    assert code == 1  # not everyone has returned
    rows = json.loads(output)
    assert [r["name"] for r in rows if r["status"] == "未报送"] == ["临沂高新区"]
    # For scripts, the same in words that do not change with --lang.
    odd = [
        (r["code"], r["status"], r["overdue"], r["state"], r["late"])
        for r in rows
        if r["state"] != "returned" or r["late"]
    ]
    assert odd == [
        ("FX", "重复", "", "duplicate", False),
        ("MY", "已报送", "是", "returned", True),
        ("GX", "未报送", "", "missing", False),
    ]
    code, output = run_data("--lang", "en", "status", demo / "returns", "--json", "-", "-q")
    english = json.loads(output)
    assert [(r["state"], r["late"]) for r in english] == [(r["state"], r["late"]) for r in rows]
    assert [r["status"] for r in english if r["code"] in ("FX", "GX")] == ["duplicate", "missing"]


def test_no_inputs_is_exit_code_2(tmp_path: Path, demo: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, output = run("merge", tmp_path / "empty", "-s", demo / "spec")
    assert code == 2
    assert "没有可读取的文件" in output
    code, output = run("merge", tmp_path / "nope", "-s", demo / "spec")
    assert code == 2


def test_check_reports_spec_errors_with_lines(tmp_path: Path, demo: Path) -> None:
    code, output = run("check", demo / "spec" / "report.yaml")
    assert (code, output.strip()) == (
        0,
        "报表定义无误：2020年民生实事工作8月份进展情况（13 个单位，7 个事项，8 个栏目）",
    )
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("units.csv", "items.csv"):
        (bad / name).write_bytes((demo / "spec" / name).read_bytes())
    text = (demo / "spec" / "report.yaml").read_text(encoding="utf-8").replace("aggregate: join", "agregate: join")
    (bad / "report.yaml").write_text(text, encoding="utf-8")
    code, output = run("check", bad / "report.yaml")
    assert code == 2
    assert "report.yaml:22 [fields[6].agregate]: 未知的键“agregate”，是否想写“aggregate”？" in output.replace("\n", "")


def test_templates_command(demo: Path, tmp_path: Path) -> None:
    code, output = run("templates", demo / "spec" / "report.yaml", "-o", tmp_path / "t", "-u", "LS", "-u", "费县")
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "2020-08_2020年民生实事工作8月份进展情况_兰山区.xlsx",
        "2020-08_2020年民生实事工作8月份进展情况_费县.xlsx",
    ]


def test_init_from_an_existing_task_table(tmp_path: Path) -> None:
    table = tmp_path / "清单.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["2025年田家庵区基层卫生健康工作重点任务清单"])
    ws.append(["序号", "重点任务", "任务及要求内容", "责任科室", "完成时限"])
    ws.append([1, "持续强化基层医疗卫生服务体系建设", "（一）贯彻落实医疗卫生强基工程", "规信科", "11月30日前"])
    ws.append([2, None, "（二）持续优化基层医疗卫生机构布局", "基卫科\n医政科", "11月30日前"])
    book.save(table)
    code, output = run("init", tmp_path / "spec", "--kind", "task-list", "--from", table)
    assert code == 0, output
    code, output = run("check", tmp_path / "spec")
    assert code == 0, output
    from consolidate.spec import load_spec

    spec = load_spec(tmp_path / "spec")
    assert [(u.code, u.name) for u in spec.units] == [("U01", "规信科"), ("U02", "基卫科"), ("U03", "医政科")]
    # A blank cell that is not merged stays blank: only merged cells are carried down.
    assert [(i.id, i.values.get("task"), i.units) for i in spec.items] == [
        ("T01", "持续强化基层医疗卫生服务体系建设", ("U01",)),
        ("T02", None, ("U02", "U03")),
    ]
    assert [i.values["content"] for i in spec.items] == [
        "（一）贯彻落实医疗卫生强基工程",
        "（二）持续优化基层医疗卫生机构布局",
    ]
    code, output = run("init", tmp_path / "spec", "--kind", "task-list")
    assert code == 2 and "--force" in output


def test_merge_into_the_returns_folder_does_not_read_its_own_summary(demo: Path, tmp_path: Path) -> None:
    import shutil

    returns = tmp_path / "returns"
    shutil.copytree(demo / "returns", returns)
    for _ in range(2):
        code, _ = run("merge", returns, "-o", returns / "汇总.xlsx", "-q")
        assert code == 1
    rows = sheet_rows(returns / "汇总.xlsx", "校验问题")
    assert "汇总.xlsx" not in {r["文件"] for r in rows}
    assert [r["代码"] for r in rows if r["级别"] == "错误"] == ["E-REQUIRED", "E-CHOICE", "E-NOT-A-NUMBER"]


def test_assign_attributes_a_file_no_one_could_tell(demo: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    shutil.copytree(demo / "returns", returns)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "民生实事项目", "累计完成", "进展情况", "进度自评"])
    sheet.append(["33", "2020年为全市40万适龄妇女进行“两癌”检查", 3000, "已完成检查3000人", "正常"])
    book.save(returns / "8月报表.xlsx")
    spec = demo / "spec" / "report.yaml"
    code, output = run("validate", returns, "-s", spec)
    assert code == 1
    assert '可用 --assign "8月报表.xlsx=单位名称" 指定' in output.replace("\n", "")
    code, output = run("status", returns, "-s", spec, "--assign", "8月报表.xlsx=临沂高新区", "--json", "-")
    assert code == 0
    status = {row["code"]: row for row in json.loads(output[output.index("[") : output.rindex("]") + 1])}
    assert (status["GX"]["status"], status["GX"]["file"]) == ("已报送", "8月报表.xlsx")
    code, output = run("merge", returns, "-s", spec, "-o", tmp_path / "s.xlsx", "--assign", "8月报表.xlsx=GX")
    rows = {r["单位编码"]: r for r in sheet_rows(tmp_path / "s.xlsx", "报送情况")}
    assert (rows["GX"]["状态"], rows["GX"]["文件"]) == ("已报送", "8月报表.xlsx")
    code, output = run("merge", returns, "-s", spec, "-o", tmp_path / "t.xlsx", "--assign", "8月报表.xlsx")
    assert code == 2
    assert "--assign “8月报表.xlsx”应写成 文件=单位" in output


def test_a_merge_without_figures_says_who_returned_and_what_is_wrong_as_a_whole_one(demo: Path) -> None:
    # status leaves the figures out (MergeOptions.figures=False): the same submissions and issues.
    from consolidate.merge import merge_returns
    from consolidate.spec import load_spec

    spec = load_spec(demo / "spec" / "report.yaml")
    whole = merge_returns(spec, [demo / "returns"])
    bare = merge_returns(spec, [demo / "returns"], figures=False)
    assert bare.figures.rows == [] and whole.figures.rows
    assert [(s.unit_code, s.status, s.file) for s in bare.submissions] == [
        (s.unit_code, s.status, s.file) for s in whole.submissions
    ]
    assert [(i.code, i.unit, i.cell) for i in bare.issues] == [(i.code, i.unit, i.cell) for i in whole.issues]
