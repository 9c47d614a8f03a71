"""The commands over the returns: ``validate``, ``merge``, ``report`` and ``status``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..common import KIND_DOCUMENT, KIND_FORM, KIND_SUMMARY
from ..text import t
from .app import guarded, msg, say, state
from .relay import fill_into, fill_place
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
    replacing,
    run_merge,
)
from .show import emit_json, print_counts, print_issues, print_submissions

if TYPE_CHECKING:
    from ..merge import MergeResult
    from ..write import Claim

FolderArg = Annotated[list[Path], typer.Argument()]
JsonOpt = Annotated[Path | None, typer.Option("--json")]


def _json_to_stdout(json_out: Path | None) -> None:
    """With ``--json -`` standard output carries the data alone: every line for people goes to stderr."""
    state.data_on_stdout = json_out is not None and str(json_out) == "-"


def _json_file(data: Any, target: Path, claimed: Claim | None) -> None:
    """``--json``: to standard output, or a file put in place whole (the one before kept)."""
    if str(target) == "-":
        emit_json(data, target)
        return
    with replacing(claimed, target) as staged:
        emit_json(data, staged, said=False)
    say(msg("json", file=target))


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
    from ..read.ours import KIND_ISSUES_JSON
    from ..write import feedback_paths, refuse_strangers, write_feedback

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
            _json_file([i.as_dict(state.lang) for i in result.issues], json_out, json_claim)
    print_issues(result, all_levels)
    if feedback is not None:
        with guarded():
            written = write_feedback(result, feedback, state.lang)
        say(msg("feedback", n=len(written), dir=feedback), "green")
    print_counts(result)
    raise typer.Exit(result.exit_code)


@contextmanager
def abandoned_on_error(result: MergeResult) -> Iterator[None]:
    """The history's staged record let go (and its lock released) when an output fails."""
    try:
        yield
    except BaseException:
        result.abandon_history()
        raise


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
    fill: Annotated[Path | None, typer.Option("--fill")] = None,
    fill_out: Annotated[Path | None, typer.Option("--fill-out")] = None,
) -> None:
    # Only the writers this run uses are imported (the progress document's python-docx is not
    # needed for a summary), and after the returns are read: the workers start sooner.
    from ..read.ours import KIND_PARQUET, KIND_PDF, KIND_SUMMARY_JSON

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
            from ..write import find_soffice

            find_soffice()  # a missing LibreOffice stops the run before anything is written
        if parquet is not None:
            from ..write.parquet import pyarrow

            pyarrow()  # so does a missing pyarrow
        filled = fill_place(fill, fill_out) if fill is not None else None
        outputs = [out, out.with_suffix(".pdf"), *(p for p in (json_out, docx, parquet, fill, filled) if p is not None)]
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
            ahead=("consolidate.write.summary", *(["consolidate.write.document"] if docx is not None else [])),
        )
        # Every output written whole before any is put in place: a disk that fills up (or any
        # failure) on the last leaves the files before it as they were.
        shown = len(result.warnings)
        with ExitStack() as staged, abandoned_on_error(result):
            from ..write import write_summary

            summary = staged.enter_context(replacing(claimed, out))
            write_summary(result, summary, state.lang, parallel=True, record_history=False)
            data = None
            if json_out is not None:
                from ..write import summary_json

                data = summary_json(result, state.lang)
            if json_out is not None and str(json_out) != "-":
                emit_json(data, staged.enter_context(replacing(json_claim, json_out)), said=False)
            if docx is not None:
                from ..write import write_document

                write_document(result, staged.enter_context(replacing(docx_claim, docx)), state.lang)
            if parquet is not None:
                from ..write import write_parquet

                write_parquet(result, staged.enter_context(replacing(parquet_claim, parquet)), state.lang)
            # Every output complete: the history's record of the period is committed, and then
            # they are put in place (the history and the summary change together, or neither).
            result.record_history()
        for warning in result.warnings[shown:]:  # the history could not be written after all
            say(warning.render(state.lang), "yellow")
        if json_out is not None:
            if str(json_out) == "-":
                emit_json(data, json_out)
            else:
                say(msg("json", file=json_out))
    say(msg("merged", file=out), "green")
    if docx is not None:
        say(msg("document", file=docx), "green")
    if parquet is not None:
        say(msg("parquet", file=parquet), "green")
    if pdf:
        from ..write import to_pdf

        with guarded():
            keep_previous(pdf_claim)
            say(msg("pdf", file=to_pdf(out)), "green")
    partial = fill_into(result, fill, filled) if fill is not None and filled is not None else 0
    print_counts(result)
    raise typer.Exit(max(result.exit_code, partial))


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
    from ..write import write_document

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
        with replacing(claimed, out) as staged:
            write_document(result, staged, state.lang)
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
    from ..read.ours import KIND_STATUS_JSON

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
            _json_file(rows, json_out, json_claim)
    print_counts(result)
    complete = all(s.status in ("returned", "duplicate") for s in result.submissions)
    raise typer.Exit(0 if complete else 1)


COMMANDS = (validate, merge, report, status)
