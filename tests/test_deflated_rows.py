"""明细 compressed where it is rendered (the child's rows in the child, this process's on a thread)
and put into the zip as it is: the same workbook, part for part, as written in one process."""

from __future__ import annotations

import dataclasses
import os
import random
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from consolidate.merge import MergeResult
from consolidate.write import RowOptions, deflate, write_summary

from .helpers import children_fail, no_fork
from .test_fastrows import demo_result  # noqa: F401  (fixture)

# Even the demo's short 明细 is split, and each part compressed where it is rendered.
DEFLATED = RowOptions(split_from=2, deflate_from=2)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every part's CRC-32 right
        return {name: archive.read(name) for name in archive.namelist()}


def _detail_member(path: Path) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo("xl/worksheets/sheet3.xml")  # 汇总, 分单位, 明细


@pytest.mark.parametrize(
    ("first", "second"), [(0, 0), (0, 1), (1, 0), (1, 1), (5, 100), (32768, 7), (12345, (1 << 20) + 3)]
)
def test_crc_of_two_pieces_from_their_crcs(first: int, second: int) -> None:
    rnd = random.Random(first * 31 + second)
    a, b = rnd.randbytes(first), rnd.randbytes(second)
    assert deflate.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@pytest.mark.parametrize("threaded", [False, True])
def test_rows_deflated_as_they_come_inflate_to_the_same_text(tmp_path: Path, threaded: bool) -> None:
    texts = ['<row r="1"><c r="A1" t="inlineStr"><is><t>龙溪镇卫生院</t></is></c></row>' * 500] * 40
    deflater = deflate.RowDeflater((tmp_path / "rows.bin").open("w+b"), threaded=threaded)
    for text in texts:
        deflater.write(text)
    segment = deflater.done()
    data = "".join(texts).encode("utf-8")
    assert b"".join(segment.inflated()) == data
    assert (segment.length, segment.crc) == (len(data), zlib.crc32(data))
    packed = (tmp_path / "rows.bin").read_bytes()
    assert packed.endswith(b"\x00\x00\xff\xff")  # a sync flush: more of the stream may follow
    segment.close()


def test_a_part_with_marks_gets_the_segments_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        "".join(f'<row r="{r}"><c r="A{r}"><v>{r * 7}</v></c></row>' for r in range(a, a + 3000)) for a in (1, 3001)
    ]
    segments = {}
    for key, text in zip(("0.0", "0.1"), rows, strict=True):
        deflater = deflate.RowDeflater((tmp_path / f"{key}.bin").open("w+b"))
        deflater.write(text)
        segments[key] = deflater.done()
    xml = tmp_path / "sheet1.xml"
    head, tail = "<worksheet><sheetData>" + "<row/>" * 9, "</sheetData><autoFilter/>" * 40 + "</worksheet>"
    xml.write_text(head + deflate.mark("0.0") + deflate.mark("0.1") + tail, encoding="utf-8")
    expected = (head + rows[0] + rows[1] + tail).encode("utf-8")
    bound = deflate.PackageZip.bound(lambda path: segments if path == os.fspath(xml) else None)
    with bound(tmp_path / "a.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(xml, "xl/worksheets/sheet1.xml")
    assert _parts(tmp_path / "a.zip") == {"xl/worksheets/sheet1.xml": expected}
    # A zipfile whose writer cannot take compressed bytes gets the rows inflated: the same part.
    monkeypatch.setattr(deflate, "_takes_compressed", lambda target: False)
    with bound(tmp_path / "b.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(xml, "xl/worksheets/sheet1.xml")
    assert _parts(tmp_path / "b.zip") == {"xl/worksheets/sheet1.xml": expected}
    for segment in segments.values():
        segment.close()


@pytest.mark.parametrize("ahead", [True, False], ids=["numbered ahead", "numbered at the end"])
def test_the_summary_deflated_where_rendered_is_the_same_workbook(
    demo_result: MergeResult,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ahead: bool,
) -> None:
    made: list[int] = []
    real = deflate.RowDeflater.done
    parent = os.getpid()

    def done(self: deflate.RowDeflater) -> deflate.Deflated:
        made.append(os.getpid() == parent)
        return real(self)

    monkeypatch.setattr(deflate.RowDeflater, "done", done)
    one = write_summary(demo_result, tmp_path / "one.xlsx")
    assert made == []  # one process: nothing compressed before the zip
    options = dataclasses.replace(DEFLATED, number_ahead=ahead)
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=options)
    assert made == [True]  # this process's share here (the child's own call is in the child)
    assert _parts(two) == _parts(one)
    assert _detail_member(two).compress_type == zipfile.ZIP_DEFLATED
    book = CalamineWorkbook.from_path(str(two))
    detail = book.get_sheet_by_name("明细").to_python()
    assert len(detail) == 3 + len(demo_result.records)
    # Whichever process compressed the child's rows, the same bytes.
    assert write_summary(demo_result, tmp_path / "three.xlsx", parallel=True, rows=options).read_bytes() == (
        two.read_bytes()
    )


@pytest.mark.parametrize("ahead", [True, False], ids=["numbered ahead", "numbered at the end"])
@pytest.mark.parametrize("missing", [children_fail, no_fork], ids=["the child fails", "no process to fork"])
def test_without_the_child_its_rows_are_compressed_here_alike(
    demo_result: MergeResult,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    missing: Callable[[pytest.MonkeyPatch], None],
    ahead: bool,
) -> None:
    options = dataclasses.replace(DEFLATED, number_ahead=ahead)
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=options).read_bytes()
    missing(monkeypatch)
    assert write_summary(demo_result, tmp_path / "three.xlsx", parallel=True, rows=options).read_bytes() == two


