"""Parsed returns remembered between runs, in one SQLite file in the user's cache folder.

A parsed file is keyed by its name, its bytes' sha256, the spec's sha256, the passwords and the
tool version: a changed file, spec or version is parsed again. The sha256 of a file seen before
is remembered by its stamp (:func:`file_stamp`: path, size, times, inode), so that an unchanged
file is not read again to find its key.

The cache only ever saves time. Whatever is wrong with it (garbage or another program's file at
its path, damaged values, a read-only or full disk, a folder in its place, another run holding
its lock) becomes one warning and the run goes on without it, with the same results. A stored
value is plain data (MessagePack, see :mod:`.packing`: no pickle, nothing in the file can run
code) after the sha256 of its key and its bytes. It is read whole when it is found and checked
field by field, its records against their own sha256 and their count (they are read when the
merge needs them): one that does not match its hash, is stored under another file's key or
does not read back as a parsed return is dropped, and its file parsed again.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from ..text import Msg
from ..version import __version__
from .packing import Damaged

CACHE_BATCH = 256  # parsed files written at a time
LOCK_WAIT = 2.0  # seconds to wait for another run's write before going on without the cache
_CACHE_KEEP_DAYS = 60
# What a cached Parsed holds; changed when that changes (5: MessagePack, no pickle; 6: how a return arrived;
# 7: keyed by the file's sha256, which the files table remembers; 8: a blank return is known).
_CACHE_FORMAT = "8"
_DIGEST = 32
# A file changed less than this many seconds before it was hashed may change again within the same
# tick of the file system's clock, its size and times unchanged: it is not remembered (git's "racy" files).
_SETTLED = 2.0


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "consolidate" / "parsed.sqlite"


def cache_key(name: str, file_sha256: str, spec_sha256: str, passwords: Sequence[str], keep_raw: bool) -> str:
    """The key of a file's parse: its name and bytes (by their sha256), the spec, the passwords."""
    digest = hashlib.sha256()
    for part in (__version__, _CACHE_FORMAT, spec_sha256, name, "\0".join(passwords), str(keep_raw), file_sha256):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def file_stamp(path: Path, stat: os.stat_result) -> str | None:
    """What tells a file on disk unchanged: its path, size, times and identity (every write moves
    its change time, which no program sets back); None while it may still be changing."""
    if time.time() - max(stat.st_mtime, stat.st_ctime) < _SETTLED:
        return None
    return (
        f"{os.path.abspath(path)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\0{stat.st_dev}"
    )


def seal(key: str, payload: bytes) -> bytes:
    """A stored value: the sha256 of its key and its payload, then the payload. The key is in the
    hash so that a value moved under another file's key is not taken for that file's."""
    return hashlib.sha256(key.encode("utf-8") + b"\0" + payload).digest() + payload


def unseal(key: str, blob: Any) -> bytes:
    """The payload of a stored value, or :class:`Damaged` when it is not the one stored under ``key``."""
    if not isinstance(blob, bytes) or len(blob) < _DIGEST:
        raise Damaged("not a stored value")
    payload = blob[_DIGEST:]
    if seal(key, payload)[:_DIGEST] != blob[:_DIGEST]:
        raise Damaged("its hash does not match")
    return payload


T = TypeVar("T")


