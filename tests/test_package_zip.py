"""The summary's large parts compressed on two threads: any inflater reads the same bytes."""

from __future__ import annotations

import random
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from consolidate.write import deflate


def _xml_like(size: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    words = ["<row r=", '"12">', "<c s=", "龙溪镇卫生院", "完成年度目标的", "</c>", "</row>", 't="s"><v>']
    out = bytearray()
    while len(out) < size:
        out += rnd.choice(words).encode("utf-8") + str(rnd.randrange(10**6)).encode()
    return bytes(out[:size])


@pytest.mark.parametrize(
    "size", [0, 1, 32767, deflate.ParallelDeflate.BLOCK, 3 * deflate.ParallelDeflate.BLOCK + 12345]
)
def test_blocks_deflated_on_threads_inflate_to_the_same_bytes(size: int) -> None:
    data = _xml_like(size, size)
    with ThreadPoolExecutor(2) as pool:
        engine = deflate.ParallelDeflate(pool)
        packed = b"".join(engine.compress(data[i : i + 777_777]) for i in range(0, len(data), 777_777))
        packed += engine.flush()
    assert zlib.decompress(packed, -15) == data
    # Fixed blocks: the same bytes each time, and about what one stream gives.
    with ThreadPoolExecutor(2) as pool:
        again = deflate.ParallelDeflate(pool)
        assert again.compress(data) + again.flush() == packed
    assert len(packed) <= len(zlib.compress(data, 6)) * 1.01 + 64


def test_a_large_part_goes_into_the_zip_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deflate.PackageZip, "LARGE", 100_000)
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    small.write_bytes(_xml_like(5_000, 1))
    large.write_bytes(_xml_like(2_500_000, 2))
    out = tmp_path / "p.zip"
    with deflate.PackageZip(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(small, "xl/small.xml")
        archive.write(large, "xl/worksheets/sheet3.xml")
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None  # every CRC right
        assert archive.read("xl/small.xml") == small.read_bytes()
        assert archive.read("xl/worksheets/sheet3.xml") == large.read_bytes()
