"""``relay``: the county's own report made from the template the city sent it — the same items and
fields, the county's units and its breakdown of the targets, its own title, issuer and deadline —
and the city's report remembered (``upstream:``) so that ``fill`` can write the county's figures back.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import normalise, tidy_number
from ..errors import InputError, SpecError
from ..kinds.init import Taken, given_deadline
from ..periods import refuse_unmerged
from ..periods.store import HISTORY_FILE, History
from ..spec import Item, Spec, UnitSpec, load_spec
from ..spec.build import Locator, build_spec
from ..spec.tables import load_units
from ..text import Msg
from ..write import write_spec_workbook, write_spec_yaml
from .city import CityTemplate, read_city
from .targets import Breakdown, read_breakdown, unit_codes

WORKBOOK = "report.xlsx"
WORKING_DAYS_BEFORE = 3  # the county's deadline, by default: this many working days before the city's


@dataclass
class RelayResult:
    """What ``relay`` wrote and where each of its settings came from."""

    path: Path
    spec: Spec
    city: CityTemplate
    taken: list[Taken] = field(default_factory=list)
    warnings: list[Msg] = field(default_factory=list)
    history: Path | None = None  # the history copied beside the new spec
    backup: Path | None = None  # the spec replaced, kept


def working_days_before(day: dt.date, n: int) -> dt.date:
    """``n`` working days (Monday to Friday) before ``day``."""
    while n > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def relay_report(
    template: str | Path,
    out: str | Path,
    *,
    units: str | Path | None = None,
    targets: str | Path | None = None,
    old_spec: str | Path | None = None,
    deadline: str | None = None,
    issuer: str | None = None,
    title: str | None = None,
    unit_name: str | None = None,
    skip: bool = False,
) -> RelayResult:
    """Make the county's ``report.xlsx`` in ``out`` from the city's ``template``. Relayed again for
    the next period (``old_spec``), the old one's period must have been merged, unless ``skip``
    (see :func:`~consolidate.periods.refuse_unmerged`)."""
    template, out = Path(template), Path(out)
    city = read_city(template)
    old = load_spec(old_spec) if old_spec is not None else None
    old_path = old.path if old is not None else None
    if old is not None and old_path is not None and city.spec.report.period != old.report.period and not skip:
        refuse_unmerged(old, History(old_path.parent / HISTORY_FILE), city.spec.report.period, old_path)
    target_path = _target_file(out, old_path)
    taken: list[Taken] = []
    warnings: list[Msg] = []
    name = unit_name or city.unit_name or (old.upstream.unit_name if old and old.upstream else "")
    if not name:
        raise InputError(Msg("relay.no_unit_name", file=template))
    if not city.embedded:
        city.unit_name = name
    county_units = _units(units, old, taken)
    items = city.spec.items_for(city.unit_code) if city.embedded else list(city.spec.items)
    item_entries, item_warnings = _items(city, items, county_units, targets, old, taken)
    warnings += item_warnings
    report = _report(city, old, title, issuer, deadline, name, taken)
    data: dict[str, Any] = {
        "version": 1,
        "report": report,
        "units": [u.model_dump(mode="json", exclude_defaults=True) for u in county_units],
        "items": item_entries,
        "rows": "fixed",
        "fields": [f.model_dump(mode="json", exclude_defaults=True) for f in city.spec.fields],
        "rules": [r.model_dump(mode="json", exclude_defaults=True) for r in city.spec.rules],
        "upstream": _upstream(city, old, name),
    }
    if old is not None:
        for key, section in (("mail", old.mail), ("smtp", old.smtp), ("imap", old.imap), ("document", old.document)):
            if section is not None:
                data[key] = section.model_dump(mode="json", exclude_defaults=True)
        if old.outliers is not None:
            data["outliers"] = old.outliers.model_dump(mode="json", exclude_defaults=True)
    spec = build_spec(data, _Given(str(template)), out, target_path)
    backup = _keep_old(target_path, old_path)
    out.mkdir(parents=True, exist_ok=True)
    if target_path.suffix.lower() == ".yaml":
        path = write_spec_yaml(spec, target_path)
    else:
        path = write_spec_workbook(spec, target_path)
    history = _carry_history(old_path, out)
    return RelayResult(path, load_spec(path), city, taken, warnings, history, backup)


class _Given(Locator):
    def __init__(self, filename: str) -> None:
        self.filename = filename


def _target_file(out: Path, old_path: Path | None) -> Path:
    """``out/report.xlsx``; the old spec itself when it is in ``out`` (relayed again, in place).
    Any other spec there is not replaced."""
    if old_path is not None and old_path.parent.resolve() == out.resolve():
        return old_path
    for name in (WORKBOOK, "report.yaml"):
        if (out / name).exists():
            raise InputError(Msg("relay.spec_exists", file=out / name))
    return out / WORKBOOK


def _keep_old(target: Path, old_path: Path | None) -> Path | None:
    """The old spec, replaced in place, kept beside as a dated backup."""
    if old_path is None or target != old_path or not target.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = target.with_name(f"{target.name}.{stamp}.bak")
    shutil.copy2(target, backup)
    return backup


def _carry_history(old_path: Path | None, out: Path) -> Path | None:
    """The county's history goes with its report: copied beside the new spec when it is elsewhere."""
    if old_path is None:
        return None
    source, there = old_path.parent / HISTORY_FILE, out / HISTORY_FILE
    if not source.is_file() or there.exists() or source.resolve() == there.resolve():
        return None
    shutil.copy2(source, there)
    return there