class ParseCache:
    """cache key → a parsed return's bytes, in one SQLite file; any problem is one warning, then off."""

    def __init__(self, path: Path, warn: Callable[[Msg], None] | None = None) -> None:
        self.path = path
        self._warn = warn
        self.usable = True
        self.damaged = 0  # entries found damaged (and dropped) by this run
        self._marked: set[str] = set()  # files' stamps found marked as used today
        self._guard(self._create)

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB, used REAL)")
            db.execute("SELECT key, value, used FROM parsed LIMIT 0")  # another program's table?
            # When each entry was last used, apart from its bytes: reading ``parsed.used`` walks
            # the pages of the value before it (a return's records), 400 MB for 10,000 returns.
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "usage" not in tables:
                db.execute("CREATE TABLE usage (key TEXT PRIMARY KEY, used REAL) WITHOUT ROWID")
                db.execute("INSERT OR IGNORE INTO usage SELECT key, COALESCE(used, 0) FROM parsed")
            db.execute("SELECT key, used FROM usage LIMIT 0")
            # The sha256 of files already read, by their stamp (:func:`file_stamp`): a file seen
            # before is not read again to find its key (``status`` over 10,000 returns).
            db.execute(
                "CREATE TABLE IF NOT EXISTS files (stamp TEXT PRIMARY KEY, sha256 TEXT, used REAL) WITHOUT ROWID"
            )
            db.execute("SELECT stamp, sha256, used FROM files LIMIT 0")

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

    def get_many(self, keys: Sequence[str], decode: Callable[[str, bytes], T]) -> dict[str, T]:
        """key → ``decode(key, payload)`` for the keys found.

        An entry whose hash does not match, or that ``decode`` refuses (:class:`Damaged`), is
        left out and deleted: its file is parsed again (and stored again). However many there
        are, one warning says how many.
        """
        rows: list[tuple[Any, Any]] = []

        def read() -> None:
            # As bytes whatever the row holds: a text that is not UTF-8 must not fail the whole read.
            rows.extend(self._rows("SELECT key, CAST(value AS BLOB) FROM parsed WHERE key IN ({})", keys))

        self._guard(read)
        found: dict[str, T] = {}
        bad: list[Any] = []
        for key, blob in rows:
            try:
                if not isinstance(key, str):
                    raise Damaged("not a key")
                found[key] = decode(key, unseal(key, blob))
            except Damaged:
                bad.append(key)
        if bad:
            self.damaged += len(bad)
            if self._warn is not None:
                self._warn(Msg("cache.damaged", n=len(bad), path=self.path))
            self._guard(lambda: self._forget(bad))
        return found

    def file_digests(self, stamps: Sequence[str]) -> dict[str, str]:
        """stamp → the sha256 of the file's bytes, for the files remembered."""
        found: dict[str, str] = {}

        def read() -> None:
            for stamp, digest, used in self._rows("SELECT stamp, sha256, used FROM files WHERE stamp IN ({})", stamps):
                if isinstance(stamp, str) and isinstance(digest, str) and len(digest) == 64:
                    found[stamp] = digest
                    if isinstance(used, float) and used > time.time() - 86400:
                        self._marked.add(stamp)  # used today: not marked again

        self._guard(read)
        return found

    def _rows(self, query: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
        """The rows of ``query`` (its ``IN ({})`` filled) for ``keys``, asked 500 at a time."""
        rows: list[tuple[Any, ...]] = []
        with closing(self._connect()) as db:
            for start in range(0, len(keys), 500):
                part = list(keys[start : start + 500])
                rows.extend(db.execute(query.format(",".join("?" * len(part))), part))
        return rows

    def remember_files(self, digests: dict[str, str]) -> None:
        """Remember (or mark as used now) each stamp's sha256; forget the files long unseen."""

        def write() -> None:
            now = time.time()
            with closing(self._connect()) as db, db:
                db.executemany(
                    "INSERT OR REPLACE INTO files (stamp, sha256, used) VALUES (?, ?, ?)",
                    [(stamp, digest, now) for stamp, digest in digests.items() if stamp not in self._marked],
                )
                db.execute("DELETE FROM files WHERE used < ?", (now - _CACHE_KEEP_DAYS * 86400,))

        if digests:
            self._guard(write)

    def _forget(self, keys: list[Any]) -> None:
        with closing(self._connect()) as db, db:
            db.executemany("DELETE FROM parsed WHERE key = ?", [(k,) for k in keys])
            db.executemany("DELETE FROM usage WHERE key = ?", [(k,) for k in keys])

    def put_all(self, items: list[tuple[str, bytes]], used: list[str], tidy: bool = True) -> None:
        """Store ``(key, payload)`` pairs; mark the keys ``used`` as used now; forget the long
        unused (``tidy``: a run's last call; the others leave that to it)."""

        def write() -> None:
            now = time.time()
            with closing(self._connect()) as db, db:
                db.executemany(
                    "INSERT OR REPLACE INTO parsed (key, value, used) VALUES (?, ?, ?)",
                    [(key, seal(key, payload), now) for key, payload in items],
                )
                marks = [(key, now) for key, _ in items] + [(key, now) for key in used]
                db.executemany("INSERT OR REPLACE INTO usage (key, used) VALUES (?, ?)", marks)
                if not tidy:
                    return
                old = now - _CACHE_KEEP_DAYS * 86400
                db.execute("DELETE FROM parsed WHERE key IN (SELECT key FROM usage WHERE used < ?)", (old,))
                db.execute("DELETE FROM usage WHERE used < ?", (old,))

        self._guard(write)
