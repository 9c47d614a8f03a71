"""consolidate: report templates out, filled returns in, one county summary workbook.

The library (the command line is a thin layer over it)::

    from consolidate import load_spec, merge_returns, write_summary

    spec = load_spec("2025Q1/report.yaml")
    result = merge_returns(spec, ["returns/"])
    write_summary(result, "summary.xlsx")

The package is laid out as the pipeline, each stage importing only the stages below it:
``text`` (every user-facing string) and ``common`` → ``fields`` → ``spec`` → ``read`` → ``check``
→ ``merge`` → ``write`` → ``mail`` / ``kinds`` → ``cli``.
"""

from __future__ import annotations

from .version import __version__

# Not ``typing.TYPE_CHECKING``: the command's first moments import as little as they can, so that
# Ctrl-C finds its handler installed (see consolidate.__main__). Type checkers read this name so too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .check import Issue, Level
    from .errors import ConsolidateError, InputError, SpecError
    from .kinds import build_demo, init_spec
    from .merge import MergeResult, merge_returns, spec_from_returns
    from .spec import Spec, load_spec, parse_spec
    from .write import summary_json, write_feedback, write_json, write_summary, write_templates

# The public API, imported when first used: ``import consolidate`` stays cheap, and the stages
# below never import this package's root.
_API = {
    "Issue": "check",
    "Level": "check",
    "ConsolidateError": "errors",
    "InputError": "errors",
    "SpecError": "errors",
    "build_demo": "kinds",
    "init_spec": "kinds",
    "MergeResult": "merge",
    "merge_returns": "merge",
    "spec_from_returns": "merge",
    "Spec": "spec",
    "load_spec": "spec",
    "parse_spec": "spec",
    "summary_json": "write",
    "write_feedback": "write",
    "write_json": "write",
    "write_summary": "write",
    "write_templates": "write",
}

__all__ = [
    "ConsolidateError",
    "InputError",
    "Issue",
    "Level",
    "MergeResult",
    "Spec",
    "SpecError",
    "__version__",
    "build_demo",
    "init_spec",
    "load_spec",
    "merge_returns",
    "parse_spec",
    "spec_from_returns",
    "summary_json",
    "write_feedback",
    "write_json",
    "write_summary",
    "write_templates",
]


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
