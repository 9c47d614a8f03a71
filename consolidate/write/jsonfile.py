"""The summary as JSON: the same tables as the workbook's sheets, values as they are, and every issue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..common import atomic_output
from ..merge import MergeResult
from ..text import Lang
from .tables import all_tables


def summary_json(result: MergeResult, lang: Lang | None = None) -> dict[str, Any]:
    """The summary's tables and issues as JSON-ready data, in ``lang`` (default: the spec's)."""
    lang = lang or result.spec.lang
    out: dict[str, Any] = {"exit_code": result.exit_code}
    for table in all_tables(result, lang):
        keys = [c.key for c in table.columns]
        if table.key == "about":
            out[table.key] = [{"key": r[0], "value": _json(r[1])} for r in table.rows]
            continue
        out[table.key] = {
            "title": table.title,
            "columns": [{"key": c.key, "title": c.title} for c in table.columns],
            "rows": [{k: _json(v) for k, v in zip(keys, row, strict=True)} for row in table.rows],
        }
        if table.headings:
            # Rows that are a group's heading (一、二…) with its subtotals, not an item.
            out[table.key]["group_rows"] = sorted(table.headings)
        if table.totals is not None:
            out[table.key]["totals"] = {k: _json(v) for k, v in zip(keys, table.totals, strict=True)}
        if table.notes:
            # What the workbook's notes and shading say: figures resting on fewer units (partial),
            # with the units or items left out, and totals left empty for unlike units of measure.
            end = len(table.rows)
            out[table.key]["notes"] = [
                {
                    "row": "totals" if r == end else r,
                    "column": key,
                    "partial": note.partial,
                    "computed_over_complete_pairs": (r, key) in table.own,
                    "note": note.text,
                    **({"left_out": list(note.left_out)} if note.left_out else {}),
                    **({"measures": list(note.measures)} if note.measures else {}),
                }
                for (r, key), note in sorted(table.notes.items(), key=lambda n: (n[0][0], keys.index(n[0][1])))
            ]
    out["issues_raw"] = [i.as_dict(lang) for i in result.issues]
    return out


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def write_json(result: MergeResult, path: str | Path, lang: Lang | None = None) -> Path:
    path = Path(path)
    text = json.dumps(summary_json(result, lang), ensure_ascii=False, indent=2)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text + "\n", encoding="utf-8")
    return path
