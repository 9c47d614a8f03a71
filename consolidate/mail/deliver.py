"""Delivering messages to units, shared by ``send`` and ``remind``: SMTP or an outbox of .eml files.

Each unit gets its own message; what happened to it is an :class:`Outcome`. A refused message
is recorded and the run goes on with the next unit; only a server that cannot be reached or
refuses the login before anything is sent stops the run (:class:`MailError`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from ..common import atomic_output, sanitise_filename, staged_folder, unique_filenames
from ..errors import InputError
from ..spec import MailSpec, Spec, UnitSpec
from ..text import Msg
from ..write import refuse_strangers
from .mime import Attachment, address_of, compose, format_address, is_address, make_message_id, split_addresses
from .servers import SendError, SmtpSender

Status = Literal["sent", "written", "already_sent", "no_address", "no_template", "stale_template", "failed"]
PROBLEM_STATUSES = frozenset({"no_address", "no_template", "stale_template", "failed"})


@dataclass
class Outcome:
    """What happened to one unit's message."""

    unit: str  # unit code
    status: Status
    to: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # names of the attachments
    detail: Msg | str = ""  # the server's answer, when it was sent before ...
    invalid: tuple[str, ...] = ()  # entries of the unit's email that are not addresses
    message_id: str = ""
    reason: str = ""  # reminders: missing | errors | unreadable
    problems: int = 0  # reminders: how many problems were quoted


@dataclass
class MailResult:
    outcomes: list[Outcome]
    outbox: Path | None = None

    @property
    def exit_code(self) -> int:
        """1 when a unit was not reached (no address, no template, refused), else 0."""
        return 1 if any(o.status in PROBLEM_STATUSES for o in self.outcomes) else 0

    def count(self, *statuses: Status) -> int:
        return sum(1 for o in self.outcomes if o.status in statuses)


def recipients(unit: UnitSpec) -> tuple[list[str], list[str]]:
    """(valid addresses, invalid entries) of a unit's ``email``."""
    parts = split_addresses(unit.email)
    return [p for p in parts if is_address(p)], [p for p in parts if not is_address(p)]


def sender_of(spec: Spec) -> str:
    """The From: ``mail.sender``, else the issuer's name with ``smtp.user``."""
    if spec.mail is not None and spec.mail.sender:
        return format_address(spec.mail.sender)
    user = spec.smtp.user if spec.smtp is not None else ""
    if is_address(user):
        return format_address(f"{spec.report.issuer} <{user}>" if spec.report.issuer else user)
    raise InputError(Msg("mail.no_sender"))


class Courier:
    """Sends messages over SMTP (throttled), or writes them as .eml files into ``outbox``."""

    def __init__(
        self,
        spec: Spec,
        *,
        password: str | None = None,
        outbox: Path | None = None,
        throttle: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if outbox is None and spec.smtp is None:
            raise InputError(Msg("mail.no_smtp"))
        self.spec = spec
        # One outbox file per unit, even for units whose names give the same file name.
        self._eml_names = unique_filenames([(u.code, f"{u.code}_{u.name}", u.code) for u in spec.units], ".eml")
        self.sender = sender_of(spec)
        self.outbox = outbox
        if outbox is not None:  # an earlier dry run's messages are replaced, nothing else
            refuse_strangers(outbox / name for name in self._eml_names.values())
        self.smtp = SmtpSender(spec.smtp, password) if outbox is None and spec.smtp is not None else None
        self.throttle = throttle if throttle is not None else (spec.mail or MailSpec()).throttle
        self.sleep = sleep
        self.now = now or (lambda: dt.datetime.now().astimezone())
        self._delivered = 0
        self._opened = False
        # The outbox's messages written all or none: into a folder of ours inside it, moved in
        # when the run ends well (a full disk half-way left some units' messages).
        self._staging: contextlib.ExitStack | None = None
        self._stage: Path | None = None

    @property
    def envelope_sender(self) -> str:
        user = self.spec.smtp.user if self.spec.smtp is not None else ""
        return user if is_address(user) else address_of(self.sender)

    def deliver(
        self, unit: UnitSpec, to: Sequence[str], subject: str, body: str, attachments: Sequence[Attachment]
    ) -> Outcome:
        """Send (or write) one message; an SMTP refusal becomes a ``failed`` outcome."""
        mail = self.spec.mail
        message_id = make_message_id(self.sender)
        data = compose(
            sender=self.sender,
            to=to,
            to_name=unit.name,
            subject=subject,
            body=body,
            attachments=attachments,
            reply_to=mail.reply_to if mail else "",
            when=self.now(),
            message_id=message_id,
        )
        names = tuple(a.name for a in attachments)
        if self.outbox is not None:
            name = self._eml_names.get(unit.code, sanitise_filename(unit.code, ".eml"))
            if self._stage is not None:
                (self._stage / name).write_bytes(data)
            else:  # used outside a with block: each message in place at once
                with atomic_output(self.outbox / name) as tmp:
                    Path(tmp).write_bytes(data)
            return Outcome(unit.code, "written", tuple(to), names, message_id=message_id)
        assert self.smtp is not None
        if not self._opened:
            self.smtp.open()  # a wrong host or password stops the run before anything is sent
            self._opened = True
        if self._delivered and self.throttle > 0:
            self.sleep(self.throttle)
        self._delivered += 1
        try:
            refused = self.smtp.send(self.envelope_sender, to, data)
        except SendError as exc:
            return Outcome(unit.code, "failed", tuple(to), names, detail=exc.detail)
        return Outcome(unit.code, "sent", tuple(to), names, detail="; ".join(refused), message_id=message_id)

    def __enter__(self) -> Courier:
        if self.outbox is not None:
            self._staging = contextlib.ExitStack()
            self._stage = self._staging.enter_context(staged_folder(self.outbox))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if self.smtp is not None:
                self.smtp.close()
        finally:
            staging, self._staging, self._stage = self._staging, None, None
            if staging is not None:
                staging.__exit__(kind, exc, tb)  # moved in, or (an error) removed with all it holds
