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


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the last day of a month stays the last (08-31 → 09-30)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_end else min(day.day, last))
