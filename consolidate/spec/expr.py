"""Formulas and rules: parsed once, evaluated safely, translated to Excel.

Expressions are small: field ids, numbers, strings, arithmetic, comparisons, ``and``/``or``/
``not`` and a few functions. They are never passed to :func:`eval` nor compiled to Python code:
a checked tree is turned into nested functions, one per node (:func:`_closure`), evaluated as
simpleeval evaluates it (its operators, its limits on powers and string lengths, its errors),
without its dispatch on every node: the 完成率 of 40,000 rows and their rules are a fifth of the
checking.
"""

from __future__ import annotations

import ast
import math
import sys
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from simpleeval import (
    MAX_STRING_LENGTH,
    AttributeDoesNotExist,
    IterableTooLong,
    NameNotDefined,
    NumberTooHigh,
    SimpleEval,
)

from ..text import Msg


def excel_round(value: float, digits: int = 0) -> float:
    """ROUND as Excel and LibreOffice do it: halves away from zero (Python's round goes to even)."""
    quantum = Decimal(1).scaleb(-int(digits))
    try:
        return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    except InvalidOperation:  # more digits than a decimal holds (1e302 to 1 place): no fraction to round
        return float(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs,
    "min": min,
    "max": max,
    "round": excel_round,
    "len": len,
}
_EXCEL_FUNCTIONS = {"abs": "ABS", "min": "MIN", "max": "MAX", "round": "ROUND", "len": "LEN"}
_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "^",
}
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "=",
    ast.NotEq: "<>",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


class ExpressionError(ValueError):
    """The expression is not valid Python-like syntax or uses something not allowed."""

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(str(msg))


class Expression:
    """A parsed formula or rule; its names are computed once and one evaluator is reused."""

    __slots__ = ("_evaluator", "names", "previous", "source", "tree")

    def __init__(self, source: str, tree: ast.Expression) -> None:
        self.source = source
        self.tree = tree
        self.names = frozenset(_names(tree))
        # ``prev.done``: the unit's value of the previous period, given as ``values["prev"]``.
        self.previous = frozenset(name.split(".", 1)[1] for name in self.names if name.startswith(PREV + "."))
        self._evaluator = _closure(tree.body)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values``; returns None when a referenced value is missing."""
        for name in self.names:
            if values.get(name) is None and not (self.previous and _previous(values, name) is not None):
                return None
        try:
            return self._evaluator(values)
        except (ZeroDivisionError, TypeError, ValueError, OverflowError, NumberTooHigh):
            return None  # no number to show (a power refused as too large is none either)

    def to_excel(self, refs: Mapping[str, str]) -> str:
        """Translate to an Excel formula body (without ``=``), names replaced by ``refs``."""
        return _excel(self.tree.body, refs)


PREV = "prev"  # rules may read the previous period's values as prev.<field id>


def _names(tree: ast.AST) -> set[str]:
    """Field ids, and ``prev.<id>`` for a previous period's value."""
    names: set[str] = set()
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            names.add(f"{node.value.id}.{node.attr}")
            inner.add(id(node.value))
        elif isinstance(node, ast.Name) and node.id not in FUNCTIONS and id(node) not in inner:
            names.add(node.id)
    return names


def _previous(values: Mapping[str, Any], name: str) -> Any:
    head, _, attr = name.partition(".")
    earlier = values.get(head) if attr else None
    return earlier.get(attr) if isinstance(earlier, Mapping) else None


_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.Name,
    ast.Attribute,
    ast.Load,
    ast.Constant,
    ast.Call,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    *_BINOPS,
    *_CMPOPS,
)


def parse(source: str) -> Expression:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(Msg("expr.syntax", error=exc.msg)) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(Msg("expr.not_allowed", what=type(node).__name__))
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise ExpressionError(Msg("expr.functions"))
        if isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name) and node.value.id == PREV):
            raise ExpressionError(Msg("expr.not_allowed", what="Attribute"))
    return Expression(source.strip(), tree)


Evaluator = Callable[[Mapping[str, Any]], Any]
_OPERATORS: dict[type, Callable[..., Any]] = SimpleEval().operators  # safe_add, safe_power...


