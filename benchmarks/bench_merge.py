"""Merge benchmark: consolidate against the I/O floor and the naive pandas loop, same files.

    python benchmarks/bench_merge.py                 # N = 1,000 returns
    python benchmarks/bench_merge.py -n 100 -n 1000 -n 5000 --reps 3
    python benchmarks/bench_merge.py -n 10000 --reps 1 --skip naive
    python benchmarks/bench_merge.py -n 30000 --reps 1 --skip naive --skip api --skip re-merge --skip templates
                                                     # a province: 1.2 M detail rows, 明细 split

Returns (40 rows x 10 fields, livelihood-like Chinese text and numbers, real templates filled in)
are generated once into ``benchmarks/.cache/nN`` and reused. Every measurement runs in a fresh
child process so that its peak RSS is its own; each figure is the median of ``--reps`` runs, the
jobs taken in turns (floor, naive, api, cli ..., then again) so that a change in the machine's load
slows them alike. ``--guard`` compares the CLI with the floor run just before it in each turn.

1. floor       python-calamine reads every return on both cores (a process pool) + xlsxwriter
               writes the same rows once into one sheet (constant memory): work no merge avoids.
2. naive       pandas.read_excel per file, pandas.concat, DataFrame.to_excel (openpyxl engine).
3. api         consolidate.merge_returns + write_summary: read, coerce, validate, aggregate,
               write the whole six-sheet summary workbook.
4. cli         the same through ``consolidate merge`` in a subprocess.
   parquet     cli with ``--parquet`` (明细 as Parquet too), then checked, untimed and outside
               its peak: 明细's sheets within Excel's row limit (明细1, 明细2 … past 1,048,576
               rows: -n 30000), the Parquet file's rows and types, 汇总's figures equal to the
               Parquet sums.
5. re-merge    api again after 10 returns changed, with the parse cache warm.
   status      ``consolidate status`` a second time (its parse cache warmed by the first run).
6. templates   consolidate.write_templates for N units (a fresh process: imports and spec included).
7. tpl-floor   the templates' floor: N copies of one finished template written (pure I/O, the same
               temporary-file-then-rename as templates), timed alone; templates are shown as x it.

    python benchmarks/bench_merge.py --spec-scale    # consolidate check on 50,000 units, 10,000 fields
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
ROWS = 40

TASKS = [
    "为全市适龄妇女进行“两癌”检查",
    "村卫生室标准化建设引领提升工程，达到市级示范标准",
    "村卫生室达到县级示范标准",
    "改扩建精神卫生机构",
    "增加精神科用房",
    "增加精神科床位",
    "增加精神科医师",
    "二级及以上公立医疗机构应用电子健康卡",
    "基本公卫人均服务经费标准提高",
    "核酸检测实验室改造",
]
MEASURES = ["人", "处", "处", "家", "平方米", "张", "名", "家", "元", "个"]
PROGRESS = [
    "①按计划推进，已完成年度目标的{p}%。②召开专题推进会，明确时间节点。③开展督导检查。",
    "①完成摸底调查，编制花名册。②下发通知，确定建设名单。③已完成{p}%，正加快推进。",
    "①资金已拨付到位。②项目已开工建设，完成进度{p}%。③每月调度一次进展情况。",
]


def spec_dict(units: int) -> dict[str, Any]:
    return {
        "version": 1,
        "report": {
            "id": "bench-livelihood",
            "title": "民生实事进展情况（基准测试）",
            "period": "2020-08",
            "deadline": "2020-08-31",
            "issuer": "临沂市卫生健康委员会",
        },
        "units": [{"code": f"U{i:04d}", "name": f"第{i:04d}号卫生院"} for i in range(units)],
        "items": [
            {
                "id": f"T{r:02d}",
                "no": str(r + 1),
                "task": f"{TASKS[r % 10]}（第{r // 10 + 1}批）",
                "measure": MEASURES[r % 10],
                "target": 100 + 37 * r,
            }
            for r in range(ROWS)
        ],
        "fields": [
            {"id": "no", "label": "序号", "type": "text", "source": "item"},
            {"id": "task", "label": "民生实事项目", "type": "text", "source": "item"},
            {"id": "measure", "label": "计量单位", "type": "text", "source": "item", "aggregate": "first"},
            {"id": "target", "label": "年度目标", "type": "number", "source": "item", "aggregate": "sum"},
            {"id": "done", "label": "累计完成", "type": "number", "required": True, "min": 0},
            {"id": "rate", "label": "完成率", "type": "percent", "formula": "done / target"},
            {"id": "funds", "label": "到位资金", "type": "number", "unit": "万元"},
            {"id": "progress", "label": "进展情况", "type": "text", "required": True, "max_length": 2000},
            {
                "id": "status",
                "label": "进度自评",
                "type": "choice",
                "choices": ["超前", "正常", "滞后"],
                "required": True,
                "aggregate": "worst",
                "order": ["滞后", "正常", "超前"],
            },
            {"id": "finished", "label": "完成日期", "type": "date"},
        ],
        "rules": [
            {"id": "over", "when": "done > target * 1.5", "level": "warning", "message": "累计完成超过年度目标的150%"}
        ],
    }


def load(units: int) -> Any:
    from consolidate.spec import spec_from_json

    return spec_from_json(json.dumps(spec_dict(units), ensure_ascii=False))


_loaded: dict[int, tuple[Any, dict[str, str]]] = {}


def _spec_and_names(units: int) -> tuple[Any, dict[str, str]]:
    """The spec of ``units`` units and its templates' file names, made once per process (made for
    every return, they cost the generator O(N²): 10,000 returns spent most of their time there)."""
    if units not in _loaded:
        from consolidate.write.template import template_filenames

        spec = load(units)
        _loaded[units] = (spec, template_filenames(spec))
    return _loaded[units]


def _fill_one(args: tuple[int, int, str], seed: int = 0) -> None:
    import datetime as dt

    from consolidate.write.template import Refill, write_template

    index, units, folder = args
    spec, names = _spec_and_names(units)
    unit = spec.units[index]
    rng = random.Random(index if not seed else f"{index}-{seed}")
    values: dict[tuple[str, str], Any] = {}
    typed: dict[str, dict[str, Any]] = {}
    for item in spec.items:
        target = item.values["target"]
        done = round(target * rng.uniform(0.3, 1.2))
        p = round(100 * done / target)
        row = {
            "done": done,
            "funds": round(rng.uniform(0, 500), 2),
            "progress": rng.choice(PROGRESS).format(p=p),
            "status": "滞后" if p < 50 else ("超前" if p > 100 else "正常"),
            "finished": dt.datetime(2020, 8, rng.randint(1, 28)) if p >= 100 else None,
        }
        for field_id, value in row.items():
            values[(item.id, field_id)] = value
        typed[item.id] = row
    write_template(spec, unit, Path(folder) / names[unit.code], Refill(values, typed, {}))


def generate(n: int) -> Path:
    folder = CACHE / f"n{n}" / "returns"
    stamp = CACHE / f"n{n}" / "done"
    if stamp.exists():
        return folder
    shutil.rmtree(folder.parent, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_fill_one, [(i, n, str(folder)) for i in range(n)], chunksize=16))
    (CACHE / f"n{n}" / "report.json").write_text(json.dumps(spec_dict(n), ensure_ascii=False), encoding="utf-8")
    stamp.write_text(f"{time.perf_counter() - started:.1f}s\n")
    return folder


# ---------------------------------------------------------------------------------------------
# The measured jobs (each runs in its own child process)


def _calamine_rows(paths: list[str]) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    rows: list[list[Any]] = []
    for path in paths:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        rows += sheet[5:]
    return rows


def job_floor(folder: Path, out: Path) -> None:
    import xlsxwriter

    files = sorted(str(p) for p in folder.iterdir())
    chunks = [files[i::2] for i in range(2)]
    with ProcessPoolExecutor(2) as pool:
        parts = list(pool.map(_calamine_rows, chunks))
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet()
    r = 0
    for part in parts:
        for row in part:
            for c, value in enumerate(row):
                sheet.write(r, c, value)
            r += 1
    book.close()


def job_naive(folder: Path, out: Path) -> None:
    import pandas as pd

    frames = [pd.read_excel(p, sheet_name=0, header=4) for p in sorted(folder.iterdir())]
    pd.concat(frames).to_excel(out, engine="openpyxl")


def job_api(folder: Path, out: Path) -> None:
    from consolidate import merge_returns, write_summary
    from consolidate.spec import spec_from_json

    spec = spec_from_json((folder.parent / "report.json").read_text(encoding="utf-8"))
    write_summary(merge_returns(spec, [folder], keep_raw=False), out, parallel=True)


def job_remerge(folder: Path, out: Path) -> float:
    """A warm cache, then 10 returns replaced by new versions: only the re-merge is timed."""
    from consolidate import merge_returns, write_summary
    from consolidate.spec import spec_from_json

    spec = spec_from_json((folder.parent / "report.json").read_text(encoding="utf-8"))
    trickle = out.parent / f"{out.stem}-returns"
    shutil.rmtree(trickle, ignore_errors=True)
    trickle.mkdir(parents=True)
    files = sorted(folder.iterdir())
    for path in files:
        (trickle / path.name).symlink_to(path)
    cache = out.parent / f"{out.stem}.sqlite"
    cache.unlink(missing_ok=True)
    merge_returns(spec, [trickle], keep_raw=False, cache=cache)
    for index in list(range(0, len(files), max(1, len(files) // 10)))[:10]:
        (trickle / files[index].name).unlink()
        _fill_one((index, len(spec.units), str(trickle)), seed=1)
    started = time.perf_counter()
    write_summary(merge_returns(spec, [trickle], keep_raw=False, cache=cache), out, parallel=True)
    return time.perf_counter() - started


def job_cli(folder: Path, out: Path) -> None:
    exe = Path(sys.executable).parent / "consolidate"
    spec = folder.parent / "report.json"
    # -s: the spec as a file, like a clerk's report.yaml (JSON is YAML); no cache, as on a first run.
    subprocess.run(
        [str(exe), "merge", str(folder), "-s", str(spec), "-o", str(out), "-q", "--no-cache"],
        check=False,
        capture_output=True,
    )


def job_status(folder: Path, out: Path) -> float:
    """``consolidate status`` over the folder as a clerk runs it again and again: the parse cache
    (a cache folder of its own) warmed by a first run, untimed; the second run is timed."""
    exe = Path(sys.executable).parent / "consolidate"
    spec = folder.parent / "report.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(out.parent / "status-cache")}
    command = [str(exe), "status", str(folder), "-s", str(spec)]
    subprocess.run(command, check=False, capture_output=True, env=env)
    # Files changed within two seconds are not remembered by their stamp (they may still change).
    time.sleep(max(0.0, 2.1 - (time.time() - max(p.stat().st_ctime for p in folder.iterdir()))))
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.strip() or done.stdout.strip())
    return elapsed


def job_parquet(folder: Path, out: Path) -> float:
    """cli with ``--parquet``, then checked (untimed): 明细 split as Excel's row limit wants, the
    Parquet file's rows and types, and 汇总's 累计完成 per item equal to the Parquet sums."""
    exe = Path(sys.executable).parent / "consolidate"
    spec = folder.parent / "report.json"
    parquet = out.with_suffix(".parquet")
    parquet.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(exe),
            "merge",
            str(folder),
            "-s",
            str(spec),
            "-o",
            str(out),
            "-q",
            "--no-cache",
            "--parquet",
            str(parquet),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    global _peak
    _peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the merge's; not the check's
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.strip() or done.stdout.strip())
    print(check_province(out, parquet, len(list(folder.iterdir())) * ROWS), file=sys.stderr)
    return elapsed


_peak = 0  # set by a job whose checks afterwards (reading a workbook back) are not its peak


def check_province(summary: Path, parquet: Path, records: int) -> str:
    """What a province-sized run must give (raises when it does not); a line saying what was checked."""
    import math
    import re
    import zipfile

    import pyarrow.parquet as pq
    from python_calamine import CalamineWorkbook

    from consolidate.write.summary import EXCEL_ROWS

    book = CalamineWorkbook.from_path(str(summary))
    details = [name for name in book.sheet_names if name.startswith("明细")]
    capacity = EXCEL_ROWS - 3  # title, subtitle, header
    # One sheet as today below the limit; past it 明细1, 明细2 …, at least as many as the rows need
    # (a sheet ends before a return that does not fit in it).
    if records <= capacity:
        split_ok = details == ["明细"]
    else:
        split_ok = details == [f"明细{n}" for n in range(1, len(details) + 1)] and len(details) >= -(
            -records // capacity
        )
    if not split_ok:
        raise AssertionError(f"明细 sheets {details} for {records:,} records")
    # Each sheet's extent, from its XML's <dimension> (reading a million rows back would take minutes).
    with zipfile.ZipFile(summary) as archive:
        order = re.findall(rb'<sheet name="([^"]+)"', archive.read("xl/workbook.xml"))
        spans = []
        for number, name in enumerate(order, start=1):
            if name.decode().startswith("明细"):
                with archive.open(f"xl/worksheets/sheet{number}.xml") as handle:
                    head = handle.read(2048)
                found = re.search(rb'<dimension ref="A1:[A-Z]+(\d+)"', head)
                if found is None:
                    raise AssertionError(f"{name.decode()}: no dimension")
                last = int(found[1])
                if last > EXCEL_ROWS:
                    raise AssertionError(f"{name.decode()}: {last} rows, more than {EXCEL_ROWS}")
                spans.append(last - 3)
    if sum(spans) != records:
        raise AssertionError(f"明细 sheets hold {sum(spans)} rows, expected {records}")
    table = pq.read_table(parquet)
    if table.num_rows != records:
        raise AssertionError(f"Parquet: {table.num_rows} rows, expected {records}")
    types = {field.name: str(field.type) for field in table.schema}
    expected = {"unit_code": "string", "item": "string", "done": "double", "finished": "date32[day]", "row": "int64"}
    if {k: types.get(k) for k in expected} != expected:
        raise AssertionError(f"Parquet types {types}")
    sums = {r["item"]: r["done_sum"] for r in table.group_by("item").aggregate([("done", "sum")]).to_pylist()}
    rows = book.get_sheet_by_name("汇总").to_python()
    header = rows[2]
    no, done = header.index("序号"), header.index("累计完成")
    shown = {str(row[no]): row[done] for row in rows[3:] if str(row[no]).isdigit()}
    for r in range(ROWS):
        if not math.isclose(shown[str(r + 1)], sums[f"T{r:02d}"], rel_tol=1e-12):
            raise AssertionError(f"T{r:02d}: 汇总 {shown[str(r + 1)]}, Parquet {sums[f'T{r:02d}']}")
    return (
        f"parquet check: {records:,} records; 明细 sheets {', '.join(details)} ({', '.join(f'{n:,}' for n in spans)} rows); "
        f"Parquet {table.num_rows:,} rows, types ok; 汇总's 累计完成 = Parquet sums for {ROWS} items"
    )


def job_templates(folder: Path, out: Path) -> None:
    from consolidate import write_templates
    from consolidate.spec import spec_from_json

    spec = spec_from_json((folder.parent / "report.json").read_text(encoding="utf-8"))
    write_templates(spec, out)


def job_templates_floor(folder: Path, out: Path) -> float:
    """N copies of one finished template, each written as templates are (temporary file, rename)."""
    from consolidate import write_templates
    from consolidate.spec import spec_from_json

    spec = spec_from_json((folder.parent / "report.json").read_text(encoding="utf-8"))
    one = out.parent / f"{out.name}-one"
    shutil.rmtree(one, ignore_errors=True)
    (first,) = write_templates(spec, one, [spec.units[0].code])
    data = first.read_bytes()
    out.mkdir(parents=True)
    started = time.perf_counter()
    for index in range(len(spec.units)):
        tmp = out / f".tmp-{index}.xlsx"
        tmp.write_bytes(data)
        os.replace(tmp, out / f"{index:06d}.xlsx")
    return time.perf_counter() - started


JOBS: dict[str, Callable[[Path, Path], float | None]] = {
    "floor": job_floor,
    "naive": job_naive,
    "api": job_api,
    "cli": job_cli,
    "status": job_status,
    "parquet": job_parquet,
    "re-merge": job_remerge,
    "templates": job_templates,
    "tpl-floor": job_templates_floor,
}


def _child(name: str, folder: str, out: str, queue: Any) -> None:
    try:
        started = time.perf_counter()
        timed = JOBS[name](Path(folder), Path(out))
        elapsed = timed if timed is not None else time.perf_counter() - started
    except BaseException as exc:  # told to the parent, which would otherwise wait for ever
        queue.put(f"{type(exc).__name__}: {exc}")
        raise
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put((elapsed, (_peak or max(own, children)) / 1024))


class JobFailed(Exception):
    pass


def run_once(name: str, folder: Path, rep: int) -> tuple[float, float]:
    """One run of a job in a fresh child process: (seconds, peak MB)."""
    ctx = mp.get_context("spawn")
    out = CACHE / "out" / f"{name}-{rep}"
    shutil.rmtree(out, ignore_errors=True)
    if name not in ("templates", "tpl-floor"):
        out.parent.mkdir(parents=True, exist_ok=True)
        out = out.with_suffix(".xlsx")
        out.unlink(missing_ok=True)
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, str(folder), str(out), queue))
    proc.start()
    got = queue.get()
    proc.join()
    if isinstance(got, str):
        raise JobFailed(got)
    elapsed, peak = got
    return elapsed, peak


def measure(name: str, folder: Path, reps: int) -> tuple[float, float]:
    runs = [run_once(name, folder, rep) for rep in range(reps)]
    return statistics.median(t for t, _ in runs), max(p for _, p in runs)


def measure_all(names: list[str], folder: Path, reps: int) -> dict[str, list[tuple[float, float]]]:
    """Every job's runs, taken in turns (floor, cli, floor, cli ...): a machine whose load
    changes during the benchmark slows each job alike, and the ratios of one turn compare runs
    made seconds apart. A job that fails is left out of the later turns."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for rep in range(reps):
        for name in names:
            if name not in runs:
                continue
            try:
                runs[name].append(run_once(name, folder, rep))
            except JobFailed as exc:
                hint = " (pip install -e '.[bench]' installs pandas)" if name == "naive" else ""
                print(f"{name}: failed, left out: {exc}{hint}", file=sys.stderr)
                del runs[name]
    return runs


