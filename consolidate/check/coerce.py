"""Raw cells → typed values: blanks, error values and "nothing to report" marks decided here,
the rest by the field's type (:mod:`consolidate.fields`).

Every result is a :class:`~consolidate.fields.Coerced`: the typed value, an error code when it
cannot be read, and a note when the value's form had to be changed to read it. The note becomes
an ``I-CONVERTED`` issue, so nothing is decided silently.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from ..common import tidy_number
from ..fields import EMPTY, TYPES, Coerced
from ..fields.base import notes
from ..spec import FieldSpec
from ..text import Code, Msg

__all__ = ["EMPTY", "NOT_USUAL", "Coerced", "coerce", "is_blank", "usual"]

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


NOT_USUAL: Any = object()  # what :func:`usual`'s reader gives for a cell it leaves to coerce and the checks


def usual(field: FieldSpec) -> Callable[[Any], Any] | None:
    """For ``field``, a reader of the usual cell (a number within bounds in a number column, a
    text in a free-text column with no length or pattern to check) straight to its value, with
    nothing to say of it: the value :func:`coerce` gives, without a :class:`Coerced` made for
    each of a province's millions of cells. Any other cell reads as :data:`NOT_USUAL`. None when
    the field has no usual cell."""
    field_type = TYPES[field.type]
    if field_type.floats_as_is:
        low, high = field.min, field.max

        def number(raw: Any) -> Any:
            kind = raw.__class__
            if (kind is int or kind is float) and math.isfinite(raw):
                value = tidy_number(raw)
                if (low is None or value >= low) and (high is None or value <= high):
                    return value
            return NOT_USUAL

        return number
    if field_type.free_text and not field.pattern:
        limit = field.max_length

        def text(raw: Any) -> Any:
            if raw.__class__ is str:
                value = raw.strip()
                if value and value not in _ERROR_VALUES and (not limit or len(value) <= limit):
                    return value
            return NOT_USUAL

        return text
    if field_type.name == "choice" and field.choices and not field.max_length and not field.pattern:
        # The choices read as themselves, with nothing to say (not one that reads as blank, 无).
        allowed = frozenset(c for c in field.choices if _as_itself(field, c))

        def choice(raw: Any) -> Any:
            if raw.__class__ is str:
                value = raw.strip()
                if value in allowed:
                    return value
            return NOT_USUAL

        return choice
    if field_type.name == "date":

        def date(raw: Any) -> Any:
            kind = raw.__class__
            if kind is dt.datetime:
                return raw.date()
            if kind is dt.date:
                return raw
            return NOT_USUAL

        return date
    return None


def _as_itself(field: FieldSpec, value: Any) -> bool:
    result = coerce(field, value)
    return result.value == value and not result.note and not result.error
