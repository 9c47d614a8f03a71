"""The ``mail:``/``smtp:``/``imap:`` spec keys, and decoding what Chinese mail clients send."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse
from pathlib import Path

import pytest

from consolidate.errors import SpecError
from consolidate.mail.collect import Collector
from consolidate.mail.mime import Attachment, attachment_name, compose, decode_words, header_text, parse
from consolidate.mail.servers import encode_mutf7
from consolidate.spec import ImapSpec, SmtpSpec, load_spec, parse_spec, spec_from_json

from .conftest import SPEC_YAML
from .mailservers import base_spec_text, mail_spec_text

MAIL = """\
mail:
  sender: 办公室 <office@county.test>
  subject: "{unit}：{title}"
smtp: {host: smtp.county.test, security: starttls, user: office@county.test, password_env: SMTP_PW}
imap: {host: imap.county.test, user: office@county.test, folder: 报表}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    return [str(p) for p in caught.value.problems]


def test_mail_settings_are_kept_but_not_embedded_in_templates() -> None:
    plain = parse_spec(SPEC_YAML)
    assert not {"mail", "smtp", "imap"} & set(plain.to_dict())
    assert (plain.mail, plain.smtp, plain.imap) == (None, None, None)
    with_mail = parse_spec(SPEC_YAML + MAIL)
    assert with_mail.sha256 == plain.sha256  # templates made before the settings stay current
    assert not {"mail", "smtp", "imap"} & set(json.loads(with_mail.public_json))
    assert with_mail.to_dict()["smtp"] == {
        "host": "smtp.county.test",
        "security": "starttls",
        "user": "office@county.test",
        "password_env": "SMTP_PW",
    }
    again = spec_from_json(with_mail.to_json())
    assert (again.mail, again.smtp, again.imap) == (with_mail.mail, with_mail.smtp, with_mail.imap)


def test_server_defaults() -> None:
    assert [SmtpSpec(host="h", security=s).effective_port for s in ("ssl", "starttls", "none")] == [465, 587, 25]
    assert [ImapSpec(host="h", security=s).effective_port for s in ("ssl", "starttls", "none")] == [993, 143, 143]
    assert SmtpSpec(host="h", port=2525).effective_port == 2525
    assert ImapSpec(host="h").folder == "INBOX"


def test_mail_keys_are_checked_with_lines_and_suggestions() -> None:
    text = SPEC_YAML + MAIL.replace("password_env: SMTP_PW", "pasword_env: SMTP_PW")
    assert problems(text) == ["report.yaml:34 [smtp.pasword_env]: 未知的键“pasword_env”，是否想写“password_env”？"]
    assert problems(SPEC_YAML + MAIL.replace('"{unit}：{title}"', '"{unit_name}：{title}"')) == [
        "report.yaml:33 [mail.subject]: 未知的占位符 {unit_name}；可用：contact, deadline, file, issuer, period, "
        "report_id, tag, title, today, unit, unit_code, unit_contact"
    ]
    [message] = problems(SPEC_YAML + MAIL.replace('"{unit}：{title}"', '"{title!r}"'))
    assert message.startswith("report.yaml:33 [mail.subject]: 未知的占位符 {title}；")
    [message] = problems(SPEC_YAML + MAIL.replace('"{unit}：{title}"', '"{unit"'))
    assert message.startswith("report.yaml:33 [mail.subject]: 花括号不配对，字面的花括号请写成 {{ 和 }}")
    assert problems(SPEC_YAML + MAIL.replace("办公室 <office@county.test>", "办公室")) == [
        "report.yaml:32 [mail.sender]: 不是邮箱地址：办公室"
    ]
    assert problems(SPEC_YAML + MAIL.replace("security: starttls", "security: tls")) == [
        "report.yaml:34 [smtp.security]: 取值“tls”不可用，应为以下之一：ssl, starttls, none"
    ]
    [message] = problems(SPEC_YAML + "mail: {remind_body: '{problems}', body: '{problems}'}\n")
    assert message.startswith("report.yaml:31 [mail.body]: 未知的占位符 {problems}；")


