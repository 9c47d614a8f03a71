"""Records → the summary rows: each field aggregated per item (per unit for open lists) and in
total, in one pass, by accumulators that keep nothing but their result."""

from __future__ import annotations

import dataclasses
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..check import Record, RowChecker
from ..common import tidy_number
from ..spec import FieldSpec, Spec
from ..spec.expr import Expression, clean_number, parse
from ..text import Lang, t


@dataclass
class SummaryRow:
    """One row of 汇总: an item (or, for open rows, a unit) with aggregated values."""

    key: str
    values: dict[str, Any]
    expected_units: int
    reported_units: int
    cut: dict[str, int] = dataclasses.field(default_factory=dict)  # joined field -> units left out
    # A figure (number, count or computed field) -> the units it should rest on but does not:
    # not reported, or their value empty or rejected (for a computed field: any of its inputs).
    left_out: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # Computed fields whose value is not the formula of the values shown beside it: computed
    # over the units whose every input is valid (complete pairs), while the inputs' totals add
    # every valid value.
    own: frozenset[str] = frozenset()
    # Fields left without a total because the items are in different units of measure.
    unlike: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


# One Excel cell holds 32,767 characters; a joined text stops short of that, leaving room to say
# how many units' entries did not fit (they are all in 明细).
JOIN_LIMIT = 32_000


def with_cut_note(joined: str, left_out: int, lang: Lang) -> str:
    """A joined text that stopped at JOIN_LIMIT, with the line saying how many units are left out."""
    return f"{joined}\n{t('join.more', lang, n=left_out)}" if left_out else joined


class Accumulator:
    """One field's aggregate over rows, fed one value at a time (nothing but the result is kept)."""

    __slots__ = (
        "best",
        "count",
        "field",
        "how",
        "labelled",
        "lang",
        "length",
        "limit",
        "numbers",
        "omitted",
        "present",
        "rank",
        "texts",
    )

    def __init__(self, field: FieldSpec, lang: Lang = "zh", limit: int = JOIN_LIMIT) -> None:
        self.field = field
        self.how = field.effective_aggregate
        self.lang = lang
        self.labelled = t("join.unit", lang)  # 【unit】text: a template, filled per value
        self.limit = limit  # the characters a joined text may take
        self.numbers = array("d")  # sum, mean (math.fsum reads them as floats, exactly as before)
        self.texts: list[str] = []  # join, up to what one Excel cell holds
        self.length = 0
        self.omitted = 0  # units whose text did not fit (明细 has them all)
        self.best: Any = None  # min, max, first, worst
        self.rank = len(field.worst_order)
        self.count = 0  # count
        self.present = False

    def add(self, value: Any, unit_name: str = "") -> None:
        if value is None or value == "":
            return
        how = self.how
        self.present = True
        if how == "sum" or how == "mean":
            if value.__class__ is int or value.__class__ is float:  # not bool
                self.numbers.append(value)
        elif how == "join":
            text = self.labelled.format(unit=unit_name, value=value)
            if self.length + len(text) + 1 > self.limit:
                self.omitted += 1
            else:
                self.texts.append(text)
                self.length += len(text) + 1
        elif how == "count":
            if self.field.type != "bool" or value is True:
                self.count += 1
        elif how == "first":
            if self.best is None:
                self.best = value
        elif how == "min":
            if self.best is None or value < self.best:
                self.best = value
        elif how == "max":
            if self.best is None or value > self.best:
                self.best = value
        elif how == "worst":
            order = self.field.worst_order
            if value in order and order.index(value) < self.rank:
                self.rank = order.index(value)
                self.best = value

    def merge(self, other: Accumulator) -> None:
        """Take in what ``other`` was fed (``sum``, ``mean`` and ``count`` only: fsum is exact, so
        the order values come in does not change the result)."""
        self.numbers.extend(other.numbers)
        self.count += other.count
        self.present = self.present or other.present

    def result(self, note: bool = True) -> Any:
        """The aggregate; a cut join ends with a line saying so (``note``), in ``lang``."""
        how = self.how
        if how == "count":
            return self.count
        if how == "none" or not self.present:
            return None
        if how == "join":
            joined = "\n".join(self.texts)
            return with_cut_note(joined, self.omitted, self.lang) if note else joined
        if how == "sum" or how == "mean":
            if not self.numbers:
                return None
            total = math.fsum(self.numbers)
            return tidy_number(total, 10) if how == "sum" else total / len(self.numbers)
        return self.best


