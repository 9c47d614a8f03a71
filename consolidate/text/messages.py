"""Messages: of the command line, of spec checking, of reading files, and the notes that say how
a value had to be read. Keys are grouped by their first part (``cli.``, ``spec.``, ``read.``...).
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # How lists and labelled values are written
    "sep.list": ("、", ", "),
    "sep.clause": ("，", ", "),
    "sep.semi": ("；", "; "),
    "sep.comma": (", ", ", "),
    "labelled": ("{label}：{value}", "{label}: {value}"),
    "none": ("无", "none"),
    "value.blank": ("空白", "blank"),
    "closest_units": ("；最接近的是：{names}", "; the closest: {names}"),
    "assign_option": ('--assign "{file}={unit}"', '--assign "{file}={unit}"'),
    "assign_unit": ("单位名称", "UNIT"),
    "input.assign_unit": (
        "--assign “{given}”：单位“{unit}”不在单位名单中{hint}",
        "--assign “{given}”: “{unit}” is not in the unit list{hint}",
    ),
    "input.assign_form": (
        '--assign “{given}”应写成 文件=单位，如 --assign "报表.xlsx=龙溪镇卫生院"',
        '--assign “{given}” must be FILE=UNIT, e.g. --assign "return.xlsx=Longxi clinic"',
    ),
    "input.assign_file": (
        "--assign “{given}”：找不到文件“{file}”",
        "--assign “{given}”: no file “{file}” among the returns",
    ),
    # The command line
    "cli.spec_ok": (
        "报表定义无误：{title}（{units} 个单位，{items} 个事项，{fields} 个栏目）",
        "Spec is valid: {title} ({units} units, {items} items, {fields} fields)",
    ),
    "cli.spec_bad": ("报表定义有 {n} 处问题：", "The spec has {n} problem(s):"),
    "cli.templates_done": ("已生成 {n} 个模板：{dir}", "Wrote {n} templates to {dir}"),
    "cli.reading": ("读取报表", "Reading returns"),
    "cli.fetching": ("收取邮件", "Fetching mail"),
    "cli.merged": ("汇总完成：{file}", "Summary written: {file}"),
    "cli.pdf": ("PDF 已生成（可直接打印）：{file}", "PDF written (ready to print): {file}"),
    "cli.json": ("JSON 已写入：{file}", "JSON written: {file}"),
    "cli.counts": (
        "{returned}/{units} 个单位已报送；错误 {e}，警告 {w}，提示 {i}",
        "{returned}/{units} units returned; {e} errors, {w} warnings, {i} notes",
    ),
    "cli.missing": ("未报送：{names}", "Missing: {names}"),
    "cli.no_issues": ("没有发现问题。", "No problems found."),
    "cli.init_done": (
        "已创建 {file}；编辑后运行 consolidate check {file}",
        "Created {file}; edit it, then run consolidate check {file}",
    ),
    "cli.demo_done": (
        "示例已生成：{dir}\n  报表定义 {spec}\n  模板 {templates}\n  回收的报表 {returns}\n  汇总 {summary}",
        "Demo written to {dir}\n  spec {spec}\n  templates {templates}\n  returns {returns}\n  summary {summary}",
    ),
    "cli.error": ("无法执行：", "Cannot run: "),
    "cli.feedback": ("已为 {n} 个单位写出反馈文件：{dir}", "Wrote feedback files for {n} unit(s) to {dir}"),
    "cli.kinds": ("可用的报表类型：{kinds}", "Built-in kinds: {kinds}"),
    "cli.password": ("{server} 密码（{user}@{host}）", "{server} password for {user}@{host}"),
    "cli.sending": ("发送邮件", "Sending"),
    "cli.sent": (
        "已发送 {sent} 封，此前已发送 {before} 封，失败 {failed} 封",
        "{sent} sent, {before} sent before, {failed} failed",
    ),
    "cli.outbox": (
        "已把 {n} 封邮件写入 {dir}（未发送）；检查无误后去掉 --dry-run 再发送",
        "Wrote {n} message(s) to {dir} (nothing sent); check them, then run without --dry-run",
    ),
    "cli.no_address": (
        "没有邮箱地址的单位：{names}（请在单位名单的 email 列填写）",
        "Units without an e-mail address: {names} (fill in the email column of the units table)",
    ),
    "cli.no_template": (
        "找不到模板或模板已过期的单位：{names}（请先运行 consolidate templates）",
        "Units without a current template: {names} (run consolidate templates first)",
    ),
    "cli.invalid_address": ("无效的地址：{v}", "invalid address: {v}"),
    "cli.nobody_to_remind": (
        "所有单位都已报送有效的报表，无需催报。",
        "Every unit has returned a valid file; nobody to remind.",
    ),
    "cli.collected": (
        "共 {messages} 封邮件，新保存 {saved} 个文件，{seen} 封此前已收取：{dir}",
        "{messages} message(s), {saved} new file(s) saved, {seen} collected before: {dir}",
    ),
    "cli.skipped": ("未保存的附件：", "Attachments not saved:"),
    "cli.skipped_file": ("  {file}（{sender}，{subject}）：{why}", "  {file} ({sender}, {subject}): {why}"),
    "cli.bad_since": (
        "--since：日期应写成 2025-04-01，写的是：{value}",
        "--since: a date like 2025-04-01, not {value}",
    ),
    "cli.unknown_units": ("不在单位名单中：{names}", "Not in the units list: {names}"),
    # Inputs
    "input.not_found": ("找不到：{path}", "No such file or folder: {path}"),
    "input.no_files": ("没有可读取的文件", "No files to read"),
    "input.embedded_spec": ("{file}：{error}", "{file}: {error}"),
    "input.no_template_spec": (
        "没有找到由模板生成的报表，请用 -s 指定 report.yaml",
        "No return made from a template was found: give the spec with -s report.yaml",
    ),
    "frames.no_pandas": (
        '需要 pandas：pip install "consolidate[pandas]"',
        'pandas is needed: pip install "consolidate[pandas]"',
    ),
    # The spec
    "spec.not_found": ("找不到报表定义文件", "Spec file not found"),
    "spec.cannot_read": ("无法读取：{error}", "Cannot read it: {error}"),
    "spec.yaml_syntax": ("YAML 语法错误：{error}", "YAML syntax error: {error}"),
    "spec.not_mapping": ("报表定义应是一个键值映射", "The spec must be a mapping of keys to values"),
    "spec.embedded_damaged": ("模板中的报表定义已损坏：{error}", "The spec inside the template is damaged: {error}"),
    "spec.no_units": ("单位名单为空", "The units list is empty"),
    "spec.no_items": ("事项表为空", "The items table is empty"),
    "spec.duplicate_unit_code": ("单位编码“{value}”重复", "Unit code “{value}” appears twice"),
    "spec.duplicate_unit_name": ("单位名称“{value}”重复", "Unit name “{value}” appears twice"),
    "spec.duplicate_field": ("栏目 id“{value}”重复", "Field id “{value}” appears twice"),
    "spec.duplicate_item": ("事项 id“{value}”重复", "Item id “{value}” appears twice"),
    "spec.choice_needs_choices": ("choice 类型需要 choices 列表", "A choice field needs a list of choices"),
    "spec.order_not_choices": ("order 中的“{value}”不在 choices 中", "“{value}” in order is not one of the choices"),
    "spec.aggregate_numeric": ("aggregate: {how} 只能用于数字栏目", "aggregate: {how} is for numeric fields only"),
    "spec.worst_needs_order": ("aggregate: worst 需要 order 或 choices", "aggregate: worst needs order or choices"),
    "spec.measure_field": (
        "measure: true 只能用于一个 source: item 的文本栏目（如“计量单位”）",
        "measure: true is for one text field with source: item (such as “unit of measure”)",
    ),
    "spec.formula_with_source": ("计算栏目不能同时是 source: item", "A computed field cannot also be source: item"),
    "spec.bad_formula": ("公式“{formula}”无效：{error}", "The formula “{formula}” is not valid: {error}"),
    "spec.formula_unknown_field": (
        "公式引用了不存在的栏目“{name}”{hint}",
        "The formula uses a field that does not exist, “{name}”{hint}",
    ),
    "spec.formula_self": ("公式不能引用自身", "A formula cannot use its own field"),
    "spec.bad_pattern": ("正则表达式无效：{error}", "The regular expression is not valid: {error}"),
    "spec.bad_rule": ("规则“{rule}”无效：{error}", "The rule “{rule}” is not valid: {error}"),
    "spec.rule_unknown_field": (
        "规则引用了不存在的栏目“{name}”{hint}",
        "The rule uses a field that does not exist, “{name}”{hint}",
    ),
    "spec.did_you_mean": ("，是否想写“{name}”？", "; did you mean “{name}”?"),
    "spec.did_you_mean_units": ("，是否是：{names}？", "; did you mean: {names}?"),
    "spec.unknown_key": ("未知的键“{key}”{hint}", "Unknown key “{key}”{hint}"),
    "spec.allowed_keys": ("；可用的键：{keys}", "; the keys allowed: {keys}"),
    "spec.missing_key": ("缺少必填的键“{key}”", "The key “{key}” is required"),
    "spec.bad_value": ("取值“{value}”不可用，应为 {allowed}", "“{value}” is not allowed: use {allowed}"),
    "spec.bad_format": ("“{value}”格式不对，应符合 {pattern}", "“{value}” has the wrong form: it must match {pattern}"),
    "spec.invalid": ("{error}（值：{value}）", "{error} (value: {value})"),
    "spec.fixed_needs_items": ("rows: fixed 需要 items", "rows: fixed needs items"),
    "spec.mail_braces": (
        "花括号不配对，字面的花括号请写成 {{{{ 和 }}}}：{error}",
        "Unbalanced braces; write a literal brace as {{{{ or }}}}: {error}",
    ),
    "spec.mail_placeholder": ("未知的占位符 {bad}；可用：{allowed}", "Unknown placeholder {bad}; allowed: {allowed}"),
    "spec.mail_address": ("不是邮箱地址：{value}", "Not an e-mail address: {value}"),
    "spec.table_not_found": ("找不到文件", "File not found"),
    "spec.units_column": (
        "单位表缺少“{key}”列（列：code,name[,email,contact,phone,parent]）",
        "The units table has no “{key}” column (columns: code,name[,email,contact,phone,parent])",
    ),
    "spec.unit_code_name": ("单位编码和名称都不能为空", "A unit needs both a code and a name"),
    "spec.item_unknown_key": (
        "未知的列/键“{key}”：不是 source: item 的栏目{hint}",
        "Unknown column or key “{key}”: not a source: item field{hint}",
    ),
    "spec.item_not_item_field": (
        "栏目“{field}”不是 source: item，不能在事项中预填",
        "Field “{field}” is not source: item, so items cannot pre-fill it",
    ),
    "spec.item_unknown_unit": (
        "事项 {item} 的单位“{unit}”不在单位名单中{hint}",
        "Item {item}: unit “{unit}” is not in the units list{hint}",
    ),
    "spec.item_per_unit_unknown": (
        "事项 {item} 的“{field}”按单位给值，单位“{unit}”不在名单中{hint}",
        "Item {item} gives “{field}” per unit, and unit “{unit}” is not in the units list{hint}",
    ),
    "spec.item_per_unit_not_assigned": (
        "事项 {item} 给单位“{unit}”设了“{field}”，但该单位不在此事项的 units 中",
        "Item {item} sets “{field}” for unit “{unit}”, which is not one of the item's units",
    ),
    "spec.item_value": ("事项 {item} 的“{label}”：{error}", "Item {item}, “{label}”: {error}"),
    "spec.item_unit_value": (
        "事项 {item} 单位 {unit} 的“{label}”：{error}",
        "Item {item}, unit {unit}, “{label}”: {error}",
    ),
    "spec.item_not_number": ("“{value}”不是数字", "“{value}” is not a number"),
    "expr.syntax": ("语法错误：{error}", "syntax error: {error}"),
    "expr.not_allowed": ("不支持的写法：{what}", "not allowed: {what}"),
    "expr.functions": ("只能调用 abs/min/max/round/len", "only abs/min/max/round/len may be called"),
    # Reading files (the reasons of E-UNREADABLE-FILE)
    "read.cannot_open": ("无法打开文件：{error}", "cannot open the file: {error}"),
    "read.empty": ("文件是空的（0 字节）", "the file is empty (0 bytes)"),
    "read.out_of_memory": ("文件过大，内存不足以读取", "the file is too large to read in the memory available"),
    "read.broken": ("文件已损坏或格式不对（{error}）", "the file is damaged or not in the format it claims ({error})"),
    "read.truncated": (
        "文件不完整或已损坏（可能没有下载完整，或在传输中被截断）",
        "the file is incomplete or damaged (perhaps not fully downloaded, or cut short in transfer)",
    ),
    "read.ole_damaged": (
        "文件不完整或已损坏（Office 文件结构有误）",
        "the file is incomplete or damaged (a broken Office file)",
    ),
    "read.damaged": ("文件不完整或已损坏（{error}）", "the file is incomplete or damaged ({error})"),
    "read.bad_xml": ("文件内容不是有效的 XML（{error}）", "the file's content is not valid XML ({error})"),
    "read.bad_content": ("文件内容有误（{error}）", "the file's content is wrong ({error})"),
    "read.unsafe_xml": (
        "文件包含不安全的 XML 内容，已拒绝（{kind}）",
        "the file holds unsafe XML and was refused ({kind})",
    ),
    "read.sheet_too_large": (
        "表格“{sheet}”的范围过大（{rows} 行 × {cols} 列），疑似恶意文件，已拒绝",
        "sheet “{sheet}” spans too much ({rows} rows × {cols} columns), which looks hostile; refused",
    ),
    "read.nth_sheet": ("第{n}个工作表", "sheet {n}"),
    "read.wrong_password": (
        "文件有密码保护，给出的密码都不对；请向对方确认密码（--password）",
        "the file is password-protected and none of the passwords given opens it; ask the unit for it (--password)",
    ),
    "read.password_needed": (
        "文件有密码保护；请用 --password 或 --passwords 给出密码，或请对方去掉密码后重发",
        "the file is password-protected: give the password with --password or --passwords, or ask the unit "
        "to send it again without one",
    ),
    "read.decrypted": ("已用密码解密", "decrypted with a password"),
    "read.not_spreadsheet": ("不是电子表格文件（{suffix}）", "not a spreadsheet file ({suffix})"),
    "read.not_spreadsheet.docx": (
        "这是 Word 文档（.docx），不是 Excel 表格；请对方把表格填在下发的 Excel 模板里",
        "this is a Word document (.docx), not a spreadsheet; ask the unit to fill in the Excel template sent",
    ),
    "read.not_spreadsheet.doc": (
        "这是 Word 文档（.doc），不是 Excel 表格；请对方把表格填在下发的 Excel 模板里",
        "this is a Word document (.doc), not a spreadsheet; ask the unit to fill in the Excel template sent",
    ),
    "read.not_spreadsheet.pptx": (
        "这是 PowerPoint 文件，不是 Excel 表格",
        "this is a PowerPoint file, not a spreadsheet",
    ),
    "read.not_spreadsheet.pdf": (
        "这是 PDF 文件，无法读取其中的数字；请对方发送 Excel 文件",
        "this is a PDF file, whose numbers cannot be read; ask the unit for the Excel file",
    ),
    "read.not_spreadsheet.html": (
        "这是网页（HTML）文件，只是扩展名为 .xls；请对方用 Excel/WPS 打开后另存为 .xlsx",
        "this is a web page (HTML) named .xls; ask the unit to open it in Excel or WPS and save it as .xlsx",
    ),
    "read.not_spreadsheet.xml2003": (
        "这是 Excel 2003 XML 表格；请对方用 Excel/WPS 打开后另存为 .xlsx",
        "this is an Excel 2003 XML spreadsheet; ask the unit to open it in Excel or WPS and save it as .xlsx",
    ),
    "read.not_spreadsheet.zip": (
        "这是一个压缩包而不是 Excel 文件；请把扩展名改为 .zip 后再放入文件夹",
        "this is a zip archive, not an Excel file; rename it to .zip and put it back in the folder",
    ),
    "read.not_spreadsheet.text": (
        "这是文本文件，只是扩展名像 Excel 表格；请对方发送真正的 Excel 文件",
        "this is a text file named like a spreadsheet; ask the unit for the real Excel file",
    ),
    "read.not_spreadsheet.ole": (
        "无法识别的 Office 文件（不是 Excel 表格）",
        "an Office file of an unknown kind (not a spreadsheet)",
    ),
    "read.archive": ("压缩包", "the archive"),
    "read.the_file": ("文件", "the file"),
    "read.archive_damaged": ("压缩包已损坏（{error}）", "the archive is damaged ({error})"),
    "read.archive_traversal": (
        "压缩包中的文件名“{name}”指向压缩包以外，已拒绝（路径穿越）",
        "the archive's member name “{name}” points outside the archive; refused (path traversal)",
    ),
    "read.archive_encrypted": (
        "压缩包中的文件有密码，无法读取",
        "the archive's member is password-protected and cannot be read",
    ),
    "read.archive_member_damaged": ("压缩包中的文件已损坏（{error}）", "the archive's member is damaged ({error})"),
    "read.archive_too_deep": ("压缩包嵌套过深，已拒绝", "archives nested too deep; refused"),
    "read.too_many_members": (
        "{what}中文件过多（{count} 个，上限 {limit}），已拒绝",
        "{what} holds too many parts ({count}, at most {limit}); refused",
    ),
    "read.member_too_large": (
        "{what}中的“{name}”解压后过大（{mb} MB），已拒绝",
        "“{name}” in {what} is too large once unpacked ({mb} MB); refused",
    ),
    "read.zip_bomb": (
        "{what}中的“{name}”压缩比异常（疑似压缩炸弹），已拒绝",
        "“{name}” in {what} is compressed beyond reason (a zip bomb?); refused",
    ),
    "read.too_large_total": (
        "{what}解压后总大小过大（{mb} MB），已拒绝",
        "{what} is too large once unpacked ({mb} MB); refused",
    ),
    # How a value had to be read (I-CONVERTED)
    "note.width": ("全角转半角", "full-width characters made half-width"),
    "note.thousands": ("去掉千分位逗号", "thousands separators removed"),
    "note.text_number": ("文本转数字", "text read as a number"),
    "note.percent_sign": ("百分数转小数", "a percentage read as a fraction"),
    "note.percent_points": ("按百分点读取（除以100）", "read as percentage points (divided by 100)"),
    "note.excel_date": ("Excel 日期序号转日期", "an Excel date serial number read as a date"),
    "note.date_text": ("日期文本转日期", "text read as a date"),
    "note.month_only": ("只有年月，按当月1日读取", "only a year and month: read as the 1st of the month"),
    "note.choice_spaces": ("去掉空格/全角", "spaces and full-width characters ignored"),
    "note.number_bool": ("数字转是/否", "a number read as yes/no"),
    "note.read_yes": ("“{v}”按“是”读取", "“{v}” read as yes"),
    "note.read_no": ("“{v}”按“否”读取", "“{v}” read as no"),
    "note.blank": ("按空白读取", "read as blank"),
    "note.merged": ("合并单元格 {range}，按合并的值读取", "in merged cells {range}: the merged value was read"),
    # Kinds and init
    "kinds.unknown": ("没有这种报表类型：{kind}；可用：{kinds}", "No such kind: {kind}; the kinds: {kinds}"),
    "kinds.exists": (
        "{folder} 中已有 {files}；用 --force 覆盖",
        "{folder} already has {files}; use --force to overwrite",
    ),
    "kinds.cannot_read": ("{file}：无法读取：{error}", "{file}: cannot read it: {error}"),
    "kinds.no_header": (
        "{file}：找不到表头（需要的列：{labels}）",
        "{file}: no header row found (columns needed: {labels})",
    ),
    # LibreOffice
    "pdf.no_such_soffice": ("{var}={path} 不存在", "{var}={path}: no such file"),
    "pdf.no_soffice": (
        "找不到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice（Debian/Ubuntu："
        "apt-get install libreoffice-calc-nogui fonts-noto-cjk），或用环境变量 {var} 指定 soffice 的路径",
        "LibreOffice (soffice) was not found, so no PDF can be made. Install LibreOffice (Debian/Ubuntu: "
        "apt-get install libreoffice-calc-nogui fonts-noto-cjk) or give the path of soffice in {var}",
    ),
    "pdf.failed": ("LibreOffice 无法转换 {file}：{reason}", "LibreOffice could not convert {file}: {reason}"),
    "pdf.cannot_start": ("无法启动 LibreOffice：{error}", "Cannot start LibreOffice: {error}"),
    "pdf.timeout": (
        "LibreOffice 转换 {file} 超过 {seconds} 秒未完成",
        "LibreOffice did not convert {file} within {seconds} seconds",
    ),
    # E-mail
    "mail.no_imap": (
        "报表定义中没有 imap: 设置，无法收取邮件",
        "The spec has no imap: settings, so no mail can be fetched",
    ),
    "mail.no_smtp": (
        "报表定义中没有 smtp: 设置，无法发送；可先用 --dry-run --outbox 目录 预览",
        "The spec has no smtp: settings, so nothing can be sent; preview with --dry-run --outbox FOLDER",
    ),
    "mail.no_sender": (
        "需要发件地址：在报表定义的 mail.sender 中写明（如 办公室 <office@example.cn>），或把 smtp.user 设为邮箱地址",
        "A sender is needed: set mail.sender in the spec (such as Office <office@example.cn>), or an address as smtp.user",
    ),
    "mail.no_templates_folder": ("找不到模板文件夹：{folder}", "No such templates folder: {folder}"),
    "mail.no_returns_folder": ("找不到回收报表的文件夹：{folder}", "No such returns folder: {folder}"),
    "mail.smtp_login": ("SMTP 登录失败 {user}@{where}：{error}", "SMTP login refused for {user}@{where}: {error}"),
    "mail.smtp_connect": (
        "无法连接 SMTP 服务器 {where}：{error}",
        "Cannot connect to the SMTP server {where}: {error}",
    ),
    "mail.smtp_disconnected": ("SMTP 连接中断：{error}", "The SMTP server disconnected: {error}"),
    "mail.imap_connect": (
        "无法连接 IMAP 服务器 {where}：{error}",
        "Cannot connect to the IMAP server {where}: {error}",
    ),
    "mail.imap_login": ("IMAP 登录失败 {user}@{where}：{error}", "IMAP login refused for {user}@{where}: {error}"),
    "mail.imap_folder": ("无法打开邮箱文件夹“{folder}”：{error}", "Cannot open the mail folder “{folder}”: {error}"),
    "mail.imap_failed": ("IMAP {command} 失败：{error}", "IMAP {command} failed: {error}"),
}
