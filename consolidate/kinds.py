"""Built-in report kinds (``templates/`` in the repo) and ``init``: a spec to start from."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

from .errors import InputError
from .items import ITEM_UNITS_KEYS, split_units
from .recognise import header_keys
from .spec import Spec, load_spec, normalise
from .tables import read_table

SPEC_FILES = ("report.yaml", "units.csv", "items.csv")


def kinds_dir() -> Path:
    """Installed wheels carry the kinds inside the package; a source checkout has ``templates/``."""
    packaged = Path(__file__).parent / "kinds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def list_kinds() -> list[str]:
    root = kinds_dir()
    return sorted(p.name for p in root.iterdir() if (p / "report.yaml").is_file()) if root.is_dir() else []


def kind_path(kind: str) -> Path:
    path = kinds_dir() / kind
    if not (path / "report.yaml").is_file():
        raise InputError(f"没有这种报表类型：{kind}；可用：{', '.join(list_kinds())} (unknown kind)")
    return path


def init_spec(target: str | Path, kind: str, from_table: str | Path | None = None, force: bool = False) -> Path:
    """Copy a built-in kind into ``target``; with ``from_table`` its items and units come from it."""
    out = Path(target)
    source = kind_path(kind)
    existing = [name for name in SPEC_FILES if (out / name).exists()]
    if existing and not force:
        raise InputError(f"{out} 中已有 {', '.join(existing)}；用 --force 覆盖 (already exists; use --force)")
    out.mkdir(parents=True, exist_ok=True)
    for name in SPEC_FILES:
        shutil.copyfile(source / name, out / name)
    if from_table is not None:
        spec = load_spec(source / "report.yaml")
        items_csv, units_csv = items_from_table(Path(from_table), spec)
        (out / "items.csv").write_text(items_csv, encoding="utf-8")
        (out / "units.csv").write_text(units_csv, encoding="utf-8")
    load_spec(out / "report.yaml")
    return out / "report.yaml"


def items_from_table(path: Path, spec: Spec) -> tuple[str, str]:
    """Turn an existing task table (序号 / 任务 / 责任单位 ...) into items.csv and units.csv text."""
    try:
        rows = read_table(path)
    except Exception as exc:
        raise InputError(f"{path}: 无法读取 (cannot read): {exc}") from None
    item_fields = [f for f in spec.fields if f.source == "item"]
    unit_keys = {normalise(k) for k in ITEM_UNITS_KEYS}
    best: tuple[int, dict[str, int], int | None] | None = None
    for index, (_, row) in enumerate(rows[:30]):
        columns: dict[str, int] = {}
        unit_col: int | None = None
        for c, value in enumerate(row):
            label = normalise(str(value or ""))
            if not label:
                continue
            if label in unit_keys and unit_col is None:
                unit_col = c
                continue
            for f in item_fields:
                if f.id not in columns and label in header_keys(f):
                    columns[f.id] = c
                    break
        score = len(columns) + (unit_col is not None)
        if best is None or score > len(best[1]) + (best[2] is not None):
            best = (index, columns, unit_col)
    if best is None or len(best[1]) < 1:
        labels = "、".join(f.label for f in item_fields)
        raise InputError(f"{path}: 找不到表头（需要的列：{labels}、责任单位）(no header found)")
    header_index, columns, unit_col = best
    unit_names: list[str] = []
    items: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for _, row in rows[header_index + 1 :]:
        values = {fid: _text(row, c) for fid, c in columns.items()}
        if not any(values.values()):
            continue
        # Merged cells (a group heading spanning rows) arrive as blanks: carry the value down.
        for fid in columns:
            if not values[fid] and fid != "no":
                values[fid] = last.get(fid, "")
        names = split_units(_text(row, unit_col)) if unit_col is not None else []
        for name in names:
            if name not in unit_names:
                unit_names.append(name)
        items.append({"id": f"T{len(items) + 1:02d}", **values, "units": "、".join(names)})
        last = values
    codes = {name: f"U{i + 1:02d}" for i, name in enumerate(unit_names)}
    units_out = io.StringIO()
    writer = csv.writer(units_out, lineterminator="\n")
    writer.writerow(["code", "name", "email", "contact", "phone"])
    for name, code in codes.items():
        writer.writerow([code, name, "", "", ""])
    items_out = io.StringIO()
    writer = csv.writer(items_out, lineterminator="\n")
    header = ["id", *columns, "units"]
    writer.writerow(header)
    for item in items:
        writer.writerow([item.get(k, "") for k in header])
    return items_out.getvalue(), units_out.getvalue()


def _text(row: list[Any], col: int | None) -> str:
    if col is None or col >= len(row) or row[col] is None:
        return ""
    value = row[col]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
