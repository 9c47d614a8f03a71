"""A county's work points end to end through the CLI, checked against sums computed here.

13 units, 19 tasks shared between units with per-unit targets (from an items table with one
column per unit), templates filled as units would, one unit missing, one required cell empty.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first

from .helpers import sheet_rows

UNITS = [
    (f"D{i:02d}", name)
    for i, name in enumerate(
        [
            "办公室",
            "医政医管科",
            "基层卫生科",
            "疾病预防控制科",
            "规划信息科",
            "中医科",
            "老龄健康科",
            "妇幼健康科",
            "玉环市人民医院",
            "玉环市中医院",
            "龙溪镇卫生院",
            "坎门中心卫生院",
            "楚门镇卫生院",
        ],
        start=1,
    )
]
SPEC = """\
version: 1
report: {id: county-work-2025q2, title: 2025年第二季度重点工作进展, issuer: 玉环市卫生健康局, period: 2025-Q2,
         deadline: 2025-07-10}
units: units.csv
items: items.csv
fields:
  - {id: no, label: 序号, source: item}
  - {id: task, label: 工作任务, source: item}
  - {id: target, label: 目标数, type: number, source: item, aggregate: sum}
  - {id: done, label: 完成数, type: number, required: true, min: 0}
  - {id: rate, label: 完成率, type: percent, formula: "done / target"}
  - {id: note, label: 进展说明, required: true}
  - {id: status, label: 自评, type: choice, choices: [超前, 正常, 滞后], required: true, order: [滞后, 正常, 超前]}
"""


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_county_scenario(tmp_path: Path) -> None:
    rng = random.Random(7)
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    (spec_dir / "report.yaml").write_text(SPEC, encoding="utf-8")
    with open(spec_dir / "units.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("code", "name"), *UNITS])
    targets: dict[str, dict[str, int]] = {}
    with open(spec_dir / "items.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "序号", "工作任务", *[name for _, name in UNITS]])
        for t in range(19):
            codes = [code for code, _ in UNITS]
            carriers = sorted({codes[t % 13], codes[(t * 7 + 3) % 13], *rng.sample(codes, rng.randint(0, 2))})
            targets[f"T{t + 1:02d}"] = {c: rng.randint(5, 500) for c in carriers}
            row = [targets[f"T{t + 1:02d}"].get(code, "") for code, _ in UNITS]
            writer.writerow([f"T{t + 1:02d}", str(t + 1), f"重点工作任务{t + 1}", *row])
    assert all(any(code in by_unit for by_unit in targets.values()) for code, _ in UNITS)
    assert run("check", spec_dir)[0] == 0
    assert run("templates", spec_dir / "report.yaml", "-o", tmp_path / "t")[0] == 0
    returns = tmp_path / "returns"
    returns.mkdir()
    missing, blank_unit = "D13", "D04"
    done: dict[tuple[str, str], int] = {}
    status: dict[tuple[str, str], str] = {}
    blank_cell = ""
    for path in sorted((tmp_path / "t").iterdir()):
        book = openpyxl.load_workbook(path)
        meta = {r[0].value: r[1].value for r in book["_consolidate"].iter_rows(max_col=2)}
        code = meta["unit_code"]
        if code == missing:
            continue
        ws = book["填报"]
        for r in range(6, ws.max_row + 1):
            item = next(
                i
                for i, by_unit in targets.items()
                if ws[f"C{r}"].value == by_unit.get(code) and ws[f"B{r}"].value == f"重点工作任务{int(i[1:])}"
            )
            done[(code, item)] = rng.randint(0, 600)
            status[(code, item)] = rng.choice(["超前", "正常", "滞后"])
            ws[f"D{r}"] = done[(code, item)]
            ws[f"G{r}"] = status[(code, item)]
            if code == blank_unit and not blank_cell:
                blank_cell = f"F{r}"  # the unit forgot this one
            else:
                ws[f"F{r}"] = "按计划推进"
        book.save(returns / path.name)
    code, _ = run("merge", returns, "-o", tmp_path / "s.xlsx", "--json", tmp_path / "s.json", "-q")
    assert code == 1
    data = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    rows = {r["no"]: r for r in data["summary"]["rows"]}
    order = ["滞后", "正常", "超前"]
    for item, by_unit in targets.items():
        reported = [c for c in by_unit if c != missing]
        row = rows[str(int(item[1:]))]
        # The county's target is the spec's, whoever returned; the rate rests on complete pairs.
        assert row["target"] == sum(by_unit.values())
        assert row["done"] == sum(done[(c, item)] for c in reported)
        pairs_target = sum(by_unit[c] for c in reported)
        assert row["rate"] == pytest.approx(row["done"] / pairs_target if pairs_target else None)
        assert row["status"] == min((status[(c, item)] for c in reported), key=order.index)
        assert (row["expected_units"], row["reported_units"]) == (len(by_unit), len(reported))
    totals = data["summary"]["totals"]
    assert totals["done"] == sum(done.values())
    assert totals["target"] == sum(t for by in targets.values() for t in by.values())
    assert len(data["detail"]["rows"]) == len(done)
    assert [(i["code"], i["unit"], i["cell"]) for i in data["issues_raw"] if i["level"] == "error"] == [
        ("E-REQUIRED", blank_unit, blank_cell)
    ]
    assert [r["unit_code"] for r in data["submissions"]["rows"] if r["status"] == "未报送"] == [missing]
    assert len(sheet_rows(tmp_path / "s.xlsx", "汇总")) == 19 + 1
