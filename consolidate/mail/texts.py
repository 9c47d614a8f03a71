"""Texts of the e-mails to units: built-in subjects and bodies (zh/en) and their placeholders.

A spec may replace any of them under ``mail:``; placeholders are checked when the spec is loaded
(see :data:`consolidate.mailspec.MAIL_PLACEHOLDERS`). The subject carries a tag ``[report-id/UNIT]``
that replies keep, so that ``collect`` can tell which unit a reply comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..i18n import Lang
from ..mailspec import MailSpec
from ..spec import Spec, UnitSpec

SUBJECT = {
    "zh": "请报送《{title}》（{unit}）[{tag}]",
    "en": "Please return: {title} ({unit}) [{tag}]",
}
BODY = {
    "zh": (
        "{unit}：\n\n"
        "现将《{title}》的填报表格发给你们（附件：{file}）。请在黄色单元格中填写，"
        "填好后直接回复本邮件，把表格作为附件发回。\n\n"
        "报告期：{period}\n"
        "截止日期：{deadline}\n"
        "如有疑问请联系：{contact}\n\n"
        "请不要修改表格结构，也不要另存为其他格式；回复时请保留邮件主题中的 [{tag}]，以便自动登记。\n\n"
        "{issuer}\n"
    ),
    "en": (
        "To {unit},\n\n"
        "Attached is the return for “{title}” ({file}). Please fill in the yellow cells and reply "
        "to this message with the completed file attached.\n\n"
        "Period: {period}\n"
        "Deadline: {deadline}\n"
        "Questions to: {contact}\n\n"
        "Please do not change the layout of the table or save it in another format, and keep "
        "[{tag}] in the subject of your reply so that it is registered automatically.\n\n"
        "{issuer}\n"
    ),
}
REMIND_SUBJECT = {
    "zh": "催报：《{title}》（{unit}）[{tag}]",
    "en": "Reminder: {title} ({unit}) [{tag}]",
}
REMIND_BODY = {
    "zh": (
        "{unit}：\n\n"
        "{status}\n\n"
        "{problems}\n\n"
        "截止日期：{deadline}\n"
        "请直接回复本邮件发回表格，并保留邮件主题中的 [{tag}]。如有疑问请联系：{contact}\n\n"
        "{issuer}\n"
    ),
    "en": (
        "To {unit},\n\n"
        "{status}\n\n"
        "{problems}\n\n"
        "Deadline: {deadline}\n"
        "Please reply to this message with the file attached and keep [{tag}] in the subject. "
        "Questions to: {contact}\n\n"
        "{issuer}\n"
    ),
}

_STATUS = {
    "missing": (
        "截至{today}，尚未收到你单位报送的《{title}》，请尽快填报。",
        "As of {today} we have not received your return for “{title}”; please send it soon.",
    ),
    "errors": (
        "你单位报送的《{title}》（{file}）有以下问题，请修改后重新发送：",
        "Your return for “{title}” ({file}) has the problems below; please correct them and send it again:",
    ),
    "unreadable": (
        "你单位发来的文件（{file}）无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 再发送：",
        "The file you sent ({file}) cannot be read; please open it in Excel or WPS, save it as .xlsx "
        "and send it again:",
    ),
}
_NOTES = {
    "template": ("附件是你单位的填报表格：{file}", "Your return template is attached: {file}"),
    "feedback": (
        "附件“{file}”中已标出有问题的单元格。",
        "The problem cells are marked in the attached file “{file}”.",
    ),
    "fix": ("（{fix}）", " ({fix})"),
}


def tag(spec: Spec, unit: UnitSpec) -> str:
    """``report-id/UNIT``: written in subjects, found again in replies."""
    return f"{spec.report.id}/{unit.code}"


def format_date(day: dt.date | None, lang: Lang) -> str:
    if day is None:
        return "未定" if lang == "zh" else "not set"
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day:%d %B %Y}".lstrip("0")


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
    subject = render(mail.subject or SUBJECT[spec.lang], fields)
    return _one_line(subject), render(mail.body or BODY[spec.lang], fields)


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
    index = 0 if lang == "zh" else 1
    fields = values(spec, unit, file=file, today=today)
    lines = [f"{n}. {text}" for n, text in enumerate(problems, 1)]
    lines += [_NOTES[kind][index].format(file=name) for kind, name in attached.items()]
    fields["status"] = _STATUS[reason][index].format_map(fields)
    fields["problems"] = "\n".join(lines)
    subject = render(mail.remind_subject or REMIND_SUBJECT[lang], fields)
    body = render(mail.remind_body or REMIND_BODY[lang], fields)
    return _one_line(subject), body.replace("\n\n\n\n", "\n\n")


def fix_note(fix: str, lang: Lang) -> str:
    return _NOTES["fix"][0 if lang == "zh" else 1].format(fix=fix) if fix else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
