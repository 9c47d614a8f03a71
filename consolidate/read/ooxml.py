"""Look inside .xlsx packages before python-calamine reads them.

calamine allocates a dense grid from a sheet's extent: one stray cell at XFD1048576 (or a
dimension claiming it) asks for hundreds of GB and aborts the whole process, with no Python
exception to catch. So a worksheet's cell references are scanned before it is read; a sheet whose extent
is too large is read here, sparsely, and the far-away cells are reported instead of allocated.
The same pass finds what calamine does not tell: hidden rows, formulas without a stored value,
and the workbook's own save time. XML is parsed with defusedxml.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as StdElementTree

from defusedxml import ElementTree

from ..common import col_index, xl_col_to_name
from ..text import Msg
from .sources import Unreadable, package_problem

MAX_CELLS = 5_000_000  # rows x columns calamine may allocate for one sheet
SPARSE_ROWS = 200_000  # a sparse read keeps rows and columns up to these limits
SPARSE_COLS = 500

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
}
# Cell and row references, written as any XML parser (and so calamine) accepts them: either
# quote, space around "=", any letter case, any number of digits. Rows have digits only. Any
# attribute ending in "r" is taken too (the search starts at the letter, twice as fast as at the
# space before it): a value that looks like a reference, as a text may, only overstates the
# extent, which sends the sheet to the sparse reader.
_REF = re.compile(rb"""r\s*=\s*(["'])\s*([A-Za-z]{0,8})([0-9]+)\s*\1""")
# A reference far enough away for the extent to matter: a column of three letters or more, or a
# row of four digits or more (any match of _REF that is has this at its start). Without one a
# sheet is at most 999 rows by 702 columns, well within MAX_CELLS, and its references need not be
# gathered: a search stops at nothing, but findall builds a tuple per cell (most of the scan).
_FAR_REF = re.compile(rb"""r\s*=\s*["']\s*(?:[A-Za-z]{3,8}[0-9]|[A-Za-z]{0,2}[0-9]{4})""")
_NEAR_ROWS, _NEAR_COLUMNS = 999, 702
_DIMENSION = re.compile(
    rb"""<dimension\b[^>]*?\bref\s*=\s*["']\s*([A-Za-z]*)([0-9]*)(?::([A-Za-z]*)([0-9]*))?\s*["']"""
)
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_ROW_REV = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="([0-9]+)"')
_HUGE = 10**12  # a row number or column this far away is only "too far"
_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_COUNT = re.compile(rb"""\s(?:uniqueCount|count)\s*=\s*["']\s*([0-9]*)\s*["']""")
# A formula cell whose value is missing or empty. Excel, WPS, LibreOffice, openpyxl and
# xlsxwriter all write r as the first attribute of <c>, which keeps this scan linear.
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v>\s*</v>\s*|<v\s*/>\s*)?</c>'
)
# A cell holding an error value (#DIV/0!, #N/A...): calamine reads these as empty strings.
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*?\bt="e"[^>]*>(?:\s*<f\b[^>]*?(?:/>|>[^<]*</f>))?\s*<v>([^<]*)</v>'
)
_NO_VALUE_HINTS = (b"</f></c>", b"<v></v>", b"<v/>", b"<v />", b"/></c>")


@dataclass
class SheetInfo:
    name: str
    part: str
    max_row: int = 0  # 1-based extent from the cell references; for a sheet with no far reference
    max_col: int = 0  # (_FAR_REF), only its bound: 999 rows by 702 columns
    hidden_rows: set[int] = field(default_factory=set)
    formulas: dict[str, str] = field(default_factory=dict)  # A1 -> formula text, no stored value
    errors: dict[str, str] = field(default_factory=dict)  # A1 -> error value such as #DIV/0!
    scanned: bool = False

    @property
    def too_large(self) -> bool:
        return self.max_row * self.max_col > MAX_CELLS


@dataclass
class PackageInfo:
    sheets: list[SheetInfo]
    saved: dt.datetime | None
    repaired: bytes | None = None  # the package with its shared strings' counts taken out
    archive: zipfile.ZipFile | None = None  # the package, for the sheets scanned as they are read

    def scanned(self, sheet: SheetInfo) -> SheetInfo:
        """``sheet`` scanned (once), before calamine is let near it."""
        if not sheet.scanned and self.archive is not None:
            try:
                _scan(sheet, self.archive.read(sheet.part))
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise Unreadable(Msg("read.damaged", error=exc)) from None
        sheet.scanned = True
        return sheet


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) <= 12 else _HUGE


