"""``consolidate serve`` (issue 22): the real server in a subprocess on 127.0.0.1, spoken to over
HTTP (httpx) as a unit's browser and the clerk's would; the browser itself in test_serve_browser.py."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import fill_template
from consolidate.merge import merge_returns
from consolidate.spec import load_spec
from consolidate.write import write_templates

from .conftest import SPEC_YAML, write_spec
from .serving import Served, serve

GOOD = {
    "T1": {"done": 60, "progress": "按计划推进", "status": "正常"},
    "T2": {"done": 5, "progress": "主体完工", "status": "正常"},
}
LX_GOOD = {
    "T1": {"done": 40, "progress": "按计划推进", "status": "正常"},
    "T3": {"done": 5, "progress": "推进", "status": "正常"},
}
TWO_MISTAKES = {
    "T1": {"done": -5, "progress": "按计划推进", "status": "正常"},
    "T2": {"done": 5, "progress": "主体完工", "status": "很好"},
}


def problems(page: str) -> list[tuple[str, str, str, str, str]]:
    """The problems table of a unit's page: (level, sheet, cell, what, fix) per row."""
    rows = re.findall(r'<tr data-code="[^"]*">(.*?)</tr>', page, re.S)
    return [tuple(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)) for r in rows]  # type: ignore[misc]


def outcome(page: str) -> str:
    """The headline of the upload's result, as shown."""
    found = re.search(r'<section data-status="(\w+)" id="outcome">\s*(?:<p[^>]*>(.*?)</p>)', page, re.S)
    assert found is not None, page
    return f"{found[1]}: {re.sub(r'<[^>]+>', '', found[2]).strip()}"


@pytest.fixture
def county(tmp_path: Path) -> Path:
    spec = write_spec(tmp_path / "2025Q1")
    write_templates(load_spec(spec), tmp_path / "模板")
    return tmp_path


def template(county: Path, unit: str) -> Path:
    (found,) = (county / "模板").glob(f"*_{unit}.xlsx")
    return found


def filled(county: Path, unit: str, rows: dict[str, dict[str, object]], name: str = "") -> Path:
    out = county / "填好" / (name or template(county, unit).name)
    out.parent.mkdir(exist_ok=True)
    fill_template(template(county, unit), out, rows)
    return out


@pytest.fixture
def server(county: Path) -> Iterator[Served]:
    served = serve(county / "2025Q1" / "report.yaml", county / "收回")
    yield served
    served.stop()


def upload(client: httpx.Client, link: str, path: Path, name: str | None = None) -> httpx.Response:
    with path.open("rb") as f:
        return client.post(f"{link}/upload", files={"file": (name or path.name, f)})


def test_a_unit_uploads_a_return_with_two_mistakes_and_sees_what_validate_says(server: Served, county: Path) -> None:
    sent = filled(county, "医政医管科", TWO_MISTAKES)
    with server.client() as client:
        page = client.get(server.links["医政医管科"])
        assert page.status_code == 200
        assert "2025年第一季度重点工作完成情况" in page.text and "医政医管科" in page.text and "2025-04-15" in page.text
        started = time.monotonic()
        answer = upload(client, server.links["医政医管科"], sent)
        took = time.monotonic() - started
    assert answer.status_code == 200 and answer.history[0].status_code == 303
    assert took < 2, took
    assert (
        outcome(answer.text)
        == "accepted: 已收到，但有 2 处错误需要修改，改好后请重新上传（新上传的文件会替换这一份）："
    )
    assert problems(answer.text) == [
        ("错误", "填报", "D6", "“累计完成”不能小于 0，填写的是 -5", "核对数值"),
        ("错误", "填报", "H7", "“完成情况自评”的“很好”不在可选项（超前、正常、滞后）中", "从下拉列表中选择"),
    ]
    # Saved as the unit's return, under the reader's own name, with its upload time.
    saved = county / "收回" / "医政医管科.xlsx"
    assert saved.read_bytes() == sent.read_bytes()
    log = json.loads((county / "收回" / ".consolidate" / "received.json").read_text(encoding="utf-8"))
    assert log["files"]["医政医管科.xlsx"]["via"] == "upload"
    assert log["files"]["医政医管科.xlsx"]["unit"] == "YZK"
    # The same check as validate: the same problems, the same words.
    result = merge_returns(load_spec(county / "2025Q1" / "report.yaml"), [saved])
    assert [(i.cell, i.message(), i.fix()) for i in result.issues if i.unit == "YZK"] == [
        (cell, what, fix) for _, _, cell, what, fix in problems(answer.text)
    ]
    # The feedback workbook, with the problem list in front.
    link = re.search(r'id="feedback" href="([^"]+)"', answer.text)
    assert link is not None
    with server.client() as client:
        feedback = client.get(f"{server.base}{link[1]}")
    assert feedback.status_code == 200
    assert "filename*=UTF-8''" in feedback.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(feedback.content))
    assert book.sheetnames[0] == "问题清单"
    # Listed among the unit's uploads, with its time.
    assert re.search(
        r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d （已过截止日期）</td><td>[^<]*医政医管科.xlsx</td>", answer.text
    )
    assert "已收到，2 处错误、0 处警告 · 当前有效" in answer.text


