"""Raw cells → typed values, one function per field type.

Each function takes what the spreadsheet stored (str, float, int, bool, date, datetime...) and
returns a :class:`Coerced`: the typed value, an error code when it cannot be read, and a note when
the value's form had to be changed to read it (全角 → 半角, text → number, 79.46% → 0.7946...).
The note becomes an ``I-CONVERTED`` issue, so nothing is decided silently.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

from .spec import FieldSpec

EXCEL_EPOCH = dt.date(1899, 12, 30)
_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"})
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRUE = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "1", "有", "对"})
_FALSE = frozenset({"否", "×", "✗", "✘", "x", "n", "no", "false", "0", "无", "不是"})


class Coerced(NamedTuple):
    value: Any = None
    error: str | None = None  # an issue code such as E-NOT-A-NUMBER
    note: str | None = None  # how the form was changed, for I-CONVERTED

    @property
    def empty(self) -> bool:
        return self.value is None and self.error is None


EMPTY = Coerced()


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def shown(raw: Any) -> str:
    """A raw value as the unit typed it, for messages."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _normalise_text(raw: str) -> tuple[str, list[str]]:
    notes = []
    text = unicodedata.normalize("NFKC", raw)
    if text != raw:
        notes.append("全角转半角")
    stripped = re.sub(r"\s+", "", text)
    return stripped, notes


def _number_from_text(raw: str) -> tuple[float | None, list[str]]:
    text, notes = _normalise_text(raw)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
        notes.append("去掉千分位逗号")
    if not _PLAIN_NUMBER.match(text):
        return None, notes
    notes.append("文本转数字")
    return float(text), notes


def _finite(value: float) -> bool:
    return math.isfinite(value)


def coerce_number(raw: Any) -> Coerced:
    if isinstance(raw, bool):
        return Coerced(error="E-NOT-A-NUMBER")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not _finite(raw):
            return Coerced(error="E-NOT-A-NUMBER")
        return Coerced(_tidy(raw))
    if isinstance(raw, str):
        number, notes = _number_from_text(raw)
        if number is None or not _finite(number):
            return Coerced(error="E-NOT-A-NUMBER")
        return Coerced(_tidy(number), note="，".join(notes))
    return Coerced(error="E-NOT-A-NUMBER")


def coerce_integer(raw: Any) -> Coerced:
    result = coerce_number(raw)
    if result.error:
        return Coerced(error="E-NOT-AN-INTEGER") if isinstance(raw, str) and _looks_decimal(raw) else result
    if isinstance(result.value, float) and not result.value.is_integer():
        return Coerced(error="E-NOT-AN-INTEGER")
    return Coerced(int(result.value), note=result.note)


def _looks_decimal(raw: str) -> bool:
    return _PLAIN_NUMBER.match(_normalise_text(raw)[0]) is not None


def coerce_percent(raw: Any) -> Coerced:
    if isinstance(raw, str):
        text, notes = _normalise_text(raw)
        if text.endswith("%"):
            number, more = _number_from_text(text[:-1])
            if number is None:
                return Coerced(error="E-NOT-A-PERCENT")
            return Coerced(_tidy(number / 100), note="，".join([*notes, "百分数转小数"]))
        number, more = _number_from_text(text)
        if number is None:
            return Coerced(error="E-NOT-A-PERCENT")
        if abs(number) > 1:
            return Coerced(_tidy(number / 100), note="，".join(notes + more + ["按百分点读取（除以100）"]))
        return Coerced(_tidy(number), note="，".join(notes + more))
    result = coerce_number(raw)
    return Coerced(error="E-NOT-A-PERCENT") if result.error else result


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def coerce_date(raw: Any) -> Coerced:
    if isinstance(raw, dt.datetime):
        return Coerced(raw.date())
    if isinstance(raw, dt.date):
        return Coerced(raw)
    if isinstance(raw, bool):
        return Coerced(error="E-NOT-A-DATE")
    if isinstance(raw, int | float):
        if 1 <= raw < 2958466:
            return Coerced(EXCEL_EPOCH + dt.timedelta(days=int(raw)), note="Excel 日期序号转日期")
        return Coerced(error="E-NOT-A-DATE")
    if isinstance(raw, str):
        text, notes = _normalise_text(raw)
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    value = dt.date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    return Coerced(error="E-NOT-A-DATE")
                if text == value.isoformat():
                    return Coerced(value)
                return Coerced(value, note="，".join([*notes, "日期文本转日期"]))
        match = _MONTH_PATTERN.match(text)
        if match and 1 <= int(match[2]) <= 12:
            value = dt.date(int(match[1]), int(match[2]), 1)
            return Coerced(value, note="，".join([*notes, "只有年月，按当月1日读取"]))
    return Coerced(error="E-NOT-A-DATE")


def coerce_text(raw: Any) -> Coerced:
    if isinstance(raw, str):
        return Coerced(raw.strip())
    return Coerced(shown(raw))


def coerce_choice(raw: Any, choices: list[str]) -> Coerced:
    text = shown(raw).strip()
    if text in choices:
        return Coerced(text)
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for choice in choices:
        if re.sub(r"\s+", "", unicodedata.normalize("NFKC", choice)) == key:
            return Coerced(choice, note="去掉空格/全角")
    return Coerced(error="E-CHOICE")


def coerce_bool(raw: Any) -> Coerced:
    if isinstance(raw, bool):
        return Coerced(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Coerced(bool(raw), note="数字转是/否")
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", shown(raw))).lower()
    if text in ("是", "否"):
        return Coerced(text == "是")
    if text in _TRUE:
        return Coerced(True, note=f"“{shown(raw)}”按“是”读取")
    if text in _FALSE:
        return Coerced(False, note=f"“{shown(raw)}”按“否”读取")
    return Coerced(error="E-NOT-A-BOOL")


def _tidy(value: float | int) -> float | int:
    """Integral floats become ints so that 120.0 reads and sums as 120."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


_BY_TYPE: dict[str, Callable[[Any], Coerced]] = {
    "text": coerce_text,
    "number": coerce_number,
    "integer": coerce_integer,
    "percent": coerce_percent,
    "date": coerce_date,
    "bool": coerce_bool,
}


_EMPTY_LOOKING = frozenset(
    {"-", "--", "—", "——", "–", "－", "/", "／", "\\", "无", "空", "暂无", "n/a", "na", "null", "none"}
)


def coerce(field: FieldSpec, raw: Any) -> Coerced:
    """Coerce one raw cell for ``field``; blank cells are empty (the required check comes later).

    A dash, a slash or 无 in a number, date or choice cell means "nothing to report": read as
    blank, and said so, because guessing 0 would change totals.
    """
    # The usual cells (a number in a number column, text in a text column), decided first: the
    # same result as the general rules below, without them.
    kind = raw.__class__
    if (kind is int or kind is float) and field.type in ("number", "percent") and math.isfinite(raw):
        return Coerced(_tidy(raw))
    if kind is str and field.type == "text":
        text = raw.strip()
        if text and text not in _ERROR_VALUES:
            return Coerced(text)
    if is_blank(raw):
        return EMPTY
    if field.type not in ("text", "bool") and isinstance(raw, str) and raw.strip().lower() in _EMPTY_LOOKING:
        return Coerced(None, note="按空白读取")
    if isinstance(raw, str) and raw.strip() in _ERROR_VALUES:
        return Coerced(error="E-CELL-ERROR")
    if field.type == "choice":
        return coerce_choice(raw, field.choices or [])
    return _BY_TYPE[field.type](raw)
