from __future__ import annotations

from pathlib import Path

import pytest

from consolidate.errors import SpecError
from consolidate.spec import load_spec, spec_from_json
from consolidate.text import Lang

from .conftest import SPEC_YAML, write_spec


def problems(tmp_path: Path, text: str, lang: Lang = "zh") -> list[str]:
    path = write_spec(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return [p.render(lang).replace(str(path), "report.yaml") for p in info.value.problems]


def test_loads_example_with_shared_items_and_per_unit_targets(spec) -> None:
    assert [u.code for u in spec.units] == ["YZK", "JWK", "LX"]
    t1, t2, t3 = spec.items
    assert t1.units == ("YZK", "LX")  # units taken from the per-unit targets
    assert t1.values_for("YZK")["target"] == 120
    assert t1.values_for("LX")["target"] == 80
    assert t2.units == ("YZK",)  # a unit given by its name
    assert t3.units == ("JWK", "LX")
    assert t3.values_for("LX")["target"] == 50
    assert [i.id for i in spec.items_for("LX")] == ["T1", "T3"]


def test_no_is_a_string_not_a_yaml_boolean(spec) -> None:
    assert spec.fields[0].id == "no"
    assert spec.items[0].values["no"] == "1"


def test_embedded_json_round_trips_with_the_same_hash(spec) -> None:
    again = spec_from_json(spec.to_json())
    assert again.sha256 == spec.sha256
    assert again.items == spec.items


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    text = SPEC_YAML.replace("required: true, min: 0", "requried: true, min: 0")
    assert problems(tmp_path, text) == ["report.yaml:20 [fields[3].requried]: 未知的键“requried”，是否想写“required”？"]
    assert problems(tmp_path, text, "en") == [
        "report.yaml:20 [fields[3].requried]: Unknown key “requried”; did you mean “required”?"
    ]


def test_bad_period_and_missing_title(tmp_path: Path) -> None:
    text = SPEC_YAML.replace("period: 2025-Q1", "period: 2025 Q5").replace(
        "  title: 2025年第一季度重点工作完成情况\n", ""
    )
    assert problems(tmp_path, text) == [
        "report.yaml:2 [report.title]: 缺少必填的键“title”",
        "report.yaml:5 [report.period]: 报告期“2025 Q5”看不懂；可以写成 2025（全年）、2025年第三季度（2025-Q3）、"
        "2025年9月（2025-09）或 2025年上半年（2025-H1）",
    ]


def test_formula_and_rule_with_unknown_field_ids(tmp_path: Path) -> None:
    text = SPEC_YAML.replace('formula: "done / target"', 'formula: "done / targt"').replace(
        "done > target * 1.5", "don > target * 1.5"
    )
    assert problems(tmp_path, text) == [
        "report.yaml:21 [fields[4].formula]: 公式引用了不存在的栏目“targt”，是否想写“target”？",
        "report.yaml:27 [rules[0].when]: 规则引用了不存在的栏目“don”，是否想写“done”？",
    ]
    assert problems(tmp_path, text, "en") == [
        "report.yaml:21 [fields[4].formula]: The formula uses a field that does not exist, “targt”; did you mean “target”?",
        "report.yaml:27 [rules[0].when]: The rule uses a field that does not exist, “don”; did you mean “done”?",
    ]


def test_unknown_unit_in_items_with_did_you_mean(tmp_path: Path) -> None:
    text = SPEC_YAML.replace("units: 医政医管科,", "units: 医政管理科,")
    assert problems(tmp_path, text) == [
        "report.yaml:14 [units]: 事项 T2 的单位“医政管理科”不在单位名单中，是否是：医政医管科？"
    ]


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    text = SPEC_YAML.replace("  period: 2025-Q1\n", "  period: [2025-Q1\n")
    (message,) = problems(tmp_path, text)
    # PyYAML marks where it noticed the problem: the line after the unclosed bracket.
    assert message == "report.yaml:7: 方括号 [ ] 没有配对，或列表的两项之间少了逗号；请检查这一行和上一行"


def test_units_and_items_from_csv_with_per_unit_columns(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "units.csv").write_text("code,name,email\nA,甲卫生院,a@example.gov.cn\nB,乙卫生院,\n", encoding="utf-8")
    (folder / "items.csv").write_bytes(
        "id,序号,目标任务,年度目标,units,target@A,target@B\nT1,1,两癌检查,300,甲卫生院、乙卫生院,100,200\n"
        "T2,2,村卫生室标准化建设,5,B,,\n".encode("gb18030")
    )
    text = (
        SPEC_YAML.split("units:\n")[0]
        + "units: units.csv\nitems: items.csv\nfields:\n"
        + SPEC_YAML.split("fields:\n")[1]
    )
    spec = load_spec(write_spec(folder, text))
    assert spec.units[0].email == "a@example.gov.cn"
    t1, t2 = spec.items
    assert (t1.units, t1.values_for("A")["target"], t1.values_for("B")["target"]) == (("A", "B"), 100, 200)
    assert (t2.units, t2.values_for("B")["target"], t2.values["task"]) == (("B",), 5, "村卫生室标准化建设")


def test_csv_errors_name_the_csv_line(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "units.csv").write_text("code,name\nA,甲卫生院\n", encoding="utf-8")
    (folder / "items.csv").write_text("id,no,task,target,units\nT1,1,x,10,A\nT2,2,y,abc,丙卫生院\n", encoding="utf-8")
    text = (
        SPEC_YAML.split("units:\n")[0]
        + "units: units.csv\nitems: items.csv\nfields:\n"
        + SPEC_YAML.split("fields:\n")[1]
    )
    path = write_spec(folder, text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert [(Path(p.file).name, p.line, p.key) for p in info.value.problems] == [
        ("items.csv", 3, "units"),
        ("items.csv", 3, "target"),
    ]
    assert info.value.problems[1].message.render("zh") == "事项 T2 的“年度目标”：“abc”不是数字"
    assert info.value.problems[1].message.render("en") == "Item T2, “年度目标”: “abc” is not a number"


def test_items_from_xlsx_with_one_column_per_unit(tmp_path: Path) -> None:
    import openpyxl

    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "units.csv").write_text("编码,单位名称\nLS,兰山区\nLZ,罗庄区\nHD,河东区\n", encoding="utf-8")
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["序号", "目标任务", "年度目标", "兰山区", "罗庄区", "HD"])
    ws.append(["33", "2020年为全市40万适龄妇女进行“两癌”检查", 90600, 44000, 22600, 24000])
    ws.append(["39", "力争年内增加精神科医师10名左右", 2, 1, None, 1])
    book.save(folder / "items.xlsx")
    text = (
        SPEC_YAML.split("units:\n")[0]
        + "units: units.csv\nitems: items.xlsx\nfields:\n"
        + SPEC_YAML.split("fields:\n")[1]
    )
    spec = load_spec(write_spec(folder, text))
    first, second = spec.items
    assert first.units == ("LS", "LZ", "HD")
    assert [first.values_for(u)["target"] for u in first.units] == [44000, 22600, 24000]
    assert second.units == ("LS", "HD")  # an empty cell: the unit does not carry this item
    assert (first.id, second.id) == ("1", "2")  # no id column: items are numbered in order


def test_units_separated_by_spaces_and_unit_columns_with_two_numeric_fields(tmp_path: Path) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "units.csv").write_text("code,name\nA,甲卫生院\nB,乙卫生院\n", encoding="utf-8")
    (folder / "items.csv").write_text(
        "id,no,task,last_year,target,units,A,B\nT1,1,两癌检查,100,300,A B,100,200\n", encoding="utf-8"
    )
    fields = SPEC_YAML.split("fields:\n")[1].replace(
        "  - {id: target,", "  - {id: last_year, label: 上年完成, type: number, source: item}\n  - {id: target,"
    )
    text = SPEC_YAML.split("units:\n")[0] + "units: units.csv\nitems: items.csv\nfields:\n" + fields
    (item,) = load_spec(write_spec(folder, text)).items
    assert item.units == ("A", "B")
    assert (item.values_for("A")["target"], item.values_for("B")["target"], item.values["last_year"]) == (100, 200, 100)
