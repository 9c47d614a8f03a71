"""Field types: each is one module of consolidate/fields, with its name in the catalogue.

The last test adds a type the way docs/architecture.md says (one module, one catalogue entry)
and takes it through a spec, a template, a return and a summary.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
import pytest

from consolidate import fields
from consolidate.kinds import fill_template
from consolidate.merge import merge_returns
from consolidate.spec import parse_spec
from consolidate.text import CATALOGUE, ISSUES
from consolidate.write import write_summary, write_templates

from .helpers import sheet_rows


def test_every_type_has_its_words_and_its_code() -> None:
    assert sorted(fields.TYPES) == ["bool", "choice", "date", "integer", "number", "percent", "text"]
    for name, kind in fields.TYPES.items():
        assert kind.name == name
        assert f"type.{name}" in CATALOGUE, name
        assert not kind.error or kind.error in ISSUES, name


PHONE = textwrap.dedent(
    '''\
    """``phone``: a telephone number such as 0576-87000000, kept as text."""

    from __future__ import annotations

    import re
    from typing import Any

    from ..common import shown
    from ..text import Lang
    from .base import Coerced, FieldOptions, FieldType

    _PHONE = re.compile(r"^\\d{3,4}-?\\d{7,8}$|^1\\d{10}$")


    class Phone(FieldType):
        name = "phone"
        error = "E-PATTERN"
        table_kind = "text"

        def coerce(self, raw: Any, field: FieldOptions) -> Coerced:
            text = shown(raw).strip().replace(" ", "")
            return Coerced(text) if _PHONE.match(text) else Coerced(error=self.error)

        def default_aggregate(self, field: FieldOptions) -> str:
            return "first"

        def validation(self, field: FieldOptions, lang: Lang) -> dict[str, Any]:
            return {"validate": "length", "criteria": "between", "minimum": 7, "maximum": 13}


    TYPE = Phone()
    '''
)

SPEC = textwrap.dedent(
    """\
    version: 1
    report: {id: hotline, title: 值班电话, period: 2025-Q1}
    units: [{code: A, name: 甲卫生院}, {code: B, name: 乙卫生院}]
    items: [{id: T1, task: 值班电话}]
    fields:
      - {id: task, label: 事项, source: item}
      - {id: phone, label: 值班电话, type: phone, required: true}
    """
)


def test_a_new_type_is_one_module_and_one_catalogue_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "more_types"
    extra.mkdir()
    (extra / "phone.py").write_text(PHONE, encoding="utf-8")
    # As if phone.py were saved next to the other types: the package finds it by itself.
    monkeypatch.setattr(fields, "__path__", [*fields.__path__, str(extra)])
    found = fields._discover()
    assert "phone" in found
    monkeypatch.setitem(fields.TYPES, "phone", found["phone"])
    monkeypatch.setitem(CATALOGUE, "type.phone", ("电话号码", "phone number"))  # type: ignore[index]

    spec = parse_spec(SPEC)
    templates = write_templates(spec, tmp_path / "templates")
    book = openpyxl.load_workbook(templates[0])
    assert [r[1].value for r in book["填报说明"].iter_rows(min_row=10) if r[0].value == "值班电话"] == ["电话号码"]
    (validation,) = book["填报"].data_validations.dataValidation
    assert (validation.type, validation.formula1, validation.formula2) == ("textLength", "7", "13")
    returns = tmp_path / "returns"
    returns.mkdir()
    fill_template(templates[0], returns / "a.xlsx", {"T1": {"phone": "0576-87000000"}})
    fill_template(templates[1], returns / "b.xlsx", {"T1": {"phone": "打电话"}})
    result = merge_returns(spec, [returns])
    assert [(i.code, i.unit, i.cell, i.message()) for i in result.issues] == [
        ("E-PATTERN", "B", "B6", "“值班电话”的格式不对：“打电话”")
    ]
    write_summary(result, tmp_path / "summary.xlsx")
    assert sheet_rows(tmp_path / "summary.xlsx", "明细")[0]["值班电话"] == "0576-87000000"
