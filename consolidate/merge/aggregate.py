"""Records → every figure of the summary, the JSON and the document (:class:`Figures`): each field
aggregated per item (per unit for open lists), per group heading, per unit and in total, in one
pass, by accumulators that keep nothing but their result; 趋势's rows and the units' ranking."""

from __future__ import annotations

import dataclasses
import math
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeGuard

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
    # A computed field in ``own`` -> its inputs over the complete pairs it was computed from (the
    # 年度目标 of the units that returned, beside the county's): what a sentence quoting it says.
    pairs: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


# One Excel cell holds 32,767 characters; a joined text stops short of that, leaving room to say
# how many units' entries did not fit (they are all in 明细).
JOIN_LIMIT = 32_000


def with_cut_note(joined: str, left_out: int, lang: Lang, sheets: Sequence[str] = ()) -> str:
    """A joined text that stopped at JOIN_LIMIT, with the line saying how many units are left out
    and where their entries are: ``sheets``, the first and last of the 明细 sheets holding the
    row's records when 明细 is split (default: 明细)."""
    if not left_out:
        return joined
    if len(sheets) > 1:
        where = t("join.sheets", lang, first=sheets[0], last=sheets[-1])
    else:
        where = t("join.sheet", lang, name=sheets[0] if sheets else t("sheet.detail", lang))
    return f"{joined}\n{t('join.more', lang, n=left_out, sheets=where)}"


