"""The docs stay in step with the code: README is the entry point, docs/ the full reference.

Every command and option is in docs/commands.md, every issue code in docs/issues.md, every field
type in docs/spec.md; README holds the two commands verbatim; every relative link resolves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from consolidate.cli import app
from consolidate.fields import TYPES
from consolidate.text import ISSUES

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted(DOCS.glob("*.md"))

DEMO_COMMAND = "pip install -e . && consolidate demo"
TEST_COMMAND = 'pip install -e ".[test]" && ruff check . && ruff format --check . && mypy && lint-imports && pytest'


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def token(opt: str) -> re.Pattern[str]:
    """``opt`` as a whole option: ``--out`` is not found in ``--outbox``, nor ``-o`` in ``-oops``."""
    return re.compile(rf"(?<![\w-]){re.escape(opt)}(?![\w-])")


def test_every_command_and_option_is_in_commands_md() -> None:
    text = read(DOCS / "commands.md")
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        # The command's row in the table of every command: its synopsis and what it does.
        rows = [line for line in text.splitlines() if re.match(rf"\| `consolidate {re.escape(name)}[ `]", line)]
        assert len(rows) == 1, f"docs/commands.md needs one table row for `consolidate {name}`"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert token(opt).search(rows[0]), f"consolidate {name} {opt}"
    for param in group.params:
        for opt in param.opts:
            assert opt == "--help" or token(opt).search(text), opt


def test_every_issue_code_is_in_issues_md() -> None:
    documented = set(re.findall(r"^\| `([EWI]-[A-Z-]+)` \|", read(DOCS / "issues.md"), re.M))
    assert documented == set(ISSUES)


def test_no_page_names_a_code_that_does_not_exist() -> None:
    for path in [README, *PAGES]:
        named = set(re.findall(r"`([EWI]-[A-Z-]+)`", read(path)))
        assert named <= set(ISSUES), f"{path.name}: {sorted(named - set(ISSUES))}"


def test_every_field_type_is_in_spec_md() -> None:
    text = read(DOCS / "spec.md")
    for name in TYPES:
        assert re.search(rf"^\| `{re.escape(name)}` \|", text, re.M), f"docs/spec.md: field type {name}"


def test_readme_holds_the_two_commands() -> None:
    text = read(README)
    assert DEMO_COMMAND in text
    assert TEST_COMMAND in text


def test_ci_runs_the_test_command() -> None:
    assert TEST_COMMAND in read(ROOT / ".ci" / "run")


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCED = re.compile(r"^(```+|~~~+).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`+[^`\n]*`+")


def relative_links(text: str) -> list[str]:
    """The targets of Markdown links and images outside code, except web and mail addresses."""
    text = INLINE_CODE.sub("", FENCED.sub("", text))
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) and not target.startswith("#")
    ]


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_points_to_a_file(path: Path) -> None:
    for target in relative_links(read(path)):
        file = target.split("#", 1)[0]
        assert (path.parent / file).exists(), f"{path.relative_to(ROOT)}: {target}"


def test_readme_links_every_page() -> None:
    linked = {(ROOT / target.split("#", 1)[0]).resolve() for target in relative_links(read(README))}
    for page in PAGES:
        assert page.resolve() in linked, f"README does not link {page.relative_to(ROOT)}"


def test_the_link_finder_finds_links() -> None:
    text = "See [a](docs/a.md#x), ![p](images/p.png) and [web](https://example.org).\n```\n[no](code.md)\n```\n"
    assert relative_links(text) == ["docs/a.md#x", "images/p.png"]