def _units(units: str | Path | None, old: Spec | None, taken: list[Taken]) -> list[UnitSpec]:
    if units is not None:
        found, problems = load_units(Path(units))
        if problems:
            raise SpecError(problems)
        taken.append(Taken("units", str(len(found)), Msg("kinds.from.option", option="--units")))
        return found
    if old is not None:
        taken.append(Taken("units", str(len(old.units)), Msg("relay.from.old", file=old.path or "")))
        return list(old.units)
    raise InputError(Msg("relay.no_units"))


def _key(value: Any) -> str:
    return normalise(str(value or "")).rstrip(".．、")


def _items(
    city: CityTemplate,
    items: list[Item],
    units: list[UnitSpec],
    targets: str | Path | None,
    old: Spec | None,
    taken: list[Taken],
) -> tuple[list[dict[str, Any]], list[Msg]]:
    """The county's items: the city's (the county's values of them), each unit's target from the
    breakdown (or the previous period's spec), a warning where the breakdown does not add up."""
    spec = city.spec
    target = spec.roles.target
    codes = [u.code for u in units]
    warnings: list[Msg] = []
    per_item: dict[str, dict[str, Any]] = {}
    if targets is not None:
        breakdown: Breakdown = read_breakdown(Path(targets), spec, items)
        by_name = unit_codes(breakdown, units)
        per_item = {iid: {by_name[n]: v for n, v in row.items()} for iid, row in breakdown.targets.items()}
        for row, text in breakdown.unmatched:
            warnings.append(Msg("relay.targets_unmatched", file=targets, row=row, text=text))
        taken.append(Taken("targets", str(len(per_item)), Msg("kinds.from.option", option="--targets")))
    elif old is not None and target is not None:
        per_item = _old_targets(spec, items, old, target.id)
        if per_item:
            taken.append(Taken("targets", str(len(per_item)), Msg("relay.from.old", file=old.path or "")))
    entries = []
    for item in items:
        values = item.values_for(city.unit_code) if city.embedded else dict(item.values)
        entry: dict[str, Any] = {"id": item.id}
        entry.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()})
        if item.group:
            entry["group"] = item.group
        given = per_item.get(item.id)
        if target is not None and given:
            entry["units"] = [c for c in codes if c in given]
            entry.update({f"{target.id}@{c}": given[c] for c in codes if c in given})
            own = values.get(target.id)
            total = tidy_number(sum(given.values()), 10)
            if isinstance(own, int | float) and abs(total - own) > 1e-9 * max(1.0, abs(own)):
                warnings.append(
                    Msg("relay.target_sum", item=spec.item_label(item), label=target.label, city=own, total=total)
                )
        elif target is not None:
            # The county's figure is no unit's: each unit's template would show it, and the
            # county's summary add it up once per unit. Left empty, and said so.
            entry.pop(target.id, None)
            if targets is not None or per_item:
                warnings.append(Msg("relay.target_missing", item=spec.item_label(item), label=target.label))
        entries.append(entry)
    if target is not None and not per_item:
        warnings.append(Msg("relay.no_breakdown", label=target.label))
    return entries, warnings


