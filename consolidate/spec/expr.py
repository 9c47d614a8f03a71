"""Formulas and rules: parsed once, evaluated safely (simpleeval), translated to Excel.

Expressions are small: field ids, numbers, strings, arithmetic, comparisons, ``and``/``or``/
``not`` and a few functions. They are never passed to :func:`eval`.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simpleeval import SimpleEval

from ..text import Msg


def excel_round(value: float, digits: int = 0) -> float:
    """ROUND as Excel and LibreOffice do it: halves away from zero (Python's round goes to even)."""
    quantum = Decimal(1).scaleb(-int(digits))
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


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
        self._evaluator = SimpleEval(names={}, functions=FUNCTIONS)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """Evaluate with ``values``; returns None when a referenced value is missing."""
        for name in self.names:
            if values.get(name) is None and not (self.previous and _previous(values, name) is not None):
                return None
        self._evaluator.names = values
        try:
            return self._evaluator.eval(self.source, previously_parsed=self.tree.body)
        except (ZeroDivisionError, TypeError, ValueError, OverflowError):
            return None

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
    return value
