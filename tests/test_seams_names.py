"""Any unit name, code or title, however long or strange, gives a valid file name (issue 20, 13):
a suffix longer than the room for a name once made ``templates`` spin forever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from consolidate.common import NAME_BYTES, NAME_CHARS, sanitise_filename, unique_filenames

from .conftest import SPEC_YAML, write_spec

_WINDOWS_FORBIDDEN = set('\\/:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}


def _valid(name: str) -> bool:
    return (
        0 < len(name) <= NAME_CHARS
        and len(name.encode("utf-8")) <= NAME_BYTES
        and not set(name) & _WINDOWS_FORBIDDEN
        and not name.endswith((".", " "))
        and name not in (".", "..")
    )


def test_templates_for_units_with_codes_of_300_characters(tmp_path: Path) -> None:
    # "a/b" and "a:b" give the same file name, so both get their code too: 300 characters each.
    long_a, long_b = "A" * 299 + "1", "B" * 299 + "2"
    text = SPEC_YAML.replace("{code: YZK, name: 医政医管科}", f'{{code: {long_a}, name: "a/b"}}')
    text = text.replace("{code: JWK, name: 基层卫生科}", f'{{code: {long_b}, name: "a:b"}}')
    text = text.replace("target: {YZK: 120, LX: 80}", "target: 100").replace("units: 医政医管科, ", "")
    text = text.replace('units: "JWK、LX", ', "")
    spec = write_spec(tmp_path / "spec", text)
    out = tmp_path / "模板"
    exe = Path(sys.executable).parent / "consolidate"
    done = subprocess.run(  # in a process of its own: the hang it once was stops at the timeout
        [str(exe), "templates", str(spec), "-o", str(out)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"已生成 3 个模板：{out}"
    names = sorted(p.name for p in out.iterdir())
    assert len({n.lower() for n in names}) == 3
    assert all(_valid(n) for n in names)
    title = "2025-Q1_2025年第一季度重点工作完成情况"
    assert f"{title}_a_b.xlsx" in names and f"{title}_龙溪镇卫生院.xlsx" in names
    (coded,) = [n for n in names if "B" * 100 in n]  # the code's end is kept, before .xlsx
    assert coded.endswith("B" * 50 + "2.xlsx") and coded.startswith("2025")


# Short and long: a suffix beyond the room for a name (150 characters, 200 bytes) as often as not.
_TEXT = st.one_of(st.text(max_size=40), st.text(min_size=140, max_size=400))


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_any_stem_and_suffix_give_a_valid_name(stem: str, suffix: str) -> None:
    name = sanitise_filename(stem, suffix)
    assert _valid(name), name
    # A suffix with room for a name is kept whole; a longer one keeps its extension.
    clean = sanitise_filename("x", suffix)[1:]
    if len(clean) + 8 <= NAME_CHARS and len(clean.encode("utf-8")) + 8 <= NAME_BYTES:
        assert name.endswith(clean)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=200), _TEXT.filter(bool)),
        min_size=1,
        max_size=12,
        unique_by=lambda pair: pair[1],
    )
)
def test_any_names_and_codes_give_names_no_two_alike(units: list[tuple[str, str]]) -> None:
    wanted = [(code, f"报表_{name}", code) for name, code in units]
    names = unique_filenames(wanted, ".xlsx")
    assert len({n.lower() for n in names.values()}) == len(units)
    assert all(_valid(n) and n.endswith(".xlsx") for n in names.values())
