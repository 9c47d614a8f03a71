"""The benchmark script runs end to end (a few returns: its figures are not checked here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_prints_every_job_with_its_ratios(tmp_path: Path) -> None:
    # pandas (the naive baseline) is the [bench] extra, not a test dependency: that job is left out.
    script = str(ROOT / "benchmarks" / "bench_merge.py")
    done = subprocess.run(
        [sys.executable, script, "-n", "20", "--reps", "1", "--skip", "naive", "--cache", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines() if re.match(r"^[a-z-]+ +\d", line)}
    assert list(rows) == ["floor", "api", "cli", "status", "parquet", "re-merge", "templates", "tpl-floor"]
    for name, (seconds, per_second, peak, *_ratios) in rows.items():
        assert float(seconds) > 0 and float(per_second) > 0 and float(peak) > 10, name
    assert float(rows["floor"][3]) == 1.0  # x floor
    assert re.search(
        r"^templates: \d+\.\d x the templates' floor \(20 copies of one template written\)$", done.stdout, re.M
    )
    assert len(list((tmp_path / "out" / "tpl-floor-0").glob("*.xlsx"))) == 20
    # The parquet job checked what it wrote: one 明细 sheet below the row limit, the Parquet rows.
    assert (
        "parquet check: 800 records; 明细 sheets 明细 (800 rows); Parquet 800 rows, types ok; "
        "汇总's 累计完成 = Parquet sums for 40 items"
    ) in done.stderr
    assert len(list((tmp_path / "n20" / "returns").glob("*.xlsx"))) == 20
    # The api job merged every return into a real summary workbook.
    summary = tmp_path / "out" / "api-0.xlsx"
    assert summary.stat().st_size > 10_000


def test_a_failing_job_is_reported_and_left_out(tmp_path: Path) -> None:
    """naive needs pandas (the [bench] extra): without it the run says so and goes on."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "pandas.py").write_text('raise ImportError("No module named pandas (test)")\n', encoding="utf-8")
    script = str(ROOT / "benchmarks" / "bench_merge.py")
    jobs = ("api", "cli", "status", "parquet", "re-merge", "templates", "tpl-floor")
    skips = [arg for job in jobs for arg in ("--skip", job)]
    done = subprocess.run(
        [sys.executable, script, "-n", "16", "--reps", "1", "--cache", str(tmp_path / "cache"), *skips],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(fake)},
    )
    assert done.returncode == 0, done.stderr
    assert "naive: failed, left out: ImportError: No module named pandas (test)" in done.stderr
    assert "pip install -e '.[bench]' installs pandas" in done.stderr
    jobs = [line.split()[0] for line in done.stdout.splitlines() if re.match(r"^[a-z-]+ +\d", line)]
    assert jobs == ["floor"]
