"""Golden files: the built-in example's outputs compared by content with files under tests/golden/.

- ``template_LS.json``, ``template_TC.json``: every sheet of the templates that ``write_templates``
  makes from ``samples/spec/report.yaml`` for 兰山区 (4 items) and 郯城县 (7 items): cell values and
  formulas, the very-hidden ``_consolidate`` sheet (its packed spec unpacked into
  ``templates.json``), and for the data sheet number formats, locked cells, fills, data
  validations, protection, column widths and print setup.
- ``templates.json``: the names of all 13 templates and the spec they all embed.
- ``summary.json``: ``write_json`` of merging a copy of ``samples/returns`` (file times fixed, since
  收到时间 and 逾期 come from them) with ``samples/spec``.
- ``summary_sheets.json``: the 报送情况 and 说明 sheets of the summary workbook.

Normalised: the tool version (工具版本) and the inputs' sha256 in 说明 (checked against the files
here, then written as ``<sha256 checked>``: ``consolidate demo`` writes different bytes each time).

After an intended change, rewrite the golden files and review the diff::

    UPDATE_GOLDEN=1 PYTHONPATH=. python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import hashlib
import json
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidate.merge import MergeResult, merge_returns
from consolidate.spec import load_spec
from consolidate.write import write_json, write_summary, write_templates

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).with_name("golden")
REPRESENTATIVE = {"LS": "兰山区", "TC": "郯城县"}
PACKED = "<packed spec: see templates.json>"

# When each return arrived, as `consolidate demo` dates them (deadline 2020-08-31): 蒙阴县 is late,
# 费县's older copy is older. Anything else (the ~$ lock file, .DS_Store) gets DEFAULT_TIME.
RECEIVED = {
    "兰山区": "2020-08-18 09:30",
    "罗庄区": "2020-08-19 09:30",
    "河东区": "2020-08-20 09:30",
    "郯城县": "2020-08-21 09:30",
    "兰陵县": "2020-08-22 09:30",
    "沂水县": "2020-08-23 09:30",
    "沂南县": "2020-08-24 09:30",
    "平邑县": "2020-08-25 09:30",
    "费县": "2020-08-26 09:30",
    "费县（旧）": "2020-08-24 09:30",
    "蒙阴县": "2020-09-02 10:00",
    "莒南县": "2020-08-28 09:30",
    "临沭县": "2020-08-29 09:30",
}
DEFAULT_TIME = "2020-08-17 08:00"


# ---------------------------------------------------------------------------------------------
# Golden files: compact JSON, compared parsed


def dump(value: Any, indent: str = "") -> str:
    """JSON with short lists and objects on one line: readable diffs, the same text every run."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict | list) or len(flat) + len(indent) <= 110:
        return flat
    if all(_flat(v) for v in (value.values() if isinstance(value, dict) else value)):
        return flat  # a row (of cells, of a table) stays one line, however long
    inner = indent + "  "
    if isinstance(value, list):
        items = [inner + dump(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dump(v, inner)}" for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + indent + "}"


def _flat(value: Any) -> bool:
    """A scalar, or a one-key object around one (a cell's {"datetime": ...} or {"text": ...})."""
    if isinstance(value, dict):
        return len(value) == 1 and all(not isinstance(v, dict | list) for v in value.values())
    return not isinstance(value, list)


def check_golden(name: str, actual: Any) -> None:
    path = GOLDEN / name
    text = dump(actual) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: UPDATE_GOLDEN=1 pytest tests/test_golden.py writes it"
    expected = json.loads(path.read_text(encoding="utf-8"))
    if json.loads(text) != expected:
        diff = difflib.unified_diff(
            (dump(expected) + "\n").splitlines(), text.splitlines(), f"tests/golden/{name}", "now", lineterm="", n=1
        )
        lines = list(diff)
        shown = "\n".join(lines[:120]) + (f"\n... {len(lines) - 120} more lines" if len(lines) > 120 else "")
        pytest.fail(
            f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it if intended):\n{shown}", pytrace=False
        )


# ---------------------------------------------------------------------------------------------
# Workbooks as content


def cell_value(cell: Any) -> Any:
    """A cell as JSON: a formula as "=...", a text starting with "=" as {"text": ...}, a time as {"datetime": ...}."""
    value = cell.value
    if isinstance(value, str) and value.startswith("=") and cell.data_type != "f":
        return {"text": value}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {"datetime": value.isoformat()}
    return value


def sheet_rows(ws: Any) -> dict[str, list[Any]]:
    """Non-empty rows by number, each from column A to its last non-empty cell."""
    rows: dict[str, list[Any]] = {}
    for row in ws.iter_rows():
        values = [cell_value(c) for c in row]
        while values and values[-1] is None:
            values.pop()
        if values:
            rows[str(row[0].row)] = values
    return rows


def _fill(cell: Any) -> str:
    fill = cell.fill
    if fill is None or fill.fill_type is None:
        return ""
    return " #" + str(fill.fgColor.rgb)[-6:]


