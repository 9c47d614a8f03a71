"""Whether a file is one we wrote, of which kind, and whether someone has changed it since.

Every workbook and document we write carries our mark in its properties ("consolidate" as its
comments, ``consolidate <kind>`` as its keywords; see :data:`consolidate.common.MARK`); a
program that saves it again keeps both and moves its modified time away from its created time.
Files of older versions carry the comments (workbooks) or ``lastModifiedBy`` (documents) alone:
their kind is told by their sheets. The summary's PDF carries the workbook's keywords; the JSON
files are known by their shape, e-mails of an outbox by their ``X-Mailer``.

Used on both sides: no output replaces a file that is not ours of its kind, and a file of ours
that is not a form (a summary, a document...) is never read back as a return.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..common import KIND_DOCUMENT, KIND_FORM, KIND_SPEC, KIND_SUMMARY, MARK, META_SHEET, kind_mark, normalise
from ..text import t

KIND_SUMMARY_JSON = "summary-json"
KIND_ISSUES_JSON = "issues-json"
KIND_STATUS_JSON = "status-json"
KIND_PDF = "pdf"
KIND_EMAIL = "email"
KIND_PARQUET = "parquet"  # 明细 as Parquet (merge --parquet)
PARQUET_MARK_KEY = "consolidate"  # the key of our mark in a Parquet file's key-value metadata

# Ours, but never a return: skipped when found among the returns.
NOT_RETURNS = frozenset(
    {
        KIND_SUMMARY,
        KIND_SPEC,
        KIND_DOCUMENT,
        KIND_SUMMARY_JSON,
        KIND_ISSUES_JSON,
        KIND_STATUS_JSON,
        KIND_PDF,
        KIND_PARQUET,
    }
)

_MAX_JSON = 512 * 2**20  # bytes of a JSON file read to know whether it is ours
_MAX_PDF = 256 * 2**20
_MAX_PARQUET_FOOTER = 16 * 2**20
_MAX_PART = 4 * 2**20  # bytes of a package's properties or list of sheets

_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]*)<")
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]*)<")
_COMMENTS = re.compile(rb"<dc:description[^>]*>" + MARK.encode() + rb"<")
_OLD_DOCUMENT = re.compile(rb"<cp:lastModifiedBy[^>]*>" + MARK.encode() + rb"<")
_KEYWORDS = re.compile(rb"<cp:keywords[^>]*>" + MARK.encode() + rb",? ([a-z-]+)<")  # "consolidate, summary" too
_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")
_MAILER = re.compile(rb"^X-Mailer: consolidate\b", re.M)
_ISSUE_KEYS = frozenset({"level", "code", "unit", "file", "sheet", "cell", "field", "value", "message", "fix"})
_STATUS_KEYS = frozenset({"code", "name", "status", "overdue", "file", "received"})
# status --json's rows now, and as version 0.1 wrote them (without the words' codes): both ours.
_STATUS_SHAPES = frozenset({_STATUS_KEYS | {"state", "late"}, _STATUS_KEYS})


@dataclass(frozen=True)
class Ours:
    """A file we wrote: its kind, and whether it was saved again since (by a person or a program)."""

    kind: str
    edited: bool = False

    @property
    def is_return(self) -> bool:
        """A form someone filled in and saved: a unit's return (or a template changed by hand)."""
        return self.kind == KIND_FORM and self.edited


