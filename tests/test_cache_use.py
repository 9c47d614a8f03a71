"""The parse cache remembers when each entry was last used, to forget what has not been used for
60 days; marking an entry rewrites its whole row (a return's records), so an entry used within
the last day is not marked again (10,000 returns, merged twice a day, rewrote 400 MB)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from consolidate.merge.cache import ParseCache


def _used(path: Path) -> dict[str, float]:
    with closing(sqlite3.connect(path)) as db:
        return dict(db.execute("SELECT key, used FROM parsed"))


def test_entries_are_marked_once_a_day_and_forgotten_after_60_days_unused(tmp_path: Path) -> None:
    path = tmp_path / "parsed.sqlite"
    cache = ParseCache(path)
    cache.put_all([("hour", b"a"), ("days", b"b"), ("old", b"c"), ("unused", b"d")], [])
    now = time.time()
    with closing(sqlite3.connect(path)) as db, db:
        for key, ago in (("hour", 3600), ("days", 2 * 86400), ("old", 61 * 86400), ("unused", 59 * 86400)):
            db.execute("UPDATE parsed SET used = ? WHERE key = ?", (now - ago, key))
    before = _used(path)
    cache.put_all([], ["hour", "days", "old"])
    after = _used(path)
    assert after["hour"] == before["hour"]  # used an hour ago: left as it was
    assert after["days"] >= now and after["old"] >= now  # marked now
    assert after["unused"] == before["unused"]  # not used, not yet 60 days: kept
    cache.put_all([], [])
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE parsed SET used = ? WHERE key = 'unused'", (now - 61 * 86400,))
    cache.put_all([], [])
    assert set(_used(path)) == {"hour", "days", "old"}  # 61 days unused: forgotten
    assert cache.get_many(["hour", "days", "old"], lambda key, data: data) == {"hour": b"a", "days": b"b", "old": b"c"}
