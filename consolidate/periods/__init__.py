"""A report's periods: the history of every merged period (a SQLite file beside the spec), the
checks of a period against it, the data a summary carries and its import, and ``next`` (a spec
moved to its next period, with every period and date word of its texts).

Below ``merge``, which checks each merge against the history and records it; above ``check``
and ``read``, whose records and books it keeps and reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..common import lazy_exports

if TYPE_CHECKING:
    from .advance import (
        Advanced,
        Edit,
        SpecMove,
        TextMove,
        Unmoved,
        advance,
        moved_spec,
        moved_yaml,
        refuse_unmerged,
    )
    from .carry import SummaryData, read_summary_data, summary_data
    from .checks import compare, modified_z
    from .imports import import_summary
    from .store import (
        AS_OF,
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

# Imported when first used: a merge imports the history, not ``next``.
_LAZY = {
    "Advanced": "advance",
    "Edit": "advance",
    "SpecMove": "advance",
    "TextMove": "advance",
    "Unmoved": "advance",
    "advance": "advance",
    "moved_spec": "advance",
    "moved_yaml": "advance",
    "refuse_unmerged": "advance",
    "AS_OF": "store",
    "SummaryData": "carry",
    "read_summary_data": "carry",
    "summary_data": "carry",
    "compare": "checks",
    "modified_z": "checks",
    "import_summary": "imports",
    "HISTORY_FILE": "store",
    "Change": "store",
    "History": "store",
    "HistoryView": "store",
    "MERGE_WAIT": "store",
    "Kept": "store",
    "Recording": "store",
    "TrendPoint": "store",
    "default_history_path": "store",
    "previous_values": "store",
    "record_rows": "store",
    "Moved": "words",
    "move_words": "words",
    "next_deadline": "words",
}

__all__ = [
    "AS_OF",
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
    "moved_yaml",
    "next_deadline",
    "previous_values",
    "read_summary_data",
    "record_rows",
    "refuse_unmerged",
    "summary_data",
]


__getattr__ = lazy_exports(__name__, _LAZY, globals())
