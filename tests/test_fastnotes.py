"""Cell notes packed by consolidate/write/fastnotes.py: the same files XlsxWriter writes."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path

import pytest

from consolidate.merge import MergeResult
from consolidate.write import fastnotes, write_summary, xlsx
from consolidate.write.xlsx import new_workbook

from .test_fastrows import demo_result  # noqa: F401  (fixture)

TEXTS = [
    "各事项的计量单位不同（人、处、家、平方米、张、名、元、个），不相加",
    "  leading and trailing  ",
    'a & b < c > d "q"',
    "ctrl\x01 and _x0041_ literal",
    "两行\n第二行",
]


def _book(path: Path) -> None:
    book = new_workbook(str(path), constant_memory=False)
    first = book.add_worksheet("分单位")
    first.set_column(0, 0, 30)
    first.set_column(3, 5, 12.5)
    first.set_row(4, 48)
    for r in range(40):
        for c in (1, 4, 5):
            first.write(r, c, r * c)
            first.write_comment(r, c, TEXTS[(r + c) % len(TEXTS)])
    first.write_comment(41, 2, "看得见的批注", {"visible": True, "color": "#C6EFCE", "author": "县卫健局"})
    first.write_comment(42, 3, "大字", {"font_size": 12, "font_name": "宋体", "x_scale": 2, "y_scale": 1.5})
    second = book.add_worksheet("汇总")
    second.write_comment(0, 0, TEXTS[0], {"author": "办公室"})
    second.write_comment(3, 7, TEXTS[2], {"author": "县卫健局"})
    book.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_notes_are_the_files_xlsxwriter_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _book(tmp_path / "fast.xlsx")
    with monkeypatch.context() as patched:
        patched.setattr(xlsx, "fast_notes", contextlib.nullcontext)  # XlsxWriter's own classes
        _book(tmp_path / "own.xlsx")
    fast, own = _parts(tmp_path / "fast.xlsx"), _parts(tmp_path / "own.xlsx")
    assert fast == own
    assert sum(name.startswith("xl/comments") for name in own) == 2
    vml = own["xl/drawings/vmlDrawing1.vml"].decode()
    assert vml.count("<v:shape ") == 122 and "<x:Visible/>" in vml and 'fillcolor="#c6efce"' in vml


def test_the_summarys_notes_are_xlsxwriters(
    demo_result: MergeResult,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = write_summary(demo_result, tmp_path / "fast.xlsx").read_bytes()
    monkeypatch.setattr(xlsx, "fast_notes", contextlib.nullcontext)
    assert write_summary(demo_result, tmp_path / "own.xlsx").read_bytes() == fast
    assert b"xl/comments" in fast


def test_xlsxwriters_classes_are_back_after_packing(tmp_path: Path) -> None:
    import xlsxwriter.packager

    _book(tmp_path / "one.xlsx")
    assert xlsxwriter.packager.Vml is not fastnotes.FastVml
    assert xlsxwriter.packager.Comments is not fastnotes.FastComments
