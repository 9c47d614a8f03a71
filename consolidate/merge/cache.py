"""Parsed returns remembered between runs, in one SQLite file in the user's cache folder.

A parsed file is keyed by its name, its bytes' sha256, the spec's sha256, the passwords and the
tool version: a changed file, spec or version is parsed again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from ..version import __version__

CACHE_BATCH = 256  # parsed files written at a time
_CACHE_KEEP_DAYS = 60
_CACHE_FORMAT = "3"  # what a cached Parsed holds; changed when that changes (3: reasons as Msg)


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "consolidate" / "parsed.sqlite"


def cache_key(name: str, data: bytes, spec_sha256: str, passwords: Sequence[str], keep_raw: bool) -> str:
    digest = hashlib.sha256()
    for part in (__version__, _CACHE_FORMAT, spec_sha256, name, "\0".join(passwords), str(keep_raw)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()


class ParseCache:
    """cache key → a parsed return, in one SQLite file (pickled values, local only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB, used REAL)")

    def get(self, key: str) -> Any:
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            row = db.execute("SELECT value FROM parsed WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            value = pickle.loads(row[0])
        except Exception:
            return None
        return value

    def put_all(self, items: list[tuple[str, Any]], used: list[str]) -> None:
        """Store ``(key, value)`` pairs; mark the keys ``used`` as used now; forget the long unused."""
        now = time.time()
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            db.executemany(
                "INSERT OR REPLACE INTO parsed (key, value, used) VALUES (?, ?, ?)",
                [(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), now) for key, value in items],
            )
            db.executemany("UPDATE parsed SET used = ? WHERE key = ?", [(now, k) for k in used])
            db.execute("DELETE FROM parsed WHERE used < ?", (now - _CACHE_KEEP_DAYS * 86400,))
