"""The e-mail commands: ``send``, ``collect`` and ``remind``."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from ..text import Msg, render, t
from .app import guarded, human, msg, say, state
from .shared import (
    AssignOpt,
    PasswordOpt,
    PasswordsFileOpt,
    UnitOpt,
    assignments,
    output_file,
    output_folder,
    passwords,
    replacing,
    unit_codes,
)
from .show import counted_progress, progress_bar

if TYPE_CHECKING:  # the library is imported where a command uses it: --help starts fast
    from ..mail import MailResult
    from ..spec import ImapSpec, SmtpSpec, Spec
    from ..write import Claim

OutboxOpt = Annotated[Path | None, typer.Option("--outbox")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run")]
ThrottleOpt = Annotated[float | None, typer.Option("--throttle", min=0)]


def send(
    spec: Annotated[Path, typer.Argument()],
    templates_dir: Annotated[Path, typer.Option("--templates", "-t")] = Path("templates_out"),
    unit: UnitOpt = None,
    dry_run: DryRunOpt = False,
    outbox: OutboxOpt = None,
    throttle: ThrottleOpt = None,
    resend: Annotated[bool, typer.Option("--resend")] = False,
) -> None:
    from ..mail import send_templates
    from ..spec import load_spec

    with guarded():
        loaded = load_spec(spec)
        box = (outbox or Path("outbox")) if dry_run or outbox else None
        output_folder(box)
        password = _password(loaded.smtp, "SMTP") if box is None else None
        codes = unit_codes(loaded, unit)
        with progress_bar(len(codes or loaded.units), msg("sending")) as tick:
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


def collect(
    spec: Annotated[Path, typer.Argument()] = Path("."),
    since: Annotated[str | None, typer.Option("--since")] = None,
    out: Annotated[Path, typer.Option("--out", "-o")] = Path("returns"),
    folder: Annotated[str | None, typer.Option("--folder")] = None,
) -> None:
    from rich.table import Table

    from ..mail import collect_returns
    from ..spec import load_spec

    with guarded():
        output_folder(out)
        loaded = load_spec(spec)
        try:
            day = dt.date.fromisoformat(since) if since else None
        except ValueError:
            raise InputError(Msg("cli.bad_since", value=since)) from None
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
        human().print(table)
    if result.skipped:
        say(msg("skipped"), "yellow")
        for skip in result.skipped:
            why = t(f"skip.{skip.reason}", lang, v=skip.detail)
            say(msg("skipped_file", file=skip.attachment, sender=skip.sender, subject=skip.subject, why=why), "yellow")
    say(msg("collected", messages=result.messages, saved=len(result.saved), seen=result.already_seen, dir=out), "green")
    raise typer.Exit(result.exit_code)


def remind(
    spec: Annotated[Path, typer.Argument()] = Path("."),
    returns: Annotated[Path, typer.Option("--returns", "-r")] = Path("returns"),
    feedback: Annotated[Path | None, typer.Option("--feedback")] = None,
    templates_dir: Annotated[Path | None, typer.Option("--templates", "-t")] = None,
    unit: UnitOpt = None,
    dry_run: DryRunOpt = False,
    outbox: OutboxOpt = None,
    throttle: ThrottleOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    assign: AssignOpt = None,
    text: Annotated[Path | None, typer.Option("--text")] = None,
) -> None:
    from ..mail import reminder_texts, reminders, send_reminders
    from ..spec import load_spec

    with guarded():
        loaded = load_spec(spec)
        box = (outbox or Path("outbox")) if dry_run or outbox else None
        output_folder(box)
        output_file(text)
        kept = _claim_text(text)
        codes = unit_codes(loaded, unit)
        secrets = passwords(password, passwords_file)
        given = assignments(assign)
        found = [r for r in reminders(loaded, returns, secrets, given) if codes is None or r.unit.code in codes]
        if text is not None:
            # Paste-ready messages for a WeChat work group: nothing is e-mailed.
            if found:
                from ..serve.tokens import saved_links  # the links ``serve`` gave the units, if any

                with replacing(kept, text) as staged:  # a file there before is kept as name.bak.txt
                    staged.write_text(reminder_texts(loaded, found, links=saved_links(loaded)), encoding="utf-8")
                if kept is not None and kept.backup is not None and kept.backup.is_file():
                    say(msg("text_kept", path=text, backup=kept.backup), "yellow")
                say(msg("texts", n=len(found) + 1, file=text), "green")
            else:
                say(msg("nobody_to_remind"), "green")
            raise typer.Exit(0)
        smtp_password = _password(loaded.smtp, "SMTP") if box is None and found else None
        with progress_bar(len(found), msg("sending")) as tick:
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


def _claim_text(path: Path | None) -> Claim | None:
    if path is None:
        return None
    from ..write import claim_text

    return claim_text(path)


def _password(server: SmtpSpec | ImapSpec | None, kind: str) -> str | None:
    """From the variable named by ``password_env``, else asked for (hidden); never stored."""
    if server is None or not server.user:
        return None
    if server.password_env and os.environ.get(server.password_env):
        return os.environ[server.password_env]
    prompt = msg("password", server=kind, user=server.user, host=server.host)
    if sys.stdin.isatty():
        text: str = typer.prompt(prompt, hide_input=True)
        return text
    # Not typed at a terminal: given on standard input (echo "$PASSWORD" | consolidate send …),
    # one line, or not at all (a scheduled task). Read here: getpass would warn in English, with
    # its own source line, that the input may be echoed.
    typer.echo(f"{prompt}: ", nl=False)
    line = sys.stdin.readline()
    typer.echo("")
    if not line.strip("\r\n"):
        key = "password_no_terminal_env" if server.password_env else "password_no_terminal"
        section = "smtp" if kind == "SMTP" else "imap"
        raise InputError(Msg(f"cli.{key}", server=kind, user=server.user, env=server.password_env, section=section))
    return line.rstrip("\r\n")


def _print_mail(result: MailResult, spec: Spec) -> None:
    from rich.table import Table

    from ..mail.deliver import PROBLEM_STATUSES

    lang = state.lang
    reminders = any(o.reason for o in result.outcomes)
    if result.outcomes and not state.quiet:
        table = Table()
        keys = ["col.unit_name", *(["col.reason", "col.problems"] if reminders else [])]
        for key in [*keys, "col.recipients", "col.attachments", "col.result", "col.detail"]:
            table.add_column(t(key, lang), overflow="fold")
        for o in result.outcomes:
            invalid = msg("invalid_address", v=t("sep.list", lang).join(o.invalid)) if o.invalid else ""
            detail = "; ".join(filter(None, [str(render(o.detail, lang)), invalid]))
            cells = [spec.unit_map[o.unit].name]
            if reminders:
                cells += [t(f"remind.{o.reason}", lang), str(o.problems or "")]
            cells += [", ".join(o.to), "\n".join(o.files), t(f"mail.{o.status}", lang), detail]
            table.add_row(*cells, style="red" if o.status in PROBLEM_STATUSES else None)
        human().print(table)
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
        say(msg("no_address", names=t("sep.list", lang).join(no_address)), "yellow")
    if no_template:
        say(msg("no_template", names=t("sep.list", lang).join(no_template)), "yellow")


COMMANDS = (send, collect, remind)
