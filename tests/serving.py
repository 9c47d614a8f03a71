"""The real ``consolidate serve`` in a subprocess on 127.0.0.1, for the upload page's tests.

Started in a session of its own (``start_new_session=True``): the command ends its own process
group when it stops, which must not take the test run with it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STARTED = "按 Ctrl-C 停止。"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def links(self) -> dict[str, str]:
        """unit name → its link, as printed."""
        out = {}
        for line in self.lines:
            parts = line.split()
            if line.startswith("  ") and len(parts) == 2 and parts[1].startswith("http://"):
                out[parts[0]] = parts[1]
        return out

    @property
    def admin(self) -> str:
        return next(line.split("：", 1)[1] for line in self.lines if line.startswith("管理页面"))

    def client(self) -> httpx.Client:
        return httpx.Client(timeout=60, follow_redirects=True)

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C, as the clerk stops it: exit code, what it printed, what it said on stderr."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait()
        for reader in self.readers:  # to the end of what it printed
            reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code, "\n".join(self.lines), "\n".join(self.errors)


def _read(stream: object, into: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.append(line.rstrip("\n"))


def serve(spec: Path, returns: Path, *options: str, cwd: Path | None = None, port: int = 0) -> Served:
    port = port or free_port()
    env = {**os.environ, "COLUMNS": "400", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "consolidate", "serve", str(spec), "-r", str(returns), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    served = Served(process, port)
    for stream, into in ((process.stdout, served.lines), (process.stderr, served.errors)):
        reader = threading.Thread(target=_read, args=(stream, into), daemon=True)
        reader.start()
        served.readers.append(reader)
    deadline = time.monotonic() + 60
    while STARTED not in served.lines:
        if process.poll() is not None or time.monotonic() > deadline:
            served.stop()
            raise AssertionError(f"serve did not start: {served.lines} {served.errors}")
        time.sleep(0.05)
    return served
