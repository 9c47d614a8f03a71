"""``consolidate send``: one message per unit with its own template attached.

Templates are found by their ``_consolidate`` sheet (report id and unit code), so renamed files
and name collisions do not matter. A template made from another version of the report (other
targets, other period) is not sent. After each message the send log records it, keyed by unit
and template sha256: a re-run sends only what was not sent, and a re-made template is sent again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..read import RawBook, Source, read_book
from ..spec import Spec, UnitSpec
from ..text import Msg
from ..write import template_filename, template_filenames
from .deliver import Courier, MailResult, Outcome, recipients
from .journal import SENT_LOG, Journal
from .mime import Attachment
from .texts import send_texts


@dataclass(frozen=True)
class FoundTemplate:
    path: Path
    current: bool  # made from this spec (the sha256 leaves contacts and mail settings out)


def find_templates(spec: Spec, folder: Path) -> dict[str, FoundTemplate]:
    """unit code → the unit's template in ``folder``, by the metadata inside the files."""
    names = template_filenames(spec)
    return find_unit_files(spec, folder, lambda code, path: path.name == names[code])


def find_unit_files(
    spec: Spec, folder: Path, preferred: Callable[[str, Path], bool] = lambda code, path: False
) -> dict[str, FoundTemplate]:
    """unit code → the workbook in ``folder`` whose ``_consolidate`` sheet names this report and
    that unit: a file goes to a unit by what it holds, never by its name. Among several, a current
    one, then a ``preferred`` name, then the newest."""
    found: dict[str, tuple[tuple[bool, bool, float, str], FoundTemplate]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        book = read_book(Source(path.name, path, dt.datetime.now()))
        if not isinstance(book, RawBook) or book.meta.get("report_id") != spec.report.id:
            continue
        code = book.meta.get("unit_code", "")
        if code not in spec.unit_map:
            continue
        candidate = FoundTemplate(path, book.meta.get("spec_sha256") == spec.sha256)
        rank = (candidate.current, preferred(code, path), path.stat().st_mtime, path.name)
        if code not in found or rank > found[code][0]:
            found[code] = (rank, candidate)
    return {code: candidate for code, (_, candidate) in found.items()}


def send_templates(
    spec: Spec,
    templates_dir: str | Path,
    *,
    units: Sequence[str] | None = None,
    password: str | None = None,
    outbox: str | Path | None = None,
    resend: bool = False,
    throttle: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> MailResult:
    """E-mail each unit (or the given unit codes) its template; ``outbox`` writes .eml files instead.

    Units without an address or a template are listed in the result, never silently skipped.
    """
    folder = Path(templates_dir)
    if not folder.is_dir():
        raise InputError(Msg("mail.no_templates_folder", folder=folder))
    templates = find_templates(spec, folder)
    log = Journal(folder / SENT_LOG, "sent")
    out = Path(outbox) if outbox is not None else None
    outcomes: list[Outcome] = []
    with Courier(spec, password=password, outbox=out, throttle=throttle, sleep=sleep) as courier:
        for unit in spec.units:
            if units is not None and unit.code not in units:
                continue
            outcomes.append(_send_one(spec, unit, templates.get(unit.code), log, courier, resend))
            if progress:
                progress(unit.code)
    return MailResult(outcomes, out)


def _send_one(
    spec: Spec, unit: UnitSpec, found: FoundTemplate | None, log: Journal, courier: Courier, resend: bool
) -> Outcome:
    to, invalid = recipients(unit)
    if not to:
        return Outcome(unit.code, "no_address", invalid=tuple(invalid))
    if found is None:
        return Outcome(unit.code, "no_template", tuple(to), (template_filename(spec, unit),))
    name = found.path.name
    if not found.current:
        return Outcome(unit.code, "stale_template", tuple(to), (name,))
    data = found.path.read_bytes()
    key = f"{unit.code}:{hashlib.sha256(data).hexdigest()}"
    before = log.get(key)
    if before is not None and not resend:
        return Outcome(unit.code, "already_sent", tuple(before.get("to", to)), (name,), detail=before.get("sent", ""))
    subject, body = send_texts(spec, unit, name)
    outcome = courier.deliver(unit, to, subject, body, [Attachment(name, data)])
    outcome.invalid = tuple(invalid)
    if outcome.status == "sent":
        log.put(
            key,
            {
                "unit": unit.code,
                "file": name,
                "to": list(to),
                "subject": subject,
                "message_id": outcome.message_id,
                "sent": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            },
        )
    return outcome