class ExactSum:
    """Numbers added up to exactly what ``math.fsum`` of them all gives, holding a few floats
    rather than every value (a province: 30,000 units × 40 items, each figure summed per item,
    per unit and in total, held 8 bytes a value and more).

    Values wait in a buffer; every :attr:`FOLD` of them are replaced by a few floats whose exact
    sum is the same: ``math.fsum`` is correctly rounded, so the exact sum is peeled off in
    rounded pieces until nothing is left (one or two pieces in practice). The exact sum never
    changes, so neither does the correctly rounded result, in whatever order values come.
    """

    __slots__ = ("buffer", "folded", "partials", "specials")

    FOLD = 256  # values in the buffer before they are folded

    def __init__(self) -> None:
        self.buffer = array("d")  # Accumulator.add appends to it directly, then folds when full
        self.partials: list[float] = []  # floats whose exact sum is that of the values folded
        self.specials: list[float] = []  # infinities and NaN, as fsum treats them apart
        self.folded = 0  # values folded

    @property
    def count(self) -> int:
        """How many values were added."""
        return self.folded + len(self.buffer)

    def add(self, value: float) -> None:
        self.buffer.append(value)
        if len(self.buffer) >= self.FOLD:
            self.fold()

    def extend(self, other: ExactSum) -> None:
        """Take in what ``other`` was given (its count too)."""
        self.partials += other.partials
        self.specials += other.specials
        self.folded += other.folded
        self.buffer.extend(other.buffer)
        if len(self.buffer) + len(self.partials) >= self.FOLD:
            self.fold()

    def fold(self) -> None:
        self.folded += len(self.buffer)
        values = [*self.partials, *self.buffer]
        try:
            finite = math.isfinite(math.fsum(values))
        except ValueError:  # inf - inf
            finite = False
        except OverflowError:  # finite values past the largest float: kept as they are
            self.partials, self.buffer = values, array("d")
            return
        if not finite:
            self.specials += [v for v in values if not math.isfinite(v)]
            values = [v for v in values if math.isfinite(v)]
        pieces: list[float] = []
        while len(pieces) < 64:  # the exact sum has at most about 2,100 bits: 41 pieces at most
            rest = math.fsum([*values, *(-piece for piece in pieces)])
            if rest == 0:
                break
            pieces.append(rest)
        else:
            pieces = values
        self.partials = pieces
        self.buffer = array("d")

    def total(self) -> float:
        """``math.fsum`` of every value added (an infinity when the exact sum is past the largest
        float, where fsum itself gives up with an overflow)."""
        values = [*self.specials, *self.partials, *self.buffer]
        try:
            return math.fsum(values)
        except OverflowError:
            # Scaled down by a power of two past the number of values, no partial sum overflows
            # (three values of 1.2e308 overflowed even halved); exact for floats this large.
            k = len(values).bit_length()
            scaled = math.fsum(math.ldexp(v, -k) for v in values)
            if abs(scaled) <= math.ldexp(sys.float_info.max, -k):
                return math.ldexp(scaled, k)
            return math.copysign(math.inf, scaled)


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
        "yes_no",
    )

    def __init__(self, field: FieldSpec, lang: Lang = "zh", limit: int = JOIN_LIMIT) -> None:
        self.field = field
        self.how = field.effective_aggregate
        self.lang = lang
        self.labelled = t("join.unit", lang)  # 【unit】text: a template, filled per value
        self.limit = limit  # the characters a joined text may take
        self.numbers = ExactSum()  # sum, mean: math.fsum of the values, as floats
        self.texts: list[str] = []  # join, up to what one Excel cell holds
        self.length = 0
        self.omitted = 0  # units whose text did not fit (明细 has them all)
        self.best: Any = None  # min, max, first, worst
        self.rank = len(field.worst_order)
        self.count = 0  # count
        self.present = False
        self.yes_no = field.kind.yes_no  # a yes/no field counts its yeses

    def add(self, value: Any, unit_name: str = "") -> None:
        if value is None or value == "":
            return
        how = self.how
        self.present = True
        if how == "sum" or how == "mean":
            if value.__class__ is int or value.__class__ is float:  # not bool
                buffer = self.numbers.buffer
                buffer.append(value)
                if len(buffer) >= ExactSum.FOLD:
                    self.numbers.fold()
        elif how == "join":
            self._join(self.labelled.format(unit=unit_name, value=value))
        elif how == "count":
            if not self.yes_no or value is True:
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

    def add_all(self, values: list[Any], unit_names: list[str] | None = None) -> None:
        """:meth:`add` of each value in turn (``unit_names`` beside them, for ``join``), with the
        sums, counts and firsts taken in C rather than a call per value: the same result."""
        how = self.how
        if how == "sum" or how == "mean":
            if not self.present:
                self.present = any(v is not None and v != "" for v in values)
            numbers = [v for v in values if v.__class__ is int or v.__class__ is float]  # not bool
            if numbers:
                buffer = self.numbers.buffer
                buffer.extend(numbers)
                if len(buffer) >= ExactSum.FOLD:
                    self.numbers.fold()
        elif how == "count":
            given = [v for v in values if v is not None and v != ""]
            if given:
                self.present = True
                self.count += len(given) if not self.yes_no else sum(1 for v in given if v is True)
        elif how == "none":
            if not self.present:
                self.present = any(v is not None and v != "" for v in values)
        elif how == "first":
            if self.best is None:
                for v in values:
                    if v is not None and v != "":
                        self.add(v)
                        break
            elif not self.present:
                self.present = any(v is not None and v != "" for v in values)
        elif how == "join":
            names = unit_names if unit_names is not None else [""] * len(values)
            label = self.labelled.format
            for value, name in zip(values, names, strict=True):
                if value is None or value == "":
                    continue
                self.present = True
                self._join(label(unit=name, value=value))
        elif how == "worst":
            order = self.field.worst_order
            for value in values:
                if value is None or value == "":
                    continue
                self.present = True
                if value in order and order.index(value) < self.rank:
                    self.rank = order.index(value)
                    self.best = value
        else:
            for value in values:
                self.add(value)

    def _join(self, text: str) -> None:
        """A unit's text joined, or counted as left out when the cell is full."""
        if self.length + len(text) + 1 > self.limit:
            self.omitted += 1
        else:
            self.texts.append(text)
            self.length += len(text) + 1

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
            if not self.numbers.count:
                return None
            total = self.numbers.total()
            return tidy_number(total, 10) if how == "sum" else total / self.numbers.count
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

    def add_all(self, rows: list[dict[str, Any]]) -> list[bool]:
        """:meth:`add` of each row in turn: for each, whether it was complete."""
        columns = [[values.get(name) for values in rows] for name in self.names]
        complete = [None not in inputs and "" not in inputs for inputs in zip(*columns, strict=True)]
        every = all(complete)
        for acc, column in zip(self.accs, columns, strict=True):
            acc.add_all(column if every else [v for v, ok in zip(column, complete, strict=True) if ok])
        return complete

    def inputs(self) -> dict[str, Any]:
        """The inputs' aggregates over the complete pairs."""
        return {name: acc.result() for name, acc in zip(self.names, self.accs, strict=True)}

    def value(self, shown: dict[str, Any]) -> tuple[Any, bool]:
        """(the formula over complete pairs, whether it differs from the formula over ``shown``)."""
        inputs = self.inputs()
        own = any(inputs[name] != shown.get(name) for name in self.names)
        return clean_number(self.expression.evaluate({**shown, **inputs})), own


