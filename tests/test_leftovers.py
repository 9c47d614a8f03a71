"""kill -9 leaves nothing behind (issue 13): workers die with the CLI, outputs are the old file or
the new one, never a part, and the next run removes the temporaries a killed run left — only
ours, only when their maker is gone."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from consolidate import common
from consolidate.common import atomic_output, private_temp
from consolidate.kinds.demo import build_demo

HOUR = 3600


@pytest.fixture
def fresh_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A system temporary folder of the test's own, not yet swept by this process."""
    temp = tmp_path / "system-tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(common, "_swept", set())
    return temp


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _age(path: Path, seconds: float) -> Path:
    when = time.time() - seconds
    os.utime(path, (when, when))
    return path


def test_a_killed_runs_temporaries_beside_an_output_go_with_the_next_write(fresh_sweep: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    host = common._host()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as alive:
        try:
            names = {
                f".tmp-{host}-{_dead_pid()}-abcdefgh.xlsx": False,  # its maker has ended: stale at once
                f".tmp-{host}-{alive.pid}-abcdefgh.xlsx": True,  # its maker still runs
                f".tmp-{host}-{os.getpid()}-abcdefgh.json": True,  # ours, this very process
                f".tmp-ffffff-{_dead_pid()}-abcdefgh.xlsx": True,  # another machine's, young
                ".tmp-abcdefgh.xlsx": True,  # an older version's, young
                ".tmp-notours.xlsx": True,  # not a name we make
                "summary.xlsx": True,
            }
            for name in names:
                (out / name).write_bytes(b"x")
            old = {
                f".tmp-ffffff-{_dead_pid()}-ijklmnop.xlsx": False,
                ".tmp-qrstuvwx.json": False,
                ".tmp-old.xlsx": True,
            }
            for name in old:
                (out / name).write_bytes(b"x")
                _age(out / name, 2 * HOUR)
            with atomic_output(out / "summary.xlsx") as tmp:
                Path(tmp).write_bytes(b"new")
        finally:
            alive.kill()
    left = {p.name for p in out.iterdir()}
    assert left == {name for name, kept in (names | old).items() if kept}
    assert (out / "summary.xlsx").read_bytes() == b"new"


def test_a_killed_runs_temporary_folders_go_with_the_next_run(fresh_sweep: Path) -> None:
    host = common._host()
    stale = [fresh_sweep / f"consolidate-xlsx-{host}-{_dead_pid()}-abcdefgh"]
    stale.append(fresh_sweep / "consolidate-office-abcdefgh")  # an older version's profile, old
    # The upload page's folders (a name of two words): a killed server's went unswept.
    stale += [fresh_sweep / f"consolidate-serve-{what}-{host}-{_dead_pid()}-q1w2e3r4" for what in ("upload", "summary")]
    kept = [
        fresh_sweep / f"consolidate-xlsx-{host}-{os.getpid()}-abcdefgh",
        fresh_sweep / f"consolidate-serve-upload-{host}-{os.getpid()}-abcdefgh",  # this process's own
        fresh_sweep / "consolidate-demo",  # the user's own, however old
        fresh_sweep / "consolidate-20250401",
        fresh_sweep / "consolidate-office-ijklmnop",  # an older version's, young
    ]
    for folder in stale + kept:
        (folder / "profile").mkdir(parents=True, exist_ok=True)
        (folder / "profile" / "row-data").write_bytes(b"x" * 1000)
    _age(stale[1], 2 * HOUR)
    for folder in kept[1:3]:
        _age(folder, 100 * HOUR)
    with private_temp("xlsx") as mine:
        assert mine.is_dir()
    assert not mine.exists()
    assert sorted(fresh_sweep.iterdir()) == sorted(kept)


@pytest.mark.skipif(sys.platform != "linux", reason="process states read from /proc")
def test_a_maker_killed_but_not_yet_reaped_is_gone(fresh_sweep: Path, tmp_path: Path) -> None:
    host = common._host()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as zombie:
        zombie.kill()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not common._ended(zombie.pid):
            time.sleep(0.01)
        beside = tmp_path / "out"
        beside.mkdir()
        stale = [
            fresh_sweep / f"consolidate-xlsx-{host}-{zombie.pid}-abcdefgh",
            beside / f".tmp-{host}-{zombie.pid}-abcdefgh",
        ]
        (beside / f".tmp-{host}-{zombie.pid}-ijklmnop.xlsx").write_bytes(b"x")
        for folder in stale:
            folder.mkdir()
        with private_temp("xlsx"), atomic_output(beside / "summary.xlsx") as tmp:
            Path(tmp).write_bytes(b"new")
        assert zombie.poll() is not None  # reaped only now
    assert list(fresh_sweep.iterdir()) == []
    assert [p.name for p in beside.iterdir()] == ["summary.xlsx"]


def test_a_backup_that_is_already_the_file_leaves_no_temporary(tmp_path: Path) -> None:
    """A run killed between keeping the file before as its backup (a second name for it) and
    putting the new one in place leaves the two names on one file: the next run keeps the backup
    as it is, and no temporary of its own behind (renaming onto another name of the same file
    does nothing at all)."""
    from typer.testing import CliRunner

    from consolidate.cli import app

    demo = build_demo(tmp_path / "demo")
    out = tmp_path / "out"
    out.mkdir()
    args = ["merge", str(demo.returns), "-o", str(out / "s.xlsx"), "--json", str(out / "s.json")]
    for _ in range(2):
        assert CliRunner().invoke(app, args).exit_code == 1
    for name in ("s.bak.xlsx", "s.bak.json"):
        (out / name).unlink()
        os.link(out / name.replace(".bak", ""), out / name)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert CliRunner().invoke(app, args).exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# ---------------------------------------------------------------------------------------------
# kill -9 at random moments of a merge of 40 returns


def _group(pgid: int) -> list[int]:
    """Processes still in process group ``pgid`` (the CLI's session: it and its workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != b"Z":
                found.append(int(entry))
    return found


def _ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".tmp-", "consolidate-")))


@pytest.mark.skipif(sys.platform != "linux", reason="process groups read from /proc")
def test_kill_9_mid_merge_leaves_no_process_no_partial_output_and_no_temporary(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    returns = tmp_path / "returns"
    returns.mkdir()
    good = sorted(p for p in demo.returns.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("~"))
    for n in range(40):
        shutil.copy2(good[n % len(good)], returns / f"{n:02d}_{good[n % len(good)].name}")
    out, temp = tmp_path / "out", tmp_path / "system-tmp"
    out.mkdir()
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "200"}
    command = [
        sys.executable,
        "-c",
        "from consolidate.cli import main; main()",
        "merge",
        str(returns),
        "-s",
        str(demo.spec),
        "--no-cache",
    ]
    command += ["-o", str(out / "summary.xlsx"), "--json", str(out / "summary.json")]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

    began = time.monotonic()
    with start() as whole:
        assert whole.wait(60) == 1
    took = time.monotonic() - began
    new = {name: (out / name).read_bytes() for name in ("summary.xlsx", "summary.json")}
    old = {"summary.xlsx": demo.summary.read_bytes(), "summary.json": demo.json.read_bytes()}
    for name, data in old.items():
        (out / name).write_bytes(data)

    rng = random.Random(13)
    kills = 0
    while kills < 10 and time.monotonic() - began < 12 - took:
        with start() as proc:  # every other kill in the second half, where the outputs are written
            time.sleep(rng.uniform(0.1, took) if kills % 2 else rng.uniform(took / 2, took * 1.1))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        kills += 1
        deadline = time.monotonic() + 5  # the kernel ends each worker as its parent goes
        while _group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _group(proc.pid) == [], f"kill {kills}: workers left running"
        for name in new:
            data = (out / name).read_bytes()
            assert data in (old[name], new[name]), f"kill {kills}: {name} is neither the old nor the new file"
            if data == new[name]:
                old[name] = data
        with zipfile.ZipFile(out / "summary.xlsx") as book:
            assert book.testzip() is None
    assert kills >= 3

    with start() as after:  # the next run
        assert after.wait(60) == 1
    assert _ours(out) == []
    assert _ours(temp) == []
    assert {name: (out / name).read_bytes() for name in new} == new


# ---------------------------------------------------------------------------------------------
# kill -9 at random moments, the next run started before the killed one is reaped (issue 24.3)


@pytest.mark.skipif(sys.platform != "linux", reason="process states read from /proc")
def test_after_a_kill_9_the_next_run_leaves_nothing_of_ours_beside_the_output_or_in_tmpdir(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    returns = tmp_path / "returns"
    returns.mkdir()
    good = sorted(p for p in demo.returns.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("~"))
    for n in range(50):
        shutil.copy2(good[n % len(good)], returns / f"{n:02d}_{good[n % len(good)].name}")
    out, temp = tmp_path / "out", tmp_path / "system-tmp"
    out.mkdir()
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "200"}
    merge = [sys.executable, "-m", "consolidate", "merge", str(returns), "-s", str(demo.spec), "--no-cache"]
    merge += ["-o", str(out / "summary.xlsx"), "--json", str(out / "summary.json")]
    status = [sys.executable, "-m", "consolidate", "status", str(returns), "-s", str(demo.spec), "--no-cache"]

    def run(command: list[str]) -> int:
        return subprocess.run(command, env=env, capture_output=True, check=False, timeout=120).returncode

    began = time.monotonic()
    assert run(merge) == 1
    took = time.monotonic() - began
    whole = (out / "summary.xlsx").read_bytes()

    rng = random.Random(24)
    caught = 0
    for trial in range(6):
        with subprocess.Popen(
            merge, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        ) as killed:
            if trial % 2:  # any moment
                time.sleep(rng.uniform(0.1, took))
            else:  # a moment when its temporaries are there: while it writes
                deadline = time.monotonic() + 2 * took + 5
                while not (_ours(temp) or _ours(out)) and killed.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
                time.sleep(rng.uniform(0, 0.02))
            os.kill(killed.pid, signal.SIGKILL)
            time.sleep(0.1)
            caught += bool(_ours(temp) or _ours(out))
            # The next run comes before whoever started the killed one has reaped it (as a
            # harness or a shell may): its temporaries are stale all the same.
            assert run(status) == 1
            assert _ours(temp) == [], f"trial {trial}: status left the temporary folder's"
            assert run(merge) == 1
            assert (_ours(out), _ours(temp)) == ([], []), f"trial {trial}"
            assert (out / "summary.xlsx").read_bytes() == whole
    assert caught >= 3  # most kills did leave something for the next run to remove
