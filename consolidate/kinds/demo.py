"""``consolidate demo``: a whole worked example in one folder.

It copies a built-in kind, writes the templates, fills them as units would (with openpyxl, the
way a unit's spreadsheet program saves them) including the typical mistakes a clerk meets, then
merges. Everything is deterministic, so the demo's summary is the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import META_SHEET, atomic_output, is_temporary, private_temp
from ..errors import InputError
from ..merge import MergeResult, merge_returns
from ..periods import HISTORY_FILE, moved_spec, previous_values
from ..spec import FieldSpec, Spec, load_spec
from ..text import Msg
from ..write import write_json, write_summary, write_templates
from .init import SPEC_FILES, init_spec


@dataclass
class DemoResult:
    folder: Path
    spec: Path
    templates: list[Path]
    returns: Path
    summary: Path
    json: Path
    result: MergeResult


def fill_template(
    template: Path,
    out: Path,
    rows: Mapping[str, Mapping[str, Any]],
    *,
    contact: str = "",
    phone: str = "",
    keep_metadata: bool = True,
) -> None:
    """Fill a template as a unit would: values by item id (or by row number for open lists).

    Text starting with ``=`` is stored as text, as a spreadsheet program does for a cell typed
    with a leading apostrophe. With ``keep_metadata=False`` the table is pasted into a new
    workbook, the way units often send it back.
    """
    import openpyxl

    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    meta = {str(r[0].value): str(r[1].value) for r in book[META_SHEET].iter_rows(max_col=2)}
    columns = {field_id: letter for letter, field_id in json.loads(meta["columns"]).items()}
    by_item = {item_id: row for row, item_id in json.loads(meta["rows"])}
    first = int(meta["first_data_row"])
    for key, values in rows.items():
        row = by_item.get(key) or (first + int(key) - 1 if key.isdigit() else None)
        if row is None:
            raise KeyError(key)
        for field_id, value in values.items():
            cell = sheet[f"{columns[field_id]}{row}"]
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    sheet["B3"] = contact
    sheet["D3"] = phone
    if keep_metadata:
        with atomic_output(out) as tmp:
            book.save(tmp)
        return
    plain = openpyxl.Workbook()
    target = plain.active
    assert target is not None
    target.title = "Sheet1"
    for source_row in sheet.iter_rows():
        for cell in source_row:
            if cell.value is not None and not (
                isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type == "f"
            ):
                target.cell(row=cell.row, column=cell.column, value=cell.value)
    with atomic_output(out) as tmp:
        plain.save(tmp)


def _plan(spec: Spec, unit_index: int, unit_code: str, scale: float = 1.0) -> dict[str, dict[str, Any]]:
    """Plausible values for one unit, from a generator seeded by the unit code; its texts say the
    period, and the share done times ``scale`` (a month ago: less)."""
    rng = random.Random(unit_code)
    rows: dict[str, dict[str, Any]] = {}
    for item in spec.items_for(unit_code):
        base = item.values_for(unit_code)
        values: dict[str, Any] = {}
        ratio = rng.choice([0.35, 0.55, 0.62, 0.71, 0.8, 0.86, 0.93, 1.02])
        for f in spec.fields:
            if not f.is_input:
                continue
            target = next((v for k, v in base.items() if isinstance(v, int | float)), 100)
            if not f.kind.free_text:
                values[f.id] = f.kind.sample(f, ratio, target, unit_index)
            elif f.required or f.effective_aggregate == "join":
                done = f"截至{_as_of(spec.report.period)}，已完成年度任务的{ratio * scale:.0%}"
                values[f.id] = f"{done}，按计划推进。" if f.required else ""
        rows[item.id] = {k: v for k, v in values.items() if v not in (None, "")}
    return rows


def _as_of(period: str) -> str:
    """A period as the demo's texts say "by then": 2020-08 → 8月底."""
    month = period.partition("-")[2]
    return f"{int(month)}月底" if month.isdigit() else period