@dataclass
class TrendRow:
    """趋势: one item's figures in one period (earlier periods as the history recorded them)."""

    item: str
    period: str
    values: dict[str, Any]
    reported_units: int
    # Computed fields whose value is not the formula of the sums beside it (over complete pairs).
    own: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rank:
    """A unit's completion for the document's ranking: the ratio of its sums over the items with
    both figures; where its items are in different units of measure (人, 处), the mean of its
    items' rates instead (``averaged``), and no sums."""

    unit_code: str
    rate: float
    done: float | int | None
    target: float | int | None
    averaged: bool = False


@dataclass
class Figures:
    """Every figure of a merge, computed once: per item (汇总's rows), per group heading, per unit
    (分单位), and the totals of both. The writers lay these out; they compute nothing."""

    rows: list[SummaryRow]
    total: SummaryRow
    groups: list[SummaryRow] = dataclasses.field(default_factory=list)  # key: the group heading
    units: list[SummaryRow] = dataclasses.field(default_factory=list)  # key: the unit code
    unit_total: SummaryRow | None = None
    trend: list[TrendRow] | None = None  # with an earlier period recorded: 趋势's rows
    ranking: list[Rank] = dataclasses.field(default_factory=list)  # best first


class _Seen:
    """Which of a known list of codes (units, or items) have been seen, one byte each, in the
    list's order: what a set of them says, without a set per item of 30,000 unit codes (or per
    unit of its items' ids) held through the whole pass. A code not in the list is kept aside."""

    __slots__ = ("count", "extra", "flags", "index")

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index  # code -> its position, shared by every _Seen of the same list
        self.flags = bytearray(len(index))
        self.count = 0
        self.extra: set[str] | None = None

    def add(self, code: str) -> None:
        at = self.index.get(code)
        if at is None:
            if self.extra is None:
                self.extra = set()
            if code not in self.extra:
                self.extra.add(code)
                self.count += 1
        elif not self.flags[at]:
            self.flags[at] = 1
            self.count += 1

    def __contains__(self, code: object) -> bool:
        at = self.index.get(code) if isinstance(code, str) else None
        if at is None:
            return self.extra is not None and code in self.extra
        return bool(self.flags[at])

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        flags = self.flags
        yield from (code for code, at in self.index.items() if flags[at])
        if self.extra:
            yield from sorted(self.extra)


_CHUNK = 256  # records a row of 汇总 waits for before they are taken in together


def _number(value: Any) -> TypeGuard[float | int]:
    return (value.__class__ is int or value.__class__ is float) and value == value


