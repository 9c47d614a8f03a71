"""The docs stay in step with the code: README is the entry point, docs/ the full reference.

The reference of docs/commands.md and the table of docs/issues.md are generated from the code by
cog and must be up to date; every command has its row in commands.md, every issue code is in
issues.md, every field type in docs/spec.md; README holds the two commands verbatim; every
relative link resolves.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import typer.main
from cogapp import Cog
from typer.testing import CliRunner

from consolidate.cli import app
from consolidate.common import META_SHEET
from consolidate.fields import TYPES
from consolidate.text import ISSUES, LANGS, t

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


GENERATED = [DOCS / "commands.md", DOCS / "issues.md"]
COG_COMMAND = "cog -r docs/commands.md docs/issues.md"


def cog_check(*pages: Path, include: Path = DOCS) -> tuple[int, str]:
    """``cog --check`` over ``pages`` (the generator, docs/docgen.py, found in ``include``):
    its exit status, and what it printed (a diff of what is out of date)."""
    out, err = io.StringIO(), io.StringIO()
    cog = Cog()
    cog.set_output(stdout=out, stderr=err)
    status = cog.main(["cog", "--check", "--diff", "-I", str(include), *map(str, pages)])
    return status, out.getvalue() + err.getvalue()


def test_the_generated_docs_are_up_to_date() -> None:
    for page in GENERATED:
        assert "[[[cog" in read(page) and "[[[end]]]" in read(page), f"{page.name} has no generated part"
    status, said = cog_check(*GENERATED)
    assert status == 0, f"docs/commands.md or docs/issues.md is out of date; regenerate with `{COG_COMMAND}`\n{said}"


def test_the_cog_check_finds_a_generated_line_edited_by_hand(tmp_path: Path) -> None:
    page = tmp_path / "issues.md"
    shutil.copy(DOCS / "issues.md", page)
    text = read(page)
    assert "| `E-REQUIRED` | error |" in text
    page.write_text(text.replace("| `E-REQUIRED` | error |", "| `E-REQUIRED` | warning |"), encoding="utf-8")
    status, said = cog_check(page)
    assert status == 5
    assert "-| `E-REQUIRED` | warning |" in said and "+| `E-REQUIRED` | error |" in said


def reference(text: str, name: str) -> str:
    """The generated section of ``consolidate <name>`` in docs/commands.md."""
    match = re.search(rf"^### `consolidate {re.escape(name)}`\n(.*?)(?=^### |<!-- \[\[\[end)", text, re.M | re.S)
    assert match, f"docs/commands.md has no reference for `consolidate {name}`"
    return match.group(1)


def test_every_command_and_option_is_in_commands_md() -> None:
    text = read(DOCS / "commands.md")
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        # The command's row in the table of every command (what it does, by hand), linked to its
        # reference (generated): the synopsis and a row for every option, in zh and en.
        link = f"| [`{name}`](#consolidate-{name}) |"
        rows = [line for line in text.splitlines() if line.startswith(link)]
        assert len(rows) == 1, f"docs/commands.md needs one table row for `consolidate {name}`"
        section = reference(text, name)
        synopsis = section.split("```text\n", 1)[1].split("\n", 1)[0]
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert token(opt).search(synopsis), f"consolidate {name} {opt}"
                    assert re.search(rf"^\| `[^`]*{re.escape(opt)}\b[^`]*` \|", section, re.M), f"{name} {opt}"
    for param in group.params:
        for opt in param.opts:
            assert opt == "--help" or token(opt).search(text), opt


def test_the_reference_has_the_help_of_both_languages() -> None:
    text = read(DOCS / "commands.md")
    merge = reference(text, "merge")
    for lang in LANGS:
        assert t("help.opt.assign", lang) in merge
        assert t("help.merge.pdf", lang) in merge
    assert "`consolidate merge returns/ -o 汇总.xlsx --pdf`" in merge  # the example, as code
    assert "[bold]" not in text


SHEETS = ["summary", "by_unit", "trend", "detail", "submissions", "issues", "about"]


def test_the_help_of_merge_names_every_sheet_of_the_summary() -> None:
    for lang in LANGS:
        shown = CliRunner().invoke(app, ["--lang", lang, "merge", "--help"], env={"COLUMNS": "200"}).output
        for sheet in SHEETS:
            assert t(f"sheet.{sheet}", lang).lower() in shown.lower(), f"--lang {lang} merge --help: {sheet}"


def test_the_summary_page_lists_every_sheet() -> None:
    text = read(DOCS / "summary.md")
    table = text.split("## The sheets\n\n", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^\| (\S+) \| ", table, re.M)[1:]  # after the header row
    # The seven a clerk sees, then the very hidden sheet holding the summary's data by id.
    assert listed == [*(t(f"sheet.{sheet}", "zh") for sheet in SHEETS), f"`{META_SHEET}`"]
    for path in [README, *PAGES]:
        assert not re.search(r"\bsix (sheets|tables)\b|six-sheet", read(path)), f"{path.name}: there are seven"


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
