"""汇总 and 明细 as pandas DataFrames, for analysts (pandas is an optional extra).

Columns are keys, not titles: ``unit_code``, ``unit_name``, ``item``, the field ids, ``file``,
``sheet``, ``row``. Codes and texts are pandas strings, so a code like ``007`` is never read as a
number; whole numbers are ``Int64``, others ``Float64``, dates ``datetime64``, yes/no ``boolean``;
a missing value is ``<NA>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InputError
from ..spec import FieldSpec, Spec
from ..text import Lang, Msg
from .aggregate import with_cut_note

if TYPE_CHECKING:
    from ..check import Record
    from .aggregate import SummaryRow


class Frames(NamedTuple):
    summary: Any  # pandas.DataFrame: one row per item (per unit for open lists)
    detail: Any  # pandas.DataFrame: one row per record kept


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise InputError(Msg("frames.no_pandas")) from None
    return pandas


def _dtype(field: FieldSpec, how: str) -> str:
    if how == "count":
        return "Int64"
    if how == "join":
        return "string"
    if how == "mean":
        return "Float64"
    return field.kind.frame_dtype


def _frame(columns: dict[str, list[Any]], dtypes: dict[str, str]) -> Any:
    pd = _pandas()
    data = {}
    for key, values in columns.items():
        dtype = dtypes.get(key, "string")
        if dtype == "datetime64[ns]":
            data[key] = pd.to_datetime(pd.Series(values, dtype="object"))
        else:
            data[key] = pd.Series([None if v is None or v == "" else v for v in values], dtype=dtype)
    return pd.DataFrame(data)


def detail_frame(spec: Spec, records: Iterable[Record], lang: Lang) -> Any:
    """One row per record kept (明细), values typed."""
    fixed = spec.rows == "fixed"
    names = {u.code: u.name for u in spec.units}
    keys = ["unit_code", "unit_name", *(["item"] if fixed else []), *(f.id for f in spec.fields)]
    keys += ["file", "sheet", "row"]
    columns: dict[str, list[Any]] = {key: [] for key in keys}
    for record in records:
        columns["unit_code"].append(record.unit_code)
        columns["unit_name"].append(names[record.unit_code])
        if fixed:
            columns["item"].append(record.item_id)
        for f in spec.fields:
            columns[f.id].append(record.values.get(f.id))
        columns["file"].append(record.file)
        columns["sheet"].append(record.sheet)
        columns["row"].append(record.row)
    dtypes = {f.id: _dtype(f, "none") for f in spec.fields}
    dtypes["row"] = "Int64"
    return _frame(columns, dtypes)


def summary_frame(spec: Spec, rows: Sequence[SummaryRow], lang: Lang) -> Any:
    """One row per item (per unit for open lists), as 汇总 shows them, without the total row."""
    fields = [f for f in spec.fields if f.formula or f.effective_aggregate != "none"]
    key = "item" if spec.rows == "fixed" else "unit_code"
    columns: dict[str, list[Any]] = {key: [], **{f.id: [] for f in fields}, "expected_units": [], "reported_units": []}
    for row in rows:
        columns[key].append(row.key)
        for f in fields:
            value = row.values.get(f.id)
            if f.id in row.cut:
                value = with_cut_note(str(value), row.cut[f.id], lang)
            columns[f.id].append(value)
        columns["expected_units"].append(row.expected_units)
        columns["reported_units"].append(row.reported_units)
    dtypes = {f.id: _dtype(f, f.effective_aggregate) for f in fields}
    dtypes |= {"expected_units": "Int64", "reported_units": "Int64"}
    return _frame(columns, dtypes)
