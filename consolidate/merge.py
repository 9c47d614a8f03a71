"""Returns → tables: read every file, keep the newest return per unit, aggregate per item.

The library entry point is :func:`merge_returns`; it never prints and never raises for bad data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import os
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import InputError, SpecError
from .i18n import Lang, t
from .issues import Issue, Level, count_levels, sort_issues
from .pipeline import parse_all
from .reader import RawBook, embedded_spec_json, read_book, received_log
from .recognise import Located, unit_in_text
from .sources import Source, SourceFailure, discover
from .spec import FieldSpec, Spec, spec_from_json
from .store import Records, RecordStore
from .validate import Record, RowChecker

Status = Literal["returned", "missing", "duplicate", "unreadable"]


@dataclass
class Submission:
    """What one unit sent: the status shown in 报送情况."""

    unit_code: str
    status: Status = "missing"
    file: str = ""
    received: dt.datetime | None = None
    overdue: bool = False
    contact: str = ""
    phone: str = ""
    rows: int = 0
    other_files: list[str] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class InputFile:
    name: str
    sha256: str


@dataclass
class SummaryRow:
    """One row of 汇总: an item (or, for open rows, a unit) with aggregated values."""

    key: str
    values: dict[str, Any]
    expected_units: int
    reported_units: int
    cut: dict[str, int] = dataclasses.field(default_factory=dict)  # joined field -> units left out


@dataclass
class MergeResult:
    spec: Spec
    records: Records  # every kept record in unit order, read from memory or disk as iterated
    submissions: list[Submission]
    issues: list[Issue]
    inputs: list[InputFile]
    summary: list[SummaryRow]
    totals: dict[str, Any]
    returns: dict[str, Located] = dataclasses.field(default_factory=dict)  # unit code -> the return used
    raw_kept: bool = True  # the returns' cells as typed are kept (feedback files need them)

    def records_of(self, unit_code: str) -> list[Record]:
        """The records of the return kept for one unit."""
        located = self.returns.get(unit_code)
        return self.records.of(located.book.name) if located is not None else []

    @property
    def exit_code(self) -> int:
        return 1 if any(i.level is Level.ERROR for i in self.issues) else 0

    def counts_for(self, unit_code: str) -> dict[Level, int]:
        return self._counts.get(unit_code) or count_levels([])

    @functools.cached_property
    def _counts(self) -> dict[str, dict[Level, int]]:
        by_unit: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_unit.setdefault(issue.unit, []).append(issue)
        return {unit: count_levels(issues) for unit, issues in by_unit.items()}

    @property
    def data_as_of(self) -> dt.datetime | None:
        times = [s.received for s in self.submissions if s.received is not None]
        return max(times) if times else None


Progress = Callable[[str], None]


def find_files(paths: Sequence[str | Path], exclude: Sequence[Path] = ()) -> list[Source | SourceFailure]:
    """Every candidate return under ``paths`` (folders recursively, archives expanded).

    ``exclude`` names files that are not returns although they lie there: the summary this run
    writes (and wrote last time) when it is put into the returns folder.
    """
    skip = {p.resolve() for p in exclude}
    roots = [Path(given) for given in paths]
    for root in roots:
        if not root.exists():
            raise InputError(f"找不到：{root} (no such file or folder)")
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
                raise InputError(f"{book.name}: {exc}") from None
    raise InputError("没有找到由模板生成的报表，请用 -s 指定 report.yaml (no template metadata found; pass -s SPEC)")


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
) -> MergeResult:
    """Read, check and merge every return under ``paths``.

    ``workers`` processes parse the files (default: one per core, for 16 files or more);
    ``cache`` is a SQLite file remembering parsed files between runs (default: none);
    ``keep_raw=False`` forgets the cells as typed once checked, which halves the memory of a
    large merge but leaves nothing for :func:`consolidate.feedback.write_feedback`.
    """
    # ``sources``: what find_files(paths, exclude) returned to a caller who counted them first;
    # walking folders and opening archives once is enough.
    sources = find_files(paths, exclude) if sources is None else sources
    if not sources:
        raise InputError("没有可读取的文件 (no input files)")
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
    store = RecordStore()
    for parsed in parse_all(
        sources, spec, passwords, workers=workers, cache=cache, progress=progress, keep_raw=keep_raw
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
    chosen, submissions, dup_issues = _choose(spec, located, failed)
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
    summary, totals = aggregate(spec, records, checker)
    return MergeResult(
        spec,
        records,
        [submissions[u.code] for u in spec.units],
        sort_issues(issues, [u.code for u in spec.units]),
        sorted(inputs, key=lambda i: i.name),
        summary,
        totals,
        chosen,
        keep_raw,
    )


def _choose(
    spec: Spec, located: list[Located], failed: list[tuple[str, str | None]]
) -> tuple[dict[str, Located], dict[str, Submission], list[Issue]]:
    """Newest return per unit wins; the others are listed in W-DUPLICATE-RETURN."""
    by_unit: dict[str, list[Located]] = {}
    for item in located:
        by_unit.setdefault(item.unit_code, []).append(item)
    deadline = spec.report.deadline
    submissions = {u.code: Submission(u.code) for u in spec.units}
    chosen: dict[str, Located] = {}
    issues: list[Issue] = []
    for code, candidates in by_unit.items():
        candidates.sort(key=lambda r: r.book.order, reverse=True)
        winner = candidates[0]
        chosen[code] = winner
        sub = submissions[code]
        sub.status = "returned" if len(candidates) == 1 else "duplicate"
        sub.file = winner.book.name
        sub.received = winner.book.time
        sub.overdue = deadline is not None and winner.book.time.date() > deadline
        sub.contact, sub.phone = winner.contact, winner.phone
        sub.other_files = [c.book.name for c in candidates[1:]]
        if len(candidates) > 1:
            names = "、".join(c.book.name for c in candidates)
            issues.append(
                Issue(
                    "W-DUPLICATE-RETURN",
                    unit=code,
                    file=winner.book.name,
                    params={"unit": spec.unit_map[code].name, "files": names, "kept": winner.book.name},
                )
            )
    for name, guessed in failed:
        if guessed is not None and guessed not in chosen:
            submissions[guessed].status = "unreadable"
            submissions[guessed].file = name
    return chosen, submissions, issues


# ---------------------------------------------------------------------------------------------
# Aggregation


# One Excel cell holds 32,767 characters; a joined text stops short of that, leaving room to say
# how many units' entries did not fit (they are all in 明细).
JOIN_LIMIT = 32_000


def with_cut_note(joined: str, left_out: int, lang: Lang) -> str:
    """A joined text that stopped at JOIN_LIMIT, with the line saying how many units are left out."""
    return f"{joined}\n{t('join.more', lang, n=left_out)}" if left_out else joined


class Accumulator:
    """One field's aggregate over rows, fed one value at a time (nothing but the result is kept)."""

    __slots__ = ("best", "count", "field", "how", "lang", "length", "numbers", "omitted", "present", "rank", "texts")

    def __init__(self, field: FieldSpec, lang: Lang = "zh") -> None:
        self.field = field
        self.how = field.effective_aggregate
        self.lang = lang
        self.numbers = array("d")  # sum, mean (math.fsum reads them as floats, exactly as before)
        self.texts: list[str] = []  # join, up to what one Excel cell holds
        self.length = 0
        self.omitted = 0  # units whose text did not fit (明细 has them all)
        self.best: Any = None  # min, max, first, worst
        self.rank = len(field.worst_order)
        self.count = 0  # count
        self.present = False

    def add(self, value: Any, unit_name: str = "") -> None:
        if value is None or value == "":
            return
        how = self.how
        self.present = True
        if how == "sum" or how == "mean":
            if value.__class__ is int or value.__class__ is float:  # not bool
                self.numbers.append(value)
        elif how == "join":
            text = f"【{unit_name}】{value}"
            if self.length + len(text) + 1 > JOIN_LIMIT:
                self.omitted += 1
            else:
                self.texts.append(text)
                self.length += len(text) + 1
        elif how == "count":
            if self.field.type != "bool" or value is True:
                self.count += 1
        elif how == "first":
            if self.best is None:
                self.best = value
        elif how == "min":
            if self.best is None or value < self.best:
                self.best = value
        elif how == "max":
            if self.best is None or value > self.best:
                self.best = value
        elif how == "worst":
            order = self.field.worst_order
            if value in order and order.index(value) < self.rank:
                self.rank = order.index(value)
                self.best = value

    def result(self, note: bool = True) -> Any:
        """The aggregate; a cut join ends with a line saying so (``note``), in ``lang``."""
        how = self.how
        if how == "count":
            return self.count
        if how == "none" or not self.present:
            return None
        if how == "join":
            joined = "\n".join(self.texts)
            return with_cut_note(joined, self.omitted, self.lang) if note else joined
        if how == "sum" or how == "mean":
            if not self.numbers:
                return None
            total = math.fsum(self.numbers)
            return _tidy(total) if how == "sum" else total / len(self.numbers)
        return self.best


