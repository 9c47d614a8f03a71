"""When each return arrived by e-mail, as ``consolidate collect`` recorded it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..common import RECEIVED_LOG


def received_log(root: Path) -> dict[Path, dt.datetime]:
    """Received times recorded by ``consolidate collect`` in ``ROOT/.consolidate/received.json``.

    Format: ``{"files": {"<path relative to ROOT>": {"received": "<ISO time>", ...}}}``; aware
    times are converted to local time. A missing or damaged log means no times are known.
    """
    path = root / RECEIVED_LOG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["files"].items()
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return {}
    times: dict[Path, dt.datetime] = {}
    for name, entry in entries:
        try:
            when = dt.datetime.fromisoformat(str(entry["received"]))
        except (KeyError, TypeError, ValueError):
            continue
        if when.tzinfo is not None:
            when = when.astimezone().replace(tzinfo=None)
        times[(root / name).resolve()] = when.replace(microsecond=0)
    return times