def test_the_unit_downloads_its_own_prefilled_template(server: Served, county: Path) -> None:
    with server.client() as client:
        got = client.get(f"{server.links['龙溪镇卫生院']}/template")
    assert got.status_code == 200
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    made = openpyxl.load_workbook(template(county, "龙溪镇卫生院"))
    given = openpyxl.load_workbook(io.BytesIO(got.content))
    assert given.sheetnames == made.sheetnames
    assert list(given.worksheets[0].values) == list(made.worksheets[0].values)
    meta = dict(given["_consolidate"].iter_rows(max_col=2, values_only=True))
    assert (meta["unit_code"], meta["period"]) == ("LX", "2025-Q1")


CLOSED_UNKNOWN = (
    "这个链接打不开。可能是复制得不完整（在微信里转发时，长链接常被截断），也可能已经停用。"
    "请核对链接，或向发给您链接的人索取本单位本期的链接。"
)


def message(page: str) -> tuple[str, str]:
    """A message page as shown: its heading and its message."""
    found = re.search(r"<h1>(.*?)</h1>.*?<p[^>]*id=\"message\">(.*?)</p>", page, re.S)
    assert found is not None, page
    return found[1].strip(), found[2].strip()


def test_a_wrong_token_is_a_404_page_that_names_nothing_and_every_answer_keeps_the_token_to_itself(
    server: Served,
) -> None:
    unit = server.links["医政医管科"]
    token = unit.rsplit("/", 1)[1]
    admin_token = server.admin.rsplit("/", 1)[1]
    with server.client() as client:
        wrong = [
            client.get(f"{server.base}/u/{token[:-1]}x"),
            client.get(f"{server.base}/u/{token[:-1]}x/template"),
            client.post(f"{server.base}/u/{token[:-1]}x/upload", files={"file": ("a.xlsx", b"x")}),
            client.get(f"{server.base}/admin/{token}"),  # a unit's token does not open the clerk's page
            client.get(f"{server.base}/u/{admin_token}"),  # nor the clerk's a unit's
            client.get(f"{server.base}/admin/{admin_token[:-1]}x/summary"),
            client.get(f"{server.base}/"),
            client.get(f"{server.base}/u/"),
        ]
        right = client.get(unit)
    # One page for every address that opens nothing (trying addresses tells nothing of the report),
    # saying what to do in the spec's language.
    assert [r.status_code for r in wrong] == [404] * len(wrong)
    assert {r.text for r in wrong} == {wrong[0].text}
    assert message(wrong[0].text) == ("链接打不开", CLOSED_UNKNOWN)
    assert "2025年第一季度" not in wrong[0].text
    assert {r.headers["referrer-policy"] for r in [*wrong, right]} == {"no-referrer"}
    assert "default-src 'none'" in right.headers["content-security-policy"]
    assert re.findall(r'(?:src|href)="(https?:)?//', right.text) == []  # nothing from anywhere else


