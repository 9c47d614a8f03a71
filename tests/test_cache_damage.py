"""A damaged parse-cache entry is one warning and a fresh parse, never the end of the run
(issue 24 item 2): rows damaged in every field, on one worker and on two.

The cache used to hold pickles, and a return's records were a second pickle inside the first,
read only when the merge reached them: records cut short inside an otherwise valid entry ended
the merge with "出现了意外错误（UnpicklingError: pickle data was truncated）" and exit 2. Now an
entry is plain data, read whole and checked when it is found.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import msgpack
import pytest
from typer.testing import CliRunner

from consolidate.check import Issue, Located, Record, RowChecker
from consolidate.check.recognise import RawRow
from consolidate.cli import app
from consolidate.kinds.demo import build_demo
from consolidate.merge import merge_returns
from consolidate.merge import packing as packing_module
from consolidate.merge.cache import seal, unseal
from consolidate.merge.packing import Damaged, pack_records, unpack_records
from consolidate.merge.parse import Parsed, parse
from consolidate.merge.result import MergeResult
from consolidate.read import RawBook, discover

FILES = 18  # more than the pool's PARALLEL_FROM, so that two workers really share them


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The demo's returns and enough copies of them for two workers: 18 files."""
    demo = build_demo(tmp_path_factory.mktemp("demo") / "demo")
    returns = tmp_path_factory.mktemp("returns") / "returns"
    shutil.copytree(demo.returns, returns)
    good = sorted(p for p in returns.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("~"))
    for index in range(FILES - len(list(returns.iterdir()))):
        copy = returns / f"zz_copy{index}_{good[index].name}"
        shutil.copy(good[index], copy)
        os.utime(copy, (365 * 86400, 365 * 86400))  # older than the unit's own: never the one kept
    assert len(list(returns.iterdir())) == FILES
    return demo.result.spec, returns


@pytest.fixture(scope="module")
def uncached(folder: tuple[Any, Path]) -> MergeResult:
    spec, returns = folder
    return merge_returns(spec, [returns])


