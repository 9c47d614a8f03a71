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


# Periods and days inside a longer text: a title such as 玉环市卫生健康局2025年第一季度…完成情况,
# a header such as 完成情况（截止4月15日）.
_IN_QUARTER = re.compile(
    r"(\d{4})\s*年?\s*(?:度\s*)?第\s*([一二三四1-4])\s*季度|(\d{4})\s*[-/.]?\s*[Qq]\s*([1-4])(?!\d)"
)
_IN_HALF = re.compile(r"(\d{4})\s*年?\s*(?:度\s*)?([上下])\s*半\s*年")
_IN_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
_IN_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_IN_LATER_MONTH = re.compile(r"(?<![\d\-—~至到])(\d{1,2})\s*月份")
_IN_DAY = re.compile(
    r"(?:截\s*[止至]|截止到|截至到|报送|上报|报告)\s*(?:日期|时间)?\s*[:：]?\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*"
    r"(?:(\d{1,2})\s*[日号]|(底))"
)


def period_in_text(text: str) -> tuple[str, str] | None:
    """The period a longer text names and the words that name it: ``2025年第一季度`` → 2025-Q1,
    ``2025年上半年`` → 2025-H1, ``2025年9月`` → 2025-09, ``2020年民生实事工作8月份`` → 2020-08,
    else ``2025年`` → 2025; None when it names none."""
    plain = unicodedata.normalize("NFKC", text)
    if match := _IN_QUARTER.search(plain):
        year, number = (match[1], match[2]) if match[1] else (match[3], match[4])
        return f"{year}-Q{_NUMBERS[number]}", match[0]
    if match := _IN_HALF.search(plain):
        return f"{match[1]}-H{1 if match[2] == '上' else 2}", match[0]
    if (match := _IN_MONTH.search(plain)) and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}", match[0]
    year = _IN_YEAR.search(plain)
    if year is None:
        return None
    later = _IN_LATER_MONTH.search(plain, year.end())
    if later and 1 <= int(later[1]) <= 12:
        return f"{year[1]}-{int(later[1]):02d}", plain[year.start() : later.end()]
    return year[1], year[0]


def day_in_text(text: str, period: str) -> tuple[dt.date, str] | None:
    """The day a text gives as a cut-off or a due date and the words that give it:
    ``完成情况（截止4月15日）`` → 04-15, ``截至8月底`` → 08-31, in the period's year (the next
    year when the day would come before the period begins: 截止1月10日 for 2025-12). None when
    it gives none or the day does not exist."""
    match = _IN_DAY.search(unicodedata.normalize("NFKC", text))
    if match is None or normalise_period(period) != period:
        return None
    month = int(match[2])
    if not 1 <= month <= 12:
        return None
    start = period_start(period)
    year = int(match[1]) if match[1] else start.year + (1 if month < start.month else 0)
    try:
        day = dt.date(year, month, int(match[3])) if match[3] else _last_day(year, month)
    except ValueError:
        return None
    return day, match[0]


def _last_day(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_start(period: str) -> dt.date:
    """The first day of a period in its normal form: 2025-Q3 → 2025-07-01, 2025-H2 → 2025-07-01."""
    year = int(period[:4])
    if "-Q" in period:
        return dt.date(year, 3 * int(period[-1]) - 2, 1)
    if "-H" in period:
        return dt.date(year, 6 * int(period[-1]) - 5, 1)
    if "-" in period:
        return dt.date(year, int(period[5:7]), 1)
    return dt.date(year, 1, 1)
