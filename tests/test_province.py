"""A province in one run: 明细 split over sheets past Excel's row limit, and 明细 as Parquet.

The row limit is ``consolidate.write.summary.EXCEL_ROWS``; lowered here, the demo's 61 records
split as a province's 1.2 million would (benchmarks/bench_merge.py -n 30000 runs the real size).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from consolidate.kinds.demo import DemoResult, build_demo
from consolidate.merge import MergeResult, merge_returns
from consolidate.read.ours import KIND_PARQUET, never_a_return, ours
from consolidate.spec import load_spec
from consolidate.write import summary as summary_module
from consolidate.write import summary_json, write_parquet, write_summary

from .conftest import write_spec
from .helpers import sheet_rows

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pc = pytest.importorskip("pyarrow.compute")

HEADER_ROWS = 3  # title, subtitle, header


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return build_demo(tmp_path_factory.mktemp("province") / "demo")


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_below_the_limit_the_summary_is_byte_for_byte_todays(
    demo: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = demo.result
    assert len(result.records) == 61
    default = write_summary(result, tmp_path / "default.xlsx")
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 61 + HEADER_ROWS)  # exactly full: one sheet still
    full = write_summary(result, tmp_path / "full.xlsx")
    assert _sha(full) == _sha(default)
    assert "明细" in openpyxl.load_workbook(full).sheetnames
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 61 + HEADER_ROWS - 1)  # one row short: split
    split = openpyxl.load_workbook(write_summary(result, tmp_path / "split.xlsx")).sheetnames
    assert [name for name in split if name.startswith("明细")] == ["明细1", "明细2"]


def test_detail_past_the_limit_is_split_over_sheets_of_whole_returns(
    demo: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = demo.result
    whole = _cells(write_summary(result, tmp_path / "whole.xlsx"))
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 30)
    path = write_summary(result, tmp_path / "split.xlsx")
    split = _cells(path)
    assert list(split) == [
        "汇总",
        "分单位",
        "趋势",
        "明细1",
        "明细2",
        "明细3",
        "报送情况",
        "校验问题",
        "说明",
        "_consolidate",
    ]
    parts = [split[f"明细{n}"] for n in (1, 2, 3)]
    assert [len(rows) for rows in parts] == [HEADER_ROWS + 24, HEADER_ROWS + 26, HEADER_ROWS + 11]
    assert all(len(rows) <= 30 for rows in parts)
    # Each sheet: the title naming it, the same subtitle and header as the single 明细.
    title, subtitle, header, *rows = whole["明细"]
    assert title[0] == "2020年民生实事工作8月份进展情况 — 明细"
    for n, part in enumerate(parts, start=1):
        assert part[0][0] == f"2020年民生实事工作8月份进展情况 — 明细{n}"
        assert part[1:3] == [subtitle, header]
    # The rows of the sheets one after the other are the single 明细's, cell by cell, and each
    # unit's rows are on one sheet.
    assert [row for part in parts for row in part[HEADER_ROWS:]] == rows
    units = [{row[0] for row in part[HEADER_ROWS:]} for part in parts]
    assert not (units[0] & units[1]) and not (units[1] & units[2])
    # Nothing else moves: every other sheet is the same, cell by cell, but 说明, which says so.
    for name in ("汇总", "分单位", "趋势", "报送情况", "校验问题", "_consolidate"):
        assert split[name] == whole[name], name
    about = split["说明"]
    added = [row for row in about if row not in whole["说明"]]
    assert added == [
        (
            "",
            "明细共 61 行，超过 Excel 一张工作表的行数上限（30 行，含表头），按单位顺序分在 3 张栏目相同的工作表中："
            "明细1、明细2、明细3。",
        ),
        ("明细1", "兰山区 至 兰陵县：第 1 至 24 条记录，共 24 行"),
        ("明细2", "沂水县 至 蒙阴县：第 25 至 50 条记录，共 26 行"),
        ("明细3", "莒南县 至 临沭县：第 51 至 61 条记录，共 11 行"),
    ]
    # After the notes on totals, before the list of input files.
    at = about.index(added[0])
    assert about[at - 2][1].startswith("完成率等计算栏只按") and about[at + len(added)] == ("", None)
    assert about[at - 1][1].startswith("上期累计、本期新增和环比只计本期和上期都有数的单位")
    # Each sheet has its own filter and frozen header.
    book = openpyxl.load_workbook(path)
    for n, part in enumerate(parts, start=1):
        ws = book[f"明细{n}"]
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref == f"A3:{ws.cell(3, len(header)).column_letter}{len(part)}"
    # The JSON keeps one detail table: it has no row limit.
    assert summary_json(result) == _json_unsplit(result, monkeypatch)


def _json_unsplit(result: MergeResult, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as m:
        m.setattr(summary_module, "EXCEL_ROWS", 1_048_576)
        return summary_json(result)


def test_a_cut_join_names_the_detail_sheets_its_entries_are_on(
    demo: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = merge_returns(demo.result.spec, [demo.returns], join_limit=40)
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 30)
    for lang, ending in (
        ("zh", "个单位的内容超出 Excel 单元格的长度上限，见「明细1」至「明细3」"),
        ("en", "more units' entries exceed the length limit of an Excel cell: see the sheets Detail1 to Detail3"),
    ):
        path = write_summary(result, tmp_path / f"{lang}.xlsx", lang)
        ws = openpyxl.load_workbook(path)["汇总" if lang == "zh" else "Summary"]
        header = [c.value for c in ws[HEADER_ROWS]]
        column = header.index("进展情况")  # the spec's label, in either language
        cut = [row[column] for row in ws.iter_rows(min_row=HEADER_ROWS + 1, values_only=True) if row[column]]
        noted = [text for text in cut if "\n" in text and text.rsplit("\n", 1)[1].startswith(("……另有", "..."))]
        assert noted and all(text.endswith(ending) for text in noted), noted
    # Unsplit, the note says 明细 as before.
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 1_048_576)
    ws = openpyxl.load_workbook(write_summary(result, tmp_path / "one.xlsx"))["汇总"]
    texts = [c.value for row in ws.iter_rows(min_row=HEADER_ROWS + 1) for c in row if isinstance(c.value, str)]
    assert any(text.endswith("个单位的内容超出 Excel 单元格的长度上限，见「明细」") for text in texts)


OPEN_SPEC = """\
version: 1
report: {id: open-list, title: 项目清单, period: 2025-Q1}
rows: open
max_rows: 100
units:
  - {code: A, name: 甲卫生院}
  - {code: B, name: 乙卫生院}
