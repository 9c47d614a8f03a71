"""The command's first moments (issue 24.5, issue 25): Ctrl-C at any time ends in "已中断。" and exit
130, never a traceback; ``--help`` and ``status`` import only what they use (the time itself is
measured in benchmarks, not here: it depends on the machine)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from consolidate.kinds.demo import build_demo

ROOT = Path(__file__).parent.parent
HEAVY = ("pandas", "openpyxl", "xlsxwriter", "docx", "jinja2", "lxml")


def test_the_console_command_is_the_small_entry_module() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"consolidate": "consolidate.__main__:main"}


def _imported(*args: str | Path, cwd: Path | None = None) -> tuple[int, set[str]]:
    """Run the command through its entry point; its exit code and the modules it had imported."""
    code = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.__stderr__))\n"
        f"sys.argv = ['consolidate', *{[str(a) for a in args]!r}]\n"
        "from consolidate.__main__ import main\n"
        "main()\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, set(json.loads(run.stderr.strip().splitlines()[-1]))


def test_help_imports_neither_the_library_nor_the_writers_libraries() -> None:
    code, modules = _imported("--help")
    assert code == 0
    assert [name for name in (*HEAVY, "pydantic", "yaml", "python_calamine") if name in modules] == []
    stages = ("spec", "read", "check", "periods", "merge", "write", "mail", "kinds")
    assert [s for s in stages if f"consolidate.{s}" in modules] == []


def test_status_imports_no_writer(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    code, modules = _imported("status", demo.returns, cwd=tmp_path)
    assert code == 1  # one unit has not returned
    assert "consolidate.merge" in modules  # it did the work
    assert [name for name in (*HEAVY, "rich.markdown") if name in modules] == []  # typer's help formatter
    assert [s for s in ("write", "mail", "kinds") if f"consolidate.{s}" in modules] == []
    assert "consolidate.periods.advance" not in modules


def test_a_quiet_merge_prints_nothing_and_imports_no_rich(tmp_path: Path) -> None:
    """A scripted run (``-q``) has nothing to show: rich, a twentieth of a second to import, is
    left out; the same merge without ``-q`` shows its counts through rich."""
    demo = build_demo(tmp_path / "demo")
    out = tmp_path / "summary.xlsx"
    code, modules = _imported("merge", demo.returns, "-s", demo.spec, "-o", out, "-q", cwd=tmp_path)
    assert code == 1 and out.exists()  # the demo's returns have problems to fix: exit 1
    assert "rich" not in modules
    code, modules = _imported("merge", demo.returns, "-s", demo.spec, "-o", tmp_path / "again.xlsx", cwd=tmp_path)
    assert code == 1 and "rich.console" in modules


# ---------------------------------------------------------------------------------------------
# Ctrl-C in the first half second


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is sent as SIGINT to a process group")
def test_ctrl_c_in_the_first_half_second_says_interrupted_and_exits_130(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    returns = tmp_path / "returns"
    returns.mkdir()
    good = sorted(p for p in demo.returns.iterdir() if p.suffix == ".xlsx")
    for n in range(600):  # a merge of a second or more: every moment below is within it
        shutil.copy2(good[n % len(good)], returns / f"{n:03d}_{good[n % len(good)].name}")
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(out)}
    command = [sys.executable, "-m", "consolidate", "merge", str(returns), "-s", str(demo.spec), "--no-cache"]
    command += ["-o", str(out / "summary.xlsx")]
    for delay in (0.05, 0.1, 0.2, 0.4):
        # As a terminal does: to the whole process group (the command and its workers).
        with subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        ) as proc:
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGINT)
            stdout, stderr = (data.decode("utf-8") for data in proc.communicate(timeout=60))
        # 130, never killed by SIGINT after saying so (1 run in 10 before consolidate/__main__.py
        # ended an interrupted run itself).
        assert proc.returncode == 130, (delay, stdout, stderr)
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, (delay, stderr)
        assert stderr.strip() in ("", "已中断。"), (delay, stderr)  # nothing when it had not yet started
        assert "汇总完成" not in stdout, delay  # it was stopped, not finished
        assert sorted(p.name for p in out.iterdir()) == [], delay  # no summary, no temporary


def test_a_command_runs_in_an_app_of_its_own_that_says_the_same() -> None:
    from typer.testing import CliRunner

    from consolidate.cli import COMMANDS, app, for_command
    from consolidate.cli.app import global_options_first

    assert for_command(["--help"]) is app and for_command([]) is app and for_command(["stauts"]) is app
    for name in (f.__name__ for f in COMMANDS):
        for args in (["--lang", "en", name, "--help"], [name, "--help"], ["-q", name, "--no-such-option"]):
            args = global_options_first(args)
            single = for_command(args)
            (only,) = single.registered_commands
            assert single is not app and only.callback is not None and only.callback.__name__ == name
            alone, whole = (CliRunner().invoke(a, args, env={"COLUMNS": "100"}) for a in (single, app))
            assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), args


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to the process itself")
def test_ctrl_c_a_library_turned_into_its_own_error_is_still_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while pydantic builds a model (a lazy import during the command) comes out as
    pydantic's SchemaError "…KeyboardInterrupt": it said 出现了意外错误 and wrote a crash log (seen
    once in `.ci/run`, the test above at 0.2 s). Any error after a Ctrl-C is the interruption."""
    from typer.testing import CliRunner

    import consolidate.cli.returns as returns_cli
    from consolidate.cli import app

    def wrapped(*args: object, **kwargs: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except KeyboardInterrupt as exc:
            raise ValueError(f"Error building validator: {type(exc).__name__}") from None
        raise AssertionError("the signal did not arrive")

    monkeypatch.setattr(returns_cli, "run_merge", wrapped)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["status", str(tmp_path)])
    assert result.exit_code == 130, result.output
    assert result.output.strip() == "已中断。"
    assert not (tmp_path / "cache" / "consolidate" / "crashes").exists()
