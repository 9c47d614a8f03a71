"""The upload page in a real browser: Debian's Chromium driven by Playwright (no browser is
downloaded). ``UPDATE_SCREENSHOT=1`` saves the page after the upload as README's screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from consolidate.kinds.demo import fill_template
from consolidate.spec import load_spec
from consolidate.write import write_templates

from .conftest import CHROMIUM, write_spec
from .serving import serve

SCREENSHOT = Path(__file__).parent.parent / "docs" / "images" / "upload-page.png"


@pytest.mark.chromium
def test_a_unit_uploads_in_the_browser_and_reads_its_two_mistakes(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    spec = write_spec(tmp_path / "2025Q1")
    write_templates(load_spec(spec), tmp_path / "模板")
    (template,) = (tmp_path / "模板").glob("*_医政医管科.xlsx")
    sent = tmp_path / "医政医管科（已填）.xlsx"
    fill_template(
        template,
        sent,
        {
            "T1": {"done": -5, "progress": "120急救站点已建成98个", "status": "正常"},
            "T2": {"done": 5, "progress": "主体工程完工", "status": "很好"},
        },
        contact="张三",
        phone="0576-87000000",
    )
    served = serve(spec, tmp_path / "收回")
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 900, "height": 900}, device_scale_factor=1)
                page.goto(served.links["医政医管科"])
                assert page.locator("#unit").inner_text() == "医政医管科"
                assert page.locator("#outcome").count() == 0
                page.set_input_files("#file", str(sent))
                page.click("#send")
                page.wait_for_selector("#outcome", timeout=10_000)
                headline = page.locator("#outcome p").first.inner_text()
                rows = [
                    [cell.strip() for cell in row.locator("td").all_inner_texts()]
                    for row in page.locator("#problems tbody tr").all()
                ]
                history = page.locator("#history tbody tr").all_inner_texts()
                has_feedback = page.locator("#feedback").count()
                if os.environ.get("UPDATE_SCREENSHOT"):
                    page.screenshot(path=str(SCREENSHOT), full_page=True)
            finally:
                browser.close()
    finally:
        served.stop()
    assert headline == "已收到，但有 2 处错误需要修改，改好后请重新上传（新上传的文件会替换这一份）："
    assert rows == [
        ["错误", "填报", "D6", "“累计完成”不能小于 0，填写的是 -5", "核对数值"],
        ["错误", "填报", "H7", "“完成情况自评”的“很好”不在可选项（超前、正常、滞后）中", "从下拉列表中选择"],
    ]
    assert has_feedback == 1
    assert len(history) == 1 and "医政医管科（已填）.xlsx" in history[0]
    assert (tmp_path / "收回" / "医政医管科.xlsx").read_bytes() == sent.read_bytes()
