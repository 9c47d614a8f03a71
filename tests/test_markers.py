"""The markers for tests that need real programs (conftest.py): run, skip with one line, or fail under CI."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from .conftest import REQUIREMENTS, decide, pytest_runtest_setup

LO_INSTALL = "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui python3-uno fonts-noto-cjk poppler-utils"
CI_NOTE = " (CI is set, so this test fails instead of being skipped)"


@pytest.mark.parametrize("marker", ["libreoffice", "dovecot", "aiosmtpd", "tmpfs"])
@pytest.mark.parametrize("ci", [False, True])
def test_everything_there_runs(marker: str, ci: bool) -> None:
    assert decide(marker, (), ci) == ("run", "")


@pytest.mark.parametrize(
    ("marker", "missing", "reason"),
    [
        ("libreoffice", ("soffice",), f"needs LibreOffice (soffice): {LO_INSTALL}"),
        (
            "libreoffice",
            ("python3-uno", "pdftotext", "a CJK font"),
            f"needs LibreOffice (python3-uno, pdftotext, a CJK font): {LO_INSTALL}",
        ),
        ("dovecot", ("dovecot",), "needs Dovecot: apt-get install dovecot-imapd"),
        ("aiosmtpd", ("aiosmtpd",), "needs aiosmtpd: pip install -e '.[test]'"),
    ],
)
def test_missing_skips_with_one_line_or_fails_under_ci(marker: str, missing: tuple[str, ...], reason: str) -> None:
    assert decide(marker, missing, ci=False) == ("skip", reason)
    assert decide(marker, missing, ci=True) == ("fail", reason + CI_NOTE)
    assert "\n" not in reason


def test_a_small_disk_is_skipped_without_root_even_under_ci_and_fails_under_ci_when_it_cannot_be_mounted() -> None:
    root = "needs a small disk (root): run the tests as root on Linux (mount -t tmpfs)"
    assert decide("tmpfs", ("root",), ci=False) == ("skip", root)
    assert decide("tmpfs", ("root",), ci=True) == ("skip", root)
    mount = "needs a small disk (mount -t tmpfs): run the tests as root on Linux (mount -t tmpfs)"
    assert decide("tmpfs", ("mount -t tmpfs",), ci=True) == ("fail", mount + CI_NOTE)


def test_markers_are_registered(pytestconfig: pytest.Config) -> None:
    registered = {line.split(":", 1)[0]: line for line in pytestconfig.getini("markers")}
    assert registered["libreoffice"].startswith(
        "libreoffice: needs LibreOffice (soffice, Calc and Writer), python3-uno, CJK fonts and poppler"
    )
    assert {"dovecot", "aiosmtpd", "tmpfs"} <= registered.keys()


@dataclasses.dataclass
class FakeItem:
    markers: tuple[str, ...]

    def get_closest_marker(self, name: str) -> Any:
        return getattr(pytest.mark, name) if name in self.markers else None


def test_the_setup_hook_runs_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    for marker, missing in (("dovecot", ("dovecot",)), ("aiosmtpd", ())):
        monkeypatch.setitem(
            REQUIREMENTS, marker, dataclasses.replace(REQUIREMENTS[marker], missing=lambda m=missing: m)
        )
    monkeypatch.delenv("CI", raising=False)
    pytest_runtest_setup(FakeItem(("aiosmtpd",)))  # nothing missing: runs
    pytest_runtest_setup(FakeItem(()))  # unmarked: runs
    with pytest.raises(pytest.skip.Exception, match=r"^needs Dovecot: apt-get install dovecot-imapd$"):
        pytest_runtest_setup(FakeItem(("aiosmtpd", "dovecot")))
    monkeypatch.setenv("CI", "")  # empty: as if not set
    with pytest.raises(pytest.skip.Exception):
        pytest_runtest_setup(FakeItem(("dovecot",)))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"^needs Dovecot: .* fails instead of being skipped\)$"):
        pytest_runtest_setup(FakeItem(("dovecot",)))


def test_tests_using_the_smtp_fixture_are_marked(request: pytest.FixtureRequest) -> None:
    for item in request.session.items:
        if "smtp" in getattr(item, "fixturenames", ()):
            assert item.get_closest_marker("aiosmtpd") is not None, item.nodeid