def _column(letters: bytes) -> int:
    """1-based column of letters in any case (0 for none)."""
    return col_index(letters.decode("ascii")) + 1 if letters else 0


def inspect(data: bytes, archive: zipfile.ZipFile | None = None) -> PackageInfo:
    """What calamine is not told: the sheets' extents, hidden rows, formulas without values...
    ``archive``: ``data`` already opened (by the check whether it is one of our outputs).
    Each sheet is scanned by :meth:`PackageInfo.scanned` just before it is read (a template's
    return is read for two of its sheets: the others need no scan)."""
    try:
        archive = archive or zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(Msg("read.damaged", error=exc)) from None
    problem = package_problem(infos, archive=False)
    if problem is not None:
        raise Unreadable(problem)
    try:
        sheets = _sheet_parts(archive)
        saved = _saved(archive)
        repaired = _strings_repaired(archive, data)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise Unreadable(Msg("read.damaged", error=exc)) from None
    except ElementTree.ParseError as exc:
        raise Unreadable(Msg("read.bad_xml", error=exc)) from None
    except Exception as exc:  # defusedxml's refusals (entities, external references)
        raise Unreadable(Msg("read.unsafe_xml", kind=type(exc).__name__)) from None
    return PackageInfo(sheets, saved, repaired, archive)


def _sheet_parts(archive: zipfile.ZipFile) -> list[SheetInfo]:
    names = set(archive.namelist())
    parts = _parts(archive.read("xl/workbook.xml"), archive.read("xl/_rels/workbook.xml.rels"))
    return [SheetInfo(name, part) for name, part in parts if part in names]


@functools.lru_cache(maxsize=32)
def _parts(workbook_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str], ...]:
    """(sheet name, its part) in the workbook's order. The returns of one template share these
    two parts byte for byte: they are parsed once for all of them."""
    workbook = _xml(workbook_xml)
    rels = _xml(rels_xml)
    targets = {}
    for rel in rels.findall("rel:Relationship", _NS):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = part
    out = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        if rid in targets:
            out.append((sheet.get("name", ""), targets[rid]))
    return tuple(out)


def _xml(data: bytes) -> Any:
    """A small part's XML. Without a document type (no "<!" anywhere: no DTD, so no entity to
    expand or fetch) the standard library's parser is as safe as defusedxml and four times
    faster; anything else goes through defusedxml."""
    if b"<!" not in data:
        return StdElementTree.fromstring(data)
    return ElementTree.fromstring(data)


def _scan(sheet: SheetInfo, xml: bytes) -> None:
    # The largest row number, and the widest of the distinct column letters.
    refs = _REF.findall(xml) if _FAR_REF.search(xml) is not None else None
    if refs is None:  # nothing far: the extent is at most that, and exactly how small does not matter
        sheet.max_row, sheet.max_col = max(sheet.max_row, _NEAR_ROWS), max(sheet.max_col, _NEAR_COLUMNS)
    elif refs:
        _, columns, rows = map(set, zip(*refs, strict=True))  # transposed in C: a sheet has thousands
        longest = max(map(len, rows))
        sheet.max_row = max(sheet.max_row, _HUGE if longest > 12 else max(map(int, rows)))
        # The widest letters are the last column (by length, then alphabetically in any case).
        sheet.max_col = max(sheet.max_col, _column(max(columns, key=lambda c: (len(c), c.upper()))))
    dimension = _DIMENSION.search(xml[:4096])
    if dimension:
        letters, digits = (
            (dimension.group(3), dimension.group(4)) if dimension.group(3) else (dimension.group(1), dimension.group(2))
        )
        if letters and digits:
            # calamine sizes its grid from the dimension too: count it as extent.
            sheet.max_row = max(sheet.max_row, _number(digits))
            sheet.max_col = max(sheet.max_col, _column(letters))
    if b'hidden="' in xml:
        sheet.hidden_rows = {int(r) for r in _HIDDEN_ROW.findall(xml)} | {int(r) for r in _HIDDEN_ROW_REV.findall(xml)}
    if b't="e"' in xml:
        sheet.errors = {ref.decode(): value.decode("utf-8", "replace") for ref, value in _ERROR_CELL.findall(xml)}
    if b"<f" in xml and any(hint in xml for hint in _NO_VALUE_HINTS):
        for ref, formula in _FORMULA_NO_VALUE.findall(xml):
            sheet.formulas[ref.decode()] = "=" + _unescape(formula.decode("utf-8", "replace"))


