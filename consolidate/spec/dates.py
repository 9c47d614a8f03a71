"""Periods and deadlines as clerks write them: 2025年第三季度, 2025年9月, 2025年上半年, 2025年4月15日.

Both are normalised to one form (``2025-Q3``, ``2025-09``, ``2025-H1``; a date), so that the
rest of the tool sees one spelling whatever was typed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"^(\d{4})(?:年度?)?$")
_QUARTER = re.compile(r"^(\d{4})(?:[-/.]?q|年?第?([一二三四1-4])季度?)([1-4])?$", re.I)
_HALF = re.compile(r"^(\d{4})(?:[-/.]?h([12])|年?([上下])半年)$", re.I)
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月份?)?$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalise_period(text: str) -> str | None:
    """``2025``, ``2025-Q3``, ``2025-09`` or ``2025-H1`` for a period however written; None when
    it is not one."""
    plain = _plain(text)
    if match := _YEAR.match(plain):
        return match[1]
    if match := _QUARTER.match(plain):
        number = match[3] or match[2]
        if number and number in _NUMBERS and not (match[2] and match[3]):
            return f"{match[1]}-Q{_NUMBERS[number]}"
        return None
    if match := _HALF.match(plain):
        half = match[2] or ("1" if match[3] == "上" else "2")
        return f"{match[1]}-H{half}"
    if (match := _MONTH.match(plain)) and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}"
    return None


def parse_day(text: str) -> dt.date | None:
    """The day of ``2025-04-15``, ``2025/4/15``, ``2025.4.15``, ``2025年4月15日`` or ``20250415``;
    None when it is not written as a day, :class:`ValueError` when the day does not exist."""
    match = _DATE.match(_plain(text))
    if match is None:
        return None
    year, month, day = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
    return dt.date(int(year), int(month), int(day))
