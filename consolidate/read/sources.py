"""Where returns come from: folders (recursive), single files and .zip archives.

Archives are read in memory, never extracted: member names cannot escape anywhere, but names
with ``..`` or absolute paths are still refused as a sign of a hostile file. Limits on members,
sizes and compression ratio stop zip bombs before anything is decompressed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..text import Msg
from .ours import never_a_return

MAX_MEMBERS = 2000
MAX_MEMBER_SIZE = 200 * 1024 * 1024  # uncompressed bytes of one member
MAX_TOTAL_SIZE = 1024 * 1024 * 1024  # uncompressed bytes of one archive
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB
MAX_DEPTH = 2  # a zip inside a zip is read; deeper nesting is refused
_SKIP_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class Source:
    """One candidate return: a file, or a member of an archive."""

    name: str  # as shown to the user: relative path, "archive.zip/member.xlsx" for members
    path: Path  # the file on disk (the outermost archive for members)
    modified: dt.datetime
    data: bytes | None = None  # preloaded bytes for archive members
    # Found in a folder, and not yet looked at to see whether it is one of our outputs (which
    # are passed over, never read as returns): the reader looks when it opens the file.
    unchecked: bool = False
    # The file's status when it was found (a file in a folder): how the parse cache knows it again.
    stat: os.stat_result | None = field(default=None, compare=False, repr=False)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


@dataclass(frozen=True)
class SourceFailure:
    """An archive (or member) that cannot be opened: reported as E-UNREADABLE-FILE."""

    name: str
    path: Path
    reason: Msg


class Unreadable(Exception):
    """A file (or package part) that cannot be read safely; ``msg`` says why, for the user."""

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(str(msg))


def is_junk(parts: tuple[str, ...]) -> bool:
    """Lock files, OS litter and hidden files are skipped silently."""
    if any(part == "__MACOSX" or part.startswith(".") for part in parts[:-1]):
        return True
    name = parts[-1]
    return name.startswith(("~$", ".~lock", "._", ".")) or name.lower() in _SKIP_NAMES


def discover(root: Path, prefix: str = "", *, look_later: bool = False) -> Iterator[Source | SourceFailure]:
    """Every candidate under ``root`` (a file or a folder, recursive), in a stable order; in a
    folder, our own outputs are not candidates (a file given by name is, to be reported).

    Names are relative to ``root``, after ``prefix`` (which keeps names from several folders apart).
    ``look_later``: a workbook in a folder is not opened here to see whether it is one of our
    outputs; it is marked ``unchecked`` for the reader, which opens it anyway (a merge reads a
    thousand returns on both cores, not here, one by one).
    """
    if root.is_file():
        files = [(root, prefix + root.name, os.stat(root))]
    else:
        # What we wrote there ourselves (a summary, a document, their JSON or PDF, a backup of
        # one) is no unit's return: it is passed over, never read back as one.
        files = [
            (path, prefix + "/".join(parts), stat)
            for parts, path, stat in _walk(root)
            if not is_junk(parts) and ((look_later and path.suffix.lower() == ".xlsx") or not never_a_return(path))
        ]
    in_folder = look_later and not root.is_file()
    for path, name, stat in files:
        modified = dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
        if path.suffix.lower() == ".zip":
            try:
                data = path.read_bytes()
            except OSError as exc:
                yield SourceFailure(name, path, Msg("read.cannot_open", error=exc.strerror or exc))
                continue
            yield from expand_zip(data, name, path, modified, depth=1)
        else:
            yield Source(name, path, modified, unchecked=in_folder and path.suffix.lower() == ".xlsx", stat=stat)


def _walk(root: Path) -> list[tuple[tuple[str, ...], Path, os.stat_result]]:
    """Every file under ``root`` (its parts below root, its path, its status), in the order of
    ``sorted(root.rglob("*"))``: files through symbolic links, folders through them not entered,
    a folder that cannot be listed passed over. One ``scandir`` per folder: a province's 30,000
    returns are listed in a tenth of the time of rglob and a stat per path."""
    found: list[tuple[tuple[str, ...], Path, os.stat_result]] = []
    folders: list[tuple[tuple[str, ...], Path]] = [((), root)]
    while folders:
        parts, folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            below = (*parts, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((below, folder / entry.name))
                elif entry.is_file():
                    found.append((below, folder / entry.name, entry.stat()))
            except OSError:
                continue
    found.sort(key=lambda f: tuple(os.path.normcase(part) for part in f[0]))
    return found


def member_name(info: zipfile.ZipInfo) -> str:
    """Member names of zips made on Chinese Windows are GBK bytes without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def expand_zip(
    data: bytes, name: str, path: Path, modified: dt.datetime, depth: int
) -> Iterator[Source | SourceFailure]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield SourceFailure(name, path, Msg("read.archive_damaged", error=exc))
        return
    problem = package_problem(infos, archive=True)
    if problem is not None:
        yield SourceFailure(name, path, problem)
        return
    for info in sorted(infos, key=lambda i: member_name(i)):
        if info.is_dir():
            continue
        inner = member_name(info).replace("\\", "/")
        pure = PurePosixPath(inner)
        shown = f"{name}/{inner}"
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and pure.parts[0].endswith(":")):
            yield SourceFailure(shown, path, Msg("read.archive_traversal", name=inner))
            continue
        if is_junk(pure.parts):
            continue
        if info.flag_bits & 0x1:
            yield SourceFailure(shown, path, Msg("read.archive_encrypted"))
            continue
        try:
            content = archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            yield SourceFailure(shown, path, Msg("read.archive_member_damaged", error=exc))
            continue
        when = _zip_time(info) or modified
        if pure.suffix.lower() == ".zip":
            if depth >= MAX_DEPTH:
                yield SourceFailure(shown, path, Msg("read.archive_too_deep"))
                continue
            yield from expand_zip(content, shown, path, when, depth + 1)
        else:
            yield Source(shown, path, when, content)


def package_problem(infos: list[zipfile.ZipInfo], archive: bool) -> Msg | None:
    """Why a zip package (an archive, or an .xlsx/.ods file) is refused before anything is
    decompressed: too many members, a member too large or compressed beyond reason (a zip bomb)."""
    what = Msg("read.archive" if archive else "read.the_file")
    if len(infos) > MAX_MEMBERS:
        return Msg("read.too_many_members", what=what, count=len(infos), limit=MAX_MEMBERS)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_SIZE:
            return Msg("read.member_too_large", what=what, name=member_name(info), mb=info.file_size // 2**20)
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return Msg("read.zip_bomb", what=what, name=member_name(info))
    if total > MAX_TOTAL_SIZE:
        return Msg("read.too_large_total", what=what, mb=total // 2**20)
    return None


def _zip_time(info: zipfile.ZipInfo) -> dt.datetime | None:
    try:
        return dt.datetime(*info.date_time)
    except ValueError:
        return None
