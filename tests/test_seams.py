"""Where features meet (issue 20, items 1-6): the county's target whoever returned, sentences
that say which units their figures rest on, no total of unlike measures anywhere, charts on the
column they claim, group rows as headings, the task as the document's heading.

The report is a township breakdown of three items in three measures (人, 处, 单) under two groups,
as a county's 民生实事 table has them; 西城镇卫生院 has not returned. Every expected figure is
computed here from the plan and the spec's targets, not read back from the tool.
"""

from __future__ import annotations

import re
import textwrap
import zipfile
from pathlib import Path

import docx
import pytest

from consolidate.kinds.demo import fill_template
from consolidate.merge import MergeResult, merge_returns
from consolidate.spec import Spec, load_spec
from consolidate.write import summary_json, write_summary
from consolidate.write.document import write_document

from .helpers import HEADER_ROW, cell_of, fill_returns, sheet_rows, unit_templates

SPEC = textwrap.dedent(
    """\
    version: 1
    report:
      id: minsheng-2025
      title: 2025年民生实事项目进展情况
      issuer: 某县卫生健康局
      period: 2025-09
      deadline: 2025-10-15
    units:
      - {code: CG, name: 城关镇卫生院}
      - {code: DC, name: 东城镇卫生院}
      - {code: XC, name: 西城镇卫生院}
    items:
      - {id: T1, no: "1", category: 一、公共卫生服务, task: 适龄妇女两癌检查, measure: 人, target: 32000,
         group: 一、公共卫生服务, "target@CG": 12000, "target@DC": 15000, "target@XC": 5000}
      - {id: T2, no: "2", category: 一、公共卫生服务, task: 村卫生室标准化建设, measure: 处, target: 60,
         group: 一、公共卫生服务, "target@CG": 30, "target@DC": 20, "target@XC": 10}
      - {id: T3, no: "3", category: 二、医疗服务, task: 家庭医生签约服务, measure: 单, target: 915,
         group: 二、医疗服务, "target@CG": 400, "target@XC": 515}
    fields:
      - {id: no,       label: 序号,     type: text,    source: item}
      - {id: category, label: 类别,     type: text,    source: item}
      - {id: task,     label: 民生实事项目, type: text, source: item}
      - {id: measure,  label: 计量单位, type: text,    source: item}
      - {id: target,   label: 年度目标, type: number,  source: item, aggregate: sum}
      - {id: done,     label: 累计完成, type: number,  required: true, min: 0, aggregate: sum}
      - {id: rate,     label: 完成率,   type: percent, formula: "done / target"}
      - {id: progress, label: 进展情况, type: text,    required: true, aggregate: join}
    """
)
# What came back: 西城镇卫生院 sent nothing.
PLAN = {
    "城关镇卫生院": {
        "T1": {"done": 9000, "progress": "完成筛查9000人"},
        "T2": {"done": 25, "progress": "25处达标"},
        "T3": {"done": 300, "progress": "签约300单"},
    },
    "东城镇卫生院": {
        "T1": {"done": 8900, "progress": "完成筛查8900人"},
        "T2": {"done": 12, "progress": "12处达标"},
    },
}
TARGETS = {
    "T1": {"CG": 12000, "DC": 15000, "XC": 5000},
    "T2": {"CG": 30, "DC": 20, "XC": 10},
    "T3": {"CG": 400, "XC": 515},
}
CODES = {"城关镇卫生院": "CG", "东城镇卫生院": "DC"}


# The same report without group headings.
FLAT = re.sub(r"\n\s+group: [^,]+,", "\n        ", SPEC)


@pytest.fixture
def spec(tmp_path: Path) -> Spec:
    return _spec(tmp_path, FLAT)


def _spec(tmp_path: Path, text: str) -> Spec:
    path = tmp_path / "spec" / "report.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


@pytest.fixture
def merged(spec: Spec, tmp_path: Path) -> tuple[MergeResult, Path]:
    return _merge(spec, tmp_path)


@pytest.fixture
def grouped(tmp_path: Path) -> tuple[MergeResult, Path]:
    return _merge(_spec(tmp_path, SPEC), tmp_path)


def _merge(spec: Spec, tmp_path: Path) -> tuple[MergeResult, Path]:
    templates = unit_templates(spec, tmp_path / "templates")
    returns = fill_returns(templates, tmp_path / "returns", PLAN, contact="王芳", phone="0576-87221234")
    result = merge_returns(spec, [returns])
    return result, write_summary(result, tmp_path / "summary.xlsx")


def _done(item: str) -> int:
    return sum(int(rows[item]["done"]) for rows in PLAN.values() if item in rows)  # type: ignore[call-overload]


def _pairs_target(item: str) -> int:
    """The targets of the units that returned the item: the rate's denominator."""
    return sum(TARGETS[item][CODES[unit]] for unit, rows in PLAN.items() if item in rows)


