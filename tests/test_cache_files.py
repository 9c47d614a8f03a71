"""Issue 25: ``status`` over 10,000 returns in under 2 s. A file seen before is known by its stamp
(path, size, times, inode) and not read again; its parse comes from the cache with its records
still packed. Whatever changes a file (even keeping its size and modified time) moves its change
time, and the file is read again."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from consolidate.check import Record
from consolidate.cli.show import plain_lines
from consolidate.kinds.demo import build_demo
from consolidate.merge import cache as cache_module
from consolidate.merge import merge_returns
from consolidate.merge.packing import pack_records
from consolidate.merge.store import RecordStore
from consolidate.read import sources as sources_module
from consolidate.read.sources import discover


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Path]:
    demo = build_demo(tmp_path / "demo")
    returns = tmp_path / "returns"
    shutil.copytree(demo.returns, returns)
    # Files just written are "racy" for two seconds (they may change again within the same tick
    # of the clock): the test's files are taken as settled at once.
    monkeypatch.setattr(cache_module, "_SETTLED", 0.0)
    return demo.result.spec, returns


def _stamps(cache: Path) -> int:
    with closing(sqlite3.connect(cache)) as db:
        return int(db.execute("SELECT COUNT(*) FROM files").fetchone()[0])


def test_a_file_seen_before_is_not_read_again(
    folder: tuple[Any, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, returns = folder
    cache = tmp_path / "parsed.sqlite"
    first = merge_returns(spec, [returns], cache=cache, figures=False, keep_raw=False)
    assert _stamps(cache) == len(list(discover(returns))) == 13  # not the lock file, not .DS_Store
    read: list[str] = []
    real = sources_module.Source.read
    monkeypatch.setattr(sources_module.Source, "read", lambda self: read.append(self.name) or real(self))
    again = merge_returns(spec, [returns], cache=cache, figures=False, keep_raw=False)
    assert read == []
    assert [dataclasses.astuple(s) for s in again.submissions] == [dataclasses.astuple(s) for s in first.submissions]
    assert again.issues == first.issues
    assert sum(s.rows for s in again.submissions) == sum(s.rows for s in first.submissions) > 0


def test_a_file_changed_in_place_with_its_size_and_time_kept_is_read_again(
    folder: tuple[Any, Path], tmp_path: Path
) -> None:
    spec, returns = folder
    cache = tmp_path / "parsed.sqlite"
    before = merge_returns(spec, [returns], cache=cache)
    kept = {found.book.name for found in before.returns.values()}
    victim = next(p for p in sorted(returns.iterdir()) if p.name in kept)
    stat = victim.stat()
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of a compressed part: the same size, a damaged file
    victim.write_bytes(bytes(data))
    os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and its modified time put back
    assert victim.stat().st_size == stat.st_size and victim.stat().st_mtime_ns == stat.st_mtime_ns
    after = merge_returns(spec, [returns], cache=cache)
    unreadable = [i for i in after.issues if i.code == "E-UNREADABLE-FILE"]
    assert [i.file for i in unreadable] == [victim.name]
    assert [i.file for i in before.issues if i.code == "E-UNREADABLE-FILE" and i.file == victim.name] == []


def test_a_file_still_being_written_is_not_remembered(
    folder: tuple[Any, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, returns = folder
    cache = tmp_path / "parsed.sqlite"
    monkeypatch.setattr(cache_module, "_SETTLED", 3600.0)  # every file changed within the hour: all "racy"
    merge_returns(spec, [returns], cache=cache, figures=False)
    assert _stamps(cache) == 0


def test_records_from_the_cache_are_read_only_when_asked_for() -> None:
    records = [Record("U1", "T1", "f.xlsx", "填报", 6, {"done": 3}), Record("U1", "T2", "f.xlsx", "填报", 7, {})]
    store = RecordStore(lazy=True)
    store.add("f.xlsx", pack_records(records), 2)
    assert store.count("f.xlsx") == 2
    assert store._packed == {"f.xlsx": pack_records(records)}  # not read yet
    assert store.load("f.xlsx") == records and store._packed == {}
    eager = RecordStore()
    eager.add("f.xlsx", pack_records(records), 2)
    assert eager._packed == {} and eager.load("f.xlsx") == records


def test_folders_are_listed_in_the_order_of_sorted_rglob(tmp_path: Path) -> None:
    root = tmp_path / "r"
    for name in ("b/2.xlsx", "b/10.xlsx", "a.xlsx", "B.xlsx", "a/z/1.csv", "a b/x.xlsx", ".hidden/x.xlsx", "c.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    (root / "link.xlsx").symlink_to(root / "a.xlsx")
    (root / "dirlink").symlink_to(root / "b", target_is_directory=True)  # a folder through a link: not entered
    (root / "broken.xlsx").symlink_to(root / "nowhere.xlsx")
    expected = [p for p in sorted(root.rglob("*")) if p.is_file()]
    walked = sources_module._walk(root)
    assert [path for _, path, _ in walked] == expected
    assert [parts for parts, _, _ in walked] == [p.relative_to(root).parts for p in expected]
    shown = [p.relative_to(root).as_posix() for p in expected if not p.relative_to(root).as_posix().startswith(".")]
    assert [s.name for s in discover(root)] == shown
    assert shown[:4] == ["B.xlsx", "a/z/1.csv", "a b/x.xlsx", "a.xlsx"]  # by parts, as pathlib sorts


def test_lines_of_a_long_status_print_as_rich_prints_them() -> None:
    lines: list[tuple[str | None, str]] = [
        ("red", "001  第一卫生院  未报送"),
        (None, "002  第二卫生院  已报送"),
        ("red", "003"),
    ]
    for terminal in (False, True):
        ours, theirs = io.StringIO(), io.StringIO()
        plain_lines(Console(file=ours, force_terminal=terminal, color_system="standard", highlight=False), lines)
        console = Console(file=theirs, force_terminal=terminal, color_system="standard", highlight=False)
        for colour, text in lines:
            console.print(text, style=colour, soft_wrap=True, markup=False)
        assert ours.getvalue() == theirs.getvalue()
    assert ours.getvalue().startswith("\x1b[31m001  第一卫生院  未报送\x1b[0m\n002")
    piped = io.StringIO()
    plain_lines(Console(file=piped), lines)  # not a terminal: no colours, as rich decides
    assert piped.getvalue() == "001  第一卫生院  未报送\n002  第二卫生院  已报送\n003\n"