def _after_last(spec: Spec, rows: dict[str, dict[str, Any]], last: Mapping[Any, Any]) -> None:
    """A text the template starts from the unit's last one (``prefill: last``) is written on as a
    unit does: this period's line after it."""
    for item, values in rows.items():
        for f in spec.fields:
            before = last.get((item, f.id))
            if f.prefill == "last" and isinstance(before, str) and isinstance(values.get(f.id), str):
                values[f.id] = f"{before}\n{values[f.id]}"


def _first_input(spec: Spec, test: Callable[[FieldSpec], bool]) -> str | None:
    return next((f.id for f in spec.fields if f.is_input and test(f)), None)


def _last_month(spec: Spec, out: Path, history: Path) -> list[Path]:
    """The period before the spec's, merged into the history as the clerk did a month ago: so the
    demo's summary has 上期, 本期新增 and 环比 from its first run (values a little lower)."""
    earlier = moved_spec(spec, -1).spec  # the period, deadline, title and hints of a month ago
    period = earlier.report.period
    made: list[Path] = []
    with private_temp("demo") as scratch:  # a folder of ours: a killed run's is swept by the next
        templates = write_templates(earlier, Path(scratch) / "templates")
        returns = out / f"returns-{period}"
        returns.mkdir(parents=True, exist_ok=True)
        deadline = earlier.report.deadline or dt.date(2025, 1, 1)
        for index, (unit, template) in enumerate(zip(earlier.units, templates, strict=True)):
            rows = _plan(earlier, index, unit.code, 0.8)
            for number, values in enumerate(rows.values()):
                for f in earlier.fields:
                    if f.cumulative and isinstance(values.get(f.id), int | float):
                        # Higher last month in one row of the eleventh unit: W-CUMULATIVE-DECREASED now.
                        values[f.id] = round(values[f.id] * (1.2 if index == 10 and number == 0 else 0.8))
            target = returns / template.name
            fill_template(template, target, rows, contact=unit.contact, phone=unit.phone)
            _touch(target, dt.datetime.combine(deadline, dt.time(9, 0)) - dt.timedelta(days=1))
            made.append(target)
    merge_returns(earlier, [returns], history=history, record_history=True).record_history()
    return made


# What the demo makes in its folder, and the list of the files it made there (so that a rebuild
# with ``force`` removes those and nothing else).
DEMO_PARTS = ("spec", "templates", "returns", "summary.xlsx", "summary.json")  # + returns-<last period>
MANIFEST = ".consolidate-demo.json"


