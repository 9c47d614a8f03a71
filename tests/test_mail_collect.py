"""``consolidate collect`` against a real IMAP server (a private Dovecot on 127.0.0.1).

Replies are put into the mailbox the way common clients write them: UTF-8 and GBK encoded words,
RFC 2231 names, raw 8-bit GBK headers, a zipped return with a GBK member name. The summary's
报送情况 must then show who replied and when.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import urllib.parse
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import fill_template
from consolidate.spec import parse_spec
from consolidate.write.template import write_templates

from .helpers import sheet_rows
from .mailservers import IMAP_PASSWORD_ENV, Dovecot, base_spec_text, mail_spec_text

pytestmark = pytest.mark.dovecot

TITLE = "2025年第一季度重点工作完成情况"
PASSWORD = {IMAP_PASSWORD_ENV: Dovecot.password}
CST = dt.timezone(dt.timedelta(hours=8))


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250", **PASSWORD})
    return result.exit_code, result.output


def encoded_word(text: str, charset: str = "GBK") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def message(headers: list[bytes], attachments: Sequence[tuple[bytes, bytes]] = (), body: str = "见附件") -> bytes:
    """A multipart message as a mail client writes it; each attachment is (its MIME headers, bytes)."""
    lines = [*headers, b"MIME-Version: 1.0", b'Content-Type: multipart/mixed; boundary="=_b"', b""]
    lines += [b"--=_b", b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: base64", b""]
    lines.append(base64.b64encode(body.encode()))
    for head, data in attachments:
        lines += [b"--=_b", head, b"Content-Transfer-Encoding: base64", b"", base64.encodebytes(data).strip()]
    lines += [b"--=_b--", b""]
    return b"\r\n".join(lines)


XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with Dovecot() as server:
        yield server


@pytest.fixture
def imap(dovecot: Dovecot) -> Dovecot:
    return dovecot.clear()


@pytest.fixture
def setup(tmp_path: Path, imap: Dovecot) -> tuple[Path, dict[str, bytes]]:
    """The spec, and a filled return per unit (清港镇卫生院 does not reply)."""
    spec = parse_spec(base_spec_text())
    templates = {p.stem.rsplit("_", 1)[1]: p for p in write_templates(spec, tmp_path / "templates")}
    plans = {
        "医政医管科": {
            "T1": {"done": 100, "progress": "完成急救分站勘察", "status": "正常"},
            "T2": {"done": 8, "progress": "主体完工", "status": "正常"},
        },
        "基层卫生科": {"T3": {"done": 30, "progress": "试点推进", "status": "正常"}},
        "龙溪镇卫生院": {
            "T1": {"done": 60, "progress": "分站选址", "status": "正常"},
            "T3": {"done": 20, "progress": "签约服务", "status": "滞后"},
        },
    }
    filled = {}
    for name, rows in plans.items():
        out = tmp_path / "filled" / f"{name}.xlsx"
        out.parent.mkdir(exist_ok=True)
        fill_template(templates[name], out, rows, contact="王芳", phone="0576-87221234")
        filled[name] = out.read_bytes()
    path = tmp_path / "spec" / "report.yaml"
    path.parent.mkdir()
    path.write_text(mail_spec_text(imap_port=imap.port), encoding="utf-8")
    return path, filled


def zipped(name: str, data: bytes) -> bytes:
    """A zip made on Chinese Windows: the member name in GBK without the UTF-8 flag."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("placeholder", date_time=(2025, 4, 15, 15, 0, 0))
        info.filename = name.encode("gbk").decode("cp437")
        archive.writestr(info, data)
    return buffer.getvalue()


