"""A report's history: every merged period's accepted values, in one SQLite file per report folder.

Each merge records its period (replacing that period's earlier record, so re-merging never
duplicates) and reads the periods before it: the unit's last value of each item and field (上期
in templates and summaries, ``prev.*`` in rules), the values the outlier check measures against,
and each period's totals for 趋势. Values are stored as JSON, never pickled. A history that
cannot be read or written is one warning, and the merge goes on without it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..check import Located, Record
from ..common import fork_helper, forkable, helper_done, helper_stopped, xl_col_to_name
from ..errors import InputError
from ..spec import Spec
from ..text import Msg

HISTORY_FILE = "history.sqlite"
# In a unit's last values (:meth:`HistoryView.last_values`): the period they are from, when older
# than the previous one. No item has an empty id, so no value is ever under this key.
AS_OF = ("", "as of")
SCHEMA = "3"
_LOCK_WAIT = 10.0
MERGE_WAIT = 600.0  # seconds a merge waits for another merge of the same report
_LOCK_POLL = 0.2
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS periods (report TEXT, period TEXT, recorded TEXT, source TEXT,"
    " units INTEGER, returned INTEGER, PRIMARY KEY (report, period))",
    # A unit's values of a period are one row: ``data`` is a JSON array of [item, field, value,
    # cell], each value as its JSON text (``dump_value``), ``n`` how many. A thousand returns of
    # 170 values are 1,000 rows written, not 170,000 (schema 3; ``vals`` below shows them one per
    # value, as schema 2 stored them). A value's file, sheet and sha256 are its source's (one row
    # per file in ``sources``).
    "CREATE TABLE IF NOT EXISTS unitvals (report TEXT, period TEXT, unit TEXT, source INTEGER, n INTEGER,"
    " data TEXT, PRIMARY KEY (report, period, unit, source)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS sources (report TEXT, period TEXT, source INTEGER, file TEXT, sheet TEXT,"
    " sha256 TEXT, PRIMARY KEY (report, period, source)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS totals (report TEXT, period TEXT, item TEXT, data TEXT, reported INTEGER,"
    " PRIMARY KEY (report, period, item))",
    "CREATE TABLE IF NOT EXISTS specs (report TEXT, period TEXT, name TEXT, text TEXT, saved TEXT,"
    " PRIMARY KEY (report, period, name))",
    # Each accepted value, one per row (unit × item × field, its cell and its source's number):
    # for a person or a program reading the file with SQL, as in schema 2.
    "CREATE VIEW IF NOT EXISTS vals AS SELECT u.report AS report, u.period AS period, u.unit AS unit,"
    " json_extract(j.value, '$[0]') AS item, json_extract(j.value, '$[1]') AS field,"
    " json_extract(j.value, '$[2]') AS value, u.source AS source, json_extract(j.value, '$[3]') AS cell"
    " FROM unitvals u, json_each(u.data) j",
)
# Schema 2 (one row per value in a table ``vals``) → 3, in the transaction that opens the file.
_FROM_2 = (
    "CREATE TABLE unitvals (report TEXT, period TEXT, unit TEXT, source INTEGER, n INTEGER,"
    " data TEXT, PRIMARY KEY (report, period, unit, source)) WITHOUT ROWID",
    "INSERT INTO unitvals SELECT report, period, unit, source, COUNT(*),"
    " json_group_array(json_array(item, field, value, cell)) FROM vals GROUP BY report, period, unit, source",
    "DROP TABLE vals",
    "UPDATE meta SET value = '3' WHERE key = 'schema'",
)
Warn = Callable[[Msg], None]
Key = tuple[str, str, str]  # unit code, item id, field id
# One accepted value: unit, item, field, value, and where it came from: file, sheet, cell, sha256.
Row = tuple[str, str, str, Any, str, str, str, str]


class Totals(Protocol):
    """A summary row as the history keeps it for 趋势 (a merge's ``SummaryRow``)."""

    @property
    def key(self) -> str: ...
    @property
    def values(self) -> Mapping[str, Any]: ...
    @property
    def reported_units(self) -> int: ...


def default_history_path(spec: Spec) -> Path | None:
    """``history.sqlite`` beside the spec; None for a spec that is not a file (read from a return)."""
    return spec.path.parent / HISTORY_FILE if spec.path is not None else None


def dump_value(value: Any) -> str:
    """A value as JSON text (dates and times tagged): what ``vals.value`` holds."""
    kind = type(value)
    if kind is str:
        return _json_string(value)  # json.dumps(value, ensure_ascii=False), in C without its overhead
    if kind is int or (kind is float and math.isfinite(value)):
        return repr(value)  # the JSON of a number, without json's overhead (a merge stores many)
    if isinstance(value, dt.datetime):
        return json.dumps({"$datetime": value.isoformat()})
    if isinstance(value, dt.date):
        return json.dumps({"$date": value.isoformat()})
    return json.dumps(value, ensure_ascii=False)


_json_string = json.encoder.encode_basestring
_dump_rows = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def load_value(text: str) -> Any:
    value = json.loads(text)
    if isinstance(value, dict):
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
    return value


@dataclass
class Change:
    """A cumulative field over the (unit, item) pairs that have both this period's value and an
    earlier one: 上期累计, 累计, and from them 本期新增 and 环比."""

    previous: float = 0.0
    current: float = 0.0
    pairs: int = 0
    # Who (a unit; an item in a unit's row) has a figure this period and none before: in 累计, not
    # in these; and who is paired with a figure older than the previous period's (unit, period).
    # Few, as a rule: named in the figures' notes.
    unpaired: list[str] = field(default_factory=list)
    older: list[tuple[str, str]] = field(default_factory=list)

    def add(self, current: float, previous: float) -> None:
        self.previous += previous
        self.current += current
        self.pairs += 1

    def merge(self, other: Change) -> None:
        """``other``'s pairs added to these (several rows' changes as one: a group of items)."""
        self.previous += other.previous
        self.current += other.current
        self.pairs += other.pairs
        self.unpaired += other.unpaired
        self.older += other.older

    @property
    def new(self) -> float | None:
        return _tidy(self.current - self.previous) if self.pairs else None

    @property
    def ratio(self) -> float | None:
        """环比: the growth over the previous period's figure, (本期 − 上期) / 上期."""
        if not self.pairs or self.previous == 0:
            return None
        return (self.current - self.previous) / self.previous


def _tidy(value: float) -> float | int:
    rounded = round(value, 10)
    return int(rounded) if rounded == int(rounded) else rounded


@dataclass
class TrendPoint:
    period: str
    item: str
    values: dict[str, Any]
    reported: int


@dataclass
class HistoryView:
    """What the history holds for one merge's period: earlier values and totals, and the changes."""

    period: str
    earlier: dict[Key, list[tuple[str, Any]]] = field(default_factory=dict)  # oldest first
    periods: list[str] = field(default_factory=list)  # recorded periods before this one, oldest first
    trend: list[TrendPoint] = field(default_factory=list)  # earlier periods' totals per item
    by_item: dict[str, dict[str, Change]] = field(default_factory=dict)
    by_unit: dict[str, dict[str, Change]] = field(default_factory=dict)
    total: dict[str, Change] = field(default_factory=dict)

    @property
    def previous(self) -> str | None:
        """The latest recorded period before this one."""
        return self.periods[-1] if self.periods else None

    def last(self, unit: str, item: str, field_id: str) -> tuple[str, Any] | None:
        """(period, value): the unit's last recorded value of an item's field before this period."""
        values = self.earlier.get((unit, item, field_id))
        return values[-1] if values else None

    def last_values(self) -> dict[str, dict[tuple[str, str], Any]]:
        """unit code → (item, field) → the unit's last value, for its template; and, under
        :data:`AS_OF`, the period they are from when that is older than the previous period (the
        unit did not report then: its template's 上期 columns say which period they show)."""
        out: dict[str, dict[tuple[str, str], Any]] = {}
        latest: dict[str, str] = {}
        for (unit, item, fid), values in self.earlier.items():
            if values:
                out.setdefault(unit, {})[(item, fid)] = values[-1][1]
                latest[unit] = max(latest.get(unit, ""), values[-1][0])
        previous = self.previous
        for unit, period in latest.items():
            if previous is not None and period < previous:
                out[unit][AS_OF] = period
        return out


class History:
    """One report's history file; every problem is one warning (through ``warn``), then off."""

    def __init__(self, path: Path, warn: Warn | None = None) -> None:
        self.path = path
        self._warn = warn
        self.usable = True

    def _connect(self, create: bool, threads: bool = False) -> sqlite3.Connection:
        if not create and not self.path.exists():
            raise FileNotFoundError(self.path)
        # ``threads``: used by one thread at a time, not always the one that opened it.
        db = sqlite3.connect(self.path, timeout=_LOCK_WAIT, check_same_thread=not threads)
        try:
            # Another program's database, or a history of another version, is left exactly as it
            # was: checked before any table is created.
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and "meta" not in tables:
                raise ValueError("not a history file")
            if "meta" in tables:
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if row is not None and row[0] == "2" and "vals" in tables:
                    with db:
                        for statement in _FROM_2:
                            db.execute(statement)
                elif row is not None and row[0] != SCHEMA:
                    raise ValueError(f"schema {row[0]}")
            with db:
                for statement in _TABLES:
                    db.execute(statement)
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if row is None:
                    db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA,))
                elif row[0] != SCHEMA:
                    raise ValueError(f"schema {row[0]}")
                db.execute("SELECT report, period, unit, item, field, value FROM vals LIMIT 0")  # another program's?
        except BaseException:
            db.close()
            raise
        return db

    def _guard(self, action: Callable[[], Any]) -> Any:
        if not self.usable:
            return None
        try:
            return action()
        except FileNotFoundError:
            return None  # no history yet: the first period of the report
        except (sqlite3.Error, OSError, ValueError, TypeError, KeyError, MemoryError) as exc:
            self.usable = False
            self.problem(exc)
            return None

    def problem(self, exc: BaseException) -> None:
        """One warning: the history cannot be used (the run goes on without it)."""
        if self._warn is not None:
            self._warn(Msg("history.unusable", error=str(exc) or type(exc).__name__, path=self.path))

    def view(self, spec: Spec) -> HistoryView | None:
        """The periods recorded before the spec's period; None when there is no usable history."""
        period, report = spec.report.period, spec.report.id

        def read() -> HistoryView:
            view = HistoryView(period)
            with closing(self._connect(create=False)) as db:
                view.periods = [
                    str(p)
                    for (p,) in db.execute(
                        "SELECT period FROM periods WHERE report = ? AND period < ? ORDER BY period", (report, period)
                    )
                ]
                earlier = view.earlier
                for unit, p, data in db.execute(
                    "SELECT unit, period, data FROM unitvals WHERE report = ? AND period < ? ORDER BY period",
                    (report, period),
                ):
                    p = str(p)
                    for item, fid, value, _ in json.loads(data):
                        earlier.setdefault((unit, item, fid), []).append((p, load_value(value)))
                for p, item, data, reported in db.execute(
                    "SELECT period, item, data, reported FROM totals WHERE report = ? AND period < ? ORDER BY period",
                    (report, period),
                ):
                    view.trend.append(TrendPoint(str(p), str(item), dict(load_value(data)), int(reported)))
            return view

        found: HistoryView | None = self._guard(read)
        return found

    def record(
        self,
        spec: Spec,
        rows: Iterable[Row],
        summary: Iterable[Totals],
        returned: int,
        source: str = "merge",
    ) -> bool:
        """Replace the spec's period with ``rows`` (unit, item, field, value, file, sheet, cell,
        sha256) and the summary's totals, in one transaction. True when written."""
        recording = self.begin(spec, source=source)
        if recording is None:
            return False
        return recording.stage(rows, summary, returned) and recording.commit()

    def begin(
        self,
        spec: Spec,
        wait: float = _LOCK_WAIT,
        notice: Warn | None = None,
        source: str = "merge",
    ) -> Recording | None:
        """Start recording the spec's period: the history's write lock is taken now and held
        until :meth:`Recording.commit` (or :meth:`Recording.abandon`), so that a second merge of
        the same report waits for this one. ``notice`` is told once when another run holds the
        lock; after ``wait`` seconds of waiting, :class:`~consolidate.errors.InputError`. None
        (with one warning) when the history cannot be written."""

        def start() -> Recording:
            return Recording(self, spec, self._connect(create=True, threads=True), wait, notice, source)

        found: Recording | None = self._guard(start)
        return found

    def keep_spec(self, spec: Spec, name: str, text: str) -> bool:
        """Keep a spec file's text as it was for its period (``next`` keeps the old one)."""
        now = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")

        def write() -> bool:
            with closing(self._connect(create=True)) as db, db:
                db.execute(
                    "INSERT OR REPLACE INTO specs VALUES (?, ?, ?, ?, ?)",
                    (spec.report.id, spec.report.period, name, text, now),
                )
            return True

        return bool(self._guard(write))

    def periods(self, report: str | None = None) -> list[dict[str, Any]]:
        """Every recorded period (of one report, or all): report, period, recorded, source, units,
        returned, values."""

        def read() -> list[dict[str, Any]]:
            with closing(self._connect(create=False)) as db:
                where = "WHERE p.report = ?" if report else ""
                rows = db.execute(
                    "SELECT p.report, p.period, p.recorded, p.source, p.units, p.returned,"
                    " (SELECT COALESCE(SUM(n), 0) FROM unitvals v WHERE v.report = p.report AND v.period = p.period)"
                    f" FROM periods p {where} ORDER BY p.report, p.period",
                    (report,) if report else (),
                ).fetchall()
            keys = ("report", "period", "recorded", "source", "units", "returned", "values")
            return [dict(zip(keys, row, strict=True)) for row in rows]

        found: list[dict[str, Any]] | None = self._guard(read)
        return found or []

    def count(self) -> int:
        """The number of values recorded (all periods)."""

        def read() -> int:
            with closing(self._connect(create=False)) as db:
                return int(db.execute("SELECT COALESCE(SUM(n), 0) FROM unitvals").fetchone()[0])

        found: int | None = self._guard(read)
        return found or 0


