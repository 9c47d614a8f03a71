"""``date``: a day; Excel serial numbers, ``2025年4月15日``, ``2025/4/15`` and ``2025-04`` are read."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..text import Code, Lang, Msg, t
from .base import EXCEL_EPOCH, Coerced, FieldOptions, FieldType, normalise_text, notes

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
NOTE_SERIAL = Msg("note.excel_date")
NOTE_TEXT = Msg("note.date_text")
NOTE_MONTH = Msg("note.month_only")


class Date(FieldType):
    name = "date"
    error = Code.E_NOT_A_DATE
    number_format = "yyyy-mm-dd"
    frame_dtype = "datetime64[ns]"

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        return dt.date(2025, 3, 1 + day % 28) if share > 0.9 else None

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        if isinstance(raw, dt.datetime):
            return Coerced(raw.date())
        if isinstance(raw, dt.date):
            return Coerced(raw)
        if isinstance(raw, bool):
            return Coerced(error=self.error)
        if isinstance(raw, int | float):
            if 1 <= raw < 2958466:
                return Coerced(EXCEL_EPOCH + dt.timedelta(days=int(raw)), note=notes(NOTE_SERIAL))
            return Coerced(error=self.error)
        if isinstance(raw, str):
            text, found = normalise_text(raw)
            for pattern in _DATE_PATTERNS:
                match = pattern.match(text)
                if match:
                    try:
                        value = dt.date(int(match[1]), int(match[2]), int(match[3]))
                    except ValueError:
                        return Coerced(error=self.error)
                    if text == value.isoformat():
                        return Coerced(value)
                    return Coerced(value, note=notes(*found, NOTE_TEXT))
            match = _MONTH_PATTERN.match(text)
            if match and 1 <= int(match[2]) <= 12:
                return Coerced(dt.date(int(match[1]), int(match[2]), 1), note=notes(*found, NOTE_MONTH))
        return Coerced(error=self.error)

    def prefill(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value

    def default_aggregate(self, field: FieldOptions) -> str:
        return "max"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        return {"validate": "date", "criteria": ">=", "value": dt.datetime(1900, 1, 1)}

    def constraints(self, field: FieldOptions, lang: Lang) -> list[str]:
        return [t("c.date", lang)]


TYPE = Date()