def _rows_by_task(out: Path, sheet: str = "汇总") -> dict[str, dict[str, object]]:
    return {str(r["民生实事项目"]): r for r in sheet_rows(out, sheet) if r["民生实事项目"]}


def test_the_county_target_is_the_specs_whoever_returned(merged: tuple[MergeResult, Path]) -> None:
    result, out = merged
    rows = _rows_by_task(out)
    two_cancers = rows["适龄妇女两癌检查"]
    assert two_cancers["年度目标"] == 32000  # not 27000, the two townships that returned
    assert two_cancers["累计完成"] == _done("T1") == 17900
    # The rate rests on the units with both figures, and says so.
    assert two_cancers["完成率"] == pytest.approx(_done("T1") / _pairs_target("T1"))
    assert f"{two_cancers['完成率']:.2%}" == "66.30%"
    rate_cell = cell_of(out, "汇总", "完成率", 0)
    assert rate_cell.value == pytest.approx(17900 / 27000)
    assert rate_cell.comment is not None
    assert "西城镇卫生院（未报送）" in rate_cell.comment.text
    assert "只按各项数据都有效的单位计算" in rate_cell.comment.text
    assert cell_of(out, "汇总", "年度目标", 0).comment is None  # the target is whole: no note
    assert rows["家庭医生签约服务"]["年度目标"] == 915
    assert [r.values["target"] for r in result.summary] == [32000, 60, 915]


def test_the_document_says_which_units_each_figure_rests_on(merged: tuple[MergeResult, Path], tmp_path: Path) -> None:
    result, _ = merged
    text = "\n".join(p.text for p in docx.Document(str(write_document(result, tmp_path / "r.docx"))).paragraphs)
    assert (
        "进展情况：累计完成17900人（3个应报单位中2个单位的有效数据，未计入：西城镇卫生院），"
        "年度目标32000人（全部3个单位）；按数据有效的单位计算，累计完成17900人，占这些单位年度目标27000人的66.30%。"
    ) in text
    # No sentence puts the county's target beside a rate computed over fewer units.
    for done, target, rate in re.findall(r"累计完成(\d+)\D+?年度目标(\d+)\D*?的(\d+\.\d+)%", text):
        assert float(rate) == pytest.approx(round(100 * int(done) / int(target), 2)), (done, target, rate)


def test_no_total_of_unlike_measures_anywhere(merged: tuple[MergeResult, Path], tmp_path: Path) -> None:
    result, out = merged
    summary = sheet_rows(out, "汇总")
    total = next(r for r in summary if r["序号"] == "合计")
    assert total["年度目标"] is None and total["累计完成"] is None and total["完成率"] is None
    note = cell_of(out, "汇总", "年度目标", len(summary) - 1).comment
    assert note is not None and "人、处、单" in note.text
    by_unit = {r["单位名称"]: r for r in sheet_rows(out, "分单位")}
    # 城关镇 has items in 人, 处 and 单: nothing of its own adds them up; 东城镇 has 人 and 处.
    assert by_unit["城关镇卫生院"]["年度目标"] is None and by_unit["城关镇卫生院"]["累计完成"] is None
    assert by_unit["合计"]["年度目标"] is None
    data = summary_json(result)
    assert data["summary"]["totals"]["target"] is None and data["summary"]["totals"]["done"] is None
    assert all(row["target"] is None for row in data["by_unit"]["rows"] if row["unit_code"] in ("CG", "DC", "XC"))
    # The document ranks the units by the mean of their items' rates, with no sums of 人 and 处.
    doc = docx.Document(str(write_document(result, tmp_path / "r.docx")))
    ranking = [[c.text for c in row.cells] for row in doc.tables[0].rows][1:]
    cg = (9000 / 12000 + 25 / 30 + 300 / 400) / 3
    dc = (8900 / 15000 + 12 / 20) / 2
    assert ranking == [["1", "城关镇卫生院", "—", "—", f"{cg:.2%}"], ["2", "东城镇卫生院", "—", "—", f"{dc:.2%}"]]
    assert any("完成率为该单位各事项完成率的平均值" in p.text for p in doc.paragraphs)


