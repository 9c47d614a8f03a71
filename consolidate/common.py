"""Small neutral helpers every stage needs: names compared loosely, values as text, cell
references, safe file names, atomic output. Nothing here knows a stage; every stage may use it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import hashlib
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "BACKUP_ROOM",
    "KIND_DOCUMENT",
    "KIND_FORM",
    "KIND_SPEC",
    "KIND_SUMMARY",
    "MARK",
    "META_SHEET",
    "RECEIVED_LOG",
    "WriteFailed",
    "atomic_output",
    "col_index",
    "decode_text",
    "free_space",
    "is_temporary",
    "kind_mark",
    "mount_point",
    "name_room",
    "normalise",
    "number_text",
    "private_temp",
    "ref_row",
    "release_files",
    "sanitise_filename",
    "shown",
    "split_ref",
    "staged_folder",
    "sweep_stale",
    "text_width",
    "tidy_number",
    "unique_filenames",
    "write_failure",
    "xl_col_to_name",
    "xl_rowcol_to_cell",
]

# The very-hidden sheet of every template: report id, unit, layout and the packed spec.
META_SHEET = "_consolidate"
# Every workbook and document we write says so in its properties: "consolidate" as its comments
# (description) and "consolidate <kind>" as its keywords, so that a file found later is known as
# ours and of which kind (see consolidate.read.ours). A PDF of the summary carries the keywords.
MARK = "consolidate"
KIND_FORM = "form"  # a template, or a feedback copy of a return: what units fill in
KIND_SUMMARY = "summary"
KIND_SPEC = "spec"
KIND_DOCUMENT = "document"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cycle collector off meanwhile (a spec read and built, a merge, a summary written).

    A province's spec, or a merge's records, are hundreds of thousands of small objects, none of
    them garbage yet: each automatic collection walks all of them again (reading 50,000 units
    took three times as long; a merge of 1,000 returns 6 % longer). Nothing they make holds a
    cycle that matters: the few (an exception and its traceback) wait for the next collection.
    Re-entrant; the collector is on again (if it was) when the outermost one ends. Worker
    processes forked meanwhile start with it off (see :func:`consolidate.merge.parse`).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def kind_mark(kind: str) -> str:
    """The keywords of a file of ours of ``kind``: ``consolidate summary``."""
    return f"{MARK} {kind}"


# Received times of returns collected by e-mail, relative to the returns folder (see read.received).
RECEIVED_LOG = Path(".consolidate") / "received.json"


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Compare labels loosely: full/half width, spaces, line breaks and brackets ignored."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s\u3000（）()【】\[\]]+", "", text).lower()


def same_text(text: Any, earlier: Any) -> bool:
    """Two texts with the same words, line ends and the spaces around lines aside."""
    return isinstance(text, str) and isinstance(earlier, str) and _lines(text) == _lines(earlier)


def text_mark(text: str) -> str:
    """A short fingerprint of a text as :func:`same_text` compares it: what a template notes of
    the text a cell starts from (``prefill: last``), to know it again unchanged in the return."""
    return hashlib.sha256("\n".join(_lines(text)).encode("utf-8")).hexdigest()[:16]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines()]


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


@functools.lru_cache(maxsize=4096)
def xl_col_to_name(col: int, col_abs: bool = False) -> str:
    """Letters of the 0-based column ``col``: 0 → ``A``, 27 → ``AB`` (``$AB`` with ``col_abs``).

    The same as xlsxwriter's (``xlsxwriter.utility``), without importing xlsxwriter where no
    workbook is written."""
    if col < 0:
        return ""
    letters = ""
    number = col + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return ("$" if col_abs else "") + letters


def xl_rowcol_to_cell(row: int, col: int, row_abs: bool = False, col_abs: bool = False) -> str:
    """The A1 reference of 0-based ``row`` and ``col`` (``$`` before the absolute parts)."""
    if row < 0 or col < 0:
        return ""
    return f"{xl_col_to_name(col, col_abs)}{'$' if row_abs else ''}{row + 1}"


def text_width(text: str) -> int:
    """Display width in Excel character units (and terminal columns): CJK and full-width
    characters count two.

    GBK encodes exactly those as two bytes and ASCII as one, so its length is the width,
    computed in C (this runs for every text cell of the summary).
    """
    return len(text.encode("gbk", errors="replace"))


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

    ``suffix`` (an extension, or ``_code.xlsx``) is kept whole when it leaves room for a stem:
    the stem is cut to make room. A suffix too long for that (a unit code of 300 characters)
    keeps its extension and its end (where ``_2`` tells names apart), losing its start.
    """
    suffix = _fit_suffix(_clean(suffix, "").rstrip(". "))
    room_chars = NAME_CHARS - len(suffix)
    room_bytes = NAME_BYTES - len(suffix.encode("utf-8"))
    name = _cut(_clean(stem, "._ "), room_chars, room_bytes).rstrip("._ ") or "report"
    if name.split(".")[0].rstrip(" ").upper() in _DEVICE_NAMES:
        name = _cut(f"_{name}", room_chars, room_bytes)
    return name + suffix


