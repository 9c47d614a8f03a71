"""``percent``: a share, stored as a fraction (79.46% is 0.7946); ``79.46%`` and ``79.46`` are read."""

from __future__ import annotations

from typing import Any

from ..common import tidy_number
from ..text import Code, Msg
from .base import Coerced, FieldOptions, normalise_text, notes, number_from_text, read_number
from .number import Number

NOTE_SIGN = Msg("note.percent_sign")
NOTE_POINTS = Msg("note.percent_points")


class Percent(Number):
    """A number shown and read as a percentage; it validates as any number does."""

    name = "percent"
    error = Code.E_NOT_A_PERCENT
    numeric = True
    number_format = "0.00%"
    frame_dtype = "Float64"
    fraction = True

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        return round(share, 4)

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        if isinstance(raw, str):
            text, found = normalise_text(raw)
            if text.endswith("%"):
                number, _ = number_from_text(text[:-1])
                if number is None:
                    return Coerced(error=self.error)
                return Coerced(tidy_number(number / 100), note=notes(*found, NOTE_SIGN))
            number, more = number_from_text(text)
            if number is None:
                return Coerced(error=self.error)
            if abs(number) > 1:
                return Coerced(tidy_number(number / 100), note=notes(*found, *more, NOTE_POINTS))
            return Coerced(tidy_number(number), note=notes(*found, *more))
        result = read_number(raw, self.error)
        return Coerced(error=self.error) if result.error else result

    def default_aggregate(self, field: FieldOptions) -> str:
        return "none"  # rates are recomputed from the sums, never added

    def show(self, value: Any) -> str | Msg:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{round(value * 100, 6):g}%"
        return super().show(value)


TYPE = Percent()
