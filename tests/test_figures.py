"""Numbers a leader can trust: rates over complete pairs, partial figures marked, no sums of
unlike things (issue 12, items 1 and 2)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consolidate.errors import SpecError
from consolidate.merge import MergeResult, merge_returns
from consolidate.merge.aggregate import Accumulator, Pairs
from consolidate.spec import Spec, load_spec, parse_spec
from consolidate.write import write_json, write_summary

from .conftest import SPEC_YAML, write_spec
from .helpers import cell_of, sheet_rows
from .test_merge import _returns

# 基层卫生科 writes 约6千 for T3: rejected, while its 年度目标 (50, from the item) stands.
PLAN = {
    "医政医管科": {
        "T1": {"done": 100, "progress": "完成龙溪镇卫生院急救分站实地勘察", "status": "正常"},
        "T2": {"done": 8, "progress": "桩基施工", "status": "正常"},
    },
    "基层卫生科": {"T3": {"done": "约6千", "progress": "完成5个巡回诊疗点设置", "status": "正常"}},
    "龙溪镇卫生院": {
        "T1": {"done": 60, "progress": "确定值班室", "status": "正常"},
        "T3": {"done": 30, "progress": "已遴选诊疗点", "status": "滞后"},
    },
}
JWK_LEFT_OUT = "未计入：基层卫生科（未填或填报有误）"
PAIRS = "只按各项数据都有效的单位计算"


@pytest.fixture
def scenario(spec: Spec, tmp_path: Path) -> tuple[MergeResult, Path]:
    result = merge_returns(spec, [_returns(spec, tmp_path, PLAN)])
    return result, write_summary(result, tmp_path / "summary.xlsx")


def _independent_rate(item: str | None) -> float:
    """done / target over the (unit, item) pairs whose both numbers are valid, computed here."""
    targets = {("YZK", "T1"): 120, ("YZK", "T2"): 10, ("JWK", "T3"): 50, ("LX", "T1"): 80, ("LX", "T3"): 50}
    done = {("YZK", "T1"): 100, ("YZK", "T2"): 8, ("LX", "T1"): 60, ("LX", "T3"): 30}
    pairs = [k for k in done if item is None or k[1] == item]
    return sum(done[k] for k in pairs) / sum(targets[k] for k in pairs)


def test_rates_rest_on_complete_pairs_and_totals_add_what_is_valid(scenario: tuple[MergeResult, Path]) -> None:
    _, out = scenario
    rows = sheet_rows(out, "汇总")
    assert [(r["序号"], r["年度目标"], r["累计完成"]) for r in rows] == [
        ("1", 200, 160),
        ("2", 10, 8),
        ("3", 100, 30),  # the target of the rejected unit still counts in the target's total
        ("合计", 310, 198),
    ]
    assert [r["完成率"] for r in rows] == pytest.approx([_independent_rate(i) for i in ("T1", "T2", "T3", None)])
    assert rows[2]["完成率"] == 0.6  # not 30 / 100
    assert rows[3]["完成率"] == pytest.approx(198 / 260)  # not 198 / 310
    # Where the formula of the cells beside would give another number, the value is written.
    assert cell_of(out, "汇总", "完成率", 1).value == '=IF(OR(D5="",C5=""),"",IFERROR((D5/C5),""))'
    assert cell_of(out, "汇总", "完成率", 2).value == 0.6
    assert cell_of(out, "汇总", "完成率", 3).value == pytest.approx(198 / 260)


def test_partial_figures_are_shaded_with_a_note_naming_who_is_left_out(scenario: tuple[MergeResult, Path]) -> None:
    _, out = scenario
    sheet = openpyxl.load_workbook(out)["汇总"]
    notes = {c.coordinate: c.comment.text for row in sheet.iter_rows() for c in row if c.comment}
    assert notes == {
        "D6": JWK_LEFT_OUT,
        "E6": f"{JWK_LEFT_OUT}\n{PAIRS}",
        "D7": JWK_LEFT_OUT,
        "E7": f"{JWK_LEFT_OUT}\n{PAIRS}",
    }
    shaded = {
        c.coordinate for row in sheet.iter_rows(min_row=4, max_row=7) for c in row if c.fill.fgColor.rgb == "FFFCE4D6"
    }
    assert shaded == set(notes)
    by_unit = openpyxl.load_workbook(out)["分单位"]
    by_unit_notes = {c.coordinate: c.comment.text for row in by_unit.iter_rows() for c in row if c.comment}
    # 基层卫生科's only 累计完成 is rejected: its row shows nothing to mark; the 合计 row leaves it out.
    assert by_unit_notes == {"F7": JWK_LEFT_OUT, "G7": f"{JWK_LEFT_OUT}\n{PAIRS}"}
    totals = sheet_rows(out, "分单位")[-1]
    assert (totals["年度目标"], totals["累计完成"], totals["完成率"]) == (310, 198, pytest.approx(198 / 260))


def test_json_carries_the_same_marks(scenario: tuple[MergeResult, Path], tmp_path: Path) -> None:
    result, _ = scenario
    data = json.loads(write_json(result, tmp_path / "s.json").read_text(encoding="utf-8"))
    assert data["summary"]["rows"][2]["rate"] == 0.6
    assert [(n["row"], n["column"], n["computed_over_complete_pairs"]) for n in data["summary"]["notes"]] == [
        (2, "done", False),
        (2, "rate", True),
        ("totals", "done", False),
        ("totals", "rate", True),
    ]
    assert data["summary"]["notes"][1]["left_out"] == [{"unit": "JWK", "name": "基层卫生科", "reason": "invalid"}]
    assert data["about"][11]["value"].startswith("完成率等计算栏只按该事项各项数据都有效的单位计算")


MIXED = (
    SPEC_YAML.replace(
        "  - {id: task,     label: 目标任务,    type: text,    source: item}\n",
        "  - {id: task,     label: 目标任务,    type: text,    source: item}\n"
        "  - {id: measure,  label: 计量单位,    type: text,    source: item, measure: true}\n",
    )
    .replace("task: 健全院前急救体系,", "task: 健全院前急救体系, measure: 人,")
    .replace("task: 提速市公卫中心建设,", "task: 提速市公卫中心建设, measure: 人,")
    .replace("task: 深化基层卫生综合试验区工作,", "task: 深化基层卫生综合试验区工作, measure: 处,")
)


def test_a_total_across_unlike_measures_stays_empty_with_a_note(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path / "spec", MIXED))
    result = merge_returns(spec, [_returns(spec, tmp_path, PLAN)])
    out = write_summary(result, tmp_path / "summary.xlsx")
    rows = sheet_rows(out, "汇总")
    assert [(r["序号"], r["计量单位"], r["年度目标"], r["累计完成"]) for r in rows] == [
        ("1", "人", 200, 160),
        ("2", "人", 10, 8),
        ("3", "处", 100, 30),
        ("合计", None, None, None),
    ]
    assert rows[3]["完成率"] is None
    assert cell_of(out, "汇总", "年度目标", 3).value is None  # no SUM adding 人 and 处
    assert cell_of(out, "汇总", "年度目标", 3).comment.text == "各事项的计量单位不同（人、处），不相加"
    # In 分单位 a unit's own items decide: 医政医管科 reports in 人 only, 龙溪镇卫生院 in 人 and 处.
    by_unit = {r["单位编码"]: r for r in sheet_rows(out, "分单位")}
    assert (by_unit["YZK"]["年度目标"], by_unit["YZK"]["累计完成"], by_unit["YZK"]["完成率"]) == (130, 108, 108 / 130)
    assert (by_unit["LX"]["年度目标"], by_unit["LX"]["累计完成"], by_unit["LX"]["完成率"]) == (None, None, None)


def test_the_measure_field_is_one_text_field_from_the_item(tmp_path: Path) -> None:
    bad = MIXED.replace("source: item, measure: true}", "measure: true}")
    with pytest.raises(SpecError) as error:
        load_spec(write_spec(tmp_path / "bad", bad))
    assert "measure: true 只能用于一个 source: item 的文本栏目（如“计量单位”）" in str(error.value)


_SPEC = parse_spec(SPEC_YAML)
_CELL_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["超前", "正常", "滞后", "完成龙溪镇卫生院急救分站实地勘察"]),
)


@pytest.mark.parametrize("how", ["sum", "mean", "count", "join", "first", "worst", "none"])
@given(values=st.lists(_CELL_VALUES, max_size=60), limit=st.integers(1, 200))
@settings(max_examples=60, deadline=None)
def test_values_taken_in_together_give_what_one_at_a_time_gives(how: str, values: list[Any], limit: int) -> None:
    spec = _SPEC
    # The merge takes a row's values in by the chunk (add_all): 汇总 must not move by a digit.
    field = {"join": "progress", "worst": "status", "count": "status"}.get(how, "done")
    options = spec.field_map[field].model_copy(update={"aggregate": how})
    names = [f"第{i}卫生院" for i in range(len(values))]
    one, together = Accumulator(options, limit=limit), Accumulator(options, limit=limit)
    for value, name in zip(values, names, strict=True):
        one.add(value, name)
    together.add_all(values[:7], names[:7])
    together.add_all(values[7:], names[7:])
    assert repr(together.result()) == repr(one.result())
    assert (together.omitted, together.present) == (one.omitted, one.present)


@given(rows=st.lists(st.fixed_dictionaries({"done": _CELL_VALUES, "target": _CELL_VALUES}), max_size=40))
@settings(max_examples=80, deadline=None)
def test_rows_of_a_rate_taken_in_together_give_what_one_at_a_time_gives(rows: list[dict[str, Any]]) -> None:
    spec = _SPEC
    rate = spec.field_map["rate"]
    inputs = [spec.field_map["done"], spec.field_map["target"]]
    one, together = Pairs(rate, inputs), Pairs(rate, inputs)
    complete = [one.add(row) for row in rows]
    assert together.add_all(rows) == complete
    assert repr(together.inputs()) == repr(one.inputs())


def test_a_sum_past_the_largest_float_is_infinite_not_a_crash() -> None:
    # fsum gives up with OverflowError ("intermediate overflow"): a hostile return typed 9e307
    # twice must not stop the merge.
    from consolidate.merge.aggregate import ExactSum

    big = 8.98846567431158e307
    over, back = ExactSum(), ExactSum()
    for value in (big, big):
        over.add(value)
    for value in (big, big, -big):
        back.add(value)
    assert over.total() == math.inf
    assert back.total() == big  # past the largest float on the way, not at the end
    # Three of 1.2e308: even halved their sum is past the largest float (the halving overflowed).
    three = ExactSum()
    for value in (1.1984620899082105e308,) * 3:
        three.add(value)
    assert three.total() == math.inf
    most = ExactSum()
    for value in (sys.float_info.max, sys.float_info.max, -sys.float_info.max):
        most.add(value)
    assert most.total() == sys.float_info.max
