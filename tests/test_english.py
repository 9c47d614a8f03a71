"""``--lang en`` is English everywhere: a run on an English spec prints no CJK character.

Messages, conversions, unreadable-file reasons, spec errors and ``--help`` all come from the
catalogue; data typed by units is shown as typed, so the returns here are typed in English.
"""

from __future__ import annotations

import json
import re
import textwrap
import zipfile
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.cli.app import global_options_first
from consolidate.kinds import fill_template
from consolidate.spec import load_spec
from consolidate.text import CATALOGUE, ISSUES
from consolidate.write import write_templates

# Han ideographs, CJK punctuation (、。「」【】), kana, and full-width forms (，：（）１２３).
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")

SPEC = textwrap.dedent(
    """\
    version: 1
    report:
      id: key-work-2025q1
      title: Key work, first quarter of 2025
      issuer: Yuhuan Health Bureau
      period: 2025-Q1
      deadline: 2025-04-15
      language: en
      contact: Office, 0576-87000000
    units:
      - {code: MED, name: Medical Affairs}
      - {code: PHC, name: Primary Care}
      - {code: LX, name: Longxi Health Centre}
    items:
      - {id: T1, no: "1", task: Pre-hospital emergency network, target: {MED: 120, PHC: 80}}
      - {id: T2, no: "2", task: Public health centre, units: MED, target: 10}
      - {id: T3, no: "3", task: Primary care pilot zone, units: "PHC, LX", target: 50}
    fields:
      - {id: no, label: No., type: text, source: item}
      - {id: task, label: Task, type: text, source: item}
      - {id: target, label: Annual target, type: number, source: item, aggregate: sum, unit: people}
      - {id: done, label: Done so far, type: number, required: true, min: 0, aggregate: sum, unit: people}
      - {id: rate, label: Completion, type: percent, formula: "done / target"}
      - {id: progress, label: Progress, type: text, required: true, aggregate: join}
      - {id: started, label: Started on, type: date}
      - {id: funded, label: Funded, type: bool}
      - {id: status, label: Self-assessment, type: choice, choices: [Ahead, On track, Behind], required: true,
         aggregate: worst, order: [Behind, On track, Ahead]}
    rules:
      - {id: over-target, when: "done > target * 1.5", level: warning, message: More than 150% of the target; check}
    """
)

runner = CliRunner()


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, global_options_first(["--lang", "en", *map(str, args)]), env={"COLUMNS": "100"})
    return result.exit_code, result.output


