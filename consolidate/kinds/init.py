"""The built-in report kinds (``templates/`` in the repository) and ``init``: a spec to start from,
as a kind gives it or from a clerk's own task table, as the workbook the clerk edits
(``report.xlsx``) or as YAML.

Nothing is written until the whole spec has been made and checked, so a failed run leaves
nothing behind; files that are there already are replaced only with ``force``, and then kept
beside as dated backups.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..common import atomic_output
from ..errors import InputError
from ..spec import Spec, load_spec
from ..spec.build import Locator, build_spec
from ..text import Joined, Msg
from ..write import write_spec_workbook, write_spec_yaml
from .fromtable import Analysis, analyse, period_from_title, read_grid, spec_data

SPEC_FILES = ("report.yaml", "units.csv", "items.csv")
WORKBOOK = "report.xlsx"


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


@dataclass
class InitResult:
    """What ``init`` wrote, what it found in a table, and what it kept of the files it replaced."""

    path: Path  # the spec: report.xlsx or report.yaml
    spec: Spec
    analysis: Analysis | None = None
    backups: list[Path] = field(default_factory=list)


def init_spec(
    target: str | Path, kind: str = "key-tasks", from_table: str | Path | None = None, force: bool = False
) -> Path:
    """Copy a built-in kind into ``target`` as YAML (``report.yaml``, ``units.csv``, ``items.csv``);
    with ``from_table``, the report of that table. Returns the spec's path."""
    return init_report(target, kind, from_table, force=force, workbook=False).path


def init_report(
    target: str | Path,
    kind: str | None = None,
    from_table: str | Path | None = None,
    *,
    force: bool = False,
    workbook: bool = True,
    sheet: str | None = None,
    title: str | None = None,
    period: str | None = None,
    deadline: str | None = None,
    issuer: str | None = None,
) -> InitResult:
    """Make a new report in ``target``: a kind as it is, or the clerk's ``from_table`` with the
    inputs of ``kind`` (default: ``livelihood`` when the table has targets, else ``key-tasks``)."""
    out = Path(target)
    analysis: Analysis | None = None
    if from_table is None:
        source = kind_path(kind or "key-tasks")
        spec = load_spec(source / "report.yaml")
    else:
        rows, merged = read_grid(Path(from_table), sheet)
        analysis = analyse(rows, merged)
        has_targets = any(c.role in ("number", "per_unit") for c in analysis.columns)
        chosen = load_spec(kind_path(kind or ("livelihood" if has_targets else "key-tasks")) / "report.yaml")
        name = title or analysis.title or Path(from_table).stem
        data = spec_data(
            analysis,
            chosen,
            title=name,
            period=period or period_from_title(name),
            deadline=deadline,
            issuer=issuer or "",
        )
        spec = build_spec(data, _Given(str(from_table)), out, out / (WORKBOOK if workbook else "report.yaml"))
    if from_table is None and (title or period or deadline or issuer):
        overrides = {
            k: v for k, v in (("title", title), ("period", period), ("deadline", deadline), ("issuer", issuer)) if v
        }
        data = spec.to_dict()
        data["report"] = {**data["report"], **overrides}
        spec = build_spec(data, _Given(str(source / "report.yaml")), out, None)
    names = [WORKBOOK] if workbook else (["report.yaml"] if from_table is not None else list(SPEC_FILES))
    existing = [n for n in names if (out / n).exists()]
    if existing and not force:
        raise InputError(Msg("kinds.exists", folder=out, files=Joined(existing, "comma")))
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backups = []
    for n in existing:
        backup = out / f"{n}.{stamp}.bak"
        shutil.copy2(out / n, backup)
        backups.append(backup)
    if workbook:
        path = write_spec_workbook(spec, out / WORKBOOK)
    elif from_table is None and not (title or period or deadline or issuer):
        for n in SPEC_FILES:
            with atomic_output(out / n) as tmp:
                shutil.copyfile(source / n, tmp)
        path = out / "report.yaml"
    else:
        path = write_spec_yaml(spec, out / "report.yaml")
    return InitResult(path, load_spec(path), analysis, backups)


class _Given(Locator):
    """Problems in a spec made from a table: located at the table."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
