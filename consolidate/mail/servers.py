"""Connections to the mail servers named in the spec: SMTP to send, IMAP to read replies.

SSL (465/993), STARTTLS (587/143) or plain, with the system's certificate checks. The password
is given by the caller (the CLI reads it from the environment variable named by
``password_env`` or asks for it); it is never stored.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import imaplib
import re
import smtplib
import ssl
from collections.abc import Sequence
from types import TracebackType

from ..errors import ConsolidateError
from ..spec import ImapSpec, SmtpSpec
from ..text import Msg
from ..version import __version__


class MailError(ConsolidateError):
    """A mail server cannot be reached or refuses the login: nothing can be sent or read."""


class SendError(Exception):
    """The server refused one message (a bad address, a rejected attachment); the run goes on."""

    def __init__(self, detail: Msg | str) -> None:
        self.detail = detail
        super().__init__(str(detail))


def _plain_token(user: str, password: str) -> bytes:
    """SASL PLAIN (RFC 4616): authorisation id, user and password in UTF-8, so 卫健局2025 works."""
    return f"\0{user}\0{password}".encode()


def _smtp_login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a user or password beyond ASCII goes as UTF-8 through AUTH PLAIN, which smtplib's
    own login cannot send."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    methods = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in methods:
        raise MailError(Msg("mail.password_not_ascii", server="SMTP"))
    code, answer = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(_plain_token(user, password)).decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _imap_login(imap: imaplib.IMAP4, user: str, password: str) -> None:
    """Log in; a user or password beyond ASCII goes as UTF-8 through AUTHENTICATE PLAIN (imaplib's
    LOGIN can only send ASCII)."""
    if (user + password).isascii():
        imap.login(user, password)
        return
    if "AUTH=PLAIN" not in imap.capabilities:
        raise MailError(Msg("mail.password_not_ascii", server="IMAP"))
    imap.authenticate("PLAIN", lambda _challenge: _plain_token(user, password))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or type(exc).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class SmtpSender:
    """One SMTP session reused for all messages, reopened once if the server drops it."""

    def __init__(self, settings: SmtpSpec, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings
        where = f"{s.host}:{s.effective_port}"
        try:
            if s.security == "ssl":
                context = ssl.create_default_context()
                self._smtp = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=context)
            else:
                self._smtp = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
                if s.security == "starttls":
                    self._smtp.starttls(context=ssl.create_default_context())
            if s.user:
                _smtp_login(self._smtp, s.user, self.password or "")
        except MailError:
            self._drop()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise MailError(Msg("mail.smtp_login", user=s.user, where=where, error=_describe(exc))) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise MailError(Msg("mail.smtp_connect", where=where, error=_describe(exc))) from None

    def send(self, sender: str, recipients: Sequence[str], data: bytes) -> list[str]:
        """Send one message; returns the refused recipients when others were accepted.

        Raises :class:`SendError` when this message cannot be sent; the session stays usable
        (or is reopened for the next message).
        """
        try:
            return self._send_once(sender, recipients, data)
        except smtplib.SMTPServerDisconnected:
            self._drop()  # servers close idle or long sessions: one new session, then give up
        try:
            return self._send_once(sender, recipients, data)
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise SendError(Msg("mail.smtp_disconnected", error=_describe(exc))) from None

    def _send_once(self, sender: str, recipients: Sequence[str], data: bytes) -> list[str]:
        if self._smtp is None:
            try:
                self.open()
            except MailError as exc:
                raise SendError(str(exc)) from None
        assert self._smtp is not None
        try:
            refused = self._smtp.sendmail(sender, list(recipients), data)
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPResponseException as exc:  # refused by the server; smtplib has sent RSET
            raise SendError(_describe(exc)) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(_describe(exc)) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise SendError(_describe(exc)) from None
        return [f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in refused.items()]

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class ImapReader:
    """A read-only IMAP session on one folder (EXAMINE: flags such as \\Seen are never changed)."""

    def __init__(self, settings: ImapSpec, password: str | None, folder: str | None = None) -> None:
        self.settings = settings
        self.password = password
        self.folder = folder or settings.folder
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> ImapReader:
        s = self.settings
        where = f"{s.host}:{s.effective_port}"
        try:
            if s.security == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.effective_port, ssl_context=ssl.create_default_context(), timeout=s.timeout
                )
            else:
                imap = imaplib.IMAP4(s.host, s.effective_port, timeout=s.timeout)
                if s.security == "starttls":
                    imap.starttls(ssl_context=ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailError(Msg("mail.imap_connect", where=where, error=exc)) from None
        self._imap = imap
        try:
            _imap_login(imap, s.user, self.password or "")
        except MailError:
            self._logout()
            raise
        except imaplib.IMAP4.error as exc:
            self._logout()
            raise MailError(Msg("mail.imap_login", user=s.user, where=where, error=_imap_text(exc))) from None
        try:
            if "ID" in imap.capabilities:
                # 163.com and 126.com refuse SELECT ("Unsafe Login") from clients that do not say who they are.
                imap.xatom("ID", f'("name" "consolidate" "version" "{__version__}")')
            status, data = imap.select(quote_mailbox(self.folder), readonly=True)
        except imaplib.IMAP4.error as exc:
            self._logout()
            raise MailError(Msg("mail.imap_folder", folder=self.folder, error=_imap_text(exc))) from None
        if status != "OK":
            self._logout()
            raise MailError(Msg("mail.imap_folder", folder=self.folder, error=_imap_text(data)))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._logout()

    def _logout(self) -> None:
        if self._imap is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self._imap.logout()
            self._imap = None

    @property
    def imap(self) -> imaplib.IMAP4:
        assert self._imap is not None, "use ImapReader as a context manager"
        return self._imap

    def search(self, since: dt.date | None) -> list[str]:
        """UIDs of the messages received or sent on or after ``since`` (all when None)."""
        if since is None:
            criteria = ["ALL"]
        else:
            day = imap_date(since)
            criteria = ["OR", "SINCE", day, "SENTSINCE", day]
        status, data = self._call("search", None, *criteria)
        return [uid.decode() for uid in (data[0] or b"").split()] if status == "OK" else []

    def headers(self, uids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """uid → (Message-ID, INTERNALDATE) without downloading the messages."""
        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(uids), 200):
            chunk = ",".join(uids[start : start + 200])
            _, data = self._call("fetch", chunk, "(UID INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            for prefix, literal in _responses(data):
                uid = re.search(rb"UID (\d+)", prefix)
                if uid is None:
                    continue
                found = re.search(rb"^Message-ID:\s*(.*?)\s*$", literal, re.I | re.M | re.S)
                date = re.search(rb'INTERNALDATE "([^"]+)"', prefix)
                out[uid.group(1).decode()] = (
                    found.group(1).decode("ascii", "replace").strip() if found else "",
                    date.group(1).decode() if date else "",
                )
        return out

    def fetch(self, uid: str) -> bytes:
        """The whole message, without setting \\Seen."""
        _, data = self._call("fetch", uid, "(UID BODY.PEEK[])")
        for _, literal in _responses(data):
            if literal:
                return literal
        return b""

    def _call(self, command: str, *args: str | None) -> tuple[str, list[bytes]]:
        try:
            status, data = self.imap.uid(command, *args)  # type: ignore[arg-type]
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailError(Msg("mail.imap_failed", command=command.upper(), error=_imap_text(exc))) from None
        return status, data


def _responses(data: Sequence[object]) -> list[tuple[bytes, bytes]]:
    """(response text, literal) pairs of a FETCH answer; attributes after a literal are appended."""
    out: list[tuple[bytes, bytes]] = []
    for entry in data:
        if isinstance(entry, tuple) and len(entry) == 2:
            out.append((bytes(entry[0]), bytes(entry[1])))
        elif isinstance(entry, bytes) and out:
            out[-1] = (out[-1][0] + b" " + entry, out[-1][1])
    return out


def _imap_text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(_imap_text(v) for v in value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def imap_date(day: dt.date) -> str:
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[day.month - 1]
    return f"{day.day:02d}-{month}-{day.year}"


def parse_internaldate(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text.strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


def quote_mailbox(name: str) -> str:
    """A folder name for SELECT: modified UTF-7 (RFC 3501) for Chinese names, quoted."""
    encoded = encode_mutf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_mutf7(text: str) -> str:
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in text:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)