class Recording:
    """One merge's record of its period, in one transaction held from the merge's start to the
    moment its summary is in place: the history and the summary change together or not at all,
    and two merges of one report take turns.

    :meth:`stage` writes the rows (the transaction still open), :meth:`commit` makes them the
    period's record; a run that ends any other way (an error, a kill) leaves the history as it
    was. The values of a unit in ``keep`` (its newest return could not be used) stay as they were
    recorded for this period, and so do not vanish with a broken resubmission.
    """

    def __init__(
        self, history: History, spec: Spec, db: sqlite3.Connection, wait: float, notice: Warn | None, source: str
    ) -> None:
        self.history = history
        self.spec = spec
        self.source = source
        self.done = False
        self.kept: dict[str, Kept] = {}
        self._thread: threading.Thread | None = None
        self._later: tuple[Iterable[Row], list[tuple[str, ...]]] | None = None
        self._made: _Made | None = None  # the rows made by a forked child (see start)
        self._prepared: tuple[frozenset[str], list[tuple[str, ...]]] | None = None  # see prepare
        self._error: BaseException | None = None
        db.isolation_level = None  # transactions begun and ended here, explicitly
        self._db = db
        try:
            self._lock(wait, notice)
        except BaseException:
            db.close()
            raise

    def _lock(self, wait: float, notice: Warn | None) -> None:
        deadline = time.monotonic() + wait
        told = False
        self._db.execute("PRAGMA busy_timeout = 0")
        while True:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            if time.monotonic() >= deadline:
                report = self.spec.report
                raise InputError(
                    Msg(
                        "history.busy",
                        path=self.history.path,
                        id=report.id,
                        period=report.period,
                        minutes=_minutes(wait),
                    )
                )
            if not told and notice is not None:
                told = True
                notice(Msg("history.waiting", path=self.history.path))
            time.sleep(_LOCK_POLL)  # short sleeps: Ctrl-C stops the wait at once

    def prepare(self, rows: Iterable[Row], keep: Iterable[str] = ()) -> None:
        """Begin making the period's rows into the history's now, by a forked child (where this
        process may fork), while the caller goes on with the figures, a core otherwise idle;
        :meth:`stage` with the same ``rows`` and ``keep`` then writes what it made."""
        if self.done or self._prepared is not None:
            return
        keep = frozenset(keep)
        try:
            carried = self._carried(sorted(keep))
        except sqlite3.Error as exc:
            self._failed(exc)
            return
        self._prepared = (keep, carried)
        if forkable():
            self._made = _Made.fork(rows, carried)

    def stage(
        self,
        rows: Iterable[Row],
        summary: Iterable[Totals],
        returned: int,
        keep: Iterable[str] = (),
        *,
        later: bool = False,
    ) -> bool:
        """Write the period's rows and totals into the open transaction (not yet committed);
        the values recorded before for the units in ``keep`` are carried over (see :attr:`kept`).
        False (one warning, the history left as it was) when they cannot be written.

        ``later``: the rows are written when :meth:`start` is called, by a thread of their own
        while the caller goes on (the summary writer starts it when it compresses the workbook,
        after its forked helper is done), or by :meth:`commit` at the latest.
        """
        if self.done:
            return False
        keep = frozenset(keep)
        if self._prepared is not None and self._prepared[0] == keep:
            carried = self._prepared[1]
        else:
            self._drop_made()  # made for other units kept: made again
            self.kept.clear()
            try:
                carried = self._carried(sorted(keep))
            except sqlite3.Error as exc:
                self._failed(exc)
                return False
        if not later:
            return self._write_guarded(rows, summary, returned, carried)
        self._later = (rows, carried)
        self._thread = threading.Thread(
            target=self._write_guarded, args=(rows, summary, returned, carried), name="history", daemon=True
        )
        return True

    def start(self) -> None:
        """Start writing the rows staged ``later`` (in their thread); nothing when under way or done.

        Where this process may fork (no other thread yet), the rows are made into the history's
        rows by a forked child meanwhile, and the thread only writes what it made: the thread
        shares the interpreter with the summary's writer, the child does not.
        """
        if self._thread is None or self._thread.ident is not None:
            return
        if self._later is not None and self._made is None and forkable():
            self._made = _Made.fork(*self._later)
        self._thread.start()

    def _write_guarded(
        self, rows: Iterable[Row], summary: Iterable[Totals], returned: int, carried: list[tuple[str, ...]]
    ) -> bool:
        try:
            self._write(rows, summary, returned, carried)
            return True
        except (sqlite3.Error, OSError, ValueError, TypeError, MemoryError) as exc:
            self._error = exc
            return False

    def _failed(self, exc: BaseException) -> None:
        self.history.usable = False
        self.history.problem(exc)
        self.abandon()

    def _write(
        self, rows: Iterable[Row], summary: Iterable[Totals], returned: int, carried: list[tuple[str, ...]]
    ) -> None:
        db, spec = self._db, self.spec
        report, period = spec.report.id, spec.report.period
        now = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
        sources: dict[tuple[str, str, str], int] = {}  # (file, sheet, sha256) -> its number
        made, self._made = self._made, None
        units = made.rows(sources) if made is not None and made.made() else unit_rows(rows, carried, sources)

        for table in ("unitvals", "sources", "totals"):
            db.execute(f"DELETE FROM {table} WHERE report = ? AND period = ?", (report, period))
        # A unit and source met twice (its rows apart): the second part joins the first's array.
        db.executemany(
            "INSERT INTO unitvals VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (report, period, unit, source) DO UPDATE"
            " SET n = n + excluded.n, data = substr(data, 1, length(data) - 1) || ',' || substr(excluded.data, 2)",
            ((report, period, *row) for row in units),
        )
        db.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
            ((report, period, n, file, sheet, sha) for (file, sheet, sha), n in sources.items()),
        )
        db.executemany(
            "INSERT INTO totals VALUES (?, ?, ?, ?, ?)",
            (
                (report, period, row.key, dump_value(plain_totals(spec, row.values)), row.reported_units)
                for row in summary
            ),
        )
        db.execute(
            "INSERT OR REPLACE INTO periods VALUES (?, ?, ?, ?, ?, ?)",
            (report, period, now, self.source, len(spec.units), returned),
        )

    def _carried(self, units: list[str]) -> list[tuple[str, ...]]:
        """The values recorded for this period before, of ``units``, with their sources."""
        if not units:
            return []
        report, period = self.spec.report.id, self.spec.report.period
        found: list[tuple[str, ...]] = []
        for unit in units:
            rows: list[tuple[str, ...]] = []
            recorded = ""
            for data, file, sheet, sha256, when in self._db.execute(
                "SELECT v.data, s.file, s.sheet, s.sha256,"
                " (SELECT recorded FROM periods p WHERE p.report = v.report AND p.period = v.period)"
                " FROM unitvals v JOIN sources s ON s.report = v.report AND s.period = v.period AND s.source = v.source"
                " WHERE v.report = ? AND v.period = ? AND v.unit = ?",
                (report, period, unit),
            ):
                recorded = str(when or "")
                rows += [
                    (unit, item, fid, value, file, sheet, cell, sha256) for item, fid, value, cell in json.loads(data)
                ]
            if rows:
                files = sorted({r[4] for r in rows})
                self.kept[unit] = Kept(len(rows), files, recorded)
                found += rows
        return found

    def _wait(self) -> None:
        """The thread writing the rows (``stage(later=True)``), finished."""
        if self._thread is not None:
            self.start()
            self._thread.join()
            self._thread = None

    def commit(self) -> bool:
        """Make the staged rows the period's record. True when written."""
        if self.done:
            return False
        self._wait()
        if self._error is not None:
            self._failed(self._error)
            return False
        self.done = True
        try:
            self._db.execute("COMMIT")
            return True
        except sqlite3.Error as exc:
            self.history.usable = False
            self.history.problem(exc)
            return False
        finally:
            self._db.close()

    def _drop_made(self) -> None:
        made, self._made = self._made, None
        if made is not None:
            made.drop()

    def abandon(self) -> None:
        """Leave the history as it was (the summary could not be written)."""
        if self.done:
            return
        if self._thread is not None and self._thread.ident is None:
            self._thread = None  # staged, never started: nothing to write only to roll back
        if self._thread is None:
            self._drop_made()  # its temporary rows let go of at once (a full disk is told as it is)
        self._wait()
        self.done = True
        with suppress(sqlite3.Error):
            self._db.execute("ROLLBACK")
        self._db.close()


