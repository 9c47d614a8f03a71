"""Raw cells → typed records and issues: the return table recognised (which unit, sheet, columns,
rows), each cell coerced by its field's type, required cells, bounds and the spec's rules."""

from __future__ import annotations

from .coerce import coerce, is_blank
from .issues import Issue, Level, count_levels, sort_issues
from .recognise import Located, RawRow, header_keys, locate, unit_in_text
from .validate import Record, RowChecker

__all__ = [
    "Issue",
    "Level",
    "Located",
    "RawRow",
    "Record",
    "RowChecker",
    "coerce",
    "count_levels",
    "header_keys",
    "is_blank",
    "locate",
    "sort_issues",
    "unit_in_text",
]
