"""Periods and deadlines as clerks write them: 2025年第三季度, 2025年9月, 2025年上半年, 2025年4月15日.

Both are read into one form (a :class:`Period`, written ``2025-Q3``, ``2025-09``, ``2025-H1``,
``2025``; a date), so that the rest of the tool sees one spelling whatever was typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["year", "half", "quarter", "month"]
_PER_YEAR: dict[str, int] = {"year": 1, "half": 2, "quarter": 4, "month": 12}
_MARK = {"half": "H", "quarter": "Q"}

_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"^(\d{4})(?:年度?)?$")
_QUARTER = re.compile(r"^(\d{4})(?:[-/.]?q|年?第?([一二三四1-4])季度?)([1-4])?$", re.I)
_HALF = re.compile(r"^(\d{4})(?:[-/.]?h([12])|年?([上下])半年)$", re.I)
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月份?)?$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Period:
    """A report's period: a year, a half, a quarter or a month (``number`` counts within the year).

    ``str()`` is its one normal form: ``2025``, ``2025-H1``, ``2025-Q3``, ``2025-09``; periods of
    one kind sort as those texts do.
    """

    year: int
    kind: PeriodKind = "year"
    number: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _PER_YEAR or not 1 <= self.number <= _PER_YEAR[self.kind]:
            raise ValueError(f"not a period: {self.year} {self.kind} {self.number}")

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """The period however written (2025年第三季度, 2025Q3, 2025年9月, 2025年上半年, 2025年度);
        None when it is not one."""
        plain = _plain(text)
        if match := _YEAR.match(plain):
            return cls(int(match[1]))
        if match := _QUARTER.match(plain):
            number = match[3] or match[2]
            if number and number in _NUMBERS and not (match[2] and match[3]):
                return cls(int(match[1]), "quarter", _NUMBERS[number])
            return None
        if match := _HALF.match(plain):
            return cls(int(match[1]), "half", int(match[2]) if match[2] else 1 if match[3] == "上" else 2)
        if (match := _MONTH.match(plain)) and 1 <= int(match[2]) <= 12:
            return cls(int(match[1]), "month", int(match[2]))
        return None

    @classmethod
    def of(cls, text: str) -> Period:
        """A period in its normal form (as a spec holds it); :class:`ValueError` when it is not one."""
        found = cls.parse(text)
        if found is None or str(found) != text:
            raise ValueError(f"not a period in its normal form: {text!r}")
        return found

    def __str__(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-{_MARK[self.kind]}{self.number}"

    @property
    def months(self) -> int:
        """How many months it spans: 12, 6, 3 or 1."""
        return 12 // _PER_YEAR[self.kind]

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.months + 1

    @property
    def last_month(self) -> int:
        return self.number * self.months

    @property
    def month_index(self) -> int:
        """Its first month counted from year 0 (to measure the months between two periods)."""
        return self.year * 12 + self.first_month - 1

    def shift(self, step: int) -> Period:
        """The period ``step`` periods after this one (before it when negative), of the same kind:
        2025-12 +1 → 2026-01, 2026-Q1 −1 → 2025-Q4, 2026-H1 −1 → 2025-H2, 2025 +1 → 2026."""
        per_year = _PER_YEAR[self.kind]
        index = self.year * per_year + self.number - 1 + step
        return Period(index // per_year, self.kind, index % per_year + 1)

    @property
    def next(self) -> Period:
        return self.shift(1)

    @property
    def previous(self) -> Period:
        return self.shift(-1)


def normalise_period(text: str) -> str | None:
    """``2025``, ``2025-Q3``, ``2025-09`` or ``2025-H1`` for a period however written; None when
    it is not one."""
    found = Period.parse(text)
    return None if found is None else str(found)


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
    found = Period.of(period)
    return dt.date(found.year, found.first_month, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the last day of a month stays the last (08-31 → 09-30)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_end else min(day.day, last))
