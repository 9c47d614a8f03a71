"""Templates written several times faster, byte for byte as XlsxWriter writes them.

A template is a few hundred cells, and XlsxWriter's costs are mostly per cell (its XML writer's
calls for each ``<c>``) and per file (styles, theme, content types, workbook and document
properties assembled again for every unit, although they are the same for every template of a
report). :func:`template_book` is an XlsxWriter workbook that

- writes each cell of the sheets with one format string (:meth:`_FastSheet._write_cell`: the
  same XML as XlsxWriter's ``_write_cell`` for the kinds of cells a template holds, the rest by
  XlsxWriter itself),
- writes the shared strings the same way (:class:`_FastStrings`),
- and takes every other part of the package from the last template whose workbook was alike
  (the same document properties, sheets, defined names and cell formats, in the same order),
  assembling it with XlsxWriter the first time.

Everything else is XlsxWriter's: the sheets' columns, panes, merged cells, validations,
protection and print setup, the zip container. These are private parts of XlsxWriter 3 (pinned
below 4); ``tests/test_template_speed.py`` holds the files byte for byte against the plain
workbook for every kind of template (groups, open lists, 上期 columns, feedback is not written
here).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from typing import Any

from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable
from xlsxwriter.utility import xl_col_to_name

from .xlsx import _Workbook, _Worksheet, new_workbook

# A text XlsxWriter writes as it is: no XML specials, control characters, literal _xHHHH_
# escapes, Excel's non-characters or whitespace at either end (see consolidate/write/fastrows.py).
_SPECIAL_CHARS = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")


def _as_is(text: str) -> bool:
    """True when XlsxWriter writes ``text`` into ``<t>`` unchanged, without xml:space (checked
    piece by piece: one regular expression of alternatives is slow on the spec's long texts)."""
    if not text:
        return True
    if text[0].isspace() or text[-1].isspace():  # re's \s is str.isspace
        return False
    if "_x" in text and _LITERAL_ESCAPE.search(text):
        return False
    return _SPECIAL_CHARS.search(text) is None


_DATA_SPECIAL = re.compile(r"[&<>]")
_ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
_COLUMNS = [xl_col_to_name(c) for c in range(256)]

# The parts every template of a report shares, by what makes them: see _Packager._key.
_SHARED_PARTS: dict[Any, dict[str, str]] = {}
_PER_TEMPLATE = frozenset({"xl/sharedStrings.xml"})


def _data(text: Any) -> Any:
    """XlsxWriter's ``_escape_data``."""
    if text.__class__ is not str and not isinstance(text, str):
        return text
    if _DATA_SPECIAL.search(text) is None:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PREPARED: dict[tuple[str, bool], str] = {}


class _FastSheet(_Worksheet):
    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # XlsxWriter tries 30 patterns on each formula: the same row's formula of every template
        # is the same text.
        key = (formula, expand_future_functions)
        prepared = _PREPARED.get(key)
        if prepared is None:
            if len(_PREPARED) > 10_000:
                _PREPARED.clear()
            prepared = _PREPARED[key] = super()._prepare_formula(formula, expand_future_functions)
        return prepared

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        fmt = cell.format
        if fmt is None or col >= len(_COLUMNS):
            super()._write_cell(row, col, cell)  # the row's or the column's format: XlsxWriter's way
            return
        kind = cell.__class__.__name__
        head = f'<c r="{_COLUMNS[col]}{row + 1}" s="{fmt._get_xf_index()}"'
        if kind == "String":
            self.fh.write(f'{head} t="s"><v>{cell.string}</v></c>')
        elif kind == "Blank":
            self.fh.write(f"{head}/>")
        elif kind in ("Number", "Datetime"):
            self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")
        elif kind == "Formula":
            value = cell.value
            if isinstance(value, bool):
                head += ' t="b"'
                value = 1 if value else 0
            elif isinstance(value, str):
                if value == "":
                    pass
                elif value in _ERROR_CODES:
                    head += ' t="e"'
                else:
                    head += ' t="str"'
            self.fh.write(f"{head}><f>{_data(cell.formula)}</f><v>{_data(value)}</v></c>")
        else:
            super()._write_cell(row, col, cell)


class _FastStrings(SharedStrings):  # type: ignore[misc]
    def _write_sst_strings(self) -> None:
        parts = []
        for string in self.string_table.string_array:
            if _as_is(string):
                parts.append(f"<si><t>{string}</t></si>")
            else:
                if parts:
                    self.fh.write("".join(parts))
                    parts = []
                self._write_si(string)
        self.fh.write("".join(parts))


class _Packager(Packager):  # type: ignore[misc]
    filenames: list[tuple[Any, str, bool]]

    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        self.workbook.strings_written = self.workbook.str_table
        sst = _FastStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()

    def _key(self) -> Any:
        """What the shared parts are made of; known once the sheets are written (the cell
        formats are numbered as cells first use them)."""
        book = self.workbook
        formats = sorted((f for f in book.formats if f.xf_index is not None), key=lambda f: f.xf_index)
        return (
            repr(sorted(book.doc_properties.items())),
            tuple((s.name, s.hidden, s.selected, s.active, s.has_vml, s.has_comments) for s in book.worksheets()),
            repr(book.defined_names),
            tuple(f._get_format_key() for f in formats),
            book.str_table.count > 0,
        )

    _prewritten: list[tuple[Any, str, bool]] | None = None  # the worksheets, written first

    def _write_worksheet_files(self) -> None:
        if self._prewritten is None:
            super()._write_worksheet_files()
        else:
            self.filenames.extend(self._prewritten)

    def _create_package(self) -> list[tuple[Any, str, bool]]:
        # XlsxWriter writes the worksheets fourth; every other part is shared.
        others: list[tuple[Any, str, bool]] = self.filenames
        self.filenames = []
        self._write_worksheet_files()
        written: list[tuple[Any, str, bool]] = self.filenames
        self.filenames = others
        self._prewritten = written
        key = self._key()
        shared = _SHARED_PARTS.get(key)
        if shared is None:
            files: list[tuple[Any, str, bool]] = super()._create_package()
            if not any(binary for _, _, binary in files):
                _SHARED_PARTS.clear()  # one report at a time: a handful of parts
                _SHARED_PARTS[key] = {name: data.getvalue() for data, name, _ in files if name not in _PER_TEMPLATE}
            return files
        names = {name for _, name, _ in written}
        self._write_shared_strings_file()
        strings = {name: data for data, name, _ in self.filenames}
        out: list[tuple[Any, str, bool]] = []
        for name, text in shared.items():
            if name.startswith("xl/worksheets/sheet"):
                continue
            if name == "xl/workbook.xml":  # after the sheets, as XlsxWriter orders them
                out.extend(written)
            out.append((_Text(text), name, False))
            if name == "xl/workbook.xml" and "xl/sharedStrings.xml" in strings:
                out.append((strings["xl/sharedStrings.xml"], "xl/sharedStrings.xml", False))
        assert names <= {name for _, name, _ in out}
        return out


class _Text:
    """A shared part as the zip writer asks for it (like the StringIO XlsxWriter fills)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def getvalue(self) -> str:
        return self.text


class _FastBook(_Workbook):
    worksheet_class = _FastSheet
    strings_written: Any = None  # the shared string table, once the package is made
    parts: list[tuple[str, str]] | None = None  # every part of the package, when kept

    def _get_packager(self) -> Packager:
        book = self

        class Keeping(_Packager):
            def _create_package(self) -> list[tuple[Any, str, bool]]:
                files = super()._create_package()
                book.parts = [(name, data.getvalue()) for data, name, binary in files if not binary]
                if len(book.parts) != len(files):
                    book.parts = None
                return files

        return Keeping()


# ---------------------------------------------------------------------------------------------
# Templates alike but for the unit's own texts


_MARK = "\ue000"
_SST = "xl/sharedStrings.xml"
_MAX_TEXT = 32767


def placeholder(index: int) -> str:
    """The text written in place of a unit's ``index``-th own text (private-use characters)."""
    return f"\ue000{index}\ue001"


def texts_pattern(texts: list[str]) -> tuple[list[str], tuple[Any, ...]]:
    """A unit's own texts (name, code, contact, phone) → (their distinct non-empty values, the
    pattern: for each text, the index of its value, or "" for an empty one). Units of one pattern
    (and of alike items) share an :class:`Alike`; an empty text is written as itself, since it is
    also the template's other empty texts."""
    values: list[str] = []
    pattern: list[Any] = []
    for text in texts:
        if text == "":
            pattern.append("")
            continue
        if text not in values:
            values.append(text)
        pattern.append(values.index(text))
    return values, tuple(pattern)


class Alike:
    """The package of one template written with placeholders for the unit's own texts: every
    other unit whose template differs only in those texts (the same items and values, the same
    上期, the same pattern of texts) is this package with its texts put in the shared strings, the
    other parts compressed once.

    :meth:`bytes_for` is None for a unit whose texts would change more than the shared strings
    (one equal to another text of the template, or one XlsxWriter writes otherwise): that unit's
    template is written in full.
    """

    def __init__(self, parts: list[tuple[str, str]], strings: Any, written: bytes, placeholders: int) -> None:
        self.names = [name for name, _ in parts]
        self.strings = list(strings.string_array)
        self.count = strings.count
        marks = {placeholder(i) for i in range(placeholders)}
        # Each placeholder once, as a whole text, and no private-use mark anywhere else.
        self.usable = sorted(s for s in self.strings if s in marks) == sorted(marks) and _MARK not in "".join(
            s for s in self.strings if s not in marks
        )
        self.entries: dict[str, tuple[zipfile.ZipInfo, bytes]] = {
            name: _compressed(name, text.encode("utf-8")) for name, text in parts if name != _SST
        }
        # The package as XlsxWriter zipped it must be what this module zips: else never used.
        shared = [self.entries.get(name) or _compressed(name, text.encode("utf-8")) for name, text in parts]
        if self.usable and _zipped(shared) != written:
            self.usable = False

    def bytes_for(self, values: list[str]) -> bytes | None:
        """The template of a unit whose distinct own texts are ``values`` (see :func:`texts_pattern`)."""
        if not self.usable:
            return None
        real = {placeholder(i): value for i, value in enumerate(values)}
        strings = [real.get(s, s) for s in self.strings]
        if len(set(strings)) != len(strings):
            return None  # XlsxWriter would have written a text once that is here twice
        for value in values:
            if len(value) > _MAX_TEXT // 2 or (value.startswith("<r>") and value.endswith("</r>")):
                return None
        table = SharedStringTable()
        table.string_array = strings
        table.count = self.count
        table.unique_count = len(strings)
        sst = _FastStrings()
        sst.string_table = table
        out = io.StringIO()
        sst._set_xml_writer(out)
        sst._assemble_xml_file()
        shared = _compressed(_SST, out.getvalue().encode("utf-8"))
        return _zipped([shared if name == _SST else self.entries[name] for name in self.names])


def _compressed(name: str, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    """One part as zipfile's writestr compresses it (deflate, default level, 1980-01-01)."""
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info.flag_bits = 0
    info.file_size = len(data)
    info.CRC = zlib.crc32(data)
    squeeze = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    packed = squeeze.compress(data) + squeeze.flush()
    info.compress_size = len(packed)
    return info, packed


def _zipped(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """The zip file zipfile writes for these parts, in this order (no ZIP64: templates are small)."""
    chunks: list[bytes] = []
    offsets = []
    at = 0
    for info, packed in entries:
        header = info.FileHeader(False)
        offsets.append(at)
        chunks += (header, packed)
        at += len(header) + len(packed)
    start = at
    for (info, _), offset in zip(entries, offsets, strict=True):
        name, flags = info._encodeFilenameFlags()  # type: ignore[attr-defined]
        chunks.append(
            struct.pack(
                zipfile.structCentralDir,  # type: ignore[attr-defined]
                zipfile.stringCentralDir,  # type: ignore[attr-defined]
                info.create_version,
                info.create_system,
                info.extract_version,
                info.reserved,
                flags,
                info.compress_type,
                *_dos_time(info.date_time),
                info.CRC,
                info.compress_size,
                info.file_size,
                len(name),
                0,
                0,
                0,
                info.internal_attr,
                info.external_attr,
                offset,
            )
            + name
        )
        at += len(chunks[-1])
    chunks.append(
        struct.pack(
            zipfile.structEndArchive,  # type: ignore[attr-defined]
            zipfile.stringEndArchive,  # type: ignore[attr-defined]
            0,
            0,
            len(entries),
            len(entries),
            at - start,
            start,
            0,
        )
    )
    return b"".join(chunks)


def _dos_time(when: tuple[int, ...]) -> tuple[int, int]:
    return when[3] << 11 | when[4] << 5 | (when[5] // 2), (when[0] - 1980) << 9 | when[1] << 5 | when[2]


def template_book(path: str | io.BytesIO, kind: str) -> Any:
    """A workbook for one template (no cell notes, no rich text): XlsxWriter's bytes, faster."""
    return new_workbook(path, kind, book_class=_FastBook)  # type: ignore[arg-type]
