"""The ``mail:``, ``smtp:`` and ``imap:`` sections of a report spec.

Passwords are never part of a spec: ``password_env`` names the environment variable that holds
one, and the CLI asks for it otherwise.
"""

from __future__ import annotations

import string
from email.utils import parseaddr
from typing import Any, Literal

from pydantic import Field, field_validator

from ..text import Joined
from .strict import StrictModel as _Model
from .strict import invalid

Security = Literal["ssl", "starttls", "none"]
# Placeholders of mail subjects and bodies (see consolidate.mail.texts); reminders add two more.
MAIL_PLACEHOLDERS = frozenset(
    {"unit", "unit_code", "unit_contact", "title", "period", "deadline", "issuer", "contact", "report_id", "tag"}
    | {"file", "today"}
)
REMIND_PLACEHOLDERS = MAIL_PLACEHOLDERS | {"status", "problems"}


class _ServerSpec(_Model):
    """A mail server; the password is never in the spec (``password_env`` names a variable)."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, gt=0, lt=65536)
    security: Security = "ssl"
    user: str = ""
    password_env: str = ""
    timeout: float = Field(default=30, gt=0)


class SmtpSpec(_ServerSpec):
    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class ImapSpec(_ServerSpec):
    folder: str = "INBOX"

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)


class MailSpec(_Model):
    """Texts of the e-mails to units; empty texts mean the built-in ones (in the report's language)."""

    sender: str = ""  # "玉环市卫生健康局 <office@example.cn>"; default: issuer and smtp.user
    reply_to: str = ""
    subject: str = ""
    body: str = ""
    remind_subject: str = ""
    remind_body: str = ""
    throttle: float = Field(default=1.0, ge=0, le=3600)  # seconds between two messages

    @field_validator("subject", "body", "remind_subject", "remind_body")
    @classmethod
    def _placeholders(cls, value: str, info: Any) -> str:
        allowed = REMIND_PLACEHOLDERS if info.field_name.startswith("remind") else MAIL_PLACEHOLDERS

        try:
            parsed = [
                (name, spec or conv) for _, name, spec, conv in string.Formatter().parse(value) if name is not None
            ]
        except ValueError as exc:
            raise invalid("spec.mail_braces", error=exc) from None
        bad = sorted({"{" + name + "}" for name, extra in parsed if name not in allowed or extra})
        if bad:
            raise invalid("spec.mail_placeholder", bad=Joined(bad), allowed=Joined(sorted(allowed), "comma"))
        return value

    @field_validator("sender", "reply_to")
    @classmethod
    def _address(cls, value: str) -> str:

        if value and "@" not in parseaddr(value)[1]:
            raise invalid("spec.mail_address", value=value)
        return value