def aggregate(spec: Spec, records: Iterable[Record], checker: RowChecker, join_limit: int = JOIN_LIMIT) -> Figures:
    """Per item (per unit for open lists), per group, per unit and in total, in one pass over the
    records.

    Computed fields are computed over complete pairs: only the rows whose every input is valid
    count, in the rows and in the totals. A summed item field (the 年度目标) is the spec's figure
    for every unit assigned, whoever returned (:meth:`Spec.spec_figure`). No figure adds items of
    different units of measure: such a total is left empty, with the measures in ``unlike``.
    """
    fields = [f for f in spec.fields if not f.formula]
    fixed = spec.rows == "fixed"
    # Fixed rows: a summed item field is known from the spec, not from the returns.
    from_spec = {
        f.id for f in fields if fixed and f.source == "item" and f.is_numeric and f.effective_aggregate == "sum"
    }
    totalled = [f for f in fields if f.effective_aggregate in ("sum", "count") and f.id not in from_spec]
    keys = [item.id for item in spec.items] if fixed else [unit.code for unit in spec.units]
    groups = {key: [Accumulator(f, spec.lang, join_limit) for f in fields] for key in keys}
    # The units heard from per item: a byte per unit (a province's 30,000 units times 40 items
    # as sets took a gigabyte's tenth); per unit of an open list, its own code.
    order = {unit.code: i for i, unit in enumerate(spec.units)}
    reported: dict[str, _Seen | set[str]] = {key: _Seen(order) if fixed else set() for key in keys}
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
    figures = [f.id for f in fields if is_figure(f) and f.id not in from_spec]
    short: dict[str, dict[str, set[str]]] = {key: {} for key in keys}  # key -> figure -> units short
    per_unit = _UnitFigures(spec, fields, computed, parsed)
    # Records wait per row of 汇总 (and for the totals), a few hundred at a time, and are then
    # taken in together (:meth:`Accumulator.add_all`): a call per field and chunk, not per value.
    pending: dict[str, list[Record]] = {key: [] for key in keys}
    stream: list[Record] = []

    def take(key: str, chunk: list[Record]) -> None:
        group = groups[key]
        rows = [record.values for record in chunk]
        units = [record.unit_code for record in chunk]
        seen = reported[key]
        for unit in units:
            seen.add(unit)
        labels = [names[unit] for unit in units]
        columns = {field_id: [values.get(field_id) for values in rows] for field_id in ids}
        for acc, field_id in zip(group, ids, strict=True):
            acc.add_all(columns[field_id], labels)
        lacking = short[key]
        for field_id in figures:
            empty = [unit for unit, value in zip(units, columns[field_id], strict=True) if value is None or value == ""]
            if empty:
                lacking.setdefault(field_id, set()).update(empty)
        for pair in pairs[key]:
            incomplete = [unit for unit, ok in zip(units, pair.add_all(rows), strict=True) if not ok]
            if incomplete:
                lacking.setdefault(pair.field.id, set()).update(incomplete)

    def take_total(chunk: list[Record]) -> None:
        rows = [record.values for record in chunk]
        for acc, field_id in zip(totals_acc, total_ids, strict=True):
            acc.add_all([values.get(field_id) for values in rows])
        if feed_total_pairs:
            for pair in total_pairs:
                pair.add_all(rows)

    for record in records:
        key = record.item_id if fixed else record.unit_code
        if key is not None and key in pending:
            waiting = pending[key]
            waiting.append(record)
            if len(waiting) >= _CHUNK:
                take(key, waiting)
                pending[key] = []
        stream.append(record)
        if len(stream) >= _CHUNK:
            take_total(stream)
            stream = []
        per_unit.add(record)
    for key, waiting in pending.items():
        if waiting:
            take(key, waiting)
    take_total(stream)
    per_unit.done()
    expected_units = (
        {item.id: item.units for item in spec.items} if fixed else {unit.code: (unit.code,) for unit in spec.units}
    )
    marked = [*figures, *(f.id for f, _ in computed)]
    rows: list[SummaryRow] = []
    total_left_out: dict[str, set[str]] = {}
    for key, group in groups.items():
        # A cut join's note is added in the summary's language when the tables are made.
        values = {f.id: acc.result(note=False) for f, acc in zip(fields, group, strict=True)}
        cut = {f.id: acc.omitted for f, acc in zip(fields, group, strict=True) if acc.omitted}
        if fixed:
            item = spec.item_map[key]
            for field_id in from_spec:
                values[field_id] = spec.spec_figure(item, spec.field_map[field_id])
            if not reported[key]:
                values.update({f.id: item.values.get(f.id) for f in fields if f.source == "item" and not f.is_numeric})
        checker.compute(values)
        own: set[str] = set()
        over: dict[str, dict[str, Any]] = {}
        for pair in pairs[key]:
            values[pair.field.id], differs = pair.value(values)
            if differs:
                own.add(pair.field.id)
                over[pair.field.id] = pair.inputs()
        missing = [u for u in expected_units[key] if u not in reported[key]]
        left_out: dict[str, tuple[str, ...]] = {}
        for field_id in marked:
            units = set(missing) | short[key].get(field_id, set())
            if units:
                left_out[field_id] = tuple(sorted(units, key=order.__getitem__))
                total_left_out.setdefault(field_id, set()).update(units)
        expected = len(expected_units[key])
        rows.append(SummaryRow(key, values, expected, len(reported[key]), cut, left_out, frozenset(own), pairs=over))
    if not feed_total_pairs:
        for group_pairs in pairs.values():
            for total_pair, pair in zip(total_pairs, group_pairs, strict=True):
                for total_acc, acc in zip(total_pair.accs, pair.accs, strict=True):
                    total_acc.merge(acc)
    totals: dict[str, Any] = dict.fromkeys(ids)
    totals.update({f.id: acc.result() for f, acc in zip(totalled, totals_acc, strict=True)})
    for field_id in from_spec:
        totals[field_id] = _fsum(row.values.get(field_id) for row in rows)
    unlike = {f.id: m for f in spec.fields if (m := spec.unlike_measures(f, spec.items)) and f.id in totals}
    unlike.update({f.id: m for f, _ in computed if (m := spec.unlike_measures(f, spec.items))})
    for field_id in unlike:
        totals[field_id] = None
    checker.compute(totals)
    own_total: set[str] = set()
    over_total: dict[str, dict[str, Any]] = {}
    for pair in total_pairs:
        if pair.field.id in unlike:
            totals[pair.field.id] = None
            continue
        totals[pair.field.id], differs = pair.value(totals)
        if differs:
            own_total.add(pair.field.id)
            over_total[pair.field.id] = pair.inputs()
    total_row = SummaryRow(
        "",
        totals,
        sum(r.expected_units for r in rows),
        sum(r.reported_units for r in rows),
        left_out={k: tuple(sorted(v, key=order.__getitem__)) for k, v in total_left_out.items() if k not in unlike},
        own=frozenset(own_total),
        unlike=unlike,
        pairs=over_total,
    )
    out = Figures(rows, total_row)
    if fixed:
        summed = [
            f for f in fields if f.effective_aggregate in ("sum", "count") and (f.is_numeric or f.id in total_ids)
        ]
        out.groups = _group_rows(spec, rows, pairs, computed, summed, reported)
    out.units, out.unit_total = per_unit.rows(total_row)
    out.ranking = per_unit.ranking()
    return out


