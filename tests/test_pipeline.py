"""Both cores and the parse cache change nothing a user sees, only how long it takes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from consolidate.kinds.demo import fill_template
from consolidate.merge import merge_returns
from consolidate.merge import parse as pipeline
from consolidate.merge.pool import PARALLEL_FROM
from consolidate.spec import Spec
from consolidate.write import write_summary
from consolidate.write.template import write_templates


@pytest.fixture
def many(spec: Spec, tmp_path: Path) -> Path:
    """24 returns (more than PARALLEL_FROM): each unit's file, copied under other names."""
    returns = tmp_path / "returns"
    returns.mkdir()
    plans = {
        "医政医管科": {
            "T1": {"done": 60, "progress": "进行中", "status": "正常"},
            "T2": {"done": "约3", "status": "超前"},
        },
        "基层卫生科": {"T3": {"done": "1,200", "progress": "巡诊", "status": "滞后"}},
        "龙溪镇卫生院": {
            "T1": {"done": 80, "progress": "已完成", "status": "超前"},
            "T3": {"done": 20, "progress": "x"},
        },
    }
    for template in write_templates(spec, tmp_path / "t"):
        unit = template.stem.split("_")[-1]
        first = returns / template.name
        fill_template(template, first, plans[unit])
        for copy in range(7):
            target = returns / f"{unit}_旧{copy}.xlsx"
            shutil.copyfile(first, target)
            os.utime(target, (1_600_000_000 + copy, 1_600_000_000 + copy))
    assert len(list(returns.iterdir())) >= PARALLEL_FROM
    return returns


def test_pool_and_single_process_give_the_same_bytes(spec: Spec, many: Path, tmp_path: Path) -> None:
    one = merge_returns(spec, [many], workers=1)
    two = merge_returns(spec, [many], workers=2)
    assert [(i.code, i.file, i.cell) for i in one.issues] == [(i.code, i.file, i.cell) for i in two.issues]
    a = write_summary(one, tmp_path / "one.xlsx").read_bytes()
    b = write_summary(two, tmp_path / "two.xlsx").read_bytes()
    assert a == b
    assert [s.status for s in two.submissions] == ["duplicate", "duplicate", "duplicate"]


def test_cache_is_used_and_refreshed_when_a_file_changes(
    spec: Spec, many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache.sqlite"
    first = merge_returns(spec, [many], workers=1, cache=cache)
    original = pipeline.parse
    log = tmp_path / "parsed.txt"  # files are parsed in worker processes: they write down what
    log.write_text("")

    def counting(source, *args):  # type: ignore[no-untyped-def]
        with log.open("a") as out:
            out.write(source.name + "\n")
        return original(source, *args)

    def calls() -> list[str]:
        return log.read_text().splitlines()

    monkeypatch.setattr(pipeline, "parse", counting)
    again = merge_returns(spec, [many], workers=1, cache=cache)
    assert calls() == []
    assert (
        write_summary(first, tmp_path / "a.xlsx").read_bytes() == write_summary(again, tmp_path / "b.xlsx").read_bytes()
    )
    changed = many / "基层卫生科_旧3.xlsx"
    changed.write_bytes(b"")
    third = merge_returns(spec, [many], workers=1, cache=cache)
    assert calls() == ["基层卫生科_旧3.xlsx"]
    assert [i.file for i in third.issues if i.code == "E-UNREADABLE-FILE"] == ["基层卫生科_旧3.xlsx"]


def test_records_spilled_to_disk_give_the_same_summary(tmp_path: Path) -> None:
    """Past the memory budget, records wait in a temporary file; nothing in the output changes."""
    from consolidate.kinds.demo import build_demo
    from consolidate.merge import store
    from consolidate.write import write_feedback, write_json

    demo = build_demo(tmp_path / "demo")
    spec = demo.result.spec
    outputs = {}
    for budget in (store.MEMORY_BUDGET, 7):  # 7: two returns (4 + 3 records) in memory, the rest on disk
        result = merge_returns(spec, [demo.returns], record_budget=budget)
        out = tmp_path / f"budget{budget}"
        write_summary(result, out / "summary.xlsx")
        write_json(result, out / "summary.json")
        feedback = write_feedback(result, out / "feedback")
        outputs[budget] = [p.read_bytes() for p in [out / "summary.xlsx", out / "summary.json", *feedback]]
        kept = [s for s in result.submissions if s.status in ("returned", "duplicate")]
        assert len(kept) == 12
        # 12 kept returns and the older duplicate (3 to 7 records each): 11 of the 13 on disk.
        assert result.records.store.spilled == (11 if budget == 7 else 0)
        assert len(result.records) == sum(s.rows for s in kept) > 0
        assert [r.unit_code for r in result.records] == sorted(
            (r.unit_code for r in result.records), key=[u.code for u in spec.units].index
        )
    assert outputs[store.MEMORY_BUDGET] == outputs[7]
    assert len(outputs[7]) > 2  # feedback files were written from the spilled records too


def test_spilled_records_read_back_without_pread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no os.pread: the store reads its file by position instead."""
    from consolidate.check import Record
    from consolidate.merge.packing import pack_records
    from consolidate.merge.store import RecordStore

    store = RecordStore(budget=0)
    first = [Record("A", "T1", "a.xlsx", "填报", 6, {"done": 1})]
    second = [Record("B", "T1", "b.xlsx", "填报", 6, {"done": 2}), Record("B", "T2", "b.xlsx", "填报", 7, {"done": 3})]
    store.add("a.xlsx", pack_records(first), 1)  # as a worker sends them
    store.add("b.xlsx", pack_records(second), 2)
    assert store.spilled == 2
    monkeypatch.delattr("os.pread")
    assert store.load("b.xlsx") == second
    assert store.load("a.xlsx") == first
    assert (store.count("a.xlsx"), store.count("b.xlsx"), store.load("c.xlsx")) == (1, 2, [])


def test_pools_fork_unless_threads_make_it_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading

    from consolidate.merge.pool import start_method

    monkeypatch.setattr(sys, "platform", "linux")
    assert start_method() == "fork"  # a script needs no main guard
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        # A server's threads, say, on any Python: a fork would copy their locks and the pipes
        # of their workers.
        monkeypatch.setattr(sys, "version_info", (3, 11, 7))
        assert start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(sys, "platform", "win32")
    assert start_method() == "spawn"
