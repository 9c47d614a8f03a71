"""Every period, not just one (issue 16): the history, ``next``, 上期 in templates, 上期/本期新增/环比
and 趋势 in the summary, the checks against earlier periods and returns of another period.

A monthly report of seed 004 (临沂市 民生实事 进展) over four months, through the command line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import fill_template
from consolidate.periods import modified_z, move_words, next_deadline
from consolidate.periods.specfile import advance_yaml
from consolidate.spec import Period, load_spec

from .helpers import sheet_rows

SPEC = """\
version: 1
report:
  id: livelihood-2020
  title: 2020年民生实事工作7月份进展情况   # 临沂市卫生健康委员会
  issuer: 临沂市卫生健康委员会
  period: 2020-07
  deadline: 2020-07-31
units:
  - {code: LS, name: 兰山区}
  - {code: LZ, name: 罗庄区}
  - {code: HD, name: 河东区}
items:
  - {id: T01, task: 2020年为全市40万适龄妇女进行“两癌”检查, target: {LS: 44000, LZ: 22600, HD: 25800}}
  - {id: T02, task: 实施村卫生室标准化建设引领提升工程, target: {LS: 8, LZ: 6, HD: 6}}
fields:
  - {id: task,     label: 民生实事项目, type: text,   source: item}
  - {id: target,   label: 年度目标,     type: number, source: item, aggregate: sum}
  - {id: done,     label: 累计完成,     type: number, required: true, min: 0, cumulative: true}
  - {id: rate,     label: 完成率,       type: percent, formula: "done / target"}
  - {id: progress, label: 进展情况,     type: text,   prefill: last}
rules:
  - {id: stalled, when: "done == prev.done", message: 累计完成与上期相同，请核实}
outliers: {threshold: 3.5}
"""

# unit -> item -> 累计完成, month by month
DONE = {
    "2020-07": {"LS": {"T01": 20000, "T02": 2}, "LZ": {"T01": 10000, "T02": 1}, "HD": {"T01": 12000, "T02": 2}},
    "2020-08": {"LS": {"T01": 24000, "T02": 3}, "LZ": {"T01": 12000, "T02": 2}, "HD": {"T01": 14000, "T02": 3}},
    "2020-09": {"LS": {"T01": 28000, "T02": 4}, "LZ": {"T01": 14000, "T02": 3}, "HD": {"T01": 16000, "T02": 4}},
    # 罗庄区 T01 falls (a month's figure typed for the cumulative); 河东区 T02 is a typo (40 for 4+1)
    "2020-10": {"LS": {"T01": 32000, "T02": 5}, "LZ": {"T01": 2000, "T02": 4}, "HD": {"T01": 18000, "T02": 40}},
}


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]))
    return result.exit_code, result.output


def _month(folder: Path, period: str, done: dict[str, dict[str, int]]) -> Path:
    """templates for the spec's period, filled by every unit, in returns-<period>/."""
    templates = folder / f"templates-{period}"
    code, output = run("templates", folder / "report.yaml", "-o", templates)
    assert code == 0, output
    returns = folder / f"returns-{period}"
    returns.mkdir()
    names = {"LS": "兰山区", "LZ": "罗庄区", "HD": "河东区"}
    for unit, values in done.items():
        template = next(templates.glob(f"*_{names[unit]}.xlsx"))
        rows: dict[str, dict[str, Any]] = {item: {"done": value} for item, value in values.items()}
        if period == "2020-07":
            rows["T01"]["progress"] = f"{names[unit]}已完成筛查"
        fill_template(template, returns / template.name, rows)
    return returns


def _template_row(path: Path, row: int) -> dict[str, Any]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[5]]
    return dict(zip(header, [c.value for c in sheet[row]], strict=True))


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("periods") / "民生实事"
    folder.mkdir()
    (folder / "report.yaml").write_text(SPEC, encoding="utf-8")
    for index, (period, done) in enumerate(DONE.items()):
        if index:
            code, output = run("next", folder / "report.yaml")
            assert code == 0, output
        returns = _month(folder, period, done)
        code, output = run("merge", returns, "-s", folder / "report.yaml", "-o", folder / f"汇总-{period}.xlsx")
        assert code == 0, output
    return folder


