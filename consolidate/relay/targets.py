"""The county's breakdown of the city's targets (目标分解表) as clerks make it: a title row, the
items (序号, 项目, 计量单位, 年度目标) and a merged 目标分解 header over one column per unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import normalise
from ..errors import InputError
from ..kinds.fromtable import analyse, read_table
from ..spec import Item, Spec, UnitSpec
from ..text import Joined, Msg


@dataclass
class Breakdown:
    """Per item of the city's report: each unit's target, by the unit's name as the table writes it."""

    path: Path
    targets: dict[str, dict[str, float]] = field(default_factory=dict)  # item id -> unit name -> target
    units: list[str] = field(default_factory=list)  # the units of the table, in its order
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, text) of rows of no item


def read_breakdown(path: Path, spec: Spec, items: list[Item]) -> Breakdown:
    """The breakdown table at ``path``, its rows matched to ``items`` by 序号, else by the task's text."""
    if not path.is_file():
        raise InputError(Msg("relay.no_targets", file=path))
    grid = read_table(path)
    analysis = analyse(grid.rows, grid.merged)
    if not analysis.unit_columns:
        raise InputError(Msg("relay.targets_no_breakdown", file=path))
    roles = spec.roles
    by_no = {_key(item.values.get(roles.number.id)): item.id for item in items if roles.number is not None}
    by_text = {_key(item.values.get(roles.text.id)): item.id for item in items if roles.text is not None}
    out = Breakdown(path, units=list(analysis.units))
    for row in analysis.items:
        values = row["values"]
        no = _key(values.get("no"))
        text = next((_key(v) for k, v in values.items() if k in ("task", "content", "text") and v), "")
        item_id = by_no.get(no) if no else None
        item_id = item_id or (by_text.get(text) if text else None)
        if item_id is None:
            out.unmatched.append((row["row"], " ".join(str(v) for v in (values.get("no"), text) if v)))
            continue
        numbers: dict[str, float] = {}
        for name, raw in row["per_unit"].items():
            number = _number(raw)
            if number is None:
                raise InputError(Msg("relay.targets_not_number", file=path, row=row["row"], unit=name, value=raw))
            numbers[name] = number
        out.targets[item_id] = numbers
    return out


def unit_codes(breakdown: Breakdown, units: Sequence[UnitSpec]) -> dict[str, str]:
    """The table's unit names → the county's unit codes (by name, or by code)."""
    names = {normalise(u.name): u.code for u in units} | {normalise(u.code): u.code for u in units}
    codes: dict[str, str] = {}
    unknown = []
    for name in breakdown.units:
        code = names.get(normalise(name))
        if code is None:
            unknown.append(name)
        else:
            codes[name] = code
    if unknown:
        raise InputError(
            Msg(
                "relay.targets_unknown_units",
                file=breakdown.path,
                units=Joined(unknown),
                known=Joined(u.name for u in units),
            )
        )
    return codes


def _key(value: Any) -> str:
    return normalise(str(value or "")).rstrip(".．、")


def _number(text: str) -> float | None:
    plain = str(text).replace(",", "").replace("，", "").strip()
    try:
        number = float(plain)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number
