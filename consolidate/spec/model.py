"""The report spec as a model: the sections of ``report.yaml`` (pydantic) and the resolved
:class:`Spec` (units and items inline) that templates embed and every stage reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..common import tidy_number
from ..fields import TYPES, FieldType
from ..text import Joined, Lang, t
from . import expr
from . import roles as field_roles
from .dates import normalise_period, parse_day
from .document import DocumentSpec
from .mailspec import ImapSpec, MailSpec, SmtpSpec
from .strict import StrictModel as _Model
from .strict import invalid

Aggregate = Literal["sum", "mean", "min", "max", "count", "join", "worst", "first", "none"]
NUMERIC_TYPES = frozenset(name for name, kind in TYPES.items() if kind.numeric)
FORMAT_VERSION = 1


class OutlierSpec(_Model):
    """``outliers:`` in a spec: W-OUTLIER when a value's modified z-score against the unit's own
    earlier values is above ``threshold``, once there are ``min_periods`` of them."""

    threshold: float = Field(default=3.5, gt=0)
    min_periods: int = Field(default=3, ge=3)


class ReportInfo(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    issuer: str = ""
    period: str
    deadline: dt.date | None = None
    language: Literal["zh", "en"] = "zh"
    contact: str = ""

    @field_validator("period", "id", "title", mode="before")
    @classmethod
    def _yaml_number_as_text(cls, value: Any) -> Any:
        """``period: 2025`` is an int in YAML; the spec means the text 2025."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        """2025年第三季度 is 2025-Q3: one spelling for every way a clerk writes a period."""
        normal = normalise_period(value)
        if normal is None:
            raise invalid("spec.bad_period", value=value)
        return normal

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: Any) -> Any:
        """2025年4月15日 and 2025/4/15 are 2025-04-15; a day that does not exist is said plainly."""
        if value is None or isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        try:
            day = parse_day(str(value))
        except ValueError:
            raise invalid("spec.impossible_date", value=value) from None
        if day is None:
            raise invalid("spec.bad_date", value=value)
        return day


class FieldSpec(_Model):
    id: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    label: str = Field(min_length=1)
    type: str = "text"
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
    cumulative: bool = False  # a running total: never falls, 上期/本期新增/环比 (docs/periods.md)
    prefill: Literal["last"] | None = None  # templates start from the unit's last accepted value
    # This item field names each item's unit of measure (计量单位): numbers of different items
    # are added up only when their items share it.
    measure: bool = False

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in TYPES:
            raise invalid("spec.bad_value", value=value, allowed=Joined(TYPES, "comma"))
        return value

    @property
    def kind(self) -> FieldType:
        """The field's type: its coercion, formats, validation and default aggregate."""
        return TYPES[self.type]

    @property
    def is_input(self) -> bool:
        return self.source is None and self.formula is None

    @property
    def is_numeric(self) -> bool:
        return TYPES[self.type].numeric

    def heading(self, lang: Lang = "zh") -> str:
        """The label as shown in a header row, with the unit in brackets (（人） / (people))."""
        return t("field.heading", lang, label=self.label, unit=self.unit) if self.unit else self.label

    @property
    def effective_aggregate(self) -> Aggregate:
        if self.aggregate is not None:
            return self.aggregate
        if self.formula is not None:
            return "none"
        how: Aggregate = TYPES[self.type].default_aggregate(self)  # type: ignore[assignment]
        return how

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


