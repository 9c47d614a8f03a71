"""Located rows → typed records and issues: types, required cells, bounds, rules."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..common import normalise, number_text, shown
from ..spec import FieldSpec, Spec, expr
from ..text import Code, Joined, Msg
from .coerce import NOT_USUAL, coerce, is_blank, usual
from .issues import Issue
from .recognise import Located, RawRow


@dataclass(slots=True)
class Record:
    """One typed row of a return: a (unit, item) pair, or one row of an open list."""

    unit_code: str
    item_id: str | None
    file: str
    sheet: str
    row: int
    values: dict[str, Any]


_BLANK = Msg("value.blank")


class RowChecker:
    """Checks rows against one spec; formulas and rules are parsed once."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.formulas = spec.formulas()
        self.rules = spec.rule_expressions()
        self.patterns = {f.id: re.compile(f.pattern) for f in spec.fields if f.pattern}
        # The fields a row gives values to, in order, and whether each comes from the item.
        self.fields = [(f, f.source == "item", usual(f)) for f in spec.fields if not f.formula]

    def check(self, located: Located) -> tuple[list[Record], list[Issue]]:
        records: list[Record] = []
        issues: list[Issue] = []
        fields = self.fields
        no_formulas = not located.formulas  # (an empty cell holding a formula is said so)
        for raw in located.rows:
            values: dict[str, Any] = {}
            where = _Where(located, raw)
            expected = self.spec.item_map[raw.item_id].values_for(located.unit_code) if raw.item_id is not None else {}
            cells = raw.cells
            for field, from_item, quick in fields:
                cell_value = cells.get(field.id)
                if not from_item:
                    if quick is not None:
                        value = quick(cell_value)
                        if value is not NOT_USUAL:  # the usual cell: nothing to check or say
                            values[field.id] = value
                            continue
                    if no_formulas and (cell_value is None or cell_value == "") and not field.required:
                        values[field.id] = None  # an empty cell left empty: nothing to say
                        continue
                if from_item and raw.item_id is not None:
                    values[field.id] = expected.get(field.id)
                    if _changed(field, cell_value, expected.get(field.id)):
                        issues.append(
                            where.issue(Code.W_ITEM_CHANGED, field, cell_value, expected=shown(expected.get(field.id)))
                        )
                    continue
                values[field.id] = self._input(field, cell_value, where, issues)
            self.compute(values)
            self._rules(values, where, issues)
            records.append(Record(located.unit_code, raw.item_id, located.book.name, located.sheet, raw.row, values))
        return records, issues

    def _input(self, field: FieldSpec, raw: Any, where: _Where, issues: list[Issue]) -> Any:
        result = coerce(field, raw)
        if result.error:
            issues.append(where.issue(result.error, field, raw, choices=Joined(field.choices or [])))
            return None
        value = result.value
        if value is None and result.note:
            issues.append(where.issue(Code.I_CONVERTED, field, raw, result=_BLANK, how=result.note))
        if value is None:
            formula = where.located.formulas.get(where.cell(field))
            if formula is not None:
                issues.append(where.issue(Code.W_FORMULA_NO_VALUE, field, formula))
            if field.required:
                issues.append(where.issue(Code.E_REQUIRED, field, raw))
            return None
        if result.note:
            issues.append(where.issue(Code.I_CONVERTED, field, raw, result=field.kind.show(value), how=result.note))
        if isinstance(value, int | float) and not isinstance(value, bool):
            if field.min is not None and value < field.min:
                issues.append(where.issue(Code.E_MIN, field, raw, limit=number_text(field.min)))
            if field.max is not None and value > field.max:
                issues.append(where.issue(Code.E_MAX, field, raw, limit=number_text(field.max)))
        if isinstance(value, str):
            if field.max_length and len(value) > field.max_length:
                issues.append(where.issue(Code.E_TOO_LONG, field, raw, limit=field.max_length, length=len(value)))
            pattern = self.patterns.get(field.id)
            if pattern is not None and not pattern.fullmatch(value):
                issues.append(where.issue(Code.E_PATTERN, field, raw))
        return value

    def compute(self, values: dict[str, Any]) -> None:
        """Fill computed fields in field order (a formula may use an earlier computed field)."""
        for field_id, formula in self.formulas.items():
            values[field_id] = expr.clean_number(formula.evaluate(values))

    def _rules(self, values: dict[str, Any], where: _Where, issues: list[Issue]) -> None:
        for rule, parsed in self.rules:
            names = parsed.names
            if any(values.get(n) is None for n in names):
                continue
            if parsed.evaluate(values):
                first = next((f for f in self.spec.fields if f.id in names and f.is_input), None)
                code = Code.E_RULE if rule.level == "error" else Code.W_RULE
                raw = where.raw.cells.get(first.id) if first else ""
                issues.append(where.issue(code, first, raw, message=rule.message, rule=rule.id))


class _Where:
    def __init__(self, located: Located, raw: RawRow) -> None:
        self.located = located
        self.raw = raw
        self.row = raw.row

    def cell(self, field: FieldSpec | None) -> str:
        if field is not None and field.id in self.located.columns:
            return self.located.cell(self.row, field.id)
        return f"A{self.row}"

    def issue(self, code: Code, field: FieldSpec | None, raw: Any, **params: Any) -> Issue:
        loc = self.located
        cell = self.cell(field)
        label = field.label if field is not None else ""
        return Issue(
            code,
            unit=loc.unit_code,
            file=loc.book.name,
            sheet=loc.sheet,
            cell=cell,
            field=field.id if field is not None else "",
            value=shown(raw),
            params={"label": label, **params},
        )


def _changed(field: FieldSpec, cell_value: Any, expected: Any) -> bool:
    if cell_value == expected or expected is None or is_blank(cell_value):
        return False
    if field.is_numeric:
        result = coerce(field, cell_value)
        if isinstance(result.value, int | float) and isinstance(expected, int | float):
            return not math.isclose(result.value, expected, rel_tol=1e-9, abs_tol=1e-9)
        return result.value is None
    return normalise(shown(cell_value)) != normalise(shown(expected))
