"""File names that work on every system, one per unit: no unit ever gets another unit's file."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from consolidate.common import sanitise_filename, unique_filenames
from consolidate.kinds.demo import fill_template
from consolidate.mail.remind import reminders, send_reminders
from consolidate.merge import merge_returns
from consolidate.spec import load_spec
from consolidate.write import write_feedback, write_templates

from .conftest import SPEC_YAML, write_spec

HOSTILE = ["a/b", "a:b", "a_b", "a b", "a?b", "A_B"]


@pytest.mark.parametrize(
    ("stem", "name"),
    [
        ("CON", "_CON.xlsx"),
        ("nul", "_nul.xlsx"),
        ("COM1", "_COM1.xlsx"),
        ("lpt1.txt", "_lpt1.txt.xlsx"),
        ("com1 ", "_com1.xlsx"),
        ("CONSOLE", "CONSOLE.xlsx"),
        ("  ..报表.. ", "报表.xlsx"),
        ("/:*?", "report.xlsx"),
        ("a\tb\nc", "a_b_c.xlsx"),
    ],
)
def test_names_windows_can_open(stem: str, name: str) -> None:
    assert sanitise_filename(stem, ".xlsx") == name


def test_long_names_fit_in_255_bytes_and_keep_their_suffix() -> None:
    title = "关于开展二〇二五年度全市基层医疗卫生机构综合绩效评价暨家庭医生签约服务质量考核工作的通知" * 2
    name = sanitise_filename(f"{title}_某某县人民医院医疗健康集团", "_反馈.xlsx")
    assert name.endswith("_反馈.xlsx") and name.startswith(title[:20])
    assert len(name.encode("utf-8")) <= 200 and len(name) <= 150
    assert len((".tmp-xxxxxxxx" + name).encode("utf-8")) <= 255
    ascii_name = sanitise_filename("x" * 300, ".xlsx")
    assert (len(ascii_name), ascii_name[-6:]) == (150, "x.xlsx")


def test_names_that_clash_get_the_code() -> None:
    wanted = [(str(i), f"t_{name}", f"00{i}") for i, name in enumerate(HOSTILE)]
    assert unique_filenames(wanted, ".xlsx") == {
        "0": "t_a_b.xlsx",
        "1": "t_a_b_001.xlsx",
        "2": "t_a_b_002.xlsx",
        "3": "t_a_b_003.xlsx",
        "4": "t_a_b_004.xlsx",
        "5": "t_A_B_005.xlsx",
    }
    long = "很长的单位名称" * 40
    names = unique_filenames([("1", long, "001"), ("2", long + "甲", "002")], ".xlsx")
    assert names["2"].endswith("_002.xlsx") and names["1"] != names["2"]


def _hostile_spec(tmp_path: Path) -> Path:
    units = "\n".join(f'  - {{code: U{i}, name: "{name}", email: u{i}@county.test}}' for i, name in enumerate(HOSTILE))
    head, rest = SPEC_YAML.split("units:\n", 1)
    items = rest[rest.index("items:") :]
    items = items.replace("target: {YZK: 120, LX: 80}", "target: 100").replace("units: 医政医管科, ", "")
    items = items.replace('units: "JWK、LX", ', "")
    mail = "mail:\n  sender: 办公室 <office@county.test>\n"
    return write_spec(tmp_path / "spec", f"{head}units:\n{units}\n{items}{mail}")


def test_each_unit_gets_its_own_template_feedback_and_reminder(tmp_path: Path) -> None:
    spec = load_spec(_hostile_spec(tmp_path))
    templates = write_templates(spec, tmp_path / "templates")
    assert len({p.name.lower() for p in templates}) == len(HOSTILE) == len(list((tmp_path / "templates").iterdir()))
    returns = tmp_path / "returns"
    returns.mkdir()
    for index, template in enumerate(templates):
        # Each unit types its own figure, with an error so that it gets feedback and a reminder.
        fill_template(template, returns / template.name, {"T1": {"done": f"约{index}"}})
    result = merge_returns(spec, [returns])
    written = write_feedback(result, tmp_path / "feedback")
    assert len(written) == len(HOSTILE) == len(list((tmp_path / "feedback").iterdir()))
    for unit, path in zip(spec.units, written, strict=True):
        meta = {r[0].value: r[1].value for r in openpyxl.load_workbook(path)["_consolidate"].iter_rows()}
        assert meta["unit_code"] == unit.code
    outbox = tmp_path / "outbox"
    found = reminders(spec, returns)
    send_reminders(spec, returns, feedback_dir=tmp_path / "feedback", outbox=outbox, found=found)
    messages = sorted(outbox.iterdir())
    assert len(messages) == len(HOSTILE)
    for unit in spec.units:
        (eml,) = [p for p in messages if p.name.startswith(f"{unit.code}_")]
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        (attachment,) = list(message.iter_attachments())
        assert isinstance(attachment, EmailMessage)
        data = attachment.get_content()
        path = tmp_path / "attached.xlsx"
        path.write_bytes(data)
        book = openpyxl.load_workbook(path)
        meta = {r[0].value: r[1].value for r in book["_consolidate"].iter_rows()}
        assert meta["unit_code"] == unit.code  # the unit's own file, with its own figures
        index = int(unit.code[1:])
        assert book["填报"]["D6"].value == f"约{index}"