def _old_targets(spec: Spec, items: list[Item], old: Spec, target: str) -> dict[str, dict[str, Any]]:
    """The previous period's per-unit targets, item by item (by id, 序号 or task text)."""
    roles, old_roles = spec.roles, old.roles

    def keys(s: Spec, item: Item, r: Any) -> set[str]:
        found = {"id:" + item.id}
        if r.number is not None and item.values.get(r.number.id):
            found.add("no:" + _key(item.values[r.number.id]))
        if r.text is not None and item.values.get(r.text.id):
            found.add("text:" + _key(item.values[r.text.id]))
        return found

    earlier: dict[str, Item] = {}
    for item in old.items:
        for k in keys(old, item, old_roles):
            earlier.setdefault(k, item)
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        match = next((earlier[k] for k in sorted(keys(spec, item, roles)) if k in earlier), None)
        if match is not None and match.per_unit.get(target):
            out[item.id] = dict(match.per_unit[target])
    return out


def _report(
    city: CityTemplate,
    old: Spec | None,
    title: str | None,
    issuer: str | None,
    deadline: str | None,
    name: str,
    taken: list[Taken],
) -> dict[str, Any]:
    spec = city.spec
    period = spec.report.period
    if title:
        taken.append(Taken("title", title, Msg("kinds.from.option", option="--title")))
    else:
        title = city.title or spec.report.title
        taken.append(Taken("title", title, Msg("relay.from.city", file=city.path.name)))
    if issuer:
        taken.append(Taken("issuer", issuer, Msg("kinds.from.option", option="--issuer")))
    elif old is not None and old.report.issuer:
        issuer = old.report.issuer
        taken.append(Taken("issuer", issuer, Msg("relay.from.old", file=old.path or "")))
    else:
        issuer = name
        taken.append(Taken("issuer", issuer, Msg("relay.from.unit_name")))
    taken.append(Taken("period", period, Msg("relay.from.city", file=city.path.name)))
    day: dt.date | None
    if deadline:
        day = given_deadline(deadline)
        taken.append(Taken("deadline", day.isoformat(), Msg("kinds.from.option", option="--deadline")))
    elif spec.report.deadline is not None:
        day = working_days_before(spec.report.deadline, WORKING_DAYS_BEFORE)
        city_day = spec.report.deadline.isoformat()
        taken.append(Taken("deadline", day.isoformat(), Msg("relay.from.city_deadline", day=city_day)))
    else:
        day = None
        taken.append(Taken("deadline", "", Msg("kinds.from.no_deadline")))
    if old is not None:
        report_id = old.report.id
    else:
        base = spec.report.id if city.embedded else f"relay-{period.lower()}"
        code = re.sub(r"[^a-z0-9-]", "", city.unit_code.lower())
        report_id = f"{base}-{code}" if code else base
    report: dict[str, Any] = {
        "id": report_id,
        "title": title,
        "issuer": issuer,
        "period": period,
        "language": spec.report.language,
        "contact": old.report.contact if old is not None else "",
    }
    if day is not None:
        report["deadline"] = day.isoformat()
    return report


def _upstream(city: CityTemplate, old: Spec | None, name: str) -> dict[str, Any]:
    spec = city.spec
    before = old.upstream if old is not None else None
    up: dict[str, Any] = {
        "report_id": spec.report.id if city.embedded else "",
        "period": spec.report.period,
        "title": city.title,
        "issuer": spec.report.issuer,
        "unit_code": city.unit_code,
        "unit_name": name,
        "contact": city.contact or (before.contact if before else ""),
        "phone": city.phone or (before.phone if before else ""),
        "spec_sha256": city.meta.get("spec_sha256", ""),
        "sheet": city.sheet,
        "header_row": city.header_row,
        "columns": city.columns,
        "rows": {k: v for k, v in city.rows.items()},
        "cells": city.cells,
    }
    if spec.report.deadline is not None:
        up["deadline"] = spec.report.deadline.isoformat()
    return {k: v for k, v in up.items() if v not in ("", {}, None)}
