"""A province's spec is checked in one go: 50,000 units inline, 10,000 fields (issue 24 item 4).

Reading these specs used to grow with the square of their size (an item naming its 50,000 units
took minutes, 10,000 fields with formulas 12 s). These tests run `consolidate check` on such
specs in a child process and assert what it says; the generous timeout only turns a return of
the quadratic behaviour into a failure instead of a hang. The timings are in
``benchmarks/bench_merge.py --spec-scale``.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consolidate.errors import SpecError
from consolidate.spec import load as load_module
from consolidate.spec import load_spec
from consolidate.spec.load import SpecLoader, parse_spec, plain_yaml

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


# ---------------------------------------------------------------------------------------------
# The fast reading of a spec's YAML is PyYAML's reading


def _pyyaml(text: str) -> Any:
    return yaml.load(text, Loader=SpecLoader)


def _same_data(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_data(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_data(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


PLAIN = [
    "a: yes\nb: no\nc: on\nd: off\ne: true\nf: False\ng: TRUE\n",
    "n: 0x1F\no: 0o17\np: 017\nq: 1_000\nr: 1:30\ns: -12\nt: +3\nu: 0b101\n",
    "f: 1.5\ng: .inf\nh: -.Inf\ni: .nan\nj: 1e3\nk: 6.8523015e+5\nl: 190:20:30.15\n",
    "a: ~\nb: null\nc: Null\nd:\ne: ''\nf: \"\"\n",
    "day: 2025-04-15\nwhen: 2001-12-14t21:59:43.10-05:00\nperiod: 2025-Q3\n",
    "text: |\n  line one\n  line two\nfolded: >\n  one\n  two\nkept: |+\n  x\n\n",
    "flow: {a: 1, b: [1, 2, {c: d}], 'e f': \"g\\th\"}\nlist: [a, 'b', \"c\"]\n",
    "dup: 1\ndup: 2\n1: one\n2.5: two\ntrue: three\n~: four\n",
    'units:\n  - {code: A, name: 甲}\n  - code: B\n    name: "乙 "\n# a comment\nitems: []\n',
    "- 1\n- - 2\n  - [3, [4]]\n- {}\n",
    "just text",
    "",
    "# only a comment\n",
    "'<<': quoted merge key is a key\n",
]
NOT_PLAIN = [
    "base: &b {a: 1}\nother: *b\n",
    "base: &b {a: 1}\nother:\n  <<: *b\n  c: 2\n",
    "a: !!str 123\n",
    "a: !custom x\n",
    "? [a, b]\n: c\n",
    "--- 1\n--- 2\n",
    "a: [1, 2\n",
    "a: 1\n b: 2\n",
    "a: =\n",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_yaml_reads_what_pyyaml_reads(text: str) -> None:
    fast = plain_yaml(text)
    assert fast is not load_module._NOT_PLAIN
    assert _same_data(fast, _pyyaml(text))


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_else_is_left_to_pyyaml(text: str) -> None:
    assert plain_yaml(text) is load_module._NOT_PLAIN


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["yes", "no", "on", "0x10", "1:30", "2025-04-15", "~", "<<", "=", "-", "? x", "a: b", "#c"]),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_data, flow=st.sampled_from([None, True, False]))
def test_plain_yaml_reads_any_dumped_data_as_pyyaml(data: Any, flow: bool | None) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    fast = plain_yaml(text)
    if fast is load_module._NOT_PLAIN:
        return
    assert _same_data(fast, _pyyaml(text))


def test_too_deep_and_too_many_are_said_as_before(tmp_path: Path) -> None:
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(deep)
    assert caught.value.problems[0].message.key == "spec.too_deep"
    many = "a: [" + ", ".join(["1"] * (load_module.MAX_VALUES + 5)) + "]\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(many)
    assert caught.value.problems[0].message.key == "spec.too_many_values"
