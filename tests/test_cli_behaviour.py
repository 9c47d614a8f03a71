"""A command line that behaves: data alone on stdout, paths refused before the work, no traceback,
whole messages in a narrow terminal or a pipe, counting before anything arrives, help that reads
like help, spec errors in the clerk's words, and passwords as people choose them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds import build_demo
from consolidate.spec import load_spec

from .conftest import SPEC_YAML, write_spec
from .mailservers import IMAP_PASSWORD_ENV, SMTP_PASSWORD_ENV, Dovecot, SmtpSink, base_spec_text, mail_spec_text

runner = CliRunner()


class Run:
    def __init__(self, *args: object, columns: int = 80, env: dict[str, str] | None = None) -> None:
        result = runner.invoke(
            app, global_options_first([str(a) for a in args]), env={"COLUMNS": str(columns), **(env or {})}
        )
        self.code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "demo"
    build_demo(folder)
    return folder


# 1. Data on stdout, people on stderr


@pytest.mark.parametrize("quiet", [[], ["-q"]])
@pytest.mark.parametrize("command", ["merge", "validate", "status"])
def test_json_on_stdout_is_all_that_stdout_holds(demo: Path, tmp_path: Path, command: str, quiet: list[str]) -> None:
    extra = ["-o", tmp_path / "s.xlsx"] if command == "merge" else []
    run = Run(command, demo / "returns", "--json", "-", *extra, *quiet)
    assert run.code == 1, run.stderr
    data = json.loads(run.stdout)  # nothing but the JSON
    assert "河东区" in run.stdout and "\\u" not in run.stdout  # UTF-8 text, not escapes
    if command == "merge":
        assert data["exit_code"] == 1
        assert not quiet or run.stderr == ""
        assert quiet or f"汇总完成：{tmp_path / 's.xlsx'}" in run.stderr
    elif command == "status":
        assert [r["name"] for r in data if r["status"] == "未报送"] == ["临沂高新区"]
    else:
        assert [i["code"] for i in data][:3] == ["E-REQUIRED", "E-CHOICE", "E-NOT-A-NUMBER"]
    if not quiet:
        assert "12/13 个单位已报送" in run.stderr


# 2. No traceback, ever; bad paths refused before the work


def test_output_paths_are_refused_before_the_work(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    afile = tmp_path / "a file"
    afile.write_text("x", encoding="utf-8")
    cases = [
        (["merge", demo / "returns", "-o", folder], f"{folder} 是一个文件夹，不能作为输出文件"),
        (["merge", demo / "returns", "-o", tmp_path / "nowhere" / "s.xlsx"], f"文件夹 {tmp_path / 'nowhere'} 不存在"),
        (["merge", demo / "returns", "-o", "/proc/self/s.xlsx"], "文件夹 /proc/self 不允许写入"),
        (["merge", demo / "returns", "--json", afile / "s.json"], f"{afile} 是一个文件，不是文件夹"),
        (["validate", demo / "returns", "--json", folder], f"{folder} 是一个文件夹，不能作为输出文件"),
        (["validate", demo / "returns", "--feedback", afile], f"{afile} 是一个文件，不是文件夹"),
        (["status", demo / "returns", "--json", folder], f"{folder} 是一个文件夹"),
        (["templates", demo / "spec" / "report.yaml", "-o", afile], f"{afile} 是一个文件，不是文件夹"),
        (["init", afile], f"{afile} 是一个文件，不是文件夹"),
    ]
    for args, expected in cases:
        start = time.monotonic()
        run = Run(*args)
        assert run.code == 2, (args, run.stderr)
        assert expected in run.stderr.replace("\n", ""), (args, run.stderr)
        assert "Traceback" not in run.stderr + run.stdout
        assert time.monotonic() - start < 2, args  # before the merge, not after it
    assert afile.read_text(encoding="utf-8") == "x"


def test_an_unexpected_error_is_one_line_and_a_crash_log(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import consolidate.write

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(consolidate.write, "write_summary", broken)
    run = Run("merge", demo / "returns", "-o", tmp_path / "s.xlsx", env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert run.code == 2
    assert "Traceback" not in run.stderr + run.stdout
    (line,) = [text for text in run.stderr.splitlines() if text.strip()]
    assert line.startswith("出现了意外错误（RuntimeError: something nobody expected）。这是本工具的缺陷")
    (log,) = (tmp_path / "cache" / "consolidate" / "crashes").iterdir()
    assert str(log) in line
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "something nobody expected" in text


# 3. Readable in a narrow terminal and in a pipe


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_message_stays_whole_on_one_line_at_80_columns(demo: Path, lang: str) -> None:
    from consolidate.merge import merge_returns

    spec = load_spec(demo / "spec" / "report.yaml")
    issues = merge_returns(spec, [demo / "returns"]).issues
    run = Run("--lang", lang, "validate", demo / "returns", "--all", columns=80)
    lines = run.stdout.splitlines()
    for issue in issues:
        assert f"  {issue.message(lang)}" in lines, issue.message(lang)  # whole, on a line of its own


def test_status_keeps_file_names_whole(demo: Path) -> None:
    run = Run("status", demo / "returns", columns=80)
    assert "  2020-08_2020年民生实事工作8月份进展情况_费县.xlsx" in run.stdout.replace("\n", "  ") or any(
        line.endswith("2020-08_2020年民生实事工作8月份进展情况_费县.xlsx") for line in run.stdout.splitlines()
    )


# 4. Counting before anything arrives


def test_status_before_anything_arrives(demo: Path, tmp_path: Path) -> None:
    spec = demo / "spec" / "report.yaml"
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (empty, tmp_path / "not yet"):
        run = Run("status", folder, "-s", spec)
        assert run.code == 1, run.stderr
        assert "0/13 个单位已报送；错误 0，警告 13，提示 0" in run.stdout
        assert "未报送：兰山区、罗庄区、河东区" in run.stdout
    everyone = tmp_path / "everyone"
    everyone.mkdir()
    for path in sorted((demo / "templates").iterdir()):
        (everyone / path.name).write_bytes(path.read_bytes())
    # The templates sent back as they came: nobody has returned anything (it used to say 13/13, exit 0).
    blank = Run("status", everyone, "-s", spec)
    assert blank.code == 1
    assert "0/13 个单位已报送" in blank.stdout
    assert "交回空白表（不算已报送）：兰山区、罗庄区、河东区" in blank.stdout
    for path in sorted(everyone.iterdir()):
        _fill_one_cell(path)
    assert Run("status", everyone, "-s", spec).code == 0  # all 13 returned (one figure each)
    assert Run("status", demo / "returns").code == 1  # 临沂高新区 has not


def _fill_one_cell(path: Path) -> None:
    """One figure typed into a template: 累计完成 of its first item."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["填报"]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("累计完成"):
                sheet.cell(cell.row + 1, cell.column, 1)
                book.save(path)
                return
    raise AssertionError(f"no 累计完成 in {path}")


