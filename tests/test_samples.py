"""samples/ is what `consolidate demo` makes: rebuilt here and compared sheet by sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from consolidate.kinds.demo import build_demo

SAMPLES = Path(__file__).parent.parent / "samples"


def _values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_samples_are_up_to_date(tmp_path: Path) -> None:
    built = build_demo(tmp_path / "demo")
    fresh = _values(built.summary)
    stored = _values(SAMPLES / "summary.xlsx")
    assert fresh.keys() == stored.keys()
    for sheet in ("汇总", "分单位", "明细", "校验问题"):
        assert fresh[sheet] == stored[sheet], sheet
    assert sorted(p.name for p in (SAMPLES / "templates").iterdir()) == sorted(p.name for p in built.templates)
    assert (SAMPLES / "spec" / "items.csv").read_bytes() == (built.folder / "spec" / "items.csv").read_bytes()
