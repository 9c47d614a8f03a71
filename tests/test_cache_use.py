"""The parse cache remembers when each entry was last used, to forget what has not been used for
60 days, in a table of its own: beside each entry's bytes, reading and marking it walked and
rewrote a return's records (400 MB for 10,000 returns, 1.7 s of each status)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from consolidate.merge.cache import ParseCache, seal


def _used(path: Path) -> dict[str, float]:
    with closing(sqlite3.connect(path)) as db:
        used = dict(db.execute("SELECT key, used FROM usage"))
        assert set(used) == {key for (key,) in db.execute("SELECT key FROM parsed")}
        return used


def test_entries_are_marked_when_used_and_forgotten_after_60_days_unused(tmp_path: Path) -> None:
    path = tmp_path / "parsed.sqlite"
    cache = ParseCache(path)
    cache.put_all([("hour", b"a"), ("days", b"b"), ("old", b"c"), ("unused", b"d")], [])
    now = time.time()
    with closing(sqlite3.connect(path)) as db, db:
        for key, ago in (("hour", 3600), ("days", 2 * 86400), ("old", 61 * 86400), ("unused", 59 * 86400)):
            db.execute("UPDATE usage SET used = ? WHERE key = ?", (now - ago, key))
    before = _used(path)
    cache.put_all([], ["hour", "days", "old"])
    after = _used(path)
    assert after["hour"] >= now and after["days"] >= now and after["old"] >= now  # marked now
    assert after["unused"] == before["unused"]  # not used, not yet 60 days: kept
    cache.put_all([], [])
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE usage SET used = ? WHERE key = 'unused'", (now - 61 * 86400,))
    cache.put_all([], [])
    assert set(_used(path)) == {"hour", "days", "old"}  # 61 days unused: forgotten
    assert cache.get_many(["hour", "days", "old"], lambda key, data: data) == {"hour": b"a", "days": b"b", "old": b"c"}


def test_a_cache_of_the_previous_version_keeps_its_entries_and_their_use(tmp_path: Path) -> None:
    path = tmp_path / "parsed.sqlite"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE parsed (key TEXT PRIMARY KEY, value BLOB, used REAL)")
        db.execute("INSERT INTO parsed VALUES ('k', ?, 12345.0)", (seal("k", b"payload"),))
    cache = ParseCache(path)
    assert _used(path) == {"k": 12345.0}
    assert cache.get_many(["k"], lambda key, data: data) == {"k": b"payload"}
