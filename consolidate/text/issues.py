"""The issue catalogue: for each stable code, its level, its message and its suggested fix.

A code always reads the same way and its fix is never forgotten. Messages take the issue's
``value`` and its ``params`` as placeholders (see :class:`consolidate.check.issues.Issue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Code(StrEnum):
    """Every issue code: a stable name the type checker sees (``Code.E_NOT_A_NUMBER``), equal to
    its text (``"E-NOT-A-NUMBER"``) wherever a code is written out (JSON, workbooks, docs)."""

    E_REQUIRED = "E-REQUIRED"
    E_NOT_A_NUMBER = "E-NOT-A-NUMBER"
    E_NOT_AN_INTEGER = "E-NOT-AN-INTEGER"
    E_NOT_A_PERCENT = "E-NOT-A-PERCENT"
    E_NOT_A_DATE = "E-NOT-A-DATE"
    E_NOT_A_BOOL = "E-NOT-A-BOOL"
    E_CELL_ERROR = "E-CELL-ERROR"
    E_CHOICE = "E-CHOICE"
    E_MIN = "E-MIN"
    E_MAX = "E-MAX"
    E_PATTERN = "E-PATTERN"
    E_TOO_LONG = "E-TOO-LONG"
    E_RULE = "E-RULE"
    W_RULE = "W-RULE"
    W_ITEM_CHANGED = "W-ITEM-CHANGED"
    E_UNKNOWN_ITEM = "E-UNKNOWN-ITEM"
    W_MISSING_ROW = "W-MISSING-ROW"
    E_UNREADABLE_FILE = "E-UNREADABLE-FILE"
    E_NO_TABLE = "E-NO-TABLE"
    E_OTHER_REPORT = "E-OTHER-REPORT"
    E_WRONG_PERIOD = "E-WRONG-PERIOD"
    W_NO_METADATA = "W-NO-METADATA"
    E_UNKNOWN_UNIT = "E-UNKNOWN-UNIT"
    I_ASSIGNED = "I-ASSIGNED"
    W_DUPLICATE_RETURN = "W-DUPLICATE-RETURN"
    W_MISSING_RETURN = "W-MISSING-RETURN"
    W_BLANK_RETURN = "W-BLANK-RETURN"
    W_KEPT_EARLIER = "W-KEPT-EARLIER"
    W_OLD_TEMPLATE = "W-OLD-TEMPLATE"
    W_CUMULATIVE_DECREASED = "W-CUMULATIVE-DECREASED"
    W_OUTLIER = "W-OUTLIER"
    I_NOT_UPDATED = "I-NOT-UPDATED"
    W_MISSING_COLUMN = "W-MISSING-COLUMN"
    W_EXTRA_VALUE = "W-EXTRA-VALUE"
    W_MERGED_NUMBER = "W-MERGED-NUMBER"
    W_FORMULA_NO_VALUE = "W-FORMULA-NO-VALUE"
    I_SUBTOTAL_ROW = "I-SUBTOTAL-ROW"
    I_SPEC_CHANGED = "I-SPEC-CHANGED"
    I_HIDDEN_ROW = "I-HIDDEN-ROW"
    I_OPENED = "I-OPENED"
    I_CONVERTED = "I-CONVERTED"


@dataclass(frozen=True)
class Entry:
    level: Level
    zh: str
    en: str
    fix_zh: str
    fix_en: str


def _e(level: Level, zh: str, en: str, fix_zh: str = "", fix_en: str = "") -> Entry:
    return Entry(level, zh, en, fix_zh, fix_en)


# The fix as the unit reads it (the upload page, a reminder), where the clerk's is about the unit
# ("ask the unit to…"); the other codes' fixes are the same for both.
FIX_FOR_UNITS: dict[Code, tuple[str, str]] = {
    Code.E_UNREADABLE_FILE: (
        "请用 Excel 或 WPS 打开这个文件，另存为 .xlsx 后重新报送",
        "Open the file in Excel or WPS, save it as .xlsx and send it again",
    ),
    Code.E_WRONG_PERIOD: ("请用本期下发的模板重新填报", "Fill in this period's template and send it again"),
    Code.W_NO_METADATA: ("请使用下发的模板填报", "Please use the template that was sent"),
    Code.W_KEPT_EARLIER: ("请按上面的问题改正后重新报送", "Correct the problems above and send the file again"),
    Code.W_OLD_TEMPLATE: ("核对新增栏目；今后请使用新模板", "Check the added fields; use the new template from now on"),
}

# Why a file cannot be read, as the unit that sent it reads it, where the clerk's wording asks the
# clerk to ask the unit (请对方…) or names the clerk's options (--password): catalogue key of
# the reason -> (its statement, the unit's fix).
REASON_FOR_UNITS: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "read.wrong_password": (
        ("文件有密码保护，收表方打不开", "the file is password-protected and cannot be opened here"),
        ("请去掉文件的密码（另存时不设密码）后重新报送", "Save the file without a password and send it again"),
    ),
    "read.password_needed": (
        ("文件有密码保护，收表方打不开", "the file is password-protected and cannot be opened here"),
        ("请去掉文件的密码（另存时不设密码）后重新报送", "Save the file without a password and send it again"),
    ),
    "read.not_spreadsheet.docx": (
        ("这是 Word 文档（.docx），不是 Excel 表格", "this is a Word document (.docx), not a spreadsheet"),
        ("请把数据填在下发的 Excel 模板里，保存后重新报送", "Fill in the Excel template you were sent and send that"),
    ),
    "read.not_spreadsheet.doc": (
        ("这是 Word 文档（.doc），不是 Excel 表格", "this is a Word document (.doc), not a spreadsheet"),
        ("请把数据填在下发的 Excel 模板里，保存后重新报送", "Fill in the Excel template you were sent and send that"),
    ),
    "read.not_spreadsheet.pdf": (
        ("这是 PDF 文件，无法读取其中的数字", "this is a PDF file, whose numbers cannot be read"),
        ("请发送填好的 Excel 模板（.xlsx），不要转成 PDF", "Send the filled-in Excel template (.xlsx), not a PDF"),
    ),
    "read.not_spreadsheet.html": (
        ("这是网页（HTML）文件，只是扩展名为 .xls", "this is a web page (HTML) named .xls"),
        None,  # the code's own fix for units: open it in Excel or WPS, save it as .xlsx
    ),
    "read.not_spreadsheet.xml2003": (("这是 Excel 2003 XML 表格", "this is an Excel 2003 XML spreadsheet"), None),
    "read.not_spreadsheet.text": (
        ("这是文本文件，只是扩展名像 Excel 表格", "this is a text file named like a spreadsheet"),
        ("请发送填好的 Excel 模板（.xlsx）", "Send the filled-in Excel template (.xlsx)"),
    ),
}


E, W, INFO = Level.ERROR, Level.WARNING, Level.INFO

ISSUES: dict[Code, Entry] = {
    Code.E_REQUIRED: _e(
        E,
        "“{label}”为必填项，未填写",
        "“{label}” is required but empty",
        "请填写该单元格",
        "Fill in this cell",
    ),
    Code.E_NOT_A_NUMBER: _e(
        E,
        "“{label}”应为数字，填写的是“{value}”",
        "“{label}” must be a number, got “{value}”",
        "只填数字，不要带文字或单位",
        "Enter digits only, without words or units",
    ),
    Code.E_NOT_AN_INTEGER: _e(
        E,
        "“{label}”应为整数，填写的是“{value}”",
        "“{label}” must be a whole number, got “{value}”",
        "填写整数",
        "Enter a whole number",
    ),
    Code.E_NOT_A_PERCENT: _e(
        E,
        "“{label}”应为百分比，填写的是“{value}”",
        "“{label}” must be a percentage, got “{value}”",
        "填写如 79.46% 的百分比",
        "Enter a percentage such as 79.46%",
    ),
    Code.E_NOT_A_DATE: _e(
        E,
        "“{label}”应为日期，填写的是“{value}”",
        "“{label}” must be a date, got “{value}”",
        "按 2025-04-15 的格式填写日期",
        "Enter a date like 2025-04-15",
    ),
    Code.E_NOT_A_BOOL: _e(
        E,
        "“{label}”应填“是”或“否”，填写的是“{value}”",
        "“{label}” must be yes or no, got “{value}”",
        "从下拉列表选择“是”或“否”",
        "Pick yes or no from the list",
    ),
    Code.E_CELL_ERROR: _e(
        E,
        "“{label}”是错误值 {value}（公式出错），未读取",
        "“{label}” holds the error value {value} (a broken formula); not read",
        "修正公式，或直接填写数值",
        "Fix the formula, or type the value",
    ),
    Code.E_CHOICE: _e(
        E,
        "“{label}”的“{value}”不在可选项（{choices}）中",
        "“{value}” is not one of the choices for “{label}” ({choices})",
        "从下拉列表中选择",
        "Pick a value from the drop-down list",
    ),
    Code.E_MIN: _e(
        E,
        "“{label}”不能小于 {limit}，填写的是 {value}",
        "“{label}” must be at least {limit}, got {value}",
        "核对数值",
        "Check the number",
    ),
    Code.E_MAX: _e(
        E,
        "“{label}”不能大于 {limit}，填写的是 {value}",
        "“{label}” must be at most {limit}, got {value}",
        "核对数值",
        "Check the number",
    ),
    Code.E_PATTERN: _e(
        E,
        "“{label}”的格式不对：“{value}”",
        "“{label}” does not match the required format: “{value}”",
        "按填报说明中的格式填写",
        "Use the format given in the instructions",
    ),
    Code.E_TOO_LONG: _e(
        E,
        "“{label}”超过 {limit} 字（{length} 字）",
        "“{label}” is longer than {limit} characters ({length})",
        "精简文字",
        "Shorten the text",
    ),
    Code.E_RULE: _e(E, "{message}", "{message}", "核对本行数据", "Check the values in this row"),
    Code.W_RULE: _e(W, "{message}", "{message}", "核对本行数据", "Check the values in this row"),
    Code.W_ITEM_CHANGED: _e(
        W,
        "预填的“{label}”被改为“{value}”（原为“{expected}”），已按原值汇总",
        "Pre-filled “{label}” was changed to “{value}” (was “{expected}”); the original is used",
        "不要修改灰色预填单元格",
        "Do not edit the grey pre-filled cells",
    ),
    Code.E_UNKNOWN_ITEM: _e(
        E,
        "第 {row} 行不是本单位应报的事项（“{value}”），未汇总",
        "Row {row} is not an item assigned to this unit (“{value}”); not merged",
        "只在模板给出的行中填写",
        "Only fill in the rows given in the template",
    ),
    Code.W_MISSING_ROW: _e(
        W,
        "应报事项“{value}”在报表中找不到",
        "Assigned item “{value}” is missing from the return",
        "使用下发的模板，不要删除行",
        "Use the template sent to you and keep all its rows",
    ),
    Code.E_UNREADABLE_FILE: _e(
        E,
        "文件无法读取：{reason}",
        "The file cannot be read: {reason}",
        "请对方用 Excel/WPS 打开后另存为 .xlsx 再发送",
        "Ask the unit to re-save it as .xlsx",
    ),
    Code.E_NO_TABLE: _e(
        E,
        "文件中找不到报表（表头：{labels}）",
        "No return table found in the file (header: {labels})",
        "请使用下发的模板填报",
        "Use the template that was sent",
    ),
    Code.E_OTHER_REPORT: _e(
        E,
        "这是另一份报表（{value}）的文件，不属于本次汇总（{expected}）",
        "This file belongs to another report ({value}), not {expected}",
        "确认是否发错文件",
        "Check whether the wrong file was sent",
    ),
    Code.E_WRONG_PERIOD: _e(
        E,
        "这是 {value} 的报表，不是本期（{expected}）的，未计入汇总",
        "This return is for {value}, not this period ({expected}); not merged",
        "请该单位用本期下发的模板重新填报；往期数值已在历史记录中",
        "Ask the unit to fill in this period's template; earlier periods are in the history",
    ),
    Code.W_NO_METADATA: _e(
        W,
        "文件不是由下发模板填写的（缺少模板信息），已按表头识别，单位按“{value}”识别为 {unit}",
        "The file is not the template sent (no template metadata); read by its header, unit “{value}” taken as {unit}",
        "核对识别结果；今后请使用下发的模板",
        "Check the result; ask the unit to use the template",
    ),
    Code.E_UNKNOWN_UNIT: _e(
        E,
        "无法确定填报单位“{value}”，不在单位名单中{closest}；如确是该单位报送的，可用 {assign} 指定",
        "Cannot tell which unit sent this (“{value}” is not in the unit list){closest}; "
        "if it is that unit's return, say so with {assign}",
        "用 {assign} 指定报送单位（单位名称或编码），或在“填报单位”单元格中写明单位全称",
        "Name the unit with {assign} (its name or code), or put its full name in the unit cell",
    ),
    Code.I_ASSIGNED: _e(
        INFO,
        "按 --assign 指定为 {unit} 的报表",
        "Taken as {unit}'s return, as --assign says",
    ),
    Code.W_DUPLICATE_RETURN: _e(
        W,
        "{unit} 报送了多份文件：{files}；采用最新的 {kept}",
        "{unit} sent several files: {files}; the newest, {kept}, is used",
        "确认采用哪一份；不需要的文件请移出文件夹",
        "Confirm which one counts; move the others away",
    ),
    Code.W_KEPT_EARLIER: _e(
        W,
        "{unit} 的最新文件无法采用，本次汇总未计入该单位；历史记录仍保留该单位本期此前已接受的 {values} 个数值"
        "（来自 {files}，{recorded} 记录）",
        "The newest file of {unit} could not be used and this summary leaves the unit out; the history keeps"
        " the {values} values accepted for it this period before (from {files}, recorded {recorded})",
        "请该单位按上面的问题改正后重新报送，再合并一次",
        "Ask the unit to correct the problem above and send it again, then merge again",
    ),
    Code.W_MISSING_RETURN: _e(
        W,
        "{unit} 未报送",
        "{unit} has not returned the report",
        "联系该单位催报",
        "Remind the unit",
    ),
    Code.W_BLANK_RETURN: _e(
        W,
        "{unit} 交回的是空白表，没有填写任何数据，不算已报送",
        "{unit} sent back a blank form: nothing is filled in, so it does not count as returned",
        "在表中填写后重新报送",
        "Fill in the form and send it again",
    ),
    Code.W_OLD_TEMPLATE: _e(
        W,
        "这份报表用的是旧版模板；新增栏目：{added}；删除栏目：{removed}；改名：{renamed}",
        "This return was made from an older template: added {added}; removed {removed}; renamed {renamed}",
        "核对新增栏目是否需要补报；今后请使用新模板",
        "Check the added fields; ask the unit to use the new template",
    ),
    Code.W_CUMULATIVE_DECREASED: _e(
        W,
        "“{label}”是累计数，本期（{period}）填 {value}，比上期（{previous_period}）的 {previous} 还少",
        "“{label}” is cumulative: {value} for {period} is below {previous} for {previous_period}",
        "核对是否误填了当期数或笔误；累计数只增不减",
        "Check for a typo or a figure for the period alone; a cumulative figure never falls",
    ),
    Code.I_NOT_UPDATED: _e(
        INFO,
        "“{label}”与上期（{previous_period}）报送的内容一字不差：模板里预填的上期内容没有改动",
        "“{label}” is word for word what was returned for {previous_period}: the text the template "
        "started from was not changed",
        "如本期有新进展，请在上期内容后补写；确实没有新进展的，可写明“本期无新进展”",
        "If there is progress this period, add it after the earlier text; if there is none, say so",
    ),
    Code.W_OUTLIER: _e(
        W,
        "“{label}”填 {value}，与本单位以往各期（{history}）相差过大（修正Z分数 {score}，超过 {threshold}）",
        "“{label}” is {value}, far from the unit's earlier periods ({history}); modified z-score {score} is over {threshold}",
        "核对数值是否笔误（多打或少打了一位）",
        "Check the figure for a typo (a digit too many or too few)",
    ),
    Code.W_MISSING_COLUMN: _e(
        W,
        "找不到“{label}”栏：{file} 的表头中没有这一列，该栏按未填写处理",
        "No “{label}” column: the header of {file} has no such column; read as not filled in",
        "使用下发的模板，或在表头中补上“{label}”列后重新报送",
        "Use the template sent, or add a “{label}” column to the header and send it again",
    ),
    Code.W_EXTRA_VALUE: _e(
        W,
        "{column} 列的“{value}”不属于任何栏目，未汇总",
        "“{value}” in column {column} belongs to no field; not merged",
        "确认该内容是否应填在某一栏中",
        "Check whether it belongs in one of the fields",
    ),
    Code.W_MERGED_NUMBER: _e(
        W,
        "“{label}”在合并单元格 {range} 中，数值“{value}”只计一次",
        "“{label}” is in merged cells {range}; “{value}” is counted once",
        "取消合并，每行分别填写",
        "Unmerge the cells and fill each row",
    ),
    Code.W_FORMULA_NO_VALUE: _e(
        W,
        "“{label}”是没有计算结果的公式“{value}”，未读取",
        "“{label}” is a formula without a stored result (“{value}”); not read",
        "在 Excel/WPS 中打开并保存一次，或直接填写数值",
        "Open and save it in Excel/WPS once, or type the number",
    ),
    Code.I_SUBTOTAL_ROW: _e(
        INFO,
        "第 {row} 行是合计行（“{value}”），未重复计入",
        "Row {row} is a subtotal row (“{value}”); not counted again",
    ),
    Code.I_SPEC_CHANGED: _e(
        INFO,
        "这份报表的模板生成后，报表定义有改动（规则、说明等），栏目没有变化，已照常读取",
        "The spec changed after this return's template was made (rules, help...); its fields did not, so it was read as usual",
    ),
    Code.I_HIDDEN_ROW: _e(INFO, "第 {row} 行是隐藏行，已照常读取", "Row {row} is hidden; it was read as usual"),
    Code.I_OPENED: _e(INFO, "文件{how}", "The file was opened: {how}"),
    Code.I_CONVERTED: _e(
        INFO,
        "“{label}”的“{value}”按 {result} 读取（{how}）",
        "“{label}” value “{value}” was read as {result} ({how})",
    ),
}