def _closure(node: ast.expr) -> Evaluator:
    """``node`` (checked by :func:`parse`) as a function of the values, evaluating exactly as
    :class:`simpleeval.SimpleEval` with ``functions=FUNCTIONS`` and the values as its names."""
    if isinstance(node, ast.Constant):
        value: Any = node.value
        if hasattr(value, "__len__") and len(value) > MAX_STRING_LENGTH:
            too_long = IterableTooLong(
                f"Literal in statement is too long! ({len(value)}, when {MAX_STRING_LENGTH} is max)"
            )

            def fail(values: Mapping[str, Any]) -> Any:
                raise too_long

            return fail
        return lambda values: value
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.Attribute):  # prev.<field id>: the previous period's values
        inner, attr = _closure(node.value), node.attr

        def attribute(values: Mapping[str, Any]) -> Any:
            earlier = inner(values)
            if isinstance(earlier, Mapping) and attr in earlier:
                return earlier[attr]
            raise AttributeDoesNotExist(attr, "")

        return attribute
    if isinstance(node, ast.BinOp):
        binary, left, right = _OPERATORS[type(node.op)], _closure(node.left), _closure(node.right)
        return lambda values: binary(left(values), right(values))
    if isinstance(node, ast.UnaryOp):
        unary, operand = _OPERATORS[type(node.op)], _closure(node.operand)
        return lambda values: unary(operand(values))
    if isinstance(node, ast.BoolOp):
        parts, every = [_closure(v) for v in node.values], isinstance(node.op, ast.And)

        def boolean(values: Mapping[str, Any]) -> Any:
            result: Any = False
            for part in parts:
                result = part(values)
                if bool(result) is not every:  # and: stop at the first false; or: at the first true
                    break
            return result

        return boolean
    if isinstance(node, ast.Compare):
        first = _closure(node.left)
        steps = [(_OPERATORS[type(op)], _closure(c)) for op, c in zip(node.ops, node.comparators, strict=True)]

        def compare(values: Mapping[str, Any]) -> Any:
            right = first(values)
            result: Any = True
            for test, comparator in steps:
                if not result:
                    break
                left, right = right, comparator(values)
                result = test(left, right)
            return result

        return compare
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        function, arguments = FUNCTIONS[node.func.id], [_closure(a) for a in node.args]
        return lambda values: function(*(argument(values) for argument in arguments))
    raise ExpressionError(Msg("expr.not_allowed", what=type(node).__name__))


def _name(name: str) -> Evaluator:
    def value(values: Mapping[str, Any]) -> Any:
        try:
            return values[name]
        except KeyError:
            if name in FUNCTIONS:
                return FUNCTIONS[name]
            raise NameNotDefined(name, "") from None

    return value


def _excel(node: ast.expr, refs: Mapping[str, str]) -> str:
    if isinstance(node, ast.Name):
        return refs[node.id]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return '"' + node.value.replace('"', '""') + '"'
        if isinstance(node.value, bool):
            return "TRUE" if node.value else "FALSE"
        return repr(node.value)
    if isinstance(node, ast.BinOp):
        op = _BINOPS[type(node.op)]
        return f"({_excel(node.left, refs)}{op}{_excel(node.right, refs)})"
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return f"NOT({_excel(node.operand, refs)})"
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return f"({sign}{_excel(node.operand, refs)})"
    if isinstance(node, ast.BoolOp):
        fn = "AND" if isinstance(node.op, ast.And) else "OR"
        return f"{fn}({','.join(_excel(v, refs) for v in node.values)})"
    if isinstance(node, ast.Compare):
        parts = []
        left = node.left
        for cmp, right in zip(node.ops, node.comparators, strict=True):
            parts.append(f"{_excel(left, refs)}{_CMPOPS[type(cmp)]}{_excel(right, refs)}")
            left = right
        return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = ",".join(_excel(a, refs) for a in node.args)
        return f"{_EXCEL_FUNCTIONS[node.func.id]}({args})"
    raise ExpressionError(Msg("expr.not_allowed", what=type(node).__name__))


def excel_formula(expr: Expression, refs: Mapping[str, str]) -> str:
    """A full formula that stays empty until its inputs are filled, never #DIV/0! or #VALUE!."""
    body = f'IFERROR({expr.to_excel(refs)},"")'
    cells = [refs[name] for name in sorted(expr.names)]
    if not cells:
        return f"={body}"
    blank = cells[0] + '=""' if len(cells) == 1 else "OR(" + ",".join(f'{c}=""' for c in cells) + ")"
    return f'=IF({blank},"",{body})'


def clean_number(value: Any) -> float | int | None:
    """A finite number from an evaluation result, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int) and not -sys.float_info.max <= value <= sys.float_info.max:
        return None  # no cell holds it (a power of whole numbers has no float's limit)
    return value
