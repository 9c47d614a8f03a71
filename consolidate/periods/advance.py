"""``next``: a spec moved to its next period (or any other), in memory or in its file.

The period moves by its kind, the deadline by the same number of months, and every period and
date word of the texts units and readers see moves with them (see :mod:`.words`): the title,
each field's name, help and aliases, each rule's message, the progress document's wording and
the e-mail texts. What could not be moved is listed, with where it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import atomic_output
from ..errors import InputError
from ..spec import Period, Spec, load_spec, parse_spec, spec_file, spec_yaml_text
from ..text import Msg
from .specfile import TextPath, advance_workbook, advance_yaml, move_yaml_texts
from .store import HISTORY_FILE, History, Warn
from .words import move_words, next_deadline

_MAIL_TEXTS = ("subject", "body", "remind_subject", "remind_body")
_TITLE: TextPath = ("report", "title")


@dataclass(frozen=True)
class TextMove:
    """One text of the spec with its words moved: where it is, before and after, and the words
    that could not be moved."""

    path: TextPath
    where: Msg
    before: str
    after: str
    unmoved: tuple[str, ...] = ()


@dataclass
class SpecMove:
    """A spec moved to another period, in memory: the new spec, the report's new values as a spec
    file writes them (``period``, ``title``, ``deadline`` as ISO text) and every text that moved."""

    spec: Spec
    before: Period
    after: Period
    report: dict[str, str]
    texts: list[TextMove]


@dataclass(frozen=True)
class Edit:
    """A change ``next`` made to the spec file, as shown: what, before, after."""

    what: Msg
    before: str
    after: str


@dataclass(frozen=True)
class Unmoved:
    """A word ``next`` left as it was (``word``), in a text of the spec (``where``); ``after`` is
    the whole text as it should have become when the text could not be written at all."""

    where: Msg
    word: str
    after: str = ""


@dataclass
class Advanced:
    """What ``next`` did to a spec file."""

    path: Path
    before: Period
    after: Period
    edits: list[Edit] = field(default_factory=list)
    unmoved: list[Unmoved] = field(default_factory=list)


def _texts(spec: Spec) -> Iterator[tuple[TextPath, Msg, str]]:
    """Every text of the spec whose period words move: path, where it is (as shown), value."""
    yield _TITLE, Msg("hist.title"), spec.report.title
    for i, f in enumerate(spec.fields):
        yield ("fields", i, "label"), Msg("next.field_label", field=f.label), f.label
        if f.help:
            yield ("fields", i, "help"), Msg("next.field_help", field=f.label), f.help
        for j, alias in enumerate(f.aliases):
            yield ("fields", i, "aliases", j), Msg("next.field_alias", field=f.label), alias
    for i, rule in enumerate(spec.rules):
        yield ("rules", i, "message"), Msg("next.rule_message", rule=rule.id), rule.message
    for section, keys in (
        ("document", tuple(type(spec.document).model_fields) if spec.document else ()),
        ("mail", _MAIL_TEXTS if spec.mail else ()),
    ):
        model = getattr(spec, section)
        for key in keys:
            value = getattr(model, key)
            if isinstance(value, str) and value:
                yield (section, key), Msg("next.setting", key=f"{section}.{key}"), value


def _with_text(spec: Spec, path: TextPath, value: str) -> Spec:
    """``spec`` with the text at ``path`` replaced."""
    section, key = str(path[0]), path[1]
    changes: dict[str, Any]
    if section in ("fields", "rules"):
        entries: list[Any] = list(getattr(spec, section))
        entry = entries[int(key)]
        if len(path) == 4:  # an alias
            aliases = list(entry.aliases)
            aliases[int(path[3])] = value
            entries[int(key)] = entry.model_copy(update={"aliases": aliases})
        else:
            entries[int(key)] = entry.model_copy(update={str(path[2]): value})
        changes = {section: tuple(entries)}
    else:  # report, document, mail
        changes = {section: getattr(spec, section).model_copy(update={str(key): value})}
    return dataclasses.replace(spec, **changes)


def text_at(spec: Spec, path: TextPath) -> str | None:
    """The text of ``spec`` at ``path``; None when there is none."""
    return next((value for p, _, value in _texts(spec) if p == path), None)


def moved_spec(spec: Spec, step: int = 1) -> SpecMove:
    """``spec`` as of the period ``step`` periods after its own (before it when negative): period,
    deadline and every period and date word of its texts moved (the report id stays)."""
    before = Period.of(spec.report.period)
    after = before.shift(step)
    moved = dataclasses.replace(spec, report=spec.report.model_copy(update={"period": str(after)}))
    deadline = next_deadline(spec.report.deadline, before, step)
    if deadline is not None:
        moved = dataclasses.replace(moved, report=moved.report.model_copy(update={"deadline": deadline}))
    texts: list[TextMove] = []
    for path, where, value in _texts(spec):
        result = move_words(value, before, after)
        if result.text != value or result.unmoved:
            texts.append(TextMove(path, where, value, result.text, result.unmoved))
            moved = _with_text(moved, path, result.text)
    report = {"period": str(after), "title": moved.report.title}
    if deadline is not None:
        report["deadline"] = deadline.isoformat()
    return SpecMove(moved, before, after, report, texts)


def advance(path: str | Path, history: Path | None = None, warn: Warn | None = None, skip: bool = False) -> Advanced:
    """``consolidate next``: move the spec file at ``path`` (a folder: its report.yaml, else its
    report.xlsx) to its next period in place, keeping the old one in the history (``history``,
    default ``history.sqlite`` beside the spec). Only the values that move change; every comment,
    layout, other cell and format is kept. Raises :class:`InputError` or :class:`SpecError` when
    it cannot; the file is then as it was.

    A report whose history records earlier periods but not this one is not moved on unless
    ``skip``: its period was never merged (``next`` run twice, or before the merge), and the
    next period would have no 上期 from it."""
    path = spec_file(path)
    loaded = load_spec(path)
    suffix = path.suffix.lower()
    workbook = suffix not in (".yaml", ".yml")
    if workbook and suffix != ".xlsx":
        raise InputError(Msg("next.formats", path=path))
    move = moved_spec(loaded)
    texts = _moved_texts(move)
    keeper = History(history or path.parent / HISTORY_FILE, warn)
    if not skip:
        refuse_unmerged(loaded, keeper, str(move.after), path)
    if workbook:
        with atomic_output(path) as tmp:
            failed = advance_workbook(path, move.report, texts, _mover(move), Path(tmp))
            written = load_spec(Path(tmp))  # the new spec must load before it replaces the old
            keeper.keep_spec(loaded, path.name, spec_yaml_text(loaded))
    else:
        text = path.read_text(encoding="utf-8-sig")
        new_text, written, failed = moved_yaml(text, move, path)  # must load before it replaces the old
        keeper.keep_spec(loaded, path.name, text)
        with atomic_output(path) as tmp:
            Path(tmp).write_text(new_text, encoding="utf-8")
    return _outcome(path, loaded, move, failed + _not_written(written, move, failed))


def refuse_unmerged(spec: Spec, keeper: History, after: str, path: Path) -> None:
    """:class:`InputError` when ``spec``'s report moves on to the period ``after`` while its
    history (``keeper``) records earlier periods but not the spec's own: that period was never
    merged (``next`` or ``relay`` run twice, or before the merge), and the next period's 上期
    would silently come from the one before it. ``path``: the spec file, named as unchanged."""
    recorded = [p["period"] for p in keeper.periods(spec.report.id)] if keeper.path.exists() else []
    if recorded and spec.report.period not in recorded:
        raise InputError(
            Msg(
                "next.not_merged",
                period=spec.report.period,
                next=after,
                last=recorded[-1],
                history=keeper.path,
                spec=path,
            )
        )


def _moved_texts(move: SpecMove) -> dict[TextPath, tuple[str, str]]:
    return {m.path: (m.before, m.after) for m in move.texts if m.path != _TITLE and m.after != m.before}


def _mover(move: SpecMove) -> Callable[[str], str]:
    def mover(text: str) -> str:
        return move_words(text, move.before, move.after).text

    return mover


def moved_yaml(text: str, move: SpecMove, path: Path) -> tuple[str, Spec, list[TextPath]]:
    """The text of a ``report.yaml`` (at ``path``) moved as ``move`` says, every comment and layout
    kept: the new text, its spec (loaded: raises :class:`SpecError` when it does not) and the texts
    that could not be moved in place."""
    new_text, failed = move_yaml_texts(text, _moved_texts(move), _mover(move))
    new_text = advance_yaml(new_text, move.report)
    return new_text, parse_spec(new_text, str(path), base=path.parent), failed


def _not_written(written: Spec, move: SpecMove, failed: list[TextPath]) -> list[TextPath]:
    """The texts the written spec does not have as moved (besides ``failed``)."""
    expected = {**{p: after for p, (_, after) in _moved_texts(move).items()}, _TITLE: move.report["title"]}
    return [p for p, value in expected.items() if p not in failed and text_at(written, p) != value]


def _outcome(path: Path, loaded: Spec, move: SpecMove, failed: list[TextPath]) -> Advanced:
    report = loaded.report
    done = Advanced(path, move.before, move.after)
    before = {
        "period": report.period,
        "title": report.title,
        "deadline": report.deadline.isoformat() if report.deadline else "",
    }
    for key, value in move.report.items():
        if before[key] != value:
            done.edits.append(Edit(Msg(f"hist.{key}"), before[key], value))
    for m in move.texts:
        if m.path in failed:
            done.unmoved.append(Unmoved(m.where, m.before, m.after))
            continue
        if m.path != _TITLE and m.after != m.before:
            done.edits.append(Edit(m.where, m.before, m.after))
        done.unmoved += [Unmoved(m.where, word) for word in m.unmoved]
    return done