@pytest.mark.parametrize(
    "failure", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["a full disk", "Ctrl-C"]
)
def test_a_failure_while_packing_lets_go_of_the_compressed_rows(
    demo_result: MergeResult,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
) -> None:
    closed: list[deflate.Deflated] = []
    real_close = deflate.Deflated.close
    monkeypatch.setattr(deflate.Deflated, "close", lambda self: closed.append(self) or real_close(self))

    def fail(*args: Any, **kwargs: Any) -> None:
        raise failure

    monkeypatch.setattr(deflate.PackageZip, "_write_segmented", fail)
    with pytest.raises(type(failure)):
        write_summary(demo_result, tmp_path / "out.xlsx", parallel=True, rows=DEFLATED)
    assert list(tmp_path.iterdir()) == []  # no summary, nothing half-written beside it
    assert len(closed) == 2 and all(segment.file.closed for segment in closed)  # the child's and ours


def test_a_full_disk_while_compressing_here_fails_the_summary_and_leaves_nothing(
    demo_result: MergeResult,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    parent = os.getpid()
    real_add = deflate.RowDeflater._add

    def add(self: deflate.RowDeflater, data: bytes) -> None:
        if os.getpid() == parent:  # this process's share, on its thread
            raise OSError(28, "No space left on device")
        real_add(self, data)

    monkeypatch.setattr(deflate.RowDeflater, "_add", add)
    before = threading.active_count()
    with pytest.raises(OSError, match="No space"):
        write_summary(demo_result, tmp_path / "out.xlsx", parallel=True, rows=DEFLATED)
    assert not (tmp_path / "out.xlsx").exists()
    assert threading.active_count() == before  # the compressing thread ended with the failure


def test_detail_split_over_sheets_each_compressed_where_rendered(
    demo_result: MergeResult,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A province's 明细 over several sheets: each sheet's rows compressed by its child and here,
    # this process's thread done before the next sheet's child is forked.
    import threading

    from consolidate.write import rows, summary

    monkeypatch.setattr(summary, "EXCEL_ROWS", 30)
    one = write_summary(demo_result, tmp_path / "one.xlsx")
    threads: list[int] = []
    real_in_child = rows._in_child

    def in_child(pending: rows.Pending) -> rows.Pending:
        threads.append(threading.active_count())
        return real_in_child(pending)

    monkeypatch.setattr(rows, "_in_child", in_child)
    before = threading.active_count()
    two = write_summary(demo_result, tmp_path / "two.xlsx", parallel=True, rows=DEFLATED)
    sheets = [name for name in CalamineWorkbook.from_path(str(two)).sheet_names if name.startswith("明细")]
    assert len(sheets) >= 3 and len(threads) == len(sheets)
    assert threads == [before] * len(sheets)  # no thread of ours running at any fork
    assert _parts(two) == _parts(one)
