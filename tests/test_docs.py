"""README stays in step with the code: every command, option and issue code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from consolidate.cli import app
from consolidate.text import ISSUES as CATALOGUE

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_documented() -> None:
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        assert f"consolidate {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert opt in README, f"{name} {opt}"
    for param in group.params:
        for opt in param.opts:
            assert opt in README or opt == "--help", opt


def test_every_issue_code_is_documented() -> None:
    documented = set(re.findall(r"`([EWI]-[A-Z-]+)`", README))
    assert documented == set(CATALOGUE)


def test_the_two_commands() -> None:
    assert "pip install -e . && consolidate demo" in README
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = 'pip install -e ".[test]" && ruff check . && ruff format --check . && mypy && pytest'
    assert test_command in README
    assert test_command in ci
