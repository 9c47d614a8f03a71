"""What several commands share: their common options, the merge they run, the units they are
limited to, and the check of every output path before any work is done."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..common import BACKUP_ROOM, atomic_output, close_matches, name_room, sweep_stale
from ..errors import InputError
from ..text import Joined, Msg
from .app import msg, say, state
from .show import progress_bar

if TYPE_CHECKING:  # the library is imported where a command uses it: --help starts fast
    from ..merge import MergeResult
    from ..merge.origin import Embedded
    from ..spec import Spec
    from ..write import Claim

SpecOpt = Annotated[Path | None, typer.Option("--spec", "-s")]
PasswordOpt = Annotated[list[str] | None, typer.Option("--password")]
PasswordsFileOpt = Annotated[Path | None, typer.Option("--passwords")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache")]
AssignOpt = Annotated[list[str] | None, typer.Option("--assign")]
KindOpt = Annotated[str, typer.Option("--kind", "-k")]
UnitOpt = Annotated[list[str] | None, typer.Option("--unit", "-u")]
HistoryOpt = Annotated[Path | None, typer.Option("--history")]


def passwords(given: list[str] | None, file: Path | None) -> list[str]:
    out = list(given or [])
    if file is not None:
        try:
            out += [line.strip() for line in file.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        except OSError as exc:
            raise InputError(Msg("cli.cannot_read", path=file, error=exc.strerror or exc)) from None
    return out


def run_merge(
    folder: Sequence[Path],
    spec: Path | None,
    password: list[str] | None = None,
    passwords_file: Path | None = None,
    no_cache: bool = False,
    keep_raw: bool = False,
    exclude: Sequence[Path] = (),
    allow_empty: bool = False,
    history: Path | None = None,
    record: bool = False,
    assign: list[str] | None = None,
    command: str = "merge",
    ahead: Sequence[str] = (),
) -> MergeResult:
    """Merge the returns in ``folder`` as ``merge`` does; ``allow_empty``: nothing there (yet) is
    a result in which every unit is missing, not an error. ``history``: the report's history file
    (default ``history.sqlite`` beside the spec, see :func:`history_place`); ``record``: this
    period is recorded in it, and where that is said when the spec came from the returns.
    ``ahead``: modules the command needs after the merge (its writers), imported while the
    workers parse, when this process has little else to do."""
    from ..merge import default_cache_path, default_history_path, find_files, merge_returns
    from ..merge.origin import embedded_spec
    from ..spec import load_spec

    returns_arguments(folder, command)
    # What a run killed before it could tidy up left in the temporary folder goes now, whatever
    # this run does (not only when it writes a summary): only ours, only when its maker is gone.
    sweep_stale(Path(tempfile.gettempdir()))
    secrets = passwords(password, passwords_file)
    assigned = assignments(assign)
    note: Msg | None = None
    if spec is not None:
        loaded = load_spec(spec)
        history = history or default_history_path(loaded)
    else:
        found = embedded_spec(list(folder), secrets)
        loaded, history, note = history_place(found, folder, history, record)
    sources = find_files(list(folder), exclude, missing_ok=allow_empty, look_later=True)
    cache = None if no_cache else default_cache_path()
    with progress_bar(len(sources), msg("reading")) as bar:
        later = list(ahead)

        def tick(name: str) -> None:
            bar(name)
            if later:  # one module a file, from the first one parsed (the workers are at work)
                with contextlib.suppress(ImportError):  # said where the command imports it itself
                    importlib.import_module(later.pop(0))

        result = merge_returns(
            loaded,
            list(folder),
            progress=tick,
            passwords=secrets,
            cache=cache,
            keep_raw=keep_raw,
            exclude=exclude,
            sources=sources,
            allow_empty=allow_empty,
            history=history,
            record_history=record,
            assign=assigned,
            notice=lambda m: say(m.render(state.lang), "yellow"),
            figures=command != "status",  # who returned, when and with what problems: no figures
        )
    for warning in result.warnings:  # a cache that could not be used: the run went on without it
        say(warning.render(state.lang), "yellow")
    if note is not None:
        say(note.render(state.lang), "yellow" if note.key == "cli.history_default" else "")
    return result


def history_place(
    found: Embedded, folder: Sequence[Path], given: Path | None, record: bool
) -> tuple[Spec, Path | None, Msg | None]:
    """For a spec read from the returns: the spec (with the path of the file that made their
    templates, when found), the history file and what to say of it when recording. Beside that
    spec file; else (nothing found) ``history.sqlite`` in the folder above the returns."""
    from ..merge.origin import find_spec_files
    from ..periods import HISTORY_FILE, History

    spec_path, moved = find_spec_files(found, folder)
    spec = found.spec if spec_path is None else dataclasses.replace(found.spec, path=spec_path)
    if given is not None:
        return spec, given, None
    if spec_path is not None:
        place = spec_path.parent / HISTORY_FILE
        return spec, place, Msg("cli.history_beside", history=place, spec=spec_path) if record else None
    if moved is not None:
        # The report's spec has moved on (next), and these are the period before's returns (a
        # late one): their period is recorded again in the report's own history, beside it.
        place = moved.parent / HISTORY_FILE
        period = found.spec.report.period
        recorded = History(place).periods(found.spec.report.id) if place.is_file() else []
        merged = [p["period"] for p in recorded if p["period"] > period]
        # A later period merged already took its 上期 from the record this merge replaces.
        again = Msg("cli.history_merge_again", periods=Joined(merged)) if merged else ""
        said = Msg("cli.history_beside_moved", history=place, spec=moved, period=period, again=again)
        return spec, place, said if record else None
    first = folder[0] if folder[0].is_dir() else folder[0].parent
    place = first.absolute().parent / HISTORY_FILE
    if not record:
        return spec, place if place.is_file() else None, None
    report = found.spec.report
    return spec, place, Msg("cli.history_default", history=place, id=report.id, period=report.period)


# Files that are not returns, as a clerk may give them for the returns' folder.
_DOCUMENTS = {".docx": "word", ".doc": "word", ".wps": "word", ".pdf": "pdf", ".pptx": "slides", ".ppt": "slides"}


def returns_arguments(folder: Sequence[Path], command: str) -> None:
    """Stop when a file given for the returns is plainly not one: the spec, a document, a summary."""
    from ..read.ours import NOT_RETURNS, ours

    for path in folder:
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        found = ours(path) if suffix in (".xlsx", ".docx", ".json", ".pdf") else None
        if suffix in (".yaml", ".yml") or (found is not None and found.kind == "spec"):
            raise InputError(Msg("cli.arg_is_spec", path=path, command=command))
        if found is not None and found.kind in NOT_RETURNS:
            raise InputError(Msg("cli.arg_is_ours", path=path, what=Msg(f"write.what.{found.kind}"), command=command))
        if suffix in _DOCUMENTS:
            what = Msg(f"cli.document_kind.{_DOCUMENTS[suffix]}")
            raise InputError(Msg("cli.arg_is_document", path=path, what=what, command=command))


def assignments(given: list[str] | None) -> dict[str, str]:
    """``--assign FILE=UNIT`` options → {file: unit}."""
    out: dict[str, str] = {}
    for pair in given or []:
        file, sep, unit = pair.rpartition("=")
        if not sep or not file.strip() or not unit.strip():
            raise InputError(Msg("input.assign_form", given=pair))
        out[file.strip()] = unit.strip()
    return out


def unit_codes(spec: Spec, wanted: list[str] | None) -> list[str] | None:
    """The codes of the units given by code or name; an unknown one stops the command."""
    if not wanted:
        return None
    names = {u.name: u.code for u in spec.units}
    unknown = [w for w in wanted if w not in spec.unit_map and w not in names]
    if unknown:
        everyone = [u.code for u in spec.units] + list(names)
        close = [m for w in unknown for m in close_matches(w, everyone, n=2, cutoff=0.4)]
        hint = Msg("cli.did_you_mean", names=Joined(dict.fromkeys(close))) if close else ""
        raise InputError(Msg("cli.unknown_units", names=Joined(unknown), hint=hint))
    return [u.code for u in spec.units if u.code in wanted or u.name in wanted]


# ---------------------------------------------------------------------------------------------
# Output paths, checked before any work


def claim_output(path: Path | None, kind: str, option: str) -> Claim | None:
    """An output file checked before any work: writable, named for its format, and not a file
    that is not ours to replace (see :mod:`consolidate.write.owned`); None for none or ``-``."""
    if path is None or str(path) == "-":
        return None
    from ..write import check_suffix, claim

    output_file(path)
    sweep_stale(path.parent)  # a killed run's temporaries beside it, before this run's work
    check_suffix(path, kind, option)
    return claim(path, kind)


@contextmanager
def replacing(claimed: Claim | None, path: Path) -> Iterator[Path]:
    """Where to write ``path`` in full (a temporary beside it); when the block ends without an
    error, the file it replaces is kept as its backup and the new one put in place. Several of
    these in one ``ExitStack``: the outputs of a command replace their files together, or (one
    failing, a full disk say) none of them does."""
    with atomic_output(path) as staged:
        yield Path(staged)
        keep_previous(claimed)


def keep_previous(claimed: Claim | None) -> None:
    """Just before an output is put in place: the file it replaces is kept as its backup (and a
    changed one is said)."""
    if claimed is None:
        return
    backup = claimed.keep_previous()
    if backup is not None and claimed.edited:
        say(msg("backup", path=claimed.path, backup=backup), "yellow")


def output_file(path: Path | None) -> None:
    """Refuse a file to write that cannot be: a folder by that name, no folder to put it in, a
    place that is not writable (``-`` is standard output)."""
    if path is None or str(path) == "-":
        return
    fits_name(path)
    if path.is_dir():
        raise InputError(Msg("cli.out_is_folder", path=path))
    parent = path.parent
    if not parent.exists():
        raise InputError(Msg("cli.out_no_folder", path=path, folder=parent))
    if not parent.is_dir():
        raise InputError(Msg("cli.out_not_in_folder", path=path, folder=parent))
    if path.exists() and not _writable_file(path):
        raise InputError(Msg("cli.out_read_only", path=path))
    if not _writable_folder(parent):
        raise InputError(Msg("cli.out_not_writable", path=path, folder=parent))


def fits_name(path: Path) -> None:
    """Refuse a file name longer than its folder allows (255 bytes, where a Chinese character
    takes 3), with room for the ``.bak-2`` of its backup."""
    limit = name_room(path.parent)
    if limit is None:
        return
    size = len(os.fsencode(path.name))
    if size + BACKUP_ROOM > limit:
        raise InputError(
            Msg("cli.name_too_long", name=path.name, size=size, folder=path.parent, limit=limit - BACKUP_ROOM)
        )


def output_folder(path: Path | None) -> None:
    """Refuse a folder to write into that cannot be: a file by that name, or a place where it
    cannot be made or written. A missing folder is made (with its parents) when it is written."""
    if path is None:
        return
    limit = name_room(path.parent)
    if limit is not None and len(os.fsencode(path.name)) > limit:
        size = len(os.fsencode(path.name))
        raise InputError(Msg("cli.folder_name_too_long", name=path.name, size=size, folder=path.parent, limit=limit))
    if path.exists() and not path.is_dir():
        raise InputError(Msg("cli.folder_is_file", path=path))
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(Msg("cli.folder_is_file", path=existing))
    if not _writable_folder(existing):
        raise InputError(Msg("cli.folder_not_writable", path=path, folder=existing))


def _writable_folder(folder: Path) -> bool:
    """Whether a file can be made in ``folder`` (tried, so a read-only disk says no even to root)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _writable_file(path: Path) -> bool:
    try:
        with path.open("ab"):
            return True
    except OSError:
        return False
