"""Labels of generated workbooks and CLI text, Chinese by default with English available."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

_LABELS: dict[str, tuple[str, str]] = {
    # template
    "sheet.return": ("填报", "Return"),
    "sheet.instructions": ("填报说明", "Instructions"),
    "unit": ("填报单位", "Reporting unit"),
    "contact": ("联系人", "Contact person"),
    "phone": ("联系电话", "Phone"),
    "period": ("报告期", "Period"),
    "deadline": ("截止日期", "Deadline"),
    "issuer": ("发文单位", "Issued by"),
    "instr.title": ("填报说明", "How to fill in this return"),
    "instr.intro": (
        "请在黄色单元格中填写；灰色单元格为预填内容，不可修改。填好后保存为 .xlsx 文件，"
        "在截止日期前发回。请勿修改表头、增删列或重命名工作表。",
        "Fill in the yellow cells; grey cells are pre-filled and locked. Save as .xlsx and "
        "send it back before the deadline. Do not change the header, add or remove columns, "
        "or rename the sheet.",
    ),
    "instr.field": ("栏目", "Column"),
    "instr.type": ("类型", "Type"),
    "instr.required": ("必填", "Required"),
    "instr.rules": ("要求", "Constraints"),
    "instr.help": ("说明", "Help"),
    "instr.ask": ("如有疑问请联系", "Questions to"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "prefilled": ("预填", "pre-filled"),
    "computed": ("自动计算", "computed"),
    "type.text": ("文本", "text"),
    "type.integer": ("整数", "whole number"),
    "type.number": ("数字", "number"),
    "type.percent": ("百分比", "percentage"),
    "type.date": ("日期", "date"),
    "type.choice": ("选项", "choice"),
    "type.bool": ("是/否", "yes/no"),
    "c.min": ("不小于 {v}", "at least {v}"),
    "c.max": ("不大于 {v}", "at most {v}"),
    "c.choices": ("从下拉列表选择：{v}", "pick from the list: {v}"),
    "c.max_length": ("不超过 {v} 字", "at most {v} characters"),
    "c.pattern": ("格式：{v}", "format: {v}"),
    "c.date": ("日期，如 2025-04-15", "a date such as 2025-04-15"),
    "c.bool": ("填 是 或 否", "yes or no"),
    "c.formula": ("公式 {v}，自动计算", "formula {v}, computed"),
    "dv.error_title": ("输入有误", "Invalid entry"),
    "dv.input_title": ("填写提示", "How to fill"),
    # summary
    "sheet.summary": ("汇总", "Summary"),
    "sheet.by_unit": ("分单位", "By unit"),
    "sheet.detail": ("明细", "Detail"),
    "sheet.submissions": ("报送情况", "Submissions"),
    "sheet.issues": ("校验问题", "Issues"),
    "sheet.about": ("说明", "About"),
    "col.item": ("事项编号", "Item id"),
    "col.expected_units": ("应报单位数", "Units expected"),
    "col.reported_units": ("已报单位数", "Units reported"),
    "col.unit_code": ("单位编码", "Unit code"),
    "col.unit_name": ("单位名称", "Unit name"),
    "col.status": ("状态", "Status"),
    "col.overdue": ("逾期", "Overdue"),
    "col.file": ("文件", "File"),
    "col.sheet": ("工作表", "Sheet"),
    "col.row": ("行", "Row"),
    "col.received": ("收到时间", "Received"),
    "col.rows": ("填报行数", "Rows"),
    "col.errors": ("错误数", "Errors"),
    "col.warnings": ("警告数", "Warnings"),
    "col.infos": ("提示数", "Notes"),
    "col.level": ("级别", "Level"),
    "col.code": ("代码", "Code"),
    "col.cell": ("单元格", "Cell"),
    "col.field": ("栏目", "Field"),
    "col.value": ("填报值", "Value as typed"),
    "col.message": ("问题说明", "Message"),
    "col.fix": ("修改建议", "Suggested fix"),
    "col.contact": ("联系人", "Contact"),
    "col.phone": ("联系电话", "Phone"),
    "col.count_of": ("{v}数", "count {v}"),
    "total": ("合计", "Total"),
    "level.error": ("错误", "error"),
    "level.warning": ("警告", "warning"),
    "level.info": ("提示", "info"),
    "status.returned": ("已报送", "returned"),
    "status.missing": ("未报送", "missing"),
    "status.duplicate": ("重复", "duplicate"),
    "status.unreadable": ("无法读取", "unreadable"),
    "about.report": ("报表", "Report"),
    "about.report_id": ("报表编号", "Report id"),
    "about.title": ("标题", "Title"),
    "about.period": ("报告期", "Period"),
    "about.deadline": ("截止日期", "Deadline"),
    "about.issuer": ("发文单位", "Issuer"),
    "about.tool": ("工具版本", "Tool version"),
    "about.made": ("数据截至", "Data as of"),
    "about.spec_hash": ("报表定义 sha256", "Spec sha256"),
    "about.units": ("应报单位", "Units expected"),
    "about.returned": ("已报单位", "Units returned"),
    "about.inputs": ("输入文件", "Input files"),
    "about.sha256": ("sha256", "sha256"),
    "about.note": (
        "汇总中的合计只统计已收到的报表；完成率等计算栏由合计值重新计算（比值之和≠和之比）。",
        "Totals cover the returns received; computed columns such as rates are recomputed "
        "from the totals (a ratio of sums, never a mean of ratios).",
    ),
    "chart.title": ("各事项完成情况", "Completion by item"),
}


def t(key: str, lang: Lang = "zh", **kwargs: object) -> str:
    """Return the label ``key`` in ``lang``; ``{v}``-style placeholders are filled from kwargs."""
    zh, en = _LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**kwargs) if kwargs else text