@dataclass(frozen=True)
class Kept:
    """A unit's values carried over from this period's earlier record: how many, from which files,
    recorded when."""

    values: int
    files: list[str]
    recorded: str


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g}"


def plain_totals(spec: Spec, values: Mapping[str, Any]) -> dict[str, Any]:
    """A summary row's numbers, for 趋势 (texts and joins are not a trend)."""
    return {
        f.id: values.get(f.id)
        for f in spec.fields
        if f.is_numeric and isinstance(values.get(f.id), int | float) and not isinstance(values.get(f.id), bool)
    }


UnitRow = tuple[str, int, int, str]  # unit, its source's number, how many values, their JSON


def unit_rows(
    rows: Iterable[Row], carried: Iterable[tuple[str, ...]], sources: dict[tuple[str, str, str], int]
) -> Iterator[UnitRow]:
    """The history's rows (schema 3): one per unit and source, as the rows come (a unit's rows
    come together), then the values carried over; ``sources`` numbers each (file, sheet, sha256)."""
    key: tuple[str, int] | None = None
    values: list[tuple[str, str, str, str]] = []
    for unit, item, fid, value, file, sheet, cell, sha256 in rows:
        number = sources.setdefault((file, sheet, sha256), len(sources) + 1)
        if key != (unit, number):
            if key is not None:
                yield *key, len(values), _dump_rows(values)
            key, values = (unit, number), []
        values.append((item, fid, dump_value(value), cell))
    if key is not None:
        yield *key, len(values), _dump_rows(values)
    carried_by: dict[tuple[str, int], list[tuple[str, str, str, str]]] = {}
    for unit, item, fid, text, file, sheet, cell, sha256 in carried:
        number = sources.setdefault((file, sheet, sha256), len(sources) + 1)
        carried_by.setdefault((unit, number), []).append((item, fid, text, cell))
    for (unit, number), kept in carried_by.items():
        yield unit, number, len(kept), _dump_rows(kept)


