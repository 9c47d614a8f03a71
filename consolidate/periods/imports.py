"""A summary workbook of an earlier period, imported into the history (so that the first month of
a report kept by this tool has a 上期): from the data the summary carries (see :mod:`.carry`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..errors import InputError
from ..read import RawBook, Source, read_book
from ..spec import Period, Spec
from ..text import Msg
from .carry import read_summary_data, summary_totals
from .store import History


def import_summary(spec: Spec, path: Path, history: History) -> tuple[str, int]:
    """Record the period of a summary workbook written by this tool: (the period, the values
    recorded). Raises :class:`InputError` when it is not one of this report's summaries."""
    source = Source(
        path.name, path, dt.datetime.fromtimestamp(path.stat().st_mtime) if path.exists() else dt.datetime.now()
    )
    book = read_book(source)
    if not isinstance(book, RawBook):
        raise InputError(Msg("history.not_summary", path=path))
    data = read_summary_data(book.meta)
    if data is None or Period.parse(data.period) is None:
        raise InputError(Msg("history.no_summary_data", path=path, history=history.path))
    if data.report != spec.report.id:
        raise InputError(Msg("history.other_report", path=path, report=data.report, expected=spec.report.id))
    period = str(Period.parse(data.period))
    earlier = dataclasses.replace(spec, report=spec.report.model_copy(update={"period": period}))
    inputs = {f.id for f in spec.fields if f.is_input}
    rows = [row for row in data.rows if row[0] in spec.unit_map and row[2] in inputs]
    if not history.record(earlier, rows, summary_totals(data), data.returned, f"import:{path.name}"):
        raise InputError(Msg("history.cannot_write", path=history.path))
    return period, len(rows)
