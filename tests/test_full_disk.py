"""A full disk, a full temporary folder and a name too long (issue 24.1): one plain line that says
which file, how much room there is (and is missing, when known) and where to free it; exit 2; no
traceback and no "Exception ignored"; nothing half written — the summary before stays as it was,
templates are written all or none.

The full disks are small tmpfs mounts made by the tests, which needs root (CI runs them as root;
elsewhere they are skipped with the reason, see the ``tmpfs`` marker in conftest.py)."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from consolidate.common import WriteFailed, name_room
from consolidate.kinds.demo import DemoResult as Demo
from consolidate.kinds.demo import build_demo
from consolidate.spec import load_spec
from consolidate.write import write_templates

FREE_IT = "请在这个磁盘上删除或移走不需要的文件，或者写到别的磁盘上，然后再运行一次；没有留下写了一半的文件。"
TMPDIR_IT = (
    "请在这个磁盘上腾出空间，或者把环境变量 TMPDIR 设为别的磁盘上的一个文件夹，然后再运行一次；没有留下写了一半的文件。"
)

SmallDisk = Callable[[str, int], Path]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """``small_disk(name, kib)``: a tmpfs of ``kib`` KiB mounted at ``tmp_path / name``."""
    mounted: list[Path] = []

    def mount(name: str, kib: int) -> Path:
        place = tmp_path / name
        place.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(place)], check=True)
        mounted.append(place)
        return place

    yield mount
    for place in reversed(mounted):
        subprocess.run(["umount", "-l", str(place)], check=False)


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    return build_demo(tmp_path / "demo")


def _run(*args: str | Path, tmp_path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in a process of its own: everything it prints, even what
    Python prints as it cleans up."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "400", **(env or {})}
    command = [sys.executable, "-m", "consolidate", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=300)


def _free(disk: Path) -> str:
    """The room left on a small disk, as the message says it (tmpfs counts whole pages)."""
    free = shutil.disk_usage(disk).free
    assert free % 1024 == 0 and free < 1 << 20
    return f"{free // 1024} KB"


def _one_line(run: subprocess.CompletedProcess[str], tmp_path: Path) -> str:
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout and "Exception ignored" not in run.stderr, run.stderr
    assert not (tmp_path / "cache" / "consolidate" / "crashes").exists()  # not the crash message
    (line,) = run.stderr.splitlines()
    return line


@pytest.mark.tmpfs
def test_a_summary_that_does_not_fit_leaves_the_one_before(demo: Demo, tmp_path: Path, small_disk: SmallDisk) -> None:
    disk = small_disk("disk", 64)
    out = disk / "summary.xlsx"
    shutil.copy2(demo.summary, out)
    before = out.read_bytes()
    run = _run("merge", demo.returns, "-o", out, tmp_path=tmp_path)
    line = _one_line(run, tmp_path)
    assert line == f"无法执行：磁盘空间不足，没能写出 {out}：{disk} 所在的磁盘只剩 {_free(disk)}。{FREE_IT}"
    assert sorted(p.name for p in disk.iterdir()) == ["summary.xlsx"]  # no temporary, and no backup of it
    assert out.read_bytes() == before


@pytest.mark.tmpfs
def test_json_that_does_not_fit_replaces_neither_it_nor_the_summary(
    demo: Demo, tmp_path: Path, small_disk: SmallDisk
) -> None:
    disk = small_disk("disk", 64)
    (disk / "filler").write_bytes(b"x" * 48 * 1024)
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy2(demo.summary, out / "summary.xlsx")
    before = (out / "summary.xlsx").read_bytes()
    run = _run("merge", demo.returns, "-o", out / "summary.xlsx", "--json", disk / "summary.json", tmp_path=tmp_path)
    line = _one_line(run, tmp_path)
    expected = (
        f"无法执行：磁盘空间不足，没能写出 {disk / 'summary.json'}：{disk} 所在的磁盘只剩 {_free(disk)}。{FREE_IT}"
    )
    assert line == expected
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    # The outputs of a merge are put in place together: the summary is the one before too.
    assert sorted(p.name for p in out.iterdir()) == ["summary.xlsx"]
    assert (out / "summary.xlsx").read_bytes() == before


@pytest.mark.tmpfs
def test_a_full_temporary_folder_says_so_and_where_else_to_put_it(
    demo: Demo, tmp_path: Path, small_disk: SmallDisk
) -> None:
    temp = small_disk("tmp", 12)  # too small for the summary's rows, which are written there first
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy2(demo.summary, out / "summary.xlsx")
    before = (out / "summary.xlsx").read_bytes()
    run = _run("merge", demo.returns, "-o", out / "summary.xlsx", tmp_path=tmp_path, env={"TMPDIR": str(temp)})
    line = _one_line(run, tmp_path)
    where = f"{temp} 所在的磁盘只剩 {_free(temp)}"
    assert line == f"无法执行：临时文件夹 {temp} 的磁盘空间不足，没能写出 {out / 'summary.xlsx'}：{where}。{TMPDIR_IT}"
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["summary.xlsx"]
    assert (out / "summary.xlsx").read_bytes() == before


@pytest.mark.tmpfs
@pytest.mark.parametrize("existing", [False, True])
def test_templates_that_do_not_fit_are_written_none_of_them(
    demo: Demo, tmp_path: Path, small_disk: SmallDisk, existing: bool
) -> None:
    disk = small_disk("disk", 128)  # 13 templates take about 160 KB
    target = disk / "模板"
    if existing:
        target.mkdir()
        (target / "说明.txt").write_text("the clerk's own", encoding="utf-8")
    run = _run("templates", demo.spec, "-o", target, tmp_path=tmp_path)
    line = _one_line(run, tmp_path)
    where = re.escape(f"{target} 所在的磁盘（{disk}）只剩 {_free(disk)}")
    assert re.fullmatch(
        rf"无法执行：磁盘空间不足，没能写出 {re.escape(str(target))}：{where}，还差约 \d+(?:\.\d)? KB。{FREE_IT}", line
    )
    if existing:
        assert [p.name for p in target.iterdir()] == ["说明.txt"]  # none written, no temporary folder left
    else:
        assert list(disk.iterdir()) == []  # the folder made for them is gone too


@pytest.mark.tmpfs
def test_the_library_says_the_same_for_templates(demo: Demo, small_disk: SmallDisk) -> None:
    disk = small_disk("disk", 128)
    with pytest.raises(WriteFailed) as failed:
        write_templates(load_spec(demo.spec), disk / "out", workers=1)
    assert (failed.value.target, failed.value.folder, failed.value.disk) == (disk / "out", disk / "out", disk)
    assert failed.value.no_room and failed.value.free == shutil.disk_usage(disk).free
    assert failed.value.needed is not None and failed.value.needed > 0
    assert list(disk.iterdir()) == []


def test_a_write_failure_travels_from_a_worker_whole(tmp_path: Path) -> None:
    failed = WriteFailed(28, tmp_path / "a.xlsx", tmp_path, temporary=True, free=4096, needed=8192)
    again = pickle.loads(pickle.dumps(failed))
    assert isinstance(again, WriteFailed) and again.errno == 28
    assert (again.target, again.folder, again.temporary, again.free, again.needed) == (
        tmp_path / "a.xlsx",
        tmp_path,
        True,
        4096,
        8192,
    )


# ---------------------------------------------------------------------------------------------
# A name too long: refused before any work


@pytest.mark.skipif(name_room(Path(".")) is None, reason="the system does not say how long a name may be")
def test_a_name_too_long_is_refused_before_any_work(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    limit = name_room(out)
    assert limit == 255
    name = "汇" * 300 + ".xlsx"
    run = _run("merge", demo.returns, "-o", out / name, tmp_path=tmp_path)
    line = _one_line(run, tmp_path)
    assert line == (
        f"无法执行：文件名太长：{name}（905 字节；{out} 里的文件名最多 248 字节，一个汉字占 3 字节）。请换一个短一些的名字。"
    )
    assert run.stdout == ""  # before the merge: nothing read, nothing recorded
    # A name that fits, but not with the ".bak-2" of its backup beside it, is refused too.
    fits = "a" * 250 + ".json"
    run = _run("merge", demo.returns, "-o", out / "s.xlsx", "--json", out / fits, tmp_path=tmp_path)
    assert "文件名太长" in _one_line(run, tmp_path) and "（255 字节；" in run.stderr
    folder = "模" * 100
    run = _run("templates", demo.spec, "-o", out / folder, tmp_path=tmp_path)
    assert _one_line(run, tmp_path) == (
        f"无法执行：文件夹名太长：{folder}（300 字节；{out} 里的名字最多 255 字节，一个汉字占 3 字节）。请换一个短一些的名字。"
    )
    assert list(out.iterdir()) == []
