"""Size checks for .ods and .xls before python-calamine loads them.

calamine keeps a sheet as a dense grid (about 120 bytes a cell once loaded): a few cells far
apart, or one value repeated over 16,384 columns with ``number-columns-repeated``, can ask for
gigabytes and end the whole process. The extent of the cells that hold a value is computed here
first, from the package's XML (with defusedxml) or the BIFF records, and an oversized sheet
refuses the file with a clear reason. (.xlsx packages are checked by :mod:`consolidate.ooxml`.)
"""

from __future__ import annotations

import io
import struct
import zipfile

from defusedxml import ElementTree

from ..text import Msg
from .ooxml import MAX_CELLS
from .sources import Unreadable, package_problem

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def check_ods(data: bytes) -> None:
    """Raise Unreadable when a sheet's valued cells span more than MAX_CELLS."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        problem = package_problem(archive.infolist(), archive=False)
        if problem is not None:
            raise Unreadable(problem)
        content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise Unreadable(Msg("read.damaged", error=exc)) from None
    sheet, row, max_row, max_col = "", 0, 0, 0
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = element.tag
            if event == "start" and tag == f"{{{_TABLE}}}table":
                sheet, row, max_row, max_col = element.get(f"{{{_TABLE}}}name", ""), 0, 0, 0
            elif event == "end" and tag == f"{{{_TABLE}}}table-row":
                repeat = int(element.get(f"{{{_TABLE}}}number-rows-repeated", "1"))
                col, width = 0, 0
                for cell in element:
                    span = int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1"))
                    col += span
                    if cell.get(f"{{{_OFFICE}}}value-type") or len(cell):
                        width = col
                if width:
                    max_row, max_col = row + repeat, max(max_col, width)
                    if max_row * max_col > MAX_CELLS:
                        raise Unreadable(Msg("read.sheet_too_large", sheet=sheet, rows=max_row, cols=max_col))
                row += repeat
                element.clear()
    except ElementTree.ParseError as exc:
        raise Unreadable(Msg("read.bad_xml", error=exc)) from None
    except Unreadable:
        raise
    except ValueError as exc:
        raise Unreadable(Msg("read.bad_content", error=exc)) from None
    except Exception as exc:  # defusedxml's refusals (entities, external references)
        raise Unreadable(Msg("read.unsafe_xml", kind=type(exc).__name__)) from None


# BIFF8 records that hold a value, each starting with row (u16) and column (u16).
_VALUE_RECORDS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x00D6})
_MULRK, _BOF = 0x00BD, 0x0809


def check_xls(stream: bytes) -> None:
    """The same check over the Workbook stream of an .xls (BIFF8) file."""
    pos, sheet, max_row, max_col = 0, 0, 0, 0
    end = len(stream)
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if kind == _BOF:
            sheet, max_row, max_col = sheet + 1, 0, 0
        elif (kind in _VALUE_RECORDS or kind == _MULRK) and size >= 4 and body + size <= end:
            row, col = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, body + size - 2)[0] if kind == _MULRK else col
            max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
            if max_row * max_col > MAX_CELLS:
                # The first BOF opens the workbook globals; sheets are numbered from the second.
                where = Msg("read.nth_sheet", n=sheet - 1)
                raise Unreadable(Msg("read.sheet_too_large", sheet=where, rows=max_row, cols=max_col))
        pos = body + size
