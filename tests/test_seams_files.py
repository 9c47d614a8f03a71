"""No file lost where the features meet (issue 20, 11 and 12): an output never replaces a unit's
return, a template or the clerk's own file, whatever flag names it; a summary or document the
clerk changed is kept as ``name.bak.xlsx``; an output in the returns' folder is never read back
as a return; a name for another format is refused; a file given for the returns that is not one
is named for what it is."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds.demo import DemoResult, build_demo
from consolidate.read.ours import Ours, ours

ERROR = "无法执行："


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, global_options_first([str(a) for a in args]), env={"COLUMNS": "400"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return build_demo(tmp_path_factory.mktemp("seams") / "demo")


@pytest.fixture
def demo(built: DemoResult, tmp_path: Path) -> DemoResult:
    """A copy of the demo of one's own: its returns and templates may be written into."""
    folder = tmp_path / "demo"
    shutil.copytree(built.folder, folder)
    moved = {p: folder / p.relative_to(built.folder) for p in (built.spec, built.returns, built.summary, built.json)}
    templates = [folder / p.relative_to(built.folder) for p in built.templates]
    return DemoResult(
        folder,
        moved[built.spec],
        templates,
        moved[built.returns],
        moved[built.summary],
        moved[built.json],
        built.result,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------
# 11. Outputs never replace what is not theirs


def test_merge_onto_a_units_return_or_a_template_is_refused(demo: DemoResult) -> None:
    a_return = demo.returns / "2020-08_2020年民生实事工作8月份进展情况_临沭县.xlsx"
    template = demo.templates[0]
    before = _files(demo.folder)
    cases = [
        (
            ["merge", demo.returns, "-o", a_return],
            f"{a_return} 是单位填报的报表（或改过的模板），不会覆盖它；请换一个文件名或文件夹",
        ),
        (
            ["merge", demo.returns, "-o", template],
            f"{template} 是本工具写的模板，不会用汇总工作簿覆盖它；请换一个文件名",
        ),
        (
            ["--lang", "en", "merge", demo.returns, "-o", a_return],
            f"Cannot run: {a_return} is a unit's filled-in return (or a template changed by hand), so it is not "
            "overwritten; choose another name or folder",
        ),
    ]
    for args, refusal in cases:
        code, output = run(*args)
        assert code == 2, output
        assert output.strip().splitlines() == [refusal if refusal.startswith("Cannot") else ERROR + refusal]
    assert _files(demo.folder) == before  # nothing written, nothing changed


def test_a_name_for_another_format_is_refused(demo: DemoResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        (
            ["merge", demo.returns, "-o", out / "汇总.docx"],
            f"-o {out / '汇总.docx'}：汇总工作簿是 .xlsx 文件，文件名要以 .xlsx 结尾，例如 汇总.xlsx",
        ),
        (
            ["merge", demo.returns, "-o", out / "汇总.xlsx", "--json", out / "汇总.xlsx.txt"],
            f"--json {out / '汇总.xlsx.txt'}：汇总 JSON是 .json 文件，文件名要以 .json 结尾，例如 汇总.xlsx.json",
        ),
        (
            ["merge", demo.returns, "-o", out / "汇总.xlsx", "--docx", out / "进展.xlsx"],
            f"--docx {out / '进展.xlsx'}：进展情况文档（Word）是 .docx 文件，文件名要以 .docx 结尾，例如 进展.docx",
        ),
        (
            ["report", demo.returns, "-o", out / "进展"],
            f"-o {out / '进展'}：进展情况文档（Word）是 .docx 文件，文件名要以 .docx 结尾，例如 进展.docx",
        ),
        (
            ["validate", demo.returns, "--json", out / "问题.csv"],
            f"--json {out / '问题.csv'}：问题清单 JSON是 .json 文件，文件名要以 .json 结尾，例如 问题.json",
        ),
        (
            ["--lang", "en", "merge", demo.returns, "-o", out / "s.docx"],
            f"Cannot run: -o {out / 's.docx'}: a summary workbook is a .xlsx file, so its name must end in .xlsx, "
            "such as s.xlsx",
        ),
    ]
    for args, refusal in cases:
        code, output = run(*args)
        assert code == 2, output
        assert output.strip().splitlines() == [refusal if refusal.startswith("Cannot") else ERROR + refusal]
    assert list(out.iterdir()) == []


def test_outputs_in_the_returns_folder_are_never_read_back(demo: DemoResult, tmp_path: Path) -> None:
    returns = demo.returns
    spec = demo.spec
    clean = tmp_path / "clean.json"
    assert run("merge", returns, "-s", spec, "-o", tmp_path / "clean.xlsx", "--json", clean)[0] == 1
    # Every output of every command, written into the returns' folder, twice (the second keeps
    # the first as its .bak): none is a return.
    for _ in range(2):
        code, output = run(
            "merge",
            returns,
            "-s",
            spec,
            "-o",
            returns / "汇总.xlsx",
            "--json",
            returns / "汇总.json",
            "--docx",
            returns / "进展.docx",
        )
        assert code == 1, output
        assert run("report", returns, "-s", spec, "-o", returns / "进展情况.docx")[0] == 1
        assert run("validate", returns, "-s", spec, "--json", returns / "问题.json")[0] == 1
        assert run("status", returns, "-s", spec, "--json", returns / "报送.json")[0] == 1
    ours = {"汇总.xlsx", "汇总.bak.xlsx", "汇总.json", "汇总.bak.json", "进展.docx", "进展.bak.docx"}
    ours |= {"进展情况.docx", "进展情况.bak.docx", "问题.json", "问题.bak.json", "报送.json", "报送.bak.json"}
    assert ours <= {p.name for p in returns.iterdir()}
    again = tmp_path / "again.json"
    code, output = run("merge", returns, "-o", tmp_path / "again.xlsx", "--json", again)  # no -s: read from them
    assert code == 1, output
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (clean, again))
    assert second["issues_raw"] == first["issues_raw"]  # no E-UNKNOWN-UNIT, no E-UNREADABLE-FILE
    assert second["summary"] == first["summary"] and second["submissions"] == first["submissions"]
    inputs = [row["value"] for row in second["about"] if row["key"] == "输入文件"]
    assert not any(name in str(inputs) for name in ours)


