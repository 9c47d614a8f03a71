"""Where the spec of returns read without ``-s`` comes from: the return that carries it, and the
spec file that made its templates, looked for near the returns, so that the report's history is
kept beside that file whichever way the spec was found.

Every template names its spec file in its ``_consolidate`` sheet: ``spec_name``, its folder and
name (``2025Q3/report.xlsx``), and ``spec_file``, the path from the templates' folder when it is
near (``../2025Q3/report.xlsx``; no more of the clerk's folders than that travels with the
templates). Looked for, in order: that path from the returns' folder (templates and returns
usually lie side by side), the folder and name in the folder above the returns and in the
current folder, the name in every folder beside the returns; for older templates, which name
nothing, ``report.xlsx`` and ``report.yaml``. A file found is the spec only when it is the same
report (its id) and the same period; one of the same report moved on to a later period (``next``
run before a late return was merged) still says where the report's history is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ConsolidateError, InputError, SpecError
from ..read import RawBook, Source, read_book
from ..spec import Period, Spec, embedded_spec_json, load_spec, spec_from_json
from ..text import Joined, Msg

SPEC_NAMES = ("report.xlsx", "report.yaml", "report.yml")
_MAX_SIBLINGS = 200  # folders beside the returns' folder looked into


@dataclass(frozen=True)
class Embedded:
    """The spec a return carries, the return's path, and the spec file its template named."""

    spec: Spec
    path: Path
    near: str = ""  # spec_file: from the templates' folder
    name: str = ""  # spec_name: its folder and name


def embedded_spec(paths: Sequence[str | Path], passwords: Sequence[str] = ()) -> Embedded:
    """The spec embedded in the newest template-made return under ``paths``."""
    from .run import find_files

    # Newest file first: it is the most likely to carry the current version of the template, and
    # usually the only one that has to be opened.
    sources = [s for s in find_files(paths) if isinstance(s, Source)]
    for source in sorted(sources, key=lambda s: (s.modified, s.name), reverse=True):
        book = read_book(source, passwords)
        if not isinstance(book, RawBook):
            continue
        embedded = embedded_spec_json(book.meta)
        if embedded:
            try:
                spec = spec_from_json(embedded)
            except SpecError as exc:
                raise InputError(Msg("input.embedded_spec", file=book.name, error=exc)) from None
            return Embedded(spec, source.path, book.meta.get("spec_file", ""), book.meta.get("spec_name", ""))
    raise InputError(Msg("input.no_template_spec", paths=Joined(str(p) for p in paths), n=len(sources)))


_NEAR = 2  # folders up from the templates' folder that ``spec_file`` may climb


def spec_file_hint(spec: Spec, folder: Path) -> tuple[str, str]:
    """What a template written into ``folder`` says of its spec file: (its path from there when
    near, else ""; its folder and name), both "" for a spec that is not a file."""
    if spec.path is None:
        return "", ""
    real = spec.path.resolve()
    name = f"{real.parent.name}/{real.name}" if real.parent.name else real.name
    try:
        near = PurePosixPath(Path(os.path.relpath(real, folder.resolve()))).as_posix()
    except ValueError:  # another drive (Windows)
        return "", name
    parts = near.split("/")
    ups = next((i for i, part in enumerate(parts) if part != ".."), len(parts))
    return (near if ups <= _NEAR and ".." not in parts[ups:] else ""), name


def find_spec_file(embedded: Embedded, paths: Sequence[str | Path], here: Path | None = None) -> Path | None:
    """The spec file that made the returns' templates: the same report and period as the spec
    they carry; None when none is found."""
    return find_spec_files(embedded, paths, here)[0]


def find_spec_files(
    embedded: Embedded, paths: Sequence[str | Path], here: Path | None = None
) -> tuple[Path | None, Path | None]:
    """The spec file that made the returns' templates (as :func:`find_spec_file`), else the first
    one found of the same report moved on to a later period since (``next`` run, then a late
    return of the period before): (that file, None), (None, the moved one) or (None, None)."""
    wanted = embedded.spec.report
    seen: set[Path] = set()
    later: Path | None = None
    for given in _candidates(embedded, paths, here or Path.cwd()):
        candidate = Path(os.path.normpath(given))  # 收回/../2025Q3/report.xlsx → 2025Q3/report.xlsx
        try:
            real = candidate.resolve()
            if real in seen or not real.is_file():
                continue
        except OSError:
            continue
        seen.add(real)
        try:
            found = load_spec(candidate)
        except (ConsolidateError, OSError, ValueError):
            continue
        if found.report.id == wanted.id and found.report.period == wanted.period:
            return candidate, None
        if later is None and found.report.id == wanted.id and _later(found.report.period, wanted.period):
            later = candidate
    return None, later


def _later(period: str, than: str) -> bool:
    """Whether ``period`` comes after ``than``, both of one kind (2025-Q2 after 2025-Q1)."""
    after, before = Period.parse(period), Period.parse(than)
    return (
        after is not None
        and before is not None
        and after.kind == before.kind
        and after.month_index > before.month_index
    )


def _candidates(embedded: Embedded, paths: Sequence[str | Path], here: Path) -> Iterator[Path]:
    named = PurePosixPath(embedded.name or embedded.near)
    names = [named.name] if named.name not in ("", ".", "..") else list(SPEC_NAMES)
    folder = named.parent.name if named.parent.name not in ("", ".", "..") else ""
    roots = [Path(p) if Path(p).is_dir() else Path(p).parent for p in paths]
    near = PurePosixPath(embedded.near)
    if embedded.near and not near.is_absolute():
        for root in [embedded.path.parent, *roots]:
            yield root / Path(*near.parts)
    for base in [*(r.parent for r in roots), here, *roots]:
        for name in names:
            if folder:
                yield base / folder / name
            yield base / name
    for root in roots:
        for sibling in _folders_in(root.parent):
            for name in names:
                yield sibling / name


def _folders_in(folder: Path) -> list[Path]:
    try:
        entries = sorted(e.path for e in os.scandir(folder) if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []
    return [Path(e) for e in entries[:_MAX_SIBLINGS]]
