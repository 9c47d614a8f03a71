"""Helpers shared by the workbooks we write with xlsxwriter (templates and the summary)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.comments import CommentType
from xlsxwriter.worksheet import Worksheet

from ..common import MARK, kind_mark, release_files
from ..common import text_width as text_width  # where the writers have always found it
from ..fields import TYPES
from ..spec import FieldSpec
from ..text import Lang
from .deflate import Deflated, PackageZip, mark, zip_class
from .fastnotes import fast_notes


def number_format(kind: str) -> str | None:
    """Excel's number format for a field type (and so for the kind of a summary column)."""
    field_type = TYPES.get(kind)
    return field_type.number_format if field_type is not None else None


INPUT_FILL = "#FFF2CC"
LOCKED_FILL = "#F2F2F2"
HEADER_FILL = "#D9E1F2"


def fixed_time() -> dt.datetime:
    """The document time written into files: SOURCE_DATE_EPOCH if set, else a constant.

    A constant keeps the bytes of a workbook a function of its content only.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


class _EmptyResult(str):
    """A formula's cached result "" that xlsxwriter writes as text (``t="str"``).

    XlsxWriter writes an empty cached result without a type, which programs that trust cached
    values read as the number 0; an empty text is what the formula gives (``IF(...,"",...)``).
    It compares unequal to "" only so that xlsxwriter takes the text branch.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    __hash__ = str.__hash__


EMPTY_RESULT = _EmptyResult()


class _Worksheet(Worksheet):  # type: ignore[misc]
    """A worksheet that writes every text as that text.

    XlsxWriter takes a text that starts with ``<r>`` and ends with ``</r>`` for its own rich-text
    XML and copies it into the file unescaped, so such a value typed into a return would make the
    workbook unreadable. Written as a rich string of plain runs it shows (and reads back) as
    the same text.
    """

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        if string.startswith("<r>") and string.endswith("</r>"):
            runs: tuple[Any, ...] = (string[:1], string[1:3], string[3:])  # xlsxwriter wants three or more
            result: int = self._write_rich_string(row, col, *runs, *([cell_format] if cell_format else []))
            return result
        done: int = super()._write_string(row, col, string, cell_format)
        return done

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0) -> int:
        if value.__class__ is str and value == "":
            value = EMPTY_RESULT
        done: int = super()._write_formula(row, col, formula, cell_format, value)
        return done

    # Rows compressed where they were rendered (see .deflate), by the mark in the row data that
    # stands for them; and the XML file written with those marks, for the zip.
    deflated: dict[str, Deflated] | None = None
    deflated_in: str | None = None

    def add_deflated(self, segment: Deflated) -> None:
        """``segment``'s rows go here, next in the sheet's row data."""
        if self.deflated is None:
            self.deflated = {}
        key = f"{self.index}.{len(self.deflated)}"
        self.deflated[key] = segment
        self.row_data_fh.write(mark(key))

    def _write_optimized_sheet_data(self) -> None:
        # XlsxWriter copies a constant-memory sheet's rows into its XML through two text files,
        # decoding and encoding every byte (明细: 30 MB); the same bytes are copied as bytes.
        buffer = getattr(self.fh, "buffer", None)
        if self.dim_rowmin is None or buffer is None:
            super()._write_optimized_sheet_data()
            return
        if self.deflated:
            self.deflated_in = os.fspath(self.fh.name)
        self._xml_start_tag("sheetData")
        self.row_data_fh.flush()
        self.fh.flush()
        with open(self.row_data_filename, "rb") as rows:
            shutil.copyfileobj(rows, buffer, 1 << 20)
        self.row_data_fh.close()
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # xlsxwriter tries 30 patterns of newer Excel functions on every formula; ours are plain
        # arithmetic and IF/IFERROR/SUM/ROUND ("=IF(D5="","",IFERROR((D5/C5),""))"), for which
        # all it does is drop the "=".
        if (
            "{" in formula
            or "}" in formula
            or self.use_future_functions
            or expand_future_functions
            or _DYNAMIC_FUNCTION.search(formula) is not None
        ):
            prepared: str = super()._prepare_formula(formula, expand_future_functions)
            return prepared
        return formula[1:] if formula.startswith("=") else formula


# The functions xlsxwriter's _prepare_formula renames (always, not only with future functions),
# found without its word boundaries (a superset): "INGLE(" for its pattern "\\SINGLE\\(".
_DYNAMIC_FUNCTION = re.compile(
    r"(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP"
    r"|RANDARRAY|REDUCE|SCAN|INGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE"
    r"|VSTACK|WRAPCOLS|WRAPROWS|XLOOKUP)\("
)


