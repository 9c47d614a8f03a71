"""Whether a file already in an output's place may be replaced: only one we wrote, of the kind
about to be written. Anything else stops the command before any work (exit 2): a unit's return,
a template where a summary was to go, a file of the clerk's own, whatever flag named it.

A summary, a document, their JSON or PDF replaced keeps the one before as ``name.bak.xlsx`` (a
``name.bak-2.xlsx``... when the backup there is one someone changed, which is kept too). Forms
(templates, feedback files) and e-mails of an outbox are replaced only as we wrote them: a form
someone saved again may be a unit's return, and is refused.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..common import KIND_DOCUMENT, KIND_FORM, KIND_SUMMARY, atomic_output
from ..errors import InputError
from ..read.ours import (
    KIND_EMAIL,
    KIND_ISSUES_JSON,
    KIND_PARQUET,
    KIND_PDF,
    KIND_STATUS_JSON,
    KIND_SUMMARY_JSON,
    Ours,
    ours,
)
from ..text import Msg

SUFFIXES = {
    KIND_SUMMARY: ".xlsx",
    KIND_FORM: ".xlsx",
    KIND_DOCUMENT: ".docx",
    KIND_SUMMARY_JSON: ".json",
    KIND_ISSUES_JSON: ".json",
    KIND_STATUS_JSON: ".json",
    KIND_PDF: ".pdf",
    KIND_EMAIL: ".eml",
    KIND_PARQUET: ".parquet",
}
_KEPT = frozenset(
    {KIND_SUMMARY, KIND_DOCUMENT, KIND_SUMMARY_JSON, KIND_ISSUES_JSON, KIND_STATUS_JSON, KIND_PDF, KIND_PARQUET}
)
_MAX_BACKUPS = 99


def written_by_us(path: Path) -> bool:
    """A file we wrote (a workbook, document, JSON, PDF or e-mail) that nobody saved again."""
    found = ours(path)
    return found is not None and not found.edited


@dataclass(frozen=True)
class Claim:
    """An output's place, checked: what is there now is ours to replace; ``backup`` is where it
    is kept first (None: nothing there, or nothing to keep); ``edited``: someone changed it."""

    path: Path
    backup: Path | None = None
    edited: bool = False

    def keep_previous(self) -> Path | None:
        """Keep what is there as ``backup`` (just before it is replaced); the backup, if made.

        A second name for the same file where the system allows it (the file is replaced by
        renaming, so the backup keeps the old contents), which takes no room on a disk that may
        be nearly full; else a copy."""
        if self.backup is None or not self.path.is_file():
            return None
        if self.backup.is_file() and os.path.samefile(self.path, self.backup):
            return self.backup  # kept already: a run stopped between keeping it and replacing it
        with atomic_output(self.backup) as tmp:
            try:
                os.unlink(tmp)
                os.link(self.path, tmp)
            except OSError:  # no hard links here (FAT, some network folders): a copy
                shutil.copy2(self.path, tmp)
        return self.backup


def check_suffix(path: Path | None, kind: str, option: str) -> None:
    """Stop when ``path`` is named for another format: ``-o out.docx`` for a workbook."""
    if path is None or str(path) == "-":
        return
    wanted = SUFFIXES[kind]
    if path.suffix.lower() != wanted:
        example = path.with_suffix(wanted).name if path.suffix else path.name + wanted
        raise InputError(
            Msg(
                "write.wrong_suffix",
                option=option,
                path=path,
                what=Msg(f"write.what.{kind}"),
                suffix=wanted,
                example=example,
            )
        )


def claim(path: Path, kind: str) -> Claim:
    """May an output of ``kind`` go to ``path``? A :class:`Claim` if so; else stop, saying what
    the file there is."""
    if not (path.exists() or path.is_symlink()):
        return Claim(path)
    found = ours(path) if path.is_file() and not path.is_symlink() else None
    _refuse_unless_replaceable(path, found, kind)
    assert found is not None
    if kind not in _KEPT:
        return Claim(path)
    return Claim(path, _backup_place(path, found), found.edited)


# How each of the reminders' texts begins (the catalogue's chat.* messages, in both languages).
CHAT_MARKS = ("【催报】", "[Reminder] ")


def our_text(path: Path) -> bool:
    """A file of paste-ready reminders as ``remind --text`` writes them: every paragraph one of
    its messages."""
    try:
        if path.stat().st_size > 16 * 2**20:
            return False
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return bool(paragraphs) and all(p.lstrip().startswith(CHAT_MARKS) for p in paragraphs)


def claim_text(path: Path) -> Claim:
    """A plain text output (``remind --text``): reminders written there before are replaced;
    any other file (the clerk's own notes) is kept as ``name.bak.txt`` first (``name.bak-2.txt``...
    when that holds something else). Not a file (a folder, a link): stop."""
    if not (path.exists() or path.is_symlink()):
        return Claim(path)
    if path.is_symlink() or not path.is_file():
        raise InputError(Msg("write.not_ours", path=path))
    if our_text(path):
        return Claim(path)
    for number in range(1, _MAX_BACKUPS + 1):
        place = path.with_name(f"{path.stem}.bak{'' if number == 1 else f'-{number}'}{path.suffix}")
        if not (place.exists() or place.is_symlink()):
            return Claim(path, place)
    raise InputError(Msg("write.not_ours", path=path))


def _refuse_unless_replaceable(path: Path, found: Ours | None, kind: str) -> None:
    if found is None:
        raise InputError(Msg("write.not_ours", path=path))
    if found.is_return:
        raise InputError(Msg("write.is_return", path=path))
    if found.kind != kind:
        raise InputError(
            Msg("write.is_other", path=path, there=Msg(f"write.what.{found.kind}"), what=Msg(f"write.what.{kind}"))
        )


def _backup_place(path: Path, found: Ours) -> Path | None:
    """``name.bak.xlsx`` when it is free or holds a backup as we wrote it; for a file someone
    changed, the first of ``name.bak-2.xlsx``... that is, so that no changed version is lost.
    A file as we wrote it finds no place beside a changed backup: it is only replaced."""
    for number in range(1, _MAX_BACKUPS + 1):
        place = path.with_name(f"{path.stem}.bak{'' if number == 1 else f'-{number}'}{path.suffix}")
        if not (place.exists() or place.is_symlink()):
            return place
        there = ours(place) if place.is_file() and not place.is_symlink() else None
        if there is not None and there.kind == found.kind and not there.edited:
            return place
        if not found.edited:
            return None
    return None


def refuse_strangers(paths: Iterable[Path], kind: str | None = None) -> None:
    """Stop before writing when one of ``paths`` exists and is not ours to overwrite: a file we
    did not write, one someone saved again, or (with ``kind``) one of another kind."""
    for path in paths:
        if not (path.exists() or path.is_symlink()):
            continue
        found = ours(path) if path.is_file() and not path.is_symlink() else None
        if kind is not None:
            _refuse_unless_replaceable(path, found, kind)
        if found is None or found.edited:
            raise InputError(
                Msg("write.is_return" if found is not None and found.is_return else "write.not_ours", path=path)
            )