def test_a_return_from_another_units_template_is_refused_and_not_saved(server: Served, county: Path) -> None:
    theirs = filled(county, "龙溪镇卫生院", LX_GOOD)
    with server.client() as client:
        answer = upload(client, server.links["医政医管科"], theirs)
        # The unit's token opens its own feedback files only.
        mine = upload(client, server.links["医政医管科"], filled(county, "医政医管科", TWO_MISTAKES))
        feedback = re.search(r'id="feedback" href="/u/[^/]+/feedback/([^"]+)"', mine.text)
        assert feedback is not None
        other = client.get(f"{server.links['龙溪镇卫生院']}/feedback/{feedback[1]}")
    assert outcome(answer.text) == (
        "refused: 没有收下这个文件： 这是“龙溪镇卫生院”的报表，不是本单位（医政医管科）的。请下载本单位的模板填写后再上传；"
        "如果是替其他单位上传，请使用该单位自己的链接。"
    )
    assert other.status_code == 404
    assert sorted(p.name for p in (county / "收回").glob("*.xlsx")) == ["医政医管科.xlsx"]
    refused = list((county / "2025Q1" / ".consolidate" / "uploads").glob("*/refused/*.xlsx"))
    assert [p.read_bytes() for p in refused] == [theirs.read_bytes()]


def test_the_blank_template_uploaded_as_it_came_is_refused_as_blank(server: Served, county: Path) -> None:
    with server.client() as client:
        answer = upload(client, server.links["医政医管科"], template(county, "医政医管科"))
    assert outcome(answer.text) == (
        "refused: 没有收下这个文件： 这份表是空白的，没有填写任何数据，没有收下。请在表中填写后再上传。"
    )
    assert sorted(p.name for p in (county / "收回").glob("*.xlsx")) == []


def test_another_periods_or_reports_return_is_refused_with_the_reason(server: Served, county: Path) -> None:
    last = county / "上期"
    write_spec(last, SPEC_YAML.replace("period: 2025-Q1", "period: 2024-Q4"))
    write_templates(load_spec(last / "report.yaml"), last / "模板")
    (old,) = (last / "模板").glob("*_医政医管科.xlsx")
    other = county / "其他"
    write_spec(other, SPEC_YAML.replace("id: key-work-2025q1", "id: another-report"))
    write_templates(load_spec(other / "report.yaml"), other / "模板")
    (foreign,) = (other / "模板").glob("*_医政医管科.xlsx")
    with server.client() as client:
        answers = [outcome(upload(client, server.links["医政医管科"], path).text) for path in (old, foreign)]
        pdf = upload(client, server.links["医政医管科"], old, name="报告.pdf")
    assert answers == [
        "refused: 没有收下这个文件： 这个文件无法作为本单位的报表读取，没有收下。原因见下：",
        "refused: 没有收下这个文件： 这个文件无法作为本单位的报表读取，没有收下。原因见下：",
    ]
    assert outcome(pdf.text) == (
        "refused: 没有收下这个文件： 只能上传 .xlsx、.xlsm、.xls、.ods 或 .csv 文件（这个文件是“.pdf”）。请上传填好的模板。"
    )
    assert list((county / "收回").glob("*.xlsx")) == []


def test_an_upload_over_the_limit_is_cut_off_while_it_streams(county: Path) -> None:
    served = serve(county / "2025Q1" / "report.yaml", county / "收回", "--max-mb", "1")
    try:
        big = b"PK" + b"\0" * (3 * 1024 * 1024)
        pieces_sent = []

        def body() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
            boundary = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'
            yield boundary
            for start in range(0, len(big), 65536):
                pieces_sent.append(start)
                yield big[start : start + 65536]
            yield b"\r\n--x--\r\n"

        with served.client() as client:
            declared = client.post(f"{served.links['医政医管科']}/upload", files={"file": ("a.xlsx", big)})
            streamed = client.post(
                f"{served.links['医政医管科']}/upload",
                content=body(),
                headers={"content-type": "multipart/form-data; boundary=x"},
            )
            after = client.get(served.links["医政医管科"])
        too_large = (
            "refused: 没有收下这个文件： 文件太大（超过 1 MB），没有收下。报表一般只有几十 KB：请检查是否选错了文件，"
            "或删去工作簿中多余的图片和工作表。"
        )
        assert (declared.status_code, outcome(declared.text)) == (413, too_large)
        assert (streamed.status_code, outcome(streamed.text)) == (413, too_large)
        assert after.status_code == 200
        assert list((county / "收回").glob("*")) == []
    finally:
        served.stop()


