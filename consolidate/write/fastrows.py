"""Whole rows of a constant-memory xlsxwriter worksheet, rendered straight to sheet XML.

The summary writes hundreds of thousands of cells. Through xlsxwriter's cell methods each one
costs about 10 µs of Python (a cell tuple stored, then escaped and written when its row is
flushed, several regular expressions per string); here a row is rendered in one pass with one
regular expression per text cell, about 1 µs a cell.

The XML is what xlsxwriter itself writes for the same cells in constant-memory mode (inline
strings, ``_xHHHH_`` escapes, ``xml:space="preserve"``, ``%.16G`` numbers, Excel serial dates,
formulas with their cached values), and ``tests/test_fastrows.py`` holds the two byte for byte
against each other. One deliberate difference: xlsxwriter copies a text that starts with ``<r>``
and ends with ``</r>`` into the file unescaped, as a rich string, so a return containing such a
text would corrupt the summary; here every text is escaped.

The rows go into the worksheet's own row stream (xlsxwriter's ``row_data_fh``), so the rest of the
sheet (columns, panes, filters, conditional formats, print setup) is still written by xlsxwriter.
Those are private parts of XlsxWriter 3; :func:`supported` checks they are there and the caller
falls back to the cell methods when they are not.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from xlsxwriter.utility import xl_col_to_name

# Anything that needs more than copying the text: XML specials, control characters, a literal
# "_xHHHH_" (escaped again so it is not read as an escape), Excel's two non-characters, and
# whitespace at either end (which needs xml:space="preserve").
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s\Z")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_MAX_TEXT = 32767  # UTF-16 units in one cell
_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


def _no_shared_strings(text: str) -> int:
    raise AssertionError("no shared string table")


def _shareable(text: str) -> bool:
    """Whether :meth:`RowWriter.render` writes a (non-empty) text of a shared column as a shared
    string: the same test as in its loop."""
    return len(text) <= _MAX_TEXT // 2 and not text.startswith("<r>") and "\x01" not in text


def supported(sheet: Any) -> bool:
    """True when ``sheet`` is a constant-memory worksheet whose row stream can be written to."""
    return bool(getattr(sheet, "constant_memory", False)) and all(
        hasattr(sheet, name)
        for name in (
            "row_data_fh",
            "previous_row",
            "_write_single_row",
            "_check_dimensions",
            "_prepare_formula",
            "_convert_date_time",
        )
    )


def _escape(text: str) -> tuple[str, bool]:
    """Text as xlsxwriter writes it into ``<t>``, and whether it needs xml:space="preserve"."""
    if len(text) > _MAX_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) > 2 * _MAX_TEXT:
        text = text.encode("utf-16-le", "surrogatepass")[: 2 * _MAX_TEXT].decode("utf-16-le", "ignore")
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = _EDGE_SPACE.search(text) is not None
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), preserve


def _escape_formula(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Formula:
    """A formula cell: its text (with or without the leading ``=``) and its cached value."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: Any = "") -> None:
        self.text = text
        self.value = value


class Styled:
    """A cell in a format of its own (instead of its column's): a value or a :class:`Formula`."""

    __slots__ = ("fmt", "value")

    def __init__(self, value: Any, fmt: Any) -> None:
        self.value = value
        self.fmt = fmt


