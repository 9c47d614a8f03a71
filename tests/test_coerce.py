from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consolidate.check.coerce import coerce as _coerce
from consolidate.fields import TYPES, Coerced
from consolidate.spec import FieldSpec


def _shown(result: Coerced) -> Coerced:
    """The result as a clerk reads it: the note worded in Chinese."""
    return Coerced(result.value, result.error, result.note.render("zh") if result.note else None)  # type: ignore[arg-type]


def _by_type(kind: str, **options: Any) -> Any:
    field = FieldSpec(id="x", label="x", type=kind, **options)
    return lambda raw: _shown(TYPES[kind].coerce(raw, field))


def coerce(field: FieldSpec, raw: Any) -> Coerced:
    return _shown(_coerce(field, raw))


coerce_number = _by_type("number")
coerce_integer = _by_type("integer")
coerce_percent = _by_type("percent")
coerce_date = _by_type("date")
coerce_bool = _by_type("bool")
coerce_text = _by_type("text")


def coerce_choice(raw: Any, choices: list[str]) -> Coerced:
    return _by_type("choice", choices=choices)(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234, Coerced(1234)),
        (12.5, Coerced(12.5)),
        (120.0, Coerced(120)),
        ("1,234", Coerced(1234, note="去掉千分位逗号，文本转数字")),
        ("１２３４", Coerced(1234, note="全角转半角，文本转数字")),
        ("２５４３１", Coerced(25431, note="全角转半角，文本转数字")),
        (" 12 ", Coerced(12, note="文本转数字")),
        ("-3.5", Coerced(-3.5, note="文本转数字")),
        ("约2.5万", Coerced(error="E-NOT-A-NUMBER")),
        ("12人", Coerced(error="E-NOT-A-NUMBER")),
        ("1,23", Coerced(error="E-NOT-A-NUMBER")),
        (True, Coerced(error="E-NOT-A-NUMBER")),
        (float("nan"), Coerced(error="E-NOT-A-NUMBER")),
    ],
)
def test_number(raw: Any, expected: Coerced) -> None:
    assert coerce_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, Coerced(5)),
        (5.0, Coerced(5)),
        ("５", Coerced(5, note="全角转半角，文本转数字")),
        (5.5, Coerced(error="E-NOT-AN-INTEGER")),
        ("5.5", Coerced(error="E-NOT-AN-INTEGER")),
        ("五", Coerced(error="E-NOT-A-NUMBER")),
    ],
)
def test_integer(raw: Any, expected: Coerced) -> None:
    assert coerce_integer(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.7946, Coerced(0.7946)),
        ("79.46%", Coerced(0.7946, note="百分数转小数")),
        ("７９．４６％", Coerced(0.7946, note="全角转半角，百分数转小数")),
        ("0.7946", Coerced(0.7946, note="文本转数字")),
        ("79.46", Coerced(0.7946, note="文本转数字，按百分点读取（除以100）")),
        ("大约八成", Coerced(error="E-NOT-A-PERCENT")),
    ],
)
def test_percent(raw: Any, expected: Coerced) -> None:
    assert coerce_percent(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.datetime(2025, 4, 15, 0, 0), Coerced(dt.date(2025, 4, 15))),
        (45762, Coerced(dt.date(2025, 4, 15), note="Excel 日期序号转日期")),
        ("2025-04-15", Coerced(dt.date(2025, 4, 15))),
        ("2025年4月15日", Coerced(dt.date(2025, 4, 15), note="日期文本转日期")),
        ("2025/4/15", Coerced(dt.date(2025, 4, 15), note="日期文本转日期")),
        ("2025.4.15", Coerced(dt.date(2025, 4, 15), note="日期文本转日期")),
        ("2025-04", Coerced(dt.date(2025, 4, 1), note="只有年月，按当月1日读取")),
        ("2025-02-30", Coerced(error="E-NOT-A-DATE")),
        ("下周", Coerced(error="E-NOT-A-DATE")),
    ],
)
def test_date(raw: Any, expected: Coerced) -> None:
    assert coerce_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", Coerced(True)),
        ("否", Coerced(False)),
        ("√", Coerced(True, note="“√”按“是”读取")),
        ("×", Coerced(False, note="“×”按“否”读取")),
        (True, Coerced(True)),
        ("也许", Coerced(error="E-NOT-A-BOOL")),
    ],
)
def test_bool(raw: Any, expected: Coerced) -> None:
    assert coerce_bool(raw) == expected


def test_choice_exact_spaced_and_unknown() -> None:
    choices = ["超前", "正常", "滞后"]
    assert coerce_choice("正常", choices) == Coerced("正常")
    assert coerce_choice(" 正 常 ", choices) == Coerced("正常", note="去掉空格/全角")
    assert coerce_choice("良好", choices) == Coerced(error="E-CHOICE")


def test_text_starting_with_equals_stays_text() -> None:
    assert coerce_text('=HYPERLINK("http://x")') == Coerced('=HYPERLINK("http://x")')
    assert coerce_text(12.0) == Coerced("12")


def test_blank_and_error_values() -> None:
    number = FieldSpec(id="n", label="数", type="number")
    assert coerce(number, "   ").empty
    assert coerce(number, None).empty
    assert coerce(number, "#DIV/0!") == Coerced(error="E-CELL-ERROR")
    assert coerce(FieldSpec(id="t", label="文"), "#N/A") == Coerced(error="E-CELL-ERROR")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_integer_survives_thousands_separators_and_full_width(n: int) -> None:
    text = f"{n:,}"
    assert coerce_number(text).value == n
    full = text.translate(str.maketrans("0123456789,-", "０１２３４５６７８９，－"))
    assert coerce_number(full).value == n


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_numbers_are_never_changed(x: float) -> None:
    result = coerce_number(x)
    assert result.error is None and result.note is None and result.value == x


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_date_forms_agree(d: dt.date) -> None:
    forms = [
        d.isoformat(),
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
    ]
    assert {coerce_date(f).value for f in forms} == {d}
    serial = (d - dt.date(1899, 12, 30)).days
    assert coerce_date(serial).value == d


@given(st.text(max_size=30))
def test_number_never_raises_and_never_silently_zero(text: str) -> None:
    result = coerce_number(text)
    assert (result.value is None) == (result.error is not None) or not text.strip()
    if result.value == 0:
        assert "0" in text or "０" in text


def test_round_in_formulas_rounds_halves_like_excel() -> None:
    from consolidate.spec.expr import parse

    assert [parse("round(x, 1)").evaluate({"x": v}) for v in (0.25, 0.35, -0.25, 2.5)] == [0.3, 0.4, -0.3, 2.5]
    assert parse("round(x)").evaluate({"x": 2.5}) == 3.0


def test_a_power_too_large_for_a_cell_is_no_value_not_a_failed_run() -> None:
    from consolidate.spec.expr import clean_number, parse

    # simpleeval refuses 1e308 ** 10 (NumberTooHigh); a whole-number power has no float's limit.
    assert parse("done ** 10").evaluate({"done": 1e308}) is None
    assert clean_number(parse("done ** 400").evaluate({"done": 10})) is None
    assert clean_number(parse("done ** 2").evaluate({"done": 10})) == 100
