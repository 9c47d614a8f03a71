"""Hostile returns: the reproducers of issue 13, each made from a good return by editing one part.

Every function takes a good .xlsx (bytes) and returns the hostile one. ``REPRODUCERS`` names them
for the regression tests; the fuzz test (``tests/test_fuzz.py``) uses :func:`replace_part`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

SHEET = "xl/worksheets/sheet1.xml"
META = "xl/worksheets/sheet3.xml"  # templates and returns made from them: 填报, 填报说明, _consolidate


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def replace_part(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    members = parts(data)
    members[part] = edit(members.get(part, b""))
    return build(members)


def _stray(cell: bytes) -> Callable[[bytes], bytes]:
    """A cell far away, written into the last row of the sheet."""
    return lambda xml: xml.replace(b"</row></sheetData>", cell + b"</row></sheetData>", 1)


def _meta_value(key: str, value: str, new_key: str = "") -> Callable[[bytes], bytes]:
    """The metadata sheet's ``key`` row set to ``new_key`` (default: the same) and ``value``."""

    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        pattern = re.compile(r"(<row r=\"(\d+)\"[^>]*>(?:(?!</row>).)*?>" + re.escape(key) + r"<.*?</row>)", re.S)
        match = pattern.search(text)
        if match is None:
            raise KeyError(key)
        row = match[2]
        escaped = value.replace("&", "&amp;").replace("<", "&lt;")
        new = (
            f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{new_key or key}</t></is></c>'
            f'<c r="B{row}" t="inlineStr"><is><t>{escaped}</t></is></c></row>'
        )
        return (text[: match.start()] + new + text[match.end() :]).encode("utf-8")

    return edit


def _merge_cell(ref: bytes) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        merge = b'<mergeCells count="1"><mergeCell ref="' + ref + b'"/></mergeCells>'
        if b"<mergeCells" in xml:
            return re.sub(rb"<mergeCells.*?</mergeCells>", merge, xml, count=1, flags=re.S)
        return xml.replace(b"</sheetData>", b"</sheetData>" + merge, 1)

    return edit


def _strings_count(xml: bytes) -> bytes:
    return re.sub(rb'(count|uniqueCount)="[0-9]+"', rb'\1="2147483647"', xml)


# name -> (part, edit): each the shortest form of one way a file took the whole run down.
REPRODUCERS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "shared-strings-count": ("xl/sharedStrings.xml", _strings_count),
    "stray-single-quotes": (SHEET, _stray(b"<c r='XFD1048576' t='n'><v>1</v></c>")),
    "stray-newline-before-r": (SHEET, _stray(b'<c\nr="XFD1048576"><v>1</v></c>')),
    "stray-lower-case": (SHEET, _stray(b'<c r="xfd1048576"><v>1</v></c>')),
    "stray-8-digit-row": (SHEET, _stray(b'<c r="A99999999"><v>1</v></c>')),
    "stray-5m-rows": (SHEET, _stray(b"<c r='A4999999'><v>1</v></c>")),
    "merge-cell-whole-sheet": (SHEET, _merge_cell(b"A6:XFD1048576")),
    "meta-rows-overflow": (META, _meta_value("rows", "[[1e400, 1]]")),
    "meta-columns-list": (META, _meta_value("columns", '["A", "B"]')),
    "meta-spec-json-deep": (META, _meta_value("spec_json_z", "[" * 3000, "spec_json")),
    "meta-header-row-huge": (META, _meta_value("header_row", "99999999999999999999")),
}


def hostile(good: bytes, name: str) -> bytes:
    part, edit = REPRODUCERS[name]
    return replace_part(good, part, edit)
