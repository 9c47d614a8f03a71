"""Load and check the report spec (``report.yaml``).

The YAML is validated with pydantic; every problem is reported with the file, the line and the
key, and unknown keys or ids get a did-you-mean suggestion. Units and items may be inline or come
from .csv/.xlsx tables (see :mod:`.tables`). The result is a resolved :class:`~.model.Spec`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import SpecError, SpecProblem
from ..text import Joined, Msg
from . import expr
from .document import DocumentSpec
from .items import build_item
from .mailspec import ImapSpec, MailSpec, SmtpSpec
from .model import FieldSpec, Item, ReportInfo, RuleSpec, Spec, SpecFile, UnitSpec
from .tables import load_items, load_units


class SpecLoader(yaml.SafeLoader):
    """A safe loader with YAML 1.2 booleans: ``no``, ``yes``, ``on``, ``off`` stay strings.

    ``id: no`` (序号) is the first field of most reports; YAML 1.1 would read it as ``false``.
    Dates stay text too: the spec reads them itself (2025年4月15日 as well as 2025-04-15), and
    says plainly when a day does not exist instead of failing inside the YAML reader.
    """


_TEXT_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _FastSpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SpecLoader's YAML 1.2 booleans on libyaml when PyYAML has it."""


_FastSpecLoader.yaml_implicit_resolvers = SpecLoader.yaml_implicit_resolvers


def load_spec(path: str | Path) -> Spec:
    """Load ``report.yaml`` (and the tables it names); raise :class:`SpecError` on any problem."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.yaml"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError([SpecProblem(str(path), None, "", Msg("spec.not_found"))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([SpecProblem(str(path), None, "", Msg("spec.cannot_read", error=exc))]) from None
    return parse_spec(text, str(path), base=path.parent)


MAX_SPEC_CHARS = 20_000_000  # a report.yaml of 5,000 units is about 1 MB
MAX_DEPTH = 40  # report > fields > [n] > choices > [n] is 5 levels deep
MAX_VALUES = 2_000_000  # values once every alias (*name) is written out in full


def parse_spec(text: str, filename: str = "report.yaml", base: Path | None = None) -> Spec:
    def stop(line: int | None, message: Msg) -> SpecError:
        return SpecError([SpecProblem(filename, line, "", message)])

    if len(text) > MAX_SPEC_CHARS:
        raise stop(None, Msg("spec.too_large", mb=len(text) // 1_000_000))
    try:
        # libyaml reads the data (a 1,000-unit spec in a tenth of the time); the line numbers for
        # messages come from a second, pure-Python reading, made only when there is a problem.
        try:
            data = yaml.load(text, Loader=_FastSpecLoader)
        except yaml.YAMLError:
            data = yaml.load(text, Loader=SpecLoader)  # PyYAML's own wording of the problem
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise stop(line, _yaml_problem(exc)) from None
    except RecursionError:
        raise stop(None, Msg("spec.too_deep", limit=MAX_DEPTH)) from None
    except Exception as exc:  # a value the YAML reader cannot build: !!int abc, a 5,000-digit number
        line, value = _unreadable_value(text)
        raise stop(line, Msg("spec.bad_yaml_value", value=value or type(exc).__name__)) from None
    problem = _bounds(data)
    if problem is not None:
        raise stop(None, problem)
    if not isinstance(data, dict):
        raise stop(1, Msg("spec.not_mapping"))
    return _build(data, _Locator(filename, None, text), base or Path("."), Path(filename))


# PyYAML's usual complaints, said as a clerk would understand them (the rest as PyYAML says them).
_YAML_PROBLEMS = (
    (re.compile(r"expected ',' or '\]'"), "spec.yaml_bracket"),
    (re.compile(r"expected ',' or '\}'"), "spec.yaml_brace"),
    (re.compile(r"mapping values are not allowed here"), "spec.yaml_colon"),
    (re.compile(r"found character '\\t'"), "spec.yaml_tab"),
    (re.compile(r"found undefined alias"), "spec.yaml_alias"),
    (re.compile(r"found unexpected end of stream"), "spec.yaml_quote"),
    (re.compile(r"expected <block end>"), "spec.yaml_indent"),
)


def _yaml_problem(exc: yaml.YAMLError) -> Msg:
    problem = str(getattr(exc, "problem", "") or exc)
    for pattern, key in _YAML_PROBLEMS:
        if pattern.search(problem):
            return Msg(key)
    return Msg("spec.yaml_syntax", error=problem)


def _unreadable_value(text: str) -> tuple[int | None, str]:
    """(line, text) of the first value the YAML reader cannot build, found node by node."""
    try:
        loader = SpecLoader(text)
        try:
            root = loader.get_single_node()
            stack = [root] if root is not None else []
            while stack:
                node = stack.pop()
                if isinstance(node, yaml.ScalarNode):
                    try:
                        loader.construct_object(node, deep=True)
                    except Exception:
                        return node.start_mark.line + 1, str(node.value)[:60]
                elif isinstance(node, yaml.SequenceNode):
                    stack.extend(reversed(node.value))
                elif isinstance(node, yaml.MappingNode):
                    stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        finally:
            loader.dispose()
    except Exception:
        pass
    return None, ""


def _bounds(data: Any) -> Msg | None:
    """Too deep, or too large once aliases are written out (a "billion laughs" of a few lines)."""
    sizes: dict[int, int] = {}

    def size(value: Any, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise _TooDeep
        if not isinstance(value, dict | list):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        children = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_VALUES:
                raise _TooLarge
        sizes[id(value)] = total
        return total

    try:
        size(data, 0)
    except _TooDeep:
        return Msg("spec.too_deep", limit=MAX_DEPTH)
    except _TooLarge:
        return Msg("spec.too_many_values", limit=f"{MAX_VALUES:,}")
    return None


class _TooDeep(Exception):
    pass


class _TooLarge(Exception):
    pass


def spec_from_json(text: str) -> Spec:
    """Rebuild a spec embedded in a template's ``_consolidate`` sheet."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SpecError([SpecProblem("<template>", None, "", Msg("spec.embedded_damaged", error=exc))]) from None
    return _build(data, _Locator("<template>", None), None, None)