def test_reminders_before_anything_arrives(tmp_path: Path) -> None:
    from consolidate.mail import reminders
    from consolidate.spec import parse_spec

    spec = parse_spec(base_spec_text())
    found = reminders(spec, tmp_path / "not yet")
    assert [(r.unit.code, r.reason) for r in found] == [(u.code, "missing") for u in spec.units]


# 5 and 6. Spec errors in the clerk's words; hostile specs located, fast


def test_spec_dates_and_periods_as_clerks_write_them(tmp_path: Path) -> None:
    for period, normal in [
        ("2025年第三季度", "2025-Q3"),
        ("2025年9月", "2025-09"),
        ("2025年上半年", "2025-H1"),
        ("2025年", "2025"),
        ("2025Q4", "2025-Q4"),
    ]:
        for deadline in ("2025年4月15日", "2025/4/15", "2025-04-15"):
            text = SPEC_YAML.replace("period: 2025-Q1", f"period: {period}").replace(
                "deadline: 2025-04-15", f"deadline: {deadline}"
            )
            spec = load_spec(write_spec(tmp_path / "s", text))
            assert (spec.report.period, spec.report.deadline.isoformat()) == (normal, "2025-04-15")  # type: ignore[union-attr]


BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{p}'] * 9)}]\n" for p, a in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (
            ("period: 2025-Q1", "period: 第三季度"),
            6,
            "报告期“第三季度”看不懂；可以写成 2025（全年）、2025年第三季度（2025-Q3）",
        ),
        (("deadline: 2025-04-15", "deadline: 2025-02-30"), 7, "“2025-02-30”这一天不存在；请检查月和日"),
        (("deadline: 2025-04-15", "deadline: 下周五"), 7, "“下周五”不是日期；请写成 2025-04-15 或 2025年4月15日"),
        (("issuer: 玉环市卫生健康局", "issuer: !!int abc"), 5, "这个值无法读取：“abc”"),
        (("issuer: 玉环市卫生健康局", "issuer: " + "9" * 5000), 5, "这个值无法读取"),
        (("version: 1\n", "version: 1\nx: " + "[" * 1000 + "]" * 1000 + "\n"), None, "嵌套超过 40 层"),
        (("version: 1\n", "version: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB), None, "别名"),
        (("id: key-work-2025q1", "id: 重点工作"), 3, "报表编号“重点工作”只能用小写英文字母、数字和连字符（-）"),
        (("min: 0", "min: 零"), 20, "应为数字，如 1.5；写的是“零”"),
        (("  title: 2025年", "\ttitle: 2025年"), 4, "不能用 Tab 键缩进，请改用空格"),
        (("issuer: 玉环市卫生健康局", "issuer: 通知: 玉环市卫生健康局"), 5, "这里不能有冒号：值里有冒号时，请用引号"),
    ],
)
def test_hostile_or_mistyped_specs_are_located_plainly_and_fast(
    tmp_path: Path, change: tuple[str, str], line: int | None, message: str
) -> None:
    path = write_spec(tmp_path, SPEC_YAML.replace(*change))
    start = time.monotonic()
    run = Run("check", path)
    assert time.monotonic() - start < 1.5
    assert run.code == 2
    where = f"{path}:{line}" if line else f"{path}:"
    assert any(where in text and message in text for text in run.stderr.splitlines()), run.stderr
    for foreign in ("Input should", "^\\d", "pattern", "Traceback", "pydantic"):
        assert foreign not in run.stderr


