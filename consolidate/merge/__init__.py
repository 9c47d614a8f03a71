"""Records → a merge result: every file parsed (on both cores, remembered between runs), the
newest return per unit kept, each field aggregated per item, the records held within a memory
budget. :func:`merge_returns` is the entry point; it never prints and never raises for bad data."""

from __future__ import annotations

from ..periods import HISTORY_FILE, Change, History, HistoryView, TrendPoint, default_history_path
from .aggregate import (
    JOIN_LIMIT,
    Accumulator,
    Figures,
    Pairs,
    Rank,
    SummaryRow,
    TrendRow,
    aggregate,
    aggregate_values,
    is_figure,
    with_cut_note,
)
from .cache import default_cache_path
from .frames import Frames
from .pool import ordered_map
from .result import InputFile, MergeResult, Submission
from .run import MergeOptions, find_files, merge_returns, spec_from_returns

__all__ = [
    "HISTORY_FILE",
    "JOIN_LIMIT",
    "Accumulator",
    "Change",
    "Figures",
    "Frames",
    "History",
    "HistoryView",
    "InputFile",
    "MergeOptions",
    "MergeResult",
    "Pairs",
    "Rank",
    "Submission",
    "SummaryRow",
    "TrendPoint",
    "TrendRow",
    "aggregate",
    "aggregate_values",
    "default_cache_path",
    "default_history_path",
    "find_files",
    "is_figure",
    "merge_returns",
    "ordered_map",
    "spec_from_returns",
    "with_cut_note",
]
