"""Returns → a merge result: find every file, parse them (on both cores, cached), keep the newest
return per unit, aggregate per item.

The library entry point is :func:`merge_returns`; it never prints and never raises for bad data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..check import Issue, Located, RowChecker, sort_issues, unit_in_text
from ..common import gc_paused, names_like, normalise
from ..errors import InputError
from ..periods import MERGE_WAIT, History, HistoryView, Recording, compare, record_rows
from ..read import PASSED_OVER, Source, SourceFailure, discover, received_log, received_via
from ..spec import Spec
from ..text import Code, Joined, Msg
from .aggregate import JOIN_LIMIT, Figures, SummaryRow, aggregate, trend_rows
from .choose import choose_newest
from .origin import embedded_spec
from .parse import PARSE_TIMEOUT, Parsed, parse, parse_all
from .result import InputFile, MergeResult, Submission
from .store import Records, RecordStore

if TYPE_CHECKING:
    from ..periods.store import Row

Progress = Callable[[str], None]


def find_files(
    paths: Sequence[str | Path], exclude: Sequence[Path] = (), *, missing_ok: bool = False, look_later: bool = False
) -> list[Source | SourceFailure]:
    """Every candidate return under ``paths`` (folders recursively, archives expanded).

    ``exclude`` names files that are not returns although they lie there: the summary this run
    writes (and wrote last time) when it is put into the returns folder. ``missing_ok``: a folder
    that does not exist yet holds nothing (the day after sending, nothing has come back).
    """
    skip = _identities(exclude)
    roots = [Path(given) for given in paths]
    for root in roots:
        if not root.exists() and not missing_ok:
            raise InputError(_not_found(root))
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
        found += [s for s in discover(root, prefix, look_later=look_later) if not skip or _identity(s) not in skip]
    return found


def _not_found(root: Path) -> Msg:
    """A returns folder or file that is not there: where it was looked for, and the names there
    most like it (``收回 11月`` for ``收回11月``, or for a name split by a space)."""
    close = names_like(root)
    hint = Msg("input.not_found_near", names=Joined(close)) if close else ""
    return Msg("input.not_found", path=root, folder=root.parent.absolute(), hint=hint)


def _identities(paths: Sequence[Path]) -> set[tuple[int, int]]:
    """The files ``paths`` name (those there), as (device, inode): the same file by any path or link."""
    out = set()
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        out.add((stat.st_dev, stat.st_ino))
    return out


def _identity(source: Source | SourceFailure) -> tuple[int, int] | None:
    stat = source.stat if isinstance(source, Source) else None
    if stat is None:  # a member of an archive: the archive's
        try:
            stat = os.stat(source.path)
        except OSError:
            return None
    return stat.st_dev, stat.st_ino


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
    return embedded_spec(paths, passwords).spec


@dataclass(frozen=True)
class MergeOptions:
    """How :func:`merge_returns` reads and merges (every field has a default).

    ``workers`` processes parse the files (default: one per core, for 16 files or more);
    ``cache`` is a SQLite file remembering parsed files between runs (default: none);
    ``keep_raw=False`` forgets the cells as typed once checked, which halves the memory of a
    large merge but leaves nothing for :func:`consolidate.write.write_feedback`;
    ``record_budget`` records are kept in memory, the rest wait in a temporary file (default
    :data:`~.store.MEMORY_BUDGET`); a joined text stops at ``join_limit`` characters;
    ``assign`` maps a file (its name as shown, its base name or its path) to the unit that sent
    it (code or name), for a return that cannot be attributed otherwise (``--assign FILE=UNIT``);
    ``exclude`` names files under the folders that are not returns (the summary itself).

    ``allow_empty``: no files (or no folder yet) is a result in which every unit is missing.
    ``figures=False`` leaves the figures out (who returned, when, and what is wrong is all a
    status needs): ``result.figures`` is then empty, and the merge a second shorter a 1,000
    returns.

    ``history`` is the report's history file (see :mod:`consolidate.periods`): the values are checked
    against the unit's earlier periods, and ``record_history`` records this period's accepted
    values in it: the record is made when the summary is in place (:func:`~consolidate.write.write_summary`),
    or by :meth:`MergeResult.record_history` when no summary is written; until then the history is
    locked, and another merge of the same report waits up to ``lock_wait`` seconds for it.
    """

    passwords: Sequence[str] = ()
    workers: int | None = None
    cache: Path | None = None
    keep_raw: bool = True
    exclude: Sequence[Path] = ()
    allow_empty: bool = False
    record_budget: int | None = None
    join_limit: int = JOIN_LIMIT
    assign: Mapping[str, str] | None = None
    parse_timeout: float = PARSE_TIMEOUT
    history: Path | None = None
    record_history: bool = False
    lock_wait: float = MERGE_WAIT
    figures: bool = True


@dataclass
class _Gathered:
    """What the files gave: the returns located, the files that failed, the issues so far."""

    inputs: list[InputFile] = dataclasses.field(default_factory=list)
    issues: list[Issue] = dataclasses.field(default_factory=list)
    located: list[Located] = dataclasses.field(default_factory=list)
    failed: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    checked: dict[str, list[Issue]] = dataclasses.field(default_factory=dict)
    warnings: list[Msg] = dataclasses.field(default_factory=list)


def merge_returns(
    spec: Spec,
    paths: Sequence[str | Path],
    options: MergeOptions | None = None,
    *,
    progress: Progress | None = None,
    sources: list[Source | SourceFailure] | None = None,
    notice: Callable[[Msg], None] | None = None,
    **changes: Any,
) -> MergeResult:
    """Read, check and merge every return under ``paths``.

    ``options`` (a :class:`MergeOptions`), or its fields given by name (``keep_raw=False``,
    ``history=...``), say how. ``progress`` is called with each file's name once it is parsed.
    ``sources``: what :func:`find_files` returned to a caller who counted them first.
    ``notice`` is told at once what a user waiting should know (another merge holds the history).

    Each file is read in a worker process: one that crashes it, exhausts its memory or takes
    longer than ``parse_timeout`` seconds is one unreadable file, and the others merge. A cache
    or a history that cannot be used is a warning in ``MergeResult.warnings``, never a failed
    merge.
    """
    opts = dataclasses.replace(options or MergeOptions(), **changes)
    if sources is None:
        sources = find_files(paths, opts.exclude, missing_ok=opts.allow_empty, look_later=True)
    if not sources and not opts.allow_empty:
        raise InputError(Msg("input.no_files"))
    warnings: list[Msg] = []
    recording: Recording | None = None
    if opts.history is not None and opts.record_history:
        # Taken first: a second merge of the report waits here until this one's summary is in place.
        recording = History(opts.history, warnings.append).begin(spec, opts.lock_wait, notice)
    try:
        with gc_paused():  # the workers, forked meanwhile, start with it off too
            return _merge(spec, paths, sources, opts, progress, recording, warnings)
    except BaseException:
        if recording is not None:
            recording.abandon()
        raise


def _merge(
    spec: Spec,
    paths: Sequence[str | Path],
    sources: list[Source | SourceFailure],
    opts: MergeOptions,
    progress: Progress | None,
    recording: Recording | None,
    warnings: list[Msg],
) -> MergeResult:
    # Records are read as they come when the figures need them; else only if something asks.
    store = RecordStore(opts.record_budget, lazy=not (opts.figures or recording is not None))
    got = _gather(spec, paths, sources, opts, store, progress)
    warnings += got.warnings
    got.warnings = warnings  # one list: the history's later warnings join it
    chosen, submissions, dup_issues = choose_newest(spec, got.located, got.failed)
    issues = got.issues + dup_issues
    kept: list[str] = []
    for unit in spec.units:
        if unit.code in chosen:
            name = chosen[unit.code].book.name
            kept.append(name)
            issues += got.checked[name]
            submissions[unit.code].rows = store.count(name)
        elif submissions[unit.code].status == "missing":
            issues.append(Issue(Code.W_MISSING_RETURN, unit=unit.code, params={"unit": unit.name}))
    records = Records(store, kept)
    if recording is not None:
        # The history's rows made by a forked child while the figures are made here (a core idle).
        recording.prepare(_record_rows(spec, records, chosen, got), _refused(spec, chosen, submissions, issues))
    # A period recorded keeps its totals: the figures are made then, whatever ``figures`` says.
    figures = (
        aggregate(spec, records, RowChecker(spec), opts.join_limit)
        if opts.figures or recording is not None
        else Figures([], SummaryRow("", {}, 0, 0))
    )
    view: HistoryView | None = None
    if opts.history is not None:
        view, compared = _with_history(spec, opts, records, chosen, got, figures)
        issues += compared
    if recording is not None:
        rows = _record_rows(spec, records, chosen, got)
        refused = _refused(spec, chosen, submissions, issues)
        if recording.stage(rows, figures.rows, len(chosen), refused, later=True):  # written meanwhile
            issues += _kept_issues(spec, recording, submissions)
        else:
            recording = None
    return MergeResult(
        spec=spec,
        records=records,
        submissions=[submissions[u.code] for u in spec.units],
        issues=sort_issues(issues, [u.code for u in spec.units]),
        inputs=sorted(got.inputs, key=lambda i: i.name),
        figures=figures,
        returns=chosen,
        raw_kept=opts.keep_raw,
        warnings=got.warnings,
        history=view,
        recording=recording,
    )


# A return refused whole, naming its unit: what was accepted of that unit before is kept.
_REFUSED = frozenset({Code.E_UNREADABLE_FILE, Code.E_WRONG_PERIOD, Code.E_OTHER_REPORT, Code.E_NO_TABLE})


def _refused(
    spec: Spec, chosen: Mapping[str, Located], submissions: Mapping[str, Submission], issues: list[Issue]
) -> list[str]:
    """The units whose returns were refused whole (their values recorded before are kept)."""
    refused = [u.code for u in spec.units if u.code not in chosen and submissions[u.code].status != "missing"]
    return refused + [i.unit for i in issues if i.code in _REFUSED and i.unit and i.unit not in chosen]


def _record_rows(spec: Spec, records: Records, chosen: Mapping[str, Located], got: _Gathered) -> Iterator[Row]:
    """The period's rows for the history, with each file's sha256."""
    return record_rows(spec, records, chosen, {i.name: i.sha256 for i in got.inputs})


def _kept_issues(spec: Spec, recording: Recording, submissions: Mapping[str, Submission]) -> list[Issue]:
    """W-KEPT-EARLIER for each unit whose earlier accepted values the history keeps."""
    return [
        Issue(
            Code.W_KEPT_EARLIER,
            unit=code,
            file=submissions[code].file,
            params={
                "unit": spec.unit_map[code].name,
                "values": kept.values,
                "files": Joined(kept.files),
                "recorded": kept.recorded,
            },
        )
        for code, kept in recording.kept.items()
    ]


def _gather(
    spec: Spec,
    paths: Sequence[str | Path],
    sources: list[Source | SourceFailure],
    opts: MergeOptions,
    store: RecordStore,
    progress: Progress | None,
) -> _Gathered:
    """Parse every file (in the pool, or here for the returns given a unit) into ``store``."""
    received: dict[Path, dt.datetime] = {}
    via: dict[Path, str] = {}
    for given in paths:
        if Path(given).is_dir():
            received.update(received_log(Path(given)))
            via.update(received_via(Path(given)))
    # An archive's members arrived with the archive: they share its received time.
    # (Resolved only when some times were recorded: a path resolved is a system call per folder.)
    on_disk = {s.name: s.path.resolve() for s in sources if isinstance(s, Source)} if received or via else {}
    file_times = {s.name: s.modified for s in sources if isinstance(s, Source)}
    got = _Gathered()
    assigned = assigned_units(spec, sources, opts.assign or {})
    # Returns given a unit are parsed here, outside the pool and its cache (a cached parse would
    # carry the unit it was attributed to before).
    here = _parse_here(
        [s for s in sources if s.name in assigned], spec, opts.passwords, opts.keep_raw, assigned, progress
    )
    pooled = [source for source in sources if source.name not in assigned]
    for parsed in itertools.chain(
        parse_all(
            pooled,
            spec,
            opts.passwords,
            workers=opts.workers,
            cache=opts.cache,
            progress=progress,
            keep_raw=opts.keep_raw,
            warn=got.warnings.append,
            timeout=opts.parse_timeout,
        ),
        here,
    ):
        if parsed.failure is not None and parsed.failure.key == PASSED_OVER.key:
            continue  # one of our outputs (a summary...) among the returns: never one of them
        got.inputs.append(InputFile(parsed.name, parsed.sha256))
        if parsed.failure is not None:
            guessed = unit_in_text(Path(parsed.name).stem, spec.units)
            got.failed.append((parsed.name, guessed))
            got.issues.append(
                Issue(Code.E_UNREADABLE_FILE, unit=guessed or "", file=parsed.name, params={"reason": parsed.failure})
            )
            continue
        got.issues += parsed.locate_issues
        if parsed.located is not None:
            book = parsed.located.book
            book.modified = file_times.get(parsed.name, book.modified)  # a cached parse keeps an old time
            book.received = received.get(on_disk[parsed.name]) if parsed.name in on_disk else None
            book.received_via = via.get(on_disk[parsed.name], "mail") if parsed.name in on_disk else "mail"
            got.located.append(parsed.located)
            got.checked[parsed.name] = parsed.check_issues
            store.add(parsed.name, parsed.take_records(), parsed.record_count)
    return got


def _with_history(
    spec: Spec,
    opts: MergeOptions,
    records: Records,
    chosen: dict[str, Located],
    got: _Gathered,
    figures: Figures,
) -> tuple[HistoryView | None, list[Issue]]:
    """The earlier periods (checked against), and this period recorded when asked."""
    assert opts.history is not None
    keeper = History(opts.history, got.warnings.append)
    view = keeper.view(spec)
    issues = compare(spec, view, records, chosen) if view is not None else []
    if view is not None and (opts.figures or opts.record_history):
        figures.trend = trend_rows(spec, view, figures.rows)
    return view, issues