def _fsum(values: Iterable[Any]) -> Any:
    numbers = [v for v in values if (v.__class__ is int or v.__class__ is float) and v == v]
    return tidy_number(math.fsum(numbers), 10) if numbers else None


def _group_rows(
    spec: Spec,
    rows: list[SummaryRow],
    pairs: dict[str, list[Pairs]],
    computed: list[tuple[FieldSpec, list[FieldSpec]]],
    summed: list[FieldSpec],
    reported: dict[str, _Seen | set[str]],
) -> list[SummaryRow]:
    """A subtotal per group heading (一、二…) of the items under it, where their measures are alike."""
    by_group: dict[str, list[int]] = {}
    for index, item in enumerate(spec.items):
        if item.group:
            by_group.setdefault(item.group, []).append(index)
    out: list[SummaryRow] = []
    order = {unit.code: i for i, unit in enumerate(spec.units)}
    for heading, indexes in by_group.items():
        items = [spec.items[i] for i in indexes]
        members = [rows[i] for i in indexes]
        values: dict[str, Any] = {}
        unlike: dict[str, tuple[str, ...]] = {}
        left_out: dict[str, tuple[str, ...]] = {}
        for f in summed:
            measures = spec.unlike_measures(f, items)
            if measures:
                unlike[f.id] = measures
                continue
            values[f.id] = _fsum(row.values.get(f.id) for row in members)
        own: set[str] = set()
        for position, (f, inputs) in enumerate(computed):
            measures = spec.unlike_measures(f, items)
            if measures:
                unlike[f.id] = measures
                continue
            together = Pairs(f, inputs)
            for i in indexes:
                for acc, part in zip(together.accs, pairs[spec.items[i].id][position].accs, strict=True):
                    acc.merge(part)
            values[f.id], differs = together.value(values)
            if differs:
                own.add(f.id)
        for field_id in {k for row in members for k in row.left_out}:
            if field_id in unlike:
                continue
            units = {u for row in members for u in row.left_out.get(field_id, ())}
            left_out[field_id] = tuple(sorted(units, key=order.__getitem__))
        expected = len({u for item in items for u in item.units})
        returned = len({u for item in items for u in reported[item.id]})
        out.append(
            SummaryRow(heading, values, expected, returned, left_out=left_out, own=frozenset(own), unlike=unlike)
        )
    return out


