"""Real mail servers on 127.0.0.1 for the e-mail tests: aiosmtpd (SMTP) and Dovecot (IMAP).

Dovecot runs with its own configuration in a temporary folder, on a free port, with one
passwd-file user; the system's Dovecot service (if any) is not used. It must be installed
(Debian: ``apt-get install dovecot-imapd``; ``.ci/run`` does it).
"""

from __future__ import annotations

import email
import email.policy
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # aiosmtpd is imported when a server starts: without it only the tests marked aiosmtpd skip
    from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1; clients trust it through ``SSL_CERT_FILE``."""

    cert: Path
    key: Path

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(folder: Path) -> Certificate:
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=IP:{HOST}",
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The message as a mail client reads it."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpSink:
    """An SMTP server with AUTH that keeps what it accepts; ``refuse`` holds addresses to reject."""

    user: str = "clerk@county.test"
    password: str = "smtp-s3cret"
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    port: int = 0
    certificate: Certificate | None = None
    security: str = "none"  # "ssl": TLS from the first byte; "starttls": STARTTLS required before AUTH

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        options: dict[str, Any] = {"auth_require_tls": False}
        if self.certificate is not None and self.security == "ssl":
            # aiosmtpd only counts STARTTLS as TLS for AUTH; here the whole session is TLS.
            options = {"ssl_context": self.certificate.context(), "auth_require_tls": False}
        elif self.certificate is not None and self.security == "starttls":
            options = {"tls_context": self.certificate.context(), "require_starttls": True}
        self._controller = Controller(self, hostname=HOST, port=self.port, authenticator=self._authenticate, **options)
        self._controller.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._controller.stop()

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user.encode(),
            self.password.encode(),
        )
        if ok:
            self.logins.append(self.user)
        return AuthResult(success=ok, handled=False)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def find_dovecot() -> str | None:
    """The dovecot program: on PATH or where Debian and a source build put it."""
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)), None
    )


def _find_dovecot() -> str:
    found = find_dovecot()
    if found is None:
        pytest.fail(
            "Dovecot is needed for the IMAP tests and is not installed: "
            "apt-get install dovecot-imapd (.ci/run installs it)",
            pytrace=False,
        )
    return found


class Dovecot:
    """A private Dovecot IMAP server: ``with Dovecot() as server: server.append(message)``."""

    user = "clerk@county.test"
    password = "imap-s3cret"

    def __init__(self, certificate: Certificate | None = None) -> None:
        self.certificate = certificate
        self.port = 0
        self.ssl_port = 0  # with a certificate: IMAP over TLS; ``port`` then offers STARTTLS
        self.root = Path()
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Dovecot:
        binary = _find_dovecot()
        # Not under pytest's tmp_path: as root the mail user is unprivileged and must reach the folder.
        self.root = Path(tempfile.mkdtemp(prefix="consolidate-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.ssl_port = free_port() if self.certificate else 0
        if os.geteuid() == 0:
            # Dovecot refuses to run its login processes or mail access as root.
            internal, login, mail_user = "dovecot", "dovenull", "nobody"
        else:
            internal = login = mail_user = pwd.getpwuid(os.geteuid()).pw_name
        account = pwd.getpwnam(mail_user)
        mail = self.root / "mail"
        mail.mkdir()
        if os.geteuid() == 0:
            os.chown(mail, account.pw_uid, account.pw_gid)
        (self.root / "passwd").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{account.pw_uid}:{account.pw_gid}::{mail}::\n", encoding="utf-8"
        )
        conf = self.root / "dovecot.conf"
        conf.write_text(
            textwrap.dedent(
                f"""\
                base_dir = {self.root}/run
                state_dir = {self.root}/state
                log_path = {self.root}/dovecot.log
                protocols = imap
                listen = {HOST}
                {self._ssl()}
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                auth_failure_delay = 0
                default_internal_user = {internal}
                default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
                default_login_user = {login}
                first_valid_uid = 1
                mail_location = maildir:{mail}/%u
                passdb {{
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%u {self.root}/passwd
                }}
                userdb {{
                  driver = passwd-file
                  args = username_format=%u {self.root}/passwd
                }}
                service anvil {{
                  chroot =
                }}
                service imap-login {{
                  chroot =
                  inet_listener imap {{
                    address = {HOST}
                    port = {self.port}
                  }}
                  inet_listener imaps {{
                    address = {HOST}
                    port = {self.ssl_port}
                  }}
                }}
                """
            ),
            encoding="utf-8",
        )
        self._process = subprocess.Popen(
            [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._wait_ready()
        return self

    def _ssl(self) -> str:
        if self.certificate is None:
            return "ssl = no"
        # Dovecot reads the files as root before dropping privileges; a copy it can read either way.
        cert, key = self.root / "cert.pem", self.root / "key.pem"
        shutil.copy(self.certificate.cert, cert)
        shutil.copy(self.certificate.key, key)
        return f"ssl = yes\n                ssl_cert = <{cert}\n                ssl_key = <{key}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                self._cleanup()
                pytest.fail(f"Dovecot did not start: {stderr}{self._log()}", pytrace=False)
            try:
                with imaplib.IMAP4(HOST, self.port, timeout=2) as probe:
                    self.login(probe)
                    probe.logout()
                return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.05)
        log = self._log()
        self.__exit__(None, None, None)
        pytest.fail(f"Dovecot did not answer on {HOST}:{self.port}: {log}", pytrace=False)

    def _log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stderr:
                self._process.stderr.close()
            self._process = None
        self._cleanup()

    def _cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def login(self, imap: imaplib.IMAP4) -> None:
        """As a mail client logs in: LOGIN, or AUTHENTICATE PLAIN (UTF-8) for a password like 卫健局2025."""
        if (self.user + self.password).isascii():
            imap.login(self.user, self.password)
        else:
            imap.authenticate("PLAIN", lambda _: f"\0{self.user}\0{self.password}".encode())

    def append(self, message: bytes, folder: str = "INBOX", when: str | None = None) -> None:
        """Put a message into the mailbox as if it had been delivered (``when``: IMAP date-time)."""
        with imaplib.IMAP4(HOST, self.port, timeout=10) as imap:
            self.login(imap)
            if folder != "INBOX":
                imap.create(folder)
            status, data = imap.append(folder, "", f'"{when}"' if when else None, message)
            assert status == "OK", data

    def clear(self) -> Dovecot:
        """An empty INBOX and no other folders: each test starts from a fresh mailbox."""
        with imaplib.IMAP4(HOST, self.port, timeout=10) as imap:
            self.login(imap)
            _, folders = imap.list()
            for entry in folders:
                # (\\HasNoChildren) "." name: the name is quoted or an atom such as &YqWIaA-
                name = entry.decode().split(") ", 1)[1].split(" ", 1)[1].strip('"') if isinstance(entry, bytes) else ""
                if name and name != "INBOX":
                    imap.delete(f'"{name}"')
            _, count = imap.select("INBOX")
            if count[0] != b"0":
                imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                imap.expunge()
        return self

    def flags(self) -> list[bytes]:
        """The flags of every message in INBOX (to check that reading left them unseen)."""
        with imaplib.IMAP4(HOST, self.port, timeout=10) as imap:
            self.login(imap)
            imap.select("INBOX", readonly=True)
            _, data = imap.fetch("1:*", "(FLAGS)")
        return [d for d in data if isinstance(d, bytes)]


# ---------------------------------------------------------------------------------------------
# The spec of conftest with e-mail addresses (清港镇卫生院 has none) and mail settings

UNITS = """\
units:
  - {code: YZK, name: 医政医管科, email: yzk@county.test, contact: 王芳}
  - {code: JWK, name: 基层卫生科, email: "jwk@county.test; jwk.office@county.test"}
  - {code: LX, name: 龙溪镇卫生院, email: lx@county.test}
  - {code: QG, name: 清港镇卫生院}
