"""A unit that sends back the blank template (forwarded by mistake in the WeChat group, or saved
without filling anything in) has not returned: ``status`` said 13/13 and exit 0, and its empty
cells were a dozen E-REQUIRED errors. Now it is ``blank`` (空白表), one W-BLANK-RETURN, left out
of the figures as a missing unit is, and reminded."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.kinds.demo import build_demo
from consolidate.mail.remind import reminders
from consolidate.merge import merge_returns
from consolidate.spec import load_spec

GX = "2020-08_2020年民生实事工作8月份进展情况_临沂高新区.xlsx"  # the one unit of the demo that has not returned
LS = "2020-08_2020年民生实事工作8月份进展情况_兰山区.xlsx"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    build_demo(root)
    shutil.copy(root / "templates" / GX, root / "returns" / GX)  # sent back as it came
    return root


def test_status_does_not_count_a_blank_form_as_returned(demo: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["status", str(demo / "returns"), "-s", str(demo / "spec" / "report.yaml")])
    assert done.exit_code == 1, done.output  # not everyone is in
    lines = done.output.splitlines()
    assert any(line.startswith("GX  临沂高新区  空白表") and line.endswith(GX) for line in lines), done.output
    assert "12/13 个单位已报送" in done.output
    assert "交回空白表（不算已报送）：临沂高新区" in done.output
    english = runner.invoke(
        app, ["--lang", "en", "status", str(demo / "returns"), "-s", str(demo / "spec" / "report.yaml")]
    )
    assert "Sent back blank (not counted as returned): 临沂高新区" in english.output


def test_a_blank_form_is_one_warning_and_left_out_of_the_figures(demo: Path, tmp_path: Path) -> None:
    spec = load_spec(demo / "spec" / "report.yaml")
    for cache in (None, tmp_path / "parsed.sqlite", tmp_path / "parsed.sqlite"):  # fresh, stored, read back
        result = merge_returns(spec, [demo / "returns"], cache=cache)
        assert result.statuses["GX"] == "blank"
        assert "GX" not in result.returns and result.records_of("GX") == []
        gx = [i for i in result.issues if i.unit == "GX"]
        assert [(i.code, i.file) for i in gx] == [("W-BLANK-RETURN", GX)]
        assert gx[0].message("zh") == "临沂高新区 交回的是空白表，没有填写任何数据，不算已报送"
        assert gx[0].fix("zh") == "在表中填写后重新报送"
        assert gx[0].message("en") == (
            "临沂高新区 sent back a blank form: nothing is filled in, so it does not count as returned"
        )
    # In the workbook: 报送情况 says 空白表, and a figure short of it says why.
    out = tmp_path / "summary.xlsx"
    done = CliRunner().invoke(
        app, ["merge", str(demo / "returns"), "-s", str(demo / "spec" / "report.yaml"), "-o", str(out)]
    )
    assert done.exit_code in (0, 1), done.output
    book = openpyxl.load_workbook(out)
    status_rows = [[c.value for c in row] for row in book["报送情况"].iter_rows()]
    assert any("临沂高新区" in row and "空白表" in row for row in status_rows), status_rows
    notes = [c.comment.text for sheet in book for row in sheet.iter_rows() for c in row if c.comment]
    assert any("临沂高新区（交回空白表）" in note for note in notes)
    assert not any("临沂高新区（未报送）" in note for note in notes)


def test_a_filled_return_is_kept_over_a_later_blank_one(demo: Path) -> None:
    # 兰山区 filled its return, then sent the blank template too, later.
    later = demo / "returns" / "兰山区（再次）.xlsx"
    book = openpyxl.load_workbook(demo / "templates" / "2020-08_2020年民生实事工作8月份进展情况_兰山区.xlsx")
    book.save(later)  # saved again by a program: newer, still blank
    spec = load_spec(demo / "spec" / "report.yaml")
    result = merge_returns(spec, [demo / "returns"])
    assert result.statuses["LS"] == "duplicate"
    assert result.returns["LS"].book.name == LS
    assert [i.code for i in result.issues if i.unit == "LS" and i.code.startswith("W-")][:1] == ["W-DUPLICATE-RETURN"]
    assert "W-BLANK-RETURN" not in {i.code for i in result.issues if i.unit == "LS"}
    assert result.records_of("LS") != []


def test_the_unit_is_reminded_with_the_reason(demo: Path) -> None:
    spec = load_spec(demo / "spec" / "report.yaml")
    [gx] = [r for r in reminders(spec, demo / "returns") if r.unit.code == "GX"]
    assert gx.reason == "errors" and gx.file == GX
    # Said as it is: there is nothing in the return to verify (no "请核实：" before it).
    assert gx.problems == ["临沂高新区 交回的是空白表，没有填写任何数据，不算已报送（在表中填写后重新报送）"]
