"""The command line's own mistakes told as the clerk reads them: what is wrong, the usage line with
its placeholders in the chosen language, where help is; ``--help`` with its panels in that
language; and a reader that stops early (``| head``) ending the command quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds import build_demo

runner = CliRunner()


def run(*args: str, columns: int = 100) -> tuple[int, str, str]:
    result = runner.invoke(
        app, global_options_first(list(args)), prog_name="consolidate", env={"COLUMNS": str(columns)}
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "said", "usage"),
    [
        (
            ["merge"],
            "命令写得不对：缺少 文件夹...（回收报表的文件夹或文件），请写在命令后面（空一格）",
            "用法：consolidate merge [选项] 文件夹...",
        ),
        (
            ["merge", "returns", "--workers", "3"],
            "命令写得不对：没有 --workers 这个选项；是否是：--passwords？",
            "用法：consolidate merge [选项] 文件夹...",
        ),
        (
            ["merge", "returns", "-o"],
            "命令写得不对：选项 -o 后面要写上它的值（空一格）",
            "用法：consolidate merge [选项] 文件夹...",
        ),
        (
            ["merge", "returns", "--pdf=yes"],
            "命令写得不对：选项 --pdf 后面不带值，去掉“=”和后面的部分",
            "用法：consolidate merge [选项] 文件夹...",
        ),
        (
            ["templates", "D:/2025年", "报表/report.yaml"],
            "命令写得不对：多出了 报表/report.yaml：这个命令不要这么多项；"
            "文件名或文件夹名里有空格时，请用英文双引号把它整个括起来",
            "用法：consolidate templates [选项] report.yaml",
        ),
        (
            ["serve", "report.yaml", "--port", "八七六五"],
            "命令写得不对：选项 --port 要写一个整数，例如 8",
            "用法：consolidate serve [选项] [report.yaml]",
        ),
        (
            ["send", "report.yaml", "--throttle", "-1"],
            "命令写得不对：选项 --throttle 要写一个不小于 0 的数",
            "用法：consolidate send [选项] report.yaml",
        ),
        (
            ["mrge", "returns"],
            "命令写得不对：没有 mrge 这个命令；是否是：merge？",
            "用法：consolidate [选项] 命令 [参数]...",
        ),
        (
            ["-q"],
            "命令写得不对：没有写要做什么：在 consolidate 后面写上命令，例如 consolidate demo",
            "用法：consolidate [选项] 命令 [参数]...",
        ),
    ],
)
def test_a_usage_error_says_in_chinese_what_is_wrong_the_usage_and_where_help_is(
    args: list[str], said: str, usage: str
) -> None:
    code, stdout, stderr = run(*args)
    command = usage.removeprefix("用法：").split(" [")[0]
    assert (code, stdout) == (2, "")
    assert stderr.splitlines() == [said, usage, f"查看说明：{command} --help"]


@pytest.mark.parametrize(
    ("args", "said", "usage"),
    [
        (
            ["merge"],
            "Command line not understood: FOLDER... (Returns folder(s) or file(s)) is missing: give it after the command",
            "Usage: consolidate merge [OPTIONS] FOLDER...",
        ),
        (
            ["next", "--bogus"],
            "Command line not understood: There is no option --bogus",
            "Usage: consolidate next [OPTIONS] [report.yaml]",
        ),
        (
            ["send", "report.yaml", "--throttle", "fast"],
            "Command line not understood: Option --throttle needs a number of at least 0",
            "Usage: consolidate send [OPTIONS] report.yaml",
        ),
    ],
)
def test_the_same_in_english(args: list[str], said: str, usage: str) -> None:
    code, _, stderr = run("--lang", "en", *args)
    command = usage.removeprefix("Usage: ").split(" [")[0]
    assert code == 2
    assert stderr.splitlines() == [said, usage, f"For help: {command} --help"]


def test_a_wrong_language_is_said_in_chinese() -> None:
    assert run("--lang", "fr", "status", ".")[::2] == (2, "--lang 只能是 zh（中文）或 en（英文）\n")


def test_help_speaks_the_chosen_language_to_the_last_word() -> None:
    code, stdout, _ = run("templates", "--help")
    assert code == 0
    lines = [line.strip(" │╭─╮╰╯") for line in stdout.splitlines()]
    assert "用法：consolidate templates [选项] report.yaml" in lines
    assert {"参数", "选项"} <= {line.strip() for line in lines}
    assert "*    report.yaml        报表定义 report.yaml [必填]" in lines
    assert "--out      -o      文件夹  输出文件夹 [默认：templates_out]" in lines
    for english in ("Usage", "OPTIONS", "Arguments", "Options", "required", "default", "{"):
        assert english not in stdout
    code, stdout, _ = run("--lang", "en", "templates", "--help")
    assert "Usage: consolidate templates [OPTIONS] report.yaml" in stdout
    assert "Arguments" in stdout and "[default: templates_out]" in stdout and "用法" not in stdout
    code, stdout, _ = run("--help")
    assert "用法：consolidate [选项] 命令 [参数]..." in stdout and "╭─ 命令 " in stdout


def test_help_shows_square_brackets_that_are_not_markup() -> None:
    stdout = run("merge", "--help", columns=200)[1]
    assert 'pip install "consolidate[parquet]"' in stdout


# A reader that stops early: the real program, a real pipe


def _closed_pipe(*args: str, cache: Path) -> subprocess.CompletedProcess[bytes]:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first byte
    try:
        return subprocess.run(
            [sys.executable, "-m", "consolidate", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            env={**os.environ, "XDG_CACHE_HOME": str(cache), "COLUMNS": "80"},
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [["--help"], ["merge", "--help"], ["kinds"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(args: list[str], tmp_path: Path) -> None:
    done = _closed_pipe(*args, cache=tmp_path / "cache")
    assert (done.returncode, done.stderr.decode()) == (141, "")
    assert not (tmp_path / "cache").exists()  # no crash log


def test_json_to_a_reader_that_stopped_still_writes_the_summary(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    build_demo(demo)
    out = tmp_path / "汇总.xlsx"
    done = _closed_pipe("-q", "merge", str(demo / "returns"), "-o", str(out), "--json", "-", cache=tmp_path / "cache")
    assert (done.returncode, done.stderr.decode()) == (141, "")
    assert out.stat().st_size > 0
    assert not (tmp_path / "cache" / "consolidate" / "crashes").exists()


# A folder that is not there: where it was looked for, and the names there like it


def test_a_returns_folder_not_there_says_where_it_looked_and_what_is_like_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_demo(tmp_path / "demo")
    (tmp_path / "收回 11月").mkdir()
    (tmp_path / "模板").mkdir()
    monkeypatch.chdir(tmp_path)
    spec = str(Path("demo", "spec", "report.yaml"))
    code, _, stderr = run("merge", "收回11月", "-s", spec)
    assert code == 2
    assert stderr == (
        f"无法执行：找不到 收回11月（在 {tmp_path} 中找的）。那里有名称相近的：收回 11月。"
        "请检查名称是否写对；名称里有空格时，用英文双引号把它整个括起来\n"
    )
    # a name with a space, not quoted: the second half is looked for alone
    code, _, stderr = run("--lang", "en", "validate", "收回", "11月", "-s", spec)
    assert code == 2
    assert stderr == (
        f"Cannot run: No such file or folder: 收回 (looked for in {tmp_path}). Names like it there: 收回 11月. "
        "Check the name; put a name with spaces in double quotes\n"
    )
    code, _, stderr = run("merge", "demo/nothing/returns", "-s", spec)
    assert stderr == (
        f"无法执行：找不到 demo/nothing/returns（在 {tmp_path}/demo/nothing 中找的）。"
        "请检查名称是否写对；名称里有空格时，用英文双引号把它整个括起来\n"
    )


def test_a_spec_not_there_says_where_it_looked_and_names_the_spec_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "2025Q3").mkdir()
    (tmp_path / "2025Q3" / "report.xlsx").write_bytes(b"")  # only its name is looked at
    (tmp_path / "2025Q3" / "说明.docx").write_bytes(b"")  # not a spec: never suggested
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("templates", "2025Q3/report.yml")
    assert code == 2
    assert stderr.splitlines() == [
        "报表定义有 1 处问题：",
        f"  2025Q3/report.yml: 找不到报表定义文件（在 {tmp_path / '2025Q3'} 中找的）；那里有名称相近的：report.xlsx",
    ]
    code, _, stderr = run("--lang", "en", "next")
    assert stderr.splitlines()[1] == f"  report.yaml: Spec file not found (looked for in {tmp_path})"
