"""How the summary's large parts are compressed into the workbook's zip (on two cores).

- :class:`ParallelDeflate`: a large part compressed by blocks on two threads while it is packed;
- :class:`RowDeflater` / :class:`Deflated`: a long table's rows (明细) compressed where they are
  rendered, by the forked child and by this process, while the other sheets are written: the
  sheet's XML then holds a mark (:func:`mark`) where each such segment goes, and
  :class:`PackageZip` puts the compressed bytes there as they are, without reading them again.

Every way gives one raw deflate stream that any inflater reads (segments and blocks end with a
sync flush, the last with the stream's end), and the same bytes for the same rows whichever
process compressed them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

import xlsxwriter.workbook

_LEVEL = zlib.Z_DEFAULT_COMPRESSION  # zipfile's: the rest of the workbook is compressed alike
_COPY = 1 << 20  # bytes copied at a time


class ParallelDeflate:
    """A raw deflate stream made of blocks compressed on several threads (zlib lets go of the
    interpreter), as pigz does: each block primed with the 32 KB before it and ended with a
    sync flush, the last with the stream's end; the blocks are fixed, so the bytes are too.
    Any inflater reads it as one stream."""

    BLOCK = 1 << 20

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.pool = pool
        self.waiting = bytearray()
        self.before = b""  # the 32 KB before the next block
        self.blocks: deque[Future[bytes]] = deque()

    @staticmethod
    def _deflate(data: bytes, before: bytes, last: bool) -> bytes:
        engine = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, zdict=before) if before else _engine()
        return engine.compress(data) + engine.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)

    def _send(self, data: bytes, last: bool) -> None:
        self.blocks.append(self.pool.submit(self._deflate, data, self.before, last))
        self.before = data[-32768:]

    def compress(self, data: bytes) -> bytes:
        self.waiting += data
        while len(self.waiting) >= self.BLOCK:
            self._send(bytes(self.waiting[: self.BLOCK]), False)
            del self.waiting[: self.BLOCK]
        done = bytearray()
        while len(self.blocks) > 4 or (self.blocks and self.blocks[0].done()):  # in order, few held
            done += self.blocks.popleft().result()
        return bytes(done)

    def flush(self) -> bytes:
        self._send(bytes(self.waiting), True)
        self.waiting.clear()
        done = bytearray()
        while self.blocks:
            done += self.blocks.popleft().result()
        return bytes(done)


def _engine() -> Any:
    return zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)


def _gf2_times(matrix: list[int], vector: int) -> int:
    total = 0
    i = 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from A's, B's and B's length (zlib's ``crc32_combine``, which Python's
    zlib does not offer): a segment's CRC is known where it was compressed, not its bytes here."""
    if length2 <= 0:
        return crc1
    operator = [0xEDB88320] + [1 << i for i in range(31)]  # one zero bit appended
    for _ in range(3):
        operator = _gf2_square(operator)  # two, four, then eight zero bits: one zero byte
    while length2:  # crc1 as if length2 zero bytes followed A, by the bits of length2
        if length2 & 1:
            crc1 = _gf2_times(operator, crc1)
        length2 >>= 1
        if length2:
            operator = _gf2_square(operator)
    return crc1 ^ crc2


class Deflated:
    """Rows compressed where they were rendered: a raw deflate segment ending with a sync flush
    (so that more can follow) in ``file`` from its start; ``length`` bytes of UTF-8 XML whose
    CRC-32 is ``crc``. ``ready``: the compression still going on on a thread, waited for first."""

    def __init__(
        self, file: IO[bytes], length: int, crc: int, ready: Future[int] | None = None, pool: Any = None
    ) -> None:
        self.file = file
        self.length = length
        self.crc = crc
        self.ready = ready
        self.pool = pool  # the thread compressing, ended once ``ready``

    def copy_to(self, out: IO[bytes]) -> int:
        """The compressed bytes into ``out``; how many."""
        self.wait()
        self.file.flush()
        self.file.seek(0, os.SEEK_END)
        size = self.file.tell()
        self.file.seek(0)
        shutil.copyfileobj(self.file, out, _COPY)
        return size

    def inflated(self) -> Iterator[bytes]:
        """The rows' XML again (for a zip whose writer cannot take compressed bytes)."""
        self.wait()
        self.file.flush()
        self.file.seek(0)
        engine = zlib.decompressobj(-15)
        while data := self.file.read(_COPY):
            yield engine.decompress(data)
        yield engine.flush()

    def wait(self) -> None:
        if self.ready is not None:
            ready, self.ready = self.ready, None
            try:
                self.crc = ready.result()
            finally:
                self.pool.shutdown(wait=True)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.wait()
        self.file.close()