fields:
  - {id: name, label: 项目名称, type: text, required: true}
  - {id: amount, label: 金额, type: number, aggregate: sum}
  - {id: day, label: 日期, type: date}
"""


def _open_return(path: Path, unit: str, rows: int) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, ["填报单位", unit])
    sheet.write_row(1, 0, ["项目名称", "金额", "日期"])
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r in range(rows):
        sheet.write_string(r + 2, 0, f"{unit}项目{r + 1}")
        sheet.write_number(r + 2, 1, r + 1)
        sheet.write_datetime(r + 2, 2, dt.datetime(2025, 1, 1 + r % 28), date)
    book.close()


def test_a_return_longer_than_a_sheet_is_cut_across_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(write_spec(tmp_path / "spec", OPEN_SPEC))
    returns = tmp_path / "returns"
    returns.mkdir()
    _open_return(returns / "甲卫生院.xlsx", "甲卫生院", 10)
    _open_return(returns / "乙卫生院.xlsx", "乙卫生院", 60)
    result = merge_returns(spec, [returns])
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 30)  # 27 rows a sheet
    cells = _cells(write_summary(result, tmp_path / "s.xlsx"))
    parts = [cells[f"明细{n}"][HEADER_ROWS:] for n in (1, 2, 3)]
    # 甲's 10 rows, then 乙's 60: they do not fit beside 甲's, and are longer than a sheet.
    assert [len(rows) for rows in parts] == [10, 27, 27]
    assert len(cells["明细4"]) == HEADER_ROWS + 6 and "明细5" not in cells
    assert {row[0] for row in parts[0]} == {"A"} and {row[0] for row in parts[1]} == {"B"}
    assert [row[2] for row in parts[1][:2]] == ["乙卫生院项目1", "乙卫生院项目2"]
    assert [row for row in cells["说明"] if row[0] and str(row[0]).startswith("明细")] == [
        ("明细1", "甲卫生院 至 甲卫生院：第 1 至 10 条记录，共 10 行"),
        ("明细2", "乙卫生院 至 乙卫生院：第 11 至 37 条记录，共 27 行"),
        ("明细3", "乙卫生院 至 乙卫生院：第 38 至 64 条记录，共 27 行"),
        ("明细4", "乙卫生院 至 乙卫生院：第 65 至 70 条记录，共 6 行"),
    ]


# ---------------------------------------------------------------------------------------------
# 明细 as Parquet


def test_parquet_has_a_row_per_record_typed_columns_and_their_sources(demo: DemoResult, tmp_path: Path) -> None:
    result = demo.result
    path = write_parquet(result, tmp_path / "detail.parquet")
    table = pq.read_table(path)
    assert table.num_rows == len(result.records) == 61
    schema = table.schema
    assert [(f.name, str(f.type)) for f in schema] == [
        ("unit_code", "string"),
        ("unit_name", "string"),
        ("item", "string"),
        ("no", "string"),
        ("task", "string"),
        ("measure", "string"),
        ("target", "double"),
        ("done", "double"),
        ("rate", "double"),
        ("progress", "string"),
        ("status", "string"),
        ("file", "string"),
        ("sheet", "string"),
        ("row", "int64"),
        ("sha256", "string"),
    ]
    assert schema.field("done").metadata == {b"title": "累计完成".encode()}
    meta = schema.metadata
    assert meta[b"consolidate"] == b"consolidate parquet"
    assert (meta[b"report_id"], meta[b"period"], meta[b"records"]) == (b"livelihood-2020-08", b"2020-08", b"61")
    assert meta[b"spec_sha256"] == result.spec.sha256.encode()
    first = table.slice(0, 1).to_pylist()[0]
    record = result.records[0]
    hashes = {i.name: i.sha256 for i in result.inputs}
    assert first == {
        "unit_code": "LS",
        "unit_name": "兰山区",
        "item": "T01",
        **{key: record.values.get(key) for key in ("no", "task", "measure", "progress", "status")},
        "target": float(record.values["target"]),
        "done": float(record.values["done"]),
        "rate": record.values["rate"],
        "file": record.file,
        "sheet": "填报",
        "row": 6,
        "sha256": hashes[record.file],
    }
    assert first["no"] == "33"  # 序号 stays text
    # A rejected value is null, not 0.
    done = table.column("done").to_pylist()
    assert [v is None for v in done] == [r.values.get("done") is None for r in result.records]
    assert ours(path) is not None and ours(path).kind == KIND_PARQUET  # type: ignore[union-attr]
    assert never_a_return(path)


def test_summary_totals_equal_the_parquet_sums_per_item(demo: DemoResult, tmp_path: Path) -> None:
    result = demo.result
    table = pq.read_table(write_parquet(result, tmp_path / "detail.parquet"))
    sums = {row["item"]: row["done_sum"] for row in table.group_by("item").aggregate([("done", "sum")]).to_pylist()}
    # 汇总 as the workbook shows it: 累计完成 per item, found by its 序号.
    shown = sheet_rows(write_summary(result, tmp_path / "s.xlsx"), "汇总")
    item_of = {item.values["no"]: item.id for item in result.spec.items}
    by_item = {item_of[row["序号"]]: row["累计完成"] for row in shown if row["序号"] in item_of}
    assert len(by_item) == len(result.spec.items) == 7
    for item, done in by_item.items():
        assert sums.get(item) == pytest.approx(done, rel=1e-12), item
    # The county's total is left empty (the items count 人 and 处): the Parquet adds them anyway.
    assert result.totals["done"] is None
    assert pc.sum(table.column("done")).as_py() == pytest.approx(math.fsum(by_item.values()), rel=1e-12)


def test_dates_integers_and_yes_no_keep_their_types(tmp_path: Path) -> None:
    spec_text = OPEN_SPEC.replace(
        "  - {id: day, label: 日期, type: date}\n",
        "  - {id: day, label: 日期, type: date}\n"
        "  - {id: count, label: 人数, type: integer}\n"
        "  - {id: ok, label: 是否完成, type: bool}\n",
    )
    spec = load_spec(write_spec(tmp_path / "spec", spec_text))
    returns = tmp_path / "returns"
    returns.mkdir()
    book = xlsxwriter.Workbook(str(returns / "甲卫生院.xlsx"))
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, ["填报单位", "甲卫生院"])
    sheet.write_row(1, 0, ["项目名称", "金额", "日期", "人数", "是否完成"])
    sheet.write_row(2, 0, ["改造", 12.5, "2025年3月9日", 7, "是"])
    sheet.write_row(3, 0, ["新建", "", "", "", "否"])
    book.close()
    result = merge_returns(spec, [returns])
    table = pq.read_table(write_parquet(result, tmp_path / "d.parquet"))
    types = {f.name: str(f.type) for f in table.schema}
    assert (types["day"], types["count"], types["ok"], types["amount"]) == ("date32[day]", "int64", "bool", "double")
    assert table.select(["name", "amount", "day", "count", "ok"]).to_pylist() == [
        {"name": "改造", "amount": 12.5, "day": dt.date(2025, 3, 9), "count": 7, "ok": True},
        {"name": "新建", "amount": None, "day": None, "count": None, "ok": False},
    ]
    assert "item" not in types  # an open list has no items
    pandas = pytest.importorskip("pandas")
    made, read = result.to_frames().detail, result.to_frames(parquet=tmp_path / "d.parquet").detail
    pandas.testing.assert_frame_equal(read, made)
    assert pandas.api.types.is_datetime64_any_dtype(read["day"])  # as to_frames() makes dates
    assert [str(read[k].dtype) for k in ("count", "ok", "amount")] == ["Int64", "boolean", "Float64"]
    assert read["day"].iloc[0] == pandas.Timestamp(2025, 3, 9) and read["day"].isna().iloc[1]


def test_to_frames_reads_the_detail_from_the_parquet_file(demo: DemoResult, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    result = demo.result
    path = write_parquet(result, tmp_path / "detail.parquet")
    made = result.to_frames()
    read = result.to_frames(parquet=path)
    pandas.testing.assert_frame_equal(read.detail, made.detail)
    pandas.testing.assert_frame_equal(read.summary, made.summary)
    assert str(read.detail["no"].dtype) == "string" and str(read.detail["row"].dtype) == "Int64"
    assert list(read.detail.columns[-4:]) == ["file", "sheet", "row", "sha256"]


def test_to_frames_refuses_a_parquet_file_of_another_merge_or_not_ours(demo: DemoResult, tmp_path: Path) -> None:
    from consolidate.errors import InputError

    two = tmp_path / "two"
    two.mkdir()
    for path in sorted(demo.returns.glob("*.xlsx"))[:2]:
        shutil.copy2(path, two / path.name)
    other = merge_returns(demo.result.spec, [two])
    path = write_parquet(other, tmp_path / "other.parquet")
    with pytest.raises(InputError) as caught:
        demo.result.to_frames(parquet=path)
    assert str(caught.value) == (
        f"{path}：这个 Parquet 文件是另一次汇总写出的（livelihood-2020-08 2020-08, {len(other.records)} records），"
        "与这次汇总不符；用这次汇总的 merge --parquet 重新写出"
    )
    stranger = tmp_path / "stranger.parquet"
    pq.write_table(pa.table({"a": [1]}), stranger)
    with pytest.raises(InputError) as caught:
        demo.result.to_frames(parquet=stranger)
    assert str(caught.value) == f"{stranger}：不是本工具（merge --parquet）写出的 Parquet 文件"
    assert ours(stranger) is None


def test_without_pyarrow_the_message_names_the_extra(
    demo: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from consolidate.errors import InputError

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(InputError) as caught:
        write_parquet(demo.result, tmp_path / "d.parquet")
    assert (
        str(caught.value) == '写出或读取 Parquet 文件需要 pyarrow：pip install "consolidate[parquet]"，然后再运行一次'
    )
    assert (
        caught.value.render("en") == 'Parquet files need pyarrow: pip install "consolidate[parquet]", then run it again'
    )
    assert not (tmp_path / "d.parquet").exists()


# ---------------------------------------------------------------------------------------------
# Aggregation in bounded memory: a province's 30,000 units × 40 items


def _province_spec(units: int) -> Any:
    from consolidate.spec import spec_from_json

    spec = {
        "version": 1,
        "report": {"id": "province", "title": "全省民生实事", "period": "2020-08"},
        "units": [{"code": f"U{i:05d}", "name": f"第{i:05d}号卫生院"} for i in range(units)],
        "items": [
            {"id": f"T{r:02d}", "no": str(r + 1), "measure": "人处"[r % 2], "target": 100 + r} for r in range(40)
        ],
        "fields": [
            {"id": "no", "label": "序号", "type": "text", "source": "item"},
            {"id": "measure", "label": "计量单位", "type": "text", "source": "item", "aggregate": "first"},
            {"id": "target", "label": "年度目标", "type": "number", "source": "item", "aggregate": "sum"},
            {"id": "done", "label": "累计完成", "type": "number", "aggregate": "sum"},
            {"id": "rate", "label": "完成率", "type": "percent", "formula": "done / target"},
            {"id": "funds", "label": "到位资金", "type": "number", "unit": "万元", "aggregate": "sum"},
            {
                "id": "status",
                "label": "进度自评",
                "type": "choice",
                "choices": ["超前", "正常", "滞后"],
                "aggregate": "worst",
                "order": ["滞后", "正常", "超前"],
            },
        ],
    }
    return spec_from_json(json.dumps(spec, ensure_ascii=False))


def _province_records(spec: Any) -> list[Any]:
    from consolidate.check import Record

    out = []
    for u, unit in enumerate(spec.units):
        for r, item in enumerate(spec.items):
            done = (u * 7 + r * 13) % 150 + 0.25
            values = {"no": str(r + 1), "measure": item.values["measure"], "target": 100 + r, "done": done}
            values |= {
                "rate": done / (100 + r),
                "funds": (u + r) % 500 / 4,
                "status": ["超前", "正常", "滞后"][(u + r) % 3],
            }
            out.append(Record(unit.code, item.id, f"{unit.name}.xlsx", "填报", 6 + r, values))
    return out


def _aggregate_peak(units: int) -> tuple[int, Any, list[Any]]:
    import gc
    import tracemalloc

    from consolidate.check import RowChecker
    from consolidate.merge import aggregate

    spec = _province_spec(units)
    records = _province_records(spec)
    checker = RowChecker(spec)
    for unit in spec.units:  # the spec's own lookups (cached on it), not the aggregation's
        spec.items_for(unit.code)
    gc.collect()
    tracemalloc.start()
    try:
        figures = aggregate(spec, records, checker)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, figures, records


def test_aggregation_memory_does_not_grow_by_the_values_it_adds() -> None:
    """Each figure used to hold every value it summed, each item a set of the units heard from
    and each unit a set of its items and a tuple per item: 16.8 KB more at the peak for each unit
    of 40 items (half a gigabyte for a province of 30,000). Now a few floats per sum: 5.7 KB."""
    small, _, _ = _aggregate_peak(500)
    large, figures, records = _aggregate_peak(1500)
    per_unit = (large - small) / 1000
    assert per_unit < 8_000, f"{per_unit:.0f} bytes a unit"
    # And not a figure moves: every sum is math.fsum of its values, exactly.
    for row in figures.rows:
        mine = [r.values["done"] for r in records if r.item_id == row.key]
        assert row.values["done"] == math.fsum(mine)
        assert row.reported_units == row.expected_units == 1500
    funds = math.fsum(r.values["funds"] for r in records)
    assert figures.total.values["funds"] == funds
    first = figures.units[0]
    assert first.values["done"] is None and first.unlike["done"] == ("人", "处")  # not added up
    assert first.values["funds"] == math.fsum(r.values["funds"] for r in records[:40])
    # The ranking: each unit's mean of its items' rates (人 and 处 are not added up), best first.
    best = figures.ranking[0]
    own = [r.values["done"] / r.values["target"] for r in records if r.unit_code == best.unit_code]
    assert best.averaged and best.rate == math.fsum(own) / 40
    assert len(figures.ranking) == 1500 and all(a.rate >= b.rate for a, b in itertools.pairwise(figures.ranking))


def test_an_exact_sum_is_fsum_of_every_value_in_any_order() -> None:
    import random

    from consolidate.merge.aggregate import ExactSum

    rng = random.Random(25)
    for trial in range(200):
        n = rng.choice([0, 1, 255, 256, 257, 3000])
        values = [
            rng.choice([rng.uniform(-1e6, 1e6), 1e16, -1e16, 1.0, 1e-9, rng.gauss(0, 1) * 10 ** rng.randint(-30, 30)])
            for _ in range(n)
        ]
        whole, part = ExactSum(), ExactSum()
        for i, value in enumerate(values):
            (whole if i % 3 else part).add(value)
        whole.extend(part)
        assert whole.count == n
        assert whole.total() == math.fsum(values), trial
        assert len(whole.buffer) + len(whole.partials) < ExactSum.FOLD + 64  # a few floats, not n
    inf = ExactSum()
    for value in [1.0, math.inf, 2.0] * 100:
        inf.add(value)
    assert inf.total() == math.inf


def test_detail_split_over_sheets_gives_the_same_bytes_on_two_processes(
    demo: DemoResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each 明细 sheet's rows left to a forked child in turn (the one before is put in place
    # before the next is forked, for the shared strings' numbers), as a province's are.
    import os

    from consolidate.write import RowOptions, rows

    result = demo.result
    monkeypatch.setattr(summary_module, "EXCEL_ROWS", 30)
    one = write_summary(result, tmp_path / "one.xlsx").read_bytes()
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    real_in_child = rows._in_child
    parts: list[int] = []
    monkeypatch.setattr(rows, "_in_child", lambda *a: parts.append(1) or real_in_child(*a))
    two = write_summary(result, tmp_path / "two.xlsx", parallel=True, rows=RowOptions(split_from=2)).read_bytes()
    sheets = [n for n in openpyxl.load_workbook(tmp_path / "two.xlsx").sheetnames if n.startswith("明细")]
    assert len(sheets) >= 3 and len(parts) == len(sheets)  # every 明细 sheet by a child
    assert len(forks) == len(sheets) + 1  # and the hidden data by one more
    assert two == one


@pytest.mark.parametrize(("rows_a", "split"), [(2_000, True), (1_999, False)])
def test_a_detail_of_4000_rows_is_rendered_by_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_a: int, split: bool
) -> None:
    # The CLI's options (parallel): 明细 of 100 returns of 40 rows is split, one row fewer is not;
    # either way every part of the workbook inflates to what one process writes.
    import zipfile

    from consolidate.write import rows

    spec = load_spec(write_spec(tmp_path / "spec", OPEN_SPEC.replace("max_rows: 100", "max_rows: 5000")))
    returns = tmp_path / "returns"
    returns.mkdir()
    _open_return(returns / "甲卫生院.xlsx", "甲卫生院", rows_a)
    _open_return(returns / "乙卫生院.xlsx", "乙卫生院", 2_000)
    result = merge_returns(spec, [returns])
    assert len(result.records) == rows_a + 2_000
    one = write_summary(result, tmp_path / "one.xlsx")
    parts: list[int] = []
    real_in_child = rows._in_child
    monkeypatch.setattr(rows, "_in_child", lambda *a: parts.append(1) or real_in_child(*a))
    two = write_summary(result, tmp_path / "two.xlsx", parallel=True)
    assert len(parts) == (1 if split else 0)
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(two) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(name) == b.read(name) for name in a.namelist())