class _Made:
    """The history's rows made by a forked child (:func:`unit_rows`), into a file: a line per
    unit and source (its header as JSON, a tab, the values' JSON, which holds no tab or newline),
    then the sources. :meth:`result` is None when the child failed (the rows are made here then)."""

    def __init__(self, pid: int, file: Any) -> None:
        self.pid = pid
        self.file = file

    @classmethod
    def fork(cls, rows: Iterable[Row], carried: list[tuple[str, ...]]) -> _Made | None:
        file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by result)

        def make() -> None:
            sources: dict[tuple[str, str, str], int] = {}
            for unit, number, count, data in unit_rows(rows, carried, sources):
                file.write(f"{json.dumps([unit, number, count], ensure_ascii=False)}\t{data}\n")
            listed = [[*key, number] for key, number in sources.items()]
            file.write(f"#\t{json.dumps(listed, ensure_ascii=False)}\n")
            file.flush()

        pid = fork_helper(make)
        if pid < 0:
            file.close()
            return None
        return cls(pid, file)

    def drop(self) -> None:
        """The child stopped (its rows are of no use) and its file let go of."""
        self.pid = helper_stopped(self.pid)
        self.file.close()

    def made(self) -> bool:
        """The child waited for: whether it made the rows (else the file is let go of)."""
        ok = helper_done(self.pid)
        if not ok:
            self.file.close()
        return ok

    def rows(self, sources: dict[tuple[str, str, str], int]) -> Iterator[UnitRow]:
        """The rows it made, read as they are written into the history (a province's do not
        fit in memory at once); ``sources`` is filled at the end."""
        try:
            self.file.seek(0)
            for line in self.file:
                head, data = line.rstrip("\n").split("\t", 1)
                if head == "#":
                    sources.update({(file, sheet, sha): int(number) for file, sheet, sha, number in json.loads(data)})
                    return
                unit, number, count = json.loads(head)
                yield str(unit), int(number), int(count), data
            raise ValueError("the history's rows were cut short")
        finally:
            self.file.close()


