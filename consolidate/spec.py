"""Load and check the report spec (``report.yaml``).

The YAML is validated with pydantic; every problem is reported with the file, the line and the
key, and unknown keys or ids get a did-you-mean suggestion. Units and items may be inline or come
from .csv/.xlsx tables (see :mod:`consolidate.tables`). The result is a resolved :class:`Spec`
that can be embedded as JSON in templates and rebuilt from it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from . import expr
from .errors import SpecError, SpecProblem
from .i18n import Lang

FieldType = Literal["text", "integer", "number", "percent", "date", "choice", "bool"]
Aggregate = Literal["sum", "mean", "min", "max", "count", "join", "worst", "first", "none"]
NUMERIC_TYPES = frozenset({"integer", "number", "percent"})
FORMAT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


Security = Literal["ssl", "starttls", "none"]
# Placeholders of mail subjects and bodies (see consolidate.mail.texts); reminders add two more.
MAIL_PLACEHOLDERS = frozenset(
    {"unit", "unit_code", "unit_contact", "title", "period", "deadline", "issuer", "contact", "report_id", "tag"}
    | {"file", "today"}
)
REMIND_PLACEHOLDERS = MAIL_PLACEHOLDERS | {"status", "problems"}


class _ServerSpec(_Model):
    """A mail server; the password is never in the spec (``password_env`` names a variable)."""

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, gt=0, lt=65536)
    security: Security = "ssl"
    user: str = ""
    password_env: str = ""
    timeout: float = Field(default=30, gt=0)


class SmtpSpec(_ServerSpec):
    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class ImapSpec(_ServerSpec):
    folder: str = "INBOX"

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)


class MailSpec(_Model):
    """Texts of the e-mails to units; empty texts mean the built-in ones (in the report's language)."""

    sender: str = ""  # "玉环市卫生健康局 <office@example.cn>"; default: issuer and smtp.user
    reply_to: str = ""
    subject: str = ""
    body: str = ""
    remind_subject: str = ""
    remind_body: str = ""
    throttle: float = Field(default=1.0, ge=0, le=3600)  # seconds between two messages

    @field_validator("subject", "body", "remind_subject", "remind_body")
    @classmethod
    def _placeholders(cls, value: str, info: Any) -> str:
        allowed = REMIND_PLACEHOLDERS if info.field_name.startswith("remind") else MAIL_PLACEHOLDERS
        import string

        try:
            parsed = [
                (name, spec or conv) for _, name, spec, conv in string.Formatter().parse(value) if name is not None
            ]
        except ValueError as exc:
            raise _text_error(f"花括号不配对，字面的花括号请写成 {{{{ 和 }}}} (unbalanced braces): {exc}") from None
        bad = sorted({"{" + name + "}" for name, extra in parsed if name not in allowed or extra})
        if bad:
            raise _text_error(
                f"未知的占位符 {'、'.join(bad)}；可用：{', '.join(sorted(allowed))} (unknown placeholder)"
            )
        return value

    @field_validator("sender", "reply_to")
    @classmethod
    def _address(cls, value: str) -> str:
        from email.utils import parseaddr

        if value and "@" not in parseaddr(value)[1]:
            raise _text_error(f"不是邮箱地址 (not an e-mail address): {value}")
        return value


def _text_error(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as is (no "Value error," prefix, braces kept)."""
    return PydanticCustomError("mail_text", "{text}", {"text": message})


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
        return [item for item in self.items if unit_code in item.units]

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
        node = yaml.compose(text, Loader=SpecLoader)
        data = yaml.load(text, Loader=SpecLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SpecError(
            [SpecProblem(filename, line, "", f"YAML 语法错误 (YAML syntax error): {getattr(exc, 'problem', exc)}")]
        ) from None
    if not isinstance(data, dict):
        raise SpecError([SpecProblem(filename, 1, "", "报表定义应是一个键值映射 (the spec must be a mapping)")])
    return _build(data, _Locator(filename, node), base or Path("."), Path(filename))


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


# ---------------------------------------------------------------------------------------------
# Items: shared by inline lists and tables

ITEM_UNITS_KEYS = ("units", "单位", "责任单位", "责任科室", "牵头单位", "填报单位")
ITEM_ID_KEYS = ("id", "编号", "事项编号")
_SPLIT = re.compile(r"[、,，;；/\n\r]+")


def split_units(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def resolve_unit(token: str, units: Sequence[UnitSpec]) -> str | None:
    """A unit code from a code or a name as written in a table."""
    return _unit_index(units).get(normalise(token))


_last_index: tuple[Sequence[UnitSpec], dict[str, str]] | None = None


def _unit_index(units: Sequence[UnitSpec]) -> dict[str, str]:
    """Normalised code or name → code, built once per unit list (items of 1,000 units ask often)."""
    global _last_index
    if _last_index is None or _last_index[0] is not units:
        index: dict[str, str] = {}
        for unit in reversed(units):
            index[normalise(unit.name)] = unit.code
        for unit in reversed(units):
            index[normalise(unit.code)] = unit.code
        _last_index = (units, index)
    return _last_index[1]


def build_item(
    entry: Mapping[str, Any],
    fields: Sequence[FieldSpec],
    units: Sequence[UnitSpec],
    ordinal: int,
    where: Any,
) -> tuple[Item | None, list[SpecProblem]]:
    """Turn one item mapping (from YAML or a table row) into an :class:`Item`.

    ``where(key)`` returns ``(file, line)`` for a problem with ``key``.
    """
    problems: list[SpecProblem] = []

    def problem(key: str, message: str) -> None:
        file, line = where(key)
        problems.append(SpecProblem(file, line, key, message))

    by_id = {f.id: f for f in fields}
    by_label = {normalise(f.label): f for f in fields} | {normalise(f.header): f for f in fields}
    item_fields = {f.id for f in fields if f.source == "item"}
    item_id = ""
    values: dict[str, Any] = {}
    unit_tokens: list[str] = []
    per_unit: dict[str, dict[str, Any]] = {}
    for key, value in entry.items():
        key_s = str(key).strip()
        if key_s in ITEM_ID_KEYS:
            item_id = "" if value is None else _plain(value)
            continue
        if key_s in ITEM_UNITS_KEYS:
            if isinstance(value, list):
                unit_tokens += [str(v).strip() for v in value if str(v).strip()]
            elif value is not None:
                unit_tokens += split_units(str(value))
            continue
        target_field, unit_token = _split_per_unit_key(key_s, by_id, by_label, units)
        if target_field is None:
            matches = difflib.get_close_matches(key_s, sorted(item_fields | set(ITEM_ID_KEYS[:1]) | {"units"}), n=1)
            hint = f"，是否想写“{matches[0]}”？(did you mean {matches[0]}?)" if matches else ""
            problem(key_s, f"未知的列/键“{key_s}”：不是 source: item 的栏目{hint}")
            continue
        if target_field.source != "item":
            problem(key_s, f"栏目“{target_field.id}”不是 source: item，不能在事项中预填")
            continue
        if unit_token is not None:
            if value is None or value == "":
                continue
            per_unit.setdefault(target_field.id, {})[unit_token] = value
        elif isinstance(value, Mapping):
            for unit_key, unit_value in value.items():
                per_unit.setdefault(target_field.id, {})[str(unit_key)] = unit_value
        else:
            values[target_field.id] = value
    if not item_id:
        item_id = str(ordinal)
    codes: list[str] = []
    for token in unit_tokens:
        code = resolve_unit(token, units)
        parts = [resolve_unit(part, units) for part in token.split()] if code is None else [code]
        if None in parts or not parts:
            # Units separated by spaces ("JWK YZK") are accepted only when every part is a unit.
            problem("units", f"事项 {item_id} 的单位“{token}”不在单位名单中{_did_you_mean(token, units)}")
            continue
        for part in parts:
            if part is not None and part not in codes:
                codes.append(part)
    resolved_per_unit: dict[str, dict[str, Any]] = {}
    for field_id, by_unit in per_unit.items():
        for token, value in by_unit.items():
            code = resolve_unit(token, units)
            if code is None:
                problem(
                    field_id,
                    f"事项 {item_id} 的“{field_id}”按单位给值，单位“{token}”不在名单中{_did_you_mean(token, units)}",
                )
                continue
            resolved_per_unit.setdefault(field_id, {})[code] = value
            if unit_tokens and code not in codes:
                problem(field_id, f"事项 {item_id} 给单位“{token}”设了“{field_id}”，但该单位不在此事项的 units 中")
    if not unit_tokens:
        with_values = [c for by_unit in resolved_per_unit.values() for c in by_unit]
        codes = list(dict.fromkeys(with_values)) if with_values else [u.code for u in units]
    for field_id, value in list(values.items()):
        coerced, error = _coerce_item_value(by_id[field_id], value)
        if error:
            problem(field_id, f"事项 {item_id} 的“{by_id[field_id].label}”：{error}")
        values[field_id] = coerced
    for field_id, by_unit in resolved_per_unit.items():
        for code, value in list(by_unit.items()):
            coerced, error = _coerce_item_value(by_id[field_id], value)
            if error:
                problem(field_id, f"事项 {item_id} 单位 {code} 的“{by_id[field_id].label}”：{error}")
            by_unit[code] = coerced
    return Item(item_id, values, tuple(codes), resolved_per_unit), problems


def _split_per_unit_key(
    key: str, by_id: Mapping[str, FieldSpec], by_label: Mapping[str, FieldSpec], units: Sequence[UnitSpec]
) -> tuple[FieldSpec | None, str | None]:
    """``target`` → (target, None); ``target@JWK`` → (target, "JWK"); a bare unit column too."""
    for sep in ("@", ":", "："):
        if sep in key:
            name, unit = key.split(sep, 1)
            found = by_id.get(name.strip()) or by_label.get(normalise(name))
            if found is not None:
                return found, unit.strip()
    found = by_id.get(key) or by_label.get(normalise(key))
    if found is not None:
        return found, None
    if resolve_unit(key, units) is not None:
        # A column per unit holds that unit's target: the field called target, else the only
        # (or first summed) numeric item field.
        numeric = [f for f in by_id.values() if f.source == "item" and f.is_numeric]
        chosen = by_id.get("target") if "target" in by_id and by_id["target"] in numeric else None
        summed = [f for f in numeric if f.effective_aggregate == "sum"]
        chosen = chosen or (numeric[0] if len(numeric) == 1 else (summed[0] if summed else None))
        if chosen is not None:
            return chosen, key
    return None, None


def _coerce_item_value(spec_field: FieldSpec, value: Any) -> tuple[Any, str]:
    if value is None or value == "":
        return None, ""
    if spec_field.is_numeric:
        if isinstance(value, bool):
            return value, "应为数字 (must be a number)"
        if isinstance(value, int | float):
            return value, ""
        text = str(value).strip().replace(",", "").replace("，", "")
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%"))
        except ValueError:
            return value, f"“{value}”不是数字 (not a number)"
        number = number / 100 if percent else number
        return (int(number) if number.is_integer() and not percent else number), ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), ""
    return (value.isoformat() if isinstance(value, dt.date) else str(value)), ""


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _did_you_mean(token: str, units: Sequence[UnitSpec]) -> str:
    names = [u.name for u in units] + [u.code for u in units]
    matches = difflib.get_close_matches(token, names, n=2, cutoff=0.4)
    return f"，是否是：{'、'.join(matches)}？" if matches else ""


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
    def __init__(self, filename: str, root: yaml.Node | None) -> None:
        self.filename = filename
        self.root = root

    def _node(self, loc: Sequence[Any]) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The node at ``loc`` (or its closest existing parent), and the key node if any."""
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