class _UnitFigures:
    """分单位: each unit's figures over its own items, fed in the same pass as the items'."""

    def __init__(
        self,
        spec: Spec,
        fields: list[FieldSpec],
        computed: list[tuple[FieldSpec, list[FieldSpec]]],
        parsed: dict[str, Expression],
    ) -> None:
        self.spec = spec
        self.fixed = spec.rows == "fixed"
        self.sums = [f for f in fields if f.is_numeric and f.effective_aggregate == "sum"]
        self.inputs = [f for f in self.sums if f.source != "item"]
        sum_ids = {f.id for f in self.sums}
        self.computable = [(f, inputs) for f, inputs in computed if parsed[f.id].names <= sum_ids]
        self.parsed = parsed
        self.worst = [f for f in fields if f.effective_aggregate == "worst"]
        self.accs: dict[str, list[Accumulator]] = {}
        self.pairs: dict[str, list[Pairs]] = {}
        self.short: dict[str, dict[str, list[str]]] = {}  # unit -> field -> items left out
        # Per unit, the items (or rows of an open list) it reported: a byte per item, not a set.
        self.items = {item.id: i for i, item in enumerate(spec.items)}
        self.reported: dict[str, _Seen | set[str]] = {}
        self.counts: dict[str, dict[str, int]] = {}
        roles = spec.roles
        self.done_field, self.target = roles.done, roles.target
        # unit -> done, target and done / target of its items with both, summed (a tuple per item
        # took 2.5 KB a unit).
        self.rated: dict[str, tuple[ExactSum, ExactSum, ExactSum]] = {}
        self.last: str | None = None  # the unit fed last: taken in and folded when the next comes
        self.waiting: list[Record] = []  # its records so far

    def add(self, record: Record) -> None:
        """Feed a record; they come in unit order, so a unit's are taken in together when the
        next unit's first comes (and by :meth:`done`)."""
        if record.unit_code != self.last:
            self.done()
            self.last = record.unit_code
        self.waiting.append(record)

    def done(self) -> None:
        """Take in the records fed since the last unit's."""
        if self.waiting:
            self._take(self.waiting[0].unit_code, self.waiting)
            self._fold(self.waiting[0].unit_code)
            self.waiting = []

    def _take(self, unit: str, chunk: list[Record]) -> None:
        accs = self.accs.get(unit)
        if accs is None:
            accs = self.accs[unit] = [Accumulator(f) for f in self.inputs]
            self.pairs[unit] = [Pairs(f, inputs, self.parsed[f.id]) for f, inputs in self.computable]
            self.short[unit] = {}
            self.reported[unit] = _Seen(self.items) if self.fixed else set()
            self.counts[unit] = {f"{f.id}={choice}": 0 for f in self.worst for choice in f.worst_order}
        rows = [record.values for record in chunk]
        wheres = [(record.item_id or "") if self.fixed else str(record.row) for record in chunk]
        reported = self.reported[unit]
        for where in wheres:
            reported.add(where)
        short = self.short[unit]
        for acc in accs:
            column = [values.get(acc.field.id) for values in rows]
            acc.add_all(column)
            empty = [where for where, value in zip(wheres, column, strict=True) if value is None or value == ""]
            if empty:
                short.setdefault(acc.field.id, []).extend(empty)
        for pair in self.pairs[unit]:
            incomplete = [where for where, ok in zip(wheres, pair.add_all(rows), strict=True) if not ok]
            if incomplete:
                short.setdefault(pair.field.id, []).extend(incomplete)
        if self.done_field is not None and self.target is not None:
            done_id, target_id = self.done_field.id, self.target.id
            both = [
                (a, b)
                for a, b in ((values.get(done_id), values.get(target_id)) for values in rows)
                if (a.__class__ is int or a.__class__ is float)
                and (b.__class__ is int or b.__class__ is float)
                and a == a
                and b == b
                and b
            ]
            if both:
                rated = self.rated.get(unit)
                if rated is None:
                    rated = self.rated[unit] = (ExactSum(), ExactSum(), ExactSum())
                parts = ([a for a, _ in both], [b for _, b in both], [a / b for a, b in both])
                for sums, numbers in zip(rated, parts, strict=True):
                    sums.buffer.extend(numbers)
                    if len(sums.buffer) >= ExactSum.FOLD:
                        sums.fold()
        counts = self.counts[unit]
        for f in self.worst:
            order = tuple(f.worst_order)  # a list made anew on each look
            for values in rows:
                choice = values.get(f.id)
                if choice in order:
                    counts[f"{f.id}={choice}"] += 1

    def _fold(self, unit: str) -> None:
        """A unit's records are over (they come in unit order): its sums shrink to a few floats
        each, so that 30,000 units do not each hold 40 values per figure until the end."""
        sums = [acc.numbers for acc in self.accs[unit]]
        sums += [acc.numbers for pair in self.pairs[unit] for acc in pair.accs]
        sums += self.rated.get(unit, ())
        for numbers in sums:
            if numbers.buffer:
                numbers.fold()

    def ranking(self) -> list[Rank]:
        spec = self.spec
        if self.done_field is None or self.target is None:
            return []
        out: list[Rank] = []
        for unit in spec.units:
            rated = self.rated.get(unit.code)
            if not rated:
                continue
            items = spec.items_for(unit.code) if self.fixed else []
            dones, targets, rates = rated
            if spec.unlike_measures(self.done_field, items) or spec.unlike_measures(self.target, items):
                out.append(Rank(unit.code, rates.total() / rates.count, None, None, True))
                continue
            done = tidy_number(dones.total(), 10)
            target = tidy_number(targets.total(), 10)
            out.append(Rank(unit.code, done / target, done, target))
        out.sort(key=lambda rank: -rank.rate)
        return out

    def rows(self, total: SummaryRow) -> tuple[list[SummaryRow], SummaryRow]:
        spec = self.spec
        out: list[SummaryRow] = []
        unlike_of: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}  # units with the same items: once
        total_left_out: dict[str, set[str]] = {}
        for unit in spec.units:
            items = spec.items_for(unit.code) if self.fixed else []
            item_ids = tuple(item.id for item in items)
            returned = unit.code in self.accs
            values: dict[str, Any] = {}
            for acc in self.accs.get(unit.code, []):
                values[acc.field.id] = acc.result()
            for f in self.sums:
                if f.source == "item":
                    values[f.id] = _fsum(item.value_for(unit.code, f.id) for item in items)
            own: set[str] = set()
            for pair in self.pairs.get(unit.code, []):
                values[pair.field.id], differs = pair.value(values)
                if differs:
                    own.add(pair.field.id)
            values.update(self.counts.get(unit.code) or {f"{f.id}={c}": 0 for f in self.worst for c in f.worst_order})
            reported: _Seen | set[str] = self.reported.get(unit.code, set())
            unreported = [i for i in item_ids if i not in reported]
            short = self.short.get(unit.code, {})
            left_out: dict[str, tuple[str, ...]] = {}
            unlike: dict[str, tuple[str, ...]] = {}
            for f in [*self.sums, *(f for f, _ in self.computable)]:
                if (f.id, item_ids) not in unlike_of:
                    unlike_of[(f.id, item_ids)] = spec.unlike_measures(f, items)
                measures = unlike_of[(f.id, item_ids)]
                if measures:
                    values[f.id] = None
                    unlike[f.id] = measures
                    continue
                if f.source == "item":
                    continue  # known from the spec: never short
                lacking = [*unreported, *short.get(f.id, [])] if returned else []
                if lacking:
                    left_out[f.id] = tuple(dict.fromkeys(lacking))
                if lacking or (not returned and (items or not self.fixed)):
                    total_left_out.setdefault(f.id, set()).add(unit.code)
            out.append(
                SummaryRow(
                    unit.code,
                    values,
                    len(items),
                    len(reported),
                    left_out=left_out,
                    own=frozenset(own),
                    unlike=unlike,
                )
            )
        order = {unit.code: i for i, unit in enumerate(spec.units)}
        totals: dict[str, Any] = {}
        all_unlike: dict[str, tuple[str, ...]] = {}
        for f in [*self.sums, *(f for f, _ in self.computable)]:
            measures = spec.unlike_measures(f, spec.items)
            if measures:
                all_unlike[f.id] = measures
                totals[f.id] = None
        for f in self.sums:
            if f.id not in all_unlike:
                totals[f.id] = _fsum(row.values.get(f.id) for row in out)
        own_total: set[str] = set()
        for f, _ in self.computable:
            if f.id not in all_unlike:
                # Over complete pairs, as in 汇总: the same number as 汇总's total.
                totals[f.id] = total.values.get(f.id)
                if f.id in total.own:
                    own_total.add(f.id)
        for f in self.worst:
            for choice in f.worst_order:
                key = f"{f.id}={choice}"
                totals[key] = sum(int(row.values.get(key, 0) or 0) for row in out)
        unit_total = SummaryRow(
            "",
            totals,
            sum(r.expected_units for r in out),
            sum(r.reported_units for r in out),
            left_out={
                k: tuple(sorted(v, key=order.__getitem__)) for k, v in total_left_out.items() if k not in all_unlike
            },
            own=frozenset(own_total),
            unlike=all_unlike,
        )
        return out, unit_total


