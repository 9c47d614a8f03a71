"""The upload page (``consolidate serve``): what the unit's page and the clerk's page say, and
what the command prints while it serves them.

Keys: ``serve.page.*`` the pages (in the spec's language), ``serve.refused.*`` why an upload was
not taken as a return, ``cli.serve_*`` the command's lines, ``chat.link`` the line ``remind
--text`` adds when a unit has a link.
"""

from __future__ import annotations

SERVE: dict[str, tuple[str, str]] = {
    # --- the unit's page
    "serve.page.lang": ("zh-CN", "en"),
    "serve.page.unit": ("填报单位", "Unit"),
    "serve.page.period": ("报告期", "Period"),
    "serve.page.deadline": ("报送截止", "Deadline"),
    "serve.page.no_deadline": ("未定", "none set"),
    "serve.page.step_download": (
        "第一步：下载本单位的模板，在 Excel 或 WPS 中填写黄色格子，保存。",
        "Step 1: download your unit's template, fill in the yellow cells in Excel or WPS, save it.",
    ),
    "serve.page.download_template": ("下载本单位模板", "Download your template"),
    "serve.page.step_upload": (
        "第二步：把填好的文件拖到下面的框里，或点击“选择文件”，再点“上传”。",
        "Step 2: drag the filled file into the box below, or click “Choose file”, then “Upload”.",
    ),
    "serve.page.drop": (
        "把填好的报表拖到这里（.xlsx、.xls、.ods、.csv，不超过 {mb} MB）",
        "Drop the filled return here (.xlsx, .xls, .ods, .csv, at most {mb} MB)",
    ),
    "serve.page.choose": ("选择文件", "Choose file"),
    "serve.page.upload": ("上传", "Upload"),
    "serve.page.uploading": ("正在上传并检查，请稍候……", "Uploading and checking, please wait…"),
    "serve.page.failed": (
        "上传没有完成（网络中断或服务已停止），请稍后再试。",
        "The upload did not complete (the network failed or the service stopped); please try again later.",
    ),
    "serve.page.accepted": ("已收到，检查通过：没有发现问题。", "Received and checked: no problems found."),
    "serve.page.accepted_warnings": (
        "已收到。有 {n} 处需要核实（警告），如数字无误可不修改：",
        "Received. {n} point(s) to verify (warnings); if the figures are right, nothing needs changing:",
    ),
    "serve.page.accepted_errors": (
        "已收到，但有 {n} 处错误需要修改，改好后请重新上传（新上传的文件会替换这一份）：",
        "Received, but {n} error(s) must be corrected; correct them and upload again (the new upload replaces this one):",
    ),
    "serve.page.also_warnings": ("另有 {n} 处需要核实（警告）。", "Also {n} point(s) to verify (warnings)."),
    "serve.page.also_notes": (
        "另有 {n} 处提示，请看一看下表（不影响报送）。",
        "Also {n} note(s) below to look at (they do not stop the return).",
    ),
    "serve.page.refused": ("没有收下这个文件：", "This file was not taken:"),
    "serve.page.same": (
        "这个文件与 {time} 上传的完全相同，没有再保存一份。检查结果如下：",
        "This file is identical to the one uploaded at {time}; it was not saved again. The checks say:",
    ),
    "serve.page.sheet": ("工作表", "Sheet"),
    "serve.page.cell": ("单元格", "Cell"),
    "serve.page.what": ("问题", "What is wrong"),
    "serve.page.fix": ("怎么改", "How to fix it"),
    "serve.page.level": ("级别", "Level"),
    "serve.page.download_feedback": (
        "下载反馈文件（问题单元格已标红，可直接在上面修改后重新上传）",
        "Download the feedback file (the problem cells are marked; correct them there and upload it again)",
    ),
    "serve.page.earlier": ("本单位的上传记录", "Your unit's uploads"),
    "serve.page.none_yet": ("还没有上传过。", "Nothing uploaded yet."),
    "serve.page.time": ("时间", "Time"),
    "serve.page.file": ("文件", "File"),
    "serve.page.result": ("结果", "Result"),
    "serve.page.late": ("（已过截止日期）", "(after the deadline)"),
    "serve.page.current": ("当前有效", "current"),
    "serve.status.accepted": ("已收到，无问题", "received, no problems"),
    "serve.status.warnings": ("已收到，{w} 处警告", "received, {w} warning(s)"),
    "serve.status.errors": ("已收到，{e} 处错误、{w} 处警告", "received, {e} error(s), {w} warning(s)"),
    "serve.status.refused": ("未收下", "not taken"),
    "serve.status.same": ("与之前上传的相同", "same as an earlier upload"),
    "serve.page.footer": (
        "此页面由本局自己的电脑提供，文件不会传到外网。请勿把本链接转给其他单位。",
        "This page is served by the bureau's own computer; files do not leave its network. Do not pass this link to other units.",
    ),
    # --- why an upload was not taken as a return
    "serve.refused.suffix": (
        "只能上传 .xlsx、.xlsm、.xls、.ods 或 .csv 文件（这个文件是“{suffix}”）。请上传填好的模板。",
        "Only .xlsx, .xlsm, .xls, .ods or .csv files can be uploaded (this one is “{suffix}”). Please upload the filled template.",
    ),
    "serve.refused.empty": (
        "没有收到文件：请先选择填好的报表再点“上传”。",
        "No file arrived: choose the filled return first, then click “Upload”.",
    ),
    "serve.refused.too_large": (
        "文件太大（超过 {mb} MB），没有收下。报表一般只有几十 KB：请检查是否选错了文件，或删去工作簿中多余的图片和工作表。",
        "The file is too large (over {mb} MB) and was not taken. A return is usually a few dozen KB: check that it is the right file, or remove extra pictures and sheets.",
    ),
    "serve.refused.other_unit": (
        "这是“{other}”的报表，不是本单位（{unit}）的。请下载本单位的模板填写后再上传；如果是替其他单位上传，请使用该单位自己的链接。",
        "This is the return of “{other}”, not of your unit ({unit}). Download your own unit's template, fill it and upload it; to upload for another unit, use that unit's own link.",
    ),
    "serve.refused.blank": (
        "这份表是空白的，没有填写任何数据，没有收下。请在表中填写后再上传。",
        "This form is blank: nothing is filled in, so it was not taken. Fill it in, then upload it again.",
    ),
    "serve.refused.unreadable": (
        "这个文件无法作为本单位的报表读取，没有收下。原因见下：",
        "This file cannot be read as your unit's return and was not taken. The reasons:",
    ),
    "serve.refused.slow": (
        "上传太慢，超过了时间限制，没有收下。请在网络较好时再试。",
        "The upload was too slow and ran out of time; it was not taken. Please try again on a better connection.",
    ),
    "serve.refused.broken": (
        "上传的内容不完整，没有收下。请重新选择文件上传。",
        "The upload arrived incomplete and was not taken. Please choose the file and upload it again.",
    ),
    # --- the clerk's page
    "serve.admin.title": ("收表情况（管理页面）", "Returns (the clerk's page)"),
    "serve.admin.counts": (
        "应报 {expected} 个单位：已报 {returned}，按时 {on_time}，有错误 {errors}，未报 {missing}。",
        "{expected} units expected: {returned} returned, {on_time} on time, {errors} with errors, {missing} missing.",
    ),
    "serve.admin.refresh": ("刷新", "Refresh"),
    "serve.admin.summary": (
        "下载当前汇总表（立即汇总一次，与 consolidate merge 相同）",
        "Download the current summary (merged now, as consolidate merge does)",
    ),
    "serve.admin.unit": ("单位", "Unit"),
    "serve.admin.status": ("报送情况", "Status"),
    "serve.admin.received": ("收到时间", "Received"),
    "serve.admin.on_time": ("是否按时", "On time"),
    "serve.admin.problems": ("错误 / 警告", "Errors / warnings"),
    "serve.admin.last_upload": ("最近一次上传", "Last upload"),
    "serve.admin.link": ("链接", "Link"),
    "serve.admin.yes": ("按时", "on time"),
    "serve.admin.late": ("逾期", "late"),
    "serve.admin.missing_title": (
        "尚未报送的单位（复制链接发给该单位）",
        "Units not yet returned (copy the link to the unit)",
    ),
    "serve.admin.all_in": ("所有单位都已报送。", "Every unit has returned."),
    "serve.admin.returns_folder": ("收回报表保存在：{folder}", "Returns are saved in: {folder}"),
    "serve.admin.busy": ("另一次汇总正在进行，请稍后再试。", "Another merge is running; please try again in a moment."),
    "serve.admin.failed": ("汇总没有完成：{error}", "The merge did not complete: {error}"),
    "serve.error": (
        "服务器处理出错，请稍后再试，或联系报表负责人。",
        "The server could not handle this; please try again later, or contact the clerk.",
    ),
    "serve.closed.title": ("链接打不开", "This link does not open"),
    "serve.closed.unknown": (
        "这个链接打不开。可能是复制得不完整（在微信里转发时，长链接常被截断），也可能已经停用。"
        "请核对链接，或向发给您链接的人索取本单位本期的链接。",
        "This link does not open. It may have been copied incompletely (chat apps often cut long "
        "links), or it is no longer in use. Check the link, or ask whoever sent it to you for your "
        "unit's link for this period.",
    ),
    "serve.closed.earlier": (
        "这是 {old} 期的链接，那一期已经结束，这个链接不再使用。本期（{period}）有新的链接，请向报表负责人索取{ask}。",
        "This is the link of {old}, which is over: the link is no longer used. This period ({period}) "
        "has new links: please ask the person in charge of the report for yours{ask}.",
    ),
    "serve.closed.replaced": (
        "这个链接已经停用：报表负责人换发了新链接。请向报表负责人索取新的链接{ask}。",
        "This link is no longer in use: new links were issued. Please ask the person in charge of "
        "the report for the new one{ask}.",
    ),
    "serve.closed.admin_earlier": (
        "这是 {old} 期的管理页面链接，那一期已经结束。本期（{period}）的管理页面链接在运行 consolidate serve "
        "的窗口里（“管理页面”那一行）。",
        "This is the clerk's page of {old}, which is over. This period's ({period}) is in the window "
        "where consolidate serve runs (the line of the clerk's page).",
    ),
    "serve.closed.admin_replaced": (
        "这个管理页面链接已经停用（换发了新链接）。新的链接在运行 consolidate serve 的窗口里（“管理页面”那一行）。",
        "This link to the clerk's page is no longer in use (new links were issued). The new one is in "
        "the window where consolidate serve runs (the line of the clerk's page).",
    ),
    "serve.closed.ask_contact": ("（{contact}）", " ({contact})"),
    # --- the command's lines
    "cli.serve_listening": ("收表页面已启动，监听 {address}", "The upload page is running, listening on {address}"),
    "cli.serve_open_to": ("局域网内可用以下地址访问：{addresses}", "Reachable on the network at: {addresses}"),
    "cli.serve_local_only": (
        "只有本机能打开（要让各单位访问，请加 --host 0.0.0.0）",
        "Only this computer can open it (for the units to reach it, add --host 0.0.0.0)",
    ),
    "cli.serve_links": (
        "各单位的链接（每个单位只能打开自己的页面）：",
        "Each unit's link (each opens only its own page):",
    ),
    "cli.serve_admin": ("管理页面（只给报表负责人）：{link}", "The clerk's page (for the clerk only): {link}"),
    "cli.serve_links_file": ("链接已写入 {file}", "Links written to {file}"),
    "cli.serve_links_not_ours": (
        "{file} 不是本工具写的文件，没有改动它；链接见上。",
        "{file} is not a file this tool wrote; it was left as it is (the links are above).",
    ),
    "cli.serve_links_follow": (
        "本期（{period}）的链接是新的，{old} 期的链接已经打不开：请把下面的链接重新发给各单位"
        "（remind --text 写出的催报消息里也是新链接）。",
        "The links are new for this period ({period}); those of {old} no longer open: send the "
        "links below to the units again (the reminder remind --text writes has the new ones).",
    ),
    "cli.serve_new_links": (
        "已为本期换发新链接：旧链接已失效。",
        "New links issued for this period: the old links no longer open.",
    ),
    "cli.serve_stop": ("按 Ctrl-C 停止。", "Press Ctrl-C to stop."),
    "cli.serve_stopped": (
        "收表页面已停止。再次运行同一命令即可继续：链接和已上传的报表都会保留。",
        "The upload page has stopped. Run the same command again to go on: links and uploads are kept.",
    ),
    "cli.serve_port_taken": (
        "无法在 {host}:{port} 启动：{error}。请换一个端口（--port）或先停止占用它的程序。",
        "Cannot start on {host}:{port}: {error}. Choose another port (--port) or stop the program using it.",
    ),
    "cli.serve_returns_is_file": (
        "回收文件夹 {path} 是一个文件，不是文件夹。",
        "The returns folder {path} is a file, not a folder.",
    ),
    "cli.serve_bad_address": (
        "--address 应是本机的名称或 IP 地址（可带端口），如 192.168.1.20 或 hwj-pc:8765；给出的是“{value}”。",
        "--address must be this computer's name or IP address (a port may follow), "
        "e.g. 192.168.1.20 or hwj-pc:8765; given: “{value}”.",
    ),
    "cli.serve_max_mb": (
        "--max-mb 必须在 1 到 500 之间（给出的是 {value}）。",
        "--max-mb must be between 1 and 500 (given: {value}).",
    ),
    "cli.serve_uploaded": ("{time} {unit} 上传 {file}：{result}", "{time} {unit} uploaded {file}: {result}"),
    "cli.serve_refused": ("{time} {unit} 上传的文件未收下：{reason}", "{time} {unit}'s upload was not taken: {reason}"),
    "cli.serve_crash": (
        "处理请求时出错（{error}），详情已写入 {log}",
        "A request failed ({error}); details written to {log}",
    ),
    # --- remind --text
    "chat.link": ("本单位上传链接：{link}", "Your unit's upload link: {link}"),
}
