"""汇总 and 明细 as pandas DataFrames, for analysts (pandas is an optional extra).

Columns are keys, not titles: ``unit_code``, ``unit_name``, ``item``, the field ids, ``file``,
``sheet``, ``row``, ``sha256``. Codes and texts are pandas strings, so a code like ``007`` is never
read as a number; whole numbers are ``Int64``, others ``Float64``, dates ``datetime64``, yes/no
``boolean``; a missing value is ``<NA>``. The detail is made from the records, or read from the
Parquet file ``merge --parquet`` wrote for the same merge (:func:`detail_from_parquet`: the same
frame, much faster for a province's million rows; pyarrow is another optional extra).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..common import kind_mark
from ..errors import InputError
from ..read.ours import KIND_PARQUET, PARQUET_MARK_KEY
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
    if field.formula and field.kind.frame_dtype == "Int64":
        return "Float64"  # a computed number need not be whole
    return field.kind.frame_dtype


def _frame(columns: dict[str, list[Any]], dtypes: dict[str, str]) -> Any:
    pd = _pandas()
    data = {}
    for key, values in columns.items():
        dtype = dtypes.get(key, "string")
        if dtype == "datetime64[ns]":
            data[key] = _dates(pd, values)
        else:
            data[key] = pd.Series([None if v is None or v == "" else v for v in values], dtype=dtype)
    return pd.DataFrame(data)


def _dates(pd: Any, values: Sequence[Any]) -> Any:
    """A column of dates (``datetime.date``, or None) as pandas makes it, whichever the source."""
    return pd.to_datetime(pd.Series(values, dtype="object"))


def detail_frame(spec: Spec, records: Iterable[Record], lang: Lang, hashes: Mapping[str, str] | None = None) -> Any:
    """One row per record kept (明细), values typed; ``hashes``: each file's sha256."""
    fixed = spec.rows == "fixed"
    names = {u.code: u.name for u in spec.units}
    hashes = hashes or {}
    keys = ["unit_code", "unit_name", *(["item"] if fixed else []), *(f.id for f in spec.fields)]
    keys += ["file", "sheet", "row", "sha256"]
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
        columns["sha256"].append(hashes.get(record.file))
    dtypes = {f.id: _dtype(f, "none") for f in spec.fields}
    dtypes["row"] = "Int64"
    return _frame(columns, dtypes)


class ParquetOrigin(NamedTuple):
    """What a Parquet file of 明细 must say of itself to be the one of a given merge."""

    report_id: str
    period: str
    spec_sha256: str
    records: int


def detail_from_parquet(path: str | Path, origin: ParquetOrigin | None = None) -> Any:
    """明细 read from a Parquet file written by ``merge --parquet`` (:func:`detail_frame`'s frame).

    ``origin``: the merge it must come from (its report, period, spec and number of records);
    a file of another merge, or not ours, stops with a message saying so.
    """
    pd = _pandas()
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(Msg("parquet.no_pyarrow")) from None
    path = Path(path)
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(Msg("parquet.unreadable", path=path, error=exc)) from None
    meta = {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in (schema.metadata or {}).items()}
    if meta.get(PARQUET_MARK_KEY) != kind_mark(KIND_PARQUET):
        raise InputError(Msg("parquet.not_ours", path=path))
    if origin is not None:
        count = meta.get("records", "")
        records = int(count) if count.isdigit() else -1
        found = ParquetOrigin(meta.get("report_id", ""), meta.get("period", ""), meta.get("spec_sha256", ""), records)
        if found != origin:
            what = f"{found.report_id} {found.period}, {found.records} records"
            raise InputError(Msg("parquet.other_merge", path=path, what=what))
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(Msg("parquet.unreadable", path=path, error=exc)) from None
    mapping = {
        pa.string(): pd.StringDtype(),
        pa.large_string(): pd.StringDtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    frame = table.to_pandas(types_mapper=mapping.get)
    for name in table.schema.names:
        if pa.types.is_date(table.schema.field(name).type):
            frame[name] = _dates(pd, frame[name].tolist())
    return frame


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
