"""Checks of a period's values against the report's history: W-CUMULATIVE-DECREASED, W-OUTLIER,
I-NOT-UPDATED and the rules over ``prev.*``, and the changes of cumulative fields (上期累计, 本期新增,
环比)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from ..check import Issue, Located, Record
from ..common import number_text, same_text, shown
from ..spec import Spec, expr
from ..text import Code, Msg
from .store import Change, HistoryView


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def modified_z(value: float, earlier: list[float]) -> float | None:
    """Iglewicz and Hoaglin's modified z-score of ``value`` against ``earlier`` (median and MAD);
    None when the earlier values do not vary (MAD 0)."""
    median = statistics.median(earlier)
    mad = statistics.median(abs(v - median) for v in earlier)
    if mad == 0:
        return None
    return 0.6745 * (value - median) / mad


def compare(spec: Spec, view: HistoryView, records: Iterable[Record], returns: Mapping[str, Located]) -> list[Issue]:
    """W-CUMULATIVE-DECREASED, W-OUTLIER, I-NOT-UPDATED and the rules over ``prev.*`` for the kept
    records; the changes of cumulative fields are added to ``view``."""
    issues: list[Issue] = []
    cumulative = [f for f in spec.fields if f.cumulative]
    prefilled = [f for f in spec.fields if f.prefill == "last" and f.is_input]
    numeric = [f for f in spec.fields if f.is_input and f.is_numeric]
    rules = [(rule, parsed) for rule, parsed in spec.rule_expressions() if parsed.previous]
    previous_ids = {name for _, parsed in rules for name in parsed.previous}
    settings = spec.outlier_check
    for f in cumulative:
        view.total[f.id] = Change()
    if not view.earlier and not rules:
        return issues  # nothing recorded before to compare with: no pass over the records
    for record in records:
        if record.item_id is None:
            continue
        unit, item = record.unit_code, record.item_id
        located = returns.get(unit)

        def where(field_id: str, located: Located | None = located, row: int = record.row) -> str:
            return located.cell(row, field_id) if located is not None and field_id in located.columns else ""

        values = record.values
        for f in cumulative:
            now, last = _number(values.get(f.id)), view.last(unit, item, f.id)
            before = _number(last[1]) if last is not None else None
            if now is None:
                continue
            # Each change with who it is about there: the unit (of an item, of the total), the item (of a unit).
            changes = (
                (view.by_item.setdefault(item, {}).setdefault(f.id, Change()), unit),
                (view.by_unit.setdefault(unit, {}).setdefault(f.id, Change()), item),
                (view.total[f.id], unit),
            )
            if last is None or before is None:
                for change, who in changes:
                    change.unpaired.append(who)
                continue
            for change, who in changes:
                change.add(now, before)
                if last[0] != view.previous:
                    change.older.append((who, last[0]))
            if now < before:
                issues.append(
                    _issue(
                        Code.W_CUMULATIVE_DECREASED,
                        record,
                        f.id,
                        f.label,
                        where(f.id),
                        values.get(f.id),
                        previous=number_text(before),
                        previous_period=last[0],
                        period=spec.report.period,
                    )
                )
        for f in prefilled:
            # The template started from the unit's last text: sent back as it was, it says nothing
            # new (an info only: a task done may well have nothing to add).
            text, last = values.get(f.id), view.last(unit, item, f.id)
            if isinstance(text, str) and text.strip() and last is not None and same_text(text, last[1]):
                issues.append(
                    _issue(
                        Code.I_NOT_UPDATED, record, f.id, f.label, where(f.id), text, previous_period=last[0], item=item
                    )
                )
        for f in numeric:
            now = _number(values.get(f.id))
            history = view.earlier.get((unit, item, f.id), [])
            earlier = [(p, n) for p, v in history if (n := _number(v)) is not None]
            if now is None or len(earlier) < settings.min_periods:
                continue
            score = modified_z(now, [n for _, n in earlier])
            if score is not None and abs(score) > settings.threshold:
                issues.append(
                    _issue(
                        Code.W_OUTLIER,
                        record,
                        f.id,
                        f.label,
                        where(f.id),
                        values.get(f.id),
                        history=Msg("history.values", values="；".join(f"{p}：{number_text(n)}" for p, n in earlier)),
                        score=f"{abs(score):.1f}",
                        threshold=number_text(settings.threshold),
                    )
                )
        if rules:
            prev = {fid: found[1] for fid in previous_ids if (found := view.last(unit, item, fid)) is not None}
            scope = {**values, expr.PREV: prev}
            for rule, parsed in rules:
                if parsed.evaluate(scope):
                    first = next((f for f in spec.fields if f.id in parsed.names and f.is_input), None)
                    fid = first.id if first else ""
                    code = Code.E_RULE if rule.level == "error" else Code.W_RULE
                    issues.append(
                        _issue(
                            code,
                            record,
                            fid,
                            first.label if first else "",
                            where(fid),
                            values.get(fid),
                            message=rule.message,
                            rule=rule.id,
                        )
                    )
    return issues


def _issue(code: Code, record: Record, field_id: str, label: str, cell: str, value: Any, **params: Any) -> Issue:
    return Issue(
        code,
        unit=record.unit_code,
        file=record.file,
        sheet=record.sheet,
        cell=cell or f"A{record.row}",
        field=field_id,
        value=shown(value) if value is not None else "",
        params={"label": label, **params},
    )
