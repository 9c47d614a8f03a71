"""Sources → raw cells, whatever the unit sent.

This layer knows nothing of the spec: it returns every sheet as a grid of raw values (as the
spreadsheet stored them) plus the ``_consolidate`` metadata if the file has it. The file's real
format is taken from its bytes, not its name; python-calamine reads .xlsx/.xlsm/.xls/.ods (after
:mod:`consolidate.ooxml` has checked an .xlsx is safe to hand over), CSV is decoded here, and
encrypted files are opened with msoffcrypto-tool when a password is known. Anything that cannot
be read becomes one :class:`ReadFailure` with a reason in plain language; nothing raises.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import guards, ooxml
from .sources import Source
from .spec import unpack_spec
from .tables import decode_text

META_SHEET = "_consolidate"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel encrypts "read-only recommended" .xls files with this well-known password.
DEFAULT_PASSWORDS = ("VelvetSweatshop",)


@dataclass
class RawSheet:
    name: str
    rows: list[list[Any]]  # row 0 is spreadsheet row 1, column 0 is column A
    visible: bool = True
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    formulas: dict[str, str] = field(default_factory=dict)  # A1 -> formula without a stored value
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    stray: list[tuple[str, Any]] = field(default_factory=list)  # cells too far away to grid

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
    modified: dt.datetime  # the file's time (or the archive member's)
    sheets: list[RawSheet]
    meta: dict[str, str] = field(default_factory=dict)
    saved: dt.datetime | None = None  # the workbook's own save time (docProps), when it has one
    received: dt.datetime | None = None  # from the e-mail collector's log, when known
    notes: list[str] = field(default_factory=list)  # how the file had to be opened (decrypted...)

    @property
    def time(self) -> dt.datetime:
        """When the return arrived: the e-mail's time if collected by mail, else the file's."""
        return self.received or self.modified

    @property
    def order(self) -> tuple[dt.datetime, dt.datetime, str]:
        """Newest first among duplicates: e-mail time, else own save time, then file time."""
        return (self.received or self.saved or self.modified, self.modified, self.name)

    @property
    def stem(self) -> str:
        return Path(self.name).stem

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

    @property
    def stem(self) -> str:
        return Path(self.name).stem


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


class _Unreadable(Exception):
    """Raised inside this module only; becomes a ReadFailure."""


def read_book(source: Source, passwords: Sequence[str] = ()) -> RawBook | ReadFailure:
    """Read every sheet of a source; never raises for a bad file."""
    try:
        data = source.read()
    except OSError as exc:
        return ReadFailure(source.path, source.name, "", f"无法打开文件：{exc.strerror or exc}")
    digest = file_sha256(data)
    try:
        book = _read(data, source, passwords)
    except _Unreadable as exc:
        return ReadFailure(source.path, source.name, digest, str(exc))
    except MemoryError:
        return ReadFailure(source.path, source.name, digest, "文件过大，内存不足以读取")
    except Exception as exc:
        return ReadFailure(source.path, source.name, digest, f"文件已损坏或格式不对（{type(exc).__name__}: {exc}）")
    book.sha256 = digest
    return book


def _read(data: bytes, source: Source, passwords: Sequence[str]) -> RawBook:
    if not data:
        raise _Unreadable("文件是空的（0 字节）")
    notes: list[str] = []
    kind = sniff(data, source.suffix)
    if kind == "encrypted":
        data = _decrypt(data, passwords)
        notes.append("已用密码解密")
        kind = sniff(data, source.suffix)
    saved: dt.datetime | None = None
    if kind == "xlsx":
        sheets, saved = _read_xlsx(data)
    elif kind in ("xls", "ods"):
        try:
            guards.check_ods(data) if kind == "ods" else guards.check_xls(_xls_stream(data))
        except ooxml.PackageError as exc:
            raise _Unreadable(str(exc)) from None
        sheets = _read_calamine(data, {})
    elif kind == "csv":
        sheets = [_read_csv(data, source.stem)]
    else:
        raise _Unreadable(_NOT_A_SPREADSHEET.get(kind, f"不是电子表格文件（{source.suffix or '无扩展名'}）"))
    meta_sheet = next((s for s in sheets if s.name == META_SHEET), None)
    meta = _meta(meta_sheet) if meta_sheet else {}
    data_sheets = [s for s in sheets if s.name != META_SHEET]
    return RawBook(source.path, source.name, "", source.modified, data_sheets, meta, saved, notes=notes)


_NOT_A_SPREADSHEET = {
    "docx": "这是 Word 文档（.docx），不是 Excel 表格；请对方把表格填在下发的 Excel 模板里",
    "doc": "这是 Word 文档（.doc），不是 Excel 表格；请对方把表格填在下发的 Excel 模板里",
    "pptx": "这是 PowerPoint 文件，不是 Excel 表格",
    "pdf": "这是 PDF 文件，无法读取其中的数字；请对方发送 Excel 文件",
    "html": "这是网页（HTML）文件，只是扩展名为 .xls；请对方用 Excel/WPS 打开后另存为 .xlsx",
    "xml2003": "这是 Excel 2003 XML 表格；请对方用 Excel/WPS 打开后另存为 .xlsx",
    "zip": "这是一个压缩包而不是 Excel 文件；请把扩展名改为 .zip 后再放入文件夹",
    "text": "这是文本文件，只是扩展名像 Excel 表格；请对方发送真正的 Excel 文件",
    "ole": "无法识别的 Office 文件（不是 Excel 表格）",
}


def sniff(data: bytes, suffix: str) -> str:
    """The file's real kind from its first bytes (units rename files, and programs lie)."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        import zipfile

        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _Unreadable("文件不完整或已损坏（可能没有下载完整，或在传输中被截断）") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        if "word/document.xml" in names:
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        return "zip"
    if data[:8] == OLE_MAGIC:
        return _sniff_ole(data)
    if data[:5] == b"%PDF-":
        return "pdf"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
            return "xml2003"
        if b"<html" in head or b"<table" in head or b"<!doctype html" in head:
            return "html"
    if suffix in (".csv", ".txt"):
        return "csv"
    return "text"