def test_the_name_an_upload_comes_with_never_reaches_a_path(server: Served, county: Path) -> None:
    sent = filled(county, "医政医管科", GOOD)
    names = [
        "../../逃出.xlsx",
        "..\\..\\逃出.xlsx",
        "/etc/cron.d/x.xlsx",
        "C:\\Windows\\x.xlsx",
        ".consolidate/received.json.xlsx",
    ]
    with server.client() as client:
        for name in names:
            upload(client, server.links["医政医管科"], sent, name=name)
        page = client.get(server.links["医政医管科"]).text
    assert sorted(p.name for p in (county / "收回").iterdir()) == [".consolidate", "医政医管科.xlsx"]
    assert sorted(p.name for p in county.iterdir()) == ["2025Q1", "填好", "收回", "模板"]
    assert not Path("/etc/cron.d/x.xlsx").exists()
    # Shown as the last part of the name only, escaped.
    shown = re.findall(r"<td>\d{4}-[^<]*</td><td>([^<]*)</td>", page)
    assert sorted(shown) == sorted(["逃出.xlsx", "逃出.xlsx", "x.xlsx", "x.xlsx", "received.json.xlsx"])


def _sheet_bomb(good: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    padding = b"<!--" + b" " * (30 * 2**20) + b"-->"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", padding + b"<sheetData>")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_zip_bomb_is_refused_by_the_readers_guards(server: Served, county: Path) -> None:
    bomb = county / "bomb.xlsx"
    bomb.write_bytes(_sheet_bomb(filled(county, "医政医管科", GOOD).read_bytes()))
    assert bomb.stat().st_size < 2**20
    with server.client() as client:
        answer = upload(client, server.links["医政医管科"], bomb)
        page = client.get(server.links["基层卫生科"])
    assert outcome(answer.text) == "refused: 没有收下这个文件： 这个文件无法作为本单位的报表读取，没有收下。原因见下："
    assert problems(answer.text) == [
        (
            "错误",
            "",
            "",
            "文件无法读取：文件中的“xl/worksheets/sheet1.xml”压缩比异常（疑似压缩炸弹），已拒绝",
            "请用 Excel 或 WPS 打开这个文件，另存为 .xlsx 后重新报送",  # to the unit, not "ask the other side"
        )
    ]
    assert page.status_code == 200
    assert list((county / "收回").glob("*.xlsx")) == []


def test_a_word_document_is_explained_to_the_unit_in_its_own_terms(server: Served, county: Path) -> None:
    word = county / "填报.xlsx"
    with zipfile.ZipFile(word, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    with server.client() as client:
        answer = upload(client, server.links["医政医管科"], word)
    assert problems(answer.text) == [
        (
            "错误",
            "",
            "",
            "文件无法读取：这是 Word 文档（.docx），不是 Excel 表格",  # not "请对方…": the unit reads it
            "请把数据填在下发的 Excel 模板里，保存后重新报送",
        )
    ]


TWENTY = "\n".join(f"  - {{code: U{n:02d}, name: 第{n}卫生院}}" for n in range(1, 21))


def test_twenty_units_upload_at_once(tmp_path: Path) -> None:
    text = re.sub(r"units:\n(  - .*\n)+", f"units:\n{TWENTY}\n", SPEC_YAML)
    text = re.sub(r"items:\n(  - .*\n)+", 'items:\n  - {id: T1, no: "1", task: 健全院前急救体系, target: 100}\n', text)
    spec = write_spec(tmp_path / "spec", text)
    write_templates(load_spec(spec), tmp_path / "模板")
    files = []
    for n in range(1, 21):
        (found,) = (tmp_path / "模板").glob(f"*_第{n}卫生院.xlsx")
        out = tmp_path / "填好" / found.name
        out.parent.mkdir(exist_ok=True)
        fill_template(found, out, {"T1": {"done": n, "progress": "推进", "status": "正常"}})
        files.append((f"第{n}卫生院", out))
    served = serve(spec, tmp_path / "收回")
    try:
        links = served.links

        def one(unit: str, path: Path) -> tuple[str, float]:
            with served.client() as client:
                started = time.monotonic()
                answer = upload(client, links[unit], path)
                return outcome(answer.text), time.monotonic() - started

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda pair: one(*pair), files))
        took = time.monotonic() - started
    finally:
        served.stop()
    assert [a for a, _ in answers] == ["accepted: 已收到，检查通过：没有发现问题。"] * 20
    assert took < 20, took
    assert sorted(p.name for p in (tmp_path / "收回").glob("*.xlsx")) == sorted(f"{u}.xlsx" for u, _ in files)
    result = merge_returns(load_spec(spec), [tmp_path / "收回"])
    assert [s.status for s in result.submissions] == ["returned"] * 20
    assert [r.values["done"] for r in result.records] == list(range(1, 21))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "400"})
    return result.exit_code, result.output


