"""Small neutral helpers every stage needs: names compared loosely, values as text, cell
references, safe file names, atomic output. Nothing here knows a stage; every stage may use it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

__all__ = [
    "META_SHEET",
    "RECEIVED_LOG",
    "atomic_output",
    "col_index",
    "decode_text",
    "normalise",
    "number_text",
    "ref_row",
    "sanitise_filename",
    "shown",
    "split_ref",
    "tidy_number",
    "xl_col_to_name",
    "xl_rowcol_to_cell",
]

# The very-hidden sheet of every template: report id, unit, layout and the packed spec.
META_SHEET = "_consolidate"
# Received times of returns collected by e-mail, relative to the returns folder (see read.received).
RECEIVED_LOG = Path(".consolidate") / "received.json"


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Compare labels loosely: full/half width, spaces, line breaks and brackets ignored."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s\u3000（）()【】\[\]]+", "", text).lower()


def number_text(value: Any) -> str:
    """A value as text, a whole float without its ``.0`` (120.0 → "120")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shown(raw: Any) -> str:
    """A value as the unit typed it, for messages: 120.0 → "120", a date at midnight → its day."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def tidy_number(value: float | int, digits: int | None = None) -> float | int:
    """Whole floats become ints so that 120.0 reads and sums as 120; others are rounded to
    ``digits`` when given (a sum of many floats, where the last bits are only noise)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        if digits is not None:
            return round(value, digits)
    return value


def col_index(letters: str) -> int:
    """0-based column of ``A``, ``AB``... (upper or lower case)."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def split_ref(ref: str) -> tuple[str, int]:
    """``"AB12"`` → ``("AB", 12)``; a reference without digits has row 0."""
    letters = "".join(c for c in ref if c.isalpha())
    digits = "".join(c for c in ref if c.isdigit())
    return letters, int(digits) if digits else 0


def ref_row(ref: str) -> int:
    """The 1-based row of an A1 reference (0 when there is none)."""
    return split_ref(ref)[1]


def sanitise_filename(name: str) -> str:
    """A file name every system accepts: no path separators, reserved or control characters."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name)
    name = re.sub(r"\s+", "_", name).strip("._ ")
    return name[:150] or "report"


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 (with or without BOM),
    else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


@contextmanager
def atomic_output(path: Path) -> Iterator[str]:
    """Yield a temporary path next to ``path``; rename it into place only if writing succeeded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
