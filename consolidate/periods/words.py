"""The period and date words of a text moved to another period: 8月份 → 9月份, 截至8月底 → 截至9月底,
截止4月15日 → 截止7月15日, 第一季度 → 第二季度, 上半年 → 下半年, 1-8月 → 1-9月, 2025年 → 2026年.

Every word moves by the months between the two periods, as the deadline does (a month's last
day stays the last: 8月31日 → 9月30日). A word that cannot be moved so (a quarter in a monthly
report that is not the month's own quarter, a day that does not exist, another year than the
period's when the year changes) is left as it is and named, so that the clerk can check it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..spec import Period, add_months

_CN_DIGITS = "〇一二三四五六七八九十"
_CN_MONTH = "十二|十一|十|[一二三四五六七八九]"
_CN_NUMERALS = "〇零一二两三四五六七八九十百千"
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_SHORT = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9}
_EN_SHORT |= {"Oct": 10, "Nov": 11, "Dec": 12}
_EN_MONTH = "|".join([*_EN_MONTHS, *sorted(_EN_SHORT, key=len, reverse=True)])
_EN_ORDINALS = ("first", "second", "third", "fourth")
_RANGE_MARK = r"\s*(?:-|—|–|~|～|至|到)\s*"

_WORDS = re.compile(
    "|".join(
        (
            # 2020年8月31日, 2020-08-31, 2020/8/31, 2020.8.31
            r"(?P<ymd>(?<![\d.])(?P<ymd_y>\d{4})(?P<ymd_s1>\s*年\s*)(?P<ymd_m>\d{1,2})(?P<ymd_s2>\s*月\s*)"
            r"(?P<ymd_d>\d{1,2})(?=\s*[日号])"
            r"|(?<![\d.])(?P<iso_y>\d{4})(?P<iso_s>[-/.])(?P<iso_m>\d{1,2})(?P=iso_s)(?P<iso_d>\d{1,2})(?![\d.]))",
            # 1-8月, 1月至8月, 2020年1-8月, 4～6月
            rf"(?P<range>(?<![\d.])(?:(?P<range_y>\d{{4}})(?P<range_ys>\s*年\s*))?(?P<range_a>\d{{1,2}})"
            rf"(?P<range_mid>\s*月?{_RANGE_MARK})(?P<range_b>\d{{1,2}})(?=\s*月))",
            # 2020年8月, 2020-08
            r"(?P<ym>(?<![\d.])(?P<ym_y>\d{4})(?P<ym_s>\s*年\s*)(?P<ym_m>\d{1,2})(?=\s*月(?!\s*\d))"
            r"|(?<![\d.])(?P<isoym_y>\d{4})-(?P<isoym_m>\d{2})(?![\d.\-/]))",
            # 8月31日, 4月15号
            r"(?P<md>(?<![\d.\-/])(?P<md_m>\d{1,2})(?P<md_s>\s*月\s*)(?P<md_d>\d{1,2})(?=\s*[日号]))",
            # 8月, 8月份, 8月底; 八月, 十二月
            r"(?P<month>(?<![\d.\-/])\d{1,2}(?=\s*月(?!\s*\d)))",
            rf"(?P<cnmonth>(?<![{_CN_NUMERALS}第])(?:{_CN_MONTH})(?=\s*月))",
            # 第一季度, 一季度, 第3季度, Q1
            r"(?P<quarter>(?<!\d)(?P<quarter_pre>第\s*)?(?P<quarter_n>[一二三四1-4])(?P<quarter_suf>\s*季度?))",
            r"(?P<q>(?<![A-Za-z])(?P<q_letter>[Qq])(?P<q_n>[1-4])(?![\dA-Za-z]))",
            r"(?P<enquarter>\b(?P<enquarter_n>first|second|third|fourth|First|Second|Third|Fourth)(?P<enquarter_suf>\s+quarter)\b)",
            # 上半年, H1, first half
            r"(?P<half>(?P<half_n>[上下])(?P<half_suf>半年))",
            r"(?P<h>(?<![A-Za-z])(?P<h_letter>[Hh])(?P<h_n>[12])(?![\dA-Za-z]))",
            r"(?P<enhalf>\b(?P<enhalf_n>first|second|First|Second)(?P<enhalf_suf>\s+half)\b)",
            # August 31, 31 August, August
            rf"(?P<enmd>\b(?P<enmd_m>{_EN_MONTH})(?P<enmd_dot>\.?)(?P<enmd_s>\s+)(?P<enmd_d>\d{{1,2}})(?![\d:]))",
            rf"(?P<endm>(?<![\d.])(?P<endm_d>\d{{1,2}})(?P<endm_s>\s+)(?P<endm_m>{_EN_MONTH})(?P<endm_dot>\.?)\b)",
            rf"(?P<enmonth>\b(?P<enmonth_m>{_EN_MONTH})(?P<enmonth_dot>\.?)\b)",
            # 2025年, 2025
            r"(?P<year>(?<![\d.])(?P<year_n>(?:19|20)\d{2})(?![\d.%％])(?P<year_suf>\s*年)?)",
        )
    )
)


@dataclass(frozen=True)
class Moved:
    """A text with its words moved, and the words found that could not be."""

    text: str
    unmoved: tuple[str, ...] = ()


def cn_number(number: int) -> str:
    """一 … 十二, as months and quarters are written."""
    return _CN_DIGITS[number] if number <= 10 else "十" + _CN_DIGITS[number - 10]


def _from_cn(text: str) -> int:
    if text.startswith("十"):
        return 10 + (_CN_DIGITS.index(text[1]) if len(text) > 1 else 0)
    return _CN_DIGITS.index(text)


def _digits(number: int, like: str) -> str:
    """``number`` written as ``like`` was: 08 stays two digits."""
    return f"{number:0{len(like)}d}" if like.startswith("0") else str(number)


class _Mover:
    def __init__(self, old: Period, new: Period) -> None:
        self.old, self.new = old, new
        self.delta = new.month_index - old.month_index
        self.unmoved: list[str] = []

    def month(self, month: int) -> int:
        return (month - 1 + self.delta) % 12 + 1

    def year_month(self, year: int, month: int) -> tuple[int, int]:
        index = year * 12 + month - 1 + self.delta
        return index // 12, index % 12 + 1

    def day(self, year: int, month: int, day: int) -> dt.date | None:
        try:
            return add_months(dt.date(year, month, day), self.delta)
        except ValueError:
            return None

    def year(self, year: int) -> int | None:
        """A year on its own: the period's year moves with it; None for another year."""
        if self.new.year == self.old.year:
            return year
        return self.new.year if year == self.old.year else None

    def part(self, number: int, months: int) -> int | None:
        """A quarter (``months`` 3) or half (6) of the year: moved when the step is whole ones of
        them, or when it is the old period's own; None otherwise."""
        per_year = 12 // months
        if self.delta % months == 0:
            return (number - 1 + self.delta // months) % per_year + 1
        own = (self.old.first_month - 1) // months + 1
        if number == own and self.old.months < months:
            return (self.new.first_month - 1) // months + 1
        return None

    def __call__(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        word = match[0]
        found = getattr(self, f"_{kind}")(match)
        if found is None:
            self.unmoved.append(word)
            return word
        return str(found)

    # One method per alternative of _WORDS: the word moved, or None.

    def _ymd(self, m: re.Match[str]) -> str | None:
        if m["ymd_y"]:
            year, month, day, seps = m["ymd_y"], m["ymd_m"], m["ymd_d"], (m["ymd_s1"], m["ymd_s2"])
        else:
            year, month, day, seps = m["iso_y"], m["iso_m"], m["iso_d"], (m["iso_s"], m["iso_s"])
        moved = self.day(int(year), int(month), int(day))
        if moved is None:
            return None
        return f"{moved.year}{seps[0]}{_digits(moved.month, month)}{seps[1]}{_digits(moved.day, day)}"

    def _range(self, m: re.Match[str]) -> str | None:
        first, last = int(m["range_a"]), int(m["range_b"])
        if not (1 <= first <= 12 and 1 <= last <= 12):
            return m[0]
        old, new = self.old, self.new
        prefix = ""
        if m["range_y"]:
            year = self.year(int(m["range_y"]))
            if year is None:
                return None
            prefix = f"{year}{m['range_ys']}"
        if (first, last) == (old.first_month, old.last_month) and old.months > 1:
            start, end = new.first_month, new.last_month  # the period's own months: 1-3月 → 4-6月
        elif first == 1 and last == old.last_month:
            start, end = 1, new.last_month  # since January: 1-8月 → 1-9月
        else:
            start, end = self.month(first), self.month(last)
            if start > end:
                return None
        if start == end:
            return f"{prefix}{start}"  # 1-12月, a month later: 1月
        return f"{prefix}{_digits(start, m['range_a'])}{m['range_mid']}{_digits(end, m['range_b'])}"

    def _ym(self, m: re.Match[str]) -> str | None:
        if m["ym_y"]:
            year, month = self.year_month(int(m["ym_y"]), int(m["ym_m"]))
            return f"{year}{m['ym_s']}{_digits(month, m['ym_m'])}"
        if not 1 <= int(m["isoym_m"]) <= 12:
            return m[0]
        year, month = self.year_month(int(m["isoym_y"]), int(m["isoym_m"]))
        return f"{year}-{month:02d}"

    def _md(self, m: re.Match[str]) -> str | None:
        if not 1 <= int(m["md_m"]) <= 12:
            return m[0]
        moved = self.day(self.old.year, int(m["md_m"]), int(m["md_d"]))
        if moved is None:
            return None
        return f"{_digits(moved.month, m['md_m'])}{m['md_s']}{_digits(moved.day, m['md_d'])}"

    def _month(self, m: re.Match[str]) -> str | None:
        number = int(m[0])
        return _digits(self.month(number), m[0]) if 1 <= number <= 12 else m[0]

    def _cnmonth(self, m: re.Match[str]) -> str | None:
        return cn_number(self.month(_from_cn(m[0])))

    def _quarter(self, m: re.Match[str]) -> str | None:
        text = m["quarter_n"]
        moved = self.part(_from_cn(text) if not text.isdigit() else int(text), 3)
        if moved is None:
            return None
        return f"{m['quarter_pre'] or ''}{moved if text.isdigit() else cn_number(moved)}{m['quarter_suf']}"

    def _q(self, m: re.Match[str]) -> str | None:
        moved = self.part(int(m["q_n"]), 3)
        return None if moved is None else f"{m['q_letter']}{moved}"

    def _enquarter(self, m: re.Match[str]) -> str | None:
        word = m["enquarter_n"]
        moved = self.part(_EN_ORDINALS.index(word.lower()) + 1, 3)
        return None if moved is None else _like(_EN_ORDINALS[moved - 1], word) + m["enquarter_suf"]

    def _half(self, m: re.Match[str]) -> str | None:
        moved = self.part(1 if m["half_n"] == "上" else 2, 6)
        return None if moved is None else ("上" if moved == 1 else "下") + m["half_suf"]

    def _h(self, m: re.Match[str]) -> str | None:
        moved = self.part(int(m["h_n"]), 6)
        return None if moved is None else f"{m['h_letter']}{moved}"

    def _enhalf(self, m: re.Match[str]) -> str | None:
        word = m["enhalf_n"]
        moved = self.part(_EN_ORDINALS.index(word.lower()) + 1, 6)
        return None if moved is None else _like(_EN_ORDINALS[moved - 1], word) + m["enhalf_suf"]

    def _enmd(self, m: re.Match[str]) -> str | None:
        moved = self.day(self.old.year, _en_month(m["enmd_m"]), int(m["enmd_d"]))
        if moved is None:
            return None
        return f"{_en_name(moved.month, m['enmd_m'])}{m['enmd_dot']}{m['enmd_s']}{moved.day}"

    def _endm(self, m: re.Match[str]) -> str | None:
        moved = self.day(self.old.year, _en_month(m["endm_m"]), int(m["endm_d"]))
        if moved is None:
            return None
        return f"{moved.day}{m['endm_s']}{_en_name(moved.month, m['endm_m'])}{m['endm_dot']}"

    def _enmonth(self, m: re.Match[str]) -> str | None:
        return f"{_en_name(self.month(_en_month(m['enmonth_m'])), m['enmonth_m'])}{m['enmonth_dot']}"

    def _year(self, m: re.Match[str]) -> str | None:
        number = int(m["year_n"])
        after = m.string[m.end() : m.end() + 1]
        if not m["year_suf"] and (number != self.old.year or after.isalnum()):
            return m[0]  # a number (完成2020人), not a year
        moved = self.year(number)
        return None if moved is None else f"{moved}{m['year_suf'] or ''}"


def _like(word: str, model: str) -> str:
    return word.capitalize() if model[:1].isupper() else word


def _en_month(name: str) -> int:
    return _EN_SHORT[name] if name in _EN_SHORT else _EN_MONTHS.index(name) + 1


def _en_name(month: int, like: str) -> str:
    """An English month's name, full or short as ``like`` was."""
    full = _EN_MONTHS[month - 1]
    if like in _EN_MONTHS:
        return full
    return "Sept" if like == "Sept" and month == 9 else full[:3]


def move_words(text: str, old: Period, new: Period) -> Moved:
    """``text`` with its period and date words moved from period ``old`` to ``new``."""
    if not text or old == new:
        return Moved(text)
    mover = _Mover(old, new)
    moved = _WORDS.sub(mover, text)
    return Moved(moved, tuple(mover.unmoved))


def next_deadline(deadline: dt.date | None, period: Period, step: int = 1) -> dt.date | None:
    """The deadline moved by ``step`` periods' length."""
    return None if deadline is None else add_months(deadline, period.months * step)
