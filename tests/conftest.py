from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from consolidate.spec import Spec, load_spec
from consolidate.write.pdf import OfficeError, find_soffice

from .mailservers import SmtpSink, find_dovecot

# The example of docs/spec.md with three units and items shared between them (per-unit targets).
SPEC_YAML = textwrap.dedent(
    """\
    version: 1
    report:
      id: key-work-2025q1
      title: 2025年第一季度重点工作完成情况
      issuer: 玉环市卫生健康局
      period: 2025-Q1
      deadline: 2025-04-15
    units:
      - {code: YZK, name: 医政医管科}
      - {code: JWK, name: 基层卫生科}
      - {code: LX, name: 龙溪镇卫生院}
    items:
      - {id: T1, no: "1", task: 健全院前急救体系, target: {YZK: 120, LX: 80}}
      - {id: T2, no: "2", task: 提速市公卫中心建设, units: 医政医管科, target: 10}
      - {id: T3, no: "3", task: 深化基层卫生综合试验区工作, units: "JWK、LX", target: 50}
    fields:
      - {id: no,       label: 序号,        type: text,    source: item}
      - {id: task,     label: 目标任务,    type: text,    source: item}
      - {id: target,   label: 年度目标,    type: number,  source: item, aggregate: sum}
      - {id: done,     label: 累计完成,    type: number,  required: true, min: 0, aggregate: sum}
      - {id: rate,     label: 完成率,      type: percent, formula: "done / target"}
      - {id: progress, label: 完成情况,    type: text,    required: true, max_length: 2000, aggregate: join}
      - {id: problems, label: 存在问题及解决建议, type: text, aggregate: join}
      - {id: status,   label: 完成情况自评, type: choice, choices: [超前, 正常, 滞后], required: true,
         aggregate: worst, order: [滞后, 正常, 超前]}
    rules:
      - {id: over-target, when: "done > target * 1.5", level: warning,
         message: 累计完成超过年度目标的150%，请核实}
      - {id: ahead-but-low, when: "status == '超前' and rate < 0.25", level: warning,
         message: 自评超前但完成率低于25%}
    """
)