def build_demo(folder: str | Path, kind: str = "livelihood", *, force: bool = False) -> DemoResult:
    """The whole flow on a built-in kind in ``folder``, which must be empty (or not there yet).

    With ``force`` a folder holding other things is used too: the files an earlier demo made
    there (its :data:`MANIFEST` lists them) are replaced, everything else is left alone, and a
    demo part (``returns/``...) that holds anything the demo did not make stops it.
    """
    out = Path(folder)
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise InputError(Msg("kinds.demo_not_empty", folder=out))
        _clear_earlier_demo(out)
    made: list[Path] = []
    spec_path = init_spec(out / "spec", kind)
    made += [out / "spec" / name for name in SPEC_FILES]
    _record(out, made)
    spec = load_spec(spec_path)
    history = out / "spec" / HISTORY_FILE
    if any(f.cumulative for f in spec.fields):
        made += _last_month(spec, out, history)
        made.append(history)
        _record(out, made)
    previous = previous_values(spec, history)
    templates = write_templates(spec, out / "templates", previous=previous)
    made += templates
    _record(out, made)
    returns = out / "returns"
    returns.mkdir(parents=True, exist_ok=True)
    deadline = spec.report.deadline or dt.date(2025, 1, 1)
    number = _first_input(spec, lambda f: f.is_numeric and not f.kind.fraction)
    choice = _first_input(spec, lambda f: f.kind.few_values)
    text = _first_input(spec, lambda f: f.kind.free_text and f.required)
    for index, (unit, template) in enumerate(zip(spec.units, templates, strict=True)):
        if index == len(spec.units) - 1:
            break  # the last unit has not returned yet
        rows = _plan(spec, index, unit.code)
        _after_last(spec, rows, (previous or {}).get(unit.code, {}))
        first_item = next(iter(rows), None)
        keep = True
        if first_item is not None:
            first = rows[first_item]
            if index == 0 and number:
                first[number] = f"{first.get(number, 1234):,}"
            if index == 1 and number:
                first[number] = str(first.get(number, 0)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            if index == 2 and text:
                first[text] = None  # the text the template started from deleted, nothing written
            if index == 11 and text:
                first.pop(text, None)  # sent back as the template started it: last month's text
            if index == 3 and choice:
                first[choice] = "良好"
            if index == 4 and number:
                first[number] = "约2万"
            if index == 5 and number and isinstance(first.get(number), int):
                first[number] = first[number] * 3
            if index == 6 and text:
                first[text] = "=见附件（已另行报送）"
            keep = index != 7
        contact = unit.contact or "张三"
        target = returns / template.name
        if index == 7:
            target = returns / f"{unit.name}.xlsx"
        fill_template(template, target, rows, contact=contact, phone=unit.phone or "0576-87000000", keep_metadata=keep)
        when = dt.datetime.combine(deadline, dt.time(9, 30)) - dt.timedelta(days=len(spec.units) - index)
        if index == 8:
            older = returns / f"{template.stem}（旧）.xlsx"
            fill_template(template, older, _plan(spec, index, unit.code + "-old"), contact=contact)
            _touch(older, when - dt.timedelta(days=2))
        if index == 9:
            when = dt.datetime.combine(deadline, dt.time(10, 0)) + dt.timedelta(days=2)
        _touch(target, when)
    (returns / f"~${templates[0].name}").write_bytes(b"lock")
    (returns / ".DS_Store").write_bytes(b"\0")
    made += sorted(returns.iterdir())
    made.append(history)  # recorded in it below (made by _last_month, or now)
    _record(out, made)
    result = merge_returns(spec, [returns], history=history, record_history=True)
    summary = write_summary(result, out / "summary.xlsx")
    json_path = write_json(result, out / "summary.json")
    _record(out, [*made, summary, json_path])
    return DemoResult(out, spec_path, templates, returns, summary, json_path, result)


def _record(out: Path, made: list[Path]) -> None:
    """Note what the demo has made so far (after each step: a run cut short is known too)."""
    names = sorted({p.relative_to(out).as_posix() for p in made})
    with atomic_output(out / MANIFEST) as tmp:
        Path(tmp).write_text(json.dumps({"made": names}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _clear_earlier_demo(out: Path) -> None:
    """Remove what an earlier demo made in ``out``, after checking that its parts hold nothing
    else (our own temporaries aside); refuse, naming the first stranger, when they do."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["made"]
        made = {str(name) for name in listed if isinstance(name, str)}
    except (OSError, ValueError, KeyError, TypeError):
        made = set()
    # The last period's returns folder (returns-2020-07...) is named by the spec's period.
    parts = [*DEMO_PARTS, *sorted({name.split("/")[0] for name in made if name.startswith("returns-")})]
    ours: list[Path] = []
    for part in parts:
        top = out / part
        if not top.exists() and not top.is_symlink():
            continue
        found = [top] if top.is_symlink() or not top.is_dir() else sorted(top.rglob("*"))
        for path in found:
            name = path.relative_to(out).as_posix()
            if path.is_dir() and not path.is_symlink():
                continue
            if name not in made and not is_temporary(path.name):
                raise InputError(Msg("kinds.demo_not_ours", path=path, folder=out))
            ours.append(path)
    for path in ours:
        path.unlink()
    for part in parts:
        top = out / part
        if top.is_dir() and not top.is_symlink():
            for folder in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
                folder.rmdir()
            top.rmdir()


def _touch(path: Path, when: dt.datetime) -> None:
    """Give a demo return a fixed save time (docProps) and file time, as if saved then.

    openpyxl stamps the save time with the clock; duplicates are ordered by it, so the demo sets
    it to keep the older version older whatever the clock said.
    """
    saved = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(path)
    members = [(info, source.read(info)) for info in source.infolist()]
    source.close()
    with atomic_output(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in members:
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + saved + rb"\g<2>", content)
            target.writestr(info, content)
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
