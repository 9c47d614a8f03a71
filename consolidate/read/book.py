"""Sources → raw cells, whatever the unit sent.

This layer knows nothing of the spec: it returns every sheet as a grid of raw values (as the
spreadsheet stored them) plus the ``_consolidate`` metadata if the file has it. The file's real
format is taken from its bytes, not its name; python-calamine reads .xlsx/.xlsm/.xls/.ods (after
:mod:`.ooxml` has checked an .xlsx is safe to hand over), CSV is decoded here, and
encrypted files are opened with msoffcrypto-tool when a password is known. Anything that cannot
be read becomes one :class:`ReadFailure` with a reason in plain language; nothing raises.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import META_SHEET, col_index, decode_text
from ..text import Msg
from . import guards, ooxml
from .decrypt import decrypt
from .ours import is_not_a_return, never_a_return, ours, package_kind
from .sniff import NOT_A_SPREADSHEET, sniff, xls_stream
from .sources import Source, Unreadable


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
    received: dt.datetime | None = None  # from the e-mail collector's (or the upload page's) log, when known
    notes: list[Msg] = field(default_factory=list)  # how the file had to be opened (decrypted...)
    received_via: str = "mail"  # how it arrived when ``received`` is known: mail or upload

    @property
    def time(self) -> dt.datetime:
        """When the return arrived, from the best evidence (see :attr:`time_source`)."""
        return self.received or self.saved or self.modified

    @property
    def time_source(self) -> str:
        """Where :attr:`time` comes from, in this order: ``mail`` (the received time ``collect``
        logged) or ``upload`` (the time ``serve`` received it), ``saved`` (the workbook's own save time), ``file`` (the file's time, which
        saving an attachment a day late moves)."""
        return self.received_via if self.received else "saved" if self.saved else "file"

    @property
    def order(self) -> tuple[dt.datetime, dt.datetime, list[str | int]]:
        """Newest first among duplicates: e-mail time, else own save time, then file time, then
        the name with its numbers as numbers (``医政医管科_10.xlsx`` after ``_2``, as uploads and
        collected attachments are numbered in the second they arrive)."""
        parts: list[str | int] = [int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", self.name))]
        return (self.received or self.saved or self.modified, self.modified, parts)

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
    reason: Msg

    @property
    def stem(self) -> str:
        return Path(self.name).stem


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A file found among the returns that is one of our outputs (a summary, a spec...): passed over,
# as if it were not there (``Source.unchecked``: looked at here, by the reader, not when found).
PASSED_OVER = Msg("read.passed_over")


def read_book(source: Source, passwords: Sequence[str] = ()) -> RawBook | ReadFailure:
    """Read every sheet of a source; never raises for a bad file."""
    try:
        data = source.read()
    except OSError as exc:
        if source.unchecked and never_a_return(source.path):
            return ReadFailure(source.path, source.name, "", PASSED_OVER)
        return ReadFailure(source.path, source.name, "", Msg("read.cannot_open", error=exc.strerror or exc))
    archive = None
    if source.unchecked:
        # One of our outputs (a summary...) is passed over; a package is opened once for both.
        archive = _package(data)
        if is_not_a_return(package_kind(archive) if archive is not None else ours(source.path)):
            return ReadFailure(source.path, source.name, "", PASSED_OVER)
    digest = file_sha256(data)
    try:
        book = _read(data, source, passwords, archive)
    except Unreadable as exc:
        return ReadFailure(source.path, source.name, digest, exc.msg)
    except MemoryError:
        return ReadFailure(source.path, source.name, digest, Msg("read.out_of_memory"))
    except Exception as exc:
        reason = Msg("read.broken", error=f"{type(exc).__name__}: {exc}")
        return ReadFailure(source.path, source.name, digest, reason)
    book.sha256 = digest
    return book


def _package(data: bytes) -> zipfile.ZipFile | None:
    if not data.startswith(b"PK"):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # reported as damaged by the reader


def _read(data: bytes, source: Source, passwords: Sequence[str], archive: zipfile.ZipFile | None = None) -> RawBook:
    if not data:
        raise Unreadable(Msg("read.empty"))
    notes: list[Msg] = []
    archive = archive or _package(data)  # opened once: sniffed, inspected and read
    kind = sniff(data, source.suffix, archive)
    if kind == "encrypted":
        data = decrypt(data, passwords)
        notes.append(Msg("read.decrypted"))
        archive = _package(data)
        kind = sniff(data, source.suffix, archive)
    saved: dt.datetime | None = None
    if kind == "xlsx":
        sheets, saved = _read_xlsx(data, archive)
    elif kind in ("xls", "ods"):
        guards.check_ods(data) if kind == "ods" else guards.check_xls(xls_stream(data))
        sheets = _read_calamine(data, {})
    elif kind == "csv":
        sheets = [_read_csv(data, source.stem)]
    else:
        raise Unreadable(NOT_A_SPREADSHEET.get(kind) or Msg("read.not_spreadsheet", suffix=source.suffix or "-"))
    meta_sheet = next((s for s in sheets if s.name == META_SHEET), None)
    meta = _meta(meta_sheet) if meta_sheet else {}
    data_sheets = [s for s in sheets if s.name != META_SHEET]
    return RawBook(source.path, source.name, "", source.modified, data_sheets, meta, saved, notes=notes)


def _read_xlsx(data: bytes, archive: zipfile.ZipFile | None = None) -> tuple[list[RawSheet], dt.datetime | None]:
    info = ooxml.inspect(data, archive)
    data = info.repaired or data
    by_name = {s.name: s for s in info.sheets}
    sheets = _read_calamine(data, by_name, info.scanned)
    order = list(by_name)
    sheets.sort(key=lambda s: order.index(s.name) if s.name in by_name else len(order))
    return sheets, info.saved


def _read_calamine(
    data: bytes,
    infos: dict[str, ooxml.SheetInfo],
    scanned: Callable[[ooxml.SheetInfo], ooxml.SheetInfo] = lambda info: info,
) -> list[RawSheet]:
    """The sheets calamine reads: a template-made return's metadata and data sheets, else all.
    Each is scanned first (``scanned``): one whose extent is too large for calamine is read
    sparsely instead (:func:`ooxml.read_sparse`)."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in book.sheets_metadata}
    read: dict[str, RawSheet] = {}

    def sheet(name: str) -> RawSheet:
        if name not in read:
            info = infos.get(name)
            if info is not None and scanned(info).too_large:
                grid, stray = ooxml.read_sparse(data, info)
                read[name] = RawSheet(name, grid, True, info.hidden_rows, info.formulas, [], stray)
                return read[name]
            raw = book.get_sheet_by_name(name)
            rows = [list(r) for r in raw.to_python(skip_empty_area=False)]
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (raw.merged_cell_ranges or [])]
            hidden, formulas = (info.hidden_rows, info.formulas) if info else (set(), {})
            for ref, error in (info.errors if info else {}).items():
                _put(rows, ref, error)
            read[name] = RawSheet(name, rows, visible[name], hidden, formulas, merged)
        return read[name]

    wanted = list(visible)
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
    row, col = int(match[2]) - 1, col_index(match[1])
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
    """The metadata sheet's keys; the embedded spec stays packed (see :mod:`consolidate.spec.embed`)."""
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
