"""``--help`` of the command line: what each command does (with an example) and each option.

Keys: ``help.app``; ``help.<command>``; ``help.<command>.<parameter>`` for an option of one
command, else ``help.opt.<parameter>`` for an option that several commands share.
"""

from __future__ import annotations

HELP: dict[str, tuple[str, str]] = {
    # What an option's value looks like (``meta.<command>.<parameter>`` or ``meta.<parameter>``)
    "meta.lang": ("zh|en", "zh|en"),
    "meta.assign": ("文件=单位", "FILE=UNIT"),
    "meta.folder": ("文件夹...", "FOLDER..."),
    "meta.init.folder": ("文件夹", "FOLDER"),
    "meta.demo.folder": ("文件夹", "FOLDER"),
    "meta.spec": ("report.yaml", "report.yaml"),
    "meta.password": ("密码", "PASSWORD"),
    "meta.passwords_file": ("文件", "FILE"),
    "meta.json_out": ("文件|-", "FILE|-"),
    "meta.feedback": ("文件夹", "FOLDER"),
    "meta.merge.out": ("文件", "FILE"),
    "meta.out": ("文件夹", "FOLDER"),
    "meta.unit": ("单位", "UNIT"),
    "meta.kind": ("类型", "KIND"),
    "meta.from_table": ("文件", "FILE"),
    "meta.since": ("日期", "DATE"),
    "meta.folder_name": ("文件夹", "FOLDER"),
    "meta.outbox": ("文件夹", "FOLDER"),
    "meta.templates_dir": ("文件夹", "FOLDER"),
    "meta.returns": ("文件夹", "FOLDER"),
    "meta.throttle": ("秒", "SECONDS"),
    "meta.collect.folder": ("邮箱文件夹", "MAILBOX"),
    "meta.history": ("文件", "FILE"),
    "meta.history_file": ("文件", "FILE"),
    "meta.history.target": ("[报表定义] | import 汇总.xlsx...", "[SPEC] | import SUMMARY.xlsx..."),
    "meta.next.spec": ("report.yaml", "report.yaml"),
    "help.opt.history": (
        "历史记录文件（默认为报表定义旁的 history.sqlite）",
        "The report's history file (default history.sqlite beside the spec)",
    ),
    "help.opt.history_file": (
        "历史记录文件（默认为报表定义旁的 history.sqlite）",
        "The report's history file (default history.sqlite beside the spec)",
    ),
    "help.history": (
        "历史记录：列出已记录的各期（每次 merge 记录本期数值）；import 导入以前各期由本工具写出的汇总工作簿，"
        "使第一期也有上期数。\n\n示例：[bold]consolidate history report.yaml[/bold]；"
        "[bold]consolidate history import 8月汇总.xlsx -s report.yaml[/bold]",
        "The report's history: the periods recorded (each merge records its period); import adds a summary "
        "workbook of an earlier period written by this tool, so the first month has a previous period.\n\n"
        "Example: [bold]consolidate history report.yaml[/bold]; "
        "[bold]consolidate history import summary-08.xlsx -s report.yaml[/bold]",
    ),
    "help.history.target": (
        "报表定义（默认 report.yaml），或 import 及要导入的汇总工作簿",
        "The spec (default report.yaml), or import and the summary workbooks to import",
    ),
    "help.history.spec": (
        "import 时所属的报表定义（默认 report.yaml）",
        "The spec the import is for (default report.yaml)",
    ),
    "help.next": (
        "进入下一期：就地修改报表定义的期别、截止日期，以及标题、栏目名称、说明、别名、规则提示、文档和邮件措辞中的"
        "期别和日期字样（8月份→9月份，截至8月底→截至9月底），列出不能推算、没有改动的字样；报表 id 不变；"
        "旧的定义保存在历史记录中。\n\n示例：[bold]consolidate next 民生实事/report.yaml[/bold]",
        "Move the report to its next period in place: period, deadline, and the period and date words of the "
        "title, field names, help and aliases, rule messages and the document's and e-mails' wording "
        "(August to September); words that cannot be moved are listed; the report id stays; the old spec is "
        "kept in the history.\n\n"
        "Example: [bold]consolidate next livelihood/report.yaml[/bold]",
    ),
    "help.next.spec": ("报表定义 report.yaml（默认当前文件夹的）", "The spec (default ./report.yaml)"),
    "help.next.skip": (
        "本期还没有汇总（历史记录中没有这一期）也进入下一期，跳过本期",
        "Move on even though this period has not been merged (the history has no record of it): skip it",
    ),
    "help.app": (
        "consolidate：报表模板下发、回收校验、一键汇总。",
        "consolidate: report templates out, returns in, one summary.",
    ),
    "help.opt.lang": (
        "输出语言：zh（中文，默认）或 en（英文）",
        "Output language: zh (Chinese, the default) or en (English)",
    ),
    "help.opt.quiet": ("只输出错误", "Print errors only"),
    "help.opt.version": ("显示版本并退出", "Show the version and exit"),
    "help.opt.help": ("显示本帮助并退出", "Show this message and exit"),
    "help.opt.spec": (
        "报表定义 report.xlsx 或 report.yaml；不给则从收回报表的模板信息中读取，历史记录记在生成模板的报表定义旁边",
        "The spec (report.xlsx or report.yaml); without it, taken from the returns' template metadata, "
        "the history kept beside the spec file their templates were made from",
    ),
    "help.opt.folder": ("回收报表的文件夹或文件", "Returns folder(s) or file(s)"),
    "help.opt.password": ("打开加密文件的密码，可重复", "A password for encrypted files; may be repeated"),
    "help.opt.passwords_file": ("密码文件，每行一个密码", "A file of passwords, one per line"),
    "help.opt.no_cache": ("不使用已解析文件的缓存", "Do not use the cache of parsed files"),
    "help.opt.assign": (
        "指定某个文件是哪个单位报送的：文件=单位（名称或编码），可重复",
        "Say which unit sent a file: FILE=UNIT (name or code); may be repeated",
    ),
    "help.opt.kind": (
        "报表类型：key-tasks | task-list | livelihood",
        "Report kind: key-tasks | task-list | livelihood",
    ),
    "help.opt.unit": ("只处理这些单位（编码或名称），可重复", "Only these units (code or name); may be repeated"),
    "help.opt.dry_run": ("不发送，写成 .eml 文件供检查", "Send nothing: write .eml files to check"),
    "help.opt.outbox": (
        "--dry-run 写 .eml 的文件夹（默认 outbox）",
        "Where --dry-run writes the .eml files (default outbox)",
    ),
    "help.opt.throttle": (
        "两封邮件的间隔秒数（默认 mail.throttle）",
        "Seconds between two messages (default mail.throttle)",
    ),
    "help.init": (
        "创建报表定义 report.xlsx（在 Excel/WPS 中编辑）：从内置报表类型，或用 --from 从已有的任务表生成，任务表的每一列都保留。\n\n"
        "示例：[bold]consolidate init 2025Q3 --from 重点任务清单.xlsx --deadline 2025-10-15[/bold]",
        "Create a spec, report.xlsx (edited in Excel or WPS), from a built-in kind, or with --from from an "
        "existing task table, keeping every column.\n\n"
        "Example: [bold]consolidate init 2025Q3 --from tasks.xlsx --deadline 2025-10-15[/bold]",
    ),
    "help.init.folder": ("新报表定义的文件夹", "Folder for the new spec"),
    "help.init.from_table": (
        "已有的任务表（.xlsx/.csv），事项和单位从中读取；上一期已填好的表，各单位已填的内容记作上一期",
        "An existing task table (.xlsx/.csv) to take items and units from; one filled in for an earlier "
        "period gives each unit's previous return",
    ),
    "help.init.force": (
        "替换已有的文件（原文件另存为带日期的备份）",
        "Replace existing files (each kept as a dated backup)",
    ),
    "help.init.sheet": (
        "任务表中要读取的工作表（默认第一个）",
        "The sheet of the task table to read (default: the first)",
    ),
    "help.init.title": (
        "报表标题（默认取任务表上方的标题行）",
        "The report's title (default: the title row above the table)",
    ),
    "help.init.period": (
        "报告期，如 2025年第三季度、2025Q3、2025年9月（默认：文件夹名是报告期时取文件夹名，否则从标题中读出；"
        "报表类型的标题和截止日期随之顺延）",
        "The period, such as 2025-Q3 or 2025-09 (default: the folder's name when it is a period, else read "
        "from the title; a kind's title and deadline move with it)",
    ),
    "help.init.deadline": (
        "截止日期，如 2025-10-15（默认取任务表标题或表头中的“截止4月15日”之类）",
        "The deadline, such as 2025-10-15 (default: a cut-off the table's title or header gives)",
    ),
    "help.init.issuer": (
        "发文单位（默认取标题开头的单位名，如 玉环市卫生健康局）",
        "The issuer (default: the office the title begins with)",
    ),
    "help.init.yaml": (
        "写成 report.yaml（默认写成可在 Excel/WPS 中编辑的 report.xlsx）",
        "Write report.yaml (default: report.xlsx, edited in Excel or WPS)",
    ),
    "help.init.kind": (
        "报表类型：key-tasks | task-list | livelihood（用 --from 时默认按表格自动选择）",
        "Report kind: key-tasks | task-list | livelihood (with --from, chosen from the table)",
    ),
    "meta.sheet": ("工作表", "SHEET"),
    "meta.title": ("标题", "TITLE"),
    "meta.period": ("报告期", "PERIOD"),
    "meta.deadline": ("日期", "DATE"),
    "meta.issuer": ("单位", "ISSUER"),
    "help.convert": (
        "转换报表定义：report.yaml ↔ report.xlsx（无损：转换前后生成的模板完全相同）。\n\n"
        "示例：[bold]consolidate convert 2025Q1/report.yaml 2025Q1/report.xlsx[/bold]",
        "Convert a spec: report.yaml ↔ report.xlsx, losslessly (the templates made from either are the same).\n\n"
        "Example: [bold]consolidate convert 2025Q1/report.yaml 2025Q1/report.xlsx[/bold]",
    ),
    "help.convert.source": ("要转换的报表定义", "The spec to convert"),
    "help.convert.target": ("写出的文件：.xlsx 或 .yaml", "The file to write: .xlsx or .yaml"),
    "help.convert.force": ("覆盖已有的文件", "Overwrite the file if it exists"),
    "meta.source": ("文件", "FILE"),
    "meta.target": ("文件", "FILE"),
    "help.check": (
        "检查报表定义：每个错误给出文件、行号和键。\n\n示例：[bold]consolidate check 2025Q1/report.yaml[/bold]",
        "Check a spec: every error names its file, line and key.\n\n"
        "Example: [bold]consolidate check 2025Q1/report.yaml[/bold]",
    ),
    "help.check.spec": ("report.yaml（或其所在文件夹）", "report.yaml (or its folder)"),
    "help.templates": (
        "为每个单位生成预填、锁定、带校验的 .xlsx 模板。\n\n"
        "示例：[bold]consolidate templates 2025Q1/report.yaml -o out/[/bold]",
        "Write a pre-filled, locked, validated .xlsx template for each unit.\n\n"
        "Example: [bold]consolidate templates 2025Q1/report.yaml -o out/[/bold]",
    ),
    "help.templates.spec": ("报表定义 report.yaml", "The spec (report.yaml)"),
    "help.templates.out": ("输出文件夹", "Output folder"),
    "help.validate": (
        "校验回收的报表，列出所有问题（退出码：0 无错误，1 有错误，2 无法执行）。\n\n"
        "示例：[bold]consolidate validate returns/[/bold]",
        "Check the returns and list every problem (exit code: 0 no errors, 1 errors, 2 cannot run).\n\n"
        "Example: [bold]consolidate validate returns/[/bold]",
    ),
    "help.validate.json_out": ("把问题写成 JSON（- 为标准输出）", "Write the problems as JSON (- for standard output)"),
    "help.validate.all_levels": ("也列出提示（I-CONVERTED 等）", "Show the info notes too (I-CONVERTED ...)"),
    "help.validate.feedback": (
        "为有问题的单位写出反馈文件（问题单元格标红）",
        "Write a feedback file for each unit with problems (problem cells in red)",
    ),
    "help.merge": (
        "汇总：校验全部报表并写出汇总工作簿（汇总、分单位、趋势（有往期记录时）、明细、报送情况、校验问题、说明）。\n\n"
        "示例：[bold]consolidate merge returns/ -o 汇总.xlsx --pdf[/bold]",
        "Check every return and write the summary workbook (summary, by unit, trend when earlier periods "
        "are recorded, detail, submissions, issues, about).\n\n"
        "Example: [bold]consolidate merge returns/ -o summary.xlsx --pdf[/bold]",
    ),
    "help.merge.out": (
        "汇总工作簿（.xlsx）；替换的上一份另存为 名称.bak.xlsx，不是本工具写的文件不覆盖",
        "The summary workbook (.xlsx); the one it replaces is kept as name.bak.xlsx, and a file this tool "
        "did not write is never overwritten",
    ),
    "help.merge.json_out": ("同时写出 JSON（- 为标准输出）", "Also write the summary as JSON (- for standard output)"),
    "help.merge.pdf": (
        "用 LibreOffice 同时打印成 PDF（与汇总表同名）",
        "Also print it to PDF through LibreOffice (named after the workbook)",
    ),
    "help.report": (
        "写出进展情况文档（Word）：每个事项的进展、滞后事项、各单位排名、报送情况通报，数字与汇总表一致。\n\n"
        "示例：[bold]consolidate report returns/ -o 进展情况.docx[/bold]",
        "Write the progress document (Word): each item's progress, items behind, units ranked, who has "
        "not returned; every figure as in the summary.\n\nExample: [bold]consolidate report returns/ -o progress.docx[/bold]",
    ),
    "help.report.out": ("Word 文档（.docx），默认 进展情况.docx", "The Word document (.docx); default progress.docx"),
    "meta.report.out": ("文件", "FILE"),
    "help.merge.docx": ("同时写出进展情况文档（Word）", "Also write the progress document (Word)"),
    "help.merge.parquet": (
        "同时把明细写成 Parquet 文件（.parquet，列带类型和来源，供 pandas、DuckDB 分析；"
        '需要 pip install "consolidate\\[parquet]"）',
        "Also write the detail as a Parquet file (.parquet: typed columns with their sources, for "
        'pandas or DuckDB; needs pip install "consolidate\\[parquet]")',
    ),
    "help.merge.fill": (
        "同时把本县的汇总数填入市里下发的模板（consolidate relay 生成的报表定义；见 consolidate fill）",
        "Also fill the city's template with the county's totals (a spec made by consolidate relay; see "
        "consolidate fill)",
    ),
    "help.merge.fill_out": (
        "填好的市里模板另存为的文件（默认：模板名_已填.xlsx）",
        "Where the filled city template goes (default: TEMPLATE_filled.xlsx)",
    ),
    "meta.fill": ("市里模板.xlsx", "CITY.xlsx"),
    "meta.fill_out": ("文件", "FILE"),
    # relay and fill: up and down the chain (docs/relay.md)
    "help.relay": (
        "转发市里的报表：从市里下发的模板生成本县的报表定义 report.xlsx（事项、栏目、规则与市里相同，单位和目标分解是本县的），"
        "并记下市里的报表，以便汇总后用 consolidate fill 填回。\n\n"
        "示例：[bold]consolidate relay 市里模板_沂水县.xlsx -o 2020-08/ --units 卫生院.xlsx --targets 目标分解.xlsx[/bold]",
        "Relay the city's report: make the county's own spec, report.xlsx, from the template the city sent "
        "(the city's items, fields and rules; the county's units and breakdown of the targets), remembering "
        "the city's report so that consolidate fill can write the county's totals back.\n\n"
        "Example: [bold]consolidate relay city_template.xlsx -o 2020-08/ --units townships.xlsx "
        "--targets breakdown.xlsx[/bold]",
    ),
    "help.relay.skip": (
        "用 -s 的旧报表定义进入新一期时，旧的一期还没有汇总也照样进行（跳过那一期）",
        "Move the old spec (-s) on to the new period even though its own period has not been merged: skip it",
    ),
    "help.relay.template": ("市里下发给本县的模板（.xlsx）", "The template the city sent the county (.xlsx)"),
    "help.relay.out": (
        "本县报表定义的文件夹（写入 report.xlsx；不覆盖已有的报表定义，除非它就是 --spec）",
        "Folder for the county's spec (report.xlsx; an existing spec there is replaced only when it is --spec)",
    ),
    "help.relay.units": (
        "本县的下属单位表（.csv/.xlsx，列：编码、名称，可有邮箱、联系人、电话）",
        "The county's units (.csv/.xlsx: code, name, optionally email, contact, phone)",
    ),
    "help.relay.targets": (
        "目标分解表（.xlsx）：“目标分解”合并表头下每个单位一列",
        "The breakdown of the targets (.xlsx): one column per unit under a merged breakdown header",
    ),
    "help.relay.spec": (
        "上一期本县的报表定义：沿用其单位、目标分解、设置和历史记录",
        "The county's spec of the previous period: its units, breakdown, settings and history are kept",
    ),
    "help.relay.deadline": (
        "本县的截止日期（默认：市里截止日期之前 3 个工作日）",
        "The county's deadline (default: 3 working days before the city's)",
    ),
    "help.relay.issuer": (
        "本县的发文单位（默认：本单位在市里报表中的名称）",
        "The county's issuer (default: its name in the city's report)",
    ),
    "help.relay.title": ("本县报表的标题（默认：市里模板的标题）", "The county's title (default: the city template's)"),
    "help.relay.unit_name": (
        "本单位在市里报表中的名称（市里的表格没有写填报单位时需要）",
        "Your unit's name in the city's report (needed when the city's table does not say it)",
    ),
    "meta.relay.template": ("市里模板.xlsx", "CITY.xlsx"),
    "meta.relay.out": ("文件夹", "FOLDER"),
    "meta.units": ("文件", "FILE"),
    "meta.targets": ("文件", "FILE"),
    "meta.unit_name": ("名称", "NAME"),
    "help.fill": (
        "填报市里的模板：汇总本县收回的报表，把合计数、完成率、最差的进度自评和进展情况填入市里模板的副本"
        "（模板的其余部分不变）；有单位未报或数据有误时在单元格批注中注明，退出码为 1。\n\n"
        "示例：[bold]consolidate fill 市里模板_沂水县.xlsx -s 2020-08/report.xlsx 收回/ -o 沂水县报市.xlsx[/bold]",
        "Fill the city's template: merge the county's returns and write its totals, rates, worst "
        "self-assessment and progress into a copy of the city's template (nothing else of it changes); "
        "figures missing units are noted on their cells, and the exit code is 1.\n\n"
        "Example: [bold]consolidate fill city_template.xlsx -s 2020-08/report.xlsx returns/ -o to_city.xlsx[/bold]",
    ),
    "help.fill.template": ("市里下发给本县的模板（.xlsx）", "The template the city sent the county (.xlsx)"),
    "help.fill.folder": ("本县收回报表的文件夹或文件", "The county's returns folder(s) or file(s)"),
    "help.fill.out": (
        "填好的模板另存为的文件（默认：模板名_已填.xlsx）；只替换 fill 自己写的文件",
        "Where the filled template goes (default: TEMPLATE_filled.xlsx); only a file fill wrote is replaced",
    ),
    "meta.fill.template": ("市里模板.xlsx", "CITY.xlsx"),
    "meta.fill.out": ("文件", "FILE"),
    "meta.parquet": ("文件", "FILE"),
    "meta.docx": ("文件", "FILE"),
    "help.remind.text": (
        "不发邮件，把催报消息写成文本文件，可直接粘贴到微信工作群（不需要邮件服务器）",
        "Send no e-mail: write the reminders as text to paste into a WeChat group (no mail server needed)",
    ),
    "meta.text": ("文件", "FILE"),
    "help.status": (
        "报送情况：哪些单位已报送、哪些未报送（退出码：0 全部已报送，1 还有未报送或无法读取的，2 无法执行）。"
        "文件夹还不存在或是空的时，所有单位都是未报送。\n\n示例：[bold]consolidate status returns/ -s report.yaml[/bold]",
        "Who has returned and who has not (exit code: 0 every unit has returned, 1 some have not or sent "
        "unreadable files, 2 cannot run). A returns folder that is empty or not there yet means every "
        "unit is missing.\n\nExample: [bold]consolidate status returns/ -s report.yaml[/bold]",
    ),
    "help.status.json_out": ("写成 JSON（- 为标准输出）", "Write it as JSON (- for standard output)"),
    "help.demo": (
        "生成完整示例：报表定义、模板、带典型错误的回收报表、汇总表。\n\n示例：[bold]consolidate demo demo/[/bold]",
        "Build a worked example: spec, templates, returns with the usual mistakes, summary.\n\n"
        "Example: [bold]consolidate demo demo/[/bold]",
    ),
    "help.demo.folder": ("示例的输出文件夹（须为空）", "Where to build the example (an empty folder)"),
    "help.demo.force": (
        "文件夹不空也建：只替换以前的示例生成的文件",
        "Build in a folder that is not empty: only files an earlier demo made are replaced",
    ),
    "help.kinds": (
        "列出内置报表类型。\n\n示例：[bold]consolidate kinds[/bold]",
        "List the built-in report kinds.\n\nExample: [bold]consolidate kinds[/bold]",
    ),
    "help.send": (
        "给每个单位发一封邮件，附上该单位的模板（发送记录防止重复发送）。\n\n"
        "示例：[bold]consolidate send 2025Q1/report.yaml -t 模板/ --dry-run --outbox 待发/[/bold]",
        "E-mail each unit its template (a send log prevents sending twice).\n\n"
        "Example: [bold]consolidate send 2025Q1/report.yaml -t templates/ --dry-run --outbox outbox/[/bold]",
    ),
    "help.send.spec": ("报表定义 report.yaml", "The spec (report.yaml)"),
    "help.send.templates_dir": ("模板文件夹", "The templates folder"),
    "help.send.resend": ("已发送过的也再发一次", "Send again what was sent before"),
    "help.collect": (
        "收取回复邮件（IMAP），把附件中的报表按单位保存到回收文件夹，记下收到时间。\n\n"
        "示例：[bold]consolidate collect 2025Q1/report.yaml --since 2025-04-01 -o returns/[/bold]",
        "Fetch the replies (IMAP), save the returns attached to them by unit, note when each arrived.\n\n"
        "Example: [bold]consolidate collect 2025Q1/report.yaml --since 2025-04-01 -o returns/[/bold]",
    ),
    "help.collect.spec": ("报表定义 report.yaml（默认当前文件夹）", "The spec (default: the current folder)"),
    "help.collect.since": (
        "只收该日期及以后的邮件，如 2025-04-01",
        "Only mail of this day or later, such as 2025-04-01",
    ),
    "help.collect.out": ("回收报表文件夹", "The returns folder"),
    "help.collect.folder": ("邮箱文件夹（默认 imap.folder）", "The IMAP folder (default imap.folder)"),
    "help.remind": (
        "催报：只给未报送有效报表的单位发邮件，写明缺什么、错在哪里（附反馈文件）。\n\n"
        "示例：[bold]consolidate remind 2025Q1/report.yaml -r returns/ --feedback 反馈/ -t 模板/[/bold]",
        "Remind only the units without a valid return, saying what is missing or wrong (with the "
        "feedback file).\n\n"
        "Example: [bold]consolidate remind 2025Q1/report.yaml -r returns/ --feedback feedback/ -t templates/[/bold]",
    ),
    "help.remind.spec": ("报表定义 report.yaml（默认当前文件夹）", "The spec (default: the current folder)"),
    "help.remind.returns": ("回收报表文件夹", "The returns folder"),
    "help.remind.feedback": ("反馈文件夹：附上该单位的反馈文件", "Feedback folder: attach the unit's feedback file"),
    "help.remind.templates_dir": (
        "模板文件夹：给未报送的单位再附上模板",
        "Templates folder: attach the template again for units that sent nothing",
    ),
    "help.serve": (
        "收表页面：在本局网络上启动一个小网站，每个单位一个链接，上传填好的报表后立即看到哪里有错"
        "（与 validate 的检查相同），报表按单位保存到回收文件夹，记下上传时间（逾期据此判断）。"
        "打印每个单位的链接（并写入报表定义旁的 links.csv）和管理页面的链接；按 Ctrl-C 停止，再次运行时链接和报表都保留。\n\n"
        "示例：[bold]consolidate serve 2025Q1/report.yaml -r returns/ --host 0.0.0.0[/bold]",
        "The upload page: a small web site on the bureau's network, one link per unit; a unit uploads "
        "its filled return and sees at once what is wrong (the checks of validate). Returns are saved by "
        "unit into the returns folder with their upload time (which lateness is judged by). Prints each "
        "unit's link (also written to links.csv beside the spec) and the clerk's page; Ctrl-C stops it, "
        "and running it again keeps the links and the returns.\n\n"
        "Example: [bold]consolidate serve 2025Q1/report.yaml -r returns/ --host 0.0.0.0[/bold]",
    ),
    "help.serve.spec": ("报表定义 report.yaml（默认当前文件夹）", "The spec (default: the current folder)"),
    "help.serve.returns": ("回收报表文件夹：上传的报表保存在这里", "The returns folder: uploads are saved here"),
    "help.serve.host": (
        "监听的地址（默认 127.0.0.1，只有本机能打开；0.0.0.0 让局域网内的单位访问）",
        "The address to listen on (default 127.0.0.1, this computer only; 0.0.0.0 for the network)",
    ),
    "help.serve.port": ("端口（默认 8765）", "The port (default 8765)"),
    "help.serve.new_links": (
        "为本期换发新链接（旧链接立即失效），例如链接被转给了不该有的人",
        "Issue new links for this period (the old ones stop working), e.g. when a link went to the wrong person",
    ),
    "help.serve.max_mb": ("上传文件的大小上限，单位 MB（默认 20）", "The largest upload accepted, in MB (default 20)"),
    "help.serve.address": (
        "链接里写的地址：各单位访问本机用的名称或 IP（如 192.168.1.20 或 hwj-pc），猜得不对时指定",
        "The address the links carry: the name or IP the units reach this computer by "
        "(192.168.1.20, hwj-pc), when the one guessed is not it",
    ),
    "meta.host": ("地址", "ADDRESS"),
    "meta.port": ("端口", "PORT"),
    "meta.max_mb": ("MB", "MB"),
    "meta.address": ("地址", "ADDRESS"),
}
