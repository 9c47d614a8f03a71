"""The built-in report kinds (``templates/`` in the repository) and ``init``: a spec to start from,
as a kind gives it or with the items and units of a clerk's own task table."""

from __future__ import annotations

from pathlib import Path

from ..common import atomic_output
from ..errors import InputError
from ..spec import load_spec
from ..text import Joined, Msg
from .fromtable import items_from_table

SPEC_FILES = ("report.yaml", "units.csv", "items.csv")


def kinds_dir() -> Path:
    """Installed wheels carry the kinds inside the package (``builtin/``); a source checkout has
    ``templates/`` at the top of the repository."""
    packaged = Path(__file__).parent / "builtin"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def list_kinds() -> list[str]:
    root = kinds_dir()
    return sorted(p.name for p in root.iterdir() if (p / "report.yaml").is_file()) if root.is_dir() else []


def kind_path(kind: str) -> Path:
    path = kinds_dir() / kind
    if not (path / "report.yaml").is_file():
        raise InputError(Msg("kinds.unknown", kind=kind, kinds=Joined(list_kinds(), "comma")))
    return path


def init_spec(target: str | Path, kind: str, from_table: str | Path | None = None, force: bool = False) -> Path:
    """Copy a built-in kind into ``target``; with ``from_table`` its items and units come from it."""
    out = Path(target)
    source = kind_path(kind)
    existing = [name for name in SPEC_FILES if (out / name).exists()]
    if existing and not force:
        raise InputError(Msg("kinds.exists", folder=out, files=Joined(existing, "comma")))
    contents = {name: (source / name).read_bytes() for name in SPEC_FILES}
    if from_table is not None:
        spec = load_spec(source / "report.yaml")
        items_csv, units_csv = items_from_table(Path(from_table), spec)
        contents |= {"items.csv": items_csv.encode("utf-8"), "units.csv": units_csv.encode("utf-8")}
    for name, data in contents.items():
        with atomic_output(out / name) as tmp:
            Path(tmp).write_bytes(data)
    load_spec(out / "report.yaml")
    return out / "report.yaml"
