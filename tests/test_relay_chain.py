"""Up and down the chain (issue 21): the city (临沂市, seed 004: its monthly 民生实事 report over 13
counties) sends each county a template; 沂水县 relays it to five 卫生院 with its 目标分解表, merges
what they return, fills the city's template, and the city merges that with the other 12 counties'.
The city's row for 沂水县 must be the sum of its townships, field by field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds import init_report
from consolidate.merge import merge_returns
from consolidate.relay import relay_report, working_days_before
from consolidate.spec import load_spec
from consolidate.write import write_templates

runner = CliRunner()

TOWNSHIPS = [
    ("YC", "沂城街道卫生院", "张丽", "0539-2251001"),
    ("XJ", "许家湖镇卫生院", "李强", "0539-2251002"),
    ("HS", "黄山铺镇卫生院", "王芳", "0539-2251003"),
    ("ZG", "诸葛镇卫生院", "赵伟", "0539-2251004"),
    ("CJ", "崔家峪镇卫生院", "孙敏", "0539-2251005"),
]
# 沂水县's share of the city's targets (templates/livelihood/items.csv, from seed 004), broken down.
BREAKDOWN = {
    "33": ("2020年为全市40万适龄妇女进行“两癌”检查", "人", 39800, [10000, 8000, 7800, 7000, 7000]),
    "34.1": ("村卫生室达到市级示范标准以上", "处", 10, [2, 2, 2, 2, 2]),
    "34.2": ("村卫生室达到县级示范标准", "处", 21, [5, 4, 4, 4, 4]),
    "38.1": ("改扩建精神卫生机构", "家", 1, [1, None, None, None, None]),
    "38.2": ("增加精神科用房", "平方米", 2500, [800, 500, 400, 400, 400]),
    "38.3": ("增加精神科床位", "张", 120, [40, 20, 20, 20, 20]),
    "39": ("增加精神科医师", "名", 1, [1, None, None, None, None]),
}
# What the townships report: seed 004's wording, their own numbers.
PROGRESS = "①按照省方案组织培训，掌握检查办法及操作规程；②“两癌”检查按照预约原则有序推进"
STATUS = ["正常", "超前", "滞后", "正常", "超前"]


def run(*args: Any) -> tuple[int, str]:
    result = runner.invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def write_units(path: Path) -> Path:
    lines = ["编码,名称,联系人,联系电话"] + [",".join(t) for t in TOWNSHIPS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_breakdown(path: Path, rows: dict[str, tuple[str, str, int, list[int | None]]] = BREAKDOWN) -> Path:
    """The 目标分解表 as a clerk makes it: a title, a merged 目标分解 over one column per 卫生院."""
    book = openpyxl.Workbook()
    sheet = book.active
    names = [t[1] for t in TOWNSHIPS]
    last = 4 + len(names)
    sheet.append(["沂水县2020年民生实事目标任务分解表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.append(["序号", "民生实事项目", "计量单位", "年度目标", "目标分解", *[None] * (len(names) - 1)])
    sheet.append([None] * 4 + names)
    sheet.merge_cells(start_row=2, start_column=5, end_row=2, end_column=last)
    for c in range(1, 5):
        sheet.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    for no, (task, measure, total, parts) in rows.items():
        sheet.append([no, task, measure, total, *parts])
    book.save(path)
    return path


def _style(cell: Any) -> tuple[Any, ...]:
    """A cell's look and protection (style ids are renumbered when a workbook is saved again)."""
    return (
        cell.number_format,
        cell.protection.locked,
        cell.fill.fgColor.rgb,
        cell.font.b,
        cell.font.name,
        cell.border.left.style,
        cell.alignment.wrap_text,
    )


def meta_of(path: Path) -> dict[str, str]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_consolidate").to_python()
    return {str(r[0]): str(r[1]) for r in rows if r[0] != "spec_json_z"}


