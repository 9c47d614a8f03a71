"""Reading back what a user sees: sheets of a summary workbook as lists of dicts; and the ways a
forked helper of the summary writer can be missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consolidate.spec import Spec

HEADER_ROW = 3  # 汇总/分单位/明细/报送情况/校验问题: title, subtitle, header


def sheet_rows(path: Path, sheet: str, *, values: bool = True) -> list[dict[str, Any]]:
    """Rows under the header row of a summary sheet, keyed by header text (cached values)."""
    book = openpyxl.load_workbook(path, data_only=values)
    ws = book[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    out = []
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if all(v is None for v in row):
            continue
        out.append(dict(zip(header, row, strict=False)))
    return out


def cell_of(path: Path, sheet: str, column: str, row_index: int) -> Any:
    """The openpyxl cell (formulas, not cached values) of a data row by header text."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    return ws.cell(row=HEADER_ROW + 1 + row_index, column=header.index(column) + 1)


def unit_templates(spec: Spec, folder: Path) -> dict[str, Path]:
    """The spec's templates written into ``folder``, by unit name (the end of each file's name)."""
    from consolidate.write.template import write_templates

    return {p.name.split("_")[-1][:-5]: p for p in write_templates(spec, folder)}


def fill_returns(templates: dict[str, Path], returns: Path, plan: dict[str, Any], **who: str) -> Path:
    """Each unit's template of ``plan`` (unit name -> item -> values) filled into ``returns``
    under its own file name; ``who``: the contact and phone typed in (``fill_template``'s)."""
    from consolidate.kinds.demo import fill_template

    returns.mkdir(parents=True, exist_ok=True)
    for unit, rows in plan.items():
        fill_template(templates[unit], returns / templates[unit].name, rows, **who)
    return returns


def children_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every forked child of the summary writer fails as it renders rows (this process does not)."""
    from consolidate.write import fastrows

    parent = os.getpid()
    real_render = fastrows.RowWriter.render

    def render(self: fastrows.RowWriter, first0: int, rows: Any, deferred: bool = False) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real_render(self, first0, rows, deferred)

    monkeypatch.setattr(fastrows.RowWriter, "render", render)


def no_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """No process can be had (a limit on processes): every fork fails."""

    def fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", fork)
