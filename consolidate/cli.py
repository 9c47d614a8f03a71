"""The ``consolidate`` command line: a thin layer over the library (typer + rich).

Only this module prints, draws progress bars and chooses exit codes: 0 no errors, 1 errors found
in the data (outputs are still written), 2 the command could not run.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from . import __version__
from .errors import ConsolidateError, InputError, SpecError
from .i18n import Lang, t
from .issues import Level, count_levels
from .merge import MergeResult, find_files, merge_returns, spec_from_returns
from .spec import ImapSpec, SmtpSpec, Spec, load_spec

if TYPE_CHECKING:
    from .mail import MailResult

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
    total = len(find_files(list(folder), exclude))
    cache = None if no_cache else default_cache_path()
    with _progress(total, msg("reading")) as tick:
        return merge_returns(
            loaded, list(folder), progress=tick, passwords=secrets, cache=cache, keep_raw=keep_raw, exclude=exclude
        )


@contextmanager
def _progress(total: int, label: str) -> Iterator[Any]:
    if state.quiet or total < 20 or not sys.stderr.isatty():
        yield lambda _name: None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _name: bar.advance(task)


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

UnitOpt = Annotated[list[str] | None, typer.Option("--unit", "-u", help="只给这些单位（编码或名称）/ only these units")]
OutboxOpt = Annotated[
    Path | None, typer.Option("--outbox", help="--dry-run 写 .eml 的文件夹（默认 outbox）/ where --dry-run writes")
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="不发送，写成 .eml 文件供检查 / write .eml files instead")]
ThrottleOpt = Annotated[
    float | None, typer.Option("--throttle", min=0, help="两封邮件间隔秒数（默认 mail.throttle）/ seconds between")
]


@app.command()
def send(
    spec: Annotated[Path, typer.Argument(help="report.yaml")],
    templates_dir: Annotated[Path, typer.Option("--templates", "-t", help="模板文件夹 / templates folder")] = Path(
        "templates_out"
    ),
    unit: UnitOpt = None,
    dry_run: DryRunOpt = False,
    outbox: OutboxOpt = None,
    throttle: ThrottleOpt = None,
    resend: Annotated[bool, typer.Option("--resend", help="已发送过的也再发一次 / send again")] = False,
) -> None:
    """给每个单位发一封邮件，附上该单位的模板（发送记录防止重复发送）。

    Example: [bold]consolidate send 2025Q1/report.yaml -t 模板/ --dry-run --outbox 待发/[/bold]
    """
    from .mail import send_templates

    with guarded():
        loaded = load_spec(spec)
        box = (outbox or Path("outbox")) if dry_run or outbox else None
        password = _password(loaded.smtp, "SMTP") if box is None else None
        codes = _unit_codes(loaded, unit)
        with _progress(len(codes or loaded.units), msg("sending")) as tick:
            result = send_templates(
                loaded,
                templates_dir,
                units=codes,
                password=password,
                outbox=box,
                resend=resend,
                throttle=throttle,
                progress=tick,
            )
    _print_mail(result, loaded)
    raise typer.Exit(result.exit_code)


@app.command()
def collect(
    spec: Annotated[Path, typer.Argument(help="report.yaml（默认当前文件夹）/ the spec")] = Path("."),
    since: Annotated[str | None, typer.Option("--since", help="只收该日期及以后的邮件，如 2025-04-01")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="回收报表文件夹 / returns folder")] = Path("returns"),
    folder: Annotated[str | None, typer.Option("--folder", help="邮箱文件夹（默认 imap.folder）/ IMAP folder")] = None,
) -> None:
    """收取回复邮件（IMAP），把附件中的报表按单位保存到回收文件夹，记下收到时间。

    Example: [bold]consolidate collect 2025Q1/report.yaml --since 2025-04-01 -o returns/[/bold]
    """
    import datetime as dt

    from .mail import collect_returns

    with guarded():
        loaded = load_spec(spec)
        try:
            day = dt.date.fromisoformat(since) if since else None
        except ValueError:
            raise InputError(f"--since: 日期应写成 2025-04-01 (a date like 2025-04-01): {since}") from None
        result = collect_returns(loaded, out, password=_password(loaded.imap, "IMAP"), since=day, folder=folder)
    lang = state.lang
    if result.saved and not state.quiet:
        table = Table()
        for key in ("col.unit_name", "col.file", "col.received", "col.sender", "col.by"):
            table.add_column(t(key, lang))
        for saved in result.saved:
            name = loaded.unit_map[saved.unit].name
            table.add_row(
                name, saved.path, f"{saved.received:%Y-%m-%d %H:%M %z}", saved.sender, t(f"by.{saved.by}", lang)
            )
        console.print(table)
    if result.skipped:
        say(msg("skipped"), "yellow")
        for skip in result.skipped:
            why = t(f"skip.{skip.reason}", lang, v=skip.detail)
            say(msg("skipped_file", file=skip.attachment, sender=skip.sender, subject=skip.subject, why=why), "yellow")
    say(msg("collected", messages=result.messages, saved=len(result.saved), seen=result.already_seen, dir=out), "green")
    raise typer.Exit(result.exit_code)


@app.command()
def remind(
    spec: Annotated[Path, typer.Argument(help="report.yaml（默认当前文件夹）/ the spec")] = Path("."),
    returns: Annotated[Path, typer.Option("--returns", "-r", help="回收报表文件夹 / returns folder")] = Path("returns"),
    feedback: Annotated[
        Path | None, typer.Option("--feedback", help="反馈文件夹：附上该单位的反馈文件 / attach feedback files")
    ] = None,
    templates_dir: Annotated[
        Path | None, typer.Option("--templates", "-t", help="模板文件夹：给未报送的单位再附模板 / attach templates")
    ] = None,
    unit: UnitOpt = None,
    dry_run: DryRunOpt = False,
    outbox: OutboxOpt = None,
    throttle: ThrottleOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
) -> None:
    """催报：只给未报送有效报表的单位发邮件，写明缺什么、错在哪里（附反馈文件）。

    Example: [bold]consolidate remind 2025Q1/report.yaml -r returns/ --feedback 反馈/ -t 模板/[/bold]
    """
    from .mail import reminders, send_reminders

    with guarded():
        loaded = load_spec(spec)
        box = (outbox or Path("outbox")) if dry_run or outbox else None
        codes = _unit_codes(loaded, unit)
        secrets = _passwords(password, passwords_file)
        found = [r for r in reminders(loaded, returns, secrets) if codes is None or r.unit.code in codes]
        smtp_password = _password(loaded.smtp, "SMTP") if box is None and found else None
        with _progress(len(found), msg("sending")) as tick:
            result = send_reminders(
                loaded,
                returns,
                feedback_dir=feedback,
                templates_dir=templates_dir,
                password=smtp_password,
                outbox=box,
                throttle=throttle,
                found=found,
                progress=tick,
            )
    if not result.outcomes:
        say(msg("nobody_to_remind"), "green")
    _print_mail(result, loaded)
    raise typer.Exit(result.exit_code)


def _unit_codes(spec: Spec, wanted: list[str] | None) -> list[str] | None:
    if not wanted:
        return None
    codes = [u.code for u in spec.units if u.code in wanted or u.name in wanted]
    unknown = [w for w in wanted if w not in spec.unit_map and all(u.name != w for u in spec.units)]
    if unknown:
        raise InputError(f"不在单位名单中 (not in the units list): {'、'.join(unknown)}")
    return codes


def _password(server: SmtpSpec | ImapSpec | None, kind: str) -> str | None:
    """From the variable named by ``password_env``, else asked for (hidden); never stored."""
    if server is None or not server.user:
        return None
    if server.password_env and os.environ.get(server.password_env):
        return os.environ[server.password_env]
    text: str = typer.prompt(msg("password", server=kind, user=server.user, host=server.host), hide_input=True)
    return text


def _print_mail(result: MailResult, spec: Spec) -> None:
    from .mail.deliver import PROBLEM_STATUSES

    lang = state.lang
    reminders = any(o.reason for o in result.outcomes)
    if result.outcomes and not state.quiet:
        table = Table()
        keys = ["col.unit_name", *(["col.reason", "col.problems"] if reminders else [])]
        for key in [*keys, "col.recipients", "col.attachments", "col.result", "col.detail"]:
            table.add_column(t(key, lang), overflow="fold")
        for o in result.outcomes:
            detail = "; ".join(
                filter(None, [o.detail, msg("invalid_address", v="、".join(o.invalid)) if o.invalid else ""])
            )
            cells = [spec.unit_map[o.unit].name]
            if reminders:
                cells += [t(f"remind.{o.reason}", lang), str(o.problems or "")]
            cells += [", ".join(o.to), "\n".join(o.files), t(f"mail.{o.status}", lang), detail]
            table.add_row(*cells, style="red" if o.status in PROBLEM_STATUSES else None)
        console.print(table)
    if result.outbox is not None:
        say(msg("outbox", n=result.count("written"), dir=result.outbox), "green")
    else:
        failed = result.count("failed")
        say(
            msg("sent", sent=result.count("sent"), before=result.count("already_sent"), failed=failed),
            "red" if failed else "green",
        )
    no_address = [spec.unit_map[o.unit].name for o in result.outcomes if o.status == "no_address"]
    no_template = [spec.unit_map[o.unit].name for o in result.outcomes if o.status in ("no_template", "stale_template")]
    if no_address:
        say(msg("no_address", names="、".join(no_address)), "yellow")
    if no_template:
        say(msg("no_template", names="、".join(no_template)), "yellow")


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


def main() -> None:
    app(args=_global_options_first(sys.argv[1:]), prog_name="consolidate")
