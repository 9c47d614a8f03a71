"""One home for each job (issue 23), counted in the code: every figure is computed in merge, no
stage outside fields/ asks a field's type by name, no issue code is a bare string outside the
catalogue, one fuzzy matcher."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "consolidate"


def _sources(*, outside: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.relative_to(PACKAGE).as_posix().startswith(outside)
    }


def _places(pattern: str, sources: dict[str, str]) -> list[str]:
    return [
        f"{name}:{text[: m.start()].count(chr(10)) + 1}"
        for name, text in sources.items()
        for m in re.finditer(pattern, text)
    ]


def test_no_field_type_name_is_tested_outside_fields() -> None:
    assert _places(r"\.type\s*(==|!=|in\b|not in\b)", _sources(outside=("fields/",))) == []
    assert _places(r"TYPES\[[^\]]+\]\.name|\.kind\.name\s*(==|!=)", _sources(outside=("fields/",))) == []


def test_no_issue_code_is_a_bare_string_outside_the_catalogue() -> None:
    assert _places(r"[\"'][EWI]-[A-Z][A-Z-]+[\"']", _sources(outside=("text/issues.py",))) == []


def test_the_writers_lay_figures_out_and_compute_none() -> None:
    writers = _sources(
        outside=tuple(
            p
            for p in (
                "merge/",
                "periods/",
                "check/",
                "spec/",
                "read/",
                "kinds/",
                "mail/",
                "serve/",
                "cli/",
                "fields/",
                "text/",
                "common.py",
                "errors.py",
                "version.py",
                "__init__.py",
                "__main__.py",
            )
        )
    )
    # relay/ lays the merge's figures out into the city's template (fill): the same rule holds.
    assert writers and all(name.startswith(("write/", "relay/")) for name in writers)
    assert _places(r"\b(Accumulator|Pairs|aggregate_values|aggregate)\b\(", writers) == []
    assert _places(r"math\.fsum|\bfsum\(", writers) == []


def test_one_fuzzy_matcher() -> None:
    assert (
        _places(r"\bimport difflib\b|\bfrom rapidfuzz\b|\bimport rapidfuzz\b", _sources(outside=("common.py",))) == []
    )
