"""Messages of ``relay`` and ``fill``: the county's report made from the city's template, and the
county's return written back into it (docs/relay.md)."""

from __future__ import annotations

RELAY: dict[str, tuple[str, str]] = {
    # Reading the city's template
    "relay.no_template": ("找不到市里的模板 {file}", "The city's template {file} is not there"),
    "relay.cannot_read": (
        "无法读取市里的模板 {file}：{error}。请确认它是 Excel 文件（.xlsx）且没有在其他程序中打开",
        "Cannot read the city's template {file}: {error}. Check that it is an Excel file (.xlsx) and not "
        "open in another program",
    ),
    "relay.damaged": (
        "市里的模板 {file} 中隐藏的报表定义（_consolidate 工作表）已损坏，无法读取。请向市里重新索取模板",
        "The report definition hidden in the city's template {file} (sheet _consolidate) is damaged. Ask "
        "the city for the template again",
    ),
    "relay.no_items": (
        "在 {file} 中没有找到事项：表头下面没有一行是事项。请确认这是市里下发的报表",
        "No items found in {file}: no row under the header is an item. Check that this is the city's form",
    ),
    "relay.plain_unusable": (
        "无法从市里的表格 {file} 生成报表定义：{error}",
        "Cannot make a report from the city's table {file}: {error}",
    ),
    "relay.no_period": (
        "市里的表格标题和表头中没有写报告期（如 2020年8月）。请在表格标题中写明报告期后再运行",
        "The city's table does not say its period (such as 2020-08) in its title or header. Write it "
        "into the title and run again",
    ),
    "relay.no_sheet": (
        "市里的模板 {file} 中没有工作表“{sheet}”。请使用市里下发的原始模板",
        "The city's template {file} has no sheet “{sheet}”. Use the template as the city sent it",
    ),
    "relay.no_unit_name": (
        "市里的表格 {file} 没有写填报单位。请用 --unit-name 给出本单位在市里报表中的名称，如 --unit-name 沂水县",
        "The city's table {file} does not name the reporting unit. Give your unit's name as the city "
        "knows it with --unit-name",
    ),
    # The county's units and targets
    "relay.no_units": (
        "没有给出本县的下属单位。请用 --units 单位.xlsx 给出（列：编码、名称），或用 --spec 给出上一期的报表定义",
        "No units given for the county's report. Give them with --units units.xlsx (columns code, name), "
        "or the previous period's spec with --spec",
    ),
    "relay.no_targets": ("找不到目标分解表 {file}", "The breakdown table {file} is not there"),
    "relay.targets_no_breakdown": (
        "{file} 中没有找到目标分解：需要一个合并的“目标分解”表头，下面每个单位一列",
        "No breakdown found in {file}: it needs a merged breakdown header over one column per unit",
    ),
    "relay.targets_not_number": (
        "目标分解表 {file} 第 {row} 行“{unit}”一列的“{value}”不是数字。请改成数字，没有任务的单位留空",
        "The breakdown table {file}, row {row}, column “{unit}”: “{value}” is not a number. Write a "
        "number, or leave it blank for a unit without the task",
    ),
    "relay.targets_unknown_units": (
        "目标分解表 {file} 中的单位 {units} 不在本县的单位名单中（{known}）。请改成名单中的名称",
        "The breakdown table {file} names units not in the county's list ({known}): {units}. Use the names of the list",
    ),
    "relay.targets_unmatched": (
        "目标分解表 {file} 第 {row} 行“{text}”不是市里报表中的事项，没有使用；请按市里报表的序号或事项名称填写",
        "The breakdown table {file}, row {row}, “{text}”, is no item of the city's report and was not "
        "used; write the city's number or task text",
    ),
    "relay.target_sum": (
        "“{item}”：各单位{label}之和 {total} 与市里下达的{label} {city} 不一致。请核对目标分解表",
        "“{item}”: the units' {label} add up to {total}, not the city's {label} {city}. Check the breakdown",
    ),
    "relay.target_missing": (
        "“{item}”：目标分解表中没有这一事项，各单位模板的{label}空着（全县的数不能当作每个单位的，"
        "否则汇总时会成倍相加），本县汇总表中这一事项也没有{label}和完成率。请在目标分解表中补上",
        "“{item}”: the breakdown table has no row for it; the units' templates leave the {label} empty (the "
        "county's figure is not each unit's: added up it would count several times), and so does the "
        "county's summary, with no rate. Add it to the breakdown",
    ),
    "relay.no_breakdown": (
        "没有给出目标分解（--targets）：各单位模板的{label}空着（全县的数不能当作每个单位的，否则汇总时会成倍相加），"
        "本县汇总表中也没有{label}和完成率；报市里的数不受影响（市里的{label}在市里的模板中）",
        "No breakdown given (--targets): the units' templates leave the {label} empty (the county's figure is "
        "not each unit's: added up it would count several times), and so does the county's summary, with no "
        "rate; what goes up to the city is not affected (its {label} is in its own template)",
    ),
    "relay.spec_exists": (
        "{file} 已经存在，没有覆盖。请换一个文件夹，或用 --spec {file} 在原处按新模板更新",
        "{file} is there already and was not replaced. Choose another folder, or update it in place with --spec {file}",
    ),
    # Where relay took each setting from
    "relay.from.city": ("取自市里的模板 {file}", "from the city's template {file}"),
    "relay.from.old": ("取自上一期的报表定义 {file}", "from the previous period's spec {file}"),
    "relay.from.unit_name": (
        "按本单位在市里报表中的名称；可用 --issuer 指定",
        "your unit's name in the city's report; --issuer gives another",
    ),
    "relay.from.city_deadline": (
        "市里的截止日期 {day} 之前 3 个工作日；可用 --deadline 指定",
        "3 working days before the city's deadline, {day}; --deadline gives another",
    ),
    "relay.what.title": ("标题", "title"),
    "relay.what.issuer": ("发文单位", "issuer"),
    "relay.what.period": ("报告期", "period"),
    "relay.what.deadline": ("截止日期", "deadline"),
    "relay.what.units": ("下属单位数", "units"),
    "relay.what.targets": ("有目标分解的事项数", "items broken down"),
    "relay.made": (
        "已生成本县的报表定义 {file}：{items} 个事项、{units} 个单位（市里的报表：{city}）",
        "Wrote the county's spec {file}: {items} items, {units} units (the city's report: {city})",
    ),
    "relay.taken": ("{what}：{value}（{source}）", "{what}: {value} ({source})"),
    "relay.history": ("历史记录已复制到 {file}", "The history was copied to {file}"),
    "relay.backup": ("原报表定义另存为 {file}", "The spec it replaced is kept as {file}"),
    "relay.next": (
        "下一步：consolidate templates {file} -o 模板/",
        "Next: consolidate templates {file} -o templates/",
    ),
    # fill
    "relay.not_relayed": (
        "报表定义 {spec} 不是用 consolidate relay 从市里的模板生成的，不知道要填回哪张表。请先运行 consolidate relay",
        "The spec {spec} was not made by consolidate relay from a city's template: there is no city form "
        "to fill. Run consolidate relay first",
    ),
    "relay.other_report": (
        "{file} 不是本县要填报的市里模板：它是“{title}”（报告期 {period}，单位 {unit}），本县转发的是“{own_title}”"
        "（报告期 {own_period}，单位 {own_unit}）。请使用对应的模板，或对新模板重新运行 consolidate relay",
        "{file} is not the city's form this county relays: it is “{title}” (period {period}, unit {unit}); "
        "the county relays “{own_title}” (period {own_period}, unit {own_unit}). Use that template, or "
        "run consolidate relay on the new one",
    ),
    "relay.period_moved": (
        "本县的报表是报告期 {period}，市里的模板 {file} 是报告期 {city}。请对市里新一期的模板运行 consolidate relay",
        "The county's report is for the period {period}, the city's template {file} for {city}. Run "
        "consolidate relay on the city's template of the new period",
    ),
    "relay.out_is_template": (
        "{path} 是市里的模板本身，不能覆盖。请用 -o 给出另一个文件名",
        "{path} is the city's template itself and is not overwritten. Give another name with -o",
    ),
    "relay.out_not_ours": (
        "{path} 已经存在，不是 consolidate fill 写的（或写后有人改过），没有覆盖。请换一个文件名，或先把它移走",
        "{path} is there already and was not written by consolidate fill (or was changed since), so it "
        "was not replaced. Choose another name, or move it away first",
    ),
    "relay.note": ("未计入：{units}", "Not counted: {units}"),
    "relay.note.unit": ("{unit}（{why}）", "{unit} ({why})"),
    "relay.note.missing": ("未报送", "not returned"),
    "relay.note.rejected": ("数据有误未采用", "figures rejected"),
    "relay.filled": (
        "已把本县的数据填入市里的模板：{file}（{cells} 个单元格）",
        "Filled the city's template with the county's figures: {file} ({cells} cells)",
    ),
    "relay.partial": (
        "注意：数据不完整，{missing}{rejected}已在 {cells} 中注明。核实后再报送市里",
        "Note: the figures are incomplete: {missing}{rejected}said in {cells}. Check before sending it to the city",
    ),
    "relay.partial.missing": ("未报送：{units}；", "not returned: {units}; "),
    "relay.partial.rejected": ("数据有误未采用：{units}；", "figures rejected: {units}; "),
    "relay.fill_name": ("{stem}_已填.xlsx", "{stem}_filled.xlsx"),
}