def ours(path: Path) -> Ours | None:
    """What ``path`` is, when we wrote it; None for anything else (or nothing there)."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head.startswith(b"PK"):
                return _package(path)
            if head.startswith(b"%PDF-"):
                return _pdf(head + handle.read(_MAX_PDF))
            if head.startswith(b"PAR1"):
                return _parquet(handle)
            if suffix == ".eml":
                return _email(head + handle.read(16384))
            if suffix == ".json":
                data = head + handle.read(_MAX_JSON)
                return _json(data) if len(data) <= _MAX_JSON else None
    except (OSError, ValueError):
        return None
    return None


def _package(path: Path) -> Ours | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return package_kind(archive)
    except Exception:
        return None


def package_kind(archive: zipfile.ZipFile) -> Ours | None:
    """What an open package is, when we wrote it (see :func:`ours`)."""
    # Any file of the returns' folder is looked at, hostile ones too: only small parts are read,
    # and whatever goes wrong (a damaged or crafted package) means "not ours".
    try:
        names = {info.filename: info.file_size for info in archive.infolist()}
        if names.get("docProps/core.xml", _MAX_PART + 1) > _MAX_PART:
            return None
        core = archive.read("docProps/core.xml")
        book = b""
        if 0 < names.get("xl/workbook.xml", 0) <= _MAX_PART:
            book = archive.read("xl/workbook.xml")
    except Exception:
        return None
    created, modified = _CREATED.search(core), _MODIFIED.search(core)
    edited = created is None or modified is None or created[1] != modified[1]
    keywords = _KEYWORDS.search(core)
    document = "word/document.xml" in names
    if _COMMENTS.search(core) is None and not (document and _OLD_DOCUMENT.search(core)):
        return None
    sheets = {normalise(name.decode("utf-8", "replace")) for name in _SHEET_NAME.findall(book)}
    summary = {normalise(t(key, lang)) for key in ("sheet.issues", "sheet.about") for lang in ("zh", "en")}
    # A summary carries its data in a sheet of that name too: it says it is a summary and has a
    # summary's sheets. Anything else with that sheet is what units fill in, and is read,
    # whatever its keywords say (copied properties, a crafted file).
    a_summary = keywords is not None and keywords[1] == KIND_SUMMARY.encode() and len(sheets & summary) >= 2
    if normalise(META_SHEET) in sheets and not a_summary:
        return Ours(KIND_FORM, edited)
    if keywords is not None:
        return Ours(keywords[1].decode("ascii"), edited)
    if document:
        return Ours(KIND_DOCUMENT, edited)
    if any(
        {normalise(t(f"book.sheet.{key}", lang)) for key in ("report", "fields")} <= sheets for lang in ("zh", "en")
    ):
        return Ours(KIND_SPEC, edited)
    if sheets & summary:
        return Ours(KIND_SUMMARY, edited)
    return None  # ours by its comments, but of no kind we know: not to be skipped or replaced


_PDF_KEYWORDS = re.compile(rb"/Keywords\s*(?:<([0-9A-Fa-f\s]{0,400})>|\(([^)]{0,200})\))")


def _pdf(data: bytes) -> Ours | None:
    """The summary's PDF: LibreOffice writes the workbook's keywords into its information (as
    UTF-16 in hexadecimal, or a plain string; "consolidate summary" becomes "consolidate, summary")."""
    for match in _PDF_KEYWORDS.finditer(data):
        try:
            if match[1] is not None:
                raw = bytes.fromhex(match[1].decode("ascii"))
                text = raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
            else:
                text = match[2].decode("latin-1")
        except ValueError:
            continue
        if text.replace(",", " ").split() == kind_mark(KIND_SUMMARY).split():
            return Ours(KIND_PDF)
    return None


def _parquet(handle: BinaryIO) -> Ours | None:
    """明细 as Parquet: our mark is in the footer's key-value metadata (the footer ends the file:
    its length in four bytes, then ``PAR1``). A file written again by another program keeps it
    only if that program copies the metadata, as pyarrow does: it is then ours still."""
    handle.seek(0, 2)
    size = handle.tell()
    if size < 12:
        return None
    handle.seek(size - 8)
    tail = handle.read(8)
    length = int.from_bytes(tail[:4], "little")
    if tail[4:] != b"PAR1" or not 0 < length <= min(size - 12, _MAX_PARQUET_FOOTER):
        return None
    handle.seek(size - 8 - length)
    footer = handle.read(length)
    mark = kind_mark(KIND_PARQUET).encode()
    # Thrift's compact encoding writes a string as its length (a varint, one byte under 128), then
    # its bytes: the key, a field header, then the value.
    key = PARQUET_MARK_KEY.encode()
    at = footer.find(bytes([len(key)]) + key)
    if at >= 0 and footer[at + len(key) + 2 : at + len(key) + 3 + len(mark)] == bytes([len(mark)]) + mark:
        return Ours(KIND_PARQUET)
    return None


def _email(data: bytes) -> Ours | None:
    head = data[:16384].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return Ours(KIND_EMAIL) if _MAILER.search(head) is not None else None


def _json(data: bytes) -> Ours | None:
    """The JSON of ``merge --json`` (its three keys), ``validate --json`` (issues) or
    ``status --json`` (one row per unit)."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict) and {"exit_code", "summary", "issues_raw"} <= set(value):
        return Ours(KIND_SUMMARY_JSON)
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        keys = {frozenset(v) for v in value}
        if keys <= {frozenset(_ISSUE_KEYS)}:
            return Ours(KIND_ISSUES_JSON)  # an empty list too: a run without problems
        if len(keys) == 1 and keys <= _STATUS_SHAPES:
            return Ours(KIND_STATUS_JSON)
    return None


def never_a_return(path: Path) -> bool:
    """A file of ours that no unit fills in (a summary, a document, a spec...): not a return."""
    if path.suffix.lower() not in (".xlsx", ".docx", ".json", ".pdf", ".parquet"):
        return False
    return is_not_a_return(ours(path))


def is_not_a_return(found: Ours | None) -> bool:
    """Whether what :func:`ours` found is ours but never a return."""
    return found is not None and found.kind in NOT_RETURNS