class _Points(Protocol):
    """The history's earlier totals per item (a :class:`~.history.HistoryView`)."""

    @property
    def trend(self) -> Sequence[Any]: ...


def trend_rows(spec: Spec, view: _Points, rows: Sequence[SummaryRow]) -> list[TrendRow]:
    """Per item, one row per recorded period up to this one: the summed fields, and each computed
    field as its period's summary had it (over complete pairs), else from the sums shown."""
    summed = [f for f in spec.fields if f.is_numeric and not f.formula and f.effective_aggregate == "sum"]
    have = {f.id for f in summed}
    parsed = spec.formulas()
    computed = [f for f in spec.fields if f.formula and parsed[f.id].names <= have]
    earlier: dict[str, list[Any]] = {}
    for point in view.trend:
        earlier.setdefault(point.item, []).append(point)
    current = {row.key: row for row in rows}
    out: list[TrendRow] = []
    for item in spec.items:
        points = [(p.period, p.values, p.reported) for p in earlier.get(item.id, [])]
        if item.id in current:
            row = current[item.id]
            points.append((spec.report.period, row.values, row.reported_units))
        for period, numbers, reported in points:
            values: dict[str, Any] = {f.id: numbers.get(f.id) for f in summed}
            own: set[str] = set()
            for f in computed:
                kept = numbers.get(f.id)
                formula = clean_number(parsed[f.id].evaluate(values))
                values[f.id] = kept if _number(kept) else formula
                if _number(kept) and not (_number(formula) and math.isclose(kept, formula, rel_tol=1e-12)):
                    own.add(f.id)
            out.append(TrendRow(item.id, period, values, reported, frozenset(own)))
    return out