def data_sheet_setup(ws: Any) -> dict[str, Any]:
    """What a clerk meets besides the values: formats, locking, drop-downs, protection, printing."""
    styles = {
        str(row[0].row): [f"{'locked' if c.protection.locked else 'open'} {c.number_format}{_fill(c)}" for c in row]
        for row in ws.iter_rows()
    }
    validations = [
        {
            "cells": str(v.sqref),
            "type": v.type,
            "operator": v.operator,
            "formula1": v.formula1,
            "formula2": v.formula2,
            "allow_blank": v.allowBlank,
            "prompt": [v.promptTitle, v.prompt],
            "error": [v.errorTitle, v.error],
        }
        for v in sorted(ws.data_validations.dataValidation, key=lambda v: str(v.sqref))
    ]
    protection = ws.protection
    setup = ws.page_setup
    return {
        "styles": styles,
        "validations": validations,
        "protection": {
            k: getattr(protection, k)
            for k in ("sheet", "formatColumns", "formatRows", "selectLockedCells", "selectUnlockedCells", "password")
        },
        "widths": {k: round(d.width, 2) for k, d in sorted(ws.column_dimensions.items()) if d.width},
        "print": {
            "orientation": setup.orientation,
            "paper": setup.paperSize,
            "fit": [ws.sheet_properties.pageSetUpPr.fitToPage, setup.fitToWidth, setup.fitToHeight],
            "title_rows": ws.print_title_rows,
            "freeze": ws.freeze_panes,
        },
    }


def unpack(packed: str) -> Any:
    return json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))


def template_content(path: Path) -> tuple[dict[str, Any], Any]:
    """(the template's sheets as content, the spec it embeds)."""
    book = openpyxl.load_workbook(path)
    meta_sheet = book["_consolidate"]
    meta = {str(r[0]): r[1] for r in meta_sheet.iter_rows(values_only=True) if r[0] is not None}
    packed = [k for k in meta if k.startswith("spec_json_z")]
    assert packed == ["spec_json_z"] and meta["spec_json_parts"] == "1", meta.keys()
    embedded = unpack(meta["spec_json_z"])
    sheets: dict[str, Any] = {}
    for ws in book.worksheets:
        rows = sheet_rows(ws)
        if ws.title == "_consolidate":
            rows = {n: [PACKED if v == meta["spec_json_z"] else v for v in row] for n, row in rows.items()}
        content: dict[str, Any] = {"state": ws.sheet_state, "protected": ws.protection.sheet}
        content["merged"] = sorted(str(r) for r in ws.merged_cells.ranges)
        content["rows"] = rows
        if ws.title == meta["data_sheet"]:
            content.update(data_sheet_setup(ws))
        sheets[ws.title] = content
    return {"file": path.name, "sheets": sheets}, embedded


def workbook_sheets(path: Path, names: tuple[str, ...]) -> dict[str, dict[str, list[Any]]]:
    book = openpyxl.load_workbook(path)
    return {name: sheet_rows(book[name]) for name in names}


# ---------------------------------------------------------------------------------------------
# The example merged


def fixed_time(path: Path) -> float:
    key = path.stem.rsplit("_", 1)[-1]
    when = RECEIVED.get(key, DEFAULT_TIME) if not path.name.startswith("~$") else DEFAULT_TIME
    return dt.datetime.strptime(when, "%Y-%m-%d %H:%M").timestamp()


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[MergeResult, dict[str, str], Path]:
    """The merge of a copy of samples/returns with fixed file times, and each input's sha256."""
    returns = tmp_path_factory.mktemp("golden") / "returns"
    shutil.copytree(SAMPLES / "returns", returns)
    hashes = {}
    for path in returns.iterdir():
        stamp = fixed_time(path)
        os.utime(path, (stamp, stamp))
        hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    result = merge_returns(load_spec(SAMPLES / "spec" / "report.yaml"), [returns], workers=1)
    return result, hashes, returns.parent


def normalise_about(key: Any, value: Any, hashes: dict[str, str]) -> Any:
    """工具版本 without the version; an input's sha256, once checked, as a placeholder."""
    if key in ("工具版本", "Tool version") and str(value).startswith("consolidate "):
        return "consolidate <version>"
    if key in hashes and value == hashes[key]:
        return "<sha256 checked>"
    return value


# ---------------------------------------------------------------------------------------------
# The tests


def test_templates(tmp_path: Path) -> None:
    spec = load_spec(SAMPLES / "spec" / "report.yaml")
    paths = write_templates(spec, tmp_path / "templates")
    assert len(paths) == len(spec.units) == 13
    embedded = []
    by_code = {}
    for path in paths:
        content, spec_json = template_content(path)
        embedded.append(spec_json)
        meta = content["sheets"]["_consolidate"]["rows"].values()
        by_code[next(row[1] for row in meta if row[0] == "unit_code")] = content
    assert all(e == embedded[0] for e in embedded), "every template embeds the same spec"
    check_golden("templates.json", {"files": sorted(p.name for p in paths), "embedded_spec": embedded[0]})
    for code, name in REPRESENTATIVE.items():
        assert by_code[code]["file"].endswith(f"_{name}.xlsx")
        check_golden(f"template_{code}.json", by_code[code])


def test_summary_json(merged: tuple[MergeResult, dict[str, str], Path]) -> None:
    result, hashes, folder = merged
    data = json.loads(write_json(result, folder / "summary.json").read_text(encoding="utf-8"))
    data["about"] = [{**row, "value": normalise_about(row["key"], row["value"], hashes)} for row in data["about"]]
    assert str(folder) not in json.dumps(data, ensure_ascii=False)
    check_golden("summary.json", data)


def test_summary_sheets(merged: tuple[MergeResult, dict[str, str], Path]) -> None:
    result, hashes, folder = merged
    sheets = workbook_sheets(write_summary(result, folder / "summary.xlsx"), ("报送情况", "说明"))
    sheets["说明"] = {
        n: [row[0], normalise_about(row[0], row[1], hashes), *row[2:]] if len(row) > 1 else row
        for n, row in sheets["说明"].items()
    }
    check_golden("summary_sheets.json", sheets)


def test_fixed_times_cover_every_return() -> None:
    tails = {p.stem.rsplit("_", 1)[-1] for p in (SAMPLES / "returns").glob("*.xlsx") if not p.name.startswith("~$")}
    assert tails == set(RECEIVED)