def _build(data: Mapping[str, Any], locator: _Locator, base: Path | None, path: Path | None) -> Spec:
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
    )


# ---------------------------------------------------------------------------------------------
# Cross checks


def _check_units(units: Sequence[UnitSpec], locator: _Locator) -> list[SpecProblem]:
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


def _check_fields(raw: SpecFile, locator: _Locator) -> list[SpecProblem]:
    problems: list[SpecProblem] = []
    ids = [f.id for f in raw.fields]

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
            for name in sorted(parsed.names - set(ids) - {f"{expr.PREV}.{p}" for p in parsed.previous}):
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
        for name in sorted(wanted - set(ids)):
            problems.append(
                locator.problem_at(
                    ("rules", index, "when"), Msg("spec.rule_unknown_field", name=name, hint=_suggest(name, ids))
                )
            )
    return problems


def _check_items(items: Sequence[Item], locator: _Locator) -> list[SpecProblem]:
    problems = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(locator.problem_at(("items", index), Msg("spec.duplicate_item", value=item.id)))
        seen.add(item.id)
    return problems


def _suggest(name: str, candidates: Sequence[str]) -> Msg | str:
    matches = difflib.get_close_matches(name, list(candidates), n=1)
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


class _Locator:
    def __init__(self, filename: str, root: yaml.Node | None, text: str | None = None) -> None:
        self.filename = filename
        self.root = root
        self.text = text  # composed into nodes (with line numbers) when a problem needs them

    def _node(self, loc: Sequence[Any]) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The node at ``loc`` (or its closest existing parent), and the key node if any."""
        if self.root is None and self.text is not None:
            self.root = yaml.compose(self.text, Loader=SpecLoader)
            self.text = None
        node = self.root
        key_node: yaml.Node | None = None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == str(part):
                        key_node, node = k, v
                        break
                else:
                    return node, key_node
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return node, key_node
                node, key_node = node.value[part], None
            else:
                continue
        return node, key_node

    def at(self, loc: Sequence[Any]) -> tuple[str, int | None]:
        node, key_node = self._node(loc)
        mark_node = key_node or node
        return self.filename, (mark_node.start_mark.line + 1 if mark_node is not None else None)

    def problem_at(self, loc: Sequence[Any], message: Msg) -> SpecProblem:
        _, line = self.at(loc)
        return SpecProblem(self.filename, line, _dotted(loc), message)

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
            return SpecProblem(self.filename, self.at(loc[:-1])[1], _dotted(loc), message)
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