def deliver_replies(imap: Dovecot, filled: dict[str, bytes]) -> dict[str, bytes]:
    """The three replies (and some mail that is not a return); returns the attachments as sent."""
    zip_bytes = zipped("龙溪镇卫生院一季度报表.xlsx", filled["龙溪镇卫生院"])
    # 医政医管科 replies to the message it got: UTF-8 subject with the tag, RFC 2231 UTF-8 name.
    imap.append(
        message(
            [
                b"From: =?utf-8?B?546L6Iqz?= <yzk@county.test>",
                b"To: office@county.test",
                (
                    "Subject: " + encoded_word(f"回复：请报送《{TITLE}》（医政医管科）[key-work-2025q1/YZK]", "utf-8")
                ).encode(),
                b"Date: Mon, 14 Apr 2025 10:30:00 +0800",
                b"Message-ID: <reply-yzk@county.test>",
            ],
            [
                (
                    b"Content-Type: "
                    + XLSX
                    + b"\r\nContent-Disposition: attachment;\r\n filename*=utf-8''"
                    + urllib.parse.quote("医政医管科.xlsx").encode(),
                    filled["医政医管科"],
                )
            ],
        ),
        when="14-Apr-2025 10:30:05 +0800",
    )
    # 基层卫生科 writes from a personal mailbox, a new message with a GBK subject and a GBK
    # (RFC 2047) attachment name, a day late: known only by the template inside.
    gbk_name = encoded_word("基层卫生科 一季度.xlsx")
    imap.append(
        message(
            [
                ("From: " + encoded_word("小李") + " <xiaoli@qq.test>").encode(),
                ("Subject: " + encoded_word("基层卫生科一季度报表")).encode(),
                b"Date: Wed, 16 Apr 2025 15:00:00 +0800",
                b"Message-ID: <jwk-late@qq.test>",
            ],
            [(f'Content-Type: application/vnd.ms-excel; name="{gbk_name}"'.encode(), filled["基层卫生科"])],
        ),
        when="16-Apr-2025 15:00:09 +0800",
    )
    # 龙溪镇卫生院 sends a zip; its client wrote the subject and the name as raw GBK bytes.
    imap.append(
        message(
            [
                b"From: lx@county.test",
                b"Subject: " + "龙溪镇卫生院报送".encode("gbk"),
                b"Date: Tue, 15 Apr 2025 16:00:00 +0800",
                b"Message-ID: <lx-zip@county.test>",
            ],
            [
                (
                    b'Content-Type: application/zip\r\nContent-Disposition: attachment; filename="'
                    + "龙溪报表.zip".encode("gbk")
                    + b'"',
                    zip_bytes,
                )
            ],
        ),
        when="15-Apr-2025 16:00:02 +0800",
    )
    # Not returns: a message without attachments, our own copy of a message with a template,
    # and an old message from before --since.
    imap.append(message([b"From: yzk@county.test", b"Subject: ok", b"Date: Tue, 15 Apr 2025 09:00:00 +0800"]))
    imap.append(
        message(
            [b"From: office@county.test", b"Subject: [key-work-2025q1/YZK]", b"Date: Tue, 15 Apr 2025 09:00:00 +0800"],
            [(b"Content-Type: " + XLSX + b'; name="x.xlsx"', filled["医政医管科"])],
        )
    )
    imap.append(
        message(
            [b"From: yzk@county.test", b"Subject: [key-work-2025q1/YZK]", b"Date: Sat, 1 Mar 2025 09:00:00 +0800"],
            [(b"Content-Type: " + XLSX + b'; name="old.xlsx"', b"old")],
        ),
        when="01-Mar-2025 09:00:00 +0800",
    )
    return {"医政医管科": filled["医政医管科"], "基层卫生科": filled["基层卫生科"], "龙溪镇卫生院": zip_bytes}