def aggregate_values(field: FieldSpec, values: Iterable[Any], unit_names: Iterable[str], lang: Lang = "zh") -> Any:
    """Aggregate one field over rows (``unit_names`` label each value for ``join``)."""
    acc = Accumulator(field, lang)
    for value, unit_name in zip(values, unit_names, strict=True):
        acc.add(value, unit_name)
    return acc.result()


def is_figure(field: FieldSpec) -> bool:
    """A number the summary shows as resting on the units (marked when it rests on fewer)."""
    how = field.effective_aggregate
    return bool(field.formula) or how == "count" or (field.is_numeric and how in ("sum", "mean", "min", "max"))


class Pairs:
    """A computed field's inputs aggregated over the rows where every input is valid."""

    __slots__ = ("accs", "expression", "field", "names")

    def __init__(self, field: FieldSpec, inputs: list[FieldSpec], expression: Expression | None = None) -> None:
        self.field = field
        self.expression = expression or parse(field.formula or "")
        self.names = [f.id for f in inputs]
        self.accs = [Accumulator(f) for f in inputs]

    def add(self, values: dict[str, Any]) -> bool:
        """Feed a row; False when one of its inputs is empty or was rejected."""
        got = [values.get(name) for name in self.names]
        for value in got:
            if value is None or value == "":
                return False
        for acc, value in zip(self.accs, got, strict=True):
            acc.add(value)
        return True

    def value(self, shown: dict[str, Any]) -> tuple[Any, bool]:
        """(the formula over complete pairs, whether it differs from the formula over ``shown``)."""
        inputs = {name: acc.result() for name, acc in zip(self.names, self.accs, strict=True)}
        own = any(inputs[name] != shown.get(name) for name in self.names)
        return clean_number(self.expression.evaluate({**shown, **inputs})), own