def _sniff_ole(data: bytes) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError:
        raise _Unreadable("文件不完整或已损坏（Office 文件结构有误）") from None
    if ole.exists("EncryptionInfo"):
        return "encrypted"
    if ole.exists("Workbook") or ole.exists("Book"):
        from msoffcrypto.format.xls97 import Xls97File

        try:
            if Xls97File(io.BytesIO(data)).is_encrypted():
                return "encrypted"
        except Exception:
            pass
        return "xls"
    if ole.exists("WordDocument"):
        return "doc"
    return "ole"


def _xls_stream(data: bytes) -> bytes:
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(data))
    name = "Workbook" if ole.exists("Workbook") else "Book"
    return bytes(ole.openstream(name).read())


def _decrypt(data: bytes, passwords: Sequence[str]) -> bytes:
    import msoffcrypto

    tried = [*passwords, *DEFAULT_PASSWORDS]
    for password in tried:
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            office.load_key(password=password, verify_password=True)
            out = io.BytesIO()
            office.decrypt(out)
        except Exception:
            continue
        return out.getvalue()
    if passwords:
        raise _Unreadable("文件有密码保护，给出的密码都不对；请向对方确认密码（--password）")
    raise _Unreadable("文件有密码保护；请用 --password 或 --passwords 给出密码，或请对方去掉密码后重发")


def _read_xlsx(data: bytes) -> tuple[list[RawSheet], dt.datetime | None]:
    try:
        info = ooxml.inspect(data)
    except ooxml.PackageError as exc:
        raise _Unreadable(str(exc)) from None
    by_name = {s.name: s for s in info.sheets}
    sheets = _read_calamine(data, by_name, skip={s.name for s in info.sheets if s.too_large})
    for name, sheet_info in by_name.items():
        if sheet_info.too_large:
            grid, stray = ooxml.read_sparse(data, sheet_info)
            sheets.append(RawSheet(name, grid, True, sheet_info.hidden_rows, sheet_info.formulas, [], stray))
    order = list(by_name)
    sheets.sort(key=lambda s: order.index(s.name) if s.name in by_name else len(order))
    return sheets, info.saved


def _read_calamine(data: bytes, infos: dict[str, ooxml.SheetInfo], skip: set[str] | None = None) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in book.sheets_metadata}
    skip = skip or set()
    read: dict[str, RawSheet] = {}

    def sheet(name: str) -> RawSheet:
        if name not in read:
            raw = book.get_sheet_by_name(name)
            rows = [list(r) for r in raw.to_python(skip_empty_area=False)]
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (raw.merged_cell_ranges or [])]
            info = infos.get(name)
            hidden, formulas = (info.hidden_rows, info.formulas) if info else (set(), {})
            for ref, error in (info.errors if info else {}).items():
                _put(rows, ref, error)
            read[name] = RawSheet(name, rows, visible[name], hidden, formulas, merged)
        return read[name]

    wanted = [name for name in visible if name not in skip]
    if META_SHEET in wanted:
        # A template-made return names its data sheet: the others (填报说明...) need not be read.
        data_sheet = _meta(sheet(META_SHEET)).get("data_sheet")
        if data_sheet in wanted:
            wanted = [name for name in wanted if name in (META_SHEET, data_sheet)]
    return [sheet(name) for name in wanted]


def _put(rows: list[list[Any]], ref: str, value: Any) -> None:
    """Set a cell by its A1 reference, growing the grid if needed (calamine shows errors as "")."""
    match = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", ref)
    if match is None:
        return
    row, col = int(match[2]) - 1, ooxml.col_index(match[1])
    while len(rows) <= row:
        rows.append([])
    line = rows[row]
    line.extend([""] * (col + 1 - len(line)))
    line[col] = value


def _read_csv(data: bytes, name: str) -> RawSheet:
    text = decode_text(data)
    # The separator used most in the first lines: comma, tab (Excel's "Unicode text") or semicolon.
    head = text[:8192].splitlines()[:20]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in head))
    rows: list[list[Any]] = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return RawSheet(name, rows)


def _meta(sheet: RawSheet) -> dict[str, str]:
    """The metadata sheet's keys; the embedded spec stays packed (see :func:`embedded_spec_json`)."""
    meta: dict[str, str] = {}
    parts: dict[str, list[str]] = {"spec_json": [], "spec_json_z": []}
    for row in sheet.rows:
        if len(row) < 2 or not isinstance(row[0], str):
            continue
        key, value = row[0], "" if row[1] is None else str(row[1])
        if key in parts:
            parts[key].append(value)
        else:
            meta[key] = value
    for key, chunks in parts.items():
        if chunks:
            meta[key] = "".join(chunks)
    return meta


def embedded_spec_json(meta: dict[str, str]) -> str:
    """The spec a template embedded: packed (current templates) or plain JSON (older ones).

    "" when there is none; "{}" when it is damaged (then reported as a spec that cannot be read).
    """
    if meta.get("spec_json_z"):
        return unpack_spec(meta["spec_json_z"]) or "{}"
    return meta.get("spec_json", "")
