"""The commands up and down the chain: ``relay`` (the county's report from the city's template)
and ``fill`` (the county's return written into the city's template); ``merge --fill`` uses
:func:`fill_into` too."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..text import Joined, t
from .app import guarded, say, state
from .shared import (
    AssignOpt,
    HistoryOpt,
    NoCacheOpt,
    PasswordOpt,
    PasswordsFileOpt,
    SpecOpt,
    output_file,
    output_folder,
    run_merge,
)
from .show import print_counts

if TYPE_CHECKING:
    from ..merge import MergeResult


def _say(key: str, style: str = "", **params: object) -> None:
    say(t(key, state.lang, **params), style)


def relay(
    template: Annotated[Path, typer.Argument()],
    out: Annotated[Path, typer.Option("--out", "-o")],
    units: Annotated[Path | None, typer.Option("--units")] = None,
    targets: Annotated[Path | None, typer.Option("--targets")] = None,
    spec: SpecOpt = None,
    deadline: Annotated[str | None, typer.Option("--deadline")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    unit_name: Annotated[str | None, typer.Option("--unit-name")] = None,
    skip: Annotated[bool, typer.Option("--skip")] = False,
) -> None:
    from ..relay import relay_report

    with guarded():
        output_folder(out)
        result = relay_report(
            template,
            out,
            units=units,
            targets=targets,
            old_spec=spec,
            deadline=deadline,
            issuer=issuer,
            title=title,
            unit_name=unit_name,
            skip=skip,
        )
    for taken in result.taken:
        what = t(f"relay.what.{taken.what}", state.lang)
        source = taken.source.render(state.lang)
        if taken.value:
            _say("relay.taken", what=what, value=taken.value, source=source)
        else:
            say(source, "yellow")
    for warning in result.warnings:
        say(warning.render(state.lang), "yellow")
    if result.backup is not None:
        _say("relay.backup", "yellow", file=result.backup)
    if result.history is not None:
        _say("relay.history", file=result.history)
    city = result.city.spec.report
    _say(
        "relay.made",
        "green",
        file=result.path,
        items=len(result.spec.items),
        units=len(result.spec.units),
        city=f"{city.title} {city.period}",
    )
    _say("relay.next", file=result.path)


def fill_place(template: Path, out: Path | None) -> Path:
    """Where the filled template goes (``-o``, else ``<template>_已填.xlsx`` here), checked before
    any work: never the template itself, never a file ``fill`` did not write."""
    from ..relay import check_fill_output

    place = out or Path(t("relay.fill_name", state.lang, stem=template.stem))
    output_file(place)
    check_fill_output(place, template)
    return place


def fill_into(result: MergeResult, template: Path, out: Path) -> int:
    """Write the county's return into the city's template; 1 when its figures are partial."""
    from ..relay import fill_template

    with guarded():
        filled = fill_template(result, template, out, state.lang)
    _say("relay.filled", "green", file=filled.path, cells=filled.cells)
    if not filled.partial:
        return 0
    missing = t("relay.partial.missing", state.lang, units=Joined(filled.missing)) if filled.missing else ""
    rejected = t("relay.partial.rejected", state.lang, units=Joined(filled.rejected)) if filled.rejected else ""
    _say("relay.partial", "yellow", missing=missing, rejected=rejected, cells=Joined(filled.marked or ["—"]))
    return 1


def fill(
    template: Annotated[Path, typer.Argument()],
    folder: Annotated[list[Path], typer.Argument()],
    spec: SpecOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    password: PasswordOpt = None,
    passwords_file: PasswordsFileOpt = None,
    no_cache: NoCacheOpt = False,
    assign: AssignOpt = None,
    history: HistoryOpt = None,
) -> None:
    with guarded():
        place = fill_place(template, out)
        result = run_merge(
            folder,
            spec,
            password,
            passwords_file,
            no_cache,
            exclude=[place, template],
            history=history,
            assign=assign,
            command="fill",
        )
    code = fill_into(result, template, place)
    print_counts(result)
    raise typer.Exit(max(code, result.exit_code))


COMMANDS = (relay, fill)