class RowWriter:
    """Writes rows of one worksheet, every cell of column ``c`` in format ``formats[c]``.

    Rows must come in increasing order, after anything written through xlsxwriter above them.
    """

    def __init__(self, sheet: Any, formats: Sequence[Any], shared: Sequence[bool] = ()) -> None:
        self.sheet = sheet
        self.formats = formats
        self.columns: list[tuple[str, str, bool]] = []
        # Columns whose texts repeat go into the workbook's shared strings (as Excel itself stores
        # every text): 明细's XML shrinks by a quarter, the summary file by about 15 %.
        self.shared = [bool(flag) for flag in shared] + [False] * (len(formats) - len(shared))
        self.strings = getattr(getattr(sheet, "str_table", None), "_get_shared_string_index", None)

    def write(self, first0: int, rows: Iterable[tuple[Sequence[Any], float | None]]) -> int:
        """Write ``(values, height)`` rows from zero-based row ``first0`` on.

        A height is in points; None leaves the row at the default height.

        Returns the number of rows written.
        """
        self.start(first0)
        count = 0
        for chunk, rendered in self.render(first0, rows):
            self.sheet.row_data_fh.write(chunk)
            count += rendered
        self.finish(first0, count)
        return count

    def start(self, first0: int) -> None:
        """Before the first row: what xlsxwriter still holds (the header row) goes out first."""
        self.sheet._write_single_row(first0)
        # Formats are numbered in the order cells first use them, as xlsxwriter does.
        self.columns = [
            (f'<c r="{xl_col_to_name(c)}', f' s="{fmt._get_xf_index()}"', self.shared[c] and self.strings is not None)
            for c, fmt in enumerate(self.formats)
        ]

    def finish(self, first0: int, count: int) -> None:
        """After the last row: the sheet's extent, and nothing left for xlsxwriter to write."""
        if count:
            self.sheet._check_dimensions(first0, 0)
            self.sheet._check_dimensions(first0 + count - 1, len(self.columns) - 1)
            self.sheet._write_single_row(first0 + count)

    def render(
        self, first0: int, rows: Iterable[tuple[Sequence[Any], float | None]], deferred: bool = False
    ) -> Iterator[tuple[str, int]]:
        """The XML of ``rows`` from row ``first0`` on, in chunks: (text, rows in it).

        ``deferred``: shared texts are left as ``\x01text\x01`` for :meth:`resolve` (a forked
        process renders them: the numbers must be given in order by the process writing the file).
        """
        out: list[str] = []
        append = out.append
        strings: Callable[[str], int] = self.strings or _no_shared_strings  # only for shared columns
        r = first0
        done = first0
        for row, height in rows:
            n = str(r + 1)
            if height is None:
                append(f'<row r="{n}">')
            else:
                append(f'<row r="{n}" ht="{int(height * 4.0 / 3.0 + 0.5) * 0.75:.16g}" customHeight="1">')
            for (cell, style, shared), value in zip(self.columns, row, strict=False):
                kind = value.__class__
                if kind is str:
                    if not value:
                        append(f'{cell}{n}"{style}/>')
                    elif (
                        shared and len(value) <= _MAX_TEXT // 2 and not value.startswith("<r>") and "\x01" not in value
                    ):
                        index = f"\x01{value}\x01" if deferred else strings(value)
                        append(f'{cell}{n}"{style} t="s"><v>{index}</v></c>')
                    elif _SPECIAL.search(value) is None and len(value) <= _MAX_TEXT // 2:
                        append(f'{cell}{n}"{style} t="inlineStr"><is><t>{value}</t></is></c>')
                    else:
                        text, preserve = _escape(value)
                        space = ' xml:space="preserve"' if preserve else ""
                        append(f'{cell}{n}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
                elif kind is int or (kind is float and math.isfinite(value)):
                    append(f'{cell}{n}"{style}><v>{value:.16G}</v></c>')
                elif value is None or kind is float:
                    append(f'{cell}{n}"{style}/>')  # NaN and infinity have no cell value in Excel
                else:
                    append(self._other(f"{cell}{n}", style, value))
            append("</row>")
            r += 1
            if len(out) > 4096:
                yield "".join(out), r - done
                out.clear()
                done = r
        if out:
            yield "".join(out), r - done

    def number_ahead(self, rows: Iterable[Sequence[Any]]) -> bool:
        """Every shared text of ``rows`` (the values of the shared columns of each row, in column
        order) numbered now, in the order :meth:`render` would meet them; their uses are still
        counted as they are rendered. Then two processes can render parts of the rows at once,
        each numbering as it goes, and number alike. False (nothing done) when no column is shared."""
        table = getattr(self.sheet, "str_table", None)
        if table is None or self.strings is None or not any(self.shared):
            return False
        known = table.string_table
        number = table._get_shared_string_index
        seen: set[str] = set()
        asked = 0
        for values in rows:
            for value in values:
                if value.__class__ is str and value not in seen:
                    seen.add(value)
                    if value and value not in known and _shareable(value):
                        number(value)
                        asked += 1
        table.count -= asked  # numbered, not used: render counts each use
        return True

    def resolve(self, chunk: str) -> str:
        """Number the shared texts of a deferred chunk, in order (as :meth:`render` would have)."""
        strings = self.strings
        if strings is None or "\x01" not in chunk:
            return chunk
        # Texts holding \x01 are never deferred (see render): the marks pair up, texts between.
        parts = chunk.split("\x01")
        parts[1::2] = [str(strings(text)) for text in parts[1::2]]
        return "".join(parts)

    def _other(self, cell: str, style: str, value: Any) -> str:
        """``cell`` is the tag's start up to the reference: ``<c r="B7``."""
        if isinstance(value, bool):
            return f'{cell}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'{cell}"{style}><v>{value:.16G}</v></c>'
        if isinstance(value, dt.datetime | dt.date):
            when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            serial = self.sheet._convert_date_time(when)
            return f'{cell}"{style}><v>{serial:.16G}</v></c>'
        if isinstance(value, Formula):
            return self._formula(cell, style, value)
        if isinstance(value, Styled):
            own = f' s="{value.fmt._get_xf_index()}"'
            if value.value is None or value.value == "":
                return f'{cell}"{own}/>'
            return self._other(cell, own, value.value)
        text, preserve = _escape(str(value))
        space = ' xml:space="preserve"' if preserve else ""
        return f'{cell}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def _formula(self, cell: str, style: str, value_cell: Formula) -> str:
        value = value_cell.value
        kind = ""
        if isinstance(value, bool):
            kind, value = ' t="b"', int(value)
        elif isinstance(value, str):
            # An empty result is text too: without a type it reads as the number 0.
            kind = ' t="e"' if value in _ERROR_VALUES else ' t="str"'
        formula = _escape_formula(self.sheet._prepare_formula(value_cell.text))
        return f'{cell}"{style}{kind}><f>{formula}</f><v>{_escape_formula(value)}</v></c>'