def test_our_outputs_among_the_returns_are_passed_over_by_the_reader_not_listed(
    demo: DemoResult, tmp_path: Path
) -> None:
    # A merge finds a folder's files without opening them (a thousand returns are looked at on
    # both cores, by the reader); a summary among them is then passed over, as before.
    from consolidate.merge import find_files, merge_returns
    from consolidate.spec import load_spec
    from consolidate.write import write_summary

    spec = load_spec(demo.spec)
    before = merge_returns(spec, [demo.returns])
    write_summary(before, demo.returns / "汇总.xlsx")
    found = {s.name: s for s in find_files([demo.returns], look_later=True)}
    assert found["汇总.xlsx"].unchecked  # listed: the reader looks
    assert "汇总.xlsx" not in {s.name for s in find_files([demo.returns])}  # looked at when found
    after = merge_returns(spec, [demo.returns])
    assert [i.name for i in after.inputs] == [i.name for i in before.inputs]
    assert [(i.code, i.file) for i in after.issues] == [(i.code, i.file) for i in before.issues]
    assert after.figures.total.values == before.figures.total.values


def test_a_return_is_read_whatever_its_properties_say(demo: DemoResult, tmp_path: Path) -> None:
    """Only what no unit fills in is passed over: a return (its _consolidate sheet) never is, even
    with a summary's keywords (copied properties, a crafted file)."""
    target = demo.returns / "2020-08_2020年民生实事工作8月份进展情况_临沭县.xlsx"
    with zipfile.ZipFile(target) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    core = parts["docProps/core.xml"].decode("utf-8")
    assert "<cp:keywords>consolidate form</cp:keywords>" in core  # as its template said
    parts["docProps/core.xml"] = core.replace("consolidate form", "consolidate summary").encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert ours(target) == Ours("form", edited=True)
    code, output = run("status", demo.returns, "-s", demo.spec, "--json", tmp_path / "s.json")
    assert code == 1, output  # 临沂高新区 has not returned
    rows = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in rows if r["name"] == "临沭县"] == ["已报送"]