def test_a_composed_message_reads_back_in_any_client_style() -> None:
    name = "2025年第一季度重点工作完成情况（含附表）_龙溪镇卫生院.xlsx"
    data = compose(
        sender="玉环市卫生健康局 <office@county.test>",
        to=["lx@county.test"],
        to_name="龙溪镇卫生院",
        subject="请报送《很长的标题" * 5,
        body="正文",
        attachments=[Attachment(name, b"PK\x03\x04")],
        when=dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        message_id="<m@county.test>",
    )
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    message = parse(data)
    assert header_text(message, "Subject") == "请报送《很长的标题" * 5
    assert header_text(message, "Date") == "Tue, 01 Apr 2025 09:00:00 +0800"
    [part] = [p for p in message.walk() if p.get_filename()]
    assert attachment_name(part) == name
    del part["Content-Disposition"]  # a client that only reads name= (RFC 2047)
    assert attachment_name(part) == name


def _part(headers: bytes) -> bytes:
    return b"MIME-Version: 1.0\r\n" + headers + b"\r\n\r\nx\r\n"


@pytest.mark.parametrize(
    "headers",
    [
        # RFC 2231 in GBK, as Thunderbird writes for a GBK locale
        b"Content-Disposition: attachment; filename*=gbk''"
        + urllib.parse.quote("龙溪报表.xlsx".encode("gbk")).encode(),
        # RFC 2047 labelled GB2312, as Outlook and Foxmail write it
        b'Content-Type: application/octet-stream; name="=?gb2312?B?'
        + base64.b64encode("龙溪报表.xlsx".encode("gbk"))
        + b'?="',
        # raw GBK bytes in a quoted name
        b'Content-Disposition: attachment; filename="' + "龙溪报表.xlsx".encode("gbk") + b'"',
        # raw UTF-8 bytes
        b'Content-Disposition: attachment; filename="' + "龙溪报表.xlsx".encode() + b'"',
        # RFC 2231 continuations
        b"Content-Disposition: attachment;\r\n filename*0*=utf-8''%E9%BE%99%E6%BA%AA;\r\n filename*1*=%E6%8A%A5%E8%A1%A8.xlsx",
    ],
)
def test_attachment_names_from_chinese_clients(headers: bytes) -> None:
    assert attachment_name(parse(_part(headers))) == "龙溪报表.xlsx"


def test_gbk_only_character_under_a_gb2312_label() -> None:
    word = "=?gb2312?B?" + base64.b64encode("朱镕基.xlsx".encode("gbk")).decode() + "?="
    assert decode_words(f"Re: {word} (2)") == "Re: 朱镕基.xlsx (2)"


def test_modified_utf7_folder_names() -> None:
    assert [encode_mutf7(n) for n in ("INBOX", "报表", "a&b", "已发送/2025")] == [
        "INBOX",
        "&YqWIaA-",
        "a&-b",
        "&XfJT0ZAB-/2025",
    ]


def test_the_subject_tag_is_found_in_replies_only_for_this_report(tmp_path: Path) -> None:
    spec = parse_spec(mail_spec_text())
    collector = Collector(spec, tmp_path)
    assert collector._unit_in_subject("答复: 请报送《…》[key-work-2025q1/yzk]") is spec.unit_map["YZK"]
    assert collector._unit_in_subject("Re:【key-work-2025q1／LX】") is spec.unit_map["LX"]
    assert collector._unit_in_subject("[key-work-2025q10/LX]") is None
    assert collector._unit_in_subject("[key-work-2025q1/XX]") is None


def test_collector_works_offline_on_a_saved_message(tmp_path: Path) -> None:
    """The same code that ``collect`` runs per message, here on an .eml a clerk saved by hand."""
    spec = load_spec(_write(tmp_path, mail_spec_text()))
    raw = (
        b"From: lx@county.test\r\nSubject: x\r\nDate: Tue, 15 Apr 2025 16:00:00 +0800\r\nMessage-ID: <a@b>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: application/zip; name=a.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"PK\x05\x06" + b"\0" * 18)
        + b"\r\n"
    )
    collector = Collector(spec, tmp_path / "returns")
    collector.ingest(raw)
    assert [(s.path, s.unit, s.by) for s in collector.result.saved] == [("龙溪镇卫生院.zip", "LX", "sender")]
    seen = json.loads((tmp_path / "returns" / ".consolidate" / "collected.json").read_text(encoding="utf-8"))
    assert seen["messages"]["<a@b>"]["files"] == ["龙溪镇卫生院.zip"]
    collector.ingest(raw)
    assert collector.result.already_seen == 1


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_base_spec_has_no_mail_settings() -> None:
    assert parse_spec(base_spec_text()).smtp is None
