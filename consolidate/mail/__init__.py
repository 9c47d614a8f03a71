"""E-mail: send each unit its template, collect the replies, remind the units still missing.

Against real servers named in the spec (``smtp:`` and ``imap:``); the texts come from ``mail:``
or the built-in ones. Nothing here prints: each command returns a result object.
"""

from __future__ import annotations

from .collect import CollectResult, SavedReturn, SkippedAttachment, collect_returns
from .deliver import MailResult, Outcome
from .remind import Reminder, reminder_texts, reminders, send_reminders
from .send import find_templates, send_templates
from .servers import MailError

__all__ = [
    "CollectResult",
    "MailError",
    "MailResult",
    "Outcome",
    "Reminder",
    "SavedReturn",
    "SkippedAttachment",
    "collect_returns",
    "find_templates",
    "reminder_texts",
    "reminders",
    "send_reminders",
    "send_templates",
]