def _cut(name: str, chars: int, size: int) -> str:
    """``name`` cut at its end to at most ``chars`` characters and ``size`` bytes in UTF-8."""
    name = name[: max(chars, 0)]
    while len(name.encode("utf-8")) > size:
        name = name[: max(0, len(name) - 1 - (len(name.encode("utf-8")) - size) // 4)]
    return name


_STEM_ROOM = 8  # what a suffix leaves at least for the stem ("report" and a leading "_")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def _fit_suffix(suffix: str) -> str:
    """``suffix`` cut to leave :data:`_STEM_ROOM` characters and bytes for the stem: its
    extension kept, then as much of its end as fits (behind a ``_``)."""
    chars, size = NAME_CHARS - _STEM_ROOM, NAME_BYTES - _STEM_ROOM
    if len(suffix) <= chars and len(suffix.encode("utf-8")) <= size:
        return suffix
    match = _EXTENSION.search(suffix)
    extension = match[0] if match else ""
    middle = suffix[: len(suffix) - len(extension)]
    keep = chars - len(extension) - 1
    tail = middle[-keep:] if keep > 0 else ""
    while tail and len(f"_{tail}{extension}".encode()) > size:
        tail = tail[1:]
    return f"_{tail}{extension}" if tail else extension


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
def atomic_output(path: Path, ready: Callable[[], object] | None = None) -> Iterator[str]:
    """Yield a temporary path next to ``path``; rename it into place only if writing succeeded.

    ``ready`` is called when the temporary is complete, just before it takes ``path``'s place
    (the history's record is committed there, so that the two change together).

    The temporary's name says who made it (see :func:`sweep_stale`): one left by a run that was
    killed is removed by the next run writing into that folder. A disk that fills up, or a name
    the system refuses as too long, ends in :class:`WriteFailed` for ``path``, the temporary gone.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".tmp-{_maker()}", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        failed = write_failure(exc, path)
        if failed is None:
            raise
        raise failed from exc
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if ready is not None:
            ready()
        os.replace(tmp, path)
        if os.path.lexists(tmp):  # both names of one file already (a hard link): the rename did nothing
            os.unlink(tmp)
    except BaseException as exc:
        release_files(exc)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        failed = write_failure(exc, path, written=tmp)
        if failed is None:
            raise
        raise failed from exc


@contextmanager
def staged_folder(folder: Path, expected: int = 0) -> Iterator[Path]:
    """Files for ``folder`` written all or none: yield a temporary folder inside it; when the
    block ends without an error its files are moved into ``folder`` (a rename each), else it is
    removed with all it holds, and ``folder`` too when it was made for this. A full disk or a
    name too long ends in :class:`WriteFailed` for ``folder`` (with the room still wanted, about,
    from the size of the files done when ``expected`` says how many there were to be).

    Its name says who made it, like :func:`atomic_output`'s temporaries: one left by a run that
    was killed is removed by the next run writing into that folder.
    """
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    stage: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sweep_stale(folder)
        stage = Path(tempfile.mkdtemp(prefix=f".tmp-{_maker()}", dir=folder))
        yield stage
        for name in sorted(os.listdir(stage)):
            if not is_temporary(name):
                os.replace(stage / name, folder / name)
        shutil.rmtree(stage, ignore_errors=True)
    except BaseException as exc:
        release_files(exc)
        wanted = _still_wanted(stage, expected) if stage is not None and _is_room(exc) else None
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        for place in made:  # the folders made for this, if nothing else came into them
            with contextlib.suppress(OSError):
                place.rmdir()
        failed = write_failure(exc, folder, into=folder, written=str(stage) if stage is not None else None)
        if failed is None:
            raise
        if wanted is not None and failed.no_room and failed.free is not None and wanted > failed.free:
            failed.needed = wanted - failed.free
        raise failed from exc


def _on_disk(info: os.stat_result) -> int:
    blocks = getattr(info, "st_blocks", None)  # what the file takes, in whole blocks (POSIX)
    return max(info.st_size, blocks * 512) if blocks is not None else info.st_size


def _still_wanted(stage: Path, expected: int) -> int | None:
    """The bytes all ``expected`` files would take on the disk, judged by those finished in ``stage``."""
    try:
        done = [_on_disk(e.stat()) for e in os.scandir(stage) if e.is_file() and not is_temporary(e.name)]
    except OSError:
        return None
    if not done or expected <= 0:
        return None
    return sum(done) * expected // len(done)


@contextmanager
def private_temp(what: str) -> Iterator[Path]:
    """A folder of our own in the system's temporary folder (``consolidate-<what>-…``), removed
    afterwards; stale ones of earlier runs (killed before they could remove theirs) go first.
    When that folder's disk fills up: :class:`WriteFailed` for the temporary folder."""
    root = Path(tempfile.gettempdir())
    sweep_stale(root)
    try:
        work = Path(tempfile.mkdtemp(prefix=f"consolidate-{what}-{_maker()}", dir=root))
    except OSError as exc:
        failed = write_failure(exc, root, temporary=True)
        if failed is None:
            raise
        raise failed from exc
    try:
        yield work
    except BaseException as exc:
        release_files(exc)
        full = _is_room(exc) and _nearly_full(work)  # measured before its files go
        shutil.rmtree(work, ignore_errors=True)
        failed = write_failure(exc, root, temporary=True) if full else None
        if failed is None:
            raise
        raise failed from exc
    else:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# A full disk, a name too long: what the user is told instead of the system's error


_NO_ROOM = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None)
_NEARLY_FULL = 1 << 20  # bytes: a disk with less than this left is the one that filled up
BACKUP_ROOM = len(".bak-99")  # what a backup's name adds to an output's (see consolidate.write.owned)


class WriteFailed(OSError):
    """``target`` (a file or a folder of files) could not be written: its disk is full
    (``errno.ENOSPC``) or its name is too long (``errno.ENAMETOOLONG``). Nothing half written is
    left, and what was there before is as it was.

    ``folder`` is where room is wanted (``target``'s folder, or the system's temporary folder
    when ``temporary``), ``disk`` the mount point of that folder, ``free`` its free bytes once the
    part written was removed, ``needed`` the bytes more that were wanted when known. For a name,
    ``limit`` is the most bytes a name may have there (None when unknown).
    """

    def __init__(
        self,
        code: int,
        target: Path,
        folder: Path,
        *,
        temporary: bool = False,
        free: int | None = None,
        needed: int | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__(code, os.strerror(code), str(target))
        self.target = target
        self.folder = folder
        self.temporary = temporary
        self.free = free
        self.needed = needed
        self.limit = limit
        self.disk = mount_point(folder)

    @property
    def no_room(self) -> bool:
        return self.errno in _NO_ROOM

    def __reduce__(self) -> Any:  # a worker's failure travels to the parent whole
        keywords = {"temporary": self.temporary, "free": self.free, "needed": self.needed, "limit": self.limit}
        return (_rebuild, (self.errno, self.target, self.folder, keywords))


def _rebuild(code: int, target: Path, folder: Path, keywords: dict[str, Any]) -> WriteFailed:
    return WriteFailed(code, target, folder, **keywords)


def write_failure(
    exc: BaseException,
    target: Path,
    *,
    temporary: bool = False,
    written: str | None = None,
    into: Path | None = None,
) -> WriteFailed | None:
    """The :class:`WriteFailed` that ``exc`` amounts to while writing ``target`` (a file, a
    folder of files, or the temporary folder when ``temporary``) through ``written`` (its
    temporary file or folder) into ``into`` (default: the folder of ``target``); None when it is
    another failure.

    A :class:`WriteFailed` from within keeps its own account, except that it names ``target``
    when it was about ``written`` or what is in it (what the user asked for rather than a
    temporary of ours), and that a full temporary folder on the disk of ``target`` is that disk
    being full."""
    folder = into if into is not None else (target if temporary else target.parent)
    if isinstance(exc, WriteFailed):
        code = exc.errno or errno.ENOSPC
        ours = written is not None and (exc.target == Path(written) or Path(written) in exc.target.parents)
        if temporary:
            return exc
        if exc.temporary:
            if _same_disk(exc.folder, folder):
                return WriteFailed(code, target, folder, free=free_space(folder))
            if exc.target == exc.folder or ours:
                return WriteFailed(code, target, exc.folder, temporary=True, free=exc.free)
            return exc
        if ours:  # the free space as it is now that the part written is gone
            return WriteFailed(code, target, folder, free=free_space(folder), needed=exc.needed, limit=exc.limit)
        return exc
    found = _os_error(exc)
    if found is None:
        return None
    if found.errno == errno.ENAMETOOLONG:
        return WriteFailed(errno.ENAMETOOLONG, target, folder, limit=name_room(folder))
    return WriteFailed(found.errno or errno.ENOSPC, target, folder, temporary=temporary, free=free_space(folder))


def _os_error(exc: BaseException) -> OSError | None:
    """The full disk or too long name behind ``exc``: itself, what it wraps (xlsxwriter's
    ``FileCreateError(OSError)``), or what it was raised from or while handling."""
    for current in exception_chain(exc):
        if isinstance(current, OSError) and current.errno in (*_NO_ROOM, errno.ENAMETOOLONG):
            return current
    return None


def exception_chain(exc: BaseException, limit: int = 20) -> Iterator[BaseException]:
    """``exc``, then what it wraps (its first argument, when an exception), what it was raised
    from and while handling: each once, at most ``limit`` + 1 of them."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen or len(seen) > limit:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += [a for a in current.args[:1] if isinstance(a, BaseException)]


def _is_room(exc: BaseException) -> bool:
    found = _os_error(exc)
    return found is not None and found.errno in _NO_ROOM


def _nearly_full(folder: Path) -> bool:
    free = free_space(folder)
    return free is not None and free < _NEARLY_FULL


def free_space(folder: Path) -> int | None:
    """Bytes free for this user on the disk of ``folder`` (or of its nearest existing parent)."""
    place = Path(folder).absolute()
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        return shutil.disk_usage(place).free
    except OSError:
        return None


def mount_point(folder: Path) -> Path:
    """Where the disk holding ``folder`` is mounted (``D:\\`` on Windows): where room is freed."""
    place = Path(os.path.abspath(folder))
    while not place.exists() and place != place.parent:
        place = place.parent
    if sys.platform == "win32":
        return Path(place.anchor or place)
    try:
        device = place.stat().st_dev
        while place != place.parent and place.parent.stat().st_dev == device:
            place = place.parent
    except OSError:
        pass
    return place


def _same_disk(one: Path, other: Path) -> bool:
    try:
        return _existing(one).stat().st_dev == _existing(other).stat().st_dev
    except OSError:
        return False


def _existing(folder: Path) -> Path:
    place = Path(folder).absolute()
    while not place.exists() and place != place.parent:
        place = place.parent
    return place


def name_room(folder: Path) -> int | None:
    """The most bytes (UTF-8) a file name may have in ``folder`` (255 on most systems); None
    when the system does not say."""
    try:
        return int(os.pathconf(_existing(folder), "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):
        return None


def release_files(exc: BaseException) -> None:
    """Close the zip files a library left open when ``exc`` stopped it writing them (xlsxwriter's
    workbook, python-docx's package): closed later by the garbage collector on a full disk, each
    would fail again and print "Exception ignored … ZipFile.__del__" with a traceback."""
    import zipfile

    for current in exception_chain(exc):
        tb = current.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                held = [value, *getattr(value, "__dict__", {}).values()] if not isinstance(value, type) else []
                for candidate in held:
                    if isinstance(candidate, zipfile.ZipFile) and candidate.fp is not None:
                        with contextlib.suppress(Exception):
                            candidate.close()
                        if candidate.fp is not None:  # close() failed before letting go of its file
                            with contextlib.suppress(Exception):
                                candidate.fp.close()
                            candidate.fp = None
            tb = tb.tb_next


# ---------------------------------------------------------------------------------------------
# Temporaries of runs that were killed
#
# Only what we make is ever removed: names of our own forms, owned by this user, whose maker is
# gone. A temporary's name carries its maker (a hash of the host name and the process id), so one
# made on this machine by a process that has ended is stale at once; one from another machine (a
# shared folder) or of an older version (no maker in its name) only when untouched for an hour.

STALE_AFTER = 3600.0  # seconds
_RANDOM = r"[a-z0-9_]{8}"  # what tempfile adds to a prefix
_MAKER = r"(?:(?P<host>[0-9a-f]{6})-(?P<pid>[0-9]+)-)"
_BESIDE = re.compile(rf"\.tmp-{_MAKER}?{_RANDOM}(?:\.[A-Za-z0-9]{{1,8}})?")
_BESIDE_FOLDER = re.compile(rf"consolidate-pdf-{_RANDOM}")  # an older version's PDF, beside it
_TEMP_FOLDER = re.compile(rf"consolidate-[a-z]+(?:-[a-z]+)*-{_MAKER}{_RANDOM}")  # serve-upload too
_OLD_OFFICE = re.compile(rf"consolidate-office-{_RANDOM}")  # an older version's LibreOffice profile
_swept: set[str] = set()


@functools.cache
def _host() -> str:
    import socket

    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _maker() -> str:
    return f"{_host()}-{os.getpid()}-"


def sweep_stale(folder: Path) -> None:
    """Remove the temporaries of our earlier runs from ``folder`` (once per process and folder):
    ``.tmp-*`` files of :func:`atomic_output` and folders of :func:`staged_folder`,
    ``consolidate-*`` folders of :func:`private_temp` (with xlsxwriter's row files and
    LibreOffice's profile inside)."""
    key = f"{os.getpid()}:{os.path.abspath(folder)}"
    if key in _swept:
        return
    _swept.add(key)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):
            _sweep(entry)


_CANDIDATE = re.compile(r"\.tmp-|consolidate-")  # the only names _sweep looks at more closely


def _sweep(entry: os.DirEntry[str]) -> None:
    if _CANDIDATE.match(entry.name) is None:  # a big shared /tmp: most entries are not even stat'ed
        return
    info = entry.stat(follow_symlinks=False)
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return
    is_file, is_dir = stat.S_ISREG(info.st_mode), stat.S_ISDIR(info.st_mode)
    name = entry.name
    old = time.time() - info.st_mtime > STALE_AFTER
    if is_file and (match := _BESIDE.fullmatch(name)) is not None:
        if _gone(match, info.st_mtime) or (match["pid"] is None and old):
            os.unlink(entry.path)
    elif is_dir and (match := _BESIDE.fullmatch(name) or _TEMP_FOLDER.fullmatch(name)) is not None:
        if _gone(match, info.st_mtime):  # a folder of staged_folder or private_temp
            shutil.rmtree(entry.path, ignore_errors=True)
    elif is_dir and old and _OLD_OFFICE.fullmatch(name) and os.path.isdir(os.path.join(entry.path, "profile")):
        shutil.rmtree(entry.path, ignore_errors=True)
    elif is_dir and old and _BESIDE_FOLDER.fullmatch(name):
        inside = os.listdir(entry.path)
        if all(n.endswith(".pdf") for n in inside):
            shutil.rmtree(entry.path, ignore_errors=True)


def is_temporary(name: str) -> bool:
    """Whether a file of this name is one of :func:`atomic_output`'s temporaries."""
    return _BESIDE.fullmatch(name) is not None


def _gone(match: re.Match[str], made: float) -> bool:
    """Whether the maker named in a temporary's name has ended (an hour untouched when that
    cannot be known: another machine's, or no process ids to ask about)."""
    if match["pid"] is None:
        return False
    pid = int(match["pid"])
    if match["host"] != _host() or sys.platform == "win32":  # os.kill(pid, 0) ends a process there
        return time.time() - made > STALE_AFTER
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # someone else's process: alive
    if _ended(pid):  # killed, but not yet reaped by whoever started it: it writes nothing more
        return True
    started = _started(pid)
    return started is not None and started > made + 1  # the number went to a later process


def _ended(pid: int) -> bool:
    """Whether process ``pid`` has ended and waits only to be reaped (a zombie; Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state in (b"Z", b"X")


def _started(pid: int) -> float | None:
    """When process ``pid`` started (Linux), as a timestamp."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            ticks = int(handle.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/stat", "rb") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith(b"btime"))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def close_matches(
    word: str,
    candidates: Iterable[str] | Mapping[str, str],
    n: int = 1,
    cutoff: float = 0.6,
    *,
    partial: bool = False,
) -> list[str]:
    """The ``n`` candidates most like ``word`` (similarity at least ``cutoff``, 0 to 1), best
    first: the one fuzzy matcher behind every did-you-mean and every guess of a unit's name.

    The similarity is rapidfuzz's normalised Indel ratio (difflib's ratio, computed in C); with
    ``partial``, its weighted ratio, which also finds a name inside a longer text (a file name).
    For a mapping, the texts are its values and the keys of the best are returned.
    """
    from rapidfuzz import fuzz, process  # here: the commands that never guess a name start faster

    scorer = fuzz.WRatio if partial else fuzz.ratio
    if isinstance(candidates, Mapping):
        found = process.extract(word, candidates, scorer=scorer, limit=n, score_cutoff=cutoff * 100)
        return [str(key) for _, _, key in found]
    listed = list(dict.fromkeys(candidates))
    return [match for match, _, _ in process.extract(word, listed, scorer=scorer, limit=n, score_cutoff=cutoff * 100)]


def names_like(path: Path, suffixes: Iterable[str] | None = None, n: int = 3) -> list[str]:
    """The names beside ``path`` most like its own (of those ending in ``suffixes``, when given):
    what a "not found" suggests. None when its folder cannot be read."""
    wanted = {suffix.lower() for suffix in suffixes} if suffixes is not None else None
    try:
        near = sorted(
            e.name for e in os.scandir(path.parent) if wanted is None or Path(e.name).suffix.lower() in wanted
        )
    except OSError:
        return []
    return close_matches(path.name, near, n=n, cutoff=0.5) if path.name else []


def lazy_exports(package: str, table: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A package's ``__getattr__`` that imports its modules when a name of theirs is first used:
    ``table`` maps each exported name to its module (``"write_summary": "summary"``). Every name
    of that module is put in ``namespace`` at once, so one named as its module (``advance``)
    then means the function, not the module the import has just put there."""

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        home = table[name]
        module = importlib.import_module(f".{home}", package)
        namespace.update({export: getattr(module, export) for export, there in table.items() if there == home})
        return namespace[name]

    return __getattr__


# ---------------------------------------------------------------------------------------------
# Forked helpers


def forkable() -> bool:
    """Whether this process may fork a helper for work of its own: Linux, more than one core, and
    no other thread (a fork copies what the other threads hold: their locks, their pipes)."""
    import threading

    return (
        hasattr(os, "fork") and sys.platform == "linux" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
    )


def die_with_parent(parent: int | None = None) -> None:
    """Let the kernel end this (child) process when its parent ends, even by kill -9 (Linux).

    ``parent``: the parent's pid as the child was made; it may have gone before we asked.
    """
    if sys.platform != "linux":
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != (parent or os.getppid()) or os.getppid() == 1:  # the parent went first
        os._exit(1)


def fork_helper(work: Callable[[], object]) -> int:
    """A forked child doing ``work`` while this process goes on: it dies with this process and
    leaves by ``os._exit`` (0 when ``work`` returned, 1 when it raised), running none of this
    process's exit code. Its pid, or -1 when no process could be had (the caller does the work)."""
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        return -1
    if pid == 0:
        code = 1
        try:
            die_with_parent(parent)
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def helper_done(pid: int) -> bool:
    """Whether the helper ``pid`` (> 0) ended having done its work; it is reaped."""
    if pid <= 0:
        return False
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    except OSError:
        return False


def helper_stopped(pid: int) -> int:
    """The helper ``pid`` (> 0) stopped and reaped (this process failed or was interrupted): -1."""
    if pid > 0:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return -1