def test_a_restart_keeps_the_links_and_the_uploads_and_new_links_replace_them(county: Path) -> None:
    spec = county / "2025Q1" / "report.yaml"
    first = serve(spec, county / "收回")
    with first.client() as client:
        upload(client, first.links["医政医管科"], filled(county, "医政医管科", GOOD))
    code, out, err = first.stop()
    assert code == 0
    assert "Traceback" not in err and "Traceback" not in out
    assert out.splitlines()[-1] == "收表页面已停止。再次运行同一命令即可继续：链接和已上传的报表都会保留。"
    assert out.splitlines()[-2].endswith(f"医政医管科 上传 {template(county, '医政医管科').name}：已收到，无问题")
    rows = list(csv.reader((county / "2025Q1" / "links.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [["unit", "link"], *([name, link] for name, link in first.links.items())]

    again = serve(spec, county / "收回", port=first.port)
    try:
        assert again.links == first.links and again.admin == first.admin
        with again.client() as client:
            page = client.get(again.links["医政医管科"]).text
        assert "已收到，无问题 · 当前有效" in page
    finally:
        again.stop()
    renewed = serve(spec, county / "收回", "--new-links", port=first.port)
    try:
        assert set(renewed.links.values()).isdisjoint(first.links.values())
        assert "已为本期换发新链接：旧链接已失效。" in renewed.lines
        with renewed.client() as client:
            replaced = client.get(first.links["医政医管科"])
            replaced_admin = client.get(first.admin)
            assert client.get(renewed.links["医政医管科"]).status_code == 200
    finally:
        renewed.stop()
    # Of the replaced tokens only a hash is kept beside the spec.
    kept = (county / "2025Q1" / ".consolidate" / "links.json").read_text(encoding="utf-8")
    assert all(link.rsplit("/", 1)[1] not in kept for link in [*first.links.values(), first.admin])
    # The replaced links say so (the spec names no contact).
    assert (replaced.status_code, message(replaced.text)) == (
        410,
        ("2025年第一季度重点工作完成情况", "这个链接已经停用：报表负责人换发了新链接。请向报表负责人索取新的链接。"),
    )
    assert (replaced_admin.status_code, message(replaced_admin.text)[1]) == (
        410,
        "这个管理页面链接已经停用（换发了新链接）。新的链接在运行 consolidate serve 的窗口里（“管理页面”那一行）。",
    )
    # remind --text gives each unit its (current) link.
    code, output = run("remind", spec, "-r", county / "收回", "--text", county / "催报.txt")
    assert code == 0, output
    text = (county / "催报.txt").read_text(encoding="utf-8")
    assert f"本单位上传链接：{renewed.links['基层卫生科']}" in text
    assert renewed.links["医政医管科"] not in text  # it has returned: not reminded


def test_links_csv_that_is_not_ours_is_left_alone(county: Path) -> None:
    theirs = county / "2025Q1" / "links.csv"
    theirs.write_text("自己的表\n", encoding="utf-8")
    served = serve(county / "2025Q1" / "report.yaml", county / "收回")
    _, out, _ = served.stop()
    assert theirs.read_text(encoding="utf-8") == "自己的表\n"
    assert f"{theirs} 不是本工具写的文件，没有改动它；链接见上。" in out


def _saved_at(path: Path, when: str) -> None:
    """The workbook's own save time set to ``when`` (as a unit's Excel would have stamped it)."""
    data = path.read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when.encode(), part)
            target.writestr(info, part)
    path.write_bytes(out.getvalue())


def test_merge_of_the_folder_equals_merge_by_hand_and_late_is_from_the_upload_time(
    server: Served, county: Path
) -> None:
    spec = load_spec(county / "2025Q1" / "report.yaml")
    first = filled(county, "医政医管科", TWO_MISTAKES, name="第一次.xlsx")
    second = filled(county, "医政医管科", GOOD, name="第二次.xlsx")
    lx = filled(county, "龙溪镇卫生院", LX_GOOD)
    for path in (first, second, lx):
        _saved_at(path, "2025-04-10T09:00:00Z")  # saved before the deadline, uploaded after it
    with server.client() as client:
        for unit, path in (("医政医管科", first), ("医政医管科", second), ("龙溪镇卫生院", lx)):
            upload(client, server.links[unit], path)
            time.sleep(1.1)  # a later upload is a later second
        admin = client.get(server.admin).text
        summary = client.get(f"{server.admin}/summary")
    returns = county / "收回"
    assert sorted(p.name for p in returns.glob("*.xlsx")) == [
        "医政医管科.xlsx",
        "医政医管科_2.xlsx",
        "龙溪镇卫生院.xlsx",
    ]
    folder = merge_returns(spec, [returns])
    by_hand = merge_returns(spec, [second, lx])
    assert [(r.unit_code, r.item_id, r.values) for r in folder.records] == [
        (r.unit_code, r.item_id, r.values) for r in by_hand.records
    ]
    assert [row.values for row in folder.figures.rows] == [row.values for row in by_hand.figures.rows]
    submissions = {s.unit_code: s for s in folder.submissions}
    assert (submissions["YZK"].status, submissions["YZK"].file, submissions["YZK"].other_files) == (
        "duplicate",
        "医政医管科_2.xlsx",
        ["医政医管科.xlsx"],
    )
    # 逾期 from the upload time, not the workbook's own (earlier) save time.
    assert [(s.unit_code, s.time_source, s.overdue) for s in folder.submissions if s.status != "missing"] == [
        ("YZK", "upload", True),
        ("LX", "upload", True),
    ]
    assert {s.unit_code: s.overdue for s in by_hand.submissions if s.status != "missing"} == {"YZK": False, "LX": False}
    # The clerk's page and the summary it gives.
    assert "应报 3 个单位：已报 2，按时 0，有错误 0，未报 1。" in admin
    assert (
        re.search(r"<tr><td>基层卫生科</td><td class=\"copy\">(http://[^<]+)</td></tr>", admin)[1]
        == server.links["基层卫生科"]
    )  # type: ignore[index]
    assert summary.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(summary.content))
    assert "报送情况" in book.sheetnames
    time_from = [row for row in book["报送情况"].iter_rows(values_only=True) if row and "医政医管科" in row]
    assert time_from and "网页上传时间" in time_from[0]


def test_the_links_carry_the_address_given(county: Path) -> None:
    """With --host 0.0.0.0 the links carried the first address guessed, which may be one the
    units cannot reach (a second network card, a VPN): --address names it."""
    spec = county / "2025Q1" / "report.yaml"
    served = serve(spec, county / "收回", "--host", "0.0.0.0", "--address", "hwj-pc")
    try:
        links = served.links
        assert links and all(link.startswith(f"http://hwj-pc:{served.port}/u/") for link in links.values())
        assert served.admin.startswith(f"http://hwj-pc:{served.port}/admin/")
        rows = list(csv.reader((county / "2025Q1" / "links.csv").read_text(encoding="utf-8-sig").splitlines()))
        assert [link for _, link in rows[1:]] == list(links.values())
    finally:
        served.stop()
    done = CliRunner().invoke(app, ["serve", str(spec), "--address", "http://hwj-pc/上传"])
    assert done.exit_code == 2
    assert (
        "--address 应是本机的名称或 IP 地址（可带端口），如 192.168.1.20 或 hwj-pc:8765；给出的是“http://hwj-pc/上传”。"
        in done.output
    )


def test_after_next_last_periods_links_say_that_period_is_over_and_serve_says_to_send_the_new_ones(
    county: Path,
) -> None:
    """A unit opens the link pinned in the WeChat group last quarter: it is told the quarter is
    over and whom to ask (the spec's contact); the clerk is told at start to send the new links."""
    spec = county / "2025Q1" / "report.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("  deadline: 2025-04-15\n", "  deadline: 2025-04-15\n  contact: 办公室 0576-87223456\n"), "utf-8"
    )
    first = serve(spec, county / "收回")
    with first.client() as client:
        assert upload(client, first.links["医政医管科"], filled(county, "医政医管科", GOOD)).status_code == 200
    first.stop()
    assert not any("的链接是新的" in line for line in first.lines)  # the first links follow none
    code, output = run("merge", county / "收回", "-s", spec, "-o", county / "汇总.xlsx")
    assert code == 0, output
    code, output = run("next", spec)
    assert code == 0, output

    second = serve(spec, county / "收回", port=first.port)
    try:
        assert set(second.links.values()).isdisjoint(first.links.values())
        with second.client() as client:
            old_unit = client.get(first.links["医政医管科"])
            old_upload = upload(client, first.links["医政医管科"], filled(county, "医政医管科", GOOD, "again.xlsx"))
            old_admin = client.get(first.admin)
            new_unit = client.get(second.links["医政医管科"])
            # A token opens as what it was issued for only: last quarter's unit link as the clerk's
            # page, or the clerk's as a unit's, is any wrong address.
            crossed = [
                client.get(first.links["医政医管科"].replace("/u/", "/admin/")),
                client.get(first.admin.replace("/admin/", "/u/")),
            ]
    finally:
        code, _out, err = second.stop()
    assert code == 0 and "Traceback" not in err
    assert (
        "本期（2025-Q2）的链接是新的，2025-Q1 期的链接已经打不开：请把下面的链接重新发给各单位"
        "（remind --text 写出的催报消息里也是新链接）。"
    ) in second.lines
    told = "这是 2025-Q1 期的链接，那一期已经结束，这个链接不再使用。本期（2025-Q2）有新的链接，请向报表负责人索取（办公室 0576-87223456）。"
    assert (old_unit.status_code, message(old_unit.text)) == (410, ("2025年第二季度重点工作完成情况", told))
    assert (old_upload.status_code, message(old_upload.text)[1]) == (410, told)
    assert not (county / "收回" / "again.xlsx").exists() and len(list((county / "收回").rglob("*.xlsx"))) == 1
    assert (old_admin.status_code, message(old_admin.text)[1]) == (
        410,
        "这是 2025-Q1 期的管理页面链接，那一期已经结束。本期（2025-Q2）的管理页面链接在运行 consolidate serve "
        "的窗口里（“管理页面”那一行）。",
    )
    assert new_unit.status_code == 200 and "2025-Q2" in new_unit.text
    assert [(r.status_code, message(r.text)) for r in crossed] == [(404, ("链接打不开", CLOSED_UNKNOWN))] * 2

    # Started again in the same period: the links are the same, nothing more to send.
    third = serve(spec, county / "收回", port=first.port)
    try:
        assert third.links == second.links
    finally:
        third.stop()
    assert not any("的链接是新的" in line for line in third.lines)