def test_a_changed_summary_or_document_is_kept_as_its_backup(demo: DemoResult, tmp_path: Path) -> None:
    summary, document, data = tmp_path / "汇总.xlsx", tmp_path / "进展.docx", tmp_path / "汇总.json"
    args = ["merge", demo.returns, "-s", demo.spec, "-o", summary, "--docx", document, "--json", data]
    code, output = run(*args)
    assert code == 1, output
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["汇总.json", "汇总.xlsx", "进展.docx"]

    def change() -> None:
        book = openpyxl.load_workbook(summary)  # as Excel would: the clerk adds a note and saves
        book["汇总"]["A1"] = "领导批示：请各单位加快进度"
        book.save(summary)
        word = docx.Document(str(document))
        word.add_paragraph("办公室补充的一段话。")
        word.core_properties.modified = dt.datetime(2025, 10, 16, 9, 30)  # Word saves its time
        word.save(str(document))

    change()
    changed = {p.name: p.read_bytes() for p in (summary, document)}
    code, output = run(*args)
    assert code == 1, output
    lines = output.splitlines()
    assert f"{summary} 写出后被改过：改过的文件已另存为 {tmp_path / '汇总.bak.xlsx'}" in lines
    assert f"{document} 写出后被改过：改过的文件已另存为 {tmp_path / '进展.bak.docx'}" in lines
    assert (tmp_path / "汇总.bak.xlsx").read_bytes() == changed["汇总.xlsx"]
    assert (tmp_path / "进展.bak.docx").read_bytes() == changed["进展.docx"]
    assert (tmp_path / "汇总.bak.json").is_file()
    assert openpyxl.load_workbook(summary)["汇总"]["A1"].value != "领导批示：请各单位加快进度"  # the new one

    code, output = run(*args)  # once more, unchanged: the changed backups stay as they are
    assert code == 1 and "另存为" not in output, output
    assert (tmp_path / "汇总.bak.xlsx").read_bytes() == changed["汇总.xlsx"]
    assert (tmp_path / "进展.bak.docx").read_bytes() == changed["进展.docx"]

    change()  # and changed again: the second changed version goes beside the first
    code, output = run(*args)
    assert f"{summary} 写出后被改过：改过的文件已另存为 {tmp_path / '汇总.bak-2.xlsx'}" in output.splitlines()
    assert (tmp_path / "汇总.bak.xlsx").read_bytes() == changed["汇总.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "汇总.bak-2.xlsx")["汇总"]["A1"].value == "领导批示：请各单位加快进度"


@pytest.mark.libreoffice
def test_the_pdf_is_replaced_with_its_backup_and_a_strangers_is_refused(demo: DemoResult, tmp_path: Path) -> None:
    summary = tmp_path / "汇总.xlsx"
    args = ["merge", demo.returns, "-s", demo.spec, "-o", summary, "--pdf"]
    assert run(*args)[0] == 1
    first = (tmp_path / "汇总.pdf").read_bytes()
    code, output = run(*args)
    assert code == 1, output
    assert (tmp_path / "汇总.bak.pdf").read_bytes() == first
    stranger = tmp_path / "别人" / "汇总.pdf"
    stranger.parent.mkdir()
    stranger.write_bytes(b"%PDF-1.4 someone's own\n")
    code, output = run("merge", demo.returns, "-s", demo.spec, "-o", stranger.with_suffix(".xlsx"), "--pdf")
    assert code == 2
    assert (
        output.strip()
        == f"{ERROR}{stranger} 已存在，但不是本工具写的，不会覆盖它；请换一个文件名或文件夹，或先把它移走"
    )
    assert sorted(stranger.parent.iterdir()) == [stranger]


# ---------------------------------------------------------------------------------------------
# 12. A file given for the returns that is not one


def test_a_file_that_is_not_a_return_is_named_for_what_it_is(demo: DemoResult, tmp_path: Path) -> None:
    workbook = tmp_path / "2025Q3" / "report.xlsx"
    workbook.parent.mkdir()
    assert run("convert", demo.spec, workbook)[0] == 0
    word = tmp_path / "通知.docx"
    docx.Document().save(str(word))  # a document of the clerk's own
    assert run("report", demo.returns, "-s", demo.spec, "-o", tmp_path / "进展情况.docx")[0] == 1
    spec_line = "是报表定义，不是收回的报表。{c} 要的是收回报表所在的文件夹，例如：consolidate {c} 收回/ -s {p}"
    cases = [
        ("merge", demo.spec, spec_line),
        ("merge", workbook, spec_line),
        ("validate", workbook, spec_line),
        ("status", demo.spec, spec_line),
        ("report", workbook, spec_line),
        (
            "merge",
            word,
            "是Word 文档，不是报表。{c} 要的是收回报表所在的文件夹（或其中的 .xlsx、.xls、.et、.ods、.csv 报表），例如：consolidate {c} 收回/",
        ),
        (
            "merge",
            tmp_path / "进展情况.docx",
            "是本工具写的进展情况文档（Word），不是收回的报表。{c} 要的是收回报表所在的文件夹，例如：consolidate {c} 收回/",
        ),
        (
            "validate",
            demo.summary,
            "是本工具写的汇总工作簿，不是收回的报表。{c} 要的是收回报表所在的文件夹，例如：consolidate {c} 收回/",
        ),
        (
            "merge",
            demo.json,
            "是本工具写的汇总 JSON，不是收回的报表。{c} 要的是收回报表所在的文件夹，例如：consolidate {c} 收回/",
        ),
    ]
    for command, path, line in cases:
        for extra in ([], ["-s", demo.spec]):
            code, output = run(command, path, *extra)
            assert code == 2, output
            assert output.strip().splitlines() == [f"{ERROR}{path} " + line.format(c=command, p=path)]
    code, output = run("--lang", "en", "merge", workbook)
    assert output.strip() == (
        f"Cannot run: {workbook} is the report spec, not a return. merge wants the folder the returns are in, "
        f"such as: consolidate merge returns/ -s {workbook}"
    )


def test_a_folder_without_returns_says_what_to_give(tmp_path: Path) -> None:
    folder = tmp_path / "2025Q3"
    folder.mkdir()
    assert run("init", folder, "--kind", "key-tasks")[0] == 0
    (folder / "说明.txt").write_text("下发说明", encoding="utf-8")
    code, output = run("merge", folder)
    assert code == 2
    assert output.strip() == (
        f"{ERROR}{folder} 中没有由模板生成的报表（共 1 个文件），读不出报表定义。请给出收回报表所在的文件夹；"
        "报表不是用模板填的，请用 -s 指定报表定义（report.xlsx 或 report.yaml）"
    )


def test_status_json_of_either_shape_is_ours_and_replaced_and_a_look_alike_is_not(
    demo: DemoResult, tmp_path: Path
) -> None:
    """status --json rows now carry ``state`` and ``late`` too: a file written before them (by
    version 0.1) is still known as ours and replaced; a list of other keys stops the command."""
    written = tmp_path / "报送.json"
    assert run("status", demo.returns, "-s", demo.spec, "--json", written)[0] == 1
    rows = json.loads(written.read_text(encoding="utf-8"))
    assert ours(written) == Ours("status-json")
    old = [{k: v for k, v in r.items() if k not in ("state", "late")} for r in rows]
    written.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert ours(written) == Ours("status-json")
    assert run("status", demo.returns, "-s", demo.spec, "--json", written)[0] == 1
    assert json.loads(written.read_text(encoding="utf-8")) == rows
    # Rows of two shapes, or one more key: not a file this tool wrote.
    theirs = tmp_path / "他们的.json"
    for look_alike in ([*old[:2], *rows[2:]], [{**r, "备注": ""} for r in rows]):
        theirs.write_text(json.dumps(look_alike, ensure_ascii=False), encoding="utf-8")
        assert ours(theirs) is None
        code, output = run("status", demo.returns, "-s", demo.spec, "--json", theirs)
        assert code == 2, output
        assert json.loads(theirs.read_text(encoding="utf-8")) == look_alike
