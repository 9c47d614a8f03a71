"""``consolidate remind``: a message to each unit that has not returned a valid file.

The returns folder is merged exactly as ``merge`` does; a unit is reminded when its return is
missing or unreadable, or has an error. The message quotes each problem with its cell and the
suggested fix, attaches the unit's feedback file (``validate --feedback``) when there is one,
and the template again when nothing usable came back. A unit gets the same reminder at most once
a day, so a re-run after a failure reaches only the units not reached yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..check import Issue, Level
from ..common import ref_row
from ..errors import InputError
from ..merge import MergeResult, Submission, merge_returns
from ..spec import Spec, UnitSpec
from ..text import LANGS, Code, Msg, t
from ..write import feedback_filenames, template_filename
from .deliver import Courier, MailResult, Outcome, recipients
from .journal import REMINDED_LOG, Journal
from .mime import Attachment
from .send import find_templates, find_unit_files
from .texts import chat_texts, fix_note, remind_texts

MAX_QUOTED = 30  # problems quoted in one message; the feedback file has them all
_NOT_FOR_UNITS = frozenset({Code.W_MISSING_RETURN, Code.W_DUPLICATE_RETURN})  # the clerk's business
# Warnings about the return as a whole: said as they are, not as a value the unit is to verify.
_STATED = frozenset({Code.W_BLANK_RETURN})


@dataclass(frozen=True)
class Reminder:
    """Why one unit is reminded and what the message will say."""

    unit: UnitSpec
    reason: str  # missing | unreadable | errors
    file: str  # the return (or, when missing, the template) named in the message
    problems: list[str]


def reminders(
    spec: Spec, returns_dir: str | Path, passwords: Sequence[str] = (), assign: Mapping[str, str] | None = None
) -> list[Reminder]:
    """The units without a valid return in ``returns_dir``, with the problems to quote.

    ``passwords`` open encrypted returns, so that a unit is not told its file is unreadable;
    ``assign`` gives the unit of a return that cannot be attributed otherwise (``--assign``).
    """
    folder = Path(returns_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError(Msg("mail.returns_not_folder", folder=folder))
    # A folder with nothing in it yet (or none yet): every unit is reminded that it is missing.
    result = merge_returns(spec, [folder], passwords=passwords, keep_raw=False, allow_empty=True, assign=assign)
    out: list[Reminder] = []
    for unit in spec.units:
        sub = _submission(result, unit.code)
        issues = [i for i in result.issues if i.unit == unit.code] if result else []
        errors = [i for i in issues if i.level is Level.ERROR]
        if sub.status == "missing":
            out.append(Reminder(unit, "missing", template_filename(spec, unit), []))
        elif sub.status in ("unreadable", "blank") or (errors and sub.status in ("returned", "duplicate")):
            quoted = [i for i in issues if i.level is not Level.INFO and i.code not in _NOT_FOR_UNITS]
            quoted.sort(key=Issue.sort_key)
            reason = "unreadable" if sub.status == "unreadable" else "errors"
            items = _items_by_row(spec, result, unit.code, sub.file)
            out.append(Reminder(unit, reason, Path(sub.file).name, [_quote(i, spec, items) for i in quoted]))
    return out


def _submission(result: MergeResult | None, code: str) -> Submission:
    if result is None:
        return Submission(code)
    return next(s for s in result.submissions if s.unit_code == code)


def _items_by_row(spec: Spec, result: MergeResult, unit: str, file: str) -> dict[int, str]:
    """Row of the unit's return → the item's number as the unit knows it (序号, else its id)."""
    number = spec.roles.number
    out = {}
    for record in result.records_of(unit):
        if record.file == file and record.item_id in spec.item_map:
            values = spec.item_map[record.item_id].values
            out[record.row] = str(values.get(number.id) or record.item_id) if number else record.item_id
    return out


def _quote(issue: Issue, spec: Spec, items: dict[int, str]) -> str:
    """One problem as a unit reads it: which item and cell, what is wrong, how to put it right."""
    lang = spec.lang
    where = f"{issue.sheet}!{issue.cell}" if issue.sheet and issue.cell else issue.cell
    check = "" if issue.level is Level.ERROR or issue.code in _STATED else t("mail.check", lang)
    item = items.get(ref_row(issue.cell)) if issue.cell else None
    if item is not None:
        prefix = t("mail.where_item", lang, item=item, where=where)
    else:
        prefix = t("mail.where", lang, where=where) if where else ""
    return f"{prefix}{check}{issue.message(lang, for_unit=True)}{fix_note(issue.fix(lang, for_unit=True), lang)}"


def reminder_texts(
    spec: Spec, found: Sequence[Reminder], today: dt.date | None = None, links: Mapping[str, str] | None = None
) -> str:
    """The reminders as paste-ready text for a WeChat work group (no mail server needed); with
    ``links`` (unit code → its upload page, from ``consolidate serve``) each unit's message ends
    with its own link."""
    day = today or dt.date.today()
    return chat_texts(spec, [(r.unit, r.reason, r.file, _quoted(spec, r.problems)) for r in found], day, links)


def _quoted(spec: Spec, problems: list[str]) -> list[str]:
    if len(problems) <= MAX_QUOTED:
        return problems
    return [*problems[:MAX_QUOTED], t("mail.more", spec.lang, n=len(problems) - MAX_QUOTED)]


def feedback_files(spec: Spec, feedback_dir: Path) -> dict[str, Path]:
    """unit code → its feedback file (``validate --feedback``) in ``feedback_dir``.

    A file is a unit's only when its ``_consolidate`` sheet says so: a feedback file holds the
    unit's figures, and a name can be shared, renamed or copied. Among several, the usual name
    (``<template file stem>_反馈.xlsx`` or ``_feedback``), then the newest.
    """
    names = [feedback_filenames(spec, lang) for lang in LANGS]
    found = find_unit_files(spec, feedback_dir, lambda code, path: any(path.name == n[code] for n in names))
    return {code: f.path for code, f in found.items()}


def send_reminders(
    spec: Spec,
    returns_dir: str | Path,
    *,
    feedback_dir: str | Path | None = None,
    templates_dir: str | Path | None = None,
    units: Sequence[str] | None = None,
    password: str | None = None,
    outbox: str | Path | None = None,
    throttle: float | None = None,
    today: dt.date | None = None,
    sleep: Callable[[float], None] = time.sleep,
    found: Sequence[Reminder] | None = None,
    progress: Callable[[str], None] | None = None,
) -> MailResult:
    """Remind every unit without a valid return (or only the given unit codes).

    ``found`` takes the result of :func:`reminders` when the caller has it already.
    """
    day = today or dt.date.today()
    found = reminders(spec, returns_dir) if found is None else found
    wanted = [r for r in found if units is None or r.unit.code in units]
    out = Path(outbox) if outbox is not None else None
    if not wanted:
        return MailResult([], out)
    templates = find_templates(spec, Path(templates_dir)) if templates_dir is not None else {}
    feedback = feedback_files(spec, Path(feedback_dir)) if feedback_dir is not None else {}
    log = Journal(Path(returns_dir) / REMINDED_LOG, "sent")
    outcomes: list[Outcome] = []
    with Courier(spec, password=password, outbox=out, throttle=throttle, sleep=sleep) as courier:
        for reminder in wanted:
            unit = reminder.unit
            attached: dict[str, Path] = {}
            if unit.code in feedback:
                attached["feedback"] = feedback[unit.code]
            template = templates.get(unit.code)
            if reminder.reason != "errors" and template is not None and template.current:
                attached["template"] = template.path
            outcomes.append(_remind_one(spec, reminder, attached, day, log, courier))
            if progress:
                progress(unit.code)
    return MailResult(outcomes, out)


def _remind_one(
    spec: Spec, reminder: Reminder, attached: dict[str, Path], day: dt.date, log: Journal, courier: Courier
) -> Outcome:
    outcome = _deliver(spec, reminder, attached, day, log, courier)
    outcome.reason, outcome.problems = reminder.reason, len(reminder.problems)
    return outcome


def _deliver(
    spec: Spec, reminder: Reminder, attached: dict[str, Path], day: dt.date, log: Journal, courier: Courier
) -> Outcome:
    unit = reminder.unit
    problems = _quoted(spec, reminder.problems)
    to, invalid = recipients(unit)
    names = tuple(p.name for p in attached.values())
    if not to:
        return Outcome(unit.code, "no_address", (), names, invalid=tuple(invalid))
    attachments = [Attachment(p.name, p.read_bytes()) for p in attached.values()]
    content = json.dumps([reminder.reason, problems, [hashlib.sha256(a.data).hexdigest() for a in attachments]])
    key = f"{unit.code}:{day.isoformat()}:{hashlib.sha256(content.encode()).hexdigest()[:16]}"
    before = log.get(key)
    if before is not None:
        return Outcome(unit.code, "already_sent", tuple(before.get("to", to)), names, detail=before.get("sent", ""))
    subject, body = remind_texts(
        spec,
        unit,
        reason=reminder.reason,
        file=reminder.file,
        problems=problems,
        attached={kind: path.name for kind, path in attached.items()},
        today=day,
    )
    outcome = courier.deliver(unit, to, subject, body, attachments)
    outcome.invalid = tuple(invalid)
    if outcome.status == "sent":
        log.put(
            key,
            {
                "unit": unit.code,
                "reason": reminder.reason,
                "to": list(to),
                "files": list(names),
                "message_id": outcome.message_id,
                "sent": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            },
        )
    return outcome
