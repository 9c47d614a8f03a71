"""A spec from its data (read from YAML or a workbook): validated by pydantic, units and items
resolved, cross-checked; every problem located by the reader's :class:`Locator`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..common import close_matches, gc_paused
from ..errors import SpecError, SpecProblem
from ..text import Joined, Msg
from . import expr
from .document import DocumentSpec
from .items import build_item
from .mailspec import ImapSpec, MailSpec, SmtpSpec
from .model import FieldSpec, Item, ReportInfo, RuleSpec, Spec, SpecFile, UnitSpec
from .tables import load_items, load_units


def build_spec(data: Mapping[str, Any], locator: Locator, base: Path | None, path: Path | None) -> Spec:
    with gc_paused():
        return _build_spec(data, locator, base, path)


def _build_spec(data: Mapping[str, Any], locator: Locator, base: Path | None, path: Path | None) -> Spec:
    try:
        raw = SpecFile.model_validate(data)
    except ValidationError as exc:
        raise SpecError([locator.problem(err) for err in _relevant(exc.errors())]) from None
    problems: list[SpecProblem] = []
    if isinstance(raw.units, str):
        units, unit_problems = load_units((base or Path(".")) / raw.units)
        problems += unit_problems
    else:
        units = list(raw.units)
    problems += _check_units(units, locator)
    fields = tuple(raw.fields)
    problems += _check_fields(raw, locator)
    items: list[Item] = []
    if isinstance(raw.items, str):
        items, item_problems = load_items((base or Path(".")) / raw.items, fields, units)
        problems += item_problems
    else:
        for index, entry in enumerate(raw.items):
            item, item_problems = build_item(
                entry, fields, units, index + 1, lambda key, i=index: locator.at(("items", i, key))
            )
            problems += item_problems
            if item is not None:
                items.append(item)
    problems += _check_items(items, locator)
    if problems:
        raise SpecError(problems)
    return Spec(
        report=raw.report,
        fields=fields,
        rules=tuple(raw.rules),
        units=tuple(units),
        items=tuple(items),
        rows=raw.rows,
        max_rows=raw.max_rows,
        path=path,
        mail=raw.mail,
        smtp=raw.smtp,
        imap=raw.imap,
        document=raw.document,
        outliers=raw.outliers,
        upstream=raw.upstream,
    )


# ---------------------------------------------------------------------------------------------
# Cross checks


def _check_units(units: Sequence[UnitSpec], locator: Locator) -> list[SpecProblem]:
    problems = []
    if not units:
        problems.append(locator.problem_at(("units",), Msg("spec.no_units")))
    for attr in ("code", "name"):
        seen: set[str] = set()
        for unit in units:
            key = getattr(unit, attr)
            if key in seen:
                problems.append(locator.problem_at(("units",), Msg(f"spec.duplicate_unit_{attr}", value=key)))
            seen.add(key)
    return problems


def _check_fields(raw: SpecFile, locator: Locator) -> list[SpecProblem]:
    problems: list[SpecProblem] = []
    ids = [f.id for f in raw.fields]
    known = set(ids)  # once: a spec may have 10,000 fields, each with a formula
    measured = False  # an earlier field names the unit of measure

    def at(index: int, key: str, message: Msg) -> None:
        problems.append(locator.problem_at(("fields", index, key), message))

    seen: set[str] = set()
    for index, f in enumerate(raw.fields):
        if f.id in seen:
            at(index, "id", Msg("spec.duplicate_field", value=f.id))
        seen.add(f.id)
        for problem in f.kind.problems(f):
            at(index, "type", problem)
        if f.order and f.choices and set(f.order) - set(f.choices):
            bad = Joined(sorted(set(f.order) - set(f.choices)))
            at(index, "order", Msg("spec.order_not_choices", value=bad))
        agg = f.effective_aggregate
        if agg in ("sum", "mean") and not f.is_numeric:
            at(index, "aggregate", Msg("spec.aggregate_numeric", how=agg))
        if agg == "worst" and not f.worst_order:
            at(index, "aggregate", Msg("spec.worst_needs_order"))
        if f.measure and (f.source != "item" or f.is_numeric or measured):
            at(index, "measure", Msg("spec.measure_field"))
        measured = measured or f.measure
        if f.formula is not None:
            if f.source is not None:
                at(index, "formula", Msg("spec.formula_with_source"))
            try:
                parsed = expr.parse(f.formula)
            except expr.ExpressionError as exc:
                at(index, "formula", Msg("spec.bad_formula", formula=f.formula, error=exc.msg))
                continue
            if parsed.previous:
                at(index, "formula", Msg("spec.formula_prev"))
            for name in sorted(parsed.names - known - {f"{expr.PREV}.{p}" for p in parsed.previous}):
                at(index, "formula", Msg("spec.formula_unknown_field", name=name, hint=_suggest(name, ids)))
            if f.id in parsed.names:
                at(index, "formula", Msg("spec.formula_self"))
        if f.cumulative and not (f.is_numeric and f.is_input):
            at(index, "cumulative", Msg("spec.cumulative_numeric_input"))
        if f.prefill is not None and not f.is_input:
            at(index, "prefill", Msg("spec.prefill_input"))
        if f.pattern is not None:
            try:
                re.compile(f.pattern)
            except re.error as exc:
                at(index, "pattern", Msg("spec.bad_pattern", error=exc))
    for index, rule in enumerate(raw.rules):
        try:
            parsed = expr.parse(rule.when)
        except expr.ExpressionError as exc:
            problems.append(
                locator.problem_at(("rules", index, "when"), Msg("spec.bad_rule", rule=rule.when, error=exc.msg))
            )
            continue
        wanted = (parsed.names - {f"{expr.PREV}.{p}" for p in parsed.previous}) | parsed.previous
        for name in sorted(wanted - known):
            problems.append(
                locator.problem_at(
                    ("rules", index, "when"), Msg("spec.rule_unknown_field", name=name, hint=_suggest(name, ids))
                )
            )
    return problems


def _check_items(items: Sequence[Item], locator: Locator) -> list[SpecProblem]:
    problems = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(locator.problem_at(("items", index), Msg("spec.duplicate_item", value=item.id)))
        seen.add(item.id)
    return problems


def _suggest(name: str, candidates: Sequence[str]) -> Msg | str:
    matches = close_matches(name, candidates)
    return Msg("spec.did_you_mean", name=matches[0]) if matches else ""


# ---------------------------------------------------------------------------------------------
# YAML line numbers for pydantic errors

_MODEL_KEYS: dict[str, list[str]] = {
    "": list(SpecFile.model_fields),
    "report": list(ReportInfo.model_fields),
    "fields": list(FieldSpec.model_fields),
    "rules": list(RuleSpec.model_fields),
    "units": list(UnitSpec.model_fields),
    "mail": list(MailSpec.model_fields),
    "smtp": list(SmtpSpec.model_fields),
    "imap": list(ImapSpec.model_fields),
    "document": list(DocumentSpec.model_fields),
}


class Locator:
    """Where a spec's values are: ``at(loc)`` gives the file (and a line, for YAML) of a key path."""

    filename: str

    def at(self, loc: Sequence[Any]) -> tuple[str, int | None]:
        return self.filename, None

    def problem_at(self, loc: Sequence[Any], message: Msg) -> SpecProblem:
        file, line = self.at(loc)
        return SpecProblem(file, line, _dotted(loc), message)

    def problem(self, err: Mapping[str, Any]) -> SpecProblem:
        loc = [p for p in err["loc"] if isinstance(p, int) or not _is_union_tag(str(p))]
        kind = err["type"]
        message: Msg
        if kind == "extra_forbidden":
            key = str(loc[-1])
            context = next((str(p) for p in reversed(loc[:-1]) if not isinstance(p, int)), "")
            allowed = _MODEL_KEYS.get(context, [])
            hint = _suggest(key, allowed)
            if not hint and allowed:
                hint = Msg("spec.allowed_keys", keys=Joined(allowed, "comma"))
            message = Msg("spec.unknown_key", key=key, hint=hint)
        elif kind == "missing":
            message = Msg("spec.missing_key", key=loc[-1])
            file, line = self.at(loc[:-1])
            return SpecProblem(file, line, _dotted(loc), message)
        elif kind == "consolidate":
            message = err["ctx"]["text"]
        elif kind == "literal_error":
            choices = Joined(re.findall(r"'([^']*)'", str(err["ctx"]["expected"])), "comma")
            message = Msg("spec.bad_value", value=_shown(err.get("input")), allowed=choices)
        elif kind == "string_pattern_mismatch":
            message = Msg(_PATTERN_MESSAGES.get(_shape(loc), "spec.bad_id"), value=_shown(err.get("input")))
        else:
            key = next((k for kinds, k in _PLAIN_MESSAGES if kind in kinds), "spec.invalid")
            limits = {k: _shown(v) for k, v in (err.get("ctx") or {}).items() if isinstance(v, int | float | str)}
            message = Msg(key, value=_shown(err.get("input")), **limits)
        return self.problem_at(loc, message)


