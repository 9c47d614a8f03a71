"""Load and check the report spec (``report.yaml``).

The YAML is validated with pydantic; every problem is reported with the file, the line and the
key, and unknown keys or ids get a did-you-mean suggestion. Units and items may be inline or come
from .csv/.xlsx tables (see :mod:`consolidate.tables`). The result is a resolved :class:`Spec`
that can be embedded as JSON in templates and rebuilt from it.
"""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import functools
import hashlib
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from . import expr
from .errors import SpecError, SpecProblem
from .i18n import Lang
from .mailspec import ImapSpec, MailSpec, SmtpSpec
from .model import StrictModel as _Model

FieldType = Literal["text", "integer", "number", "percent", "date", "choice", "bool"]
Aggregate = Literal["sum", "mean", "min", "max", "count", "join", "worst", "first", "none"]
NUMERIC_TYPES = frozenset({"integer", "number", "percent"})
FORMAT_VERSION = 1


class ReportInfo(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    issuer: str = ""
    period: str = Field(pattern=r"^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$")
    deadline: dt.date | None = None
    language: Literal["zh", "en"] = "zh"
    contact: str = ""

    @field_validator("period", "id", "title", mode="before")
    @classmethod
    def _yaml_number_as_text(cls, value: Any) -> Any:
        """``period: 2025`` is an int in YAML; the spec means the text 2025."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class FieldSpec(_Model):
    id: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    label: str = Field(min_length=1)
    type: FieldType = "text"
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: list[str] | None = None
    pattern: str | None = None
    max_length: int | None = Field(default=None, gt=0)
    unit: str | None = None
    help: str | None = None
    source: Literal["item"] | None = None
    formula: str | None = None
    aggregate: Aggregate | None = None
    order: list[str] | None = None
    aliases: list[str] = []
    width: float | None = Field(default=None, gt=0)

    @property
    def is_input(self) -> bool:
        return self.source is None and self.formula is None

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def header(self) -> str:
        """The label as shown in a header row, with the unit in brackets."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    @property
    def effective_aggregate(self) -> Aggregate:
        if self.aggregate is not None:
            return self.aggregate
        if self.formula is not None:
            return "none"
        if self.type in ("integer", "number"):
            return "sum"
        if self.type == "text":
            return "first" if self.source == "item" else "join"
        if self.type == "choice" and self.order:
            return "worst"
        if self.type == "date":
            return "max"
        if self.type == "bool":
            return "count"
        return "none"

    @property
    def worst_order(self) -> list[str]:
        """Choices from worst to best (``order`` if given, else ``choices``)."""
        return list(self.order or self.choices or [])


class RuleSpec(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    when: str
    level: Literal["error", "warning"] = "warning"
    message: str


class UnitSpec(_Model):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    email: str = ""
    contact: str = ""
    phone: str = ""
    parent: str = ""


class SpecFile(_Model):
    version: Literal[1] = 1
    report: ReportInfo
    units: str | list[UnitSpec]
    items: str | list[dict[str, Any]] = []
    rows: Literal["fixed", "open"] = "fixed"
    max_rows: int = Field(default=50, gt=0, le=100_000)
    fields: list[FieldSpec] = Field(min_length=1)
    rules: list[RuleSpec] = []
    mail: MailSpec | None = None
    smtp: SmtpSpec | None = None
    imap: ImapSpec | None = None

    @model_validator(mode="after")
    def _items_for_fixed(self) -> SpecFile:
        if self.rows == "fixed" and not self.items:
            raise ValueError("rows: fixed 需要 items (fixed rows need items)")
        return self


@dataclass(frozen=True)
class Item:
    """A row that units report on; ``values`` hold the ``source: item`` fields."""

    id: str
    values: Mapping[str, Any]
    units: tuple[str, ...]
    per_unit: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @functools.cached_property
    def unit_set(self) -> frozenset[str]:
        return frozenset(self.units)

    def values_for(self, unit_code: str) -> dict[str, Any]:
        """The item's values as pre-filled for one unit (per-unit targets applied)."""
        out = dict(self.values)
        for field_id, by_unit in self.per_unit.items():
            if unit_code in by_unit:
                out[field_id] = by_unit[unit_code]
        return out


@dataclass(frozen=True)
class Spec:
    report: ReportInfo
    fields: tuple[FieldSpec, ...]
    rules: tuple[RuleSpec, ...]
    units: tuple[UnitSpec, ...]
    items: tuple[Item, ...]
    rows: Literal["fixed", "open"] = "fixed"
    max_rows: int = 50
    path: Path | None = None
    mail: MailSpec | None = None
    smtp: SmtpSpec | None = None
    imap: ImapSpec | None = None

    @property
    def lang(self) -> Lang:
        return self.report.language

    def field(self, field_id: str) -> FieldSpec:
        return self.field_map[field_id]

    @functools.cached_property
    def field_map(self) -> dict[str, FieldSpec]:
        return {f.id: f for f in self.fields}

    @functools.cached_property
    def unit_map(self) -> dict[str, UnitSpec]:
        return {u.code: u for u in self.units}

    @functools.cached_property
    def item_map(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    def items_for(self, unit_code: str) -> list[Item]:
        return [item for item in self.items if unit_code in item.unit_set]

    def formulas(self) -> dict[str, expr.Expression]:
        return {f.id: expr.parse(f.formula) for f in self.fields if f.formula}

    def rule_expressions(self) -> list[tuple[RuleSpec, expr.Expression]]:
        return [(r, expr.parse(r.when)) for r in self.rules]

    def to_dict(self, public: bool = False) -> dict[str, Any]:
        """The resolved spec, units and items inline.

        ``public`` is what every template embeds: without the units' e-mail addresses, contacts
        and phones, and without the mail server settings, which one unit must not see of others.
        """
        private = {"email", "contact", "phone"} if public else set()
        everyone = tuple(u.code for u in self.units)
        out = {
            "version": FORMAT_VERSION,
            "report": self.report.model_dump(mode="json", exclude_defaults=True),
            "units": [u.model_dump(mode="json", exclude_defaults=True, exclude=private) for u in self.units],
            "items": [
                {
                    "id": i.id,
                    **{k: _json_value(v) for k, v in i.values.items()},
                    # An item for every unit leaves its list out (it means all): every template
                    # embeds this, and 5,000 units x 40 items would make each template megabytes.
                    **({} if i.units == everyone and not i.per_unit else {"units": list(i.units)}),
                    **{k: {u: _json_value(v) for u, v in by_unit.items()} for k, by_unit in i.per_unit.items()},
                }
                for i in self.items
            ],
            "rows": self.rows,
            "max_rows": self.max_rows,
            "fields": [f.model_dump(mode="json", exclude_defaults=True) for f in self.fields],
            "rules": [r.model_dump(mode="json", exclude_defaults=True) for r in self.rules],
            # Only when given, so that specs without e-mail settings keep their hash.
            **{
                key: section.model_dump(mode="json", exclude_defaults=True)
                for key, section in (("mail", self.mail), ("smtp", self.smtp), ("imap", self.imap))
                if section is not None and not public
            },
        }
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @functools.cached_property
    def public_json(self) -> str:
        """The spec as templates embed it (see :meth:`to_dict`), computed once."""
        return json.dumps(self.to_dict(public=True), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @functools.cached_property
    def sha256(self) -> str:
        """Identifies the report's content: the hash of :attr:`public_json`.

        Contact details and mail settings are left out, so correcting an e-mail address does not
        make the templates already sent look out of date.
        """
        return hashlib.sha256(self.public_json.encode("utf-8")).hexdigest()


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# Loading


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
        raise SpecError([SpecProblem(str(path), None, "", "找不到报表定义文件 (spec file not found)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([SpecProblem(str(path), None, "", f"无法读取 (cannot read): {exc}")]) from None
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
            [SpecProblem(filename, line, "", f"YAML 语法错误 (YAML syntax error): {getattr(exc, 'problem', exc)}")]
        ) from None
    if not isinstance(data, dict):
        raise SpecError([SpecProblem(filename, 1, "", "报表定义应是一个键值映射 (the spec must be a mapping)")])
    return _build(data, _Locator(filename, None, text), base or Path("."), Path(filename))


_PACKED_LIMIT = 64 * 1024 * 1024  # a packed spec unpacks to at most this many bytes


@functools.lru_cache(maxsize=4)  # every template of a run embeds the same spec
def pack_spec(spec_json: str) -> str:
    """A spec's JSON as embedded in templates: zlib, then base64 (plain ASCII text in a cell)."""
    return base64.b64encode(zlib.compress(spec_json.encode("utf-8"), 9)).decode("ascii")


def unpack_spec(packed: str) -> str:
    """The JSON of :func:`pack_spec`; "" when it is damaged (or would unpack beyond reason)."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(packed, validate=True), _PACKED_LIMIT)
        if inflater.unconsumed_tail or not inflater.eof:
            return ""
        return data.decode("utf-8")
    except (ValueError, zlib.error):
        return ""


def spec_from_json(text: str) -> Spec:
    """Rebuild a spec embedded in a template's ``_consolidate`` sheet."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SpecError([SpecProblem("<template>", None, "", f"模板中的报表定义已损坏: {exc}")]) from None
    return _build(data, _Locator("<template>", None), None, None)


def _build(data: Mapping[str, Any], locator: _Locator, base: Path | None, path: Path | None) -> Spec:
    try:
        raw = SpecFile.model_validate(data)
    except ValidationError as exc:
        raise SpecError([locator.problem(err) for err in _relevant(exc.errors())]) from None
    from .items import build_item
    from .tables import load_items, load_units

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


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Compare labels loosely: full/half width, spaces, line breaks and brackets ignored."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s\u3000（）()【】\[\]]+", "", text).lower()


# ---------------------------------------------------------------------------------------------
# Cross checks


def _check_units(units: Sequence[UnitSpec], locator: _Locator) -> list[SpecProblem]:
    problems = []
    if not units:
        problems.append(locator.problem_at(("units",), "单位名单为空 (no units)"))
    for attr in ("code", "name"):
        seen: set[str] = set()
        for unit in units:
            key = getattr(unit, attr)
            if key in seen:
                problems.append(locator.problem_at(("units",), f"单位{attr}“{key}”重复 (duplicate unit {attr})"))
            seen.add(key)
    return problems


def _check_fields(raw: SpecFile, locator: _Locator) -> list[SpecProblem]:
    problems: list[SpecProblem] = []
    ids = [f.id for f in raw.fields]

    def at(index: int, key: str, message: str) -> None:
        problems.append(locator.problem_at(("fields", index, key), message))

    seen: set[str] = set()
    for index, f in enumerate(raw.fields):
        if f.id in seen:
            at(index, "id", f"栏目 id“{f.id}”重复 (duplicate field id)")
        seen.add(f.id)
        if f.type == "choice" and not f.choices:
            at(index, "type", "choice 类型需要 choices 列表 (choice fields need choices)")
        if f.order and f.choices and set(f.order) - set(f.choices):
            bad = "、".join(sorted(set(f.order) - set(f.choices)))
            at(index, "order", f"order 中的“{bad}”不在 choices 中 (order values must be choices)")
        agg = f.effective_aggregate
        if agg in ("sum", "mean") and not f.is_numeric:
            at(index, "aggregate", f"aggregate: {agg} 只能用于数字栏目 (only numeric fields)")
        if agg == "worst" and not f.worst_order:
            at(index, "aggregate", "aggregate: worst 需要 order 或 choices (needs order)")
        if f.formula is not None:
            if f.source is not None:
                at(index, "formula", "计算栏目不能同时是 source: item (formula with source)")
            try:
                parsed = expr.parse(f.formula)
            except expr.ExpressionError as exc:
                at(index, "formula", f"公式“{f.formula}”无效：{exc}")
                continue
            for name in sorted(parsed.names - set(ids)):
                at(index, "formula", f"公式引用了不存在的栏目“{name}”{_suggest(name, ids)}")
            if f.id in parsed.names:
                at(index, "formula", "公式不能引用自身 (a formula cannot refer to itself)")
        if f.pattern is not None:
            try:
                re.compile(f.pattern)
            except re.error as exc:
                at(index, "pattern", f"正则表达式无效 (invalid regex): {exc}")
    for index, rule in enumerate(raw.rules):
        try:
            parsed = expr.parse(rule.when)
        except expr.ExpressionError as exc:
            problems.append(locator.problem_at(("rules", index, "when"), f"规则“{rule.when}”无效：{exc}"))
            continue
        for name in sorted(parsed.names - set(ids)):
            problems.append(
                locator.problem_at(("rules", index, "when"), f"规则引用了不存在的栏目“{name}”{_suggest(name, ids)}")
            )
    return problems


def _check_items(items: Sequence[Item], locator: _Locator) -> list[SpecProblem]:
    problems = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(locator.problem_at(("items", index), f"事项 id“{item.id}”重复 (duplicate item id)"))
        seen.add(item.id)
    return problems


def _suggest(name: str, candidates: Sequence[str]) -> str:
    matches = difflib.get_close_matches(name, list(candidates), n=1)
    return f"，是否想写“{matches[0]}”？(did you mean {matches[0]}?)" if matches else ""


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

    def problem_at(self, loc: Sequence[Any], message: str) -> SpecProblem:
        _, line = self.at(loc)
        return SpecProblem(self.filename, line, _dotted(loc), message)

    def problem(self, err: Mapping[str, Any]) -> SpecProblem:
        loc = [p for p in err["loc"] if isinstance(p, int) or not _is_union_tag(str(p))]
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            context = next((str(p) for p in reversed(loc[:-1]) if not isinstance(p, int)), "")
            allowed = _MODEL_KEYS.get(context, [])
            message = f"未知的键“{key}”{_suggest(key, allowed)}"
            if not _suggest(key, allowed) and allowed:
                message += f"；可用的键：{', '.join(allowed)}"
        elif kind == "missing":
            message = f"缺少必填的键“{loc[-1]}” (missing key)"
            return SpecProblem(self.filename, self.at(loc[:-1])[1], _dotted(loc), message)
        elif kind == "literal_error":
            message = f"取值“{err.get('input')}”不可用，应为 {err['ctx']['expected']}"
        elif kind == "string_pattern_mismatch":
            message = f"“{err.get('input')}”格式不对，应符合 {err['ctx']['pattern']}"
        else:
            message = f"{err['msg']}（值：{err.get('input')!r}）"
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
