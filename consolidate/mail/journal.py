"""Small JSON logs in a ``.consolidate`` folder, written atomically after every change.

- ``TEMPLATES/.consolidate/sent.json``: templates sent, keyed by unit code and template sha256, so a
  re-run after a failure sends only what was not sent.
- ``RETURNS/.consolidate/received.json``: e-mail received time, sender and Message-ID of each saved
  return (read by :func:`consolidate.read.received_log` for 报送情况 and 逾期).
- ``RETURNS/.consolidate/collected.json``: Message-IDs already handled by ``collect``.
- ``RETURNS/.consolidate/reminded.json``: reminders sent, at most one a day per unit and content.

The reader skips folders starting with ``.``, so none of this is ever taken for a return.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..common import RECEIVED_LOG, atomic_output

STATE_DIR = RECEIVED_LOG.parent
SENT_LOG = STATE_DIR / "sent.json"
COLLECTED_LOG = STATE_DIR / "collected.json"
REMINDED_LOG = STATE_DIR / "reminded.json"


class Journal:
    """A ``{"version": 1, SECTION: {key: entry}}`` file; unreadable files count as empty."""

    def __init__(self, path: Path, section: str) -> None:
        self.path = path
        self.section = section
        self.entries: dict[str, Any] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data[section]
        except (OSError, ValueError, KeyError, TypeError):
            return
        if isinstance(entries, dict):
            self.entries = entries

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def get(self, key: str) -> Any:
        return self.entries.get(key)

    def put(self, key: str, entry: Any) -> None:
        """Record one entry and write the file at once (temporary file, then rename)."""
        self.entries[key] = entry
        self.save()

    def save(self) -> None:
        data = {"version": 1, self.section: self.entries}
        with atomic_output(self.path) as tmp:
            Path(tmp).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