@pytest.fixture(scope="module")
def warm(folder: tuple[Any, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec, returns = folder
    cache = tmp_path_factory.mktemp("warm") / "parsed.sqlite"
    merge_returns(spec, [returns], cache=cache)
    return cache


def _same(result: MergeResult, uncached: MergeResult) -> None:
    assert result.totals == uncached.totals
    assert [dataclasses.astuple(s) for s in result.submissions] == [
        dataclasses.astuple(s) for s in uncached.submissions
    ]
    assert result.issues == uncached.issues
    assert list(result.records) == list(uncached.records)
    assert result.exit_code == uncached.exit_code


# ---------------------------------------------------------------------------------------------
# Damage, field by field


def _flip(data: bytes, rng: random.Random, start: int = 0, end: int | None = None) -> bytes:
    at = rng.randrange(start, len(data) if end is None else end)
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]


def _inner(key: str, blob: bytes) -> list[Any]:
    """A stored value's fields, as MessagePack has them (the extension types left packed)."""
    fields: list[Any] = msgpack.unpackb(unseal(key, blob), raw=False, strict_map_key=False)
    return fields


def _resealed(key: str, fields: list[Any]) -> bytes:
    return seal(key, msgpack.packb(fields, use_bin_type=True))


def _damage(kind: str, key: str, blob: bytes, rng: random.Random, other: str) -> tuple[str | None, Any]:
    """(the row's new key, its new value) after damage of ``kind``."""
    if kind == "key-random":
        return f"{rng.getrandbits(256):064x}", blob
    if kind == "key-of-another-file":
        return other, blob  # the other row is deleted first
    if kind == "digest":
        return key, _flip(blob, rng, 0, 32)
    if kind == "payload":
        return key, _flip(blob, rng, 32)
    if kind == "records-cut-short":
        fields = _inner(key, blob)
        records = fields[7]
        fields[7] = records[: rng.randrange(1, len(records))]
        return key, _resealed(key, fields)
    if kind == "records-flipped":
        fields = _inner(key, blob)
        fields[7] = _flip(fields[7], rng)
        return key, _resealed(key, fields)
    if kind == "records-of-another-return":
        fields = _inner(key, blob)
        # Records that read, behind their own right hash, but not this return's count of them.
        other = pack_records([Record("U", None, "f", "s", 1, {})])
        fields[7] = hashlib.sha256(other).digest() + other
        return key, _resealed(key, fields)
    if kind == "field-of-the-wrong-kind":
        fields = _inner(key, blob)
        place = rng.choice([1, 2, 4, 5, 8])  # name, sha256, located, its issues, the record count
        fields[place] = rng.choice([3.5, ["x"], {"a": 1}, "text"])
        return key, _resealed(key, fields)
    if kind == "truncated":
        return key, blob[: rng.randrange(0, len(blob))]
    if kind == "random-bytes":
        return key, rng.randbytes(rng.randrange(1, 4096))
    if kind == "text-not-bytes":
        return key, blob.decode("latin-1")
    if kind == "null":
        return key, None
    if kind == "text-not-utf8":
        return key, _flip(blob, rng, 32)[:40] + b"\xff\xfe"  # stored AS TEXT: undecodable
    raise AssertionError(kind)


KINDS = [
    "key-random",
    "key-of-another-file",
    "digest",
    "payload",
    "records-cut-short",
    "records-flipped",
    "records-of-another-return",
    "field-of-the-wrong-kind",
    "truncated",
    "random-bytes",
    "text-not-bytes",
    "null",
    "text-not-utf8",
]


def _damaged_copy(warm: Path, tmp_path: Path, kind: str, seed: str) -> tuple[Path, int]:
    """A copy of the warm cache with 1 to 3 rows damaged; how many a run should find damaged."""
    cache = tmp_path / "parsed.sqlite"
    shutil.copy(warm, cache)
    rng = random.Random(seed)
    with sqlite3.connect(cache) as db:
        rows = [(k, v) for k, v in db.execute("SELECT key, value FROM parsed ORDER BY key")]
        with_records = [(k, v) for k, v in rows if _inner(k, v)[7]]
        chosen = rng.sample(with_records if kind.startswith("records") else rows, rng.randint(1, 3))
        others = rng.sample([k for k, _ in rows if k not in {c for c, _ in chosen}], len(chosen))
        for (key, blob), other in zip(chosen, others, strict=True):
            new_key, value = _damage(kind, key, blob, rng, other)
            if new_key != key:
                db.execute("DELETE FROM parsed WHERE key = ?", (new_key,))
            cast = "CAST(? AS TEXT)" if kind == "text-not-utf8" else "?"
            db.execute(f"UPDATE parsed SET key = ?, value = {cast} WHERE key = ?", (new_key, value, key))
    return cache, 0 if kind == "key-random" else len(chosen)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_entry_is_dropped_with_one_warning(
    kind: str, workers: int, folder: tuple[Any, Path], uncached: MergeResult, warm: Path, tmp_path: Path
) -> None:
    spec, returns = folder
    cache, damaged = _damaged_copy(warm, tmp_path, kind, f"{kind}-{workers}")
    result = merge_returns(spec, [returns], cache=cache, workers=workers)
    _same(result, uncached)
    shown = [w.render("zh") for w in result.warnings]
    if damaged:
        assert shown == [f"解析缓存中有损坏的记录（{damaged} 条），已丢弃，相应文件已重新读取，结果不受影响：{cache}"]
        assert [w.render("en") for w in result.warnings] == [
            f"the parse cache held damaged entries ({damaged}); they were dropped and their files read again, "
            f"with the same results: {cache}"
        ]
    else:
        assert shown == []  # a row under a key no file has: never read
    # The damaged rows are gone and their files stored again: the next run is quiet and the same.
    again = merge_returns(spec, [returns], cache=cache, workers=workers)
    _same(again, uncached)
    assert again.warnings == []


def test_the_cli_prints_one_line_and_exits_as_without_a_cache(
    folder: tuple[Any, Path], uncached: MergeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, returns = folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    where = tmp_path / "xdg" / "consolidate" / "parsed.sqlite"
    spec_file = tmp_path / "report.json"
    spec_file.write_text(spec.to_json(), encoding="utf-8")
    runner = CliRunner()
    merge = ["merge", str(returns), "-s", str(spec_file), "-o", str(tmp_path / "s.xlsx")]
    first = runner.invoke(app, merge)
    assert first.exit_code == uncached.exit_code == 1, first.output
    shutil.move(where, tmp_path / "warm.sqlite")
    cache, damaged = _damaged_copy(tmp_path / "warm.sqlite", tmp_path, "records-cut-short", "cli")
    shutil.move(cache, where)
    done = runner.invoke(app, merge)
    assert done.exit_code == 1, done.output
    line = f"解析缓存中有损坏的记录（{damaged} 条），已丢弃，相应文件已重新读取，结果不受影响：{where}"
    assert [row for row in done.output.splitlines() if "缓存" in row] == [line]
    assert "意外错误" not in done.output and "Traceback" not in done.output
    assert done.output.replace(line + "\n", "") == first.output


# ---------------------------------------------------------------------------------------------
# What the cache holds: everything a parse is, and nothing else


def test_every_parse_reads_back_as_it_was(folder: tuple[Any, Path], tmp_path: Path) -> None:
    spec, returns = folder
    (returns.parent / "odd").mkdir(exist_ok=True)
    odd = returns.parent / "odd"
    (odd / "not-a-workbook.xlsx").write_bytes(b"PK\x03\x04 nothing more")
    (odd / "empty.csv").write_text("", encoding="utf-8")
    checker = RowChecker(spec)
    parsed = [parse(s, spec, checker, ()) for s in [*discover(returns), *discover(odd)]]
    assert any(p.failure is not None for p in parsed) and any(p.located and p.located.rows for p in parsed)
    assert any(p.check_issues for p in parsed) and any(p.locate_issues for p in parsed)
    for p in parsed:
        p.record_count = len(p.records)
        back = Parsed.unpacked("k", p.packed())
        # The records stay packed until the merge reads them (status never does).
        assert back.records == [] and back.record_count == len(p.records)
        records = unpack_records(back.records_blob) if back.records_blob is not None else []
        assert records == p.records, p.name
        assert dataclasses.replace(back, records=records, records_blob=None) == dataclasses.replace(
            p, cache_key="k", records_blob=None
        ), p.name
        assert [type(v) for r in records for v in r.values.values()] == [
            type(v) for r in p.records for v in r.values.values()
        ]


def test_values_of_every_kind_read_back_as_they_were() -> None:
    import datetime as dt
    from decimal import Decimal

    from consolidate.text import Code, Joined, Msg

    values = {
        "text": "全角１２３ and ﻿odd\u3000spaces",
        "int": -(2**63),
        "float": 0.1 + 0.2,
        "nan-free": float("inf"),
        "bool": True,
        "none": None,
        "date": dt.date(2020, 8, 31),
        "datetime": dt.datetime(2020, 8, 31, 23, 59, 59, 123456),
        "aware": dt.datetime(2020, 8, 31, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "time": dt.time(8, 30),
        "delta": dt.timedelta(days=-1, seconds=5),
        "decimal": Decimal("1.10"),
        "tuple": (1, "a", (2,)),
        "list": [1, [2]],
        "msg": Msg("note.merged", range="A1:B2", inner=Msg("none")),
        "joined": Joined([Msg("none"), "x"], "semi"),
        "code": Code.E_REQUIRED,
    }
    records = [Record("U1", None, "f.xlsx", "填报", 6, values), Record("U1", "T1", "f.xlsx", "填报", 7, {})]
    back = unpack_records(pack_records(records))
    assert back == records
    assert {k: type(v) for k, v in back[0].values.items()} == {
        k: (str if k == "code" else type(v)) for k, v in values.items()
    }


def test_a_value_it_cannot_hold_is_refused_when_packed_not_when_read() -> None:
    class Own:
        pass

    with pytest.raises(packing_module.PACKING_ERRORS):
        pack_records([Record("U1", None, "f", "s", 1, {"x": Own()})])
    with pytest.raises(packing_module.PACKING_ERRORS):
        pack_records([Record("U1", None, "f", "s", 1, {"x": 2**70})])


@pytest.mark.parametrize("seed", range(300))
def test_no_bytes_read_as_records_but_records(seed: int) -> None:
    """Any damage to packed records is Damaged, nothing else: never another exception."""
    rng = random.Random(seed)
    good = pack_records(
        [Record("U1", "T1", "f.xlsx", "填报", 6, {"done": 5, "day": __import__("datetime").date(2020, 1, 2)})]
    )
    how = seed % 3
    data = (
        good[: rng.randrange(len(good))]
        if how == 0
        else _flip(good, rng)
        if how == 1
        else rng.randbytes(rng.randrange(0, 64))
    )
    try:
        records = unpack_records(data)
    except Damaged:
        return
    assert all(isinstance(r, Record) for r in records)  # a flip that still reads: well-formed records


def test_the_codec_knows_every_field_of_what_it_packs() -> None:
    """A field added to one of these classes must be added to merge/packing.py too (and the
    cache format changed): this list is the reminder."""
    known = {
        Parsed: [
            "name",
            "sha256",
            "failure",
            "located",
            "locate_issues",
            "records",
            "check_issues",
            "cache_key",
            "records_blob",
            "record_count",
        ],
        Located: [
            "book",
            "unit_code",
            "sheet",
            "header_row",
            "columns",
            "rows",
            "contact",
            "phone",
            "issues",
            "formulas",
            "blank",
        ],
        RawBook: ["path", "name", "sha256", "modified", "sheets", "meta", "saved", "received", "notes", "received_via"],
        RawRow: ["row", "item_id", "cells"],
        Issue: ["code", "unit", "file", "sheet", "cell", "field", "value", "params"],
        Record: ["unit_code", "item_id", "file", "sheet", "row", "values"],
    }
    for cls, names in known.items():
        assert [f.name for f in dataclasses.fields(cls)] == names, cls.__name__
