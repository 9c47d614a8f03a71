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
    "cli.no_history_path": (
        "报表定义不是文件，无法确定历史记录的位置；请用 --history 指定",
        "The spec is not a file, so there is no place for its history; give --history FILE",
    ),
    "cli.import_needs_file": (
        "请给出要导入的汇总工作簿，例如 consolidate history import 8月汇总.xlsx",
        "Give the summary workbook to import, e.g. consolidate history import summary-2025-08.xlsx",
    ),
    "cli.history_imported": (
        "已导入 {file}：{period} 期，{n} 个数值，记入 {history}",
        "Imported {file}: period {period}, {n} values, into {history}",
    ),
    "cli.history_empty": ("历史记录中还没有任何一期：{history}", "No period recorded yet in {history}"),
    "next.formats": (
        "next 只能修改 report.yaml 或 report.xlsx 格式的报表定义（{path}）；请先用 consolidate convert 转换",
        "next edits report.yaml or report.xlsx specs only ({path}); convert it first with consolidate convert",
    ),
    "next.not_merged": (
        "本期 {period} 还没有汇总（历史记录 {history} 中最近的一期是 {last}）。现在进入 {next}，{next} 的模板和汇总"
        "就没有 {period} 的数作为上期。请先汇总本期（如 consolidate merge 收回/ -o 汇总.xlsx），再进入下一期；"
        "确实要跳过 {period}，请加 --skip 再运行（{spec} 没有改动）",
        "This period, {period}, has not been merged (the latest period in the history {history} is {last}). "
        "Moved on to {next} now, the templates and summary of {next} would have no figures of {period} as "
        "their previous ones. Merge this period first (such as consolidate merge returns/ -o summary.xlsx), "
        "then move on; to skip {period} indeed, run it again with --skip ({spec} is unchanged)",
    ),
    "cli.next_done": ("已进入下一期：{file}", "Moved on to the next period: {file}"),
    "cli.next_change": ("  {what}：{before} → {after}", "  {what}: {before} → {after}"),
    "cli.next_unmoved": (
        "  {where}中的“{word}”没有改动（不能按本期推算）：请核对，需要时在 {file} 中手工修改",
        "  “{word}” in the {where} was left as it was (it cannot be moved by the period): check it, and edit {file} by hand if needed",
    ),
    "cli.next_not_written": (
        "  {where}未能改写（应为“{after}”，现仍为“{before}”）：请在 {file} 中手工修改",
        "  The {where} could not be rewritten (it should read “{after}”, it still reads “{before}”): edit {file} by hand",
    ),
    "cli.pdf": ("PDF 已生成（可直接打印）：{file}", "PDF written (ready to print): {file}"),
    "cli.json": ("JSON 已写入：{file}", "JSON written: {file}"),
    "cli.history_beside_moved": (
        "历史记录：{history}（在报表定义 {spec} 旁边；它已进入下一期，这些是 {period} 的报表，本次补记 {period}）{again}",
        "History: {history} (beside the spec {spec}, which has moved on to a later period; these are the "
        "returns of {period}, recorded again for {period} now){again}",
    ),
    "cli.history_merge_again": (
        "。已经汇总过的 {periods} 用的还是补记前的上期数：请重新汇总 {periods}",
        ". {periods}, merged already, took its previous figures from the record before this one: merge {periods} again",
    ),
    "cli.history_beside": (
        "历史记录：{history}（在生成这些报表的报表定义 {spec} 旁边）",
        "History: {history} (beside {spec}, the spec these returns were made from)",
    ),
    "cli.history_default": (
        "没有找到生成这些报表的报表定义文件（{id}，{period}），本期记入 {history}；要记在报表定义旁边，"
        "请用 -s 指定报表定义（如 -s 2025Q3/report.xlsx），或用 --history 指定历史记录文件",
        "The spec file these returns were made from ({id}, {period}) was not found, so this period is "
        "recorded in {history}; to keep it beside the spec, give the spec with -s (such as -s "
        "2025Q3/report.xlsx), or the history file with --history",
    ),
    "cli.arg_is_spec": (
        "{path} 是报表定义，不是收回的报表。{command} 要的是收回报表所在的文件夹，例如：consolidate {command} 收回/ -s {path}",
        "{path} is the report spec, not a return. {command} wants the folder the returns are in, such as: "
        "consolidate {command} returns/ -s {path}",
    ),
    "cli.arg_is_ours": (
        "{path} 是本工具写的{what}，不是收回的报表。{command} 要的是收回报表所在的文件夹，例如：consolidate {command} 收回/",
        "{path} is {what} written by consolidate, not a return. {command} wants the folder the returns are "
        "in, such as: consolidate {command} returns/",
    ),
    "cli.arg_is_document": (
        "{path} 是{what}，不是报表。{command} 要的是收回报表所在的文件夹（或其中的 .xlsx、.xls、.et、.ods、.csv "
        "报表），例如：consolidate {command} 收回/",
        "{path} is {what}, not a return. {command} wants the folder the returns are in (or returns in it: "
        ".xlsx, .xls, .et, .ods, .csv), such as: consolidate {command} returns/",
    ),
    "cli.document_kind.word": ("Word 文档", "a Word document"),
    "cli.document_kind.pdf": ("PDF 文件", "a PDF file"),
    "cli.document_kind.slides": ("演示文稿", "a presentation"),
    "cli.text_kept": (
        "{path} 原来已有文件：原文件已另存为 {backup}",
        "{path} was there already: it is kept as {backup}",
    ),
    "cli.backup": (
        "{path} 写出后被改过：改过的文件已另存为 {backup}",
        "{path} was changed after it was written: the changed file is kept as {backup}",
    ),
    "cli.counts": (
        "{returned}/{units} 个单位已报送；错误 {e}，警告 {w}，提示 {i}",
        "{returned}/{units} units returned; {e} errors, {w} warnings, {i} notes",
    ),
    "cli.missing": ("未报送：{names}", "Missing: {names}"),
    "cli.blank": ("交回空白表（不算已报送）：{names}", "Sent back blank (not counted as returned): {names}"),
    "cli.no_issues": ("没有发现问题。", "No problems found."),
    "cli.init_seeded": (
        "表中已填的 {n} 格（{units} 个单位）记作 {period} 的报送，写入历史记录 {history}："
        "各单位的新模板从这些内容开始填写，汇总时与之对比",
        "The {n} cells the table has filled ({units} unit(s)) are recorded as {period}'s returns in the "
        "history {history}: the units' new templates start from them, and the merge compares with them",
    ),
    "cli.init_seeded_shared": (
        "{n} 个事项由几个单位共同负责，表中的内容分不出是哪个单位的，没有记入历史记录",
        "{n} item(s) are shared by several units: the table's text cannot be told apart by unit, so it "
        "was not recorded in the history",
    ),
    "cli.init_seeded_kept": (
        "历史记录 {history} 中已有 {period}，表中已填的内容没有再记入",
        "The history {history} has {period} already: the table's filled cells were not recorded again",
    ),
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
    "cli.password_no_terminal_env": (
        "没有得到 {server} 密码（{user}）：命令不在命令行窗口中运行，标准输入也没有给出密码。请先设置环境变量 {env}，"
        "或在命令行窗口中运行这条命令",
        "No {server} password ({user}): the command is not run in a terminal, and standard input gave "
        "none. Set the environment variable {env} first, or run the command in a terminal",
    ),
    "cli.password_no_terminal": (
        "没有得到 {server} 密码（{user}）：命令不在命令行窗口中运行，标准输入也没有给出密码。请在报表定义的 "
        "{section}: 中写上 password_env: 变量名并设置这个环境变量，或在命令行窗口中运行这条命令",
        "No {server} password ({user}): the command is not run in a terminal, and standard input gave "
        "none. Name an environment variable in the spec's {section}: (password_env: NAME) and set it, "
        "or run the command in a terminal",
    ),
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
    "cli.document": ("进展情况文档已写出：{file}", "Progress document written: {file}"),
    "cli.parquet": ("明细已写成 Parquet 文件：{file}", "Detail written as Parquet: {file}"),
    "cli.texts": (
        "已把 {n} 条催报消息写入 {file}（可直接粘贴到微信工作群）",
        "Wrote {n} reminder message(s) to {file} (ready to paste into a WeChat group)",
    ),
    "cli.init_backup": ("已把原来的文件另存为 {file}", "The file replaced is kept as {file}"),
    "cli.init_skipped": ("第 {row} 行未作为事项：{why}", "Row {row} is not an item: {why}"),
    "cli.init_taken": ("{what}：{value}（{source}）", "{what}: {value} ({source})"),
    "cli.init_unset": ("{what}：未设置（{source}）", "{what}: not set ({source})"),
    "cli.init_made": (
        "报表“{title}”（报告期 {period}）：{items} 个事项，{units} 个单位，{groups} 个分组",
        "Report “{title}” (period {period}): {items} items, {units} units, {groups} groups",
    ),
    "cli.converted": ("已把 {source} 转换为 {target}", "Converted {source} to {target}"),
    "cli.target_exists": (
        "{path} 已经存在；换一个文件名，或加 --force 覆盖",
        "{path} exists already; choose another name, or add --force",
    ),
    "kinds.col.no": (
        "{col} 列“{label}”→ 序号（预填栏目 {id}）",
        "Column {col} “{label}” → the item's number (pre-filled field {id})",
    ),
    "kinds.col.units": (
        "{col} 列“{label}”→ 分配给这些单位，并作为预填栏目显示（{id}）",
        "Column {col} “{label}” → assigns the items to these units, and is shown as a pre-filled field ({id})",
    ),
    "kinds.col.text": (
        "{col} 列“{label}”→ 预填栏目 {id}（锁定，模板和汇总中都显示）",
        "Column {col} “{label}” → pre-filled field {id} (locked, shown in templates and the summary)",
    ),
    "kinds.col.number": (
        "{col} 列“{label}”→ 预填数字栏目 {id}（汇总时求和）",
        "Column {col} “{label}” → pre-filled number field {id} (summed)",
    ),
    "kinds.col.county": (
        "{col} 列“{label}”→ 全县的目标数（预填数字栏目 {id}；各单位的目标数取自目标分解各列）",
        "Column {col} “{label}” → the county's target (pre-filled number field {id}; each unit's is in the "
        "breakdown's columns)",
    ),
    "kinds.col.units_shown": (
        "{col} 列“{label}”→ 预填栏目 {id}（锁定，模板和汇总中都显示；填报单位是目标分解中的各单位）",
        "Column {col} “{label}” → pre-filled field {id} (locked, shown in templates and the summary; the units "
        "that report are those of the breakdown)",
    ),
    "kinds.col.per_unit": ("{col} 列“{label}”→ {unit} 的目标数", "Column {col} “{label}” → the targets of {unit}"),
    "kinds.col.input": (
        "{col} 列“{label}”→ 填报栏目 {id}（空列：由各单位填写）",
        "Column {col} “{label}” → input field {id} (empty: the units fill it in)",
    ),
    "kinds.col.computed": (
        "{col} 列“{label}”→ 计算栏目 {id}（空列：按公式计算）",
        "Column {col} “{label}” → computed field {id} (empty: computed by its formula)",
    ),
    "kinds.col.input_refilled": (
        "{col} 列“{label}”→ 填报栏目 {id}（由各单位填写；表中已填的 {n} 格不带入新报表，原表不变）",
        "Column {col} “{label}” → input field {id} (the units fill it in; the {n} cells the table has filled are "
        "not carried into the new report; the table is left as it is)",
    ),
    "kinds.col.input_carried": (
        "{col} 列“{label}”→ 填报栏目 {id}（由各单位填写；表中已填的 {n} 格是 {period} 的内容，作为上期记入历史记录，原表不变）",
        "Column {col} “{label}” → input field {id} (the units fill it in; the {n} cells the table has filled are "
        "{period}'s, recorded in the history as the previous period; the table is left as it is)",
    ),
    "kinds.col.computed_refilled": (
        "{col} 列“{label}”→ 计算栏目 {id}（按公式计算；表中已填的 {n} 格不带入新报表，原表不变）",
        "Column {col} “{label}” → computed field {id} (computed by its formula; the {n} cells the table has filled "
        "are not carried into the new report; the table is left as it is)",
    ),
    "kinds.col.ignored": ("{col} 列 → 空列，未使用", "Column {col} → empty, not used"),
    "kinds.skip_header": ("重复的表头", "a repeated header row"),
    "kinds.skip_note": ("表格下方的说明文字", "a note under the table"),
    "kinds.no_table": (
        "找不到表头：表格前 20 行中没有一行有两个以上的栏目名（如 序号、重点任务、责任科室）",
        "No header row found: none of the first 20 rows has two or more column names (such as No., Task, Unit)",
    ),
    "kinds.no_sheet": ("{file} 中没有工作表“{sheet}”；有：{sheets}", "{file} has no sheet “{sheet}”; it has: {sheets}"),
    "kinds.no_units": (
        "{file}{where}中找不到填报单位：第 {rows} 行的表头中没有写明单位的列（如 {labels}），表头下面一行"
        "也没有逐列写出各单位的名称（如“目标分解”下的 城关镇卫生院、东城镇卫生院）。请在表格中加一列“{column}”，"
        "逐行写明由哪个单位填报（几个单位用顿号隔开），或在“目标分解”下面一行每列写一个单位的名称，"
        "然后重新运行 consolidate init",
        "{file}{where}: no reporting units found: the header (row {rows}) has no column naming units (such as "
        "{labels}), and the row under it does not name one unit per column (as under a breakdown of the "
        "targets). Add a column headed {column} naming the unit of each row (several separated by commas), or "
        "write one unit's name per column in the row under the breakdown, then run consolidate init again",
    ),
    "kinds.in_sheet": ("（工作表“{sheet}”）", " (sheet “{sheet}”)"),
    "kinds.target_sum": (
        "第 {row} 行“{item}”：{label} {county} 与各单位分解数之和 {total}（{n} 个单位）不一致；全县目标保留为 "
        "{county}，各单位目标按分解数。请核对任务表，改正后重新运行 consolidate init --force",
        "Row {row} “{item}”: {label} {county} is not the sum of its breakdown, {total} ({n} units); the "
        "county's target is kept as {county} and each unit's as broken down. Check the table, and after "
        "correcting it run consolidate init --force again",
    ),
    "kinds.no_breakdown": (
        "第 {row} 行“{item}”没有分解到各单位（{columns} 列都是空的）：分配给全部 {n} 个单位，模板中的目标数是"
        "全县的目标。如不对，请在任务表中填写分解数后重新运行 consolidate init --force",
        "Row {row} “{item}” is not broken down (columns {columns} are blank): it goes to all {n} units, whose "
        "templates show the county's target. If that is wrong, fill in the breakdown and run consolidate init "
        "--force again",
    ),
    "kinds.bad_period": (
        "--period：“{value}”不是报告期；请写成 2025、2025年第三季度（或 2025Q3）、2025年上半年（或 2025H1）"
        "或 2025年9月（或 2025-09）",
        "--period: “{value}” is not a period; write 2025, 2025-Q3, 2025-H1 or 2025-09",
    ),
    "kinds.bad_deadline": (
        "--deadline：“{value}”不是日期；请写成 2025-10-15 或 2025年10月15日",
        "--deadline: “{value}” is not a date; write 2025-10-15",
    ),
    "kinds.what.title": ("标题", "Title"),
    "kinds.what.period": ("报告期", "Period"),
    "kinds.what.deadline": ("截止日期", "Deadline"),
    "kinds.what.issuer": ("发文单位", "Issuer"),
    "kinds.from.option": ("取自 {option}", "from {option}"),
    "kinds.from.folder": ("取自文件夹名“{name}”", "from the folder's name “{name}”"),
    "kinds.from.cell": ("取自表格 {cell}“{text}”", "from the table's {cell}, “{text}”"),
    "kinds.from.title_row": ("取自表格 {cell} 的标题行", "from the table's title row, {cell}"),
    "kinds.from.moved": (
        "{source}，从表格的报告期 {old} 顺延到 {new}",
        "{source}, moved from the table's period {old} to {new}",
    ),
    "kinds.from.title_other_period": (
        "{source}；注意：标题写的报告期是 {old}，不是 {new}，请用 --title 给出新标题，或以后在 report.xlsx 中修改",
        "{source}; note: the title says the period {old}, not {new}: give the new title with --title, or "
        "change it in report.xlsx later",
    ),
    "kinds.from.kind_moved": (
        "报表类型 {kind} 的，从它的报告期 {old} 顺延到 {new}",
        "from the kind {kind}, moved from its period {old} to {new}",
    ),
    "kinds.from.kind_other_period": (
        "报表类型 {kind} 的；注意：标题写的报告期是 {old}，不是 {new}，请用 --title 给出新标题，或以后在 report.xlsx 中修改",
        "from the kind {kind}; note: the title says the period {old}, not {new}: give the new title with --title, "
        "or change it in report.xlsx later",
    ),
    "kinds.from.kind_no_deadline": (
        "报表类型 {kind} 的截止日期是报告期 {old} 的，没有沿用；可用 --deadline 指定，或以后在 report.xlsx 中填写",
        "the kind {kind} gives a day of its own period {old}, not used: --deadline gives one, or fill it "
        "in report.xlsx later",
    ),
    "kinds.from.deadline_other_period": (
        "表格 {cell}“{text}”是报告期 {old} 的日期，没有沿用；可用 --deadline 指定",
        "the table's {cell}, “{text}”, is a date of the period {old}, not used; --deadline gives one",
    ),
    "kinds.from.file_name": (
        "表格上方没有标题行，取自文件名 {name}；可用 --title 指定",
        "no title row above the table: from the file name {name}; --title gives another",
    ),
    "kinds.from.this_year": (
        "表格和文件夹名中都没有写报告期，按今年；可用 --period 指定",
        "neither the table nor the folder's name says the period: this year; --period gives another",
    ),
    "kinds.from.no_deadline": (
        "表格中没有写截止日期；可用 --deadline 2025-10-15 指定，或以后在 report.xlsx 中填写",
        "the table gives no deadline; --deadline 2025-10-15 gives one, or fill it in report.xlsx later",
    ),
    "kinds.from.no_issuer": (
        "标题中没有发文单位；可用 --issuer 指定，或以后在 report.xlsx 中填写",
        "the title names no issuer; --issuer gives one, or fill it in report.xlsx later",
    ),
    "cli.bad_since": (
        "--since：日期应写成 2025-04-01，写的是：{value}",
        "--since: a date like 2025-04-01, not {value}",
    ),
    "cli.unknown_units": ("不在单位名单中：{names}{hint}", "Not in the units list: {names}{hint}"),
    "cli.did_you_mean": ("；是否是：{names}？", "; did you mean: {names}?"),
    "cli.writing": ("生成模板", "Writing templates"),
    "cli.interrupted": ("已中断。", "Interrupted."),
    # The command line's own mistakes (consolidate.cli.usage): what is wrong, then the usage line
    "cli.usage.error": ("命令写得不对：", "Command line not understood: "),
    "cli.usage.prefix": ("用法：", "Usage: "),
    "cli.usage.options": ("[选项]", "[OPTIONS]"),
    "cli.usage.command": ("命令 [参数]...", "COMMAND [ARGS]..."),
    "cli.usage.help": ("查看说明：{command} --help", "For help: {command} --help"),
    "cli.usage.paren": ("（{text}）", " ({text})"),
    "cli.usage.missing_argument": (
        "缺少 {name}{hint}，请写在命令后面（空一格）",
        "{name}{hint} is missing: give it after the command",
    ),
    "cli.usage.missing_option": ("缺少选项 {name}{hint}", "Option {name}{hint} is missing"),
    "cli.usage.no_option": ("没有 {name} 这个选项", "There is no option {name}"),
    "cli.usage.did_you_mean": ("；是否是：{names}？", "; did you mean: {names}?"),
    "cli.usage.needs_value": (
        "选项 {name} 后面要写上它的值（空一格）",
        "Option {name} needs a value after it",
    ),
    "cli.usage.no_value": (
        "选项 {name} 后面不带值，去掉“=”和后面的部分",
        "Option {name} takes no value: drop the = and what follows",
    ),
    "cli.usage.bad_number": ("选项 {name} 要写{wanted}", "Option {name} needs {wanted}"),
    "cli.usage.bad_value": ("选项 {name} 的值不对：{detail}", "Option {name} has a wrong value: {detail}"),
    "cli.usage.int": ("一个整数，例如 8", "a whole number, such as 8"),
    "cli.usage.int_from": ("一个不小于 {low} 的整数", "a whole number of at least {low}"),
    "cli.usage.int_between": ("{low} 到 {high} 之间的整数", "a whole number from {low} to {high}"),
    "cli.usage.number": ("一个数，例如 1.5", "a number, such as 1.5"),
    "cli.usage.number_from": ("一个不小于 {low} 的数", "a number of at least {low}"),
    "cli.usage.number_between": ("{low} 到 {high} 之间的数", "a number from {low} to {high}"),
    "cli.usage.no_command": ("没有 {name} 这个命令", "There is no command {name}"),
    "cli.usage.extra": (
        "多出了 {args}：这个命令不要这么多项；文件名或文件夹名里有空格时，请用英文双引号把它整个括起来",
        "Unexpected {args}: the command takes fewer items; put a file or folder name with spaces in double quotes",
    ),
    "cli.usage.no_command_given": (
        "没有写要做什么：在 consolidate 后面写上命令，例如 consolidate demo",
        "No command given: write one after consolidate, such as consolidate demo",
    ),
    "cli.help_arguments": ("参数", "Arguments"),
    "cli.help_options": ("选项", "Options"),
    "cli.help_commands": ("命令", "Commands"),
    "cli.help_required": ("[必填]", "[required]"),
    "cli.help_default": ("[默认：{}]", "[default: {}]"),
    "cli.usage.lang": ("--lang 只能是 zh（中文）或 en（英文）", "--lang is zh (Chinese) or en (English)"),
    "cli.crash": (
        "出现了意外错误（{error}）。这是本工具的缺陷，不是您的操作问题；详细信息已写入 {log}，请把这个文件发给维护者。",
        "An unexpected error ({error}). This is a fault of the tool, not of what you did; the details are "
        "in {log}: please send that file to the maintainers.",
    ),
    "cli.cannot_read": ("无法读取 {path}：{error}", "Cannot read {path}: {error}"),
    "cli.out_is_folder": (
        "{path} 是一个文件夹，不能作为输出文件；请给出文件名，如 {path}/汇总.xlsx",
        "{path} is a folder, not a file to write; give a file name such as {path}/summary.xlsx",
    ),
    "cli.out_no_folder": (
        "无法写出 {path}：文件夹 {folder} 不存在；请先建好这个文件夹，或换一个位置",
        "Cannot write {path}: the folder {folder} does not exist; make it first, or choose another place",
    ),
    "cli.out_not_in_folder": (
        "无法写出 {path}：{folder} 是一个文件，不是文件夹",
        "Cannot write {path}: {folder} is a file, not a folder",
    ),
    "cli.out_read_only": (
        "无法写出 {path}：这个文件是只读的（或正被其他程序打开）；请关闭它，或换一个文件名",
        "Cannot write {path}: the file is read-only (or open in another program); close it, or choose another name",
    ),
    "cli.no_room": (
        "磁盘空间不足，没能写出 {path}：{where}只剩 {free}{short}。请在这个磁盘上删除或移走不需要的文件，"
        "或者写到别的磁盘上，然后再运行一次；没有留下写了一半的文件。",
        "The disk is full: {path} could not be written; {where} has {free} left{short}. Delete or move files you "
        "do not need from that disk, or write to another disk, and run again; nothing was left half written.",
    ),
    "cli.no_room_short": ("，还差约 {missing}", ", about {missing} short"),
    "cli.no_room_temp": (
        "临时文件夹 {folder} 的磁盘空间不足，没能写出 {path}：{where}只剩 {free}。请在这个磁盘上腾出空间，"
        "或者把环境变量 TMPDIR 设为别的磁盘上的一个文件夹，然后再运行一次；没有留下写了一半的文件。",
        "The temporary folder {folder} is on a full disk: {path} could not be written; {where} has {free} left. "
        "Free some space on that disk, or set the environment variable TMPDIR to a folder on another disk, and run "
        "again; nothing was left half written.",
    ),
    "cli.no_room_work": (
        "临时文件夹 {folder} 的磁盘空间不足：{where}只剩 {free}。请在这个磁盘上腾出空间，或者把环境变量 TMPDIR "
        "设为别的磁盘上的一个文件夹，然后再运行一次。",
        "The temporary folder {folder} is on a full disk: {where} has {free} left. Free some space on that disk, "
        "or set the environment variable TMPDIR to a folder on another disk, and run again.",
    ),
    "cli.disk_of": ("{folder} 所在的磁盘", "the disk of {folder}"),
    "cli.disk_of_mounted": ("{folder} 所在的磁盘（{disk}）", "the disk of {folder} ({disk})"),
    "cli.no_room_somewhere": (
        "磁盘空间不足，命令没能完成（{error}）。请腾出空间后再运行一次。",
        "A disk is full and the command could not finish ({error}). Free some space and run again.",
    ),
    "cli.name_too_long": (
        "文件名太长：{name}（{size} 字节；{folder} 里的文件名最多 {limit} 字节，一个汉字占 3 字节）。请换一个短一些的名字。",
        "The file name is too long: {name} ({size} bytes; a name in {folder} may have at most {limit} bytes, a "
        "Chinese character takes 3). Choose a shorter name.",
    ),
    "cli.folder_name_too_long": (
        "文件夹名太长：{name}（{size} 字节；{folder} 里的名字最多 {limit} 字节，一个汉字占 3 字节）。请换一个短一些的名字。",
        "The folder name is too long: {name} ({size} bytes; a name in {folder} may have at most {limit} bytes, a "
        "Chinese character takes 3). Choose a shorter name.",
    ),
    "cli.path_too_long": (
        "文件名或路径太长，没能写出 {path}。请换一个短一些的名字，或者写到层次浅一些的文件夹里；没有留下写了一半的文件。",
        "The file name or path is too long: {path} could not be written. Choose a shorter name, or a folder "
        "nearer the top; nothing was left half written.",
    ),
    "cli.size_bytes": ("{n} 字节", "{n} bytes"),
    "cli.out_not_writable": (
        "无法写出 {path}：文件夹 {folder} 不允许写入；请换一个位置",
        "Cannot write {path}: the folder {folder} cannot be written to; choose another place",
    ),
    "cli.folder_is_file": (
        "{path} 是一个文件，不是文件夹；请换一个文件夹名",
        "{path} is a file, not a folder; choose another folder name",
    ),
    "cli.folder_not_writable": (
        "无法写入文件夹 {path}：{folder} 不允许写入；请换一个位置",
        "Cannot write into the folder {path}: {folder} cannot be written to; choose another place",
    ),
    # Inputs
    "input.not_found": (
        "找不到 {path}（在 {folder} 中找的）。{hint}请检查名称是否写对；名称里有空格时，用英文双引号把它整个括起来",
        "No such file or folder: {path} (looked for in {folder}). {hint}Check the name; put a name with spaces "
        "in double quotes",
    ),
    "input.not_found_near": ("那里有名称相近的：{names}。", "Names like it there: {names}. "),
    "input.no_files": ("没有可读取的文件", "No files to read"),
    "input.embedded_spec": ("{file}：{error}", "{file}: {error}"),
    "input.no_template_spec": (
        "{paths} 中没有由模板生成的报表（共 {n} 个文件），读不出报表定义。请给出收回报表所在的文件夹；"
        "报表不是用模板填的，请用 -s 指定报表定义（report.xlsx 或 report.yaml）",
        "No return made from a template in {paths} ({n} files), so no spec can be read from them. Give the "
        "folder the returns are in; for returns not filled in from templates, give the spec with -s "
        "(report.xlsx or report.yaml)",
    ),
    "frames.no_pandas": (
        '需要 pandas：pip install "consolidate[pandas]"',
        'pandas is needed: pip install "consolidate[pandas]"',
    ),
    "parquet.no_pyarrow": (
        '写出或读取 Parquet 文件需要 pyarrow：pip install "consolidate[parquet]"，然后再运行一次',
        'Parquet files need pyarrow: pip install "consolidate[parquet]", then run it again',
    ),
    "parquet.not_ours": (
        "{path}：不是本工具（merge --parquet）写出的 Parquet 文件",
        "{path}: not a Parquet file written by this tool (merge --parquet)",
    ),
    "parquet.unreadable": (
        "{path}：无法读取这个 Parquet 文件：{error}",
        "{path}: cannot read this Parquet file: {error}",
    ),
    "parquet.other_merge": (
        "{path}：这个 Parquet 文件是另一次汇总写出的（{what}），与这次汇总不符；用这次汇总的 merge --parquet 重新写出",
        "{path}: this Parquet file was written by another merge ({what}), not this one; write it again "
        "with merge --parquet for this merge",
    ),
    # The spec
    "spec.not_found": (
        "找不到报表定义文件（在 {folder} 中找的）{hint}",
        "Spec file not found (looked for in {folder}){hint}",
    ),
    "spec.not_found_near": ("；那里有名称相近的：{names}", "; names like it there: {names}"),
    "spec.cannot_read": ("无法读取：{error}", "Cannot read it: {error}"),
    "spec.yaml_syntax": (
        "YAML 写法有误：{error}；请检查这一行和上一行的冒号、引号、括号和缩进",
        "YAML syntax error: {error}; check the colons, quotes, brackets and indentation of this line and the one before",
    ),
    "spec.yaml_bracket": (
        "方括号 [ ] 没有配对，或列表的两项之间少了逗号；请检查这一行和上一行",
        "A square bracket [ ] is not closed, or a comma is missing between two entries; check this line and the one before",
    ),
    "spec.yaml_brace": (
        "花括号 { } 没有配对，或两项之间少了逗号；请检查这一行和上一行",
        "A brace { } is not closed, or a comma is missing between two entries; check this line and the one before",
    ),
    "spec.yaml_colon": (
        '这里不能有冒号：值里有冒号时，请用引号把整个值括起来（如 title: "通知：第一批"）；也可能是缩进不对',
        'A colon cannot stand here: put a value that holds a colon in quotes (title: "Notice: part 1"); '
        "or the indentation is wrong",
    ),
    "spec.yaml_tab": ("不能用 Tab 键缩进，请改用空格", "Indent with spaces, not the Tab key"),
    "spec.yaml_alias": ("引用了没有定义的别名（*名称）", "An alias (*name) that was never defined"),
    "spec.yaml_quote": (
        "引号没有配对：一个值以引号开始，却没有结束的引号",
        "A quote is not closed: a value starts with a quote that never ends",
    ),
    "spec.yaml_indent": (
        "缩进不一致：同一层的键要对齐，列表项要以“- ”开头",
        "The indentation does not line up: keys of one level start in the same column, list entries with “- ”",
    ),
    "spec.bad_yaml_value": (
        "这个值无法读取：“{value}”；日期请写成 2025-04-15，数字只写数字，不要加 !! 标记",
        "This value cannot be read: “{value}”; write dates like 2025-04-15, numbers as digits only, and no !! tags",
    ),
    "spec.too_large": (
        "文件过大（{mb} MB）；报表定义通常不到 1 MB，请确认选对了文件",
        "The file is too large ({mb} MB); a spec is usually under 1 MB: check that this is the right file",
    ),
    "spec.too_deep": (
        "嵌套超过 {limit} 层；报表定义不会这样写，请检查是否粘贴进了别的内容",
        "Nested more than {limit} levels deep; no spec is written like that: check what was pasted in",
    ),
    "spec.too_many_values": (
        "别名（*名称）展开后超过 {limit} 个值；请直接写出内容，不要用别名层层引用",
        "More than {limit} values once the aliases (*name) are written out; write the values out instead",
    ),
    "spec.bad_period": (
        "报告期“{value}”看不懂；可以写成 2025（全年）、2025年第三季度（2025-Q3）、2025年9月（2025-09）或 2025年上半年（2025-H1）",
        "The period “{value}” cannot be read; write 2025 (the year), 2025-Q3 (a quarter), 2025-09 (a month) "
        "or 2025-H1 (a half year)",
    ),
    "spec.bad_date": (
        "“{value}”不是日期；请写成 2025-04-15 或 2025年4月15日",
        "“{value}” is not a date; write it like 2025-04-15",
    ),
    "spec.impossible_date": (
        "“{value}”这一天不存在；请检查月和日，写成如 2025-04-15 或 2025年4月15日",
        "There is no such day as “{value}”; check the month and day, and write it like 2025-04-15",
    ),
    "spec.bad_report_id": (
        "报表编号“{value}”只能用小写英文字母、数字和连字符（-），以字母或数字开头，如 key-work-2025q1",
        "The report id “{value}” may use lower-case letters, digits and hyphens only, starting with a letter "
        "or digit, such as key-work-2025q1",
    ),
    "spec.bad_field_id": (
        "栏目编号“{value}”只能用小写英文字母、数字和下划线（_），以字母或下划线开头，如 done 或 done_2025",
        "The field id “{value}” may use lower-case letters, digits and underscores only, starting with a letter "
        "or underscore, such as done or done_2025",
    ),
    "spec.bad_rule_id": (
        "规则编号“{value}”只能用英文字母、数字、下划线和连字符，如 over-target",
        "The rule id “{value}” may use letters, digits, underscores and hyphens only, such as over-target",
    ),
    "spec.bad_id": ("“{value}”的写法不对", "“{value}” is not written as it should be"),
    "spec.empty": ("不能为空", "Must not be empty"),
    "spec.need_whole_number": ("应为整数，如 50；写的是“{value}”", "Must be a whole number such as 50, not “{value}”"),
    "spec.need_number": ("应为数字，如 1.5；写的是“{value}”", "Must be a number such as 1.5, not “{value}”"),
    "spec.need_bool": ("应为 true 或 false；写的是“{value}”", "Must be true or false, not “{value}”"),
    "spec.need_more_than": ("应大于 {gt}；写的是“{value}”", "Must be more than {gt}, not “{value}”"),
    "spec.need_at_least": ("不能小于 {ge}；写的是“{value}”", "Must be at least {ge}, not “{value}”"),
    "spec.need_less_than": ("应小于 {lt}；写的是“{value}”", "Must be less than {lt}, not “{value}”"),
    "spec.need_at_most": ("不能大于 {le}；写的是“{value}”", "Must be at most {le}, not “{value}”"),
    "spec.need_list": (
        "应是一个列表，如 [甲, 乙]，或每项一行、以“- ”开头；写的是“{value}”",
        "Must be a list such as [a, b], or one item a line starting with “- ”; not “{value}”",
    ),
    "spec.need_mapping": (
        "应是“键: 值”的写法，如 {{id: done, label: 累计完成}}；写的是“{value}”",
        "Must be keys and values such as {{id: done, label: Done}}; not “{value}”",
    ),
    "spec.need_text": ("应为文字；写的是“{value}”", "Must be text, not “{value}”"),
    "spec.too_few": ("至少要写 {min_length} 项", "Needs at least {min_length} entries"),
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
    "spec.formula_prev": (
        "公式不能引用上期数值（prev.…），上期数值只能用在规则中",
        "A formula cannot use the previous period (prev.…); use it in a rule",
    ),
    "spec.cumulative_numeric_input": (
        "cumulative: true 只能用于需要填写的数字栏目",
        "cumulative: true is for numeric fields the units fill in",
    ),
    "spec.prefill_input": (
        "prefill: last 只能用于需要填写的栏目",
        "prefill: last is for fields the units fill in",
    ),
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
    "spec.bad_value": (
        "取值“{value}”不可用，应为以下之一：{allowed}",
        "“{value}” is not allowed: use one of {allowed}",
    ),
    "spec.invalid": ("这个值不对：“{value}”", "This value is not right: “{value}”"),
    "spec.fixed_needs_items": ("rows: fixed 需要 items", "rows: fixed needs items"),
    "spec.mail_braces": (
        "花括号不配对，字面的花括号请写成 {{{{ 和 }}}}：{error}",
        "Unbalanced braces; write a literal brace as {{{{ or }}}}: {error}",
    ),
    "spec.mail_placeholder": ("未知的占位符 {bad}；可用：{allowed}", "Unknown placeholder {bad}; allowed: {allowed}"),
    "spec.book_sheets": (
        "这个工作簿不是报表定义：缺少工作表 {sheets}（用 consolidate init 生成一个，或 consolidate convert 转换 report.yaml）",
        "This workbook is not a spec: it has no sheet {sheets} (make one with consolidate init, or convert a report.yaml "
        "with consolidate convert)",
    ),
    "spec.bad_template": (
        "文字模板有误（模板第 {line} 行）：{error}；变量写成 {{{{ item.no }}}}，判断写成 {{% if ... %}}...{{% endif %}}",
        "The text template is wrong (its line {line}): {error}; write a value as {{{{ item.no }}}} and a "
        "condition as {{% if ... %}}...{{% endif %}}",
    ),
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
    "read.passed_over": (
        "这是本工具生成的文件（汇总表、报表定义等），不是单位的报表，已跳过",
        "a file this tool made (a summary, a spec...), not a unit's return: passed over",
    ),
    "read.empty": ("文件是空的（0 字节）", "the file is empty (0 bytes)"),
    "history.unusable": (
        "历史记录不可用（{error}），本次不使用历史记录（没有上期数、不做跨期核对，也不记录本期）：{path}",
        "the history cannot be used ({error}); this run goes on without it (no previous period, no checks against it, nothing recorded): {path}",
    ),
    "history.values": ("{values}", "{values}"),
    "history.not_summary": (
        "{path} 不是 Excel 工作簿，不能作为汇总表导入；请指定本工具写出的汇总工作簿（.xlsx）",
        "{path} is not an Excel workbook and cannot be imported as a summary; give a summary workbook (.xlsx) written by this tool",
    ),
    "history.no_summary_data": (
        "{path} 中没有可导入的数据：它不是本工具写出的汇总工作簿，或是旧版本写的（旧版本的汇总表不带数据）。"
        "请用本版本重新汇总那一期收回的报表：consolidate merge 那一期的报表文件夹/ --history {history}，"
        "那一期就记入了历史记录",
        "{path} holds no data to import: it is not a summary workbook written by this tool, or an older "
        "version wrote it (older summaries do not carry their data). Merge that period's returns again "
        "with this version: consolidate merge THAT-PERIODS-RETURNS/ --history {history}; that records the period",
    ),
    "history.other_report": (
        "{path} 是另一份报表（{report}）的汇总，不是 {expected} 的",
        "{path} is the summary of another report ({report}), not of {expected}",
    ),
    "history.waiting": (
        "同一报表的另一次合并正在进行（它在使用 {path}），等它结束后再继续……",
        "Another merge of the same report is running (it is using {path}); waiting for it to finish…",
    ),
    "history.busy": (
        "报表 {id}（{period}）的另一次合并仍在进行，已等待 {minutes} 分钟（{path}）。请等它结束后再运行本命令。",
        "Another merge of report {id} ({period}) is still running after {minutes} minutes of waiting ({path})."
        " Run this command again when it has finished.",
    ),
    "history.cannot_write": ("无法写入历史记录：{path}", "Cannot write the history: {path}"),
    "cache.unusable": (
        "解析缓存不可用（{error}），本次不使用缓存，结果不受影响，只是慢一些：{path}",
        "the parse cache cannot be used ({error}); this run goes on without it, with the same results, only slower: {path}",
    ),
    "cache.damaged": (
        "解析缓存中有损坏的记录（{n} 条），已丢弃，相应文件已重新读取，结果不受影响：{path}",
        "the parse cache held damaged entries ({n}); they were dropped and their files read again, with the same results: {path}",
    ),
    "read.out_of_memory": ("文件过大，内存不足以读取", "the file is too large to read in the memory available"),
    "read.crashed": (
        "读取此文件时读取进程异常退出（{how}），文件可能已损坏或过大；其他文件不受影响",
        "the process reading this file ended abnormally ({how}); the file may be damaged or too large. Other files are not affected",
    ),
    "read.timed_out": (
        "读取此文件超过 {seconds} 秒仍未完成，已放弃；文件可能已损坏或过大",
        "reading this file took more than {seconds} seconds and was given up; the file may be damaged or too large",
    ),
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
    "kinds.demo_not_empty": (
        "{folder} 不是空文件夹；示例需要一个空文件夹（或用 --force：只替换以前的示例生成的文件，其他文件不动）",
        "{folder} is not empty; the demo needs an empty folder (or --force: only files an earlier demo made "
        "there are replaced, nothing else is touched)",
    ),
    "kinds.demo_not_ours": (
        "{path} 不是示例生成的，示例不会删除或覆盖它；请把示例建在另一个文件夹",
        "{path} was not made by the demo, which will not delete or overwrite it; build the demo in another folder",
    ),
    "write.not_ours": (
        "{path} 已存在，但不是本工具写的，不会覆盖它；请换一个文件名或文件夹，或先把它移走",
        "{path} exists but was not written by consolidate, so it is not overwritten; "
        "choose another name or folder, or move it away first",
    ),
    "write.is_return": (
        "{path} 是单位填报的报表（或改过的模板），不会覆盖它；请换一个文件名或文件夹",
        "{path} is a unit's filled-in return (or a template changed by hand), so it is not overwritten; "
        "choose another name or folder",
    ),
    "write.is_other": (
        "{path} 是本工具写的{there}，不会用{what}覆盖它；请换一个文件名",
        "{path} is {there} written by consolidate; it is not overwritten with {what}: choose another name",
    ),
    "write.wrong_suffix": (
        "{option} {path}：{what}是 {suffix} 文件，文件名要以 {suffix} 结尾，例如 {example}",
        "{option} {path}: {what} is a {suffix} file, so its name must end in {suffix}, such as {example}",
    ),
    "write.what.summary": ("汇总工作簿", "a summary workbook"),
    "write.what.form": ("模板", "a template"),
    "write.what.spec": ("报表定义", "a report spec"),
    "write.what.document": ("进展情况文档（Word）", "a progress document (Word)"),
    "write.what.summary-json": ("汇总 JSON", "a summary JSON file"),
    "write.what.issues-json": ("问题清单 JSON", "a JSON list of problems"),
    "write.what.status-json": ("报送情况 JSON", "a JSON list of submissions"),
    "write.what.pdf": ("汇总 PDF", "a summary PDF"),
    "write.what.email": ("邮件（.eml）", "an e-mail (.eml)"),
    "write.what.parquet": ("明细 Parquet 文件", "a Parquet file of the detail"),
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
    "mail.returns_not_folder": (
        "{folder} 是一个文件，不是回收报表的文件夹",
        "{folder} is a file, not a returns folder",
    ),
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
    "mail.password_not_ascii": (
        "{server} 服务器不接受含中文等非英文字符的用户名或密码（它不支持 AUTH PLAIN）；请在邮箱设置中改用只含英文字母、数字和符号的密码（或授权码）",
        "The {server} server does not take a user name or password beyond English letters (it offers no AUTH "
        "PLAIN); use a password (or app password) of letters, digits and symbols only",
    ),
    "mail.imap_failed": ("IMAP {command} 失败：{error}", "IMAP {command} failed: {error}"),
}
