"""The generated parts of docs/commands.md and docs/issues.md, written by cog from the code.

Each page holds ``[[[cog ... ]]]`` blocks calling these functions, with their output between the
markers; ``cog -r docs/commands.md docs/issues.md`` rewrites it, and ``tests/test_docs.py`` fails
when it is out of date. Nothing here words anything: every text comes from the catalogue
(:mod:`consolidate.text.help` for ``--help``, :mod:`consolidate.text.issues` for the issues) and
the typer app, as ``--help`` shows them.
"""

from __future__ import annotations

import re
from typing import Any

import typer.main

from consolidate.cli import app
from consolidate.cli.app import localise
from consolidate.text import ISSUES, Lang, t

_BOLD = re.compile(r"\[bold\](.*?)\[/bold\]")


def _localised(lang: Lang) -> Any:
    """The app's commands with their help in ``lang``, as ``--lang`` gives them to ``--help``."""
    group = typer.main.get_group(app)  # a fresh click group each time: nothing shared is changed
    localise(group, "", lang)
    return group


def _argument(param: Any) -> bool:
    return bool(param.param_type_name == "argument")


def _cell(text: str) -> str:
    """A text as a Markdown table cell: on one line, its pipes escaped, rich markup as code."""
    return _BOLD.sub(r"`\1`", text).replace("\\[", "[").replace("\n\n", " ").replace("\n", " ").replace("|", r"\|")


def _prose(text: str) -> str:
    """A command's help as Markdown paragraphs (its example as code)."""
    return _BOLD.sub(r"`\1`", text).replace("\\[", "[").strip()


def _shown(param: Any) -> str:
    """What a parameter's value looks like (``FILE``, ``FOLDER...``), as ``--help`` shows it."""
    if getattr(param, "is_flag", False):
        return ""
    if _argument(param) and param.metavar:
        return str(param.metavar)
    shown = getattr(param, "display_type_rich", None)
    return str(shown()) if callable(shown) else param.human_readable_name.upper()


def _default(param: Any) -> str:
    """The default ``--help`` shows (``[default: templates_out]``): none for flags and empty values."""
    if getattr(param, "is_flag", False) or param.default in (None, False, (), []):
        return ""
    return str(param.default)


def _name(param: Any) -> str:
    """``-s/--spec`` for an option (short first); for an argument its name (``SPEC``, ``FOLDER...``),
    as the arguments of ``--help`` show it."""
    if _argument(param):
        return str(param.name).upper() + ("..." if param.nargs == -1 else "")
    return "/".join(sorted(param.opts, key=lambda o: (o.startswith("--"), o)))


def _synopsis(name: str, command: Any) -> str:
    parts = [f"consolidate {name}"]
    for param in command.params:
        if _argument(param):
            parts.append(_name(param) if param.required else f"[{_name(param)}]")
            continue
        value = _shown(param)
        text = f"{_name(param)} {value}" if value else _name(param)
        if getattr(param, "multiple", False):
            text += " ..."
        parts.append(text if param.required else f"[{text}]")
    return " ".join(parts)


def _params_table(params: list[Any], zh: list[Any], first: str) -> list[str]:
    lines = [f"| {first} | value | default | 说明 | meaning |", "|---|---|---|---|---|"]
    for param, param_zh in zip(params, zh, strict=True):
        lines.append(
            _row(
                _name(param),
                _shown(param),
                _default(param),
                getattr(param_zh, "help", None),
                getattr(param, "help", None),
            )
        )
    return lines


def _row(name: str, value: str, default: str, zh: str | None, en: str | None) -> str:
    cells = [f"`{_cell(x)}`" if x else "" for x in (name, value, default)] + [_cell(zh or ""), _cell(en or "")]
    return "| " + " | ".join(cells) + " |"


def global_options() -> str:
    """The table of the options every command takes (given before or after the command's name)."""
    en, zh = _localised("en"), _localised("zh")
    lines = _params_table(list(en.params), list(zh.params), "option")
    lines.append(_row("--help", "", "", t("help.opt.help", "zh"), t("help.opt.help", "en")))
    return "\n".join(lines) + "\n"


def commands() -> str:
    """One section per command, in the order ``consolidate --help`` lists them: what it does (as
    ``--help`` says it, in Chinese and English), its synopsis, and each argument and option."""
    en, zh = _localised("en"), _localised("zh")
    out: list[str] = []
    for name, command in en.commands.items():
        command_zh = zh.commands[name]
        out += [f"### `consolidate {name}`", ""]
        out += [_prose(command_zh.help or ""), "", _prose(command.help or ""), ""]
        out += ["```text", _synopsis(name, command), "```", ""]
        if command.params:
            out += [*_params_table(list(command.params), list(command_zh.params), "argument or option"), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def issues() -> str:
    """The issue catalogue as a table: each code with its level, message and fix, zh and en."""
    lines = ["| code | level | message (zh / en) | fix (zh / en) |", "|---|---|---|---|"]
    for code, entry in ISSUES.items():
        message = f"{_cell(entry.zh)} / {_cell(entry.en)}"
        fix = f"{_cell(entry.fix_zh)} / {_cell(entry.fix_en)}" if entry.fix_zh or entry.fix_en else "—"
        lines.append(f"| `{code}` | {entry.level} | {message} | {fix} |")
    return "\n".join(lines) + "\n"
