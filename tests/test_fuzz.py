"""A bounded fuzz of returns (issue 13): seeded mutants of the demo's returns, in batches beside
the good returns, each batch merged by the real CLI under a 2 GiB address-space limit. No
traceback, no signal, no crash log, bounded memory, exit 1 (the demo's returns have errors), and
the good returns merge to the same summary as without the mutants. The reproducers of the issue
are merged the same way (the regression corpus; ``tests/test_hostile.py`` checks each alone)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from consolidate.kinds.demo import DemoResult, build_demo
from consolidate.write import write_templates

from .fuzz import mutant
from .hostile import REPRODUCERS, hostile

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="address-space limit and wait4 (Linux)")

ADDRESS_SPACE = 2 << 30  # the CLI's limit, as the probes ran it
MAX_RSS = 1 << 30  # what any one process of the run may hold
BATCHES = 4
PER_BATCH = 25
FIRST_SEED = 1300
# Seeds that once failed: kept here with what they did, re-run in every batch.
CORPUS: dict[int, str] = {}


@dataclass
class Run:
    code: int
    stderr: str
    max_rss: int  # bytes, the largest process of the run (the CLI or a worker)
    summary: dict[str, Any]
    crashes: list[Path]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def merge_cli(returns: Path, spec: Path, work: Path) -> Run:
    out = work / "summary.json"
    cache = work / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "COLUMNS": "200"}
    command = [sys.executable, "-c", "from consolidate.cli import main; main()", "merge", str(returns)]
    command += ["-s", str(spec), "--no-cache", "-o", str(work / "summary.xlsx"), "--json", str(out)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_limit)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)  # the rusage of the CLI and the workers it reaped
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    summary = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    crashes = sorted((cache / "consolidate" / "crashes").glob("*")) if (cache / "consolidate").exists() else []
    return Run(proc.returncode, stderr, usage.ru_maxrss * 1024, summary, crashes)


# by_unit's columns that count the bad files too: a unit with a bad copy beside its return has a
# duplicate (状态 重复, a warning); its figures stay.
_COUNTING_FILES = frozenset({"status", "errors", "warnings"})


def _figures(summary: dict[str, Any]) -> dict[str, Any]:
    """What the good returns decide: the tables' rows and totals."""

    def figures(row: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if row is None else {k: v for k, v in row.items() if k not in _COUNTING_FILES}

    tables = {key: {k: summary[key].get(k) for k in ("rows", "totals")} for key in ("summary", "detail")}
    by_unit = summary["by_unit"]
    tables["by_unit"] = {"rows": [figures(r) for r in by_unit["rows"]], "totals": figures(by_unit.get("totals"))}
    return tables


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return build_demo(tmp_path_factory.mktemp("fuzz") / "demo")


@pytest.fixture(scope="module")
def baseline(demo: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    run = merge_cli(demo.returns, demo.spec, tmp_path_factory.mktemp("baseline"))
    assert run.code == 1, run.stderr
    return _figures(run.summary)


def _good(demo: DemoResult) -> list[Path]:
    return sorted(p for p in demo.returns.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("~"))


def _beside_good(demo: DemoResult, folder: Path, bad: dict[str, bytes]) -> Path:
    """The good returns and the bad files, each bad one older than any return (never kept)."""
    shutil.copytree(demo.returns, folder)
    old = 365 * 86400
    for name, data in bad.items():
        (folder / name).write_bytes(data)
        os.utime(folder / name, (old, old))
    return folder


def _check(run: Run, baseline: dict[str, Any], what: str) -> None:
    assert run.code >= 0, f"{what}: killed by signal {-run.code}\n{run.stderr}"
    assert "Traceback" not in run.stderr, f"{what}:\n{run.stderr}"
    assert run.crashes == [], f"{what}: crash log {run.crashes[0].read_text(encoding='utf-8')}"
    assert run.code == 1, f"{what}: exit {run.code}\n{run.stderr}"
    assert run.max_rss < MAX_RSS, f"{what}: {run.max_rss >> 20} MiB"
    assert _figures(run.summary) == baseline, f"{what}: the good returns' figures changed"


@pytest.mark.parametrize("batch", range(BATCHES))
def test_mutants_beside_good_returns(batch: int, demo: DemoResult, baseline: dict[str, Any], tmp_path: Path) -> None:
    good = _good(demo)
    seeds = [FIRST_SEED + batch * PER_BATCH + n for n in range(PER_BATCH)] + list(CORPUS)
    bad = {f"zz_{seed}.xlsx": mutant(good[seed % len(good)].read_bytes(), seed) for seed in seeds}
    returns = _beside_good(demo, tmp_path / "returns", bad)
    began = time.monotonic()
    run = merge_cli(returns, demo.spec, tmp_path)
    _check(run, baseline, f"seeds {seeds[0]}..{seeds[-1]} (find the one with tests.fuzz.mutant)")
    assert time.monotonic() - began < 60


def test_every_reproducer_beside_good_returns(demo: DemoResult, baseline: dict[str, Any], tmp_path: Path) -> None:
    spec = demo.result.spec
    template = write_templates(spec, tmp_path / "t", [spec.units[0].code])[0].read_bytes()
    good = _good(demo)[0].read_bytes()
    bad = {f"zz_{name}.xlsx": hostile(template if name.startswith("shared") else good, name) for name in REPRODUCERS}
    run = merge_cli(_beside_good(demo, tmp_path / "returns", bad), demo.spec, tmp_path)
    _check(run, baseline, "reproducers")
    for name in bad:
        assert sum(1 for i in run.summary["issues_raw"] if i["file"] == name and i["code"] == "E-UNREADABLE-FILE") <= 1