def fill_form(path: Path, target: Path, done: dict[str, float], status: str, progress: str) -> None:
    """A unit's return typed with openpyxl into its template (累计完成, 进展情况, 进度自评)."""
    meta = meta_of(path)
    letters = {fid: letter for letter, fid in json.loads(meta["columns"]).items()}
    book = openpyxl.load_workbook(path)
    sheet = book[meta["data_sheet"]]
    for row, item in json.loads(meta["rows"]):
        sheet[f"{letters['done']}{row}"] = done[item]
        sheet[f"{letters['progress']}{row}"] = progress
        sheet[f"{letters['status']}{row}"] = status
    book.save(target)


@pytest.fixture
def city(tmp_path: Path) -> dict[str, Any]:
    """The city's report (the livelihood kind: seed 004, 13 counties) and its templates."""
    made = init_report(tmp_path / "city", "livelihood")
    spec = load_spec(made.path)
    templates = write_templates(spec, tmp_path / "city-templates")
    by_code = {u.code: p for u, p in zip(spec.units, templates, strict=True)}
    return {"spec": spec, "path": made.path, "templates": by_code}


def township_done(spec_items: list[Any], n: int) -> dict[str, float]:
    return {item: (n + 1) * 100 + i for i, item in enumerate(spec_items)}


def test_relay_makes_the_county_report(city: dict[str, Any], tmp_path: Path) -> None:
    template = city["templates"]["YS"]
    code, out = run(
        "relay",
        template,
        "-o",
        tmp_path / "ys",
        "--units",
        write_units(tmp_path / "units.csv"),
        "--targets",
        write_breakdown(tmp_path / "分解.xlsx"),
        "--issuer",
        "沂水县卫生健康局",
    )
    assert code == 0, out
    assert "截止日期：2020-08-26（市里的截止日期 2020-08-31 之前 3 个工作日；可用 --deadline 指定）" in out
    assert "发文单位：沂水县卫生健康局（取自 --issuer）" in out
    assert "已生成本县的报表定义" in out and "7 个事项、5 个单位" in out
    spec = load_spec(tmp_path / "ys" / "report.xlsx")
    assert [u.name for u in spec.units] == [t[1] for t in TOWNSHIPS]
    assert spec.report.period == "2020-08"
    assert spec.report.issuer == "沂水县卫生健康局"
    city_spec = city["spec"]
    assert [f.model_dump() for f in spec.fields] == [f.model_dump() for f in city_spec.fields]
    assert [r.model_dump() for r in spec.rules] == [r.model_dump() for r in city_spec.rules]
    first = spec.item_map["T01"]
    assert first.values["target"] == 39800  # the city's target for 沂水县
    assert dict(first.per_unit["target"]) == {"YC": 10000, "XJ": 8000, "HS": 7800, "ZG": 7000, "CJ": 7000}
    assert spec.item_map["T04"].units == ("YC",)
    up = spec.upstream
    assert up is not None
    assert (up.report_id, up.period, up.unit_code, up.unit_name) == ("livelihood-2020-08", "2020-08", "YS", "沂水县")
    assert (up.contact, up.phone) == ("赵红霞", "0539-83110006")


def test_a_breakdown_that_does_not_add_up_is_a_warning_naming_the_item(city: dict[str, Any], tmp_path: Path) -> None:
    rows = dict(BREAKDOWN)
    rows["34.2"] = ("村卫生室达到县级示范标准", "处", 21, [5, 4, 4, 4, 3])
    code, out = run(
        "relay",
        city["templates"]["YS"],
        "-o",
        tmp_path / "ys",
        "--units",
        write_units(tmp_path / "units.csv"),
        "--targets",
        write_breakdown(tmp_path / "分解.xlsx", rows),
    )
    assert code == 0, out
    assert (
        "“实施村卫生室标准化建设引领提升工程，2020年底前村卫生室达到县级示范标准”：各单位年度目标之和 20 与市里下达的"
        "年度目标 21 不一致。请核对目标分解表" in out
    )


