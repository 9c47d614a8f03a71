"""The built-in report kinds (``templates/`` in the repository) and ``init``: a spec to start from,
as a kind gives it or from a clerk's own task table, as the workbook the clerk edits
(``report.xlsx``) or as YAML.

Nothing is written until the whole spec has been made and checked, so a failed run leaves
nothing behind; files that are there already are replaced only with ``force``, and then kept
beside as dated backups.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common import atomic_output, tidy_number
from ..errors import InputError
from ..periods import HISTORY_FILE, History, SpecMove, move_words, moved_spec, moved_yaml
from ..read import file_sha256
from ..spec import FieldSpec, Spec, load_spec
from ..spec.build import Locator, build_spec
from ..spec.dates import Period, add_months, normalise_period, parse_day
from ..text import Joined, Msg
from ..write import write_spec_workbook, write_spec_yaml
from .fromtable import (
    UNIT_HEADERS,
    Analysis,
    Found,
    analyse,
    as_number,
    deadline_in_table,
    issuer_in_title,
    period_in_table,
    read_table,
    spec_data,
)

if TYPE_CHECKING:
    from ..periods.store import Row

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
    # init --from: where the title, period, deadline and issuer were taken from, in that order.
    taken: list[Taken] = field(default_factory=list)
    # init --from a filled table of an earlier period: what was recorded of it in the history.
    seeded: Seeded | None = None


@dataclass(frozen=True)
class Seeded:
    """The inputs a clerk's table had filled in, recorded as the table's own (earlier) period in
    the new report's history: the units' templates start from them (上期, ``prefill: last``)."""

    period: str  # the table's period
    path: Path  # the history file
    values: int  # values recorded
    units: int  # of how many units
    shared: int = 0  # filled items of several units: not recorded (whose words would they be?)
    kept: bool = False  # the history had that period already: nothing recorded


@dataclass(frozen=True)
class Taken:
    """A setting of the new report and where it came from (an option, the folder's name, a cell
    of the table, a default)."""

    what: str  # title | period | deadline | issuer
    value: str
    source: Msg


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
    table_sheet = ""
    taken: list[Taken] = []
    move: SpecMove | None = None
    if from_table is None:
        source = kind_path(kind or "key-tasks")
        spec = load_spec(source / "report.yaml")
        move, taken = _kind_period(out, kind or "key-tasks", spec, period)
        # Moved with its words; or, to another length of period, only the period itself changes.
        spec = move.spec if move is not None else spec
        period = taken[0].value if move is None and taken else None
    else:
        table = Path(from_table)
        grid = read_table(table, sheet)
        table_sheet = grid.sheet
        analysis = analyse(grid.rows, grid.merged)
        if not analysis.units:
            raise InputError(_no_units(table, grid.sheet, analysis))
        has_targets = any(c.role in ("number", "per_unit") for c in analysis.columns)
        chosen = load_spec(kind_path(kind or ("livelihood" if has_targets else "key-tasks")) / "report.yaml")
        taken = _settings(out, table, analysis, title=title, period=period, deadline=deadline, issuer=issuer)
        settings = {t.what: t.value for t in taken}
        chosen = _moved_to(chosen, settings["period"])  # the inputs' help (截止4月15日) of the report's period
        data = spec_data(
            analysis,
            chosen,
            title=settings["title"],
            period=settings["period"],
            deadline=settings.get("deadline") or None,
            issuer=settings.get("issuer", ""),
        )
        spec = build_spec(data, _Given(str(from_table)), out, out / (WORKBOOK if workbook else "report.yaml"))
    if from_table is None and (title or period or deadline or issuer):
        overrides: dict[str, str | None] = {
            k: v for k, v in (("title", title), ("period", period), ("deadline", deadline), ("issuer", issuer)) if v
        }
        if deadline:
            overrides["deadline"] = given_deadline(deadline).isoformat()
        if "period" in overrides and "deadline" not in overrides:
            overrides["deadline"] = None  # the kind's is a day of its own period
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
        # The kind's files as they are (its comments, units.csv and items.csv), moved to the period.
        text = (source / "report.yaml").read_text(encoding="utf-8")
        if move is not None:
            text = moved_yaml(text, move, source / "report.yaml")[0]
        for n in SPEC_FILES:
            with atomic_output(out / n) as tmp:
                if n == "report.yaml":
                    Path(tmp).write_text(text, encoding="utf-8")
                else:
                    shutil.copyfile(source / n, tmp)
        path = out / "report.yaml"
    else:
        path = write_spec_yaml(spec, out / "report.yaml")
    made = load_spec(path)
    seeded = None
    if analysis is not None and from_table is not None:
        own = period_in_table(analysis)
        seeded = _seed_history(made, analysis, Path(from_table), table_sheet, own.value if own else None)
    return InitResult(path, made, analysis, backups, taken, seeded)


def _seed_history(spec: Spec, analysis: Analysis, table: Path, sheet: str, own: str | None) -> Seeded | None:
    """The table's filled inputs recorded as its own period, when that is the period before the
    new report's or earlier (the clerk starts from last quarter's table); only the items of one
    unit (an item of several has one text for all of them, not each unit's)."""
    if not analysis.earlier or own is None:
        return None
    before, now = Period.of(own), Period.of(spec.report.period)
    if before.months != now.months or before.month_index >= now.month_index:
        return None
    history = History(spec.path.parent / HISTORY_FILE if spec.path is not None else Path(HISTORY_FILE))
    view = history.view(spec) if history.path.exists() else None
    if view is not None and own in view.periods:
        return Seeded(own, history.path, 0, 0, kept=True)
    digest = file_sha256(table.read_bytes())
    rows: list[Row] = []
    shared = 0
    for n, filled in sorted(analysis.earlier.items()):
        item = spec.items[n]
        codes = item.units or tuple(u.code for u in spec.units)
        if len(codes) != 1:
            shared += 1
            continue
        for field_id, (text, cell) in filled.items():
            value = _typed(spec.field(field_id), text)
            if value is not None:
                rows.append((codes[0], item.id, field_id, value, table.name, sheet, cell, digest))
    if not rows:
        return Seeded(own, history.path, 0, 0, shared) if shared else None
    earlier = dataclasses.replace(spec, report=spec.report.model_copy(update={"period": own}))
    units = {row[0] for row in rows}
    if not history.record(earlier, rows, [], len(units), f"init:{table.name}"):
        raise InputError(Msg("history.cannot_write", path=history.path))
    return Seeded(own, history.path, len(rows), len(units), shared)


def _typed(field: FieldSpec, text: str) -> Any:
    """A table's text as the history keeps a return's value of the field (None: not one)."""
    if field.is_numeric:
        number = as_number(text)
        return None if number is None else tidy_number(number)
    return text


def _moved_to(kind: Spec, period: str) -> Spec:
    """A kind moved to ``period`` (its texts' date words with it), when that is a period of the
    same length as the kind's own; else as it is."""
    before, after = Period.of(kind.report.period), Period.of(period)
    if before.kind != after.kind or before == after:
        return kind
    return moved_spec(kind, _steps(before, after)).spec


def _steps(before: Period, after: Period) -> int:
    """How many periods (of their one kind) ``after`` is after ``before``."""
    return (after.month_index - before.month_index) // after.months


def _asked_period(out: Path, period: str | None) -> Taken | None:
    """The period ``--period`` gives, else the folder's name when it is one; None without either."""
    if period:
        chosen = normalise_period(period)
        if chosen is None:
            raise InputError(Msg("kinds.bad_period", value=period))
        return Taken("period", chosen, Msg("kinds.from.option", option="--period"))
    if (chosen := normalise_period(out.name)) is not None:
        return Taken("period", chosen, Msg("kinds.from.folder", name=out.name))
    return None


def _kind_period(out: Path, kind: str, spec: Spec, period: str | None) -> tuple[SpecMove | None, list[Taken]]:
    """The period of a report made from a kind: ``--period``, else the folder's name when it is
    one (``init 2025Q3``), else the kind's own. To another period of the same length the kind's
    title, deadline and every date word of its texts move with it, as ``next`` moves them; to a
    period of another length only the period changes, and the title and deadline are said to be
    the kind's."""
    own = spec.report.period
    said = _asked_period(out, period)
    if said is None or said.value == own:
        return None, []
    chosen = said.value
    before, after = Period.of(own), Period.of(chosen)
    if before.kind != after.kind:
        title = Taken("title", spec.report.title, Msg("kinds.from.kind_other_period", kind=kind, old=own, new=chosen))
        return None, [said, title, Taken("deadline", "", Msg("kinds.from.kind_no_deadline", kind=kind, old=own))]
    move = moved_spec(spec, _steps(before, after))
    report = move.spec.report
    how = Msg("kinds.from.kind_moved", kind=kind, old=own, new=chosen)
    taken = [said, Taken("title", report.title, how)]
    if report.deadline is not None:
        taken.append(Taken("deadline", report.deadline.isoformat(), how))
    return move, taken


def _settings(
    out: Path,
    table: Path,
    analysis: Analysis,
    *,
    title: str | None,
    period: str | None,
    deadline: str | None,
    issuer: str | None,
) -> list[Taken]:
    """Title, period, deadline and issuer of a report made from a table: an option (or the
    folder's name, ``init 2025Q3``) wins over what the table says, which wins over a default.

    When the period chosen is not the table's own (the table says 2025年第一季度, the folder is
    2025Q2), the title's period words and the table's deadline move with it, as ``next`` moves
    them, and init says so.
    """

    def cell(found: Found) -> Msg:
        return Msg("kinds.from.cell", cell=found.cell, text=found.text)

    own = period_in_table(analysis)
    asked = _asked_period(out, period)
    if asked is not None:
        chosen, said = asked.value, asked
    elif own is not None:
        chosen, said = own.value, Taken("period", own.value, cell(own))
    else:
        chosen = str(dt.date.today().year)
        said = Taken("period", chosen, Msg("kinds.from.this_year"))
    # The table's own period, when the report is made for another one of the same length.
    moved_from = (
        own.value if own and own.value != chosen and Period.of(own.value).months == Period.of(chosen).months else None
    )
    taken: list[Taken] = []
    if title:
        taken.append(Taken("title", title, Msg("kinds.from.option", option="--title")))
    elif analysis.title:
        source = Msg("kinds.from.title_row", cell=analysis.title_cell)
        text = analysis.title
        if (
            moved_from is not None
            and (moved := move_words(text, Period.of(moved_from), Period.of(chosen)).text) != text
        ):
            text, source = moved, Msg("kinds.from.moved", source=source, old=moved_from, new=chosen)
        elif own is not None and Period.of(own.value).kind != "year" and own.value != chosen and moved_from is None:
            source = Msg("kinds.from.title_other_period", source=source, old=own.value, new=chosen)
        taken.append(Taken("title", text, source))
    else:
        taken.append(Taken("title", table.stem, Msg("kinds.from.file_name", name=table.name)))
    taken.append(said)
    if deadline:
        day = given_deadline(deadline)
        taken.append(Taken("deadline", day.isoformat(), Msg("kinds.from.option", option="--deadline")))
    elif (found := deadline_in_table(analysis, own.value if own else chosen)) is not None:
        value, source = found.value, cell(found)
        if moved_from is not None:
            months = Period.of(chosen).month_index - Period.of(moved_from).month_index
            value = add_months(dt.date.fromisoformat(found.value), months).isoformat()
            source = Msg("kinds.from.moved", source=source, old=moved_from, new=chosen)
        elif own is not None and own.value != chosen:
            other = Msg("kinds.from.deadline_other_period", cell=found.cell, text=found.text, old=own.value)
            taken.append(Taken("deadline", "", other))
            value = ""
        if value:
            taken.append(Taken("deadline", value, source))
    else:
        taken.append(Taken("deadline", "", Msg("kinds.from.no_deadline")))
    if issuer:
        taken.append(Taken("issuer", issuer, Msg("kinds.from.option", option="--issuer")))
    elif (found := issuer_in_title(analysis)) is not None:
        taken.append(Taken("issuer", found.value, cell(found)))
    else:
        taken.append(Taken("issuer", "", Msg("kinds.from.no_issuer")))
    return taken


def given_deadline(text: str) -> dt.date:
    """``--deadline`` as given, however a clerk writes a day; a plain error when it is none."""
    try:
        day = parse_day(text)
    except ValueError:
        day = None
    if day is None:
        raise InputError(Msg("kinds.bad_deadline", value=text))
    return day


def _no_units(table: Path, sheet: str, analysis: Analysis) -> Msg:
    """Where units were looked for in a table that names none, and what to add."""
    rows = Joined([str(r + 1) for r in analysis.header_rows], "comma")
    where = Msg("kinds.in_sheet", sheet=sheet) if sheet else ""
    return Msg(
        "kinds.no_units",
        file=table,
        where=where,
        rows=rows,
        labels=Joined(UNIT_HEADERS[:6]),
        column=UNIT_HEADERS[1],
    )


class _Given(Locator):
    """Problems in a spec made from a table: located at the table."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
