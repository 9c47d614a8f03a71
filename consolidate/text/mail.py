"""The e-mails to units: built-in subjects and bodies, reminders' status lines and notes.

Subjects and bodies are templates with ``{placeholder}`` fields (see :mod:`consolidate.mail.texts`);
a spec may replace any of them under ``mail:``.
"""

from __future__ import annotations

MAIL: dict[str, tuple[str, str]] = {
    "mail.subject": (
        "请报送《{title}》（{unit}）[{tag}]",
        "Please return: {title} ({unit}) [{tag}]",
    ),
    "mail.body": (
        "{unit}：\n\n现将《{title}》的填报表格发给你们（附件：{file}）。请在黄色单元格中填写，填好后直接回复本邮件，把表格作为附件发回。\n\n报告期：{period}\n截止日期：{deadline}\n如有疑问请联系：{contact}\n\n请不要修改表格结构，也不要另存为其他格式；回复时请保留邮件主题中的 [{tag}]，以便自动登记。\n\n{issuer}\n",
        "To {unit},\n\nAttached is the return for “{title}” ({file}). Please fill in the yellow cells and reply to this message with the completed file attached.\n\nPeriod: {period}\nDeadline: {deadline}\nQuestions to: {contact}\n\nPlease do not change the layout of the table or save it in another format, and keep [{tag}] in the subject of your reply so that it is registered automatically.\n\n{issuer}\n",
    ),
    "mail.remind_subject": (
        "催报：《{title}》（{unit}）[{tag}]",
        "Reminder: {title} ({unit}) [{tag}]",
    ),
    "mail.remind_body": (
        "{unit}：\n\n{status}\n\n{problems}\n\n截止日期：{deadline}\n请直接回复本邮件发回表格，并保留邮件主题中的 [{tag}]。如有疑问请联系：{contact}\n\n{issuer}\n",
        "To {unit},\n\n{status}\n\n{problems}\n\nDeadline: {deadline}\nPlease reply to this message with the file attached and keep [{tag}] in the subject. Questions to: {contact}\n\n{issuer}\n",
    ),
    "mail.status.missing": (
        "截至{today}，尚未收到你单位报送的《{title}》，请尽快填报。",
        "As of {today} we have not received your return for “{title}”; please send it soon.",
    ),
    "mail.status.errors": (
        "你单位报送的《{title}》（{file}）有以下问题，请修改后重新发送：",
        "Your return for “{title}” ({file}) has the problems below; please correct them and send it again:",
    ),
    "mail.status.unreadable": (
        "你单位发来的文件（{file}）无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 再发送：",
        "The file you sent ({file}) cannot be read; please open it in Excel or WPS, save it as .xlsx and send it again:",
    ),
    "mail.note.template": (
        "附件是你单位的填报表格：{file}",
        "Your return template is attached: {file}",
    ),
    "mail.note.feedback": (
        "附件“{file}”中已标出有问题的单元格。",
        "The problem cells are marked in the attached file “{file}”.",
    ),
    "mail.note.fix": (
        "（{fix}）",
        " ({fix})",
    ),
    "chat.missing": (
        "【催报】{unit}：《{title}》尚未收到你单位的报表，截止日期{deadline}，请尽快填报。",
        "[Reminder] {unit}: we have not received your return for “{title}”; the deadline is {deadline}. Please send it soon.",
    ),
    "chat.errors": (
        "【催报】{unit}：你单位报送的《{title}》（{file}）有以下问题，请修改后在{deadline}前重新报送：",
        "[Reminder] {unit}: your return for “{title}” ({file}) has the problems below; please correct them "
        "and send it again by {deadline}:",
    ),
    "chat.unreadable": (
        "【催报】{unit}：你单位发来的《{title}》文件（{file}）无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx，在{deadline}前重新报送：",
        "[Reminder] {unit}: the file you sent for “{title}” ({file}) cannot be read; please open it in Excel "
        "or WPS, save it as .xlsx and send it again by {deadline}:",
    ),
    "chat.group": (
        "【催报】各单位：《{title}》截止日期为{deadline}。",
        "[Reminder] To all units: “{title}” is due {deadline}.",
    ),
    "chat.group_missing": ("以下单位尚未报送：{names}。", "Not yet returned: {names}."),
    "chat.group_fix": ("以下单位报送的表格需修改后重新报送：{names}。", "To correct and send again: {names}."),
    "chat.group_end": ("请抓紧办理。如有疑问请联系：{contact}", "Questions to: {contact}"),
    "mail.date": (
        "{y}年{m}月{d}日",
        "{d} {month} {y}",
    ),
    "mail.no_date": (
        "未定",
        "not set",
    ),
    "mail.check": (
        "请核实：",
        "please check: ",
    ),
    "mail.where_item": ("第 {item} 项（{where}）：", "Item {item} ({where}): "),
    "mail.where": (
        "{where}：",
        "{where}: ",
    ),
    "mail.more": (
        "……另有 {n} 处",
        "... and {n} more",
    ),
}
