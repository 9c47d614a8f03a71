"""The usual cell read straight to its value (a choice as listed, a date cell, a text within its
length, an empty cell in a return without formulas) gives exactly what the general checks give:
the same records and the same issues, for any cells."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consolidate.check import RowChecker
from consolidate.check.coerce import NOT_USUAL, coerce, usual
from consolidate.check.recognise import Located, RawRow
from consolidate.read.book import RawBook
from consolidate.spec import Spec, load_spec

SPEC = textwrap.dedent(
    """\
    version: 1
    report: {id: r, title: 民生实事, issuer: 某县卫生健康局, period: 2025-09}
    units: [{code: CG, name: 城关镇卫生院}]
    items:
      - {id: T1, no: "1", task: 适龄妇女两癌检查, measure: 人, target: 32000}
    fields:
      - {id: no,       label: 序号,     type: text,    source: item}
      - {id: task,     label: 民生实事项目, type: text, source: item}
      - {id: measure,  label: 计量单位, type: text,    source: item}
      - {id: target,   label: 年度目标, type: number,  source: item}
      - {id: done,     label: 累计完成, type: number,  required: true, min: 0}
      - {id: rate,     label: 完成率,   type: percent, formula: "done / target"}
      - {id: progress, label: 进展情况, type: text,    max_length: 12}
      - {id: note,     label: 备注,     type: text}
      - {id: status,   label: 进度自评, type: choice,  choices: [超前, 正常, 滞后, 无]}
      - {id: finished, label: 完成日期, type: date}
      - {id: owner,    label: 责任人,   type: text,    required: true}
    """
)
INPUTS = ["done", "progress", "note", "status", "finished", "owner"]
CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "  \n", "正常", " 正常 ", "正 常", "无", "超前", "滞后", "-", "#N/A", "abc", "长" * 13]),
    st.sampled_from(["2025-09-30", "2025年9月", "45000", "1,200", "完成筛查9000人"]),
    st.text(max_size=15),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 12, 31)),
)


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    path = tmp_path_factory.mktemp("spec") / "report.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path)


def _located(spec: Spec, rows: list[dict[str, Any]], formulas: dict[str, str]) -> Located:
    book = RawBook(Path("城关镇卫生院.xlsx"), "城关镇卫生院.xlsx", "0" * 64, dt.datetime(2025, 10, 1), [])
    columns = {f.id: i for i, f in enumerate(spec.fields) if not f.formula}
    raw = [RawRow(6 + n, "T1", {"no": "1", "task": "适龄妇女两癌检查", **cells}) for n, cells in enumerate(rows)]
    return Located(book, "CG", "填报", 5, columns, raw, formulas=formulas)


def _general(spec: Spec) -> RowChecker:
    """A checker that reads every cell by the general rules (no usual cell)."""
    checker = RowChecker(spec)
    checker.fields = [(field, from_item, None) for field, from_item, _ in checker.fields]
    return checker


def _seen(result: tuple[list[Any], list[Any]]) -> tuple[list[Any], list[Any]]:
    records, issues = result
    return [(r.row, r.values) for r in records], [(i.code, i.cell, i.field, i.value, i.params) for i in issues]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({f: CELLS for f in INPUTS}), min_size=1, max_size=4))
def test_the_usual_cells_read_as_the_general_rules_read_them(spec: Spec, rows: list[dict[str, Any]]) -> None:
    plain = _located(spec, rows, {})
    # A formula far from the fields: the return "has formulas", so empty cells take the general way.
    general = _located(spec, rows, {"ZZ999": "=1"})
    assert _seen(RowChecker(spec).check(plain)) == _seen(_general(spec).check(general))


def test_each_usual_reader_gives_what_coerce_gives(spec: Spec) -> None:
    samples = [None, "", " 正常 ", "无", "正 常", "abc", "长" * 13, "长" * 12, 3, 2.5, dt.date(2025, 9, 30)]
    samples += [dt.datetime(2025, 9, 30, 8), "#N/A", True, float("inf")]
    readers = 0
    for field in (spec.field(f) for f in INPUTS):
        read = usual(field)
        assert read is not None, field.id
        readers += 1
        for raw in samples:
            value = read(raw)
            if value is not NOT_USUAL:
                result = coerce(field, raw)
                assert (value, result.note, result.error) == (result.value, None, None), (field.id, raw)
    assert readers == len(INPUTS)
    status = usual(spec.field("status"))
    assert status is not None
    assert status(" 滞后 ") == "滞后"
    assert status("无") is NOT_USUAL  # a choice that reads as "nothing to report" is said so
    progress = usual(spec.field("progress"))
    assert progress is not None and progress("长" * 13) is NOT_USUAL  # too long: E-TOO-LONG
