"""Raw cells → typed values: blanks, error values and "nothing to report" marks decided here,
the rest by the field's type (:mod:`consolidate.fields`).

Every result is a :class:`~consolidate.fields.Coerced`: the typed value, an error code when it
cannot be read, and a note when the value's form had to be changed to read it. The note becomes
an ``I-CONVERTED`` issue, so nothing is decided silently.
"""

from __future__ import annotations

import math
from typing import Any

from ..common import tidy_number
from ..fields import EMPTY, TYPES, Coerced
from ..fields.base import notes
from ..spec import FieldSpec
from ..text import Code, Msg

__all__ = ["EMPTY", "Coerced", "coerce", "is_blank"]

_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"})
_EMPTY_LOOKING = frozenset(
    {"-", "--", "—", "——", "–", "－", "/", "／", "\\", "无", "空", "暂无", "n/a", "na", "null", "none"}
)
_READ_AS_BLANK = Coerced(None, note=notes(Msg("note.blank")))


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def coerce(field: FieldSpec, raw: Any) -> Coerced:
    """Coerce one raw cell for ``field``; blank cells are empty (the required check comes later).

    A dash, a slash or 无 in a number, date or choice cell means "nothing to report": read as
    blank, and said so, because guessing 0 would change totals.
    """
    # The usual cells (a number in a number column, text in a text column), decided first: the
    # same result as the general rules below, without them.
    kind = raw.__class__
    field_type = TYPES[field.type]
    if (kind is int or kind is float) and field_type.floats_as_is and math.isfinite(raw):
        return Coerced(tidy_number(raw))
    if kind is str and field_type.free_text:
        text = raw.strip()
        if text and text not in _ERROR_VALUES:
            return Coerced(text)
    if is_blank(raw):
        return EMPTY
    if isinstance(raw, str):
        if field_type.blank_marks and raw.strip().lower() in _EMPTY_LOOKING:
            return _READ_AS_BLANK
        if raw.strip() in _ERROR_VALUES:
            return Coerced(error=Code.E_CELL_ERROR)
    return field_type.coerce(raw, field)