def big_spec(rows: int) -> dict[str, Any]:
    spec = spec_dict(1)
    spec["rows"] = "open"
    spec["max_rows"] = rows
    spec["items"] = []
    for field in spec["fields"]:
        field.pop("source", None)
    return spec


def generate_big(rows: int) -> Path:
    """One unit's open list of ``rows`` rows, pasted into a plain workbook (no template)."""
    import xlsxwriter

    folder = CACHE / f"big{rows}" / "returns"
    stamp = CACHE / f"big{rows}" / "done"
    if stamp.exists():
        return folder
    shutil.rmtree(folder.parent, ignore_errors=True)
    folder.mkdir(parents=True)
    spec = big_spec(rows)
    (folder.parent / "report.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    book = xlsxwriter.Workbook(str(folder / "第0000号卫生院.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, ["填报单位", "第0000号卫生院"])
    sheet.write_row(1, 0, [f["label"] for f in spec["fields"]])
    rng = random.Random(rows)
    for r in range(rows):
        target = 100 + r % 400
        done = round(target * rng.uniform(0.3, 1.2))
        sheet.write_row(
            r + 2,
            0,
            [
                str(r + 1),
                f"{TASKS[r % 10]}（第{r // 10 + 1}批）",
                MEASURES[r % 10],
                target,
                done,
                None,
                round(rng.uniform(0, 500), 2),
                PROGRESS[r % 3].format(p=50),
                "正常",
                None,
            ],
        )
    book.close()
    stamp.write_text("ok\n")
    return folder


