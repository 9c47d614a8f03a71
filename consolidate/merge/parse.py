"""Per-file work (read → recognise → check), on both cores and remembered between runs.

Each source is parsed on its own, so the files are spread over a process pool; results come
back in input order (``Executor.map``), so the summary's bytes never depend on scheduling. A
parsed file is remembered by :mod:`.cache`: re-merging while returns trickle in only parses what
changed.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..check import Issue, Located, Record, RowChecker, locate
from ..read import RawBook, Source, SourceFailure, read_book
from ..spec import Spec, spec_from_json
from ..text import Msg
from .cache import CACHE_BATCH, ParseCache, cache_key
from .pool import ordered_map

_META_KEPT = frozenset({"format_version", "report_id", "period", "unit_code", "unit_name", "spec_sha256"})


@dataclass
class Parsed:
    """One source after reading, recognising and checking: what a worker sends back."""

    name: str
    sha256: str
    failure: Msg | None = None  # why it could not be read
    located: Located | None = None  # without its sheets: only what merge and feedback need
    locate_issues: list[Issue] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    check_issues: list[Issue] = field(default_factory=list)
    cache_key: str = ""
    # From a worker, the records come pickled: the merge keeps them as they are (on disk for a
    # large merge) instead of unpickling and holding every one of them.
    records_blob: bytes | None = None
    record_count: int = 0

    def take_records(self) -> list[Record] | bytes:
        """The records, as objects or pickled, to hand to a RecordStore (with ``record_count``)."""
        return self.records_blob if self.records_blob is not None else self.records


def parse(
    source: Source | SourceFailure,
    spec: Spec,
    checker: RowChecker,
    passwords: Sequence[str],
    keep_raw: bool = True,
    unit: str | None = None,
) -> Parsed:
    """Read, recognise and check one source; ``keep_raw`` keeps the cells as typed (for feedback);
    ``unit`` is the unit code given for it with ``--assign``."""
    if isinstance(source, SourceFailure):
        return Parsed(source.name, "", failure=source.reason)
    book = read_book(source, passwords)
    if not isinstance(book, RawBook):
        return Parsed(book.name, book.sha256, failure=book.reason)
    found, issues = locate(book, spec, unit)
    parsed = Parsed(book.name, book.sha256, located=found, locate_issues=issues)
    if found is not None:
        parsed.records, parsed.check_issues = checker.check(found)
        parsed.record_count = len(parsed.records)
        # What merge and feedback keep of a return: not its sheets, nor the embedded spec
        # (hundreds of KB each when a report has 1,000 units), nor the template's layout.
        found.book.sheets = []
        found.book.meta = {k: v for k, v in found.book.meta.items() if k in _META_KEPT}
        if not keep_raw:
            found.rows = []
    return parsed


# ---------------------------------------------------------------------------------------------
# Workers

_worker: tuple[Spec, RowChecker, tuple[str, ...], ParseCache | None, bool] | None = None


def _init(spec_json: str, passwords: tuple[str, ...], cache_path: str | None, keep_raw: bool) -> None:
    global _worker
    spec = spec_from_json(spec_json)
    cache = ParseCache(Path(cache_path)) if cache_path else None
    _worker = (spec, RowChecker(spec), passwords, cache, keep_raw)


def _work(source: Source | SourceFailure) -> tuple[Parsed, bool]:
    """(parsed, came from the cache)."""
    assert _worker is not None
    spec, checker, passwords, cache, keep_raw = _worker
    key = ""
    if cache is not None and isinstance(source, Source):
        try:
            data = source.read()
        except OSError:
            data = b""
        key = cache_key(source.name, data, spec.sha256, passwords, keep_raw)
        hit = cache.get(key)
        if isinstance(hit, Parsed):
            return hit, True
    parsed = parse(source, spec, checker, passwords, keep_raw)
    parsed.cache_key = key
    if key or mp.parent_process() is not None:
        # To the merge process (and the cache) pickled once, here on the worker's core: the merge
        # keeps the bytes as they are when its memory budget is used up.
        parsed.records_blob = pickle.dumps(parsed.records, protocol=pickle.HIGHEST_PROTOCOL)
        parsed.records = []
    return parsed, False


def parse_all(
    sources: list[Source | SourceFailure],
    spec: Spec,
    passwords: Sequence[str] = (),
    *,
    workers: int | None = None,
    cache: Path | None = None,
    progress: Callable[[str], None] | None = None,
    keep_raw: bool = True,
) -> Iterator[Parsed]:
    """Parsed sources in input order; in a process pool when there are enough of them."""
    spec_json = spec.public_json
    secrets = tuple(passwords)
    cache_path = str(cache) if cache is not None else None
    fresh: list[Parsed] = []
    used: list[str] = []
    results = ordered_map(
        _work, sources, workers=workers, initializer=_init, initargs=(spec_json, secrets, cache_path, keep_raw)
    )
    for parsed, hit in results:
        if hit:
            used.append(parsed.cache_key)
        elif parsed.cache_key:
            fresh.append(parsed)
        if progress:
            progress(parsed.name)
        yield parsed
        # Written as they come, a few hundred at a time, so they are not all held to the end.
        if cache is not None and len(fresh) + len(used) >= CACHE_BATCH:
            ParseCache(cache).put_all([(p.cache_key, p) for p in fresh], used)
            fresh.clear()
            used.clear()
    if cache is not None:
        ParseCache(cache).put_all([(p.cache_key, p) for p in fresh], used)
