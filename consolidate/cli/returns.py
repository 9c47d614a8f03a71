"""The commands over the returns: ``validate``, ``merge`` and ``status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..text import t
from ..write import find_soffice, summary_json, to_pdf, write_feedback, write_summary
from .app import (
    AssignOpt,
    NoCacheOpt,
    PasswordOpt,
    PasswordsFileOpt,
    SpecOpt,
    console,
    emit_json,
    guarded,
    msg,
    print_counts,
    print_issues,
    run_merge,
    say,
    state,
)

FolderArg = Annotated[list[Path], typer.Argument()]


def validate(
    folder: FolderArg,
    spec: SpecOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    all_levels: Annotated[bool, typer.Option("--all")] = False,
    feedback: Annotated[Path | None, typer.Option("--feedback")] = None,
) -> None:
    with guarded():
        result = run_merge(
            folder, spec, password, passwords_file, no_cache, keep_raw=feedback is not None, assign=assign
        )
    if json_out is not None:
        emit_json([i.as_dict(state.lang) for i in result.issues], json_out)
    print_issues(result, all_levels)
    if feedback is not None:
        written = write_feedback(result, feedback, state.lang)
        say(msg("feedback", n=len(written), dir=feedback), "green")
    print_counts(result)
    raise typer.Exit(result.exit_code)


def merge(
    folder: FolderArg,
    spec: SpecOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o")] = Path("summary.xlsx"),
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    pdf: Annotated[bool, typer.Option("--pdf")] = False,
) -> None:
    with guarded():
        if pdf:
            find_soffice()  # a missing LibreOffice stops the run before anything is written
        outputs = [out, out.with_suffix(".pdf"), *([json_out] if json_out else [])]
        result = run_merge(folder, spec, password, passwords_file, no_cache, exclude=outputs, assign=assign)
        write_summary(result, out, state.lang, parallel=True)
    if json_out is not None:
        emit_json(summary_json(result, state.lang), json_out)
    say(msg("merged", file=out), "green")
    if pdf:
        with guarded():
            say(msg("pdf", file=to_pdf(out)), "green")
    print_counts(result)
    raise typer.Exit(result.exit_code)


def status(
    folder: FolderArg,
    spec: SpecOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
) -> None:
    with guarded():
        result = run_merge(folder, spec, password, passwords_file, no_cache, assign=assign)
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
        emit_json(rows, json_out)
    if not state.quiet:
        console.print(table)
    print_counts(result)


COMMANDS = (validate, merge, status)