class _Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    worksheet_class = _Worksheet
    parallel_zip = False  # a large part compressed on two threads (the summary, on two cores)

    def close(self) -> None:
        """Write the file; when that fails (a full disk), let go of everything it held open: the
        half-written zip file (whose finaliser would fail again, with a traceback on stderr) and
        the sheets' row files. Rows compressed before (see .deflate) go in as they are; notes
        are packed by .fastnotes."""
        try:
            with contextlib.ExitStack() as packing:
                packing.enter_context(fast_notes())
                if any(sheet.deflated for sheet in self.worksheets()):
                    packing.enter_context(zip_class(PackageZip.bound(self._deflated_in)))
                elif self.parallel_zip and (os.cpu_count() or 1) > 1:
                    packing.enter_context(zip_class(PackageZip))
                super().close()
        except BaseException as exc:
            release_files(exc)
            for sheet in self.worksheets():
                with contextlib.suppress(Exception):
                    sheet._opt_close()
            raise
        finally:
            self.discard_deflated()

    def _deflated_in(self, path: str) -> dict[str, Deflated] | None:
        """The compressed rows of the sheet whose XML XlsxWriter wrote into ``path``."""
        return next((s.deflated for s in self.worksheets() if s.deflated and s.deflated_in == path), None)

    def discard_deflated(self) -> None:
        """The compressed rows' files let go of (the workbook written, or abandoned)."""
        for sheet in self.worksheets():
            for segment in (sheet.deflated or {}).values():
                segment.close()
            sheet.deflated = None


def new_workbook(
    path: str,
    kind: str = "",
    *,
    constant_memory: bool = False,
    tmpdir: Path | None = None,
    book_class: type[xlsxwriter.Workbook] | None = None,
) -> xlsxwriter.Workbook:
    """A workbook that writes text as text; small ones (not constant_memory) stay in memory, large
    ones keep their rows in files in ``tmpdir`` (one of ours, so a killed run's are found).
    ``kind`` (``KIND_SUMMARY``...) goes into its keywords: it is known later as ours, and what.
    ``book_class``: a subclass of ours (the templates' faster one, ``write/fastbook.py``)."""
    book = (book_class or _Workbook)(
        path,
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "constant_memory": constant_memory,
            "in_memory": not constant_memory,
            "default_date_format": "yyyy-mm-dd",
            **({"tmpdir": str(tmpdir)} if tmpdir is not None else {}),
        },
    )
    book.set_properties({"created": fixed_time(), "comments": MARK, **({"keywords": kind_mark(kind)} if kind else {})})
    return book


def add_note(sheet: Any, row: int, col: int, text: str) -> None:
    """A cell note (comment), also on a row already written out in constant-memory mode.

    xlsxwriter's ``write_comment`` refuses rows above the one being written there, and a note
    on a row not yet written trips its row stream; yet notes are only written when the workbook
    closes, so storing one directly is safe.
    """
    sheet.has_vml = True
    sheet.has_comments = True
    sheet.comments[row][col] = CommentType(row, col, text, {"x_scale": 2, "y_scale": 1.5})


def column_width(field: FieldSpec, samples: list[Any], lang: Lang) -> float:
    if field.width:
        return field.width
    longest = max([text_width(field.heading(lang))] + [text_width(_shown(s)) for s in samples])
    if field.kind.wraps:
        return float(min(max(longest + 2, 10), 50))
    return float(min(max(longest + 2, 9), 24))


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def write_value(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write a typed value; text is always written as text (never a formula, URL or number).

    The summary writes hundreds of thousands of cells: the worksheet's row/column methods are
    called directly, skipping the public methods' A1-notation wrapper.
    """
    if value is None or value == "":
        sheet._write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet._write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet._write_number(row, col, value, fmt)
    elif isinstance(value, str):
        sheet._write_string(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        sheet._write_datetime(row, col, when, fmt)
    else:
        sheet._write_string(row, col, str(value), fmt)


def row_height(cells: list[tuple[Any, float]], line_height: float = 14.5, scale: float = 1.0) -> float | None:
    """Height (points) that shows all wrapped text of a row, or None when one line fits.

    Spreadsheet programs do not grow rows for wrapped text written by xlsxwriter, so the height
    is set from the text width of each cell and its column width; ``scale`` is the font size
    relative to the 11-point text that column widths are measured in.
    """
    return RowHeights([w for _, w in cells], line_height, scale)([v for v, _ in cells])


class RowHeights:
    """:func:`row_height` for many rows of the same columns (the summary's 明细 has 40,000)."""

    def __init__(self, widths: list[float], line_height: float = 14.5, scale: float = 1.0) -> None:
        self.line_height = line_height
        self.scale = scale
        # Characters per line, and the length below which a text surely fits on one line (every
        # character at most two units wide): most cells are decided by that alone.
        self.columns = [((w - 1.5) / (2 * scale), int(max(w - 1.5, 1.0))) for w in widths]
        self.seen: dict[tuple[str, int], int] = {}  # (text, column) -> its lines: 明细 repeats texts

    def __call__(self, values: list[Any]) -> float | None:
        lines = 1
        scale = self.scale
        seen = self.seen
        for column, (value, (short, usable)) in enumerate(zip(values, self.columns, strict=True)):
            if value.__class__ is not str or (len(value) < short and "\n" not in value):
                continue
            count = seen.get((value, column))
            if count is None:
                if "\n" in value:
                    count = sum(max(1, -(-int(text_width(line) * scale) // usable)) for line in value.split("\n"))
                else:
                    count = max(1, -(-int(text_width(value) * scale) // usable))
                if len(seen) > 50_000:  # a texts' cache, not a copy of every text of a province
                    seen.clear()
                seen[value, column] = count
            if count > lines:
                lines = count
        if lines == 1:
            return None
        return min(409.0, lines * self.line_height + 3)