def _strings_repaired(archive: zipfile.ZipFile, data: bytes) -> bytes | None:
    """The package again when its shared strings claim more strings than the part could hold.

    calamine reserves room for ``uniqueCount`` strings before reading one: a count of two
    billion aborts the process. The counts are only a hint, so they are dropped.
    """
    name = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return None
    size = archive.getinfo(name).file_size
    with archive.open(name) as part:
        root = _SST.search(part.read(4096))
    # Each string takes at least "<si/>" (5 bytes).
    if root is None or not any(_number(c or b"0") > size // 5 + 1 for c in _COUNT.findall(root[0])):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == name:
                start = _SST.search(content)
                if start is not None:
                    content = content[: start.start()] + _COUNT.sub(b"", start[0]) + content[start.end() :]
            target.writestr(info, content)
    return out.getvalue()


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _saved(archive: zipfile.ZipFile) -> dt.datetime | None:
    """dcterms:modified of docProps/core.xml (UTC), as local time.

    None when it equals dcterms:created: a template no program saved again still carries the
    time it was made, which says nothing about when the unit filled it in.
    """
    if "docProps/core.xml" not in archive.namelist():
        return None
    core = _xml(archive.read("docProps/core.xml"))
    when = _core_time(core, "dcterms:modified")
    if when is None or when == _core_time(core, "dcterms:created"):
        return None
    return when


def _core_time(core: Any, tag: str) -> dt.datetime | None:
    node = core.find(tag, _NS)
    if node is None or not node.text:
        return None
    try:
        when = dt.datetime.fromisoformat(node.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0)


def read_sparse(data: bytes, sheet: SheetInfo) -> tuple[list[list[Any]], list[tuple[str, Any]]]:
    """Cells of one oversized sheet: the grid up to the sparse limits, and the cells beyond it.

    Rows are only as long as their last cell, so memory follows the cells there are, not the
    extent they claim. References are read as the scan reads them (any case, any row number);
    a cell without one follows the one before it, as in a spreadsheet program.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    strings = _shared_strings(archive)
    cells: dict[tuple[int, int], Any] = {}
    stray: list[tuple[str, Any]] = []
    row_tag, cell_tag = f"{{{_NS['m']}}}row", f"{{{_NS['m']}}}c"
    row, col = 0, -1
    for event, element in ElementTree.iterparse(io.BytesIO(archive.read(sheet.part)), events=("start", "end")):
        if element.tag == row_tag:
            if event == "start":
                given = re.fullmatch(r"\s*([0-9]+)\s*", element.get("r", ""))
                row, col = (_number(given[1].encode()) - 1 if given else row + 1), -1
            else:
                element.clear()
            continue
        if event != "end" or element.tag != cell_tag:
            continue
        match = re.fullmatch(r"\s*([A-Za-z]{1,8})([0-9]+)\s*", element.get("r", ""))
        if match is not None:
            row, col = _number(match[2].encode()) - 1, _column(match[1].encode()) - 1
        else:
            col += 1
        value = _cell_value(element, strings)
        element.clear()
        if value is None or value == "":
            continue
        if 0 <= row < SPARSE_ROWS and col < SPARSE_COLS:
            cells[(row, col)] = value
        else:
            stray.append((f"{xl_col_to_name(col) if col < 16384 else '?'}{row + 1}", value))
    grid: list[list[Any]] = [[] for _ in range(max((r for r, _ in cells), default=-1) + 1)]
    for (r, c), value in sorted(cells.items()):
        line = grid[r]
        line.extend([""] * (c - len(line)))
        line.append(value)
    return grid, stray


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root.findall("m:si", _NS)]


def _cell_value(element: Any, strings: list[str]) -> Any:
    kind = element.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in element.iter(f"{{{_NS['m']}}}t"))
    node = element.find("m:v", _NS)
    text = node.text if node is not None else None
    if text is None:
        return None
    if kind == "s":
        index = _number(text.strip().encode()) if text.strip().isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "b":
        return text == "1"
    if kind in ("str", "e", "d"):
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number
