"""A file's real kind from its first bytes: units rename files, and programs lie."""

from __future__ import annotations

import io
import zipfile

from ..text import Msg
from .sources import Unreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Why a file of each kind that is not a spreadsheet cannot be read (catalogue keys).
NOT_A_SPREADSHEET = {
    "docx": Msg("read.not_spreadsheet.docx"),
    "doc": Msg("read.not_spreadsheet.doc"),
    "pptx": Msg("read.not_spreadsheet.pptx"),
    "pdf": Msg("read.not_spreadsheet.pdf"),
    "html": Msg("read.not_spreadsheet.html"),
    "xml2003": Msg("read.not_spreadsheet.xml2003"),
    "zip": Msg("read.not_spreadsheet.zip"),
    "text": Msg("read.not_spreadsheet.text"),
    "ole": Msg("read.not_spreadsheet.ole"),
}


def sniff(data: bytes, suffix: str, archive: zipfile.ZipFile | None = None) -> str:
    """xlsx, ods, xls, csv, encrypted, or the kind of a file that is not a spreadsheet.
    ``archive``: ``data`` already opened as a package (it is not opened again)."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            names = set((archive or zipfile.ZipFile(io.BytesIO(data))).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise Unreadable(Msg("read.truncated")) from None
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
        raise Unreadable(Msg("read.ole_damaged")) from None
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


def xls_stream(data: bytes) -> bytes:
    """The Workbook stream of an .xls file (the BIFF records)."""
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(data))
    name = "Workbook" if ole.exists("Workbook") else "Book"
    return bytes(ole.openstream(name).read())