def stdout(*args: object) -> str:
    result = runner.invoke(app, global_options_first(["--lang", "en", *map(str, args)]), env={"COLUMNS": "100"})
    return result.stdout


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An English report with returns showing conversions, errors and unreadable files."""
    root = tmp_path_factory.mktemp("english")
    (root / "spec").mkdir()
    (root / "spec" / "report.yaml").write_text(SPEC, encoding="utf-8")
    spec = load_spec(root / "spec" / "report.yaml")
    templates = {p.name: p for p in write_templates(spec, root / "templates")}
    returns = root / "returns"
    returns.mkdir()
    fill_template(
        templates["2025-Q1_Key_work,_first_quarter_of_2025_Medical_Affairs.xlsx"],
        returns / "Medical Affairs.xlsx",
        {
            "T1": {
                "done": "1,234",
                "progress": "Two stations sited",
                "started": "2025/3/1",
                "funded": "y",
                "status": "on  track",
            },
            "T2": {"done": " 7 ", "progress": "Design approved", "started": 45658, "funded": 1, "status": "Late"},
        },
        contact="Wang",
    )
    fill_template(
        templates["2025-Q1_Key_work,_first_quarter_of_2025_Primary_Care.xlsx"],
        returns / "Primary Care (pasted).xlsx",
        {
            "T1": {"done": "about 20k", "progress": "", "status": "Behind"},
            "T3": {"done": "-", "progress": "Pilot started", "status": "Ahead", "started": "2025-02"},
        },
        keep_metadata=False,
    )
    (returns / "Longxi Health Centre.xlsx").write_bytes(b"")
    with zipfile.ZipFile(returns / "notes.xlsx", "w") as docx:
        docx.writestr("word/document.xml", "<w:document/>")
    (returns / "old.xls").write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    return root


def _no_cjk(text: str) -> None:
    found = sorted(set(CJK.findall(text)))
    assert not found, f"CJK characters {found} in:\n{text}"


def test_english_catalogue_is_complete() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        _no_cjk(en)
    for code, entry in ISSUES.items():
        assert entry.en and (entry.fix_en or not entry.fix_zh), code
        _no_cjk(entry.en + entry.fix_en)


def test_a_run_in_english_prints_no_cjk(english: Path, tmp_path: Path) -> None:
    spec = english / "spec" / "report.yaml"
    returns = english / "returns"
    outputs = []
    code, out = run("check", spec)
    assert code == 0, out
    assert out.strip() == "Spec is valid: Key work, first quarter of 2025 (3 units, 3 items, 9 fields)"
    outputs.append(out)
    code, out = run("templates", spec, "-o", tmp_path / "templates")
    assert (code, out.strip()) == (0, f"Wrote 3 templates to {tmp_path / 'templates'}")
    code, out = run("validate", returns, "-s", spec, "--all", "--no-cache")
    assert code == 1
    outputs.append(out)
    code, out = run("validate", returns, "-s", spec, "--json", tmp_path / "issues.json", "--no-cache")
    issues = json.loads((tmp_path / "issues.json").read_text(encoding="utf-8"))
    messages = {(i["code"], i["cell"]): i["message"] for i in issues}
    outputs.append(json.dumps(issues, ensure_ascii=False))
    assert messages[("E-NOT-A-NUMBER", "D6")] == "“Done so far” must be a number, got “about 20k”"
    assert (
        messages[("E-CHOICE", "I7")]
        == "“Late” is not one of the choices for “Self-assessment” (Ahead, On track, Behind)"
    )
    unreadable = sorted(i["message"] for i in issues if i["code"] == "E-UNREADABLE-FILE")
    assert unreadable == [
        "The file cannot be read: the file is empty (0 bytes)",
        "The file cannot be read: this is a Word document (.docx), not a spreadsheet; "
        "ask the unit to fill in the Excel template sent",
        "The file cannot be read: this is a web page (HTML) named .xls; "
        "ask the unit to open it in Excel or WPS and save it as .xlsx",
    ]
    out = stdout("validate", returns, "-s", spec, "--all", "--json", "-", "--no-cache")
    converted = [i for i in json.loads(out) if i["code"] == "I-CONVERTED"]
    assert {i["cell"]: i["message"] for i in converted}["D6"] == (
        "“Done so far” value “1,234” was read as 1234 (thousands separators removed, text read as a number)"
    )
    code, out = run("merge", returns, "-s", spec, "-o", tmp_path / "summary.xlsx", "--json", tmp_path / "s.json")
    assert code == 1
    outputs.append(out)
    outputs.append((tmp_path / "s.json").read_text(encoding="utf-8"))
    code, out = run("status", returns, "-s", spec)
    outputs.append(out)
    code, out = run("validate", returns, "-s", spec, "--feedback", tmp_path / "feedback", "--no-cache")
    outputs.append(out)
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [
        "2025-Q1_Key_work,_first_quarter_of_2025_Longxi_Health_Centre_feedback.xlsx",  # its file was empty
        "2025-Q1_Key_work,_first_quarter_of_2025_Medical_Affairs_feedback.xlsx",
        "2025-Q1_Key_work,_first_quarter_of_2025_Primary_Care_feedback.xlsx",
    ]
    for text in outputs:
        _no_cjk(text)


def test_spec_errors_in_english(tmp_path: Path) -> None:
    (tmp_path / "report.yaml").write_text(
        SPEC.replace("type: percent", "type: percentage").replace("required: true, min: 0", "requird: true"),
        encoding="utf-8",
    )
    code, out = run("check", tmp_path / "report.yaml")
    assert code == 2
    _no_cjk(out)
    assert "Unknown key “requird”; did you mean “required”?" in out
    assert "“percentage” is not allowed: use one of bool, choice, date, integer, number, percent, text" in out


def test_help_in_english() -> None:
    texts = [run("--help")[1]]
    for name in typer.main.get_group(app).commands:
        code, out = run(name, "--help")
        assert code == 0, out
        texts.append(out)
    for text in texts:
        _no_cjk(text)
    assert "Check the returns and list every problem" in texts[0]


def test_help_in_chinese_by_default() -> None:
    result = runner.invoke(app, ["merge", "--help"], env={"COLUMNS": "100"})
    assert "汇总：校验全部报表并写出汇总工作簿" in result.output
    assert "显示本帮助并退出" in result.output


def test_status_lines_say_overdue_as_a_status_word(tmp_path: Path) -> None:
    from consolidate.kinds.demo import build_demo

    demo = build_demo(tmp_path / "demo")
    out = stdout("status", demo.returns, "-s", demo.spec)
    late = next(line for line in out.splitlines() if line.startswith("MY "))
    # The flag beside the status reads as one with it ("returned overdue"), not as a heading.
    assert late.split("  ")[:4] == ["MY", "蒙阴县", "returned", "overdue"]
