"""Nothing a file or a cache can do takes the run down: the reproducers of issue 13 beside good
returns, workers that crash, run out of memory or stall, and every kind of cache damage."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from consolidate.kinds.demo import build_demo
from consolidate.merge import cache as cache_module
from consolidate.merge import merge_returns
from consolidate.merge import parse as pipeline
from consolidate.merge.result import MergeResult
from consolidate.spec import Spec
from consolidate.write import write_templates

from .hostile import REPRODUCERS, hostile


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo")


@pytest.fixture(scope="module")
def baseline(demo: Any) -> MergeResult:
    return merge_returns(demo.result.spec, [demo.returns])


def _good_return(demo: Any) -> Path:
    return next(p for p in sorted(demo.returns.iterdir()) if p.suffix == ".xlsx" and not p.name.startswith("~"))


def _returns_with(tmp_path: Path, demo: Any, name: str, data: bytes) -> Path:
    returns = tmp_path / "returns"
    shutil.copytree(demo.returns, returns)
    bad = returns / f"zz_{name}.xlsx"
    bad.write_bytes(data)
    old = 365 * 86400  # 1971: older than the unit's own return, never the one kept
    os.utime(bad, (old, old))
    return returns


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_a_hostile_file_beside_good_returns(name: str, demo: Any, baseline: MergeResult, tmp_path: Path) -> None:
    spec = demo.result.spec
    base = (
        write_templates(spec, tmp_path / "t", [spec.units[0].code])[0]
        if name.startswith("shared")
        else _good_return(demo)
    )
    returns = _returns_with(tmp_path, demo, name, hostile(base.read_bytes(), name))
    result = merge_returns(spec, [returns])
    assert result.totals == baseline.totals  # the good returns' totals, exactly
    kept = [(s.unit_code, s.file) for s in result.submissions if s.status in ("returned", "duplicate")]
    assert kept == [(s.unit_code, s.file) for s in baseline.submissions if s.status in ("returned", "duplicate")]
    bad = f"zz_{name}.xlsx"
    assert len([i for i in result.issues if i.file == bad and i.code == "E-UNREADABLE-FILE"]) <= 1


def _misbehave(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The worker reading a file named ``bad.xlsx`` dies, eats memory or stalls."""
    original = pipeline.parse

    def parse(source, *args):  # type: ignore[no-untyped-def]
        if source.name == "bad.xlsx":
            if how == "abort":
                os.abort()
            if how == "memory":
                bytearray(8 << 30)
            if how == "stall":
                time.sleep(60)
        return original(source, *args)

    monkeypatch.setattr(pipeline, "parse", parse)


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("abort", "读取此文件时读取进程异常退出（SIGABRT），文件可能已损坏或过大；其他文件不受影响"),
        ("memory", "文件过大，内存不足以读取"),
        ("stall", "读取此文件超过 1 秒仍未完成，已放弃；文件可能已损坏或过大"),
    ],
)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_lost_costs_one_file(
    how: str, reason: str, workers: int, demo: Any, baseline: MergeResult, tmp_path: Path, monkeypatch: Any
) -> None:
    returns = _returns_with(tmp_path, demo, "x", b"")
    (returns / "zz_x.xlsx").unlink()
    shutil.copy(_good_return(demo), returns / "bad.xlsx")
    os.utime(returns / "bad.xlsx", (0, 0))
    _misbehave(monkeypatch, how)
    result = merge_returns(demo.result.spec, [returns], workers=workers, parse_timeout=1)
    assert result.totals == baseline.totals
    (issue,) = [i for i in result.issues if i.file == "bad.xlsx"]
    assert (issue.code, issue.message("zh")) == ("E-UNREADABLE-FILE", f"文件无法读取：{reason}")
    assert result.exit_code == 1


def _damage(kind: str, path: Path) -> None:
    if kind == "garbage":
        path.write_bytes(os.urandom(4096))
    elif kind == "foreign-schema":
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE parsed (id INTEGER, name TEXT)")
    elif kind == "flipped-values":
        with sqlite3.connect(path) as db:
            db.execute("UPDATE parsed SET value = substr(value, 1, 60) || x'00ff' || substr(value, 63)")
    elif kind == "pickle-that-runs-code":
        import hashlib
        import pickle

        class Evil:
            def __reduce__(self) -> tuple[Any, ...]:
                return (os.system, ("touch /tmp/consolidate-pwned",))

        payload = pickle.dumps(Evil())
        with sqlite3.connect(path) as db:
            db.execute("UPDATE parsed SET value = ?", (hashlib.sha256(payload).digest() + payload,))
    elif kind == "a-folder":
        path.mkdir()
    elif kind == "read-only-folder":
        path.parent.chmod(0o500)


CACHE_DAMAGE = ["garbage", "foreign-schema", "flipped-values", "pickle-that-runs-code", "a-folder", "read-only-folder"]


@pytest.mark.parametrize("kind", CACHE_DAMAGE)
def test_a_damaged_cache_is_only_a_slower_run(kind: str, demo: Any, baseline: MergeResult, tmp_path: Path) -> None:
    spec: Spec = demo.result.spec
    cache = tmp_path / "cache" / "parsed.sqlite"
    if kind in ("flipped-values", "pickle-that-runs-code"):
        merge_returns(spec, [demo.returns], cache=cache)
    else:
        cache.parent.mkdir()
    _damage(kind, cache)
    try:
        result = merge_returns(spec, [demo.returns], cache=cache)
    finally:
        cache.parent.chmod(0o700)
    assert result.totals == baseline.totals and result.issues == baseline.issues
    if os.geteuid() != 0 or kind != "read-only-folder":  # root writes anyway
        (warning,) = result.warnings
        if kind in ("flipped-values", "pickle-that-runs-code"):  # the file is fine, its entries are not
            assert warning.render("en").startswith(f"the parse cache held damaged entries ({len(baseline.inputs)}); ")
        else:
            assert warning.render("en").startswith("the parse cache cannot be used (")
    assert not Path("/tmp/consolidate-pwned").exists()


def test_a_cache_locked_by_another_run(
    demo: Any, baseline: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT", 0.2)
    cache = tmp_path / "parsed.sqlite"
    merge_returns(demo.result.spec, [demo.returns], cache=cache)
    holder = sqlite3.connect(cache)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        result = merge_returns(demo.result.spec, [demo.returns], cache=cache)
        assert time.monotonic() - started < 5
    finally:
        holder.rollback()
        holder.close()
    assert result.totals == baseline.totals
    (warning,) = result.warnings
    assert "database is locked" in warning.render("en")