def test_next_moves_period_deadline_and_title_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "report.yaml").write_text(SPEC, encoding="utf-8")
    code, output = run("next", tmp_path / "report.yaml")
    assert code == 0, output
    assert "期别：2020-07 → 2020-08" in output
    assert "标题：2020年民生实事工作7月份进展情况 → 2020年民生实事工作8月份进展情况" in output
    text = (tmp_path / "report.yaml").read_text(encoding="utf-8")
    assert "  title: 2020年民生实事工作8月份进展情况   # 临沂市卫生健康委员会\n" in text
    assert "  period: 2020-08\n" in text and "  deadline: 2020-08-31\n" in text
    assert text.replace("8月份", "7月份").replace("2020-08-31", "2020-07-31").replace("2020-08", "2020-07") == SPEC
    spec = load_spec(tmp_path / "report.yaml")
    assert (spec.report.id, spec.report.period, spec.report.deadline) == (
        "livelihood-2020",
        "2020-08",
        dt.date(2020, 8, 31),
    )
    with sqlite3.connect(tmp_path / "history.sqlite") as db:  # the old spec is kept
        assert db.execute("SELECT period, text FROM specs").fetchall() == [("2020-07", SPEC)]


def test_next_on_a_workbook_spec_changes_three_cells_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "report.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "book").mkdir()
    code, output = run("convert", tmp_path / "report.yaml", tmp_path / "book" / "report.xlsx")
    assert code == 0, output
    before = openpyxl.load_workbook(tmp_path / "book" / "report.xlsx")
    before["栏目"]["B4"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")  # the clerk's own colour
    before.save(tmp_path / "book" / "report.xlsx")
    code, output = run("next", tmp_path / "book")  # the folder: its report.xlsx
    assert code == 0, output
    assert "期别：2020-07 → 2020-08" in output
    after = openpyxl.load_workbook(tmp_path / "book" / "report.xlsx")
    changed = {
        (sheet.title, cell.coordinate)
        for sheet in before.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value != after[sheet.title][cell.coordinate].value
    }
    assert changed == {("报表", "B3"), ("报表", "B5"), ("报表", "B6")}  # title, period, deadline
    report = {row[0].value: row[1].value for row in after["报表"].iter_rows(min_row=2)}
    assert report["报告期"] == "2020-08" and after["报表"]["B5"].number_format == "@"
    assert report["标题"] == "2020年民生实事工作8月份进展情况"
    assert report["截止日期"] == dt.datetime(2020, 8, 31)
    assert after["栏目"]["B4"].fill.fgColor.rgb == "00FFFF00"
    spec, old = load_spec(tmp_path / "book"), load_spec(tmp_path / "report.yaml")
    assert (spec.report.period, spec.report.deadline) == ("2020-08", dt.date(2020, 8, 31))
    assert spec.fields == old.fields and spec.items == old.items and spec.rules == old.rules
    with sqlite3.connect(tmp_path / "book" / "history.sqlite") as db:  # the old spec is kept, as YAML
        ((period, name, text),) = db.execute("SELECT period, name, text FROM specs").fetchall()
    assert (period, name) == ("2020-07", "report.xlsx") and "period: 2020-07" in text


@pytest.mark.parametrize(
    ("period", "title", "after", "new_title"),
    [
        ("2020-08", "2020年民生实事工作8月份进展情况", "2020-09", "2020年民生实事工作9月份进展情况"),
        ("2020-12", "2020年12月民生实事进展", "2021-01", "2021年1月民生实事进展"),
        ("2025-Q1", "2025年第一季度重点工作完成情况", "2025-Q2", "2025年第二季度重点工作完成情况"),
        ("2025-Q4", "2025年第四季度重点工作完成情况", "2026-Q1", "2026年第一季度重点工作完成情况"),
        ("2025-H1", "2025年上半年工作总结", "2025-H2", "2025年下半年工作总结"),
        ("2025", "2025年基层卫生健康工作重点任务清单", "2026", "2026年基层卫生健康工作重点任务清单"),
    ],
)
def test_the_next_period_by_its_kind(period: str, title: str, after: str, new_title: str) -> None:
    assert str(Period.of(period).next) == after
    assert move_words(title, Period.of(period), Period.of(after)).text == new_title


def test_deadlines_move_by_the_period_and_month_ends_stay_month_ends() -> None:
    assert next_deadline(dt.date(2020, 8, 31), Period.of("2020-08")) == dt.date(2020, 9, 30)
    assert next_deadline(dt.date(2025, 4, 15), Period.of("2025-Q1")) == dt.date(2025, 7, 15)
    assert next_deadline(dt.date(2025, 1, 31), Period.of("2025-01")) == dt.date(2025, 2, 28)
    assert advance_yaml("report:\n  period: '2025-Q1'  # 季度\nx: 1\n", {"period": "2025-Q2"}) == (
        "report:\n  period: 2025-Q2\nx: 1\n"
    )


def test_templates_show_each_units_last_values_locked(months: Path) -> None:
    book = openpyxl.load_workbook(next((months / "templates-2020-08").glob("*_罗庄区.xlsx")))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[5]]
    assert header == ["民生实事项目", "年度目标", "上期累计完成", "累计完成", "完成率", "进展情况"]
    assert [sheet.cell(6, 3).value, sheet.cell(7, 3).value] == [10000, 1]  # 罗庄区's July figures
    assert sheet.cell(6, 3).protection.locked and not sheet.cell(6, 4).protection.locked
    assert sheet.cell(6, 6).value == "罗庄区已完成筛查"  # prefill: last
    assert sheet.cell(6, 5).value == '=IF(OR(D6="",B6=""),"",IFERROR((D6/B6),""))'
    first = openpyxl.load_workbook(next((months / "templates-2020-07").glob("*_罗庄区.xlsx"))).worksheets[0]
    assert [c.value for c in first[5]] == ["民生实事项目", "年度目标", "累计完成", "完成率", "进展情况"]


