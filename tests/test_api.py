"""The library as README shows it: the public names, the example run as written, and pandas frames."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import consolidate
from consolidate.kinds import build_demo
from consolidate.merge import MergeResult

README = Path(__file__).parent.parent / "README.md"


def test_the_public_names_import() -> None:
    from consolidate import (  # noqa: F401
        load_spec,
        merge_returns,
        spec_from_returns,
        write_json,
        write_summary,
        write_templates,
    )

    for name in consolidate.__all__:
        assert getattr(consolidate, name) is not None, name
    with pytest.raises(AttributeError):
        consolidate.no_such_name  # noqa: B018


def test_readme_library_example_runs_as_written(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- library-example -->\s*```python\n(.*?)```", text, re.S)
    assert block is not None, "README has no library example after <!-- library-example -->"
    (tmp_path / "example.py").write_text(block.group(1), encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1 errors"
    assert lines[1].startswith("E-REQUIRED ")  # the errors come first, in the spec's unit order
    assert (tmp_path / "summary.xlsx").is_file() and (tmp_path / "summary.json").is_file()
    assert len(list((tmp_path / "templates").glob("*.xlsx"))) == 13


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> MergeResult:
    return build_demo(tmp_path_factory.mktemp("frames") / "demo").result


def test_frames_keep_codes_as_text_and_numbers_as_numbers(demo: MergeResult) -> None:
    frames = demo.to_frames()
    summary, detail = frames.summary, frames.detail
    assert list(summary.columns) == [
        "item",
        "no",
        "task",
        "measure",
        "target",
        "done",
        "rate",
        "progress",
        "status",
        "expected_units",
        "reported_units",
    ]
    assert str(summary["item"].dtype) == "string" and str(summary["status"].dtype) == "string"
    assert str(summary["done"].dtype) == "Float64" and str(summary["reported_units"].dtype) == "Int64"
    first = summary.iloc[0]
    # The same figures as 汇总: the rate is the ratio of the sums over the units whose target and
    # done are both valid (兰陵县's 累计完成 of the 两癌 item is rejected), never a mean of rates.
    row = next(r for r in demo.summary if r.key == first["item"])
    assert (first["done"], first["target"]) == (row.values["done"], row.values["target"])
    # 年度目标 is the spec's for every unit (the unit that did not return included); the rate rests on
    # the units with both figures, which leaves out 兰陵县 (rejected) and 高新区 (not returned).
    targets = demo.spec.item_map[first["item"]].per_unit["target"]
    assert first["target"] == sum(targets.values())
    pairs = sum(v for code, v in targets.items() if code not in ("LL", "GX"))
    assert first["rate"] == row.values["rate"] == pytest.approx(row.values["done"] / pairs)
    assert row.left_out == {"done": ("LL", "GX"), "rate": ("LL", "GX")}
    assert list(detail.columns[:3]) == ["unit_code", "unit_name", "item"]
    assert list(detail.columns[-4:]) == ["file", "sheet", "row", "sha256"]
    assert detail["sha256"].iloc[0] == next(i.sha256 for i in demo.inputs if i.name == detail["file"].iloc[0])
    assert str(detail["no"].dtype) == "string"  # 序号 such as "34.1" stays text
    assert detail["no"].iloc[0] == "33"
    assert len(detail) == len(demo.records)
    assert str(detail["row"].dtype) == "Int64"
    assert detail["done"].isna().sum() == sum(1 for r in demo.records if r.values.get("done") is None)


def test_frames_in_english_word_the_cut_join_note(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    from consolidate import merge_returns

    result = merge_returns(demo.result.spec, [demo.returns], join_limit=40)
    zh, en = result.to_frames().summary, result.to_frames("en").summary
    cut = zh["progress"].str.contains("另有").fillna(False)
    assert cut.any()
    assert en["progress"][cut].str.contains("more units' entries exceed").all()