# What an id must look like, said in words with an example (never the regular expression).
_PATTERN_MESSAGES = {
    ("report", "id"): "spec.bad_report_id",
    ("fields", 0, "id"): "spec.bad_field_id",
    ("rules", 0, "id"): "spec.bad_rule_id",
}
# pydantic's error types, each said plainly (its English messages are not for clerks).
_PLAIN_MESSAGES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"string_too_short"}), "spec.empty"),
    (frozenset({"int_parsing", "int_type", "int_from_float"}), "spec.need_whole_number"),
    (frozenset({"float_parsing", "float_type", "finite_number"}), "spec.need_number"),
    (frozenset({"bool_parsing", "bool_type"}), "spec.need_bool"),
    (frozenset({"greater_than"}), "spec.need_more_than"),
    (frozenset({"greater_than_equal"}), "spec.need_at_least"),
    (frozenset({"less_than"}), "spec.need_less_than"),
    (frozenset({"less_than_equal"}), "spec.need_at_most"),
    (frozenset({"list_type", "tuple_type", "set_type"}), "spec.need_list"),
    (frozenset({"dict_type", "model_type", "model_attributes_type", "mapping_type"}), "spec.need_mapping"),
    (frozenset({"string_type", "string_unicode"}), "spec.need_text"),
    (frozenset({"too_short"}), "spec.too_few"),
)


def _shape(loc: Sequence[Any]) -> tuple[Any, ...]:
    """A location with its list positions as 0: ``fields[3].id`` → ``("fields", 0, "id")``."""
    return tuple(0 if isinstance(part, int) else part for part in loc)


def _shown(value: Any) -> str:
    """A value from the spec as a message quotes it: as written, and not the whole of a long one."""
    text = str(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _relevant(errors: Sequence[Any]) -> list[Any]:
    """Drop the "should be a string" branch of ``str | list`` unions when the list was meant."""
    out = []
    for err in errors:
        loc = err["loc"]
        if "str" in loc:
            prefix = loc[: loc.index("str")]
            if any(other is not err and tuple(other["loc"][: len(prefix)]) == tuple(prefix) for other in errors):
                continue
        out.append(err)
    return out


def _is_union_tag(part: str) -> bool:
    return part in ("str", "list", "function-after") or part.startswith(("list[", "dict[", "function-"))


def _dotted(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