def test_group_rows_are_headings_with_subtotals_only_where_alike(grouped: tuple[MergeResult, Path]) -> None:
    result, out = grouped
    summary = sheet_rows(out, "汇总")
    assert [(r["序号"], r["民生实事项目"]) for r in summary] == [
        (None, "一、公共卫生服务"),
        ("1", "适龄妇女两癌检查"),
        ("2", "村卫生室标准化建设"),
        (None, "二、医疗服务"),
        ("3", "家庭医生签约服务"),
        ("合计", None),
    ]
    first, second = summary[0], summary[3]
    assert first["年度目标"] is None and first["累计完成"] is None  # 人 and 处: no subtotal
    assert (second["年度目标"], second["累计完成"]) == (915, _done("T3"))
    assert second["完成率"] == pytest.approx(300 / 400)
    # The heading row is grey and bold, and the total adds the items only.
    assert cell_of(out, "汇总", "民生实事项目", 0).font.b
    formula = cell_of(out, "汇总", "应报单位数", len(summary) - 1).value
    col = chr(ord("A") + list(summary[0]).index("应报单位数"))
    first = HEADER_ROW + 1
    assert formula == f"=SUM({col}{first + 1}:{col}{first + 2},{col}{first + 4}:{col}{first + 4})"
    assert summary[-1]["应报单位数"] == 3 + 3 + 2
    assert summary_json(result)["summary"]["group_rows"] == [0, 3]


def test_the_documents_headings_are_the_tasks(merged: tuple[MergeResult, Path], tmp_path: Path) -> None:
    result, _ = merged
    doc = docx.Document(str(write_document(result, tmp_path / "r.docx")))
    headings = [p.text for p in doc.paragraphs if re.match(r"^\d\.", p.text)]
    assert headings == ["1.适龄妇女两癌检查", "2.村卫生室标准化建设", "3.家庭医生签约服务"]


def test_the_chart_plots_the_rate_column(merged: tuple[MergeResult, Path]) -> None:
    _, out = merged
    header = [c.value for c in next(iter(_sheet(out).iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW)))]
    rate_letter = chr(ord("A") + header.index("完成率"))
    task_letter = chr(ord("A") + header.index("民生实事项目"))
    series = chart_series(out)
    assert series == [(f"汇总!${task_letter}$4:${task_letter}$6", f"汇总!${rate_letter}$4:${rate_letter}$6")]


def _sheet(out: Path):  # type: ignore[no-untyped-def]
    import openpyxl

    return openpyxl.load_workbook(out)["汇总"]