# 7. Help that reads like help


def test_help_shows_flags_as_flags_and_an_example_everywhere() -> None:
    import typer.main

    for name in typer.main.get_group(app).commands:
        for lang, example in (("zh", "示例："), ("en", "Example:")):
            run = Run("--lang", lang, name, "--help")
            assert run.code == 0
            assert example in run.stdout, (name, lang)
            for wrong in ("<bool>", "<list[", "<path>", "<str>", "…"):
                assert wrong not in run.stdout, (name, lang, wrong)


def test_an_unknown_unit_stops_every_command_with_a_suggestion(demo: Path, tmp_path: Path) -> None:
    run = Run("templates", demo / "spec" / "report.yaml", "-o", tmp_path / "t", "-u", "兰山")
    assert run.code == 2
    assert "不在单位名单中：兰山；是否是：兰山区" in run.stderr.replace("\n", "")
    assert not (tmp_path / "t").exists() or not any((tmp_path / "t").iterdir())


# 8. Passwords as people choose them


@pytest.mark.aiosmtpd
def test_an_smtp_password_beyond_ascii(tmp_path: Path) -> None:
    from consolidate.write import write_templates

    with SmtpSink(password="卫健局2025") as smtp:
        spec = tmp_path / "report.yaml"
        spec.write_text(mail_spec_text(smtp.port), encoding="utf-8")
        write_templates(load_spec(spec), tmp_path / "templates")
        run = Run("send", spec, "-t", tmp_path / "templates", env={SMTP_PASSWORD_ENV: "卫健局2025"})
        assert run.code == 1, run.stdout + run.stderr  # 清港镇卫生院 has no address
        assert "已发送 3 封" in run.stdout
        assert len(smtp.received) == 3 and smtp.logins == ["clerk@county.test"]
        wrong = Run("send", spec, "-t", tmp_path / "templates", "--resend", env={SMTP_PASSWORD_ENV: "卫健局2024"})
        assert wrong.code == 2
        assert "SMTP 登录失败" in wrong.stderr and "Traceback" not in wrong.stderr


class _ChineseDovecot(Dovecot):
    password = "卫健局2025"


@pytest.mark.dovecot
def test_an_imap_password_beyond_ascii(tmp_path: Path) -> None:
    with _ChineseDovecot() as imap:
        spec = tmp_path / "report.yaml"
        spec.write_text(mail_spec_text(imap_port=imap.port), encoding="utf-8")
        run = Run("collect", spec, "-o", tmp_path / "returns", env={IMAP_PASSWORD_ENV: "卫健局2025"})
        assert run.code == 0, run.stderr
        assert "共 0 封邮件" in run.stdout
        wrong = Run("collect", spec, "-o", tmp_path / "returns", env={IMAP_PASSWORD_ENV: "卫健局2024"})
        assert wrong.code == 2
        assert "IMAP 登录失败" in wrong.stderr and "Traceback" not in wrong.stderr
