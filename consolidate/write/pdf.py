"""LibreOffice as a converter: the summary as PDF for printing, any workbook as .xlsx or .csv.

Each run of ``soffice`` gets a throw-away profile (``-env:UserInstallation``). With a shared
profile a second soffice hands its job to the first one, or waits for it, or fails when another
run holds the profile's lock; a private one lets parallel runs and the user's own open
LibreOffice live side by side. The profile also asks LibreOffice to recalculate every formula on
load, so what it prints or exports is what it computes, not the values cached in the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from ..common import atomic_output, private_temp
from ..errors import ConsolidateError
from ..text import Msg

ENV_SOFFICE = "CONSOLIDATE_SOFFICE"
DEFAULT_TIMEOUT = 300.0

_KNOWN_PLACES = (
    "/usr/bin/soffice",
    "/usr/local/bin/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)

# OOXMLRecalcMode / ODFRecalcMode 0 = "always recalculate" when a file is loaded; the default
# ("never" for Excel files) would keep whatever values the file carries.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""

# Every sheet to its own UTF-8 file (``name-Sheet.csv``), values unformatted, formulas as results.
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


class OfficeError(ConsolidateError):
    """LibreOffice is missing or could not convert the file."""


def find_soffice() -> Path:
    """The LibreOffice program: $CONSOLIDATE_SOFFICE, else ``soffice`` on PATH, else the usual places."""
    given = os.environ.get(ENV_SOFFICE)
    if given:
        if Path(given).is_file():
            return Path(given)
        raise OfficeError(Msg("pdf.no_such_soffice", var=ENV_SOFFICE, path=given))
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for place in _KNOWN_PLACES:
        if Path(place).is_file():
            return Path(place)
    raise OfficeError(Msg("pdf.no_soffice", var=ENV_SOFFICE))


def convert(
    source: str | Path,
    target_format: str,
    out_dir: str | Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Path]:
    """Convert ``source`` with ``soffice --convert-to``; returns the files written into ``out_dir``.

    ``target_format`` is what ``--convert-to`` takes: ``pdf``, ``xlsx``, ``ods`` or a format with
    a filter such as :data:`CSV_ALL_SHEETS` (one file per sheet). Existing files of the same name
    in ``out_dir`` are replaced only when the conversion succeeded.
    """
    source = Path(source).resolve()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    soffice = find_soffice()
    with private_temp("office") as work:
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        produced = work / "out"
        produced.mkdir()
        scratch = work / "tmp"  # LibreOffice's own temporary files, gone with ``work``
        scratch.mkdir()
        command = [
            str(soffice),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target_format,
            "--outdir",
            str(produced),
            str(source),
        ]
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        returncode, output = _run(command, env, timeout, source.name, profile.as_uri())
        files = sorted(produced.iterdir())
        if returncode != 0 or not files:
            detail = output.decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else f"exit code {returncode}"
            raise OfficeError(Msg("pdf.failed", file=source.name, reason=reason))
        written = []
        for file in files:
            target = out / file.name
            with atomic_output(target) as tmp:
                shutil.move(file, tmp)
            written.append(target)
        return written


def _run(command: list[str], env: dict[str, str], timeout: float, name: str, profile_url: str) -> tuple[int, bytes]:
    """Run soffice; on timeout end it together with the soffice.bin it started (its grandchild)."""
    try:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=sys.platform != "win32",
        )
    except OSError as exc:
        raise OfficeError(Msg("pdf.cannot_start", error=exc)) from None
    with proc:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if sys.platform != "win32":
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                # A killed soffice cannot remove its single-instance socket from /tmp.
                _instance_socket(profile_url).unlink(missing_ok=True)
            proc.kill()
            proc.communicate()
            raise OfficeError(Msg("pdf.timeout", file=name, seconds=f"{timeout:g}")) from None
    return proc.returncode, output


def _instance_socket(profile_url: str) -> Path:
    """The socket soffice listens on for a second start with the same profile (LibreOffice names
    it after the MD5 of the profile URL in UTF-16, each byte in hex without leading zeros)."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}"


def to_pdf(source: str | Path, target: str | Path | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Print ``source`` (every visible sheet, with its own print setup) to a PDF next to it."""
    source = Path(source)
    target = Path(target) if target is not None else source.with_suffix(".pdf")
    with private_temp("pdf") as work:
        (pdf,) = convert(source, "pdf", work, timeout=timeout)
        with atomic_output(target) as tmp:
            shutil.move(pdf, tmp)
    return target
