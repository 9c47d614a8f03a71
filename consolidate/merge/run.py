"""Returns → a merge result: find every file, parse them (on both cores, cached), keep the newest
return per unit, aggregate per item.

The library entry point is :func:`merge_returns`; it never prints and never raises for bad data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from ..check import Issue, Located, RowChecker, sort_issues, unit_in_text
from ..common import normalise
from ..errors import InputError, SpecError
from ..periods import History, HistoryView, compare, record_rows
from ..read import RawBook, Source, SourceFailure, discover, read_book, received_log
from ..spec import Spec, embedded_spec_json, spec_from_json
from ..text import Joined, Msg
from .aggregate import JOIN_LIMIT, aggregate
from .choose import choose_newest
from .parse import PARSE_TIMEOUT, Parsed, parse, parse_all
from .result import InputFile, MergeResult
from .store import Records, RecordStore

Progress = Callable[[str], None]


def find_files(
    paths: Sequence[str | Path], exclude: Sequence[Path] = (), *, missing_ok: bool = False
) -> list[Source | SourceFailure]:
    """Every candidate return under ``paths`` (folders recursively, archives expanded).

    ``exclude`` names files that are not returns although they lie there: the summary this run
    writes (and wrote last time) when it is put into the returns folder. ``missing_ok``: a folder
    that does not exist yet holds nothing (the day after sending, nothing has come back).
    """
    skip = {p.resolve() for p in exclude}
    roots = [Path(given) for given in paths]
    for root in roots:
        if not root.exists() and not missing_ok:
            raise InputError(Msg("input.not_found", path=root))
    roots = [root for root in roots if root.exists()]
    # With several folders or files, names are relative to what they have in common, so that two
    # "returns/同名.xlsx" from different places stay apart.
    base = Path(os.path.commonpath([r.resolve().parent for r in roots])) if len(roots) > 1 else None
    found: list[Source | SourceFailure] = []
    for root in roots:
        prefix = ""
        if base is not None:
            where = (root.resolve() if root.is_dir() else root.resolve().parent).relative_to(base).as_posix()
            prefix = "" if where == "." else f"{where}/"
        found += [s for s in discover(root, prefix) if s.path.resolve() not in skip]
    return found


def _parse_here(
    sources: list[Source | SourceFailure],
    spec: Spec,
    passwords: Sequence[str],
    keep_raw: bool,
    assigned: dict[str, str],
    progress: Progress | None,
) -> Iterator[Parsed]:
    checker = RowChecker(spec)
    for source in sources:
        parsed = parse(source, spec, checker, passwords, keep_raw, assigned[source.name])
        if progress:
            progress(parsed.name)
        yield parsed


def assigned_units(spec: Spec, sources: Sequence[Source | SourceFailure], assign: Mapping[str, str]) -> dict[str, str]:
    """``--assign FILE=UNIT`` pairs → {source name: unit code}; a unit or file not found stops the run."""
    out: dict[str, str] = {}
    for file, unit in assign.items():
        given = f"{file}={unit}"
        code = next((u.code for u in spec.units if normalise(unit) in (normalise(u.code), normalise(u.name))), None)
        if code is None:
            close = [u.name for u in spec.units if normalise(unit) in normalise(u.name)][:3]
            hint = Msg("spec.did_you_mean_units", names=Joined(close)) if close else ""
            raise InputError(Msg("input.assign_unit", given=given, unit=unit, hint=hint))
        wanted = Path(file)
        matched = [
            s.name
            for s in sources
            if s.name == file
            or (len(wanted.parts) == 1 and Path(s.name).name == file)
            or (isinstance(s, Source) and wanted.exists() and s.path.resolve() == wanted.resolve())
        ]
        if not matched:
            raise InputError(Msg("input.assign_file", given=given, file=file))
        out.update(dict.fromkeys(matched, code))
    return out


def spec_from_returns(paths: Sequence[str | Path], passwords: Sequence[str] = ()) -> Spec:
    """The spec embedded in the newest template-made return (used when ``-s`` is not given)."""
    # Newest file first: it is the most likely to carry the current version of the template, and
    # usually the only one that has to be opened.
    sources = [s for s in find_files(paths) if isinstance(s, Source)]
    for source in sorted(sources, key=lambda s: (s.modified, s.name), reverse=True):
        book = read_book(source, passwords)
        embedded = embedded_spec_json(book.meta) if isinstance(book, RawBook) else ""
        if embedded:
            try:
                return spec_from_json(embedded)
            except SpecError as exc:
                raise InputError(Msg("input.embedded_spec", file=book.name, error=exc)) from None
    raise InputError(Msg("input.no_template_spec"))


def merge_returns(
    spec: Spec,
    paths: Sequence[str | Path],
    progress: Progress | None = None,
    passwords: Sequence[str] = (),
    *,
    workers: int | None = None,
    cache: Path | None = None,
    keep_raw: bool = True,
    exclude: Sequence[Path] = (),
    sources: list[Source | SourceFailure] | None = None,
    allow_empty: bool = False,
    record_budget: int | None = None,
    join_limit: int = JOIN_LIMIT,
    assign: Mapping[str, str] | None = None,
    parse_timeout: float = PARSE_TIMEOUT,
    history: Path | None = None,
    record_history: bool = False,
) -> MergeResult:
    """Read, check and merge every return under ``paths``.

    ``workers`` processes parse the files (default: one per core, for 16 files or more);
    ``cache`` is a SQLite file remembering parsed files between runs (default: none);
    ``keep_raw=False`` forgets the cells as typed once checked, which halves the memory of a
    large merge but leaves nothing for :func:`consolidate.write.write_feedback`;
    ``record_budget`` records are kept in memory, the rest wait in a temporary file (default
    :data:`~.store.MEMORY_BUDGET`); a joined text stops at ``join_limit`` characters;
    ``assign`` maps a file (its name as shown, its base name or its path) to the unit that sent
    it (code or name), for a return that cannot be attributed otherwise (``--assign FILE=UNIT``).

    ``allow_empty``: no files (or no folder yet) is a result in which every unit is missing.

    Each file is read in a worker process: one that crashes it, exhausts its memory or takes
    longer than ``parse_timeout`` seconds is one unreadable file, and the others merge. A cache
    that cannot be used is a warning in ``MergeResult.warnings``, never a failed merge.

    ``history`` is the report's history file (see :mod:`consolidate.periods`): the values are checked
    against the unit's earlier periods, and ``record_history`` records this period's accepted
    values in it. A history that cannot be used is a warning too, and the merge goes on without.
    """
    # ``sources``: what find_files(paths, exclude) returned to a caller who counted them first;
    # walking folders and opening archives once is enough.
    sources = find_files(paths, exclude, missing_ok=allow_empty) if sources is None else sources
    if not sources and not allow_empty:
        raise InputError(Msg("input.no_files"))
    received: dict[Path, dt.datetime] = {}
    for given in paths:
        if Path(given).is_dir():
            received.update(received_log(Path(given)))
    # An archive's members arrived with the archive: they share its received time.
    on_disk = {s.name: s.path.resolve() for s in sources if isinstance(s, Source)}
    file_times = {s.name: s.modified for s in sources if isinstance(s, Source)}
    issues: list[Issue] = []
    inputs: list[InputFile] = []
    located: list[Located] = []
    failed: list[tuple[str, str | None]] = []
    checked: dict[str, list[Issue]] = {}
    store = RecordStore(record_budget)
    warnings: list[Msg] = []
    assigned = assigned_units(spec, sources, assign or {})
    # Returns given a unit are parsed here, outside the pool and its cache (a cached parse would
    # carry the unit it was attributed to before).
    here = _parse_here([s for s in sources if s.name in assigned], spec, passwords, keep_raw, assigned, progress)
    pooled = [source for source in sources if source.name not in assigned]
    for parsed in itertools.chain(
        parse_all(
            pooled,
            spec,
            passwords,
            workers=workers,
            cache=cache,
            progress=progress,
            keep_raw=keep_raw,
            warn=warnings.append,
            timeout=parse_timeout,
        ),
        here,
    ):
        inputs.append(InputFile(parsed.name, parsed.sha256))
        if parsed.failure is not None:
            guessed = unit_in_text(Path(parsed.name).stem, spec.units)
            failed.append((parsed.name, guessed))
            issues.append(
                Issue("E-UNREADABLE-FILE", unit=guessed or "", file=parsed.name, params={"reason": parsed.failure})
            )
            continue
        issues += parsed.locate_issues
        if parsed.located is not None:
            book = parsed.located.book
            book.modified = file_times.get(parsed.name, book.modified)  # a cached parse keeps an old time
            book.received = received.get(on_disk[parsed.name]) if parsed.name in on_disk else None
            located.append(parsed.located)
            checked[parsed.name] = parsed.check_issues
            store.add(parsed.name, parsed.take_records(), parsed.record_count)
    chosen, submissions, dup_issues = choose_newest(spec, located, failed)
    issues += dup_issues
    checker = RowChecker(spec)
    kept: list[str] = []
    for unit in spec.units:
        if unit.code in chosen:
            name = chosen[unit.code].book.name
            kept.append(name)
            issues += checked[name]
            submissions[unit.code].rows = store.count(name)
        elif submissions[unit.code].status == "missing":
            issues.append(Issue("W-MISSING-RETURN", unit=unit.code, params={"unit": unit.name}))
    records = Records(store, kept)
    summary, total = aggregate(spec, records, checker, join_limit)
    view: HistoryView | None = None
    if history is not None:
        keeper = History(history, warnings.append)
        view = keeper.view(spec)
        if view is not None:
            issues += compare(spec, view, records, chosen)
        if record_history:
            hashes = {i.name: i.sha256 for i in inputs}
            keeper.record(spec, record_rows(spec, records, chosen, hashes), summary, len(chosen))
    return MergeResult(
        spec,
        records,
        [submissions[u.code] for u in spec.units],
        sort_issues(issues, [u.code for u in spec.units]),
        sorted(inputs, key=lambda i: i.name),
        summary,
        total.values,
        chosen,
        keep_raw,
        total,
        warnings,
        view,
    )