def local(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    """A China Standard Time as the merge shows it: in the local time of this machine."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=CST).astimezone().replace(tzinfo=None)


def test_collect_saves_each_return_by_unit_and_the_summary_shows_when(
    tmp_path: Path, imap: Dovecot, setup: tuple[Path, dict[str, bytes]]
) -> None:
    spec_path, filled = setup
    sent = deliver_replies(imap, filled)
    returns = tmp_path / "returns"
    code, output = run("collect", spec_path, "--since", "2025-04-01", "-o", returns)
    assert code == 0, output
    assert f"共 5 封邮件，新保存 3 个文件，0 封此前已收取：{returns}" in output
    assert sorted(p.name for p in returns.iterdir()) == [
        ".consolidate",
        "医政医管科.xlsx",
        "基层卫生科.xlsx",
        "龙溪镇卫生院.zip",
    ]
    for name, data in sent.items():
        saved = returns / (f"{name}.zip" if name == "龙溪镇卫生院" else f"{name}.xlsx")
        assert saved.read_bytes() == data, name
    log = json.loads((returns / ".consolidate" / "received.json").read_text(encoding="utf-8"))
    assert {
        k: {f: v[f] for f in ("received", "sender", "message_id", "unit", "subject", "attachment")}
        for k, v in log["files"].items()
    } == {
        "医政医管科.xlsx": {
            "received": "2025-04-14T10:30:00+08:00",
            "sender": "yzk@county.test",
            "message_id": "<reply-yzk@county.test>",
            "unit": "YZK",
            "subject": f"回复：请报送《{TITLE}》（医政医管科）[key-work-2025q1/YZK]",
            "attachment": "医政医管科.xlsx",
        },
        "基层卫生科.xlsx": {
            "received": "2025-04-16T15:00:00+08:00",
            "sender": "xiaoli@qq.test",
            "message_id": "<jwk-late@qq.test>",
            "unit": "JWK",
            "subject": "基层卫生科一季度报表",
            "attachment": "基层卫生科 一季度.xlsx",
        },
        "龙溪镇卫生院.zip": {
            "received": "2025-04-15T16:00:00+08:00",
            "sender": "lx@county.test",
            "message_id": "<lx-zip@county.test>",
            "unit": "LX",
            "subject": "龙溪镇卫生院报送",
            "attachment": "龙溪报表.zip",
        },
    }
    assert "模板信息" in output and "发件地址" in output  # how each file was matched

    summary = tmp_path / "summary.xlsx"
    code, output = run("merge", returns, "-s", spec_path, "-o", summary)
    rows = {r["单位名称"]: r for r in sheet_rows(summary, "报送情况")}
    assert {name: (r["状态"], r["逾期"] or "") for name, r in rows.items()} == {
        "医政医管科": ("已报送", ""),
        "基层卫生科": ("已报送", "是"),
        "龙溪镇卫生院": ("已报送", ""),
        "清港镇卫生院": ("未报送", ""),
    }
    assert rows["医政医管科"]["收到时间"] == local(2025, 4, 14, 10, 30)
    assert rows["基层卫生科"]["收到时间"] == local(2025, 4, 16, 15, 0)
    assert (rows["医政医管科"]["文件"], rows["基层卫生科"]["文件"]) == ("医政医管科.xlsx", "基层卫生科.xlsx")

    # Collecting again fetches nothing new, and the mailbox is left as it was (nothing marked read).
    code, output = run("collect", spec_path, "--since", "2025-04-01", "-o", returns)
    assert f"共 5 封邮件，新保存 0 个文件，5 封此前已收取：{returns}" in output
    assert all(b"\\Seen" not in flags for flags in imap.flags())


def test_the_received_time_of_a_zipped_return_reaches_the_summary(
    tmp_path: Path, imap: Dovecot, setup: tuple[Path, dict[str, bytes]]
) -> None:
    spec_path, filled = setup
    deliver_replies(imap, filled)
    returns = tmp_path / "returns"
    run("collect", spec_path, "--since", "2025-04-01", "-o", returns)
    run("merge", returns, "-s", spec_path, "-o", tmp_path / "summary.xlsx")
    rows = {r["单位名称"]: r for r in sheet_rows(tmp_path / "summary.xlsx", "报送情况")}
    assert rows["龙溪镇卫生院"]["收到时间"] == local(2025, 4, 15, 16, 0)


def test_a_later_reply_is_kept_next_to_the_first_and_the_newest_counts(
    tmp_path: Path, imap: Dovecot, setup: tuple[Path, dict[str, bytes]]
) -> None:
    spec_path, filled = setup
    returns = tmp_path / "returns"
    head = [b"From: yzk@county.test", b"Subject: Re: [key-work-2025q1/YZK]"]
    attachment = b"Content-Type: " + XLSX + b'; name="a.xlsx"'
    imap.append(
        message(
            [*head, b"Date: Mon, 14 Apr 2025 10:30:00 +0800", b"Message-ID: <1@x>"],
            [(attachment, filled["医政医管科"])],
        )
    )
    run("collect", spec_path, "-o", returns)
    corrected = tmp_path / "corrected.xlsx"
    corrected.write_bytes(filled["医政医管科"])
    book = openpyxl.load_workbook(corrected)
    book.worksheets[0]["D6"] = 110
    book.save(corrected)
    imap.append(
        message(
            [*head, b"Date: Tue, 15 Apr 2025 11:00:00 +0800", b"Message-ID: <2@x>"],
            [(attachment, corrected.read_bytes())],
        )
    )
    imap.append(
        message(
            [*head, b"Date: Tue, 15 Apr 2025 11:05:00 +0800", b"Message-ID: <3@x>"],
            [(attachment, corrected.read_bytes())],
        )
    )
    code, output = run("collect", spec_path, "-o", returns)
    assert code == 0, output
    assert "a.xlsx（yzk@county.test，Re: [key-work-2025q1/YZK]）：与已保存的 医政医管科_2.xlsx 内容相同" in output
    assert sorted(p.name for p in returns.iterdir()) == [".consolidate", "医政医管科.xlsx", "医政医管科_2.xlsx"]
    assert (returns / "医政医管科_2.xlsx").read_bytes() == corrected.read_bytes()
    run("merge", returns, "-s", spec_path, "-o", tmp_path / "s.xlsx")
    rows = {r["单位名称"]: r for r in sheet_rows(tmp_path / "s.xlsx", "报送情况")}
    assert (rows["医政医管科"]["状态"], rows["医政医管科"]["文件"]) == ("重复", "医政医管科_2.xlsx、医政医管科.xlsx")
    assert rows["医政医管科"]["收到时间"] == local(2025, 4, 15, 11, 0)


def test_what_cannot_be_attributed_is_listed_and_looked_at_again(
    tmp_path: Path, imap: Dovecot, setup: tuple[Path, dict[str, bytes]]
) -> None:
    spec_path, _ = setup
    returns = tmp_path / "returns"
    plain = tmp_path / "名单.xlsx"
    openpyxl.Workbook().save(plain)
    other = parse_spec(base_spec_text().replace("id: key-work-2025q1", "id: other-report"))
    other_template = write_templates(other, tmp_path / "other", ["YZK"])[0]
    earlier = parse_spec(base_spec_text().replace("period: 2025-Q1", "period: 2024-Q4"))
    earlier_template = write_templates(earlier, tmp_path / "earlier", ["YZK"])[0]
    date = b"Date: Tue, 15 Apr 2025 09:00:00 +0800"
    imap.append(
        message(
            [b"From: someone@elsewhere.test", b"Subject: =?utf-8?B?5ZCN5Y2V?=", date, b"Message-ID: <u@x>"],
            [(b"Content-Type: " + XLSX + b'; name="' + encoded_word("名单.xlsx").encode() + b'"', plain.read_bytes())],
        )
    )
    imap.append(
        message(
            [b"From: yzk@county.test", b"Subject: other", date, b"Message-ID: <o@x>"],
            [
                (b"Content-Type: " + XLSX + b'; name="other.xlsx"', other_template.read_bytes()),
                (b"Content-Type: " + XLSX + b'; name="Q4.xlsx"', earlier_template.read_bytes()),
                (b'Content-Type: application/msword; name="=?utf-8?B?6K+05piOLmRvYw==?="', b"doc"),
            ],
        )
    )
    code, output = run("collect", spec_path, "-o", returns)
    assert code == 1
    assert "未保存的附件：" in output
    assert "名单.xlsx（someone@elsewhere.test，名单）：无法确定是哪个单位的" in output
    assert "other.xlsx（yzk@county.test，other）：是另一份报表（other-report）的文件" in output
    assert (
        "Q4.xlsx（yzk@county.test，other）：是 2024-Q4 期的报表，不是本期的，未保存；请该单位用本期下发的模板重新填报"
        in output
    )
    assert "说明.doc（yzk@county.test，other）：不是电子表格，未保存" in output
    assert sorted(p.name for p in returns.iterdir()) == [".consolidate"]
    # The message that could not be attributed is looked at again next time; the other is done.
    code, output = run("collect", spec_path, "-o", returns)
    assert code == 1
    assert "共 2 封邮件，新保存 0 个文件，1 封此前已收取" in output


def test_a_chinese_folder_and_a_wrong_password(
    tmp_path: Path, imap: Dovecot, setup: tuple[Path, dict[str, bytes]]
) -> None:
    spec_path, filled = setup
    returns = tmp_path / "returns"
    imap.append(
        message(
            [b"From: lx@county.test", b"Subject: x", b"Date: Tue, 15 Apr 2025 09:00:00 +0800"],
            [(b"Content-Type: " + XLSX + b'; name="lx.xlsx"', filled["龙溪镇卫生院"])],
        ),
        folder="&YqWIaA-",  # 报表 in modified UTF-7 (RFC 3501)
    )
    code, output = run("collect", spec_path, "-o", returns, "--folder", "报表")
    assert code == 0, output
    assert sorted(p.name for p in returns.iterdir()) == [".consolidate", "龙溪镇卫生院.xlsx"]
    result = CliRunner().invoke(
        app, ["collect", str(spec_path), "-o", str(returns)], env={IMAP_PASSWORD_ENV: "wrong", "COLUMNS": "250"}
    )
    assert result.exit_code == 2
    assert "IMAP 登录失败 clerk@county.test@127.0.0.1" in result.output.replace("\n", "")


def test_collect_reports_its_progress_message_by_message(
    tmp_path: Path, imap: Dovecot, setup: tuple[Path, dict[str, bytes]]
) -> None:
    from consolidate.mail import collect_returns
    from consolidate.spec import load_spec

    spec_path, filled = setup
    deliver_replies(imap, filled)
    calls: list[tuple[int, int]] = []
    result = collect_returns(
        load_spec(spec_path),
        tmp_path / "returns",
        password=Dovecot.password,
        progress=lambda d, n: calls.append((d, n)),
    )
    assert result.messages == 6  # no --since: the old March reply too
    assert calls == [(done, 6) for done in range(7)]
