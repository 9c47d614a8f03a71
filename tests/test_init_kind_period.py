"""``init 2025Q3 --kind key-tasks`` made a report of the kind's own period: 2025-Q1, titled
第一季度, due 2025-04-15, though ``init --help`` says the folder's name is the period. Now the
folder's name (or ``--period``) is the period, and the kind's title, deadline and date words
move with it as ``next`` moves them; to a period of another length only the period changes, and
init says the title and deadline are the kind's."""

from __future__ import annotations

from pathlib import Path

import pytest

from consolidate.kinds import kind_path
from consolidate.spec import load_spec

from .test_seams_history import run


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_the_folder_names_the_period_and_the_kind_moves_to_it() -> None:
    code, output = run("init", "2025Q3", "--kind", "key-tasks")
    assert code == 0, output
    moved = "报表类型 key-tasks 的，从它的报告期 2025-Q1 顺延到 2025-Q3"
    assert output.splitlines() == [
        "报告期：2025-Q3（取自文件夹名“2025Q3”）",
        f"标题：2025年第三季度市政府重点工作和民生实事工作完成情况（{moved}）",
        f"截止日期：2025-10-15（{moved}）",
        "已创建 2025Q3/report.xlsx；编辑后运行 consolidate check 2025Q3/report.xlsx",
    ]
    spec = load_spec("2025Q3/report.xlsx")
    assert (spec.report.period, spec.report.deadline.isoformat() if spec.report.deadline else "") == (
        "2025-Q3",
        "2025-10-15",
    )
    progress = spec.field("progress")
    assert progress.help == "截止10月15日的完成情况，按序号分条写明已完成的工作、进度和文件文号"
    assert "完成情况（截止10月15日）" in progress.aliases
    code, output = run("templates", "2025Q3/report.xlsx", "-o", "模板/")
    assert code == 0, output
    assert all(p.name.startswith("2025-Q3_2025年第三季度") for p in Path("模板").iterdir())


def test_yaml_keeps_the_kinds_files_and_comments_with_only_the_period_words_moved() -> None:
    code, output = run("init", "2025-10", "--kind", "livelihood", "--yaml")
    assert code == 0, output
    assert sorted(p.name for p in Path("2025-10").iterdir()) == ["items.csv", "report.yaml", "units.csv"]
    kind = (kind_path("livelihood") / "report.yaml").read_text(encoding="utf-8").splitlines()
    made = Path("2025-10/report.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(kind, made, strict=True) if a != b]
    assert changed == [
        ("  title: 2020年民生实事工作8月份进展情况", "  title: 2025年民生实事工作10月份进展情况"),
        ("  period: 2020-08", "  period: 2025-10"),
        ("  deadline: 2020-08-31", "  deadline: 2025-10-31"),
        (
            "     aliases: [累计完成数, 截至目前累计完成], help: 截至8月底的累计完成数，按“计量单位”列的单位填写数字}",
            "     aliases: [累计完成数, 截至目前累计完成], help: 截至10月底的累计完成数，按“计量单位”列的单位填写数字}",
        ),
    ]
    for name in ("units.csv", "items.csv"):
        assert (Path("2025-10") / name).read_bytes() == (kind_path("livelihood") / name).read_bytes()


def test_a_period_of_another_length_changes_the_period_and_says_the_rest_is_the_kinds() -> None:
    code, output = run("init", "草稿", "--kind", "key-tasks", "--period", "2025年9月")
    assert code == 0, output
    assert output.splitlines()[:3] == [
        "报告期：2025-09（取自 --period）",
        "标题：2025年第一季度市政府重点工作和民生实事工作完成情况（报表类型 key-tasks 的；注意：标题写的报告期是 2025-Q1，"
        "不是 2025-09，请用 --title 给出新标题，或以后在 report.xlsx 中修改）",
        "截止日期：未设置（报表类型 key-tasks 的截止日期是报告期 2025-Q1 的，没有沿用；可用 --deadline 指定，或以后在 report.xlsx 中填写）",
    ]
    spec = load_spec("草稿/report.xlsx")
    assert (spec.report.period, spec.report.deadline) == ("2025-09", None)
    code, output = run(
        "init",
        "草稿2",
        "--kind",
        "key-tasks",
        "--period",
        "2025-09",
        "--title",
        "九月重点工作",
        "--deadline",
        "2025/10/8",
    )
    assert code == 0, output
    spec = load_spec("草稿2/report.xlsx")
    assert (spec.report.title, spec.report.period, str(spec.report.deadline)) == (
        "九月重点工作",
        "2025-09",
        "2025-10-08",
    )


def test_the_kinds_own_period_or_a_folder_that_names_none_say_nothing_more() -> None:
    for folder in ("2025Q1", "报表"):
        code, output = run("init", folder, "--kind", "key-tasks")
        assert code == 0, output
        assert output.splitlines() == [
            f"已创建 {folder}/report.xlsx；编辑后运行 consolidate check {folder}/report.xlsx"
        ]
        assert load_spec(f"{folder}/report.xlsx").report.period == "2025-Q1"


def test_in_english() -> None:
    code, output = run("--lang", "en", "init", "2025Q2", "--kind", "key-tasks")
    assert code == 0, output
    assert output.splitlines()[1] == (
        "Title: 2025年第二季度市政府重点工作和民生实事工作完成情况 (from the kind key-tasks, moved from its period 2025-Q1 "
        "to 2025-Q2)"
    )
