"""SSL and STARTTLS with certificate checks, against the same real servers run with a test certificate.

The client trusts the test certificate only through ``SSL_CERT_FILE``, as a bureau would for a
mail server with its own certificate authority; without it the connection is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.spec import parse_spec
from consolidate.write.template import write_templates

from .mailservers import (
    IMAP_PASSWORD_ENV,
    SMTP_PASSWORD_ENV,
    Certificate,
    Dovecot,
    SmtpSink,
    base_spec_text,
    mail_spec_text,
    make_certificate,
)

XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORDS = {SMTP_PASSWORD_ENV: SmtpSink.password, IMAP_PASSWORD_ENV: Dovecot.password, "COLUMNS": "250"}


def run(*args: object, trust: Path | None) -> tuple[int, str]:
    env: dict[str, str | None] = {**PASSWORDS, "SSL_CERT_FILE": str(trust) if trust else None}
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env=env)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.mark.aiosmtpd
@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_send_checks_the_server_certificate(tmp_path: Path, certificate: Certificate, security: str) -> None:
    write_templates(parse_spec(base_spec_text()), tmp_path / "templates")
    with SmtpSink(certificate=certificate, security=security) as smtp:
        spec = tmp_path / "report.yaml"
        spec.write_text(mail_spec_text(smtp.port, smtp_security=security), encoding="utf-8")
        code, output = run("send", spec, "-t", tmp_path / "templates", trust=None)
        assert code == 2
        assert "无法连接 SMTP 服务器" in output and "CERTIFICATE_VERIFY_FAILED" in output
        assert smtp.received == []
        code, output = run("send", spec, "-t", tmp_path / "templates", trust=certificate.cert)
        assert "已发送 3 封，此前已发送 0 封，失败 0 封" in output
        assert len(smtp.received) == 3 and smtp.logins == ["clerk@county.test"]


@pytest.mark.dovecot
def test_collect_over_ssl_and_starttls(tmp_path: Path, certificate: Certificate) -> None:
    reply = (
        b"From: lx@county.test\r\nSubject: [key-work-2025q1/LX]\r\nDate: Tue, 15 Apr 2025 16:00:00 +0800\r\n"
        b"Message-ID: <tls@x>\r\nMIME-Version: 1.0\r\nContent-Type: " + XLSX + b'; name="a.xlsx"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n"
    )
    with Dovecot(certificate) as imap:
        imap.append(reply)
        for security, port in (("ssl", imap.ssl_port), ("starttls", imap.port)):
            spec = tmp_path / f"{security}.yaml"
            spec.write_text(mail_spec_text(imap_port=port, imap_security=security), encoding="utf-8")
            returns = tmp_path / security
            code, output = run("collect", spec, "-o", returns, trust=None)
            assert code == 2
            assert "无法连接 IMAP 服务器" in output and "CERTIFICATE_VERIFY_FAILED" in output
            code, output = run("collect", spec, "-o", returns, trust=certificate.cert)
            assert code == 0, output
            assert sorted(p.name for p in returns.iterdir()) == [".consolidate", "龙溪镇卫生院.xlsx"]
