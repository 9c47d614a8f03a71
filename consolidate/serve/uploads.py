"""What an upload does: checked as ``consolidate validate`` checks a return, saved under RETURNS/
as the unit's return with its arrival time, or refused and kept aside.

An upload is checked by the merge itself (:func:`~consolidate.merge.merge_returns` on the file
alone, with the report's history, as ``consolidate validate FILE -s SPEC`` does), under the name
it will have in the returns folder, so that the unit it is read as is the unit the merge of the
folder reads it as. Taken when the merge finds it to be this unit's return: saved under RETURNS/
with the reader's own file names (``<unit name>.xlsx``, then ``<unit name>_2.xlsx``: nothing is
overwritten, the newest counts as a resubmission does) and its time in
``RETURNS/.consolidate/received.json`` (``"via": "upload"``), which the merge reads for 收到时间
and 逾期. Refused otherwise (another unit's, another report's or period's, unreadable): kept in a
folder beside the spec, outside RETURNS/, so no merge ever takes it.

Every attempt is listed in ``SPECDIR/.consolidate/uploads/<report>-<period>/uploads.json``, with
its feedback workbook in ``feedback/`` there. The name the file had on the unit's computer is
only shown, never used for a path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from ..check import Issue, Level
from ..common import RECEIVED_LOG, atomic_output, private_temp, sanitise_filename
from ..errors import ConsolidateError
from ..mail.journal import Journal
from ..merge import MergeResult, default_cache_path, merge_returns
from ..periods import MERGE_WAIT, default_history_path
from ..spec import Spec, UnitSpec
from ..text import Code, Lang, Msg, t
from ..write import feedback_paths, write_feedback, write_summary
from .tokens import STATE, spec_folder

SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
Status = Literal["accepted", "refused", "same"]


@dataclass
class Problem:
    """One problem as the page shows it, worded in the spec's language."""

    level: str
    code: str
    sheet: str
    cell: str
    message: str
    fix: str


# The notes a unit is shown beside its errors and warnings: those it can act on at once (its
# text sent back as the template started it); the others (a subtotal row passed over, a file
# converted) are for the clerk.
SHOWN_NOTES = frozenset({Code.I_NOT_UPDATED})


@dataclass
class Outcome:
    """One upload: what became of it and what the checks said."""

    id: str
    unit: str
    time: str  # ISO, local, seconds
    name: str  # the file's own name on the unit's computer: shown, never a path
    status: Status
    reason: str = ""  # why it was refused, worded
    problems: list[Problem] = field(default_factory=list)
    saved: str = ""  # its name under RETURNS/ when taken
    feedback: bool = False  # a feedback workbook was written for it
    late: bool = False
    same_as: str = ""  # the time of the identical earlier upload

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == Level.ERROR.value)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == Level.WARNING.value)

    @property
    def notes(self) -> int:
        return sum(1 for p in self.problems if p.level == Level.INFO.value)

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.time)

    def result_text(self, lang: Lang) -> str:
        if self.status == "refused":
            return t("serve.status.refused", lang)
        if self.status == "same":
            return t("serve.status.same", lang)
        if self.errors:
            return t("serve.status.errors", lang, e=self.errors, w=self.warnings)
        if self.warnings:
            return t("serve.status.warnings", lang, w=self.warnings)
        return t("serve.status.accepted", lang)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        problems = [Problem(**p) for p in data.get("problems", [])]
        return cls(**{k: v for k, v in data.items() if k != "problems"}, problems=problems)


def shown_name(given: str | None) -> str:
    """The uploaded file's name as shown: its last part only, at most 120 characters."""
    name = PurePosixPath(str(given or "").replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable())[:120]


def now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


