"""``number``: any finite number; ``1,234``, full-width digits and numbers typed as text are read."""

from __future__ import annotations

from typing import Any

from ..text import Code, Lang
from .base import Coerced, FieldOptions, FieldType, number_bounds, read_number


class Number(FieldType):
    name = "number"
    error = Code.E_NOT_A_NUMBER
    numeric = True
    number_format = "#,##0.##########"
    frame_dtype = "Float64"
    floats_as_is = True

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        return round(target * share)

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        return read_number(raw, self.error)

    def default_aggregate(self, field: FieldOptions) -> str:
        return "sum"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        lo, hi = number_bounds(field)
        return {"validate": "decimal", "criteria": "between", "minimum": lo, "maximum": hi}


TYPE = Number()