def test_summary_shows_previous_new_and_change(months: Path) -> None:
    rows = sheet_rows(months / "汇总-2020-09.xlsx", "汇总")
    t01 = rows[0]
    assert (t01["累计完成"], t01["上期累计完成"], t01["本期新增"]) == (58000, 50000, 8000)
    assert t01["环比"] == pytest.approx(8000 / 50000)
    assert rows[-1]["上期累计完成"] == 50000 + 8 and rows[-1]["本期新增"] == 8000 + 3
    by_unit = {r["单位名称"]: r for r in sheet_rows(months / "汇总-2020-09.xlsx", "分单位")}
    assert (by_unit["兰山区"]["上期累计完成"], by_unit["兰山区"]["本期新增"]) == (24003, 4001)
    assert by_unit["兰山区"]["环比"] == pytest.approx(4001 / 24003)
    assert "上期累计完成" not in sheet_rows(months / "汇总-2020-07.xlsx", "汇总")[0]


def test_trend_sheet_has_one_row_per_period(months: Path) -> None:
    trend = sheet_rows(months / "汇总-2020-10.xlsx", "趋势")
    t01 = [(r["期别"], r["累计完成"]) for r in trend if r["事项编号"] == "T01"]
    assert t01 == [("2020-07", 42000), ("2020-08", 50000), ("2020-09", 58000), ("2020-10", 52000)]
    book = openpyxl.load_workbook(months / "汇总-2020-10.xlsx")
    assert len(book["趋势"]._charts) == 3  # 年度目标, 累计完成, 完成率


def test_checks_against_the_history(months: Path) -> None:
    issues = sheet_rows(months / "汇总-2020-10.xlsx", "校验问题")
    fell = [i for i in issues if i["代码"] == "W-CUMULATIVE-DECREASED"]
    assert [(i["单位名称"], i["单元格"], i["问题说明"]) for i in fell] == [
        ("罗庄区", "D6", "“累计完成”是累计数，本期（2020-10）填 2000，比上期（2020-09）的 14000 还少")
    ]
    outliers = [i for i in issues if i["代码"] == "W-OUTLIER"]
    assert [(i["单位名称"], i["单元格"], i["问题说明"]) for i in outliers] == [
        (
            "河东区",
            "D7",
            "“累计完成”填 40，与本单位以往各期（2020-07：2；2020-08：3；2020-09：4）相差过大（修正Z分数 25.0，超过 3.5）",
        )
    ]
    assert not [i for i in issues if i["代码"] == "W-RULE"]


