"""Whether a file already in an output's place is one we wrote and nobody has changed since, so
that writing it again loses nothing; anything else is not ours to overwrite unless the user
named it (``-o FILE``, ``--json FILE``...)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from ..text import Msg

_MAILER = re.compile(rb"^X-Mailer: consolidate\b", re.M)
_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]*)<")
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]*)<")
_OURS = re.compile(rb"<dc:description[^>]*>consolidate<|<cp:lastModifiedBy[^>]*>consolidate<")


def written_by_us(path: Path) -> bool:
    """A workbook or document we wrote (our mark in its properties) and nobody saved again (a
    program saving it moves its modified time away from its created time), or an e-mail we wrote
    into an outbox."""
    try:
        if path.suffix.lower() == ".eml":
            with path.open("rb") as handle:
                head = handle.read(16384).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
            return _MAILER.search(head.replace(b"\r\n", b"\n")) is not None
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return False
    created, modified = _CREATED.search(core), _MODIFIED.search(core)
    return _OURS.search(core) is not None and created is not None and modified is not None and created[1] == modified[1]


def refuse_strangers(paths: Iterable[Path]) -> None:
    """Stop before writing when one of ``paths`` exists and is not ours to overwrite."""
    for path in paths:
        if (path.exists() or path.is_symlink()) and not written_by_us(path):
            raise InputError(Msg("write.not_ours", path=path))
