"""A formula whose result no cell can hold (a power of a huge number) is an empty cell, and the
merge and its summary go on (it ended the run with a traceback)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from consolidate.merge import merge_returns
from consolidate.spec import load_spec
from consolidate.write import write_summary

from .conftest import SPEC_YAML, write_spec
from .helpers import fill_returns, unit_templates


def test_a_power_too_large_leaves_its_cell_empty_and_the_summary_is_written(tmp_path: Path) -> None:
    text = SPEC_YAML.replace(
        '  - {id: rate,     label: 完成率,      type: percent, formula: "done / target"}\n',
        '  - {id: rate,     label: 完成率,      type: percent, formula: "done / target"}\n'
        '  - {id: scale,    label: 规模指数,    type: number,  formula: "done ** 10", aggregate: sum}\n',
    )
    assert "scale" in text
    spec = load_spec(write_spec(tmp_path / "spec", text))
    templates = unit_templates(spec, tmp_path / "t")
    plan = {
        "医政医管科": {
            "T1": {"done": 1e308, "progress": "已选址", "status": "正常"},
            "T2": {"done": 4, "progress": "桩基施工", "status": "正常"},
        }
    }
    returns = fill_returns(templates, tmp_path / "returns", plan)
    result = merge_returns(spec, [returns])
    assert [(r.item_id, r.values["scale"]) for r in result.records] == [("T1", None), ("T2", 1048576)]
    out = write_summary(result, tmp_path / "汇总.xlsx")
    sheet = openpyxl.load_workbook(out, data_only=True)["汇总"]  # the values the summary shows
    header = [c.value for c in sheet[3]]
    column = header.index("规模指数")
    values = {row[0]: row[column] for row in sheet.iter_rows(min_row=4, max_row=7, values_only=True)}
    assert values == {"1": None, "2": 1048576, "3": None, "合计": None}  # 合计's power is too large too
