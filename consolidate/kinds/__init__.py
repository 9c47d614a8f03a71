"""Built-in report kinds and what starts a report: ``init`` (from a kind, or from a clerk's own
task table) and ``demo`` (the whole flow on a kind, with the mistakes units make)."""

from __future__ import annotations

from .demo import DemoResult, build_demo, fill_template
from .fromtable import Analysis, analyse, read_grid
from .init import SPEC_FILES, InitResult, init_report, init_spec, kind_path, kinds_dir, list_kinds

__all__ = [
    "SPEC_FILES",
    "Analysis",
    "DemoResult",
    "InitResult",
    "analyse",
    "build_demo",
    "fill_template",
    "init_report",
    "init_spec",
    "kind_path",
    "kinds_dir",
    "list_kinds",
    "read_grid",
]
