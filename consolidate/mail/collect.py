"""``consolidate collect``: save the returns that units sent by e-mail into the returns folder.

Each spreadsheet (or .zip) attached to a reply is given to a unit by, in this order: the
template's ``_consolidate`` sheet (report id and unit code), the ``[report-id/UNIT]`` tag kept in
the subject, the sender's address as listed in the units table. A file made from another report's
template is left alone, and so is one made from another period's template of this report. Files are saved as ``<unit name>.xlsx`` (``<unit name>_2.xlsx`` for a later
one) and their e-mail time, sender and Message-ID go into ``.consolidate/received.json``, which the
merge uses for 收到时间 and 逾期. Messages already handled are known by their Message-ID, so
collecting again only fetches what is new; the mailbox is opened read-only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..common import RECEIVED_LOG, atomic_output, private_temp, sanitise_filename
from ..errors import InputError
from ..read import RawBook, Source, read_book
from ..spec import Spec, UnitSpec
from ..spec.dates import normalise_period
from ..text import Msg
from .deliver import recipients, sender_of
from .journal import COLLECTED_LOG, Journal
from .mime import address_of, header_text, is_address, iter_attachments, parse, payload
from .servers import ImapReader, parse_internaldate

SkipReason = Literal["unattributed", "other_report", "other_period", "same_content", "too_large", "not_spreadsheet"]
WANTED_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".zip"})
MAX_ATTACHMENT = 50 * 1024 * 1024


@dataclass(frozen=True)
class SavedReturn:
    path: str  # relative to the returns folder, posix
    unit: str  # unit code
    received: dt.datetime
    sender: str
    subject: str
    attachment: str  # the name it had in the e-mail
    by: Literal["metadata", "subject", "sender"]


@dataclass(frozen=True)
class SkippedAttachment:
    attachment: str
    reason: SkipReason
    sender: str
    subject: str
    received: dt.datetime
    unit: str = ""
    detail: str = ""  # the other report's id, the saved file with the same content ...


@dataclass
class CollectResult:
    folder: Path
    saved: list[SavedReturn] = field(default_factory=list)
    skipped: list[SkippedAttachment] = field(default_factory=list)
    messages: int = 0  # messages found since the date
    already_seen: int = 0  # of those, handled by an earlier run

    @property
    def exit_code(self) -> int:
        """1 when an attachment could not be given to a unit: the clerk has to look at it."""
        return 1 if any(s.reason == "unattributed" for s in self.skipped) else 0


def collect_returns(
    spec: Spec,
    out_dir: str | Path,
    *,
    password: str | None = None,
    since: dt.date | None = None,
    folder: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CollectResult:
    """Fetch the replies over IMAP (``imap:`` in the spec) and save their returns into ``out_dir``.

    ``progress(done, total)`` is called after each message (and once with 0 before the first).
    """
    if spec.imap is None:
        raise InputError(Msg("mail.no_imap"))
    collector = Collector(spec, Path(out_dir))
    with ImapReader(spec.imap, password, folder) as box:
        uids = box.search(since)
        heads = box.headers(uids)
        collector.result.messages = len(uids)
        if progress:
            progress(0, len(uids))
        for done, uid in enumerate(uids, start=1):
            message_id, internal = heads.get(uid, ("", ""))
            if message_id and message_id in collector.seen:
                collector.result.already_seen += 1
            else:
                collector.ingest(box.fetch(uid), parse_internaldate(internal), box.folder, uid)
            if progress:
                progress(done, len(uids))
    return collector.result


class Collector:
    """Turns raw messages into saved returns; also usable without a server (``ingest``)."""

    def __init__(self, spec: Spec, out: Path) -> None:
        self.spec = spec
        self.out = out
        self.seen = Journal(out / COLLECTED_LOG, "messages")
        self.received = Journal(out / RECEIVED_LOG, "files")
        self.result = CollectResult(out)
        self.by_address = {address.lower(): unit for unit in spec.units for address in recipients(unit)[0]}
        self.own = _own_addresses(spec)
        self.tag = re.compile(re.escape(spec.report.id) + r"(?![a-z0-9-])\s*[/／]\s*([^\s\]】)）/／,，]+)", re.I)

    def ingest(self, raw: bytes, internal: dt.datetime | None = None, folder: str = "", uid: str = "") -> None:
        message = parse(raw)
        message_id = header_text(message, "Message-ID") or "sha256:" + hashlib.sha256(raw).hexdigest()
        if message_id in self.seen:
            self.result.already_seen += 1
            return
        sender = address_of(header_text(message, "From"))
        subject = header_text(message, "Subject")
        when = _message_time(header_text(message, "Date"), internal)
        complete = True
        files: list[str] = []
        if sender not in self.own:
            tagged, from_sender = self._unit_in_subject(subject), self.by_address.get(sender)
            context = (sender, subject, when)
            for name, part in iter_attachments(message):
                suffix = Path(name).suffix.lower()
                if suffix not in WANTED_SUFFIXES:
                    if tagged or from_sender:
                        self._skip(name, "not_spreadsheet", context, tagged or from_sender)
                    continue
                data = payload(part)
                if len(data) > MAX_ATTACHMENT:
                    self._skip(name, "too_large", context, tagged or from_sender, f"{len(data) // 1048576} MB")
                    continue
                saved = self._save(name, suffix, data, context, message_id, tagged, from_sender)
                if saved is None:
                    complete = False
                elif saved:
                    files.append(saved)
        if complete:
            entry = {"received": when.isoformat(timespec="seconds"), "sender": sender, "subject": subject}
            self.seen.put(message_id, entry | {"folder": folder, "uid": uid, "files": files})

    def _save(
        self,
        name: str,
        suffix: str,
        data: bytes,
        context: tuple[str, str, dt.datetime],
        message_id: str,
        tagged: UnitSpec | None,
        from_sender: UnitSpec | None,
    ) -> str | None:
        """Save one attachment; its path, '' when deliberately not saved, None when no unit is known."""
        sender, subject, when = context
        unit: UnitSpec | None = None
        by: Literal["metadata", "subject", "sender"] = "metadata"
        if suffix != ".zip":
            meta = _metadata(name, suffix, data)
            report_id = meta.get("report_id", "")
            if report_id and report_id != self.spec.report.id:
                self._skip(name, "other_report", context, tagged or from_sender, report_id)
                return ""
            period = normalise_period(meta.get("period", "")) if report_id and meta.get("period") else None
            if period is not None and period != self.spec.report.period:
                # Last period's template filled in again: not this period's return (E-WRONG-PERIOD).
                self._skip(name, "other_period", context, tagged or from_sender, period)
                return ""
            if report_id:
                unit = self.spec.unit_map.get(meta.get("unit_code", ""))
        if unit is None:
            unit, by = (tagged, "subject") if tagged else (from_sender, "sender")
        if unit is None:
            self._skip(name, "unattributed", context)
            return None
        digest = hashlib.sha256(data).hexdigest()
        for path, entry in self.received.entries.items():
            if entry.get("unit") == unit.code and entry.get("sha256") == digest and (self.out / path).exists():
                self._skip(name, "same_content", context, unit, path)
                return ""
        relative = self._free_name(unit, suffix)
        with atomic_output(self.out / relative) as tmp:
            Path(tmp).write_bytes(data)
        self.received.put(
            relative,
            {
                "received": when.isoformat(timespec="seconds"),
                "sender": sender,
                "message_id": message_id,
                "unit": unit.code,
                "subject": subject,
                "attachment": name,
                "sha256": digest,
            },
        )
        self.result.saved.append(SavedReturn(relative, unit.code, when, sender, subject, name, by))
        return relative

    def _free_name(self, unit: UnitSpec, suffix: str) -> str:
        taken = {p.lower() for p in self.received.entries}
        number = 1
        while True:
            name = sanitise_filename(unit.name, suffix if number == 1 else f"_{number}{suffix}")
            if name.lower() not in taken and not (self.out / name).exists():
                return name
            number += 1

    def _unit_in_subject(self, subject: str) -> UnitSpec | None:
        for match in self.tag.finditer(subject):
            token = match.group(1)
            unit = self.spec.unit_map.get(token) or next(
                (u for u in self.spec.units if u.code.lower() == token.lower()), None
            )
            if unit is not None:
                return unit
        return None

    def _skip(
        self,
        name: str,
        reason: SkipReason,
        context: tuple[str, str, dt.datetime],
        unit: UnitSpec | None = None,
        detail: str = "",
    ) -> None:
        sender, subject, when = context
        code = unit.code if unit else ""
        self.result.skipped.append(SkippedAttachment(name, reason, sender, subject, when, code, detail))


def _own_addresses(spec: Spec) -> set[str]:
    """Our own messages (a copy of a reminder with its feedback file) are never returns."""
    own = {spec.smtp.user if spec.smtp else "", spec.imap.user if spec.imap else ""}
    with contextlib.suppress(InputError):
        own.add(address_of(sender_of(spec)))
    return {a.lower() for a in own if is_address(a)}


def _message_time(date_header: str, internal: dt.datetime | None) -> dt.datetime:
    """The Date the unit's mail program wrote, else the server's arrival time, else now."""
    if date_header:
        try:
            when = email.utils.parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
    if internal is not None:
        return internal
    return dt.datetime.now().astimezone().replace(microsecond=0)


def _metadata(name: str, suffix: str, data: bytes) -> dict[str, str]:
    """The ``_consolidate`` sheet of an attached workbook, read from a temporary copy."""
    with private_temp("mail") as tmp:
        path = tmp / f"attachment{suffix}"
        path.write_bytes(data)
        book = read_book(Source(name, path, dt.datetime.now()))
    return book.meta if isinstance(book, RawBook) else {}
