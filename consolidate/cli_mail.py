"""The e-mail commands: ``send``, ``collect`` and ``remind``, registered on :data:`consolidate.cli.app`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from .cli import (
    PasswordOpt,
    PasswordsFileOpt,
    _passwords,
    _progress,
    app,
    console,
    counted_progress,
    guarded,
    msg,
    say,
    state,
)
from .errors import InputError
from .i18n import t
from .mailspec import ImapSpec, SmtpSpec
from .spec import Spec, load_spec

if TYPE_CHECKING:
    from .mail import MailResult


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
        secret = _password(loaded.imap, "IMAP")
        with counted_progress(msg("fetching")) as progress:
            result = collect_returns(loaded, out, password=secret, since=day, folder=folder, progress=progress)
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
