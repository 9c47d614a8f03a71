"""Texts of the e-mails to units: the built-in subjects and bodies (:mod:`consolidate.text.mail`)
or the spec's, with their placeholders filled.

A spec may replace any of them under ``mail:``; placeholders are checked when the spec is loaded
(see :data:`consolidate.spec.mailspec.MAIL_PLACEHOLDERS`). The subject carries a tag ``[report-id/UNIT]``
that replies keep, so that ``collect`` can tell which unit a reply comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..spec import MailSpec, Spec, UnitSpec
from ..text import Joined, Lang, t


def tag(spec: Spec, unit: UnitSpec) -> str:
    """``report-id/UNIT``: written in subjects, found again in replies."""
    return f"{spec.report.id}/{unit.code}"


def format_date(day: dt.date | None, lang: Lang) -> str:
    if day is None:
        return t("mail.no_date", lang)
    return t("mail.date", lang, y=day.year, m=day.month, d=day.day, month=f"{day:%B}")


def values(spec: Spec, unit: UnitSpec, *, file: str = "", today: dt.date | None = None) -> dict[str, str]:
    """Every placeholder's text for one unit."""
    lang = spec.lang
    report = spec.report
    return {
        "unit": unit.name,
        "unit_code": unit.code,
        "unit_contact": unit.contact,
        "title": report.title,
        "period": report.period,
        "deadline": format_date(report.deadline, lang),
        "issuer": report.issuer,
        "contact": report.contact or report.issuer,
        "report_id": report.id,
        "tag": tag(spec, unit),
        "file": file,
        "today": format_date(today or dt.date.today(), lang),
    }


def render(template: str, fields: Mapping[str, str]) -> str:
    return template.format_map(dict(fields))


def send_texts(spec: Spec, unit: UnitSpec, file: str) -> tuple[str, str]:
    """(subject, body) of the message that carries a unit's template."""
    mail = spec.mail or MailSpec()
    fields = values(spec, unit, file=file)
    subject = render(mail.subject or t("mail.subject", spec.lang), fields)
    return _one_line(subject), render(mail.body or t("mail.body", spec.lang), fields)


def remind_texts(
    spec: Spec,
    unit: UnitSpec,
    *,
    reason: str,
    file: str,
    problems: list[str],
    attached: Mapping[str, str],
    today: dt.date,
) -> tuple[str, str]:
    """(subject, body) of a reminder; ``reason`` is missing/errors/unreadable, ``attached`` kind → name."""
    mail = spec.mail or MailSpec()
    lang = spec.lang
    fields = values(spec, unit, file=file, today=today)
    lines = [f"{n}. {text}" for n, text in enumerate(problems, 1)]
    lines += [t(f"mail.note.{kind}", lang, file=name) for kind, name in attached.items()]
    fields["status"] = render(t(f"mail.status.{reason}", lang), fields)
    fields["problems"] = "\n".join(lines)
    subject = render(mail.remind_subject or t("mail.remind_subject", lang), fields)
    body = render(mail.remind_body or t("mail.remind_body", lang), fields)
    return _one_line(subject), body.replace("\n\n\n\n", "\n\n")


def chat_texts(
    spec: Spec,
    found: Sequence[tuple[UnitSpec, str, str, list[str]]],
    today: dt.date,
    links: Mapping[str, str] | None = None,
) -> str:
    """Paste-ready reminders for a WeChat work group: one message per unit (unit, reason, file,
    problems quoted), then one for the whole group naming every pending unit. Plain text."""
    lang = spec.lang
    fields = values(spec, spec.units[0], today=today) if spec.units else {}
    blocks = []
    for unit, reason, file, problems in found:
        unit_fields = values(spec, unit, file=file, today=today)
        lines = [t(f"chat.{reason}", lang, **unit_fields)]
        lines += [f"{n}. {text}" for n, text in enumerate(problems, 1)]
        if links and unit.code in links:
            lines.append(t("chat.link", lang, link=links[unit.code]))
        blocks.append("\n".join(lines))
    missing = [unit.name for unit, reason, _, _ in found if reason == "missing"]
    to_fix = [unit.name for unit, reason, _, _ in found if reason != "missing"]
    group = [t("chat.group", lang, **fields)]
    if missing:
        group.append(t("chat.group_missing", lang, names=Joined(missing)))
    if to_fix:
        group.append(t("chat.group_fix", lang, names=Joined(to_fix)))
    group.append(t("chat.group_end", lang, **fields))
    blocks.append("".join(group) if lang == "zh" else " ".join(group))
    return "\n\n".join(blocks) + "\n"


def fix_note(fix: str, lang: Lang) -> str:
    return t("mail.note.fix", lang, fix=fix) if fix else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
