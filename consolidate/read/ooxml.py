"""Look inside .xlsx packages before python-calamine reads them.

calamine allocates a dense grid from a sheet's extent: one stray cell at XFD1048576 (or a
dimension claiming it) asks for hundreds of GB and aborts the whole process, with no Python
exception to catch. So every worksheet's cell references are scanned first; a sheet whose extent
is too large is read here, sparsely, and the far-away cells are reported instead of allocated.
The same pass finds what calamine does not tell: hidden rows, formulas without a stored value,
and the workbook's own save time. XML is parsed with defusedxml.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree

from ..common import col_index
from ..text import Msg
from .sources import Unreadable, package_problem

MAX_CELLS = 5_000_000  # rows x columns calamine may allocate for one sheet
MAX_ROWS = 1_048_576
SPARSE_ROWS = 200_000  # a sparse read keeps rows and columns up to these limits
SPARSE_COLS = 500

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
}
# Cell references (rows have r="digits" only; other attributes are "ref"/"sqref": no match).
_REF_ROW = re.compile(rb' r="[A-Z]{1,3}([0-9]{1,7})"')
_REF_COL = re.compile(rb' r="([A-Z]{1,3})[0-9]{1,7}"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\bref="([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?"')
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_ROW_REV = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="([0-9]+)"')
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
    max_row: int = 0  # 1-based extent from the cell references
    max_col: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    formulas: dict[str, str] = field(default_factory=dict)  # A1 -> formula text, no stored value
    errors: dict[str, str] = field(default_factory=dict)  # A1 -> error value such as #DIV/0!

    @property
    def too_large(self) -> bool:
        return self.max_row * self.max_col > MAX_CELLS


@dataclass
class PackageInfo:
    sheets: list[SheetInfo]
    saved: dt.datetime | None


def inspect(data: bytes) -> PackageInfo:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(Msg("read.damaged", error=exc)) from None
    problem = package_problem(infos, archive=False)
    if problem is not None:
        raise Unreadable(problem)
    try:
        sheets = _sheet_parts(archive)
        for sheet in sheets:
            _scan(sheet, archive.read(sheet.part))
        saved = _saved(archive)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise Unreadable(Msg("read.damaged", error=exc)) from None
    except ElementTree.ParseError as exc:
        raise Unreadable(Msg("read.bad_xml", error=exc)) from None
    except Exception as exc:  # defusedxml's refusals (entities, external references)
        raise Unreadable(Msg("read.unsafe_xml", kind=type(exc).__name__)) from None
    return PackageInfo(sheets, saved)


def _sheet_parts(archive: zipfile.ZipFile) -> list[SheetInfo]:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.findall("rel:Relationship", _NS):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = part
    sheets = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        if rid in targets and targets[rid] in archive.namelist():
            sheets.append(SheetInfo(sheet.get("name", ""), targets[rid]))
    return sheets


def _scan(sheet: SheetInfo, xml: bytes) -> None:
    # The largest row number, and the widest of the distinct column letters: both in C.
    rows = _REF_ROW.findall(xml)
    if rows:
        sheet.max_row = max(sheet.max_row, max(map(int, rows)))
        sheet.max_col = max(sheet.max_col, max(col_index(c.decode()) for c in set(_REF_COL.findall(xml))) + 1)
    dimension = _DIMENSION.search(xml[:4096])
    if dimension:
        letters, digits = (
            (dimension.group(3), dimension.group(4)) if dimension.group(3) else (dimension.group(1), dimension.group(2))
        )
        if letters and digits:
            # calamine sizes its grid from the dimension too: count it as extent.
            sheet.max_row = max(sheet.max_row, int(digits))
            sheet.max_col = max(sheet.max_col, col_index(letters.decode()) + 1)
    if b'hidden="' in xml:
        sheet.hidden_rows = {int(r) for r in _HIDDEN_ROW.findall(xml)} | {int(r) for r in _HIDDEN_ROW_REV.findall(xml)}
    if b't="e"' in xml:
        sheet.errors = {ref.decode(): value.decode("utf-8", "replace") for ref, value in _ERROR_CELL.findall(xml)}
    if b"<f" in xml and any(hint in xml for hint in _NO_VALUE_HINTS):
        for ref, formula in _FORMULA_NO_VALUE.findall(xml):
            sheet.formulas[ref.decode()] = "=" + _unescape(formula.decode("utf-8", "replace"))


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
    core = ElementTree.fromstring(archive.read("docProps/core.xml"))
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
    """Cells of one oversized sheet: the grid up to the sparse limits, and the cells beyond it."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    strings = _shared_strings(archive)
    cells: dict[tuple[int, int], Any] = {}
    stray: list[tuple[str, Any]] = []
    for _, element in ElementTree.iterparse(io.BytesIO(archive.read(sheet.part)), events=("end",)):
        if element.tag != f"{{{_NS['m']}}}c":
            continue
        ref = element.get("r", "")
        match = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", ref)
        if match is None:
            element.clear()
            continue
        value = _cell_value(element, strings)
        element.clear()
        if value is None or value == "":
            continue
        row, col = int(match[2]) - 1, col_index(match[1])
        if row < SPARSE_ROWS and col < SPARSE_COLS:
            cells[(row, col)] = value
        else:
            stray.append((ref, value))
    height = max((r for r, _ in cells), default=-1) + 1
    width = max((c for _, c in cells), default=-1) + 1
    grid: list[list[Any]] = [[""] * width for _ in range(height)]
    for (row, col), value in cells.items():
        grid[row][col] = value
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
        index = int(text)
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