def test_prev_in_rules(months: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(months / "returns-2020-10", folder)
    spec = tmp_path / "report.yaml"
    shutil.copy(months / "report.yaml", spec)
    shutil.copy(months / "history.sqlite", tmp_path / "history.sqlite")
    template = next(folder.glob("*_兰山区.xlsx"))
    fill_template(template, template, {"T02": {"done": 4}})  # as in September
    _, output = run("validate", folder, "-s", spec)
    assert "累计完成与上期相同，请核实" in output


def test_remerging_a_period_replaces_it(months: Path) -> None:
    def count() -> int:
        with sqlite3.connect(months / "history.sqlite") as db:
            return int(db.execute("SELECT COUNT(*) FROM vals").fetchone()[0])

    before = count()
    assert before == 4 * 3 * 2 + 4 * 3  # done for every unit and item; 进展情况 of T01, carried on by prefill: last
    code, _ = run("merge", months / "returns-2020-10", "-s", months / "report.yaml", "-o", months / "again.xlsx")
    assert code == 0 and count() == before
    code, output = run("history", months / "report.yaml")
    assert code == 0 and "2020-10" in output and "3/3" in output


def test_each_value_is_recorded_with_its_file_sheet_cell_and_sha256(months: Path) -> None:
    with sqlite3.connect(months / "history.sqlite") as db:
        rows = db.execute(
            "SELECT v.value, s.file, s.sheet, v.cell, s.sha256 FROM vals v JOIN sources s"
            " ON s.report = v.report AND s.period = v.period AND s.source = v.source"
            " WHERE v.period = '2020-09' AND v.unit = 'LZ' AND v.item = 'T02' AND v.field = 'done'"
        ).fetchall()
        sources = db.execute("SELECT COUNT(*) FROM sources WHERE period = '2020-09'").fetchone()[0]
    (path,) = (months / "returns-2020-09").glob("*_罗庄区.xlsx")
    assert rows == [("3", path.name, "填报", "D7", hashlib.sha256(path.read_bytes()).hexdigest())]
    assert sources == 3  # one per return, not one per value (D: the locked 上期 column is C)


@pytest.mark.parametrize("damage", ["missing", "garbage", "foreign", "schema-1"])
def test_a_lost_or_damaged_history_never_stops_a_merge(months: Path, tmp_path: Path, damage: str) -> None:
    spec = tmp_path / "report.yaml"
    shutil.copy(months / "report.yaml", spec)
    history = tmp_path / "history.sqlite"
    if damage == "garbage":
        history.write_bytes(b"not a database at all" * 100)
    elif damage in ("foreign", "schema-1"):  # another program's SQLite file; a history of another version
        with sqlite3.connect(history) as db:
            if damage == "foreign":
                db.execute("CREATE TABLE patients (name TEXT)")
            else:
                db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute("INSERT INTO meta VALUES ('schema', '1')")
        db.close()
    before = history.read_bytes() if history.exists() else b""
    out = tmp_path / "s.xlsx"
    code, output = run("merge", months / "returns-2020-10", "-s", spec, "-o", out)
    assert code == 0
    assert ("历史记录不可用" in output) == (damage != "missing")
    if damage != "missing":
        assert history.read_bytes() == before  # left exactly as it was
    rows = sheet_rows(out, "汇总")
    assert rows[0]["累计完成"] == 52000 and "上期累计完成" not in rows[0]
    assert "趋势" not in openpyxl.load_workbook(out).sheetnames
    if damage == "garbage":
        assert (tmp_path / "history.sqlite").read_bytes().startswith(b"not a database")  # left as it was


def test_a_return_of_another_period_is_an_error(months: Path, tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(months / "returns-2020-10", folder)
    old = next((months / "returns-2020-09").glob("*_兰山区.xlsx"))
    for path in folder.glob("*_兰山区.xlsx"):
        path.unlink()
    shutil.copy(old, folder / old.name)
    out = tmp_path / "s.xlsx"
    code, _ = run("merge", folder, "-s", months / "report.yaml", "-o", out, "--history", tmp_path / "h.sqlite")
    assert code == 1
    wrong = [i for i in sheet_rows(out, "校验问题") if i["代码"] == "E-WRONG-PERIOD"]
    assert [(i["单位名称"], i["问题说明"]) for i in wrong] == [
        ("兰山区", "这是 2020-09 的报表，不是本期（2020-10）的，未计入汇总")
    ]
    assert sheet_rows(out, "汇总")[0]["累计完成"] == 2000 + 18000


def test_history_import_gives_the_first_month_a_previous_period(months: Path, tmp_path: Path) -> None:
    spec = tmp_path / "report.yaml"
    shutil.copy(months / "report.yaml", spec)  # October
    code, output = run("history", "import", months / "汇总-2020-09.xlsx", "-s", spec)
    assert code == 0, output
    assert "2020-09" in output
    out = tmp_path / "s.xlsx"
    code, _ = run("merge", months / "returns-2020-10", "-s", spec, "-o", out)
    rows = sheet_rows(out, "汇总")
    assert (rows[0]["上期累计完成"], rows[0]["本期新增"]) == (58000, 52000 - 58000)


def test_modified_z_score() -> None:
    assert modified_z(40, [2, 3, 4]) == pytest.approx(0.6745 * 37 / 1)
    assert modified_z(5, [4, 4, 4]) is None


def _recorded(history: Path, period: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A period's values with where each came from, and its totals, as the history holds them."""
    with sqlite3.connect(history) as db:
        values = db.execute(
            "SELECT v.unit, v.item, v.field, v.value, v.cell, s.file, s.sheet, s.sha256 FROM vals v JOIN sources s"
            " ON s.report = v.report AND s.period = v.period AND s.source = v.source"
            " WHERE v.period = ? ORDER BY v.unit, v.item, v.field",
            (period,),
        ).fetchall()
        totals = db.execute(
            "SELECT item, data, reported FROM totals WHERE period = ? ORDER BY item", (period,)
        ).fetchall()
    return values, totals


def test_history_import_reads_the_summarys_data_not_its_titles(months: Path, tmp_path: Path) -> None:
    """Every sheet renamed and every heading changed: the import records exactly what the merge
    of that period recorded (values, cells, files, sha256, totals)."""
    summary = tmp_path / "汇总-9月.xlsx"
    book = openpyxl.load_workbook(months / "汇总-2020-09.xlsx")
    for n, sheet in enumerate(book.worksheets):
        if sheet.sheet_state == "visible":
            sheet.title = f"表{n}"
            for cell in sheet[5]:
                cell.value = f"栏{cell.column}" if cell.value else cell.value
    book.save(summary)
    spec = tmp_path / "report.yaml"
    shutil.copy(months / "report.yaml", spec)  # October
    code, output = run("history", "import", summary, "-s", spec)
    assert code == 0, output
    assert f"已导入 {summary}：2020-09 期，9 个数值，记入 {tmp_path / 'history.sqlite'}" in output
    assert _recorded(tmp_path / "history.sqlite", "2020-09") == _recorded(months / "history.sqlite", "2020-09")


def test_history_import_of_a_summary_without_its_data_says_what_to_do(months: Path, tmp_path: Path) -> None:
    summary = tmp_path / "旧汇总.xlsx"
    book = openpyxl.load_workbook(months / "汇总-2020-09.xlsx")
    del book["_consolidate"]  # as a summary of an earlier version, or a copy made by hand
    book.save(summary)
    spec = tmp_path / "report.yaml"
    shutil.copy(months / "report.yaml", spec)
    code, output = run("history", "import", summary, "-s", spec)
    assert code == 2
    history = tmp_path / "history.sqlite"
    assert " ".join(output.split()) == (
        f"无法执行：{summary} 中没有可导入的数据：它不是本工具写出的汇总工作簿，或是旧版本写的（旧版本的汇总表不带数据）。"
        f"请用本版本重新汇总那一期收回的报表：consolidate merge 那一期的报表文件夹/ --history {history}，"
        "那一期就记入了历史记录"
    )
    assert not history.exists()


def test_a_summary_among_the_returns_is_not_taken_for_a_template(months: Path) -> None:
    from consolidate.read import RawBook, Source, read_book

    path = months / "汇总-2020-09.xlsx"
    book = read_book(Source(path.name, path, dt.datetime.now()))
    assert isinstance(book, RawBook)
    assert not book.has_meta and "data_sheet" not in book.meta  # its data is not a template's
    assert [s.name for s in book.sheets] == ["汇总", "分单位", "趋势", "明细", "报送情况", "校验问题", "说明"]


SCHEMA_2_VALS = (
    "CREATE TABLE vals (report TEXT, period TEXT, unit TEXT, item TEXT, field TEXT, value TEXT,"
    " source INTEGER, cell TEXT, PRIMARY KEY (report, period, unit, item, field)) WITHOUT ROWID"
)


def test_a_history_of_schema_2_is_upgraded_in_place_with_every_value_and_its_source(
    months: Path, tmp_path: Path
) -> None:
    # A history as the previous version wrote it: one row per value in a table vals.
    old = tmp_path / "history.sqlite"
    shutil.copy(months / "history.sqlite", old)
    with closing(sqlite3.connect(old)) as db, db:
        rows = db.execute("SELECT * FROM vals ORDER BY report, period, unit, item, field").fetchall()
        assert len(rows) == 4 * 3 * 2 + 4 * 3
        db.execute("DROP VIEW vals")
        db.execute("DROP TABLE unitvals")
        db.execute(SCHEMA_2_VALS)
        db.executemany("INSERT INTO vals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    spec = tmp_path / "report.yaml"
    shutil.copy(months / "report.yaml", spec)
    out = tmp_path / "s.xlsx"
    code, output = run("merge", months / "returns-2020-10", "-s", spec, "-o", out)
    assert code == 0 and "历史记录不可用" not in output
    with closing(sqlite3.connect(old)) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("3",)
        after = db.execute("SELECT * FROM vals ORDER BY report, period, unit, item, field").fetchall()
        periods = [p for (p,) in db.execute("SELECT period FROM periods ORDER BY period")]
    assert after == rows  # 2020-10 merged again: every value of every period, with its cell and source
    assert periods == ["2020-07", "2020-08", "2020-09", "2020-10"]
    got = sheet_rows(out, "汇总")
    assert "上期累计完成" in got[0]  # the periods before, read from the upgraded file
    assert got == sheet_rows(months / "汇总-2020-10.xlsx", "汇总")


def test_a_units_values_that_come_apart_are_recorded_whole(months: Path, tmp_path: Path) -> None:
    from consolidate.periods import History

    spec = load_spec(months / "report.yaml")
    path = tmp_path / "h.sqlite"
    rows = [
        ("LS", "T01", "done", 5, "兰山区.xlsx", "填报", "D6", "aa"),
        ("LZ", "T01", "done", 7.5, "罗庄区.xlsx", "填报", "D6", "bb"),
        ("LS", "T02", "done", 3, "兰山区.xlsx", "填报", "D7", "aa"),  # LS again, after LZ
        ("LS", "T02", "progress", "已完成“两癌”检查", "兰山区.xlsx", "填报", "F7", "aa"),
    ]
    assert History(path).record(spec, rows, [], 2)
    with closing(sqlite3.connect(path)) as db:
        got = db.execute(
            "SELECT v.unit, v.item, v.field, v.value, v.cell, s.file FROM vals v JOIN sources s"
            " ON s.report = v.report AND s.period = v.period AND s.source = v.source ORDER BY 1, 2, 3"
        ).fetchall()
        stored = db.execute("SELECT unit, n FROM unitvals ORDER BY unit").fetchall()
    assert got == [
        ("LS", "T01", "done", "5", "D6", "兰山区.xlsx"),
        ("LS", "T02", "done", "3", "D7", "兰山区.xlsx"),
        ("LS", "T02", "progress", '"已完成“两癌”检查"', "F7", "兰山区.xlsx"),
        ("LZ", "T01", "done", "7.5", "D6", "罗庄区.xlsx"),
    ]
    assert stored == [("LS", 3), ("LZ", 1)]
    later = dataclasses.replace(spec, report=spec.report.model_copy(update={"period": "2099-12"}))
    view = History(path).view(later)
    assert view is not None and view.last("LS", "T02", "progress") == (spec.report.period, "已完成“两癌”检查")
