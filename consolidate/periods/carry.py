"""What a summary workbook carries for the history: its period's accepted values by unit, item and
field id, and its totals per item, in the summary's hidden ``_consolidate`` sheet.

``history import`` reads a summary back from this, never from its displayed sheets: a title or a
column heading of the summary may change (or be in English) without changing what is imported.
The keys are not a template's (no ``report_id``), so a summary put among the returns is still not
taken for one.

The data is JSON, packed with zlib and base64 into cells of at most 30,000 characters, one
record per row of a return (the history's values are made from them as a merge makes them)::

    {"fields": [input field id, ...],
     "sources": [[file, sheet, sha256, unit, {field: column letters}], ...],
     "records": [[source, item, row, [value per field, null when blank]], ...],
     "totals": [[item, {field: number}, units reported], ...]}

Dates are ``{"$date": "2025-04-15"}`` (``$datetime`` for a time of day). It is written in
batches, so that a large summary's data never sits in memory whole.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..check import Located, Record
from ..common import xl_col_to_name
from ..spec import Spec
from .store import Row, Totals, plain_totals

FORMAT = "1"
_CHUNK = 30_000  # a cell holds at most 32,767 characters
_UNPACKED_LIMIT = 1024 * 1024 * 1024  # a summary's data unpacks to at most this many bytes
_KEY = "summary_"
_BATCH = 2_000  # records encoded at once


@dataclass
class SummaryData:
    """A summary's period as recorded in it."""

    report: str
    period: str
    returned: int
    rows: list[Row]
    totals: list[tuple[str, dict[str, Any], int]]  # item, its numbers, the units reported


@dataclass(frozen=True)
class _Total:
    key: str
    values: Mapping[str, Any]
    reported_units: int


def summary_totals(data: SummaryData) -> list[Totals]:
    """The summary's totals as :meth:`History.record` takes them."""
    return [_Total(item, values, reported) for item, values, reported in data.totals]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(data: dict[str, Any]) -> Any:
    if "$date" in data:
        return dt.date.fromisoformat(data["$date"])
    if "$datetime" in data:
        return dt.datetime.fromisoformat(data["$datetime"])
    return data


def summary_data(
    spec: Spec,
    records: Iterable[Record],
    returns: Mapping[str, Located],
    hashes: Mapping[str, str],
    summary: Iterable[Totals],
) -> list[tuple[str, str]]:
    """The ``(key, value)`` rows a summary's ``_consolidate`` sheet holds: the records and totals
    from which an import records what the merge recorded in the history."""
    fields = [f.id for f in spec.fields if f.is_input]
    letters = {code: {fid: xl_col_to_name(col) for fid, col in r.columns.items()} for code, r in returns.items()}
    sources: dict[tuple[str, str, str], int] = {}
    compressor = zlib.compressobj(1)  # fast: most of it is compressed again in the workbook
    packed: list[bytes] = []
    batch: list[list[Any]] = []

    def dump(value: Any, lead: str = "") -> None:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_encode)
        packed.append(compressor.compress((lead + text).encode("utf-8")))

    written = 0

    def flush() -> None:
        nonlocal written
        if batch:
            text = json.dumps(batch, ensure_ascii=False, separators=(",", ":"), default=_encode)[1:-1]
            packed.append(compressor.compress(("," if written else "").encode() + text.encode("utf-8")))
            written += len(batch)
            batch.clear()

    packed.append(compressor.compress(b'{"records":['))
    for record in records:
        source = sources.setdefault((record.file, record.sheet, record.unit_code), len(sources))
        item = record.item_id if record.item_id is not None else f"#{record.row}"
        batch.append([source, item, record.row, list(map(record.values.get, fields))])
        if len(batch) == _BATCH:
            flush()
    flush()
    dump(fields, '],"fields":')
    dump(
        [[file, sheet, hashes.get(file, ""), unit, letters.get(unit, {})] for file, sheet, unit in sources],
        ',"sources":',
    )
    dump([[row.key, plain_totals(spec, row.values), row.reported_units] for row in summary], ',"totals":')
    packed.append(compressor.compress(b"}"))
    packed.append(compressor.flush())
    text = base64.b64encode(b"".join(packed)).decode("ascii")
    chunks = [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)] or [""]
    return [
        (f"{_KEY}format", FORMAT),
        (f"{_KEY}report_id", spec.report.id),
        (f"{_KEY}period", spec.report.period),
        (f"{_KEY}returned", str(len(returns))),
        (f"{_KEY}data_parts", str(len(chunks))),
        *((f"{_KEY}data_z{n}", chunk) for n, chunk in enumerate(chunks, start=1)),
    ]


def read_summary_data(meta: Mapping[str, str]) -> SummaryData | None:
    """A summary's data from its ``_consolidate`` sheet's keys; None when it has none (not a summary
    of this tool, or one written before summaries carried it) or it is damaged."""
    if meta.get(f"{_KEY}format") != FORMAT:
        return None
    try:
        parts = int(meta[f"{_KEY}data_parts"])
        packed = "".join(meta[f"{_KEY}data_z{n}"] for n in range(1, parts + 1))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode(packed, validate=True), _UNPACKED_LIMIT)
        if inflater.unconsumed_tail or not inflater.eof:
            return None
        data = json.loads(raw.decode("utf-8"), object_hook=_decode)
        fields = [str(fid) for fid in data["fields"]]
        sources = [(str(f), str(s), str(sha), str(unit), dict(cols)) for f, s, sha, unit, cols in data["sources"]]
        rows: list[Row] = []
        for source, item, row, values in data["records"]:
            file, sheet, sha256, unit, letters = sources[int(source)]
            for fid, value in zip(fields, values, strict=True):
                if value is None or value == "":
                    continue
                cell = f"{letters[fid]}{int(row)}" if fid in letters else ""
                rows.append((unit, str(item), fid, value, file, sheet, cell, sha256))
        totals = [(str(item), dict(values), int(reported)) for item, values, reported in data["totals"]]
        return SummaryData(
            meta[f"{_KEY}report_id"],
            meta[f"{_KEY}period"],
            int(meta[f"{_KEY}returned"]),
            rows,
            totals,
        )
    except (KeyError, ValueError, TypeError, IndexError, AttributeError, RecursionError, zlib.error):
        return None
