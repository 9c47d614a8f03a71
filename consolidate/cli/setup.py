"""The commands that set a report up: ``init``, ``check``, ``templates``, ``kinds`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..kinds import build_demo, init_spec, list_kinds
from ..spec import load_spec
from ..write import refuse_strangers, template_filenames, write_templates
from .app import guarded, msg, say
from .shared import KindOpt, UnitOpt, output_folder, unit_codes
from .show import print_counts, progress_bar


def init(
    folder: Annotated[Path, typer.Argument()],
    kind: KindOpt = "key-tasks",
    from_table: Annotated[Path | None, typer.Option("--from")] = None,
    force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
    with guarded():
        output_folder(folder)
        path = init_spec(folder, kind, from_table, force)
    say(msg("init_done", file=path), "green")


def check(spec: Annotated[Path, typer.Argument()]) -> None:
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
) -> None:
    with guarded():
        output_folder(out)
        loaded = load_spec(spec)
        wanted = unit_codes(loaded, unit) or [u.code for u in loaded.units]
        names = template_filenames(loaded)
        refuse_strangers(out / names[code] for code in wanted)  # a unit's filled return, say
        with progress_bar(len(wanted), msg("writing")) as tick:
            written = write_templates(loaded, out, wanted, progress=tick)
    say(msg("templates_done", n=len(written), dir=out), "green")


def demo(
    folder: Annotated[Path, typer.Argument()] = Path("consolidate-demo"),
    kind: KindOpt = "livelihood",
    force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
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
    say(msg("kinds", kinds=", ".join(list_kinds())))


COMMANDS = (init, check, templates, demo, kinds)