def scale_specs() -> dict[str, tuple[Path, str]]:
    """A province's spec (50,000 village clinics inline, an item naming each of them, per-unit
    targets for half) and a wide one (10,000 fields, half of them formulas, 1,000 rules), in YAML:
    name -> (file, what check says of it)."""
    import yaml

    folder = CACHE / "spec-scale"
    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"V{i:05d}" for i in range(50_000)]
    fields = [
        {"id": "task", "label": "事项", "source": "item"},
        {"id": "target", "label": "目标", "type": "number", "source": "item", "aggregate": "sum"},
        {"id": "done", "label": "完成", "type": "number", "min": 0},
        {"id": "rate", "label": "完成率", "type": "percent", "formula": "done / target"},
    ]
    province = {
        "version": 1,
        "report": {"id": "village-clinics", "title": "村卫生室基本情况", "period": "2025-Q3"},
        "units": [{"code": c, "name": f"第{i:05d}村卫生室", "contact": "张医生"} for i, c in enumerate(codes)],
        "items": [
            {"id": "A", "task": "基本药物配备", "target": 10},
            {"id": "B", "task": "家庭医生签约", "units": codes},
            {"id": "C", "task": "慢病随访", "target": {c: 3 for c in codes[::2]}},
        ],
        "fields": fields,
    }
    wide = {
        "version": 1,
        "report": {"id": "wide", "title": "栏目很多的报表", "period": "2025-Q3"},
        "units": [{"code": "A", "name": "甲"}],
        "items": [{"id": "1", "task": "一", "target": 5}],
        "fields": fields
        + [
            entry
            for i in range(4_998)
            for entry in (
                {"id": f"n{i}", "label": f"数量{i}", "type": "number", "min": 0},
                {"id": f"r{i}", "label": f"比例{i}", "type": "percent", "formula": f"n{i} / target"},
            )
        ][: 10_000 - len(fields)],
        "rules": [{"id": f"over{i}", "when": f"n{i} > target * 2", "message": "超过目标两倍"} for i in range(1_000)],
    }
    out = {}
    for name, data, says in (
        ("50,000 units", province, "50000 个单位，3 个事项，4 个栏目"),
        ("10,000 fields", wide, "1 个单位，1 个事项，10000 个栏目"),
    ):
        path = folder / f"{name.split()[1]}.yaml"
        if not path.exists():
            path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), "utf-8")
        out[name] = (path, says)
    return out


