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
from .items import build_item
from .mailspec import ImapSpec, MailSpec, SmtpSpec
from .model import FieldSpec, Item, ReportInfo, RuleSpec, Spec, SpecFile, UnitSpec
from .tables import load_items, load_units


class SpecLoader(yaml.SafeLoader):
    """A safe loader with YAML 1.2 booleans: ``no``, ``yes``, ``on``, ``off`` stay strings.

    ``id: no`` (序号) is the first field of most reports; YAML 1.1 would read it as ``false``.
    """


SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
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


def parse_spec(text: str, filename: str = "report.yaml", base: Path | None = None) -> Spec:
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
        raise SpecError(
            [SpecProblem(filename, line, "", Msg("spec.yaml_syntax", error=getattr(exc, "problem", exc)))]
        ) from None
    if not isinstance(data, dict):
        raise SpecError([SpecProblem(filename, 1, "", Msg("spec.not_mapping"))])
    return _build(data, _Locator(filename, None, text), base or Path("."), Path(filename))


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
        if f.measure and (f.source != "item" or f.is_numeric or any(g.measure for g in raw.fields[:index])):
            at(index, "measure", Msg("spec.measure_field"))
        if f.formula is not None:
            if f.source is not None:
                at(index, "formula", Msg("spec.formula_with_source"))
            try:
                parsed = expr.parse(f.formula)
            except expr.ExpressionError as exc:
                at(index, "formula", Msg("spec.bad_formula", formula=f.formula, error=exc.msg))
                continue
            for name in sorted(parsed.names - set(ids)):
                at(index, "formula", Msg("spec.formula_unknown_field", name=name, hint=_suggest(name, ids)))
            if f.id in parsed.names:
                at(index, "formula", Msg("spec.formula_self"))
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
        for name in sorted(parsed.names - set(ids)):
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
            message = Msg("spec.bad_value", value=err.get("input"), allowed=err["ctx"]["expected"])
        elif kind == "string_pattern_mismatch":
            message = Msg("spec.bad_format", value=err.get("input"), pattern=err["ctx"]["pattern"])
        else:
            message = Msg("spec.invalid", error=err["msg"], value=repr(err.get("input")))
        return self.problem_at(loc, message)


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
