from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from consolidate.spec import Spec, load_spec

from .mailservers import SmtpSink

# The example of SPEC §2 with three units and items shared between them (per-unit targets).
SPEC_YAML = textwrap.dedent(
    """\
    version: 1
    report:
      id: key-work-2025q1
      title: 2025年第一季度重点工作完成情况
      issuer: 玉环市卫生健康局
      period: 2025-Q1
      deadline: 2025-04-15
    units:
      - {code: YZK, name: 医政医管科}
      - {code: JWK, name: 基层卫生科}
      - {code: LX, name: 龙溪镇卫生院}
    items:
      - {id: T1, no: "1", task: 健全院前急救体系, target: {YZK: 120, LX: 80}}
      - {id: T2, no: "2", task: 提速市公卫中心建设, units: 医政医管科, target: 10}
      - {id: T3, no: "3", task: 深化基层卫生综合试验区工作, units: "JWK、LX", target: 50}
    fields:
      - {id: no,       label: 序号,        type: text,    source: item}
      - {id: task,     label: 目标任务,    type: text,    source: item}
      - {id: target,   label: 年度目标,    type: number,  source: item, aggregate: sum}
      - {id: done,     label: 累计完成,    type: number,  required: true, min: 0, aggregate: sum}
      - {id: rate,     label: 完成率,      type: percent, formula: "done / target"}
      - {id: progress, label: 完成情况,    type: text,    required: true, max_length: 2000, aggregate: join}
      - {id: problems, label: 存在问题及解决建议, type: text, aggregate: join}
      - {id: status,   label: 完成情况自评, type: choice, choices: [超前, 正常, 滞后], required: true,
         aggregate: worst, order: [滞后, 正常, 超前]}
    rules:
      - {id: over-target, when: "done > target * 1.5", level: warning,
         message: 累计完成超过年度目标的150%，请核实}
      - {id: ahead-but-low, when: "status == '超前' and rate < 0.25", level: warning,
         message: 自评超前但完成率低于25%}
    """
)


def write_spec(folder: Path, text: str = SPEC_YAML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""
    with SmtpSink() as server:
        yield server


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI caches parsed files under XDG_CACHE_HOME: keep each test's cache to itself."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    return write_spec(tmp_path / "spec")


@pytest.fixture
def spec(spec_path: Path) -> Spec:
    return load_spec(spec_path)
