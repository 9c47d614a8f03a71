"""A report's periods: the next one (``2020-08`` → ``2020-09``), its deadline and title moved by
the same step, and the outlier settings checked against earlier periods.

Periods are in their one normal form (see :mod:`.dates`): ``2025``, ``2025-H1``, ``2025-Q3``,
``2025-09``. Within one report they sort as text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from pydantic import Field

from .strict import StrictModel

_CN_DIGITS = "〇一二三四五六七八九十"


class OutlierSpec(StrictModel):
    """``outliers:`` in a spec: W-OUTLIER when a value's modified z-score against the unit's own
    earlier values is above ``threshold``, once there are ``min_periods`` of them."""

    threshold: float = Field(default=3.5, gt=0)
    min_periods: int = Field(default=3, ge=3)


def period_months(period: str) -> int:
    """How many months a period spans: 12, 6, 3 or 1."""
    if "-Q" in period:
        return 3
    if "-H" in period:
        return 6
    return 12 if "-" not in period else 1


def shift_period(period: str, step: int) -> str:
    """The period ``step`` periods after ``period`` (before it when negative), of the same kind:
    2025-12 +1 → 2026-01, 2026-Q1 -1 → 2025-Q4, 2026-H1 -1 → 2025-H2, 2025 +1 → 2026."""
    year = int(period[:4])
    for mark, per_year in (("-Q", 4), ("-H", 2)):
        if mark in period:
            index = year * per_year + int(period[-1]) - 1 + step
            return f"{index // per_year}{mark}{index % per_year + 1}"
    if "-" in period:
        index = year * 12 + int(period[5:7]) - 1 + step
        return f"{index // 12}-{index % 12 + 1:02d}"
    return str(year + step)


def next_period(period: str) -> str:
    """The period after ``period``, of the same kind: 2025-12 → 2026-01, 2025-Q4 → 2026-Q1."""
    return shift_period(period, 1)


def previous_period(period: str) -> str:
    """The period before ``period``, of the same kind: 2026-01 → 2025-12, 2026-Q1 → 2025-Q4."""
    return shift_period(period, -1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the last day of a month stays the last (08-31 → 09-30)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_end else min(day.day, last))


@dataclass(frozen=True)
class _Words:
    year: int
    month: int | None = None
    quarter: int | None = None
    half: int | None = None


def _words(period: str) -> _Words:
    year = int(period[:4])
    if "-Q" in period:
        return _Words(year, quarter=int(period[-1]))
    if "-H" in period:
        return _Words(year, half=int(period[-1]))
    if "-" in period:
        return _Words(year, month=int(period[5:7]))
    return _Words(year)


def _cn(number: int) -> str:
    """一 … 十二, as months and quarters are written."""
    if number <= 10:
        return _CN_DIGITS[number]
    return "十" + _CN_DIGITS[number - 10]


def next_title(title: str, old: str, new: str) -> str:
    """The title's period words moved from ``old`` to ``new``: 8月份→9月份, 第一季度→第二季度,
    上半年→下半年, 2025年→2026年 (when the year changes). Other text is left as it is."""
    was, now = _words(old), _words(new)
    out = title
    if was.month is not None and now.month is not None:
        out = re.sub(
            rf"(?<!\d){was.month}(?=\s*月)",
            str(now.month),
            re.sub(rf"(?<![一二三四五六七八九十]){_cn(was.month)}(?=\s*月)", _cn(now.month), out, count=1),
            count=1,
        )
    if was.quarter is not None and now.quarter is not None:
        out = re.sub(rf"第\s*[{_cn(was.quarter)}{was.quarter}]\s*季度", f"第{_cn(now.quarter)}季度", out, count=1)
        out = re.sub(rf"(?i)(?<![A-Za-z])Q{was.quarter}(?!\d)", f"Q{now.quarter}", out, count=1)
    if was.half is not None and now.half is not None:
        out = out.replace("上半年" if was.half == 1 else "下半年", "上半年" if now.half == 1 else "下半年", 1)
    if was.year != now.year:
        out = re.sub(rf"(?<!\d){was.year}(?=\s*年|(?!\d))", str(now.year), out)
    return out


def next_deadline(deadline: dt.date | None, period: str) -> dt.date | None:
    """The deadline moved by one period's length."""
    return None if deadline is None else add_months(deadline, period_months(period))


_REPORT_KEY = re.compile(r"^(?P<indent>[ \t]+)(?P<key>period|deadline|title)(?P<colon>\s*:\s*)(?P<rest>.*)$")


def advance_yaml(text: str, changes: dict[str, str]) -> str:
    """``report.yaml``'s text with the ``report:`` keys in ``changes`` given new values; every other
    line (comments, layout, the other sections) is kept as it was."""
    lines = text.splitlines(keepends=True)
    in_report = False
    done: set[str] = set()
    for index, line in enumerate(lines):
        if re.match(r"^report\s*:\s*(#.*)?$", line.rstrip("\r\n")):
            in_report = True
            continue
        if in_report and line.strip() and not line[0].isspace() and not line.lstrip().startswith("#"):
            in_report = False
        match = _REPORT_KEY.match(line.rstrip("\r\n")) if in_report else None
        if match is None or match["key"] not in changes or match["key"] in done:
            continue
        comment = re.search(r"\s+#.*$", match["rest"]) if not match["rest"].lstrip().startswith(("'", '"')) else None
        ending = line[len(line.rstrip("\r\n")) :]
        value = _yaml_text(changes[match["key"]])
        tail = comment.group(0) if comment else ""
        lines[index] = f"{match['indent']}{match['key']}{match['colon']}{value}{tail}{ending}"
        done.add(match["key"])
    return "".join(lines)


def _yaml_text(value: str) -> str:
    """A value as YAML reads it back as the same text (quoted when it would not be)."""
    if re.fullmatch(r"[\w\u4e00-\u9fff\u3000-\u303f\uff00-\uffef（）—\-./]+", value) and value[0] not in "-?!&*@`":
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
