"""A spec file edited in place for its next period: ``report.yaml`` line by line and value by
value, ``report.xlsx`` cell by cell; every comment, layout, other cell, sheet and format is kept as
the clerk left it.

A text is found by its path in the spec: ``("report", "title")``, ``("fields", 3, "help")``,
``("fields", 3, "aliases", 0)``, ``("rules", 0, "message")``, ``("document", "progress")``,
``("mail", "subject")``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..spec.workbook import column_key, report_key, sheet_key
from ..text import Lang, t

TextPath = tuple[str | int, ...]
Mover = Callable[[str], str]

# ---------------------------------------------------------------------------------------------
# report.yaml


_REPORT_KEY = re.compile(r"^(?P<indent>[ \t]+)(?P<key>period|deadline|title)(?P<colon>\s*:\s*)(?P<rest>.*)$")


def advance_yaml(text: str, changes: Mapping[str, str]) -> str:
    """``report.yaml``'s text with the ``report:`` keys in ``changes`` given new values; every other
    line (comments, layout, the other sections) is kept as it was."""
    lines = text.splitlines(keepends=True)
    in_report = False
    done: set[str] = set()
    for index, line in enumerate(lines):
        if re.match(r"^report\s*:\s*(#.*)?$", line.rstrip("\r\n")):
            in_report = True
            continue
        if in_report and line.strip() and not line[0].isspace() and not line.lstrip().startswith("#"):
            in_report = False
        match = _REPORT_KEY.match(line.rstrip("\r\n")) if in_report else None
        if match is None or match["key"] not in changes or match["key"] in done:
            continue
        comment = re.search(r"\s+#.*$", match["rest"]) if not match["rest"].lstrip().startswith(("'", '"')) else None
        ending = line[len(line.rstrip("\r\n")) :]
        value = _yaml_text(changes[match["key"]])
        tail = comment.group(0) if comment else ""
        lines[index] = f"{match['indent']}{match['key']}{match['colon']}{value}{tail}{ending}"
        done.add(match["key"])
    return "".join(lines)


def _yaml_text(value: str) -> str:
    """A value as YAML reads it back as the same text (quoted when it would not be)."""
    if re.fullmatch(r"[\w\u4e00-\u9fff\u3000-\u303f\uff00-\uffef（）—\-./]+", value) and value[0] not in "-?!&*@`":
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_at(root: yaml.Node | None, path: TextPath) -> yaml.ScalarNode | None:
    node = root
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, yaml.SequenceNode) or step >= len(node.value):
                return None
            node = node.value[step]
        else:
            if not isinstance(node, yaml.MappingNode):
                return None
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == step), None)
    return node if isinstance(node, yaml.ScalarNode) else None


def _value_at(data: Any, path: TextPath) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return None
        elif not isinstance(data, dict) or step not in data:
            return None
        data = data[step]
    return data


def move_yaml_texts(text: str, texts: Mapping[TextPath, tuple[str, str]], mover: Mover) -> tuple[str, list[TextPath]]:
    """``text`` with each value at a path in ``texts`` (path → (old value, new value)) changed in
    place, its quoting kept; the paths that could not be changed so (left as they were)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text, list(texts)
    nodes: dict[TextPath, yaml.ScalarNode] = {}
    failed: list[TextPath] = []
    for path, (old, _) in texts.items():
        node = _node_at(root, path)
        if node is None or node.value != old or node.start_mark is None or node.end_mark is None:
            failed.append(path)
        else:
            nodes[path] = node

    def raw(node: yaml.ScalarNode) -> str:
        return text[node.start_mark.index : node.end_mark.index]

    def build(replacements: Mapping[TextPath, str]) -> str:
        out = text
        for path in sorted(replacements, key=lambda p: nodes[p].start_mark.index, reverse=True):
            node = nodes[path]
            out = out[: node.start_mark.index] + replacements[path] + out[node.end_mark.index :]
        return out

    def wrong(candidate: str, paths: Iterable[TextPath]) -> list[TextPath]:
        try:
            data = yaml.safe_load(candidate)
        except yaml.YAMLError:
            return list(paths)
        return [p for p in paths if _value_at(data, p) != texts[p][1]]

    # The words moved where they are written, so that quotes and escapes stay; a value that does
    # not read back so is written again as a double-quoted string (JSON's form is YAML's too).
    chosen = {path: mover(raw(node)) for path, node in nodes.items()}
    for path in wrong(build(chosen), chosen):
        node = nodes[path]
        if node.style in ("|", ">"):
            chosen[path] = raw(node)
            failed.append(path)
        else:
            chosen[path] = json.dumps(texts[path][1], ensure_ascii=False)
    for path in wrong(build(chosen), [p for p in chosen if p not in failed]):
        chosen[path] = raw(nodes[path])
        failed.append(path)
    return build(chosen), failed


# ---------------------------------------------------------------------------------------------
# report.xlsx


def advance_workbook(
    path: Path, changes: Mapping[str, str], texts: Iterable[TextPath], mover: Mover, target: Path
) -> list[TextPath]:
    """The spec workbook at ``path`` with ``changes`` (``period``, ``title``, ``deadline`` as ISO
    text) in its 报表 sheet and the words of each text at a path in ``texts`` moved, saved as
    ``target``; every other cell, sheet and format is kept as the clerk left it. A report key
    without a row gets one at the end of the sheet. Returns the paths whose cell was not found."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheets = {sheet_key(s.title): s for s in book.worksheets}
    report = sheets["report"]
    lang: Lang = "en" if report.title == t("book.sheet.report", "en") else "zh"
    pending = dict(changes)
    for label, cell in report.iter_rows(min_col=1, max_col=2):
        key = report_key(label.value)
        if key in pending:
            _set(cell, key, pending.pop(key))
    for key, value in pending.items():
        row = report.max_row + 1
        report.cell(row, 1, t(f"book.report.{key}", lang))
        _set(report.cell(row, 2), key, value)
    cells = _text_cells(sheets)
    missing: list[TextPath] = []
    done: set[Any] = set()
    for text_path in texts:
        found = cells.get(text_path[:3] if text_path[0] in ("fields", "rules") else text_path[:2])
        if found is None or not isinstance(found.value, str):
            missing.append(text_path)
        elif id(found) not in done:  # the aliases share one cell
            found.value = mover(found.value)
            done.add(id(found))
    book.save(target)
    return missing


def _text_cells(sheets: Mapping[str, Any]) -> dict[TextPath, Any]:
    """Path → cell of the texts ``next`` moves besides the title: fields, rules and settings (a
    field's aliases share one cell)."""
    cells: dict[TextPath, Any] = {}
    for section in ("fields", "rules"):
        sheet = sheets.get(section)
        if sheet is None:
            continue
        rows = list(sheet.iter_rows())
        if not rows:
            continue
        keys = [column_key(section, cell.value) for cell in rows[0]]
        index = 0
        for row in rows[1:]:
            if all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()) for cell in row):
                continue
            for key, cell in zip(keys, row, strict=False):
                if key is not None:
                    cells[(section, index, key)] = cell
            index += 1
    settings = sheets.get("settings")
    for row in settings.iter_rows(min_col=1, max_col=2) if settings is not None else ():
        label = row[0].value
        if isinstance(label, str) and "." in label and len(row) > 1:
            section, key = label.strip().split(".", 1)
            cells[(section, key)] = row[1]
    return cells


def _set(cell: Any, key: str, value: str) -> None:
    if key == "deadline" and value:
        cell.value = dt.date.fromisoformat(value)
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value
        cell.number_format = "@"  # 2020-09 stays text, not a date
