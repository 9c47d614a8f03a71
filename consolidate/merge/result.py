"""What a merge gives back: the records kept, each unit's submission, the issues, every figure.

The library returns this object and never prints; the CLI and the writers read it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..check import Issue, Level, Located, Record, count_levels
from ..periods import HistoryView, Recording
from ..spec import Spec
from ..text import Code, Lang, Msg
from .aggregate import Figures, SummaryRow
from .frames import Frames, ParquetOrigin, detail_frame, detail_from_parquet, summary_frame
from .store import Records

Status = Literal["returned", "missing", "duplicate", "unreadable", "blank"]


@dataclass
class Submission:
    """What one unit sent: the status shown in 报送情况."""

    unit_code: str
    status: Status = "missing"
    file: str = ""
    received: dt.datetime | None = None
    time_source: str = ""  # where ``received`` comes from: mail, saved or file
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
class MergeResult:
    spec: Spec
    records: Records  # every kept record in unit order, read from memory or disk as iterated
    submissions: list[Submission]
    issues: list[Issue]
    inputs: list[InputFile]
    figures: Figures  # every figure: per item, group, unit, in total and over the periods
    returns: dict[str, Located] = dataclasses.field(default_factory=dict)  # unit code -> the return used
    raw_kept: bool = True  # the returns' cells as typed are kept (feedback files need them)
    warnings: list[Msg] = dataclasses.field(default_factory=list)  # problems of the run, not the data
    history: HistoryView | None = None  # the report's earlier periods, when there is a history
    # This period's record, staged and waiting for the summary (``record_history``), else None.
    recording: Recording | None = dataclasses.field(default=None, repr=False)

    def record_history(self) -> bool:
        """Record this period in the history now (``merge_returns(record_history=True)``).

        :func:`~consolidate.write.write_summary` does it itself the moment the summary is in place;
        call this when no summary is written. True when recorded; later calls do nothing.
        """
        recording, self.recording = self.recording, None
        return recording.commit() if recording is not None else False

    def start_history(self) -> None:
        """Start writing this period's record into the history in the background (the summary
        writer calls it when the CPU-heavy part of its work is done); committed by
        :meth:`record_history`."""
        if self.recording is not None:
            self.recording.start()

    def abandon_history(self) -> None:
        """Leave the history as it was (the summary could not be written) and release its lock."""
        recording, self.recording = self.recording, None
        if recording is not None:
            recording.abandon()

    @property
    def summary(self) -> list[SummaryRow]:
        """汇总's rows: per item (per unit for open lists)."""
        return self.figures.rows

    @property
    def total(self) -> SummaryRow:
        """汇总's totals row, with the units it leaves out and the measures it would mix."""
        return self.figures.total

    @property
    def totals(self) -> dict[str, Any]:
        """The totals row's values (``total.values``)."""
        return self.figures.total.values

    def not_updated(self) -> dict[tuple[str, str, str], str]:
        """(unit, item, field) → the period a text is word for word from, for each text sent back
        as its template started it (the I-NOT-UPDATED notes)."""
        return {
            (i.unit, str(i.params["item"]), i.field): str(i.params.get("previous_period", ""))
            for i in self.issues
            if i.code == Code.I_NOT_UPDATED and "item" in i.params
        }

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
    def statuses(self) -> dict[str, Status]:
        """unit code → what it sent (``returned``, ``missing``, ``blank``...)."""
        return {s.unit_code: s.status for s in self.submissions}

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

    def to_frames(self, lang: Lang | None = None, *, parquet: str | Path | None = None) -> Frames:
        """汇总 and 明细 as pandas DataFrames (``pip install "consolidate[pandas]"``).

        Columns are keys (``unit_code``, ``item``, the field ids...), not the workbook's titles;
        codes and texts are pandas strings (a unit code ``007`` stays ``007``), numbers are numbers
        and dates are dates. ``lang`` words yes/no and the cut-join note (default: the spec's).

        ``parquet``: 明细 is read from the file ``merge --parquet`` (``write_parquet``) wrote for
        this merge, the same frame made far faster (``pip install "consolidate[parquet]"``); a
        file of another merge is refused.
        """
        lang = lang or self.spec.lang
        summary = summary_frame(self.spec, self.summary, lang)
        if parquet is not None:
            report = self.spec.report
            origin = ParquetOrigin(report.id, report.period, self.spec.sha256, len(self.records))
            return Frames(summary, detail_from_parquet(parquet, origin))
        hashes = {i.name: i.sha256 for i in self.inputs}
        return Frames(summary, detail_frame(self.spec, self.records, lang, hashes))