def write_spec(folder: Path, text: str = SPEC_YAML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
    with SmtpSink() as server:
        yield server


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI caches parsed files under XDG_CACHE_HOME: keep each test's cache to itself."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    return write_spec(tmp_path / "spec")


@pytest.fixture
def spec(spec_path: Path) -> Spec:
    return load_spec(spec_path)


# ---------------------------------------------------------------------------------------------
# Tests that need real programs: @pytest.mark.libreoffice, .dovecot, .aiosmtpd, .chromium
#
# Without the program a test is skipped with one line saying what to install, so a newcomer gets
# a green run; with the environment variable CI set (to anything but "") it fails instead, so CI
# never passes by skipping. Each program is looked for once per session.


@dataclass(frozen=True)
class Requirement:
    name: str  # what the skip reason calls it
    needs: str  # the marker's description
    install: str
    missing: Callable[[], tuple[str, ...]]  # the parts not found; () when everything is there
    skipped_in_ci: tuple[str, ...] = ()  # parts without which even CI skips (root, for tmpfs)


def _run_ok(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, check=False, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _uno_pythons() -> list[str]:
    """Where tests/test_libreoffice.py looks for a Python with LibreOffice's ``uno`` module."""
    candidates = [os.environ.get("CONSOLIDATE_UNO_PYTHON", ""), "/usr/bin/python3", shutil.which("python3") or ""]
    return list(dict.fromkeys(c for c in candidates if c))


@functools.cache
def _libreoffice_missing() -> tuple[str, ...]:
    missing = []
    try:
        soffice = find_soffice()
    except OfficeError:
        missing.append("soffice")
    else:
        # Writer opens the progress document (.docx); Calc alone cannot.
        if not any(p.name.startswith("libswlo") for p in soffice.resolve().parent.glob("libsw*")):
            missing.append("LibreOffice Writer")
    if not any(_run_ok(python, "-c", "import uno") for python in _uno_pythons()):
        missing.append("python3-uno")
    missing += [tool for tool in ("pdfinfo", "pdftotext", "pdftoppm") if shutil.which(tool) is None]
    if (
        shutil.which("fc-list") is None
        or not subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, check=False).stdout.strip()
    ):
        missing.append("a CJK font")
    return tuple(missing)


@functools.cache
def _tmpfs_missing() -> tuple[str, ...]:
    """A small disk of the test's own needs root (to mount a tmpfs) on Linux."""
    if sys.platform != "linux" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return ("root",)
    place = Path(tempfile.mkdtemp(prefix="consolidate-test-tmpfs-"))
    try:
        if not _run_ok("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(place)):
            return ("mount -t tmpfs",)
        _run_ok("umount", str(place))
        return ()
    finally:
        place.rmdir()


@functools.cache
def _dovecot_missing() -> tuple[str, ...]:
    return () if find_dovecot() else ("dovecot",)


@functools.cache
def _aiosmtpd_missing() -> tuple[str, ...]:
    return () if importlib.util.find_spec("aiosmtpd") else ("aiosmtpd",)


CHROMIUM = Path("/usr/bin/chromium")  # Debian's: Playwright drives it, no browser is downloaded


@functools.cache
def _chromium_missing() -> tuple[str, ...]:
    missing = [] if CHROMIUM.is_file() else ["chromium"]
    if importlib.util.find_spec("playwright") is None:
        missing.append("playwright")
    return tuple(missing)


REQUIREMENTS = {
    "libreoffice": Requirement(
        "LibreOffice",
        "needs LibreOffice (soffice, Calc and Writer), python3-uno, CJK fonts and poppler",
        "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui python3-uno fonts-noto-cjk poppler-utils",
        _libreoffice_missing,
    ),
    "dovecot": Requirement(
        "Dovecot",
        "needs Dovecot (an IMAP server the tests start on 127.0.0.1)",
        "apt-get install dovecot-imapd",
        _dovecot_missing,
    ),
    "aiosmtpd": Requirement(
        "aiosmtpd",
        "needs aiosmtpd (an SMTP server the tests start on 127.0.0.1)",
        "pip install -e '.[test]'",
        _aiosmtpd_missing,
    ),
    "chromium": Requirement(
        "Chromium",
        "needs Debian's chromium (/usr/bin/chromium) and the playwright package, for the upload page in a browser",
        "apt-get install chromium; pip install -e '.[test]'",
        _chromium_missing,
    ),
    "tmpfs": Requirement(
        "a small disk",
        "needs root on Linux, to mount a small tmpfs that fills up (a full disk); CI runs it as root",
        "run the tests as root on Linux (mount -t tmpfs)",
        _tmpfs_missing,
        skipped_in_ci=("root",),
    ),
}


def decide(marker: str, missing: tuple[str, ...], ci: bool) -> tuple[str, str]:
    """What to do with a test marked ``marker`` when ``missing`` parts are not installed.

    ("run", ""), ("skip", one-line reason) or ("fail", what is missing and what to install).
    """
    if not missing:
        return "run", ""
    need = REQUIREMENTS[marker]
    parts = "" if [m.lower() for m in missing] == [need.name.lower()] else f" ({', '.join(missing)})"
    reason = f"needs {need.name}{parts}: {need.install}"
    if ci and not set(missing) <= set(need.skipped_in_ci):
        return "fail", f"{reason} (CI is set, so this test fails instead of being skipped)"
    return "skip", reason


def pytest_configure(config: pytest.Config) -> None:
    for marker, need in REQUIREMENTS.items():
        config.addinivalue_line("markers", f"{marker}: {need.needs}; skipped without it unless CI is set")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test using the ``smtp`` fixture above needs aiosmtpd, whether its module says so or not.
    for item in items:
        if "smtp" in getattr(item, "fixturenames", ()) and item.get_closest_marker("aiosmtpd") is None:
            item.add_marker(pytest.mark.aiosmtpd)


@pytest.hookimpl(tryfirst=True)  # before any fixture is set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    ci = bool(os.environ.get("CI"))
    for marker, need in REQUIREMENTS.items():
        if item.get_closest_marker(marker) is None:
            continue
        action, reason = decide(marker, need.missing(), ci)
        if action == "skip":
            pytest.skip(reason)
        if action == "fail":
            pytest.fail(reason, pytrace=False)
