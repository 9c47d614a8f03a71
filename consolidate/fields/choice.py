"""``choice``: one of the field's ``choices``, picked from a drop-down list."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..common import shown
from ..text import Code, Lang, Msg, t
from .base import Coerced, FieldOptions, FieldType, notes

NOTE_SPACES = Msg("note.choice_spaces")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class Choice(FieldType):
    name = "choice"
    error = Code.E_CHOICE
    table_kind = "text"
    few_values = True

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        """Worst-first choices: the worst when behind, the best when ahead, else the middle."""
        order = list(field.order or field.choices or [])
        if len(order) >= 3:
            return order[0] if share < 0.5 else (order[-1] if share > 0.95 else order[1])
        return order[-1] if order else None

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        choices = field.choices or []
        text = shown(raw).strip()
        if text in choices:
            return Coerced(text)
        key = _key(text)
        for choice in choices:
            if _key(choice) == key:
                return Coerced(choice, note=notes(NOTE_SPACES))
        return Coerced(error=self.error)

    def problems(self, field: FieldOptions) -> list[Msg]:
        return [] if field.choices else [Msg("spec.choice_needs_choices")]

    def default_aggregate(self, field: FieldOptions) -> str:
        return "worst" if field.order else "none"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        return {"validate": "list", "source": list(field.choices or [])}

    def constraints(self, field: FieldOptions, lang: Lang) -> list[str]:
        return [t("c.choices", lang, v="/".join(field.choices))] if field.choices else []


TYPE = Choice()
