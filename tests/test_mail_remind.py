"""``consolidate remind`` against a real SMTP server: only units without a valid return, told what is wrong."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import fill_template
from consolidate.mail import reminders
from consolidate.spec import load_spec
from consolidate.write.template import write_templates

from .mailservers import SMTP_PASSWORD_ENV, SmtpSink, mail_spec_text

pytestmark = pytest.mark.aiosmtpd

TITLE = "2025年第一季度重点工作完成情况"


def run(*args: object) -> tuple[int, str]:
    env = {"COLUMNS": "250", SMTP_PASSWORD_ENV: SmtpSink.password}
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env=env)
    return result.exit_code, result.output


@pytest.fixture
def folders(tmp_path: Path, smtp: SmtpSink) -> Path:
    """医政医管科 returned a valid file, 基层卫生科 one with errors; 龙溪镇 and 清港镇 nothing."""
    path = tmp_path / "spec" / "report.yaml"
    path.parent.mkdir()
    path.write_text(mail_spec_text(smtp.port), encoding="utf-8")
    templates = {p.stem.rsplit("_", 1)[1]: p for p in write_templates(load_spec(path), tmp_path / "templates")}
    returns = tmp_path / "returns"
    returns.mkdir()
    fill_template(
        templates["医政医管科"],
        returns / "医政医管科.xlsx",
        {
            "T1": {"done": 100, "progress": "完成急救分站勘察", "status": "正常"},
            "T2": {"done": 8, "progress": "主体完工", "status": "正常"},
        },
    )
    fill_template(templates["基层卫生科"], returns / "基层卫生科.xlsx", {"T3": {"done": "约2万", "status": "正常"}})
    # A file lying there under the unit's feedback name is not attached: only a workbook whose
    # metadata names the unit is (here 医政医管科's template, renamed, is not 基层卫生科's).
    feedback = tmp_path / "反馈"
    feedback.mkdir()
    (feedback / f"2025-Q1_{TITLE}_基层卫生科_反馈.xlsx").write_bytes(templates["医政医管科"].read_bytes())
    (feedback / "基层卫生科的反馈.xlsx").write_bytes(templates["基层卫生科"].read_bytes())
    return tmp_path


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text: str = part.get_content()
    return text


def attachments(message: EmailMessage) -> dict[str, bytes]:
    out = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        out[str(part.get_filename())] = part.get_content()
    return out


def test_only_units_without_a_valid_return_are_reminded(folders: Path, smtp: SmtpSink) -> None:
    spec = folders / "spec" / "report.yaml"
    args = ("remind", spec, "-r", folders / "returns", "--feedback", folders / "反馈", "-t", folders / "templates")
    code, output = run(*args)
    assert code == 1, output  # 清港镇卫生院 has no address
    assert "已发送 2 封，此前已发送 0 封，失败 0 封" in output
    assert "没有邮箱地址的单位：清港镇卫生院" in output
    assert sorted(r.recipients[0] for r in smtp.received) == ["jwk@county.test", "lx@county.test"]
    today = dt.date.today()

    jwk = next(r.message for r in smtp.received if "jwk@county.test" in r.recipients)
    assert jwk["Subject"] == f"催报：《{TITLE}》（基层卫生科）[key-work-2025q1/JWK]"
    assert body_of(jwk) == (
        "基层卫生科：\n\n"
        f"你单位报送的《{TITLE}》（基层卫生科.xlsx）有以下问题，请修改后重新发送：\n\n"
        "1. 第 3 项（填报!D6）：“累计完成”应为数字，填写的是“约2万”（只填数字，不要带文字或单位）\n"
        "2. 第 3 项（填报!F6）：“完成情况”为必填项，未填写（请填写该单元格）\n"
        "附件“基层卫生科的反馈.xlsx”中已标出有问题的单元格。\n\n"
        "截止日期：2025年4月15日\n"
        "请直接回复本邮件发回表格，并保留邮件主题中的 [key-work-2025q1/JWK]。如有疑问请联系：办公室 0576-87221234\n\n"
        "玉环市卫生健康局\n"
    )
    assert attachments(jwk) == {
        "基层卫生科的反馈.xlsx": (folders / "templates" / f"2025-Q1_{TITLE}_基层卫生科.xlsx").read_bytes()
    }

    lx = next(r.message for r in smtp.received if "lx@county.test" in r.recipients)
    assert lx["Subject"] == f"催报：《{TITLE}》（龙溪镇卫生院）[key-work-2025q1/LX]"
    assert body_of(lx).startswith(
        f"龙溪镇卫生院：\n\n截至{today.year}年{today.month}月{today.day}日，尚未收到你单位报送的《{TITLE}》，请尽快填报。\n\n"
        f"附件是你单位的填报表格：2025-Q1_{TITLE}_龙溪镇卫生院.xlsx\n\n截止日期：2025年4月15日\n"
    )
    template = folders / "templates" / f"2025-Q1_{TITLE}_龙溪镇卫生院.xlsx"
    assert attachments(lx) == {template.name: template.read_bytes()}

    # The same reminder goes out at most once a day: a re-run reaches nobody twice.
    code, output = run(*args)
    assert "已发送 0 封，此前已发送 2 封，失败 0 封" in output
    assert len(smtp.received) == 2


def test_a_failed_reminder_is_sent_on_the_rerun(folders: Path, smtp: SmtpSink) -> None:
    spec = folders / "spec" / "report.yaml"
    smtp.refuse = {"jwk@county.test", "jwk.office@county.test"}
    _, output = run("remind", spec, "-r", folders / "returns")
    assert "已发送 1 封，此前已发送 0 封，失败 1 封" in output
    assert "jwk@county.test: 550 5.1.1 mailbox unavailable; jwk.office@county.test: 550 5.1.1" in output
    smtp.refuse.clear()
    _, output = run("remind", spec, "-r", folders / "returns")
    assert "已发送 1 封，此前已发送 1 封，失败 0 封" in output
    assert [r.recipients for r in smtp.received] == [["lx@county.test"], ["jwk@county.test", "jwk.office@county.test"]]


def test_dry_run_and_nobody_to_remind(folders: Path, smtp: SmtpSink) -> None:
    spec = folders / "spec" / "report.yaml"
    outbox = folders / "outbox"
    code, output = run("remind", spec, "-r", folders / "returns", "-u", "LX", "--dry-run", "--outbox", outbox)
    assert code == 0, output
    assert [p.name for p in outbox.iterdir()] == ["LX_龙溪镇卫生院.eml"]
    message = email.message_from_bytes((outbox / "LX_龙溪镇卫生院.eml").read_bytes(), policy=email.policy.default)
    assert message["Subject"] == f"催报：《{TITLE}》（龙溪镇卫生院）[key-work-2025q1/LX]"
    assert smtp.received == []

    assert [(r.unit.code, r.reason) for r in reminders(load_spec(spec), folders / "returns")] == [
        ("JWK", "errors"),
        ("LX", "missing"),
        ("QG", "missing"),
    ]
    code, output = run("remind", spec, "-r", folders / "returns", "-u", "YZK")
    assert (code, output.strip()) == (
        0,
        "所有单位都已报送有效的报表，无需催报。\n已发送 0 封，此前已发送 0 封，失败 0 封",
    )


def test_unreadable_return_and_an_empty_returns_folder(folders: Path, smtp: SmtpSink) -> None:
    spec = folders / "spec" / "report.yaml"
    (folders / "returns" / "龙溪镇卫生院.xlsx").write_bytes(b"")
    [lx] = [r for r in reminders(load_spec(spec), folders / "returns") if r.unit.code == "LX"]
    assert (lx.reason, lx.file, lx.problems) == (
        "unreadable",
        "龙溪镇卫生院.xlsx",
        ["文件无法读取：文件是空的（0 字节）（请用 Excel 或 WPS 打开这个文件，另存为 .xlsx 后重新报送）"],
    )
    empty = folders / "empty"
    empty.mkdir()
    assert [r.reason for r in reminders(load_spec(spec), empty)] == ["missing"] * 4
    # No folder yet (the day after sending): every unit is reminded, as for an empty one.
    assert [r.reason for r in reminders(load_spec(spec), folders / "nope")] == ["missing"] * 4
    code, output = run("remind", spec, "-r", folders / "nope", "--dry-run", "--outbox", folders / "outbox")
    assert code == 1, output  # 清港镇卫生院 has no address
    assert len(list((folders / "outbox").glob("*.eml"))) == 3
