"""``integer``: a whole number (a count of people, places, beds)."""

from __future__ import annotations

from typing import Any

from ..text import Code, Lang
from .base import Coerced, FieldOptions, FieldType, looks_decimal, number_bounds, read_number


class Integer(FieldType):
    name = "integer"
    error = Code.E_NOT_AN_INTEGER
    numeric = True
    number_format = "#,##0"
    frame_dtype = "Int64"

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        return round(target * share)

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        result = read_number(raw, Code.E_NOT_A_NUMBER)
        if result.error:
            # Words are not a number at all; a number too large to be finite is not a whole one.
            return Coerced(error=self.error) if isinstance(raw, str) and looks_decimal(raw) else result
        if isinstance(result.value, float) and not result.value.is_integer():
            return Coerced(error=self.error)
        return Coerced(int(result.value), note=result.note)

    def default_aggregate(self, field: FieldOptions) -> str:
        return "sum"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        lo, hi = number_bounds(field)
        return {"validate": "integer", "criteria": "between", "minimum": int(lo), "maximum": int(hi)}


TYPE = Integer()