def aggregate_values(field: FieldSpec, values: Iterable[Any], unit_names: Iterable[str], lang: Lang = "zh") -> Any:
    """Aggregate one field over rows (``unit_names`` label each value for ``join``)."""
    acc = Accumulator(field, lang)
    for value, unit_name in zip(values, unit_names, strict=True):
        acc.add(value, unit_name)
    return acc.result()


def _tidy(value: float) -> float | int:
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return round(value, 10)


def aggregate(spec: Spec, records: Iterable[Record], checker: RowChecker) -> tuple[list[SummaryRow], dict[str, Any]]:
    """Per item (per unit for open lists) and in total, in one pass over the records."""
    fields = [f for f in spec.fields if not f.formula]
    totalled = [f for f in fields if f.effective_aggregate in ("sum", "count")]
    fixed = spec.rows == "fixed"
    keys = [item.id for item in spec.items] if fixed else [unit.code for unit in spec.units]
    groups = {key: [Accumulator(f, spec.lang) for f in fields] for key in keys}
    reported: dict[str, set[str]] = {key: set() for key in keys}
    totals_acc = [Accumulator(f) for f in totalled]
    names = {unit.code: unit.name for unit in spec.units}
    ids = [f.id for f in fields]
    total_ids = [f.id for f in totalled]
    for record in records:
        values = record.values
        key = record.item_id if fixed else record.unit_code
        group = groups.get(key) if key is not None else None
        if group is not None:
            reported[key].add(record.unit_code)  # type: ignore[index]
            name = names[record.unit_code]
            for acc, field_id in zip(group, ids, strict=True):
                acc.add(values.get(field_id), name)
        for acc, field_id in zip(totals_acc, total_ids, strict=True):
            acc.add(values.get(field_id))
    expected = {item.id: len(item.units) for item in spec.items} if fixed else dict.fromkeys(keys, 1)
    rows: list[SummaryRow] = []
    for key, group in groups.items():
        # A cut join's note is added in the summary's language when the tables are made.
        values = {f.id: acc.result(note=False) for f, acc in zip(fields, group, strict=True)}
        cut = {f.id: acc.omitted for f, acc in zip(fields, group, strict=True) if acc.omitted}
        if fixed and not reported[key]:
            item_values = spec.item_map[key].values
            values.update({f.id: item_values.get(f.id) for f in spec.fields if f.source == "item" and f.type == "text"})
        checker.compute(values)
        rows.append(SummaryRow(key, values, expected[key], len(reported[key]), cut))
    totals: dict[str, Any] = dict.fromkeys(ids)
    totals.update({f.id: acc.result() for f, acc in zip(totalled, totals_acc, strict=True)})
    checker.compute(totals)
    return rows, totals
