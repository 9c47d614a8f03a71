"""The Issue value: one problem found in the returns, with a stable code and its place.

Its message and suggested fix come from the catalogue (:data:`consolidate.text.ISSUES`), worded
in the language of whoever reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..common import split_ref
from ..text import FIX_FOR_UNITS, ISSUES, REASON_FOR_UNITS, Code, Lang, Level, Msg, render

__all__ = ["ISSUES", "Code", "Issue", "Level", "count_levels", "sort_issues"]


@dataclass(frozen=True)
class Issue:
    """One problem (or an info note) about a return, located as precisely as possible."""

    code: Code
    unit: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    field: str = ""
    value: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def level(self) -> Level:
        return ISSUES[self.code].level

    def message(self, lang: Lang = "zh", *, for_unit: bool = False) -> str:
        """What is wrong; ``for_unit``: as the unit that sent the file reads it (a reason that
        asks the clerk to ask the unit is worded for the unit)."""
        entry = ISSUES[self.code]
        text = entry.zh if lang == "zh" else entry.en
        return text.format(value=self.value, **self._worded(lang, for_unit))

    def fix(self, lang: Lang = "zh", *, for_unit: bool = False) -> str:
        """How to put it right; ``for_unit``: as the unit that sent the file reads it."""
        entry = ISSUES[self.code]
        at = 0 if lang == "zh" else 1
        text = entry.fix_zh if lang == "zh" else entry.fix_en
        reason = self.params.get("reason")
        unit_fix = (
            REASON_FOR_UNITS[reason.key][1] if isinstance(reason, Msg) and reason.key in REASON_FOR_UNITS else None
        )
        if for_unit and unit_fix is not None:
            text = unit_fix[at]
        elif for_unit and self.code in FIX_FOR_UNITS:
            text = FIX_FOR_UNITS[self.code][at]
        return text.format(value=self.value, **self._worded(lang, for_unit))

    def _worded(self, lang: Lang, for_unit: bool) -> dict[str, Any]:
        at = 0 if lang == "zh" else 1
        return {
            key: REASON_FOR_UNITS[value.key][0][at].format(**{k: render(v, lang) for k, v in value.params.items()})
            if for_unit and isinstance(value, Msg) and value.key in REASON_FOR_UNITS
            else render(value, lang)
            for key, value in self.params.items()
        }

    def sort_key(self) -> tuple[int, str, str, str, int, str, str]:
        row, col = _cell_order(self.cell)
        return (self.level.rank, self.unit, self.file, self.sheet, row, col, self.code)

    def as_dict(self, lang: Lang = "zh") -> dict[str, str]:
        return {
            "level": self.level.value,
            "code": self.code,
            "unit": self.unit,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": self.value,
            "message": self.message(lang),
            "fix": self.fix(lang),
        }


def _cell_order(cell: str) -> tuple[int, str]:
    letters, row = split_ref(cell)
    return (row, letters.rjust(3))


def sort_issues(issues: Iterable[Issue], units: Sequence[str] = ()) -> list[Issue]:
    """Errors first, then by unit, file and cell: the order the clerk works through them.

    Files of no known unit come first, then the units in ``units`` order (the spec's, as in every
    other sheet).
    """
    order = {code: i for i, code in enumerate(units)}
    order[""] = -1
    return sorted(
        issues, key=lambda issue: (issue.level.rank, order.get(issue.unit, len(units)), *issue.sort_key()[1:])
    )


def count_levels(issues: Iterable[Issue]) -> dict[Level, int]:
    counts = {level: 0 for level in Level}
    for issue in issues:
        counts[issue.level] += 1
    return counts