def spec_scale(reps: int) -> None:
    """`consolidate check` on a province's spec and a wide one, in a fresh process each time."""
    exe = Path(sys.executable).parent / "consolidate"
    print("\nconsolidate check (fresh process, median of", reps, "runs)")
    for name, (path, says) in scale_specs().items():
        times = []
        for _ in range(reps):
            started = time.perf_counter()
            done = subprocess.run([str(exe), "check", str(path)], capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - started)
            if says not in done.stdout:
                raise JobFailed(f"check {name}: {done.stdout or done.stderr}")
        print(f"{name:<14} {statistics.median(times):6.2f} s  ({path.stat().st_size / 1e6:.1f} MB of YAML)")


def _bytecode() -> None:
    """Our package's modules compiled to bytecode first, as an installed package has them: pip
    compiles a wheel's at install, and Python caches an editable install's at its first import,
    unless PYTHONDONTWRITEBYTECODE is set (as on this project's machines). Then every fresh
    process compiled our ~75 modules again: 0.1 s of each start and 0.3 s of a CLI merge of
    1,000 returns that no user's second run pays."""
    import compileall

    import consolidate

    compileall.compile_dir(str(Path(consolidate.__file__).parent), quiet=1)


def _use_cache(folder: Path) -> None:
    global CACHE
    CACHE = folder.resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, action="append", help="number of returns (repeatable; default 1000)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], help="jobs to skip, e.g. --skip naive")
    parser.add_argument("--big", type=int, default=0, help="also merge one open return of this many rows")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the generated returns are kept")
    parser.add_argument(
        "--spec-scale", action="store_true", help="time `consolidate check` on 50,000 units inline and 10,000 fields"
    )
    parser.add_argument(
        "--guard",
        type=float,
        default=0.0,
        help="exit 1 when the CLI merge takes more than this many times the floor run just before it (median of the turns; .ci/run: 3.5)",
    )
    args = parser.parse_args()
    _use_cache(args.cache)
    _bytecode()
    over: list[str] = []
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if args.spec_scale:
        spec_scale(args.reps)
        if not args.n and not args.big:
            return
    if args.big:
        folder = generate_big(args.big)
        seconds, peak = measure("api", folder, args.reps)
        print(f"\nOne open return of {args.big:,} rows x 10 fields: {seconds:.2f} s, peak {peak:.0f} MB")
    for n in args.n or ([] if args.big else [1000]):
        folder = generate(n)
        runs = measure_all([name for name in JOBS if name not in args.skip], folder, args.reps)
        results = {name: (statistics.median(t for t, _ in got), max(p for _, p in got)) for name, got in runs.items()}
        floor = results.get("floor", (float("nan"), 0))[0]
        naive = results.get("naive", (float("nan"), 0))[0]
        print(f"\nN = {n} returns x {ROWS} rows x 10 fields (median of {args.reps})")
        print(f"{'job':<10} {'seconds':>8} {'returns/s':>10} {'peak MB':>8} {'x floor':>8} {'naive/x':>8}")
        for name, (seconds, peak) in results.items():
            print(
                f"{name:<10} {seconds:8.3f} {n / seconds:10.0f} {peak:8.0f} {seconds / floor:8.2f} {naive / seconds:8.2f}"
            )
        if "templates" in results and "tpl-floor" in results:
            ratio = results["templates"][0] / results["tpl-floor"][0]
            print(f"templates: {ratio:.1f} x the templates' floor ({n} copies of one template written)")
        if args.guard and "cli" in runs and "floor" in runs:
            # The median of each turn's ratio: the CLI against the floor run just before it.
            ratio = statistics.median(c / f for (c, _), (f, _) in zip(runs["cli"], runs["floor"], strict=True))
            verdict = "over" if not ratio <= args.guard else "within"
            print(f"guard: the CLI merge at N = {n} is {ratio:.2f} x the floor, {verdict} {args.guard:g} x")
            if verdict == "over":
                over.append(f"N = {n}: {ratio:.2f} x")
    if over:
        sys.exit(f"The CLI merge is slower than {args.guard:g} x its floor: {', '.join(over)}")


if __name__ == "__main__":
    main()
