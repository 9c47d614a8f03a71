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
    "unique_filenames",
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


# Names Windows keeps for devices, whatever the extension ("nul.txt.xlsx" is NUL too).
_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]}
)
NAME_CHARS = 150  # a file name's characters: room left for the folders of a Windows path (260)
NAME_BYTES = 200  # its UTF-8 bytes (255 at most on Linux/macOS), with room for ".tmp-" names


def sanitise_filename(stem: str, suffix: str = "") -> str:
    """``stem + suffix`` as a file name every system accepts: no path separators, reserved or
    control characters, no Windows device name, no trailing dot or space, at most
    :data:`NAME_CHARS` characters and :data:`NAME_BYTES` bytes in UTF-8.

    ``suffix`` (an extension, or ``_code.xlsx``) is kept whole: the stem is cut to make room.
    """
    suffix = _clean(suffix, "").rstrip(". ")
    room_chars = NAME_CHARS - len(suffix)
    room_bytes = NAME_BYTES - len(suffix.encode("utf-8"))
    name = _clean(stem, "._ ")[:room_chars]
    while len(name.encode("utf-8")) > room_bytes:
        name = name[: max(0, len(name) - 1 - (len(name.encode("utf-8")) - room_bytes) // 4)]
    name = name.rstrip("._ ") or "report"
    if name.split(".")[0].rstrip(" ").upper() in _DEVICE_NAMES:
        name = f"_{name}"
    return name + suffix


def _clean(text: str, strip: str) -> str:
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", text)
    return re.sub(r"\s+", "_", text).strip(strip)


def unique_filenames(wanted: list[tuple[str, str, str]], suffix: str) -> dict[str, str]:
    """key → a file name for each ``(key, stem, tag)``, no two alike on any system (letter case
    ignored): the first keeps ``stem + suffix``, a later one that would clash gets ``_tag`` too
    (then a number)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for key, stem, tag in wanted:
        name = sanitise_filename(stem, suffix)
        number = 1
        while name.lower() in taken:
            extra = f"_{tag}" if number == 1 else f"_{tag}_{number}"
            name = sanitise_filename(stem, extra + suffix)
            number += 1
        taken.add(name.lower())
        names[key] = name
    return names


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
