"""明细 as a Parquet file (``merge --parquet FILE``): one row per record kept, typed columns and
their provenance, for analysts past the size a workbook is comfortable at (pyarrow, an optional
extra: ``pip install "consolidate[parquet]"``).

Columns are keys, as in :meth:`MergeResult.to_frames` (whose ``parquet=`` reads this file back):
``unit_code``, ``unit_name``, ``item`` (fixed rows), the field ids, then ``file``, ``sheet``,
``row`` (the record's row in its return) and ``sha256`` (the return's). Codes and texts are
strings (a code ``007`` stays ``007``), integer fields int64, other numbers and computed fields
float64, dates date32, yes/no bool; an empty or rejected value is null. Each column carries its
title in 明细 (``title`` in its field metadata); the file carries our mark, the report, its period
and the spec's sha256 (key-value metadata), so that it is known later as ours, and whose.

Rows are written a row group at a time: memory stays flat however many records there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..common import MARK, atomic_output, kind_mark, shown
from ..errors import InputError
from ..merge import MergeResult
from ..read.ours import KIND_PARQUET, PARQUET_MARK_KEY
from ..spec import FieldSpec
from ..text import Lang, Msg, t

ROW_GROUP = 65_536  # records per row group (and per batch held in memory)

# The arrow type of each pandas dtype of MergeResult.to_frames() (a field type's ``frame_dtype``).
_ARROW_TYPES = {
    "string": "string",
    "Int64": "int64",
    "Float64": "float64",
    "datetime64[ns]": "date32",
    "boolean": "bool",
}


def pyarrow() -> Any:
    """pyarrow, or a clear stop naming the extra that installs it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError(Msg("parquet.no_pyarrow")) from None
    return pyarrow


def column_type(field: FieldSpec) -> str:
    """The arrow type of a field's column: its type's, a computed field's numbers as float64."""
    kind = _ARROW_TYPES.get(field.kind.frame_dtype, "string")
    return "float64" if field.formula and kind == "int64" else kind


def write_parquet(result: MergeResult, path: str | Path, lang: Lang | None = None) -> Path:
    """Write 明细 to ``path`` (atomically) as Parquet; column titles in ``lang`` (default: the
    spec's). Raises :class:`InputError` when pyarrow is not installed."""
    pa = pyarrow()
    import pyarrow.parquet as pq

    lang = lang or result.spec.lang
    spec = result.spec
    fixed = spec.rows == "fixed"
    columns: list[tuple[str, str, str]] = [  # key, arrow type, title
        ("unit_code", "string", t("col.unit_code", lang)),
        ("unit_name", "string", t("col.unit_name", lang)),
        *([("item", "string", t("col.item", lang))] if fixed else []),
        *((f.id, column_type(f), f.heading(lang)) for f in spec.fields),
        ("file", "string", t("col.file", lang)),
        ("sheet", "string", t("col.sheet", lang)),
        ("row", "int64", t("col.row", lang)),
        ("sha256", "string", "sha256"),
    ]
    types = {name: getattr(pa, name)() for name in ("string", "int64", "float64", "date32", "bool_")}
    types["bool"] = types.pop("bool_")
    schema = pa.schema(
        [pa.field(key, types[kind], metadata={"title": title}) for key, kind, title in columns],
        metadata={
            PARQUET_MARK_KEY: kind_mark(KIND_PARQUET),
            "comments": MARK,
            "report_id": spec.report.id,
            "period": spec.report.period,
            "spec_sha256": spec.sha256,
            "records": str(len(result.records)),
        },
    )
    names = {u.code: u.name for u in spec.units}
    hashes = {i.name: i.sha256 for i in result.inputs}
    field_ids = [f.id for f in spec.fields]
    converters = [_CONVERT[kind] for _, kind, _ in columns]
    path = Path(path)
    with atomic_output(path) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        batch: list[list[Any]] = [[] for _ in columns]
        for record in result.records:
            head = (record.unit_code, names.get(record.unit_code, ""))
            values = record.values
            row = (
                *head,
                *((record.item_id,) if fixed else ()),
                *(values.get(f) for f in field_ids),
                record.file,
                record.sheet,
                record.row,
                hashes.get(record.file) or None,
            )
            for cells, value in zip(batch, row, strict=True):
                cells.append(value)
            if len(batch[0]) >= ROW_GROUP:
                writer.write_table(_table(pa, schema, batch, types, columns, converters, lang))
                batch = [[] for _ in columns]
        if batch[0] or not len(result.records):
            writer.write_table(_table(pa, schema, batch, types, columns, converters, lang))
    return path


def _table(
    pa: Any,
    schema: Any,
    batch: list[list[Any]],
    types: dict[str, Any],
    columns: list[tuple[str, str, str]],
    converters: list[Callable[[Any, Lang], Any]],
    lang: Lang,
) -> Any:
    arrays = []
    for cells, (_, kind, _), convert in zip(batch, columns, converters, strict=True):
        try:  # the common case: every value already of the column's type (or empty)
            arrays.append(pa.array(cells, type=types[kind]))
        except (TypeError, ValueError, OverflowError, pa.ArrowException):
            arrays.append(pa.array([convert(v, lang) for v in cells], type=types[kind]))
    return pa.Table.from_arrays(arrays, schema=schema)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _text(value: Any, lang: Lang) -> str | None:
    if _empty(value):
        return None
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return shown(value)


def _integer(value: Any, lang: Lang) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return int(value) if float(value).is_integer() else None


def _float(value: Any, lang: Lang) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _date(value: Any, lang: Lang) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _bool(value: Any, lang: Lang) -> bool | None:
    return value if isinstance(value, bool) else None


_CONVERT: dict[str, Callable[[Any, Lang], Any]] = {
    "string": _text,
    "int64": _integer,
    "float64": _float,
    "date32": _date,
    "bool": _bool,
}