"""
SMTP_PASSWORD_ENV = "CONSOLIDATE_TEST_SMTP_PASSWORD"
IMAP_PASSWORD_ENV = "CONSOLIDATE_TEST_IMAP_PASSWORD"


def base_spec_text() -> str:
    """The spec without e-mail settings: the templates are made from this one."""
    from .conftest import SPEC_YAML

    old_units = SPEC_YAML[SPEC_YAML.index("units:") : SPEC_YAML.index("items:")]
    text = SPEC_YAML.replace(old_units, UNITS).replace('units: "JWK、LX"', 'units: "JWK、LX、QG"')
    return text.replace("  deadline: 2025-04-15\n", "  deadline: 2025-04-15\n  contact: 办公室 0576-87221234\n")


def mail_spec_text(
    smtp_port: int = 25,
    imap_port: int = 143,
    mail: str = "  throttle: 0\n",
    smtp_security: str = "none",
    imap_security: str = "none",
) -> str:
    return base_spec_text() + (
        "mail:\n"
        "  sender: 玉环市卫生健康局办公室 <office@county.test>\n"
        f"{mail}"
        f"smtp: {{host: {HOST}, port: {smtp_port}, security: {smtp_security}, user: {SmtpSink.user},"
        f" password_env: {SMTP_PASSWORD_ENV}}}\n"
        f"imap: {{host: {HOST}, port: {imap_port}, security: {imap_security}, user: {Dovecot.user},"
        f" password_env: {IMAP_PASSWORD_ENV}}}\n"
    )