class UpstreamSpec(_Model):
    """``upstream:`` in a spec made by ``relay``: the report this one relays (the city's), so that
    ``fill`` writes the county's figures back into the city's template (docs/relay.md).

    A template the city made with this tool names its report, period and unit; a workbook made by
    hand is known by its title, and its cells by the layout remembered here: the sheet, a column
    letter per field and a row per item (1-based), and the cells of 填报单位, 联系人 and 电话."""

    report_id: str = ""  # the city's report id ("" for a workbook made by hand)
    period: str = ""
    title: str = ""
    issuer: str = ""
    deadline: dt.date | None = None
    unit_code: str = ""  # the county as the city's report names it
    unit_name: str = ""
    contact: str = ""  # written into the city's template by fill
    phone: str = ""
    spec_sha256: str = ""
    sheet: str = ""
    header_row: int = Field(default=0, ge=0)
    columns: dict[str, str] = {}  # field id -> column letter
    rows: dict[str, int] = {}  # item id -> row
    cells: dict[str, str] = {}  # unit | contact | phone -> cell (B2)

    @field_validator("columns", "rows", "cells", mode="before")
    @classmethod
    def _json_text(cls, value: Any) -> Any:
        """In the workbook's 设置 sheet a mapping is written as its JSON text."""
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else {}
            except ValueError:
                raise invalid("spec.bad_value", value=value, allowed="JSON") from None
        return value

    @field_validator("period", "report_id", "unit_code", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("deadline", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        return value or None


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
    document: DocumentSpec | None = None
    outliers: OutlierSpec | None = None
    upstream: UpstreamSpec | None = None

    @model_validator(mode="after")
    def _items_for_fixed(self) -> SpecFile:
        if self.rows == "fixed" and not self.items:
            raise invalid("spec.fixed_needs_items")
        return self


@dataclass(frozen=True)
class Item:
    """A row that units report on; ``values`` hold the ``source: item`` fields."""

    id: str
    values: Mapping[str, Any]
    units: tuple[str, ...]
    per_unit: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    group: str = ""  # the heading the item stands under (一、致力“民生提档”…), when the report has groups

    @functools.cached_property
    def unit_set(self) -> frozenset[str]:
        return frozenset(self.units)

    def value_for(self, unit_code: str, field_id: str) -> Any:
        """One field of :meth:`values_for`, without copying the item's values."""
        by_unit = self.per_unit.get(field_id)
        if by_unit is not None and unit_code in by_unit:
            return by_unit[unit_code]
        return self.values.get(field_id)

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
    document: DocumentSpec | None = None
    outliers: OutlierSpec | None = None
    upstream: UpstreamSpec | None = None  # the city's report this one relays (relay, fill)

    @property
    def outlier_check(self) -> OutlierSpec:
        """The W-OUTLIER settings: the spec's, or the defaults."""
        return self.outliers or OutlierSpec()

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

    @functools.cached_property
    def measure_field(self) -> FieldSpec | None:
        """The item field naming each item's unit of measure: the one marked ``measure: true``,
        else an item text field labelled 计量单位 (a spec made by hand or from a clerk's table
        need not mark it for 人 and 处 to stay apart)."""
        return field_roles.guess_measure(self.fields)

    @functools.cached_property
    def roles(self) -> field_roles.Roles:
        """The fields a reader looks for: done, target, rate, measure, task text, number..."""
        return field_roles.find_roles(self.fields, self.items)

    def item_label(self, item: Item) -> str:
        """How an item is named to a reader: its task text, else its number, else its id."""
        found = self.roles
        for f in (found.text, found.number):
            if f is not None and item.values.get(f.id) not in (None, ""):
                return str(item.values[f.id])
        return item.id

    def spec_figure(self, item: Item, field: FieldSpec) -> Any:
        """An item field's figure for the whole report (the county's 年度目标), known from the
        spec whoever returned: the item's own value when its units have a breakdown of their
        own, else the sum of the values each assigned unit's template shows. None for a field
        that is not a summed number."""
        if not field.is_numeric or field.effective_aggregate != "sum":
            return None
        own = item.values.get(field.id)
        breakdown = item.per_unit.get(field.id)
        if breakdown and isinstance(own, int | float) and not isinstance(own, bool):
            return own
        numbers = [
            v
            for code in item.units
            if isinstance(v := item.value_for(code, field.id), int | float) and not isinstance(v, bool)
        ]
        return tidy_number(math.fsum(numbers), 10) if numbers else None

    def unlike_measures(self, field: FieldSpec, items: Iterable[Item]) -> tuple[str, ...]:
        """The different units of measure of ``field`` over ``items``; () when they are alike.

        A number field with its own ``unit`` is alike across items; one without is measured in
        each item's unit of measure when the spec names that field, else taken as alike. A
        computed field is unlike when one of its inputs is.
        """
        if field.formula:
            names = expr.parse(field.formula).names
            return tuple(dict.fromkeys(m for f in self.fields if f.id in names for m in self.unlike_measures(f, items)))
        measure = self.measure_field
        if measure is None or field.unit or not field.is_numeric or field is measure:
            return ()
        seen = tuple(dict.fromkeys(str(item.values.get(measure.id) or "").strip() for item in items))
        return seen if len(seen) > 1 else ()

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
                    **{
                        k: {u: _json_value(v) for u, v in by_unit.items()}
                        for k, by_unit in i.per_unit.items()
                        if k not in i.values
                    },
                    # A field with the item's own value too (the county's target beside its
                    # breakdown): each unit's as target@code, so that neither hides the other.
                    **{
                        f"{k}@{u}": _json_value(v)
                        for k, by_unit in i.per_unit.items()
                        if k in i.values
                        for u, v in by_unit.items()
                    },
                    **({"group": i.group} if i.group else {}),
                }
                for i in self.items
            ],
            "rows": self.rows,
            "max_rows": self.max_rows,
            "fields": [f.model_dump(mode="json", exclude_defaults=True) for f in self.fields],
            "rules": [r.model_dump(mode="json", exclude_defaults=True) for r in self.rules],
            # Only when given, so that specs without e-mail settings keep their hash.
            **({"outliers": self.outliers.model_dump(mode="json", exclude_defaults=True)} if self.outliers else {}),
            **{
                key: section.model_dump(mode="json", exclude_defaults=True)
                for key, section in (
                    ("mail", self.mail),
                    ("smtp", self.smtp),
                    ("imap", self.imap),
                    ("document", self.document),
                    ("upstream", self.upstream),
                )
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
