"""When each return arrived, as ``consolidate collect`` (by e-mail) or ``consolidate serve`` (uploaded
on its page) recorded it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..common import RECEIVED_LOG

VIA = frozenset({"mail", "upload"})  # how a return can have arrived (its ``time_source``)


def received_log(root: Path) -> dict[Path, dt.datetime]:
    """Received times recorded by ``consolidate collect`` or ``consolidate serve`` in
    ``ROOT/.consolidate/received.json``.

    Format: ``{"files": {"<path relative to ROOT>": {"received": "<ISO time>", "via": "upload", ...}}}``
    (no ``via``: by e-mail); aware times are converted to local time. A missing or damaged log
    means no times are known.
    """
    times: dict[Path, dt.datetime] = {}
    for name, entry in _entries(root):
        try:
            when = dt.datetime.fromisoformat(str(entry["received"]))
        except (KeyError, TypeError, ValueError):
            continue
        if when.tzinfo is not None:
            when = when.astimezone().replace(tzinfo=None)
        times[(root / name).resolve()] = when.replace(microsecond=0)
    return times


def received_via(root: Path) -> dict[Path, str]:
    """How each return of the log arrived: ``mail`` or ``upload``."""
    out: dict[Path, str] = {}
    for name, entry in _entries(root):
        via = entry.get("via", "mail") if isinstance(entry, dict) else "mail"
        out[(root / name).resolve()] = via if via in VIA else "mail"
    return out


def _entries(root: Path) -> list[tuple[str, Any]]:
    try:
        data = json.loads((root / RECEIVED_LOG).read_text(encoding="utf-8"))
        return list(data["files"].items())
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return []