class Desk:
    """The upload page's work, for one report and period: taking uploads, the clerk's overview
    and the summary. Safe to call from several threads at once: a unit's uploads are taken one
    after another, different units' side by side; merges of the folder one at a time."""

    def __init__(self, spec: Spec, returns: Path, told: Callable[[Outcome], None] | None = None) -> None:
        self.spec = spec
        self.returns = returns
        self.lang: Lang = spec.lang
        self.history = default_history_path(spec)
        self.state = spec_folder(spec) / STATE / "uploads" / sanitise_filename(f"{spec.report.id}-{spec.report.period}")
        self.told = told
        self._units = {u.code: threading.Lock() for u in spec.units}
        self._books = threading.Lock()  # the journals
        self._merging = threading.Lock()

    # ------------------------------------------------------------------ the journals

    @property
    def _log(self) -> Path:
        return self.state / "uploads.json"

    def uploads(self, code: str | None = None) -> list[Outcome]:
        """Every upload (of one unit), oldest first."""
        journal = Journal(self._log, "uploads")
        found = []
        for entry in journal.entries.values():
            with contextlib.suppress(TypeError, ValueError, KeyError):
                outcome = Outcome.from_dict(entry)
                if code is None or outcome.unit == code:
                    found.append(outcome)
        return sorted(found, key=lambda o: (o.time, o.id))

    def upload(self, code: str, upload_id: str) -> Outcome | None:
        return next((o for o in self.uploads(code) if o.id == upload_id), None)

    def feedback_file(self, outcome: Outcome) -> Path:
        return self.state / "feedback" / f"{outcome.id}.xlsx"

    def _note(self, outcome: Outcome) -> None:
        with self._books:
            Journal(self._log, "uploads").put(outcome.id, asdict(outcome))
        if self.told is not None:
            self.told(outcome)

    # ------------------------------------------------------------------ taking an upload

    def receive(self, code: str, data: Path, given_name: str | None) -> Outcome:
        """Take the file at ``data`` (a temporary the caller removes) as unit ``code``'s upload."""
        unit = self.spec.unit_map[code]
        when = now()
        outcome = _arrived(code, when, given_name)
        deadline = self.spec.report.deadline
        outcome.late = deadline is not None and when.date() > deadline
        suffix = PurePosixPath(outcome.name).suffix.lower()
        if suffix not in SUFFIXES:
            outcome.reason = t("serve.refused.suffix", self.lang, suffix=suffix or outcome.name)
        elif data.stat().st_size == 0:
            outcome.reason = t("serve.refused.empty", self.lang)
        else:
            with self._units[code]:
                self._check_and_keep(unit, data, suffix, outcome)
        self._note(outcome)
        return outcome

    def refuse(self, code: str, given_name: str | None, reason: Msg) -> Outcome:
        """An upload that did not arrive whole (too large, too slow): listed, not kept."""
        outcome = _arrived(code, now(), given_name)
        outcome.reason = reason.render(self.lang)
        self._note(outcome)
        return outcome

    def _check_and_keep(self, unit: UnitSpec, data: Path, suffix: str, outcome: Outcome) -> None:
        name = self._free_name(unit, suffix)
        with private_temp("serve") as work:
            checked = work / name
            shutil.copyfile(data, checked)
            result = merge_returns(self.spec, [checked], history=self.history, keep_raw=True, cache=None, workers=1)
            issues = [
                i
                for i in result.issues
                if (i.level is not Level.INFO or i.code in SHOWN_NOTES) and i.code != Code.W_MISSING_RETURN
            ]
            outcome.problems = [self._problem(i) for i in issues]
            located = result.returns.get(unit.code)
            if located is None:
                other = next(iter(result.returns), None)
                if result.statuses.get(unit.code) == "blank":
                    outcome.problems = []
                    outcome.reason = t("serve.refused.blank", self.lang)
                elif other is not None:
                    outcome.problems = []
                    outcome.reason = t(
                        "serve.refused.other_unit", self.lang, other=self.spec.unit_map[other].name, unit=unit.name
                    )
                else:
                    outcome.reason = t("serve.refused.unreadable", self.lang)
                self._quarantine(checked, outcome, suffix)
                return
            digest = hashlib.sha256(checked.read_bytes()).hexdigest()
            earlier = self._same_content(unit, digest)
            if earlier is not None:
                outcome.status, outcome.same_as = "same", earlier
            else:
                self._save(checked, name, unit, digest, outcome)
                outcome.status = "accepted"
            if issues:
                self._feedback(result, work / "feedback", unit, outcome)

    def _problem(self, issue: Issue) -> Problem:
        return Problem(
            issue.level.value,
            issue.code,
            issue.sheet,
            issue.cell,
            issue.message(self.lang, for_unit=True),
            issue.fix(self.lang, for_unit=True),
        )

    def _received(self) -> Journal:
        return Journal(self.returns / RECEIVED_LOG, "files")

    def _free_name(self, unit: UnitSpec, suffix: str) -> str:
        """The reader's own names, as ``collect`` gives them: ``<unit name>.xlsx``, ``<unit name>_2.xlsx``..."""
        with self._books:
            taken = {p.lower() for p in self._received().entries}
        number = 1
        while True:
            name = sanitise_filename(unit.name, suffix if number == 1 else f"_{number}{suffix}")
            if name.lower() not in taken and not (self.returns / name).exists():
                return name
            number += 1

    def _same_content(self, unit: UnitSpec, digest: str) -> str | None:
        with self._books:
            entries = dict(self._received().entries)
        for path, entry in entries.items():
            if (
                isinstance(entry, dict)
                and entry.get("unit") == unit.code
                and entry.get("sha256") == digest
                and (self.returns / path).exists()
            ):
                return str(entry.get("received", ""))
        return None

    def _save(self, checked: Path, name: str, unit: UnitSpec, digest: str, outcome: Outcome) -> None:
        self.returns.mkdir(parents=True, exist_ok=True)
        target = self.returns / name
        with atomic_output(self.returns / f".upload-{outcome.id}{checked.suffix}") as tmp:
            shutil.copyfile(checked, tmp)
            staged = Path(tmp)
            os.link(staged, target)  # never replaces a file: fails if one appeared meanwhile
        (self.returns / f".upload-{outcome.id}{checked.suffix}").unlink(missing_ok=True)
        entry = {
            "received": outcome.time,
            "via": "upload",
            "unit": unit.code,
            "attachment": outcome.name,
            "sha256": digest,
            "upload": outcome.id,
        }
        with self._books:
            self._received().put(name, entry)
        outcome.saved = name

    def _quarantine(self, checked: Path, outcome: Outcome, suffix: str) -> None:
        folder = self.state / "refused"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(checked, folder / f"{outcome.id}{suffix}")

    def _feedback(self, result: MergeResult, folder: Path, unit: UnitSpec, outcome: Outcome) -> None:
        mine = feedback_paths(result, folder, self.lang).get(unit.code)
        if mine is None:
            return
        write_feedback(result, folder, self.lang)
        target = self.feedback_file(outcome)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mine, target)
        outcome.feedback = True

    # ------------------------------------------------------------------ the clerk's page

    @contextlib.contextmanager
    def merging(self) -> Iterator[None]:
        """One merge of the folder at a time (the history's own lock guards against other processes)."""
        if not self._merging.acquire(timeout=MERGE_WAIT):
            raise ConsolidateError(Msg("serve.admin.busy"))
        try:
            yield
        finally:
            self._merging.release()

    def _merged(self, summary: bool) -> MergeResult:
        """The returns folder merged as ``consolidate merge`` (``summary``: its figures, and the
        period recorded) or ``consolidate status`` (who has returned, with which problems) does."""
        return merge_returns(
            self.spec,
            [self.returns],
            allow_empty=True,
            keep_raw=False,
            cache=default_cache_path(),
            history=self.history,
            record_history=summary and self.history is not None,
            figures=summary,
        )

    def overview(self) -> MergeResult:
        """The folder merged as ``consolidate status`` does: who has returned, with which problems."""
        with self.merging():
            return self._merged(summary=False)

    def summary(self, out: Path) -> Path:
        """The summary as ``consolidate merge RETURNS -s SPEC -o OUT`` writes it (and records it in
        the history, as that does)."""
        with self.merging():
            result = self._merged(summary=True)
            try:
                return write_summary(result, out, self.lang)
            except BaseException:
                result.abandon_history()
                raise


def _arrived(code: str, when: dt.datetime, given_name: str | None) -> Outcome:
    """An upload as it arrived: refused until it is checked and kept."""
    return Outcome(
        id=f"{when:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}",
        unit=code,
        time=when.isoformat(),
        name=shown_name(given_name),
        status="refused",
    )