def test_a_progress_text_sent_back_as_it_started_is_shown_to_the_unit_as_a_note(tmp_path: Path) -> None:
    """The demo's August: 兰山区's template starts from its July 进展情况; uploaded with only the
    figures typed in, the return is taken and the unit sees, under the headline, the notes that
    its texts are July's word for word (other notes, for the clerk, are not shown)."""
    from consolidate.kinds import build_demo

    built = build_demo(tmp_path / "demo")
    (template,) = (built.folder / "templates").glob("*_兰山区.xlsx")
    figures = {"T01": {"done": 40000, "status": "正常"}, "T02": {"done": 7, "status": "正常"}}
    figures |= {"T03": {"done": 12, "status": "正常"}, "T07": {"done": 1, "status": "正常"}}
    fill_template(template, tmp_path / template.name, figures, contact="王建华")
    served = serve(built.spec, tmp_path / "收回")
    try:
        with served.client() as client:
            page = upload(client, served.links["兰山区"], tmp_path / template.name).text
    finally:
        served.stop()
    assert outcome(page) == "accepted: 已收到，检查通过：没有发现问题。"
    assert "另有 4 处提示，请看一看下表（不影响报送）。" in page
    notes = problems(page)
    assert [(level, cell) for level, _, cell, _, _ in notes] == [
        ("提示", "H6"),
        ("提示", "H7"),
        ("提示", "H8"),
        ("提示", "H9"),
    ]
    assert notes[0][3] == "“进展情况”与上期（2020-07）报送的内容一字不差：模板里预填的上期内容没有改动"
    assert 'id="feedback"' not in page  # notes alone: no feedback file to download
