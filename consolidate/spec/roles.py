"""What each field is to a reader of the summary and the document, found by what it is rather
than by its id: the count done, the target, their rate, the unit of measure, the item's number,
its task text, its group column, the units' progress texts and self-assessment.

One home for these guesses: the merge (per-unit rates, the ranking), the summary (the chart, the
legends of 趋势) and the progress document all read them from here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..common import normalise, shown

if TYPE_CHECKING:
    from .model import FieldSpec, Item

# Labels of an item text field that names each item's unit of measure (计量单位), when the spec
# does not mark one with ``measure: true``.
MEASURE_LABELS = frozenset(
    normalise(x) for x in ("计量单位", "计量", "单位", "unit", "units", "measure", "unit of measure")
)
NUMBER_LABELS = frozenset(normalise(x) for x in ("序号", "编号", "no", "no.", "number"))
# A column that classifies items rather than naming them: never the item's heading.
GROUP_LABELS = frozenset(normalise(x) for x in ("类别", "分类", "类型", "板块", "领域", "group", "category"))


@dataclass(frozen=True)
class Roles:
    done: FieldSpec | None
    target: FieldSpec | None
    rate: FieldSpec | None
    measure: FieldSpec | None
    status: FieldSpec | None  # a choice field aggregated worst-first (进度自评)
    text: FieldSpec | None  # the item's own text (the task)
    number: FieldSpec | None  # the item's number (序号)
    narrative: FieldSpec | None  # the units' progress reports (joined)
    # The units' problems and what they suggest (存在问题及解决建议): another joined text they fill
    # in, named so; the progress document quotes it under an item behind schedule.
    problems: FieldSpec | None = None


_PROBLEMS = re.compile(r"问题|困难|建议|problem|difficult|suggest", re.IGNORECASE)


def guess_measure(fields: Sequence[FieldSpec]) -> FieldSpec | None:
    """The field marked ``measure: true``, else an item text field labelled 计量单位 (or 单位)."""
    marked = next((f for f in fields if f.measure), None)
    if marked is not None:
        return marked
    return next(
        (
            f
            for f in fields
            if f.source == "item"
            and not f.is_numeric
            and f.kind.free_text
            and (f.id == "measure" or normalise(f.label) in MEASURE_LABELS)
        ),
        None,
    )


def find_roles(fields: Sequence[FieldSpec], items: Sequence[Item]) -> Roles:
    rate = next((f for f in fields if f.formula and f.kind.fraction), None)
    by_id = {f.id: f for f in fields}
    done = target = None
    if rate is not None and rate.formula:
        tree = ast.parse(rate.formula, mode="eval").body
        ratio = isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Div)
        if ratio and isinstance(tree.left, ast.Name) and isinstance(tree.right, ast.Name):  # type: ignore[attr-defined]
            done, target = by_id.get(tree.left.id), by_id.get(tree.right.id)  # type: ignore[attr-defined]
    summed = [f for f in fields if f.is_numeric and not f.formula and f.effective_aggregate == "sum"]
    done = done or next((f for f in summed if f.is_input), None)
    target = target or next((f for f in summed if f.source == "item"), None)
    measure = guess_measure(fields)
    item_texts = [f for f in fields if f.source == "item" and f.kind.free_text and f is not measure]
    narrative = next((f for f in fields if f.effective_aggregate == "join"), None)
    number = next((f for f in item_texts if f.id == "no" or normalise(f.label) in NUMBER_LABELS), None)
    return Roles(
        done=done,
        target=target,
        rate=rate,
        measure=measure,
        status=next((f for f in fields if f.effective_aggregate == "worst" and f.worst_order), None),
        text=_task(item_texts, number, items),
        number=number,
        narrative=narrative,
        problems=next(
            (
                f
                for f in fields
                if f is not narrative and f.is_input and f.effective_aggregate == "join" and _PROBLEMS.search(f.label)
            ),
            None,
        ),
    )


def _task(texts: Sequence[FieldSpec], number: FieldSpec | None, items: Sequence[Item]) -> FieldSpec | None:
    """The item text that tells one item from another: ``task`` if there is one; else, leaving out
    the number and columns that classify items (类别) or repeat over them (a unit list, a group
    heading carried down), the one with the most different values, then the longest."""
    candidates = [f for f in texts if f is not number]
    named = next((f for f in candidates if f.id == "task"), None)
    if named is not None or not candidates:
        return named

    def score(f: FieldSpec) -> tuple[int, int, float, float]:
        values = [shown(item.values.get(f.id)).strip() for item in items]
        filled = [v for v in values if v]
        classifying = normalise(f.label) in GROUP_LABELS
        return (
            0 if classifying else 1,
            len(set(filled)),
            sum(len(v) for v in filled) / max(len(filled), 1),
            f.width or 0,
        )

    return max(candidates, key=score)
