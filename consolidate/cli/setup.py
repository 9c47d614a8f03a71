"""The commands that set a report up: ``init``, ``check``, ``templates``, ``convert``, ``demo`` and ``kinds``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..common import KIND_FORM, xl_col_to_name
from ..errors import InputError
from ..text import Msg, t
from .app import guarded, msg, say, state
from .shared import HistoryOpt, KindOpt, UnitOpt, output_file, output_folder, unit_codes
from .show import print_counts, progress_bar

if TYPE_CHECKING:  # the library is imported where a command uses it: --help starts fast
    from ..kinds import InitResult


def init(
    folder: Annotated[Path, typer.Argument()],
    kind: Annotated[str | None, typer.Option("--kind", "-k")] = None,
    from_table: Annotated[Path | None, typer.Option("--from")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    period: Annotated[str | None, typer.Option("--period")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer")] = None,
    yaml: Annotated[bool, typer.Option("--yaml")] = False,
    force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
    from ..kinds import init_report

    with guarded():
        output_folder(folder)
        result = init_report(
            folder,
            kind,
            from_table,
            force=force,
            workbook=not yaml,
            sheet=sheet,
            title=title,
            period=period,
            deadline=deadline,
            issuer=issuer,
        )
    if result.analysis is not None:
        _print_analysis(result)
    else:
        _print_taken(result)
    for backup in result.backups:
        say(msg("init_backup", file=backup), "yellow")
    say(msg("init_done", file=result.path), "green")


def _print_analysis(result: InitResult) -> None:
    """Each column of the table and what it became; the rows skipped; what was made."""
    analysis = result.analysis
    assert analysis is not None
    seeded = result.seeded
    carried = seeded is not None and seeded.values > 0
    for column in analysis.columns:
        letter = xl_col_to_name(column.index)
        said = column.said or column.role
        say(
            t(
                "kinds.col.input_carried" if carried and said == "input_refilled" else f"kinds.col.{said}",
                state.lang,
                col=letter,
                label=" ".join(column.label.split()) or "-",  # a header of two lines on one
                id=column.field_id,
                unit=column.unit,
                n=column.filled,
                period=seeded.period if seeded is not None else "",
            )
        )
    if seeded is not None and seeded.kept:
        say(msg("init_seeded_kept", period=seeded.period, history=seeded.path), "yellow")
    elif seeded is not None and seeded.values:
        say(msg("init_seeded", n=seeded.values, units=seeded.units, period=seeded.period, history=seeded.path))
    if seeded is not None and seeded.shared:
        say(msg("init_seeded_shared", n=seeded.shared), "yellow")
    for row, why in analysis.skipped:
        say(msg("init_skipped", row=row, why=why.render(state.lang)), "yellow")
    for warning in analysis.warnings:
        say(warning.render(state.lang), "yellow")
    _print_taken(result)
    spec = result.spec
    say(
        msg(
            "init_made",
            items=len(spec.items),
            units=len(spec.units),
            groups=len(analysis.groups),
            title=spec.report.title,
            period=spec.report.period,
        )
    )


def convert(
    source: Annotated[Path, typer.Argument()],
    target: Annotated[Path, typer.Argument()],
    force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
    from ..spec import load_spec
    from ..write import write_spec_workbook, write_spec_yaml

    with guarded():
        output_file(target)
        if target.exists() and not force:
            raise InputError(Msg("cli.target_exists", path=target))
        spec = load_spec(source)
        if target.suffix.lower() in (".yaml", ".yml"):
            write_spec_yaml(spec, target)
        else:
            write_spec_workbook(spec, target)
    say(msg("converted", source=source, target=target), "green")


def check(spec: Annotated[Path, typer.Argument()]) -> None:
    from ..spec import load_spec

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


def templates(
    spec: Annotated[Path, typer.Argument()],
    out: Annotated[Path, typer.Option("--out", "-o")] = Path("templates_out"),
    unit: UnitOpt = None,
    history: HistoryOpt = None,
) -> None:
    from ..periods import previous_values
    from ..spec import load_spec
    from ..write import refuse_strangers, template_filenames, write_templates

    with guarded():
        output_folder(out)
        loaded = load_spec(spec)
        wanted = unit_codes(loaded, unit) or [u.code for u in loaded.units]
        names = template_filenames(loaded)
        refuse_strangers((out / names[code] for code in wanted), KIND_FORM)  # a unit's filled return, say
        previous = previous_values(loaded, history, lambda warning: say(warning.render(state.lang), "yellow"))
        with progress_bar(len(wanted), msg("writing")) as tick:
            written = write_templates(loaded, out, wanted, progress=tick, previous=previous)
    say(msg("templates_done", n=len(written), dir=out), "green")


def demo(
    folder: Annotated[Path, typer.Argument()] = Path("consolidate-demo"),
    kind: KindOpt = "livelihood",
    force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
    from ..kinds import build_demo

    with guarded():
        output_folder(folder)
        built = build_demo(folder, kind, force=force)
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
    print_counts(built.result)


def kinds() -> None:
    from ..kinds import list_kinds

    say(msg("kinds", kinds=", ".join(list_kinds())))


COMMANDS = (init, check, templates, convert, demo, kinds)


def _print_taken(result: InitResult) -> None:
    """Where the title, period, deadline and issuer came from (a table, the folder, the kind moved)."""
    for taken in result.taken:
        what = t(f"kinds.what.{taken.what}", state.lang)
        source = taken.source.render(state.lang)
        if taken.value:
            say(msg("init_taken", what=what, value=taken.value, source=source))
        else:
            say(msg("init_unset", what=what, source=source))
