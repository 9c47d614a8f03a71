"""``text``: anything typed, kept as typed (a number typed into it is kept as its text)."""

from __future__ import annotations

from typing import Any

from ..common import shown
from ..text import Lang
from .base import Coerced, FieldOptions, FieldType


class Text(FieldType):
    name = "text"
    wraps = True
    blank_marks = False  # 无 and a dash are answers in a text column
    free_text = True

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        return Coerced(raw.strip() if isinstance(raw, str) else shown(raw))

    def default_aggregate(self, field: FieldOptions) -> str:
        return "first" if field.source == "item" else "join"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        if field.max_length:
            return {"validate": "length", "criteria": "<=", "value": field.max_length}
        return {"validate": "any"}


TYPE = Text()
