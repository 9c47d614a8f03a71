"""A report's periods: the history of every merged period (a SQLite file beside the spec), the
checks of a period against it, the data a summary carries and its import, and ``next`` (a spec
moved to its next period, with every period and date word of its texts).

Below ``merge``, which checks each merge against the history and records it; above ``check``
and ``read``, whose records and books it keeps and reads.
"""

from __future__ import annotations

from .advance import Advanced, Edit, SpecMove, TextMove, Unmoved, advance, moved_spec
from .carry import SummaryData, read_summary_data, summary_data
from .checks import compare, modified_z
from .imports import import_summary
from .store import (
    HISTORY_FILE,
    MERGE_WAIT,
    Change,
    History,
    HistoryView,
    Kept,
    Recording,
    TrendPoint,
    default_history_path,
    previous_values,
    record_rows,
)
from .words import Moved, move_words, next_deadline

__all__ = [
    "HISTORY_FILE",
    "MERGE_WAIT",
    "Advanced",
    "Change",
    "Edit",
    "History",
    "HistoryView",
    "Kept",
    "Moved",
    "Recording",
    "SpecMove",
    "SummaryData",
    "TextMove",
    "TrendPoint",
    "Unmoved",
    "advance",
    "compare",
    "default_history_path",
    "import_summary",
    "modified_z",
    "move_words",
    "moved_spec",
    "next_deadline",
    "previous_values",
    "read_summary_data",
    "record_rows",
    "summary_data",
]
