"""``consolidate send`` against a real SMTP server (aiosmtpd on 127.0.0.1), read back as a mail client would."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.mail import send_templates
from consolidate.spec import load_spec, parse_spec
from consolidate.write.template import write_templates

from .mailservers import SMTP_PASSWORD_ENV, SmtpSink, base_spec_text, mail_spec_text

pytestmark = pytest.mark.aiosmtpd

TITLE = "2025年第一季度重点工作完成情况"
UNITS = {"YZK": "医政医管科", "JWK": "基层卫生科", "LX": "龙溪镇卫生院"}
PASSWORD = {SMTP_PASSWORD_ENV: SmtpSink.password}


def run(*args: object, env: dict[str, str] | None = None, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, global_options_first([str(a) for a in args]), env={"COLUMNS": "250", **(env or {})}, input=input
    )
    return result.exit_code, result.output


@pytest.fixture
def spec_path(tmp_path: Path, smtp: SmtpSink) -> Path:
    """Templates made before the e-mail settings were added to the spec (they stay current)."""
    write_templates(parse_spec(base_spec_text()), tmp_path / "templates")
    path = tmp_path / "spec" / "report.yaml"
    path.parent.mkdir()
    path.write_text(mail_spec_text(smtp.port), encoding="utf-8")
    return path


def template(tmp_path: Path, code: str) -> Path:
    return tmp_path / "templates" / f"2025-Q1_{TITLE}_{UNITS[code]}.xlsx"


def by_unit(smtp: SmtpSink) -> dict[str, EmailMessage]:
    out = {}
    for received in smtp.received:
        message = received.message
        code = str(message["Subject"]).rsplit("/", 1)[1].rstrip("]")
        out[code] = message
    return out


def test_each_unit_gets_its_own_template(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    code, output = run("send", spec_path, "-t", tmp_path / "templates", env=PASSWORD)
    assert code == 1, output  # 清港镇卫生院 has no address
    assert "已发送 3 封，此前已发送 0 封，失败 0 封" in output
    assert "没有邮箱地址的单位：清港镇卫生院（请在单位名单的 email 列填写）" in output
    assert smtp.logins == ["clerk@county.test"]  # one session for all messages
    assert {r.sender for r in smtp.received} == {"clerk@county.test"}
    assert sorted(r.recipients for r in smtp.received) == [
        ["jwk@county.test", "jwk.office@county.test"],
        ["lx@county.test"],
        ["yzk@county.test"],
    ]
    messages = by_unit(smtp)
    assert sorted(messages) == ["JWK", "LX", "YZK"]
    for unit_code, message in messages.items():
        name = UNITS[unit_code]
        assert message["Subject"] == f"请报送《{TITLE}》（{name}）[key-work-2025q1/{unit_code}]"
        assert message["From"].addresses[0].display_name == "玉环市卫生健康局办公室"
        assert message["From"].addresses[0].addr_spec == "office@county.test"
        assert [a.display_name for a in message["To"].addresses] == [name] * len(message["To"].addresses)
        (attachment,) = message.iter_attachments()
        assert isinstance(attachment, EmailMessage)
        assert attachment.get_filename() == f"2025-Q1_{TITLE}_{name}.xlsx"  # RFC 2231 in Content-Disposition
        assert attachment["Content-Type"].params["name"] == f"2025-Q1_{TITLE}_{name}.xlsx"  # RFC 2047 for older clients
        assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert attachment.get_content() == template(tmp_path, unit_code).read_bytes()
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert text.startswith(f"{name}：\n\n现将《{TITLE}》的填报表格发给你们（附件：2025-Q1_{TITLE}_{name}.xlsx）。")
        assert "截止日期：2025年4月15日\n如有疑问请联系：办公室 0576-87221234\n" in text
        assert f"回复时请保留邮件主题中的 [key-work-2025q1/{unit_code}]" in text
    raw = next(r.data for r in smtp.received if r.recipients == ["yzk@county.test"])
    head = raw.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")  # every header is 7-bit: Chinese only as encoded words
    assert b"filename*=utf-8''2025-Q1_2025%E5%B9%B4%E7%AC%AC" in raw
    assert b'name="=?utf-8?b?' in raw
    log = json.loads((tmp_path / "templates" / ".consolidate" / "sent.json").read_text(encoding="utf-8"))
    assert sorted(log["sent"]) == sorted(
        f"{c}:{hashlib.sha256(template(tmp_path, c).read_bytes()).hexdigest()}" for c in UNITS
    )
    assert log["sent"][next(k for k in log["sent"] if k.startswith("JWK:"))]["to"] == [
        "jwk@county.test",
        "jwk.office@county.test",
    ]


def test_a_refused_unit_is_reported_and_a_rerun_sends_only_what_was_not_sent(
    tmp_path: Path, smtp: SmtpSink, spec_path: Path
) -> None:
    smtp.refuse = {"lx@county.test"}
    code, output = run("send", spec_path, "-t", tmp_path / "templates", env=PASSWORD)
    assert code == 1
    assert "已发送 2 封，此前已发送 0 封，失败 1 封" in output
    assert "发送失败" in output and "lx@county.test: 550 5.1.1 mailbox unavailable" in output
    assert sorted(by_unit(smtp)) == ["JWK", "YZK"]

    smtp.refuse.clear()
    code, output = run("send", spec_path, "-t", tmp_path / "templates", env=PASSWORD)
    assert "已发送 1 封，此前已发送 2 封，失败 0 封" in output
    assert [r.recipients for r in smtp.received[2:]] == [["lx@county.test"]]

    code, output = run("send", spec_path, "-t", tmp_path / "templates", env=PASSWORD)
    assert "已发送 0 封，此前已发送 3 封，失败 0 封" in output
    assert len(smtp.received) == 3

    code, output = run("send", spec_path, "-t", tmp_path / "templates", "-u", "医政医管科", "--resend", env=PASSWORD)
    assert code == 0, output
    assert "已发送 1 封，此前已发送 0 封，失败 0 封" in output
    assert [r.recipients for r in smtp.received[3:]] == [["yzk@county.test"]]


def test_dry_run_writes_eml_files_and_sends_nothing(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    outbox = tmp_path / "待发"
    code, output = run("send", spec_path, "-t", tmp_path / "templates", "--dry-run", "--outbox", outbox)
    assert code == 1  # still lists 清港镇卫生院 without an address
    assert f"已把 3 封邮件写入 {outbox}（未发送）" in output
    assert sorted(p.name for p in outbox.iterdir()) == [
        "JWK_基层卫生科.eml",
        "LX_龙溪镇卫生院.eml",
        "YZK_医政医管科.eml",
    ]
    assert smtp.received == [] and smtp.logins == []
    assert not (tmp_path / "templates" / ".consolidate").exists()
    message = email.message_from_bytes((outbox / "LX_龙溪镇卫生院.eml").read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == f"请报送《{TITLE}》（龙溪镇卫生院）[key-work-2025q1/LX]"
    assert str(message["To"]) == "龙溪镇卫生院 <lx@county.test>"
    (attachment,) = message.iter_attachments()
    assert isinstance(attachment, EmailMessage)
    assert attachment.get_filename() == f"2025-Q1_{TITLE}_龙溪镇卫生院.xlsx"
    assert attachment.get_content() == template(tmp_path, "LX").read_bytes()


def test_throttle_waits_between_messages(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    spec_path.write_text(mail_spec_text(smtp.port, mail="  throttle: 0.5\n"), encoding="utf-8")
    waits: list[float] = []
    result = send_templates(
        load_spec(spec_path), tmp_path / "templates", password=SmtpSink.password, sleep=waits.append
    )
    assert [o.status for o in result.outcomes] == ["sent", "sent", "sent", "no_address"]
    assert waits == [0.5, 0.5]  # between messages, not before the first
    waits.clear()
    send_templates(
        load_spec(spec_path),
        tmp_path / "templates",
        password=SmtpSink.password,
        resend=True,
        throttle=2,
        sleep=waits.append,
    )
    assert waits == [2, 2]


def test_password_is_asked_for_when_the_variable_is_not_set(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    _, output = run("send", spec_path, "-t", tmp_path / "templates", input=SmtpSink.password + "\n")
    assert "SMTP 密码（clerk@county.test@127.0.0.1）" in output
    assert SmtpSink.password not in output  # typed hidden
    assert "已发送 3 封" in output
    assert len(smtp.received) == 3


def test_wrong_password_stops_before_anything_is_sent(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    code, output = run("send", spec_path, "-t", tmp_path / "templates", env={SMTP_PASSWORD_ENV: "wrong"})
    assert code == 2
    assert "无法执行：SMTP 登录失败 clerk@county.test@127.0.0.1" in output.replace("\n", "")
    assert smtp.received == []
    assert not (tmp_path / "templates" / ".consolidate" / "sent.json").exists()


def test_missing_or_outdated_templates_are_listed_not_sent(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    template(tmp_path, "LX").unlink()
    changed = parse_spec(base_spec_text().replace("target: 10}", "target: 12}"))
    write_templates(changed, tmp_path / "templates", ["YZK"])  # another version of the report
    code, output = run("send", spec_path, "-t", tmp_path / "templates", env=PASSWORD)
    assert code == 1
    assert "找不到模板或模板已过期的单位：医政医管科、龙溪镇卫生院（请先运行 consolidate templates）" in output
    assert [r.recipients for r in smtp.received] == [["jwk@county.test", "jwk.office@county.test"]]


def test_english_messages_for_an_english_report(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    text = mail_spec_text(smtp.port).replace("  contact: 办公室", "  language: en\n  contact: 办公室")
    spec_path.write_text(text, encoding="utf-8")
    write_templates(load_spec(spec_path), tmp_path / "templates")
    code, output = run("--lang", "en", "send", spec_path, "-t", tmp_path / "templates", "-u", "YZK", env=PASSWORD)
    assert code == 0, output
    assert "1 sent, 0 sent before, 0 failed" in output
    message = smtp.received[0].message
    assert message["Subject"] == f"Please return: {TITLE} (医政医管科) [key-work-2025q1/YZK]"
    body = message.get_body(("plain",))
    assert body is not None
    assert "Deadline: 15 April 2025\n" in body.get_content()


def test_custom_texts_from_the_spec(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    mail = "  throttle: 0\n  subject: 【{issuer}】{unit}：{title}（{deadline}前报送）[{tag}]\n  body: '{unit_contact}同志：请查收 {file}。'\n"
    spec_path.write_text(mail_spec_text(smtp.port, mail=mail), encoding="utf-8")
    code, output = run("send", spec_path, "-t", tmp_path / "templates", "-u", "YZK", env=PASSWORD)
    assert code == 0, output
    message = smtp.received[0].message
    assert message["Subject"] == f"【玉环市卫生健康局】医政医管科：{TITLE}（2025年4月15日前报送）[key-work-2025q1/YZK]"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content() == f"王芳同志：请查收 2025-Q1_{TITLE}_医政医管科.xlsx。"


def test_an_entry_that_is_not_an_address_is_shown(tmp_path: Path, smtp: SmtpSink, spec_path: Path) -> None:
    text = mail_spec_text(smtp.port).replace("email: yzk@county.test,", "email: yzk@county.test；王芳,")
    spec_path.write_text(text, encoding="utf-8")
    code, output = run("send", spec_path, "-t", tmp_path / "templates", "-u", "YZK", env=PASSWORD)
    assert code == 0, output
    assert "无效的地址：王芳" in output
    assert [r.recipients for r in smtp.received] == [["yzk@county.test"]]


def test_a_dry_run_that_fails_half_way_leaves_no_message_and_a_rerun_writes_them_all(
    tmp_path: Path, smtp: SmtpSink, spec_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import consolidate.mail.deliver as deliver

    real = deliver.compose
    made: list[str] = []

    def full_after_one(**kwargs: object) -> bytes:
        if made:
            raise OSError(errno.ENOSPC, "No space left on device")
        made.append(str(kwargs["to_name"]))
        return real(**kwargs)  # type: ignore[arg-type]

    outbox = tmp_path / "待发"
    monkeypatch.setattr(deliver, "compose", full_after_one)
    code, output = run("send", spec_path, "-t", tmp_path / "templates", "--dry-run", "--outbox", outbox)
    assert code != 0 and made == ["医政医管科"]
    assert "磁盘空间不足" in output and "Traceback" not in output
    assert not outbox.exists()  # the message written before the disk filled went with the rest
    monkeypatch.setattr(deliver, "compose", real)
    code, output = run("send", spec_path, "-t", tmp_path / "templates", "--dry-run", "--outbox", outbox)
    assert sorted(p.name for p in outbox.iterdir()) == [
        "JWK_基层卫生科.eml",
        "LX_龙溪镇卫生院.eml",
        "YZK_医政医管科.eml",
    ]


def test_a_password_from_a_script_is_read_from_standard_input_and_none_at_all_is_said(
    tmp_path: Path, smtp: SmtpSink, spec_path: Path
) -> None:
    """Run from a script (no terminal): the password piped in is read as one line; with nothing
    on standard input (a scheduled task), one line saying what to set, exit 2, nothing sent
    (getpass warned in English, with its own source line, and the run ended in 已中断。)."""
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "consolidate"
    env = {k: v for k, v in os.environ.items() if k != SMTP_PASSWORD_ENV}
    command = [str(exe), "send", str(spec_path), "-t", str(tmp_path / "templates")]
    done = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    said = (done.stdout + done.stderr).replace("\n", "")
    assert "Warning" not in said and "getpass" not in said and "Traceback" not in said
    assert (
        "无法执行：没有得到 SMTP 密码（clerk@county.test）：命令不在命令行窗口中运行，标准输入也没有给出密码。"
        f"请先设置环境变量 {SMTP_PASSWORD_ENV}，或在命令行窗口中运行这条命令" in said
    )
    assert smtp.received == [] and smtp.logins == []
    assert not (tmp_path / "templates" / ".consolidate" / "sent.json").exists()
    piped = subprocess.run(
        command, input=SmtpSink.password + "\n", capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert piped.returncode == 1, piped.stderr  # 1: a unit has no address (清港镇卫生院), as above
    assert "已发送 3 封，此前已发送 0 封，失败 0 封" in piped.stdout
    assert SmtpSink.password not in piped.stdout + piped.stderr
    assert "Warning" not in piped.stderr and len(smtp.received) == 3
