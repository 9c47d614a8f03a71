"""Never delete or overwrite what we did not write (issue 13): every command that writes replaces
its own earlier output, stops (exit 2, one line naming the file) before a file it did not write,
and overwrites a stranger only when the user named it with a flag."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import MANIFEST, DemoResult, build_demo
from consolidate.spec import parse_spec
from consolidate.write import write_templates

from .mailservers import base_spec_text, mail_spec_text

STRANGER = b"a clerk's own file, not ours\n"


def run(*args: object, cwd: Path | None = None) -> tuple[int, str]:
    here = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "400"})
    finally:
        os.chdir(here)
    return result.exit_code, result.output


@dataclass
class Setup:
    demo: DemoResult
    mail_spec: Path
    templates: Path
    nothing_back: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    root = tmp_path_factory.mktemp("clobber")
    demo = build_demo(root / "demo")
    mail_spec = root / "mail" / "report.yaml"
    mail_spec.parent.mkdir()
    mail_spec.write_text(mail_spec_text(), encoding="utf-8")
    templates = root / "mail" / "templates"
    write_templates(parse_spec(base_spec_text()), templates)
    (root / "nothing-back").mkdir()
    return Setup(demo, mail_spec, templates, root / "nothing-back")


# command → (its arguments writing into or in OUT, whether OUT is a folder given by a flag or the
# folder the command runs in (its default file name there), the backup its second run keeps)
COMMANDS: dict[str, tuple[Callable[[Setup, Path], list[object]], bool, str]] = {
    "templates -o": (lambda s, out: ["templates", s.demo.spec, "-o", out], True, ""),
    "validate --feedback": (lambda s, out: ["validate", s.demo.returns, "--feedback", out], True, ""),
    "send --outbox": (lambda s, out: ["send", s.mail_spec, "-t", s.templates, "--outbox", out], True, ""),
    "remind --outbox": (
        lambda s, out: ["remind", s.mail_spec, "-r", s.nothing_back, "-t", s.templates, "--outbox", out],
        True,
        "",
    ),
    "merge (summary.xlsx)": (lambda s, out: ["merge", s.demo.returns, "-s", s.demo.spec], False, "summary.bak.xlsx"),
    "report (进展情况.docx)": (
        lambda s, out: ["report", s.demo.returns, "-s", s.demo.spec],
        False,
        "进展情况.bak.docx",
    ),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_own_output_is_replaced_a_stranger_never(command: str, setup: Setup, tmp_path: Path) -> None:
    args, into, backup = COMMANDS[command]
    first = tmp_path / "first"
    first.mkdir()
    code, output = run(*args(setup, first), cwd=None if into else first)
    assert code in (0, 1), output
    written = sorted(p.name for p in first.iterdir())
    assert written
    before = {name: (first / name).read_bytes() for name in written}
    code_again, output = run(*args(setup, first), cwd=None if into else first)  # its own: replaced
    assert code_again == code, output
    # A summary or document replaced keeps the one before; forms and e-mails are only replaced.
    assert sorted(p.name for p in first.iterdir()) == sorted([*written, *([backup] if backup else [])])
    if backup:
        assert (first / backup).read_bytes() == before[written[-1]]
        assert "另存为" not in output  # as it was written: nothing to say

    second = tmp_path / "second"
    second.mkdir()
    stranger = second / written[-1]
    stranger.write_bytes(STRANGER)
    code, output = run(*args(setup, second), cwd=None if into else second)
    assert code == 2, output
    assert written[-1] in output and "不是本工具写的" in output
    assert len(output.strip().splitlines()) == 1
    assert stranger.read_bytes() == STRANGER
    assert sorted(p.name for p in second.iterdir()) == [written[-1]]  # nothing else written either


@pytest.mark.parametrize(
    "command",
    [
        lambda s, out: ["merge", s.demo.returns, "-s", s.demo.spec, "-o", out / "summary.xlsx"],
        lambda s, out: ["merge", s.demo.returns, "-s", s.demo.spec, "-o", out / "s.xlsx", "--json", out / "s.json"],
        lambda s, out: ["merge", s.demo.returns, "-s", s.demo.spec, "-o", out / "s.xlsx", "--docx", out / "d.docx"],
        lambda s, out: [
            "merge",
            s.demo.returns,
            "-s",
            s.demo.spec,
            "-o",
            out / "s.xlsx",
            "--parquet",
            out / "d.parquet",
        ],
        lambda s, out: ["report", s.demo.returns, "-s", s.demo.spec, "-o", out / "d.docx"],
        lambda s, out: ["validate", s.demo.returns, "--json", out / "issues.json"],
        lambda s, out: ["status", s.demo.returns, "--json", out / "status.json"],
    ],
    ids=[
        "merge -o",
        "merge --json",
        "merge --docx",
        "merge --parquet",
        "report -o",
        "validate --json",
        "status --json",
    ],
)
def test_a_file_not_ours_is_refused_whatever_flag_names_it(
    command: Callable[[Setup, Path], list[object]], setup: Setup, tmp_path: Path
) -> None:
    """Issue 20: naming a file with a flag no longer lets it be overwritten (a unit's return given
    to -o was replaced by the summary): a file that is not ours stops the command."""
    args = command(setup, tmp_path)
    named = Path(str(args[-1]))
    named.write_bytes(STRANGER)
    code, output = run(*args)
    assert code == 2, output
    assert output.strip().splitlines() == [
        f"无法执行：{named} 已存在，但不是本工具写的，不会覆盖它；请换一个文件名或文件夹，或先把它移走"
    ]
    assert named.read_bytes() == STRANGER
    assert sorted(tmp_path.iterdir()) == [named]  # nothing else written either


def test_remind_text_named_by_a_flag_keeps_what_was_there(setup: Setup, tmp_path: Path) -> None:
    named = tmp_path / "reminders.txt"  # a text carries no mark of ours: whatever is there is kept
    named.write_bytes(STRANGER)
    code, output = run("remind", setup.mail_spec, "-r", setup.nothing_back, "--text", named)
    assert code == 0, output
    assert named.read_bytes() != STRANGER
    kept = tmp_path / "reminders.bak.txt"
    assert kept.read_bytes() == STRANGER
    assert f"{named} 原来已有文件：原文件已另存为 {kept}" in output
    first = named.read_bytes()
    code, output = run("remind", setup.mail_spec, "-r", setup.nothing_back, "--text", named)  # again
    assert code == 0, output
    # Its own reminders are replaced, without a backup each day; the clerk's file stays kept.
    assert named.read_bytes() == first and "原来已有文件" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reminders.bak.txt", "reminders.txt"]
    assert kept.read_bytes() == STRANGER


def test_every_chat_text_begins_with_a_mark_the_reminders_file_is_known_by() -> None:
    from consolidate.text import t
    from consolidate.write.owned import CHAT_MARKS

    for key in ("chat.missing", "chat.errors", "chat.unreadable", "chat.group"):
        for lang in ("zh", "en"):
            text = t(key, lang, unit="U", title="T", deadline="D", file="F")
            assert text.startswith(CHAT_MARKS), (key, lang, text)


@pytest.mark.parametrize(("name", "flags"), [("report.xlsx", []), ("report.yaml", ["--yaml"])])
def test_init_overwrites_only_with_force(tmp_path: Path, name: str, flags: list[str]) -> None:
    (tmp_path / name).write_bytes(STRANGER)
    code, output = run("init", tmp_path, *flags)
    assert code == 2 and (tmp_path / name).read_bytes() == STRANGER
    code, output = run("init", tmp_path, *flags, "--force")
    assert code == 0, output
    assert (tmp_path / name).read_bytes() != STRANGER
    (backup,) = tmp_path.glob(f"{name}.*.bak")  # what it replaced is kept
    assert backup.read_bytes() == STRANGER


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / "张三.xlsx").write_bytes(STRANGER)  # collect's default folder
    code, output = run("demo", tmp_path)
    assert code == 2
    assert output.strip().splitlines() == [
        f"无法执行：{tmp_path} 不是空文件夹；示例需要一个空文件夹（或用 --force：只替换以前的示例生成的文件，其他文件不动）"
    ]
    code, output = run("demo", tmp_path, "--force")  # its returns/ holds a file the demo did not make
    assert code == 2
    assert f"{tmp_path / 'returns' / '张三.xlsx'} 不是示例生成的" in output
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["returns", "returns/张三.xlsx"]
    assert (tmp_path / "returns" / "张三.xlsx").read_bytes() == STRANGER


def test_demo_with_force_replaces_only_what_it_made(tmp_path: Path) -> None:
    code, output = run("demo", tmp_path)
    assert code == 0, output
    (tmp_path / "notes.txt").write_bytes(STRANGER)
    (tmp_path / "summary.xlsx").write_bytes(b"changed by the user: still the demo's file")
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    code, output = run("demo", tmp_path, "--force")
    assert code == 0, output
    assert (tmp_path / "notes.txt").read_bytes() == STRANGER
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == made
    assert (tmp_path / MANIFEST).is_file()
    # a file added to the demo's returns/ is not the demo's to delete
    (tmp_path / "returns" / "mine.xlsx").write_bytes(STRANGER)
    code, output = run("demo", tmp_path, "--force")
    assert code == 2 and "mine.xlsx" in output
    assert (tmp_path / "returns" / "mine.xlsx").read_bytes() == STRANGER
    assert (tmp_path / "summary.xlsx").is_file()  # nothing removed before refusing


def test_merge_parquet_replaces_its_own_file_keeping_the_one_before(setup: Setup, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    args = ["merge", setup.demo.returns, "-s", setup.demo.spec, "-o", tmp_path / "s.xlsx"]
    target = tmp_path / "明细.parquet"
    code, output = run(*args, "--parquet", target)
    assert code == 1, output  # the demo's returns have errors: written all the same
    assert f"明细已写成 Parquet 文件：{target}" in output.splitlines()
    first = target.read_bytes()
    code, output = run(*args, "--parquet", target)
    assert code == 1, output
    assert (tmp_path / "明细.bak.parquet").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.bak.xlsx", "s.xlsx", "明细.bak.parquet", "明细.parquet"]
    # A summary workbook is not a Parquet file, whatever it is named.
    (tmp_path / "s.parquet").write_bytes((tmp_path / "s.xlsx").read_bytes())
    code, output = run(*args, "--parquet", tmp_path / "s.parquet")
    assert code == 2, output
    assert output.strip().splitlines() == [
        f"无法执行：{tmp_path / 's.parquet'} 是本工具写的汇总工作簿，不会用明细 Parquet 文件覆盖它；请换一个文件名"
    ]


def test_merge_parquet_without_pyarrow_stops_before_any_work(
    setup: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    args = [
        "merge",
        setup.demo.returns,
        "-s",
        setup.demo.spec,
        "-o",
        tmp_path / "s.xlsx",
        "--parquet",
        tmp_path / "d.parquet",
    ]
    code, output = run(*args)
    assert code == 2, output
    assert output.strip().splitlines() == [
        '无法执行：写出或读取 Parquet 文件需要 pyarrow：pip install "consolidate[parquet]"，然后再运行一次'
    ]
    assert list(tmp_path.iterdir()) == []  # no summary either
