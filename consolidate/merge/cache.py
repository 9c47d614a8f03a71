"""Parsed returns remembered between runs, in one SQLite file in the user's cache folder.

A parsed file is keyed by its name, its bytes' sha256, the spec's sha256, the passwords and the
tool version: a changed file, spec or version is parsed again.

The cache only ever saves time. Whatever is wrong with it (garbage or another program's file at
its path, damaged values, a read-only or full disk, a folder in its place, another run holding
its lock) becomes one warning and the run goes on without it, with the same results. A stored
value carries its sha256 and is decoded only when that matches, by an unpickler that knows the
few classes a parsed return is made of and nothing else: nothing in the file can run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from ..text import Msg
from ..version import __version__

CACHE_BATCH = 256  # parsed files written at a time
LOCK_WAIT = 2.0  # seconds to wait for another run's write before going on without the cache
_CACHE_KEEP_DAYS = 60
_CACHE_FORMAT = "4"  # what a cached Parsed holds; changed when that changes (4: checksummed)
_DIGEST = 32

# What a parsed return is made of: the only classes a stored value may name.
_CLASSES = frozenset(
    {
        ("consolidate.merge.parse", "Parsed"),
        ("consolidate.check.recognise", "Located"),
        ("consolidate.check.recognise", "RawRow"),
        ("consolidate.check.issues", "Issue"),
        ("consolidate.check.validate", "Record"),
        ("consolidate.read.book", "RawBook"),
        ("consolidate.read.book", "RawSheet"),
        ("consolidate.text", "Msg"),
        ("consolidate.text.issues", "Code"),
        ("consolidate.text", "Joined"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "time"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("decimal", "Decimal"),
        ("pathlib", "PosixPath"),
        ("pathlib", "WindowsPath"),
        ("pathlib", "PurePosixPath"),
        ("pathlib", "PureWindowsPath"),
    }
)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name}")
        return super().find_class(module, name)


def safe_loads(data: bytes) -> Any:
    """A value pickled by this package, refusing anything but the classes of a parsed return."""
    return _Unpickler(io.BytesIO(data)).load()


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "consolidate" / "parsed.sqlite"


def cache_key(name: str, data: bytes, spec_sha256: str, passwords: Sequence[str], keep_raw: bool) -> str:
    digest = hashlib.sha256()
    for part in (__version__, _CACHE_FORMAT, spec_sha256, name, "\0".join(passwords), str(keep_raw)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _sealed(value: Any) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(payload).digest() + payload


def _opened(blob: Any) -> Any:
    if not isinstance(blob, bytes) or len(blob) < _DIGEST:
        raise ValueError("damaged value")
    payload = blob[_DIGEST:]
    if hashlib.sha256(payload).digest() != blob[:_DIGEST]:
        raise ValueError("damaged value")
    return safe_loads(payload)


class ParseCache:
    """cache key → a parsed return, in one SQLite file; any problem is one warning, then off."""

    def __init__(self, path: Path, warn: Callable[[Msg], None] | None = None) -> None:
        self.path = path
        self._warn = warn
        self.usable = True
        self._damaged_seen = False
        self._guard(self._create)

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB, used REAL)")
            db.execute("SELECT key, value, used FROM parsed LIMIT 0")  # another program's table?

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=LOCK_WAIT)

    def _guard(self, action: Callable[[], Any]) -> Any:
        if not self.usable:
            return None
        try:
            return action()
        except (sqlite3.Error, OSError, ValueError, MemoryError) as exc:
            self.usable = False
            self._problem(exc)
            return None

    def _problem(self, exc: BaseException | str) -> None:
        if self._warn is not None:
            self._warn(Msg("cache.unusable", error=str(exc) or type(exc).__name__, path=self.path))

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """key → value for the keys found; a damaged value is left out (and warned of once)."""
        rows: list[tuple[str, Any]] = []

        def read() -> None:
            with closing(self._connect()) as db:
                for start in range(0, len(keys), 500):
                    part = list(keys[start : start + 500])
                    marks = ",".join("?" * len(part))
                    rows.extend(db.execute(f"SELECT key, value FROM parsed WHERE key IN ({marks})", part))

        self._guard(read)
        found: dict[str, Any] = {}
        for key, blob in rows:
            try:
                found[str(key)] = _opened(blob)
            except Exception as exc:  # a damaged value: parsed again, and stored again
                if not self._damaged_seen:
                    self._damaged_seen = True
                    self._problem(exc)
        return found

    def get(self, key: str) -> Any:
        return self.get_many([key]).get(key)

    def put_all(self, items: list[tuple[str, Any]], used: list[str]) -> None:
        """Store ``(key, value)`` pairs; mark the keys ``used`` as used now; forget the long unused."""

        def write() -> None:
            now = time.time()
            with closing(self._connect()) as db, db:
                db.executemany(
                    "INSERT OR REPLACE INTO parsed (key, value, used) VALUES (?, ?, ?)",
                    [(key, _sealed(value), now) for key, value in items],
                )
                db.executemany("UPDATE parsed SET used = ? WHERE key = ?", [(now, k) for k in used])
                db.execute("DELETE FROM parsed WHERE used < ?", (now - _CACHE_KEEP_DAYS * 86400,))

        self._guard(write)
