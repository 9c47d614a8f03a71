"""The commands over the returns: ``validate``, ``merge``, ``report`` and ``status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..common import KIND_DOCUMENT, KIND_FORM, KIND_SUMMARY
from ..read.ours import KIND_ISSUES_JSON, KIND_PARQUET, KIND_PDF, KIND_STATUS_JSON, KIND_SUMMARY_JSON
from ..text import t
from ..write import (
    feedback_paths,
    find_soffice,
    refuse_strangers,
    summary_json,
    to_pdf,
    write_document,
    write_feedback,
    write_parquet,
    write_summary,
)
from ..write.parquet import pyarrow
from .app import guarded, msg, say, state
from .shared import (
    AssignOpt,
    HistoryOpt,
    NoCacheOpt,
    PasswordOpt,
    PasswordsFileOpt,
    SpecOpt,
    claim_output,
    keep_previous,
    output_folder,
    run_merge,
)
from .show import emit_json, print_counts, print_issues, print_submissions

FolderArg = Annotated[list[Path], typer.Argument()]
JsonOpt = Annotated[Path | None, typer.Option("--json")]


def _json_to_stdout(json_out: Path | None) -> None:
    """With ``--json -`` standard output carries the data alone: every line for people goes to stderr."""
    state.data_on_stdout = json_out is not None and str(json_out) == "-"


def validate(
    folder: FolderArg,
    spec: SpecOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    json_out: JsonOpt = None,
    all_levels: Annotated[bool, typer.Option("--all")] = False,
    feedback: Annotated[Path | None, typer.Option("--feedback")] = None,
    history: HistoryOpt = None,
) -> None:
    _json_to_stdout(json_out)
    with guarded():
        json_claim = claim_output(json_out, KIND_ISSUES_JSON, "--json")
        output_folder(feedback)
        result = run_merge(
            folder,
            spec,
            password,
            passwords_file,
            no_cache,
            keep_raw=feedback is not None,
            history=history,
            assign=assign,
            command="validate",
        )
        if feedback is not None:  # before anything is written or shown
            refuse_strangers(feedback_paths(result, feedback, state.lang).values(), KIND_FORM)
        if json_out is not None:
            keep_previous(json_claim)
            emit_json([i.as_dict(state.lang) for i in result.issues], json_out)
    print_issues(result, all_levels)
    if feedback is not None:
        with guarded():
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
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    json_out: JsonOpt = None,
    pdf: Annotated[bool, typer.Option("--pdf")] = False,
    docx: Annotated[Path | None, typer.Option("--docx")] = None,
    parquet: Annotated[Path | None, typer.Option("--parquet")] = None,
    history: HistoryOpt = None,
) -> None:
    _json_to_stdout(json_out)
    with guarded():
        # Every output checked before the work: none replaces a file that is not ours, of its kind.
        out = out or Path("summary.xlsx")
        claimed = claim_output(out, KIND_SUMMARY, "-o")
        json_claim = claim_output(json_out, KIND_SUMMARY_JSON, "--json")
        docx_claim = claim_output(docx, KIND_DOCUMENT, "--docx")
        pdf_claim = claim_output(out.with_suffix(".pdf"), KIND_PDF, "--pdf") if pdf else None
        parquet_claim = claim_output(parquet, KIND_PARQUET, "--parquet")
        if pdf:
            find_soffice()  # a missing LibreOffice stops the run before anything is written
        if parquet is not None:
            pyarrow()  # so does a missing pyarrow
        outputs = [out, out.with_suffix(".pdf"), *(p for p in (json_out, docx, parquet) if p is not None)]
        result = run_merge(
            folder,
            spec,
            password,
            passwords_file,
            no_cache,
            exclude=outputs,
            history=history,
            record=True,
            assign=assign,
        )
        keep_previous(claimed)
        write_summary(result, out, state.lang, parallel=True)
        if json_out is not None:
            keep_previous(json_claim)
            emit_json(summary_json(result, state.lang), json_out)
        if docx is not None:
            keep_previous(docx_claim)
            write_document(result, docx, state.lang)
        if parquet is not None:
            keep_previous(parquet_claim)
            write_parquet(result, parquet, state.lang)
    say(msg("merged", file=out), "green")
    if docx is not None:
        say(msg("document", file=docx), "green")
    if parquet is not None:
        say(msg("parquet", file=parquet), "green")
    if pdf:
        with guarded():
            keep_previous(pdf_claim)
            say(msg("pdf", file=to_pdf(out)), "green")
    print_counts(result)
    raise typer.Exit(result.exit_code)


def report(
    folder: FolderArg,
    spec: SpecOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    history: HistoryOpt = None,
) -> None:
    with guarded():
        out = out or Path(t("doc.file_name", state.lang))
        claimed = claim_output(out, KIND_DOCUMENT, "-o")
        result = run_merge(
            folder,
            spec,
            password,
            passwords_file,
            no_cache,
            exclude=[out],
            history=history,
            assign=assign,
            command="report",
        )
        keep_previous(claimed)
        write_document(result, out, state.lang)
    say(msg("document", file=out), "green")
    print_counts(result)
    raise typer.Exit(result.exit_code)


def status(
    folder: FolderArg,
    spec: SpecOpt = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    json_out: JsonOpt = None,
) -> None:
    _json_to_stdout(json_out)
    with guarded():
        json_claim = claim_output(json_out, KIND_STATUS_JSON, "--json")
        # The day after sending nothing has come back: an empty (or not yet made) folder is the
        # first state of every report, not an error.
        result = run_merge(
            folder, spec, password, passwords_file, no_cache, allow_empty=True, assign=assign, command="status"
        )
    rows = print_submissions(result)
    if json_out is not None:
        with guarded():
            keep_previous(json_claim)
            emit_json(rows, json_out)
    print_counts(result)
    complete = all(s.status in ("returned", "duplicate") for s in result.submissions)
    raise typer.Exit(0 if complete else 1)


COMMANDS = (validate, merge, report, status)
