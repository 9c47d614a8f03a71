"""Templates written the fast way are XlsxWriter's own bytes (issue 25: 4× faster, byte-identical).

``write_templates`` writes one template per group of alike units (the same items, values and
上期) with placeholders for the unit's own texts, and every unit of the group from it; each
template goes through a workbook that writes cells and shared parts faster
(``consolidate/write/fastbook.py``). Each test here writes the same templates both ways, the
plain way being XlsxWriter's own workbook one unit at a time, and compares every byte.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from consolidate.kinds import init_spec
from consolidate.periods import previous_values
from consolidate.spec import Spec, load_spec, spec_from_json
from consolidate.write import template as template_module
from consolidate.write.template import template_filenames, write_template, write_templates
from consolidate.write.xlsx import new_workbook

ROOT = Path(__file__).resolve().parent.parent


def _plain(monkeypatch: pytest.MonkeyPatch, spec: Spec, out: Path, previous: Any = None) -> dict[str, bytes]:
    """Every template the way it was written before: XlsxWriter's workbook, one unit after another."""
    with monkeypatch.context() as patch:
        patch.setattr(template_module, "template_book", lambda path, kind: new_workbook(path, kind))
        names = template_filenames(spec)
        for unit in spec.units:
            earlier = None if previous is None else previous.get(unit.code, {})
            write_template(spec, unit, out / names[unit.code], previous=earlier)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _fast(spec: Spec, out: Path, previous: Any = None, workers: int = 1) -> dict[str, bytes]:
    template_module._alikes.clear()
    write_templates(spec, out, workers=workers, previous=previous)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _same(spec: Spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, previous: Any = None) -> dict[str, bytes]:
    fast = _fast(spec, tmp_path / "fast", previous)
    plain = _plain(monkeypatch, spec, tmp_path / "plain", previous)
    assert list(fast) == list(plain)
    for name in plain:
        assert fast[name] == plain[name], name
    return fast


def _spec(tmp_path: Path, data: dict[str, Any]) -> Spec:
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_spec(path)


@pytest.mark.parametrize("kind", ["livelihood", "key-tasks", "task-list"])
def test_the_built_in_kinds(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec_path = init_spec(tmp_path / "spec", kind)
    _same(load_spec(spec_path), tmp_path, monkeypatch)


def test_the_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With their history's 上期 columns, as `consolidate demo` makes them."""
    spec = load_spec(ROOT / "samples" / "spec" / "report.yaml")
    previous = previous_values(spec)
    assert previous is not None
    _same(spec, tmp_path, monkeypatch, previous)
    _same(spec, tmp_path / "without", monkeypatch)


def test_many_alike_units_on_two_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_merge
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    spec = bench_merge.load(40)
    fast = _fast(spec, tmp_path / "pool", workers=2)
    plain = _plain(monkeypatch, spec, tmp_path / "plain")
    assert fast == plain


def test_units_whose_texts_are_unlike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Contacts and phones given or not, a name that is also an item's text (written once in the
    shared strings), a name equal to its code, texts with XML specials and spaces at either end,
    English, group headings, per-unit items and targets."""
    spec = _spec(
        tmp_path,
        {
            "version": 1,
            "report": {"id": "odd", "title": "Odd units", "period": "2025-Q3", "language": "en"},
            "units": [
                {"code": "A", "name": "Alpha & <Sons>", "contact": "Li", "phone": "123"},
                {"code": "B", "name": "B"},
                {"code": "C", "name": "Clinics", "contact": "Clinics"},
                {"code": "D", "name": " padded ", "phone": "0539 8"},
                {"code": "E", "name": "Eastern", "contact": "Wu"},
                {"code": "F", "name": "Far", "contact": "Zhao"},
                {"code": "G", "name": "_x0041_ literal"},
            ],
            "items": [
                {"id": "1", "group": "一、First", "task": "Clinics", "target": {"A": 3, "B": 3, "C": 4}},
                {"id": "2", "group": "一、First", "task": "Beds", "target": 7},
                {"id": "3", "group": "二、Second", "task": "Far", "target": 2, "units": ["E", "F", "G", "A"]},
            ],
            "fields": [
                {"id": "task", "label": "Task", "source": "item"},
                {"id": "target", "label": "Target", "type": "number", "source": "item", "aggregate": "sum"},
                {"id": "done", "label": "Done", "type": "number", "min": 0, "cumulative": True},
                {"id": "rate", "label": "Rate", "type": "percent", "formula": "done / target"},
                {"id": "note", "label": "Note", "max_length": 50, "prefill": "last"},
                {"id": "day", "label": "Day", "type": "date"},
                {"id": "ok", "label": "OK", "type": "bool"},
            ],
        },
    )
    _same(spec, tmp_path / "now", monkeypatch)
    previous = {
        "A": {("1", "done"): 2, ("1", "note"): "kept & carried"},
        "E": {("3", "done"): 1},
        "F": {("3", "done"): 1},
    }
    _same(spec, tmp_path / "with-history", monkeypatch, previous)


def test_an_open_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = {
        "version": 1,
        "report": {"id": "open", "title": "开放清单", "period": "2025-08"},
        "units": [{"code": f"U{i}", "name": f"单位{i}"} for i in range(20)],
        "rows": "open",
        "max_rows": 30,
        "fields": [
            {"id": "name", "label": "姓名", "required": True},
            {"id": "age", "label": "年龄", "type": "integer", "min": 0},
            {"id": "kind", "label": "类别", "type": "choice", "choices": ["甲", "乙"]},
        ],
    }
    _same(_spec(tmp_path, data), tmp_path, monkeypatch)


def test_alike_units_are_written_from_one_template(tmp_path: Path) -> None:
    """Forty units of one report, two patterns of texts: two templates written in full, the
    other thirty-eight put together from them (so the speed is really there)."""
    data = {
        "version": 1,
        "report": {"id": "r", "title": "T", "period": "2025-08"},
        "units": [{"code": f"U{i}", "name": f"单位{i}", **({"contact": "王"} if i % 2 else {})} for i in range(40)],
        "items": [{"id": "1", "task": "一"}],
        "fields": [
            {"id": "task", "label": "事项", "source": "item"},
            {"id": "done", "label": "完成", "type": "number"},
        ],
    }
    spec = spec_from_json(json.dumps(data, ensure_ascii=False))
    written: list[str] = []
    original = template_module._write

    def counting(spec: Spec, unit: Any, path: Any, *args: Any, **kwargs: Any) -> Any:
        written.append(unit.code)
        return original(spec, unit, path, *args, **kwargs)

    template_module._alikes.clear()
    template_module._write = counting  # type: ignore[assignment]
    try:
        write_templates(spec, tmp_path, workers=1)
    finally:
        template_module._write = original  # type: ignore[assignment]
    assert written == ["U0", "U1"]
    assert len(list(tmp_path.iterdir())) == 40
