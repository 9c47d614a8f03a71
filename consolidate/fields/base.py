"""What a field type is, and the reading of numbers and dates that several types share.

A :class:`FieldType` holds everything that depends on a field's type: how a raw cell is coerced
(and the issue code when it cannot be), the Excel number format, the template's data validation
and constraint text, how the summary shows it and how it is aggregated by default. Each type is
one module of this package defining ``TYPE``; the package finds them itself.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any, ClassVar, NamedTuple, Protocol

from ..common import shown, tidy_number
from ..text import Code, Joined, Lang, Msg, t


class Coerced(NamedTuple):
    """A raw cell read as a type: the value, an issue code when it cannot be read, and how its
    form had to be changed to read it (全角 → 半角, text → number...), for ``I-CONVERTED``."""

    value: Any = None
    error: Code | None = None  # an issue code such as E-NOT-A-NUMBER
    note: Joined | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and self.error is None


EMPTY = Coerced()


class FieldOptions(Protocol):
    """What a type reads of a field (a :class:`consolidate.spec.FieldSpec` is one)."""

    @property
    def label(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def formula(self) -> str | None: ...
    @property
    def choices(self) -> list[str] | None: ...
    @property
    def order(self) -> list[str] | None: ...
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...
    @property
    def max_length(self) -> int | None: ...


class FieldType:
    """One field type. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    error: ClassVar[Code | None] = None  # the issue code of a cell that cannot be read as this type
    numeric: ClassVar[bool] = False
    number_format: ClassVar[str | None] = None  # Excel's, for typed cells in every workbook
    table_kind: ClassVar[str] = ""  # how summary tables show it (default: the type's name)
    wraps: ClassVar[bool] = False  # long values: cells wrap text
    blank_marks: ClassVar[bool] = True  # a dash, a slash or 无 means "nothing to report"
    frame_dtype: ClassVar[str] = "string"  # the pandas dtype of its column (MergeResult.to_frames)
    free_text: ClassVar[bool] = False  # values are texts as typed (an item's task, a progress report)
    fraction: ClassVar[bool] = False  # a number that is a share: 0.5 is shown as 50%
    yes_no: ClassVar[bool] = False  # 是/否: shown as yes or no; ``count`` counts the yeses
    few_values: ClassVar[bool] = False  # the same few texts on many rows (stored once in workbooks)
    # A finite float in the cell is already the value (the common case, read without the rules).
    floats_as_is: ClassVar[bool] = False

    def kind(self) -> str:
        return self.table_kind or self.name

    def label(self, lang: Lang) -> str:
        """The type's name in the template's 填报说明 (catalogue key ``type.<name>``)."""
        return t(f"type.{self.name}", lang)

    def sample(self, field: FieldOptions, share: float, target: float, day: int) -> Any:
        """A plausible value for the demo's returns: ``share`` of the item's ``target`` done, on
        ``day`` of a month; None when the type has no such value (texts are the demo's own)."""
        return None

    def problems(self, field: FieldOptions) -> list[Msg]:
        """What is wrong with a field of this type in a spec (checked when the spec is loaded)."""
        return []

    def prefill(self, value: Any) -> Any:
        """A value given in the spec, as a template's locked cell holds it."""
        return value

    def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
        """A non-blank raw cell (never an error value) read as this type."""
        raise NotImplementedError

    def default_aggregate(self, field: FieldOptions) -> str:
        """How the summary combines units' values when the spec does not say."""
        return "none"

    def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
        """The type's part of a template's data validation (xlsxwriter options)."""
        return {"validate": "any"}

    def constraints(self, field: FieldOptions, lang: Lang) -> list[str]:
        """The type's part of the constraint text shown in templates (填报说明, input prompts)."""
        return []

    def show(self, value: Any) -> str | Msg:
        """A typed value as a message shows it (how a converted value was read)."""
        return shown(value)


# ---------------------------------------------------------------------------------------------
# Reading numbers and dates, shared by the numeric and date types

THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

NOTE_WIDTH = Msg("note.width")
NOTE_THOUSANDS = Msg("note.thousands")
NOTE_TEXT_NUMBER = Msg("note.text_number")


def notes(*parts: Msg) -> Joined:
    return Joined(parts, "clause")


def normalise_text(raw: str) -> tuple[str, list[Msg]]:
    """NFKC (全角 → 半角) and no spaces; the note says when the width changed."""
    found = []
    text = unicodedata.normalize("NFKC", raw)
    if text != raw:
        found.append(NOTE_WIDTH)
    return re.sub(r"\s+", "", text), found


def number_from_text(raw: str) -> tuple[float | None, list[Msg]]:
    text, found = normalise_text(raw)
    if THOUSANDS.match(text):
        text = text.replace(",", "")
        found.append(NOTE_THOUSANDS)
    if not PLAIN_NUMBER.match(text):
        return None, found
    found.append(NOTE_TEXT_NUMBER)
    return float(text), found


def read_number(raw: Any, error: Code) -> Coerced:
    """A finite number from a number or its text; ``error`` when there is none."""
    if isinstance(raw, bool):
        return Coerced(error=error)
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Coerced(error=error)
        return Coerced(tidy_number(raw))
    if isinstance(raw, str):
        number, found = number_from_text(raw)
        if number is None or not math.isfinite(number):
            return Coerced(error=error)
        return Coerced(tidy_number(number), note=notes(*found))
    return Coerced(error=error)


def looks_decimal(raw: str) -> bool:
    return PLAIN_NUMBER.match(normalise_text(raw)[0]) is not None


def number_bounds(field: FieldOptions) -> tuple[float, float]:
    """The validation range of a numeric field: its min and max, else all that Excel takes."""
    lo = field.min if field.min is not None else -1e15
    hi = field.max if field.max is not None else 1e15
    return lo, hi


EXCEL_EPOCH = dt.date(1899, 12, 30)