def aggregate(
    spec: Spec, records: Iterable[Record], checker: RowChecker, join_limit: int = JOIN_LIMIT
) -> tuple[list[SummaryRow], SummaryRow]:
    """Per item (per unit for open lists) and in total, in one pass over the records.

    Returns the rows and the totals row (key ""). Computed fields are computed over complete
    pairs: only the rows whose every input is valid count, in the rows and in the totals.
    """
    fields = [f for f in spec.fields if not f.formula]
    totalled = [f for f in fields if f.effective_aggregate in ("sum", "count")]
    fixed = spec.rows == "fixed"
    keys = [item.id for item in spec.items] if fixed else [unit.code for unit in spec.units]
    groups = {key: [Accumulator(f, spec.lang, join_limit) for f in fields] for key in keys}
    reported: dict[str, set[str]] = {key: set() for key in keys}
    totals_acc = [Accumulator(f) for f in totalled]
    names = {unit.code: unit.name for unit in spec.units}
    ids = [f.id for f in fields]
    total_ids = [f.id for f in totalled]
    # Inputs of a computed field: the aggregated fields its formula names.
    parsed = spec.formulas()
    computed = [(f, [g for g in fields if g.id in parsed[f.id].names]) for f in spec.fields if f.formula is not None]
    pairs = {key: [Pairs(f, inputs, parsed[f.id]) for f, inputs in computed] for key in keys}
    total_pairs = [Pairs(f, inputs, parsed[f.id]) for f, inputs in computed]
    # The totals' complete pairs are the groups' taken together, unless an input needs every value.
    feed_total_pairs = any(acc.how not in ("sum", "mean", "count") for pair in total_pairs for acc in pair.accs)
    figures = [f.id for f in fields if is_figure(f)]
    short: dict[str, dict[str, set[str]]] = {key: {} for key in keys}  # key -> figure -> units short
    for record in records:
        values = record.values
        key = record.item_id if fixed else record.unit_code
        group = groups.get(key) if key is not None else None
        unit = record.unit_code
        if group is not None:
            reported[key].add(unit)  # type: ignore[index]
            name = names[unit]
            for acc, field_id in zip(group, ids, strict=True):
                acc.add(values.get(field_id), name)
            lacking = short[key]  # type: ignore[index]
            for field_id in figures:
                value = values.get(field_id)
                if value is None or value == "":
                    lacking.setdefault(field_id, set()).add(unit)
            for pair in pairs[key]:  # type: ignore[index]
                if not pair.add(values):
                    lacking.setdefault(pair.field.id, set()).add(unit)
        for acc, field_id in zip(totals_acc, total_ids, strict=True):
            acc.add(values.get(field_id))
        if feed_total_pairs:
            for pair in total_pairs:
                pair.add(values)
    expected_units = (
        {item.id: item.units for item in spec.items} if fixed else {unit.code: (unit.code,) for unit in spec.units}
    )
    order = {unit.code: i for i, unit in enumerate(spec.units)}
    marked = [*figures, *(f.id for f, _ in computed)]
    rows: list[SummaryRow] = []
    total_left_out: dict[str, set[str]] = {}
    for key, group in groups.items():
        # A cut join's note is added in the summary's language when the tables are made.
        values = {f.id: acc.result(note=False) for f, acc in zip(fields, group, strict=True)}
        cut = {f.id: acc.omitted for f, acc in zip(fields, group, strict=True) if acc.omitted}
        if fixed and not reported[key]:
            item_values = spec.item_map[key].values
            values.update({f.id: item_values.get(f.id) for f in spec.fields if f.source == "item" and f.type == "text"})
        checker.compute(values)
        own: set[str] = set()
        for pair in pairs[key]:
            values[pair.field.id], differs = pair.value(values)
            if differs:
                own.add(pair.field.id)
        missing = [u for u in expected_units[key] if u not in reported[key]]
        left_out: dict[str, tuple[str, ...]] = {}
        for field_id in marked:
            units = set(missing) | short[key].get(field_id, set())
            if units:
                left_out[field_id] = tuple(sorted(units, key=order.__getitem__))
                total_left_out.setdefault(field_id, set()).update(units)
        expected = len(expected_units[key])
        rows.append(SummaryRow(key, values, expected, len(reported[key]), cut, left_out, frozenset(own)))
    if not feed_total_pairs:
        for group_pairs in pairs.values():
            for total_pair, pair in zip(total_pairs, group_pairs, strict=True):
                for total_acc, acc in zip(total_pair.accs, pair.accs, strict=True):
                    total_acc.merge(acc)
    totals: dict[str, Any] = dict.fromkeys(ids)
    totals.update({f.id: acc.result() for f, acc in zip(totalled, totals_acc, strict=True)})
    unlike = {f.id: m for f in spec.fields if (m := spec.unlike_measures(f, spec.items)) and f.id in totals}
    unlike.update({f.id: m for f, _ in computed if (m := spec.unlike_measures(f, spec.items))})
    for field_id in unlike:
        totals[field_id] = None
    checker.compute(totals)
    own_total: set[str] = set()
    for pair in total_pairs:
        if pair.field.id in unlike:
            totals[pair.field.id] = None
            continue
        totals[pair.field.id], differs = pair.value(totals)
        if differs:
            own_total.add(pair.field.id)
    total_row = SummaryRow(
        "",
        totals,
        sum(r.expected_units for r in rows),
        sum(r.reported_units for r in rows),
        left_out={k: tuple(sorted(v, key=order.__getitem__)) for k, v in total_left_out.items() if k not in unlike},
        own=frozenset(own_total),
        unlike=unlike,
    )
    return rows, total_row