class RowDeflater:
    """Rendered rows (text) → a :class:`Deflated` segment in ``file``: encoded, checked (CRC-32)
    and compressed as they come; ``threaded``: compressed on a thread meanwhile (zlib lets go of
    the interpreter), so this process goes on rendering or packing."""

    def __init__(self, file: IO[bytes], threaded: bool = False) -> None:
        self.file = file
        self.engine = _engine()
        self.length = 0
        self.crc = 0
        self.pool = ThreadPoolExecutor(1) if threaded else None
        self.queued: deque[Future[None]] = deque()  # at most a few chunks wait: memory stays flat

    def _add(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.file.write(self.engine.compress(data))

    def _end(self, before: Sequence[Future[None]] = ()) -> int:
        for chunk in before:  # done (one thread, in order): a chunk that failed fails the segment
            chunk.result()
        self.file.write(self.engine.flush(zlib.Z_SYNC_FLUSH))
        self.file.flush()
        return self.crc

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.length += len(data)
        if self.pool is None:
            self._add(data)
        else:
            while len(self.queued) >= 2:
                self.queued.popleft().result()
            self.queued.append(self.pool.submit(self._add, data))

    def done(self) -> Deflated:
        if self.pool is None:
            return Deflated(self.file, self.length, self._end())
        ready = self.pool.submit(self._end, list(self.queued))
        return Deflated(self.file, self.length, 0, ready, self.pool)

    def abandon(self) -> None:
        """Given up (this process failed or was interrupted): the thread stopped, the file let go of."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.file.close()


# Where a segment's rows go in a sheet's row data: NUL is in no XML, and every text we write
# has its control characters escaped.
_MARK = re.compile(rb"\x00deflated:([^\x00]*)\x00")


def mark(key: str) -> str:
    """The mark of segment ``key`` in a sheet's rows (see :meth:`PackageZip.write`)."""
    return f"\x00deflated:{key}\x00"


class PackageZip(zipfile.ZipFile):
    """The zip XlsxWriter packs a workbook into: a large part (明细's XML) compressed on two
    threads (:class:`ParallelDeflate`); a part with rows compressed before (``segments``, by the
    XML file XlsxWriter wrote that holds their marks) gets their bytes as they are; the others as
    zipfile does."""

    LARGE = 4 << 20  # bytes of a part worth the threads

    @staticmethod
    def segments(path: str) -> dict[str, Deflated] | None:
        """The segments whose marks the XML file ``path`` holds (see :meth:`bound`)."""
        return None

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        plain = self.compression != zipfile.ZIP_DEFLATED or compress_type or compresslevel
        segments = self.segments(os.fspath(filename))
        if segments and not plain:
            self._write_segmented(filename, arcname, segments)
            return
        size = os.path.getsize(filename)
        if size < self.LARGE or plain:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        info = zipfile.ZipInfo.from_file(filename, arcname)
        info.compress_type = zipfile.ZIP_DEFLATED
        with ThreadPoolExecutor(2) as pool, open(filename, "rb") as source, self.open(info, "w") as target:
            target._compressor = ParallelDeflate(pool)  # type: ignore[attr-defined]
            while chunk := source.read(self.LARGE):
                target.write(chunk)

    def _write_segmented(self, filename: Any, arcname: Any, segments: dict[str, Deflated]) -> None:
        with open(filename, "rb") as source:
            pieces = _MARK.split(source.read())  # the XML around the marks: small
        info = zipfile.ZipInfo.from_file(filename, arcname)
        info.compress_type = zipfile.ZIP_DEFLATED
        for segment in segments.values():
            segment.wait()
        info.file_size = sum(len(p) for p in pieces[::2]) + sum(segments[k.decode()].length for k in pieces[1::2])
        with self.open(info, "w", force_zip64=info.file_size > zipfile.ZIP64_LIMIT) as target:
            # XML compressed here and segments compressed before alternate in one deflate stream:
            # zipfile's compressor flushed to a byte boundary before each segment's bytes, and a
            # new one after them.
            takes = _takes_compressed(target)
            for i, piece in enumerate(pieces):
                if i % 2 == 0:
                    target.write(piece)
                    continue
                segment = segments[piece.decode()]
                if not takes:  # another zipfile than the one we know: the rows inflated, written again
                    for data in segment.inflated():
                        target.write(data)
                    continue
                flushed = target._compressor.flush(zlib.Z_SYNC_FLUSH)  # type: ignore[attr-defined]
                self.fp.write(flushed)  # type: ignore[union-attr]
                size = segment.copy_to(self.fp)  # type: ignore[arg-type]
                target._compress_size += len(flushed) + size  # type: ignore[attr-defined]
                target._file_size += segment.length  # type: ignore[attr-defined]
                target._crc = crc32_combine(target._crc, segment.crc, segment.length)  # type: ignore[attr-defined]
                # What follows refers to nothing before it: the inflater's window holds the segment.
                target._compressor = _engine()  # type: ignore[attr-defined]

    @classmethod
    def bound(cls, segments: Callable[[str], dict[str, Deflated] | None]) -> type[PackageZip]:
        """This zip for one workbook: ``segments`` says which of its XML files hold marks."""
        return type("BoundPackageZip", (cls,), {"segments": staticmethod(segments)})


def _takes_compressed(target: Any) -> bool:
    """Whether zipfile's member writer is the one whose sizes, CRC and compressor we set."""
    return all(hasattr(target, name) for name in ("_compressor", "_compress_size", "_file_size", "_crc"))


@contextlib.contextmanager
def zip_class(zip_class: type[zipfile.ZipFile]) -> Iterator[None]:
    """XlsxWriter packing its workbooks into ``zip_class`` meanwhile (it names ZipFile itself)."""
    before = xlsxwriter.workbook.ZipFile
    xlsxwriter.workbook.ZipFile = zip_class
    try:
        yield
    finally:
        xlsxwriter.workbook.ZipFile = before