def test_without_a_breakdown_no_unit_is_given_the_countys_target(city: dict[str, Any], tmp_path: Path) -> None:
    # The county's 39,800 is not each township's: in every template it would be added up five
    # times in the county's 汇总 (199,000). Left empty, and said so; the city's figures are untouched.
    rows = {k: v for k, v in BREAKDOWN.items() if k != "33"}
    code, out = run(
        "relay",
        city["templates"]["YS"],
        "-o",
        tmp_path / "ys",
        "--units",
        write_units(tmp_path / "units.csv"),
        "--targets",
        write_breakdown(tmp_path / "分解.xlsx", rows),
    )
    assert code == 0, out
    assert "目标分解表中没有这一事项，各单位模板的年度目标空着" in out
    spec_path = tmp_path / "ys" / "report.xlsx"
    spec = load_spec(spec_path)
    first = spec.item_map["T01"]
    assert "target" not in first.values and not first.per_unit.get("target")
    assert spec.item_map["T02"].per_unit["target"] == {"YC": 2, "XJ": 2, "HS": 2, "ZG": 2, "CJ": 2}
    returns, typed = _township_returns(spec_path, tmp_path)
    result = merge_returns(spec, [returns])
    row = next(r for r in result.figures.rows if r.key == "T01")
    assert row.values["target"] is None and row.values["rate"] is None
    assert row.values["done"] == sum(done["T01"] for done in typed.values())
    assert next(r for r in result.figures.rows if r.key == "T02").values["target"] == 10


def test_working_days() -> None:
    import datetime as dt

    assert working_days_before(dt.date(2020, 8, 31), 3) == dt.date(2020, 8, 26)  # a Monday
    assert working_days_before(dt.date(2020, 9, 2), 3) == dt.date(2020, 8, 28)  # over a weekend


def _relayed(city: dict[str, Any], tmp_path: Path) -> Path:
    result = relay_report(
        city["templates"]["YS"],
        tmp_path / "ys",
        units=write_units(tmp_path / "units.csv"),
        targets=write_breakdown(tmp_path / "分解.xlsx"),
    )
    return result.path


def _township_returns(spec_path: Path, tmp_path: Path, skip: str = "") -> tuple[Path, dict[str, dict[str, float]]]:
    spec = load_spec(spec_path)
    templates = write_templates(spec, tmp_path / "ys-templates")
    returns = tmp_path / "ys-returns"
    returns.mkdir()
    typed: dict[str, dict[str, float]] = {}
    for n, (unit, path) in enumerate(zip(spec.units, templates, strict=True)):
        if unit.code == skip:
            continue
        items = [i.id for i in spec.items_for(unit.code)]
        typed[unit.code] = township_done(items, n)
        fill_form(path, returns / path.name, typed[unit.code], STATUS[n], f"{PROGRESS}（{unit.name}）")
    return returns, typed


