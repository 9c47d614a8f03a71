"""A province's spec is checked in one go: 50,000 units inline, 10,000 fields (issue 24 item 4).

Reading these specs used to grow with the square of their size (an item naming its 50,000 units
took minutes, 10,000 fields with formulas 12 s). These tests run `consolidate check` on such
specs in a child process and assert what it says; the generous timeout only turns a return of
the quadratic behaviour into a failure instead of a hang. The timings are in
``benchmarks/bench_merge.py --spec-scale``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from consolidate.spec import load_spec

UNITS = 50_000
FIELDS = 10_000


def _province(units: int) -> dict[str, Any]:
    codes = [f"V{i:05d}" for i in range(units)]
    return {
        "version": 1,
        "report": {"id": "village-clinics", "title": "村卫生室基本情况", "period": "2025-Q3", "deadline": "2025-10-15"},
        "units": [
            {"code": code, "name": f"第{i:05d}村卫生室", "contact": "张医生", "phone": "0539-1234567"}
            for i, code in enumerate(codes)
        ],
        "items": [
            {"id": "A", "task": "基本药物配备", "target": 10},
            # Named unit by unit, as a table's 应报单位 column is: the list used to be searched
            # for every unit added to it.
            {"id": "B", "task": "家庭医生签约", "units": codes},
            {"id": "C", "task": "慢病随访", "target": {code: 3 for code in codes[::2]}},
        ],
        "fields": [
            {"id": "task", "label": "事项", "source": "item"},
            {"id": "target", "label": "目标", "type": "number", "source": "item", "aggregate": "sum"},
            {"id": "done", "label": "完成", "type": "number", "min": 0},
            {"id": "rate", "label": "完成率", "type": "percent", "formula": "done / target"},
        ],
    }


def _check(spec: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    code = "from consolidate.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "check", str(spec)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )


def test_fifty_thousand_units_inline_are_checked(tmp_path: Path) -> None:
    spec = tmp_path / "report.yaml"
    spec.write_text(
        yaml.dump(_province(UNITS), Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    done = _check(spec)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"报表定义无误：村卫生室基本情况（{UNITS} 个单位，3 个事项，4 个栏目）"
    loaded = load_spec(spec)
    a, b, c = loaded.items
    assert len(a.units) == len(b.units) == UNITS and len(c.units) == UNITS // 2
    assert a.units is b.units  # every unit's items share one tuple of codes
    assert c.value_for("V00002", "target") == 3 and c.value_for("V00001", "target") is None


def _wide(fields: int) -> dict[str, Any]:
    spec = _province(3)
    spec["items"] = [{"id": "A", "task": "基本药物配备", "target": 10}, {"id": "B", "task": "慢病随访", "target": 5}]
    extra: list[dict[str, Any]] = []
    for i in range((fields - 4) // 2):
        extra.append({"id": f"n{i}", "label": f"数量{i}", "type": "number", "min": 0, "unit": "人"})
        extra.append({"id": f"r{i}", "label": f"比例{i}", "type": "percent", "formula": f"n{i} / target"})
    spec["fields"] += extra
    spec["rules"] = [
        {"id": f"over{i}", "when": f"n{i} > target * 2", "message": "超过目标两倍"} for i in range(0, 1000)
    ]
    return spec


def test_ten_thousand_fields_with_formulas_are_checked(tmp_path: Path) -> None:
    spec = tmp_path / "report.yaml"
    spec.write_text(
        yaml.dump(_wide(FIELDS), Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    done = _check(spec)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"报表定义无误：村卫生室基本情况（3 个单位，2 个事项，{FIELDS} 个栏目）"


def test_a_wrong_formula_among_ten_thousand_fields_is_still_found(tmp_path: Path) -> None:
    data = _wide(FIELDS)
    data["fields"][-1]["formula"] = "n4997 / targte"
    spec = tmp_path / "report.yaml"
    spec.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = _check(spec)
    assert done.returncode == 2
    assert "targte" in done.stderr and "target" in done.stderr
