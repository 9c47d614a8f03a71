"""Nothing lost: every non-empty cell of every data row ends in 明细 or in 校验问题."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consolidate.kinds.demo import fill_template
from consolidate.merge import merge_returns
from consolidate.spec import Spec, parse_spec
from consolidate.write.template import write_templates

from .conftest import SPEC_YAML

SPEC: Spec = parse_spec(SPEC_YAML)

messy_number = st.one_of(
    st.integers(-5, 10**6),
    st.floats(0, 1e6, allow_nan=False),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
    st.integers(0, 9999).map(lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    st.sampled_from(["约2万", "—", "/", "  ", "#DIV/0!", "12人", "", "1.5e3"]),
)
_chars = st.characters(blacklist_categories=("Cc", "Cs"))
messy_text = st.one_of(st.text(_chars, max_size=20), st.sampled_from(["=SUM(A1)", "  完成 ", "", '=HYPERLINK("x")']))
messy_choice = st.sampled_from(["正常", "超前", "滞后", " 正 常", "良好", "", "1"])
row = st.fixed_dictionaries(
    {"done": messy_number, "progress": messy_text, "problems": messy_text, "status": messy_choice}
)
extra = st.one_of(st.none(), st.integers(0, 100), st.text(_chars, min_size=1, max_size=5))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row, min_size=3, max_size=3),
    extras=st.lists(extra, min_size=3, max_size=3),
    paste=st.booleans(),
)
def test_every_cell_is_merged_or_reported(rows: list[dict[str, Any]], extras: list[Any], paste: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        templates = write_templates(SPEC, folder / "t")
        returns = folder / "r"
        returns.mkdir()
        plan = {"医政医管科": {"T1": rows[0], "T2": rows[1]}, "龙溪镇卫生院": {"T1": rows[2]}}
        for template in templates:
            unit = template.stem.split("_")[-1]
            if unit not in plan:
                continue
            target = returns / template.name
            fill_template(
                template,
                target,
                {k: {f: v for f, v in r.items() if v != ""} for k, r in plan[unit].items()},
                keep_metadata=not paste,
            )
            book = openpyxl.load_workbook(target)
            ws = book.worksheets[0]
            for i, value in enumerate(extras[: len(plan[unit])]):
                if value is not None:
                    ws.cell(row=6 + i, column=12, value=value)
            book.save(target)
        result = merge_returns(SPEC, [returns])
        reported = {(i.file, i.cell) for i in result.issues}
        merged = {
            (r.file, f"{letter}{r.row}")
            for r in result.records
            for letter, field in zip("ABCDEFGH", [f.id for f in SPEC.fields], strict=True)
            if r.values.get(field) not in (None, "")
        }
        for path in returns.iterdir():
            ws = openpyxl.load_workbook(path).worksheets[0]
            for cells in ws.iter_rows(min_row=6):
                for cell in cells:
                    value = cell.value
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    if cell.column_letter in "ABCE":  # item cells and the formula column
                        continue
                    key = (path.name, cell.coordinate)
                    assert key in merged or key in reported, (key, value)