def record_rows(
    spec: Spec, records: Iterable[Record], returns: Mapping[str, Located], hashes: Mapping[str, str]
) -> Iterator[Row]:
    """The accepted values of the kept returns, one per unit × item × input field, with where each
    came from (file, sheet, cell, the file's sha256)."""
    inputs = [f.id for f in spec.fields if f.is_input]
    letters: dict[str, dict[str, str]] = {}  # unit -> field id -> its column's letters
    for code, located in returns.items():
        letters[code] = {fid: xl_col_to_name(col) for fid, col in located.columns.items()}
    for record in records:
        columns = letters.get(record.unit_code, {})
        item = record.item_id if record.item_id is not None else f"#{record.row}"
        sha256 = hashes.get(record.file, "")
        for fid in inputs:
            value = record.values.get(fid)
            if value is None or value == "":
                continue
            cell = f"{columns[fid]}{record.row}" if fid in columns else ""
            yield (record.unit_code, item, fid, value, record.file, record.sheet, cell, sha256)


def previous_values(
    spec: Spec, path: Path | None = None, warn: Warn | None = None
) -> dict[str, dict[tuple[str, str], Any]] | None:
    """unit code → its last accepted values, when the history (``path``, default
    ``history.sqlite`` beside the spec) has a period before the spec's: templates then show 上期
    and fill ``prefill: last``. None otherwise."""
    path = path or default_history_path(spec)
    if path is None:
        return None
    view = History(path, warn).view(spec)
    if view is None or view.previous is None:
        return None
    return view.last_values()