def chart_series(path: Path, chart: str = "xl/charts/chart1.xml") -> list[tuple[str, str]]:
    """(categories, values) of each series of a chart, as the file holds them."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(chart).decode("utf-8")
    out = []
    for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S):
        refs = re.findall(r"<c:f>(.*?)</c:f>", ser)
        out.append((refs[-2], refs[-1]))
    return out


def test_with_history_the_chart_still_plots_the_rate_and_trend_lines_are_named_by_task(tmp_path: Path) -> None:
    from consolidate.kinds.demo import build_demo

    built = build_demo(tmp_path / "demo")
    import openpyxl

    book = openpyxl.load_workbook(built.summary)
    header = [c.value for c in book["汇总"][HEADER_ROW]]
    assert "环比" in header  # the demo's summary has an earlier period
    rate = chr(ord("A") + header.index("完成率"))
    task = chr(ord("A") + header.index("民生实事项目"))
    rows = len(sheet_rows(built.summary, "汇总")) - 1
    first, last = HEADER_ROW + 1, HEADER_ROW + rows
    assert chart_series(built.summary) == [
        (f"汇总!${task}${first}:${task}${last}", f"汇总!${rate}${first}:${rate}${last}")
    ]
    # The bars are the rates 汇总 shows (91.45 % for the 两癌 item, not its 环比).
    shown = [r["完成率"] for r in sheet_rows(built.summary, "汇总")[:-1]]
    assert f"{shown[0]:.2%}" == "91.45%"
    trend = [c.value for c in book["趋势"][HEADER_ROW]]
    task_col = chr(ord("A") + trend.index("民生实事项目"))
    with zipfile.ZipFile(built.summary) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        names = [re.findall(r"<c:tx><c:strRef><c:f>(.*?)</c:f>", z.read(n).decode()) for n in charts[1:]]
    assert names and all(refs and all(f"!${task_col}$" in ref for ref in refs) for refs in names)


def test_an_item_nobody_has_reported_yet_still_says_its_target(spec: Spec, tmp_path: Path) -> None:
    templates = unit_templates(spec, tmp_path / "templates")
    returns = tmp_path / "returns"
    returns.mkdir()
    unit = "东城镇卫生院"  # T3 is 城关镇's and 西城镇's only
    fill_template(templates[unit], returns / templates[unit].name, PLAN[unit], contact="王芳", phone="0576-87221234")
    result = merge_returns(spec, [returns])
    text = [p.text for p in docx.Document(str(write_document(result, tmp_path / "r.docx"))).paragraphs]
    heading = text.index("3.家庭医生签约服务")
    assert text[heading + 1] == "进展情况：年度目标915单；尚无单位报送有效数据，未计入：城关镇卫生院、西城镇卫生院。"
    english = [p.text for p in docx.Document(str(write_document(result, tmp_path / "e.docx", "en"))).paragraphs]
    heading = next(i for i, p in enumerate(english) if p.endswith("家庭医生签约服务"))
    assert english[heading + 1] == (
        "Progress: Annual target 915 单; no unit has returned valid figures yet; not counted: 城关镇卫生院, 西城镇卫生院."
    )
    # In 汇总 the item's empty cells say why they are empty (a blank read as "no progress").
    import openpyxl

    summary = write_summary(result, tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(summary)["汇总"]
    header = [c.value for c in ws[HEADER_ROW]]
    row = ws[HEADER_ROW + 3]
    assert row[header.index("序号")].value == "3"
    noted = {h: (c.value, c.comment.text if c.comment else "") for h, c in zip(header, row, strict=False)}
    why = "未计入：城关镇卫生院（未报送）、西城镇卫生院（未报送）"
    assert [noted[h] for h in ("累计完成", "完成率", "进展情况")] == [(None, why)] * 3
    assert noted["年度目标"] == (915, "")
    row = ws[HEADER_ROW + 1]  # T1: reported by one unit, its text as it is, no note
    assert row[header.index("进展情况")].comment is None


def test_every_trend_chart_plots_the_column_its_title_names(tmp_path: Path) -> None:
    import openpyxl

    from consolidate.kinds.demo import build_demo

    built = build_demo(tmp_path / "demo")
    header = [c.value for c in openpyxl.load_workbook(built.summary)["趋势"][HEADER_ROW]]
    rows = len(sheet_rows(built.summary, "趋势"))
    with zipfile.ZipFile(built.summary) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))[1:]
        seen = []
        for name in charts:
            xml = z.read(name).decode("utf-8")
            (title,) = re.findall(r"<a:t>(.*?)</a:t>", xml)
            label = title.removesuffix("各期趋势")
            letter = chr(ord("A") + header.index(label))
            values = re.findall(r"<c:val>.*?<c:f>(.*?)</c:f>", xml, re.S)
            assert values and all(re.fullmatch(rf"趋势!\${letter}\$\d+:\${letter}\$\d+", v) for v in values), title
            # One line per item, together covering every row of the sheet once.
            spans = [tuple(int(x) for x in re.findall(r"\$(\d+)", v)) for v in values]
            assert sum(b - a + 1 for a, b in spans) == rows
            seen.append(label)
    assert seen == ["年度目标", "累计完成", "完成率"]


def test_group_rows_carry_the_previous_period_new_and_ratio_of_their_items(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    text = SPEC.replace("min: 0, aggregate: sum}", "min: 0, aggregate: sum, cumulative: true}")
    assert "cumulative" in text
    first = _spec(tmp_path, text)
    templates = unit_templates(first, tmp_path / "templates")
    returns = tmp_path / "returns"
    returns.mkdir()
    for unit, rows in PLAN.items():
        fill_template(templates[unit], returns / templates[unit].name, rows)
    write_summary(merge_returns(first, [returns], history=history, record_history=True), tmp_path / "9月.xlsx")

    later = tmp_path / "10月"
    later.mkdir()
    (later / "report.yaml").write_text(text.replace("period: 2025-09", "period: 2025-10"), encoding="utf-8")
    second = load_spec(later / "report.yaml")
    templates = unit_templates(second, later / "templates")
    returns = later / "returns"
    returns.mkdir()
    october = {
        "城关镇卫生院": {
            "T1": {"done": 10000, "progress": "完成筛查10000人"},
            "T2": {"done": 28, "progress": "28处达标"},
            "T3": {"done": 350, "progress": "签约350单"},
        },
        "东城镇卫生院": {"T1": {"done": 9900, "progress": "完成筛查9900人"}, "T2": {"done": 15, "progress": "15处"}},
    }
    for unit, rows in october.items():
        fill_template(templates[unit], returns / templates[unit].name, rows)
    out = write_summary(merge_returns(second, [returns], history=history), later / "10月.xlsx")
    rows = {r["民生实事项目"]: r for r in sheet_rows(out, "汇总")}
    group, item = rows["二、医疗服务"], rows["家庭医生签约服务"]
    assert (item["上期累计完成"], item["本期新增"], item["环比"]) == (300, 50, pytest.approx(50 / 300))
    # The group's one item in 单: its subtotals, the earlier period's included.
    assert (group["累计完成"], group["上期累计完成"], group["本期新增"]) == (350, 300, 50)
    assert group["环比"] == pytest.approx(50 / 300)
    # 人 and 处 are not added up: nothing of the earlier period either.
    mixed = rows["一、公共卫生服务"]
    assert (mixed["累计完成"], mixed["上期累计完成"], mixed["本期新增"], mixed["环比"]) == (None, None, None, None)
    assert rows["适龄妇女两癌检查"]["本期新增"] == (10000 + 9900) - (9000 + 8900)
