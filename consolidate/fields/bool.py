"""``bool``: 是 or 否; ``√``, ``×``, ``yes``, ``1``, ``有``/``无`` and the like are read."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..common import shown
from ..text import Code, Lang, Msg, t
from .base import Coerced, FieldOptions, FieldType, notes

_TRUE = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "对"})
_FALSE = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "false", "0", "无", "不是"})
NOTE_NUMBER = Msg("note.number_bool")


class Bool(FieldType):
    name = "bool"
    error = Code.E_NOT_A_BOOL
    blank_marks = False  # 无 means 否 here
    frame_dtype = "boolean"
    yes_no = True

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        return "是"

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        if isinstance(raw, bool):
            return Coerced(raw)
        if isinstance(raw, int | float) and raw in (0, 1):
            return Coerced(bool(raw), note=notes(NOTE_NUMBER))
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", shown(raw))).lower()
        if text in ("是", "否"):
            return Coerced(text == "是")
        if text in _TRUE:
            return Coerced(True, note=notes(Msg("note.read_yes", v=shown(raw))))
        if text in _FALSE:
            return Coerced(False, note=notes(Msg("note.read_no", v=shown(raw))))
        return Coerced(error=self.error)

    def default_aggregate(self, field: FieldOptions) -> str:
        return "count"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        return {"validate": "list", "source": [t("yes", lang), t("no", lang)]}

    def constraints(self, field: FieldOptions, lang: Lang) -> list[str]:
        return [t("c.bool", lang)]

    def show(self, value: Any) -> str | Msg:
        if isinstance(value, bool):
            return Msg("yes" if value else "no")
        return super().show(value)


TYPE = Bool()
