"""Files → raw cells. python-calamine reads .xlsx/.xlsm/.xls/.ods; CSV is decoded by hand.

This layer knows nothing of the spec: it returns every sheet as a grid of raw values (as the
spreadsheet stored them) plus the ``_consolidate`` metadata if the file has it. Anything that
cannot be read becomes a :class:`ReadFailure` with a reason in plain language.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tables import decode_text

META_SHEET = "_consolidate"
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
_SKIP_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass
class RawSheet:
    name: str
    rows: list[list[Any]]  # row 0 is spreadsheet row 1, column 0 is column A
    visible: bool = True

    def cell(self, row: int, col: int) -> Any:
        """Value at 0-based (row, col), or None outside the grid."""
        if 0 <= row < len(self.rows) and 0 <= col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class RawBook:
    path: Path
    name: str  # as shown to the user (relative to the returns folder)
    sha256: str
    modified: dt.datetime
    sheets: list[RawSheet]
    meta: dict[str, str] = field(default_factory=dict)
    received: dt.datetime | None = None  # from the e-mail collector's log, when known

    @property
    def time(self) -> dt.datetime:
        """When the return arrived: the e-mail's time if collected by mail, else the file's."""
        return self.received or self.modified

    @property
    def has_meta(self) -> bool:
        return bool(self.meta.get("report_id"))

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)


@dataclass(frozen=True)
class ReadFailure:
    path: Path
    name: str
    sha256: str
    reason: str


def discover(root: Path) -> Iterator[Path]:
    """Spreadsheet files under ``root`` (a file or a folder, recursive), in a stable order."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not is_junk(path, root):
            yield path


def is_junk(path: Path, root: Path) -> bool:
    """Lock files, OS litter and hidden files are skipped silently."""
    parts = path.relative_to(root).parts
    if any(part == "__MACOSX" or part.startswith(".") for part in parts):
        return True
    name = path.name
    return name.startswith("~$") or name.lower() in _SKIP_NAMES


RECEIVED_LOG = Path(".consolidate") / "received.json"


def received_log(root: Path) -> dict[Path, dt.datetime]:
    """Received times recorded by ``consolidate collect`` in ``ROOT/.consolidate/received.json``.

    Format: ``{"files": {"<path relative to ROOT>": {"received": "<ISO time>", ...}}}``; aware
    times are converted to local time. A missing or damaged log means no times are known.
    """
    path = root / RECEIVED_LOG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["files"].items()
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return {}
    times: dict[Path, dt.datetime] = {}
    for name, entry in entries:
        try:
            when = dt.datetime.fromisoformat(str(entry["received"]))
        except (KeyError, TypeError, ValueError):
            continue
        if when.tzinfo is not None:
            when = when.astimezone().replace(tzinfo=None)
        times[(root / name).resolve()] = when.replace(microsecond=0)
    return times


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_book(path: Path, name: str) -> RawBook | ReadFailure:
    """Read every sheet of a file; never raises for a bad file."""
    try:
        data = path.read_bytes()
        modified = dt.datetime.fromtimestamp(os.stat(path).st_mtime).replace(microsecond=0)
    except OSError as exc:
        return ReadFailure(path, name, "", f"无法打开文件：{exc.strerror or exc}")
    digest = file_sha256(data)
    if not data:
        return ReadFailure(path, name, digest, "文件是空的（0 字节）")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            sheets = [_read_csv(data, path.stem)]
        elif suffix in SPREADSHEET_SUFFIXES:
            sheets = _read_calamine(data)
        else:
            return ReadFailure(path, name, digest, f"不是电子表格文件（{suffix or '无扩展名'}）")
    except Exception as exc:
        return ReadFailure(path, name, digest, f"文件已损坏或格式不对（{type(exc).__name__}: {exc}）")
    meta_sheet = next((s for s in sheets if s.name == META_SHEET), None)
    meta = _meta(meta_sheet) if meta_sheet else {}
    data_sheets = [s for s in sheets if s.name != META_SHEET]
    return RawBook(path, name, digest, modified, data_sheets, meta)


def _read_calamine(data: bytes) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in book.sheets_metadata:
        sheet = book.get_sheet_by_name(meta.name)
        rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
        sheets.append(RawSheet(meta.name, rows, meta.visible == SheetVisibleEnum.Visible))
    return sheets


def _read_csv(data: bytes, name: str) -> RawSheet:
    text = decode_text(data)
    rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text))]
    return RawSheet(name, rows)


def _meta(sheet: RawSheet) -> dict[str, str]:
    meta: dict[str, str] = {}
    parts: list[str] = []
    for row in sheet.rows:
        if len(row) < 2 or not isinstance(row[0], str):
            continue
        key, value = row[0], "" if row[1] is None else str(row[1])
        if key == "spec_json":
            parts.append(value)
        else:
            meta[key] = value
    if parts:
        meta["spec_json"] = "".join(parts)
    return meta
