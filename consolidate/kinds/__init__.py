"""Built-in report kinds and what starts a report: ``init`` (from a kind, or from a clerk's own
task table) and ``demo`` (the whole flow on a kind, with the mistakes units make)."""

from __future__ import annotations

from .demo import DemoResult, build_demo, fill_template
from .fromtable import items_from_table
from .init import SPEC_FILES, init_spec, kind_path, kinds_dir, list_kinds

__all__ = [
    "SPEC_FILES",
    "DemoResult",
    "build_demo",
    "fill_template",
    "init_spec",
    "items_from_table",
    "kind_path",
    "kinds_dir",
    "list_kinds",
]
