"""The ``consolidate`` command line: a thin layer over the library (typer + rich).

Only this module prints, draws progress bars and chooses exit codes: 0 no errors, 1 errors found
in the data (outputs are still written), 2 the command could not run.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from . import __version__
from .errors import ConsolidateError, InputError, SpecError
from .i18n import Lang, t
from .issues import Level, count_levels
from .merge import MergeResult, find_files, merge_returns, spec_from_returns
from .spec import load_spec

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="consolidate：报表模板下发、回收校验、一键汇总。Report templates out, returns in, one summary.",
)


class State:
    lang: Lang = "zh"
    quiet: bool = False


state = State()
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

_MSG: dict[str, tuple[str, str]] = {
    "spec_ok": (
        "报表定义无误：{title}（{units} 个单位，{items} 个事项，{fields} 个栏目）",
        "Spec is valid: {title} ({units} units, {items} items, {fields} fields)",
    ),
    "spec_bad": ("报表定义有 {n} 处问题：", "The spec has {n} problem(s):"),
    "templates_done": ("已生成 {n} 个模板：{dir}", "Wrote {n} templates to {dir}"),
    "reading": ("读取报表", "Reading returns"),
    "fetching": ("收取邮件", "Fetching mail"),
    "merged": ("汇总完成：{file}", "Summary written: {file}"),
    "pdf": ("PDF 已生成（可直接打印）：{file}", "PDF written (ready to print): {file}"),
    "json": ("JSON 已写入：{file}", "JSON written: {file}"),
    "counts": (
        "{returned}/{units} 个单位已报送；错误 {e}，警告 {w}，提示 {i}",
        "{returned}/{units} units returned; {e} errors, {w} warnings, {i} notes",
    ),
    "missing": ("未报送：{names}", "Missing: {names}"),
    "no_issues": ("没有发现问题。", "No problems found."),
    "init_done": (
        "已创建 {file}；编辑后运行 consolidate check {file}",
        "Created {file}; edit it, then run consolidate check {file}",
    ),
    "demo_done": (
        "示例已生成：{dir}\n  报表定义 {spec}\n  模板 {templates}\n  回收的报表 {returns}\n  汇总 {summary}",
        "Demo written to {dir}\n  spec {spec}\n  templates {templates}\n  returns {returns}\n  summary {summary}",
    ),
    "error": ("无法执行：", "Cannot run: "),
    "feedback": ("已为 {n} 个单位写出反馈文件：{dir}", "Wrote feedback files for {n} unit(s) to {dir}"),
    "kinds": ("可用的报表类型：{kinds}", "Built-in kinds: {kinds}"),
    "password": ("{server} 密码（{user}@{host}）", "{server} password for {user}@{host}"),
    "sending": ("发送邮件", "Sending"),
    "sent": (
        "已发送 {sent} 封，此前已发送 {before} 封，失败 {failed} 封",
        "{sent} sent, {before} sent before, {failed} failed",
    ),
    "outbox": (
        "已把 {n} 封邮件写入 {dir}（未发送）；检查无误后去掉 --dry-run 再发送",
        "Wrote {n} message(s) to {dir} (nothing sent); check them, then run without --dry-run",
    ),
    "no_address": (
        "没有邮箱地址的单位：{names}（请在单位名单的 email 列填写）",
        "Units without an e-mail address: {names} (fill in the email column of the units table)",
    ),
    "no_template": (
        "找不到模板或模板已过期的单位：{names}（请先运行 consolidate templates）",
        "Units without a current template: {names} (run consolidate templates first)",
    ),
    "invalid_address": ("无效的地址：{v}", "invalid address: {v}"),
    "nobody_to_remind": (
        "所有单位都已报送有效的报表，无需催报。",
        "Every unit has returned a valid file; nobody to remind.",
    ),
    "collected": (
        "共 {messages} 封邮件，新保存 {saved} 个文件，{seen} 封此前已收取：{dir}",
        "{messages} message(s), {saved} new file(s) saved, {seen} collected before: {dir}",
    ),
    "skipped": ("未保存的附件：", "Attachments not saved:"),
    "skipped_file": ("  {file}（{sender}，{subject}）：{why}", "  {file} ({sender}, {subject}): {why}"),
}


def msg(key: str, **kwargs: Any) -> str:
    zh, en = _MSG[key]
    return (zh if state.lang == "zh" else en).format(**kwargs)


def say(text: str, style: str = "") -> None:
    if not state.quiet:
        console.print(text, style=style or None, soft_wrap=True, markup=False)


def _version(value: bool) -> None:
    if value:
        console.print(f"consolidate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    lang: Annotated[str, typer.Option("--lang", help="zh（默认）或 en：输出语言 / output language")] = "zh",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出错误 / errors only")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="版本 / version")
    ] = False,
) -> None:
    """consolidate：报表模板下发、回收校验、一键汇总。"""
    if lang not in ("zh", "en"):
        err_console.print("--lang: zh | en")
        raise typer.Exit(2)
    state.lang = "en" if lang == "en" else "zh"
    state.quiet = quiet


@contextmanager
def guarded() -> Iterator[None]:
    """Turn ConsolidateError into a clear message and exit code 2."""
    try:
        yield
    except SpecError as exc:
        err_console.print(msg("spec_bad", n=len(exc.problems)), style="bold red")
        for problem in exc.problems:
            err_console.print(f"  {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except ConsolidateError as exc:
        err_console.print(msg("error") + str(exc), style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="新报表的文件夹 / folder for the new spec")],
    kind: Annotated[str, typer.Option("--kind", "-k", help="key-tasks | task-list | livelihood")] = "key-tasks",
    from_table: Annotated[
        Path | None, typer.Option("--from", help="已有的任务表（.xlsx/.csv）/ an existing task table")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite")] = False,
) -> None:
    """从内置报表类型创建报表定义（report.yaml + units.csv + items.csv）。

    Example: [bold]consolidate init 2025Q1 --kind key-tasks[/bold]
    """
    from .kinds import init_spec

    with guarded():
        path = init_spec(folder, kind, from_table, force)
    say(msg("init_done", file=path), "green")


@app.command()
def check(
    spec: Annotated[Path, typer.Argument(help="report.yaml（或其所在文件夹）")],
) -> None:
    """检查报表定义：每个错误给出文件、行号和键。

    Example: [bold]consolidate check 2025Q1/report.yaml[/bold]
    """
    with guarded():
        loaded = load_spec(spec)
    say(
        msg(
            "spec_ok",
            title=loaded.report.title,
            units=len(loaded.units),
            items=len(loaded.items),
            fields=len(loaded.fields),
        ),
        "green",
    )


@app.command()
def templates(
    spec: Annotated[Path, typer.Argument(help="report.yaml")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹 / output folder")] = Path("templates_out"),
    unit: Annotated[
        list[str] | None, typer.Option("--unit", "-u", help="只生成这些单位（编码）/ only these unit codes")
    ] = None,
) -> None:
    """为每个单位生成预填、锁定、带校验的 .xlsx 模板。

    Example: [bold]consolidate templates 2025Q1/report.yaml -o out/[/bold]
    """
    from .template import write_templates

    with guarded():
        loaded = load_spec(spec)
        wanted = [u.code for u in loaded.units if unit is None or u.code in unit or u.name in unit]
        with _progress(len(wanted), msg("reading")) as tick:
            written = write_templates(loaded, out, wanted, progress=tick)
    say(msg("templates_done", n=len(written), dir=out), "green")


PasswordOpt = Annotated[
    list[str] | None, typer.Option("--password", help="打开加密文件的密码，可重复 / password for encrypted files")
]
PasswordsFileOpt = Annotated[
    Path | None, typer.Option("--passwords", help="密码文件，每行一个 / a file of passwords, one per line")
]


def _passwords(given: list[str] | None, file: Path | None) -> list[str]:
    out = list(given or [])
    if file is not None:
        try:
            out += [line.strip() for line in file.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        except OSError as exc:
            raise InputError(f"{file}: {exc.strerror or exc}") from None
    return out


NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="不使用已解析文件的缓存 / do not use the cache of parsed files")
]


def _run_merge(
    folder: Sequence[Path],
    spec: Path | None,
    password: list[str] | None = None,
    passwords_file: Path | None = None,
    no_cache: bool = False,
    keep_raw: bool = False,
    exclude: Sequence[Path] = (),
) -> MergeResult:
    from .pipeline import default_cache_path

    secrets = _passwords(password, passwords_file)
    loaded = load_spec(spec) if spec is not None else spec_from_returns(list(folder), secrets)
    sources = find_files(list(folder), exclude)
    cache = None if no_cache else default_cache_path()
    with _progress(len(sources), msg("reading")) as tick:
        return merge_returns(
            loaded,
            list(folder),
            progress=tick,
            passwords=secrets,
            cache=cache,
            keep_raw=keep_raw,
            exclude=exclude,
            sources=sources,
        )


@contextmanager
def counted_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """``progress(done, total)`` for work that learns its total as it starts (mail to fetch)."""
    with ExitStack() as stack:
        tick: Callable[[str], None] | None = None

        def progress(done: int, total: int) -> None:
            nonlocal tick
            if tick is None:
                tick = stack.enter_context(_progress(total, label))
            elif done:
                tick("")

        yield progress


@contextmanager
def _progress(total: int, label: str) -> Iterator[Any]:
    if state.quiet or total < 20 or not sys.stderr.isatty():
        yield lambda _name: None
        return
    # Refreshed here, at most ten times a second, rather than by rich's refresh thread: a process
    # without threads may fork its parsing workers (see parallel.py).
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console, transient=True, auto_refresh=False) as bar:
        task = bar.add_task(label, total=total)
        shown = [0.0]

        def tick(_name: str) -> None:
            bar.advance(task)
            now = time.monotonic()
            if now - shown[0] >= 0.1:
                shown[0] = now
                bar.refresh()

        yield tick


@app.command()
def validate(
    folder: Annotated[list[Path], typer.Argument(help="回收报表的文件夹或文件 / returns folder or files")],
    spec: Annotated[Path | None, typer.Option("--spec", "-s", help="report.yaml；不给则从模板中读取")] = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="把问题写成 JSON（- 为标准输出）")] = None,
    all_levels: Annotated[
        bool, typer.Option("--all", help="也列出提示（I-CONVERTED 等）/ show info notes too")
    ] = False,
    feedback: Annotated[
        Path | None, typer.Option("--feedback", help="为有问题的单位写出反馈文件（问题单元格标红）/ feedback files")
    ] = None,
) -> None:
    """校验回收的报表，列出所有问题（退出码：0 无错误，1 有错误，2 无法执行）。

    Example: [bold]consolidate validate returns/[/bold]
    """
    with guarded():
        result = _run_merge(folder, spec, password, passwords_file, no_cache, keep_raw=feedback is not None)
    if json_out is not None:
        _emit_json([i.as_dict(state.lang) for i in result.issues], json_out)
    _print_issues(result, all_levels)
    if feedback is not None:
        from .feedback import write_feedback

        written = write_feedback(result, feedback, state.lang)
        say(msg("feedback", n=len(written), dir=feedback), "green")
    _print_counts(result)
    raise typer.Exit(result.exit_code)


@app.command()
def merge(
    folder: Annotated[list[Path], typer.Argument(help="回收报表的文件夹或文件 / returns folder or files")],
    spec: Annotated[Path | None, typer.Option("--spec", "-s", help="report.yaml；不给则从模板中读取")] = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="汇总表 / summary workbook")] = Path("summary.xlsx"),
    json_out: Annotated[Path | None, typer.Option("--json", help="同时写出 JSON（- 为标准输出）")] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="用 LibreOffice 同时打印成 PDF（与汇总表同名）/ also a PDF via LibreOffice")
    ] = False,
) -> None:
    """汇总：校验全部报表并写出汇总工作簿（汇总、分单位、明细、报送情况、校验问题、说明）。

    Example: [bold]consolidate merge returns/ -o 汇总.xlsx --pdf[/bold]
    """
    from .office import find_soffice, to_pdf
    from .summary import summary_json, write_summary

    with guarded():
        if pdf:
            find_soffice()  # a missing LibreOffice stops the run before anything is written
        outputs = [out, out.with_suffix(".pdf"), *([json_out] if json_out else [])]
        result = _run_merge(folder, spec, password, passwords_file, no_cache, exclude=outputs)
        write_summary(result, out, state.lang)
    if json_out is not None:
        _emit_json(summary_json(result, state.lang), json_out)
    say(msg("merged", file=out), "green")
    if pdf:
        with guarded():
            say(msg("pdf", file=to_pdf(out)), "green")
    _print_counts(result)
    raise typer.Exit(result.exit_code)


@app.command()
def status(
    folder: Annotated[list[Path], typer.Argument(help="回收报表的文件夹 / returns folder")],
    spec: Annotated[Path | None, typer.Option("--spec", "-s", help="report.yaml；不给则从模板中读取")] = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="写成 JSON（- 为标准输出）")] = None,
) -> None:
    """报送情况：哪些单位已报送、哪些未报送。

    Example: [bold]consolidate status returns/[/bold]
    """
    with guarded():
        result = _run_merge(folder, spec, password, passwords_file, no_cache)
    rows = []
    table = Table(title=result.spec.report.title)
    for key in ("col.unit_code", "col.unit_name", "col.status", "col.overdue", "col.file", "col.received"):
        table.add_column(t(key, state.lang))
    for sub in result.submissions:
        unit = result.spec.unit_map[sub.unit_code]
        received = f"{sub.received:%Y-%m-%d %H:%M}" if sub.received else ""
        overdue = t("yes", state.lang) if sub.overdue else ""
        row = [unit.code, unit.name, t(f"status.{sub.status}", state.lang), overdue, sub.file, received]
        rows.append(dict(zip(("code", "name", "status", "overdue", "file", "received"), row, strict=True)))
        style = "red" if sub.status in ("missing", "unreadable") else ""
        table.add_row(*row, style=style)
    if json_out is not None:
        _emit_json(rows, json_out)
    if not state.quiet:
        console.print(table)
    _print_counts(result)


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="示例输出文件夹 / where to build the example")] = Path(
        "consolidate-demo"
    ),
    kind: Annotated[str, typer.Option("--kind", "-k", help="key-tasks | task-list | livelihood")] = "livelihood",
) -> None:
    """生成完整示例：报表定义、模板、带典型错误的回收报表、汇总表。

    Example: [bold]consolidate demo demo/[/bold]
    """
    from .demo import build_demo

    with guarded():
        built = build_demo(folder, kind)
    say(
        msg(
            "demo_done",
            dir=built.folder,
            spec=built.spec,
            templates=built.templates[0].parent,
            returns=built.returns,
            summary=built.summary,
        ),
        "green",
    )
    _print_counts(built.result)


@app.command()
def kinds() -> None:
    """列出内置报表类型。"""
    from .kinds import list_kinds

    say(msg("kinds", kinds=", ".join(list_kinds())))


# ---------------------------------------------------------------------------------------------
# E-mail: send, collect, remind


def _emit_json(data: Any, target: Path) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if str(target) == "-":
        sys.stdout.write(text + "\n")
    else:
        target.write_text(text + "\n", encoding="utf-8")
        say(msg("json", file=target))


def _print_issues(result: MergeResult, all_levels: bool) -> None:
    shown = [i for i in result.issues if all_levels or i.level is not Level.INFO]
    if state.quiet:
        shown = [i for i in shown if i.level is Level.ERROR]
    if not shown:
        say(msg("no_issues"), "green")
        return
    table = Table(show_lines=False)
    # The message matters most; file names are long and repetitive, so they give way first.
    widths = {"col.file": 18, "col.value": 12, "col.unit_name": 10}
    for key in ("col.level", "col.code", "col.unit_name", "col.file", "col.cell", "col.value", "col.message"):
        table.add_column(
            t(key, state.lang),
            overflow="fold",
            no_wrap=key in ("col.level", "col.code", "col.cell", "col.file"),
            max_width=widths.get(key),
        )
    colours = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "dim"}
    for issue in shown:
        unit = result.spec.unit_map.get(issue.unit)
        cell = f"{issue.sheet}!{issue.cell}" if issue.sheet and issue.cell else issue.cell
        table.add_row(
            t(f"level.{issue.level.value}", state.lang),
            issue.code,
            unit.name if unit else issue.unit,
            # Returns share the report title in their names: keep the end, where the unit is.
            _tail(issue.file, 18),
            cell,
            issue.value[:40],
            issue.message(state.lang),
            style=colours[issue.level],
        )
    console.print(table)


def _tail(text: str, width: int) -> str:
    """The end of ``text`` in at most ``width`` terminal columns (CJK characters take two)."""
    from .xlsx import text_width

    if text_width(text) <= width:
        return text
    kept = ""
    for char in reversed(text):
        if text_width(char + kept) > width - 1:
            break
        kept = char + kept
    return "…" + kept


def _print_counts(result: MergeResult) -> None:
    counts = count_levels(result.issues)
    returned = sum(1 for s in result.submissions if s.status in ("returned", "duplicate"))
    style = "red" if counts[Level.ERROR] else ("yellow" if counts[Level.WARNING] else "green")
    say(
        msg(
            "counts",
            returned=returned,
            units=len(result.submissions),
            e=counts[Level.ERROR],
            w=counts[Level.WARNING],
            i=counts[Level.INFO],
        ),
        style,
    )
    missing = [result.spec.unit_map[s.unit_code].name for s in result.submissions if s.status == "missing"]
    if missing:
        say(msg("missing", names="、".join(missing)), "yellow")


def _global_options_first(argv: list[str]) -> list[str]:
    """Let ``--lang en`` and ``--quiet`` be given after the command name too."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--quiet", "-q"):
            front.append(arg)
        elif arg == "--lang" and i + 1 < len(argv):
            front += argv[i : i + 2]
            i += 1
        elif arg.startswith("--lang="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


# The e-mail commands live in their own module; importing it registers them on ``app``.
from . import cli_mail  # noqa: E402, F401


def main() -> None:
    app(args=_global_options_first(sys.argv[1:]), prog_name="consolidate")
