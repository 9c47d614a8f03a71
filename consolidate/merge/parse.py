"""Per-file work (read → recognise → check), on both cores and remembered between runs.

Each source is parsed on its own, so the files are spread over a process pool; results come
back in input order (``Executor.map``), so the summary's bytes never depend on scheduling. A
parsed file is remembered by :mod:`.cache`: re-merging while returns trickle in only parses what
changed.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check import Issue, Located, RawRow, Record, RowChecker, locate
from ..check.coerce import is_blank
from ..common import text_mark
from ..read import PASSED_OVER, RawBook, Source, SourceFailure, file_sha256, read_book
from ..spec import Spec, spec_from_json
from ..text import Code, Msg
from .cache import CACHE_BATCH, ParseCache, cache_key, file_stamp
from .packing import PACKING_ERRORS, pack_parsed, pack_records, unpack_parsed
from .pool import Lost, contained_map

_META_KEPT = frozenset({"format_version", "report_id", "period", "unit_code", "unit_name", "spec_sha256"})
_STARTED = "started"  # _meta: the cells a template started from the unit's last text (prefill: last)


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
    # From a worker, the records come packed (:func:`.packing.pack_records`): the merge keeps
    # them as they are (on disk for a large merge) instead of reading and holding every one.
    records_blob: bytes | None = None
    record_count: int = 0

    def take_records(self) -> list[Record] | bytes:
        """The records, as objects or packed, to hand to a RecordStore (with ``record_count``)."""
        return self.records_blob if self.records_blob is not None else self.records

    def packed(self) -> bytes:
        """This parse as the cache stores it (``TypeError``... when a value cannot be packed)."""
        records = self.records_blob if self.records_blob is not None else pack_records(self.records)
        return pack_parsed(
            self.name,
            self.sha256,
            self.failure,
            self.located,
            self.locate_issues,
            self.check_issues,
            records,
            self.record_count,
        )

    @classmethod
    def unpacked(cls, key: str, data: bytes) -> Parsed:
        """A parse the cache stored, checked (:class:`~.packing.Damaged` if it is not one); its
        records stay packed, as a worker sends them, until the merge reads them."""
        name, sha256, failure, located, locate_issues, blob, check_issues, count = _reordered(unpack_parsed(data))
        return cls(name, sha256, failure, located, locate_issues, [], check_issues, key, blob, count)


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
        return Parsed(source.name, "", failure=_plain(source.reason))
    book = read_book(source, passwords)
    if not isinstance(book, RawBook):
        return Parsed(book.name, book.sha256, failure=_plain(book.reason))
    found, issues = locate(book, spec, unit)
    parsed = Parsed(book.name, book.sha256, located=found, locate_issues=issues)
    if found is not None:
        found.blank = is_blank_return(found, spec)
        parsed.records, parsed.check_issues = checker.check(found)
        parsed.record_count = len(parsed.records)
        # What merge and feedback keep of a return: not its sheets, nor the embedded spec
        # (hundreds of KB each when a report has 1,000 units), nor the template's layout.
        found.book.sheets = []
        found.book.meta = {k: v for k, v in found.book.meta.items() if k in _META_KEPT}
        if not keep_raw:
            found.rows = []
    return parsed


_TYPED_BESIDE = frozenset({Code.W_EXTRA_VALUE, Code.E_UNKNOWN_ITEM})  # something typed outside the fields


def is_blank_return(found: Located, spec: Spec) -> bool:
    """Whether a located return holds nothing a unit typed: every cell of the fields units fill
    in is empty (the items' own cells come filled in the template), nothing beside them. Only
    for fixed rows: an open list with no rows is a unit's "nothing to report"."""
    inputs = [f.id for f in spec.fields if f.is_input]
    if spec.rows != "fixed" or any(issue.code in _TYPED_BESIDE for issue in found.issues):
        return False
    started = _started(found.book.meta.get(_STARTED, ""))

    def untouched(raw: RawRow, field_id: str) -> bool:
        value = raw.cells.get(field_id)
        if is_blank(value):
            return True
        mark = started.get(found.cell(raw.row, field_id)) if started and field_id in found.columns else None
        return mark is not None and isinstance(value, str) and text_mark(value) == mark

    return all(untouched(raw, field_id) for raw in found.rows for field_id in inputs)


def _started(text: str) -> dict[str, str]:
    """The template's marks of the texts its cells started from (none when unreadable)."""
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _reordered(fields: tuple[Any, ...]) -> tuple[Any, ...]:
    """:func:`~.packing.unpack_parsed`'s fields in the order of Parsed's."""
    name, sha256, failure, located, locate_issues, check_issues, records, count = fields
    return name, sha256, failure, located, locate_issues, records, check_issues, count


def _plain(reason: Msg) -> Msg:
    """A reason as it will be shown, its exceptions as their text: what the cache may hold."""
    return Msg(reason.key, **{k: str(v) if isinstance(v, BaseException) else v for k, v in reason.params.items()})


# ---------------------------------------------------------------------------------------------
# Workers

PARSE_TIMEOUT = 300.0  # seconds one file may take before it is given up as unreadable

_worker: tuple[Spec, RowChecker, tuple[str, ...], bool] | None = None


def _init(spec_json: str, passwords: tuple[str, ...], keep_raw: bool) -> None:
    global _worker
    spec = spec_from_json(spec_json)
    _worker = (spec, RowChecker(spec), passwords, keep_raw)


_COLLECT_EVERY = 256  # files a worker parses between two collections of its cycles
_done = 0


def _work(job: tuple[Source | SourceFailure, str]) -> Parsed:
    assert _worker is not None
    global _done
    _done += 1
    if not gc.isenabled() and _done % _COLLECT_EVERY == 0:
        # Forked from a merge with the cycle collector off: what few cycles parsing leaves (an
        # exception and its traceback) are collected now and then, among the newest objects only.
        gc.collect(0)
    source, key = job
    spec, checker, passwords, keep_raw = _worker
    parsed = parse(source, spec, checker, passwords, keep_raw)
    parsed.cache_key = key
    # To the merge process (and the cache) packed once, here on the worker's core: the merge
    # keeps the bytes as they are when its memory budget is used up. A value that cannot be
    # packed (a field type's own class) travels as an object, and is not cached.
    try:
        parsed.records_blob = pack_records(parsed.records)
    except PACKING_ERRORS:
        return parsed
    parsed.records = []
    return parsed


def _lost(job: tuple[Source | SourceFailure, str], why: Lost) -> Parsed:
    """A file whose worker died or stalled: unreadable, and not remembered (it may be the machine)."""
    source = job[0]
    try:
        digest = file_sha256(source.read()) if isinstance(source, Source) else ""
    except OSError:
        digest = ""
    if why.timeout:
        reason = Msg("read.timed_out", seconds=f"{why.timeout:g}")
    elif why.how == "MemoryError":
        reason = Msg("read.out_of_memory")
    else:
        reason = Msg("read.crashed", how=why.how)
    return Parsed(source.name, digest, failure=reason)


def parse_all(
    sources: list[Source | SourceFailure],
    spec: Spec,
    passwords: Sequence[str] = (),
    *,
    workers: int | None = None,
    cache: Path | None = None,
    progress: Callable[[str], None] | None = None,
    keep_raw: bool = True,
    warn: Callable[[Msg], None] | None = None,
    timeout: float = PARSE_TIMEOUT,
) -> Iterator[Parsed]:
    """Parsed sources in input order, each read in a worker process (see :func:`contained_map`):
    a file that takes its worker down, or too long, is one unreadable file and the rest go on.
    ``warn`` hears of a cache that cannot be used (the run goes on without it)."""
    secrets = tuple(passwords)
    store = ParseCache(cache, warn) if cache is not None else None
    keys = _keys(sources, spec, secrets, keep_raw, store) if store is not None else [""] * len(sources)
    hits = store.get_many([k for k in keys if k], Parsed.unpacked) if store is not None else {}
    jobs = [(source, key) for source, key in zip(sources, keys, strict=True) if not isinstance(hits.get(key), Parsed)]
    results = contained_map(
        _work,
        jobs,
        workers=workers,
        initializer=_init,
        initargs=(spec.public_json, secrets, keep_raw),
        lost=_lost,
        timeout=timeout,
    )
    fresh: list[Parsed] = []
    used: list[str] = []
    for key in keys:
        hit = hits.pop(key, None) if key else None
        if isinstance(hit, Parsed):
            parsed = hit
            used.append(key)
        else:
            parsed = next(results)
            if parsed.cache_key and _remembered(parsed):
                fresh.append(parsed)
        if progress:
            progress(parsed.name)
        yield parsed
        # Written as they come, a few hundred at a time, so they are not all held to the end;
        # the keys used are only marked, all at once at the end.
        if store is not None and len(fresh) >= CACHE_BATCH:
            store.put_all(_payloads(fresh), [], tidy=False)
            fresh.clear()
    if store is not None:
        store.put_all(_payloads(fresh), used)


def _payloads(fresh: list[Parsed]) -> list[tuple[str, bytes]]:
    """What the cache stores of each fresh parse; one holding a value that cannot be packed is left out."""
    out = []
    for parsed in fresh:
        try:
            out.append((parsed.cache_key, parsed.packed()))
        except PACKING_ERRORS:
            continue
    return out


def _remembered(parsed: Parsed) -> bool:
    """Every parse is remembered but a file whose worker died or stalled (it may be the machine)."""
    # An output of ours is looked for again each time (a file given by name is read all the same).
    return parsed.failure is None or parsed.failure.key not in (
        "read.crashed",
        "read.timed_out",
        "read.out_of_memory",
        PASSED_OVER.key,
    )


def _keys(
    sources: list[Source | SourceFailure], spec: Spec, passwords: tuple[str, ...], keep_raw: bool, store: ParseCache
) -> list[str]:
    """Each source's cache key ("" for none). A file seen before, unchanged, is known by its stamp
    without being read; the others are read and hashed, and remembered."""
    stamps = [
        file_stamp(s.path, s.stat) if isinstance(s, Source) and s.data is None and s.stat is not None else None
        for s in sources
    ]
    known = store.file_digests([stamp for stamp in stamps if stamp is not None])
    keys = []
    for source, stamp in zip(sources, stamps, strict=True):
        digest = known.get(stamp) if stamp is not None else None
        if digest is None and isinstance(source, Source):
            try:
                digest = file_sha256(source.read())
            except OSError:
                digest = None
        keys.append("" if digest is None else cache_key(source.name, digest, spec.sha256, passwords, keep_raw))
        if stamp is not None and digest is not None:
            known[stamp] = digest
    store.remember_files({stamp: known[stamp] for stamp in stamps if stamp is not None and stamp in known})
    return keys
