"""Items as a spec gives them, inline or in a table: values, units, per-unit targets.

One function, :func:`build_item`, turns a mapping (a YAML entry or a table row) into an
:class:`~.model.Item`, resolving unit codes and names and reporting each problem with the place
it came from. Values are read by their field's type, as the cells of a return are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..common import close_matches, normalise, number_text, shown
from ..errors import SpecProblem
from ..text import LANGS, Joined, Msg
from .model import FieldSpec, Item, UnitSpec

ITEM_UNITS_KEYS = ("units", "单位", "应报单位", "责任单位", "责任科室", "牵头单位", "填报单位")
ITEM_ID_KEYS = ("id", "编号", "事项编号")
ITEM_GROUP_KEYS = ("group", "分组")
_SPLIT = re.compile(r"[、,，;；/\n\r]+")


_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)])")
_BARE_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]?|[（(]\s*[一二三四五六七八九十]+\s*[）)])\s*$")
_NOT_WORDS = re.compile(r"[\W_]+")


def is_heading(text: str) -> bool:
    """A group heading as clerks number them: 一、… or （一）…"""
    return bool(_NUMBERING.match(text))


def is_numbering(text: str) -> bool:
    """Only the number of a heading (一、 or （二）), its words in the next cell."""
    return bool(_BARE_NUMBERING.match(text))


def heading_key(text: str) -> str:
    """A group heading compared loosely: without its number, punctuation and spaces."""
    return _NOT_WORDS.sub("", _NUMBERING.sub("", str(text))).lower()


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


_last_codes: tuple[Sequence[UnitSpec], tuple[str, ...]] | None = None


def _every_code(units: Sequence[UnitSpec]) -> tuple[str, ...]:
    """Every unit's code, in order, built once per unit list."""
    global _last_codes
    if _last_codes is None or _last_codes[0] is not units:
        _last_codes = (units, tuple(u.code for u in units))
    return _last_codes[1]


_last_fields: tuple[Sequence[FieldSpec], tuple[dict[str, FieldSpec], dict[str, FieldSpec], set[str]]] | None = None


def _field_index(fields: Sequence[FieldSpec]) -> tuple[dict[str, FieldSpec], dict[str, FieldSpec], set[str]]:
    """Fields by id, by label or heading (normalised), and the item fields' ids: built once per
    field list, not once per item (10,000 fields x 40 items)."""
    global _last_fields
    if _last_fields is None or _last_fields[0] is not fields:
        by_id = {f.id: f for f in fields}
        by_label = {normalise(f.label): f for f in fields} | {
            normalise(f.heading(lang)): f for f in fields for lang in LANGS
        }
        _last_fields = (fields, (by_id, by_label, {f.id for f in fields if f.source == "item"}))
    return _last_fields[1]


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

    def problem(key: str, message: Msg) -> None:
        file, line = where(key)
        problems.append(SpecProblem(file, line, key, message))

    by_id, by_label, item_fields = _field_index(fields)
    item_id = ""
    group = ""
    values: dict[str, Any] = {}
    unit_tokens: list[str] = []
    per_unit: dict[str, dict[str, Any]] = {}
    for key, value in entry.items():
        key_s = str(key).strip()
        if key_s in ITEM_ID_KEYS:
            item_id = "" if value is None else number_text(value).strip()
            continue
        if key_s in ITEM_GROUP_KEYS:
            group = "" if value is None else str(value).strip()
            continue
        if key_s in ITEM_UNITS_KEYS:
            if isinstance(value, list):
                unit_tokens += [str(v).strip() for v in value if str(v).strip()]
            elif value is not None:
                unit_tokens += split_units(str(value))
            continue
        target_field, unit_token = _split_per_unit_key(key_s, by_id, by_label, units)
        if target_field is None:
            matches = close_matches(key_s, sorted(item_fields | set(ITEM_ID_KEYS[:1]) | {"units"}))
            hint = Msg("spec.did_you_mean", name=matches[0]) if matches else ""
            problem(key_s, Msg("spec.item_unknown_key", key=key_s, hint=hint))
            continue
        if target_field.source != "item":
            problem(key_s, Msg("spec.item_not_item_field", field=target_field.id))
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
    assigned: set[str] = set()  # the codes listed so far: an item may name 50,000 units
    for token in unit_tokens:
        code = resolve_unit(token, units)
        parts = [resolve_unit(part, units) for part in token.split()] if code is None else [code]
        if None in parts or not parts:
            # Units separated by spaces ("JWK YZK") are accepted only when every part is a unit.
            problem("units", Msg("spec.item_unknown_unit", item=item_id, unit=token, hint=_did_you_mean(token, units)))
            continue
        for part in parts:
            if part is not None and part not in assigned:
                codes.append(part)
                assigned.add(part)
    resolved_per_unit: dict[str, dict[str, Any]] = {}
    for field_id, by_unit in per_unit.items():
        for token, value in by_unit.items():
            code = resolve_unit(token, units)
            if code is None:
                hint = _did_you_mean(token, units)
                problem(
                    field_id, Msg("spec.item_per_unit_unknown", item=item_id, field=field_id, unit=token, hint=hint)
                )
                continue
            resolved_per_unit.setdefault(field_id, {})[code] = value
            if unit_tokens and code not in assigned:
                problem(field_id, Msg("spec.item_per_unit_not_assigned", item=item_id, field=field_id, unit=token))
    if not unit_tokens:
        with_values = [c for by_unit in resolved_per_unit.values() for c in by_unit]
        codes = list(dict.fromkeys(with_values)) if with_values else list(_every_code(units))
    for field_id, value in list(values.items()):
        coerced, error = _coerce_item_value(by_id[field_id], value)
        if error:
            problem(field_id, Msg("spec.item_value", item=item_id, label=by_id[field_id].label, error=error))
        values[field_id] = coerced
    for field_id, by_unit in resolved_per_unit.items():
        for code, value in list(by_unit.items()):
            coerced, error = _coerce_item_value(by_id[field_id], value)
            if error:
                label = by_id[field_id].label
                problem(field_id, Msg("spec.item_unit_value", item=item_id, unit=code, label=label, error=error))
            by_unit[code] = coerced
    every = _every_code(units)
    # Items for every unit share one tuple of codes (40 items x 50,000 units, built once).
    shared = every if len(codes) == len(every) and tuple(codes) == every else tuple(codes)
    return Item(item_id, values, shared, resolved_per_unit, group), problems


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


def _coerce_item_value(spec_field: FieldSpec, value: Any) -> tuple[Any, Msg | None]:
    """A value given in the spec, read by its field's type: numbers as numbers, the rest as text."""
    if value is None or value == "":
        return None, None
    if spec_field.is_numeric:
        result = spec_field.kind.coerce(value, spec_field)
        if result.error:
            return value, Msg("spec.item_not_number", value=shown(value))
        return result.value, None
    return shown(value), None


def _did_you_mean(token: str, units: Sequence[UnitSpec]) -> Msg | str:
    names = [u.name for u in units] + [u.code for u in units]
    matches = close_matches(token, names, n=2, cutoff=0.4)
    return Msg("spec.did_you_mean_units", names=Joined(matches)) if matches else ""