def _other_counties(city: dict[str, Any], folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    spec = city["spec"]
    for n, (code, path) in enumerate(city["templates"].items()):
        if code == "YS":
            continue
        items = [i.id for i in spec.items_for(code)]
        fill_form(path, folder / path.name, {i: 10 * n + k for k, i in enumerate(items)}, "正常", "进展顺利")


def test_fill_writes_the_county_totals_and_the_city_accepts_them(city: dict[str, Any], tmp_path: Path) -> None:
    spec_path = _relayed(city, tmp_path)
    returns, typed = _township_returns(spec_path, tmp_path)
    template = city["templates"]["YS"]
    to_city = tmp_path / "city-returns"
    _other_counties(city, to_city)
    filled = to_city / "沂水县报市.xlsx"
    code, out = run("fill", template, returns, "-s", spec_path, "-o", filled)
    assert code == 0, out
    assert f"已把本县的数据填入市里的模板：{filled}" in out
    # The city's merge: a valid return of 沂水县, no errors, its numbers the townships' sums.
    result = merge_returns(city["spec"], [to_city])
    assert [i for i in result.issues if i.unit == "YS" and i.level.value == "error"] == []
    assert result.returns["YS"].book.name.endswith("沂水县报市.xlsx")
    county = {r.item_id: r.values for r in result.records_of("YS")}
    for item in city["spec"].items_for("YS"):
        expected = sum(done[item.id] for done in typed.values() if item.id in done)
        assert county[item.id]["done"] == expected, item.id
        given = [STATUS[n] for n, (code, *_) in enumerate(TOWNSHIPS) if item.id in typed.get(code, {})]
        worst = next(s for s in ("滞后", "正常", "超前") if s in given)
        assert county[item.id]["status"] == worst  # the worst of the townships'
        assert county[item.id]["progress"].startswith("进展情况：累计完成")
        assert f"【沂城街道卫生院】{PROGRESS}（沂城街道卫生院）" in county[item.id]["progress"]
    # The county's own 汇总 says the same.
    own = merge_returns(load_spec(spec_path), [returns])
    assert {r.key: r.values["done"] for r in own.figures.rows} == {k: v["done"] for k, v in county.items()}
    # Nothing else of the template changed: sheets, protection, validation, the hidden spec.
    before, after = openpyxl.load_workbook(template), openpyxl.load_workbook(filled)
    assert before.sheetnames == after.sheetnames
    assert after["_consolidate"].sheet_state == "veryHidden"
    for name in before.sheetnames:
        a, b = before[name], after[name]
        assert a.protection.sheet == b.protection.sheet
        assert [str(v.sqref) for v in a.data_validations.dataValidation] == [
            str(v.sqref) for v in b.data_validations.dataValidation
        ]
        changed = {
            c.coordinate
            for row in b.iter_rows()
            for c in row
            # An empty text cell is written as no cell at all: both read as blank.
            if (c.value or None) != (a[c.coordinate].value or None) or _style(c) != _style(a[c.coordinate])
        }
        if name == "填报":
            assert changed <= {f"{col}{r}" for col in "EGH" for r in range(6, 13)}
        else:
            assert changed == set(), name
    assert after["填报"]["F6"].value == before["填报"]["F6"].value  # the template's own formula
    # fill again: its own file is replaced; a file it did not write never is.
    assert run("fill", template, returns, "-s", spec_path, "-o", filled)[0] == 0
    stranger = tmp_path / "别人的.xlsx"
    shutil.copy(template, stranger)
    code, out = run("fill", template, returns, "-s", spec_path, "-o", stranger)
    assert code == 2
    assert f"{stranger} 已经存在，不是 consolidate fill 写的（或写后有人改过），没有覆盖" in out


def test_missing_townships_are_marked_and_fill_exits_1(city: dict[str, Any], tmp_path: Path) -> None:
    spec_path = _relayed(city, tmp_path)
    returns, _ = _township_returns(spec_path, tmp_path, skip="HS")
    filled = tmp_path / "沂水县报市.xlsx"
    code, out = run("fill", city["templates"]["YS"], returns, "-s", spec_path, "-o", filled)
    assert code == 1, out
    assert "注意：数据不完整，未报送：黄山铺镇卫生院；已在 E6、E7、E8、E10、E11 中注明。核实后再报送市里" in out
    sheet = openpyxl.load_workbook(filled)["填报"]
    assert sheet["E6"].comment.text == "未计入：黄山铺镇卫生院（未报送）"
    assert sheet["E9"].comment is None  # 38.1 is 沂城街道卫生院's alone


def test_a_template_of_another_county_or_period_is_refused(city: dict[str, Any], tmp_path: Path) -> None:
    spec_path = _relayed(city, tmp_path)
    returns, _ = _township_returns(spec_path, tmp_path)
    code, out = run("fill", city["templates"]["LS"], returns, "-s", spec_path, "-o", tmp_path / "x.xlsx")
    assert code == 2
    assert "不是本县要填报的市里模板：它是“2020年民生实事工作8月份进展情况”（报告期 2020-08，单位 兰山区）" in out
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.libreoffice
def test_the_chain_end_to_end(city: dict[str, Any], tmp_path: Path) -> None:
    """city → templates → 沂水县 relays to 5 townships → they fill (one in LibreOffice) → the county
    merges with --fill → the city merges 12 counties and 沂水县: its row is its townships' sum."""
    from .test_libreoffice import LibreOffice, _uno_python

    spec_path = _relayed(city, tmp_path)
    returns, typed = _township_returns(spec_path, tmp_path, skip="CJ")
    spec = load_spec(spec_path)
    template = next((tmp_path / "ys-templates").glob("*崔家峪镇卫生院.xlsx"))
    meta = meta_of(template)
    letters = {fid: letter for letter, fid in json.loads(meta["columns"]).items()}
    cells: dict[str, str] = {"B3": "孙敏", "D3": "0539-2251005"}
    typed["CJ"] = {}
    for row, item in json.loads(meta["rows"]):
        typed["CJ"][item] = 7 + row
        cells[f"{letters['done']}{row}"] = str(7 + row)
        cells[f"{letters['progress']}{row}"] = "按计划推进"
        cells[f"{letters['status']}{row}"] = "正常"
    office = LibreOffice(_uno_python())
    try:
        office.fill(template, cells, returns / template.name)
    finally:
        office.stop()
    to_city = tmp_path / "city-returns"
    _other_counties(city, to_city)
    filled = to_city / "沂水县.xlsx"
    code, out = run(
        "merge",
        returns,
        "-s",
        spec_path,
        "-o",
        tmp_path / "汇总.xlsx",
        "--fill",
        city["templates"]["YS"],
        "--fill-out",
        filled,
    )
    assert code == 0, out
    result = merge_returns(city["spec"], [to_city])
    assert result.exit_code == 0
    assert len(result.returns) == 13
    rows = {r.item_id: r.values for r in result.records_of("YS")}
    for item in spec.items:
        assert rows[item.id]["done"] == sum(d[item.id] for d in typed.values() if item.id in d), item.id
    county = merge_returns(spec, [returns])
    assert {r.key: r.values["done"] for r in county.figures.rows} == {k: v["done"] for k, v in rows.items()}


def write_plain_city_form(path: Path, spec: Any, county: str) -> Path:
    """A city's form made by hand (no _consolidate sheet): title, 填报单位, the header, its items."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "8月进展"
    sheet.append(["2020年民生实事工作8月份进展情况"])
    sheet.merge_cells("A1:H1")
    sheet.append([f"填报单位：{spec.unit_map[county].name}", None, "联系人", None, "联系电话", None])
    sheet.append(["序号", "民生实事项目", "计量单位", "年度目标", "累计完成", "完成率", "进展情况", "进度自评"])
    for item in spec.items_for(county):
        v = item.values_for(county)
        sheet.append([v["no"], v["task"], v["measure"], v["target"], None, None, None, None])
    book.save(path)
    return path


def test_the_chain_with_a_city_form_made_by_hand(city: dict[str, Any], tmp_path: Path) -> None:
    form = write_plain_city_form(tmp_path / "市里的表_沂水县.xlsx", city["spec"], "YS")
    code, out = run(
        "relay",
        form,
        "-o",
        tmp_path / "ys",
        "--units",
        write_units(tmp_path / "units.csv"),
        "--targets",
        write_breakdown(tmp_path / "分解.xlsx"),
    )
    assert code == 0, out
    spec_path = tmp_path / "ys" / "report.xlsx"
    spec = load_spec(spec_path)
    up = spec.upstream
    assert up is not None
    assert (up.sheet, up.header_row, up.unit_name) == ("8月进展", 3, "沂水县")
    assert up.columns == {
        "no": "A",
        "task": "B",
        "measure": "C",
        "target": "D",
        "done": "E",
        "rate": "F",
        "progress": "G",
        "status": "H",
    }
    assert up.rows == {f"T{n:02d}": 3 + n for n in range(1, 8)}
    assert up.cells == {"unit": "A2", "contact": "D2", "phone": "F2"}
    assert dict(spec.item_map["T01"].per_unit["target"]) == {
        "YC": 10000,
        "XJ": 8000,
        "HS": 7800,
        "ZG": 7000,
        "CJ": 7000,
    }
    returns, typed = _township_returns(spec_path, tmp_path)
    to_city = tmp_path / "city-returns"
    _other_counties(city, to_city)
    filled = to_city / "沂水县.xlsx"
    code, out = run("fill", form, returns, "-s", spec_path, "-o", filled)
    assert code == 0, out
    sheet = openpyxl.load_workbook(filled)["8月进展"]
    assert sheet["A2"].value == "填报单位：沂水县"
    assert sheet["E4"].value == sum(d["T01"] for d in typed.values())
    # The city merges it as a return without metadata: found by its headers and 填报单位.
    result = merge_returns(city["spec"], [to_city])
    assert [i for i in result.issues if i.unit == "YS" and i.level.value == "error"] == []
    rows = {r.item_id: r.values for r in result.records_of("YS")}
    for item in spec.items:
        city_item = next(i for i in city["spec"].items_for("YS") if i.values["no"] == item.values["no"])
        assert rows[city_item.id]["done"] == sum(d[item.id] for d in typed.values() if item.id in d), item.id


def test_relay_again_for_the_next_period_keeps_units_targets_and_history(city: dict[str, Any], tmp_path: Path) -> None:
    spec_path = _relayed(city, tmp_path)
    returns, _ = _township_returns(spec_path, tmp_path)
    assert run("merge", returns, "-s", spec_path, "-o", tmp_path / "汇总.xlsx")[0] == 0
    history = spec_path.parent / "history.sqlite"
    assert history.is_file()
    # The city moves to September and sends new templates.
    shutil.copytree(city["path"].parent, tmp_path / "city9")
    assert run("next", tmp_path / "city9" / "report.xlsx")[0] == 0
    september = load_spec(tmp_path / "city9" / "report.xlsx")
    new = write_templates(september, tmp_path / "city9-templates", units=["YS"])[0]
    code, out = run("relay", new, "-o", spec_path.parent, "-s", spec_path)
    assert code == 0, out
    assert f"下属单位数：5（取自上一期的报表定义 {spec_path}）" in out
    assert f"有目标分解的事项数：7（取自上一期的报表定义 {spec_path}）" in out
    moved = load_spec(spec_path)
    assert moved.report.period == "2020-09"
    assert moved.report.id == "livelihood-2020-08-ys"  # the county's report id stays: its history goes on
    assert len(list(spec_path.parent.glob("report.xlsx.*.bak"))) == 1
    assert [u.code for u in moved.units] == [t[0] for t in TOWNSHIPS]
    assert dict(moved.item_map["T01"].per_unit["target"]) == {
        "YC": 10000,
        "XJ": 8000,
        "HS": 7800,
        "ZG": 7000,
        "CJ": 7000,
    }
    assert moved.upstream is not None and moved.upstream.period == "2020-09"
    assert history.is_file()
    # The townships' September templates carry August as 上期.
    code, out = run("templates", spec_path, "-o", tmp_path / "ys9")
    assert code == 0, out
    sheet = openpyxl.load_workbook(next((tmp_path / "ys9").glob("*沂城街道卫生院.xlsx")))["填报"]
    assert "上期" in str(sheet["E5"].value)


def test_relay_again_before_the_merge_is_refused_until_skip(city: dict[str, Any], tmp_path: Path) -> None:
    """September's template relayed while August's returns were never merged: August would never
    be recorded, and September's 上期 would be July's. As ``next``, relay says so and stops."""
    spec_path = _relayed(city, tmp_path)
    returns, _ = _township_returns(spec_path, tmp_path)
    assert run("merge", returns, "-s", spec_path, "-o", tmp_path / "汇总.xlsx")[0] == 0
    shutil.copytree(city["path"].parent, tmp_path / "city9")
    assert run("next", tmp_path / "city9" / "report.xlsx")[0] == 0
    september = load_spec(tmp_path / "city9" / "report.xlsx")
    new = write_templates(september, tmp_path / "city9-templates", units=["YS"])[0]
    assert run("relay", new, "-o", spec_path.parent, "-s", spec_path)[0] == 0  # August merged: on to September
    shutil.copytree(tmp_path / "city9", tmp_path / "city10")
    assert run("next", tmp_path / "city10" / "report.xlsx", "--skip")[0] == 0
    october = write_templates(load_spec(tmp_path / "city10" / "report.xlsx"), tmp_path / "city10-t", units=["YS"])[0]
    before = spec_path.read_bytes()
    code, out = run("relay", october, "-o", spec_path.parent, "-s", spec_path)  # September never merged
    assert code == 2
    assert "本期 2020-09 还没有汇总" in out and "最近的一期是 2020-08" in out and "--skip" in out
    assert spec_path.read_bytes() == before
    code, out = run("relay", october, "-o", spec_path.parent, "-s", spec_path, "--skip")
    assert code == 0, out
    assert load_spec(spec_path).report.period == "2020-10"
